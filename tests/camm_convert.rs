//! `telemux convert GoPro.MP4 --format camm` on a real GoPro MAX clip (corpus): the camera's
//! GPMF (GPS5, ACCL, GYRO) written beside it as a CAMM track, lined up by the GPMF's own media
//! times, read back packet by packet with `telemux_read::camm::decode` and compared with what
//! the read crate reads from the camera's own track.

mod common;

use std::fs::File;
use std::path::Path;

use common::{corpus_or_skip, stream_hashes, telemux, track_samples as samples};
use telemux_read::camm::{self, gps_seconds_to_utc, Packet};
use telemux_read::model::Telemetry;
use telemux_read::mp4::Mp4;
use telemux_read::source;

fn camera_telemetry(path: &Path) -> Telemetry {
    let mut options = source::Options::default();
    options.sensors = true;
    source::read(&mut File::open(path).unwrap(), options)
        .unwrap()
        .telemetry
}

#[test]
fn a_gopro_max_clip_becomes_camm_with_its_sensors() {
    let Some(corpus) = corpus_or_skip("a_gopro_max_clip_becomes_camm_with_its_sensors") else {
        return;
    };
    let input = corpus.join("gopro/max-heromode.mp4");
    let dir = tempfile::tempdir().unwrap();

    // Without --format camm a GoPro file has nothing to convert, as before.
    let refused = dir.path().join("gpmf.mp4");
    let out = telemux()
        .arg("convert")
        .arg(&input)
        .arg("-o")
        .arg(&refused)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format camm"));
    assert!(!refused.exists());

    let output = dir.path().join("camm.mp4");
    let out = telemux()
        .arg("convert")
        .arg(&input)
        .args(["--format", "camm", "-o"])
        .arg(&output)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("sensor stream ACCL: 2078 samples written as CAMM"),
        "{stderr}"
    );
    assert!(
        stderr.contains("CAMM track 6 written: 106 GPS points"),
        "{stderr}"
    );

    // The camera's own tracks are kept byte for byte: its GPMF track's samples too.
    assert_eq!(samples(&input, 3), samples(&output, 3));
    if let (Some(before), Some(after)) = (stream_hashes(&input), stream_hashes(&output)) {
        assert_eq!(before, after);
    }

    let camera = camera_telemetry(&input);
    let mp4 = Mp4::open(&mut File::open(&output).unwrap()).unwrap();
    assert_eq!(camm::camm_tracks(&mp4).unwrap(), [5]);
    let packets: Vec<(f64, Packet)> = samples(&output, 5)
        .into_iter()
        .map(|(t, _, bytes)| (t, camm::decode(&bytes).unwrap()))
        .collect();
    assert!(packets.windows(2).all(|w| w[0].0 <= w[1].0), "time order");

    // GPS: one packet per 0.1 s slot, at the time the camera's GPS says for that moment
    // (its first fix is at 0.000 s of the video).
    let gps: Vec<(f64, camm::Gps)> = packets
        .iter()
        .filter_map(|(t, p)| match p {
            Packet::Gps(g) => Some((*t, *g)),
            _ => None,
        })
        .collect();
    assert_eq!(gps.len(), 106);
    let first_fix = camera.gps[0].time.unwrap();
    assert_eq!(camera.gps[0].media_time, Some(0.0));
    for (k, (t, g)) in gps.iter().enumerate() {
        assert!((t - k as f64 / 10.0).abs() < 1e-9, "GPS packet {k} at {t}");
        let utc = gps_seconds_to_utc(g.time_gps_epoch).unwrap();
        let want = first_fix + time::Duration::milliseconds(100 * k as i64);
        assert!(
            (utc - want).abs() < time::Duration::milliseconds(1),
            "GPS packet {k}: {utc} vs {want}"
        );
        // Between the camera's two fixes around that time (resampled to the grid by UTC).
        let after = camera
            .gps
            .iter()
            .position(|p| p.time.unwrap() > want)
            .unwrap();
        let (a, b) = (&camera.gps[after - 1], &camera.gps[after]);
        let (lo, hi) = (a.latitude.min(b.latitude), a.latitude.max(b.latitude));
        assert!(
            (lo - 1e-12..=hi + 1e-12).contains(&g.latitude),
            "GPS packet {k}"
        );
    }

    // Sensors: every ACCL and GYRO sample inside the track's grid (106 slots of 0.1 s: up to
    // 10.6 s, the 10.517 s video rounded up to a slot, as GPMF output), at its own time (to
    // the track's millisecond) and with the camera's values as f32.
    for (key, kind) in [("ACCL", 3), ("GYRO", 2)] {
        let stream = camera.sensors.iter().find(|s| s.key == key).unwrap();
        let expected: Vec<(f64, [f32; 3])> = stream
            .samples
            .iter()
            .filter(|s| s.media_time.unwrap() < 10.6)
            .map(|s| {
                let v = &s.values;
                (
                    s.media_time.unwrap(),
                    [v[0] as f32, v[1] as f32, v[2] as f32],
                )
            })
            .collect();
        let written: Vec<(f64, [f32; 3])> = packets
            .iter()
            .filter(|(_, p)| p.kind() == kind)
            .map(|(t, p)| match p {
                Packet::Acceleration(v) | Packet::Gyro(v) => (*t, *v),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(written.len(), 2078, "{key}");
        assert_eq!(written.len(), expected.len(), "{key}");
        for (i, (w, e)) in written.iter().zip(&expected).enumerate() {
            assert_eq!(w.1, e.1, "{key} sample {i}");
            assert!(
                (w.0 - e.0).abs() <= 0.0005 + 1e-9,
                "{key} sample {i}: {} vs {}",
                w.0,
                e.0
            );
        }
    }
    // The MAX's MAGN has four values a sample, not CAMM's x, y, z: left out, not guessed.
    assert!(!packets.iter().any(|(_, p)| p.kind() == 7));
    assert!(
        stderr.contains("not written (no CAMM layout): MAGN"),
        "{stderr}"
    );

    // --replace of this CAMM track: by GPS alone it would lose the ACCL and GYRO packets
    // (types 2 and 3) and is refused, the file untouched; converting again writes them anew.
    let replaced = dir.path().join("replaced.mp4");
    let out = telemux()
        .arg("inject")
        .arg(&output)
        .arg("--gpx")
        .arg(common::fixture("ride.gpx"))
        .args([
            "--format",
            "camm",
            "--replace",
            "--start",
            "2024-05-01T10:00:00Z",
            "-o",
        ])
        .arg(&replaced)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("replacing CAMM track 6 would lose its packets of type [2, 3]"),
        "{stderr}"
    );
    assert!(!replaced.exists());
    let out = telemux()
        .arg("convert")
        .arg(&output)
        .args(["--format", "camm", "--replace", "-o"])
        .arg(&replaced)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(samples(&replaced, 5), samples(&output, 5));
}
