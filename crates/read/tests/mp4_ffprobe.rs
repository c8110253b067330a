//! Interop oracle: for every stream of the committed fixtures (and of the GoPro corpus when
//! present), the sample index must equal what `ffprobe -show_packets` reports: byte position,
//! size and decode timestamp of every packet.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use telemux_read::mp4::{Mp4, Track};
use telemux_testkit::{corpus_or_skip, external_tool};

/// (pos, size, dts) of one packet.
type Packet = (u64, u64, i64);

fn number(value: &Value) -> Option<i64> {
    value
        .as_i64()
        .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
}

/// Packets per stream, and each stream's codec tag, as ffprobe sees them.
fn ffprobe(path: &Path) -> (Vec<String>, Vec<Vec<Packet>>) {
    let output = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_streams",
            "-show_packets",
            "-of",
            "json",
        ])
        .arg(path)
        .output()
        .expect("run ffprobe");
    assert!(
        output.status.success(),
        "ffprobe failed on {}",
        path.display()
    );
    let json: Value = serde_json::from_slice(&output.stdout).expect("ffprobe JSON");
    let tags: Vec<String> = json["streams"]
        .as_array()
        .expect("streams")
        .iter()
        .map(|s| {
            s["codec_tag_string"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    let mut packets = vec![Vec::new(); tags.len()];
    for packet in json["packets"].as_array().expect("packets") {
        let stream = number(&packet["stream_index"]).expect("stream_index") as usize;
        packets[stream].push((
            number(&packet["pos"]).expect("pos") as u64,
            number(&packet["size"]).expect("size") as u64,
            number(&packet["dts"]).expect("dts"),
        ));
    }
    (tags, packets)
}

/// ffmpeg reports decode times on the movie timeline: shifted back by the media time where the
/// first edit starts (AAC priming, B-frame delay). Leading empty edits are not used by these
/// files.
fn edit_shift(track: &Track) -> i64 {
    match track.edits.as_deref() {
        None | Some([]) => 0,
        Some([first, ..]) => {
            assert!(
                first.media_time >= 0,
                "{}: leading empty edit not covered",
                track.node.path
            );
            first.media_time
        }
    }
}

fn ours(path: &Path) -> (Vec<String>, Vec<Vec<Packet>>) {
    let mut file = File::open(path).expect("open");
    let mp4 = Mp4::open(&mut file).expect("parse");
    let tracks: Vec<Track> = mp4.tracks().collect::<Result<_, _>>().expect("tracks");
    let tags = tracks
        .iter()
        .map(|t| t.stsd.entries[0].kind.to_string())
        .collect();
    let packets = tracks
        .iter()
        .map(|track| {
            let shift = edit_shift(track);
            track
                .samples()
                .map(|s| {
                    let s = s.expect("sample");
                    (s.offset, u64::from(s.size), s.decode_time as i64 - shift)
                })
                .collect()
        })
        .collect();
    (tags, packets)
}

fn assert_matches_ffprobe(path: &Path, expected_packets: &[usize]) {
    let (their_tags, theirs) = ffprobe(path);
    let (our_tags, ours) = ours(path);
    assert_eq!(our_tags, their_tags, "{}", path.display());
    let counts: Vec<usize> = ours.iter().map(Vec::len).collect();
    assert_eq!(counts, expected_packets, "{}", path.display());
    for (stream, (a, b)) in ours.iter().zip(&theirs).enumerate() {
        assert_eq!(a.len(), b.len(), "{} stream {stream}", path.display());
        if let Some(i) = (0..a.len()).find(|&i| a[i] != b[i]) {
            panic!(
                "{} stream {stream} packet {i}: telemux (pos, size, dts) {:?}, ffprobe {:?}",
                path.display(),
                a[i],
                b[i]
            );
        }
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(name)
}

#[test]
fn fixtures_match_ffprobe() {
    if external_tool("ffprobe").is_none() {
        return;
    }
    for name in ["clip-moov-end.mp4", "clip-faststart.mp4", "clip.mov"] {
        assert_matches_ffprobe(&fixture(name), &[30, 45]);
    }
}

#[test]
fn gopro_corpus_matches_ffprobe() {
    let Some(corpus) = corpus_or_skip("gopro_corpus_matches_ffprobe") else {
        return;
    };
    if external_tool("ffprobe").is_none() {
        return;
    }
    let gopro = corpus.join("gopro");
    assert_matches_ffprobe(&gopro.join("karma.mp4"), &[362, 566, 1, 13, 943]);
    assert_matches_ffprobe(&gopro.join("max-heromode.mp4"), &[315, 493, 1, 11, 821]);
}
