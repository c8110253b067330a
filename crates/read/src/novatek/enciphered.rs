//! Layouts recognised only to report them as enciphered (spec §4.8, §4.9): T8 (Akaso V1,
//! Redtiger F7N — f64 coordinates under an unknown scheme) and T9 (EACHPAI).

use super::bytes::{has_at, u8_at, valid_triple_at, zeros_at};

/// T8: month (1–12) and day (1–31) as u32 at 64 and 68, then `A`, letters and five zeros.
pub(crate) fn matches_akaso_v1(block: &[u8]) -> bool {
    u8_at(block, 64).is_some_and(|m| (1..=12).contains(&m))
        && zeros_at(block, 65, 3)
        && u8_at(block, 68).is_some_and(|d| (1..=31).contains(&d))
        && zeros_at(block, 69, 3)
        && valid_triple_at(block, 72)
        && zeros_at(block, 75, 5)
}

/// T9: length word 0xAC and at least 132 bytes.
pub(crate) fn matches_eachpai(block: &[u8]) -> bool {
    has_at(block, 12, &[0xAC, 0, 0, 0]) && block.len() >= 132
}
