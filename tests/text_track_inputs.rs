//! Every export of the GoPro MAX sample read back: `telemux extract MAX.mp4 --format F` for
//! each format, each output read by telemux's track readers (detected by content) and compared
//! point by point with the JSON extraction, to what each format stores (docs/formats.md,
//! "Text track inputs").

mod common;

use common::telemux;
use telemux_read::track_input;
use telemux_read::GpsPoint;
use telemux_testkit::{corpus_or_skip, kept_fields, read_track};

fn extract(video: &std::path::Path, format: &str) -> Vec<u8> {
    let out = telemux()
        .arg("extract")
        .arg(video)
        .args(["--format", format])
        .output()
        .unwrap();
    assert!(out.status.success(), "{format}: {out:?}");
    out.stdout
}

#[test]
fn every_export_of_the_max_file_reads_back_to_the_json_points() {
    let Some(corpus) = corpus_or_skip("every_export_of_the_max_file_reads_back") else {
        return;
    };
    let max = corpus.join("gopro/max-heromode.mp4");
    let (reference, parsed) = read_track(&track_input::json::KIND, &extract(&max, "json"));
    assert_eq!(reference.len(), 191);
    assert_eq!(parsed.device.as_deref(), Some("GoPro Max"));
    let first = &reference[0];
    assert_eq!((first.latitude, first.longitude), (33.12677, -117.3273436));
    assert_eq!(first.dop, Some(1.54));
    assert!(reference
        .iter()
        .all(|p| p.time.is_some() && p.altitude.is_some() && p.speed_3d.is_some()));

    let expect = |fields: &[&str]| -> Vec<GpsPoint> {
        reference.iter().map(|p| kept_fields(p, fields)).collect()
    };
    let all_but_media_time = [
        "time",
        "altitude",
        "speed_2d",
        "speed_3d",
        "course",
        "fix",
        "dop",
        "satellites",
    ];
    let (csv, _) = read_track(&track_input::csv::KIND, &extract(&max, "csv"));
    assert_eq!(csv, expect(&all_but_media_time));
    let (geojson, _) = read_track(&track_input::geojson::KIND, &extract(&max, "geojson"));
    assert_eq!(geojson, expect(&["time", "altitude", "speed_2d", "course"]));
    let (kml, _) = read_track(&track_input::kml::KIND, &extract(&max, "kml"));
    assert_eq!(kml, expect(&["time", "altitude"]));
    // GPX is read by the GPX reader; its numbers are the shortest forms, exact here.
    let gpx = telemux_read::gpx::parse(&extract(&max, "gpx")).unwrap();
    let gpx: Vec<GpsPoint> = gpx.segments.into_iter().flatten().collect();
    assert_eq!(
        gpx,
        expect(&[
            "time",
            "altitude",
            "speed_2d",
            "course",
            "fix",
            "dop",
            "satellites"
        ])
    );
}
