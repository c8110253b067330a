//! How the video's start was decided, in words naming the flags (`--start`, `--sync`,
//! `--video-tz`, `--offset`): the CLI's side of `telemux_write::jobs::align`, and the parsers
//! of those flags' values.

use telemux_write::jobs::{AlignError, Aligned, Alignment, Retimed, Shift, StartedFrom};
use time::{OffsetDateTime, UtcOffset};

/// The sentence after "start from" in the report.
pub fn how(alignment: &Alignment) -> String {
    let mut how = match alignment.from {
        StartedFrom::Start => "--start".to_string(),
        StartedFrom::FirstPoint => "the first GPS point (--sync first-point)".to_string(),
        StartedFrom::CreationTimeUtc => "the video's creation time (mvhd, as UTC)".to_string(),
        StartedFrom::CreationTimeLocal(tz) => {
            format!("the video's creation time (mvhd, local time at UTC{tz})")
        }
        StartedFrom::DashcamNoCreationTime => {
            "the first GPS fix (the video has no creation time)".to_string()
        }
        StartedFrom::DashcamZone { zone, first_fix_at } => format!(
            "the video's creation time (mvhd), camera clock at UTC{zone} judging by the GPS; \
             the first GPS fix is at {first_fix_at:+} s of the video"
        ),
        StartedFrom::DashcamClockOff {
            creation,
            difference,
        } => format!(
            "the first GPS fix: the video's creation time (mvhd, read as UTC {}) is \
             {difference} s from it, which no time zone explains (use --sync creation-time \
             --video-tz to trust it)",
            rfc3339(creation)
        ),
        StartedFrom::CameraGps { fix, creation } => {
            let media_time = fix.media_time.unwrap_or_default();
            let mut how = format!(
                "the video's own GPS (--sync camera-gps): its fix at {} is {media_time:.3} s into \
                 the video",
                rfc3339(fix.time),
            );
            if let Some(creation) = creation {
                let start = fix.time - time::Duration::seconds_f64(media_time);
                let off = (creation - start).whole_seconds();
                how.push_str(&format!(
                    "; the creation time (mvhd, read as UTC) is {off:+} s from that start"
                ));
            }
            how
        }
        _ => "an anchor this version of telemux cannot name".to_string(),
    };
    if alignment.offset != 0.0 {
        how.push_str(&format!(" {:+} s (--offset)", alignment.offset));
    }
    how
}

/// Why no start could be decided, with the flag that changes it.
pub fn explain(error: &AlignError) -> String {
    match error {
        AlignError::NoTimedPoints => "--sync first-point: the track has no timed points".into(),
        AlignError::NoCreationTime => "the video has no creation time (mvhd is 0): give its \
                                       start with --start 2024-05-01T10:00:00Z, or use --sync \
                                       first-point"
            .into(),
        AlignError::NoCameraFix => "--sync camera-gps: the video carries no timed GPS fix of its \
                                    own (no GoPro GPSU or dashcam GPS with a fix); use --sync \
                                    creation-time with --video-tz, --start, or --sync first-point"
            .into(),
        AlignError::OffsetNotFinite { .. } => "--offset must be a number of seconds".into(),
        AlignError::PastDates {
            time,
            seconds,
            what,
        } => {
            let what = match what {
                Shift::VideoTz => "--video-tz",
                Shift::Offset => "--offset",
                Shift::Duration => "the video's duration (mvhd)",
                Shift::CameraZone => "the camera's time zone",
                Shift::MediaTime => "the media time of the video's own GPS fix",
                _ => "a shift",
            };
            format!(
                "{} {seconds:+} s ({what}) is past the dates telemux can hold (years -9999 to \
                 9999)",
                rfc3339(*time)
            )
        }
        // The others name no flag.
        other => other.to_string(),
    }
}

/// The line saying the creation times were rewritten (`--street-view`), with the camera's
/// zone when the alignment knows it.
pub fn retimed(retimed: &Retimed, aligned: Option<&Aligned>) -> String {
    let was = retimed
        .was
        .format(&time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second]"
        ))
        .unwrap_or_else(|_| retimed.was.to_string());
    let why = match aligned.map(|a| a.alignment.from) {
        Some(StartedFrom::CreationTimeLocal(zone) | StartedFrom::DashcamZone { zone, .. }) => {
            format!("local time at UTC{}", zone_text(zone))
        }
        _ => "as stored, the camera's clock".to_string(),
    };
    format!(
        "creation time rewritten to UTC: {} (was {was}, {why}); mvhd, tkhd and mdhd times \
         moved by {:+} s",
        rfc3339(retimed.now),
        retimed.shift
    )
}

/// `+02:00`, `-05:30`.
fn zone_text(zone: UtcOffset) -> String {
    let (h, m, _) = zone.as_hms();
    let sign = if zone.is_negative() { '-' } else { '+' };
    format!("{sign}{:02}:{:02}", h.abs(), m.abs())
}

pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

/// Parses `--video-tz`: `+02:00`, `-0530`, `Z`, or `UTC`.
pub fn parse_utc_offset(text: &str) -> Result<UtcOffset, String> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("z") || t.eq_ignore_ascii_case("utc") {
        return Ok(UtcOffset::UTC);
    }
    let (sign, rest) = match t.as_bytes().first() {
        Some(b'+') => (1, &t[1..]),
        Some(b'-') => (-1, &t[1..]),
        _ => {
            return Err(format!(
                "'{text}': expected an offset like +02:00 or -05:30"
            ))
        }
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    let (h, m) = match digits.len() {
        1 | 2 => (digits.as_str(), "0"),
        4 => digits.split_at(2),
        _ => {
            return Err(format!(
                "'{text}': expected an offset like +02:00 or -05:30"
            ))
        }
    };
    let (h, m): (i8, i8) = match (h.parse(), m.parse()) {
        (Ok(h), Ok(m)) if h <= 23 && m <= 59 => (h, m),
        _ => {
            return Err(format!(
                "'{text}': expected an offset like +02:00 or -05:30"
            ))
        }
    };
    UtcOffset::from_hms(sign * h, sign * m, 0).map_err(|e| format!("'{text}': {e}"))
}

/// Parses `--start`: an RFC 3339 time such as `2024-05-01T10:00:00Z` or `…+02:00`.
pub fn parse_time(text: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(text.trim(), &time::format_description::well_known::Rfc3339)
        .map_err(|e| format!("'{text}': {e} (expected e.g. 2024-05-01T10:00:00Z)"))
}

#[cfg(test)]
mod tests {
    use telemux_read::mp4::utc_to_mac_time;
    use telemux_write::jobs::{align, Anchor};
    use time::macros::{datetime, offset};

    use super::*;

    /// 2024-05-01 10:00:00 UTC in MP4 time.
    fn created() -> u64 {
        utc_to_mac_time(datetime!(2024-05-01 10:00:00 UTC)).unwrap()
    }

    fn how_aligned(
        anchor: Anchor,
        creation: u64,
        first: Option<OffsetDateTime>,
        offset: f64,
    ) -> String {
        how(&align(anchor, creation, first, offset, 12.0).unwrap())
    }

    fn why_not(
        anchor: Anchor,
        creation: u64,
        first: Option<OffsetDateTime>,
        offset: f64,
        duration: f64,
    ) -> String {
        explain(&align(anchor, creation, first, offset, duration).unwrap_err())
    }

    #[test]
    fn creation_time_as_utc_or_local() {
        let utc = Anchor::CreationTime { video_tz: None };
        assert_eq!(
            how_aligned(utc, created(), None, 0.0),
            "the video's creation time (mvhd, as UTC)"
        );
        let local = Anchor::CreationTime {
            video_tz: Some(offset!(+2)),
        };
        assert_eq!(
            how_aligned(local, created(), None, -1.5),
            "the video's creation time (mvhd, local time at UTC+02:00:00) -1.5 s (--offset)"
        );
    }

    #[test]
    fn start_and_first_point() {
        let t = datetime!(2024-05-01 12:00:00 UTC);
        assert_eq!(
            how_aligned(Anchor::Start(t), 0, None, 2.0),
            "--start +2 s (--offset)"
        );
        assert_eq!(
            how_aligned(Anchor::FirstPoint, 0, Some(t), 0.0),
            "the first GPS point (--sync first-point)"
        );
        assert_eq!(
            why_not(Anchor::FirstPoint, 0, None, 0.0, 12.0),
            "--sync first-point: the track has no timed points"
        );
    }

    #[test]
    fn dashcam_clips_trust_mvhd_up_to_a_time_zone() {
        let first = datetime!(2024-05-01 07:59:59 UTC);
        assert_eq!(
            how_aligned(Anchor::Dashcam, created(), Some(first), 0.0),
            "the video's creation time (mvhd), camera clock at UTC+02:00:00 judging by the GPS; \
             the first GPS fix is at -1 s of the video"
        );
        let off = datetime!(2024-05-01 09:50:00 UTC);
        assert_eq!(
            how_aligned(Anchor::Dashcam, created(), Some(off), 0.0),
            "the first GPS fix: the video's creation time (mvhd, read as UTC \
             2024-05-01T10:00:00Z) is 600 s from it, which no time zone explains (use --sync \
             creation-time --video-tz to trust it)"
        );
        assert_eq!(
            how_aligned(Anchor::Dashcam, 0, Some(first), 0.5),
            "the first GPS fix (the video has no creation time) +0.5 s (--offset)"
        );
    }

    #[test]
    fn a_video_without_creation_time_asks_for_start() {
        let utc = Anchor::CreationTime { video_tz: None };
        assert!(why_not(utc, 0, None, 0.0, 12.0).contains("--start"));
    }

    #[test]
    fn far_dates_name_what_was_added() {
        let last_second = datetime!(9999-12-31 23:59:59 UTC);
        assert_eq!(
            why_not(Anchor::FirstPoint, 0, Some(last_second), 0.0, 12.0),
            "9999-12-31T23:59:59Z +12 s (the video's duration (mvhd)) is past the dates telemux \
             can hold (years -9999 to 9999)"
        );
        let created = utc_to_mac_time(last_second).unwrap();
        let west = Anchor::CreationTime {
            video_tz: Some(offset!(-5)),
        };
        assert_eq!(
            why_not(west, created, None, 0.0, 12.0),
            "9999-12-31T23:59:59Z +18000 s (--video-tz) is past the dates telemux can hold \
             (years -9999 to 9999)"
        );
        let t = datetime!(2024-05-01 10:00:00 UTC);
        for offset in [1e12, -1e12, 1e20, f64::MAX] {
            let text = why_not(Anchor::Start(t), 0, None, offset, 12.0);
            assert!(text.starts_with(&format!("2024-05-01T10:00:00Z {offset:+} s (--offset)")));
        }
        assert_eq!(
            why_not(Anchor::Start(t), 0, None, f64::NAN, 12.0),
            "--offset must be a number of seconds"
        );
    }

    #[test]
    fn parses_offsets_and_times() {
        assert_eq!(parse_utc_offset("+02:00"), Ok(offset!(+2)));
        assert_eq!(parse_utc_offset("-0530"), Ok(offset!(-5:30)));
        assert_eq!(parse_utc_offset("+9"), Ok(offset!(+9)));
        assert_eq!(parse_utc_offset("Z"), Ok(UtcOffset::UTC));
        assert!(parse_utc_offset("2").is_err());
        assert!(parse_utc_offset("+25:00").is_err());
        assert_eq!(
            parse_time("2024-05-01T12:00:00+02:00"),
            Ok(datetime!(2024-05-01 10:00:00 UTC))
        );
        assert!(parse_time("yesterday").is_err());
    }
}
