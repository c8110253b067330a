//! A CAMM track turned into the shared model: GPS packets (types 5 and 6) into points, the
//! motion packets into sensor streams, and every sample that is no valid packet counted and
//! named, never silently lost.

use std::io::{Read, Seek};

use super::packets::Packets;
use super::{gps_seconds_to_utc, Gps, Packet};
use crate::model::{AltitudeRef, Fix, GpsPoint, SensorSample, SensorStream, Telemetry};
use crate::mp4::{Mp4, Mp4Error, Track};

/// How many bad packets are named one by one (in [`CammFacts::first_bad`] and the warnings);
/// the rest are counted, so a track of a million damaged samples costs no more memory.
pub const MAX_LISTED: usize = 10;

/// A sample of a CAMM track that was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadPacket {
    /// Sample index in the track, from 0.
    pub sample: u32,
    /// Absolute file offset of the sample.
    pub offset: u64,
    /// Why it was skipped.
    pub problem: String,
}

/// What a CAMM track held beyond the model, packet by packet: what `verify` checks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct CammFacts {
    /// The track's box path, e.g. `moov/trak[2]`.
    pub path: String,
    /// Samples in the track.
    pub samples: u64,
    /// Valid packets of each type, indexed by the type number (0–7).
    pub by_type: [u64; 8],
    /// Samples skipped: not a packet, or a GPS packet whose position is not a position.
    pub bad: u64,
    /// The first [`MAX_LISTED`] of them.
    pub first_bad: Vec<BadPacket>,
}

impl CammFacts {
    fn skip(&mut self, sample: u32, offset: u64, problem: String) {
        self.bad += 1;
        if self.first_bad.len() < MAX_LISTED {
            self.first_bad.push(BadPacket {
                sample,
                offset,
                problem,
            });
        }
    }

    /// One line per bad packet named, and one counting the rest, as a reader's warnings.
    pub fn warnings(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .first_bad
            .iter()
            .map(|b| {
                format!(
                    "{}: sample {} at byte {}: {}; skipped",
                    self.path, b.sample, b.offset, b.problem
                )
            })
            .collect();
        let unnamed = self.bad - self.first_bad.len() as u64;
        if unnamed > 0 {
            lines.push(format!(
                "{}: {unnamed} more bad CAMM packets skipped",
                self.path
            ));
        }
        if self.samples == 0 {
            lines.push(format!("{}: the CAMM track has no samples", self.path));
        }
        lines
    }

    /// `120 GPS (type 6), 2400 gyro (type 2)`: the valid packets by kind.
    pub fn kinds(&self) -> String {
        const NAMES: [&str; 8] = [
            "angle-axis",
            "exposure",
            "gyro",
            "accelerometer",
            "position",
            "minimal GPS",
            "GPS",
            "magnetometer",
        ];
        let kinds: Vec<String> = (0..8)
            .filter(|&kind| self.by_type[kind] > 0)
            .map(|kind| format!("{} {} (type {kind})", self.by_type[kind], NAMES[kind]))
            .collect();
        match kinds.is_empty() {
            true => "no valid packet".to_string(),
            false => kinds.join(", "),
        }
    }
}

/// What [`read`] collects.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadOptions {
    /// Also keep the non-GPS packets as sensor streams (they are counted either way).
    pub sensors: bool,
}

/// A CAMM track read into the model.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CammTelemetry {
    /// The GPS points (and sensor streams, when asked for).
    pub telemetry: Telemetry,
    /// The track, packet by packet.
    pub facts: CammFacts,
}

/// The sensor stream each non-GPS type becomes: key, name and the unit of each value. Types
/// 2, 3 and 7 take GoPro's keys and units, so exports and `sensors-csv` treat them alike.
fn stream_of(kind: u16) -> Option<(&'static str, &'static str, [&'static str; 3])> {
    Some(match kind {
        0 => ("ANGLE_AXIS", "Angle-axis orientation", ["rad"; 3]),
        1 => (
            "EXPOSURE",
            "Pixel exposure, rolling shutter skew",
            ["ns"; 3],
        ),
        2 => ("GYRO", "Gyroscope", ["rad/s"; 3]),
        3 => ("ACCL", "Accelerometer", ["m/s²"; 3]),
        4 => ("POSITION", "Position", ["m"; 3]),
        7 => ("MAGN", "Magnetometer", ["µT"; 3]),
        _ => return None,
    })
}

/// Reads the CAMM track `track` of `mp4`. A sample that is not a valid packet is skipped and
/// counted; a sample that cannot be read at all (its table points past the file, a failed
/// read) ends the read with its error.
pub fn read<R: Read + Seek>(
    mp4: &Mp4,
    track: &Track<'_>,
    reader: &mut R,
    options: ReadOptions,
) -> Result<CammTelemetry, Mp4Error> {
    let mut facts = CammFacts {
        path: track.node.path.clone(),
        ..CammFacts::default()
    };
    let mut gps = Vec::new();
    let mut sensors: Vec<SensorStream> = Vec::new();
    for entry in Packets::new(mp4, track, reader) {
        let entry = entry?;
        facts.samples += 1;
        let (index, offset) = (entry.sample.index, entry.sample.offset);
        let packet = match entry.packet {
            Ok(packet) => packet,
            Err(error) => {
                facts.skip(index, offset, error.to_string());
                continue;
            }
        };
        let point = match packet {
            Packet::Gps(g) => Some(gps_point(&g, entry.media_time)),
            Packet::MinimalGps {
                latitude,
                longitude,
                altitude,
            } => Some(GpsPoint {
                media_time: Some(entry.media_time),
                altitude: altitude.is_finite().then_some(altitude),
                ..GpsPoint::new(latitude, longitude)
            }),
            _ => None,
        };
        if let Some(point) = point {
            if let Err(problem) = position_ok(&point) {
                facts.skip(index, offset, problem);
                continue;
            }
            gps.push(point);
        } else if options.sensors {
            add_sensor(&mut sensors, &packet, entry.media_time);
        }
        facts.by_type[usize::from(packet.kind())] += 1;
    }
    let source = match (facts.by_type[5] > 0, facts.by_type[6] > 0) {
        (true, true) => "CAMM (GPS types 5 and 6)",
        (true, false) => "CAMM (GPS type 5)",
        (false, true) => "CAMM (GPS type 6)",
        (false, false) => "CAMM",
    };
    Ok(CammTelemetry {
        telemetry: Telemetry {
            source: source.to_string(),
            device: None,
            altitude_ref: AltitudeRef::Ellipsoid,
            gps,
            sensors,
            highlights: Vec::new(),
        },
        facts,
    })
}

/// A type 6 packet as a point. Speeds and course come from the velocity vector; the
/// accuracies (metres) have no place in the model, whose `dop` is a dilution of precision, not
/// a distance, so they are left out rather than passed off as one.
fn gps_point(g: &Gps, media_time: f64) -> GpsPoint {
    let (east, north, up) = (
        f64::from(g.velocity_east),
        f64::from(g.velocity_north),
        f64::from(g.velocity_up),
    );
    let finite = |v: f64| v.is_finite().then_some(v);
    let speed_2d = finite(east.hypot(north));
    // The direction of a standing receiver's velocity is noise: no course.
    let course = speed_2d
        .filter(|s| *s > 0.0)
        .map(|_| east.atan2(north).to_degrees().rem_euclid(360.0));
    GpsPoint {
        // 0 is what writers put when the receiver had no time (mapillary_tools reads it so).
        time: (g.time_gps_epoch > 0.0)
            .then(|| gps_seconds_to_utc(g.time_gps_epoch))
            .flatten(),
        media_time: Some(media_time),
        altitude: finite(shortest_decimal(g.altitude)),
        speed_2d,
        speed_3d: finite((east * east + north * north + up * up).sqrt()),
        course,
        fix: Some(Fix::from_code(g.gps_fix_type.max(0) as u32)),
        dop: None,
        satellites: None,
        ..GpsPoint::new(g.latitude, g.longitude)
    }
}

/// The f64 of the shortest decimal that reads back as `value`: an altitude written as 250.01
/// is stored as the f32 nearest it, which widened is 250.00999450683594; exports should say
/// 250.01, as the writer meant.
fn shortest_decimal(value: f32) -> f64 {
    value.to_string().parse().unwrap_or(f64::from(value))
}

/// Whether a point's latitude and longitude are a place on Earth.
fn position_ok(point: &GpsPoint) -> Result<(), String> {
    let (lat, lon) = (point.latitude, point.longitude);
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err(format!(
            "GPS position {lat}, {lon} is not a latitude and longitude"
        ));
    }
    Ok(())
}

/// Appends a motion packet's values to its stream, creating the stream at its first packet.
fn add_sensor(sensors: &mut Vec<SensorStream>, packet: &Packet, media_time: f64) {
    let values: Vec<f64> = match *packet {
        Packet::AngleAxis(v)
        | Packet::Gyro(v)
        | Packet::Acceleration(v)
        | Packet::Position(v)
        | Packet::Magnetic(v) => v.iter().map(|x| f64::from(*x)).collect(),
        Packet::Exposure {
            pixel_exposure_time,
            rolling_shutter_skew_time,
        } => vec![
            f64::from(pixel_exposure_time),
            f64::from(rolling_shutter_skew_time),
        ],
        Packet::MinimalGps { .. } | Packet::Gps(_) => return,
    };
    let Some((key, name, units)) = stream_of(packet.kind()) else {
        return;
    };
    let sample = SensorSample {
        media_time: Some(media_time),
        time: None,
        values,
    };
    match sensors.iter_mut().find(|s| s.key == key) {
        Some(stream) => stream.samples.push(sample),
        None => sensors.push(SensorStream {
            key: key.to_string(),
            name: Some(name.to_string()),
            units: units[..sample.values.len()]
                .iter()
                .map(|u| u.to_string())
                .collect(),
            samples: vec![sample],
        }),
    }
}
