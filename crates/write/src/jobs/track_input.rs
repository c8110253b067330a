//! Track files (GPX, FIT, DJI SRT, … every format of `telemux_read::track_input::KINDS`) as
//! the input of a job: files or any reader (stdin), each detected by content (else by its
//! extension) and read as a stream keeping only the window of time the video needs.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;

use telemux_read::gpx::{self, MergeReport, Totals, Window};
use telemux_read::model::{GpsPoint, Telemetry};
use telemux_read::track_input::{self, Kind, Parsed, Warning};

use super::error::JobError;

/// One track file, of any format telemux reads.
#[non_exhaustive]
pub enum TrackInput<'a> {
    /// A file, opened when the job reads it.
    File(PathBuf),
    /// A file's content from a reader, with the name errors give it (`-` for stdin, say);
    /// its format is detected from its content.
    Reader {
        /// What errors call it.
        name: String,
        /// The content.
        reader: Box<dyn BufRead + 'a>,
    },
}

/// The input opened, its format detected (the reader gives the head again), and its name.
fn open(input: TrackInput<'_>) -> Result<(&'static Kind, Box<dyn BufRead + '_>, String), JobError> {
    let (reader, name, path): (Box<dyn BufRead + '_>, String, PathBuf) = match input {
        TrackInput::File(path) => {
            let name = path.display().to_string();
            let file = File::open(&path).map_err(|source| JobError::TrackOpen {
                name: name.clone(),
                source,
            })?;
            (
                Box::new(BufReader::with_capacity(READ_BUFFER, file)),
                name,
                path,
            )
        }
        TrackInput::Reader { reader, name } => (reader, name.clone(), PathBuf::from(name)),
    };
    let (kind, reader) =
        track_input::detect_input(reader, &path).map_err(|source| JobError::TrackFile {
            name: name.clone(),
            source,
        })?;
    Ok((kind, Box::new(reader), name))
}

/// What one track file was, and what its reader noticed.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TrackRead {
    /// The file's name as given.
    pub name: String,
    /// Its format ("GPX", "FIT", "DJI SRT").
    pub format: &'static str,
    /// The device or app that wrote it, when it says.
    pub device: Option<String>,
    /// Damage skipped or doubtful values, each with its line or byte offset (the first
    /// `track_input::KEPT_WARNINGS`).
    pub warnings: Vec<Warning>,
    /// How many warnings there were in all.
    pub warning_count: usize,
}

impl TrackRead {
    fn new(name: String, format: &'static str, parsed: Parsed) -> TrackRead {
        TrackRead {
            name,
            format,
            device: parsed.device,
            warnings: parsed.warnings,
            warning_count: parsed.warning_count,
        }
    }
}

/// A whole track file, as `convert` reads a video's sidecar.
pub(super) struct Whole {
    /// Its points (see `track_input::read_all`).
    pub telemetry: Telemetry,
    /// What ordering by time dropped or reordered.
    pub merge: MergeReport,
    /// Its name, format and warnings.
    pub read: TrackRead,
}

/// Reads every point of one track file.
pub(super) fn read_whole(input: TrackInput<'_>) -> Result<Whole, JobError> {
    let (kind, mut reader, name) = open(input)?;
    let whole = track_input::read_all(kind, &mut reader).map_err(|source| JobError::TrackFile {
        name: name.clone(),
        source,
    })?;
    Ok(Whole {
        telemetry: whole.telemetry,
        merge: whole.merge,
        read: TrackRead::new(name, kind.name, whole.parsed),
    })
}

/// The points of every file a window needs, merged in time order.
pub(super) struct TrackPoints {
    /// Strictly increasing in time.
    pub points: Vec<GpsPoint>,
    /// Counts over every timed point of the files.
    pub totals: Totals,
    /// Points without a time, with a repeated time, or out of time order.
    pub merge: MergeReport,
    /// Each file's format and warnings, in the order given.
    pub files: Vec<TrackRead>,
}

impl TrackPoints {
    /// The format of the files, for the report: their common format, else "track".
    pub fn format(&self) -> &'static str {
        match self.files.split_first() {
            Some((first, rest)) if rest.iter().all(|f| f.format == first.format) => first.format,
            _ => "track",
        }
    }
}

/// Reads a file in pieces this large.
const READ_BUFFER: usize = 64 << 10;

/// The timed points of every file that `window` needs, merged in time order, read as a
/// stream: memory follows the window, not the files.
pub(super) fn read_tracks(
    inputs: Vec<TrackInput<'_>>,
    window: Window,
) -> Result<TrackPoints, JobError> {
    let mut windows = Vec::new();
    let mut files = Vec::new();
    for input in inputs {
        let (kind, mut reader, name) = open(input)?;
        let (windowed, parsed) =
            track_input::read_window(kind, &mut reader, window).map_err(|source| {
                JobError::TrackFile {
                    name: name.clone(),
                    source,
                }
            })?;
        files.push(TrackRead::new(name, kind.name, parsed));
        windows.push(windowed);
    }
    let merged = gpx::merge_windows(windows);
    Ok(TrackPoints {
        points: merged.points,
        totals: merged.totals,
        merge: merged.report,
        files,
    })
}
