//! Builds `TTAD` payloads byte by byte from TomTom's format description, independently of the
//! decoder: every field is written at the offset the description gives.

use telemux_read::ttad::{ByteOrder, GpsRecord, GPS_RECORD_LEN};

/// Entries of a table describing every type of the format description, plus cadence (7),
/// whose length the description leaves open (we give it 6 bytes).
pub const FULL_TABLE: [(i32, u32); 9] = [
    (-1, 4),
    (0, 12),
    (1, 4),
    (2, 12),
    (3, 12),
    (4, 4),
    (5, 92),
    (6, 1),
    (7, 6),
];

pub struct Payload {
    bytes: Vec<u8>,
}

impl Payload {
    /// Version 1, then the type table in `order`; records start right after it.
    pub fn with_table(order: ByteOrder, entries: &[(i32, u32)]) -> Payload {
        let word = |v: u32| match order {
            ByteOrder::Big => v.to_be_bytes(),
            ByteOrder::Little => v.to_le_bytes(),
        };
        let mut bytes = 1u32.to_be_bytes().to_vec();
        bytes.extend_from_slice(&word(entries.len() as u32));
        for &(kind, len) in entries {
            bytes.extend_from_slice(&word(kind as u32));
            bytes.extend_from_slice(&word(len));
        }
        Payload { bytes }
    }

    /// 76 header bytes with no plausible table (the count is 0xFFFFFFFF either way round), so
    /// records start at 76 as ExifTool reads them.
    pub fn fixed76() -> Payload {
        let mut bytes = vec![0; 76];
        bytes[..4].copy_from_slice(&1u32.to_be_bytes());
        bytes[4..8].copy_from_slice(&u32::MAX.to_be_bytes());
        Payload { bytes }
    }

    /// Offset the next record will start at.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    pub fn raw(&mut self, bytes: &[u8]) -> &mut Payload {
        self.bytes.extend_from_slice(bytes);
        self
    }

    pub fn record(&mut self, kind: u8, body: &[u8]) -> &mut Payload {
        self.bytes.push(kind);
        self.raw(body)
    }

    pub fn timecode(&mut self, ms: u32) -> &mut Payload {
        self.record(0xFF, &ms.to_le_bytes())
    }

    pub fn gyro(&mut self, v: [i32; 3]) -> &mut Payload {
        self.record(0, &vec3(v))
    }

    pub fn barometer(&mut self, pa: i32) -> &mut Payload {
        self.record(1, &pa.to_le_bytes())
    }

    pub fn magnetometer(&mut self, v: [i32; 3]) -> &mut Payload {
        self.record(2, &vec3(v))
    }

    pub fn accelerometer(&mut self, v: [i32; 3]) -> &mut Payload {
        self.record(3, &vec3(v))
    }

    pub fn thermometer(&mut self, milli_c: i32) -> &mut Payload {
        self.record(4, &milli_c.to_le_bytes())
    }

    pub fn gps(&mut self, fix: &GpsRecord) -> &mut Payload {
        self.record(5, &gps_body(fix))
    }

    pub fn heart_rate(&mut self, bpm: u8) -> &mut Payload {
        self.record(6, &[bpm])
    }

    pub fn bytes(&self) -> Vec<u8> {
        self.bytes.clone()
    }
}

fn vec3(v: [i32; 3]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// `TTGpsData_t`, packed, little-endian, at the offsets of the spec's §2.2 table.
pub fn gps_body(fix: &GpsRecord) -> [u8; GPS_RECORD_LEN] {
    let mut body = [0u8; GPS_RECORD_LEN];
    let mut put = |at: usize, bytes: &[u8]| body[at..at + bytes.len()].copy_from_slice(bytes);
    put(0x00, &fix.time.to_le_bytes());
    put(0x08, &fix.mode.to_le_bytes());
    put(0x0C, &fix.speed.to_le_bytes());
    put(0x14, &fix.altitude.to_le_bytes());
    put(0x1C, &fix.latitude.to_le_bytes());
    put(0x24, &fix.longitude.to_le_bytes());
    put(0x2C, &fix.reserved.to_le_bytes());
    put(0x30, &fix.track.to_le_bytes());
    put(0x38, &fix.epv.to_le_bytes());
    put(0x40, &fix.epy.to_le_bytes());
    put(0x48, &fix.epx.to_le_bytes());
    put(0x50, &fix.epd.to_le_bytes());
    put(0x58, &fix.satellites.to_le_bytes());
    body
}

/// The three rows ExifTool's source documents (spec §2.2). The track uncertainty is the NaN
/// whose bytes ExifTool shows as the int16 values `0 0 0 32760`.
pub fn exiftool_rows() -> [GpsRecord; 3] {
    let row = |time, speed, altitude, latitude, longitude, track, epv, epy| GpsRecord {
        time,
        mode: 3,
        speed,
        altitude,
        latitude,
        longitude,
        reserved: 0,
        track,
        epv,
        epy,
        epx: epy,
        epd: f64::from_bits(0x7FF8_0000_0000_0000),
        satellites: 5,
    };
    [
        row(
            1_551_772_378.999,
            0.02,
            242.0,
            48.0254203,
            7.8497567,
            45.69,
            13.34,
            17.218,
        ),
        row(
            1_551_772_379.999,
            0.14,
            242.0,
            48.0254203,
            7.8497567,
            45.7,
            12.96,
            15.662,
        ),
        row(
            1_551_772_380.999,
            0.67,
            243.78,
            48.0254584,
            7.8497907,
            50.93,
            9.16,
            10.84,
        ),
    ]
}
