//! `telemux extract` end to end: every format on real GoPro files, checked by independent
//! readers (xmllint against the GPX 1.1 schema, the `gpx` crate, serde_json, quick counts),
//! filters, several files as one track, and bad inputs with exit code 2.

mod common;

use std::fs;
use std::path::Path;

use common::{fixture, telemux};
use predicates::prelude::*;
use telemux_testkit::{corpus_or_skip, external_tool};

fn extract(args: &[&str], inputs: &[&Path]) -> String {
    let out = telemux()
        .arg("extract")
        .args(inputs)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn gpx_is_valid_and_readable_by_the_gpx_crate() {
    let Some(corpus) = corpus_or_skip("gpx_is_valid_and_readable_by_the_gpx_crate") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("max.gpx");
    telemux()
        .arg("extract")
        .arg(corpus.join("gopro/max-heromode.mp4"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "max-heromode.mp4: GoPro GPMF (GPS5): 191 points in 11 payloads; 191 kept",
        ));
    if let Some(mut xmllint) = external_tool("xmllint") {
        let status = xmllint
            .args(["--noout", "--schema"])
            .arg(fixture("gpx11.xsd"))
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success(), "xmllint rejects our GPX");
    }
    let parsed = gpx::read(fs::File::open(&out).unwrap()).unwrap();
    let points = &parsed.tracks[0].segments[0].points;
    assert_eq!(points.len(), 191);
    assert_eq!(points[0].point().y(), 33.12677);
    assert_eq!(points[0].point().x(), -117.3273436);
    assert_eq!(points[0].hdop, Some(1.54));
    assert!(points[0].time.is_some());

    let gpx10 = extract(&["--gpx10"], &[&corpus.join("gopro/max-heromode.mp4")]);
    assert!(gpx10.contains("version=\"1.0\""));
    assert_eq!(gpx10.matches("<speed>").count(), 191);
}

#[test]
fn kml_geojson_csv_and_json() {
    let Some(corpus) = corpus_or_skip("kml_geojson_csv_and_json") else {
        return;
    };
    let max = corpus.join("gopro/max-heromode.mp4");
    let kml = extract(&["--format", "kml"], &[&max]);
    assert!(
        kml.contains("-117.3273436,33.12677,-22.959"),
        "{}",
        &kml[..400]
    );
    assert_eq!(kml.matches("<when>").count(), 191);

    let geojson: serde_json::Value =
        serde_json::from_str(&extract(&["--format", "geojson"], &[&max])).unwrap();
    let coords = &geojson["features"][0]["geometry"]["coordinates"];
    assert_eq!(coords.as_array().unwrap().len(), 191);
    assert_eq!(coords[0][0], -117.3273436);

    let csv = extract(&["--format", "csv"], &[&max]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("time,latitude,longitude,altitude,speed_2d,speed_3d,course,fix,dop,satellites")
    );
    assert_eq!(lines.count(), 191);

    let json: serde_json::Value =
        serde_json::from_str(&extract(&["--format", "json"], &[&max])).unwrap();
    assert_eq!(json["gps"].as_array().unwrap().len(), 191);
    let sensors: Vec<&str> = json["sensors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert!(
        sensors.contains(&"ACCL") && sensors.contains(&"GYRO"),
        "{sensors:?}"
    );
}

#[test]
fn filters_and_several_files() {
    let Some(corpus) = corpus_or_skip("filters_and_several_files") else {
        return;
    };
    let max = corpus.join("gopro/max-heromode.mp4");
    let karma = corpus.join("gopro/karma.mp4");
    // DOP in max-heromode runs from 1.54 upwards; 1.5 drops all of it.
    telemux()
        .arg("extract")
        .arg(&max)
        .args(["--max-dop", "1.5"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "0 kept (191 filtered: 0 no-fix/low-fix, 191 high DOP",
        ))
        .stderr(predicate::str::contains("no GPS points to export"));
    let csv = extract(
        &["--format", "csv", "--min-fix", "3", "--drop-outliers"],
        &[&max],
    );
    assert_eq!(csv.lines().count(), 192);

    // Two files: two segments in GPS time order whatever the order given: the Karma flight
    // (GPRI, 2017) before the MAX (2019).
    let gpx = extract(&[], &[&max, &karma]);
    assert_eq!(gpx.matches("<trkseg>").count(), 2);
    let first_segment = &gpx[..gpx.find("</trkseg>").unwrap()];
    assert_eq!(first_segment.matches("<trkpt").count(), 47);
    assert!(first_segment.contains("<time>2017-04-17T19:27:57.366"));
    let by_name = extract(&["--sort", "name"], &[&max, &karma]);
    let first_segment = &by_name[..by_name.find("</trkseg>").unwrap()];
    assert_eq!(first_segment.matches("<trkpt").count(), 191);
}

#[test]
fn outputs_are_not_overwritten_without_force() {
    let Some(corpus) = corpus_or_skip("outputs_are_not_overwritten_without_force") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.csv");
    fs::write(&out, "precious").unwrap();
    let max = corpus.join("gopro/max-heromode.mp4");
    telemux()
        .arg("extract")
        .arg(&max)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "already exists (use --force to overwrite)",
        ));
    assert_eq!(fs::read_to_string(&out).unwrap(), "precious");
    telemux()
        .arg("extract")
        .arg(&max)
        .arg("-o")
        .arg(&out)
        .arg("--force")
        .assert()
        .success();
    assert!(fs::read_to_string(&out)
        .unwrap()
        .starts_with("time,latitude"));
}

#[test]
fn bad_inputs_exit_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(Vec<u8>, &str)> = {
        let ride = fs::read(fixture("ride.mp4")).unwrap();
        let moov = ride.windows(4).rposition(|w| w == b"moov").unwrap() - 4;
        let mut stco_count_too_big = ride.clone();
        let stco = ride.windows(4).position(|w| w == b"stco").unwrap();
        stco_count_too_big[stco + 8..stco + 12].copy_from_slice(&0x00ff_ffffu32.to_be_bytes());
        vec![
            (
                ride[..moov + 100].to_vec(),
                "moov at byte 40810: declared size 7582 runs past",
            ),
            (stco_count_too_big, "/stbl/stco at byte"),
            (
                b"hello world, not a video".to_vec(),
                "neither an MP4/MOV nor an MPEG-TS file",
            ),
            (ride.clone(), "no GPS telemetry found"),
        ]
    };
    for (i, (bytes, message)) in cases.into_iter().enumerate() {
        let path = dir.path().join(format!("bad{i}.mp4"));
        fs::write(&path, bytes).unwrap();
        let out = telemux().arg("extract").arg(&path).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "case {i}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "case {i}: {stderr}");
        assert!(stderr.starts_with("telemux: error: "), "case {i}: {stderr}");
        assert!(
            stderr.contains(&format!("bad{i}.mp4: ")),
            "case {i}: {stderr}"
        );
        assert!(stderr.contains(message), "case {i}: {stderr}");
    }
}
