//! Every export of the GoPro MAX sample read back: `telemux extract MAX.mp4 --format F` for
//! each format, each output read by telemux's track readers (detected by content) and compared
//! point by point with the JSON extraction, to what each format stores (docs/formats.md,
//! "Text track inputs").

mod common;

use common::extract_as;
use telemux_read::track_input;
use telemux_read::GpsPoint;
use telemux_testkit::{corpus_or_skip, export_keeps, kept_fields, read_track};

#[test]
fn every_export_of_the_max_file_reads_back_to_the_json_points() {
    let Some(corpus) = corpus_or_skip("every_export_of_the_max_file_reads_back") else {
        return;
    };
    let max = corpus.join("gopro/max-heromode.mp4");
    let (reference, parsed) = read_track(&track_input::json::KIND, &extract_as(&max, "json"));
    assert_eq!(reference.len(), 191);
    assert_eq!(parsed.device.as_deref(), Some("GoPro Max"));
    let first = &reference[0];
    assert_eq!((first.latitude, first.longitude), (33.12677, -117.3273436));
    assert_eq!(first.dop, Some(1.54));
    // KML keeps altitudes as they are only when every point has a time and an altitude.
    assert!(reference
        .iter()
        .all(|p| p.time.is_some() && p.altitude.is_some() && p.speed_3d.is_some()));

    let expect = |format: &str| -> Vec<GpsPoint> {
        let fields = export_keeps(format);
        reference.iter().map(|p| kept_fields(p, fields)).collect()
    };
    for (format, kind) in [
        ("csv", &track_input::csv::KIND),
        ("geojson", &track_input::geojson::KIND),
        ("kml", &track_input::kml::KIND),
    ] {
        let (points, _) = read_track(kind, &extract_as(&max, format));
        assert_eq!(points, expect(format), "{format}");
    }
    // GPX is read by the GPX reader; its numbers are the shortest forms, exact here.
    let gpx = telemux_read::gpx::parse(&extract_as(&max, "gpx")).unwrap();
    let gpx: Vec<GpsPoint> = gpx.segments.into_iter().flatten().collect();
    assert_eq!(gpx, expect("gpx"));
}
