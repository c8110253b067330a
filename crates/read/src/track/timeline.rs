//! One time axis per track, so filters can compute implied speeds whether points carry UTC
//! times (GPX, GPS9, dashcams) or only media times (GPS5 payloads without GPSU).

use time::OffsetDateTime;

use crate::model::GpsPoint;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Axis {
    Utc,
    Media,
}

impl Axis {
    /// UTC when every point has a time, else media time when every point has one.
    pub(crate) fn of(points: &[GpsPoint]) -> Option<Axis> {
        if points.iter().all(|p| p.time.is_some()) {
            Some(Axis::Utc)
        } else if points.iter().all(|p| p.media_time.is_some()) {
            Some(Axis::Media)
        } else {
            None
        }
    }

    pub(crate) fn seconds(self, p: &GpsPoint) -> Option<f64> {
        match self {
            Axis::Utc => p.time.map(unix_seconds),
            Axis::Media => p.media_time,
        }
    }
}

/// Seconds since the Unix epoch with sub-second precision (f64 keeps ~0.1 µs for today's dates).
pub(crate) fn unix_seconds(t: OffsetDateTime) -> f64 {
    t.unix_timestamp() as f64 + f64::from(t.nanosecond()) * 1e-9
}
