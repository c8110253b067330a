//! GoPro telemetry from the real corpus files: counts from the MANIFEST, every point against
//! ExifTool to 1e-7°, and times in order.

use std::fs::File;
use std::path::Path;

use telemux_read::gopro::{self, GpsSource, ReadOptions};
use telemux_read::mp4::Mp4;
use telemux_read::{AltitudeRef, Fix};
use telemux_testkit::{corpus_or_skip, exiftool_gps, external_tool};

fn read(path: &Path, sensors: bool) -> gopro::GoproTelemetry {
    let mut file = File::open(path).unwrap();
    let mp4 = Mp4::open(&mut file).unwrap();
    gopro::read(&mp4, &mut file, ReadOptions::with_sensors(sensors)).unwrap()
}

fn assert_close_to_exiftool(path: &Path, points: &[(f64, f64)], tolerance: f64) {
    let Some(expected) = exiftool_gps(path) else {
        return;
    };
    assert_eq!(points.len(), expected.len());
    for (i, ((lat, lon), (x_lat, x_lon))) in points.iter().zip(&expected).enumerate() {
        assert!(
            (lat - x_lat).abs() <= tolerance && (lon - x_lon).abs() <= tolerance,
            "point {i}: ours {lat}, {lon} vs ExifTool {x_lat}, {x_lon}"
        );
    }
}

fn positions(points: &[telemux_read::GpsPoint]) -> Vec<(f64, f64)> {
    points.iter().map(|p| (p.latitude, p.longitude)).collect()
}

#[test]
fn max_heromode_gps5() {
    let Some(corpus) = corpus_or_skip("max_heromode_gps5") else {
        return;
    };
    let path = corpus.join("gopro/max-heromode.mp4");
    let t = read(&path, true);
    assert_eq!(t.payloads, 11);
    assert_eq!(t.track_index, Some(3));
    assert_eq!(t.gps_source, Some(GpsSource::Gps5));
    assert_eq!(t.telemetry.source, "GoPro GPMF (GPS5)");
    assert_eq!(t.telemetry.device.as_deref(), Some("GoPro Max"));
    assert_eq!(t.telemetry.altitude_ref, AltitudeRef::Ellipsoid);
    let gps = &t.telemetry.gps;
    assert_eq!(gps.len(), 191);
    assert_eq!(
        (gps[0].latitude, gps[0].longitude),
        (33.12677, -117.3273436)
    );
    assert_eq!(gps[0].fix, Some(Fix::ThreeD));
    // GPSU of the first payload is "191118234514.000"; its first sample starts the video.
    assert_eq!(
        gps[0].time.unwrap().to_string(),
        "2019-11-18 23:45:14.0 +00:00:00"
    );
    assert_eq!(gps[0].media_time, Some(0.0));
    for w in gps.windows(2) {
        assert!(
            w[0].time < w[1].time,
            "times go back: {:?} then {:?}",
            w[0].time,
            w[1].time
        );
        assert!(w[0].media_time < w[1].media_time);
    }
    let last = gps.last().unwrap().media_time.unwrap();
    assert!(last < 10.543 && last > 10.0, "{last}");
    assert_close_to_exiftool(&path, &positions(gps), 1e-7);

    let keys: Vec<&str> = t.telemetry.sensors.iter().map(|s| s.key.as_str()).collect();
    for key in ["ACCL", "GYRO", "MAGN", "CORI", "GRAV"] {
        assert!(keys.contains(&key), "{key} missing from {keys:?}");
    }
    let accl = t
        .telemetry
        .sensors
        .iter()
        .find(|s| s.key == "ACCL")
        .unwrap();
    assert_eq!(accl.units, ["m/s²"]);
    assert!(accl.samples.iter().all(|s| s.values.len() == 3));
}

#[test]
fn karma_gpri() {
    let Some(corpus) = corpus_or_skip("karma_gpri") else {
        return;
    };
    let path = corpus.join("gopro/karma.mp4");
    let t = read(&path, true);
    assert_eq!(t.payloads, 13);
    assert_eq!(t.gps_source, Some(GpsSource::Gpri));
    assert_eq!(t.telemetry.device.as_deref(), Some("GoPro Karma v1.0"));
    let gps = &t.telemetry.gps;
    assert_eq!(gps.len(), 47);
    assert_eq!(
        (gps[0].latitude, gps[0].longitude),
        (33.125368, -117.3310641)
    );
    assert_eq!(
        (gps[0].satellites, gps[0].fix),
        (Some(20), Some(Fix::ThreeD))
    );
    // GPRI's own time (seconds since the drone booted) through the SYST pairs, as ExifTool
    // dates it (GPSDateTimeRaw, printed to 10 µs): the first is 2017:04:17 19:27:57.36649.
    assert!(gps.windows(2).all(|w| w[0].time < w[1].time));
    assert!(gps.windows(2).all(|w| w[0].media_time < w[1].media_time));
    if let Some(mut exiftool) = external_tool("exiftool") {
        let out = exiftool
            .args(["-ee", "-n", "-a", "-u", "-s3", "-GPSDateTimeRaw"])
            .arg(&path)
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let theirs: Vec<&str> = text.lines().collect();
        assert_eq!(theirs.len(), 47);
        assert_eq!(theirs[0], "2017:04:17 19:27:57.36649");
        let format = time::macros::format_description!(
            "[year]:[month]:[day] [hour]:[minute]:[second].[subsecond]"
        );
        for (i, (p, t)) in gps.iter().zip(&theirs).enumerate() {
            let t = time::PrimitiveDateTime::parse(t, &format)
                .unwrap()
                .assume_utc();
            let ms = (p.time.unwrap() - t).as_seconds_f64().abs() * 1000.0;
            assert!(ms < 0.01, "GPRI point {i}: {:?} vs ExifTool {t}", p.time);
        }
    }
    // ExifTool 12.57 reports the flight controller's fused position (GLPI) as GPS, not the
    // receiver's GPRI: GLPI must match it exactly, and GPRI lie within ~5 m of it.
    let glpi = t
        .telemetry
        .sensors
        .iter()
        .find(|s| s.key == "GLPI")
        .unwrap();
    let fused: Vec<(f64, f64)> = glpi
        .samples
        .iter()
        .map(|s| (s.values[1], s.values[2]))
        .collect();
    assert_eq!(fused.len(), 47);
    assert_close_to_exiftool(&path, &fused, 1e-7);
    assert_close_to_exiftool(&path, &positions(gps), 5e-5);
}

#[test]
fn a_file_without_telemetry_says_so() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/clip-moov-end.mp4");
    let mut file = File::open(fixture).unwrap();
    let mp4 = Mp4::open(&mut file).unwrap();
    let err = gopro::read(&mp4, &mut file, ReadOptions::default()).unwrap_err();
    assert!(
        err.to_string().starts_with("no GPMF telemetry track"),
        "{err}"
    );
}
