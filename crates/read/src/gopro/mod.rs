//! GoPro telemetry: the GPMF `gpmd` track of an MP4/MOV turned into the shared model.
//!
//! Each gpmd sample is one payload covering its MP4 time span; GPS samples inside a payload
//! are spread evenly over that span for their media time, sensor samples from their stream's
//! STMP (see `sensor_times`), as gopro-telemetry does.
//! GPS comes from GPS9 (per-sample UTC time, HERO11+), else GPS5 (UTC spread between
//! consecutive GPSU, see `dating`), else the Karma drone's GPRI (its own time, through SYST).

mod dating;
mod gps;
mod highlights;
mod raw;
mod sensor_times;
mod sensors;

use std::io::{Read, Seek};

use crate::gpmf::{self, keys};
use crate::model::{AltitudeRef, Highlight, Telemetry};
use crate::mp4::{Mp4, Mp4Error, Sample, Track};

pub use gps::GpsSource;
pub use raw::{nest_len, starts_raw_gpmf, RawError, RawPayload, RawPayloads, RAW_PAYLOAD_SECONDS};

/// Why GoPro telemetry could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GoproError {
    /// The MP4/MOV structure could not be read.
    #[error(transparent)]
    Mp4(#[from] Mp4Error),
    /// No track holds GPMF.
    #[error("no GPMF telemetry track (no track with a `gpmd` sample entry holding DEVC payloads)")]
    NoTelemetry,
    /// A raw GPMF file could not be framed.
    #[error(transparent)]
    Raw(#[from] RawError),
    /// A payload of the GPMF track does not decode.
    #[error("{path}: sample {sample} at byte {offset}: {source}")]
    Payload {
        /// The GPMF track's box path (`moov/trak[3]`).
        path: String,
        /// The payload's sample index, from 0.
        sample: u32,
        /// Absolute offset of the payload.
        offset: u64,
        /// The decoding error, with the KLV path and offset inside the payload.
        source: gpmf::Error,
    },
}

/// What [`read`] collects.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadOptions {
    /// Also collect every non-GPS stream (ACCL, GYRO, …); costs time on long videos.
    pub sensors: bool,
}

impl ReadOptions {
    /// Options collecting the non-GPS streams too when `sensors`.
    pub fn with_sensors(sensors: bool) -> ReadOptions {
        ReadOptions { sensors }
    }
}

/// What was read, with the facts `verify` and the summaries need.
#[derive(Debug, Clone, PartialEq)]
pub struct GoproTelemetry {
    /// The GPS points (and sensor streams, when asked for).
    pub telemetry: Telemetry,
    /// Index of the gpmd track among the file's tracks; `None` for raw GPMF.
    pub track_index: Option<usize>,
    /// Payloads in the track.
    pub payloads: usize,
    /// The stream the points came from; `None` when there are none.
    pub gps_source: Option<GpsSource>,
    /// Payloads that failed to decode and were skipped, with the reason.
    pub skipped: Vec<String>,
    /// Raw GPMF only: where the payloads stopped being readable, and why (also in `skipped`).
    pub cut: Option<(u64, String)>,
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
    read_movie_track(mp4, &track, reader, options, &mut |_, _, _| {})
}

/// [`read_track`] of a track of `mp4`, with the HiLight tags of `moov/udta` placed on it.
pub fn read_movie_track<R: Read + Seek>(
    mp4: &Mp4,
    track: &Track<'_>,
    reader: &mut R,
    options: ReadOptions,
    inspect: &mut Inspect<'_>,
) -> Result<GoproTelemetry, GoproError> {
    let mut read = read_track(track, reader, options, inspect)?;
    let telemetry = &mut read.telemetry;
    telemetry.highlights.extend(udta_highlights(mp4));
    highlights::locate(&mut telemetry.highlights, &telemetry.gps);
    Ok(read)
}

/// The HiLight tags of the `HLMT` devices of one GPMF payload, not yet placed on a track.
pub fn gpmf_highlights(payload: &[u8]) -> Vec<Highlight> {
    highlights::from_gpmf(payload)
}

/// The HiLight tags in `moov/udta`: `HMMT`, then the `HLMT` device of the `GPMF` payload.
/// Not yet placed on a track.
pub fn udta_highlights(mp4: &Mp4) -> Vec<Highlight> {
    let Some(udta) = mp4.user_data() else {
        return Vec::new();
    };
    let mut found = udta
        .get(b"HMMT")
        .map(highlights::from_hmmt)
        .unwrap_or_default();
    found.extend(
        udta.get(b"GPMF")
            .map(highlights::from_gpmf)
            .unwrap_or_default(),
    );
    found
}

/// Sees each payload as it goes by: its index, byte offset and bytes.
pub type Inspect<'a> = dyn FnMut(u32, u64, &[u8]) + 'a;

/// Reads the telemetry of `track` (a GPMF track, see [`find_track`]), showing `inspect` each
/// payload as it goes by, so a caller that checks the payloads too (verify) reads them once.
/// The first error reading a sample ends the read.
pub fn read_track<R: Read + Seek>(
    track: &Track<'_>,
    reader: &mut R,
    options: ReadOptions,
    inspect: &mut Inspect<'_>,
) -> Result<GoproTelemetry, GoproError> {
    let mut builder = Builder::new(options, track.node.path.clone());
    let mut buf = Vec::new();
    for sample in track.samples() {
        let sample = sample?;
        track.read_sample_into(reader, &sample, &mut buf)?;
        inspect(sample.index, sample.offset, &buf);
        let span = Span {
            start: sample.decode_seconds,
            duration: f64::from(sample.duration) / f64::from(track.mdhd.timescale.max(1)),
        };
        builder.add_or_skip(&buf, span, sample.index, sample.offset);
    }
    builder.result(Some(track.index))
}

/// Reads a raw GPMF track (see [`RawPayloads`]). Without an MP4, a payload's span on the
/// media timeline comes from STMP (the camera's microsecond timestamp of the payload's first
/// sample) up to the next payload's; without STMP (HERO5, Fusion), payload k spans
/// [k, k + 1) × [`RAW_PAYLOAD_SECONDS`]. A framing error ends the read and is an error only
/// when no payload decoded; otherwise it is reported in `skipped` and `cut`.
pub fn read_raw<R: Read>(
    reader: R,
    options: ReadOptions,
    inspect: &mut Inspect<'_>,
) -> Result<GoproTelemetry, GoproError> {
    let mut builder = Builder::new(options, "raw GPMF".to_string());
    let mut payloads = RawPayloads::new(reader).peekable();
    let mut clock = RawClock::default();
    while let Some(payload) = payloads.next() {
        let payload = match payload {
            Ok(payload) => payload,
            Err(error) if builder.payloads > 0 => {
                let offset = match &error {
                    RawError::Framing { offset, .. } => *offset,
                    RawError::Io(_) => 0,
                };
                builder.skipped.push(error.to_string());
                builder.cut = Some((offset, error.to_string()));
                break;
            }
            Err(error) => return Err(error.into()),
        };
        inspect(payload.index, payload.offset, &payload.bytes);
        let next = payloads.peek().and_then(|p| p.as_ref().ok());
        let span = clock.span(&payload.bytes, next.map(|p| p.bytes.as_slice()));
        builder.add_or_skip(&payload.bytes, span, payload.index, payload.offset);
    }
    builder.result(None)
}

/// The media timeline of a raw track (see [`read_raw`]): STMP counts from when the camera
/// started (81.98 s at the first payload of the Fusion track), so the first payload's STMP is
/// taken as 0, as an MP4's first sample is.
#[derive(Debug, Default)]
struct RawClock {
    /// The first payload's STMP, seconds.
    origin: Option<f64>,
    /// Where the previous payload ended, and its duration.
    previous: Option<(f64, f64)>,
}

impl RawClock {
    fn span(&mut self, payload: &[u8], next: Option<&[u8]>) -> Span {
        let (end, last_duration) = self.previous.unwrap_or((0.0, RAW_PAYLOAD_SECONDS));
        let stmp = stmp_seconds(payload);
        let origin = *self.origin.get_or_insert(stmp.unwrap_or(0.0));
        let start = stmp
            .map(|s| s - origin)
            .filter(|s| *s >= end)
            .unwrap_or(end);
        let duration = next
            .and_then(stmp_seconds)
            .map(|next| next - origin - start)
            .filter(|d| *d > 0.0 && *d <= dating::MAX_GPSU_STEP)
            .unwrap_or(last_duration);
        self.previous = Some((start + duration, duration));
        Span { start, duration }
    }
}

/// The first STMP of a payload, in seconds.
fn stmp_seconds(payload: &[u8]) -> Option<f64> {
    let view = gpmf::payload(payload).ok()?;
    let stmp = view
        .devices
        .iter()
        .flat_map(|d| &d.streams)
        .find_map(|s| s.timestamp_us)?;
    Some(stmp as f64 / 1e6)
}

/// The MP4 time span of one payload, in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    /// Seconds from the media's start.
    pub start: f64,
    /// Seconds.
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
    /// Where the payloads come from, for errors: the track's box path, or "raw GPMF".
    path: String,
    first_error: Option<GoproError>,
    cut: Option<(u64, String)>,
    gps: gps::GpsCollector,
    sensors: sensors::SensorCollector,
    device: Option<String>,
    altitude_ref: AltitudeRef,
    /// HLMT devices in the payloads (raw tracks may hold the udta `GPMF` payload).
    highlights: Vec<Highlight>,
    payloads: usize,
    skipped: Vec<String>,
}

impl Builder {
    fn new(options: ReadOptions, path: String) -> Builder {
        Builder {
            options,
            path,
            ..Builder::default()
        }
    }

    /// Adds a payload, or notes why it was skipped.
    fn add_or_skip(&mut self, bytes: &[u8], span: Span, sample: u32, offset: u64) {
        if let Err(source) = self.add(bytes, span) {
            let error = GoproError::Payload {
                path: self.path.clone(),
                sample,
                offset,
                source,
            };
            self.skipped.push(error.to_string());
            self.first_error.get_or_insert(error);
        }
    }

    /// What was read; the first bad payload's error when none decoded.
    fn result(mut self, track_index: Option<usize>) -> Result<GoproTelemetry, GoproError> {
        if self.payloads == 0 {
            if let Some(error) = self.first_error.take() {
                return Err(error);
            }
        }
        Ok(self.finish(track_index))
    }

    fn add(&mut self, bytes: &[u8], span: Span) -> Result<(), gpmf::Error> {
        let payload = gpmf::payload(bytes)?;
        // Decode everything before keeping anything, so a bad payload adds nothing.
        let index = self.payloads + self.skipped.len();
        let mut gps = self.gps.payload(index);
        let mut sensors = Vec::new();
        for device in &payload.devices {
            for stream in &device.streams {
                gps.offer_clock(stream)?;
                if gps.offer(stream, span)? {
                    if self.device.is_none() {
                        self.device.clone_from(&device.name);
                    }
                    if stream.gps_altitude.is_some_and(|a| a.as_bytes() == b"MSLV") {
                        self.altitude_ref = AltitudeRef::MeanSeaLevel;
                    }
                } else if self.options.sensors {
                    sensors.extend(sensors::decode(device, stream, index, span));
                }
            }
        }
        self.gps.keep(gps);
        self.sensors.keep(sensors);
        self.highlights
            .extend(highlights::from_devices(&payload.devices));
        self.payloads += 1;
        Ok(())
    }

    fn finish(self, track_index: Option<usize>) -> GoproTelemetry {
        let (points, gps_source) = self.gps.finish();
        let mut highlights = self.highlights;
        highlights::locate(&mut highlights, &points);
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
                highlights,
            },
            track_index,
            payloads: self.payloads,
            gps_source,
            skipped: self.skipped,
            cut: self.cut,
        }
    }
}
