//! GoPro GPMF: a raw GPMF track (payloads back to back, no container) and a `gpmd` track of
//! an MP4/MOV, read by `crate::gopro`.

use std::io::{Read, Seek, SeekFrom};

use super::registry::{Format, Reach, ReadSeek};
use super::{FileTelemetry, Found, Observer, Options, Origin, SourceError};
use crate::gopro::{self, GoproError};
use crate::mp4::Mp4;

/// A raw GPMF track, recognised by a valid `DEVC` nest at byte 0.
pub(super) static RAW: Format = Format {
    name: "GoPro GPMF",
    looked_for: &["a raw GPMF track (a valid DEVC nest at byte 0)"],
    // Raw tracks have no agreed file name ending; a folder is searched for videos only.
    gpmf: true,
    extensions: &[],
    reach: Reach::Head(detect_raw, read_raw),
};

/// The GPMF track of an MP4/MOV (GoPro cameras, telemux output).
pub static TRACK: Format = Format {
    name: "GoPro GPMF",
    looked_for: &["a GoPro GPMF track (gpmd samples starting with DEVC)"],
    gpmf: true,
    // `.360`: the GoPro MAX's spherical recordings; `.lrv`: any GoPro's low-resolution proxy.
    extensions: &["mp4", "mov", "lrv", "360"],
    reach: Reach::Mp4(read_track),
};

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

fn detect_raw(mut reader: &mut dyn ReadSeek) -> std::io::Result<bool> {
    is_raw_gpmf(&mut reader)
}

fn read_raw(reader: &mut dyn ReadSeek, options: &Options, observer: &mut Observer<'_>) -> Found {
    let read = reader
        .seek(SeekFrom::Start(0))
        .map_err(SourceError::Io)
        .and_then(|_| {
            gopro::read_raw(reader, read_options(options), observer).map_err(SourceError::Gopro)
        });
    Found {
        format: &RAW,
        location: "raw GPMF".to_string(),
        extent: match &read {
            Ok(read) => format!("{} payloads", read.payloads),
            Err(_) => String::new(),
        },
        telemetry: read.map(|read| from_gopro(read, Origin::RawGpmf)),
    }
}

/// The first track that [`gopro::is_gpmf_track`] accepts, read.
fn read_track(
    mp4: &Mp4,
    mut reader: &mut dyn ReadSeek,
    options: &Options,
    observer: &mut Observer<'_>,
) -> Option<Found> {
    let track = match gopro::find_track(mp4, &mut reader) {
        Ok(track) => track?,
        Err(error) => {
            return Some(Found {
                format: &TRACK,
                location: error.path.clone(),
                extent: String::new(),
                telemetry: Err(SourceError::Mp4(error)),
            })
        }
    };
    let read = gopro::read_movie_track(mp4, &track, &mut reader, read_options(options), observer);
    Some(Found {
        format: &TRACK,
        location: track.node.path.clone(),
        extent: format!("{} payloads", track.sample_count()),
        telemetry: match read {
            Ok(read) => Ok(from_gopro(read, Origin::GoproTrack)),
            Err(GoproError::Mp4(error)) => Err(SourceError::Mp4(error)),
            Err(error) => Err(SourceError::Gopro(error)),
        },
    })
}

fn read_options(options: &Options) -> gopro::ReadOptions {
    gopro::ReadOptions {
        sensors: options.sensors,
    }
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
        cut: t.cut,
        camm: None,
        telemetry: t.telemetry,
    }
}
