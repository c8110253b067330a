//! Telemetry checks on the shared model, so they hold for any source: which sources are
//! there, whether samples are in time order, and the GPS track's fix share, DOP, rate,
//! coverage of the video and gaps.

use crate::model::{Fix, Telemetry};

use super::boxes::and_more;
use super::report::{Check, Section, Status};
use super::sources::{Source, Suspect};
use super::time::{seconds, show, span, track_times};

const SECTION: Section = Section::Telemetry;

/// Fix share below which the track is worth a warning.
const MIN_FIX_PERCENT: f64 = 90.0;
/// GoPro calls a DOP under 5 a good fix (GPSP < 500).
const MAX_GOOD_DOP: f64 = 5.0;
/// Slower than this, a track is too coarse to place road imagery.
const MIN_RATE_HZ: f64 = 1.0;
/// Coverage of the video below which the track is worth a warning, percent.
const MIN_COVERAGE_PERCENT: f64 = 90.0;
/// An interval counts as a gap when longer than this and than 3 median intervals.
const MIN_GAP_SECONDS: f64 = 1.0;

/// `telemetry_sources`: what telemetry the file carries.
pub fn sources(sources: &[Source], suspects: &[Suspect]) -> Check {
    const ID: &str = "telemetry_sources";
    let described: Vec<String> = sources
        .iter()
        .map(|s| {
            let note = match &s.telemetry {
                Err(error) => format!("; unreadable: {error}"),
                Ok(t) => format!("; {} GPS points", t.gps.len()),
            };
            format!("{} at {} ({}{note})", s.format.name, s.location, s.extent)
        })
        .collect();
    let value = sources.len();
    if let Some(suspect) = suspects.first() {
        let mut message = format!("{}: {}", suspect.location, suspect.reason);
        if !described.is_empty() {
            message = format!("{}; found {}", message, described.join(", "));
        }
        return Check::new(ID, SECTION, Status::Warn, and_more(message, suspects.len()))
            .with_value(value);
    }
    if sources.is_empty() {
        return Check::new(
            ID,
            SECTION,
            Status::Warn,
            format!("no telemetry: {}", crate::source::looked_for()),
        )
        .with_value(value);
    }
    let status = Status::Warn.when(sources.iter().any(|s| s.telemetry.is_err()));
    Check::new(ID, SECTION, status, described.join(", ")).with_value(value)
}

/// The telemetry the checks look at: the first decoded source with GPS, else the first
/// decoded source.
pub fn primary(sources: &[Source]) -> Option<&Telemetry> {
    let decoded = || sources.iter().filter_map(|s| s.telemetry.as_ref().ok());
    decoded()
        .find(|t| !t.gps.is_empty())
        .or_else(|| decoded().next())
}

/// A check with nothing to look at.
fn skipped(id: &'static str, why: &str) -> Check {
    Check::new(id, SECTION, Status::Skip, why)
}

/// `sample_times`, `gps_fix`, `gps_dop`, `gps_rate`, `gps_coverage` and `gps_gaps` for the
/// telemetry (if any) of a video `duration` seconds long.
pub fn checks(telemetry: Option<&Telemetry>, duration: Option<f64>) -> Vec<Check> {
    let ids = [
        "sample_times",
        "gps_fix",
        "gps_dop",
        "gps_rate",
        "gps_coverage",
        "gps_gaps",
    ];
    let Some(telemetry) = telemetry else {
        return ids
            .iter()
            .map(|id| skipped(id, "no decoded telemetry"))
            .collect();
    };
    let mut checks = vec![sample_times(telemetry)];
    if telemetry.gps.is_empty() {
        checks.extend(ids.iter().skip(1).map(|id| skipped(id, "no GPS points")));
        return checks;
    }
    checks.extend([
        fix(telemetry),
        dop(telemetry),
        rate(telemetry),
        coverage(telemetry, duration),
        gaps(telemetry),
    ]);
    checks
}

fn sample_times(telemetry: &Telemetry) -> Check {
    const ID: &str = "sample_times";
    let mut first: Option<String> = None;
    let mut steps = 0usize;
    let mut note = |what: &str, index: usize, back: f64, from: String, to: String| {
        steps += 1;
        first.get_or_insert_with(|| {
            format!(
                "{what} goes back {} at sample {index} ({from} → {to})",
                span(back)
            )
        });
    };
    for (i, pair) in telemetry.gps.windows(2).enumerate() {
        let [a, b] = pair else { continue };
        if let (Some(ta), Some(tb)) = (a.time, b.time) {
            if tb < ta {
                let back = seconds(ta) - seconds(tb);
                note("GPS UTC time", i + 1, back, show(ta), show(tb));
            }
        }
        if let (Some(ta), Some(tb)) = (a.media_time, b.media_time) {
            if tb < ta {
                note(
                    "GPS media time",
                    i + 1,
                    ta - tb,
                    format!("{ta:.3} s"),
                    format!("{tb:.3} s"),
                );
            }
        }
    }
    for stream in &telemetry.sensors {
        for (i, pair) in stream.samples.windows(2).enumerate() {
            let [a, b] = pair else { continue };
            if let (Some(ta), Some(tb)) = (a.media_time, b.media_time) {
                if tb < ta {
                    let what = format!("{} media time", stream.key);
                    note(
                        &what,
                        i + 1,
                        ta - tb,
                        format!("{ta:.3} s"),
                        format!("{tb:.3} s"),
                    );
                }
            }
        }
    }
    let timed = telemetry
        .gps
        .iter()
        .any(|p| p.time.is_some() || p.media_time.is_some())
        || telemetry
            .sensors
            .iter()
            .any(|s| s.samples.iter().any(|x| x.media_time.is_some()));
    match first {
        Some(first) => {
            Check::new(ID, SECTION, Status::Fail, and_more(first, steps)).with_value(steps)
        }
        None if !timed => skipped(ID, "no sample carries a time"),
        None => Check::new(
            ID,
            SECTION,
            Status::Pass,
            format!(
                "{} GPS points and {} sensor streams in time order",
                telemetry.gps.len(),
                telemetry.sensors.len()
            ),
        )
        .with_value(0u64),
    }
}

fn fix(telemetry: &Telemetry) -> Check {
    const ID: &str = "gps_fix";
    let known: Vec<Fix> = telemetry.gps.iter().filter_map(|p| p.fix).collect();
    if known.is_empty() {
        return skipped(ID, "the source gives no fix quality");
    }
    let fixed = known.iter().filter(|f| **f != Fix::None).count();
    let percent = fixed as f64 * 100.0 / known.len() as f64;
    let message = format!(
        "{fixed} of {} GPS points have a 2D/3D fix ({percent:.1} %)",
        known.len()
    );
    // No fix at all is a camera that never locked (HERO6 tracks straight from the camera),
    // not a damaged file: a warning, like a low share.
    let status = Status::Warn.when(percent < MIN_FIX_PERCENT);
    Check::new(ID, SECTION, status, message).with_value(percent)
}

fn dop(telemetry: &Telemetry) -> Check {
    const ID: &str = "gps_dop";
    let mut dops: Vec<f64> = telemetry
        .gps
        .iter()
        .filter_map(|p| p.dop)
        .filter(|d| d.is_finite())
        .collect();
    let Some(median) = median(&mut dops) else {
        return skipped(ID, "the source gives no DOP");
    };
    let max = dops.iter().copied().fold(f64::MIN, f64::max);
    let status = Status::Warn.when(median > MAX_GOOD_DOP);
    Check::new(
        ID,
        SECTION,
        status,
        format!(
            "DOP median {median:.2}, max {max:.2} over {} points (good below {MAX_GOOD_DOP})",
            dops.len()
        ),
    )
    .with_value(median)
}

fn rate(telemetry: &Telemetry) -> Check {
    const ID: &str = "gps_rate";
    let Some(times) = track_times(&telemetry.gps) else {
        return skipped(ID, "GPS points without times");
    };
    let (Some(first), Some(last)) = (times.first(), times.last()) else {
        return skipped(ID, "no GPS points");
    };
    let seconds = last - first;
    if times.len() < 2 || seconds <= 0.0 {
        return skipped(ID, "fewer than two GPS times");
    }
    let hz = (times.len() - 1) as f64 / seconds;
    let status = Status::Warn.when(hz < MIN_RATE_HZ);
    Check::new(
        ID,
        SECTION,
        status,
        format!("{hz:.2} Hz: {} GPS points over {seconds:.3} s", times.len()),
    )
    .with_value(hz)
}

/// Intervals longer than this are gaps: at least `MIN_GAP_SECONDS`, and 3 times the usual
/// interval so a 1 Hz dashcam is not flagged for every second.
fn gap_threshold(intervals: &[f64]) -> f64 {
    let mut sorted = intervals.to_vec();
    median(&mut sorted).map_or(MIN_GAP_SECONDS, |m| (3.0 * m).max(MIN_GAP_SECONDS))
}

fn sorted_times(telemetry: &Telemetry) -> Option<Vec<f64>> {
    let mut times = track_times(&telemetry.gps)?;
    times.sort_by(f64::total_cmp);
    Some(times)
}

/// Consecutive pairs of times.
pub(crate) fn pairs(times: &[f64]) -> impl Iterator<Item = (f64, f64)> + '_ {
    times.iter().copied().zip(times.iter().copied().skip(1))
}

fn intervals(times: &[f64]) -> Vec<f64> {
    pairs(times).map(|(a, b)| b - a).collect()
}

fn coverage(telemetry: &Telemetry, duration: Option<f64>) -> Check {
    const ID: &str = "gps_coverage";
    let Some(duration) = duration.filter(|d| *d > 0.0) else {
        return skipped(ID, "the movie has no duration");
    };
    if telemetry.gps.iter().any(|p| p.media_time.is_none()) {
        return skipped(ID, "GPS points are not placed on the video's timeline");
    }
    let Some(times) = sorted_times(telemetry) else {
        return skipped(ID, "GPS points without times");
    };
    let steps = intervals(&times);
    let threshold = gap_threshold(&steps);
    let covered: f64 = pairs(&times)
        .filter(|(a, b)| b - a <= threshold)
        .map(|(a, b)| (b.min(duration) - a.max(0.0)).max(0.0))
        .sum();
    let percent = covered * 100.0 / duration;
    let status = if covered <= 0.0 {
        Status::Fail
    } else if percent < MIN_COVERAGE_PERCENT {
        Status::Warn
    } else {
        Status::Pass
    };
    Check::new(
        ID,
        SECTION,
        status,
        format!("GPS covers {covered:.2} s of the {duration:.2} s video ({percent:.1} %)"),
    )
    .with_value(percent)
}

fn gaps(telemetry: &Telemetry) -> Check {
    const ID: &str = "gps_gaps";
    let Some(times) = sorted_times(telemetry) else {
        return skipped(ID, "GPS points without times");
    };
    let steps = intervals(&times);
    let threshold = gap_threshold(&steps);
    let start = times.first().copied().unwrap_or_default();
    let mut gaps: Vec<(f64, f64)> = pairs(&times)
        .map(|(a, b)| (b - a, a - start))
        .filter(|(len, _)| *len > threshold)
        .collect();
    gaps.sort_by(|a, b| b.0.total_cmp(&a.0));
    let longest = steps.iter().copied().fold(0.0, f64::max);
    if gaps.is_empty() {
        return Check::new(
            ID,
            SECTION,
            Status::Pass,
            format!("no gap over {threshold:.2} s; longest interval {longest:.3} s"),
        )
        .with_value(longest);
    }
    let listed: Vec<String> = gaps
        .iter()
        .take(3)
        .map(|(len, at)| format!("{len:.2} s from {at:.2} s into the track"))
        .collect();
    Check::new(
        ID,
        SECTION,
        Status::Warn,
        format!(
            "{} gaps over {threshold:.2} s; longest {}",
            gaps.len(),
            listed.join(", ")
        ),
    )
    .with_value(longest)
}

/// The median, sorting `values` in place.
fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    match values.len() {
        0 => None,
        n if n % 2 == 1 => values.get(mid).copied(),
        _ => Some((values.get(mid - 1)? + values.get(mid)?) / 2.0),
    }
}
