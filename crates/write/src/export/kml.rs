//! KML 2.2 export: a "Path" placemark with the track's geometry and, when points have
//! times, a "Timed track" placemark with a `gx:Track` (`when` + `gx:coord`) per segment that
//! Google Earth can animate.

use std::io::{BufWriter, Write};

use telemux_read::GpsPoint;

use super::values::{finite, position, xml_text, Rfc3339};
use super::{ExportError, Waypoint};

const HEADER: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<Document>
<name>telemux</name>
"#;

/// Writes the segments. Each segment is a `LineString` (a `Point` if it has one point; empty
/// segments are skipped). Altitudes are written as given with `altitudeMode` absolute (KML
/// means above sea level); a segment without any altitude is clamped to the ground, and a
/// point without altitude in a segment that has some gets 0.
pub fn write_kml<W: Write>(out: W, segments: &[Vec<GpsPoint>]) -> Result<(), ExportError> {
    write_kml_with_waypoints(out, &[], segments)
}

/// [`write_kml`] with a `Point` placemark (name, `TimeStamp`) per waypoint.
pub fn write_kml_with_waypoints<W: Write>(
    out: W,
    waypoints: &[Waypoint],
    segments: &[Vec<GpsPoint>],
) -> Result<(), ExportError> {
    let mut out = BufWriter::new(out);
    out.write_all(HEADER.as_bytes())?;
    for (i, waypoint) in waypoints.iter().enumerate() {
        let point = &waypoint.point;
        let (latitude, longitude) = position(0, i, point)?;
        out.write_all(b"<Placemark>\n<name>")?;
        xml_text(&mut out, &waypoint.name)?;
        out.write_all(b"</name>\n")?;
        if let Some(time) = point.time {
            writeln!(out, "<TimeStamp><when>{}</when></TimeStamp>", Rfc3339(time))?;
        }
        let altitude = finite(point.altitude).unwrap_or(0.0);
        writeln!(
            out,
            "<Point><coordinates>{longitude},{latitude},{altitude}</coordinates></Point>\n</Placemark>"
        )?;
    }
    out.write_all(b"<Placemark>\n<name>Path</name>\n<MultiGeometry>\n")?;
    for (s, segment) in segments.iter().enumerate() {
        write_path(&mut out, s, segment)?;
    }
    out.write_all(b"</MultiGeometry>\n</Placemark>\n")?;
    if segments.iter().flatten().any(|p| p.time.is_some()) {
        out.write_all(b"<Placemark>\n<name>Timed track</name>\n<gx:MultiTrack>\n")?;
        for (s, segment) in segments.iter().enumerate() {
            write_timed(&mut out, s, segment)?;
        }
        out.write_all(b"</gx:MultiTrack>\n</Placemark>\n")?;
    }
    out.write_all(b"</Document>\n</kml>\n")?;
    out.flush()?;
    Ok(())
}

fn altitude_mode(points: &[GpsPoint]) -> &'static str {
    if points.iter().any(|p| finite(p.altitude).is_some()) {
        "<altitudeMode>absolute</altitudeMode>\n"
    } else {
        "<altitudeMode>clampToGround</altitudeMode>\n"
    }
}

fn write_path<W: Write>(
    out: &mut W,
    segment: usize,
    points: &[GpsPoint],
) -> Result<(), ExportError> {
    let (open, close) = match points.len() {
        0 => return Ok(()),
        1 => ("<Point>\n", "</Point>\n"),
        _ => ("<LineString>\n", "</LineString>\n"),
    };
    out.write_all(open.as_bytes())?;
    out.write_all(altitude_mode(points).as_bytes())?;
    out.write_all(b"<coordinates>\n")?;
    for (i, point) in points.iter().enumerate() {
        let (latitude, longitude) = position(segment, i, point)?;
        match finite(point.altitude) {
            Some(altitude) => writeln!(out, "{longitude},{latitude},{altitude}")?,
            None => writeln!(out, "{longitude},{latitude}")?,
        }
    }
    out.write_all(b"</coordinates>\n")?;
    out.write_all(close.as_bytes())?;
    Ok(())
}

/// `gx:Track` needs all `when`s before all `gx:coord`s, in matching order.
fn write_timed<W: Write>(
    out: &mut W,
    segment: usize,
    points: &[GpsPoint],
) -> Result<(), ExportError> {
    let timed = || points.iter().enumerate().filter(|(_, p)| p.time.is_some());
    if timed().next().is_none() {
        return Ok(());
    }
    out.write_all(b"<gx:Track>\n")?;
    out.write_all(altitude_mode(points).as_bytes())?;
    for (_, point) in timed() {
        if let Some(time) = point.time {
            writeln!(out, "<when>{}</when>", Rfc3339(time))?;
        }
    }
    for (i, point) in timed() {
        let (latitude, longitude) = position(segment, i, point)?;
        let altitude = finite(point.altitude).unwrap_or(0.0);
        writeln!(
            out,
            "<gx:coord>{longitude} {latitude} {altitude}</gx:coord>"
        )?;
    }
    out.write_all(b"</gx:Track>\n")?;
    Ok(())
}
