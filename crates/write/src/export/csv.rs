//! CSV export: one row per point, RFC 4180 (CRLF line ends, header row).

use std::io::{BufWriter, Write};

use telemux_read::GpsPoint;

use super::values::{finite, fix_name, position, Rfc3339};
use super::ExportError;

/// The header row. Units: degrees, metres, m/s; `time` is RFC 3339 UTC; `fix` is
/// none/2d/3d; `dop` is the dilution of precision.
pub const HEADER: &str =
    "time,latitude,longitude,altitude,speed_2d,speed_3d,course,fix,dop,satellites";

/// Writes all segments' points in order; unknown values are empty fields. No field can
/// contain a comma, quote or line break (numbers, times and fix names only), so none is quoted.
pub fn write_csv<W: Write>(out: W, segments: &[Vec<GpsPoint>]) -> Result<(), ExportError> {
    let mut out = BufWriter::new(out);
    out.write_all(HEADER.as_bytes())?;
    out.write_all(b"\r\n")?;
    for (s, segment) in segments.iter().enumerate() {
        for (i, point) in segment.iter().enumerate() {
            let (latitude, longitude) = position(s, i, point)?;
            if let Some(time) = point.time {
                write!(out, "{}", Rfc3339(time))?;
            }
            write!(out, ",{latitude},{longitude}")?;
            for value in [point.altitude, point.speed_2d, point.speed_3d, point.course] {
                write_optional(&mut out, finite(value))?;
            }
            write_optional(&mut out, point.fix.map(fix_name))?;
            write_optional(&mut out, finite(point.dop))?;
            write_optional(&mut out, point.satellites)?;
            out.write_all(b"\r\n")?;
        }
    }
    out.flush()?;
    Ok(())
}

fn write_optional<W: Write>(
    out: &mut W,
    value: Option<impl std::fmt::Display>,
) -> std::io::Result<()> {
    match value {
        Some(value) => write!(out, ",{value}"),
        None => out.write_all(b","),
    }
}
