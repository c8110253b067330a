//! Our telemetry `trak` against the one a GoPro HERO5 wrote into corpus `karma.mp4`.

use telemux_read::mp4::NameStyle;
use telemux_testkit::corpus_or_skip;
use telemux_write::mp4::MetaTrack;

/// karma.mp4's gpmd trak (track 4): offset and size from a box walk of the corpus file,
/// whose sha256 the corpus MANIFEST pins.
const KARMA_TRAK: std::ops::Range<usize> = 4_126_201..4_126_201 + 506;

#[test]
fn telemetry_trak_matches_gopro_byte_for_byte() {
    let Some(corpus) = corpus_or_skip("telemetry_trak_matches_gopro_byte_for_byte") else {
        return;
    };
    let file = std::fs::read(corpus.join("gopro/karma.mp4")).unwrap();
    let gopro = &file[KARMA_TRAK];
    let sizes = [
        0x1e58, 0x1e90, 0x1db4, 0x1e64, 0x1e40, 0x1e94, 0x1e80, 0x1e94, 0x1e80, 0x1e94, 0x1e40,
        0x1e90, 0x0bec,
    ];
    let offsets = [
        0x0004ef35, 0x000a8ee8, 0x000febc0, 0x00148c94, 0x0019e5ae, 0x001f17f3, 0x00247c8f,
        0x00291491, 0x002e700e, 0x0033cb10, 0x00392937, 0x003de25a, 0x003e00fa,
    ];
    let track = MetaTrack {
        start: 0,
        track_id: 4,
        creation_time: 0xd51a_c7bd,
        movie_timescale: 90_000,
        timescale: 1000,
        handler_name: "GoPro MET",
        name_style: NameStyle::Pascal,
        sample_durations: &[1001; 13],
        sample_sizes: &sizes,
        chunk_offsets: &offsets,
    };
    assert_eq!(track.movie_duration(), 1_171_170);
    assert_eq!(track.to_bytes(), gopro);
}

#[test]
fn offsets_past_4_gib_switch_to_co64_and_long_times_to_version_1() {
    let track = MetaTrack {
        start: 0,
        track_id: 7,
        creation_time: 1 << 33,
        movie_timescale: 600,
        timescale: 1000,
        handler_name: "GoPro MET",
        name_style: NameStyle::CString,
        sample_durations: &[1000, 1000, 500],
        sample_sizes: &[10, 20, 30],
        chunk_offsets: &[100, 5 << 30, (5 << 30) + 20],
    };
    let bytes = track.to_bytes();
    let find = |kind: &[u8]| bytes.windows(4).position(|w| w == kind).unwrap();
    let co64 = find(b"co64");
    assert!(!bytes.windows(4).any(|w| w == b"stco"));
    assert_eq!(&bytes[co64 + 8..co64 + 12], &3u32.to_be_bytes());
    assert_eq!(&bytes[co64 + 20..co64 + 28], &(5u64 << 30).to_be_bytes());
    assert_eq!(bytes[find(b"tkhd") + 4], 1, "tkhd version");
    assert_eq!(bytes[find(b"mdhd") + 4], 1, "mdhd version");
    let stts = find(b"stts");
    assert_eq!(
        &bytes[stts + 8..stts + 24],
        &[0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0x03, 0xe8, 0, 0, 0, 1][..]
    );
    assert_eq!(track.movie_duration(), 1500);
    let hdlr = find(b"hdlr");
    assert_eq!(&bytes[hdlr + 28..hdlr + 38], b"GoPro MET\0");
}
