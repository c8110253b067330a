//! GPS points on a video's timeline turned into the samples of a telemetry track: the points
//! put on the slots of the rate grid, here for every format, and the slots made into samples
//! by the track's format ([`TrackFormat::build`]; GPMF: one payload per second, see
//! [`crate::gpmf::Gpmf`]). `build`, `build_with_sensors` and `build_streamed` write GPMF;
//! [`build_format`] any format.

use telemux_read::model::{AltitudeRef, Fix, GpsPoint, SensorStream};

use crate::gpmf::{BuildError, Gpmf};
use crate::mp4::TelemetryTrack;
use crate::track_format::TrackFormat;

/// How points become a track's samples, for every format (a format ignores what it cannot
/// write, such as GPS9 outside GPMF).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TrackOptions {
    /// Samples per second of the points (they sit at media times k / rate).
    pub rate_hz: f64,
    /// DVNM of the device.
    pub device_name: String,
    /// Add a GPS9 stream (per-sample time) as HERO11+ cameras do.
    pub gps9: bool,
    /// What the points' altitudes are measured from (written as GPSA).
    pub altitude_ref: AltitudeRef,
    /// DOP written for points that have none (GPSP and GPS9), usually [`DEFAULT_DOP`].
    pub default_dop: f64,
}

impl Default for TrackOptions {
    /// What `telemux inject` writes without flags: 10 Hz, DVNM "telemux", GPS5 only, altitudes
    /// above mean sea level (what GPX `<ele>` means), [`DEFAULT_DOP`].
    fn default() -> TrackOptions {
        TrackOptions {
            rate_hz: 10.0,
            device_name: "telemux".to_owned(),
            gps9: false,
            altitude_ref: AltitudeRef::MeanSeaLevel,
            default_dop: DEFAULT_DOP,
        }
    }
}

/// DOP written when the track gives none. GoPro's "unknown" (99.99) makes Mapillary drop every
/// point (it keeps DOP ≤ 10), so an output of a GPX without `<hdop>` would not upload; 4.0 is
/// inside every threshold readers apply ("good" below 5) yet worse than most locked camera
/// fixes, so filters tuned for precise fixes still drop it (docs/formats.md says why).
pub const DEFAULT_DOP: f64 = 4.0;

/// More slots than this is not a video anyone films (over a day at 1 kHz).
const MAX_SLOTS: u64 = 100_000_000;

/// Why a track cannot be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TrackError {
    /// A rate or duration that gives no track telemux can write.
    #[error("{rate} Hz over {duration} s is not a track telemux can write (rate must be 0.1 to 1000 Hz)")]
    BadTiming {
        /// Samples per second asked for.
        rate: f64,
        /// The video's length, seconds.
        duration: f64,
    },
    /// A sample cannot be built.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// A value of the GPS point at a media time that a CAMM packet cannot hold.
    #[error("the GPS point at {time:.3} s of the video: {field} {value} cannot be stored in CAMM")]
    Camm {
        /// Media time of the point, seconds.
        time: f64,
        /// The value's name (`latitude`, `altitude`, …).
        field: &'static str,
        /// The value.
        value: f64,
    },
    /// The GPS points of one payload cannot be stored (a value out of the format's range,
    /// such as the speed implied by a far outlier).
    #[error("the GPS points from {start:.1} s to {end:.1} s of the video: {source}")]
    Gps {
        /// Media time of the payload's first point, seconds.
        start: f64,
        /// Media time where the payload's points end, seconds.
        end: f64,
        /// What cannot be stored.
        source: BuildError,
    },
}

/// A track with sensor streams, and what became of them.
#[derive(Debug, Clone, PartialEq)]
pub struct SensorTrack {
    /// The new track's samples and durations.
    pub track: TelemetryTrack,
    /// GPS points written.
    pub gps_points: u64,
    /// Per stream written: key, samples written and the SCAL chosen.
    pub written: Vec<(String, u64, i32)>,
    /// Keys of streams GPMF output has no layout for (see `gpmf::SENSOR_LAYOUTS`).
    pub unsupported: Vec<String>,
    /// Samples of written streams outside the video (or without a media time).
    pub left_out: u64,
}

/// Builds the track for a video of `duration` seconds from `points`, which carry media times on
/// the `options.rate_hz` grid (as `telemux_read::track::resample` makes them).
pub fn build(
    points: &[GpsPoint],
    duration: f64,
    options: &TrackOptions,
) -> Result<TelemetryTrack, TrackError> {
    Ok(build_with_sensors(points, &[], duration, options)?.track)
}

/// [`build`] plus the samples of `sensors` (media times in seconds) in the same payloads.
/// Points may come in any order; of several in one slot of the rate grid the last is written.
pub fn build_with_sensors(
    points: &[GpsPoint],
    sensors: &[SensorStream],
    duration: f64,
    options: &TrackOptions,
) -> Result<SensorTrack, TrackError> {
    let slots = slot_count(duration, options.rate_hz)?;
    // The slot of each point and its index, 16 bytes a point, in slot order; the stable sort
    // keeps the input order among points of one slot.
    let mut order: Vec<(usize, usize)> = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| Some((slot_of(p, options.rate_hz, slots)?, i)))
        .collect();
    order.sort_by_key(|&(slot, _)| slot);
    let mut slotted = order.into_iter().map(|(slot, i)| (slot, points[i].clone()));
    Gpmf.build(&mut slotted, slots, sensors, options)
}

/// [`build_with_sensors`] for points in media-time order, as `resample_lazily` makes them:
/// each is encoded as it comes, so memory holds the payloads written, not the points (an
/// hour at 1000 Hz is 3.6 million points). A point earlier than one already taken is left out.
pub fn build_streamed(
    points: impl IntoIterator<Item = GpsPoint>,
    sensors: &[SensorStream],
    duration: f64,
    options: &TrackOptions,
) -> Result<SensorTrack, TrackError> {
    build_format(&Gpmf, points, sensors, duration, options)
}

/// [`build_streamed`] for a track of `format`.
pub fn build_format(
    format: &dyn TrackFormat,
    points: impl IntoIterator<Item = GpsPoint>,
    sensors: &[SensorStream],
    duration: f64,
    options: &TrackOptions,
) -> Result<SensorTrack, TrackError> {
    let slots = slot_count(duration, options.rate_hz)?;
    let rate = options.rate_hz;
    let mut slotted = points
        .into_iter()
        .filter_map(|p| Some((slot_of(&p, rate, slots)?, p)));
    format.build(&mut slotted, slots, sensors, options)
}

/// Slots of the rate grid in `duration`, refused when the timing makes no track.
fn slot_count(duration: f64, rate: f64) -> Result<usize, TrackError> {
    let slots = (duration * rate - 1e-9).ceil();
    if !((0.1..=1000.0).contains(&rate) && slots >= 1.0 && slots <= MAX_SLOTS as f64) {
        return Err(TrackError::BadTiming { rate, duration });
    }
    Ok(slots as usize)
}

/// The grid slot of a point's media time, if it is inside the video.
fn slot_of(p: &GpsPoint, rate: f64, slots: usize) -> Option<usize> {
    let k = (p.media_time? * rate).round();
    (k >= 0.0 && (k as usize) < slots).then_some(k as usize)
}

/// A point without fix information is written as a fix: 3D with altitude, else 2D (readers
/// such as Mapillary keep only 2D/3D fixes); one without DOP gets `dop`.
pub(crate) fn with_defaults(mut p: GpsPoint, dop: f64) -> GpsPoint {
    p.dop = p.dop.or(Some(dop));
    if p.fix.is_none() {
        p.fix = Some(if p.altitude.is_some() {
            Fix::ThreeD
        } else {
            Fix::TwoD
        });
    }
    p
}

#[cfg(test)]
mod gap_tests {
    use telemux_read::gpmf;

    use super::*;

    #[test]
    fn a_gap_gets_payloads_without_gps_and_splits_the_seconds_it_touches() {
        // 3 s at 2 Hz: fixes at 0.0, 0.5 and 2.5 s; 1.0–2.0 s has none.
        let points: Vec<GpsPoint> = [0.0, 0.5, 2.5]
            .iter()
            .map(|&t| GpsPoint {
                media_time: Some(t),
                time: Some(
                    time::macros::datetime!(2024-05-01 10:00 UTC) + time::Duration::seconds_f64(t),
                ),
                ..GpsPoint::new(45.0, 7.0)
            })
            .collect();
        let options = TrackOptions {
            rate_hz: 2.0,
            device_name: "test".into(),
            gps9: false,
            altitude_ref: AltitudeRef::MeanSeaLevel,
            default_dop: DEFAULT_DOP,
        };
        let track = build(&points, 3.0, &options).unwrap();
        assert_eq!(track.durations_ms, [1000, 1000, 500, 500]);
        let streams: Vec<usize> = track
            .samples
            .iter()
            .map(|p| gpmf::payload(p).unwrap().devices[0].streams.len())
            .collect();
        assert_eq!(streams, [1, 0, 0, 1]);

        // Streamed, the same points make the same bytes; a point behind one already taken
        // (1.0 s after 2.5 s) is left out rather than reordered.
        let streamed = build_streamed(points.clone(), &[], 3.0, &options).unwrap();
        assert_eq!(streamed.track, track);
        assert_eq!(streamed.gps_points, 3);
        let mut late = points.clone();
        late.push(GpsPoint {
            media_time: Some(1.0),
            ..points[0].clone()
        });
        let streamed = build_streamed(late.clone(), &[], 3.0, &options).unwrap();
        assert_eq!((streamed.track, streamed.gps_points), (track, 3));
        // Given as a slice, order does not matter: the late point fills its slot.
        let sorted = build_with_sensors(&late, &[], 3.0, &options).unwrap();
        assert_eq!(sorted.gps_points, 4);
        assert_eq!(sorted.track.durations_ms, [1000, 500, 500, 500, 500]);
    }
}
