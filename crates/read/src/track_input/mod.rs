//! Track files as input (`inject --track`, `extract FILE`): GPS tracks recorded by something
//! other than the camera (a watch, a bike computer, a drone's subtitle file, a logger, a map).
//!
//! Each format is one module with a [`Kind`] constant and one line in [`KINDS`]. A reader
//! streams: it hands each point to `emit` as it is read and keeps nothing itself, so what is
//! kept (the window of time a video needs) is decided by the caller and memory does not grow
//! with the file.

use std::fmt;
use std::io::BufRead;

use crate::model::{AltitudeRef, GpsPoint};

pub mod csv;
pub mod geojson;
pub mod json;
mod json_stream;
pub mod kml;
pub mod nmea;
mod text;

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

/// Every track file format telemux reads, in the order their detections are tried.
pub static KINDS: &[&Kind] = &[
    &nmea::KIND,
    &csv::KIND,
    &json::KIND,
    &geojson::KIND,
    &kml::KIND,
];

/// The first format whose detection accepts `head`.
pub fn detect(head: &[u8]) -> Option<&'static Kind> {
    KINDS.iter().copied().find(|kind| (kind.detect)(head))
}
