//! T3: the core record at offset 16 (Viofo A119 V3, A129 Plus/Duo, A139, A229 later firmware,
//! Anker Roav C1 Pro) and its Kenwood DRV-A510W form 48 bytes later. T4 (E-ACE) shares the
//! signature and is told apart by the text in its coordinate fields.

use super::bytes::{u8_at, valid_triple_at, zeros_at};
use super::core_record::CoreRecord;
use super::eace;
use super::outcome::{BlockOutcome, SkipReason, Variant};
use super::DecodeOptions;

const PLAIN: usize = 16;
const KENWOOD: usize = 64;

pub(crate) fn matches(block: &[u8]) -> bool {
    record_offset(block).is_some()
}

/// The day field's three zero high bytes, then `A`, the two letters and a zero pad — found at
/// record offset + 21.
fn signature_at(block: &[u8], record: usize) -> bool {
    zeros_at(block, record + 21, 3)
        && valid_triple_at(block, record + 24)
        && u8_at(block, record + 27) == Some(0)
}

fn record_offset(block: &[u8]) -> Option<usize> {
    [PLAIN, KENWOOD]
        .into_iter()
        .find(|&record| signature_at(block, record))
}

pub(crate) fn decode(block: &[u8], options: &DecodeOptions) -> BlockOutcome {
    let Some(offset) = record_offset(block) else {
        return BlockOutcome::Unknown;
    };
    if offset == PLAIN && eace::matches(block) {
        return eace::decode(block, options);
    }
    let variant = if offset == PLAIN {
        Variant::NovatekAt16
    } else {
        Variant::Kenwood
    };
    let reading = CoreRecord::at(block, offset)
        .ok_or(SkipReason::TooShort)
        .and_then(|record| record.ddmm_reading());
    BlockOutcome::from_reading(variant, reading, options)
}
