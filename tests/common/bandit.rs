//! Synthetic TomTom Bandit videos: a real ffmpeg video (fixtures/ride.mp4, 12 s) with a
//! `moov/udta/TTMD/TTAD` box spliced in. Its moov is the last box, so growing it moves no
//! sample. The payload is built with the TTAD tests' generator, byte by byte from TomTom's
//! format description.

#[path = "../../crates/read/tests/ttad/payload.rs"]
pub mod payload;

use payload::{Payload, FULL_TABLE};
use telemux_read::ttad::{ByteOrder, GpsRecord};
use telemux_testkit::mp4_box;

/// UTC of the first fix: 2024-05-01 10:00:00.999 (the video's creation time is 10:00:00).
pub const FIRST_FIX_UNIX: f64 = 1_714_557_600.999;

/// GPS fixes written, one per second of the 12 s video.
pub const SECONDS: u32 = 12;

/// Samples per second of the accelerometer and gyroscope.
pub const IMU_HZ: u32 = 10;

/// The fix of second `s`: 3D, moving north-east through Freiburg.
pub fn fix(s: u32) -> GpsRecord {
    let s = f64::from(s);
    GpsRecord {
        time: FIRST_FIX_UNIX + s,
        mode: 3,
        speed: 5.0 + s / 4.0,
        altitude: 240.0 + s / 2.0,
        latitude: 48.0254203 + s * 1e-4,
        longitude: 7.8497567 + s * 2e-4,
        reserved: 0,
        track: 45.5,
        epv: 9.0,
        epy: 4.5,
        epx: 4.5,
        epd: 1.0,
        satellites: 8,
    }
}

/// Accelerometer sample `k` of second `s`, milli-g.
pub fn accel(s: u32, k: u32) -> [i32; 3] {
    [10 * k as i32, -1000, s as i32 - 5]
}

/// Gyroscope sample `k` of second `s`, milli-deg/s.
pub fn gyro(s: u32, k: u32) -> [i32; 3] {
    [1500 * k as i32 - 7000, 250, -(s as i32) * 100]
}

/// Magnetometer sample of second `s` at `k` = 0 or 5, nT.
pub fn magn(s: u32, k: u32) -> [i32; 3] {
    [20_000 + 10 * k as i32, -4_000, 41_000 - s as i32]
}

pub fn pressure(s: u32) -> i32 {
    98_100 + s as i32
}

pub fn milli_celsius(s: u32) -> i32 {
    21_500 + 50 * s as i32
}

pub fn heart_rate(s: u32) -> u8 {
    120 + s as u8
}

/// 12 s of a Bandit ride. Each second: a GPS fix and the barometer, 10 IMU samples (a timecode
/// every 100 ms) with the magnetometer at 0 and 500 ms, and at 900 ms the thermometer and heart
/// rate. ExifTool knows neither of those two and resynchronises after them, which the next
/// timecode, 100 ms later, ends cleanly. At 11.5 s a no-fix GPS record (mode 1) repeats the
/// last position.
pub fn ride_payload() -> Vec<u8> {
    let mut p = Payload::with_table(ByteOrder::Big, &FULL_TABLE);
    for s in 0..SECONDS {
        for k in 0..IMU_HZ {
            p.timecode(s * 1000 + k * 100);
            if k == 0 {
                p.gps(&fix(s)).barometer(pressure(s));
            }
            p.accelerometer(accel(s, k)).gyro(gyro(s, k));
            if k % 5 == 0 {
                p.magnetometer(magn(s, k));
            }
            if s == SECONDS - 1 && k == 5 {
                p.gps(&unfixed());
            }
            if k == IMU_HZ - 1 {
                p.thermometer(milli_celsius(s)).heart_rate(heart_rate(s));
            }
        }
    }
    p.bytes()
}

/// The no-fix record of [`ride_payload`].
pub fn unfixed() -> GpsRecord {
    GpsRecord {
        mode: 1,
        time: FIRST_FIX_UNIX + 11.5,
        ..fix(SECONDS - 1)
    }
}

/// Offset of the payload's first record: after the 9-entry type table.
pub const RECORDS_START: usize = 8 + 9 * 8;

/// fixtures/ride.mp4 with `ttmd_body` as the body of a `moov/udta/TTMD` box.
pub fn video_with_ttmd(ttmd_body: &[u8]) -> Vec<u8> {
    let ride = std::fs::read(super::fixture("ride.mp4")).unwrap();
    let moov_at = top_level(&ride, b"moov");
    assert_eq!(
        box_size(&ride, moov_at) + moov_at,
        ride.len(),
        "moov is last"
    );
    let udta_at = child(&ride, moov_at, b"udta");
    let udta_end = udta_at + box_size(&ride, udta_at);
    let ttmd = mp4_box(b"TTMD", ttmd_body);
    let mut out = ride[..udta_end].to_vec();
    out.extend_from_slice(&ttmd);
    out.extend_from_slice(&ride[udta_end..]);
    for at in [moov_at, udta_at] {
        let size = box_size(&out, at) + ttmd.len();
        out[at..at + 4].copy_from_slice(&u32::try_from(size).unwrap().to_be_bytes());
    }
    out
}

/// fixtures/ride.mp4 with `payload` as its `moov/udta/TTMD/TTAD`.
pub fn video_with_ttad(payload: &[u8]) -> Vec<u8> {
    video_with_ttmd(&[mp4_box(b"TTID", &[0; 8]), mp4_box(b"TTAD", payload)].concat())
}

fn box_size(bytes: &[u8], at: usize) -> usize {
    u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize
}

fn top_level(bytes: &[u8], kind: &[u8; 4]) -> usize {
    let mut at = 0;
    while &bytes[at + 4..at + 8] != kind {
        at += box_size(bytes, at);
    }
    at
}

fn child(bytes: &[u8], parent: usize, kind: &[u8; 4]) -> usize {
    let mut at = parent + 8;
    while &bytes[at + 4..at + 8] != kind {
        at += box_size(bytes, at);
    }
    at
}
