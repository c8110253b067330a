//! Other readers accept our GPX 1.1: xmllint validates it against the official schema
//! (fixtures/gpx11.xsd) and the `gpx` crate reads the same points.

mod common;

use std::path::PathBuf;
use std::process::Command;

use proptest::prelude::*;
use telemux_read::{Fix, GpsPoint};
use telemux_testkit::external_tool;
use telemux_write::export::gpx::{write_gpx, GpxVersion};
use time::macros::datetime;
use time::OffsetDateTime;

fn gpx_1_1(segments: &[Vec<GpsPoint>]) -> Vec<u8> {
    let mut out = Vec::new();
    write_gpx(&mut out, segments, GpxVersion::V1_1).unwrap();
    out
}

/// xmllint's verdict on `document` against the GPX 1.1 schema, offline.
fn schema_errors(document: &[u8]) -> Option<String> {
    let schema = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/gpx11.xsd");
    let file = tempfile::Builder::new().suffix(".gpx").tempfile().unwrap();
    std::fs::write(file.path(), document).unwrap();
    let output = Command::new("xmllint")
        .args(["--nonet", "--noout", "--schema"])
        .arg(&schema)
        .arg(file.path())
        .output()
        .unwrap();
    (!output.status.success()).then(|| String::from_utf8_lossy(&output.stderr).into_owned())
}

/// Every field set, values at the edges of the schema's ranges, and a bare point.
fn edge_track() -> Vec<Vec<GpsPoint>> {
    let full = GpsPoint {
        time: Some(datetime!(2023-06-01 08:15:00.123456789 UTC)),
        altitude: Some(-412.25),
        speed_2d: Some(0.0000001),
        speed_3d: Some(9.0),
        course: Some(-0.5),
        fix: Some(Fix::None),
        dop: Some(99.5),
        satellites: Some(0),
        ..GpsPoint::new(90.0, 180.0)
    };
    let bare = GpsPoint::new(-90.0, -179.99999999999997);
    vec![vec![full, bare.clone()], vec![], vec![bare]]
}

#[test]
fn output_validates_against_the_gpx_1_1_schema() {
    if external_tool("xmllint").is_none() {
        return;
    }
    let document = gpx_1_1(&edge_track());
    assert_eq!(schema_errors(&document), None);

    // The check has teeth: the same document with longitude 180 is rejected.
    let text = String::from_utf8(document).unwrap();
    assert!(text.contains("lon=\"-180\""));
    let broken = text.replacen("lon=\"-180\"", "lon=\"180\"", 1);
    let errors = schema_errors(broken.as_bytes()).expect("lon=180 must not validate");
    assert!(errors.contains("maxExclusive"), "{errors}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn every_output_validates(segments in common::segments(common::gpx_point())) {
        if external_tool("xmllint").is_some() {
            prop_assert_eq!(schema_errors(&gpx_1_1(&segments)), None);
        }
    }

    #[test]
    fn gpx_crate_reads_the_same_points(segments in common::segments(common::gpx_point())) {
        let parsed = gpx::read(gpx_1_1(&segments).as_slice()).unwrap();
        prop_assert_eq!(parsed.version, gpx::GpxVersion::Gpx11);
        prop_assert_eq!(parsed.creator.as_deref(), Some("telemux"));
        let theirs = &parsed.tracks[0].segments;
        prop_assert_eq!(theirs.len(), segments.len());
        for (ours, theirs) in segments.iter().zip(theirs) {
            prop_assert_eq!(ours.len(), theirs.points.len());
            for (ours, theirs) in ours.iter().zip(&theirs.points) {
                prop_assert!(common::same_as_written(ours.latitude, theirs.point().y()));
                prop_assert!(common::same_as_written(ours.longitude, theirs.point().x()));
                prop_assert!(common::same_optional(ours.altitude, theirs.elevation));
                prop_assert!(common::same_optional(ours.dop, theirs.hdop));
                prop_assert_eq!(theirs.time.map(OffsetDateTime::from), ours.time);
                prop_assert_eq!(theirs.sat, ours.satellites.map(u64::from));
                let fix = theirs.fix.as_ref().map(|fix| match fix {
                    gpx::Fix::None => Fix::None,
                    gpx::Fix::TwoDimensional => Fix::TwoD,
                    _ => Fix::ThreeD,
                });
                prop_assert_eq!(fix, ours.fix);
            }
        }
    }
}

#[test]
fn gpx_crate_reads_the_edge_track() {
    let parsed = gpx::read(gpx_1_1(&edge_track()).as_slice()).unwrap();
    let points = &parsed.tracks[0].segments[0].points;
    assert_eq!(points[0].point().y(), 90.0);
    assert_eq!(points[0].point().x(), -180.0);
    assert_eq!(points[0].elevation, Some(-412.25));
    assert_eq!(
        points[0].time.map(OffsetDateTime::from),
        Some(datetime!(2023-06-01 08:15:00.123456789 UTC))
    );
    assert_eq!(points[0].fix, Some(gpx::Fix::None));
    assert_eq!(points[0].sat, Some(0));
    assert_eq!(points[0].hdop, Some(99.5));
    assert_eq!(points[1].point().x(), -179.99999999999997);
    assert!(parsed.tracks[0].segments[1].points.is_empty());
}
