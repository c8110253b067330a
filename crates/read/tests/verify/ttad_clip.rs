//! `clip.mov` with a TomTom `TTAD` box added to `moov/udta` (moov is at the end, so no media
//! moves): a real video with a GPS track the test controls point by point.

use telemux_read::ttad::{ByteOrder, GpsRecord};
use telemux_testkit::{mp4_box, mp4_container};

use crate::edit::{field, fixture, insert_box, node, put_u32};
use crate::payload::{Payload, FULL_TABLE};

/// 2019-03-05 07:52:58 UTC, the time of ExifTool's TTAD sample.
pub const T0: f64 = 1_551_772_378.0;
/// Seconds from 1904 (QuickTime) to 1970 (Unix).
pub const MAC_EPOCH_OFFSET: i64 = 2_082_844_800;

/// One GPS record: media time (the TTAD timecode), UTC, position and fix mode.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub t_ms: u32,
    pub utc: f64,
    pub latitude: f64,
    pub longitude: f64,
    pub mode: u32,
}

/// `n` points at `hz` from media time 0 and UTC `T0`, heading north at about 11 m/s
/// (1e-4 degree of latitude per second).
pub fn drive(n: usize, hz: f64) -> Vec<Point> {
    (0..n)
        .map(|i| {
            let t = i as f64 / hz;
            Point {
                t_ms: (t * 1000.0).round() as u32,
                utc: T0 + t,
                latitude: 48.0 + t * 1e-4,
                longitude: 7.85,
                mode: 3,
            }
        })
        .collect()
}

fn record(p: &Point) -> GpsRecord {
    GpsRecord {
        time: p.utc,
        mode: p.mode,
        speed: 11.0,
        altitude: 240.0,
        latitude: p.latitude,
        longitude: p.longitude,
        reserved: 0,
        track: 0.0,
        epv: 5.0,
        epy: 3.0,
        epx: 3.0,
        epd: 1.0,
        satellites: 9,
    }
}

/// `clip.mov` (2.000 s) with these points in `moov/udta/TTMD/TTAD`.
pub fn clip_with(points: &[Point]) -> Vec<u8> {
    insert_box(&fixture("clip.mov"), "moov/udta", &ttmd(points))
}

/// A `TTMD` box holding these points in its `TTAD`.
pub fn ttmd(points: &[Point]) -> Vec<u8> {
    let mut payload = Payload::with_table(ByteOrder::Big, &FULL_TABLE);
    // A stream must open with a timecode near 0 to be in sync; tracks may start later.
    payload.timecode(0);
    for p in points {
        payload.timecode(p.t_ms).gps(&record(p));
    }
    mp4_container(b"TTMD", &[mp4_box(b"TTAD", &payload.bytes())])
}

/// Sets the `mvhd` creation time to `unix` seconds.
pub fn set_creation(bytes: &mut [u8], unix: f64) {
    let mvhd = node(bytes, "moov/mvhd");
    put_u32(
        bytes,
        field(&mvhd, 0),
        (unix as i64 + MAC_EPOCH_OFFSET) as u32,
    );
}
