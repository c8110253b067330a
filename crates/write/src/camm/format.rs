//! CAMM as a telemetry track format: the `trak` details (handler `meta`
//! "CameraMetadataMotionHandler", `nmhd`, the `camm` sample entry) and one sample per packet.
//!
//! Every packet is a sample at its own media time: a GPS point at its slot of the rate grid,
//! a sensor sample at the time its source gives it. Packets are in time order (GPS first
//! where a sensor sample falls at the same time); a sample lasts until the next one starts,
//! the last until the end of the grid. The track's timescale is milliseconds, so times are
//! rounded to the millisecond and packets of one millisecond get zero durations (as
//! mapillary_tools' own CAMM writer gives them). When the first packet comes after the
//! video's start (a GPX that begins later), `TelemetryTrack::start_ms` delays the track,
//! which `meta_trak` writes as an empty edit.

use telemux_read::camm::{self, Packet};
use telemux_read::model::{GpsPoint, SensorStream};
use telemux_read::mp4::{Mp4, Mp4Error};

use super::encode::encode;
use super::gps::gps_packet;
use super::sensors::{packet_type, sensor_packet, MakePacket};
use crate::mp4::{BoxWriter, TelemetryTrack};
use crate::telemetry_track::{SensorTrack, TrackError, TrackOptions};
use crate::track_format::{ReadSeek, Slotted, TrackFormat};

/// CAMM, as the Street View Publish API's "Camera Motion Metadata Spec" defines it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Camm;

impl TrackFormat for Camm {
    fn name(&self) -> &'static str {
        "CAMM"
    }

    /// `meta`: the spec asks for a timed metadata track ("subComponentType … meta").
    fn handler_type(&self) -> [u8; 4] {
        *b"meta"
    }

    /// The name Insta360 and mapillary_tools give their CAMM tracks.
    fn handler_name(&self) -> &'static str {
        "CameraMetadataMotionHandler"
    }

    /// `nmhd`, the null media header of an ISO timed metadata track.
    fn write_media_header(&self, w: &mut BoxWriter) {
        w.full_box(b"nmhd", 0, 0, |_| {});
    }

    /// `camm`: a bare `SampleEntry` (6 reserved bytes, data reference index 1).
    fn write_sample_entry(&self, w: &mut BoxWriter) {
        w.boxed(&camm::SAMPLE_ENTRY, |w| {
            w.zeros(6);
            w.u16(1);
        });
    }

    fn build(
        &self,
        points: Slotted<'_>,
        slots: usize,
        sensors: &[SensorStream],
        options: &TrackOptions,
    ) -> Result<SensorTrack, TrackError> {
        packets(points, slots, sensors, options)
    }

    /// Tracks with a `camm` sample entry.
    fn existing_tracks(
        &self,
        mp4: &Mp4,
        _reader: &mut dyn ReadSeek,
    ) -> Result<Vec<usize>, Mp4Error> {
        camm::camm_tracks(mp4)
    }
}

/// One sensor stream's samples inside the grid, in time order, as CAMM packets of `kind`.
struct Timeline {
    key: String,
    make: MakePacket,
    samples: Vec<(f64, [f64; 3])>,
    next: usize,
}

impl Timeline {
    /// `None` when CAMM has no packet type for the stream; samples outside `[0, end)`
    /// seconds or without a time are counted in `left_out`.
    fn new(stream: &SensorStream, end: f64, left_out: &mut u64) -> Option<Timeline> {
        let make = packet_type(stream)?;
        let mut samples: Vec<(f64, [f64; 3])> = stream
            .samples
            .iter()
            .filter_map(|s| {
                let t = s.media_time.filter(|t| (0.0..end).contains(t))?;
                Some((t, <[f64; 3]>::try_from(&s.values[..]).ok()?))
            })
            .collect();
        *left_out += (stream.samples.len() - samples.len()) as u64;
        samples.sort_by(|a, b| a.0.total_cmp(&b.0));
        Some(Timeline {
            key: stream.key.clone(),
            make,
            samples,
            next: 0,
        })
    }

    fn peek(&self) -> Option<f64> {
        self.samples.get(self.next).map(|(t, _)| *t)
    }
}

/// The packets of the slotted points and the sensor samples, merged by time.
fn packets(
    slotted: Slotted<'_>,
    slots: usize,
    sensors: &[SensorStream],
    options: &TrackOptions,
) -> Result<SensorTrack, TrackError> {
    let rate = options.rate_hz;
    let end = slots as f64 / rate;
    let mut left_out = 0;
    let mut timelines: Vec<Timeline> = sensors
        .iter()
        .filter_map(|s| Timeline::new(s, end, &mut left_out))
        .collect();
    let unsupported = sensors
        .iter()
        .filter(|s| packet_type(s).is_none())
        .map(|s| s.key.clone())
        .collect();
    let mut slotted = slotted.peekable();
    // The last point of the next slot after `after` (a point behind one taken is left out).
    let mut next_point = |after: Option<usize>| {
        while slotted
            .next_if(|(slot, _)| after.is_some_and(|a| *slot <= a))
            .is_some()
        {}
        let (slot, mut point) = slotted.next()?;
        while let Some((_, later)) = slotted.next_if(|(s, _)| *s == slot) {
            point = later;
        }
        Some((slot, point))
    };
    let mut samples = Vec::new();
    let mut starts_ms: Vec<u64> = Vec::new();
    let mut push = |t: f64, packet: Packet| {
        // `encode` knows every packet this module makes.
        if let Some(bytes) = encode(&packet) {
            samples.push(bytes);
            starts_ms.push((t * 1000.0).round() as u64);
        }
    };
    let mut gps_points = 0;
    let mut previous: Option<(usize, GpsPoint)> = None;
    let mut pending = next_point(None);
    loop {
        let sensor = timelines
            .iter()
            .enumerate()
            .filter_map(|(i, timeline)| Some((timeline.peek()?, i)))
            .min_by(|a, b| a.0.total_cmp(&b.0));
        let gps_first = match (&pending, sensor) {
            (None, None) => break,
            (Some((slot, _)), Some((t, _))) => *slot as f64 / rate <= t,
            (gps, _) => gps.is_some(),
        };
        if gps_first {
            let Some((slot, point)) = pending.take() else {
                break;
            };
            let t = slot as f64 / rate;
            let before = previous
                .as_ref()
                .filter(|(s, _)| s + 1 == slot)
                .map(|(_, p)| (p, 1.0 / rate));
            push(t, gps_packet(&point, before, options.default_dop, t)?);
            gps_points += 1;
            previous = Some((slot, point));
            pending = next_point(Some(slot));
        } else if let Some((t, i)) = sensor {
            let timeline = &mut timelines[i];
            let values = timeline.samples[timeline.next].1;
            timeline.next += 1;
            push(t, sensor_packet(timeline.make, values));
        }
    }
    let end_ms = (end * 1000.0).round() as u64;
    let durations_ms = starts_ms
        .iter()
        .zip(
            starts_ms
                .iter()
                .skip(1)
                .chain([&end_ms.max(starts_ms.last().copied().unwrap_or(0))]),
        )
        .map(|(start, next)| u32::try_from(next - start).unwrap_or(u32::MAX))
        .collect();
    let written = timelines
        .iter()
        .map(|t| (t.key.clone(), t.samples.len() as u64, 1))
        .collect();
    Ok(SensorTrack {
        track: TelemetryTrack {
            start_ms: starts_ms.first().copied().unwrap_or(0),
            samples,
            durations_ms,
        },
        gps_points,
        written,
        unsupported,
        left_out,
    })
}
