//! The 92-byte GPS record (type 5): TomTom's packed `TTGpsData_t`, which mirrors gpsd's fix
//! structure (mode codes, `ep*` uncertainties).

use super::bytes::{le_f64, le_i32, le_u32};

/// Body length of a GPS record.
pub const GPS_RECORD_LEN: usize = 92;

/// One GPS record as stored. Which fields are defined depends on `mode`: latitude and
/// longitude when `mode >= 2`, altitude when `mode == 3`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GpsRecord {
    /// UTC, seconds since the Unix epoch with a fraction (real files end in `.999`).
    pub time: f64,
    /// 0 not seen, 1 no fix, 2 2D fix, 3 3D fix.
    pub mode: u32,
    /// Speed over ground, m/s.
    pub speed: f64,
    /// Metres.
    pub altitude: f64,
    /// Signed decimal degrees.
    pub latitude: f64,
    /// Signed decimal degrees.
    pub longitude: f64,
    /// Four bytes between longitude and track with no known meaning (struct padding in gpsd).
    pub reserved: u32,
    /// Course made good, degrees from true north.
    pub track: f64,
    /// Vertical position uncertainty, m.
    pub epv: f64,
    /// Latitude uncertainty, m.
    pub epy: f64,
    /// Longitude uncertainty, m.
    pub epx: f64,
    /// Track uncertainty, degrees (NaN in ExifTool's sample: undefined).
    pub epd: f64,
    /// Satellites used, as gpsd counts them (signed in the record; a negative count is dropped).
    pub satellites: i32,
}

impl GpsRecord {
    /// Reads the first 92 bytes of `body`; `None` when it is shorter.
    pub fn parse(body: &[u8]) -> Option<GpsRecord> {
        Some(GpsRecord {
            time: le_f64(body, 0x00)?,
            mode: le_u32(body, 0x08)?,
            speed: le_f64(body, 0x0C)?,
            altitude: le_f64(body, 0x14)?,
            latitude: le_f64(body, 0x1C)?,
            longitude: le_f64(body, 0x24)?,
            reserved: le_u32(body, 0x2C)?,
            track: le_f64(body, 0x30)?,
            epv: le_f64(body, 0x38)?,
            epy: le_f64(body, 0x40)?,
            epx: le_f64(body, 0x48)?,
            epd: le_f64(body, 0x50)?,
            satellites: le_i32(body, 0x58)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needs_all_92_bytes_and_ignores_any_beyond() {
        let mut body = vec![0u8; GPS_RECORD_LEN + 8];
        body[0x58..0x5C].copy_from_slice(&7i32.to_le_bytes());
        body[0x1C..0x24].copy_from_slice(&(-33.5f64).to_le_bytes());
        let record = GpsRecord::parse(&body).unwrap();
        assert_eq!((record.satellites, record.latitude), (7, -33.5));
        assert_eq!(GpsRecord::parse(&body[..GPS_RECORD_LEN - 1]), None);
    }
}
