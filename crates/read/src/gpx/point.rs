//! The values a GPX point carries, and how each element's text becomes a `GpsPoint` field.

use crate::model::{Fix, GpsPoint};

use super::timestamp::parse_time;

/// A point child (or extension descendant) that telemux reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Elevation,
    Time,
    Speed,
    Course,
    /// `hdop`, else `pdop` (the schema puts hdop first, and the first value is kept).
    Dop,
    Satellites,
    Fix,
}

impl Field {
    /// Fields read from direct children of `trkpt`/`rtept`/`wpt` (GPX 1.0 has speed and course
    /// there; 1.1 does not, but some writers put them there anyway).
    pub(crate) fn of_point_child(local_name: &[u8]) -> Option<Field> {
        match local_name {
            b"ele" => Some(Field::Elevation),
            b"time" => Some(Field::Time),
            b"speed" => Some(Field::Speed),
            b"course" => Some(Field::Course),
            b"hdop" | b"pdop" => Some(Field::Dop),
            b"sat" => Some(Field::Satellites),
            b"fix" => Some(Field::Fix),
            _ => None,
        }
    }

    /// Fields read anywhere under a point's `<extensions>`, whatever the namespace: Garmin
    /// TrackPointExtension v2 (`gpxtpx:speed`, `gpxtpx:course`) and the bare `<speed>` some
    /// apps write.
    pub(crate) fn of_extension(local_name: &[u8]) -> Option<Field> {
        match local_name {
            b"speed" => Some(Field::Speed),
            b"course" => Some(Field::Course),
            _ => None,
        }
    }
}

/// Stores `text` into `field` of `point` unless that field already has a value: the first
/// occurrence wins, so a standard element beats an extension that repeats it later.
/// Empty text leaves the field unset.
pub(crate) fn store(point: &mut GpsPoint, field: Field, text: &str) -> Result<(), &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(());
    }
    match field {
        Field::Elevation => set_once(&mut point.altitude, || number(text)),
        Field::Time => set_once(&mut point.time, || parse_time(text)),
        Field::Speed => set_once(&mut point.speed_2d, || number(text)),
        Field::Course => set_once(&mut point.course, || number(text)),
        Field::Dop => set_once(&mut point.dop, || number(text)),
        Field::Satellites => set_once(&mut point.satellites, || {
            text.parse().map_err(|_| "expected a whole number")
        }),
        Field::Fix => set_once(&mut point.fix, || fix(text)),
    }
}

fn set_once<T>(
    slot: &mut Option<T>,
    parse: impl FnOnce() -> Result<T, &'static str>,
) -> Result<(), &'static str> {
    let value = parse()?;
    if slot.is_none() {
        *slot = Some(value);
    }
    Ok(())
}

/// A finite decimal number (exponents allowed; `NaN` and infinities are not numbers here).
pub(crate) fn number(text: &str) -> Result<f64, &'static str> {
    match text.trim().parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        _ => Err("expected a number"),
    }
}

/// GPX `fixType`. `dgps` and `pps` are corrected 3D fixes, which the model calls 3D.
fn fix(text: &str) -> Result<Fix, &'static str> {
    let is = |name: &str| text.eq_ignore_ascii_case(name);
    if is("none") {
        Ok(Fix::None)
    } else if is("2d") {
        Ok(Fix::TwoD)
    } else if is("3d") || is("dgps") || is("pps") {
        Ok(Fix::ThreeD)
    } else {
        Err("expected none, 2d, 3d, dgps or pps")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_each_field_once() {
        let mut p = GpsPoint::new(1.0, 2.0);
        store(&mut p, Field::Elevation, " 412.5 ").unwrap();
        store(&mut p, Field::Speed, "3.25").unwrap();
        store(&mut p, Field::Speed, "9.0").unwrap();
        store(&mut p, Field::Course, "1.8e2").unwrap();
        store(&mut p, Field::Dop, "0.9").unwrap();
        store(&mut p, Field::Dop, "1.7").unwrap();
        store(&mut p, Field::Satellites, "07").unwrap();
        store(&mut p, Field::Fix, "DGPS").unwrap();
        store(&mut p, Field::Time, "").unwrap();
        assert_eq!(p.altitude, Some(412.5));
        assert_eq!(p.speed_2d, Some(3.25));
        assert_eq!(p.course, Some(180.0));
        assert_eq!(p.dop, Some(0.9));
        assert_eq!(p.satellites, Some(7));
        assert_eq!(p.fix, Some(Fix::ThreeD));
        assert_eq!(p.time, None);
    }

    #[test]
    fn rejects_bad_values() {
        let mut p = GpsPoint::new(1.0, 2.0);
        assert_eq!(
            store(&mut p, Field::Elevation, "12,5"),
            Err("expected a number")
        );
        assert_eq!(store(&mut p, Field::Speed, "NaN"), Err("expected a number"));
        assert_eq!(
            store(&mut p, Field::Satellites, "-1"),
            Err("expected a whole number")
        );
        assert_eq!(
            store(&mut p, Field::Fix, "4d"),
            Err("expected none, 2d, 3d, dgps or pps")
        );
        assert_eq!(p, GpsPoint::new(1.0, 2.0));
    }
}
