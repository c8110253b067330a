//! Garmin/ANT FIT activity files (watches, bike computers, VIRB cameras, phone apps), decoded
//! with the `fitparser` crate, the field's Rust decoder of the FIT profile.
//!
//! Read as a stream: `fitparser`'s own `from_reader` reads the whole file into memory and
//! returns every message, so this module drives its `FitStreamProcessor` message by message
//! over a buffer that holds the message being decoded (FIT messages are at most about 130 KB):
//! memory stays the same for a 1 MB or a 1 GB file.
//!
//! `record` messages give `position_lat`/`position_long` (semicircles: degrees = s × 180 / 2³¹),
//! `enhanced_altitude` else `altitude` (m above sea level), `enhanced_speed` else `speed`
//! (m/s) and `timestamp` (whole seconds, UTC). A Garmin VIRB's `gps_metadata` messages (10 Hz,
//! with `timestamp_ms` and `heading`) are preferred: once one appears, `record` positions are
//! no longer used. Heart rate, cadence, power and temperature are not GPS and are left out.
//!
//! Damage: a file cut short, or a message that cannot be decoded, ends the read with the points
//! before it and a warning naming the byte offset; a header or data CRC that does not match is
//! a warning, and the messages are still read.

use std::io::BufRead;

use fitparser::de::{FitObject, FitStreamProcessor};
use fitparser::profile::MesgNum;
use fitparser::{ErrorKind, FitDataRecord, Value};
use time::OffsetDateTime;

use crate::model::{AltitudeRef, GpsPoint};

use super::{Kind, Parsed, Place, TrackInputError};

/// FIT.
pub static KIND: Kind = Kind {
    name: "FIT",
    extensions: &["fit"],
    detect,
    read,
};

/// A FIT header: its size (12 or 14) in byte 0 and `.FIT` in bytes 8 to 11.
fn detect(head: &[u8]) -> bool {
    matches!(head.first(), Some(12 | 14)) && head.get(8..12) == Some(b".FIT")
}

/// Bytes read from the file at a time.
const CHUNK: usize = 64 << 10;

/// The most bytes a message that does not decode may span before it is taken as damage
/// rather than as not read in full yet: a FIT message is at most 1 + 255 × 255 bytes of
/// fields plus as many of developer fields.
const MAX_MESSAGE: usize = 256 << 10;

/// Semicircles to degrees.
const DEGREES_PER_SEMICIRCLE: f64 = 180.0 / 2_147_483_648.0;

fn read(
    input: &mut dyn BufRead,
    emit: &mut dyn FnMut(GpsPoint),
    parsed: &mut Parsed,
) -> Result<(), TrackInputError> {
    parsed.altitude_ref = AltitudeRef::MeanSeaLevel;
    let mut processor = FitStreamProcessor::new();
    let mut points = Points::default();
    // `buffer[at..]` is not decoded yet; `buffer[0]` is at byte `offset` of the file.
    let mut buffer: Vec<u8> = Vec::new();
    let mut at = 0usize;
    let mut offset = 0u64;
    let mut ended = false;
    loop {
        if at == buffer.len() && ended {
            break;
        }
        let pending = buffer.get(at..).unwrap_or_default();
        let place = Place::Byte(offset + at as u64);
        match processor.deserialize_next(pending) {
            Ok((rest, object)) => {
                at += pending.len() - rest.len();
                match object {
                    FitObject::Crc(_) => processor.reset(),
                    FitObject::DataMessage(message) => match processor.decode_message(message) {
                        Ok(record) => points.take(&record, emit, parsed),
                        Err(error) => {
                            parsed
                                .warn(place, format!("{error}; the rest of the file is not read"));
                            break;
                        }
                    },
                    FitObject::Header(_) | FitObject::DefinitionMessage(_) => {}
                }
            }
            Err(error) => match *error {
                ErrorKind::InvalidCrc((rest, object, stored, computed)) => {
                    let what = match object {
                        FitObject::Header(_) => "header",
                        _ => "data",
                    };
                    parsed.warn(
                        place,
                        format!(
                            "the {what} CRC is {stored:#06x}, the bytes give {computed:#06x}; \
                             the messages are read anyway"
                        ),
                    );
                    at += pending.len() - rest.len();
                    if matches!(object, FitObject::Crc(_)) {
                        processor.reset();
                    }
                }
                // Not decodable from what is buffered: read more, unless the file has ended or
                // the message would be longer than any FIT message.
                ErrorKind::ParseError(..) | ErrorKind::UnexpectedEof(_)
                    if !ended && pending.len() < MAX_MESSAGE =>
                {
                    buffer.drain(..at);
                    offset += at as u64;
                    at = 0;
                    ended = fill(input, &mut buffer)?;
                }
                ErrorKind::Io(error) => return Err(error.into()),
                other => {
                    let cut = ended && pending.len() < MAX_MESSAGE;
                    let why = if cut && !matches!(other, ErrorKind::MissingDefinitionMessage(..)) {
                        "the file ends inside a message or header (cut short or damaged?)"
                            .to_string()
                    } else {
                        other.to_string()
                    };
                    if points.count == 0 && place == Place::Byte(0) {
                        return Err(TrackInputError::Invalid {
                            place,
                            message: format!("not a readable FIT file: {why}"),
                        });
                    }
                    parsed.warn(place, format!("{why}; the rest of the file is not read"));
                    break;
                }
            },
        }
    }
    Ok(())
}

/// Appends up to [`CHUNK`] bytes of `input` to `buffer`; whether the input has ended.
fn fill(input: &mut dyn BufRead, buffer: &mut Vec<u8>) -> Result<bool, std::io::Error> {
    let available = input.fill_buf()?;
    let n = available.len().min(CHUNK);
    buffer.extend_from_slice(&available[..n]);
    input.consume(n);
    Ok(n == 0)
}

/// Which messages the points come from, and the device.
#[derive(Default)]
struct Points {
    /// A `gps_metadata` message was seen: `record` positions are no longer used.
    metadata: bool,
    count: usize,
}

impl Points {
    fn take(
        &mut self,
        record: &FitDataRecord,
        emit: &mut dyn FnMut(GpsPoint),
        parsed: &mut Parsed,
    ) {
        match record.kind() {
            MesgNum::FileId => parsed.device = parsed.device.take().or_else(|| device(record)),
            MesgNum::GpsMetadata => {
                self.metadata = true;
                if let Some(point) = point(record, true) {
                    self.count += 1;
                    emit(point);
                }
            }
            MesgNum::Record if !self.metadata => {
                if let Some(point) = point(record, false) {
                    self.count += 1;
                    emit(point);
                }
            }
            _ => {}
        }
    }
}

/// A field's value.
fn field<'a>(record: &'a FitDataRecord, name: &str) -> Option<&'a Value> {
    record
        .fields()
        .iter()
        .find(|f| f.name() == name)
        .map(|f| f.value())
}

/// A field's value as a finite number.
fn number(record: &FitDataRecord, name: &str) -> Option<f64> {
    let value: f64 = field(record, name)?.clone().try_into().ok()?;
    value.is_finite().then_some(value)
}

/// The point of a `record` or `gps_metadata` message with a position.
fn point(record: &FitDataRecord, metadata: bool) -> Option<GpsPoint> {
    let latitude = number(record, "position_lat")? * DEGREES_PER_SEMICIRCLE;
    let longitude = number(record, "position_long")? * DEGREES_PER_SEMICIRCLE;
    if latitude.abs() > 90.0 || longitude.abs() > 180.0 {
        return None;
    }
    let mut time = match field(record, "timestamp")? {
        Value::Timestamp(t) => OffsetDateTime::from_unix_timestamp(t.timestamp()).ok()?,
        _ => return None,
    };
    if metadata {
        let millis = number(record, "timestamp_ms").filter(|ms| (0.0..1000.0).contains(ms));
        time += time::Duration::milliseconds(millis.unwrap_or(0.0) as i64);
    }
    let either = |a: &str, b: &str| number(record, a).or_else(|| number(record, b));
    Some(GpsPoint {
        time: Some(time),
        altitude: either("enhanced_altitude", "altitude"),
        speed_2d: either("enhanced_speed", "speed"),
        course: number(record, "heading"),
        ..GpsPoint::new(latitude, longitude)
    })
}

/// "garmin edge500" from a `file_id` message's manufacturer and product.
fn device(record: &FitDataRecord) -> Option<String> {
    let text = |name: &str| match field(record, name)? {
        Value::String(s) => Some(s.clone()),
        other => {
            let n: f64 = other.clone().try_into().ok()?;
            Some(format!("{n}"))
        }
    };
    let manufacturer = text("manufacturer")?;
    let product = text("garmin_product").or_else(|| text("product"));
    Some(match product {
        Some(product) => format!("{manufacturer} {product}"),
        None => manufacturer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_the_fit_header() {
        assert!(detect(b"\x0e\x10\x00\x00\x00\x00\x00\x00.FIT\x00\x00"));
        assert!(!detect(b"\x0e\x10\x00\x00\x00\x00\x00\x00.GPX\x00\x00"));
        assert!(!detect(b"<gpx>"));
    }

    #[test]
    fn junk_is_an_error_at_byte_0() {
        let err = read(
            &mut &b"\x0e\x10junk that is no FIT"[..],
            &mut |_| {},
            &mut Parsed::default(),
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("byte 0: not a readable FIT file"),
            "{err}"
        );
    }
}
