//! Interop with the npm readers most GoPro web tools are built on: `gpmf-extract` (finds the
//! `gpmd` track with mp4box.js) and `gopro-telemetry` (parses the GPMF), pinned in
//! tests/interop/node/package-lock.json and run by tests/interop/node/gpmf-points.js with
//! default options. They must decode every point telemux writes, with the values, times and
//! stream names telemux's own `extract` gives and the GPX asked for.
//!
//! What gopro-telemetry gives, measured on fixtures/ride.gpx (120 points at 10 Hz):
//! - lat/lon/alt/speeds: the same doubles as `telemux extract` (both divide the same integers
//!   by SCAL), so the comparison with telemux is exact; against the GPX they are within half
//!   a SCAL step (lat/lon 1e-7°, altitude 1 mm).
//! - `date` (GPS5): the payload's GPSU plus i × (next GPSU − GPSU) / samples, as a JS `Date`
//!   (whole milliseconds): exact to the millisecond here. The last payload has no next GPSU and
//!   reuses the previous payload's spacing.
//! - `date` (GPS9): from each sample's days and seconds, but the library takes the fraction
//!   as `(secs − floor(secs)) × 1000` in floating point and truncates, so 36000.1 s comes out
//!   as .099: dates are up to 1 ms early (a quirk of the library, not of the file).
//! - `cts` (ms on the video's timeline): from STMP (µs), spread over the samples with the next
//!   payload's STMP: equal to telemux's `media_time` to the microsecond.
//! - a GPS payload followed by payloads without GPS (telemux writes those for gaps): its
//!   samples' dates are spread over the previous payload's duration (1 s) instead of its own
//!   (the MP4 sample's, which `cts` does use), so the points before a gap are dated late.
//!   Positions and `cts` are right. A library quirk: a camera never writes a payload without
//!   GPS5, so its fallback guesses.
//! - with the `GPSPrecision` option (a DOP filter web tools offer), points whose DOP × 100 is
//!   above the threshold are dropped. telemux writes the GPX's `hdop` as GPSP (and GPS9's
//!   DOP), and without one `--dop` (default 4.0, GPSP 400): kept by a filter at 500 ("good"),
//!   dropped by one tuned for precise fixes (200).
//! - no warnings: GPSA is `MSLV`, so it does not try the EGM96 altitude correction (which
//!   prints "Could not fix altitude" without the optional `egm96-universal` package).

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use common::readers::{node_reader, ride_points};
use common::{extract_json, fixture, inject_ride_gpx, run, telemux};
use serde_json::Value;
use telemux_write::gpmf::GPS5_SCALE;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

const GPS5_NAME: &str = "GPS (Lat., Long., Alt., 2D speed, 3D speed)";

/// What gpmf-points.js prints for `video` with gopro-telemetry's default options.
fn node_read(video: &Path) -> Option<Value> {
    node_read_with(video, "{}")
}

/// What gpmf-points.js prints for `video` with these gopro-telemetry options (JSON).
fn node_read_with(video: &Path, options: &str) -> Option<Value> {
    let mut node = node_reader()?;
    node.arg(video).arg(options);
    Some(serde_json::from_str(&run(node)).unwrap())
}

/// One GPS sample, whichever reader decoded it.
#[derive(Debug, Clone, PartialEq)]
struct Point {
    lat: f64,
    lon: f64,
    alt: f64,
    speed_2d: f64,
    speed_3d: f64,
    /// UTC, milliseconds since 1970.
    time_ms: i64,
    /// Milliseconds on the video's timeline.
    media_ms: f64,
}

fn unix_ms(text: &str) -> i64 {
    let t = OffsetDateTime::parse(text, &Rfc3339).unwrap();
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap()
}

/// `telemux extract --format json`: the reference the npm readers are held to.
fn telemux_points(video: &Path) -> Vec<Point> {
    let json = extract_json(video);
    assert_eq!(json["device"], "telemux");
    json["gps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| Point {
            lat: p["latitude"].as_f64().unwrap(),
            lon: p["longitude"].as_f64().unwrap(),
            alt: p["altitude"].as_f64().unwrap(),
            speed_2d: p["speed_2d"].as_f64().unwrap(),
            speed_3d: p["speed_3d"].as_f64().unwrap(),
            time_ms: unix_ms(p["time"].as_str().unwrap()),
            media_ms: p["media_time"].as_f64().unwrap() * 1000.0,
        })
        .collect()
}

/// The points of gopro-telemetry's `key` stream (GPS5 or GPS9).
fn node_points(read: &Value, key: &str) -> Vec<Point> {
    read["gps"][key]["points"]
        .as_array()
        .unwrap_or_else(|| panic!("no {key} stream in {read}"))
        .iter()
        .map(|p| {
            let v = |i: usize| p["value"][i].as_f64().unwrap();
            Point {
                lat: v(0),
                lon: v(1),
                alt: v(2),
                speed_2d: v(3),
                speed_3d: v(4),
                time_ms: unix_ms(p["date"].as_str().unwrap()),
                media_ms: p["cts"].as_f64().unwrap(),
            }
        })
        .collect()
}

/// fixtures/ride.gpx resampled as inject does: (lat, lon, alt, UTC ms).
fn expected_ride_points() -> Vec<(f64, f64, f64, i64)> {
    ride_points()
        .iter()
        .map(|p| (p.lat, p.lon, p.alt, p.unix_ms()))
        .collect()
}

/// Largest differences seen, printed so the figures in docs can be re-measured with
/// `cargo test --test interop_node -- --nocapture`.
#[derive(Debug, Default)]
struct MaxDiff {
    lat: f64,
    lon: f64,
    alt: f64,
    speed: f64,
    time_ms: i64,
    media_ms: f64,
}

/// gopro-telemetry's points against the GPX (half a SCAL step) and against telemux's
/// `extract` (the same decoded values; `date_slack_ms` for the GPS9 date quirk).
fn assert_same_points(
    what: &str,
    node: &[Point],
    ours: &[Point],
    gpx: &[(f64, f64, f64, i64)],
    date_slack_ms: i64,
) {
    assert_eq!(node.len(), 120, "{what}: gopro-telemetry's point count");
    assert_eq!(
        ours.len(),
        node.len(),
        "{what}: telemux extract's point count"
    );
    assert_eq!(gpx.len(), node.len(), "{what}: the GPX's point count");
    let alt_step = 1.0 / f64::from(GPS5_SCALE[2]);
    let mut vs_gpx = MaxDiff::default();
    let mut vs_ours = MaxDiff::default();
    for (i, ((n, o), &(lat, lon, alt, time_ms))) in node.iter().zip(ours).zip(gpx).enumerate() {
        vs_gpx.lat = vs_gpx.lat.max((n.lat - lat).abs());
        vs_gpx.lon = vs_gpx.lon.max((n.lon - lon).abs());
        vs_gpx.alt = vs_gpx.alt.max((n.alt - alt).abs());
        vs_gpx.time_ms = vs_gpx.time_ms.max((n.time_ms - time_ms).abs());
        assert!(
            (n.lat - lat).abs() <= 1e-7 && (n.lon - lon).abs() <= 1e-7,
            "{what} point {i}: gopro-telemetry {n:?}, GPX ({lat}, {lon})"
        );
        assert!(
            (n.alt - alt).abs() <= alt_step,
            "{what} point {i}: gopro-telemetry altitude {}, GPX {alt}",
            n.alt
        );
        assert!(
            (0..=date_slack_ms).contains(&(time_ms - n.time_ms)),
            "{what} point {i}: gopro-telemetry date {} ms, GPX {time_ms} ms",
            n.time_ms
        );

        vs_ours.lat = vs_ours.lat.max((n.lat - o.lat).abs());
        vs_ours.lon = vs_ours.lon.max((n.lon - o.lon).abs());
        vs_ours.alt = vs_ours.alt.max((n.alt - o.alt).abs());
        vs_ours.speed = vs_ours
            .speed
            .max((n.speed_2d - o.speed_2d).abs())
            .max((n.speed_3d - o.speed_3d).abs());
        vs_ours.time_ms = vs_ours.time_ms.max((n.time_ms - o.time_ms).abs());
        vs_ours.media_ms = vs_ours.media_ms.max((n.media_ms - o.media_ms).abs());
        let same = |a: f64, b: f64| (a - b).abs() <= 1e-9;
        assert!(
            same(n.lat, o.lat)
                && same(n.lon, o.lon)
                && same(n.alt, o.alt)
                && same(n.speed_2d, o.speed_2d)
                && same(n.speed_3d, o.speed_3d),
            "{what} point {i}: gopro-telemetry {n:?}, telemux {o:?}"
        );
        assert!(
            (0..=date_slack_ms).contains(&(o.time_ms - n.time_ms)),
            "{what} point {i}: gopro-telemetry date {} ms, telemux {} ms",
            n.time_ms,
            o.time_ms
        );
        // STMP has microseconds.
        assert!(
            (n.media_ms - o.media_ms).abs() <= 1e-3,
            "{what} point {i}: gopro-telemetry cts {} ms, telemux media_time {} ms",
            n.media_ms,
            o.media_ms
        );
    }
    eprintln!(
        "{what}: 120 points; max |gopro-telemetry − GPX| lat {:e}° lon {:e}° alt {:e} m date {} ms; max |gopro-telemetry − telemux extract| {vs_ours:?}",
        vs_gpx.lat, vs_gpx.lon, vs_gpx.alt, vs_gpx.time_ms
    );
}

/// Everything but the points: one device named "telemux", the stream names, units and sticky
/// values GoPro cameras write, the track's timing, and not a word on the console.
fn assert_stream_metadata(what: &str, read: &Value, keys: &[&str]) {
    assert_eq!(read["warnings"], serde_json::json!([]), "{what}");
    assert_eq!(
        read["devices"],
        serde_json::json!({"1": "telemux"}),
        "{what}"
    );
    let mut streams = BTreeMap::new();
    streams.insert("GPS5", GPS5_NAME);
    if keys.contains(&"GPS9") {
        streams.insert(
            "GPS9",
            "GPS (Lat., Long., Alt., 2D, 3D, days, secs, DOP, fix)",
        );
    }
    assert_eq!(
        read["streams"],
        serde_json::json!({ "1": streams }),
        "{what}"
    );
    for key in keys {
        let gps = &read["gps"][key];
        assert_eq!(gps["name"], streams[key], "{what}");
        assert_eq!(
            gps["units"].as_array().unwrap()[..5],
            serde_json::json!(["deg", "deg", "m", "m/s", "m/s"])
                .as_array()
                .unwrap()[..],
            "{what} {key}"
        );
        // Sticky values are reported on the first sample and where they change.
        assert_eq!(
            gps["points"][0]["sticky"]["altitude system"], "MSLV",
            "{what} {key}"
        );
    }
    assert_eq!(
        read["gps"]["GPS5"]["points"][0]["sticky"]["fix"], 3,
        "{what}: GPSF"
    );
    assert_eq!(
        read["timing"]["start"], "2024-05-01T10:00:00.000Z",
        "{what}"
    );
    assert_eq!(read["timing"]["videoDuration"], 12, "{what}");
    let samples = read["timing"]["samples"].as_array().unwrap();
    assert_eq!(samples.len(), 12, "{what}: one GPMF payload per second");
    for (i, s) in samples.iter().enumerate() {
        assert_eq!(s["cts"], i * 1000, "{what}: payload {i}");
        assert_eq!(s["duration"], 1000, "{what}: payload {i}");
    }
}

fn assert_gopro_telemetry_agrees(what: &str, video: &Path) {
    let Some(read) = node_read(video) else {
        return;
    };
    assert_stream_metadata(what, &read, &["GPS5"]);
    assert_same_points(
        what,
        &node_points(&read, "GPS5"),
        &telemux_points(video),
        &expected_ride_points(),
        0,
    );
}

#[test]
fn moov_at_end_and_faststart_clips() {
    if node_reader().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for name in ["ride.mp4", "ride-faststart.mp4"] {
        let out = dir.path().join(name);
        inject_ride_gpx(&fixture(name), Some(&out), &[]);
        assert_gopro_telemetry_agrees(name, &out);
    }
}

#[test]
fn faststart_option_and_in_place() {
    if node_reader().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let fast = dir.path().join("fast.mp4");
    inject_ride_gpx(&fixture("ride.mp4"), Some(&fast), &["--faststart"]);
    assert_gopro_telemetry_agrees("--faststart", &fast);

    let copy = dir.path().join("in-place.mp4");
    fs::copy(fixture("ride.mp4"), &copy).unwrap();
    inject_ride_gpx(&copy, None, &["--in-place"]);
    assert_gopro_telemetry_agrees("--in-place", &copy);
}

#[test]
fn gps9_dates_come_from_every_sample() {
    if node_reader().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("gps9.mp4");
    inject_ride_gpx(&fixture("ride.mp4"), Some(&out), &["--gps9"]);
    let read = node_read(&out).unwrap();
    assert_stream_metadata("--gps9", &read, &["GPS5", "GPS9"]);
    let ours = telemux_points(&out);
    let expected = expected_ride_points();
    assert_same_points(
        "--gps9 GPS5",
        &node_points(&read, "GPS5"),
        &ours,
        &expected,
        0,
    );
    // See the module comment: gopro-telemetry's GPS9 dates can be 1 ms early.
    let gps9 = node_points(&read, "GPS9");
    assert_same_points("--gps9 GPS9", &gps9, &ours, &expected, 1);
    for (i, p) in read["gps"]["GPS9"]["points"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        // days since 2000, seconds of the day, DOP, fix: the GPX has no hdop, so the DOP is
        // --dop's default, 4.0 (read as the integer 4).
        let v = &p["value"];
        assert_eq!(v[5], 8887, "GPS9 point {i}: days since 2000-01-01");
        let secs = 36_000.0 + i as f64 / 10.0;
        assert!(
            (v[6].as_f64().unwrap() - secs).abs() < 1e-6,
            "GPS9 point {i}: {v}"
        );
        assert_eq!(
            (&v[7], &v[8]),
            (&serde_json::json!(4), &serde_json::json!(3)),
            "GPS9 point {i}"
        );
    }
}

#[test]
fn a_gap_and_the_precision_filter() {
    if node_reader().is_none() {
        return;
    }
    // 2.8 s of GPS with hdop, then a gap to the end of the video: payloads 0 and 1 have 10
    // samples, payload 2 has 8 (2.0 to 2.8 s), payloads 3 to 12 have no GPS.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("gap.mp4");
    telemux()
        .arg("inject")
        .arg(fixture("ride.mp4"))
        .arg("--gpx")
        .arg(fixture("gpx/phone-offsets-segments.gpx"))
        .args(["--sync", "first-point", "-o"])
        .arg(&out)
        .assert()
        .success();
    let read = node_read(&out).unwrap();
    assert_eq!(read["warnings"], serde_json::json!([]));
    let node = node_points(&read, "GPS5");
    let ours = telemux_points(&out);
    assert_eq!((node.len(), ours.len()), (28, 28));
    let gpsu_2 = unix_ms("2023-07-14T08:00:02.250Z");
    for (i, (n, o)) in node.iter().zip(&ours).enumerate() {
        let same = |a: f64, b: f64| (a - b).abs() <= 1e-9;
        assert!(
            same(n.lat, o.lat)
                && same(n.lon, o.lon)
                && same(n.alt, o.alt)
                && same(n.speed_2d, o.speed_2d)
                && same(n.speed_3d, o.speed_3d)
                && (n.media_ms - o.media_ms).abs() <= 1e-3,
            "point {i}: gopro-telemetry {n:?}, telemux {o:?}"
        );
        if i < 20 {
            assert_eq!(n.time_ms, o.time_ms, "point {i}");
        } else {
            // The quirk in the module comment: 1000 ms / 8 samples apart, not 100 ms.
            let k = i64::try_from(i - 20).unwrap();
            assert_eq!(o.time_ms, gpsu_2 + k * 100, "point {i}: telemux");
            assert_eq!(n.time_ms, gpsu_2 + k * 125, "point {i}: gopro-telemetry");
        }
    }

    // GPSP (from hdop) is in every payload, so the precision filter keeps every point...
    let filtered = node_read_with(&out, r#"{"GPSPrecision": 500}"#).unwrap();
    assert_eq!(node_points(&filtered, "GPS5"), node);
    // ...and without hdop GPSP is --dop's default, 400: a filter at 500 keeps every point,
    // one at 200 drops them all.
    let ride = dir.path().join("ride.mp4");
    inject_ride_gpx(&fixture("ride.mp4"), Some(&ride), &[]);
    let read = node_read(&ride).unwrap();
    assert_eq!(read["gps"]["GPS5"]["points"][0]["sticky"]["precision"], 400);
    let filtered = node_read_with(&ride, r#"{"GPSPrecision": 500}"#).unwrap();
    assert_eq!(node_points(&filtered, "GPS5").len(), 120);
    let filtered = node_read_with(&ride, r#"{"GPSPrecision": 200}"#).unwrap();
    assert_eq!(filtered["gps"], serde_json::json!({}), "{filtered}");
}
