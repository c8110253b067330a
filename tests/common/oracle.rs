//! What `inject` and `convert` must write for a track, computed by hand: the tests' oracle.
//! It never calls `telemux_read::track::resample` (a test that compares resample with itself
//! proves nothing), and is written for clarity, not speed: every grid time searches its two
//! bracketing fixes.
//!
//! The rules, as docs/formats.md and README state them:
//! - samples at media times k / rate for k = 0, 1, … inside the video (`t < duration`) and
//!   inside the track (first fix ≤ t ≤ last fix);
//! - of several fixes with the same time the first one counts (`gpx::merge_by_time`);
//! - a sample at a fix's time is that fix; between fixes a and b it is their linear
//!   interpolation, unless b comes more than `max_gap` seconds after a (no sample then);
//! - a value only one end has is taken from that end; speeds the ends do not both give are
//!   derived: 2D from the great-circle distance over the time between them, 3D from the 2D
//!   speed and the climb;
//! - the fix is the worse of the two, the DOP the larger; a sample without a fix is 3D when it
//!   has an altitude, else 2D; one without a DOP gets the default DOP (`--dop`, 4.0).
//!
//! GPS5 stores latitude and longitude in 1e-7 degrees, altitude in millimetres, the 2D speed
//! in mm/s and the 3D speed in cm/s (SCAL 1e7, 1e7, 1000, 1000, 100): read back, a value is at
//! most half a unit from the oracle's. [`GPS5_PRECISION`] holds those half units.

use telemux_read::{Fix, GpsPoint};
use time::{Duration, OffsetDateTime};

/// Half a GPS5 unit of latitude/longitude (degrees), altitude (m), 2D speed and 3D speed
/// (m/s), plus 1e-9 for the oracle's own rounding.
pub const GPS5_PRECISION: [f64; 5] = [
    0.5e-7 + 1e-9,
    0.5e-7 + 1e-9,
    0.5e-3 + 1e-9,
    0.5e-3 + 1e-9,
    0.5e-2 + 1e-9,
];

/// The sampling `inject` does: `--rate`, `--max-gap` and `--dop`.
#[derive(Debug, Clone, Copy)]
pub struct Grid {
    pub rate_hz: f64,
    pub max_gap: f64,
    pub default_dop: f64,
}

impl Default for Grid {
    fn default() -> Grid {
        Grid {
            rate_hz: 10.0,
            // `inject`'s default (`DEFAULT_MAX_GAP`).
            max_gap: 30.0,
            default_dop: 4.0,
        }
    }
}

/// IUGG mean Earth radius, metres, for the 2D speed implied by two positions.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// The samples of `fixes` (in time order) on a video starting at `start` and lasting
/// `duration` seconds, each with `media_time` (k / rate) and `time`. Fixes without a time are
/// ignored. Course is left out: GPS5 does not store it.
pub fn expected_samples(
    fixes: &[GpsPoint],
    start: OffsetDateTime,
    duration: f64,
    grid: Grid,
) -> Vec<GpsPoint> {
    // Seconds from the video's start, and the first fix of each time.
    let mut timed: Vec<(f64, &GpsPoint)> = Vec::new();
    for fix in fixes {
        let Some(time) = fix.time else { continue };
        let t = (time - start).as_seconds_f64();
        if timed.last().is_none_or(|&(last, _)| last != t) {
            timed.push((t, fix));
        }
    }
    let (Some(&(first, _)), Some(&(last, _))) = (timed.first(), timed.last()) else {
        return Vec::new();
    };
    let mut samples = Vec::new();
    for k in 0u64.. {
        let t = k as f64 / grid.rate_hz;
        if t >= duration || t > last {
            break;
        }
        if t < first {
            continue;
        }
        // The last fix at or before t, and the one after it.
        let after = timed
            .iter()
            .position(|&(ft, _)| ft > t)
            .unwrap_or(timed.len());
        let (ta, a) = timed[after - 1];
        let mut sample = if ta == t {
            a.clone()
        } else {
            let (tb, b) = timed[after];
            if tb - ta > grid.max_gap {
                continue;
            }
            between(a, b, (t - ta) / (tb - ta), tb - ta)
        };
        sample.course = None;
        sample.media_time = Some(t);
        sample.time = Some(start + Duration::seconds_f64(t));
        if sample.fix.is_none() {
            sample.fix = Some(if sample.altitude.is_some() {
                Fix::ThreeD
            } else {
                Fix::TwoD
            });
        }
        sample.dop = sample.dop.or(Some(grid.default_dop));
        samples.push(sample);
    }
    samples
}

/// The point a fraction `f` of the way from `a` to `b`, `dt` seconds apart. Longitudes are
/// interpolated as numbers: the tests keep tracks away from the antimeridian.
fn between(a: &GpsPoint, b: &GpsPoint, f: f64, dt: f64) -> GpsPoint {
    let lerp = |x: f64, y: f64| x + (y - x) * f;
    let speed_2d = both(a.speed_2d, b.speed_2d, lerp).unwrap_or(great_circle_m(a, b) / dt);
    let climb = both(a.altitude, b.altitude, |x, y| y - x).unwrap_or(0.0);
    let speed_3d = both(a.speed_3d, b.speed_3d, lerp)
        .unwrap_or((speed_2d * speed_2d + (climb / dt) * (climb / dt)).sqrt());
    GpsPoint {
        time: None,
        media_time: None,
        latitude: lerp(a.latitude, b.latitude),
        longitude: lerp(a.longitude, b.longitude),
        altitude: either(a.altitude, b.altitude, lerp),
        speed_2d: Some(speed_2d),
        speed_3d: Some(speed_3d),
        course: None,
        fix: either(a.fix, b.fix, Ord::min),
        dop: either(a.dop, b.dop, f64::max),
        satellites: either(a.satellites, b.satellites, Ord::min),
    }
}

/// `f` of the two values when both ends have one.
fn both<T>(x: Option<T>, y: Option<T>, f: impl FnOnce(T, T) -> T) -> Option<T> {
    Some(f(x?, y?))
}

/// `f` of the two values when both ends have one, else the one there is.
fn either<T>(x: Option<T>, y: Option<T>, f: impl FnOnce(T, T) -> T) -> Option<T> {
    match (x, y) {
        (Some(x), Some(y)) => Some(f(x, y)),
        (x, y) => x.or(y),
    }
}

/// Haversine distance in metres.
fn great_circle_m(a: &GpsPoint, b: &GpsPoint) -> f64 {
    let (p1, p2) = (a.latitude.to_radians(), b.latitude.to_radians());
    let dp = p2 - p1;
    let dl = (b.longitude - a.longitude).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().asin()
}
