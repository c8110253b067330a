//! T14: XBHT XB702 motorcycle camera (spec §4.14): 36-byte records, each byte-packed
//! `?, year−2000, month, day, hour, minute, second, tenths, A, N|S, E|W`, then u32 DDMM ×10⁴
//! latitude at +16 and longitude at +20 and a u16 speed at +28.

use super::bytes::{u16_le, u32_le, u8_at, valid_triple_at};
use super::convert::{ddmm_to_degrees, field, kmh_to_mps, signed, Reading, Stamp};
use super::outcome::{BlockOutcome, SkipReason, Variant};
use super::DecodeOptions;

const FIRST: usize = 16;
const RECORD: usize = 36;
/// The fields read end at +30.
const USED: usize = 30;

pub(crate) fn matches(block: &[u8]) -> bool {
    is_record_start(block, FIRST)
}

/// Plausible hour, minute, second and tenths before `A N|S E|W`.
fn is_record_start(data: &[u8], at: usize) -> bool {
    let at_most = |offset: usize, max: u8| u8_at(data, at + offset).is_some_and(|b| b <= max);
    at_most(4, 0x18)
        && at_most(5, 0x3B)
        && at_most(6, 0x3B)
        && at_most(7, 9)
        && valid_triple_at(data, at + 8)
}

pub(crate) fn decode(block: &[u8], options: &DecodeOptions) -> BlockOutcome {
    let mut readings = Vec::new();
    let mut at = FIRST;
    while at + USED <= block.len() {
        if is_record_start(block, at) {
            readings.push(reading(block, at));
            at += RECORD;
        } else {
            at += 1;
        }
    }
    BlockOutcome::from_readings(Variant::Xbht, readings, options, SkipReason::VoidFix)
}

fn reading(data: &[u8], at: usize) -> Result<Reading, SkipReason> {
    let byte = |offset: usize| field(u8_at(data, at + offset)).map(u32::from);
    let stamp = Stamp {
        year: 2000 + byte(1)? as i32,
        month: byte(2)?,
        day: byte(3)?,
        hour: byte(4)?,
        minute: byte(5)?,
        second: byte(6)?,
        nanos: byte(7)? * 100_000_000,
    };
    let degrees = |offset: usize| {
        field(u32_le(data, at + offset))
            .and_then(|v| ddmm_to_degrees(f64::from(v) / 1e4).ok_or(SkipReason::InvalidPosition))
    };
    // ExifTool reads the letters as numbers and never negates; the letters are what counts.
    let mut reading = Reading::at(
        Some(stamp),
        signed(degrees(16)?, u8_at(data, at + 9).unwrap_or(0)),
        signed(degrees(20)?, u8_at(data, at + 10).unwrap_or(0)),
    );
    // Unit undocumented; km/h as ExifTool reports it.
    reading.speed = u16_le(data, at + 28).map(|v| kmh_to_mps(f64::from(v)));
    Ok(reading)
}
