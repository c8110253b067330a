//! Text exports of the telemetry model: GPX (1.1 or 1.0), KML, GeoJSON, CSV, JSON, and sensor
//! samples as CSV.
//!
//! Every writer streams into any `std::io::Write` (buffered internally) and prints numbers in
//! the shortest form that reads back to the same `f64`, so nothing is lost to rounding.
//! Track writers take segments (`&[Vec<GpsPoint>]`): callers start a new segment at a gap or
//! file boundary; pass `std::slice::from_ref(&telemetry.gps)` for one unbroken track.

pub mod csv;
pub mod geojson;
pub mod gpx;
pub mod json;
pub mod kml;
pub mod sensors_csv;
mod values;

use std::io;

use telemux_read::GpsPoint;

/// A named point beside the track (GPX `<wpt>`, a KML placemark): a GoPro HiLight, say.
#[derive(Debug, Clone, PartialEq)]
pub struct Waypoint {
    /// What the waypoint is called (`HiLight 3`).
    pub name: String,
    /// Where and when it is.
    pub point: GpsPoint,
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// Writing the export failed.
    #[error("cannot write the export: {0}")]
    Io(#[from] io::Error),
    /// A point whose latitude/longitude is not a WGS84 position (NaN, infinite or out of
    /// range): no track format can hold it, and dropping it silently would hide a bad source.
    #[error(
        "segment {segment}, point {index}: ({latitude}, {longitude}) is not a valid latitude/longitude"
    )]
    InvalidPosition {
        /// The segment, from 0.
        segment: usize,
        /// The point within it, from 0.
        index: usize,
        /// The latitude given, degrees.
        latitude: f64,
        /// The longitude given, degrees.
        longitude: f64,
    },
}
