//! Which GPS records become points, and which fields they carry.

use telemux_read::model::Fix;
use telemux_read::ttad::{decode, DecodeOptions, GpsRecord};

use crate::payload::{exiftool_rows, Payload};

fn fix(mode: u32, latitude: f64, longitude: f64) -> GpsRecord {
    GpsRecord {
        mode,
        latitude,
        longitude,
        ..exiftool_rows()[0]
    }
}

/// One record per case, each at its own second: (media time, record).
fn cases() -> Vec<u8> {
    let records = [
        fix(0, 0.0, 0.0),      // not seen
        fix(1, 51.5, -0.1),    // no fix, stale position
        fix(2, 52.25, 13.5),   // 2D: altitude undefined
        fix(3, 0.0, 0.0),      // a fix at 0,0 is a receiver placeholder
        fix(3, f64::NAN, 7.0), // never a coordinate
        fix(3, 91.0, 7.0),     // out of range
        GpsRecord {
            time: 0.0,
            satellites: -1,
            ..fix(3, -33.75, 151.25)
        },
    ];
    let mut payload = Payload::fixed76();
    for (i, record) in records.iter().enumerate() {
        payload.timecode(i as u32 * 1000).gps(record);
    }
    payload.bytes()
}

fn summary_of(points: &[telemux_read::GpsPoint]) -> Vec<(f64, f64, f64, Option<Fix>, bool)> {
    points
        .iter()
        .map(|p| {
            let t = p.media_time.unwrap();
            (t, p.latitude, p.longitude, p.fix, p.altitude.is_some())
        })
        .collect()
}

#[test]
fn only_2d_and_3d_fixes_with_a_real_position_become_points() {
    let decoded = decode(&cases(), &DecodeOptions::default()).unwrap();
    let gps = &decoded.telemetry.gps;
    assert_eq!(
        summary_of(gps),
        [
            (2.0, 52.25, 13.5, Some(Fix::TwoD), false),
            (6.0, -33.75, 151.25, Some(Fix::ThreeD), true),
        ]
    );
    assert_eq!(decoded.gps_dropped, 5);
    // A time of 0 and a negative satellite count are undefined, not values.
    assert_eq!((gps[1].time, gps[1].satellites), (None, None));
    assert_eq!(gps[0].satellites, Some(5));
    assert_eq!(gps[1].altitude, Some(242.0));
}

#[test]
fn unfixed_records_are_kept_when_asked_for() {
    let mut options = DecodeOptions::default();
    options.include_unfixed_gps = true;
    let decoded = decode(&cases(), &options).unwrap();
    assert_eq!(
        summary_of(&decoded.telemetry.gps),
        [
            (0.0, 0.0, 0.0, Some(Fix::None), false),
            (1.0, 51.5, -0.1, Some(Fix::None), false),
            (2.0, 52.25, 13.5, Some(Fix::TwoD), false),
            (6.0, -33.75, 151.25, Some(Fix::ThreeD), true),
        ]
    );
    assert_eq!(decoded.gps_dropped, 3);
}
