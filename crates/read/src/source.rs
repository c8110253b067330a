//! Finding the telemetry in a file, whoever wrote it: the one entry point `extract`, `verify`
//! and `convert` use, so every command recognises the same sources in the same order.

use std::io::{Read, Seek, SeekFrom};

use crate::gopro::{self, GoproError};
use crate::model::Telemetry;
use crate::mp4::{Mp4, Mp4Error};
use crate::ttad::{self, DecodeOptions, TtadError};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Collect non-GPS sensor streams too (for JSON exports).
    pub sensors: bool,
    /// Keep GPS points the source marks as having no fix (TomTom Bandit modes 0 and 1).
    pub unfixed_gps: bool,
}

/// A file's telemetry and what the user should be told about it.
#[derive(Debug, Clone, PartialEq)]
pub struct FileTelemetry {
    pub telemetry: Telemetry,
    /// One line: where the points came from and how many.
    pub summary: String,
    /// Damage that was skipped (bad payloads, …), one line each.
    pub warnings: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error(transparent)]
    Mp4(#[from] Mp4Error),
    #[error(transparent)]
    Gopro(GoproError),
    #[error(transparent)]
    Ttad(#[from] TtadError),
    #[error(
        "no telemetry found (looked for a GoPro GPMF track and a TomTom Bandit \
         moov/udta/TTMD/TTAD box)"
    )]
    NoTelemetry,
    #[error("not an MP4/MOV file (it starts with {start:?})")]
    NotMp4 { start: String },
    #[error("reading the file: {0}")]
    Io(#[from] std::io::Error),
}

/// Box types that start real MP4/QuickTime files. Anything else is some other kind of file,
/// and saying so beats reporting a nonsensical box size.
const FIRST_BOXES: [&[u8; 4]; 10] = [
    b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot", b"uuid", b"styp", b"junk",
];

/// Opens an MP4/MOV, telling other kinds of file apart with a clear error.
pub fn open_mp4<R: Read + Seek>(reader: &mut R) -> Result<Mp4, SourceError> {
    check_mp4(reader)?;
    Ok(Mp4::open(reader)?)
}

/// Errors with `NotMp4` unless the file starts with a box type real MP4/QuickTime files start
/// with; reads 8 bytes and rewinds.
pub fn check_mp4<R: Read + Seek>(reader: &mut R) -> Result<(), SourceError> {
    let mut head = [0u8; 8];
    reader.seek(SeekFrom::Start(0))?;
    let n = reader.read(&mut head)?;
    reader.seek(SeekFrom::Start(0))?;
    if n == 8 && FIRST_BOXES.iter().any(|k| head[4..8] == k[..]) {
        return Ok(());
    }
    Err(SourceError::NotMp4 {
        start: String::from_utf8_lossy(&head[..n]).into_owned(),
    })
}

/// Reads the telemetry of an MP4/MOV file.
pub fn read<R: Read + Seek>(
    reader: &mut R,
    options: Options,
) -> Result<FileTelemetry, SourceError> {
    let mp4 = open_mp4(reader)?;
    let sensors = options.sensors;
    match gopro::read(&mp4, reader, gopro::ReadOptions { sensors }) {
        Ok(t) => Ok(FileTelemetry {
            summary: format!(
                "{}: {} points in {} payloads",
                t.telemetry.source,
                t.telemetry.gps.len(),
                t.payloads
            ),
            warnings: t.skipped,
            telemetry: t.telemetry,
        }),
        Err(GoproError::NoTelemetry) => read_ttad(&mp4, options),
        Err(GoproError::Mp4(e)) => Err(SourceError::Mp4(e)),
        Err(e) => Err(SourceError::Gopro(e)),
    }
}

/// A TomTom Bandit's `moov/udta/TTMD/TTAD` (a Bandit file has no GPMF track). Damage is
/// reported as warnings next to what could be decoded; a payload yielding nothing is an error.
fn read_ttad(mp4: &Mp4, options: Options) -> Result<FileTelemetry, SourceError> {
    let atom = ttad::find(mp4)?.ok_or(SourceError::NoTelemetry)?;
    let decode_options = DecodeOptions {
        include_unfixed_gps: options.unfixed_gps,
    };
    let mut decoded = ttad::decode(atom.payload, &decode_options)?;
    let warnings = ttad::damage(&decoded.summary, atom.payload.len());
    let nothing = decoded.telemetry.gps.is_empty()
        && decoded
            .telemetry
            .sensors
            .iter()
            .all(|s| s.samples.is_empty());
    if nothing {
        let damage = match warnings.is_empty() {
            true => ttad::summary_line(&decoded),
            false => warnings.join("; "),
        };
        return Err(TtadError::NothingDecoded { damage }.into());
    }
    let summary = ttad::summary_line(&decoded);
    if !options.sensors {
        decoded.telemetry.sensors.clear();
    }
    Ok(FileTelemetry {
        telemetry: decoded.telemetry,
        summary,
        warnings,
    })
}
