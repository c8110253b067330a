//! How model values are printed by every text export.
//!
//! Floats use Rust's `Display`: the shortest decimal that parses back to the same `f64`,
//! never in exponent notation (which `xsd:decimal` forbids); GPX adds a cap on decimal places
//! (`XsdDecimal`).

use std::fmt;
use std::io::{self, Write};

use telemux_read::{Fix, GpsPoint};
use time::{OffsetDateTime, UtcOffset};

use super::ExportError;

/// The point's latitude and longitude, checked to be a WGS84 position.
pub(crate) fn position(
    segment: usize,
    index: usize,
    point: &GpsPoint,
) -> Result<(f64, f64), ExportError> {
    let (latitude, longitude) = (point.latitude, point.longitude);
    if !(-90.0..=90.0).contains(&latitude) || !(-180.0..=180.0).contains(&longitude) {
        return Err(ExportError::InvalidPosition {
            segment,
            index,
            latitude,
            longitude,
        });
    }
    Ok((latitude, longitude))
}

/// An optional value that a text format can hold: NaN and infinities count as missing.
pub(crate) fn finite(value: Option<f64>) -> Option<f64> {
    value.filter(|v| v.is_finite())
}

/// A course in [0, 360), as GPX's `degreesType` requires.
pub(crate) fn course_in_range(course: f64) -> f64 {
    let wrapped = course.rem_euclid(360.0);
    // rem_euclid of a tiny negative number rounds up to exactly 360.
    if wrapped >= 360.0 {
        0.0
    } else {
        wrapped
    }
}

/// Most decimal places written into GPX. XML Schema processors need only handle 18 digits
/// (libxml2 stops near 24), and shortest forms only exceed 17 places below 0.1.
const XSD_DECIMAL_PLACES: usize = 17;

/// A number as GPX's `xsd:decimal`: the shortest form that reads back to the same `f64`,
/// except that a number below 0.1 whose shortest form has more than 17 decimal places is
/// rounded to 17 (an error below 1e-17, far under any GPS precision).
#[derive(Clone, Copy)]
pub(crate) struct XsdDecimal(pub f64);

impl fmt::Display for XsdDecimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = self.0;
        if value == 0.0 || value.abs() >= 0.1 {
            return write!(f, "{value}");
        }
        let shortest = value.to_string();
        let places = shortest
            .split_once('.')
            .map_or(0, |(_, fraction)| fraction.len());
        if places <= XSD_DECIMAL_PLACES {
            return f.write_str(&shortest);
        }
        let rounded = format!("{value:.XSD_DECIMAL_PLACES$}");
        f.write_str(rounded.trim_end_matches('0').trim_end_matches('.'))
    }
}

/// GPX `fixType` spelling, also used by CSV and JSON.
pub(crate) fn fix_name(fix: Fix) -> &'static str {
    match fix {
        Fix::None => "none",
        Fix::TwoD => "2d",
        Fix::ThreeD => "3d",
    }
}

/// RFC 3339 in UTC (`2023-06-01T08:15:00Z`): no fraction for whole seconds, milliseconds when
/// they are exact, else micro- or nanoseconds, so the written time reads back unchanged.
pub(crate) struct Rfc3339(pub OffsetDateTime);

impl fmt::Display for Rfc3339 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Conversion fails only at the very ends of the supported range; the original offset
        // then still names the right instant.
        let t = self.0.checked_to_offset(UtcOffset::UTC).unwrap_or(self.0);
        let year = t.year();
        let sign = if year < 0 { "-" } else { "" };
        write!(
            f,
            "{sign}{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            year.unsigned_abs(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )?;
        match t.nanosecond() {
            0 => {}
            n if n % 1_000_000 == 0 => write!(f, ".{:03}", n / 1_000_000)?,
            n if n % 1_000 == 0 => write!(f, ".{:06}", n / 1_000)?,
            n => write!(f, ".{n:09}")?,
        }
        let offset = t.offset();
        if offset.is_utc() {
            f.write_str("Z")
        } else {
            let sign = if offset.is_negative() { '-' } else { '+' };
            let (hours, minutes, _) = offset.as_hms();
            write!(
                f,
                "{sign}{:02}:{:02}",
                hours.unsigned_abs(),
                minutes.unsigned_abs()
            )
        }
    }
}

/// `text` with the XML special characters escaped.
pub(super) fn xml_text<W: Write>(out: &mut W, text: &str) -> io::Result<()> {
    for c in text.chars() {
        match c {
            '&' => out.write_all(b"&amp;")?,
            '<' => out.write_all(b"&lt;")?,
            '>' => out.write_all(b"&gt;")?,
            c => write!(out, "{c}")?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn times_keep_exactly_the_digits_they_need() {
        let cases = [
            (datetime!(2023-06-01 08:15:00 UTC), "2023-06-01T08:15:00Z"),
            (
                datetime!(2023-06-01 08:15:00.5 UTC),
                "2023-06-01T08:15:00.500Z",
            ),
            (
                datetime!(2023-06-01 08:15:00.000250 UTC),
                "2023-06-01T08:15:00.000250Z",
            ),
            (
                datetime!(2023-06-01 08:15:00.000000001 UTC),
                "2023-06-01T08:15:00.000000001Z",
            ),
            (
                datetime!(2023-06-01 10:15:00 +02:00),
                "2023-06-01T08:15:00Z",
            ),
            (
                datetime!(9999-12-31 23:00:00 -05:00),
                "9999-12-31T23:00:00-05:00",
            ),
            (datetime!(-0044-03-15 12:00:00 UTC), "-0044-03-15T12:00:00Z"),
        ];
        for (time, text) in cases {
            assert_eq!(Rfc3339(time).to_string(), text);
        }
    }

    #[test]
    fn positions_are_checked() {
        let point = |lat, lon| GpsPoint::new(lat, lon);
        assert_eq!(
            position(0, 0, &point(-90.0, 180.0)).unwrap(),
            (-90.0, 180.0)
        );
        assert_eq!(
            position(0, 0, &point(45.5, -180.0)).unwrap(),
            (45.5, -180.0)
        );
        for (lat, lon) in [
            (90.5, 0.0),
            (0.0, -180.1),
            (f64::NAN, 0.0),
            (0.0, f64::INFINITY),
        ] {
            let err = position(2, 7, &point(lat, lon)).unwrap_err();
            assert!(
                matches!(
                    err,
                    ExportError::InvalidPosition {
                        segment: 2,
                        index: 7,
                        ..
                    }
                ),
                "{err}"
            );
        }
    }

    #[test]
    fn courses_wrap_into_range() {
        assert_eq!(course_in_range(359.5), 359.5);
        assert_eq!(course_in_range(360.0), 0.0);
        assert_eq!(course_in_range(-90.0), 270.0);
        assert_eq!(course_in_range(-1e-20), 0.0);
        assert_eq!(course_in_range(725.0), 5.0);
    }

    #[test]
    fn xsd_decimals_are_shortest_unless_too_long() {
        let cases = [
            (47.36632096208632, "47.36632096208632"),
            (0.30000000000000004, "0.30000000000000004"),
            (-179.99999999999997, "-179.99999999999997"),
            (0.05, "0.05"),
            (0.012345678901234567, "0.01234567890123457"),
            (3.552713678800501e-15, "0.00000000000000355"),
            (1e-20, "0"),
            (-1e-20, "-0"),
            (0.0, "0"),
        ];
        for (value, text) in cases {
            assert_eq!(XsdDecimal(value).to_string(), text, "{value:e}");
        }
    }

    #[test]
    fn floats_print_shortest_without_exponent() {
        assert_eq!(format!("{}", 0.1 + 0.2), "0.30000000000000004");
        assert_eq!(format!("{}", 1e-7), "0.0000001");
        assert_eq!(format!("{}", 47.0), "47");
    }
}
