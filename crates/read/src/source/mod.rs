//! Finding the telemetry in a file, whoever wrote it: the one reading path `extract`,
//! `convert`, `verify` and `dump` go through, so every command recognises the same formats in
//! the same order and decodes each one way.
//!
//! The formats are the lines of [`FORMATS`] (see `registry`): each is one module here that
//! detects its data by content and reads it into the shared model, with its options decided
//! in that module. A new format is one module and one registry line; the "nothing found"
//! message and the file extensions a folder is searched for derive from the registry.

mod camm;
mod container;
mod gpmf;
mod inputs;
mod novatek;
mod registry;
mod ttad;

use std::io::{Read, Seek};

use crate::gopro::{GoproError, Inspect};
use crate::model::Telemetry;
use crate::mp4::{Mp4, Mp4Error};
use crate::novatek::{DecodeOptions, Located, NovatekError};
use crate::ttad::TtadError;

pub use camm::FORMAT as CAMM;
pub use container::{check_mp4, open_mp4};
pub use gpmf::is_raw_gpmf;
pub use gpmf::TRACK as GPMF_TRACK;
pub use inputs::{expand, input_extensions, Expanded, Expansion, InputsError, Skipped};
pub use registry::{looked_for, read_head, Format, Reach, ReadSeek, FORMATS};

/// How to read: what to keep, and the choices a user can make for dashcams.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// Collect non-GPS sensor streams too (for JSON exports).
    pub sensors: bool,
    /// Keep the sensor streams that carry their own timestamps and cost nothing extra to
    /// decode (TomTom Bandit records), even without `sensors`: `verify` checks their times.
    pub timestamped_sensors: bool,
    /// Keep GPS points the source marks as having no fix (TomTom Bandit modes 0 and 1).
    pub unfixed_gps: bool,
    /// How to read dashcam GPS (`--gps-tz`, `--rexing`); the Novatek format switches the
    /// Rexing V1-4K transform on by itself when the file names that firmware.
    pub novatek: DecodeOptions,
    /// Ignore a Novatek `moov/gps ` index and scan `mdat` instead.
    pub force_scan: bool,
    /// Keep a line per dashcam block in `FileTelemetry::details` (`--verbose`).
    pub details: bool,
    /// Read a file's CAMM track even when it also has a GPMF track, which is read by default
    /// (`--prefer-camm`).
    pub prefer_camm: bool,
}

/// Where a file's telemetry was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// A GPMF `gpmd` track (GoPro cameras, telemux output).
    GoproTrack,
    /// A raw GPMF track: payloads back to back, no container.
    RawGpmf,
    /// Novatek `freeGPS` blocks in an MP4/MOV, found as `how` says.
    Novatek(Located),
    /// A TomTom Bandit's `moov/udta/TTMD/TTAD` box.
    Ttad,
    /// A CAMM track (`camm` sample entry: 360 cameras, the Street View app).
    Camm,
    /// A track file (GPX, FIT, DJI SRT, …), read whole: `crate::track_input::read_file`.
    TrackFile,
}

/// A file's telemetry and what the user should be told about it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FileTelemetry {
    /// The points (and sensor streams, when asked for) in the shared model.
    pub telemetry: Telemetry,
    /// Which format held them.
    pub origin: Origin,
    /// One line: where the points came from and how many.
    pub summary: String,
    /// Damage that was skipped (bad payloads, …), one line each.
    pub warnings: Vec<String>,
    /// One line per dashcam block, when `Options::details` asked for them.
    pub details: Vec<String>,
    /// Raw GPMF: where the payloads stopped being readable before the end of the file, and
    /// why (also in `warnings`).
    pub cut: Option<(u64, String)>,
    /// CAMM: the track packet by packet (valid packets by type, bad ones), for `verify`.
    pub camm: Option<crate::camm::CammFacts>,
}

/// What one format found in a file: where, how much, and what it read or why it could not.
#[derive(Debug)]
#[non_exhaustive]
pub struct Found {
    /// The registry line that found it.
    pub format: &'static Format,
    /// Where in the file, e.g. `moov/trak[3]` or `moov/udta/TTMD/TTAD`.
    pub location: String,
    /// Its size in the format's own terms, e.g. `13 payloads`.
    pub extent: String,
    /// The telemetry read, or the error that ended the read.
    pub telemetry: Result<FileTelemetry, SourceError>,
}

/// Sees each GPMF payload as the GoPro formats read it (its index, file offset and bytes), so
/// a caller that checks payloads too (`verify`) gets them in the same single pass.
pub type Observer<'a> = Inspect<'a>;

/// Why a file's telemetry could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// The MP4 box structure is broken (the error names the box path and byte offset).
    #[error(transparent)]
    Mp4(#[from] Mp4Error),
    /// A GPMF track or file that cannot be decoded.
    #[error(transparent)]
    Gopro(GoproError),
    /// A Novatek index or block that cannot be read.
    #[error(transparent)]
    Novatek(#[from] NovatekError),
    /// A TomTom Bandit TTAD box that cannot be decoded.
    #[error(transparent)]
    Ttad(#[from] TtadError),
    /// An MP4/MOV in which no format of the registry found telemetry.
    #[error("no GPS telemetry found ({})", looked_for())]
    NoTelemetry,
    /// An MPEG-TS file without GPS records.
    #[error("no GPS telemetry found (MPEG-TS: looked for GPS records on PID 0x300)")]
    NoTsTelemetry,
    /// Not an MP4/MOV (from its first box type).
    #[error("not an MP4/MOV file (it starts with {start:?})")]
    NotMp4 {
        /// The file's first bytes, as text.
        start: String,
    },
    /// Neither MP4/MOV nor MPEG-TS nor raw GPMF.
    #[error("neither an MP4/MOV nor an MPEG-TS file (it starts with {start:?})")]
    NotVideo {
        /// The file's first bytes, as text.
        start: String,
    },
    /// The file could not be read.
    #[error("reading the file: {0}")]
    Io(#[from] std::io::Error),
}

/// Reads the telemetry of a file: raw GPMF, an MP4/MOV (GoPro GPMF track, TomTom TTAD,
/// Novatek index, else a scan for `freeGPS` blocks), an MPEG-TS (PID 0x300), or an MP4 whose
/// boxes cannot be read (a clip cut by a power loss, scanned whole for `freeGPS` blocks before
/// its error is reported). The order is [`FORMATS`]'.
pub fn read<R: Read + Seek>(
    reader: &mut R,
    options: Options,
) -> Result<FileTelemetry, SourceError> {
    read_observed(reader, options, &mut |_, _, _| {})
}

/// [`read`], showing `observer` every GPMF payload read.
pub fn read_observed<R: Read + Seek>(
    reader: &mut R,
    options: Options,
    observer: &mut Observer<'_>,
) -> Result<FileTelemetry, SourceError> {
    if let Some(found) = registry::read_head(reader, &options, observer)? {
        return found.telemetry;
    }
    let mp4 = match open_mp4(reader) {
        Ok(mp4) => mp4,
        Err(SourceError::NotMp4 { start }) => {
            return match registry::read_other(reader, &options, observer)? {
                Some(found) => found.telemetry,
                None => Err(SourceError::NotVideo { start }),
            };
        }
        Err(SourceError::Mp4(error)) => {
            return registry::read_unopenable(reader, &options, &error)?
                .ok_or(SourceError::Mp4(error));
        }
        Err(other) => return Err(other),
    };
    // A track that cannot be parsed is skipped by every format; say so, and when no telemetry
    // was found it may have been in that track: its damage is the error.
    let damaged: Vec<Mp4Error> = mp4.tracks().filter_map(Result::err).collect();
    let Some(found) = read_mp4(&mp4, reader, options, observer) else {
        return Err(damaged
            .into_iter()
            .next()
            .map_or(SourceError::NoTelemetry, SourceError::Mp4));
    };
    let mut read = found.telemetry?;
    read.warnings.extend(
        damaged
            .iter()
            .map(|error| format!("{error}; this track was skipped")),
    );
    if let Some(fragment) = mp4.fragmented() {
        read.warnings.push(format!(
            "fragmented MP4 ({} at byte {}): only the samples in moov's own tables are read, \
             not those of the movie fragments",
            fragment.kind, fragment.offset
        ));
    }
    Ok(read)
}

/// The telemetry of an opened MP4/MOV: what the first format of [`FORMATS`] that finds any
/// in it reads (the CAMM track first with `Options::prefer_camm`), or `None` when none does.
/// `verify` calls this on the MP4 it opened itself.
pub fn read_mp4<R: Read + Seek>(
    mp4: &Mp4,
    reader: &mut R,
    options: Options,
    observer: &mut Observer<'_>,
) -> Option<Found> {
    registry::read_mp4(mp4, reader, &options, observer)
}

/// What one [`Reach::Mp4`] format of the registry reads in an opened MP4/MOV, `None` when it
/// finds nothing there (or is no `Mp4` format): `verify` checks a file's CAMM track beside the
/// GPMF track that [`read_mp4`] reads first, and the other way round.
pub fn read_format<R: Read + Seek>(
    format: &'static Format,
    mp4: &Mp4,
    reader: &mut R,
    options: Options,
    observer: &mut Observer<'_>,
) -> Option<Found> {
    match format.reach {
        Reach::Mp4(read) => read(mp4, reader, &options, observer),
        _ => None,
    }
}
