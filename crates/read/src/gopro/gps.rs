//! GPS points from the GPS9, GPS5 and GPRI streams of GPMF payloads.

use time::{Duration, OffsetDateTime};

use super::Span;
use crate::gpmf::{self, gps9_time, keys, Stream};
use crate::model::{Fix, GpsPoint};

/// The stream GPS points were taken from, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum GpsSource {
    Gps9,
    Gps5,
    Gpri,
}

impl GpsSource {
    pub fn key(self) -> &'static str {
        match self {
            GpsSource::Gps9 => "GPS9",
            GpsSource::Gps5 => "GPS5",
            GpsSource::Gpri => "GPRI",
        }
    }
}

#[derive(Debug, Default)]
pub(super) struct GpsCollector {
    points: Vec<GpsPoint>,
    sources: Vec<GpsSource>,
}

/// The GPS of one payload, per source, until the payload is known to decode.
#[derive(Debug, Default)]
pub(super) struct PayloadGps {
    found: Vec<(GpsSource, Vec<GpsPoint>)>,
}

impl GpsCollector {
    pub(super) fn payload(&self) -> PayloadGps {
        PayloadGps::default()
    }

    /// Keeps the best source of the payload, so a payload with GPS5 and GPS9 of the same fixes
    /// yields each fix once.
    pub(super) fn keep(&mut self, payload: PayloadGps) {
        if let Some((source, points)) = payload.found.into_iter().min_by_key(|(s, _)| *s) {
            self.sources.push(source);
            self.points.extend(points);
        }
    }

    /// The points, and the source most payloads used.
    pub(super) fn finish(self) -> (Vec<GpsPoint>, Option<GpsSource>) {
        let best = [GpsSource::Gps9, GpsSource::Gps5, GpsSource::Gpri]
            .into_iter()
            .max_by_key(|s| self.sources.iter().filter(|x| *x == s).count())
            .filter(|_| !self.sources.is_empty());
        (self.points, best)
    }
}

impl PayloadGps {
    /// Takes `stream` if it holds GPS; returns whether it did.
    pub(super) fn offer(&mut self, stream: &Stream<'_>, span: Span) -> Result<bool, gpmf::Error> {
        let source = match stream.key {
            Some(k) if k == keys::GPS9 => GpsSource::Gps9,
            Some(k) if k == keys::GPS5 => GpsSource::Gps5,
            Some(k) if k == keys::GPRI => GpsSource::Gpri,
            _ => return Ok(false),
        };
        let values = stream.scaled()?;
        let width = stream.elements()?.unwrap_or(1).max(1);
        let n = values.len() / width;
        let gpsu = stream.gps_time().transpose()?;
        let fix = stream.gps_fix.map(|f| Fix::from_code(f as u32));
        let dop = stream
            .gps_precision
            .and_then(|p| dop_from_precision(p as f64));
        let points = values
            .chunks_exact(width)
            .enumerate()
            .filter_map(|(i, v)| {
                let media_time = span.at(i, n);
                let mut p = match source {
                    GpsSource::Gps9 => gps9_point(v)?,
                    GpsSource::Gps5 => gps5_point(v, fix, dop)?,
                    GpsSource::Gpri => gpri_point(v)?,
                };
                if p.time.is_none() && source == GpsSource::Gps5 {
                    // Checked: the span comes from the file's sample table (NaN, 136 years).
                    p.time = gpsu.and_then(|t| {
                        Duration::checked_seconds_f64(media_time - span.start)
                            .and_then(|d| t.checked_add(d))
                    });
                }
                p.media_time = Some(media_time);
                Some(p)
            })
            .collect();
        self.found.push((source, points));
        Ok(true)
    }
}

/// The DOP of a GPSP-style value (DOP × 100); `None` for the camera's "unknown".
fn dop_from_precision(precision: f64) -> Option<f64> {
    (precision.round() != f64::from(gpmf::UNKNOWN_PRECISION)).then_some(precision / 100.0)
}

/// lat, lon, alt, 2D speed, 3D speed.
fn gps5_point(v: &[f64], fix: Option<Fix>, dop: Option<f64>) -> Option<GpsPoint> {
    let [lat, lon, alt, s2, s3] = *v.get(..5)? else {
        return None;
    };
    Some(GpsPoint {
        altitude: Some(alt),
        speed_2d: Some(s2),
        speed_3d: Some(s3),
        fix,
        dop,
        ..GpsPoint::new(lat, lon)
    })
}

/// lat, lon, alt, 2D speed, 3D speed, days since 2000, seconds of the day, DOP, fix.
fn gps9_point(v: &[f64]) -> Option<GpsPoint> {
    let [lat, lon, alt, s2, s3, days, secs, dop, fix] = *v.get(..9)? else {
        return None;
    };
    let time: Option<OffsetDateTime> = (days >= 0.0 && secs >= 0.0)
        .then(|| gps9_time(days as u32, (secs * 1000.0).round() as u32))
        .flatten();
    Some(GpsPoint {
        time,
        altitude: Some(alt),
        speed_2d: Some(s2),
        speed_3d: Some(s3),
        fix: Some(Fix::from_code(fix as u32)),
        dop: dop_from_precision(dop * 100.0),
        ..GpsPoint::new(lat, lon)
    })
}

/// Karma: time since boot, lat, lon, alt, horizontal and vertical accuracy (m), speed, course,
/// fix, satellites. The time is not UTC, so points get only media times.
fn gpri_point(v: &[f64]) -> Option<GpsPoint> {
    let [_, lat, lon, alt, _, _, speed, course, fix, sats] = *v.get(..10)? else {
        return None;
    };
    Some(GpsPoint {
        altitude: Some(alt),
        speed_2d: Some(speed),
        course: Some(course),
        fix: Some(Fix::from_code(fix as u32)),
        satellites: Some(sats as u32),
        ..GpsPoint::new(lat, lon)
    })
}
