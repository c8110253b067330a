//! GPMF as a telemetry track format: GoPro's `trak` details (handler `meta` "GoPro MET",
//! sample entry `gpmd`, the `gmhd` header) and its payloads, one per second as GoPro cameras
//! write them.
//!
//! Readers spread a payload's GPS5 samples evenly over the payload's duration, so a payload
//! must hold a sample for every slot of its span. Where a gap starts or ends inside a second,
//! the second is split there; stretches without fixes get payloads without GPS.
//!
//! Sensor streams (ACCL, GYRO, …) go into the same payloads, each payload holding the samples
//! whose media time falls in its span, which readers spread over the span as they do GPS5.

use telemux_read::gopro;
use telemux_read::gpmf::Klv;
use telemux_read::model::SensorStream;
use telemux_read::mp4::{Mp4, Mp4Error};

use super::builder::{BuildError, DeviceWriter};
use super::gps::GpsPayloads;
use super::sensors::SensorWriter;
use crate::mp4::{BoxWriter, TelemetryTrack};
use crate::telemetry_track::{with_defaults, SensorTrack, TrackError, TrackOptions};
use crate::track_format::{ReadSeek, Slotted, TrackFormat};

/// GPMF, laid out as GoPro cameras write it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Gpmf;

impl TrackFormat for Gpmf {
    fn name(&self) -> &'static str {
        "GPMF"
    }

    fn handler_type(&self) -> [u8; 4] {
        *b"meta"
    }

    fn handler_name(&self) -> &'static str {
        "GoPro MET"
    }

    /// `gmhd` with a zeroed `gmin` and the 12-byte `gpmd` marker, exactly as GoPro writes it.
    fn write_media_header(&self, w: &mut BoxWriter) {
        w.boxed(b"gmhd", |w| {
            w.full_box(b"gmin", 0, 0, |w| w.zeros(12));
            w.boxed(b"gpmd", |w| w.u32(0));
        });
    }

    fn write_sample_entry(&self, w: &mut BoxWriter) {
        w.boxed(b"gpmd", |w| {
            w.zeros(6); // reserved
            w.u16(1); // data reference index
            w.u32(0);
        });
    }

    fn build(
        &self,
        points: Slotted<'_>,
        slots: usize,
        sensors: &[SensorStream],
        options: &TrackOptions,
    ) -> Result<SensorTrack, TrackError> {
        payloads(points, slots, sensors, options)
    }

    /// Tracks with a `gpmd` sample entry whose first sample starts with `DEVC`, by the read
    /// side's own test: some dashcams name other data `gpmd`, and such a track is the
    /// dashcam's to keep, never telemetry to replace.
    fn existing_tracks(
        &self,
        mp4: &Mp4,
        mut reader: &mut dyn ReadSeek,
    ) -> Result<Vec<usize>, Mp4Error> {
        gopro::gpmf_tracks(mp4, &mut reader)
    }
}

/// The payloads of points given with their slots in ascending order.
fn payloads(
    slotted: Slotted<'_>,
    slots: usize,
    sensors: &[SensorStream],
    options: &TrackOptions,
) -> Result<SensorTrack, TrackError> {
    let rate = options.rate_hz;
    let mut slotted = slotted.peekable();
    let mut timelines: Vec<Timeline<'_>> = SensorWriter::for_streams(sensors)?
        .into_iter()
        .filter_map(|(index, writer)| Some(Timeline::new(writer, sensors.get(index)?)))
        .collect();
    let mut payloads = GpsPayloads::new(
        DeviceWriter::new(1, &options.device_name),
        options.altitude_ref,
        options.gps9,
    );
    let boundary_ms = |k: usize| (k as f64 * 1000.0 / rate).round() as u64;
    let mut track = TelemetryTrack {
        start_ms: 0,
        samples: Vec::new(),
        durations_ms: Vec::new(),
    };
    let mut gps_points = 0;
    let mut start = 0;
    while start < slots {
        while slotted.next_if(|(slot, _)| *slot < start).is_some() {}
        let second_end = (((start as f64 / rate).floor() + 1.0) * rate - 1e-9).ceil() as usize;
        let second_end = second_end.clamp(start + 1, slots);
        let stmp = (start as f64 * 1e6 / rate).round() as u64;
        // The run of consecutive slots from `start` that have a point, within this second.
        let mut run = Vec::new();
        while start + run.len() < second_end {
            let slot = start + run.len();
            let Some((_, mut point)) = slotted.next_if(|(s, _)| *s == slot) else {
                break;
            };
            while let Some((_, later)) = slotted.next_if(|(s, _)| *s == slot) {
                point = later;
            }
            run.push(with_defaults(point, options.default_dop));
        }
        let (end, mut streams) = if run.is_empty() {
            // No GPS stream at all where there are no fixes, so no reader takes held
            // positions for fixes.
            let next = slotted.peek().map_or(second_end, |(slot, _)| *slot);
            (next.min(second_end), Vec::new())
        } else {
            gps_points += run.len() as u64;
            let end = start + run.len();
            let streams = payloads
                .streams(&run, Some(stmp))
                .map_err(|source| TrackError::Gps {
                    start: start as f64 / rate,
                    end: end as f64 / rate,
                    source,
                })?;
            (end, streams)
        };
        let span = (start as f64 / rate, end as f64 / rate);
        for timeline in &mut timelines {
            streams.extend(timeline.take(span, stmp)?);
        }
        track.samples.push(payloads.device().encode(streams)?);
        let ms = boundary_ms(end) - boundary_ms(start);
        track
            .durations_ms
            .push(u32::try_from(ms).unwrap_or(u32::MAX));
        start = end;
    }
    let mut written = Vec::new();
    let mut left_out = 0;
    for timeline in &timelines {
        let taken = timeline.written;
        written.push((timeline.key.clone(), taken, timeline.writer.scale()));
        left_out += timeline.samples.len() as u64 - taken + timeline.untimed;
    }
    let unsupported = sensors
        .iter()
        .filter(|s| !timelines.iter().any(|t| t.key == s.key))
        .map(|s| s.key.clone())
        .collect();
    Ok(SensorTrack {
        track,
        gps_points,
        written,
        unsupported,
        left_out,
    })
}

/// One sensor stream's samples in time order, handed out payload by payload.
struct Timeline<'a> {
    key: String,
    writer: SensorWriter,
    samples: Vec<(f64, &'a [f64])>,
    next: usize,
    written: u64,
    /// Samples without a media time, which no payload can place.
    untimed: u64,
}

impl<'a> Timeline<'a> {
    fn new(writer: SensorWriter, stream: &'a SensorStream) -> Timeline<'a> {
        let mut samples: Vec<(f64, &[f64])> = stream
            .samples
            .iter()
            .filter_map(|s| Some((s.media_time.filter(|t| t.is_finite())?, &s.values[..])))
            .collect();
        samples.sort_by(|a, b| a.0.total_cmp(&b.0));
        let untimed = (stream.samples.len() - samples.len()) as u64;
        Timeline {
            key: stream.key.clone(),
            writer,
            samples,
            next: 0,
            written: 0,
            untimed,
        }
    }

    /// The STRM of the samples in `[start, end)` seconds, skipping earlier ones; `None` when
    /// there are none.
    fn take(&mut self, (start, end): (f64, f64), stmp: u64) -> Result<Option<Klv>, BuildError> {
        let rest = self.samples.get(self.next..).unwrap_or_default();
        let skip = rest.iter().take_while(|(t, _)| *t < start).count();
        let rest = rest.get(skip..).unwrap_or_default();
        let count = rest.iter().take_while(|(t, _)| *t < end).count();
        self.next += skip + count;
        if count == 0 {
            return Ok(None);
        }
        let values = rest.iter().take(count).map(|(_, v)| *v);
        let strm = self.writer.payload(values, Some(stmp))?;
        self.written += count as u64;
        Ok(Some(strm))
    }
}
