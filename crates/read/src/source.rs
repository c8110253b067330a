//! Finding the telemetry in a file, whoever wrote it: the one entry point `extract`, `verify`
//! and `convert` use, so every command recognises the same sources in the same order. Raw GPMF
//! (no container) is recognised by content first, then MP4/MOV, then MPEG-TS.

use std::io::{Read, Seek, SeekFrom};

use crate::gopro::{self, GoproError};
use crate::model::{AltitudeRef, Telemetry};
use crate::mp4::{Mp4, Mp4Error};
use crate::novatek::{self, DecodeOptions, FileOptions, NovatekError, NovatekFile};
use crate::ttad::{self, TtadError};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// Collect non-GPS sensor streams too (for JSON exports).
    pub sensors: bool,
    /// Keep GPS points the source marks as having no fix (TomTom Bandit modes 0 and 1).
    pub unfixed_gps: bool,
    /// How to read dashcam GPS (`--gps-tz`, `--rexing`).
    pub novatek: DecodeOptions,
    /// Ignore a Novatek `moov/gps ` index and scan `mdat` instead.
    pub force_scan: bool,
    /// Keep a line per dashcam block in `FileTelemetry::details` (`--verbose`).
    pub details: bool,
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
    Novatek(novatek::Located),
    /// A TomTom Bandit's `moov/udta/TTMD/TTAD` box.
    Ttad,
}

/// A file's telemetry and what the user should be told about it.
#[derive(Debug, Clone, PartialEq)]
pub struct FileTelemetry {
    pub telemetry: Telemetry,
    pub origin: Origin,
    /// One line: where the points came from and how many.
    pub summary: String,
    /// Damage that was skipped (bad payloads, …), one line each.
    pub warnings: Vec<String>,
    /// One line per dashcam block, when `Options::details` asked for them.
    pub details: Vec<String>,
}

/// What `read` looks for, in this order, for the "nothing found" message.
const LOOKED_FOR: &str = "looked for a GoPro GPMF track (gpmd samples starting with DEVC), a \
    TomTom Bandit moov/udta/TTMD/TTAD box, a Novatek moov/gps index, and freeGPS blocks in mdat";

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    #[error(transparent)]
    Mp4(#[from] Mp4Error),
    #[error(transparent)]
    Gopro(GoproError),
    #[error(transparent)]
    Novatek(#[from] NovatekError),
    #[error(transparent)]
    Ttad(#[from] TtadError),
    #[error("no GPS telemetry found ({LOOKED_FOR})")]
    NoTelemetry,
    #[error("no GPS telemetry found (MPEG-TS: looked for GPS records on PID 0x300)")]
    NoTsTelemetry,
    #[error("not an MP4/MOV file (it starts with {start:?})")]
    NotMp4 { start: String },
    #[error("neither an MP4/MOV nor an MPEG-TS file (it starts with {start:?})")]
    NotVideo { start: String },
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

/// Tells an MP4/MOV apart from other files by its first box type, leaving the reader at 0.
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

/// Reads the telemetry of an MP4/MOV or MPEG-TS file. Looks for, in order: a GoPro GPMF
/// track, a Novatek `moov/gps ` index, `freeGPS` blocks in `mdat`; MPEG-TS files are read
/// for PID 0x300. An MP4 whose boxes cannot be read (a clip cut by a power loss) is scanned
/// whole for `freeGPS` blocks before its error is reported.
pub fn read<R: Read + Seek>(
    reader: &mut R,
    options: Options,
) -> Result<FileTelemetry, SourceError> {
    let novatek_options = FileOptions {
        decode: options.novatek,
        force_scan: options.force_scan,
        details: options.details,
    };
    if is_raw_gpmf(reader)? {
        reader.seek(SeekFrom::Start(0))?;
        let options = gopro::ReadOptions {
            sensors: options.sensors,
        };
        let read = gopro::read_raw(reader.by_ref(), options, &mut |_, _, _| {})
            .map_err(SourceError::Gopro)?;
        return Ok(from_gopro(read, Origin::RawGpmf));
    }
    let mp4 = match open_mp4(reader) {
        Ok(mp4) => mp4,
        Err(SourceError::NotMp4 { start }) => {
            if !is_transport_stream(reader)? {
                return Err(SourceError::NotVideo { start });
            }
            reader.seek(SeekFrom::Start(0))?;
            return novatek::read_ts_file(reader.by_ref(), &novatek_options)?
                .map(|file| from_novatek(file, Vec::new()))
                .ok_or(SourceError::NoTsTelemetry);
        }
        Err(SourceError::Mp4(error)) => {
            return match novatek::read_damaged(reader, &novatek_options)? {
                Some(file) => Ok(from_novatek(
                    file,
                    vec![format!("the MP4 boxes cannot be read ({error}); GPS recovered by scanning the whole file")],
                )),
                None => Err(SourceError::Mp4(error)),
            };
        }
        Err(other) => return Err(other),
    };
    // A track that cannot be parsed is skipped by every source here; say so, and when no
    // telemetry was found it may have been in that track: its damage is the error.
    let damaged: Vec<Mp4Error> = mp4.tracks().filter_map(Result::err).collect();
    match read_mp4_sources(&mp4, reader, options, &novatek_options) {
        Ok(mut found) => {
            found.warnings.extend(
                damaged
                    .iter()
                    .map(|error| format!("{error}; this track was skipped")),
            );
            if let Some(fragment) = mp4.fragmented() {
                found.warnings.push(format!(
                    "fragmented MP4 ({} at byte {}): only the samples in moov's own tables \
                     are read, not those of the movie fragments",
                    fragment.kind, fragment.offset
                ));
            }
            Ok(found)
        }
        Err(SourceError::NoTelemetry) => Err(damaged
            .into_iter()
            .next()
            .map_or(SourceError::NoTelemetry, SourceError::Mp4)),
        other => other,
    }
}

/// The telemetry sources of an opened MP4/MOV, in the order `read` documents.
fn read_mp4_sources<R: Read + Seek>(
    mp4: &Mp4,
    reader: &mut R,
    options: Options,
    novatek_options: &FileOptions,
) -> Result<FileTelemetry, SourceError> {
    let sensors = options.sensors;
    match gopro::read(mp4, reader, gopro::ReadOptions { sensors }) {
        Ok(t) => return Ok(from_gopro(t, Origin::GoproTrack)),
        Err(GoproError::NoTelemetry) => {}
        Err(GoproError::Mp4(e)) => return Err(SourceError::Mp4(e)),
        Err(e) => return Err(SourceError::Gopro(e)),
    }
    // TTAD lives in moov, so it is checked before a Novatek scan of the media.
    if let Some(found) = read_ttad(mp4, options)? {
        return Ok(found);
    }
    novatek::read_mp4(mp4, reader, novatek_options)?
        .map(|file| from_novatek(file, Vec::new()))
        .ok_or(SourceError::NoTelemetry)
}

/// Whether the file is a raw GPMF track: a `DEVC` nest at byte 0 that validates (reads at
/// most that nest, 16 MiB at worst). Leaves the reader anywhere.
pub fn is_raw_gpmf<R: Read + Seek>(reader: &mut R) -> std::io::Result<bool> {
    let mut head = Vec::new();
    reader.seek(SeekFrom::Start(0))?;
    reader.by_ref().take(8).read_to_end(&mut head)?;
    let Some(len) = gopro::nest_len(&head) else {
        return Ok(false);
    };
    reader
        .by_ref()
        .take(len as u64 - head.len() as u64)
        .read_to_end(&mut head)?;
    Ok(gopro::starts_raw_gpmf(&head))
}

fn from_gopro(t: gopro::GoproTelemetry, origin: Origin) -> FileTelemetry {
    FileTelemetry {
        summary: format!(
            "{}: {} points in {} payloads",
            t.telemetry.source,
            t.telemetry.gps.len(),
            t.payloads
        ),
        origin,
        warnings: t.skipped,
        details: Vec::new(),
        telemetry: t.telemetry,
    }
}

/// Whether the file starts with three TS packets.
fn is_transport_stream<R: Read + Seek>(reader: &mut R) -> std::io::Result<bool> {
    let mut head = Vec::with_capacity(3 * novatek::PACKET_LEN);
    reader.seek(SeekFrom::Start(0))?;
    reader
        .by_ref()
        .take(3 * novatek::PACKET_LEN as u64)
        .read_to_end(&mut head)?;
    Ok(novatek::looks_like_ts(&head))
}

fn from_novatek(file: NovatekFile, mut warnings: Vec<String>) -> FileTelemetry {
    let NovatekFile {
        track,
        located,
        options,
        index_unusable,
        ts,
    } = file;
    let source = match located {
        novatek::Located::TransportStream => "Novatek MPEG-TS",
        _ => "Novatek freeGPS",
    };
    if let Some(why) = index_unusable {
        warnings.push(format!("moov/gps index not used: {why}"));
    }
    if options.rexing_deobfuscate {
        warnings.push(
            "Rexing V1-4K coordinate transform applied (frea/ver 3.01.054 or --rexing)".to_string(),
        );
    }
    if let Some(ts) = ts {
        if ts.resyncs > 0 || ts.dropped_payloads > 0 {
            warnings.push(format!(
                "MPEG-TS: sync lost {} times, {} malformed GPS payloads dropped",
                ts.resyncs, ts.dropped_payloads
            ));
        }
    }
    // The layout that decoded the most blocks names the device family.
    let device = track
        .summary
        .variants
        .iter()
        .max_by_key(|(_, count)| **count)
        .map(|(variant, _)| variant.name().to_string());
    FileTelemetry {
        summary: format!("{source} ({}): {}", located.describe(), track.summary),
        origin: Origin::Novatek(located),
        warnings,
        details: track.details,
        telemetry: Telemetry {
            source: source.to_string(),
            device,
            // NMEA and the binary layouts give altitude above mean sea level (GGA).
            altitude_ref: AltitudeRef::MeanSeaLevel,
            gps: track.points,
            sensors: Vec::new(),
            highlights: Vec::new(),
        },
    }
}

/// A TomTom Bandit's `moov/udta/TTMD/TTAD` (a Bandit file has no GPMF track), or `None`
/// without one. Damage is reported as warnings next to what could be decoded; a payload
/// yielding nothing is an error.
fn read_ttad(mp4: &Mp4, options: Options) -> Result<Option<FileTelemetry>, SourceError> {
    let Some(atom) = ttad::find(mp4)? else {
        return Ok(None);
    };
    let decode_options = ttad::DecodeOptions {
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
    Ok(Some(FileTelemetry {
        telemetry: decoded.telemetry,
        origin: Origin::Ttad,
        summary,
        warnings,
        details: Vec::new(),
    }))
}
