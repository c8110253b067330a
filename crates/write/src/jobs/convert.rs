//! The convert job: a dashcam clip's own GPS (Novatek `freeGPS`, a TomTom Bandit's TTAD), or
//! the GPS of the file beside a drone's video (a DJI `.SRT`), written into the video as a GPMF
//! track, through the inject job; or, with [`TrackFormats::Camm`], a GoPro's own GPMF (GPS and
//! ACCL/GYRO/MAGN) written beside it as a CAMM track, lined up by the GPMF's own media times.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use telemux_read::camm::GPS_EPOCH;
use telemux_read::model::{GpsPoint, Telemetry};
use telemux_read::mp4::mac_time_to_utc;
use telemux_read::novatek::Located;
use telemux_read::source::{self, open_mp4, Origin};
use time::{Duration, UtcOffset};

use super::align::Anchor;
use super::error::{Failure, JobError};
use super::inject::{clean, copy, finish, in_place, Points, Progress};
use super::options::{InjectOptions, TrackFormats};
use super::report::{Report, SourceRead};
use super::track_input::{read_whole, TrackInput};

/// A converted clip: the report, and the clip's own GPS fixes (before resampling).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Converted {
    /// What was read, aligned and written.
    pub report: Report,
    /// The GPS fixes read from the clip, in time order.
    pub gps: Vec<GpsPoint>,
}

/// Reads the clip `input`'s own GPS (and sensor streams) as `read` says, and writes them into
/// a copy of it in `output` as the tracks `options.format` names. Refuses MPEG-TS recordings,
/// raw GPMF tracks, and clips that already carry GPMF unless only CAMM is written.
pub fn convert<R, W>(
    input: &mut R,
    output: &mut W,
    read: source::Options,
    options: &InjectOptions,
    progress: &mut dyn Progress,
) -> Result<Converted, Failure>
where
    R: Read + Seek,
    W: Write + Seek,
{
    converted(input, read, options, |input, points, options, report| {
        copy(input, output, points, options, report, progress)
    })
}

/// [`convert`] into the clip file itself, as [`super::inject_in_place`] writes.
pub fn convert_in_place(
    file: &mut File,
    path: &Path,
    read: source::Options,
    options: &InjectOptions,
    progress: &mut dyn Progress,
) -> Result<Converted, Failure> {
    converted(file, read, options, |file, points, options, report| {
        in_place(file, path, points, options, report, progress)
    })
}

/// Reads the clip's own GPS from `input` and has `write` write them, as a [`Converted`].
fn converted<R: Read + Seek>(
    input: &mut R,
    read: source::Options,
    options: &InjectOptions,
    write: impl FnOnce(&mut R, Points<'_>, &InjectOptions, &mut Report) -> Result<(), JobError>,
) -> Result<Converted, Failure> {
    let mut report = Report::default();
    let mut gps = Vec::new();
    let result = read_clip(input, read, options, &mut report).and_then(|(telemetry, gopro)| {
        gps = telemetry.gps;
        let points = Points::Loaded {
            gps: &gps,
            sensors: &telemetry.sensors,
        };
        let mut options = options.clone();
        // A GoPro's GPS sits on the video's own timeline: line up by its media times, not
        // by the dashcam rule, which would take a late first fix for the start.
        if gopro && options.anchor == Anchor::Dashcam {
            options.anchor = Anchor::CameraGps;
        }
        write(input, points, &options, &mut report)
    });
    finish(result, report).map(|report| Converted { report, gps })
}

/// The clip's own telemetry, when it is a dashcam's that a GPMF track can carry or a GoPro's
/// to be written as CAMM (then also `true`).
fn read_clip<R: Read + Seek>(
    input: &mut R,
    read: source::Options,
    options: &InjectOptions,
    report: &mut Report,
) -> Result<(Telemetry, bool), JobError> {
    let read = source::read(input, read)?;
    let gopro = read.origin == Origin::GoproTrack;
    match read.origin {
        Origin::GoproTrack if options.format != TrackFormats::Camm => {
            return Err(JobError::AlreadyGpmf {
                summary: read.summary,
            })
        }
        Origin::Camm if options.format.camm() => {
            return Err(JobError::AlreadyCamm {
                summary: read.summary,
            })
        }
        Origin::Novatek(Located::TransportStream) => return Err(JobError::TransportStream),
        Origin::RawGpmf => return Err(JobError::RawGpmf),
        // Dashcam and Bandit GPS, and any format added later, are what convert writes.
        _ => {}
    }
    report.source = Some(SourceRead {
        summary: read.summary,
        warnings: read.warnings,
        details: read.details,
    });
    Ok((read.telemetry, gopro))
}

/// The GPS file beside a video that belongs to it: `DJI_0001.SRT` (any case of the extension)
/// for `DJI_0001.MP4`, as DJI drones record them.
pub fn sidecar(video: &Path) -> Option<PathBuf> {
    // DJI writes `.SRT`; copies often end up `.srt`. Those two are a stat each; only another
    // spelling (`.Srt`) lists the folder, so a folder of N clips is not N listings.
    for extension in ["SRT", "srt"] {
        let path = video.with_extension(extension);
        if path.is_file() {
            return Some(path);
        }
    }
    let stem = video.file_stem()?;
    let folder = match video.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut found: Vec<PathBuf> = std::fs::read_dir(folder)
        .ok()?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.file_stem() == Some(stem)
                && path
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| e.eq_ignore_ascii_case("srt"))
                && path.is_file()
        })
        .collect();
    // Several spellings of one name on a case-sensitive disk: the same one every run.
    found.sort();
    found.into_iter().next().map(|path| match video.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => path,
        _ => PathBuf::from(path.file_name().unwrap_or_default()),
    })
}

/// Writes the GPS of `track`, the video's sidecar (a DJI SRT: see [`sidecar`]), into a copy
/// of the video `input` in `output` as a GPMF track. The subtitles' times are the video's own
/// timeline, so with `Anchor::Dashcam` or `Anchor::CameraGps` the track lines up by them
/// without any clock; their dates (the drone's clock, local time) are read at `gps_tz`. A
/// sidecar without dates is dated from the video's creation time.
pub fn convert_sidecar<R, W>(
    input: &mut R,
    output: &mut W,
    track: TrackInput<'_>,
    gps_tz: UtcOffset,
    options: &InjectOptions,
    progress: &mut dyn Progress,
) -> Result<Converted, Failure>
where
    R: Read + Seek,
    W: Write + Seek,
{
    sidecar_converted(
        input,
        track,
        gps_tz,
        options,
        |input, points, options, report| copy(input, output, points, options, report, progress),
    )
}

/// [`convert_sidecar`] into the video file itself, as [`super::inject_in_place`] writes.
pub fn convert_sidecar_in_place(
    file: &mut File,
    path: &Path,
    track: TrackInput<'_>,
    gps_tz: UtcOffset,
    options: &InjectOptions,
    progress: &mut dyn Progress,
) -> Result<Converted, Failure> {
    sidecar_converted(
        file,
        track,
        gps_tz,
        options,
        |file, points, options, report| in_place(file, path, points, options, report, progress),
    )
}

/// Reads the sidecar and has `write` write its points, as a [`Converted`].
fn sidecar_converted<R: Read + Seek>(
    input: &mut R,
    track: TrackInput<'_>,
    gps_tz: UtcOffset,
    options: &InjectOptions,
    write: impl FnOnce(&mut R, Points<'_>, &InjectOptions, &mut Report) -> Result<(), JobError>,
) -> Result<Converted, Failure> {
    let mut report = Report::default();
    let mut gps = Vec::new();
    let mut options = options.clone();
    // The subtitles carry the video's own timeline: line up by it, as with a camera's GPS.
    if options.anchor == Anchor::Dashcam {
        options.anchor = Anchor::CameraGps;
    }
    let result = read_sidecar(input, track, gps_tz, &options, &mut report).and_then(|points| {
        gps = points;
        let points = Points::Loaded {
            gps: &gps,
            sensors: &[],
        };
        write(input, points, &options, &mut report)
    });
    finish(result, report).map(|report| Converted { report, gps })
}

/// The sidecar's points, dated (its dates at `gps_tz`, else the video's creation time plus
/// the media time) and cleaned as every track file's are.
fn read_sidecar<R: Read + Seek>(
    input: &mut R,
    track: TrackInput<'_>,
    gps_tz: UtcOffset,
    options: &InjectOptions,
    report: &mut Report,
) -> Result<Vec<GpsPoint>, JobError> {
    let whole = read_whole(track)?;
    let mut points = whole.telemetry.gps;
    let tz = Duration::seconds(i64::from(gps_tz.whole_seconds()));
    let undated = points.iter().all(|p| p.time.is_none());
    let base = if undated {
        let creation = open_mp4(input)?.mvhd()?.times.creation;
        // A video without a creation time (0) still lines up: by media time from any date.
        Some(mac_time_to_utc(creation).unwrap_or(GPS_EPOCH))
    } else {
        None
    };
    for point in &mut points {
        point.time = match (point.time, base, point.media_time) {
            (Some(time), _, _) => time.checked_sub(tz),
            (None, Some(base), Some(media)) => {
                Duration::checked_seconds_f64(media).and_then(|d| base.checked_add(d))
            }
            _ => None,
        };
    }
    points.retain(|p| p.time.is_some());
    points.sort_by_key(|p| p.time);
    report.source = Some(SourceRead {
        summary: format!(
            "{} ({}): {} points",
            whole.read.format,
            whole.read.name,
            points.len()
        ),
        warnings: whole.read.warnings.iter().map(|w| w.to_string()).collect(),
        details: Vec::new(),
    });
    report.tracks = vec![whole.read];
    if points.is_empty() {
        return Err(JobError::NoTimedPoints);
    }
    Ok(clean(points, &whole.merge, options, report))
}
