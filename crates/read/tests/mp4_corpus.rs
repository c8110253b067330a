//! Golden tests on the GoPro corpus: the facts of `corpus/gopro/MANIFEST.md` ("MP4 container
//! facts"), measured there with ffprobe, ExifTool and a box walker.

use std::fs::File;
use std::path::Path;

use telemux_read::mp4::{BoxHeader, Mp4, NameStyle, Sample, Track};
use telemux_testkit::corpus_or_skip;
use time::macros::datetime;

fn open(path: &Path) -> (File, Mp4) {
    let mut file = File::open(path).expect("open corpus file");
    let mp4 = Mp4::open(&mut file).expect("parse");
    (file, mp4)
}

fn top_level(mp4: &Mp4) -> Vec<(String, u64, u64)> {
    mp4.top_level()
        .iter()
        .map(|h| (h.kind.to_string(), h.offset, h.size))
        .collect()
}

/// (handler subtype, sample entry type, handler name) of every track.
fn track_summary(tracks: &[Track]) -> Vec<(String, String, String)> {
    tracks
        .iter()
        .map(|t| {
            (
                t.hdlr.subtype.to_string(),
                t.stsd.entries[0].kind.to_string(),
                t.hdlr.name.clone(),
            )
        })
        .collect()
}

fn samples(track: &Track) -> Vec<Sample> {
    track.samples().collect::<Result<_, _>>().expect("samples")
}

/// Every sample of every track lies inside `mdat`.
fn assert_samples_in_mdat(mp4: &Mp4, tracks: &[Track]) {
    let mdat: &BoxHeader = mp4
        .top_level()
        .iter()
        .find(|h| h.kind.as_bytes() == b"mdat")
        .expect("mdat");
    for track in tracks {
        for sample in samples(track) {
            assert!(
                sample.offset >= mdat.body_offset(),
                "{} {sample:?}",
                track.node.path
            );
            assert!(
                sample.offset + u64::from(sample.size) <= mdat.end(),
                "{} {sample:?}",
                track.node.path
            );
        }
    }
}

/// Checks the gpmd track (track 4) and returns its samples.
fn check_gpmd_track(file: &mut File, track: &Track, name: &str) -> Vec<Sample> {
    assert_eq!(track.index, 3);
    assert_eq!(track.node.path, "moov/trak[3]");
    assert_eq!(track.tkhd.track_id, 4);
    assert_eq!(track.tkhd.flags, 0x00000F);
    assert_eq!(track.mdhd.timescale, 1000);
    assert_eq!(track.hdlr.component_type.to_string(), "mhlr");
    assert_eq!(track.hdlr.subtype.to_string(), "meta");
    assert_eq!(
        (track.hdlr.name.as_str(), track.hdlr.name_style),
        (name, NameStyle::Pascal)
    );
    assert_eq!(track.stsd.entries.len(), 1);
    let entry = &track.stsd.entries[0];
    assert_eq!(
        (
            entry.kind.to_string(),
            entry.bytes.len(),
            entry.data_reference_index
        ),
        ("gpmd".to_string(), 20, 1)
    );
    assert!(track.edits.is_none());
    assert!(!track.sample_table.chunk_offsets.is_64_bit());
    let stsc: Vec<_> = (0..track.sample_table.sample_to_chunk.len())
        .map(|i| track.sample_table.sample_to_chunk.get(i).unwrap())
        .map(|e| {
            (
                e.first_chunk,
                e.samples_per_chunk,
                e.sample_description_index,
            )
        })
        .collect();
    assert_eq!(stsc, [(1, 1, 1)]);
    let gmhd = track
        .node
        .child(b"mdia")
        .and_then(|m| m.child(b"minf"))
        .and_then(|m| m.child(b"gmhd"))
        .expect("gmhd");
    let kinds: Vec<(String, u64)> = gmhd
        .children()
        .iter()
        .map(|c| (c.kind().to_string(), c.header.size))
        .collect();
    assert_eq!(kinds, [("gmin".to_string(), 24), ("gpmd".to_string(), 12)]);

    let samples = samples(track);
    for sample in &samples {
        let payload = track.read_sample(file, sample).expect("read gpmd sample");
        assert_eq!(payload.len(), sample.size as usize);
        assert_eq!(&payload[..4], b"DEVC", "sample {}", sample.index);
    }
    samples
}

#[test]
fn karma_container_facts() {
    let Some(corpus) = corpus_or_skip("karma_container_facts") else {
        return;
    };
    let (mut file, mp4) = open(&corpus.join("gopro/karma.mp4"));
    assert_eq!(mp4.file_len(), 4_134_647);
    assert_eq!(
        top_level(&mp4),
        [
            ("ftyp".to_string(), 0, 20),
            ("mdat".to_string(), 20, 4_115_964),
            ("moov".to_string(), 4_115_984, 18_663),
        ]
    );
    let mvhd = mp4.mvhd().unwrap();
    assert_eq!((mvhd.timescale, mvhd.next_track_id), (90000, 6));
    // GoPro writes local time here; the value is returned as encoded.
    assert_eq!(
        mvhd.times.creation_utc(),
        Some(datetime!(2017-04-17 19:27:57 UTC))
    );

    let udta: Vec<String> = mp4
        .user_data()
        .unwrap()
        .items()
        .map(|(n, _)| n.kind().to_string())
        .collect();
    assert_eq!(
        udta,
        ["free", "FIRM", "LENS", "CAME", "SETT", "AMBA", "MUID", "HMMT", "BCID", "GUMI", "free"]
    );
    assert_eq!(
        mp4.user_data().unwrap().get(b"FIRM").unwrap(),
        b"HD5.02.02.00.00"
    );

    let tracks: Vec<Track> = mp4.tracks().collect::<Result<_, _>>().unwrap();
    let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    assert_eq!(
        track_summary(&tracks),
        [
            s("vide", "avc1", "GoPro AVC"),
            s("soun", "mp4a", "GoPro AAC"),
            s("tmcd", "tmcd", "GoPro TCD"),
            s("meta", "gpmd", "GoPro MET"),
            s("meta", "fdsc", "GoPro SOS"),
        ]
    );
    let video = &tracks[0];
    assert_eq!(video.sample_count(), 362);
    assert_eq!((video.tkhd.width, video.tkhd.height), (854.0, 480.0));
    let edits = video.edits.as_ref().unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0].media_time, 0);
    assert!(tracks[1..].iter().all(|t| t.edits.is_none()));

    let gpmd = check_gpmd_track(&mut file, &tracks[3], "GoPro MET");
    assert_eq!(gpmd.len(), 13);
    assert!(gpmd.iter().all(|s| s.duration == 1001));
    assert_eq!(gpmd[12].decode_time, 12 * 1001);
    assert_eq!(gpmd[12].decode_seconds, 12.012);
    let sizes: Vec<u32> = gpmd.iter().map(|s| s.size).collect();
    assert_eq!(
        (sizes.iter().min(), sizes.iter().max()),
        (Some(&3052), Some(&7828))
    );
    assert_eq!(sizes.iter().map(|&s| u64::from(s)).sum::<u64>(), 96440);
    assert_samples_in_mdat(&mp4, &tracks);
}

#[test]
fn max_heromode_container_facts() {
    let Some(corpus) = corpus_or_skip("max_heromode_container_facts") else {
        return;
    };
    let (mut file, mp4) = open(&corpus.join("gopro/max-heromode.mp4"));
    assert_eq!(
        top_level(&mp4),
        [
            ("ftyp".to_string(), 0, 20),
            ("mdat".to_string(), 20, 3_638_590),
            ("moov".to_string(), 3_638_610, 42_150),
        ]
    );
    assert_eq!(mp4.mvhd().unwrap().timescale, 90000);
    let user_data = mp4.user_data().unwrap();
    assert!(user_data.get(b"\xa9xyz").is_some());
    assert_eq!(user_data.get(b"GPMF").map(<[u8]>::len), Some(25600));

    let tracks: Vec<Track> = mp4.tracks().collect::<Result<_, _>>().unwrap();
    let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    assert_eq!(
        track_summary(&tracks),
        [
            s("vide", "avc1", "GoPro AVC  "),
            s("soun", "mp4a", "GoPro AAC  "),
            s("tmcd", "tmcd", "GoPro TCD  "),
            s("meta", "gpmd", "GoPro MET  "),
            s("meta", "fdsc", "GoPro SOS  "),
        ]
    );
    assert_eq!(tracks[0].sample_count(), 315);

    let gpmd = check_gpmd_track(&mut file, &tracks[3], "GoPro MET  ");
    assert_eq!(gpmd.len(), 11);
    let durations: Vec<u32> = gpmd.iter().map(|s| s.duration).collect();
    assert_eq!(
        durations,
        [1001, 1001, 1001, 1001, 1001, 1001, 1001, 1001, 1001, 1001, 533]
    );
    assert_eq!(gpmd[10].decode_time + 533, 10_543);
    let sizes: Vec<u32> = gpmd.iter().map(|s| s.size).collect();
    assert_eq!(
        (sizes.iter().min(), sizes.iter().max()),
        (Some(&4140), Some(&6292))
    );
    assert_eq!(sizes.iter().map(|&s| u64::from(s)).sum::<u64>(), 66328);
    assert_samples_in_mdat(&mp4, &tracks);
}
