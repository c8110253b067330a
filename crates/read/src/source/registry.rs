//! The formats telemux reads, in the order they are tried. A new format is a module in
//! `source/` with a `FORMAT` constant, and one line in [`FORMATS`].

use std::io::{Read, Seek};

use super::{FileTelemetry, Found, Observer, Options, SourceError};
use crate::mp4::{Mp4, Mp4Error};

/// A reader [`Format`]s take as a trait object, so the registry is one list of plain values.
pub trait ReadSeek: Read + Seek {}

impl<T: Read + Seek + ?Sized> ReadSeek for T {}

/// Whether a whole file is in a format, from its first bytes. Leaves the reader anywhere.
pub type Detect = fn(&mut dyn ReadSeek) -> std::io::Result<bool>;
/// Reads a whole file that [`Detect`] recognised.
pub type ReadFile = fn(&mut dyn ReadSeek, &Options, &mut Observer<'_>) -> Found;
/// Reads a format inside an opened MP4/MOV: `None` when the file holds none of it.
pub type ReadMp4 = fn(&Mp4, &mut dyn ReadSeek, &Options, &mut Observer<'_>) -> Option<Found>;
/// Recovers telemetry from an MP4/MOV whose boxes cannot be read (`Mp4Error`).
pub type ReadUnopenable =
    fn(&mut dyn ReadSeek, &Options, &Mp4Error) -> Result<Option<FileTelemetry>, SourceError>;

/// Where a format lives, which decides when it is tried.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub enum Reach {
    /// A file of its own, recognised by its first bytes before the file is opened as MP4.
    Head(Detect, ReadFile),
    /// Inside an MP4/MOV, once its box tree is open.
    Mp4(ReadMp4),
    /// A file that is not MP4/MOV, recognised by its first bytes.
    Other(Detect, ReadFile),
    /// An MP4/MOV whose box structure cannot be read.
    Unopenable(ReadUnopenable),
}

/// One format: how reports name it, what a user is told was looked for, the file name
/// endings a folder is searched for, and where and how it is read.
#[non_exhaustive]
pub struct Format {
    /// The kind of telemetry, as reports name it (`GoPro GPMF`, `Novatek GPS`, …).
    pub name: &'static str,
    /// What was looked for, for the "nothing found" message (Mp4 formats).
    pub looked_for: &'static [&'static str],
    /// Whether it reads GPMF payloads, showing each to the [`Observer`].
    pub gpmf: bool,
    /// Lower-case file name endings of files in this format, for folder expansion.
    pub extensions: &'static [&'static str],
    /// Where it lives and how it is read.
    pub reach: Reach,
}

impl std::fmt::Debug for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// A format is its registry line: the same line, the same format.
impl PartialEq for Format {
    fn eq(&self, other: &Format) -> bool {
        std::ptr::eq(self, other)
    }
}

/// Every format telemux reads, in the order they are tried within each [`Reach`].
pub static FORMATS: [&Format; 7] = [
    &super::gpmf::RAW,
    &super::gpmf::TRACK,
    &super::camm::FORMAT,
    &super::ttad::FORMAT,
    &super::novatek::MP4,
    &super::novatek::TS,
    &super::novatek::UNOPENABLE,
];

/// What an MP4/MOV was searched for, in order: "a …, a …, and …".
pub fn looked_for() -> String {
    let items: Vec<&str> = FORMATS
        .iter()
        .filter(|f| matches!(f.reach, Reach::Mp4(_)))
        .flat_map(|f| f.looked_for.iter().copied())
        .collect();
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => {
            format!("looked for {}, and {last}", rest.join(", "))
        }
        _ => format!("looked for {}", items.join("")),
    }
}

/// The first [`Reach::Head`] format that recognises the file (a file of its own kind, such as
/// raw GPMF), read; `None` when the file is none of them.
pub fn read_head(
    reader: &mut dyn ReadSeek,
    options: &Options,
    observer: &mut Observer<'_>,
) -> std::io::Result<Option<Found>> {
    read_detected(reader, options, observer, |reach| match reach {
        Reach::Head(detect, read) => Some((detect, read)),
        _ => None,
    })
}

/// The first [`Reach::Other`] format that recognises a file that is not MP4/MOV, read.
pub(super) fn read_other(
    reader: &mut dyn ReadSeek,
    options: &Options,
    observer: &mut Observer<'_>,
) -> std::io::Result<Option<Found>> {
    read_detected(reader, options, observer, |reach| match reach {
        Reach::Other(detect, read) => Some((detect, read)),
        _ => None,
    })
}

/// The first format of those `whole` picks (whole files) whose detection accepts the file.
fn read_detected(
    reader: &mut dyn ReadSeek,
    options: &Options,
    observer: &mut Observer<'_>,
    whole: impl Fn(Reach) -> Option<(Detect, ReadFile)>,
) -> std::io::Result<Option<Found>> {
    for (detect, read) in FORMATS.iter().filter_map(|format| whole(format.reach)) {
        if detect(reader)? {
            return Ok(Some(read(reader, options, observer)));
        }
    }
    Ok(None)
}

/// What the first [`Reach::Mp4`] format that finds telemetry in `mp4` read, the CAMM track
/// tried first when `options.prefer_camm`.
pub(super) fn read_mp4<R: Read + Seek>(
    mp4: &Mp4,
    reader: &mut R,
    options: &Options,
    observer: &mut Observer<'_>,
) -> Option<Found> {
    let preferred = options.prefer_camm.then_some(&super::camm::FORMAT);
    let rest = FORMATS.iter().copied().filter(|f| Some(*f) != preferred);
    preferred
        .into_iter()
        .chain(rest)
        .find_map(|format| match format.reach {
            Reach::Mp4(read) => read(mp4, reader, options, observer),
            _ => None,
        })
}

/// What the first [`Reach::Unopenable`] format recovers from a file whose boxes `error` says
/// cannot be read.
pub(super) fn read_unopenable(
    reader: &mut dyn ReadSeek,
    options: &Options,
    error: &Mp4Error,
) -> Result<Option<FileTelemetry>, SourceError> {
    for format in FORMATS {
        if let Reach::Unopenable(read) = format.reach {
            if let Some(found) = read(reader, options, error)? {
                return Ok(Some(found));
            }
        }
    }
    Ok(None)
}
