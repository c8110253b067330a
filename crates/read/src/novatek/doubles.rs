//! T12: the f64 layout of "20130815.01" / "Jun 10 2017" firmware (spec §4.12): u32 time at
//! 0x30, status and letters as u32 words, f64 DDMM position, knots and heading, u32 date.

use super::bytes::{f64_le, is_lat_ref, is_lon_ref, u8_at};
use super::convert::{ddmm_to_degrees, field, knots_to_mps, signed, Reading, Stamp};
use super::outcome::{BlockOutcome, SkipReason, Variant};
use super::DecodeOptions;

const MIN_BLOCK: usize = 0x88;

pub(crate) fn matches(block: &[u8]) -> bool {
    block.len() >= MIN_BLOCK
        && u8_at(block, 60) == Some(b'A')
        && u8_at(block, 61) == Some(0)
        && u8_at(block, 72).is_some_and(is_lat_ref)
        && u8_at(block, 73) == Some(0)
        && u8_at(block, 88).is_some_and(is_lon_ref)
        && u8_at(block, 89) == Some(0)
}

pub(crate) fn decode(block: &[u8], options: &DecodeOptions) -> BlockOutcome {
    let reading = (|| {
        let stamp = Stamp::from_u32_fields(block, [0x70, 0x74, 0x78, 0x30, 0x34, 0x38])?;
        let degrees = |at| {
            field(f64_le(block, at))
                .and_then(|v| ddmm_to_degrees(v).ok_or(SkipReason::InvalidPosition))
        };
        let mut reading = Reading::at(
            Some(stamp),
            signed(degrees(0x40)?, u8_at(block, 72).unwrap_or(0)),
            signed(degrees(0x50)?, u8_at(block, 88).unwrap_or(0)),
        );
        reading.speed = f64_le(block, 0x60).map(knots_to_mps);
        reading.course = f64_le(block, 0x68);
        Ok(reading)
    })();
    BlockOutcome::from_reading(Variant::Doubles, reading, options)
}
