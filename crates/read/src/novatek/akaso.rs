//! T6: Akaso and the "Anticlock" camera (spec §4.6): u32 time at 0x30, `A`, then f32 DDMM
//! coordinates each followed by its letter as a u32, f32 speed and course, u32 date at 0x58.

use super::bytes::{f32_le, has_at, is_lat_ref, is_lon_ref, u8_at, zeros_at};
use super::convert::{ddmm_to_degrees, field, kmh_to_mps, signed, Reading, Stamp};
use super::outcome::{BlockOutcome, SkipReason, Variant};
use super::DecodeOptions;

pub(crate) fn matches(block: &[u8]) -> bool {
    let letter_word = |at: usize, valid: fn(u8) -> bool| {
        u8_at(block, at).is_some_and(valid) && zeros_at(block, at + 1, 3)
    };
    letter_word(60, |b| b == b'A') && letter_word(68, is_lat_ref) && letter_word(76, is_lon_ref)
}

pub(crate) fn decode(block: &[u8], options: &DecodeOptions) -> BlockOutcome {
    BlockOutcome::from_reading(Variant::Akaso, reading(block), options)
}

fn reading(block: &[u8]) -> Result<Reading, SkipReason> {
    let stamp = Stamp::from_u32_fields(block, [0x58, 0x5C, 0x60, 0x30, 0x34, 0x38])?;
    let lat = ddmm_to_degrees(field(f32_le(block, 0x40))?).ok_or(SkipReason::InvalidPosition)?;
    let lon = ddmm_to_degrees(field(f32_le(block, 0x48))?).ok_or(SkipReason::InvalidPosition)?;
    let mut reading = Reading::at(
        Some(stamp),
        signed(lat, u8_at(block, 68).unwrap_or(0)),
        signed(lon, u8_at(block, 76).unwrap_or(0)),
    );
    // No unit is documented; ExifTool reports the value as km/h.
    reading.speed = f32_le(block, 0x50).map(kmh_to_mps);
    reading.course = f32_le(block, 0x54).map(|course| {
        // Akaso (marked `x.xx` at 16) points backwards.
        if has_at(block, 16, b"x.xx") {
            (course + 180.0).rem_euclid(360.0)
        } else {
            course
        }
    });
    Ok(reading)
}
