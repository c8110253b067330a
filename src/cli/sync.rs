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
    pub how: String,
}

/// Seconds between 1904-01-01 (the MP4 epoch) and 1970-01-01.
const MAC_TO_UNIX: i64 = 2_082_844_800;

/// Decides the start. `creation` is mvhd's creation time (seconds since 1904), `first_point`
/// the earliest GPS time, `offset` the user's `--offset` in seconds (added to the start).
pub fn align(
    anchor: Anchor,
    creation: u64,
    first_point: Option<OffsetDateTime>,
    offset: f64,
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
                    stored - Duration::seconds(i64::from(tz.whole_seconds())),
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
    Ok(Alignment {
        video_start: base + Duration::seconds_f64(offset),
        how,
    })
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
            stored - Duration::seconds(zone),
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
                stored
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default()
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
        let a = align(Anchor::CreationTime { video_tz: None }, CREATED, None, 0.0).unwrap();
        assert_eq!(a.video_start, datetime!(2024-05-01 10:00:00 UTC));
        assert_eq!(a.how, "the video's creation time (mvhd, as UTC)");
        let tz = Some(offset!(+2));
        let a = align(Anchor::CreationTime { video_tz: tz }, CREATED, None, -1.5).unwrap();
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
            align(Anchor::Start(t), 0, None, 2.0).unwrap().video_start,
            t + Duration::seconds(2)
        );
        assert_eq!(
            align(Anchor::FirstPoint, 0, Some(t), 0.0)
                .unwrap()
                .video_start,
            t
        );
        assert!(align(Anchor::FirstPoint, 0, None, 0.0).is_err());
    }

    #[test]
    fn dashcam_clips_trust_mvhd_up_to_a_time_zone() {
        // mvhd says 10:00:00 local; the first block is 07:59:59 UTC, carried over.
        let first = datetime!(2024-05-01 07:59:59 UTC);
        let a = align(Anchor::Dashcam, CREATED, Some(first), 0.0).unwrap();
        assert_eq!(a.video_start, datetime!(2024-05-01 08:00:00 UTC));
        assert!(a.how.contains("UTC+02:00:00"), "{}", a.how);
        assert!(a.how.contains("at -1 s of the video"), "{}", a.how);
        // A clock 10 minutes off is no time zone: the first fix starts the video.
        let off = datetime!(2024-05-01 09:50:00 UTC);
        let a = align(Anchor::Dashcam, CREATED, Some(off), 0.0).unwrap();
        assert_eq!(a.video_start, off);
        assert!(a.how.contains("is 600 s from it"), "{}", a.how);
        // No creation time: the first fix.
        let a = align(Anchor::Dashcam, 0, Some(first), 0.5).unwrap();
        assert_eq!(a.video_start, first + Duration::milliseconds(500));
        assert!(align(Anchor::Dashcam, CREATED, None, 0.0).is_err());
    }

    #[test]
    fn a_video_without_creation_time_asks_for_start() {
        let err = align(Anchor::CreationTime { video_tz: None }, 0, None, 0.0).unwrap_err();
        assert!(err.to_string().contains("--start"), "{err}");
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
