//! One `freeGPS` block → `BlockOutcome`: header checks, then the layout rules of spec §3 in
//! ExifTool's order (first match wins), then the void-fix and fallback handling.

use super::bytes::{has_at, u32_be, u8_at, zeros_at};
use super::outcome::{BlockOutcome, Cipher, SkipReason};
use super::{
    akaso, at16, at48, atc, azdome, doubles, enciphered, innovv, ligo, mai70, nextbase512g, nmea,
    vantrue, xbht, xgody, DecodeOptions,
};

/// The smallest block any layout fits in (ExifTool ignores shorter ones).
pub const MIN_BLOCK_LEN: usize = 82;
const HEADER: usize = 12;
const MAGIC: &[u8] = b"freeGPS ";

type Detect = fn(&[u8]) -> bool;
type Decode = fn(&[u8], &DecodeOptions) -> BlockOutcome;

/// Spec §3, in order. The order matters because signatures overlap: every T8 block also fits
/// the T16/T17 rule (`A N|S E|W 0` at 72), ExifTool's EACHPAI sample fits T7, and anything
/// fits T20.
const RULES: [(&str, Detect, Decode); 18] = [
    ("T1", azdome::matches, azdome::decode),
    ("T2", nmea::matches_nextbase, nmea::decode_nextbase),
    ("T3/T4", at16::matches, at16::decode),
    ("T5", ligo::matches, ligo::decode),
    ("T6", akaso::matches, akaso::decode),
    ("T7", nmea::matches_shifted, nmea::decode_shifted),
    ("T8", enciphered::matches_akaso_v1, akaso_v1),
    ("T9", enciphered::matches_eachpai, eachpai),
    ("T10", vantrue::matches_s1, vantrue::decode_s1),
    ("T11", atc::matches, atc::decode),
    ("T12", doubles::matches, doubles::decode),
    ("T13", innovv::matches, innovv::decode),
    ("T14", xbht::matches, xbht::decode),
    ("T15", vantrue::matches_n4, vantrue::decode_n4),
    ("T16/T17", at48::matches, at48::decode),
    ("T18", xgody::matches, xgody::decode),
    ("T19", mai70::matches, mai70::decode),
    ("T20", fallback, nextbase512g::decode),
];

fn akaso_v1(_: &[u8], _: &DecodeOptions) -> BlockOutcome {
    BlockOutcome::Encrypted(Cipher::AkasoV1)
}

fn eachpai(_: &[u8], _: &DecodeOptions) -> BlockOutcome {
    BlockOutcome::Encrypted(Cipher::Eachpai)
}

fn fallback(_: &[u8]) -> bool {
    true
}

/// Decodes one block, given from its size field on (`size`, `free`, `GPS `, payload).
///
/// Bytes past the block's own size field are ignored. A block whose size field promises more
/// than `block` holds is decoded from what is there, and reported `Truncated` only if that is
/// not enough.
pub fn decode_block(block: &[u8], options: &DecodeOptions) -> BlockOutcome {
    if !has_at(block, 4, MAGIC) {
        return BlockOutcome::Skipped(SkipReason::NotFreeGps);
    }
    let declared = u32_be(block, 0).and_then(|size| usize::try_from(size).ok());
    let cut_short = declared.is_some_and(|size| size > block.len());
    let block = match declared {
        Some(size) if size >= HEADER => block.get(..size).unwrap_or(block),
        _ => block,
    };
    if !block
        .get(16..)
        .is_some_and(|rest| rest.iter().any(|&b| b != 0))
    {
        return BlockOutcome::Skipped(if cut_short {
            SkipReason::Truncated
        } else {
            SkipReason::Empty
        });
    }
    if block.len() < MIN_BLOCK_LEN {
        return BlockOutcome::Skipped(if cut_short {
            SkipReason::Truncated
        } else {
            SkipReason::TooShort
        });
    }
    let outcome = RULES
        .iter()
        .find(|(_, detect, _)| detect(block))
        .map_or(BlockOutcome::Unknown, |(_, _, decode)| {
            decode(block, options)
        });
    match outcome {
        BlockOutcome::Unknown if has_void_status(block) => {
            BlockOutcome::Skipped(SkipReason::VoidFix)
        }
        BlockOutcome::Unknown if cut_short => BlockOutcome::Skipped(SkipReason::Truncated),
        other => other,
    }
}

/// The rule names in detection order, for documentation and tests.
pub fn detection_order() -> impl Iterator<Item = &'static str> {
    RULES.iter().map(|(name, _, _)| *name)
}

/// A `V` (void) status where a known layout keeps its `A`: such blocks match no rule and
/// would otherwise count as unknown.
fn has_void_status(block: &[u8]) -> bool {
    let void_after_zeros = |status: usize, zeros: usize| {
        u8_at(block, status) == Some(b'V') && zeros_at(block, status - zeros, zeros)
    };
    // T3 (@40), Kenwood (@88), T16/T17 (@72): after the day's high bytes.
    void_after_zeros(40, 3)
        || void_after_zeros(88, 3)
        || void_after_zeros(72, 3)
        // T6/T12 (@60) and T15 (@28): a u32 status word.
        || (u8_at(block, 60) == Some(b'V') && zeros_at(block, 61, 3))
        || (u8_at(block, 28) == Some(b'V') && zeros_at(block, 29, 3))
        // T13 INNOVV: `V00\0` instead of a record.
        || has_at(block, 16, b"V00\0")
}
