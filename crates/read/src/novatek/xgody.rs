//! T18: XGODY 12" 4K, one ASCII line from offset 16 such as
//! `normal:2024/05/22 02:54:29 N:42.382470 W:83.389570 53.6 km/h … A:269.2 H:245.5`.
//! Decimal degrees; the speed is in knots despite its "km/h" label (spec §4.17).

use super::bytes::{is_lat_ref, u8_at};
use super::convert::{knots_to_mps, Reading};
use super::outcome::{BlockOutcome, SkipReason, Variant};
use super::text_fix;
use super::DecodeOptions;

const DATE: usize = 23;
const PATTERN: &[u8; 20] = b"dddd/dd/dd dd:dd:dd ";

pub(crate) fn matches(block: &[u8]) -> bool {
    let date_ok = block.get(DATE..DATE + PATTERN.len()).is_some_and(|text| {
        text.iter().zip(PATTERN).all(|(&b, &p)| match p {
            b'd' => b.is_ascii_digit(),
            _ => b == p,
        })
    });
    date_ok && u8_at(block, DATE + PATTERN.len()).is_some_and(is_lat_ref)
}

pub(crate) fn decode(block: &[u8], options: &DecodeOptions) -> BlockOutcome {
    let reading = block
        .get(DATE..)
        .and_then(text_fix::parse)
        .ok_or(SkipReason::Garbled)
        .map(|fix| {
            let mut reading = Reading::at(
                Some(fix.stamp),
                fix.latitude.signed(fix.latitude.value),
                fix.longitude.signed(fix.longitude.value),
            );
            reading.speed = Some(knots_to_mps(fix.speed));
            reading.course = fix.course;
            reading
        });
    BlockOutcome::from_reading(Variant::Xgody, reading, options)
}
