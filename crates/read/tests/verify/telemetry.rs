//! Telemetry checks on the shared model, through a real file: `clip.mov` carrying a TTAD GPS
//! track built point by point.

use telemux_read::verify::Status;

use crate::edit::{assert_check, fixture, int, number, options, report};
use crate::ttad_clip::{clip_with, drive, Point};

fn verify(points: &[Point]) -> telemux_read::verify::Report {
    report(&clip_with(points), &options(false))
}

#[test]
fn a_clean_track_passes_every_telemetry_check() {
    let r = verify(&drive(20, 10.0));
    let ttad = crate::edit::node(&clip_with(&drive(20, 10.0)), "moov/udta/TTMD");
    assert_check(
        &r,
        "telemetry_sources",
        Status::Pass,
        &format!(
            "TomTom TTAD at moov/udta/TTMD/TTAD ({} bytes; 20 GPS points)",
            ttad.header.size - 16
        ),
        int(1),
    );
    assert_check(
        &r,
        "sample_times",
        Status::Pass,
        "20 GPS points and 0 sensor streams in time order",
        int(0),
    );
    assert_check(
        &r,
        "gps_fix",
        Status::Pass,
        "20 of 20 GPS points have a 2D/3D fix (100.0 %)",
        Some(100.0.into()),
    );
    assert_check(&r, "gps_dop", Status::Skip, "the source gives no DOP", None);
    assert_check(
        &r,
        "gps_rate",
        Status::Pass,
        "10.00 Hz: 20 GPS points over 1.900 s",
        Some((19.0 / 1.9).into()),
    );
    assert_check(
        &r,
        "gps_coverage",
        Status::Pass,
        "GPS covers 1.90 s of the 2.00 s video (95.0 %)",
        Some(95.0.into()),
    );
    assert_check(
        &r,
        "gps_gaps",
        Status::Pass,
        "no gap over 1.00 s; longest interval 0.100 s",
        Some(0.1.into()),
    );
    assert_check(&r, "gpmf_payloads", Status::Skip, "no GPMF telemetry", None);
    assert_eq!(r.status(), Status::Pass, "{r:#?}");
}

#[test]
fn a_video_without_telemetry_warns_and_skips_the_gps_checks() {
    let r = report(&fixture("clip.mov"), &options(false));
    assert_check(
        &r,
        "telemetry_sources",
        Status::Warn,
        "no telemetry: looked for a GoPro GPMF track (gpmd samples starting with DEVC), a CAMM \
         track (camm sample entry), a TomTom Bandit moov/udta/TTMD/TTAD box, a Novatek moov/gps \
         index, and freeGPS blocks in mdat",
        int(0),
    );
    for id in [
        "sample_times",
        "gps_fix",
        "gps_rate",
        "gps_coverage",
        "gps_gaps",
    ] {
        assert_check(&r, id, Status::Skip, "no decoded telemetry", None);
    }
}

#[test]
fn an_unreadable_ttad_box_warns_telemetry_sources() {
    use telemux_testkit::{mp4_box, mp4_container};
    let ttmd = mp4_container(b"TTMD", &[mp4_box(b"TTAD", &[1, 2, 3])]);
    let bytes = crate::edit::insert_box(&fixture("clip.mov"), "moov/udta", &ttmd);
    let r = report(&bytes, &options(false));
    assert_check(
        &r,
        "telemetry_sources",
        Status::Warn,
        "TomTom TTAD at moov/udta/TTMD/TTAD (3 bytes; unreadable: moov/udta/TTMD/TTAD @0: the \
         3-byte payload holds neither a type table nor ExifTool's",
        int(1),
    );
    assert_check(&r, "gps_fix", Status::Skip, "no decoded telemetry", None);
}

#[test]
fn points_out_of_order_fail_sample_times() {
    let mut points = drive(20, 10.0);
    points.swap(5, 6);
    let r = verify(&points);
    assert_check(
        &r,
        "sample_times",
        Status::Fail,
        "GPS UTC time goes back 0.1 s at sample 6 (2019-03-05 07:52:58.600 → 2019-03-05 07:52:58.500) (and 1 more)",
        int(2),
    );
}

#[test]
fn points_without_fix_warn_gps_fix() {
    let mut points = drive(20, 10.0);
    for p in points.iter_mut().take(5) {
        p.mode = 1;
    }
    let r = verify(&points);
    assert_check(
        &r,
        "gps_fix",
        Status::Warn,
        "15 of 20 GPS points have a 2D/3D fix (75.0 %)",
        Some(75.0.into()),
    );
    for p in &mut points {
        p.mode = 0;
    }
    let r = verify(&points);
    assert_check(
        &r,
        "gps_fix",
        Status::Warn,
        "0 of 20 GPS points have a 2D/3D fix (0.0 %)",
        Some(0.0.into()),
    );
}

#[test]
fn a_sparse_track_warns_gps_rate() {
    let r = verify(&drive(2, 1.0 / 1.5));
    assert_check(
        &r,
        "gps_rate",
        Status::Warn,
        "0.67 Hz: 2 GPS points over 1.500 s",
        Some((1.0 / 1.5).into()),
    );
}

#[test]
fn a_track_covering_part_of_the_video_warns_gps_coverage() {
    let r = verify(&drive(6, 10.0));
    assert_check(
        &r,
        "gps_coverage",
        Status::Warn,
        "GPS covers 0.50 s of the 2.00 s video (25.0 %)",
        Some(25.0.into()),
    );
    let mut late = drive(10, 10.0);
    for p in &mut late {
        p.t_ms += 3000;
    }
    let r = verify(&late);
    assert_check(
        &r,
        "gps_coverage",
        Status::Fail,
        "GPS covers 0.00 s of the 2.00 s video (0.0 %)",
        Some(0.0.into()),
    );
}

#[test]
fn a_hole_in_the_track_warns_gps_gaps() {
    let points: Vec<Point> = drive(20, 10.0)
        .into_iter()
        .filter(|p| p.t_ms <= 500 || p.t_ms >= 1800)
        .collect();
    let r = verify(&points);
    assert_check(
        &r,
        "gps_gaps",
        Status::Warn,
        "1 gaps over 1.00 s; longest 1.30 s from 0.50 s into the track",
        Some(1.3.into()),
    );
    assert!((number(&r, "gps_coverage") - 30.0).abs() < 1e-9);
}
