//! `--street-view`: the checks behind the reasons Street View's Publish API gives for
//! rejecting a video (`ProcessingFailureReason`): INSUFFICIENT_GPS, GPS_DATA_GAP,
//! NO_OVERLAP_GPS, INVALID_GPS, JUMPY_GPS and INVALID_CAPTURE_TIME, plus the camera make and
//! model its video spec asks for in `moov/udta`.

use time::OffsetDateTime;

use crate::model::{Fix, GpsPoint, Telemetry};
use crate::mp4::UserData;
use crate::track::find_jumps;

use super::report::{Check, Section, Status};
use super::telemetry::pairs;
use super::time::{seconds, show, span, track_times};

const SECTION: Section = Section::StreetView;

/// Street View needs more than this many GPS points (INSUFFICIENT_GPS).
const MIN_POINTS: usize = 10;
/// Longest gap Street View accepts (GPS_DATA_GAP), seconds.
const MAX_GAP_SECONDS: f64 = 5.0;
/// GPS clocks are right to the second; allow a minute for the computer's clock.
const FUTURE_TOLERANCE_SECONDS: f64 = 60.0;
/// `mvhd` times are often local, up to UTC+14.
const LOCAL_TIME_AHEAD_SECONDS: f64 = 14.0 * 3600.0;

/// What the Street View checks need to know about the movie.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Movie {
    /// `mvhd` creation time read as UTC; `None` when unset (0).
    pub created: Option<OffsetDateTime>,
    /// Seconds.
    pub duration: Option<f64>,
}

/// The thresholds and the clock the checks use.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Implied speed between consecutive points above which the track jumps, m/s.
    pub max_speed: f64,
    /// The current time, for INVALID_CAPTURE_TIME.
    pub now: OffsetDateTime,
}

pub fn checks(
    telemetry: Option<&Telemetry>,
    movie: &Movie,
    user_data: Option<UserData<'_>>,
    limits: &Limits,
) -> Vec<Check> {
    let points: &[GpsPoint] = telemetry.map_or(&[], |t| t.gps.as_slice());
    vec![
        point_count(points),
        gap(points, movie),
        time_overlap(points, movie),
        null_island(points),
        jumps(points, limits.max_speed),
        capture_time(points, movie, limits.now),
        make_model(user_data),
    ]
}

fn skipped(id: &'static str, why: &str) -> Check {
    Check::new(id, SECTION, Status::Skip, why)
}

fn point_count(points: &[GpsPoint]) -> Check {
    const ID: &str = "sv_gps_points";
    let usable = points.iter().filter(|p| p.fix != Some(Fix::None)).count();
    let without_fix = points.len() - usable;
    let note = if without_fix > 0 {
        format!(" (and {without_fix} without a fix)")
    } else {
        String::new()
    };
    let (status, verdict) = if usable > MIN_POINTS {
        (Status::Pass, "")
    } else {
        (
            Status::Fail,
            "; Street View needs more than 10 (INSUFFICIENT_GPS)",
        )
    };
    Check::new(
        ID,
        SECTION,
        status,
        format!("{usable} GPS points{note}{verdict}"),
    )
    .with_value(usable)
}

fn gap(points: &[GpsPoint], movie: &Movie) -> Check {
    const ID: &str = "sv_gps_gap";
    let Some(mut times) = track_times(points).filter(|t| !t.is_empty()) else {
        return skipped(ID, "no timed GPS points");
    };
    times.sort_by(f64::total_cmp);
    let on_video = points.iter().all(|p| p.media_time.is_some());
    // UTC times are shown from the first point: seconds since 1970 say nothing.
    let (origin, axis) = match times.first() {
        Some(&first) if !on_video => (first, " into the track"),
        _ => (0.0, ""),
    };
    let mut spans: Vec<(f64, String)> = pairs(&times)
        .map(|(a, b)| {
            let (from, to) = (a - origin, b - origin);
            (
                b - a,
                format!("between GPS times {from:.2} s and {to:.2} s{axis}"),
            )
        })
        .collect();
    if let (true, Some(first), Some(last)) = (on_video, times.first(), times.last()) {
        spans.push((
            *first,
            format!("from the video's start to the first point at {first:.2} s"),
        ));
        if let Some(duration) = movie.duration {
            spans.push((
                duration - last,
                format!("from the last point at {last:.2} s to the video's end at {duration:.2} s"),
            ));
        }
    }
    let Some((longest, place)) = spans.into_iter().max_by(|a, b| a.0.total_cmp(&b.0)) else {
        return skipped(ID, "a single GPS point");
    };
    let status = Status::Fail.when(longest > MAX_GAP_SECONDS);
    let verdict = if status == Status::Fail {
        " (GPS_DATA_GAP)"
    } else {
        ""
    };
    Check::new(
        ID,
        SECTION,
        status,
        format!(
            "longest gap {longest:.2} s {place}; Street View allows {MAX_GAP_SECONDS} s{verdict}"
        ),
    )
    .with_value(longest)
}

fn time_overlap(points: &[GpsPoint], movie: &Movie) -> Check {
    const ID: &str = "sv_time_overlap";
    let mut utc = points.iter().filter_map(|p| p.time);
    let Some(first) = utc.next() else {
        return skipped(ID, "GPS points carry no UTC time");
    };
    let (gps_start, gps_end) = utc.fold((first, first), |(lo, hi), t| (lo.min(t), hi.max(t)));
    let Some(created) = movie.created else {
        return skipped(ID, "mvhd has no creation time");
    };
    let video_start = seconds(created);
    let video_end = video_start + movie.duration.unwrap_or(0.0);
    let (gps_start, gps_end) = (seconds(gps_start), seconds(gps_end));
    let offset = gps_start - video_start;
    let overlap = gps_end.min(video_end) - gps_start.max(video_start);
    let relation = format!(
        "GPS starts {} {} the mvhd creation time {}",
        span(offset.abs()),
        if offset < 0.0 { "before" } else { "after" },
        show(created)
    );
    if overlap >= 0.0 {
        return Check::new(
            ID,
            SECTION,
            Status::Pass,
            format!("GPS and video overlap for {overlap:.2} s; {relation}"),
        )
        .with_value(offset);
    }
    match local_time_zone(offset) {
        Some(zone) => Check::new(
            ID,
            SECTION,
            Status::Warn,
            format!(
                "no overlap as written: {relation}, which looks like local time at {zone}; \
                 Street View may reject it (NO_OVERLAP_GPS)"
            ),
        )
        .with_value(offset),
        None => Check::new(
            ID,
            SECTION,
            Status::Fail,
            format!("GPS and video times do not overlap: {relation} (NO_OVERLAP_GPS)"),
        )
        .with_value(offset),
    }
}

/// `UTC-8:00` when `offset` (GPS start minus `mvhd` creation time, seconds) is within five
/// minutes of a nonzero whole quarter hour up to 14 h: the camera wrote local time.
fn local_time_zone(offset: f64) -> Option<String> {
    const QUARTER_HOUR: f64 = 900.0;
    const SLACK: f64 = 300.0;
    let quarters = (offset / QUARTER_HOUR).round();
    let zone_seconds = -quarters * QUARTER_HOUR;
    let plausible = quarters != 0.0
        && zone_seconds.abs() <= 14.0 * 3600.0
        && (offset - quarters * QUARTER_HOUR).abs() <= SLACK;
    plausible.then(|| {
        let minutes = (zone_seconds / 60.0).round() as i64;
        let sign = if minutes < 0 { '-' } else { '+' };
        format!("UTC{sign}{}:{:02}", minutes.abs() / 60, minutes.abs() % 60)
    })
}

fn null_island(points: &[GpsPoint]) -> Check {
    const ID: &str = "sv_null_island";
    let zero: Vec<usize> = points
        .iter()
        .enumerate()
        .filter(|(_, p)| p.latitude == 0.0 && p.longitude == 0.0)
        .map(|(i, _)| i)
        .collect();
    match zero.first() {
        _ if points.is_empty() => skipped(ID, "no GPS points"),
        None => Check::new(ID, SECTION, Status::Pass, "no GPS point at (0, 0)").with_value(0u64),
        Some(first) => Check::new(
            ID,
            SECTION,
            Status::Fail,
            format!(
                "{} of {} GPS points are at (0, 0), the first is point {first} (INVALID_GPS)",
                zero.len(),
                points.len()
            ),
        )
        .with_value(zero.len()),
    }
}

/// The jumps `extract --drop-outliers` would drop (`track::jumps`): one stray fix is one jump.
fn jumps(points: &[GpsPoint], max_speed: f64) -> Check {
    const ID: &str = "sv_jumps";
    let Some(found) = find_jumps(points, max_speed) else {
        return skipped(ID, "GPS points without times");
    };
    if points.len() < 2 {
        return skipped(ID, "fewer than two GPS points");
    }
    let fastest_text = found.fastest.map_or("-".to_string(), |f| format!("{f:.1}"));
    let check = match found.jumps.first() {
        None => Check::new(
            ID,
            SECTION,
            Status::Pass,
            format!("fastest implied speed {fastest_text} m/s, limit {max_speed} m/s"),
        ),
        Some(first) => {
            let how_fast = first
                .speed()
                .map_or("at the same time".to_string(), |s| format!("{s:.1} m/s"));
            let count = found.jumps.len();
            let noun = if count == 1 { "jump" } else { "jumps" };
            Check::new(
                ID,
                SECTION,
                Status::Fail,
                format!(
                    "{count} {noun} faster than {max_speed} m/s; first: {:.1} m in {:.3} s \
                     ({how_fast}) from point {} to {} (JUMPY_GPS)",
                    first.metres, first.seconds, first.from, first.to
                ),
            )
        }
    };
    match found.fastest {
        Some(f) => check.with_value(f),
        None => check,
    }
}

fn capture_time(points: &[GpsPoint], movie: &Movie, now: OffsetDateTime) -> Check {
    const ID: &str = "sv_capture_time";
    let now_s = seconds(now);
    let latest_gps = points.iter().filter_map(|p| p.time).max();
    if let Some(latest) = latest_gps {
        let ahead = seconds(latest) - now_s;
        if ahead > FUTURE_TOLERANCE_SECONDS {
            return Check::new(
                ID,
                SECTION,
                Status::Fail,
                format!(
                    "GPS time {} UTC is {} in the future (INVALID_CAPTURE_TIME)",
                    show(latest),
                    span(ahead)
                ),
            )
            .with_value(ahead);
        }
    }
    if let Some(created) = movie.created {
        let ahead = seconds(created) - now_s;
        if ahead > LOCAL_TIME_AHEAD_SECONDS {
            return Check::new(
                ID,
                SECTION,
                Status::Fail,
                format!(
                    "mvhd creation time {} is {} in the future, more than any time zone \
                     explains (INVALID_CAPTURE_TIME)",
                    show(created),
                    span(ahead)
                ),
            )
            .with_value(ahead);
        }
    }
    let (what, when) = match (latest_gps, movie.created) {
        (Some(t), _) => ("GPS time", t),
        (None, Some(t)) => ("mvhd creation time", t),
        (None, None) => return skipped(ID, "neither GPS nor mvhd gives a capture time"),
    };
    let ahead = seconds(when) - now_s;
    Check::new(
        ID,
        SECTION,
        Status::Pass,
        format!("latest {what} {} is in the past", show(when)),
    )
    .with_value(ahead)
}

fn make_model(user_data: Option<UserData<'_>>) -> Check {
    const ID: &str = "sv_make_model";
    let find = |kind: &[u8; 4]| {
        user_data.and_then(|udta| {
            udta.items()
                .find(|(node, _)| node.kind().as_bytes() == kind)
                .map(|(_, body)| user_text(body))
        })
    };
    let pairs = [
        (b"\xa9mak", b"\xa9mod", "©mak/©mod"),
        (b"manu", b"modl", "manu/modl"),
    ];
    for (make_key, model_key, names) in pairs {
        if let (Some(make), Some(model)) = (find(make_key), find(model_key)) {
            return Check::new(
                ID,
                SECTION,
                Status::Pass,
                format!("make {make:?}, model {model:?} in moov/udta {names}"),
            )
            .with_value(format!("{make} {model}"));
        }
    }
    Check::new(
        ID,
        SECTION,
        Status::Warn,
        "no camera make and model in moov/udta (©mak/©mod or manu/modl), which Street View \
         strongly recommends",
    )
}

/// A QuickTime user-data text (16-bit length, 16-bit language, text) or a plain string.
fn user_text(body: &[u8]) -> String {
    let quicktime = body
        .get(..2)
        .and_then(|len| <[u8; 2]>::try_from(len).ok())
        .map(|len| usize::from(u16::from_be_bytes(len)))
        .and_then(|len| body.get(4..4 + len));
    let text = quicktime.unwrap_or(body);
    String::from_utf8_lossy(text)
        .trim_end_matches('\0')
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_near_whole_quarter_hours_read_as_time_zones() {
        assert_eq!(local_time_zone(28_782.0).as_deref(), Some("UTC-8:00"));
        assert_eq!(local_time_zone(-3_600.0).as_deref(), Some("UTC+1:00"));
        assert_eq!(
            local_time_zone(-19_800.0 + 120.0).as_deref(),
            Some("UTC+5:30")
        );
        assert_eq!(local_time_zone(-45_900.0).as_deref(), Some("UTC+12:45"));
        // Not a zone: under 7.5 min, too far from a quarter hour, or beyond 14 h.
        assert_eq!(local_time_zone(200.0), None);
        assert_eq!(local_time_zone(3_600.0 + 450.0), None);
        assert_eq!(local_time_zone(15.0 * 3_600.0), None);
    }

    #[test]
    fn sv_jumps_reports_the_points_extract_drops() {
        // A 10 m/s drive with a stray fix 1.1 km off at point 5 and a bad first point. Before
        // track::jumps, sv_jumps counted 3 jumps here (0→1, 4→5, 5→6) while
        // `extract --drop-outliers` dropped 2 points (0 and 5).
        let mut points: Vec<GpsPoint> = (0..10)
            .map(|i| GpsPoint {
                media_time: Some(f64::from(i)),
                ..GpsPoint::new(45.0 + 0.00009 * f64::from(i), 7.0)
            })
            .collect();
        points[0].latitude = 44.0;
        points[5].latitude += 0.01;
        let check = jumps(&points, 150.0);
        assert_eq!(check.status, Status::Fail);
        assert!(
            check
                .message
                .starts_with("2 jumps faster than 150 m/s; first: "),
            "{}",
            check.message
        );
        let filters = crate::track::Filters {
            max_speed: Some(150.0),
            ..Default::default()
        };
        let (kept, report) = filters.apply(points.clone());
        assert_eq!(report.outliers, 2);
        let dropped: Vec<usize> = (0..points.len())
            .filter(|&i| !kept.contains(&points[i]))
            .collect();
        assert_eq!(dropped, [0, 5]);
    }

    #[test]
    fn user_data_text_in_quicktime_or_plain_form() {
        assert_eq!(user_text(b"\x00\x05\x55\xc4GoPro"), "GoPro");
        assert_eq!(user_text(b"Insta360\0"), "Insta360");
        // "Go" read as a length is far longer than the box: plain text.
        assert_eq!(user_text(b"GoPro"), "GoPro");
    }
}
