//! T5: LIGOGPSINFO (iiway S1, XGODY 12", ABASK A8, Rexing V1GW-4K, Kingslim D4, Pruveeo D90,
//! BlueSkySea DV688, Redtiger F9), spec §4.5. 0x84-byte records follow the tag; each is plain
//! text, or `####` + length + bytes under a steering-bit obfuscation, or (unsupported) a
//! substitution cipher. Decimal coordinates may be "fuzzed" by a reversible swap-and-scale.

use super::bytes::{has_at, u32_le, zeros_at};
use super::convert::{ddmm_to_degrees, kmh_to_mps, Reading};
use super::outcome::{BlockOutcome, Cipher, SkipReason, Variant};
use super::text_fix::{self, TextFix};
use super::DecodeOptions;

const TAG: &[u8] = b"LIGOGPSINFO\0";
const RECORD: usize = 0x84;
/// Records start this far after the tag.
pub(crate) const FIRST_RECORD: usize = 0x14;
const KNOTS_TO_KMH: f64 = 1.852;
/// ExifTool's factor for fuzzed speeds (result in km/h).
const FUZZED_SPEED_TO_KMH: f64 = 1.854_073_33;
/// Unfuzzing scale profiles 1 (default) and 3 (ABASK A8).
pub(crate) const DEFAULT_SCALE: f64 = 1.524_855_137;
const ABASK_SCALE: f64 = 1.153_68;

pub(crate) fn matches(block: &[u8]) -> bool {
    tag_position(block).is_some()
}

fn tag_position(block: &[u8]) -> Option<usize> {
    [16, 48, 80]
        .into_iter()
        .find(|&at| has_at(block, at, TAG) && block.len() >= at + RECORD)
}

pub(crate) fn decode(block: &[u8], options: &DecodeOptions) -> BlockOutcome {
    let Some(tag) = tag_position(block) else {
        return BlockOutcome::Unknown;
    };
    let not_fuzzed =
        has_at(block, tag + 12, &[0, 0, 0, 1]) || has_at(block, tag + 12, &[0, 0, 0, 0x14]);
    let abask = tag == 16 && has_at(block, 12, &[0xF0, 0x03, 0, 0]) && zeros_at(block, 32, 4);
    let scale = if abask { ABASK_SCALE } else { DEFAULT_SCALE };
    let fuzz = (!not_fuzzed).then_some(scale);
    decode_records(block, tag + FIRST_RECORD, fuzz, options)
}

/// Decodes the records from `start`; `fuzz` is the unfuzzing scale when coordinates are fuzzed.
/// Also used for LIGOGPSINFO payloads in MPEG-TS.
pub(crate) fn decode_records(
    data: &[u8],
    start: usize,
    fuzz: Option<f64>,
    options: &DecodeOptions,
) -> BlockOutcome {
    let mut readings = Vec::new();
    let mut enciphered = 0usize;
    let records = data.get(start..).unwrap_or_default().chunks_exact(RECORD);
    for record in records {
        if record.starts_with(b"####") {
            match unscramble(record) {
                Some(plain) => readings.push(reading(&plain, Source::Scrambled, fuzz)),
                None => enciphered += 1,
            }
        } else if record
            .get(4..)
            .is_some_and(|text| text_fix::parse(text).is_some())
        {
            readings.push(reading(record, Source::Plain, fuzz));
        }
        // Anything else is a blank (zero-filled) slot.
    }
    if readings.is_empty() && enciphered > 0 {
        return BlockOutcome::Encrypted(Cipher::LigoSubstitution);
    }
    BlockOutcome::from_readings(Variant::Ligo, readings, options, SkipReason::VoidFix)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// Plain text (Redtiger F9): never fuzzed, speed already km/h.
    Plain,
    /// Recovered from a `####` record.
    Scrambled,
}

/// `record` = 4 binary bytes + the text line.
fn reading(record: &[u8], source: Source, fuzz: Option<f64>) -> Result<Reading, SkipReason> {
    let fix: TextFix = record
        .get(4..)
        .and_then(text_fix::parse)
        .ok_or(SkipReason::Garbled)?;
    let (mut lat, mut lon) = (fix.latitude.value, fix.longitude.value);
    let ddmm = fix.latitude.int_digits >= 3;
    let speed_kmh = match (source, ddmm, fuzz) {
        (Source::Plain, ..) | (_, true, _) => fix.speed,
        (_, false, Some(_)) => fix.speed * FUZZED_SPEED_TO_KMH,
        (_, false, None) => fix.speed * KNOTS_TO_KMH,
    };
    if ddmm {
        lat = ddmm_to_degrees(lat).ok_or(SkipReason::InvalidPosition)?;
        lon = ddmm_to_degrees(lon).ok_or(SkipReason::InvalidPosition)?;
    } else if let (Source::Scrambled, Some(scale)) = (source, fuzz) {
        (lat, lon) = unfuzz(lat, lon, scale);
    }
    let mut reading = Reading::at(
        Some(fix.stamp),
        fix.latitude.signed(lat),
        fix.longitude.signed(lon),
    );
    reading.speed = Some(kmh_to_mps(speed_kmh));
    reading.course = fix.course;
    reading.altitude = fix.height;
    Ok(reading)
}

/// The fuzzing swaps the parts of latitude and longitude below ten degrees, scaled.
fn unfuzz(lat: f64, lon: f64, scale: f64) -> (f64, f64) {
    let lat10 = (lat / 10.0).trunc() * 10.0;
    let lon10 = (lon / 10.0).trunc() * 10.0;
    (lat10 + (lon - lon10) * scale, lon10 + (lat - lat10) * scale)
}

/// Reverses the `####` obfuscation: a little-endian length at 4, then groups each led by a
/// control byte whose top three bits say how many data bytes follow and where a literal space
/// goes; its low bits are OR-ed back into the data. `None` when the data does not parse
/// (the substitution-cipher records).
fn unscramble(record: &[u8]) -> Option<Vec<u8>> {
    let len = u32_le(record, 4)?;
    if len < 4 {
        return None;
    }
    let len = usize::try_from(len).ok()?.min(RECORD);
    let data = record.get(8..).unwrap_or_default();
    let mut input = data.get(..len).unwrap_or(data).iter().copied();
    let mut out = Vec::with_capacity(RECORD);
    while let Some(control) = input.next() {
        let mut take = |bits: u8| input.next().map(|x| (x | (control & bits)) ^ 0x20);
        match control & 0xE0 {
            0xC0 | 0xE0 => {
                let (a, b, c) = (take(0x01)?, take(0x02)?, take(0x0C)?);
                let d = (input.next()? ^ 0x20) | (control & 0x30);
                out.extend([a, b, c, d]);
            }
            0x40 => out.extend([b' ', take(0x01)?, take(0x06)?, take(0x18)?]),
            0x60 => {
                let a = take(0x03)?;
                out.extend([a, b' ', take(0x04)?, take(0x18)?]);
            }
            0x80 => {
                let (a, b) = (take(0x03)?, take(0x0C)?);
                out.extend([a, b, b' ', take(0x10)?]);
            }
            0xA0 => out.extend([take(0x01)?, take(0x06)?, take(0x18)?, b' ']),
            0x00 => out.push(input.next()? | (control & 0x13)),
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(body: &[u8]) -> Vec<u8> {
        let mut record = b"####".to_vec();
        record.extend((body.len() as u32).to_le_bytes());
        record.extend_from_slice(body);
        record
    }

    #[test]
    fn every_control_pattern_unscrambles() {
        // Worked by hand from the spec's table: control 0x5F (0x40 group): space, then
        // (0x11|0x01)^0x20, (0x12|0x06)^0x20, (0x13|0x18)^0x20.
        assert_eq!(
            unscramble(&record(&[0x5F, 0x11, 0x12, 0x13])),
            Some(vec![0x20, 0x31, 0x36, 0x3B])
        );
        // 0x7F (0x60): (x|3)^0x20, space, (x|4)^0x20, (x|0x18)^0x20.
        assert_eq!(
            unscramble(&record(&[0x7F, 0x10, 0x10, 0x10])),
            Some(vec![0x33, 0x20, 0x34, 0x38])
        );
        // 0x9F (0x80): (x|3)^0x20, (x|0xC)^0x20, space, (x|0x10)^0x20.
        assert_eq!(
            unscramble(&record(&[0x9F, 0x00, 0x00, 0x00])),
            Some(vec![0x23, 0x2C, 0x20, 0x30])
        );
        // 0xBF (0xA0): (x|1)^0x20, (x|6)^0x20, (x|0x18)^0x20, space.
        assert_eq!(
            unscramble(&record(&[0xBF, 0x00, 0x00, 0x00])),
            Some(vec![0x21, 0x26, 0x38, 0x20])
        );
        // 0xFF (0xE0): (x|1)^0x20, (x|2)^0x20, (x|0xC)^0x20, (x^0x20)|0x30.
        assert_eq!(
            unscramble(&record(&[0xFF, 0x00, 0x00, 0x00, 0x00])),
            Some(vec![0x21, 0x22, 0x2C, 0x30])
        );
        // 0x13 (0x00): x | 0x13; then 0x00: x verbatim.
        assert_eq!(
            unscramble(&record(&[0x13, 0x20, 0x00, 0x41])),
            Some(vec![0x33, 0x41])
        );
        // 0x20 steering is invalid; so are groups cut short and lengths under 4.
        assert_eq!(unscramble(&record(&[0x20, 0, 0, 0])), None);
        assert_eq!(unscramble(&record(&[0xC0, 0, 0, 0])), None);
        assert_eq!(unscramble(&record(&[0x00])), None);
    }

    #[test]
    fn ddmm_text_is_converted_and_its_speed_taken_as_km_h() {
        let mut record =
            b"\x01\x00\x00\x002022/09/19 12:45:24 N:3117.1039 W:12445.5690 46.93 km/h".to_vec();
        record.resize(RECORD, 0);
        let mut data = vec![0u8; FIRST_RECORD];
        data.extend(record);
        let BlockOutcome::Points(Variant::Ligo, points) =
            decode_records(&data, FIRST_RECORD, None, &DecodeOptions::default())
        else {
            panic!("not decoded");
        };
        assert!((points[0].latitude - 31.285_065).abs() < 1e-9);
        assert!((points[0].longitude + 124.759_483_333).abs() < 1e-9);
        assert!((points[0].speed_2d.unwrap() - 46.93 / 3.6).abs() < 1e-12);
    }

    #[test]
    fn unfuzz_swaps_and_scales_the_units_part() {
        let (lat, lon) = unfuzz(31.5, 124.25, 2.0);
        assert_eq!((lat, lon), (38.5, 123.0));
    }
}
