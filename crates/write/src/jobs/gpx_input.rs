//! GPX documents as the input of a job: files or any reader (stdin), read as a stream keeping
//! only the window of time the video needs.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;

use telemux_read::gpx::{self, MergeReport, Totals, Window};
use telemux_read::model::GpsPoint;

use super::error::JobError;

/// One GPX document.
#[non_exhaustive]
pub enum GpxInput<'a> {
    /// A file, opened when the job reads it.
    File(PathBuf),
    /// A document from a reader, with the name errors give it (`-` for stdin, say).
    Reader {
        /// What errors call it.
        name: String,
        /// The document.
        reader: Box<dyn BufRead + 'a>,
    },
}

impl GpxInput<'_> {
    fn name(&self) -> String {
        match self {
            GpxInput::File(path) => path.display().to_string(),
            GpxInput::Reader { name, .. } => name.clone(),
        }
    }
}

/// The points of every document a window needs, merged in time order.
pub(super) struct GpxPoints {
    /// Strictly increasing in time.
    pub points: Vec<GpsPoint>,
    /// Counts over every timed point of the documents.
    pub totals: Totals,
    /// Points without a time, with a repeated time, or out of time order.
    pub merge: MergeReport,
}

/// Reads a file in pieces this large.
const READ_BUFFER: usize = 64 << 10;

/// The timed points of every document that `window` needs, merged in time order, read as a
/// stream: memory follows the window, not the files.
pub(super) fn read_gpx(inputs: Vec<GpxInput<'_>>, window: Window) -> Result<GpxPoints, JobError> {
    let mut documents = Vec::new();
    for input in inputs {
        let name = input.name();
        let reader: Box<dyn BufRead + '_> = match input {
            GpxInput::File(path) => {
                let file = File::open(&path).map_err(|source| JobError::GpxOpen {
                    name: name.clone(),
                    source,
                })?;
                Box::new(BufReader::with_capacity(READ_BUFFER, file))
            }
            GpxInput::Reader { reader, .. } => reader,
        };
        let windowed =
            gpx::read_window(reader, window).map_err(|source| JobError::Gpx { name, source })?;
        documents.push(windowed);
    }
    let merged = gpx::merge_windows(documents);
    Ok(GpxPoints {
        points: merged.points,
        totals: merged.totals,
        merge: merged.report,
    })
}
