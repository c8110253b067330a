//! T20: Nextbase 512G (spec §4.19), the fallback layout: big-endian 32-byte records from 0x30
//! at 10 Hz, read until the first record whose date fails validation. (ExifTool reads only the
//! first record of each block because of an operator-precedence slip; we read them all.)

use super::bytes::{i16_be, i32_be, u16_be, u8_at};
use super::convert::{field, Reading, Stamp};
use super::outcome::{BlockOutcome, SkipReason, Variant};
use super::DecodeOptions;

const FIRST: usize = 0x30;
const RECORD: usize = 32;
/// Bytes of a record that carry fields.
const USED: usize = 24;

/// `Unknown` when not even the first record validates.
pub(crate) fn decode(block: &[u8], options: &DecodeOptions) -> BlockOutcome {
    let readings: Vec<_> = (FIRST..)
        .step_by(RECORD)
        .take_while(|&at| at + USED <= block.len())
        .map_while(|at| record(block, at))
        .collect();
    if readings.is_empty() {
        return BlockOutcome::Unknown;
    }
    BlockOutcome::from_readings(
        Variant::Nextbase512G,
        readings,
        options,
        SkipReason::VoidFix,
    )
}

/// `None` ends the block: a record whose date/time is outside the ranges the spec lists.
fn record(block: &[u8], at: usize) -> Option<Result<Reading, SkipReason>> {
    let year = u16_be(block, at + 6)?;
    let month = u8_at(block, at + 8)?;
    let day = u8_at(block, at + 9)?;
    let hour = u8_at(block, at + 10)?;
    let minute = u8_at(block, at + 11)?;
    let tenths = u16_be(block, at + 12)?;
    let valid = (2000..=2200).contains(&year)
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && hour <= 59
        && minute <= 59
        && tenths <= 600;
    if !valid {
        return None;
    }
    let stamp = Stamp {
        year: i32::from(year),
        month: u32::from(month),
        day: u32::from(day),
        hour: u32::from(hour),
        minute: u32::from(minute),
        second: u32::from(tenths / 10),
        nanos: u32::from(tenths % 10) * 100_000_000,
    };
    Some((|| {
        let degrees = |offset: usize| field(i32_be(block, at + offset)).map(|v| f64::from(v) / 1e7);
        let mut reading = Reading::at(Some(stamp), degrees(15)?, degrees(19)?);
        reading.speed = Some(f64::from(field(u16_be(block, at + 2))?) / 100.0);
        let heading = f64::from(field(i16_be(block, at + 4))?) / 100.0;
        reading.course = Some(if heading < 0.0 {
            heading + 360.0
        } else {
            heading
        });
        Ok(reading)
    })())
}
