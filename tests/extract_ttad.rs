//! `telemux extract` on TomTom Bandit videos (synthetic: fixtures/ride.mp4 plus a generated
//! `moov/udta/TTMD/TTAD`): exact GPS and sensor values in every format, ExifTool agreeing on
//! the positions, and damaged payloads reported, never a panic.

mod common;

use std::path::Path;

use common::bandit::{self, payload::Payload, RECORDS_START, SECONDS};
use common::telemux;
use predicates::prelude::*;
use serde_json::Value;
use telemux_read::ttad::ByteOrder;
use telemux_testkit::exiftool_gps;

fn write_video(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Runs `telemux extract <video> <args>`; returns stdout, stderr and the exit code.
fn extract(video: &Path, args: &[&str]) -> (String, String, i32) {
    let out = telemux()
        .arg("extract")
        .arg(video)
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap(),
    )
}

/// Rows of a CSV without its header, split at commas (no field here is quoted).
fn rows(csv: &str) -> Vec<Vec<String>> {
    csv.lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

fn num(field: &str) -> f64 {
    field.parse().unwrap()
}

#[test]
fn gps_csv_and_gpx_are_the_fixes_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let video = write_video(
        dir.path(),
        "bandit.mp4",
        &bandit::video_with_ttad(&bandit::ride_payload()),
    );
    let (csv, stderr, code) = extract(&video, &["--format", "csv"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(
            "TomTom Bandit TTAD: 12 GPS points (1 GPS records without a fix or a position left \
             out), records: 120 gyroscope, 12 barometer, 24 magnetometer, 120 accelerometer, \
             12 thermometer, 13 GPS, 12 heart rate, 120 timecode; 12 kept"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("warning"), "{stderr}");
    let rows = rows(&csv);
    assert_eq!(rows.len(), SECONDS as usize);
    for (s, row) in (0..SECONDS).zip(&rows) {
        let fix = bandit::fix(s);
        assert_eq!(
            (num(&row[1]), num(&row[2]), num(&row[3])),
            (fix.latitude, fix.longitude, fix.altitude)
        );
        assert_eq!((num(&row[4]), num(&row[6])), (fix.speed, fix.track));
        assert_eq!(row[7], "3d");
        assert_eq!(row[9], "8");
    }
    assert_eq!(rows[0][0], "2024-05-01T10:00:00.999Z");
    assert_eq!(rows[11][0], "2024-05-01T10:00:11.999Z");

    let (gpx, _, code) = extract(&video, &["--format", "gpx"]);
    assert_eq!(code, 0);
    assert_eq!(gpx.matches("<trkpt ").count(), 12);
    assert!(gpx.contains("<trkpt lat=\"48.0254203\" lon=\"7.8497567\">"));
    assert!(gpx.contains("<ele>240</ele>"));

    // With --all-fixes the no-fix record at 11.5 s is a point too.
    let (csv, _, code) = extract(&video, &["--format", "csv", "--all-fixes"]);
    assert_eq!(code, 0);
    let rows = self::rows(&csv);
    assert_eq!(rows.len(), 13);
    assert_eq!(rows[12][0], "2024-05-01T10:00:12.499Z");
    assert_eq!(rows[12][7], "none");
    assert_eq!(rows[12][3], "", "no altitude without a 3D fix");
}

#[test]
fn exiftool_reads_the_same_positions() {
    let dir = tempfile::tempdir().unwrap();
    let video = write_video(
        dir.path(),
        "bandit.mp4",
        &bandit::video_with_ttad(&bandit::ride_payload()),
    );
    let Some(theirs) = exiftool_gps(&video) else {
        return;
    };
    // ExifTool does not look at the fix mode: it lists the no-fix record as well.
    let (csv, _, code) = extract(&video, &["--format", "csv", "--all-fixes"]);
    assert_eq!(code, 0);
    let ours: Vec<(f64, f64)> = rows(&csv)
        .iter()
        .map(|r| (num(&r[1]), num(&r[2])))
        .collect();
    assert_eq!(ours.len(), 13);
    assert_eq!(theirs.len(), 13);
    // ExifTool prints ten significant digits.
    for (t, o) in theirs.iter().zip(&ours) {
        assert!(
            (t.0 - o.0).abs() < 1e-8 && (t.1 - o.1).abs() < 1e-8,
            "{t:?} vs {o:?}"
        );
    }
}

#[test]
fn sensors_csv_has_every_sample_in_si_units() {
    let dir = tempfile::tempdir().unwrap();
    let video = write_video(
        dir.path(),
        "bandit.mp4",
        &bandit::video_with_ttad(&bandit::ride_payload()),
    );
    let (csv, stderr, code) = extract(&video, &["--format", "sensors-csv"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(csv.starts_with("media_time,time,stream,unit,value_1,value_2,value_3\r\n"));
    let rows = rows(&csv);
    let of = |key: &str| -> Vec<&Vec<String>> { rows.iter().filter(|r| r[2] == key).collect() };
    let counts: Vec<usize> = ["ACCL", "GYRO", "MAGN", "PRES", "TEMP", "HRAT"]
        .iter()
        .map(|k| of(k).len())
        .collect();
    assert_eq!(counts, [120, 120, 24, 12, 12, 12]);
    assert_eq!(rows.len(), 300);

    // Second 3, sample 7 of the accelerometer: media time 3.7 s, (70, -1000, -2) milli-g.
    let accl = &of("ACCL")[37];
    assert_eq!(&accl[..4], ["3.7", "", "ACCL", "m/s²"]);
    let g = 9.80665 / 1000.0;
    let want = bandit::accel(3, 7).map(|v| f64::from(v) * g);
    let got: Vec<f64> = accl[4..].iter().map(|v| num(v)).collect();
    assert_eq!(got, want);

    let gyro = &of("GYRO")[37];
    let rad = std::f64::consts::PI / 180.0 / 1000.0;
    let want = bandit::gyro(3, 7).map(|v| f64::from(v) * rad);
    assert_eq!(gyro[3], "rad/s");
    assert_eq!(gyro[4..].iter().map(|v| num(v)).collect::<Vec<_>>(), want);

    let magn = &of("MAGN")[7];
    assert_eq!(&magn[..4], ["3.5", "", "MAGN", "µT"]);
    assert_eq!(&magn[4..], ["20.05", "-4", "40.997"]);
    assert_eq!(of("PRES")[3][3..], ["Pa", "98103", "", ""]);
    assert_eq!(of("TEMP")[3][3..], ["°C", "21.65", "", ""]);
    assert_eq!(of("HRAT")[3][3..], ["bpm", "123", "", ""]);
}

#[test]
fn json_holds_gps_and_every_stream() {
    let dir = tempfile::tempdir().unwrap();
    let video = write_video(
        dir.path(),
        "bandit.mp4",
        &bandit::video_with_ttad(&bandit::ride_payload()),
    );
    let (json, _, code) = extract(&video, &["--format", "json"]);
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["source"], "TomTom Bandit TTAD");
    // JSON keeps every point with its fix, the no-fix record at 11.5 s too.
    assert_eq!(json["gps"].as_array().unwrap().len(), 13);
    assert_eq!(json["gps"][12]["fix"], "none");
    assert_eq!(json["gps"][5]["media_time"], 5.0);
    let streams: Vec<(String, usize)> = json["sensors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let key = s["key"].as_str().unwrap().to_owned();
            (key, s["samples"].as_array().unwrap().len())
        })
        .collect();
    let want = [
        ("ACCL", 120),
        ("GYRO", 120),
        ("MAGN", 24),
        ("PRES", 12),
        ("TEMP", 12),
        ("HRAT", 12),
    ]
    .map(|(k, n)| (k.to_owned(), n));
    assert_eq!(streams, want);
}

#[test]
fn a_cut_off_payload_keeps_what_came_before_and_warns() {
    let payload = bandit::ride_payload();
    // Cut inside the GPS record of second 6.
    let gps_6 = (0..payload.len())
        .find(|&at| {
            payload[at] == 5
                && payload.get(at + 1..at + 9) == Some(&bandit::fix(6).time.to_le_bytes()[..])
        })
        .unwrap();
    let cut = &payload[..gps_6 + 40];
    let dir = tempfile::tempdir().unwrap();
    let video = write_video(dir.path(), "cut.mp4", &bandit::video_with_ttad(cut));
    let (csv, stderr, code) = extract(&video, &["--format", "csv"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(rows(&csv).len(), 6);
    assert!(
        stderr.contains(&format!(
            "cut.mp4: warning: moov/udta/TTMD/TTAD @{gps_6}: the GPS record needs 92 bytes \
             but only 39 remain (the payload is cut off)"
        )),
        "{stderr}"
    );
}

#[test]
fn garbage_exits_2_naming_the_box_and_offset() {
    let dir = tempfile::tempdir().unwrap();
    // A valid table, then bytes that never form a timecode.
    let mut garbage = Payload::with_table(ByteOrder::Big, &bandit::payload::FULL_TABLE);
    garbage.raw(&[0x5A; 400]);
    let video = write_video(
        dir.path(),
        "garbage.mp4",
        &bandit::video_with_ttad(&garbage.bytes()),
    );
    telemux()
        .arg("extract")
        .arg(&video)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "telemux: error: {}: moov/udta/TTMD/TTAD: no GPS point and no sensor sample could \
             be decoded (moov/udta/TTMD/TTAD @{}: over 256 bytes without a valid timecode; the \
             last 144 bytes were not read; moov/udta/TTMD/TTAD: 256 bytes skipped while looking \
             for a timecode)",
            video.display(),
            RECORDS_START + 256
        )));

    let short = write_video(
        dir.path(),
        "short.mp4",
        &bandit::video_with_ttad(&[1, 2, 3]),
    );
    telemux()
        .arg("extract")
        .arg(&short)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "moov/udta/TTMD/TTAD @0: the 3-byte payload holds neither a type table nor \
             ExifTool's 76-byte header",
        ));

    // A TTMD child whose size runs past TTMD.
    let mut broken = bandit::video_with_ttad(&bandit::ride_payload());
    let ttad = broken.windows(4).rposition(|w| w == b"TTAD").unwrap();
    broken[ttad - 4..ttad].copy_from_slice(&u32::MAX.to_be_bytes());
    let broken = write_video(dir.path(), "broken.mp4", &broken);
    telemux()
        .arg("extract")
        .arg(&broken)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "moov/udta/TTMD: the child box at file offset {} has a broken header or runs past \
             its parent",
            ttad - 4
        )));
}
