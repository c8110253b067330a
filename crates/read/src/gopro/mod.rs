//! GoPro telemetry: the GPMF `gpmd` track of an MP4/MOV turned into the shared model.
//!
//! Each gpmd sample is one payload covering its MP4 time span; samples of a stream inside a
//! payload are spread evenly over that span, as GoPro's own tools do. GPS comes from GPS9
//! (per-sample UTC time, HERO11+), else GPS5 (GPSU anchors the payload's first sample), else
//! the Karma drone's GPRI.

mod gps;
mod sensors;

use std::io::{Read, Seek};

use crate::gpmf::{self, keys};
use crate::model::{AltitudeRef, Telemetry};
use crate::mp4::{Mp4, Mp4Error, Sample, Track};

pub use gps::GpsSource;

#[derive(Debug, thiserror::Error)]
pub enum GoproError {
    #[error(transparent)]
    Mp4(#[from] Mp4Error),
    #[error("no GPMF telemetry track (no track with a `gpmd` sample entry holding DEVC payloads)")]
    NoTelemetry,
    #[error("{path}: sample {sample} at byte {offset}: {source}")]
    Payload {
        path: String,
        sample: u32,
        offset: u64,
        source: gpmf::Error,
    },
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Also collect every non-GPS stream (ACCL, GYRO, …); costs time on long videos.
    pub sensors: bool,
}

/// What was read, with the facts `verify` and the summaries need.
#[derive(Debug, Clone, PartialEq)]
pub struct GoproTelemetry {
    pub telemetry: Telemetry,
    /// Index of the gpmd track among the file's tracks.
    pub track_index: usize,
    pub payloads: usize,
    pub gps_source: Option<GpsSource>,
    /// Payloads that failed to decode and were skipped, with the reason.
    pub skipped: Vec<String>,
}

/// The GPMF track of `mp4`: sample entry `gpmd` whose first sample starts with `DEVC` (some
/// dashcams name other data `gpmd`). Tracks that cannot be parsed are passed over, as
/// ExifTool and ffprobe do: a damaged audio track must not hide the GPS (the caller reports
/// them, see `Mp4::tracks`).
pub fn find_track<'a, R: Read + Seek>(
    mp4: &'a Mp4,
    reader: &mut R,
) -> Result<Option<Track<'a>>, Mp4Error> {
    for track in mp4.tracks().filter_map(Result::ok) {
        if is_gpmf_track(&track, reader)? {
            return Ok(Some(track));
        }
    }
    Ok(None)
}

/// The indexes (among the file's tracks) of every track that holds GPMF, by the same test as
/// `find_track`: what a writer must replace or refuse to duplicate.
pub fn gpmf_tracks<R: Read + Seek>(mp4: &Mp4, reader: &mut R) -> Result<Vec<usize>, Mp4Error> {
    let mut found = Vec::new();
    for track in mp4.tracks() {
        let track = track?;
        if is_gpmf_track(&track, reader)? {
            found.push(track.index);
        }
    }
    Ok(found)
}

/// Whether `track` has a `gpmd` sample entry and a first sample that starts with `DEVC`.
/// Reads at most 4 bytes.
pub fn is_gpmf_track<R: Read + Seek>(track: &Track<'_>, reader: &mut R) -> Result<bool, Mp4Error> {
    if !track
        .stsd
        .entries
        .iter()
        .any(|e| e.kind.as_bytes() == b"gpmd")
    {
        return Ok(false);
    }
    let Some(first) = track.samples().next().transpose()? else {
        return Ok(false);
    };
    let mut head = Vec::new();
    let probe = Sample {
        size: first.size.min(4),
        ..first
    };
    track.read_sample_into(reader, &probe, &mut head)?;
    Ok(head.as_slice() == keys::DEVC.as_bytes())
}

/// Reads the telemetry of a GoPro (or telemux-written) file, reading only the gpmd samples.
pub fn read<R: Read + Seek>(
    mp4: &Mp4,
    reader: &mut R,
    options: ReadOptions,
) -> Result<GoproTelemetry, GoproError> {
    let track = find_track(mp4, reader)?.ok_or(GoproError::NoTelemetry)?;
    read_track(&track, reader, options, &mut |_, _| {})
}

/// Reads the telemetry of `track` (a GPMF track, see [`find_track`]), showing `inspect` each
/// payload as it goes by, so a caller that checks the payloads too (verify) reads them once.
/// The first error reading a sample ends the read.
pub fn read_track<R: Read + Seek>(
    track: &Track<'_>,
    reader: &mut R,
    options: ReadOptions,
    inspect: &mut dyn FnMut(&Sample, &[u8]),
) -> Result<GoproTelemetry, GoproError> {
    let mut builder = Builder::new(options);
    let mut buf = Vec::new();
    let mut first_error = None;
    for sample in track.samples() {
        let sample = sample?;
        track.read_sample_into(reader, &sample, &mut buf)?;
        inspect(&sample, &buf);
        let span = Span {
            start: sample.decode_seconds,
            duration: f64::from(sample.duration) / f64::from(track.mdhd.timescale.max(1)),
        };
        if let Err(source) = builder.add(&buf, span) {
            let error = GoproError::Payload {
                path: track.node.path.clone(),
                sample: sample.index,
                offset: sample.offset,
                source,
            };
            builder.skipped.push(error.to_string());
            first_error.get_or_insert(error);
        }
    }
    if builder.payloads == 0 {
        if let Some(error) = first_error {
            return Err(error);
        }
    }
    Ok(builder.finish(track.index))
}

/// The MP4 time span of one payload, in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    pub start: f64,
    pub duration: f64,
}

impl Span {
    /// Media time of sample `i` of `n` spread evenly over the span.
    fn at(&self, i: usize, n: usize) -> f64 {
        self.start + self.duration * i as f64 / n.max(1) as f64
    }
}

/// Accumulates payloads into one `Telemetry`.
#[derive(Debug, Default)]
struct Builder {
    options: ReadOptions,
    gps: gps::GpsCollector,
    sensors: sensors::SensorCollector,
    device: Option<String>,
    altitude_ref: AltitudeRef,
    payloads: usize,
    skipped: Vec<String>,
}

impl Builder {
    fn new(options: ReadOptions) -> Builder {
        Builder {
            options,
            ..Builder::default()
        }
    }

    fn add(&mut self, bytes: &[u8], span: Span) -> Result<(), gpmf::Error> {
        let payload = gpmf::payload(bytes)?;
        // Decode everything before keeping anything, so a bad payload adds nothing.
        let mut gps = self.gps.payload();
        let mut sensors = Vec::new();
        for device in &payload.devices {
            for stream in &device.streams {
                if gps.offer(stream, span)? {
                    if self.device.is_none() {
                        self.device.clone_from(&device.name);
                    }
                    if stream.gps_altitude.is_some_and(|a| a.as_bytes() == b"MSLV") {
                        self.altitude_ref = AltitudeRef::MeanSeaLevel;
                    }
                } else if self.options.sensors {
                    sensors.extend(sensors::decode(device, stream, span));
                }
            }
        }
        self.gps.keep(gps);
        self.sensors.keep(sensors);
        self.payloads += 1;
        Ok(())
    }

    fn finish(self, track_index: usize) -> GoproTelemetry {
        let (points, gps_source) = self.gps.finish();
        GoproTelemetry {
            telemetry: Telemetry {
                source: match gps_source {
                    Some(s) => format!("GoPro GPMF ({})", s.key()),
                    None => "GoPro GPMF".to_string(),
                },
                device: self.device,
                altitude_ref: self.altitude_ref,
                gps: points,
                sensors: self.sensors.finish(),
            },
            track_index,
            payloads: self.payloads,
            gps_source,
            skipped: self.skipped,
        }
    }
}
