//! The convert job: a dashcam clip's own GPS (Novatek `freeGPS`, a TomTom Bandit's TTAD)
//! written into the clip as a GPMF track, through the inject job; or, with
//! [`TrackFormats::Camm`], a GoPro's own GPMF (GPS and ACCL/GYRO/MAGN) written beside it as a
//! CAMM track, lined up by the GPMF's own media times.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::Path;

use telemux_read::model::{GpsPoint, Telemetry};
use telemux_read::novatek::Located;
use telemux_read::source::{self, Origin};

use super::align::Anchor;
use super::error::{Failure, JobError};
use super::inject::{copy, finish, in_place, Points, Progress};
use super::options::{InjectOptions, TrackFormats};
use super::report::{Report, SourceRead};

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
