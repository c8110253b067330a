//! Which UTC instant is the video's t = 0: the rule `inject` and `convert` use to line a GPS
//! track up with a video, and the sentence that tells the user how it was decided.

use anyhow::{bail, Result};
use time::{Duration, OffsetDateTime, UtcOffset};

/// The user's choice of anchor (`--start`, `--sync first-point`, or the video's own clock).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Anchor {
    /// mvhd creation time, read as UTC unless `video_tz` says the camera wrote local time.
    CreationTime {
        video_tz: Option<UtcOffset>,
    },
    Start(OffsetDateTime),
    FirstPoint,
    /// A dashcam clip: mvhd creation time when it matches the GPS up to a time zone, else the
    /// first GPS fix (see `dashcam_start`).
    Dashcam,
}

/// The video's start in UTC and a description of where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Alignment {
    pub video_start: OffsetDateTime,
    /// `video_start` plus the video's duration.
    pub video_end: OffsetDateTime,
    pub how: String,
}

/// Seconds between 1904-01-01 (the MP4 epoch) and 1970-01-01.
const MAC_TO_UNIX: i64 = 2_082_844_800;

/// Decides the start. `creation` is mvhd's creation time (seconds since 1904), `first_point`
/// the earliest GPS time, `offset` the user's `--offset` in seconds (added to the start),
/// `duration` the video's in seconds. Start and end must be dates `time` can hold (years
/// −9999 to 9999): every one of these values is untrusted, so each step is checked.
pub fn align(
    anchor: Anchor,
    creation: u64,
    first_point: Option<OffsetDateTime>,
    offset: f64,
    duration: f64,
) -> Result<Alignment> {
    let (base, mut how) = match anchor {
        Anchor::Start(t) => (t, "--start".to_string()),
        Anchor::FirstPoint => match first_point {
            Some(t) => (t, "the first GPS point (--sync first-point)".to_string()),
            None => bail!("--sync first-point: the track has no timed points"),
        },
        Anchor::Dashcam => match first_point {
            Some(first) => dashcam_start(creation, first)?,
            None => bail!("the dashcam clip has no timed GPS fix to line the video up with"),
        },
        Anchor::CreationTime { video_tz } => {
            // 0 is what muxers write when they know no time.
            if creation == 0 {
                bail!(
                    "the video has no creation time (mvhd is 0): give its start with \
                     --start 2024-05-01T10:00:00Z, or use --sync first-point"
                );
            }
            let stored = i64::try_from(creation)
                .ok()
                .and_then(|c| OffsetDateTime::from_unix_timestamp(c - MAC_TO_UNIX).ok());
            let Some(stored) = stored else {
                bail!("the video's creation time ({creation} s after 1904) is out of range");
            };
            match video_tz {
                None => (
                    stored,
                    "the video's creation time (mvhd, as UTC)".to_string(),
                ),
                Some(tz) => (
                    later(stored, -f64::from(tz.whole_seconds()), "--video-tz")?,
                    format!("the video's creation time (mvhd, local time at UTC{tz})"),
                ),
            }
        }
    };
    if !offset.is_finite() {
        bail!("--offset must be a number of seconds");
    }
    if offset != 0.0 {
        how.push_str(&format!(" {offset:+} s (--offset)"));
    }
    let video_start = later(base, offset, "--offset")?;
    let video_end = later(video_start, duration, "the video's duration (mvhd)")?;
    Ok(Alignment {
        video_start,
        video_end,
        how,
    })
}

/// `time` plus `seconds`, or an error naming `what` added them when the result is no date.
fn later(time: OffsetDateTime, seconds: f64, what: &str) -> Result<OffsetDateTime> {
    Duration::checked_seconds_f64(seconds)
        .and_then(|d| time.checked_add(d))
        .ok_or_else(|| {
            anyhow::anyhow!(
                "{} {seconds:+} s ({what}) is past the dates telemux can hold (years -9999 to \
                 9999)",
                rfc3339(time)
            )
        })
}

pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

/// Largest difference, after removing a time zone, between a dashcam's mvhd creation time and
/// its first GPS fix for the two to be taken as the same moment. Clips start with the one or
/// two blocks carried over from the previous clip, and both clocks have whole seconds.
const DASHCAM_TOLERANCE_S: i64 = 5;
/// Time zones are whole quarter hours and at most 14 hours from UTC.
const ZONE_STEP_S: i64 = 15 * 60;
const MAX_ZONE_S: i64 = 14 * 3600;

/// The start of a dashcam clip. Novatek cameras write mvhd's creation time on their display
/// clock, usually local time, while the GPS blocks carry UTC. When the creation time equals
/// the first fix plus a whole time zone (± `DASHCAM_TOLERANCE_S`), it is the more exact start
/// (the first block may be carried over from the previous clip, a second or two earlier) and
/// is used with that zone removed; otherwise the clock is not trusted and the first fix is
/// t = 0. Either way the sentence says what the camera's clock was off by.
fn dashcam_start(creation: u64, first: OffsetDateTime) -> Result<(OffsetDateTime, String)> {
    let stored = i64::try_from(creation)
        .ok()
        .filter(|&c| c != 0)
        .and_then(|c| OffsetDateTime::from_unix_timestamp(c - MAC_TO_UNIX).ok());
    let Some(stored) = stored else {
        return Ok((
            first,
            "the first GPS fix (the video has no creation time)".to_string(),
        ));
    };
    let difference = (stored - first).whole_seconds();
    let zone = (difference as f64 / ZONE_STEP_S as f64).round() as i64 * ZONE_STEP_S;
    let residual = difference - zone;
    if zone.abs() <= MAX_ZONE_S && residual.abs() <= DASHCAM_TOLERANCE_S {
        let tz = UtcOffset::from_whole_seconds(zone as i32)?;
        Ok((
            later(stored, -(zone as f64), "the camera's time zone")?,
            format!(
                "the video's creation time (mvhd), camera clock at UTC{tz} judging by the GPS; \
                 the first GPS fix is at {:+} s of the video",
                -residual
            ),
        ))
    } else {
        Ok((
            first,
            format!(
                "the first GPS fix: the video's creation time (mvhd, read as UTC {}) is \
                 {difference} s from it, which no time zone explains (use --sync creation-time \
                 --video-tz to trust it)",
                rfc3339(stored)
            ),
        ))
    }
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
    use time::macros::{datetime, offset};

    use super::*;

    /// 2024-05-01 10:00:00 UTC in MP4 time.
    const CREATED: u64 = 1_714_557_600 + MAC_TO_UNIX as u64;

    #[test]
    fn creation_time_as_utc_or_local() {
        let a = align(
            Anchor::CreationTime { video_tz: None },
            CREATED,
            None,
            0.0,
            12.0,
        )
        .unwrap();
        assert_eq!(a.video_start, datetime!(2024-05-01 10:00:00 UTC));
        assert_eq!(a.how, "the video's creation time (mvhd, as UTC)");
        let tz = Some(offset!(+2));
        let a = align(
            Anchor::CreationTime { video_tz: tz },
            CREATED,
            None,
            -1.5,
            12.0,
        )
        .unwrap();
        assert_eq!(a.video_start, datetime!(2024-05-01 07:59:58.5 UTC));
        assert!(
            a.how
                .ends_with("local time at UTC+02:00:00) -1.5 s (--offset)"),
            "{}",
            a.how
        );
    }

    #[test]
    fn start_and_first_point() {
        let t = datetime!(2024-05-01 12:00:00 UTC);
        assert_eq!(
            align(Anchor::Start(t), 0, None, 2.0, 12.0)
                .unwrap()
                .video_start,
            t + Duration::seconds(2)
        );
        assert_eq!(
            align(Anchor::FirstPoint, 0, Some(t), 0.0, 12.0)
                .unwrap()
                .video_start,
            t
        );
        assert!(align(Anchor::FirstPoint, 0, None, 0.0, 12.0).is_err());
    }

    #[test]
    fn dashcam_clips_trust_mvhd_up_to_a_time_zone() {
        // mvhd says 10:00:00 local; the first block is 07:59:59 UTC, carried over.
        let first = datetime!(2024-05-01 07:59:59 UTC);
        let a = align(Anchor::Dashcam, CREATED, Some(first), 0.0, 12.0).unwrap();
        assert_eq!(a.video_start, datetime!(2024-05-01 08:00:00 UTC));
        assert!(a.how.contains("UTC+02:00:00"), "{}", a.how);
        assert!(a.how.contains("at -1 s of the video"), "{}", a.how);
        // A clock 10 minutes off is no time zone: the first fix starts the video.
        let off = datetime!(2024-05-01 09:50:00 UTC);
        let a = align(Anchor::Dashcam, CREATED, Some(off), 0.0, 12.0).unwrap();
        assert_eq!(a.video_start, off);
        assert!(a.how.contains("is 600 s from it"), "{}", a.how);
        // No creation time: the first fix.
        let a = align(Anchor::Dashcam, 0, Some(first), 0.5, 12.0).unwrap();
        assert_eq!(a.video_start, first + Duration::milliseconds(500));
        assert!(align(Anchor::Dashcam, CREATED, None, 0.0, 12.0).is_err());
    }

    #[test]
    fn a_video_without_creation_time_asks_for_start() {
        let err = align(Anchor::CreationTime { video_tz: None }, 0, None, 0.0, 12.0).unwrap_err();
        assert!(err.to_string().contains("--start"), "{err}");
    }

    #[test]
    fn far_dates_are_errors_not_panics() {
        let message = |r: Result<Alignment>| r.unwrap_err().to_string();
        let last_second = datetime!(9999-12-31 23:59:59 UTC);
        // A GPX dated at the end of 9999, with --sync first-point: the video's end is no date.
        assert_eq!(
            message(align(Anchor::FirstPoint, 0, Some(last_second), 0.0, 12.0)),
            "9999-12-31T23:59:59Z +12 s (the video's duration (mvhd)) is past the dates telemux \
             can hold (years -9999 to 9999)"
        );
        // --start at the last second.
        assert!(
            message(align(Anchor::Start(last_second), 0, None, 0.0, 12.0))
                .contains("+12 s (the video's duration (mvhd))")
        );
        // mvhd creation time at the last second of 9999, as UTC and at a zone west of UTC.
        let created = (last_second.unix_timestamp() + MAC_TO_UNIX) as u64;
        assert!(message(align(
            Anchor::CreationTime { video_tz: None },
            created,
            None,
            0.0,
            12.0
        ))
        .contains("(the video's duration (mvhd))"));
        let west = Some(offset!(-5));
        assert_eq!(
            message(align(
                Anchor::CreationTime { video_tz: west },
                created,
                None,
                0.0,
                12.0
            )),
            "9999-12-31T23:59:59Z +18000 s (--video-tz) is past the dates telemux can hold \
             (years -9999 to 9999)"
        );
        // A dashcam whose clock is a zone ahead of a GPS fix at the very start of year -9999.
        let first = datetime!(-9999-01-01 00:00:00 UTC);
        assert!(align(Anchor::Dashcam, 0, Some(first), -1.0, 12.0).is_err());
        // --offset far beyond, and beyond what a Duration holds.
        let t = datetime!(2024-05-01 10:00:00 UTC);
        for offset in [1e12, -1e12, 1e20, f64::MAX] {
            let text = message(align(Anchor::Start(t), 0, None, offset, 12.0));
            assert!(text.starts_with(&format!("2024-05-01T10:00:00Z {offset:+} s (--offset)")));
        }
        // A duration claimed beyond any date.
        assert!(align(Anchor::Start(t), 0, None, 0.0, 1e19).is_err());
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
