//! Every real camera track of `corpus/gopro/real-tracks/` (raw GPMF), read raw and wrapped in an
//! MP4 built here (each payload one `gpmd` sample of 1001 ms, as cameras write them):
//! - point and payload counts as in the folder's MANIFEST;
//! - coordinates equal to the gopro2gpx CSV beside the track (7 decimals, so 1e-7°), and to
//!   gopro-telemetry's for every track;
//! - UTC times and media times strictly increasing, the first and last times as measured;
//! - UTC times within 0.1 s of gopro-telemetry's (run on the wrapped MP4), the MP4 the same as
//!   the raw read;
//! - `telemux verify` exits 0 on both.
//!
//! Measured with gopro-telemetry 1.2.11 (the largest |telemux − gopro-telemetry| date per track
//! is in `Track::max_node_ms`; the only differences are the last payload, which
//! gopro-telemetry dates with the previous payload's spacing and telemux over its own 1.001 s,
//! and JS dates being whole milliseconds).

mod common;

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::synthetic::{SynthTrack, SynthVideo};
use common::{corpus_or_skip, extract_json, run, telemux, tool};
use serde_json::Value;
use telemux_read::gopro::RawPayloads;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

struct Track {
    file: &'static str,
    /// The gopro2gpx export beside it, and the value of its `name` column to compare.
    csv: Option<(&'static str, &'static str)>,
    /// gopro-telemetry's stream telemux's points correspond to.
    stream: &'static str,
    payloads: usize,
    points: usize,
    /// UTC of the first and last point.
    first: &'static str,
    last: &'static str,
    /// Media time of the first and last point raw, and of the last in the MP4.
    media: (f64, f64, f64),
    /// Largest |telemux − gopro-telemetry| date, ms.
    max_node_ms: f64,
}

const TRACKS: [Track; 7] = [
    Track {
        file: "gopro2gpx-hero05.bin",
        csv: Some(("gopro2gpx-hero05.csv", "GPS5")),
        stream: "GPS5",
        payloads: 34,
        points: 618,
        first: "2017-04-17T17:31:03Z",
        last: "2017-04-17T17:31:36.939722222Z",
        media: (0.0, 33.978388888888894, 33.97838888888889),
        max_node_ms: 1.0,
    },
    Track {
        file: "gopro2gpx-hero06+ble.bin",
        csv: Some(("gopro2gpx-hero06+ble.csv", "GPS5")),
        stream: "GPS5",
        payloads: 11,
        points: 199,
        first: "2018-03-23T22:51:39.829Z",
        last: "2018-03-23T22:51:50.774Z",
        media: (0.0, 10.955388888888884, 10.955388888888889),
        max_node_ms: 1.0,
    },
    Track {
        file: "gopro2gpx-hero07.bin",
        csv: Some(("gopro2gpx-hero07.csv", "GPS5")),
        stream: "GPS5",
        payloads: 97,
        points: 1767,
        first: "2019-02-24T11:19:55.644Z",
        last: "2019-02-24T11:21:32.774Z",
        media: (0.0, 97.03811764705893, 97.03811764705884),
        max_node_ms: 1.0,
    },
    Track {
        file: "gopro2gpx-hero11.bin",
        csv: Some(("gopro2gpx-hero11.csv", "GPS9")),
        stream: "GPS9",
        payloads: 679,
        points: 679,
        first: "2025-01-07T10:33:02.1Z",
        last: "2025-01-07T10:38:41.1Z",
        media: (0.0, 338.628383, 678.678),
        max_node_ms: 1.0,
    },
    Track {
        file: "gopro2gpx-fusion.bin",
        csv: Some(("gopro2gpx-fusion.csv", "GPS5")),
        stream: "GPS5",
        payloads: 15,
        points: 275,
        first: "2018-03-23T17:25:37.375Z",
        last: "2018-03-23T17:25:52.445Z",
        media: (0.0, 14.99689775, 14.96495),
        max_node_ms: 1.0,
    },
    Track {
        file: "dustin-walking.gpmf",
        csv: None,
        stream: "GPS5",
        payloads: 50,
        points: 897,
        first: "2020-03-09T01:43:56.884Z",
        last: "2020-03-09T01:44:47.416777778Z",
        media: (0.0, 49.833663599999994, 49.8498),
        max_node_ms: 1.0,
    },
    Track {
        file: "dustin-hero6.gpmf",
        csv: None,
        stream: "GPS5",
        payloads: 23,
        points: 417,
        first: "2018-01-24T19:27:58.674Z",
        last: "2018-01-24T19:28:21.609Z",
        media: (0.0, 22.96738888888889, 22.967388888888888),
        max_node_ms: 1.0,
    },
];

/// One GPS point as `extract --format json` gives it.
#[derive(Debug, Clone, PartialEq)]
struct Point {
    lat: f64,
    lon: f64,
    time: OffsetDateTime,
    media_time: f64,
}

fn points(file: &Path) -> Vec<Point> {
    let json = extract_json(file);
    json["gps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| Point {
            lat: p["latitude"].as_f64().unwrap(),
            lon: p["longitude"].as_f64().unwrap(),
            time: OffsetDateTime::parse(p["time"].as_str().unwrap(), &Rfc3339).unwrap(),
            media_time: p["media_time"].as_f64().unwrap(),
        })
        .collect()
}

/// The payloads of a raw track.
fn payloads(file: &Path) -> Vec<Vec<u8>> {
    RawPayloads::new(File::open(file).unwrap())
        .map(|p| p.unwrap().bytes)
        .collect()
}

/// An MP4 whose one track holds `payloads` as 1001 ms `gpmd` samples.
fn wrap(payloads: Vec<Vec<u8>>) -> Vec<u8> {
    SynthVideo {
        tracks: vec![SynthTrack::gpmd(payloads)],
        moov_first: true,
        creation_time: 3_600_000_000,
    }
    .build()
}

/// (lat, lon) of the rows of a gopro2gpx CSV whose `name` column is `stream`. Its columns:
/// "latitude","longitude","elevation","time","hr","name",…, every field quoted.
fn csv_positions(file: &Path, stream: &str) -> Vec<(f64, f64)> {
    let text = fs::read_to_string(file).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = split_csv(lines.next().unwrap());
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (lat, lon, name) = (column("latitude"), column("longitude"), column("name"));
    lines
        .map(split_csv)
        .filter(|row| row[name] == stream)
        .map(|row| (row[lat].parse().unwrap(), row[lon].parse().unwrap()))
        .collect()
}

fn split_csv(line: &str) -> Vec<&str> {
    line.split(',').map(|f| f.trim_matches('"')).collect()
}

fn assert_positions(what: &str, ours: &[Point], theirs: &[(f64, f64)]) {
    assert_eq!(ours.len(), theirs.len(), "{what}: point count");
    for (i, (p, (lat, lon))) in ours.iter().zip(theirs).enumerate() {
        // Both print or hold 1e-7° steps; 1e-9 absorbs the decimal printing.
        assert!(
            (p.lat - lat).abs() <= 1e-7 + 1e-9 && (p.lon - lon).abs() <= 1e-7 + 1e-9,
            "{what} point {i}: telemux {}, {} vs {lat}, {lon}",
            p.lat,
            p.lon
        );
    }
}

fn assert_increasing(what: &str, points: &[Point]) {
    for (i, w) in points.windows(2).enumerate() {
        assert!(
            w[0].time < w[1].time && w[0].media_time < w[1].media_time,
            "{what}: point {} goes back: {:?} then {:?}",
            i + 1,
            w[0],
            w[1]
        );
    }
}

fn assert_verify_passes(file: &Path) {
    let out = telemux().arg("verify").arg(file).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "verify {}:\n{text}", file.display());
    assert!(
        text.contains("PASS  sample_times"),
        "verify {}:\n{text}",
        file.display()
    );
}

/// gopro-telemetry's points of `stream` in `mp4` as (lat, lon, date), or `None` (skipped)
/// without Node.js or the npm packages (tests/interop_node.rs insists on them in CI).
fn node_points(mp4: &Path, stream: &str) -> Option<Vec<(f64, f64, OffsetDateTime)>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/node");
    if !dir
        .join("node_modules/gopro-telemetry/package.json")
        .is_file()
    {
        eprintln!("gopro-telemetry not installed: comparison skipped (npm ci --prefix tests/interop/node)");
        return None;
    }
    let mut node: Command = tool("node")?;
    node.arg(dir.join("gpmf-points.js")).arg(mp4);
    let read: Value = serde_json::from_str(&run(node)).unwrap();
    // Camera tracks without GPSA MSLV: it would convert altitudes with an optional package.
    let warnings: Vec<&Value> = read["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| !w.as_str().unwrap().contains("Could not fix altitude"))
        .collect();
    assert!(warnings.is_empty(), "{}: {warnings:?}", mp4.display());
    let points = read["gps"][stream]["points"].as_array()?;
    Some(
        points
            .iter()
            .map(|p| {
                (
                    p["value"][0].as_f64().unwrap(),
                    p["value"][1].as_f64().unwrap(),
                    OffsetDateTime::parse(p["date"].as_str().unwrap(), &Rfc3339).unwrap(),
                )
            })
            .collect(),
    )
}

fn check(corpus: &Path, track: &Track) {
    let dir = corpus.join("gopro/real-tracks");
    let raw = dir.join(track.file);
    let what = track.file;

    let raw_points = points(&raw);
    assert_eq!(payloads(&raw).len(), track.payloads, "{what}: payloads");
    assert_eq!(raw_points.len(), track.points, "{what}: points");
    assert_increasing(what, &raw_points);
    if let Some((csv, stream)) = track.csv {
        assert_positions(what, &raw_points, &csv_positions(&dir.join(csv), stream));
    }
    assert_verify_passes(&raw);

    let tmp = tempfile::tempdir().unwrap();
    let mp4 = tmp.path().join("track.mp4");
    fs::write(&mp4, wrap(payloads(&raw))).unwrap();
    let mp4_points = points(&mp4);
    assert_increasing(what, &mp4_points);
    // The same positions and UTC times (from GPSU, GPS9), but for a last GPS5 payload, dated
    // over its duration: 1.001 s in the MP4, from STMP raw. Media times differ where STMP
    // says payloads are not 1.001 s long (HERO11: 0.5 s).
    let positions =
        |points: &[Point]| -> Vec<(f64, f64)> { points.iter().map(|p| (p.lat, p.lon)).collect() };
    assert_eq!(positions(&mp4_points), positions(&raw_points), "{what}");
    let max_s = mp4_points
        .iter()
        .zip(&raw_points)
        .map(|(m, r)| (m.time - r.time).as_seconds_f64().abs())
        .fold(0.0, f64::max);
    assert!(max_s < 0.1, "{what}: MP4 and raw times {max_s} s apart");
    assert_verify_passes(&mp4);

    if let Some(node) = node_points(&mp4, track.stream) {
        compare_with_gopro_telemetry(what, &raw_points, &node, track.max_node_ms);
    }
    let (first, last) = (&raw_points[0], raw_points.last().unwrap());
    let times = (
        first.time.format(&Rfc3339).unwrap(),
        last.time.format(&Rfc3339).unwrap(),
    );
    let media = (
        first.media_time,
        last.media_time,
        mp4_points.last().unwrap().media_time,
    );
    eprintln!("{what}: {times:?} {media:?}");
    assert_eq!(times, (track.first.into(), track.last.into()), "{what}");
    let (a, b) = (media, track.media);
    let close = |x: f64, y: f64| (x - y).abs() < 1e-9;
    assert!(
        close(a.0, b.0) && close(a.1, b.1) && close(a.2, b.2),
        "{what}: media times {a:?}, measured {b:?}"
    );
}

/// gopro-telemetry read the same positions, and dates within `max_ms` (at most 0.1 s).
fn compare_with_gopro_telemetry(
    what: &str,
    ours: &[Point],
    node: &[(f64, f64, OffsetDateTime)],
    max_node_ms: f64,
) {
    let node_positions: Vec<(f64, f64)> = node.iter().map(|&(lat, lon, _)| (lat, lon)).collect();
    assert_positions(&format!("{what} vs gopro-telemetry"), ours, &node_positions);
    let max_ms = ours
        .iter()
        .zip(node)
        .map(|(p, (_, _, date))| (p.time - *date).as_seconds_f64().abs() * 1000.0)
        .fold(0.0, f64::max);
    eprintln!("{what}: max |telemux − gopro-telemetry| date {max_ms:.3} ms");
    assert!(max_ms <= 100.0, "{what}: {max_ms} ms");
    assert!(
        max_ms <= max_node_ms,
        "{what}: {max_ms} ms, measured {} ms",
        max_node_ms
    );
}

fn corpus() -> Option<PathBuf> {
    corpus_or_skip("real_tracks")
}

#[test]
fn hero5() {
    if let Some(c) = corpus() {
        check(&c, &TRACKS[0]);
    }
}

#[test]
fn hero6_with_ble_sensor() {
    if let Some(c) = corpus() {
        check(&c, &TRACKS[1]);
    }
}

#[test]
fn hero7() {
    if let Some(c) = corpus() {
        check(&c, &TRACKS[2]);
    }
}

#[test]
fn hero11_gps9() {
    if let Some(c) = corpus() {
        check(&c, &TRACKS[3]);
    }
}

#[test]
fn fusion() {
    if let Some(c) = corpus() {
        check(&c, &TRACKS[4]);
    }
}

#[test]
fn hero8_partly_unlocked() {
    if let Some(c) = corpus() {
        check(&c, &TRACKS[5]);
    }
}

#[test]
fn hero6() {
    if let Some(c) = corpus() {
        check(&c, &TRACKS[6]);
    }
}

#[test]
fn payloads_really_out_of_order_fail_sample_times() {
    let Some(c) = corpus() else {
        return;
    };
    let raw = c.join("gopro/real-tracks/gopro2gpx-hero07.bin");
    let mut swapped = payloads(&raw);
    swapped.swap(10, 11);
    let tmp = tempfile::tempdir().unwrap();
    let mp4 = tmp.path().join("swapped.mp4");
    fs::write(&mp4, wrap(swapped)).unwrap();
    let out = telemux().arg("verify").arg(&mp4).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    // Payload 11 now comes before payload 10: its samples are dated from its own GPSU on,
    // then time steps back at payload 10's first sample (the 205th point).
    let line = text.lines().find(|l| l.contains("sample_times")).unwrap();
    assert!(
        line.starts_with("FAIL  sample_times        GPS UTC time goes back 2.9 s at sample 204 (2019-02-24 11:20:08.734 → 2019-02-24 11:20:05.874)"),
        "{line}"
    );
}

#[test]
fn points_without_a_fix_stay_out_of_gpx_unless_all_fixes() {
    let Some(c) = corpus() else {
        return;
    };
    let dir = c.join("gopro/real-tracks");
    // The HERO8 walk: GPSF 0 in 10 of its 50 payloads (169 points).
    let walk = dir.join("dustin-walking.gpmf");
    let out = telemux().arg("extract").arg(&walk).output().unwrap();
    assert!(out.status.success());
    let gpx = String::from_utf8(out.stdout).unwrap();
    assert_eq!(gpx.matches("<trkpt ").count(), 897 - 169);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("728 kept (dropped 169 points without a GPS fix; --all-fixes keeps them)"),
        "{stderr}"
    );
    let out = telemux()
        .arg("extract")
        .arg(&walk)
        .arg("--all-fixes")
        .output()
        .unwrap();
    let gpx = String::from_utf8(out.stdout).unwrap();
    assert_eq!(gpx.matches("<trkpt ").count(), 897);
    // JSON keeps every point, with its fix.
    let json = extract_json(&walk);
    let fixes: Vec<&str> = json["gps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["fix"].as_str().unwrap())
        .collect();
    assert_eq!(fixes.len(), 897);
    assert_eq!(fixes.iter().filter(|f| **f == "none").count(), 169);

    // The HERO6 with the BLE sensor never locked: nothing to put in a GPX.
    let ble = dir.join("gopro2gpx-hero06+ble.bin");
    let out = telemux().arg("extract").arg(&ble).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("0 kept (dropped 199 points without a GPS fix; --all-fixes keeps them)"),
        "{stderr}"
    );
}

/// `payload` without the streams whose data key is `key`.
fn without_stream(payload: &[u8], key: &[u8; 4]) -> Vec<u8> {
    use telemux_read::gpmf::{read_tree, Body, Node};
    let holds = |node: &Node| match node {
        Node::Klv(klv) => match &klv.body {
            Body::Nest(children) => children
                .iter()
                .any(|c| matches!(c, Node::Klv(k) if k.key.as_bytes() == key)),
            Body::Data(_) => false,
        },
        Node::Filler(_) => false,
    };
    let mut nodes = read_tree(payload).unwrap();
    for node in &mut nodes {
        if let Node::Klv(devc) = node {
            if let Body::Nest(streams) = &mut devc.body {
                streams.retain(|s| !holds(s));
            }
        }
    }
    telemux_write::gpmf::encode(&nodes).unwrap()
}

#[test]
fn gps9_without_gps5_reads_fully() {
    let Some(c) = corpus() else {
        return;
    };
    // HERO13 writes GPS9 alone: the HERO11 track with its GPS5 streams taken out.
    let raw = c.join("gopro/real-tracks/gopro2gpx-hero11.bin");
    let full = points(&raw);
    let gps9_only: Vec<Vec<u8>> = payloads(&raw)
        .iter()
        .map(|p| without_stream(p, b"GPS5"))
        .collect();
    assert!(gps9_only
        .iter()
        .all(|p| !p.windows(4).any(|w| w == b"GPS5")));
    assert!(gps9_only.iter().all(|p| p.windows(4).any(|w| w == b"GPS9")));
    let tmp = tempfile::tempdir().unwrap();
    let stripped_raw = tmp.path().join("gps9.bin");
    fs::write(&stripped_raw, gps9_only.concat()).unwrap();
    let mp4 = tmp.path().join("gps9.mp4");
    fs::write(&mp4, wrap(gps9_only)).unwrap();
    for file in [&stripped_raw, &mp4] {
        let json = extract_json(file);
        assert_eq!(json["source"], "GoPro GPMF (GPS9)");
        assert_eq!(json["altitude_ref"], "mean_sea_level");
        let ours = points(file);
        assert_eq!(ours.len(), 679);
        let same = |p: &[Point]| -> Vec<(f64, f64, OffsetDateTime)> {
            p.iter().map(|p| (p.lat, p.lon, p.time)).collect()
        };
        assert_eq!(same(&ours), same(&full), "{}", file.display());
        let first = &json["gps"][0];
        assert_eq!(
            (first["fix"].as_str(), first["dop"].as_f64()),
            (Some("3d"), Some(3.96))
        );
        assert_verify_passes(file);
    }
}
