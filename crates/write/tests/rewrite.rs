//! The MP4 rewrite on real ffmpeg-made files: every original sample stays byte-identical, the
//! telemetry track reads back, and each layout mode puts moov and mdat where it says.

mod common;

use std::fs::File;
use std::path::Path;

use common::{fixture, track_contents};

use telemux_read::mp4::Mp4;
use telemux_write::gpmf::Gpmf;
use telemux_write::mp4::{
    prepare, MoovPlacement, RewriteError, RewriteOptions, Target, TelemetryTrack,
};
use telemux_write::track_format::TrackFormat;

/// (handler, sample entry, samples) of every track.
fn tracks(path: &Path) -> Vec<(String, String, Vec<Vec<u8>>)> {
    track_contents(path)
        .into_iter()
        .map(|t| {
            let samples = t.samples.into_iter().map(|(bytes, _)| bytes).collect();
            (t.handler, t.entry, samples)
        })
        .collect()
}

fn top_level(path: &Path) -> Vec<String> {
    let mp4 = Mp4::open(&mut File::open(path).unwrap()).unwrap();
    mp4.top_level().iter().map(|h| h.kind.to_string()).collect()
}

fn telemetry() -> TelemetryTrack {
    TelemetryTrack {
        start_ms: 0,
        samples: vec![
            b"DEVC\0\x01\0\x04abcd".to_vec(),
            b"DEVC\0\x01\0\x08abcdefgh".to_vec(),
        ],
        durations_ms: vec![1000, 1000],
    }
}

fn rewrite(input: &Path, options: &RewriteOptions) -> tempfile::NamedTempFile {
    let mut file = File::open(input).unwrap();
    let mp4 = Mp4::open(&mut file).unwrap();
    let prepared = prepare(&mp4, &telemetry(), options).unwrap();
    let out = tempfile::NamedTempFile::new().unwrap();
    let mut progress = 0;
    prepared
        .write_copy(&mut file, &mut out.reopen().unwrap(), &mut |n| progress = n)
        .unwrap();
    assert_eq!(progress, prepared.output_size());
    assert_eq!(
        out.as_file().metadata().unwrap().len(),
        prepared.output_size()
    );
    out
}

fn assert_added(before: &Path, after: &Path) {
    let old = tracks(before);
    let new = tracks(after);
    assert_eq!(new.len(), old.len() + 1);
    assert_eq!(new[..old.len()], old[..], "original samples changed");
    let (handler, entry, samples) = &new[old.len()];
    assert_eq!((handler.as_str(), entry.as_str()), ("meta", "gpmd"));
    assert_eq!(samples, &telemetry().samples);
}

/// The 32-bit size of the top-level box at `offset`.
fn size_at(bytes: &[u8], offset: usize) -> u32 {
    u32::from_be_bytes(bytes[offset..offset + 4].try_into().unwrap())
}

#[test]
fn moov_at_end_the_telemetry_joins_the_mdat() {
    let input = fixture("clip-moov-end.mp4");
    let out = rewrite(&input, &RewriteOptions::default());
    assert_added(&input, out.path());
    assert_eq!(top_level(&input), ["ftyp", "free", "mdat", "moov"]);
    // One mdat before the moov: GoPro's parser stops after the second mdat/moov it meets.
    assert_eq!(top_level(out.path()), ["ftyp", "free", "mdat", "moov"]);
    // Media did not move: the file up to the old moov is unchanged but for the mdat's size,
    // which grew by the telemetry's 28 bytes, and the telemetry follows the media.
    let (a, b) = (
        std::fs::read(&input).unwrap(),
        std::fs::read(out.path()).unwrap(),
    );
    let moov_at = a.len() - 2429;
    assert_eq!(size_at(&a, 40), 12946);
    assert_eq!(size_at(&b, 40), 12946 + 28);
    assert_eq!(a[44..moov_at], b[44..moov_at]);
    assert_eq!(&b[moov_at..moov_at + 12], b"DEVC\0\x01\0\x04abcd");
}

#[test]
fn faststart_keeps_moov_first_and_shifts_the_media() {
    let input = fixture("clip-faststart.mp4");
    let out = rewrite(&input, &RewriteOptions::default());
    assert_added(&input, out.path());
    assert_eq!(top_level(out.path())[..2], ["ftyp", "moov"]);
}

#[test]
fn front_placement_moves_moov_before_the_media() {
    for name in ["clip-moov-end.mp4", "clip.mov"] {
        let input = fixture(name);
        let mut options = RewriteOptions::default();
        options.target = Target::Copy(MoovPlacement::Front);
        let out = rewrite(&input, &options);
        assert_added(&input, out.path());
        let order = top_level(out.path());
        let moov = order.iter().position(|k| k == "moov").unwrap();
        let mdat = order.iter().position(|k| k == "mdat").unwrap();
        assert!(moov < mdat, "{name}: {order:?}");
    }
}

#[test]
fn in_place_grows_the_mdat_over_the_old_moov() {
    let input = fixture("clip-moov-end.mp4");
    let copy = tempfile::NamedTempFile::new().unwrap();
    std::fs::copy(&input, copy.path()).unwrap();
    let original = std::fs::read(&input).unwrap();
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(copy.path())
        .unwrap();
    let mp4 = Mp4::open(&mut file).unwrap();
    let mut options = RewriteOptions::default();
    options.target = Target::InPlace;
    let prepared = prepare(&mp4, &telemetry(), &options).unwrap();
    prepared.write_in_place(&mut file).unwrap();
    drop(file);
    assert_added(&input, copy.path());
    let after = std::fs::read(copy.path()).unwrap();
    assert_eq!(after.len() as u64, prepared.output_size());
    // Among the original bytes only the mdat's size changed: it now ends where the new moov
    // starts, after the old moov, the staging box's header and mark, and the telemetry.
    let moov_at = original.len() + 8 + 16 + 28;
    assert_eq!(size_at(&after, 40) as usize, moov_at - 40);
    let mut expected = original.clone();
    expected[40..44].copy_from_slice(&after[40..44]);
    assert_eq!(after[..original.len()], expected[..]);
    assert_eq!(&after[moov_at + 4..moov_at + 8], b"moov");
    assert_eq!(top_level(copy.path()), ["ftyp", "free", "mdat", "moov"]);
}

#[test]
fn in_place_refuses_a_moov_first_file() {
    let mut file = File::open(fixture("clip-faststart.mp4")).unwrap();
    let mp4 = Mp4::open(&mut file).unwrap();
    let mut options = RewriteOptions::default();
    options.target = Target::InPlace;
    let err = prepare(&mp4, &telemetry(), &options).unwrap_err();
    assert!(matches!(err, RewriteError::InPlaceNeedsMoovAtEnd));
    // The library says what happened; the CLI names the flags (`-o` instead of `--in-place`).
    let text = err.to_string();
    assert!(text.starts_with("writing in place needs the moov box after the media"));
    assert!(!text.contains("--") && !text.contains("-o"), "{text}");
}

#[test]
fn existing_telemetry_is_refused_unless_replaced() {
    let Some(corpus) = telemux_testkit::corpus_or_skip("existing_telemetry_is_refused") else {
        return;
    };
    let input = corpus.join("gopro/karma.mp4");
    let mut file = File::open(&input).unwrap();
    let mp4 = Mp4::open(&mut file).unwrap();
    // The camera's gpmd track (its first sample starts with DEVC) and nothing else.
    let existing = Gpmf.existing_tracks(&mp4, &mut file).unwrap();
    assert_eq!(existing, [3]);
    let mut found = RewriteOptions::default();
    found.existing_tracks = existing;
    let err = prepare(&mp4, &telemetry(), &found).unwrap_err();
    assert_eq!(
        err.to_string(),
        "already has GPMF telemetry (moov/trak[3], track id 4)"
    );
    let mut options = found;
    options.replace = true;
    let out = rewrite(&input, &options);
    let old = tracks(&input);
    let new = tracks(out.path());
    let kinds: Vec<&str> = new.iter().map(|t| t.1.as_str()).collect();
    assert_eq!(kinds, ["avc1", "mp4a", "tmcd", "fdsc", "gpmd"]);
    for (a, b) in [(0, 0), (1, 1), (2, 2), (4, 3)] {
        assert_eq!(old[a].2, new[b].2, "track {a} changed");
    }
    assert_eq!(new[4].2, telemetry().samples);
    // mvhd's next_track_ID was 6 in the camera file; ours takes it and moves it on.
    let mp4 = Mp4::open(&mut File::open(out.path()).unwrap()).unwrap();
    assert_eq!(mp4.mvhd().unwrap().next_track_id, 7);
    let last = mp4.tracks().last().unwrap().unwrap();
    assert_eq!(last.tkhd.track_id, 6);
    assert_eq!(last.hdlr.name, "GoPro MET");
}

#[test]
fn user_data_items_are_set() {
    let input = fixture("clip-moov-end.mp4");
    let mut options = RewriteOptions::default();
    options.user_data = vec![(*b"\xa9mak", "Acme".into()), (*b"\xa9mod", "Cam 1".into())];
    let out = rewrite(&input, &options);
    let mp4 = Mp4::open(&mut File::open(out.path()).unwrap()).unwrap();
    let udta = mp4.user_data().unwrap();
    assert_eq!(udta.get(b"\xa9mak"), Some(&b"\x00\x04\x55\xc4Acme"[..]));
    assert_eq!(udta.get(b"\xa9mod"), Some(&b"\x00\x05\x55\xc4Cam 1"[..]));
}
