//! Resampling a timed track onto a video's timeline at a fixed rate, the way `inject` needs
//! it: samples only where the track covers the video, linear interpolation between fixes, and
//! no bridging of gaps (a straight line across a tunnel is invented data).

use time::{Duration, OffsetDateTime};

use super::geo::{bearing_deg, distance_m};
use crate::model::GpsPoint;

/// How [`resample`] turns fixes into evenly spaced samples.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct ResampleOptions {
    /// Output samples per second.
    pub rate_hz: f64,
    /// Longest interval between two fixes that is interpolated across, seconds.
    pub max_gap: f64,
}

impl Default for ResampleOptions {
    fn default() -> ResampleOptions {
        ResampleOptions {
            rate_hz: 10.0,
            max_gap: 5.0,
        }
    }
}

/// A stretch of the video without samples because the track's fixes are too far apart.
/// Times are seconds from the video's start.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gap {
    /// Seconds from the video's start to the last sample before the gap.
    pub start: f64,
    /// Seconds from the video's start to the first sample after it.
    pub end: f64,
}

/// Everything [`resample`] makes.
#[derive(Debug, Clone, PartialEq)]
pub struct Resampled {
    /// Samples with both `time` (UTC) and `media_time` (seconds from the video's start).
    pub points: Vec<GpsPoint>,
    /// Gaps longer than `max_gap` inside the video, in time order.
    pub gaps: Vec<Gap>,
    /// Seconds of the video that have samples: the overlap of track and video minus gaps.
    pub covered: f64,
}

/// Resamples `points` onto `[start, start + duration)`. Points without a UTC time are ignored;
/// the others must be in time order. Of several points with the same time the first one is
/// used and the others are ignored, as `gpx::merge_by_time` does: a logger that stamps whole
/// seconds at more than 1 Hz stamps the first fix closest to its true time.
pub fn resample(
    points: &[GpsPoint],
    start: OffsetDateTime,
    duration: f64,
    options: &ResampleOptions,
) -> Resampled {
    let (coverage, samples) = resample_lazily(points, start, duration, options);
    Resampled {
        points: samples.collect(),
        gaps: coverage.gaps,
        covered: coverage.covered,
    }
}

/// What [`resample`] covers, known before any sample is made.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    /// Gaps longer than `max_gap` inside the video, in time order.
    pub gaps: Vec<Gap>,
    /// Seconds of the video that have samples: the overlap of track and video minus gaps.
    pub covered: f64,
}

/// [`resample`] with the samples made one at a time, in media-time order: a writer that
/// consumes them as they come holds none (an hour at 1000 Hz is 3.6 million samples).
pub fn resample_lazily<'a>(
    points: &'a [GpsPoint],
    start: OffsetDateTime,
    duration: f64,
    options: &ResampleOptions,
) -> (Coverage, Samples<'a>) {
    // Subtracted in whole nanoseconds: seconds since 1970 as f64 carry only 2.4e-7 s, which
    // made a 2D speed derived over 35 ms off by up to 3e-4 m/s at 40 m/s.
    let mut timed: Vec<(f64, &GpsPoint)> = points
        .iter()
        .filter_map(|p| p.time.map(|t| ((t - start).as_seconds_f64(), p)))
        .collect();
    // The first of equal times wins (see `resample`); the sampler then never sees a
    // zero-length interval.
    timed.dedup_by(|later, kept| later.0 == kept.0);
    let mut coverage = Coverage {
        gaps: gaps_inside(&timed, duration, options.max_gap),
        covered: 0.0,
    };
    let rate = options.rate_hz;
    let mut samples = Samples {
        timed: Vec::new(),
        start,
        rate,
        max_gap: options.max_gap,
        end: 0.0,
        duration,
        k: 0,
        i: 0,
    };
    let (Some(&(first, _)), Some(&(last, _))) = (timed.first(), timed.last()) else {
        return (coverage, samples);
    };
    if !(rate > 0.0 && rate.is_finite() && duration > 0.0 && duration.is_finite()) {
        return (coverage, samples);
    }
    let lo = first.max(0.0);
    let hi = last.min(duration);
    if lo > hi {
        return (coverage, samples);
    }
    // Gaps can cover all of it, and the subtraction then rounds to just below zero.
    let gaps: f64 = coverage.gaps.iter().map(|g| g.end - g.start).sum();
    coverage.covered = (hi - lo - gaps).max(0.0);
    samples.k = (lo * rate).ceil() as u64;
    samples.end = hi;
    samples.timed = timed;
    (coverage, samples)
}

/// The samples of [`resample_lazily`], at media times k / rate.
#[derive(Debug, Clone)]
pub struct Samples<'a> {
    /// The timed points with their seconds from the video's start; empty when nothing
    /// overlaps.
    timed: Vec<(f64, &'a GpsPoint)>,
    start: OffsetDateTime,
    rate: f64,
    max_gap: f64,
    /// The last second that can be sampled: the last fix or the video's end.
    end: f64,
    duration: f64,
    /// The next sample's index on the rate grid.
    k: u64,
    /// The fix at or before the next sample.
    i: usize,
}

impl Iterator for Samples<'_> {
    type Item = GpsPoint;

    fn next(&mut self) -> Option<GpsPoint> {
        loop {
            let t = self.k as f64 / self.rate;
            if self.timed.is_empty() || t > self.end || t >= self.duration {
                return None;
            }
            // t is at most the last point's time, so this fails only by rounding at the end
            // of year 9999; there is nothing after it to sample.
            let time = Duration::checked_seconds_f64(t).and_then(|d| self.start.checked_add(d))?;
            self.k += 1;
            let timed = &self.timed;
            while self.i + 1 < timed.len() && timed[self.i + 1].0 <= t {
                self.i += 1;
            }
            let (ta, a) = timed[self.i];
            let sample = match timed.get(self.i + 1) {
                Some(&(tb, _)) if tb - ta > self.max_gap && t > ta => None,
                Some(&(tb, b)) if tb > ta => Some(interpolate(a, b, (t - ta) / (tb - ta), tb - ta)),
                _ => Some(a.clone()),
            };
            if let Some(mut p) = sample {
                p.media_time = Some(t);
                p.time = Some(time);
                return Some(p);
            }
        }
    }
}

/// Intervals between consecutive fixes longer than `max_gap`, clipped to the video.
fn gaps_inside(timed: &[(f64, &GpsPoint)], duration: f64, max_gap: f64) -> Vec<Gap> {
    timed
        .windows(2)
        .filter(|w| w[1].0 - w[0].0 > max_gap)
        .map(|w| Gap {
            start: w[0].0.max(0.0),
            end: w[1].0.min(duration),
        })
        .filter(|g| g.end > g.start)
        .collect()
}

/// The point a fraction `f` of the way from `a` to `b`, which are `dt` seconds apart.
/// Speeds and course missing from the source are derived from the two positions.
fn interpolate(a: &GpsPoint, b: &GpsPoint, f: f64, dt: f64) -> GpsPoint {
    let lerp = |x: f64, y: f64| x + (y - x) * f;
    let both = |x: Option<f64>, y: Option<f64>| x.zip(y).map(|(x, y)| lerp(x, y));
    let mut dlon = b.longitude - a.longitude;
    if dlon > 180.0 {
        dlon -= 360.0;
    } else if dlon < -180.0 {
        dlon += 360.0;
    }
    let longitude = (a.longitude + dlon * f + 180.0).rem_euclid(360.0) - 180.0;
    let ground = distance_m(a, b);
    let climb = a.altitude.zip(b.altitude).map_or(0.0, |(x, y)| y - x);
    let speed_2d = both(a.speed_2d, b.speed_2d).unwrap_or(ground / dt);
    // From the 2D speed the source gave, when it gave one: positions may disagree with it
    // (phones snap or smooth them), and a 3D speed must never be below the 2D one.
    let speed_3d = both(a.speed_3d, b.speed_3d).unwrap_or(speed_2d.hypot(climb / dt));
    let course = match (a.course, b.course) {
        (Some(x), Some(y)) => {
            Some((x + ((y - x + 540.0).rem_euclid(360.0) - 180.0) * f).rem_euclid(360.0))
        }
        _ if ground > 0.0 => Some(bearing_deg(a, b)),
        _ => None,
    };
    GpsPoint {
        time: None,
        media_time: None,
        latitude: lerp(a.latitude, b.latitude),
        longitude,
        altitude: combine(a.altitude, b.altitude, lerp),
        speed_2d: Some(speed_2d),
        speed_3d: Some(speed_3d),
        course,
        // The interpolated fix is only as good as the worse of its two ends.
        fix: combine(a.fix, b.fix, Ord::min),
        dop: combine(a.dop, b.dop, f64::max),
        satellites: combine(a.satellites, b.satellites, Ord::min),
    }
}

/// `f` of both values when both ends have one, else whichever end has one.
fn combine<T>(a: Option<T>, b: Option<T>, f: impl FnOnce(T, T) -> T) -> Option<T> {
    match (a, b) {
        (Some(x), Some(y)) => Some(f(x, y)),
        (x, y) => x.or(y),
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const START: OffsetDateTime = datetime!(2024-05-01 10:00:00 UTC);

    fn fix(secs: f64, lat: f64, lon: f64, alt: f64) -> GpsPoint {
        GpsPoint {
            time: Some(START + Duration::seconds_f64(secs)),
            altitude: Some(alt),
            ..GpsPoint::new(lat, lon)
        }
    }

    #[test]
    fn interpolates_at_the_rate_and_derives_speed_and_course() {
        // Due north, 0.0005° (~55.6 m) in 5 s: 11.1 m/s, course 0°.
        let track = [fix(-1.0, 45.0, 7.0, 100.0), fix(4.0, 45.0005, 7.0, 105.0)];
        let out = resample(&track, START, 5.0, &ResampleOptions::default());
        assert_eq!(out.points.len(), 41);
        let p = &out.points[20];
        assert_eq!(p.media_time, Some(2.0));
        assert_eq!(p.time, Some(START + Duration::seconds(2)));
        assert!((p.latitude - 45.0003).abs() < 1e-12, "{}", p.latitude);
        assert!((p.altitude.unwrap() - 103.0).abs() < 1e-9);
        assert_eq!(out.points.last().unwrap().media_time, Some(4.0));
        assert!(
            (p.speed_2d.unwrap() - 11.119).abs() < 0.01,
            "{:?}",
            p.speed_2d
        );
        assert!(p.speed_3d.unwrap() > p.speed_2d.unwrap());
        assert!(p.course.unwrap() < 1e-6 || p.course.unwrap() > 359.999);
        assert_eq!(out.covered, 4.0);
        assert!(out.gaps.is_empty());
    }

    #[test]
    fn a_given_2d_speed_makes_the_3d_speed_not_the_positions() {
        // The positions say ~11.1 m/s; the source says 4 m/s over ground while climbing 1 m/s.
        let given = |secs, lat, alt| GpsPoint {
            speed_2d: Some(4.0),
            ..fix(secs, lat, 7.0, alt)
        };
        let track = [given(0.0, 45.0, 100.0), given(5.0, 45.0005, 105.0)];
        let out = resample(&track, START, 5.0, &ResampleOptions::default());
        let p = &out.points[20];
        assert_eq!(p.speed_2d, Some(4.0));
        assert!(
            (p.speed_3d.unwrap() - 17f64.sqrt()).abs() < 1e-12,
            "{:?}",
            p.speed_3d
        );
    }

    #[test]
    fn samples_only_where_the_track_covers_the_video() {
        let track = [fix(2.0, 1.0, 1.0, 0.0), fix(4.0, 1.0, 1.001, 0.0)];
        let out = resample(
            &track,
            START,
            10.0,
            &ResampleOptions {
                rate_hz: 2.0,
                max_gap: 5.0,
            },
        );
        let times: Vec<f64> = out.points.iter().map(|p| p.media_time.unwrap()).collect();
        assert_eq!(times, vec![2.0, 2.5, 3.0, 3.5, 4.0]);
        assert_eq!(out.covered, 2.0);
    }

    #[test]
    fn gaps_are_not_bridged_and_are_reported() {
        let track = [
            fix(0.0, 1.0, 1.0, 0.0),
            fix(1.0, 1.0, 1.0001, 0.0),
            fix(9.0, 1.0, 1.0009, 0.0),
            fix(10.0, 1.0, 1.001, 0.0),
        ];
        let out = resample(
            &track,
            START,
            10.0,
            &ResampleOptions {
                rate_hz: 1.0,
                max_gap: 5.0,
            },
        );
        let times: Vec<f64> = out.points.iter().map(|p| p.media_time.unwrap()).collect();
        assert_eq!(times, vec![0.0, 1.0, 9.0]);
        assert_eq!(
            out.gaps,
            vec![Gap {
                start: 1.0,
                end: 9.0
            }]
        );
        assert_eq!(out.covered, 2.0);
    }

    #[test]
    fn crosses_the_antimeridian_the_short_way() {
        let track = [fix(0.0, 0.0, 179.9, 0.0), fix(2.0, 0.0, -179.9, 0.0)];
        let out = resample(
            &track,
            START,
            2.0,
            &ResampleOptions {
                rate_hz: 1.0,
                max_gap: 5.0,
            },
        );
        assert_eq!(out.points.len(), 2);
        let lon = out.points[1].longitude;
        assert!((lon.abs() - 180.0).abs() < 1e-9, "{lon}");
        assert!((out.points[1].course.unwrap() - 90.0).abs() < 1e-6);
    }

    #[test]
    fn the_first_of_equal_times_wins() {
        let track = [
            fix(0.0, 1.0, 1.0, 0.0),
            fix(2.0, 2.0, 1.0, 0.0),
            fix(2.0, 3.0, 1.0, 0.0),
            fix(4.0, 4.0, 1.0, 0.0),
        ];
        let options = ResampleOptions {
            rate_hz: 1.0,
            max_gap: 5.0,
        };
        let out = resample(&track, START, 5.0, &options);
        let latitudes: Vec<f64> = out.points.iter().map(|p| p.latitude).collect();
        // At 2 s the first point of that second; at 3 s halfway from it to the one at 4 s.
        assert_eq!(latitudes, [1.0, 1.5, 2.0, 3.0, 4.0]);
    }

    #[test]
    fn gaps_over_the_whole_overlap_cover_nothing_not_less() {
        // Found by the property below: the overlap minus the gaps rounded to -1.8e-15.
        let at = |nanos: i64| GpsPoint {
            time: Some(START + Duration::nanoseconds(nanos)),
            ..GpsPoint::new(45.0, 7.0)
        };
        let track = [at(967_235_686), at(6_397_281_850), at(11_863_348_449)];
        let options = ResampleOptions {
            rate_hz: 0.5,
            max_gap: 5.0,
        };
        let out = resample(&track, START, 10.887515734392075, &options);
        assert_eq!(out.covered, 0.0);
        assert_eq!(out.gaps.len(), 2);
    }

    #[test]
    fn no_overlap_gives_no_samples() {
        let track = [fix(100.0, 1.0, 1.0, 0.0), fix(101.0, 1.0, 1.0, 0.0)];
        let out = resample(&track, START, 10.0, &ResampleOptions::default());
        assert!(out.points.is_empty());
        assert_eq!(out.covered, 0.0);
        let none = resample(&[], START, 10.0, &ResampleOptions::default());
        assert!(none.points.is_empty());
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;
    use time::macros::datetime;

    use super::*;

    const START: OffsetDateTime = datetime!(2024-05-01 10:00:00 UTC);

    /// Steps between fixes: mostly irregular, sometimes none at all (equal times).
    fn track() -> impl Strategy<Value = Vec<GpsPoint>> {
        let dt = prop_oneof![4 => 0.01f64..8.0, 1 => Just(0.0)];
        prop::collection::vec((dt, -0.01f64..0.01, -0.01f64..0.01), 1..40).prop_map(|steps| {
            let (mut t, mut lat, mut lon) = (-3.0, 45.0, 7.0);
            steps
                .into_iter()
                .map(|(dt, dlat, dlon)| {
                    t += dt;
                    lat += dlat;
                    lon += dlon;
                    GpsPoint {
                        time: Some(START + Duration::seconds_f64(t)),
                        ..GpsPoint::new(lat, lon)
                    }
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn samples_are_ordered_bounded_and_never_inside_a_gap(
            track in track(),
            duration in 0.5f64..60.0,
            rate in 0.5f64..25.0,
        ) {
            let opts = ResampleOptions { rate_hz: rate, max_gap: 5.0 };
            let out = resample(&track, START, duration, &opts);
            let (lat_lo, lat_hi) = track.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| {
                (lo.min(p.latitude), hi.max(p.latitude))
            });
            let mut last = f64::NEG_INFINITY;
            for p in &out.points {
                let t = p.media_time.unwrap();
                prop_assert!(t > last && t >= 0.0 && t < duration);
                last = t;
                prop_assert!(p.latitude >= lat_lo - 1e-9 && p.latitude <= lat_hi + 1e-9);
                prop_assert!(!out.gaps.iter().any(|g| t > g.start && t < g.end));
                let k = t * rate;
                prop_assert!((k - k.round()).abs() < 1e-6, "not on the rate grid: {}", t);
            }
            prop_assert!(out.covered >= 0.0 && out.covered <= duration + 1e-9);
            prop_assert!(out.points.len() as f64 <= out.covered * rate + 1.0 + out.gaps.len() as f64);
        }

        /// Fixes on a 100 ms grid at most 2 s apart (no gaps), a third of them repeating the
        /// previous time with another position: every repeated time is sampled, as the first
        /// fix of that time.
        #[test]
        fn the_first_of_equal_times_is_sampled(
            steps in prop::collection::vec((0u32..3, 0u32..20, -0.01f64..0.01), 2..40),
        ) {
            let (mut tenths, mut lat) = (0i64, 45.0);
            let track: Vec<GpsPoint> = steps
                .iter()
                .enumerate()
                .map(|(i, &(repeat, dt, dlat))| {
                    // From 0 s: a first fix a rounding error after its grid time is not sampled.
                    if repeat != 0 && i > 0 {
                        tenths += i64::from(dt) + 1;
                    }
                    lat += dlat;
                    GpsPoint {
                        time: Some(START + Duration::milliseconds(tenths * 100)),
                        ..GpsPoint::new(lat, 7.0)
                    }
                })
                .collect();
            let opts = ResampleOptions { rate_hz: 10.0, max_gap: 5.0 };
            let out = resample(&track, START, 100.0, &opts);
            let repeated: Vec<&GpsPoint> = track
                .windows(3)
                .filter(|w| w[0].time != w[1].time && w[1].time == w[2].time)
                .map(|w| &w[1])
                .chain(track.get(..2).filter(|w| w[0].time == w[1].time).map(|w| &w[0]))
                // The last time may fall a rounding error before its grid sample.
                .filter(|p| p.time != track.last().unwrap().time)
                .collect();
            for first in repeated {
                let at = first.time.unwrap();
                let near = |p: &&GpsPoint| (p.time.unwrap() - at).abs() < Duration::milliseconds(1);
                let sample = out.points.iter().find(near);
                prop_assert!(sample.is_some(), "{} not sampled", at);
                let got = sample.unwrap().latitude;
                prop_assert!((got - first.latitude).abs() < 1e-6,
                    "at {}: {} is not the first fix's {}", at, got, first.latitude);
            }
        }
    }
}
