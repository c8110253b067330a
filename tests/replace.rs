//! `inject --replace` on real GoPro files (corpus `gopro/max-heromode.mp4`, `gopro/karma.mp4`):
//! only the GPS of each payload is replaced. The camera's other streams (ACCL, GYRO, CORI, the
//! Karma's flight data …) keep their bytes, STMP and TSMP, payload by payload; the track keeps
//! its sample count and durations; the new GPS is the GPX resampled; ExifTool and
//! gopro-telemetry read both the kept sensors and the new GPS.

mod common;

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::path::Path;

use common::oracle::{expected_samples, Grid};
use common::readers::node_reader;
use common::{
    assert_gpmf_output_is_sound_named, corpus_or_skip, exiftool_gps, extract_json, run, telemux,
};
use serde_json::Value;
use telemux_read::gopro;
use telemux_read::gpmf::keys::{DEVC, DVID, GPRI, GPS5, GPS9, STRM};
use telemux_read::gpmf::{read_tree, Body, Klv, Node, Values};
use telemux_read::source::open_mp4;
use telemux_read::{gpx, FourCC, GpsPoint};
use telemux_write::gpmf::encode;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// One payload split: every KLV of each DEVC but the GPS streams, encoded (with the DEVC's
/// DVID), and the data keys of the GPS streams with the DVID of their device.
#[derive(Debug, PartialEq)]
struct Split {
    kept: Vec<(u32, Vec<u8>)>,
    gps: Vec<(u32, FourCC)>,
}

fn split(payload: &[u8]) -> Split {
    let mut split = Split {
        kept: Vec::new(),
        gps: Vec::new(),
    };
    for node in read_tree(payload).unwrap() {
        let Node::Klv(Klv {
            key,
            body: Body::Nest(children),
        }) = node
        else {
            panic!("a payload holds DEVCs only");
        };
        assert_eq!(key, DEVC);
        let dvid = children
            .iter()
            .find_map(|c| match c {
                Node::Klv(Klv {
                    key,
                    body: Body::Data(data),
                }) if *key == DVID => match data.values() {
                    Values::U32(ids) => ids.first().copied(),
                    _ => None,
                },
                _ => None,
            })
            .unwrap();
        for child in children {
            let gps = match &child {
                Node::Klv(Klv {
                    key,
                    body: Body::Nest(inner),
                }) if *key == STRM => inner.iter().find_map(|c| match c {
                    Node::Klv(klv) if [GPS5, GPS9, GPRI].contains(&klv.key) => Some(klv.key),
                    _ => None,
                }),
                _ => None,
            };
            match gps {
                Some(key) => split.gps.push((dvid, key)),
                None => split.kept.push((dvid, encode(&[child]).unwrap())),
            }
        }
    }
    split
}

/// The GPMF payloads of `video` and their durations (stts, timescale 1000 in these files).
fn payloads(video: &Path) -> Vec<(Vec<u8>, u32)> {
    let mut file = File::open(video).unwrap();
    let mp4 = open_mp4(&mut file).unwrap();
    let track = gopro::find_track(&mp4, &mut file).unwrap().unwrap();
    assert_eq!(track.mdhd.timescale, 1000);
    track
        .samples()
        .map(|s| {
            let s = s.unwrap();
            (track.read_sample(&mut file, &s).unwrap(), s.duration)
        })
        .collect()
}

/// A GPX of the file's own GPS moved 0.01° north, so the new GPS is told from the old.
fn shifted_gpx(video: &Path, gpx_path: &Path) {
    let json = extract_json(video);
    let mut text = String::from(
        "<?xml version=\"1.0\"?>\n<gpx version=\"1.1\" creator=\"test\" \
         xmlns=\"http://www.topografix.com/GPX/1/1\"><trk><trkseg>\n",
    );
    for p in json["gps"].as_array().unwrap() {
        text += &format!(
            "<trkpt lat=\"{:.7}\" lon=\"{}\"><ele>{}</ele><time>{}</time></trkpt>\n",
            p["latitude"].as_f64().unwrap() + 0.01,
            p["longitude"],
            p["altitude"],
            p["time"].as_str().unwrap()
        );
    }
    text += "</trkseg></trk></gpx>\n";
    fs::write(gpx_path, text).unwrap();
}

/// What `inject` writes: the GPX at 10 Hz from its first point over the video, as the oracle
/// computes it.
fn expected_points(gpx_path: &Path, duration: f64) -> Vec<GpsPoint> {
    let (telemetry, _) = gpx::parse(&fs::read(gpx_path).unwrap())
        .unwrap()
        .into_telemetry();
    let start = telemetry.gps[0].time.unwrap();
    expected_samples(&telemetry.gps, start, duration, Grid::default())
}

struct Case {
    file: &'static str,
    /// The report line about the replacement.
    report: &'static str,
    handler: &'static str,
    /// Payloads left without GPS: their spans have no GPX points.
    without_gps: usize,
    /// Per payload, the GPS streams before: (DVID, key).
    gps_before: (u32, FourCC),
    /// Latitude/longitude pairs ExifTool reads besides the new GPS (the Karma's GLPI).
    exiftool_others: usize,
}

fn replace_keeps_every_other_stream(case: &Case) {
    let Some(corpus) = corpus_or_skip(case.file) else {
        return;
    };
    let original = corpus.join("gopro").join(case.file);
    let dir = tempfile::tempdir().unwrap();
    let gpx_path = dir.path().join("shifted.gpx");
    let output = dir.path().join("out.mp4");
    shifted_gpx(&original, &gpx_path);

    let out = telemux()
        .arg("inject")
        .arg(&original)
        .arg("--gpx")
        .arg(&gpx_path)
        .args(["--sync", "first-point", "--replace", "-o"])
        .arg(&output)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.lines().any(|l| l == case.report),
        "report was:\n{stderr}"
    );
    assert!(!stderr.contains("replacing 1 existing"), "{stderr}");
    // The track keeps the camera's handler name as the camera wrote it: a Pascal string, whose
    // length byte ffmpeg shows as text (as it does on the original).
    assert_gpmf_output_is_sound_named(&original, &output, case.handler);

    // The GPS read back is the GPX resampled: same points, coordinates to GPS5's 1e-7°, UTC
    // times exact, media times within a slot (readers spread a payload's samples evenly).
    let before = payloads(&original);
    let after = payloads(&output);
    let json = extract_json(&output);
    let got = json["gps"].as_array().unwrap();
    let duration: f64 = after.iter().map(|p| f64::from(p.1)).sum::<f64>() / 1000.0;
    let mut file = File::open(&original).unwrap();
    let movie = open_mp4(&mut file).unwrap().mvhd().unwrap();
    let movie_duration = movie.duration as f64 / f64::from(movie.timescale);
    let expected = expected_points(&gpx_path, movie_duration);
    let expected: Vec<&GpsPoint> = expected
        .iter()
        .filter(|p| p.media_time.unwrap() < duration)
        .collect();
    assert_eq!(got.len(), expected.len());

    // Same payload count and durations; every non-GPS KLV of every payload byte-identical
    // (STMP and TSMP inside the streams included); the old GPS gone, a GPS5 in its device.
    assert_eq!(
        before.iter().map(|p| p.1).collect::<Vec<_>>(),
        after.iter().map(|p| p.1).collect::<Vec<_>>()
    );
    // A payload whose span has no points (Karma's last: the GPS ends at 11.7 s) gets none.
    let mut start = 0.0;
    for (index, ((old, _), (new, ms))) in before.iter().zip(&after).enumerate() {
        let end = start + f64::from(*ms) / 1000.0;
        let (old, new) = (split(old), split(new));
        assert_eq!(old.kept, new.kept, "payload {index}: other streams changed");
        assert_eq!(old.gps, [case.gps_before], "payload {index}");
        let has_points = expected
            .iter()
            .any(|p| (start..end).contains(&p.media_time.unwrap()));
        let gps: &[_] = if has_points {
            &[(case.gps_before.0, GPS5)]
        } else {
            &[]
        };
        assert_eq!(new.gps, gps, "payload {index}");
        start = end;
    }
    assert_eq!(
        after
            .iter()
            .filter(|(p, _)| split(p).gps.is_empty())
            .count(),
        case.without_gps
    );

    for (g, e) in got.iter().zip(&expected) {
        assert!(
            (g["latitude"].as_f64().unwrap() - e.latitude).abs() < 0.6e-7,
            "{g} {e:?}"
        );
        assert!((g["longitude"].as_f64().unwrap() - e.longitude).abs() < 0.6e-7);
        let time = OffsetDateTime::parse(g["time"].as_str().unwrap(), &Rfc3339).unwrap();
        // GPSU holds whole milliseconds (the Karma GPX has nanoseconds).
        assert!((time - e.time.unwrap()).abs() <= time::Duration::milliseconds(1));
        // Off by more only in a payload the GPX covers partly (readers spread its points
        // over the whole payload, whose span --replace keeps): Karma's payload 11.011-12.012 s
        // has 7 points, the GPX ending at 11.7 s.
        let slack = if e.media_time.unwrap() > 11.0 && case.file == "karma.mp4" {
            1.001
        } else {
            0.1
        };
        let off = (g["media_time"].as_f64().unwrap() - e.media_time.unwrap()).abs();
        assert!(off < slack, "{g} {e:?}");
    }

    if let Some(exif) = exiftool_gps(&output) {
        assert_eq!(exif.len(), expected.len() + case.exiftool_others);
        for e in &expected {
            assert!(
                exif.iter()
                    .any(|&(lat, lon)| (lat - e.latitude).abs() < 0.6e-7
                        && (lon - e.longitude).abs() < 0.6e-7),
                "ExifTool misses {e:?}"
            );
        }
    }
    if let Some(node) = node_reader() {
        let read = |video: &Path| -> Value {
            let mut cmd = node_reader().unwrap();
            cmd.arg(video).arg("{}");
            serde_json::from_str(&run(cmd)).unwrap()
        };
        drop(node);
        let (old, new) = (read(&original), read(&output));
        // The same devices and streams, with GPRI (which gopro-telemetry does not decode to
        // GPS) now GPS5.
        let streams = |v: &Value| -> BTreeMap<String, Vec<String>> {
            v["streams"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(id, s)| {
                    let keys = s.as_object().unwrap().keys();
                    (
                        id.clone(),
                        keys.map(|k| k.replace("GPRI", "GPS5")).collect(),
                    )
                })
                .collect()
        };
        assert_eq!(streams(&old), streams(&new));
        assert_eq!(old["devices"], new["devices"]);
        let points = new["gps"]["GPS5"]["points"].as_array().unwrap();
        assert_eq!(points.len(), expected.len());
        for (p, e) in points.iter().zip(&expected) {
            assert!((p["value"][0].as_f64().unwrap() - e.latitude).abs() < 0.6e-7);
            assert!((p["value"][1].as_f64().unwrap() - e.longitude).abs() < 0.6e-7);
        }
        assert_eq!(new["warnings"], Value::Array(Vec::new()));
    }
}

#[test]
fn replace_on_max_keeps_its_sensors() {
    replace_keeps_every_other_stream(&Case {
        file: "max-heromode.mp4",
        report: "replacing the GPS (GPS5) of GPMF track 4 (11 payloads); kept: ACCL, GYRO, \
                 MAGN, SHUT, WBAL, WRGB, ISOE, YAVG, UNIF, SCEN, HUES, CORI, IORI, GRAV",
        handler: "\u{b}GoPro MET  ",
        gps_before: (1, GPS5),
        without_gps: 0,
        exiftool_others: 0,
    });
}

#[test]
fn replace_on_karma_puts_gps5_in_the_drone_device() {
    replace_keeps_every_other_stream(&Case {
        file: "karma.mp4",
        report: "replacing the GPS (GPRI) of GPMF track 4 (13 payloads); kept: ACCL, GYRO, \
                 ISOG, SHUT, FWVS, KBAT, ATTD, GLPI, VFRH, SYST, BPOS, ATTR, SIMU, ESCS, SCPR, \
                 LNED, CYTS, CSEN",
        handler: "\tGoPro MET",
        gps_before: (16_835_857, GPRI),
        without_gps: 1,
        // ExifTool reads the drone's fused position (GLPI, kept) as GPS too: 47 pairs.
        exiftool_others: 47,
    });
}
