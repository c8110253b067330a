//! Issue 15, item 6: `verify` and `extract` find the same telemetry in every corpus and
//! fixture file (and in `inject`'s output of the ride, and a CAMM track): the same number of GPS points, the
//! same first and last positions and times. `verify` runs through the library (its report's
//! `track`), `extract` through the CLI (`--format json`, which keeps points without a fix).

mod common;

use std::fs::File;
use std::path::{Path, PathBuf};

use common::{corpus_or_skip, fixture, inject_ride_gpx, telemux};
use serde_json::Value;
use telemux_read::verify::{self, TrackSummary};
use telemux_read::GpsPoint;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Degrees: the JSON export writes 7 decimals (about 1 cm).
const POSITION: f64 = 5e-8;

/// What a reader found: point count, first and last (latitude, longitude, UTC time).
type Found = (usize, Option<Point>, Option<Point>);
type Point = (f64, f64, Option<OffsetDateTime>);

fn point(p: &GpsPoint) -> Point {
    (p.latitude, p.longitude, p.time)
}

fn verified(path: &Path) -> Found {
    let mut file = File::open(path).unwrap();
    let report = verify::verify(&mut file, &verify::Options::default())
        .unwrap_or_else(|e| panic!("{}: verify: {e}", path.display()));
    match report.track {
        Some(TrackSummary {
            points,
            first,
            last,
            ..
        }) => (points, first.as_ref().map(point), last.as_ref().map(point)),
        None => (0, None, None),
    }
}

fn json_point(p: &Value) -> Point {
    let time = p["time"]
        .as_str()
        .map(|t| OffsetDateTime::parse(t, &Rfc3339).unwrap());
    (
        p["latitude"].as_f64().unwrap(),
        p["longitude"].as_f64().unwrap(),
        time,
    )
}

/// `telemux extract --format json`: its points, or none when it found no telemetry.
fn extracted(path: &Path) -> Found {
    let out = telemux()
        .arg("extract")
        .arg(path)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        assert!(
            stderr.contains("no GPS telemetry found") || stderr.contains("no GPS points"),
            "{}: extract failed: {stderr}",
            path.display()
        );
        return (0, None, None);
    }
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let gps = json["gps"].as_array().unwrap();
    (
        gps.len(),
        gps.first().map(json_point),
        gps.last().map(json_point),
    )
}

#[track_caller]
fn assert_same_point(path: &Path, which: &str, verified: Option<Point>, extracted: Option<Point>) {
    let what = format!("{}: {which} point", path.display());
    match (verified, extracted) {
        (None, None) => {}
        (Some((lat, lon, time)), Some((x_lat, x_lon, x_time))) => {
            assert!(
                (lat - x_lat).abs() < POSITION && (lon - x_lon).abs() < POSITION,
                "{what}: verify ({lat}, {lon}), extract ({x_lat}, {x_lon})"
            );
            // The JSON export writes nanoseconds.
            assert_eq!(time, x_time, "{what}");
        }
        (v, x) => panic!("{what}: verify {v:?}, extract {x:?}"),
    }
}

/// Asserts the agreement on each file; returns the point counts, for the caller to check
/// that the files held what they should.
fn assert_agree(files: &[PathBuf]) -> Vec<usize> {
    files
        .iter()
        .map(|path| {
            let (count, first, last) = verified(path);
            let (x_count, x_first, x_last) = extracted(path);
            assert_eq!(count, x_count, "{}: GPS points", path.display());
            assert_same_point(path, "first", first, x_first);
            assert_same_point(path, "last", last, x_last);
            count
        })
        .collect()
}

/// Every file below `dir` with one of these name endings, sorted.
fn files_below(dir: &Path, endings: &[&str]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files_below(&path, endings));
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| endings.contains(&e.to_ascii_lowercase().as_str()))
        {
            found.push(path);
        }
    }
    found.sort();
    found
}

#[test]
fn verify_and_extract_agree_on_the_fixtures_and_injected_output() {
    let mut files = files_below(&fixture(""), &["mp4", "mov"]);
    assert_eq!(files.len(), 5, "{files:?}");
    let dir = tempfile::tempdir().unwrap();
    let injected = dir.path().join("ride-gps.mp4");
    inject_ride_gpx(&fixture("ride.mp4"), Some(&injected), &[]);
    files.push(injected);
    let camm = dir.path().join("camm.mp4");
    std::fs::write(&camm, common::camm::video(common::camm::ride())).unwrap();
    files.push(camm);
    let counts = assert_agree(&files);
    // The fixtures carry no telemetry; the injected ride 12 s at 10 Hz; the CAMM track 12 GPS
    // packets among its 48.
    assert_eq!(counts, [0, 0, 0, 0, 0, 120, 12]);
}

#[test]
fn verify_and_extract_agree_on_the_corpus() {
    let Some(corpus) = corpus_or_skip("verify_and_extract_agree_on_the_corpus") else {
        return;
    };
    // Videos, and raw GPMF tracks under the names the corpus gives them.
    let files = files_below(&corpus, &["mp4", "mov", "raw", "bin", "gpmf"]);
    let counts = assert_agree(&files);
    let names: Vec<String> = files
        .iter()
        .map(|f| f.strip_prefix(&corpus).unwrap().display().to_string())
        .collect();
    let found: Vec<(&str, usize)> = names.iter().map(String::as_str).zip(counts).collect();
    // What both read: the corpus's files, each with its points (a GPS-less MP4 header too).
    assert_eq!(
        found,
        [
            ("gopro/Fusion.raw", 19),
            ("gopro/gopro-telemetry/consecutive1.raw", 41),
            ("gopro/gopro-telemetry/consecutive2.raw", 59),
            ("gopro/gopro-telemetry/hero11.raw", 110),
            ("gopro/gopro-telemetry/hero7.raw", 308),
            ("gopro/gopro-telemetry/mp4header.raw", 0),
            ("gopro/hero5.raw", 18),
            ("gopro/hero6+ble.raw", 18),
            ("gopro/hero6.raw", 17),
            ("gopro/karma.mp4", 47),
            ("gopro/karma.raw", 4),
            ("gopro/max-heromode.mp4", 191),
            ("gopro/real-tracks/dustin-hero6.gpmf", 417),
            ("gopro/real-tracks/dustin-walking.gpmf", 897),
            ("gopro/real-tracks/gopro2gpx-fusion.bin", 275),
            ("gopro/real-tracks/gopro2gpx-hero05.bin", 618),
            ("gopro/real-tracks/gopro2gpx-hero06+ble.bin", 199),
            ("gopro/real-tracks/gopro2gpx-hero07.bin", 1767),
            ("gopro/real-tracks/gopro2gpx-hero11.bin", 679),
        ]
    );
}
