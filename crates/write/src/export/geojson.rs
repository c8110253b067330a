//! GeoJSON (RFC 7946) export: a `FeatureCollection` with one feature per segment.

use std::io::{BufWriter, Write};

use telemux_read::GpsPoint;

use super::values::{finite, position, Rfc3339};
use super::ExportError;

/// Writes one `Feature` per non-empty segment: a `LineString` (a `Point` for a single point)
/// with `[longitude, latitude, altitude]` positions (`[longitude, latitude]` when the point has
/// no altitude). Properties, one entry per position, `null` where unknown:
/// `segment` (index in `segments`), `coordTimes` (RFC 3339 UTC, the name other GeoJSON tools
/// use), `speeds` (2D, m/s) and `courses` (degrees from true north).
pub fn write_geojson<W: Write>(out: W, segments: &[Vec<GpsPoint>]) -> Result<(), ExportError> {
    let mut out = BufWriter::new(out);
    out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[")?;
    let mut first = true;
    for (s, segment) in segments.iter().enumerate() {
        if segment.is_empty() {
            continue;
        }
        if !first {
            out.write_all(b",")?;
        }
        first = false;
        write_feature(&mut out, s, segment)?;
    }
    out.write_all(b"\n]}\n")?;
    out.flush()?;
    Ok(())
}

fn write_feature<W: Write>(
    out: &mut W,
    segment: usize,
    points: &[GpsPoint],
) -> Result<(), ExportError> {
    write!(
        out,
        "\n{{\"type\":\"Feature\",\"properties\":{{\"segment\":{segment},\"coordTimes\":["
    )?;
    write_list(out, points, |out, p| match p.time {
        Some(time) => write!(out, "\"{}\"", Rfc3339(time)),
        None => out.write_all(b"null"),
    })?;
    out.write_all(b"],\"speeds\":[")?;
    write_list(out, points, |out, p| write_number(out, p.speed_2d))?;
    out.write_all(b"],\"courses\":[")?;
    write_list(out, points, |out, p| write_number(out, p.course))?;
    // RFC 7946 needs two positions for a LineString.
    let line = points.len() > 1;
    let kind = if line { "LineString" } else { "Point" };
    write!(
        out,
        "]}},\"geometry\":{{\"type\":\"{kind}\",\"coordinates\":"
    )?;
    if line {
        out.write_all(b"[")?;
    }
    for (i, point) in points.iter().enumerate() {
        let (latitude, longitude) = position(segment, i, point)?;
        let separator = if i == 0 { "" } else { "," };
        match finite(point.altitude) {
            Some(altitude) => write!(out, "{separator}\n[{longitude},{latitude},{altitude}]")?,
            None => write!(out, "{separator}\n[{longitude},{latitude}]")?,
        }
    }
    if line {
        out.write_all(b"]")?;
    }
    out.write_all(b"}}")?;
    Ok(())
}

fn write_list<W: Write>(
    out: &mut W,
    points: &[GpsPoint],
    mut item: impl FnMut(&mut W, &GpsPoint) -> std::io::Result<()>,
) -> std::io::Result<()> {
    for (i, point) in points.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        item(out, point)?;
    }
    Ok(())
}

fn write_number<W: Write>(out: &mut W, value: Option<f64>) -> std::io::Result<()> {
    match finite(value) {
        Some(value) => write!(out, "{value}"),
        None => out.write_all(b"null"),
    }
}
