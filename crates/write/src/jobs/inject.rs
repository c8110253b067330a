//! The inject job: GPS points (given, or read from track files) lined up with a video,
//! resampled and written into it as a GPMF track, a CAMM track or both
//! (`InjectOptions::format`), either as a copy (any `Read + Seek` into any `Write + Seek`) or
//! into the file itself.

use std::borrow::Cow;
use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::Path;

use telemux_read::camm::{self, CammError};
use telemux_read::gpx::{MergeReport, Totals};
use telemux_read::model::{AltitudeRef, GpsPoint, SensorStream};
use telemux_read::mp4::{mac_time_to_utc, Mp4};
use telemux_read::source::{self, open_mp4, SourceError};
use telemux_read::track::{resample_lazily, Filters, ResampleOptions};

use crate::camm::{Camm, SENSOR_TYPES};
use crate::file_lock::{lock, LockMode};
use crate::gpmf::{replace_gps, Gpmf};
use crate::mp4::in_place::remove_unfinished;
use crate::mp4::{prepare_tracks, NewTrack, Prepared, RewriteOptions, Target};
use crate::telemetry_track::{self, SensorTrack, TrackOptions};
use crate::track_format::TrackFormat;

use super::align::{align, camera_fix, utc_creation, window, AlignError, Anchor};
use super::error::{Failure, JobError};
use super::options::InjectOptions;
use super::report::{
    Aligned, Cleaned, DefaultDop, PointsFrom, Replaced, Report, Retimed, SensorsWritten, Written,
    WrittenTrack,
};
use super::track_input::{read_tracks, TrackInput};

/// The GPS points of a job.
#[non_exhaustive]
pub enum Points<'a> {
    /// Points at hand, in time order (a dashcam's own GPS), with sensor streams to write
    /// beside them on the video's timeline (a TomTom Bandit's; may be empty).
    Loaded {
        /// Timed GPS points, in time order.
        gps: &'a [GpsPoint],
        /// Sensor streams with media times.
        sensors: &'a [SensorStream],
    },
    /// Track files of any format telemux reads (GPX, FIT, DJI SRT, …; detected by content),
    /// merged by time, read as a stream once the video says which window of time it needs:
    /// only the points that window needs are kept, so memory follows the video, not the
    /// files.
    Tracks(Vec<TrackInput<'a>>),
}

/// Told how a job advances, to show progress; every method does nothing unless implemented.
pub trait Progress {
    /// The output is laid out and about to be written: `report` holds what was found, its
    /// `written` what is about to be written; `size` is the size of the finished file.
    fn writing(&mut self, report: &Report, size: u64) {
        let _ = (report, size);
    }

    /// Bytes of a copy written so far.
    fn copied(&mut self, bytes: u64) {
        let _ = bytes;
    }
}

/// No progress shown.
impl Progress for () {}

/// Writes `points` into the video `input` as a GPMF track, the result going to `output` (a
/// new file, from its start). `input` is left as it was. On failure `output` holds an
/// incomplete file, to be discarded.
pub fn inject<R, W>(
    input: &mut R,
    output: &mut W,
    points: Points<'_>,
    options: &InjectOptions,
    progress: &mut dyn Progress,
) -> Result<Report, Failure>
where
    R: Read + Seek,
    W: Write + Seek,
{
    let mut report = Report::default();
    let result = copy(input, output, points, options, &mut report, progress);
    finish(result, report)
}

/// Writes `points` into the video file itself: the telemetry and a new moov are appended and
/// the mdat grown over the old moov with one header write, so the file is valid at every
/// moment; on failure it keeps its original bytes. Needs the moov after the media. The file
/// is locked for the run (`path` names it in the error when another run holds it), and a
/// staging box left by an interrupted run is removed first.
pub fn inject_in_place(
    file: &mut File,
    path: &Path,
    points: Points<'_>,
    options: &InjectOptions,
    progress: &mut dyn Progress,
) -> Result<Report, Failure> {
    let mut report = Report::default();
    let result = in_place(file, path, points, options, &mut report, progress);
    finish(result, report)
}

/// [`inject`] into `report`.
pub(super) fn copy<R, W>(
    input: &mut R,
    output: &mut W,
    points: Points<'_>,
    options: &InjectOptions,
    report: &mut Report,
    progress: &mut dyn Progress,
) -> Result<(), JobError>
where
    R: Read + Seek,
    W: Write + Seek,
{
    options.check()?;
    let target = Target::Copy(options.moov);
    let prepared = prepared(input, points, options, target, report)?;
    progress.writing(report, prepared.output_size());
    prepared
        .write_copy(input, output, &mut |n| progress.copied(n))
        .map_err(JobError::Write)
}

/// [`inject_in_place`] into `report`.
pub(super) fn in_place(
    file: &mut File,
    path: &Path,
    points: Points<'_>,
    options: &InjectOptions,
    report: &mut Report,
    progress: &mut dyn Progress,
) -> Result<(), JobError> {
    options.check()?;
    // Held until the file closes: a second run refuses instead of losing a track.
    lock(file, path, LockMode::Exclusive)?;
    report.removed_unfinished = remove_unfinished(file).map_err(JobError::Unfinished)?;
    let prepared = prepared(file, points, options, Target::InPlace, report)?;
    progress.writing(report, prepared.output_size());
    prepared.write_in_place(file).map_err(JobError::Write)
}

/// The report of a finished job, or the failure with the report so far.
pub(super) fn finish(result: Result<(), JobError>, mut report: Report) -> Result<Report, Failure> {
    match result {
        Ok(()) => Ok(report),
        Err(error) => {
            // Nothing was written: neither the track nor the new creation times.
            report.written = None;
            report.retimed = None;
            report.spherical = None;
            Err(Failure {
                error,
                report: Box::new(report),
            })
        }
    }
}

/// Everything before the first byte is written: the video read and checked, the points lined
/// up and resampled, the track built and the rewrite laid out. `report.written` is filled in
/// for the output as prepared.
fn prepared<R: Read + Seek>(
    input: &mut R,
    points: Points<'_>,
    options: &InjectOptions,
    target: Target,
    report: &mut Report,
) -> Result<Prepared, JobError> {
    let mp4 = open_mp4(input)?;
    let mvhd = mp4.mvhd()?;
    let duration = mvhd.duration as f64 / f64::from(mvhd.timescale.max(1));
    if duration.is_nan() || duration <= 0.0 {
        return Err(JobError::NoDuration);
    }
    check_claimed_duration(&mp4, duration)?;
    let creation = mvhd.times.creation;
    let anchor = resolve_anchor(options.anchor, input, &points)?;
    let (gps, totals, sensors, points_from) = match points {
        Points::Loaded { gps, sensors } => (
            Cow::Borrowed(gps),
            Totals::of(gps),
            sensors,
            PointsFrom::Gps,
        ),
        Points::Tracks(files) => {
            let window = window(anchor, creation, options.offset, duration)?;
            let read = read_tracks(files, window)?;
            let format = read.format();
            report.tracks = read.files;
            report.untimed_ignored = read.merge.untimed;
            if read.totals.count == 0 {
                return Err(JobError::NoTimedPoints);
            }
            let points = clean(read.points, &read.merge, options, report);
            let from = PointsFrom::Track(format);
            (Cow::Owned(points), read.totals, &[][..], from)
        }
    };
    let alignment = align(anchor, creation, totals.first, options.offset, duration)?;
    let (video_start, video_end) = (alignment.video_start, alignment.video_end);
    // Street View compares the creation time with the GPS: make it the start in UTC. Without
    // it the headers keep the camera's clock, which players and photo libraries show.
    let retime = utc_creation(creation, video_start).filter(|_| options.street_view);
    report.aligned = Some(Aligned {
        alignment,
        duration,
        totals,
        points_from,
    });
    let mut resampling = ResampleOptions::default();
    resampling.rate_hz = options.rate;
    resampling.max_gap = options.max_gap;
    let (coverage, samples) = resample_lazily(&gps, video_start, duration, &resampling);
    // Fewer than two samples is no track. Two or more with nothing covered are samples at the
    // fixes themselves, asked for with a `max_gap` under the track's interval: the report
    // lists the gaps left.
    if samples.clone().take(2).count() < 2 {
        let inside = gps
            .iter()
            .filter(|p| p.time.is_some_and(|t| t >= video_start && t <= video_end))
            .count();
        let before = gps.iter().any(|p| p.time.is_some_and(|t| t < video_start));
        let after = gps.iter().any(|p| p.time.is_some_and(|t| t > video_end));
        let bracketed = before && after;
        if inside == 0 && !bracketed {
            return Err(JobError::NoOverlap { points_from });
        }
        let unbridged = coverage.sampling.unbridged;
        return Err(JobError::NotCovered {
            points_from,
            points: inside,
            longest_gap: (unbridged.count > 0).then_some(unbridged.longest),
            max_gap: options.max_gap,
        });
    }
    report.coverage = Some(coverage);
    if totals.without_dop > 0 {
        report.default_dop = Some(DefaultDop {
            without: totals.without_dop,
            of: totals.count,
            dop: options.dop,
        });
    }

    let track_options = TrackOptions {
        rate_hz: options.rate,
        device_name: options.device_name(),
        gps9: options.gps9,
        altitude_ref: AltitudeRef::MeanSeaLevel,
        default_dop: options.dop,
    };
    // Dashcams may name other data `gpmd`: only tracks that hold GPMF count as telemetry.
    let gpmf_tracks = match options.format.gpmf() {
        true => Gpmf.existing_tracks(&mp4, input)?,
        false => Vec::new(),
    };
    let camm_tracks = match options.format.camm() {
        true => Camm.existing_tracks(&mp4, input)?,
        false => Vec::new(),
    };
    let existing = match gpmf_tracks.first() {
        Some(&index) if options.replace => mp4.tracks().nth(index).transpose()?,
        _ => None,
    };
    // The CAMM track is built first, from its own copy of the lazy samples, since GPMF's
    // build takes them.
    let camm = match options.format.camm() {
        true => Some(telemetry_track::build_format(
            &Camm,
            samples.clone(),
            sensors,
            duration,
            &track_options,
        )?),
        false => None,
    };
    // Without --replace an existing CAMM track is refused by the rewrite, read or not.
    if let (Some(built), true) = (&camm, options.replace) {
        check_camm_replace(&mp4, input, &camm_tracks, built)?;
    }
    let gpmf = match (options.format.gpmf(), &existing) {
        (false, _) => None,
        (true, Some(existing)) => {
            if !sensors.is_empty() {
                return Err(JobError::ReplaceWithSensors { points_from });
            }
            let replaced = replace_gps(existing, input, samples, &track_options)?;
            report.replaced = Some(Replaced {
                track_id: existing.tkhd.track_id,
                payloads: replaced.track.samples.len(),
                removed: replaced.removed,
                kept: replaced.kept,
            });
            Some((
                replaced.track,
                replaced.gps_points,
                Some(&existing.hdlr.name),
            ))
        }
        (true, None) => {
            let built =
                telemetry_track::build_streamed(samples, sensors, duration, &track_options)?;
            report.sensors = Some(SensorsWritten {
                written: built.written,
                unsupported: built.unsupported,
                left_out: built.left_out,
                format: Gpmf.name(),
            });
            Some((built.track, built.gps_points, None))
        }
    };
    if let (None, Some(built)) = (&gpmf, &camm) {
        report.sensors = Some(SensorsWritten {
            written: built.written.clone(),
            unsupported: built.unsupported.clone(),
            left_out: built.left_out,
            format: Camm.name(),
        });
    }
    let mut new = Vec::new();
    if let Some((track, _, handler_name)) = &gpmf {
        new.push(NewTrack {
            format: &Gpmf,
            track,
            handler_name: handler_name.map(String::as_str),
            existing_tracks: &gpmf_tracks,
        });
    }
    if let Some(built) = &camm {
        new.push(NewTrack {
            format: &Camm,
            track: &built.track,
            handler_name: None,
            existing_tracks: &camm_tracks,
        });
    }
    let rewrite = RewriteOptions {
        target,
        replace: options.replace,
        user_data: options.user_data(),
        time_shift: retime.map_or(0, |(_, shift)| shift),
        spherical: options.spherical,
        ..RewriteOptions::default()
    };
    let prepared = prepare_tracks(&mp4, &new, &rewrite)?;
    report.spherical.clone_from(&prepared.spherical);
    report.retimed = retime.and_then(|(now, shift)| {
        Some(Retimed {
            was: mac_time_to_utc(creation)?,
            now: mac_time_to_utc(now)?,
            shift,
        })
    });
    // Only the first GPMF track has its GPS replaced; any other, and every CAMM track, is
    // removed, as before.
    report.removed_tracks = prepared.replaced - usize::from(existing.is_some());
    let (format, payloads, gps_points) = match (&gpmf, &camm) {
        (Some((track, points, _)), _) => (Gpmf.name(), track.samples.len(), *points),
        (None, Some(built)) => (Camm.name(), built.track.samples.len(), built.gps_points),
        // Every `TrackFormats` writes at least one track.
        (None, None) => ("", 0, 0),
    };
    let second = match (&gpmf, &camm, prepared.track_ids.get(1)) {
        (Some(_), Some(built), Some(&track_id)) => Some(WrittenTrack {
            format: Camm.name(),
            track_id,
            samples: built.track.samples.len(),
        }),
        _ => None,
    };
    report.written = Some(Written {
        placed: prepared.placed(),
        track_id: prepared.track_id,
        gps_points,
        rate: options.rate,
        payloads,
        size: prepared.output_size(),
        format,
        second,
    });
    Ok(prepared)
}

/// Refuses to replace CAMM tracks holding packet types the new track `built` does not carry:
/// GPS (types 5 and 6) is what a replacement replaces; a camera's other packets (orientation,
/// exposure, sensors) would be lost.
fn check_camm_replace<R: Read + Seek>(
    mp4: &Mp4,
    input: &mut R,
    camm_tracks: &[usize],
    built: &SensorTrack,
) -> Result<(), JobError> {
    let written: Vec<u16> = built
        .written
        .iter()
        .filter(|(_, count, _)| *count > 0)
        .filter_map(|(key, ..)| {
            let (_, make, _) = SENSOR_TYPES.iter().find(|(k, ..)| k == key)?;
            Some(make([0.0; 3]).kind())
        })
        .collect();
    for &index in camm_tracks {
        let Some(track) = mp4.tracks().nth(index).transpose()? else {
            continue;
        };
        let mut kinds = Vec::new();
        // The read side's one walk over a CAMM track (runs of packets in one read); a
        // sample that cannot be read refuses the replacement rather than pass unchecked.
        for entry in camm::Packets::new(mp4, &track, &mut *input) {
            let kind = match entry?.packet {
                Ok(packet) => packet.kind(),
                // A damaged packet still says what it claims to be.
                Err(CammError::WrongLength { kind, .. } | CammError::UnknownType { kind }) => kind,
                Err(_) => continue,
            };
            if !matches!(kind, 5 | 6) && !written.contains(&kind) && !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
        if !kinds.is_empty() {
            kinds.sort_unstable();
            return Err(JobError::ReplaceLosesCamm {
                track_id: track.tkhd.track_id,
                kinds,
            });
        }
    }
    Ok(())
}

/// `anchor`, with [`Anchor::CameraGps`] turned into the video's own first fix: from the
/// points given when they are the video's own (a dashcam's), else read from the video.
fn resolve_anchor<R: Read + Seek>(
    anchor: Anchor,
    input: &mut R,
    points: &Points<'_>,
) -> Result<Anchor, JobError> {
    if anchor != Anchor::CameraGps {
        return Ok(anchor);
    }
    let fix = match points {
        Points::Loaded { gps, .. } => camera_fix(gps),
        Points::Tracks(_) => match source::read(input, source::Options::default()) {
            Ok(read) => camera_fix(&read.telemetry.gps),
            Err(SourceError::NoTelemetry) => None,
            Err(error) => return Err(error.into()),
        },
    };
    fix.map(Anchor::CameraFix)
        .ok_or(JobError::Align(AlignError::NoCameraFix))
}

/// The track files' points cleaned before resampling (`Filters::before_resampling`) unless
/// `keep_outliers`, with what the merge by time dropped and reordered, into `report.cleaned`.
pub(super) fn clean(
    points: Vec<GpsPoint>,
    merge: &MergeReport,
    options: &InjectOptions,
    report: &mut Report,
) -> Vec<GpsPoint> {
    let (points, filters) = if options.keep_outliers {
        (points, None)
    } else {
        let (kept, filters) = Filters::before_resampling(options.max_speed).apply(points);
        (kept, Some(filters))
    };
    report.cleaned = Some(Cleaned {
        duplicates: merge.duplicates,
        out_of_order: merge.out_of_order,
        filters,
        max_speed: options.max_speed,
    });
    points
}

/// How much longer than its longest track's media a movie may say it is. Players present a
/// movie for as long as mvhd says, and a track may start after an empty edit, but in real
/// files that is seconds (an audio priming delay, a late-starting data track).
const DURATION_SLACK_S: f64 = 60.0;

/// Refuses a movie duration (mvhd) far longer than what its tracks' sample tables hold: the
/// telemetry is written for every second of the claimed duration, so a 48 KB file claiming
/// 10⁶ s would make gigabytes of telemetry for media that does not exist.
fn check_claimed_duration(mp4: &Mp4, duration: f64) -> Result<(), JobError> {
    let mut media = 0.0f64;
    for track in mp4.tracks() {
        media = media.max(track?.media_seconds());
    }
    if duration > media + DURATION_SLACK_S {
        return Err(JobError::ClaimedDuration {
            claimed: duration,
            media,
        });
    }
    Ok(())
}
