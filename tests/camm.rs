//! Reading CAMM (issue 17, item 2): `extract`, `verify` and `dump` on CAMM tracks written by
//! hand (tests/common/camm.rs) and by mapillary_tools' own writer, the independent check.

mod common;

use std::path::{Path, PathBuf};

use common::camm::{self, extract_json_and_summary as extract_json, ride, ride_position, video};
use common::{check, fixture, telemux, verify_json};
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::macros::datetime;
use time::OffsetDateTime;

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// The stdout of `telemux COMMAND PATH ARGS…`, which must succeed.
fn stdout(command: &str, path: &Path, args: &[&str]) -> String {
    let out = telemux()
        .arg(command)
        .arg(path)
        .args(args)
        .assert()
        .success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

/// Asserts that a JSON point is within `tolerance` degrees of (`lat`, `lon`).
#[track_caller]
fn assert_position(point: &Value, (lat, lon): (f64, f64), tolerance: f64) {
    let (x_lat, x_lon) = (number(&point["latitude"]), number(&point["longitude"]));
    assert!(
        (x_lat - lat).abs() < tolerance && (x_lon - lon).abs() < tolerance,
        "({x_lat}, {x_lon}) is not ({lat}, {lon}): {point}"
    );
}

/// The keys of an export's sensor streams, in order.
fn sensor_keys(json: &Value) -> Vec<&str> {
    json["sensors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect()
}

fn utc(point: &Value) -> OffsetDateTime {
    OffsetDateTime::parse(point["time"].as_str().unwrap(), &Rfc3339).unwrap()
}

fn number(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

#[test]
fn extract_reads_gps_and_sensors_of_a_camm_track() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "camm.mp4", &video(ride()));
    let (json, stderr) = extract_json(&path);
    assert!(
        stderr.contains(
            "CAMM (GPS type 6): 12 points in 48 packets (12 gyro (type 2), 12 \
                         accelerometer (type 3), 12 GPS (type 6), 12 magnetometer (type 7))"
        ),
        "{stderr}"
    );
    assert_eq!(json["source"], "CAMM (GPS type 6)");
    let gps = json["gps"].as_array().unwrap();
    assert_eq!(gps.len(), 12);
    for (i, p) in gps.iter().enumerate() {
        assert_position(p, ride_position(i), 1e-9);
        assert_eq!(
            utc(p),
            datetime!(2024-05-01 10:00:00 UTC) + time::Duration::seconds(i as i64)
        );
        assert_eq!(number(&p["media_time"]), i as f64);
        assert_eq!(number(&p["altitude"]), 250.0 + i as f64);
        assert_eq!(number(&p["speed_2d"]), 5.0);
        assert!((number(&p["speed_3d"]) - 25.25f64.sqrt()).abs() < 1e-12);
        assert!((number(&p["course"]) - 36.869_897_645_844).abs() < 1e-9);
        assert_eq!(p["fix"], "3d");
        assert!(p.get("dop").is_none(), "{p}");
    }
    let sensors = json["sensors"].as_array().unwrap();
    assert_eq!(sensor_keys(&json), ["GYRO", "ACCL", "MAGN"]);
    for (stream, (unit, scale, offset)) in sensors.iter().zip([
        ("rad/s", 0.5, 0.25),
        ("m/s²", -1.0, 0.5),
        ("µT", 10.0, 0.75),
    ]) {
        assert_eq!(stream["units"], json!([unit, unit, unit]));
        let samples = stream["samples"].as_array().unwrap();
        assert_eq!(samples.len(), 12);
        let s = &samples[5];
        assert_eq!(number(&s["media_time"]), 5.0 + offset);
        assert_eq!(
            s["values"],
            json!([5.0 * scale, 10.0 * scale, 15.0 * scale])
        );
    }

    let gpx = stdout("extract", &path, &[]);
    assert_eq!(gpx.matches("<trkpt").count(), 12);
    assert!(
        gpx.contains(
            r#"<trkpt lat="45.1002" lon="7.20026"><ele>252</ele><time>2024-05-01T10:00:02Z</time><fix>3d</fix>"#
        ),
        "{gpx}"
    );

    let csv = stdout("extract", &path, &["--format", "sensors-csv"]);
    assert_eq!(csv.lines().count(), 1 + 36);
    assert!(csv.contains("\r\n2.25,,GYRO,rad/s,1,2,3\r\n"), "{csv}");
}

#[test]
fn damaged_packets_are_skipped_and_named() {
    let mut packets = ride();
    packets[4].pop(); // a type 6 packet one byte short
    packets[9] = vec![0, 0, 9, 0, 1, 2, 3, 4]; // a type CAMM does not define
    packets[13] = [camm::vector(2, [1.0; 3]), vec![0; 200]].concat(); // oversized
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "damaged.mp4", &video(packets));
    let (json, stderr) = extract_json(&path);
    assert_eq!(json["gps"].as_array().unwrap().len(), 11);
    // Samples 9 and 13 were gyro packets.
    assert_eq!(json["sensors"][0]["key"], "GYRO");
    assert_eq!(json["sensors"][0]["samples"].as_array().unwrap().len(), 10);
    // The CAMM chunks (8 samples each) follow the video's first chunk (3 frames of 100 bytes)
    // after ftyp (28 bytes) and the mdat header.
    let first = 28 + 8 + 300;
    let at = |sample: u64| first + 16 * sample + 44 * (sample / 4 + 1) - 44;
    for line in [
        format!(
            "moov/trak[1]: sample 4 at byte {}: packet type 6 is 59 bytes; that type is 60 \
             bytes; skipped",
            at(4)
        ),
        "packet type 9, which CAMM does not define (0 to 7); skipped".to_string(),
        "packet type 2 is 216 bytes; that type is 16 bytes; skipped".to_string(),
    ] {
        assert!(stderr.contains(&line), "{line} not in {stderr}");
    }
    let report = verify_json(&path, &[]);
    let packets = check(&report, "camm_packets");
    assert_eq!(packets["status"], "fail");
    assert_eq!(packets["value"], 3);
    assert_eq!(
        packets["message"],
        format!(
            "3 of 48 CAMM packets are invalid; sample 4 (byte {}): packet type 6 is 59 bytes; \
             that type is 60 bytes",
            at(4)
        )
    );
}

#[test]
fn verify_checks_a_camm_track_like_any_gps_track() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "camm.mp4", &video(ride()));
    let report = verify_json(&path, &[]);
    assert_eq!(
        check(&report, "telemetry_sources")["message"],
        "CAMM at moov/trak[1] (48 packets; 12 GPS points)"
    );
    let packets = check(&report, "camm_packets");
    assert_eq!(packets["status"], "pass");
    assert_eq!(
        packets["message"],
        "all 48 CAMM packets are valid: 12 gyro (type 2), 12 accelerometer (type 3), 12 GPS \
         (type 6), 12 magnetometer (type 7)"
    );
    let timing = check(&report, "camm_timing");
    assert_eq!(timing["status"], "pass", "{timing}");
    assert_eq!(timing["value"], 0.0);
    assert_eq!(
        timing["message"],
        "GPS time and media time of 12 GPS packets agree within 0.000 s (media time 0 is \
         2024-05-01 10:00:00 UTC)"
    );
    assert_eq!(check(&report, "gps_fix")["value"], 100.0);
    assert_eq!(check(&report, "gps_rate")["value"], 1.0);
    assert_eq!(check(&report, "sv_gps_points")["value"], 12);
    assert_eq!(check(&report, "sv_gps_points")["status"], "pass");
    assert_eq!(check(&report, "sv_time_overlap")["status"], "pass");
    assert_eq!(check(&report, "gpmf_payloads")["status"], "skip");

    // A receiver clock running 10 % fast against the samples: 1.1 s over 11 s.
    let mut drifting = ride();
    for (i, packet) in drifting.iter_mut().step_by(4).enumerate() {
        let (lat, lon) = ride_position(i);
        let t = camm::START_GPS_SECONDS + 1.1 * i as f64;
        *packet = camm::gps(t, 3, lat, lon, 250.0, [2.5, 4.0, 3.0, 4.0, 0.5, 0.3]);
    }
    let path = write(dir.path(), "drift.mp4", &video(drifting));
    let timing = check(&verify_json(&path, &[]), "camm_timing").clone();
    assert_eq!(timing["status"], "warn", "{timing}");
    assert!((number(&timing["value"]) - 1.1).abs() < 1e-6, "{timing}");
    assert_eq!(
        timing["message"],
        "GPS time minus media time varies by 1.100 s over 12 GPS packets (lowest at point 0, \
         highest at point 11): the receiver's clock and the sample times disagree"
    );
}

#[test]
fn a_camm_track_without_samples_is_reported_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "empty.mp4", &video(Vec::new()));
    let packets = check(&verify_json(&path, &[]), "camm_packets").clone();
    assert_eq!(packets["status"], "warn");
    assert_eq!(
        packets["message"],
        "the CAMM track moov/trak[1] has no samples"
    );
    let out = telemux().arg("extract").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("moov/trak[1]: the CAMM track has no samples"),
        "{stderr}"
    );
}

#[test]
fn dump_lists_the_packets() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "camm.mp4", &video(ride()));
    let text = stdout("dump", &path, &[]);
    assert!(
        text.contains(
            "CAMM track [1] (moov/trak[1]): 48 samples (sample, media time, byte, packet):\n"
        ),
        "{text}"
    );
    let first = 28 + 8 + 300;
    assert!(
        text.contains(&format!(
            "\n  0 0.000 s byte {first}: type 6 GPS time 1398592818 s (2024-05-01T10:00:00Z) \
             fix 3 45.1, 7.2, 250 m, accuracy 2.5 m horizontal 4 m vertical, velocity east 3 \
             north 4 up 0.5 m/s (accuracy 0.3 m/s)\n"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "\n  5 1.250 s byte {}: type 2 gyro [0.5, 1.0, 1.5] rad/s\n",
            first + 60 + 16 + 16 + 16 + 60
        )),
        "{text}"
    );
    assert!(text.contains("\n  … 28 more samples (--all prints every one)\n"));
    assert_eq!(text.matches(" s byte ").count(), 20);
    let text = stdout("dump", &path, &["--all"]);
    assert_eq!(text.matches(" s byte ").count(), 48);
    assert!(text.contains("\n  47 11.750 s byte "), "{text}");
}

/// mapillary_tools' camm_builder (the writer behind `mapillary_tools upload`) writes the
/// track; telemux must read back exactly what it was given: positions to 1e-9 degrees, GPS
/// and media times to 1 ms, sensors as given.
#[test]
fn reads_what_mapillary_tools_writes() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("mapillary.mp4");
    // Irregular times from 0.5 s, so the writer starts its track with an empty edit. The
    // writer truncates each sample's duration to its 1 ms timescale: times on 1/8 s steps keep
    // those durations whole, so the 1 ms bound measures the reader, not that truncation.
    let times = [0.5, 1.375, 2.25, 3.875, 4.0, 5.5, 7.125, 8.0, 9.875, 11.5];
    let gps: Vec<Value> = times
        .iter()
        .enumerate()
        .map(|(i, &t)| {
            json!({
                "time": t,
                "time_gps_epoch": camm::START_GPS_SECONDS + t + 0.25,
                "fix": if i == 3 { 2 } else { 3 },
                "lat": 45.123_456_789 + 1e-5 * i as f64,
                "lon": -7.987_654_321 - 3e-5 * i as f64,
                "alt": 250.5 + i as f64,
                "ha": 2.5, "va": 4.0, "ve": -3.0, "vn": 4.0, "vu": 0.0, "sa": 0.3,
            })
        })
        .collect();
    let gyro: Vec<Value> = (0..5)
        .map(|i| json!({"time": 0.5 + i as f64, "x": 0.25 * i as f64, "y": -1.0, "z": 2.0}))
        .collect();
    let given = json!({"gps": gps, "gyro": gyro});
    if camm::mapillary_write(&fixture("ride.mp4"), &output, &given).is_none() {
        return;
    }
    let (json, _) = extract_json(&output);
    let points = json["gps"].as_array().unwrap();
    assert_eq!(points.len(), times.len());
    for (i, (p, &t)) in points.iter().zip(&times).enumerate() {
        let position = (
            45.123_456_789 + 1e-5 * i as f64,
            -7.987_654_321 - 3e-5 * i as f64,
        );
        assert_position(p, position, 1e-9);
        assert!(
            (number(&p["media_time"]) - t).abs() < 1e-3,
            "point {i}: {p}"
        );
        let expected = datetime!(2024-05-01 10:00:00.25 UTC) + time::Duration::seconds_f64(t);
        assert!(
            (utc(p) - expected).abs() < time::Duration::milliseconds(1),
            "point {i}: {p}"
        );
        assert_eq!(p["fix"], if i == 3 { "2d" } else { "3d" });
        assert!(
            (number(&p["course"]) - 323.130_102_354_156).abs() < 1e-9,
            "{p}"
        );
    }
    let gyro = &json["sensors"][0];
    assert_eq!(gyro["key"], "GYRO");
    let samples = gyro["samples"].as_array().unwrap();
    assert_eq!(samples.len(), 5);
    assert!((number(&samples[3]["media_time"]) - 3.5).abs() < 1e-3);
    assert_eq!(samples[3]["values"], json!([0.75, -1.0, 2.0]));
}

/// The gpmd payloads `inject` writes for fixtures/ride.gpx (12 payloads, 120 points at 10 Hz).
fn injected_payloads(dir: &Path) -> Vec<Vec<u8>> {
    let injected = dir.join("ride-gps.mp4");
    common::inject_ride_gpx(&fixture("ride.mp4"), Some(&injected), &[]);
    let mut file = std::fs::File::open(&injected).unwrap();
    let mp4 = telemux_read::mp4::Mp4::open(&mut file).unwrap();
    let track = telemux_read::gopro::find_track(&mp4, &mut file)
        .unwrap()
        .unwrap();
    track
        .samples()
        .map(|s| track.read_sample(&mut file, &s.unwrap()).unwrap())
        .collect()
}

#[test]
fn a_file_with_gpmf_and_camm_reads_gpmf_unless_camm_is_preferred() {
    let dir = tempfile::tempdir().unwrap();
    let both = common::synthetic::SynthVideo {
        tracks: vec![
            common::synthetic::SynthTrack::gpmd(injected_payloads(dir.path())),
            common::synthetic::SynthTrack {
                handler: *b"meta",
                sample_entry: *b"camm",
                timescale: 1000,
                samples: ride(),
                sample_duration: 250,
                chunking: vec![8],
                co64: false,
            },
        ],
        moov_first: true,
        creation_time: camm::CREATED_1904,
    }
    .build();
    let path = write(dir.path(), "both.mp4", &both);

    let (json, _) = extract_json(&path);
    assert_eq!(json["source"], "GoPro GPMF (GPS5)");
    assert_eq!(json["gps"].as_array().unwrap().len(), 120);
    let json: Value = serde_json::from_str(&stdout(
        "extract",
        &path,
        &["--format", "json", "--prefer-camm"],
    ))
    .unwrap();
    assert_eq!(json["source"], "CAMM (GPS type 6)");
    assert_eq!(json["gps"].as_array().unwrap().len(), 12);

    // verify checks both tracks' payloads, and the GPS of the one preferred.
    let report = verify_json(&path, &[]);
    let sources = check(&report, "telemetry_sources");
    assert_eq!(sources["value"], 2);
    assert_eq!(
        sources["message"],
        "GoPro GPMF at moov/trak[0] (12 payloads; 120 GPS points), CAMM at moov/trak[1] (48 \
         packets; 12 GPS points)"
    );
    assert_eq!(check(&report, "gpmf_payloads")["status"], "pass");
    assert_eq!(check(&report, "camm_packets")["status"], "pass");
    assert_eq!(check(&report, "camm_timing")["value"], 0.0);
    assert!((number(&check(&report, "gps_rate")["value"]) - 10.0).abs() < 0.1);
    let report = verify_json(&path, &["--prefer-camm"]);
    assert_eq!(check(&report, "gps_rate")["value"], 1.0);
    assert_eq!(
        check(&report, "telemetry_sources")["message"],
        "CAMM at moov/trak[1] (48 packets; 12 GPS points), GoPro GPMF at moov/trak[0] (12 \
         payloads; 120 GPS points)"
    );
    assert_eq!(check(&report, "gpmf_payloads")["status"], "pass");
}

/// `convert` takes a CAMM track as it takes a dashcam's GPS: its points (and its gyro,
/// accelerometer and magnetometer) become a GPMF track beside it.
#[test]
fn convert_writes_a_camm_track_as_gpmf() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "camm.mp4", &video(ride()));
    let output = dir.path().join("gpmf.mp4");
    telemux()
        .arg("convert")
        .arg(&path)
        .arg("-o")
        .arg(&output)
        .assert()
        .success();
    let (json, stderr) = extract_json(&output);
    assert!(stderr.contains("GoPro GPMF (GPS5): 111 points"), "{stderr}");
    let gps = json["gps"].as_array().unwrap();
    // 10 Hz from the first CAMM point (0 s) to the last (11 s), GPS5 precision (1e-7°).
    assert_eq!(gps.len(), 111);
    for (p, i) in [(&gps[0], 0), (&gps[110], 11)] {
        assert_position(p, ride_position(i), 1e-7);
        assert_eq!(
            utc(p),
            datetime!(2024-05-01 10:00:00 UTC) + time::Duration::seconds(i as i64)
        );
    }
    let keys = sensor_keys(&json);
    assert!(
        ["GYRO", "ACCL", "MAGN"].iter().all(|k| keys.contains(k)),
        "{keys:?}"
    );
    // There is nothing to convert to CAMM: refused, naming what is there, nothing written.
    let before = std::fs::read(&path).unwrap();
    for format in ["camm", "both"] {
        let again = dir.path().join(format!("as-{format}.mp4"));
        let out = telemux()
            .arg("convert")
            .arg(&path)
            .args(["--format", format, "-o"])
            .arg(&again)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{format}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("already has CAMM telemetry (CAMM (GPS type 6)")
                && stderr.contains("there is nothing to convert to CAMM (--format gpmf writes"),
            "{format}: {stderr}"
        );
        assert!(!again.exists(), "{format}");
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
}
