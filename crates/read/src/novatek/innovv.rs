//! T13: INNOVV (spec §4.13), in MP4 blocks and MPEG-TS payloads alike: 32-byte records each
//! starting `A N|S E|W \0`, found anywhere in the data. No date or time is recorded.

use super::bytes::{f32_le, u8_at, valid_triple_at};
use super::convert::{ddmm_to_degrees, field, knots_to_mps, signed, Reading};
use super::outcome::{BlockOutcome, SkipReason, Variant};
use super::DecodeOptions;

const RECORD: usize = 32;
const HEADER: usize = 12;

pub(crate) fn matches(block: &[u8]) -> bool {
    is_record_start(block, 16)
}

fn is_record_start(data: &[u8], at: usize) -> bool {
    valid_triple_at(data, at) && u8_at(data, at + 3) == Some(0)
}

pub(crate) fn decode(block: &[u8], options: &DecodeOptions) -> BlockOutcome {
    decode_records(block, HEADER, options)
}

/// Decodes every record at or after `from`; records do not overlap.
pub(crate) fn decode_records(data: &[u8], from: usize, options: &DecodeOptions) -> BlockOutcome {
    let mut readings = Vec::new();
    let mut at = from;
    while at + RECORD <= data.len() {
        if is_record_start(data, at) {
            readings.push(reading(data, at));
            at += RECORD;
        } else {
            at += 1;
        }
    }
    BlockOutcome::from_readings(Variant::Innovv, readings, options, SkipReason::VoidFix)
}

fn reading(data: &[u8], at: usize) -> Result<Reading, SkipReason> {
    // Unsigned DDMM (abs() as ExifTool does); the letters give the sign.
    let degrees = |offset| {
        field(f32_le(data, at + offset))
            .and_then(|v| ddmm_to_degrees(v.abs()).ok_or(SkipReason::InvalidPosition))
    };
    let mut reading = Reading::at(
        None,
        signed(degrees(4)?, u8_at(data, at + 1).unwrap_or(0)),
        signed(degrees(8)?, u8_at(data, at + 2).unwrap_or(0)),
    );
    reading.speed = f32_le(data, at + 12).map(knots_to_mps);
    reading.course = f32_le(data, at + 16);
    Ok(reading)
}
