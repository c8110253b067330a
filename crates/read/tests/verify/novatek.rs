//! Novatek dashcam GPS as a telemetry source: the `moov/gps ` index, and `freeGPS` blocks
//! standing as top-level `free` boxes.

use telemux_read::verify::Status;

use crate::edit::{assert_check, fixture, int, options, report};
use crate::novatek_support::containers::mp4;
use crate::novatek_support::encode::novatek_at16;
use crate::novatek_support::vancouver;

/// Ten 1-Hz Viofo A119 V3 blocks.
fn blocks() -> Vec<Vec<u8>> {
    (0..10)
        .map(|i| novatek_at16(&vancouver().later(i)))
        .collect()
}

#[test]
fn an_indexed_dashcam_track_is_found_and_checked() {
    let file = mp4(&blocks(), true);
    let r = report(&file.bytes, &options(true));
    assert_check(
        &r,
        "telemetry_sources",
        Status::Pass,
        "Novatek GPS at moov/gps  (10 indexed blocks; 10 GPS points)",
        int(1),
    );
    assert_check(
        &r,
        "gps_rate",
        Status::Pass,
        "1.00 Hz: 10 GPS points over 9.000 s",
        Some(1.0.into()),
    );
    assert_check(
        &r,
        "sv_gps_points",
        Status::Fail,
        "10 GPS points; Street View needs more than 10",
        int(10),
    );
    assert_check(
        &r,
        "sv_gps_gap",
        Status::Pass,
        "longest gap 1.00 s between GPS times 8.00 s and 9.00 s into the track",
        Some(1.0.into()),
    );
    // Dashcam points carry UTC times only, not positions on the video's timeline.
    assert_check(
        &r,
        "gps_coverage",
        Status::Skip,
        "GPS points are not placed on the video's timeline",
        None,
    );
    assert_check(
        &r,
        "sv_capture_time",
        Status::Pass,
        "latest GPS time 2019-09-27 05:47:12 is in the past",
        Some((1_569_563_232.0 - 1_735_689_600.0).into()),
    );
}

#[test]
fn free_gps_boxes_at_the_top_level_are_found() {
    let mut bytes = fixture("clip-moov-end.mp4");
    for block in blocks() {
        bytes.extend(block);
    }
    let r = report(&bytes, &options(false));
    assert_check(
        &r,
        "telemetry_sources",
        Status::Pass,
        "Novatek GPS at top-level mdat and free boxes (10 freeGPS blocks; 10 GPS points)",
        int(1),
    );
    assert_check(
        &r,
        "box_structure",
        Status::Pass,
        "14 top-level boxes",
        int(14),
    );
}
