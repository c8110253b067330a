//! Record bodies decoded to the values stored in them (raw integers, no unit conversion).

use super::bytes::{le_i32, le_i32x3};
use super::gps::GpsRecord;

/// One record of the stream, decoded by its type byte.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Record<'a> {
    /// Type 0: angular velocity, three axes, stored ×1000 (ExifTool reads deg/s after ÷1000).
    Gyro([i32; 3]),
    /// Type 1: pressure, Pa.
    Barometer(i32),
    /// Type 2: magnetic field, three axes, stored ×1000 (µT after ÷1000).
    Magnetometer([i32; 3]),
    /// Type 3: acceleration, three axes, milli-g.
    Accelerometer([i32; 3]),
    /// Type 4: temperature inside the housing, milli-°C.
    Thermometer(i32),
    /// Type 5.
    Gps(GpsRecord),
    /// Type 6: heart rate, beats per minute.
    HeartRate(u8),
    /// A type this decoder does not read (e.g. 7, cadence), or a known type whose table length
    /// is too short for its layout; stepped over by the table's length.
    Other {
        /// The type byte.
        kind: u8,
        /// The record's body, as long as the table says.
        body: &'a [u8],
    },
}

impl<'a> Record<'a> {
    /// Decodes `body`, the table's length of bytes after type byte `kind`. Bytes beyond a known
    /// layout are ignored (a longer table length is taken as a newer firmware's extension).
    /// `None` when a known type's body is shorter than its layout.
    pub(crate) fn decode(kind: u8, body: &'a [u8]) -> Option<Record<'a>> {
        Some(match kind {
            0 => Record::Gyro(le_i32x3(body, 0)?),
            1 => Record::Barometer(le_i32(body, 0)?),
            2 => Record::Magnetometer(le_i32x3(body, 0)?),
            3 => Record::Accelerometer(le_i32x3(body, 0)?),
            4 => Record::Thermometer(le_i32(body, 0)?),
            5 => Record::Gps(GpsRecord::parse(body)?),
            6 => Record::HeartRate(*body.first()?),
            _ => Record::Other { kind, body },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_known_bodies_and_refuses_short_ones() {
        let vec3 = [1, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF, 0x10, 0x27, 0, 0];
        assert_eq!(
            Record::decode(0, &vec3),
            Some(Record::Gyro([1, -2, 10_000]))
        );
        assert_eq!(
            Record::decode(2, &vec3),
            Some(Record::Magnetometer([1, -2, 10_000]))
        );
        assert_eq!(
            Record::decode(3, &vec3),
            Some(Record::Accelerometer([1, -2, 10_000]))
        );
        assert_eq!(Record::decode(1, &vec3), Some(Record::Barometer(1)));
        assert_eq!(Record::decode(4, &vec3[4..]), Some(Record::Thermometer(-2)));
        assert_eq!(Record::decode(6, &[72, 9]), Some(Record::HeartRate(72)));
        assert_eq!(
            Record::decode(7, &vec3[..2]),
            Some(Record::Other {
                kind: 7,
                body: &vec3[..2]
            })
        );
        assert_eq!(Record::decode(0, &vec3[..11]), None);
        assert_eq!(Record::decode(6, &[]), None);
        assert_eq!(Record::decode(5, &vec3), None);
    }
}
