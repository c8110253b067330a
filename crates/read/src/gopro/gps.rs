//! GPS points from the GPS9, GPS5 and GPRI streams of GPMF payloads.

use time::OffsetDateTime;

use super::dating::{gps5_steps, offset, BootClock, Gps5Run};
use super::Span;
use crate::gpmf::{self, gps9_time, keys, Stream};
use crate::model::{Fix, GpsPoint};

/// The stream GPS points were taken from, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum GpsSource {
    /// `GPS9` (HERO11+): a time, DOP and fix per sample.
    Gps9,
    /// `GPS5`: one time, DOP and fix per payload.
    Gps5,
    /// `GPRI` (Karma drone): raw GPS with its own times.
    Gpri,
}

impl GpsSource {
    /// The stream's GPMF key.
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
    /// GPS5 payloads kept: their run, first point and each point's sample index.
    gps5: Vec<(Gps5Run, usize, Vec<usize>)>,
    /// GPRI points (index) and their seconds since boot.
    boot_times: Vec<(usize, f64)>,
    clock: BootClock,
}

/// How one payload's points of one source get their UTC times (see `dating`).
#[derive(Debug)]
enum Pending {
    /// GPS9: each sample carries its own.
    Own,
    /// GPS5: the run, and each point's sample index.
    Gps5(Gps5Run, Vec<usize>),
    /// GPRI: each point's seconds since boot.
    Boot(Vec<f64>),
}

/// The GPS of one payload, per source, until the payload is known to decode.
#[derive(Debug)]
pub(super) struct PayloadGps {
    payload: usize,
    found: Vec<(GpsSource, Vec<GpsPoint>, Pending)>,
    /// SYST (boot seconds, UTC seconds) pairs.
    clock: Vec<(f64, f64)>,
}

impl GpsCollector {
    /// A payload's GPS; `payload` counts every payload read, bad ones included.
    pub(super) fn payload(&self, payload: usize) -> PayloadGps {
        PayloadGps {
            payload,
            found: Vec::new(),
            clock: Vec::new(),
        }
    }

    /// Keeps the best source of the payload, so a payload with GPS5 and GPS9 of the same fixes
    /// yields each fix once.
    pub(super) fn keep(&mut self, payload: PayloadGps) {
        for (boot, unix) in payload.clock {
            self.clock.add(boot, unix);
        }
        let Some((source, points, pending)) = payload.found.into_iter().min_by_key(|(s, _, _)| *s)
        else {
            return;
        };
        let first = self.points.len();
        match pending {
            Pending::Own => {}
            Pending::Gps5(run, samples) => self.gps5.push((run, first, samples)),
            Pending::Boot(times) => self
                .boot_times
                .extend(times.into_iter().enumerate().map(|(i, t)| (first + i, t))),
        }
        self.sources.push(source);
        self.points.extend(points);
    }

    /// The points with their UTC times, and the source most payloads used.
    pub(super) fn finish(mut self) -> (Vec<GpsPoint>, Option<GpsSource>) {
        let runs: Vec<Gps5Run> = self.gps5.iter().map(|(run, _, _)| run.clone()).collect();
        for ((run, first, samples), step) in self.gps5.iter().zip(gps5_steps(&runs)) {
            let Some(gpsu) = run.gpsu else { continue };
            for (point, &sample) in self.points[*first..].iter_mut().zip(samples) {
                point.time = offset(gpsu, sample as f64 * step);
            }
        }
        self.clock.finish();
        for &(index, boot) in &self.boot_times {
            if let Some(point) = self.points.get_mut(index) {
                point.time = self.clock.utc(boot);
            }
        }
        let best = [GpsSource::Gps9, GpsSource::Gps5, GpsSource::Gpri]
            .into_iter()
            .max_by_key(|s| self.sources.iter().filter(|x| *x == s).count())
            .filter(|_| !self.sources.is_empty());
        (self.points, best)
    }
}

impl PayloadGps {
    /// Takes the Karma's SYST clock pairs (TYPE `JJ`: seconds since boot, UTC seconds).
    pub(super) fn offer_clock(&mut self, stream: &Stream<'_>) -> Result<(), gpmf::Error> {
        if stream.key != Some(keys::SYST) {
            return Ok(());
        }
        let values = stream.scaled()?;
        if stream.elements()? == Some(2) {
            self.clock
                .extend(values.chunks_exact(2).map(|pair| (pair[0], pair[1])));
        }
        Ok(())
    }

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
        let mut samples = Vec::new();
        let mut boot_times = Vec::new();
        let points = values
            .chunks_exact(width)
            .enumerate()
            .filter_map(|(i, v)| {
                let mut p = match source {
                    GpsSource::Gps9 => gps9_point(v)?,
                    GpsSource::Gps5 => gps5_point(v, fix, dop)?,
                    GpsSource::Gpri => {
                        let p = gpri_point(v)?;
                        boot_times.push(*v.first()?);
                        p
                    }
                };
                samples.push(i);
                p.media_time = Some(span.at(i, n));
                Some(p)
            })
            .collect();
        let pending = match source {
            GpsSource::Gps9 => Pending::Own,
            GpsSource::Gps5 => Pending::Gps5(
                Gps5Run {
                    payload: self.payload,
                    gpsu,
                    samples: n,
                    duration: span.duration,
                },
                samples,
            ),
            GpsSource::Gpri => Pending::Boot(boot_times),
        };
        self.found.push((source, points, pending));
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
/// fix, satellites. The time since boot becomes UTC through SYST (see `dating`).
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
