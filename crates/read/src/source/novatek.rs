//! Novatek-family dashcams: `freeGPS` blocks in an MP4/MOV (through the `moov/gps ` index,
//! else by scanning), PID 0x300 of an MPEG-TS recording, and MP4s too damaged to open,
//! scanned whole. Read by `crate::novatek`, which decides the Rexing V1-4K transform from the
//! file itself.

use super::container::is_transport_stream;
use super::registry::{Format, Reach, ReadSeek};
use super::{FileTelemetry, Found, Observer, Options, Origin, SourceError};
use crate::model::{AltitudeRef, Telemetry};
use crate::mp4::{Mp4, Mp4Error};
use crate::novatek::{self, FileOptions, Located, NovatekFile};

/// `freeGPS` blocks in an MP4/MOV.
pub(super) static MP4: Format = Format {
    name: "Novatek GPS",
    looked_for: &["a Novatek moov/gps index", "freeGPS blocks in mdat"],
    gpmf: false,
    extensions: &["mp4", "mov"],
    reach: Reach::Mp4(read_mp4),
};

/// GPS records on PID 0x300 of an MPEG-TS recording.
pub(super) static TS: Format = Format {
    name: "Novatek GPS",
    looked_for: &["GPS records on PID 0x300 of an MPEG-TS file"],
    gpmf: false,
    extensions: &["ts"],
    reach: Reach::Other(detect_ts, read_ts),
};

/// `freeGPS` blocks anywhere in an MP4/MOV whose boxes cannot be read (a clip cut by a power
/// loss has no `moov`).
pub(super) static UNOPENABLE: Format = Format {
    name: "Novatek GPS",
    looked_for: &["freeGPS blocks anywhere in the file"],
    gpmf: false,
    extensions: &[],
    reach: Reach::Unopenable(read_unopenable),
};

fn file_options(options: &Options) -> FileOptions {
    FileOptions {
        decode: options.novatek,
        force_scan: options.force_scan,
        details: options.details,
    }
}

fn read_mp4(
    mp4: &Mp4,
    mut reader: &mut dyn ReadSeek,
    options: &Options,
    _observer: &mut Observer<'_>,
) -> Option<Found> {
    let index = mp4.moov().root().child(b"gps ");
    let location = |located| match (located, index) {
        (Located::Index, Some(index)) => index.path.clone(),
        _ => "top-level mdat and free boxes".to_string(),
    };
    match novatek::read_mp4(mp4, &mut reader, &file_options(options)) {
        Ok(None) => None,
        Ok(Some(file)) => Some(Found {
            format: &MP4,
            location: location(file.located),
            extent: match file.located {
                Located::Index => format!("{} indexed blocks", file.track.summary.blocks),
                _ => format!("{} freeGPS blocks", file.track.summary.blocks),
            },
            telemetry: Ok(from_novatek(file, Vec::new())),
        }),
        Err(error) => Some(Found {
            format: &MP4,
            location: location(if index.is_some() {
                Located::Index
            } else {
                Located::MdatScan
            }),
            extent: String::new(),
            telemetry: Err(error.into()),
        }),
    }
}

fn detect_ts(mut reader: &mut dyn ReadSeek) -> std::io::Result<bool> {
    is_transport_stream(&mut reader)
}

fn read_ts(reader: &mut dyn ReadSeek, options: &Options, _observer: &mut Observer<'_>) -> Found {
    let read = reader
        .seek(std::io::SeekFrom::Start(0))
        .map_err(SourceError::Io)
        .and_then(|_| Ok(novatek::read_ts_file(reader, &file_options(options))?));
    Found {
        format: &TS,
        location: Located::TransportStream.describe().to_string(),
        extent: match &read {
            Ok(Some(file)) => format!("{} GPS payloads", file.track.summary.blocks),
            _ => String::new(),
        },
        telemetry: read.and_then(|file| {
            file.map(|file| from_novatek(file, Vec::new()))
                .ok_or(SourceError::NoTsTelemetry)
        }),
    }
}

fn read_unopenable(
    mut reader: &mut dyn ReadSeek,
    options: &Options,
    error: &Mp4Error,
) -> Result<Option<FileTelemetry>, SourceError> {
    let found = novatek::read_damaged(&mut reader, &file_options(options))?;
    Ok(found.map(|file| {
        let why = format!(
            "the MP4 boxes cannot be read ({error}); GPS recovered by scanning the whole file"
        );
        from_novatek(file, vec![why])
    }))
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
        Located::TransportStream => "Novatek MPEG-TS",
        _ => "Novatek freeGPS",
    };
    if let Some(why) = index_unusable {
        warnings.push(format!("moov/gps index not used: {why}"));
    }
    if options.rexing_deobfuscate {
        warnings.push(
            "Rexing V1-4K coordinate transform applied (firmware frea/ver 3.01.054, or asked for)"
                .to_string(),
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
        cut: None,
        camm: None,
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
