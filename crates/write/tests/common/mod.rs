//! Strategies for tracks, and comparisons, shared by the export tests; what the rewrite tests
//! compare of a file's tracks.

// Each test binary compiles this module and uses a different part of it.
#![allow(dead_code)]

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use telemux_read::{Fix, GpsPoint};
use time::OffsetDateTime;

/// A committed fixture (`fixtures/` at the workspace root).
pub fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(name)
}

/// What the rewrite tests compare of one track: handler type and name, first sample entry,
/// and every sample's bytes and duration, read where the sample table points.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackContent {
    pub handler: String,
    pub handler_name: String,
    pub entry: String,
    pub samples: Vec<(Vec<u8>, u32)>,
}

/// The [`TrackContent`] of every track of the file at `path`.
pub fn track_contents(path: &std::path::Path) -> Vec<TrackContent> {
    let mut file = std::fs::File::open(path).unwrap();
    let mp4 = telemux_read::mp4::Mp4::open(&mut file).unwrap();
    let tracks: Vec<_> = mp4.tracks().map(Result::unwrap).collect();
    tracks
        .iter()
        .map(|t| TrackContent {
            handler: t.hdlr.subtype.to_string(),
            handler_name: t.hdlr.name.clone(),
            entry: t.stsd.entries[0].kind.to_string(),
            samples: t
                .samples()
                .map(|s| {
                    let s = s.unwrap();
                    (t.read_sample(&mut file, &s).unwrap(), s.duration)
                })
                .collect(),
        })
        .collect()
}

/// Floats in `[low, high)` (which must hold 0): uniform ones with long shortest forms, the low
/// end, whole numbers, and tiny ones whose decimal form has hundreds of digits.
fn float_in(low: f64, high: f64) -> impl Strategy<Value = f64> {
    prop_oneof![
        6 => low..high,
        1 => Just(low),
        1 => (low as i64..high as i64).prop_map(|whole| whole as f64),
        1 => 0.0..1e-300,
    ]
}

/// UTC times from 1970 to 2100: whole seconds, milliseconds, or any nanosecond.
pub fn utc_time() -> impl Strategy<Value = OffsetDateTime> {
    let nanos = prop_oneof![
        Just(0u32),
        (0u32..1000).prop_map(|ms| ms * 1_000_000),
        0u32..1_000_000_000,
    ];
    (0i64..4_102_444_800, nanos).prop_map(|(seconds, nanos)| {
        let whole =
            OffsetDateTime::from_unix_timestamp(seconds).unwrap_or(OffsetDateTime::UNIX_EPOCH);
        whole.replace_nanosecond(nanos).unwrap_or(whole)
    })
}

fn fix() -> impl Strategy<Value = Fix> {
    prop_oneof![Just(Fix::None), Just(Fix::TwoD), Just(Fix::ThreeD)]
}

/// A point with only what GPX can carry (no `speed_3d`, no `media_time`).
pub fn gpx_point() -> impl Strategy<Value = GpsPoint> {
    (
        prop_oneof![float_in(-90.0, 90.0), Just(90.0)],
        float_in(-180.0, 180.0),
        option::of(float_in(-430.0, 8850.0)),
        option::of(utc_time()),
        option::of(float_in(0.0, 120.0)),
        option::of(float_in(0.0, 360.0)),
        option::of(fix()),
        option::of(float_in(0.0, 99.99)),
        option::of(0u32..64),
    )
        .prop_map(
            |(latitude, longitude, altitude, time, speed_2d, course, fix, dop, satellites)| {
                GpsPoint {
                    time,
                    altitude,
                    speed_2d,
                    course,
                    fix,
                    dop,
                    satellites,
                    ..GpsPoint::new(latitude, longitude)
                }
            },
        )
}

/// A point with every field CSV carries.
pub fn csv_point() -> impl Strategy<Value = GpsPoint> {
    (gpx_point(), option::of(float_in(0.0, 120.0)))
        .prop_map(|(point, speed_3d)| GpsPoint { speed_3d, ..point })
}

pub fn segments<S: Strategy<Value = GpsPoint>>(
    point: S,
) -> impl Strategy<Value = Vec<Vec<GpsPoint>>> {
    vec(vec(point, 0..12), 0..4)
}

/// Whether `read` is `written` to the precision GPX writes: exact, except numbers below 0.1
/// that are rounded to 17 decimal places.
pub fn same_as_written(written: f64, read: f64) -> bool {
    written == read || (written.abs() < 0.1 && (written - read).abs() <= 2e-17)
}

pub fn same_optional(written: Option<f64>, read: Option<f64>) -> bool {
    match (written, read) {
        (Some(w), Some(r)) => same_as_written(w, r),
        (w, r) => w == r,
    }
}

/// `same_as_written` for every number of a point; every other field must be equal.
pub fn same_point(written: &GpsPoint, read: &GpsPoint) -> bool {
    let numbers = |p: &GpsPoint| {
        [
            Some(p.latitude),
            Some(p.longitude),
            p.altitude,
            p.speed_2d,
            p.course,
            p.dop,
        ]
    };
    let others = |p: &GpsPoint| (p.time, p.media_time, p.speed_3d, p.fix, p.satellites);
    numbers(written)
        .into_iter()
        .zip(numbers(read))
        .all(|(w, r)| same_optional(w, r))
        && others(written) == others(read)
}

pub fn same_segments(written: &[Vec<GpsPoint>], read: &[Vec<GpsPoint>]) -> bool {
    written.len() == read.len()
        && written
            .iter()
            .zip(read)
            .all(|(w, r)| w.len() == r.len() && w.iter().zip(r).all(|(w, r)| same_point(w, r)))
}
