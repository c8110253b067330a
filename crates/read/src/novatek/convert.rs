//! Unit and calendar conversions shared by every layout (spec §6), and the validation that
//! turns a layout's raw fields into a `GpsPoint` or a `SkipReason`.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use super::outcome::SkipReason;
use super::DecodeOptions;
use crate::model::GpsPoint;

const KNOTS_TO_MPS: f64 = 1852.0 / 3600.0;

pub(crate) fn knots_to_mps(knots: f64) -> f64 {
    knots * KNOTS_TO_MPS
}

pub(crate) fn kmh_to_mps(kmh: f64) -> f64 {
    kmh / 3.6
}

/// NMEA-style `DDDMM.MMMM` to degrees. `None` for negative or non-finite values and for a
/// minutes part above 60 (a sign of reading the wrong layout). Exactly 60 is kept: an f32
/// rounds 1359.99995 (13°59.99995') up to 1360.0, which is 14°.
pub(crate) fn ddmm_to_degrees(value: f64) -> Option<f64> {
    if !value.is_finite() || value < 0.0 {
        return None;
    }
    let degrees = (value / 100.0).trunc();
    let minutes = value - degrees * 100.0;
    (minutes <= 60.0).then_some(degrees + minutes / 60.0)
}

/// Negates `value` when the hemisphere letter is the southern/western one.
pub(crate) fn signed(value: f64, letter: u8) -> f64 {
    if letter == b'S' || letter == b'W' {
        -value
    } else {
        value
    }
}

/// Binary layouts store either `year − 2000` or the full year.
pub(crate) fn binary_year(raw: u32) -> Option<i32> {
    let year = if raw < 2000 { raw + 2000 } else { raw };
    i32::try_from(year).ok()
}

/// NMEA two-digit years: 70–99 are 19xx, the rest 20xx.
pub(crate) fn nmea_year(yy: u32) -> i32 {
    let yy = (yy % 100) as i32;
    if yy >= 70 {
        1900 + yy
    } else {
        2000 + yy
    }
}

/// A required field: a layout whose fields run past the end of its block is too short.
pub(crate) fn field<T>(value: Option<T>) -> Result<T, SkipReason> {
    value.ok_or(SkipReason::TooShort)
}

/// A date and clock time as the camera wrote it, not yet validated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Stamp {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub nanos: u32,
}

impl Stamp {
    /// Six little-endian u32 fields at the given offsets, in the order year, month, day, hour,
    /// minute, second; the year is `year − 2000` or absolute.
    pub(crate) fn from_u32_fields(block: &[u8], offsets: [usize; 6]) -> Result<Stamp, SkipReason> {
        let [year, month, day, hour, minute, second] =
            offsets.map(|at| super::bytes::u32_le(block, at));
        Ok(Stamp {
            year: binary_year(field(year)?).ok_or(SkipReason::InvalidTime)?,
            month: field(month)?,
            day: field(day)?,
            hour: field(hour)?,
            minute: field(minute)?,
            second: field(second)?,
            nanos: 0,
        })
    }

    /// The instant, reading the fields on a clock `clock` ahead of UTC. `None` when the fields
    /// are not a real calendar date and time of day.
    pub(crate) fn to_utc(self, clock: UtcOffset) -> Option<OffsetDateTime> {
        let month = Month::try_from(u8::try_from(self.month).ok()?).ok()?;
        let date = Date::from_calendar_date(self.year, month, u8::try_from(self.day).ok()?).ok()?;
        let time = Time::from_hms_nano(
            u8::try_from(self.hour).ok()?,
            u8::try_from(self.minute).ok()?,
            u8::try_from(self.second).ok()?,
            self.nanos,
        )
        .ok()?;
        Some(
            PrimitiveDateTime::new(date, time)
                .assume_offset(clock)
                .to_offset(UtcOffset::UTC),
        )
    }
}

/// One fix as a layout decoded it: signed degrees and SI units, before validation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Reading {
    /// `None` for layouts that carry no time.
    pub stamp: Option<Stamp>,
    pub latitude: f64,
    pub longitude: f64,
    /// m/s.
    pub speed: Option<f64>,
    pub course: Option<f64>,
    pub altitude: Option<f64>,
}

impl Reading {
    pub(crate) fn at(stamp: Option<Stamp>, latitude: f64, longitude: f64) -> Reading {
        Reading {
            stamp,
            latitude,
            longitude,
            speed: None,
            course: None,
            altitude: None,
        }
    }

    /// Validates the fix and converts the camera clock to UTC.
    pub(crate) fn into_point(self, options: &DecodeOptions) -> Result<GpsPoint, SkipReason> {
        let time = match self.stamp {
            Some(stamp) => Some(
                stamp
                    .to_utc(options.gps_tz)
                    .ok_or(SkipReason::InvalidTime)?,
            ),
            None => None,
        };
        let (lat, lon) = (self.latitude, self.longitude);
        if !lat.is_finite() || !lon.is_finite() || lat.abs() > 90.0 || lon.abs() > 180.0 {
            return Err(SkipReason::InvalidPosition);
        }
        if lat == 0.0 && lon == 0.0 {
            return Err(SkipReason::ZeroPosition);
        }
        let mut point = GpsPoint::new(lat, lon);
        point.time = time;
        point.speed_2d = self.speed.filter(|v| v.is_finite());
        point.course = self.course.filter(|v| v.is_finite());
        point.altitude = self.altitude.filter(|v| v.is_finite());
        Ok(point)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{datetime, offset};

    #[test]
    fn ddmm_converts_and_rejects_bad_minutes() {
        let lat = ddmm_to_degrees(4922.143).unwrap();
        assert!((lat - 49.369_050).abs() < 1e-6, "{lat}");
        let lon = ddmm_to_degrees(12305.985).unwrap();
        assert!((signed(lon, b'W') + 123.099_750).abs() < 1e-6, "{lon}");
        assert_eq!(ddmm_to_degrees(4960.001), None);
        assert_eq!(ddmm_to_degrees(1359.99995f32 as f64), Some(14.0));
        assert_eq!(ddmm_to_degrees(-1.0), None);
        assert_eq!(ddmm_to_degrees(f64::NAN), None);
        assert_eq!(ddmm_to_degrees(0.0), Some(0.0));
    }

    #[test]
    fn speeds_and_years() {
        assert!((knots_to_mps(7.51) - 3.863_477).abs() < 1e-6);
        assert!((kmh_to_mps(36.0) - 10.0).abs() < 1e-12);
        assert_eq!(binary_year(19), Some(2019));
        assert_eq!(binary_year(2026), Some(2026));
        assert_eq!(binary_year(u32::MAX), None);
        assert_eq!(nmea_year(18), 2018);
        assert_eq!(nmea_year(69), 2069);
        assert_eq!(nmea_year(70), 1970);
        assert_eq!(nmea_year(99), 1999);
    }

    fn stamp(month: u32, day: u32, hour: u32) -> Stamp {
        Stamp {
            year: 2024,
            month,
            day,
            hour,
            minute: 30,
            second: 5,
            nanos: 500_000_000,
        }
    }

    #[test]
    fn stamps_follow_the_real_calendar_and_the_camera_clock() {
        assert_eq!(
            stamp(2, 29, 23).to_utc(UtcOffset::UTC),
            Some(datetime!(2024-02-29 23:30:05.5 UTC))
        );
        assert_eq!(
            stamp(2, 29, 1).to_utc(offset!(+2)),
            Some(datetime!(2024-02-28 23:30:05.5 UTC))
        );
        assert_eq!(stamp(2, 30, 0).to_utc(UtcOffset::UTC), None);
        assert_eq!(stamp(13, 1, 0).to_utc(UtcOffset::UTC), None);
        assert_eq!(stamp(0, 1, 0).to_utc(UtcOffset::UTC), None);
        assert_eq!(stamp(1, 1, 24).to_utc(UtcOffset::UTC), None);
    }

    #[test]
    fn readings_are_validated() {
        let options = DecodeOptions::default();
        let ok = Reading::at(Some(stamp(1, 2, 3)), -33.5, 151.25);
        let point = ok.into_point(&options).unwrap();
        assert_eq!(point.latitude, -33.5);
        assert_eq!(point.time, Some(datetime!(2024-01-02 03:30:05.5 UTC)));
        let zero = Reading::at(None, 0.0, 0.0);
        assert_eq!(zero.into_point(&options), Err(SkipReason::ZeroPosition));
        let far = Reading::at(None, 91.0, 0.0);
        assert_eq!(far.into_point(&options), Err(SkipReason::InvalidPosition));
        let nan = Reading::at(None, f64::NAN, 0.0);
        assert_eq!(nan.into_point(&options), Err(SkipReason::InvalidPosition));
        let bad_day = Reading::at(Some(stamp(4, 31, 0)), 1.0, 1.0);
        assert_eq!(bad_day.into_point(&options), Err(SkipReason::InvalidTime));
    }
}
