//! The extract job: a video's telemetry, filtered, exported as GPX, KML, GeoJSON, CSV, JSON or
//! sensor CSV to any `Write`. [`extract`] does one file; `telemux extract` reads several
//! itself and uses the parts ([`filter_file`], [`Export`]).

use std::io::{Read, Seek, Write};

use telemux_read::model::{GpsPoint, Telemetry};
use telemux_read::source::{self, FileTelemetry, SourceError};
use telemux_read::track::{FilterReport, Filters};

use crate::export::gpx::GpxVersion;
use crate::export::{csv, geojson, gpx, json, kml, sensors_csv, ExportError, Waypoint};

/// What an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// GPX, with HiLight tags as waypoints.
    Gpx(GpxVersion),
    /// KML, with HiLight tags as placemarks.
    Kml,
    /// GeoJSON, a LineString per segment.
    Geojson,
    /// CSV, a row per point.
    Csv,
    /// JSON: the GPS and every sensor stream.
    Json,
    /// CSV, a row per sensor sample.
    SensorsCsv,
}

impl Format {
    /// Whether the format holds everything read: points without a fix (with their fix) and
    /// sensor streams, so they should be read and kept.
    pub fn everything(self) -> bool {
        matches!(self, Format::Json | Format::SensorsCsv)
    }
}

/// What one file gave, for the report of an extract.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FileReport {
    /// One line: where the points came from and how many.
    pub summary: String,
    /// Points kept after the filters.
    pub kept: usize,
    /// Fixes dropped because the clip repeats them from the clip before it.
    pub repeated: usize,
    /// What the filters dropped.
    pub filtered: FilterReport,
    /// Damage that was skipped, one line each.
    pub warnings: Vec<String>,
    /// A line per dashcam block, when the read options asked for them.
    pub details: Vec<String>,
}

/// Why an extract stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExtractError {
    /// The file's telemetry could not be read.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// Nothing to export in the chosen format: no GPS points are left.
    #[error("no GPS points to export (all were filtered out or none were recorded)")]
    NoPoints,
    /// Nothing to export as sensor CSV: the files hold GPS only.
    #[error("no sensor samples to export (the files hold GPS only)")]
    NoSensorSamples,
    /// Writing the export failed.
    #[error(transparent)]
    Export(#[from] ExportError),
}

/// Applies `filters` to a file's GPS; `repeated` is how many fixes were already dropped as
/// repeats of the clip before.
pub fn filter_file(
    file: FileTelemetry,
    repeated: usize,
    filters: &Filters,
) -> (Telemetry, FileReport) {
    let (gps, filtered) = filters.apply(file.telemetry.gps);
    let report = FileReport {
        summary: file.summary,
        kept: gps.len(),
        repeated,
        filtered,
        warnings: file.warnings,
        details: file.details,
    };
    let telemetry = Telemetry {
        gps,
        ..file.telemetry
    };
    (telemetry, report)
}

/// Files' filtered telemetry, checked to have something to export in a format.
#[derive(Debug, Clone)]
pub struct Export {
    format: Format,
    files: Vec<Telemetry>,
}

impl Export {
    /// Refuses an export with nothing in it: no GPS point left (no sensor sample for
    /// [`Format::SensorsCsv`]). Each file is a segment, in the order given.
    pub fn new(format: Format, files: Vec<Telemetry>) -> Result<Export, ExtractError> {
        if format == Format::SensorsCsv {
            if files.iter().all(|t| t.sensors.is_empty()) {
                return Err(ExtractError::NoSensorSamples);
            }
        } else if files.iter().all(|t| t.gps.is_empty()) {
            return Err(ExtractError::NoPoints);
        }
        Ok(Export { format, files })
    }

    /// Writes the export to `out`.
    pub fn write(self, out: &mut dyn Write) -> Result<(), ExportError> {
        let segments: Vec<Vec<GpsPoint>> = self.files.iter().map(|t| t.gps.clone()).collect();
        match self.format {
            Format::Gpx(version) => {
                let waypoints = highlight_waypoints(&self.files);
                gpx::write_gpx_with_waypoints(out, &waypoints, &segments, version)
            }
            Format::Kml => {
                let waypoints = highlight_waypoints(&self.files);
                kml::write_kml_with_waypoints(out, &waypoints, &segments)
            }
            Format::Geojson => geojson::write_geojson(out, &segments),
            Format::Csv => csv::write_csv(out, &segments),
            Format::Json => json::write_json(out, &merge(self.files)),
            Format::SensorsCsv => sensors_csv::write_sensors_csv(out, &merge(self.files).sensors),
        }
    }
}

/// Reads the telemetry of one video (`read` says how, see `telemux_read::source::read`),
/// filters its GPS and writes it to `out` as `format`.
pub fn extract<R: Read + Seek>(
    input: &mut R,
    read: source::Options,
    filters: &Filters,
    format: Format,
    out: &mut dyn Write,
) -> Result<FileReport, ExtractError> {
    let file = source::read(input, read)?;
    let (telemetry, report) = filter_file(file, 0, filters);
    Export::new(format, vec![telemetry])?.write(out)?;
    Ok(report)
}

/// The GoPro HiLight tags the tracks reach, as waypoints "HiLight 1", "HiLight 2 (MANL)", …
fn highlight_waypoints(files: &[Telemetry]) -> Vec<Waypoint> {
    files
        .iter()
        .flat_map(|t| &t.highlights)
        .filter_map(|h| Some((h, h.position.clone()?)))
        .enumerate()
        .map(|(i, (h, point))| Waypoint {
            name: match &h.kind {
                Some(kind) => format!("HiLight {} ({kind})", i + 1),
                None => format!("HiLight {}", i + 1),
            },
            point,
        })
        .collect()
}

/// Several files' telemetry as one, for JSON.
fn merge(files: Vec<Telemetry>) -> Telemetry {
    let mut files = files.into_iter();
    let mut all = files.next().unwrap_or_default();
    for t in files {
        all.gps.extend(t.gps);
        all.sensors.extend(t.sensors);
        all.highlights.extend(t.highlights);
    }
    all
}
