//! Which telemetry a file carries, found from `moov` and a few bytes of media, and decoded
//! into the shared model where telemux has a decoder for it.

use std::io::{Read, Seek, SeekFrom};

use crate::model::Telemetry;
use crate::mp4::{BoxHeader, Mp4, Mp4Error, Track};
use crate::ttad;

use super::gpmf::GpmfFacts;

/// A kind of embedded telemetry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// A `gpmd` track whose payloads are GPMF (`DEVC` first): GoPro cameras, `telemux inject`.
    GoProGpmf,
    /// Novatek dashcams: the `moov/gps ` index, or top-level `free` boxes holding `GPS `.
    NovatekGps,
    /// TomTom Bandit: `moov/udta/TTMD/TTAD`.
    TomTomTtad,
}

impl SourceKind {
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::GoProGpmf => "GoPro GPMF",
            SourceKind::NovatekGps => "Novatek GPS",
            SourceKind::TomTomTtad => "TomTom TTAD",
        }
    }
}

/// One source of telemetry found in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub kind: SourceKind,
    /// Where it is, e.g. `moov/trak[3]` or `moov/udta/TTMD/TTAD`.
    pub location: String,
    /// Its size in the source's own terms, e.g. `13 payloads`.
    pub extent: String,
    /// The decoded telemetry; `None` when this build has no decoder for the source or decoding
    /// failed (`error`).
    pub telemetry: Option<Telemetry>,
    pub error: Option<String>,
    /// Per-payload validity and TSMP counters, for GPMF.
    pub gpmf: Option<GpmfFacts>,
}

impl Source {
    fn found(kind: SourceKind, location: String, extent: String) -> Source {
        Source {
            kind,
            location,
            extent,
            telemetry: None,
            error: None,
            gpmf: None,
        }
    }
}

/// What looks like telemetry but is not readable as its kind, e.g. a `gpmd` track whose
/// payloads do not start with `DEVC`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suspect {
    pub location: String,
    pub reason: String,
}

/// Every source in the file, in the order GPMF, Novatek, TTAD, plus the suspects.
pub fn find<R: Read + Seek>(
    reader: &mut R,
    mp4: &Mp4,
    tracks: &[Result<Track<'_>, Mp4Error>],
    top_level: &[BoxHeader],
) -> (Vec<Source>, Vec<Suspect>) {
    let mut sources = Vec::new();
    let mut suspects = Vec::new();
    for track in tracks.iter().flatten() {
        if !track
            .stsd
            .entries
            .iter()
            .any(|e| e.kind.as_bytes() == b"gpmd")
        {
            continue;
        }
        match gpmf_track(reader, track) {
            Ok(source) => sources.push(source),
            Err(reason) => suspects.push(Suspect {
                location: track.node.path.clone(),
                reason,
            }),
        }
    }
    sources.extend(novatek(reader, mp4, top_level));
    sources.extend(tomtom(mp4));
    (sources, suspects)
}

/// A `gpmd` track is GPMF when its first payload starts with a `DEVC` nest.
fn gpmf_track<R: Read + Seek>(reader: &mut R, track: &Track<'_>) -> Result<Source, String> {
    let first = match track.samples().next() {
        None => return Err("gpmd track without samples".to_string()),
        Some(Err(error)) => return Err(error.to_string()),
        Some(Ok(sample)) => sample,
    };
    let head = read_prefix(reader, first.offset, first.size.min(4)).map_err(|e| e.to_string())?;
    if head != b"DEVC" {
        return Err(format!(
            "gpmd track whose first payload (byte {}) starts with {}, not DEVC",
            first.offset,
            printable(&head)
        ));
    }
    Ok(Source::found(
        SourceKind::GoProGpmf,
        track.node.path.clone(),
        format!("{} payloads", track.sample_count()),
    ))
}

fn novatek<R: Read + Seek>(reader: &mut R, mp4: &Mp4, top_level: &[BoxHeader]) -> Option<Source> {
    if let Some(index) = mp4.moov().root().child(b"gps ") {
        let entries = mp4.moov().body(index).len().saturating_sub(8) / 8;
        return Some(Source::found(
            SourceKind::NovatekGps,
            index.path.clone(),
            format!("{entries} index entries"),
        ));
    }
    let blocks = top_level
        .iter()
        .filter(|b| b.kind.as_bytes() == b"free" && b.body_len() >= 4)
        .filter(|b| read_prefix(reader, b.body_offset(), 4).is_ok_and(|head| head == b"GPS "))
        .count();
    (blocks > 0).then(|| {
        Source::found(
            SourceKind::NovatekGps,
            "top-level free boxes".to_string(),
            format!("{blocks} freeGPS blocks"),
        )
    })
}

fn tomtom(mp4: &Mp4) -> Option<Source> {
    let moov = mp4.moov();
    let ttmd = moov.root().child(b"udta")?.child(b"TTMD")?;
    let payload = child_payload(moov.body(ttmd), b"TTAD")?;
    let mut source = Source::found(
        SourceKind::TomTomTtad,
        format!("{}/TTAD", ttmd.path),
        format!("{} bytes", payload.len()),
    );
    let options = ttad::DecodeOptions {
        include_unfixed_gps: true,
    };
    match ttad::decode(payload, &options) {
        Ok(decoded) => source.telemetry = Some(decoded.telemetry),
        Err(error) => source.error = Some(error.to_string()),
    }
    Some(source)
}

/// The payload of the first child box of type `kind` in `body`, a sequence of boxes with
/// 32-bit sizes (`TTMD` is not a container the `moov` tree knows).
fn child_payload<'a>(body: &'a [u8], kind: &[u8; 4]) -> Option<&'a [u8]> {
    let mut rest = body;
    while let (Some(size), Some(found)) = (rest.get(..4), rest.get(4..8)) {
        let size = u32::from_be_bytes(size.try_into().ok()?) as usize;
        let this = rest.get(..size).filter(|_| size >= 8)?;
        if found == kind {
            return this.get(8..);
        }
        rest = rest.get(size..)?;
    }
    None
}

/// Up to `len` bytes at `offset` (the caller knows they lie inside the file).
fn read_prefix<R: Read + Seek>(reader: &mut R, offset: u64, len: u32) -> std::io::Result<Vec<u8>> {
    let mut bytes = vec![0; len as usize];
    reader.seek(SeekFrom::Start(offset))?;
    reader.read_exact(&mut bytes)?;
    Ok(bytes)
}

/// Bytes as text when printable, else as hex: for naming what was found instead of a key.
fn printable(bytes: &[u8]) -> String {
    if bytes.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
        format!("'{}'", String::from_utf8_lossy(bytes))
    } else {
        bytes
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}
