//! Which UTC instant is the video's t = 0: the rule `inject` and `convert` use to line a GPS
//! track up with a video. The result says how it was decided as data ([`StartedFrom`]); the
//! caller words it.

use telemux_read::gpx::Window;
use telemux_read::model::{Fix, GpsPoint};
use telemux_read::mp4::{mac_time_to_utc, utc_to_mac_time};
use time::{Duration, OffsetDateTime, UtcOffset};

/// What the video's start is lined up with.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Anchor {
    /// mvhd creation time, read as UTC unless `video_tz` says the camera wrote local time.
    CreationTime {
        /// The UTC offset of the camera's clock, when it records local time.
        video_tz: Option<UtcOffset>,
    },
    /// A start time given by the user.
    Start(OffsetDateTime),
    /// The first GPS point of the track.
    FirstPoint,
    /// A dashcam clip: mvhd creation time when it matches the GPS up to a time zone, else the
    /// first GPS fix (see [`StartedFrom::DashcamZone`]).
    Dashcam,
    /// The GPS the video already carries (a GoPro's GPSU, a dashcam's block times): t = 0 is
    /// its first fix's UTC time minus that fix's media time. The inject job reads the fix
    /// from the video ([`camera_fix`]) and lines up with [`Anchor::CameraFix`]; [`align`]
    /// itself refuses it ([`AlignError::NoCameraFix`]).
    CameraGps,
    /// A fix of the video's own GPS, already read: t = 0 is `time − media_time`, or, for a
    /// fix without a media time (a dashcam's), what [`Anchor::Dashcam`] decides from it.
    CameraFix(CameraFix),
}

/// A fix of the GPS a video carries, on the satellites' clock and, when the format places it,
/// on the video's.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct CameraFix {
    /// The fix's UTC time.
    pub time: OffsetDateTime,
    /// Where the fix falls on the video's timeline, seconds; `None` for dashcam blocks, which
    /// carry no media time: the dashcam rule ([`Anchor::Dashcam`]) lines those up.
    pub media_time: Option<f64>,
}

/// The first fix of a video's own GPS points that has a UTC time, and a media time when the
/// video's points have them. Points that say they have no fix are passed over: a GoPro's
/// GPSU before lock is the camera's own clock, not the satellites'.
pub fn camera_fix(gps: &[GpsPoint]) -> Option<CameraFix> {
    let fixed = || {
        gps.iter()
            .filter(|p| p.fix != Some(Fix::None) && p.time.is_some())
    };
    let placed = fixed().find_map(|p| match (p.time, p.media_time) {
        (Some(time), Some(media_time)) if media_time.is_finite() => Some(CameraFix {
            time,
            media_time: Some(media_time),
        }),
        _ => None,
    });
    placed.or_else(|| {
        let first = fixed().filter_map(|p| p.time).min()?;
        Some(CameraFix {
            time: first,
            media_time: None,
        })
    })
}

impl Default for Anchor {
    /// The video's own clock, as UTC: what `telemux inject` does unless told otherwise.
    fn default() -> Anchor {
        Anchor::CreationTime { video_tz: None }
    }
}

/// How the video's start was decided.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum StartedFrom {
    /// The start the caller gave ([`Anchor::Start`]).
    Start,
    /// The first GPS point ([`Anchor::FirstPoint`]).
    FirstPoint,
    /// mvhd's creation time, read as UTC.
    CreationTimeUtc,
    /// mvhd's creation time, read as local time at this offset.
    CreationTimeLocal(UtcOffset),
    /// A dashcam clip without a creation time: its first GPS fix.
    DashcamNoCreationTime,
    /// A dashcam clip whose creation time is its first fix plus a whole time zone: the
    /// creation time with the zone removed. The first fix is `first_fix_at` seconds into the
    /// video (negative when carried over from the previous clip).
    DashcamZone {
        /// The time zone of the camera's clock, judging by the GPS.
        zone: UtcOffset,
        /// Where the first GPS fix falls on the video's timeline, whole seconds.
        first_fix_at: i64,
    },
    /// A dashcam clip whose creation time no time zone explains: its first GPS fix.
    DashcamClockOff {
        /// The creation time, read as UTC.
        creation: OffsetDateTime,
        /// Seconds from the first fix to the creation time.
        difference: i64,
    },
    /// The video's own GPS ([`Anchor::CameraFix`] with a media time).
    CameraGps {
        /// The fix the start was taken from.
        fix: CameraFix,
        /// The video's creation time (mvhd) read as UTC, when it has one: how far the
        /// camera's clock is off.
        creation: Option<OffsetDateTime>,
    },
}

/// The video's start and end in UTC and how the start was decided.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Alignment {
    /// The UTC instant of the video's t = 0.
    pub video_start: OffsetDateTime,
    /// `video_start` plus the video's duration.
    pub video_end: OffsetDateTime,
    /// What the start was taken from, before `offset`.
    pub from: StartedFrom,
    /// Seconds added to the start (the caller's offset).
    pub offset: f64,
}

/// What was added to a time when the result was no date `time` can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Shift {
    /// The video's time zone ([`Anchor::CreationTime`]'s `video_tz`), removed.
    VideoTz,
    /// The caller's offset.
    Offset,
    /// The video's duration (mvhd).
    Duration,
    /// The time zone a dashcam's clock was found at, removed.
    CameraZone,
    /// The media time of the video's own GPS fix, subtracted.
    MediaTime,
}

/// Why no start could be decided. The facts only: the caller says which option changes it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum AlignError {
    /// [`Anchor::FirstPoint`] with a track without timed points.
    #[error("the track has no timed points to start the video at")]
    NoTimedPoints,
    /// [`Anchor::Dashcam`] with a clip without a timed GPS fix.
    #[error("the dashcam clip has no timed GPS fix to line the video up with")]
    NoDashcamFix,
    /// [`Anchor::CameraGps`] for a video without a GPS fix of its own (with both a UTC and a
    /// media time), or not read yet.
    #[error("the video carries no timed GPS fix of its own to line it up with")]
    NoCameraFix,
    /// [`Anchor::CreationTime`] on a video whose mvhd creation time is 0 (unknown).
    #[error("the video has no creation time (mvhd is 0)")]
    NoCreationTime,
    /// A creation time past what `time` holds.
    #[error("the video's creation time ({creation} s after 1904) is out of range")]
    CreationOutOfRange {
        /// mvhd's creation time, seconds since 1904.
        creation: u64,
    },
    /// An offset that is no number.
    #[error("the offset {offset} is not a number of seconds")]
    OffsetNotFinite {
        /// The offset given.
        offset: f64,
    },
    /// `time` plus `seconds` is past the dates `time` holds.
    #[error("{time} {seconds:+} s is past the dates telemux can hold (years -9999 to 9999)")]
    PastDates {
        /// The time the shift was added to.
        time: OffsetDateTime,
        /// The shift, seconds.
        seconds: f64,
        /// What the shift was.
        what: Shift,
    },
    /// A dashcam clip's window asked for: dashcam clips are lined up with all their points.
    #[error("a dashcam clip is lined up with all of its own GPS points")]
    DashcamWindow,
}

/// Decides the start. `creation` is mvhd's creation time (seconds since 1904), `first_point`
/// the earliest GPS time, `offset` seconds added to the start, `duration` the video's in
/// seconds. Start and end must be dates `time` can hold (years −9999 to 9999): every one of
/// these values is untrusted, so each step is checked.
pub fn align(
    anchor: Anchor,
    creation: u64,
    first_point: Option<OffsetDateTime>,
    offset: f64,
    duration: f64,
) -> Result<Alignment, AlignError> {
    let (base, from) = match anchor {
        Anchor::Start(t) => (t, StartedFrom::Start),
        Anchor::FirstPoint => match first_point {
            Some(t) => (t, StartedFrom::FirstPoint),
            None => return Err(AlignError::NoTimedPoints),
        },
        Anchor::Dashcam => match first_point {
            Some(first) => dashcam_start(creation, first)?,
            None => return Err(AlignError::NoDashcamFix),
        },
        Anchor::CameraGps => return Err(AlignError::NoCameraFix),
        Anchor::CameraFix(fix) => match fix.media_time {
            Some(media_time) => (
                later(fix.time, -media_time, Shift::MediaTime)?,
                StartedFrom::CameraGps {
                    fix,
                    creation: Some(creation).filter(|&c| c != 0).and_then(mac_time_to_utc),
                },
            ),
            None => dashcam_start(creation, fix.time)?,
        },
        Anchor::CreationTime { video_tz } => {
            // 0 is what muxers write when they know no time.
            if creation == 0 {
                return Err(AlignError::NoCreationTime);
            }
            let Some(stored) = mac_time_to_utc(creation) else {
                return Err(AlignError::CreationOutOfRange { creation });
            };
            match video_tz {
                None => (stored, StartedFrom::CreationTimeUtc),
                Some(tz) => (
                    later(stored, -f64::from(tz.whole_seconds()), Shift::VideoTz)?,
                    StartedFrom::CreationTimeLocal(tz),
                ),
            }
        }
    };
    if !offset.is_finite() {
        return Err(AlignError::OffsetNotFinite { offset });
    }
    let video_start = later(base, offset, Shift::Offset)?;
    let video_end = later(video_start, duration, Shift::Duration)?;
    Ok(Alignment {
        video_start,
        video_end,
        from,
        offset,
    })
}

/// The span of time whose points the video needs: its own, unless it starts at the first point.
pub fn window(
    anchor: Anchor,
    creation: u64,
    offset: f64,
    duration: f64,
) -> Result<Window, AlignError> {
    match anchor {
        Anchor::FirstPoint => Ok(Window::FromFirst { offset, duration }),
        Anchor::Dashcam => Err(AlignError::DashcamWindow),
        Anchor::CameraGps => Err(AlignError::NoCameraFix),
        Anchor::CreationTime { .. } | Anchor::Start(_) | Anchor::CameraFix(_) => {
            let alignment = align(anchor, creation, None, offset, duration)?;
            Ok(Window::Between(alignment.video_start, alignment.video_end))
        }
    }
}

/// The creation time (mvhd, seconds since 1904) that states `start` in UTC to the second,
/// and the shift from `creation` to it; `None` when there is nothing to change: the video
/// has no creation time (0, unknown: no clock to correct), `start` is before 1904, or the
/// stored time already says `start`.
pub fn utc_creation(creation: u64, start: OffsetDateTime) -> Option<(u64, i64)> {
    if creation == 0 {
        return None;
    }
    // To the nearest second: the field holds whole seconds.
    let rounded = later(start, 0.5, Shift::Offset).ok()?;
    let utc = utc_to_mac_time(rounded)?;
    let shift = i64::try_from(utc).ok()? - i64::try_from(creation).ok()?;
    (shift != 0).then_some((utc, shift))
}

/// `time` plus `seconds`, or an error saying `what` added them when the result is no date.
fn later(time: OffsetDateTime, seconds: f64, what: Shift) -> Result<OffsetDateTime, AlignError> {
    Duration::checked_seconds_f64(seconds)
        .and_then(|d| time.checked_add(d))
        .ok_or(AlignError::PastDates {
            time,
            seconds,
            what,
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
/// t = 0.
fn dashcam_start(
    creation: u64,
    first: OffsetDateTime,
) -> Result<(OffsetDateTime, StartedFrom), AlignError> {
    let stored = Some(creation).filter(|&c| c != 0).and_then(mac_time_to_utc);
    let Some(stored) = stored else {
        return Ok((first, StartedFrom::DashcamNoCreationTime));
    };
    let difference = (stored - first).whole_seconds();
    let zone = (difference as f64 / ZONE_STEP_S as f64).round() as i64 * ZONE_STEP_S;
    let residual = difference - zone;
    // Within ±14 h, so always an offset `time` holds (it allows ±25 h).
    let tz = i32::try_from(zone)
        .ok()
        .and_then(|zone| UtcOffset::from_whole_seconds(zone).ok());
    match tz {
        Some(tz) if zone.abs() <= MAX_ZONE_S && residual.abs() <= DASHCAM_TOLERANCE_S => Ok((
            later(stored, -(zone as f64), Shift::CameraZone)?,
            StartedFrom::DashcamZone {
                zone: tz,
                first_fix_at: -residual,
            },
        )),
        _ => Ok((
            first,
            StartedFrom::DashcamClockOff {
                creation: stored,
                difference,
            },
        )),
    }
}

#[cfg(test)]
mod tests {
    use time::macros::{datetime, offset};

    use super::*;

    fn mac(t: OffsetDateTime) -> u64 {
        utc_to_mac_time(t).unwrap()
    }

    #[test]
    fn creation_time_as_utc_or_local() {
        let created = mac(datetime!(2024-05-01 10:00:00 UTC));
        let utc = Anchor::CreationTime { video_tz: None };
        let a = align(utc, created, None, 0.0, 12.0).unwrap();
        assert_eq!(a.video_start, datetime!(2024-05-01 10:00:00 UTC));
        assert_eq!(a.video_end, datetime!(2024-05-01 10:00:12 UTC));
        assert_eq!(a.from, StartedFrom::CreationTimeUtc);
        let local = Anchor::CreationTime {
            video_tz: Some(offset!(+2)),
        };
        let a = align(local, created, None, -1.5, 12.0).unwrap();
        assert_eq!(a.video_start, datetime!(2024-05-01 07:59:58.5 UTC));
        assert_eq!(a.from, StartedFrom::CreationTimeLocal(offset!(+2)));
        assert_eq!(a.offset, -1.5);
    }

    #[test]
    fn start_and_first_point() {
        let t = datetime!(2024-05-01 12:00:00 UTC);
        let a = align(Anchor::Start(t), 0, None, 2.0, 12.0).unwrap();
        assert_eq!(
            (a.video_start, a.from),
            (t + Duration::seconds(2), StartedFrom::Start)
        );
        let a = align(Anchor::FirstPoint, 0, Some(t), 0.0, 12.0).unwrap();
        assert_eq!((a.video_start, a.from), (t, StartedFrom::FirstPoint));
        assert_eq!(
            align(Anchor::FirstPoint, 0, None, 0.0, 12.0),
            Err(AlignError::NoTimedPoints)
        );
    }

    #[test]
    fn dashcam_clips_trust_mvhd_up_to_a_time_zone() {
        let created = mac(datetime!(2024-05-01 10:00:00 UTC));
        // mvhd says 10:00:00 local; the first block is 07:59:59 UTC, carried over.
        let first = datetime!(2024-05-01 07:59:59 UTC);
        let a = align(Anchor::Dashcam, created, Some(first), 0.0, 12.0).unwrap();
        assert_eq!(a.video_start, datetime!(2024-05-01 08:00:00 UTC));
        assert_eq!(
            a.from,
            StartedFrom::DashcamZone {
                zone: offset!(+2),
                first_fix_at: -1
            }
        );
        // A clock 10 minutes off is no time zone: the first fix starts the video.
        let off = datetime!(2024-05-01 09:50:00 UTC);
        let a = align(Anchor::Dashcam, created, Some(off), 0.0, 12.0).unwrap();
        assert_eq!(a.video_start, off);
        assert_eq!(
            a.from,
            StartedFrom::DashcamClockOff {
                creation: datetime!(2024-05-01 10:00:00 UTC),
                difference: 600
            }
        );
        // No creation time: the first fix.
        let a = align(Anchor::Dashcam, 0, Some(first), 0.5, 12.0).unwrap();
        assert_eq!(a.video_start, first + Duration::milliseconds(500));
        assert_eq!(a.from, StartedFrom::DashcamNoCreationTime);
        assert_eq!(
            align(Anchor::Dashcam, created, None, 0.0, 12.0),
            Err(AlignError::NoDashcamFix)
        );
    }

    #[test]
    fn camera_gps_starts_at_the_first_fix_minus_its_media_time() {
        let at = |s: i64, media: f64, fix: Option<Fix>| {
            let mut p = GpsPoint::new(45.0, 7.0);
            p.time = Some(datetime!(2024-05-01 08:00:00 UTC) + Duration::seconds(s));
            p.media_time = Some(media);
            p.fix = fix;
            p
        };
        // Before lock a GoPro's GPSU is its own clock: the unfixed point is passed over.
        let gps = [
            at(-600, 0.0, Some(Fix::None)),
            at(3, 2.5, Some(Fix::ThreeD)),
        ];
        let fix = camera_fix(&gps).unwrap();
        assert_eq!(fix.time, datetime!(2024-05-01 08:00:03 UTC));
        assert_eq!(fix.media_time, Some(2.5));
        let created = mac(datetime!(2024-05-01 10:00:00 UTC));
        let a = align(Anchor::CameraFix(fix), created, None, 0.0, 12.0).unwrap();
        assert_eq!(a.video_start, datetime!(2024-05-01 08:00:00.5 UTC));
        assert_eq!(
            a.from,
            StartedFrom::CameraGps {
                fix,
                creation: Some(datetime!(2024-05-01 10:00:00 UTC))
            }
        );
        assert_eq!(camera_fix(&gps[..1]), None);
        // Dashcam blocks have no media time: the first fix, lined up by the dashcam rule.
        let mut block = at(0, 0.0, None);
        block.media_time = None;
        let fix = camera_fix(&[block]).unwrap();
        assert_eq!(fix.media_time, None);
        let d = align(Anchor::CameraFix(fix), created, None, 0.0, 12.0).unwrap();
        assert_eq!(d.video_start, datetime!(2024-05-01 08:00:00 UTC));
        assert!(matches!(
            d.from,
            StartedFrom::DashcamZone {
                first_fix_at: 0,
                ..
            }
        ));
        assert_eq!(
            align(Anchor::CameraGps, created, None, 0.0, 12.0),
            Err(AlignError::NoCameraFix)
        );
        // Street View's creation time: the start to the second, as a shift of the stored one.
        assert_eq!(
            utc_creation(created, a.video_start),
            Some((created - 7199, -7199))
        );
        assert_eq!(
            utc_creation(created, datetime!(2024-05-01 10:00:00.4 UTC)),
            None
        );
        assert_eq!(utc_creation(0, a.video_start), None);
        assert_eq!(utc_creation(created, datetime!(1900-01-01 0:00 UTC)), None);
    }

    #[test]
    fn a_video_without_creation_time_is_refused() {
        let anchor = Anchor::CreationTime { video_tz: None };
        assert_eq!(
            align(anchor, 0, None, 0.0, 12.0),
            Err(AlignError::NoCreationTime)
        );
    }

    #[test]
    fn far_dates_are_errors_not_panics() {
        let last_second = datetime!(9999-12-31 23:59:59 UTC);
        let past = |time, seconds, what| {
            Err(AlignError::PastDates {
                time,
                seconds,
                what,
            })
        };
        // A GPX dated at the end of 9999, with the first point as start: the end is no date.
        assert_eq!(
            align(Anchor::FirstPoint, 0, Some(last_second), 0.0, 12.0),
            past(last_second, 12.0, Shift::Duration)
        );
        assert_eq!(
            align(Anchor::Start(last_second), 0, None, 0.0, 12.0),
            past(last_second, 12.0, Shift::Duration)
        );
        // mvhd creation time at the last second of 9999, as UTC and at a zone west of UTC.
        let created = mac(last_second);
        let utc = Anchor::CreationTime { video_tz: None };
        assert_eq!(
            align(utc, created, None, 0.0, 12.0),
            past(last_second, 12.0, Shift::Duration)
        );
        let west = Anchor::CreationTime {
            video_tz: Some(offset!(-5)),
        };
        assert_eq!(
            align(west, created, None, 0.0, 12.0),
            past(last_second, 18000.0, Shift::VideoTz)
        );
        // A dashcam whose first GPS fix is at the very start of year -9999.
        let first = datetime!(-9999-01-01 00:00:00 UTC);
        assert_eq!(
            align(Anchor::Dashcam, 0, Some(first), -1.0, 12.0),
            past(first, -1.0, Shift::Offset)
        );
        // Offsets far beyond, and beyond what a Duration holds.
        let t = datetime!(2024-05-01 10:00:00 UTC);
        for offset in [1e12, -1e12, 1e20, f64::MAX] {
            assert_eq!(
                align(Anchor::Start(t), 0, None, offset, 12.0),
                past(t, offset, Shift::Offset)
            );
        }
        assert!(matches!(
            align(Anchor::Start(t), 0, None, f64::NAN, 12.0),
            Err(AlignError::OffsetNotFinite { offset }) if offset.is_nan()
        ));
        // A duration claimed beyond any date.
        assert_eq!(
            align(Anchor::Start(t), 0, None, 0.0, 1e19),
            past(t, 1e19, Shift::Duration)
        );
    }

    #[test]
    fn the_window_is_the_video_unless_it_starts_at_the_first_point() {
        let created = mac(datetime!(2024-05-01 10:00:00 UTC));
        let utc = Anchor::CreationTime { video_tz: None };
        assert_eq!(
            window(utc, created, 1.0, 12.0),
            Ok(Window::Between(
                datetime!(2024-05-01 10:00:01 UTC),
                datetime!(2024-05-01 10:00:13 UTC)
            ))
        );
        assert_eq!(
            window(Anchor::FirstPoint, created, 1.0, 12.0),
            Ok(Window::FromFirst {
                offset: 1.0,
                duration: 12.0
            })
        );
        assert_eq!(
            window(Anchor::Dashcam, created, 0.0, 12.0),
            Err(AlignError::DashcamWindow)
        );
    }
}
