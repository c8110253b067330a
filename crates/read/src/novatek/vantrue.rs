//! Vantrue layouts: T10 (S1, "horsontech": date first, longitude before latitude, altitude) and
//! T15 (N4, also Rove R2-4K Pro: f64 coordinates each followed by its letter), spec §4.10 and
//! §4.15.

use super::bytes::{f32_le, f64_le, is_lat_ref, is_lon_ref, u8_at, valid_triple_at};
use super::convert::{ddmm_to_degrees, field, knots_to_mps, signed, Reading, Stamp};
use super::outcome::{BlockOutcome, SkipReason, Variant};
use super::DecodeOptions;

/// T10: `A`, letters and a zero at 64.
pub(crate) fn matches_s1(block: &[u8]) -> bool {
    valid_triple_at(block, 64) && u8_at(block, 67) == Some(0)
}

pub(crate) fn decode_s1(block: &[u8], options: &DecodeOptions) -> BlockOutcome {
    let reading = (|| {
        let stamp = Stamp::from_u32_fields(block, [0x44, 0x48, 0x4C, 0x50, 0x54, 0x58])?;
        let lon =
            ddmm_to_degrees(field(f32_le(block, 0x5C))?).ok_or(SkipReason::InvalidPosition)?;
        let lat =
            ddmm_to_degrees(field(f32_le(block, 0x60))?).ok_or(SkipReason::InvalidPosition)?;
        let mut reading = Reading::at(
            Some(stamp),
            signed(lat, u8_at(block, 65).unwrap_or(0)),
            signed(lon, u8_at(block, 66).unwrap_or(0)),
        );
        reading.speed = f32_le(block, 0x64).map(knots_to_mps);
        reading.course = f32_le(block, 0x68);
        reading.altitude = f32_le(block, 0x6C);
        Ok(reading)
    })();
    BlockOutcome::from_reading(Variant::VantrueS1, reading, options)
}

/// T15: `A` at 28, latitude letter at 40, longitude letter at 56.
pub(crate) fn matches_n4(block: &[u8]) -> bool {
    u8_at(block, 28) == Some(b'A')
        && u8_at(block, 40).is_some_and(is_lat_ref)
        && u8_at(block, 56).is_some_and(is_lon_ref)
}

pub(crate) fn decode_n4(block: &[u8], options: &DecodeOptions) -> BlockOutcome {
    let reading = (|| {
        let stamp = Stamp::from_u32_fields(block, [0x50, 0x54, 0x58, 0x10, 0x14, 0x18])?;
        // The doubles are unsigned DDMM; abs() as ExifTool does, the letters give the sign.
        let degrees = |at| {
            field(f64_le(block, at))
                .and_then(|v| ddmm_to_degrees(v.abs()).ok_or(SkipReason::InvalidPosition))
        };
        let mut reading = Reading::at(
            Some(stamp),
            signed(degrees(0x20)?, u8_at(block, 40).unwrap_or(0)),
            signed(degrees(0x30)?, u8_at(block, 56).unwrap_or(0)),
        );
        reading.speed = f64_le(block, 0x40).map(knots_to_mps);
        reading.course = f64_le(block, 0x48);
        Ok(reading)
    })();
    BlockOutcome::from_reading(Variant::VantrueN4, reading, options)
}
