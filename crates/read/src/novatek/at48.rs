//! T16/T17: the core record at offset 48 — Viofo A119/A119S (plain), IQS (integer
//! coordinates), Rexing V1-4K (affine-obfuscated floats, by option), Transcend DrivePro Body 70
//! (decimal degrees and km/h in 16 KiB blocks) and DrivePro 230 (f64 copies plus altitude).

use super::bytes::{f64_le, has_at, u32_le, u8_at, valid_triple_at};
use super::convert::{ddmm_to_degrees, kmh_to_mps, knots_to_mps, signed, Reading};
use super::core_record::CoreRecord;
use super::outcome::{BlockOutcome, SkipReason, Variant};
use super::DecodeOptions;

const RECORD: usize = 48;
const REXING_LAT_OFFSET: f64 = 187.982_162_849_635;
const REXING_LON_OFFSET: f64 = 2_199.198_737_154_95;

pub(crate) fn matches(block: &[u8]) -> bool {
    valid_triple_at(block, 72) && u8_at(block, 75) == Some(0)
}

pub(crate) fn decode(block: &[u8], options: &DecodeOptions) -> BlockOutcome {
    let Some(record) = CoreRecord::at(block, RECORD) else {
        return BlockOutcome::Skipped(SkipReason::TooShort);
    };
    let (variant, reading) = if has_at(block, 16, b"IQS") {
        (Variant::Iqs, iqs(&record))
    } else if options.rexing_deobfuscate {
        (Variant::Rexing, rexing(&record))
    } else if is_body70(block, &record) {
        (Variant::TranscendBody70, body70(&record))
    } else if let Some(reading) = transcend230(block, &record) {
        (Variant::Transcend230, reading)
    } else {
        (Variant::NovatekAt48, record.ddmm_reading())
    };
    BlockOutcome::from_reading(variant, reading, options)
}

fn non_negative(value: f64) -> Option<f64> {
    (value >= 0.0).then_some(value)
}

/// Integer degrees ×10⁷ (unsigned; the letters give the sign) and m/s ×100. Where the course
/// usually is, an f32 ExifTool reads as altitude ×1000 (not confirmed by any source).
fn iqs(record: &CoreRecord) -> Result<Reading, SkipReason> {
    let lat = f64::from(record.int(28)).abs() / 1e7;
    let lon = f64::from(record.int(32)).abs() / 1e7;
    let mut reading = Reading::at(
        Some(record.stamp()?),
        signed(lat, record.lat_ref()),
        signed(lon, record.lon_ref()),
    );
    reading.speed = Some(f64::from(record.int(36)) / 100.0);
    reading.altitude = Some(record.course() / 1000.0);
    Ok(reading)
}

/// Rexing's transform yields decimal degrees directly (spec §4.16 T17b).
fn rexing(record: &CoreRecord) -> Result<Reading, SkipReason> {
    record.reading(
        non_negative((record.raw_latitude() - REXING_LAT_OFFSET) / 3.0),
        non_negative((record.raw_longitude() - REXING_LON_OFFSET) / 2.0),
        knots_to_mps(record.raw_speed()),
    )
}

/// ExifTool's test: a 0x4000-byte block whose floats are already within degree range.
fn is_body70(block: &[u8], record: &CoreRecord) -> bool {
    u32_le(block, 0) == Some(0x0040_0000)
        && record.raw_latitude().abs() <= 90.0
        && record.raw_longitude().abs() <= 180.0
}

fn body70(record: &CoreRecord) -> Result<Reading, SkipReason> {
    record.reading(
        non_negative(record.raw_latitude()),
        non_negative(record.raw_longitude()),
        kmh_to_mps(record.raw_speed()),
    )
}

/// DrivePro 230 repeats the DDMM position as f64 at 0x70/0x80 (more precise) and adds an f64
/// altitude at 0xA0; used only when the doubles agree with the floats.
fn transcend230(block: &[u8], record: &CoreRecord) -> Option<Result<Reading, SkipReason>> {
    if block.len() < 0xB0 {
        return None;
    }
    let lat = f64_le(block, 0x70)?;
    let lon = f64_le(block, 0x80)?;
    let agree =
        (lat - record.raw_latitude()).abs() < 0.001 && (lon - record.raw_longitude()).abs() < 0.001;
    if !agree {
        return None;
    }
    let reading = record
        .reading(
            ddmm_to_degrees(lat),
            ddmm_to_degrees(lon),
            knots_to_mps(record.raw_speed()),
        )
        .map(|mut reading| {
            reading.altitude = f64_le(block, 0xA0);
            reading
        });
    Some(reading)
}
