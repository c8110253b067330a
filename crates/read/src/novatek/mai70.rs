//! T19: 70mai A810 (spec §4.18): `A` at 30, `VV` at 51, signed i32 degrees ×10⁵ at 31 and 35,
//! an i32 speed at 43. No time is recorded.

use super::bytes::{has_at, i32_le, u8_at};
use super::convert::{field, kmh_to_mps, Reading};
use super::outcome::{BlockOutcome, SkipReason, Variant};
use super::DecodeOptions;

pub(crate) fn matches(block: &[u8]) -> bool {
    // ExifTool's rule is a regex whose "any byte" excludes a line feed.
    let no_line_feed = |from: usize, to: usize| {
        block
            .get(from..to)
            .is_some_and(|bytes| !bytes.contains(&b'\n'))
    };
    u8_at(block, 30) == Some(b'A')
        && has_at(block, 51, b"VV")
        && no_line_feed(0, 30)
        && no_line_feed(31, 51)
}

pub(crate) fn decode(block: &[u8], options: &DecodeOptions) -> BlockOutcome {
    let reading = (|| {
        let int = |at| field(i32_le(block, at)).map(f64::from);
        let mut reading = Reading::at(None, int(31)? / 1e5, int(35)? / 1e5);
        // Unit undocumented; km/h as ExifTool reports it.
        reading.speed = Some(kmh_to_mps(int(43)?));
        Ok::<_, SkipReason>(reading)
    })();
    BlockOutcome::from_reading(Variant::Mai70, reading, options)
}
