//! CAMM, Google's Camera Motion Metadata (the Street View Publish API's "Camera Motion Metadata
//! Spec"): a `meta` track whose sample entry is `camm`, each sample one packet of a
//! little-endian header (`u16` reserved, `u16` type) and a payload fixed by the type.
//!
//! This module holds what the reader and the writer share: the packet model, its decoding,
//! GPS time, and how a CAMM track is recognised; the walk over a track's samples
//! ([`Packets`]), the track read into the model ([`read`]) and `dump`'s listing
//! ([`print()`]). Encoding lives in
//! `telemux-write`.

mod packets;
mod print;
mod reading;

use std::fmt;

use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::mp4::{Mp4, Mp4Error, Track};

pub use packets::{movie_shift, Entry, Packets, MAX_PACKET_LEN};
pub use print::{print, LISTED_BY_DEFAULT};
pub use reading::{read, BadPacket, CammFacts, CammTelemetry, ReadOptions, MAX_LISTED};

/// One CAMM packet, its values as the spec defines them.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Packet {
    /// Type 0: orientation as an angle-axis vector (radians), world to camera.
    AngleAxis([f32; 3]),
    /// Type 1: pixel exposure time and rolling-shutter skew, nanoseconds.
    Exposure {
        /// How long a pixel is exposed, ns.
        pixel_exposure_time: i32,
        /// Time between the first and last row's exposure start, ns.
        rolling_shutter_skew_time: i32,
    },
    /// Type 2: gyroscope, rad/s (x, y, z).
    Gyro([f32; 3]),
    /// Type 3: accelerometer, m/s² (x, y, z).
    Acceleration([f32; 3]),
    /// Type 4: position in a local frame, metres.
    Position([f32; 3]),
    /// Type 5: a minimal GPS fix: latitude and longitude in degrees, altitude in metres.
    MinimalGps {
        /// Degrees.
        latitude: f64,
        /// Degrees.
        longitude: f64,
        /// Metres above the WGS84 ellipsoid.
        altitude: f64,
    },
    /// Type 6: a full GPS fix.
    Gps(Gps),
    /// Type 7: magnetic field, microtesla (x, y, z).
    Magnetic([f32; 3]),
}

/// The payload of a type 6 packet, in the spec's field order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gps {
    /// Seconds since the GPS epoch (1980-01-06 00:00:00), in GPS time: UTC plus the leap
    /// seconds since then (see [`utc_to_gps_seconds`]).
    pub time_gps_epoch: f64,
    /// 0: no fix, 2: 2D fix, 3: 3D fix.
    pub gps_fix_type: i32,
    /// Degrees.
    pub latitude: f64,
    /// Degrees.
    pub longitude: f64,
    /// Metres above the WGS84 ellipsoid.
    pub altitude: f32,
    /// Metres.
    pub horizontal_accuracy: f32,
    /// Metres.
    pub vertical_accuracy: f32,
    /// m/s.
    pub velocity_east: f32,
    /// m/s.
    pub velocity_north: f32,
    /// m/s.
    pub velocity_up: f32,
    /// m/s.
    pub speed_accuracy: f32,
}

/// Bytes of the packet header: `u16` reserved, `u16` type.
pub const HEADER_LEN: usize = 4;

impl Packet {
    /// The packet's type number (0–7).
    pub fn kind(&self) -> u16 {
        match self {
            Packet::AngleAxis(_) => 0,
            Packet::Exposure { .. } => 1,
            Packet::Gyro(_) => 2,
            Packet::Acceleration(_) => 3,
            Packet::Position(_) => 4,
            Packet::MinimalGps { .. } => 5,
            Packet::Gps(_) => 6,
            Packet::Magnetic(_) => 7,
        }
    }
}

/// Bytes of the payload (after the header) of a packet of type `kind`, `None` for a type the
/// spec does not define.
pub fn payload_len(kind: u16) -> Option<usize> {
    match kind {
        0 | 2 | 3 | 4 | 7 => Some(12),
        1 => Some(8),
        5 => Some(24),
        6 => Some(56),
        _ => None,
    }
}

/// Why a sample is not a CAMM packet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CammError {
    /// Fewer bytes than a header.
    #[error("{len} byte(s), shorter than the 4-byte CAMM packet header")]
    NoHeader {
        /// The sample's size.
        len: usize,
    },
    /// A type the spec does not define.
    #[error("packet type {kind}, which CAMM does not define (0 to 7)")]
    UnknownType {
        /// The type read.
        kind: u16,
    },
    /// The sample's size is not the header plus the type's payload.
    #[error("packet type {kind} is {len} bytes; that type is {expected} bytes")]
    WrongLength {
        /// The type read.
        kind: u16,
        /// The sample's size.
        len: usize,
        /// Header plus the type's payload.
        expected: usize,
    },
}

/// Little-endian fields read in order from a payload whose length was checked.
struct Fields<'a>(&'a [u8]);

impl Fields<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0; N];
        out.copy_from_slice(&self.0[..N]);
        self.0 = &self.0[N..];
        out
    }
    fn f32(&mut self) -> f32 {
        f32::from_le_bytes(self.take())
    }
    fn f64(&mut self) -> f64 {
        f64::from_le_bytes(self.take())
    }
    fn i32(&mut self) -> i32 {
        i32::from_le_bytes(self.take())
    }
    fn vector(&mut self) -> [f32; 3] {
        [self.f32(), self.f32(), self.f32()]
    }
}

/// Decodes one sample of a CAMM track. The sample must be exactly one packet: the spec puts
/// one packet in each sample, and a length that disagrees with the type means the sample
/// table or the payload is damaged.
pub fn decode(sample: &[u8]) -> Result<Packet, CammError> {
    let len = sample.len();
    if len < HEADER_LEN {
        return Err(CammError::NoHeader { len });
    }
    let kind = u16::from_le_bytes([sample[2], sample[3]]);
    let expected = payload_len(kind).ok_or(CammError::UnknownType { kind })? + HEADER_LEN;
    if len != expected {
        return Err(CammError::WrongLength {
            kind,
            len,
            expected,
        });
    }
    let mut f = Fields(&sample[HEADER_LEN..]);
    Ok(match kind {
        0 => Packet::AngleAxis(f.vector()),
        1 => Packet::Exposure {
            pixel_exposure_time: f.i32(),
            rolling_shutter_skew_time: f.i32(),
        },
        2 => Packet::Gyro(f.vector()),
        3 => Packet::Acceleration(f.vector()),
        4 => Packet::Position(f.vector()),
        5 => Packet::MinimalGps {
            latitude: f.f64(),
            longitude: f.f64(),
            altitude: f.f64(),
        },
        6 => Packet::Gps(Gps {
            time_gps_epoch: f.f64(),
            gps_fix_type: f.i32(),
            latitude: f.f64(),
            longitude: f.f64(),
            altitude: f.f32(),
            horizontal_accuracy: f.f32(),
            vertical_accuracy: f.f32(),
            velocity_east: f.f32(),
            velocity_north: f.f32(),
            velocity_up: f.f32(),
            speed_accuracy: f.f32(),
        }),
        _ => Packet::Magnetic(f.vector()),
    })
}

/// The GPS epoch, 1980-01-06 00:00:00 UTC.
pub const GPS_EPOCH: OffsetDateTime = time::macros::datetime!(1980-01-06 00:00:00 UTC);

/// Leap seconds inserted since the GPS epoch: the UTC moment from which each applies. GPS time
/// runs ahead of UTC by the number of these before a moment (18 since 2017).
const LEAP_SECONDS: [OffsetDateTime; 18] = {
    use time::macros::datetime;
    [
        datetime!(1981-07-01 00:00:00 UTC),
        datetime!(1982-07-01 00:00:00 UTC),
        datetime!(1983-07-01 00:00:00 UTC),
        datetime!(1985-07-01 00:00:00 UTC),
        datetime!(1988-01-01 00:00:00 UTC),
        datetime!(1990-01-01 00:00:00 UTC),
        datetime!(1991-01-01 00:00:00 UTC),
        datetime!(1992-07-01 00:00:00 UTC),
        datetime!(1993-07-01 00:00:00 UTC),
        datetime!(1994-07-01 00:00:00 UTC),
        datetime!(1996-01-01 00:00:00 UTC),
        datetime!(1997-07-01 00:00:00 UTC),
        datetime!(1999-01-01 00:00:00 UTC),
        datetime!(2006-01-01 00:00:00 UTC),
        datetime!(2009-01-01 00:00:00 UTC),
        datetime!(2012-07-01 00:00:00 UTC),
        datetime!(2015-07-01 00:00:00 UTC),
        datetime!(2017-01-01 00:00:00 UTC),
    ]
};

/// Leap seconds between the GPS epoch and the UTC moment `utc`.
pub fn leap_seconds_at(utc: OffsetDateTime) -> i64 {
    LEAP_SECONDS.iter().filter(|&&leap| leap <= utc).count() as i64
}

/// A UTC moment as CAMM's `time_gps_epoch`: seconds since the GPS epoch in GPS time.
pub fn utc_to_gps_seconds(utc: OffsetDateTime) -> f64 {
    let since = utc - GPS_EPOCH + Duration::seconds(leap_seconds_at(utc));
    since.whole_nanoseconds() as f64 / 1e9
}

/// CAMM's `time_gps_epoch` as a UTC moment; `None` when it is not a finite time telemux can
/// represent (before the GPS epoch, or beyond the year 9999).
pub fn gps_seconds_to_utc(seconds: f64) -> Option<OffsetDateTime> {
    // Beyond this a date is past 9999 and `time` cannot hold it.
    const LATEST: f64 = 253_402_300_799.0 - 315_964_800.0;
    if !seconds.is_finite() || !(0.0..LATEST).contains(&seconds) {
        return None;
    }
    // An f64 of today's GPS seconds (about 1.4e9) holds about 0.24 µs, so anything finer is
    // the rounding of the writer's sum, not a time: 10:00:00.1 must not read back as
    // 10:00:00.099999905. Whole microseconds keep every time a writer can mean.
    let micros = (seconds * 1e6).round() as i64;
    let gps = GPS_EPOCH + Duration::microseconds(micros);
    // The leap count is the one in force at the UTC moment; one step back from the GPS
    // reading finds it except within the leap second itself, which UTC repeats.
    let first = gps - Duration::seconds(leap_seconds_at(gps));
    Some(gps - Duration::seconds(leap_seconds_at(first)))
}

/// The sample entry type of a CAMM track.
pub const SAMPLE_ENTRY: [u8; 4] = *b"camm";

/// The indexes (among `mp4`'s tracks, as [`Mp4::tracks`] numbers them) of the tracks whose
/// sample entry is `camm`.
pub fn camm_tracks(mp4: &Mp4) -> Result<Vec<usize>, Mp4Error> {
    let mut found = Vec::new();
    for track in mp4.tracks() {
        let track = track?;
        if is_camm_track(&track) {
            found.push(track.index);
        }
    }
    Ok(found)
}

/// The first track whose sample entry is `camm`. Tracks that cannot be parsed are passed
/// over, as `gopro::find_track` does (the reader reports them).
pub fn find_track(mp4: &Mp4) -> Option<Track<'_>> {
    mp4.tracks().filter_map(Result::ok).find(is_camm_track)
}

/// Whether one of `track`'s sample entries is `camm`.
pub fn is_camm_track(track: &Track<'_>) -> bool {
    track
        .stsd
        .entries
        .iter()
        .any(|entry| entry.kind.as_bytes() == &SAMPLE_ENTRY)
}

impl fmt::Display for Packet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Packet::AngleAxis(v) => write!(f, "type 0 angle-axis {v:?} rad"),
            Packet::Exposure {
                pixel_exposure_time,
                rolling_shutter_skew_time,
            } => write!(
                f,
                "type 1 exposure {pixel_exposure_time} ns, rolling shutter skew {rolling_shutter_skew_time} ns"
            ),
            Packet::Gyro(v) => write!(f, "type 2 gyro {v:?} rad/s"),
            Packet::Acceleration(v) => write!(f, "type 3 acceleration {v:?} m/s²"),
            Packet::Position(v) => write!(f, "type 4 position {v:?} m"),
            Packet::MinimalGps {
                latitude,
                longitude,
                altitude,
            } => write!(f, "type 5 GPS {latitude}, {longitude}, {altitude} m"),
            Packet::Gps(g) => {
                let utc = gps_seconds_to_utc(g.time_gps_epoch)
                    .and_then(|utc| utc.format(&Rfc3339).ok())
                    .unwrap_or_else(|| "not a time".to_string());
                write!(
                    f,
                    "type 6 GPS time {} s ({utc}) fix {} {}, {}, {} m, accuracy {} m horizontal \
                     {} m vertical, velocity east {} north {} up {} m/s (accuracy {} m/s)",
                    g.time_gps_epoch,
                    g.gps_fix_type,
                    g.latitude,
                    g.longitude,
                    g.altitude,
                    g.horizontal_accuracy,
                    g.vertical_accuracy,
                    g.velocity_east,
                    g.velocity_north,
                    g.velocity_up,
                    g.speed_accuracy
                )
            }
            Packet::Magnetic(v) => write!(f, "type 7 magnetic {v:?} µT"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn gps_time_counts_leap_seconds() {
        // 2020-01-01 00:00:00 UTC is GPS week 2086, second 259218: 18 leap seconds ahead.
        let seconds = utc_to_gps_seconds(datetime!(2020-01-01 00:00:00 UTC));
        assert_eq!(seconds, 2086.0 * 604_800.0 + 259_218.0);
        assert_eq!(
            gps_seconds_to_utc(seconds),
            Some(datetime!(2020-01-01 00:00:00 UTC))
        );
        assert_eq!(leap_seconds_at(datetime!(2016-12-31 23:59:59 UTC)), 17);
        assert_eq!(gps_seconds_to_utc(-1.0), None);
        assert_eq!(gps_seconds_to_utc(f64::NAN), None);
        // A tenth of a second after a whole GPS second reads back as written, not as the f64
        // sum's 0.099999905.
        let tenth = utc_to_gps_seconds(datetime!(2024-05-01 10:00:00.1 UTC));
        assert_eq!(
            gps_seconds_to_utc(tenth),
            Some(datetime!(2024-05-01 10:00:00.1 UTC))
        );
    }

    #[test]
    fn decodes_a_gps_packet_field_by_field() {
        let mut sample = vec![0, 0, 6, 0];
        sample.extend(1_261_872_018.5f64.to_le_bytes());
        sample.extend(3i32.to_le_bytes());
        sample.extend(45.5f64.to_le_bytes());
        sample.extend((-7.25f64).to_le_bytes());
        for value in [120.0f32, 2.5, 4.0, 1.0, -2.0, 0.5, 0.25] {
            sample.extend(value.to_le_bytes());
        }
        let Packet::Gps(gps) = decode(&sample).unwrap() else {
            panic!("not type 6");
        };
        assert_eq!(gps.time_gps_epoch, 1_261_872_018.5);
        assert_eq!(
            (gps.gps_fix_type, gps.latitude, gps.longitude),
            (3, 45.5, -7.25)
        );
        assert_eq!(gps.altitude, 120.0);
        assert_eq!(gps.velocity_north, -2.0);
        assert_eq!(gps.speed_accuracy, 0.25);
        assert_eq!(
            decode(&sample[..59]),
            Err(CammError::WrongLength {
                kind: 6,
                len: 59,
                expected: 60
            })
        );
        assert_eq!(
            decode(&[0, 0, 9, 0]),
            Err(CammError::UnknownType { kind: 9 })
        );
        assert_eq!(decode(&[0, 0]), Err(CammError::NoHeader { len: 2 }));
    }
}
