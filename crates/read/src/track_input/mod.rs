//! Track files as input (`inject --track`, `extract FILE`): GPS tracks recorded by something
//! other than the camera (a watch, a bike computer, a drone's subtitle file, a logger, a map).
//!
//! Each format is one module with a [`Kind`] constant and one line in [`KINDS`]. A reader
//! streams: it hands each point to `emit` as it is read and keeps nothing itself, so what is
//! kept (the window of time a video needs) is decided by the caller and memory does not grow
//! with the file.
//!
//! A file's format is decided by content first ([`Kind::detect`] on its head, in [`KINDS`]
//! order), then by its extension ([`detect_file`]). Every format's points go through one sieve
//! ([`read_window`], the one GPX uses), or are read whole for `extract` ([`read_all`]).

pub mod csv;
pub mod fit;
pub mod geojson;
pub mod json;
mod json_stream;
pub mod kml;
pub mod nmea;
pub mod srt;
mod text;
mod window;

use std::fmt;
use std::io::BufRead;

use crate::gpx::GpxError;
use crate::model::{AltitudeRef, GpsPoint};

pub use window::{read_all, read_file, read_window, WholeTrack};

/// Where in a track file something is: a line of a text format, a byte of a binary one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Place {
    /// A line, from 1.
    Line(u64),
    /// A byte offset from the start of the file, from 0.
    Byte(u64),
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Line(line) => write!(f, "line {line}"),
            Place::Byte(byte) => write!(f, "byte {byte}"),
        }
    }
}

/// Something skipped or doubtful, with where it is ("line 12: checksum 5A, computed 5B").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Where in the file.
    pub place: Place,
    /// What was wrong and what was done about it.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

/// Warnings kept word for word; past this many only their number grows, so a file of a
/// million bad lines does not fill memory with messages.
pub const KEPT_WARNINGS: usize = 20;

/// What a reader learnt of a file besides its points.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Parsed {
    /// The device or app that wrote the file, when it says.
    pub device: Option<String>,
    /// What the altitudes are measured from.
    pub altitude_ref: AltitudeRef,
    /// The first [`KEPT_WARNINGS`] warnings.
    pub warnings: Vec<Warning>,
    /// How many warnings there were in all.
    pub warning_count: usize,
}

impl Parsed {
    /// Records a warning at `place`.
    pub fn warn(&mut self, place: Place, message: impl Into<String>) {
        self.warning_count += 1;
        if self.warnings.len() < KEPT_WARNINGS {
            self.warnings.push(Warning {
                place,
                message: message.into(),
            });
        }
    }
}

/// Why a track file could not be read at all (damage after some points is a [`Warning`]
/// where the format allows the points before it to be trusted).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TrackInputError {
    /// The file could not be read.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The content is broken where no point can be trusted past it, or a required part (a
    /// time column, a header) is missing.
    #[error("{place}: {message}")]
    Invalid {
        /// Where.
        place: Place,
        /// What is wrong, in words a user can act on.
        message: String,
    },
    /// A GPX document that cannot be read (GPX keeps its own errors, which name line, column
    /// and element path).
    #[error(transparent)]
    Gpx(#[from] GpxError),
    /// No format's detection accepts the file's head, and its extension is none of theirs.
    #[error(
        "not a track file telemux reads (by content, else by extension: {})",
        formats_read()
    )]
    UnknownFormat,
}

/// Bytes of a file's head that [`Kind::detect`] is shown.
pub const HEAD_LEN: usize = 4096;

/// Streams a file's points to `emit`, in file order, recording what else it learns in
/// `parsed`.
pub type Read =
    fn(&mut dyn BufRead, &mut dyn FnMut(GpsPoint), &mut Parsed) -> Result<(), TrackInputError>;

/// One track file format.
#[non_exhaustive]
pub struct Kind {
    /// The format's name in reports ("FIT", "DJI SRT", "NMEA 0183").
    pub name: &'static str,
    /// Lower-case file name endings, for folders and for files whose content says nothing.
    pub extensions: &'static [&'static str],
    /// Whether a file is in this format, from its first [`HEAD_LEN`] bytes (fewer when the
    /// file is shorter).
    pub detect: fn(&[u8]) -> bool,
    /// Reads the file.
    pub read: Read,
}

impl fmt::Debug for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

impl Kind {
    /// Whether this is GPX, which keeps its own streaming parser ([`crate::gpx::read_window`]).
    pub fn is_gpx(&self) -> bool {
        std::ptr::eq(self, &crate::gpx::KIND)
    }
}

/// Every track file format telemux reads, in the order their detections are tried: binary
/// magic numbers first, then XML roots, then text shapes.
pub static KINDS: &[&Kind] = &[
    &fit::KIND,
    &crate::gpx::KIND,
    &kml::KIND,
    &srt::KIND,
    &nmea::KIND,
    &csv::KIND,
    &json::KIND,
    &geojson::KIND,
];

/// The first format whose detection accepts `head`.
pub fn detect(head: &[u8]) -> Option<&'static Kind> {
    KINDS.iter().copied().find(|kind| (kind.detect)(head))
}

/// The format of a file: by its first [`HEAD_LEN`] bytes `head`, else by its `extension`
/// (any case; a file whose content says nothing, such as an empty one, still gets its own
/// format's error).
pub fn detect_file(head: &[u8], extension: Option<&str>) -> Option<&'static Kind> {
    let head = head.get(..HEAD_LEN).unwrap_or(head);
    detect(head).or_else(|| {
        let extension = extension?.to_ascii_lowercase();
        KINDS
            .iter()
            .copied()
            .find(|kind| kind.extensions.contains(&extension.as_str()))
    })
}

/// The format of the input `input` named `name` (for the extension), and a reader that
/// gives the whole input again. The head is read in as many reads as it takes (a pipe
/// hands over a few bytes at a time: one `fill_buf` may hold less than a format needs to be
/// recognised); [`TrackInputError::UnknownFormat`] when neither content nor name says.
pub fn detect_input<'a, R: BufRead + 'a>(
    input: R,
    name: &std::path::Path,
) -> Result<(&'static Kind, impl BufRead + 'a), TrackInputError> {
    let (head, input) = read_head(input)?;
    let extension = name.extension().and_then(|e| e.to_str());
    let kind = detect_file(head.get_ref(), extension).ok_or(TrackInputError::UnknownFormat)?;
    Ok((kind, std::io::Read::chain(head, input)))
}

/// The first [`HEAD_LEN`] bytes of `input` (fewer when it is shorter), read to the end of the
/// head or of the input, and the rest of it.
pub(crate) fn read_head<R: BufRead>(
    mut input: R,
) -> std::io::Result<(std::io::Cursor<Vec<u8>>, R)> {
    let mut head = Vec::with_capacity(HEAD_LEN);
    std::io::Read::read_to_end(
        &mut std::io::Read::take(&mut input, HEAD_LEN as u64),
        &mut head,
    )?;
    Ok((std::io::Cursor::new(head), input))
}

/// The formats read with their extensions, for messages: "GPX (.gpx), FIT (.fit)".
pub fn formats_read() -> String {
    let formats: Vec<String> = KINDS
        .iter()
        .map(|kind| {
            let extensions: Vec<String> = kind.extensions.iter().map(|e| format!(".{e}")).collect();
            format!("{} ({})", kind.name, extensions.join(", "))
        })
        .collect();
    formats.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::path::Path;

    #[test]
    fn a_pipe_that_hands_over_a_few_bytes_at_a_time_is_still_recognised() {
        let srt = "1\n00:00:00,000 --> 00:00:00,033\n<font size=\"28\">FrameCnt: 1\n\
            2022-06-01 12:00:00.000\n[latitude: 45.5] [longitude: 7.25] [altitude: 300]</font>\n\n";
        // Three bytes a read, as stdin may give them: one fill_buf holds "1\n0".
        let pipe = std::io::BufReader::with_capacity(3, srt.as_bytes());
        let (kind, mut input) = detect_input(pipe, Path::new("-")).unwrap();
        assert_eq!(kind.name, "DJI SRT");
        let mut again = String::new();
        input.read_to_string(&mut again).unwrap();
        assert_eq!(again, srt, "the head is read again after detection");
    }
}
