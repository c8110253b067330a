//! T1: XOR-0xAA obfuscated ASCII (Azdome GS63H, EEEkit), spec §4.2. Up to 257 bytes from
//! offset 18 are XORed with 0xAA; the text then holds a 4-digit-year timestamp and
//! `N|S DDMMmmmm E|W DDDMMmmmm` plus the speed in km/h.

use super::bytes::{has_at, u8_at};
use super::convert::{ddmm_to_degrees, kmh_to_mps, signed, Reading, Stamp};
use super::outcome::{BlockOutcome, SkipReason, Variant};
use super::DecodeOptions;

const START: usize = 18;
const MAX_TEXT: usize = 257;
/// `00 00 'XKZD' FE FE` after XOR.
const SIGNATURE: [u8; 8] = [0xAA, 0xAA, 0xF2, 0xE1, 0xF0, 0xEE, 0x54, 0x54];

pub(crate) fn matches(block: &[u8]) -> bool {
    has_at(block, START, &SIGNATURE)
}

pub(crate) fn decode(block: &[u8], options: &DecodeOptions) -> BlockOutcome {
    let end = block.len().min(START + MAX_TEXT);
    let text: Vec<u8> = block
        .get(START..end)
        .unwrap_or_default()
        .iter()
        .map(|b| b ^ 0xAA)
        .collect();
    BlockOutcome::from_reading(Variant::AzdomeXor, reading(&text), options)
}

fn reading(text: &[u8]) -> Result<Reading, SkipReason> {
    let number = |at, len| digits(text, at, len);
    let stamp = Stamp {
        year: number(8, 4).ok_or(SkipReason::Garbled)? as i32,
        month: number(12, 2).ok_or(SkipReason::Garbled)?,
        day: number(14, 2).ok_or(SkipReason::Garbled)?,
        hour: number(16, 2).ok_or(SkipReason::Garbled)?,
        minute: number(18, 2).ok_or(SkipReason::Garbled)?,
        second: number(20, 2).ok_or(SkipReason::Garbled)?,
        nanos: 0,
    };
    // Without a fix the coordinate fields are blank; the date and label may still be there.
    let (lat_ref, lon_ref) = (u8_at(text, 38), u8_at(text, 47));
    let (Some(lat_ref @ (b'N' | b'S')), Some(lon_ref @ (b'E' | b'W'))) = (lat_ref, lon_ref) else {
        return Err(SkipReason::VoidFix);
    };
    let (Some(lat), Some(lon)) = (number(39, 8), number(48, 9)) else {
        return Err(SkipReason::VoidFix);
    };
    let lat = ddmm_to_degrees(f64::from(lat) / 1e4).ok_or(SkipReason::InvalidPosition)?;
    let lon = ddmm_to_degrees(f64::from(lon) / 1e4).ok_or(SkipReason::InvalidPosition)?;
    let mut reading = Reading::at(Some(stamp), signed(lat, lat_ref), signed(lon, lon_ref));
    reading.speed = speed_kmh(text).map(|kmh| kmh_to_mps(f64::from(kmh)));
    Ok(reading)
}

/// Azdome: eight digits at 57. EEEkit: a signed 4-digit field at 57, then three digits.
fn speed_kmh(text: &[u8]) -> Option<u32> {
    digits(text, 57, 8).or_else(|| {
        let signed_field =
            matches!(u8_at(text, 57), Some(b'+' | b'-')) && digits(text, 58, 4).is_some();
        if signed_field {
            digits(text, 62, 3)
        } else {
            None
        }
    })
}

/// `len` (≤ 9) ASCII digits at `at` as a number.
fn digits(text: &[u8], at: usize, len: usize) -> Option<u32> {
    let field = text.get(at..at.checked_add(len)?)?;
    field.iter().try_fold(0u32, |value, &b| {
        b.is_ascii_digit().then(|| value * 10 + u32::from(b - b'0'))
    })
}
