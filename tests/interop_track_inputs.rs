//! telemux reads what an independent writer exports: gopro-telemetry (the npm library behind
//! GoPro web tools, pinned in tests/interop/node/package-lock.json) exports the GoPro MAX
//! sample's GPS as KML, GeoJSON and CSV through tests/interop/node/gpmf-export.js, and
//! telemux's track readers must give the points of telemux's own extraction.
//!
//! Measured (docs/interop.md, "gopro-telemetry exports"): positions, altitudes and speeds are
//! the same doubles (both divide GPS5's integers by SCAL); gopro-telemetry dates each sample
//! from GPSU spread over the payload, to the whole millisecond, so times agree within 1 ms.
//! Its GeoJSON times are under `AbsoluteUtcMicroSec` but hold milliseconds; its KML puts each
//! placemark's `TimeStamp` after the `Point`; its CSV names columns `GPS (Lat.) [deg]`.

mod common;

use common::readers::node_script;
use common::{extract_as, run};
use telemux_read::track_input::{self, Kind};
use telemux_read::GpsPoint;
use telemux_testkit::{corpus_or_skip, kept_fields, read_track};

fn max_video() -> Option<std::path::PathBuf> {
    Some(corpus_or_skip("interop_track_inputs")?.join("gopro/max-heromode.mp4"))
}

/// telemux's own points for the video (its JSON export, read back).
fn telemux_points(video: &std::path::Path) -> Vec<GpsPoint> {
    read_track(&track_input::json::KIND, &extract_as(video, "json")).0
}

fn gopro_telemetry(video: &std::path::Path, preset: &str) -> Option<Vec<u8>> {
    let mut node = node_script("gpmf-export.js")?;
    node.arg(video).arg(preset);
    Some(run(node).into_bytes())
}

/// Every point of `kind`'s reading of gopro-telemetry's `preset` export against telemux's:
/// the position and `fields` exact, the time within 1 ms.
fn check(preset: &str, kind: &Kind, fields: &[&str]) {
    let Some(video) = max_video() else { return };
    let Some(export) = gopro_telemetry(&video, preset) else {
        return;
    };
    let (points, _) = read_track(kind, &export);
    let ours = telemux_points(&video);
    assert_eq!(ours.len(), 191);
    assert_eq!(points.len(), ours.len(), "{preset}");
    for (i, (theirs, ours)) in points.iter().zip(&ours).enumerate() {
        let at = format!("{preset} point {i}: {theirs:?} / {ours:?}");
        assert_eq!(
            kept_fields(theirs, fields),
            kept_fields(ours, fields),
            "{at}"
        );
        let gap = (theirs.time.unwrap() - ours.time.unwrap()).abs();
        assert!(gap <= time::Duration::milliseconds(1), "{at}");
    }
}

#[test]
fn reads_gopro_telemetry_geojson() {
    check("geojson", &track_input::geojson::KIND, &["altitude"]);
}

#[test]
fn reads_gopro_telemetry_kml() {
    check("kml", &track_input::kml::KIND, &["altitude"]);
}

#[test]
fn reads_gopro_telemetry_csv() {
    check(
        "csv",
        &track_input::csv::KIND,
        &["altitude", "speed_2d", "speed_3d", "fix"],
    );
}
