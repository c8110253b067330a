//! GPS points on a video's timeline turned into the payloads of a GPMF telemetry track: one
//! payload per second, as GoPro cameras write them.
//!
//! Readers spread a payload's GPS5 samples evenly over the payload's duration, so a payload
//! must hold a sample for every slot of its span. Where a gap starts or ends inside a second,
//! the second is split there; stretches without fixes get payloads without GPS.

use telemux_read::model::{AltitudeRef, Fix, GpsPoint};

use crate::gpmf::{BuildError, DeviceWriter, GpsPayloads};
use crate::mp4::TelemetryTrack;

#[derive(Debug, Clone, PartialEq)]
pub struct TrackOptions {
    /// Samples per second of the points (they sit at media times k / rate).
    pub rate_hz: f64,
    /// DVNM of the device.
    pub device_name: String,
    /// Add a GPS9 stream (per-sample time) as HERO11+ cameras do.
    pub gps9: bool,
    pub altitude_ref: AltitudeRef,
}

/// More slots than this is not a video anyone films (over a day at 1 kHz).
const MAX_SLOTS: u64 = 100_000_000;

#[derive(Debug, thiserror::Error)]
pub enum TrackError {
    #[error("{rate} Hz over {duration} s is not a track telemux can write (rate must be 0.1 to 1000 Hz)")]
    BadTiming { rate: f64, duration: f64 },
    #[error(transparent)]
    Build(#[from] BuildError),
}

/// Builds the track for a video of `duration` seconds from `points`, which carry media times on
/// the `options.rate_hz` grid (as `telemux_read::track::resample` makes them).
pub fn build(
    points: &[GpsPoint],
    duration: f64,
    options: &TrackOptions,
) -> Result<TelemetryTrack, TrackError> {
    let rate = options.rate_hz;
    let slots = (duration * rate - 1e-9).ceil();
    if !((0.1..=1000.0).contains(&rate) && slots >= 1.0 && slots <= MAX_SLOTS as f64) {
        return Err(TrackError::BadTiming { rate, duration });
    }
    let slots = slots as usize;
    let mut by_slot: Vec<Option<GpsPoint>> = vec![None; slots];
    for p in points {
        let Some(t) = p.media_time else { continue };
        let k = (t * rate).round();
        if k >= 0.0 && (k as usize) < slots {
            by_slot[k as usize] = Some(with_default_fix(p));
        }
    }

    let mut payloads = GpsPayloads::new(
        DeviceWriter::new(1, &options.device_name),
        options.altitude_ref,
        options.gps9,
    );
    let boundary_ms = |k: usize| (k as f64 * 1000.0 / rate).round() as u64;
    let mut track = TelemetryTrack {
        samples: Vec::new(),
        durations_ms: Vec::new(),
    };
    let mut start = 0;
    while start < slots {
        let second_end = (((start as f64 / rate).floor() + 1.0) * rate - 1e-9).ceil() as usize;
        let second_end = second_end.clamp(start + 1, slots);
        let present = by_slot[start].is_some();
        let end = (start..second_end)
            .find(|&k| by_slot[k].is_some() != present)
            .unwrap_or(second_end);
        let bytes = if present {
            let run: Vec<GpsPoint> = by_slot[start..end].iter().flatten().cloned().collect();
            let stmp = (start as f64 * 1e6 / rate).round() as u64;
            payloads.payload(&run, Some(stmp))?
        } else {
            payloads.gap_payload()?
        };
        track.samples.push(bytes);
        let ms = boundary_ms(end) - boundary_ms(start);
        track
            .durations_ms
            .push(u32::try_from(ms).unwrap_or(u32::MAX));
        start = end;
    }
    Ok(track)
}

/// A point without fix information is written as a fix: 3D with altitude, else 2D.
fn with_default_fix(p: &GpsPoint) -> GpsPoint {
    let mut p = p.clone();
    if p.fix.is_none() {
        p.fix = Some(if p.altitude.is_some() {
            Fix::ThreeD
        } else {
            Fix::TwoD
        });
    }
    p
}
