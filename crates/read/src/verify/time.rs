//! Times in messages, and the one time axis a GPS track is measured on.

use time::OffsetDateTime;

use crate::model::GpsPoint;
use crate::track::timeline::{unix_seconds, Axis};

/// `2019-11-18 15:45:32.250`, without a zone: `mvhd` times may be local.
pub fn show(t: OffsetDateTime) -> String {
    let millis = t.millisecond();
    let base = format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    if millis == 0 {
        base
    } else {
        format!("{base}.{millis:03}")
    }
}

/// `7 h 59 min 42 s`, `3 min 5 s`, `12.5 s`, with a sign for negative spans.
pub fn span(seconds: f64) -> String {
    let sign = if seconds < 0.0 { "-" } else { "" };
    let s = seconds.abs();
    if s < 60.0 {
        return format!("{sign}{s:.1} s");
    }
    let whole = s.round() as u64;
    let (h, m, sec) = (whole / 3600, whole / 60 % 60, whole % 60);
    if h > 0 {
        format!("{sign}{h} h {m} min {sec} s")
    } else {
        format!("{sign}{m} min {sec} s")
    }
}

/// Seconds since the Unix epoch.
pub fn seconds(t: OffsetDateTime) -> f64 {
    unix_seconds(t)
}

/// The times of `points` in seconds on one axis: the video's timeline when every point has a
/// media time (what coverage and gaps of a video mean), else UTC when every point has one.
pub fn track_times(points: &[GpsPoint]) -> Option<Vec<f64>> {
    let axis = if points.iter().all(|p| p.media_time.is_some()) {
        Axis::Media
    } else if points.iter().all(|p| p.time.is_some()) {
        Axis::Utc
    } else {
        return None;
    };
    points.iter().map(|p| axis.seconds(p)).collect()
}
