//! Novatek dashcam GPS as a telemetry source: the `moov/gps ` index, and `freeGPS` blocks
//! standing as top-level `free` boxes.

use std::io::Cursor;

use telemux_read::model::GpsPoint;
use telemux_read::source;
use telemux_read::verify::{Status, TrackSummary};
use telemux_testkit::mp4_box;

use crate::edit::{assert_check, fixture, int, options, report};
use crate::novatek_support::containers::mp4;
use crate::novatek_support::encode::{novatek_at16, novatek_at48, rexing};
use crate::novatek_support::{vancouver, Fix};

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

/// What `extract` reads from `bytes` (through the library), in verify's brief form.
fn extracted(bytes: &[u8]) -> (usize, GpsPoint, GpsPoint) {
    let read = source::read(&mut Cursor::new(bytes), source::Options::default()).unwrap();
    let gps = read.telemetry.gps;
    (gps.len(), gps[0].clone(), gps[gps.len() - 1].clone())
}

/// Verify's track: its point count, first and last point.
fn verified(bytes: &[u8]) -> (usize, GpsPoint, GpsPoint) {
    let track: TrackSummary = report(bytes, &options(true))
        .track
        .expect("verify read a track");
    (track.points, track.first.unwrap(), track.last.unwrap())
}

#[track_caller]
fn assert_at(point: &GpsPoint, fix: &Fix, within: f64) {
    assert!(
        (point.latitude - fix.lat).abs() < within && (point.longitude - fix.lon).abs() < within,
        "({}, {}) is not ({}, {})",
        point.latitude,
        point.longitude,
        fix.lat,
        fix.lon
    );
    assert_eq!(point.time, Some(fix.time));
}

/// Issue 15: verify decoded a Rexing V1-4K file without the firmware's transform and checked
/// positions in the mid-Atlantic (3.60, -24.76) while extract gave Vancouver.
#[test]
fn a_rexing_v1_clip_is_verified_at_vancouver_as_extract_reads_it() {
    let fixes: Vec<Fix> = (0..12).map(|i| vancouver().later(i)).collect();
    let blocks: Vec<Vec<u8>> = fixes.iter().map(rexing).collect();
    let mut bytes = mp4(&blocks, true).bytes;
    // The firmware's own mark, as the Rexing V1-4K writes it: frea/ver 3.01.054.
    bytes.extend(mp4_box(b"frea", &mp4_box(b"ver ", b"3.01.054")));
    let (count, first, last) = verified(&bytes);
    assert_eq!(count, 12);
    // f32 holds 3·lat + 188 and 2·lon + 2199 to ~2.4e-4: ~1e-4° after the transform.
    assert_at(&first, &fixes[0], 1.5e-4);
    assert_at(&last, &fixes[11], 1.5e-4);
    assert_eq!((count, first, last), extracted(&bytes));
    assert_check(
        &report(&bytes, &options(true)),
        "sv_gps_points",
        Status::Pass,
        "12 GPS points",
        int(12),
    );
}

/// Issue 15: on a dashcam clip without a `moov/gps ` index verify reported no telemetry while
/// extract scanned `mdat` and read 12 points.
#[test]
fn a_clip_without_an_index_is_scanned_as_extract_scans_it() {
    let fixes: Vec<Fix> = (0..12).map(|i| vancouver().later(i)).collect();
    let blocks: Vec<Vec<u8>> = fixes.iter().map(novatek_at48).collect();
    let file = mp4(&blocks, false);
    let (count, first, last) = verified(&file.bytes);
    assert_eq!(count, 12);
    assert_at(&first, &fixes[0], 1e-5);
    assert_at(&last, &fixes[11], 1e-5);
    assert_eq!((count, first, last), extracted(&file.bytes));
    assert_check(
        &report(&file.bytes, &options(false)),
        "telemetry_sources",
        Status::Pass,
        "Novatek GPS at top-level mdat and free boxes (12 freeGPS blocks; 12 GPS points)",
        int(1),
    );
}
