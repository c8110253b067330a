//! The convert job: a dashcam clip's own GPS (Novatek `freeGPS`, a TomTom Bandit's TTAD)
//! written into the clip as a GPMF track, through the inject job.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::Path;

use telemux_read::model::{GpsPoint, Telemetry};
use telemux_read::novatek::Located;
use telemux_read::source::{self, Origin};

use super::error::{Failure, JobError};
use super::inject::{copy, finish, in_place, Points, Progress};
use super::options::InjectOptions;
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
/// a copy of it in `output` as a GPMF track. Refuses clips that already carry GPMF, MPEG-TS
/// recordings and raw GPMF tracks.
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
    converted(input, read, |input, points, report| {
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
    converted(file, read, |file, points, report| {
        in_place(file, path, points, options, report, progress)
    })
}

/// Reads the clip's own GPS from `input` and has `write` write them, as a [`Converted`].
fn converted<R: Read + Seek>(
    input: &mut R,
    read: source::Options,
    write: impl FnOnce(&mut R, Points<'_>, &mut Report) -> Result<(), JobError>,
) -> Result<Converted, Failure> {
    let mut report = Report::default();
    let mut gps = Vec::new();
    let result = read_clip(input, read, &mut report).and_then(|telemetry| {
        gps = telemetry.gps;
        let points = Points::Loaded {
            gps: &gps,
            sensors: &telemetry.sensors,
        };
        write(input, points, &mut report)
    });
    finish(result, report).map(|report| Converted { report, gps })
}

/// The clip's own telemetry, when it is a dashcam's that a GPMF track can carry.
fn read_clip<R: Read + Seek>(
    input: &mut R,
    options: source::Options,
    report: &mut Report,
) -> Result<Telemetry, JobError> {
    let read = source::read(input, options)?;
    match read.origin {
        Origin::GoproTrack => {
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
    Ok(read.telemetry)
}
