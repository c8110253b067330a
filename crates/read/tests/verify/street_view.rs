//! `--street-view` checks, each passing on a clean TTAD track in `clip.mov` and failing on the
//! problem behind one of Street View's rejection reasons.

use telemux_read::verify::{Report, Status};
use telemux_testkit::mp4_box;

use crate::edit::{assert_check, fixture, insert_box, int, options, report, text};
use crate::ttad_clip::{clip_with, drive, set_creation, Point, T0};

/// The clean track with the movie created at the GPS start.
fn clean() -> Vec<u8> {
    let mut bytes = clip_with(&drive(20, 10.0));
    set_creation(&mut bytes, T0);
    bytes
}

fn street_view(bytes: &[u8]) -> Report {
    report(bytes, &options(true))
}

fn with_points(points: &[Point]) -> Report {
    let mut bytes = clip_with(points);
    set_creation(&mut bytes, T0);
    street_view(&bytes)
}

#[test]
fn a_clean_track_passes_the_street_view_checks() {
    let r = street_view(&clean());
    assert_check(&r, "sv_gps_points", Status::Pass, "20 GPS points", int(20));
    assert_check(
        &r,
        "sv_gps_gap",
        Status::Pass,
        "longest gap 0.10 s from the last point at 1.90 s to the video's end at 2.00 s; Street View allows 5 s",
        Some(0.1.into()),
    );
    assert_check(
        &r,
        "sv_time_overlap",
        Status::Pass,
        "GPS and video overlap for 1.90 s; GPS starts 0.0 s after the mvhd creation time 2019-03-05 07:52:58",
        Some(0.0.into()),
    );
    assert_check(
        &r,
        "sv_null_island",
        Status::Pass,
        "no GPS point at (0, 0)",
        int(0),
    );
    let jumps = r.check("sv_jumps").unwrap();
    assert_eq!(jumps.status, Status::Pass);
    assert!(
        jumps
            .message
            .starts_with("fastest implied speed 11.1 m/s, limit 150 m/s"),
        "{}",
        jumps.message
    );
    assert_check(
        &r,
        "sv_capture_time",
        Status::Pass,
        "latest GPS time 2019-03-05 07:52:59.900 is in the past",
        Some((T0 + 1.9 - 1_735_689_600.0).into()),
    );
    assert_check(
        &r,
        "sv_make_model",
        Status::Warn,
        "no camera make and model in moov/udta (©mak/©mod or manu/modl)",
        None,
    );
}

#[test]
fn ten_points_fail_sv_gps_points() {
    let r = with_points(&drive(10, 10.0));
    assert_check(
        &r,
        "sv_gps_points",
        Status::Fail,
        "10 GPS points; Street View needs more than 10 (INSUFFICIENT_GPS)",
        int(10),
    );
    let mut points = drive(20, 10.0);
    for p in points.iter_mut().skip(10) {
        p.mode = 1;
    }
    let r = with_points(&points);
    assert_check(
        &r,
        "sv_gps_points",
        Status::Fail,
        "10 GPS points (and 10 without a fix); Street View needs more than 10",
        int(10),
    );
}

#[test]
fn a_gap_over_5_s_fails_sv_gps_gap() {
    let points: Vec<Point> = drive(30, 1.0)
        .into_iter()
        .filter(|p| p.t_ms <= 5000 || p.t_ms >= 12_000)
        .collect();
    let r = with_points(&points);
    assert_check(
        &r,
        "sv_gps_gap",
        Status::Fail,
        "longest gap 7.00 s between GPS times 5.00 s and 12.00 s; Street View allows 5 s (GPS_DATA_GAP)",
        Some(7.0.into()),
    );
    let mut late = drive(20, 10.0);
    for p in &mut late {
        p.t_ms += 6000;
    }
    let r = with_points(&late);
    assert_check(
        &r,
        "sv_gps_gap",
        Status::Fail,
        "longest gap 6.00 s from the video's start to the first point at 6.00 s",
        Some(6.0.into()),
    );
}

#[test]
fn mvhd_in_local_time_warns_and_a_day_apart_fails_sv_time_overlap() {
    let mut bytes = clip_with(&drive(20, 10.0));
    set_creation(&mut bytes, T0 + 3600.0); // UTC+1, Freiburg in winter
    assert_check(
        &street_view(&bytes),
        "sv_time_overlap",
        Status::Warn,
        "no overlap as written: GPS starts 1 h 0 min 0 s before the mvhd creation time 2019-03-05 08:52:58, which looks like local time at UTC+1:00",
        Some((-3600.0).into()),
    );
    set_creation(&mut bytes, T0 - 8.0 * 3600.0 + 40.0);
    assert_check(
        &street_view(&bytes),
        "sv_time_overlap",
        Status::Warn,
        "GPS starts 7 h 59 min 20 s after the mvhd creation time 2019-03-04 23:53:38, which looks like local time at UTC-8:00",
        Some((8.0 * 3600.0 - 40.0).into()),
    );
    set_creation(&mut bytes, T0 - 3.0 * 86_400.0);
    assert_check(
        &street_view(&bytes),
        "sv_time_overlap",
        Status::Fail,
        "GPS and video times do not overlap: GPS starts 72 h 0 min 0 s after the mvhd creation time 2019-03-02 07:52:58 (NO_OVERLAP_GPS)",
        Some((3.0 * 86_400.0).into()),
    );
}

#[test]
fn a_point_at_null_island_fails_sv_null_island() {
    let mut points = drive(20, 10.0);
    points[7].latitude = 0.0;
    points[7].longitude = 0.0;
    points[7].mode = 1; // a fix at (0, 0) is dropped by the decoder; this one is kept
    let r = with_points(&points);
    assert_check(
        &r,
        "sv_null_island",
        Status::Fail,
        "1 of 20 GPS points are at (0, 0), the first is point 7 (INVALID_GPS)",
        int(1),
    );
}

#[test]
fn a_jump_fails_sv_jumps() {
    let mut points = drive(20, 10.0);
    // 1.1 km away for one tenth of a second: one stray fix, one jump (point 11 is judged
    // from point 9, as `extract --drop-outliers` judges it).
    points[10].latitude += 0.01;
    let r = with_points(&points);
    let check = r.check("sv_jumps").unwrap();
    assert_eq!(check.status, Status::Fail, "{check:#?}");
    assert!(
        check.message == "1 jump faster than 150 m/s; first: 1113.1 m in 0.100 s (11130.6 m/s) from point 9 to 10 (JUMPY_GPS)",
        "{}",
        check.message
    );
}

#[test]
fn max_speed_sets_the_jump_threshold() {
    let bytes = clean();
    let mut strict = options(true);
    strict.max_speed = 5.0;
    let r = report(&bytes, &strict);
    let check = r.check("sv_jumps").unwrap();
    assert_eq!(check.status, Status::Fail);
    assert!(
        check.message.starts_with(
            "19 jumps faster than 5 m/s; first: 1.1 m in 0.100 s (11.1 m/s) from point 0 to 1"
        ),
        "{}",
        check.message
    );
}

#[test]
fn a_capture_time_in_the_future_fails_sv_capture_time() {
    let mut points = drive(20, 10.0);
    for p in &mut points {
        p.utc += 40.0 * 365.25 * 86_400.0;
    }
    let r = with_points(&points);
    let check = r.check("sv_capture_time").unwrap();
    assert_eq!(check.status, Status::Fail, "{check:#?}");
    assert!(
        check.message.starts_with("GPS time 2059-03-05 "),
        "{}",
        check.message
    );
    assert!(
        check
            .message
            .ends_with(" in the future (INVALID_CAPTURE_TIME)"),
        "{}",
        check.message
    );
}

#[test]
fn make_and_model_in_udta_pass_sv_make_model() {
    let text_box = |kind: &[u8; 4], value: &str| {
        let mut body = (value.len() as u16).to_be_bytes().to_vec();
        body.extend(0x55c4u16.to_be_bytes());
        body.extend(value.as_bytes());
        mp4_box(kind, &body)
    };
    let bytes = insert_box(
        &fixture("clip.mov"),
        "moov/udta",
        &text_box(b"\xa9mak", "GoPro"),
    );
    let bytes = insert_box(&bytes, "moov/udta", &text_box(b"\xa9mod", "HERO8 Black"));
    let r = street_view(&bytes);
    assert_check(
        &r,
        "sv_make_model",
        Status::Pass,
        "make \"GoPro\", model \"HERO8 Black\" in moov/udta ©mak/©mod",
        text("GoPro HERO8 Black"),
    );
    let bytes = insert_box(
        &fixture("clip.mov"),
        "moov/udta",
        &mp4_box(b"manu", b"Insta360"),
    );
    let bytes = insert_box(&bytes, "moov/udta", &mp4_box(b"modl", b"ONE X2\0"));
    assert_check(
        &street_view(&bytes),
        "sv_make_model",
        Status::Pass,
        "make \"Insta360\", model \"ONE X2\" in moov/udta manu/modl",
        text("Insta360 ONE X2"),
    );
}
