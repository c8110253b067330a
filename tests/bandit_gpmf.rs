//! A Bandit's telemetry as GPMF (what `convert` will write): the synthetic Bandit video's GPS
//! and sensors through `telemetry_track::build_with_sensors` into a copy of the video; real
//! readers accept the result, the original streams are untouched, and ExifTool and telemux
//! read back the Bandit's GPS and every sensor stream.

mod common;

use std::fs::File;
use std::io::Cursor;

use common::bandit::{self, SECONDS};
use common::extract_json;
use telemux_read::mp4::Mp4;
use telemux_read::source::{self, Options};
use telemux_testkit::exiftool_gps;
use telemux_write::mp4::{prepare, MoovPlacement, RewriteOptions, Target};
use telemux_write::telemetry_track::{build_with_sensors, TrackOptions, DEFAULT_DOP};

#[test]
fn bandit_telemetry_as_gpmf_reads_back_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let input_path = dir.path().join("bandit.mp4");
    std::fs::write(
        &input_path,
        bandit::video_with_ttad(&bandit::ride_payload()),
    )
    .unwrap();
    let mut with_sensors = Options::default();
    with_sensors.sensors = true;
    let bandit = source::read(
        &mut Cursor::new(std::fs::read(&input_path).unwrap()),
        with_sensors,
    )
    .unwrap()
    .telemetry;

    // One fix per second of the Bandit: the 1 Hz grid.
    let mut options = TrackOptions::default();
    options.rate_hz = 1.0;
    options.device_name = "TomTom Bandit".into();
    options.gps9 = false;
    options.altitude_ref = bandit.altitude_ref;
    options.default_dop = DEFAULT_DOP;
    let built = build_with_sensors(&bandit.gps, &bandit.sensors, 12.0, &options).unwrap();
    let written: Vec<(&str, u64, i32)> = built
        .written
        .iter()
        .map(|(k, n, s)| (k.as_str(), *n, *s))
        .collect();
    assert_eq!(
        written,
        [
            ("ACCL", 120, 418),
            ("GYRO", 120, 939),
            ("MAGN", 24, 100),
            ("PRES", 12, 100),
            ("TEMP", 12, 100),
            ("HRAT", 12, 1),
        ]
    );
    assert_eq!((built.left_out, built.unsupported.len()), (0, 0));

    let mut input = File::open(&input_path).unwrap();
    let mp4 = Mp4::open(&mut input).unwrap();
    let mut rewrite = RewriteOptions::default();
    rewrite.target = Target::Copy(MoovPlacement::Keep);
    let prepared = prepare(&mp4, &built.track, &rewrite).unwrap();
    let output = dir.path().join("out.mp4");
    let mut out = File::create(&output).unwrap();
    prepared
        .write_copy(&mut input, &mut out, &mut |_| {})
        .unwrap();
    drop(out);

    common::assert_gpmf_output_is_sound(&input_path, &output);
    let fixes: Vec<(f64, f64)> = (0..SECONDS)
        .map(|s| (bandit::fix(s).latitude, bandit::fix(s).longitude))
        .collect();
    if let Some(theirs) = exiftool_gps(&output) {
        // ExifTool reads the GPMF track (12 GPS5 samples, ×10^7) and the TTAD box, which
        // stays in the file (13 records, the no-fix one included); both start with the fixes.
        assert_eq!(theirs.len(), 12 + 13);
        for (t, f) in theirs.iter().zip(&fixes) {
            assert!((t.0 - f.0).abs() <= 0.5e-7 && (t.1 - f.1).abs() <= 0.5e-7);
        }
    }

    // telemux now finds the GPMF track first: the Bandit's GPS and sensors, from GPMF.
    let json = extract_json(&output);
    assert_eq!(json["source"], "GoPro GPMF (GPS5)");
    let gps = json["gps"].as_array().unwrap();
    assert_eq!(gps.len(), fixes.len());
    for (p, f) in gps.iter().zip(&fixes) {
        let lat = p["latitude"].as_f64().unwrap();
        let lon = p["longitude"].as_f64().unwrap();
        assert!((lat - f.0).abs() <= 0.5e-7 && (lon - f.1).abs() <= 0.5e-7);
    }
    let streams: Vec<(&str, usize)> = json["sensors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let n = s["samples"].as_array().unwrap().len();
            (s["key"].as_str().unwrap(), n)
        })
        .collect();
    assert_eq!(
        streams,
        [
            ("ACCL", 120),
            ("GYRO", 120),
            ("MAGN", 24),
            ("PRES", 12),
            ("TEMP", 12),
            ("HRAT", 12)
        ]
    );
    let accl = &json["sensors"][0]["samples"][37];
    assert_eq!(accl["media_time"], 3.7);
    // (70, -1000, -2) milli-g stored as round(v × 418): 287, -4099, -8.
    let values: Vec<f64> = accl["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(values, [287.0 / 418.0, -4099.0 / 418.0, -8.0 / 418.0]);
}

#[test]
fn convert_writes_the_bandit_gps_and_sensors_as_gpmf() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bandit.mp4");
    std::fs::write(&input, bandit::video_with_ttad(&bandit::ride_payload())).unwrap();
    let output = dir.path().join("out.mp4");
    let result = common::telemux()
        .arg("convert")
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(result.status.success(), "{stderr}");
    for key in ["ACCL", "GYRO", "MAGN", "PRES", "TEMP"] {
        assert!(
            stderr.contains(&format!("sensor stream {key}: ")),
            "{key}: {stderr}"
        );
    }
    let json = extract_json(&output);
    assert_eq!(json["source"], "GoPro GPMF (GPS5)");
    let first = &json["gps"][0];
    let expected = bandit::fix(0);
    assert!((first["latitude"].as_f64().unwrap() - expected.latitude).abs() < 1e-6);
    let keys: Vec<&str> = json["sensors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    for key in ["ACCL", "GYRO", "MAGN", "PRES", "TEMP"] {
        assert!(keys.contains(&key), "{key} missing from {keys:?}");
    }
}
