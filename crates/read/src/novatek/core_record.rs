//! The 44-byte little-endian record shared by T3, T16/T17, Kenwood and the MPEG-TS layouts
//! (spec §4.1): six u32 date/time fields, status and hemisphere letters, four f32 values.

use super::bytes::{f32_le, i32_le, u32_le, u8_at};
use super::convert::{binary_year, ddmm_to_degrees, knots_to_mps, signed, Reading, Stamp};
use super::outcome::SkipReason;

pub(crate) const LEN: usize = 44;

/// A record known to lie entirely inside its block.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CoreRecord<'a> {
    bytes: &'a [u8],
}

impl<'a> CoreRecord<'a> {
    pub(crate) fn at(block: &'a [u8], offset: usize) -> Option<CoreRecord<'a>> {
        let bytes = block.get(offset..offset.checked_add(LEN)?)?;
        Some(CoreRecord { bytes })
    }

    fn u32(&self, at: usize) -> u32 {
        u32_le(self.bytes, at).unwrap_or(0)
    }

    fn byte(&self, at: usize) -> u8 {
        u8_at(self.bytes, at).unwrap_or(0)
    }

    pub(crate) fn lat_ref(&self) -> u8 {
        self.byte(25)
    }

    pub(crate) fn lon_ref(&self) -> u8 {
        self.byte(26)
    }

    /// The raw year field: `year − 2000`, or the full year on local-clock firmware.
    pub(crate) fn raw_year(&self) -> u32 {
        self.u32(12)
    }

    pub(crate) fn stamp(&self) -> Result<Stamp, SkipReason> {
        Ok(Stamp {
            year: binary_year(self.raw_year()).ok_or(SkipReason::InvalidTime)?,
            month: self.u32(16),
            day: self.u32(20),
            hour: self.u32(0),
            minute: self.u32(4),
            second: self.u32(8),
            nanos: 0,
        })
    }

    /// The f32 at 28 (latitude) as stored.
    pub(crate) fn raw_latitude(&self) -> f64 {
        f32_le(self.bytes, 28).unwrap_or(f64::NAN)
    }

    /// The f32 at 32 (longitude) as stored.
    pub(crate) fn raw_longitude(&self) -> f64 {
        f32_le(self.bytes, 32).unwrap_or(f64::NAN)
    }

    /// The f32 at 36 (speed) as stored.
    pub(crate) fn raw_speed(&self) -> f64 {
        f32_le(self.bytes, 36).unwrap_or(f64::NAN)
    }

    pub(crate) fn course(&self) -> f64 {
        f32_le(self.bytes, 40).unwrap_or(f64::NAN)
    }

    /// The i32 at `at` (IQS stores integer coordinates where the floats usually are).
    pub(crate) fn int(&self, at: usize) -> i32 {
        i32_le(self.bytes, at).unwrap_or(0)
    }

    /// The common interpretation: DDMM floats, speed in knots.
    pub(crate) fn ddmm_reading(&self) -> Result<Reading, SkipReason> {
        self.reading(
            ddmm_to_degrees(self.raw_latitude()),
            ddmm_to_degrees(self.raw_longitude()),
            knots_to_mps(self.raw_speed()),
        )
    }

    /// A reading from coordinates a layout has already converted to unsigned degrees (`None`
    /// when its conversion rejected them); the letters give the signs.
    pub(crate) fn reading(
        &self,
        latitude: Option<f64>,
        longitude: Option<f64>,
        speed: f64,
    ) -> Result<Reading, SkipReason> {
        let lat = latitude.ok_or(SkipReason::InvalidPosition)?;
        let lon = longitude.ok_or(SkipReason::InvalidPosition)?;
        let mut reading = Reading::at(
            Some(self.stamp()?),
            signed(lat, self.lat_ref()),
            signed(lon, self.lon_ref()),
        );
        reading.speed = Some(speed);
        reading.course = Some(self.course());
        Ok(reading)
    }
}
