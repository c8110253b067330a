//! GPMF checks and the GPS checks that need GoPro's facts (DOP), on the corpus GoPro files and
//! mutated copies of them.

use std::io::Cursor;
use std::path::Path;

use telemux_read::mp4::Mp4;
use telemux_read::verify::Status;
use telemux_testkit::corpus_or_skip;

use crate::edit::{assert_check, int, options, put_u32, report};

fn corpus_file(test: &str, name: &str) -> Option<Vec<u8>> {
    let dir = corpus_or_skip(test)?;
    Some(std::fs::read(Path::new(&dir).join("gopro").join(name)).expect("corpus file"))
}

/// (file offset, size) of every payload of the gpmd track.
fn payloads(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mp4 = Mp4::open(&mut Cursor::new(bytes)).unwrap();
    let track = mp4
        .tracks()
        .flatten()
        .find(|t| t.stsd.entries.iter().any(|e| e.kind.as_bytes() == b"gpmd"))
        .expect("gpmd track");
    track
        .samples()
        .map(|s| {
            let s = s.unwrap();
            (s.offset as usize, s.size as usize)
        })
        .collect()
}

/// File offset of the first `key` at or after `from` inside the payload `(start, size)`.
fn find_key(bytes: &[u8], (start, size): (usize, usize), key: &[u8; 4], from: usize) -> usize {
    bytes[from..start + size]
        .windows(4)
        .position(|w| w == key)
        .map(|i| from + i)
        .unwrap_or_else(|| panic!("no {} in payload at {start}", String::from_utf8_lossy(key)))
}

/// File offset of the TSMP value of the GPS5 stream of a payload: the TSMP nearest before
/// the GPS5 KLV belongs to its STRM.
fn gps5_tsmp(bytes: &[u8], payload: (usize, usize)) -> u64 {
    let gps5 = find_key(bytes, payload, b"GPS5", payload.0);
    let tsmp = bytes[payload.0..gps5]
        .windows(4)
        .rposition(|w| w == b"TSMP")
        .expect("TSMP before GPS5")
        + payload.0;
    tsmp as u64 + 8
}

fn get(bytes: &[u8], at: u64) -> u32 {
    u32::from_be_bytes(bytes[at as usize..at as usize + 4].try_into().unwrap())
}

#[test]
fn corpus_gopro_files_pass_every_check() {
    let Some(max) = corpus_file("corpus_gopro_files_pass_every_check", "max-heromode.mp4") else {
        return;
    };
    let r = report(&max, &options(false));
    assert_eq!(r.status(), Status::Pass, "{r:#?}");
    assert_eq!(r.tally().skip, 0);
    assert_check(
        &r,
        "telemetry_sources",
        Status::Pass,
        "GoPro GPMF at moov/trak[3] (11 payloads; 191 GPS points)",
        int(1),
    );
    assert_check(
        &r,
        "gpmf_payloads",
        Status::Pass,
        "all 11 GPMF payloads are valid",
        int(0),
    );
    assert_check(
        &r,
        "gpmf_tsmp",
        Status::Pass,
        "TSMP continuous in 15 streams over 165 readings",
        int(0),
    );
    assert_check(
        &r,
        "sample_times",
        Status::Pass,
        "191 GPS points and 0 sensor streams in time order",
        int(0),
    );
    assert_check(
        &r,
        "gps_fix",
        Status::Pass,
        "191 of 191 GPS points have a 2D/3D fix (100.0 %)",
        Some(100.0.into()),
    );
    assert_check(
        &r,
        "gps_dop",
        Status::Pass,
        "DOP median 1.54, max 1.77 over 191 points",
        Some(1.54.into()),
    );
    let longest = crate::edit::number(&r, "gps_gaps");
    assert!((longest - 0.059).abs() < 0.001, "{longest}");
    assert_check(
        &r,
        "gps_gaps",
        Status::Pass,
        "no gap over 1.00 s; longest interval 0.059 s",
        Some(longest.into()),
    );

    let karma = corpus_file("corpus_gopro_files_pass_every_check", "karma.mp4").unwrap();
    let r = report(&karma, &options(false));
    assert_eq!(r.status(), Status::Pass, "{r:#?}");
    assert_check(
        &r,
        "telemetry_sources",
        Status::Pass,
        "GoPro GPMF at moov/trak[3] (13 payloads; 47 GPS points)",
        int(1),
    );
    assert_check(
        &r,
        "gpmf_tsmp",
        Status::Pass,
        "TSMP continuous in 19 streams over 247 readings",
        int(0),
    );
    // GPRI (the Karma's GPS) has no DOP.
    assert_check(&r, "gps_dop", Status::Skip, "the source gives no DOP", None);
}

#[test]
fn gopro_files_with_street_view_warn_for_local_time_and_make() {
    let Some(max) = corpus_file(
        "gopro_files_with_street_view_warn_for_local_time_and_make",
        "max-heromode.mp4",
    ) else {
        return;
    };
    let r = report(&max, &options(true));
    assert_eq!(r.status(), Status::Warn, "{r:#?}");
    // mvhd says 15:45:32, the first GPSU 23:45:14: the MAX wrote Pacific time.
    let offset = crate::edit::number(&r, "sv_time_overlap");
    assert!((offset - 28_782.0).abs() < 1.0, "{offset}");
    assert_check(
        &r,
        "sv_time_overlap",
        Status::Warn,
        "GPS starts 7 h 59 min 42 s after the mvhd creation time 2019-11-18 15:45:32, which looks like local time at UTC-8:00",
        Some(offset.into()),
    );
    assert_check(
        &r,
        "sv_make_model",
        Status::Warn,
        "no camera make and model",
        None,
    );
    assert_check(
        &r,
        "sv_gps_points",
        Status::Pass,
        "191 GPS points",
        int(191),
    );
}

#[test]
fn a_damaged_payload_fails_gpmf_payloads() {
    let Some(mut max) = corpus_file("a_damaged_payload_fails_gpmf_payloads", "max-heromode.mp4")
    else {
        return;
    };
    let list = payloads(&max);
    let payload = list[2];
    let gps5 = find_key(&max, payload, b"GPS5", payload.0);
    max[gps5 + 4] = b'X'; // type 'l' -> 'X', not a GPMF type
    let r = report(&max, &options(false));
    let in_payload = gps5 - payload.0;
    assert_check(
        &r,
        "gpmf_payloads",
        Status::Fail,
        &format!(
            "1 of 11 GPMF payloads are invalid; payload 2 (byte {}): DEVC[0]/STRM[11]/GPS5 at byte {in_payload}: bad type: 'X' is not a GPMF type",
            payload.0
        ),
        int(1),
    );
}

#[test]
fn lost_samples_warn_and_reordered_payloads_fail_gpmf_tsmp() {
    let Some(good) = corpus_file(
        "lost_samples_warn_and_reordered_payloads_fail_gpmf_tsmp",
        "max-heromode.mp4",
    ) else {
        return;
    };
    let list = payloads(&good);
    let mut lost = good.clone();
    for &payload in &list[5..] {
        let at = gps5_tsmp(&lost, payload);
        let value = get(&lost, at);
        put_u32(&mut lost, at, value + 10);
    }
    assert_eq!(get(&good, gps5_tsmp(&good, list[4])), 90);
    let r = report(&lost, &options(false));
    assert_check(
        &r,
        "gpmf_tsmp",
        Status::Warn,
        "10 samples lost; first gap: GoPro Max GPS5: TSMP 119 in payload 5 after 90 in payload 4, which holds 19 samples (expected 109)",
        int(10),
    );
    let mut reordered = good.clone();
    let at = gps5_tsmp(&reordered, list[5]);
    put_u32(&mut reordered, at, 100);
    let r = report(&reordered, &options(false));
    assert_check(
        &r,
        "gpmf_tsmp",
        Status::Fail,
        "GoPro Max GPS5: TSMP 100 in payload 5 after 90 in payload 4, which holds 19 samples (expected 109): payloads out of order",
        int(9),
    );
}

#[test]
fn a_poor_dop_warns_gps_dop() {
    let Some(mut max) = corpus_file("a_poor_dop_warns_gps_dop", "max-heromode.mp4") else {
        return;
    };
    for payload in payloads(&max) {
        let gpsp = find_key(&max, payload, b"GPSP", payload.0);
        assert_eq!(
            &max[gpsp + 4..gpsp + 8],
            b"S\x02\x00\x01",
            "GPSP is one u16"
        );
        max[gpsp + 8..gpsp + 10].copy_from_slice(&900u16.to_be_bytes());
    }
    let r = report(&max, &options(false));
    assert_check(
        &r,
        "gps_dop",
        Status::Warn,
        "DOP median 9.00, max 9.00 over 191 points (good below 5)",
        Some(9.0.into()),
    );
}

#[test]
fn a_gpmd_track_that_is_not_gpmf_warns_telemetry_sources() {
    let Some(mut karma) = corpus_file(
        "a_gpmd_track_that_is_not_gpmf_warns_telemetry_sources",
        "karma.mp4",
    ) else {
        return;
    };
    let first = payloads(&karma)[0].0;
    assert_eq!(&karma[first..first + 4], b"DEVC");
    karma[first] = b'X';
    let r = report(&karma, &options(false));
    assert_check(
        &r,
        "telemetry_sources",
        Status::Warn,
        "moov/trak[3]: gpmd sample entry, but the first payload does not start with DEVC",
        int(0),
    );
    assert_check(&r, "gps_fix", Status::Skip, "no decoded telemetry", None);
}
