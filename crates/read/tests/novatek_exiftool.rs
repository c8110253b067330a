//! Interop: ExifTool (`-ee -n -j -G3`; `-ee3` for MPEG-TS, whose GPS PID is undeclared) reads
//! the synthetic files and must report the same coordinates and times as we do, for every
//! layout it decodes. Skips when exiftool is missing, unless `TELEMUX_REQUIRE_CORPUS=1`
//! (`testkit::external_tool`).
//!
//! ExifTool 12.57 (Debian's) decodes indexed blocks with one set of rules (T1, T2, T3 @16,
//! T6, T7, T8, T10, T17) and scanned blocks with another (T11, T12, T16/T17, T6, T13, T15,
//! T20 — only the first record of each block); see docs/formats.md for the rest.

mod novatek_support;

use std::path::Path;
use std::process::Command;

use novatek_support::containers::{mp4, ts};
use novatek_support::encode::core_record;
use novatek_support::{samples, vancouver, Fix};
use serde_json::Value;
use telemux_read::model::GpsPoint;
use telemux_read::novatek::{decode_block, decode_ts_payload, BlockOutcome, DecodeOptions};
use telemux_testkit::external_tool;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

/// One file and the points ExifTool should report for it.
struct Case {
    name: String,
    bytes: Vec<u8>,
    expected: Vec<GpsPoint>,
}

fn points(blocks: &[Vec<u8>]) -> Vec<Vec<GpsPoint>> {
    blocks
        .iter()
        .map(
            |block| match decode_block(block, &DecodeOptions::default()) {
                BlockOutcome::Points(_, points) => points,
                other => panic!("fixture does not decode: {other:?}"),
            },
        )
        .collect()
}

/// Three 1-Hz blocks of the named layout in an MP4, with or without the index.
fn mp4_case(layout: &str, indexed: bool, first_record_only: bool) -> Case {
    let runs = [samples(0), samples(2), samples(4)];
    let i = runs[0].iter().position(|s| s.name == layout).unwrap();
    let blocks: Vec<Vec<u8>> = runs.iter().map(|run| run[i].block.clone()).collect();
    let per_block = points(&blocks);
    let expected = if first_record_only {
        per_block.into_iter().map(|mut p| p.remove(0)).collect()
    } else {
        per_block.concat()
    };
    Case {
        name: format!(
            "{}.{}.mp4",
            layout.replace([' ', ','], "_"),
            if indexed { "indexed" } else { "scanned" }
        ),
        bytes: mp4(&blocks, indexed).bytes,
        expected,
    }
}

/// Viofo A119 V3 and Blueskysea B4K payloads in turn.
fn ts_case() -> Case {
    let fixes: Vec<Fix> = (0..4).map(|s| vancouver().later(s)).collect();
    let payloads: Vec<Vec<u8>> = fixes
        .iter()
        .enumerate()
        .map(|(i, fix)| {
            let record = core_record(fix, fix.time.year() as u32 - 2000);
            let mut payload = if i % 2 == 0 {
                Vec::new()
            } else {
                vec![0x5A; 164]
            };
            payload.extend(record);
            payload.extend([1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0]);
            // (ExifTool 12.57 wants 92 bytes after padding the record into a block.)
            payload.resize(payload.len().max(64), 0);
            payload
        })
        .collect();
    let expected = payloads
        .iter()
        .flat_map(
            |payload| match decode_ts_payload(payload, &DecodeOptions::default()) {
                BlockOutcome::Points(_, points) => points,
                other => panic!("TS fixture does not decode: {other:?}"),
            },
        )
        .collect();
    Case {
        name: "a119v3_b4k.ts".to_owned(),
        bytes: ts(&payloads, 20),
        expected,
    }
}

/// ExifTool's `YYYY:MM:DD hh:mm:ss[.f]Z`.
fn parse_time(text: &str) -> OffsetDateTime {
    let text = text.strip_suffix('Z').unwrap();
    let (date, clock) = text.split_once(' ').unwrap();
    let d: Vec<u32> = date.split(':').map(|v| v.parse().unwrap()).collect();
    let c: Vec<&str> = clock.split(':').collect();
    let seconds: f64 = c[2].parse().unwrap();
    let date = Date::from_calendar_date(
        d[0] as i32,
        Month::try_from(d[1] as u8).unwrap(),
        d[2] as u8,
    )
    .unwrap();
    let time = Time::from_hms_milli(
        c[0].parse().unwrap(),
        c[1].parse().unwrap(),
        seconds.trunc() as u8,
        (seconds.fract() * 1000.0).round() as u16,
    )
    .unwrap();
    PrimitiveDateTime::new(date, time).assume_utc()
}

/// The GPS documents of one file in ExifTool's JSON, in document order.
fn exiftool_points(file: &Value) -> Vec<(Option<OffsetDateTime>, f64, f64)> {
    let object = file.as_object().unwrap();
    (1..)
        .map_while(|doc| {
            let field = |name: &str| object.get(&format!("Doc{doc}:{name}"));
            let lat = field("GPSLatitude")?.as_f64().unwrap();
            let lon = field("GPSLongitude")?.as_f64().unwrap();
            let time = field("GPSDateTime").map(|t| parse_time(t.as_str().unwrap()));
            Some((time, lat, lon))
        })
        .collect()
}

fn run_exiftool(dir: &Path, depth: &str, cases: &[Case]) -> Vec<Value> {
    let mut command = Command::new("exiftool");
    command.args([depth, "-n", "-j", "-G3"]);
    for case in cases {
        command.arg(dir.join(&case.name));
    }
    let output = command.output().unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    json.as_array().unwrap().clone()
}

fn compare(cases: &[Case], results: &[Value]) {
    assert_eq!(results.len(), cases.len());
    for (case, result) in cases.iter().zip(results) {
        let theirs = exiftool_points(result);
        assert_eq!(
            theirs.len(),
            case.expected.len(),
            "{}: ExifTool reported {theirs:?}",
            case.name
        );
        for (i, ((time, lat, lon), ours)) in theirs.iter().zip(&case.expected).enumerate() {
            assert!(
                (lat - ours.latitude).abs() < 1e-7 && (lon - ours.longitude).abs() < 1e-7,
                "{} point {i}: ExifTool {lat},{lon} vs ours {},{}",
                case.name,
                ours.latitude,
                ours.longitude
            );
            assert_eq!(*time, ours.time, "{} point {i}: time", case.name);
        }
    }
}

#[test]
fn exiftool_reads_the_same_fixes_from_our_files() {
    if external_tool("exiftool").is_none() {
        return;
    }
    let indexed = [
        "T1 Azdome",
        "T1 EEEkit",
        "T2 Nextbase 512GW",
        "T3 Viofo A119 V3",
        "T6 Akaso",
        "T7 shifted NMEA",
        "T10 Vantrue S1",
        "T17 Viofo A119S",
        "T17 Transcend 230",
    ];
    let scanned = [
        "T6 Akaso",
        "T11 ATC",
        "T12 doubles",
        "T13 INNOVV",
        "T15 Vantrue N4",
        "T16 IQS",
        "T17 Viofo A119S",
    ];
    let mut mp4_cases: Vec<Case> = indexed.iter().map(|l| mp4_case(l, true, false)).collect();
    mp4_cases.extend(scanned.iter().map(|l| mp4_case(l, false, false)));
    // ExifTool reads only the first record of each Nextbase 512G block.
    mp4_cases.push(mp4_case("T20 Nextbase 512G", false, true));
    let ts_cases = [ts_case()];

    let dir = tempfile::tempdir().unwrap();
    for case in mp4_cases.iter().chain(&ts_cases) {
        std::fs::write(dir.path().join(&case.name), &case.bytes).unwrap();
    }
    compare(&mp4_cases, &run_exiftool(dir.path(), "-ee", &mp4_cases));
    compare(&ts_cases, &run_exiftool(dir.path(), "-ee3", &ts_cases));
}
