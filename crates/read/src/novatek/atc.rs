//! T11: the "ATC" ring buffer of IQS / DOD-style cameras (spec §4.11). 52-byte records from
//! 0x30, each XOR-keyed by two of its own bytes; the whole ring (~30 fixes) is rewritten in
//! every block, so repeats are expected and removed later by time.

use super::bytes::{has_at, i16_le, i32_le, u16_le};
use super::convert::{field, Reading, Stamp};
use super::outcome::{BlockOutcome, SkipReason, Variant};
use super::DecodeOptions;

const FIRST: usize = 0x30;
const RECORD: usize = 52;

pub(crate) fn matches(block: &[u8]) -> bool {
    has_at(block, 0x45, b"ATC")
}

pub(crate) fn decode(block: &[u8], options: &DecodeOptions) -> BlockOutcome {
    // ExifTool stops one byte early (`pos + 52 < len`); so do we, to agree on the last record.
    let readings = (FIRST..)
        .step_by(RECORD)
        .take_while(|&at| at + RECORD < block.len())
        .filter_map(|at| block.get(at..at + RECORD))
        .map(|record| reading(&decrypt(record)));
    BlockOutcome::from_readings(Variant::Atc, readings, options, SkipReason::VoidFix)
}

/// Byte 0x14 keys bytes 0x00–0x14 and 0x18–0x1B; byte 0x1C keys 0x1C and 0x20–0x32.
fn decrypt(record: &[u8]) -> Vec<u8> {
    let key1 = record.get(0x14).copied().unwrap_or(0);
    let key2 = record.get(0x1C).copied().unwrap_or(0);
    record
        .iter()
        .enumerate()
        .map(|(i, &b)| match i {
            0x00..=0x14 | 0x18..=0x1B => b ^ key1,
            0x1C | 0x20..=0x32 => b ^ key2,
            _ => b,
        })
        .collect()
}

fn reading(record: &[u8]) -> Result<Reading, SkipReason> {
    let byte = |at: usize| field(record.get(at).copied()).map(u32::from);
    let stamp = Stamp {
        year: i32::from(field(u16_le(record, 0x2C))?),
        month: byte(0x2E)?,
        day: byte(0x2F)?,
        // Stored as hour − 1.
        hour: (byte(0x0D)? + 1) % 256,
        minute: byte(0x0E)?,
        second: byte(0x0F)?,
        nanos: 0,
    };
    let int = |at: usize| field(i32_le(record, at)).map(f64::from);
    let mut reading = Reading::at(Some(stamp), int(0x10)? / 1e7, int(0x18)? / 1e7);
    reading.speed = Some(int(0x20)? / 100.0);
    let heading = f64::from(field(i16_le(record, 0x24))?) / 100.0;
    reading.course = Some(if heading < 0.0 {
        heading + 360.0
    } else {
        heading
    });
    reading.altitude = Some(int(0x28)? / 1000.0);
    Ok(reading)
}
