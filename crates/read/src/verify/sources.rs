//! Which telemetry a file carries, read through the one reading path (`crate::source`, as
//! `extract` reads it), with the facts verify checks beyond the model: each GPMF payload's
//! validity and TSMP readings, gathered as the reader goes by, and what looks like telemetry
//! but is not what telemux reads.

use std::io::{Read, Seek};

use crate::camm::CammFacts;
use crate::gopro;
use crate::gpmf;
use crate::model::Telemetry;
use crate::mp4::{Mp4, Mp4Error, Track};
use crate::source::{self, Format, Found, SourceError};

use super::gpmf::{GpmfFacts, PayloadValidity, TsmpReading};

/// The telemetry found in the file.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Source {
    /// The registry's format that found it (its `name` says the kind, e.g. `GoPro GPMF`).
    pub format: &'static Format,
    /// Where it is, e.g. `moov/trak[3]` or `moov/udta/TTMD/TTAD`.
    pub location: String,
    /// Its size in the source's own terms, e.g. `13 payloads`.
    pub extent: String,
    /// The decoded telemetry, or why it could not be decoded.
    pub telemetry: Result<Telemetry, String>,
    /// Per-payload validity and TSMP counters, for GPMF.
    pub gpmf: Option<GpmfFacts>,
    /// The packets of a CAMM track, as the reader counted them.
    pub camm: Option<CammFacts>,
}

/// What looks like telemetry but is not readable as its kind, e.g. a `gpmd` track whose
/// payloads do not start with `DEVC`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Suspect {
    /// Where it is, e.g. `moov/trak[2]`.
    pub location: String,
    /// Why it is not read.
    pub reason: String,
}

/// How verify reads: GPS without a fix is kept (it counts against the fix share), GoPro
/// sensor streams are left out (their times are spread over each payload's MP4 time span, so
/// they cannot go back, and on long videos they are most of the memory), sensor records with
/// their own timestamps are kept (their times are checked); the CAMM track first when
/// `prefer_camm`.
fn options(prefer_camm: bool) -> source::Options {
    source::Options {
        unfixed_gps: true,
        timestamped_sensors: true,
        prefer_camm,
        ..source::Options::default()
    }
}

/// The file's telemetry as `source::read_mp4` finds it, and the other of its GPMF and CAMM
/// tracks when it has both (a file written with both formats has both checked), plus the
/// suspects.
pub fn find<R: Read + Seek>(
    reader: &mut R,
    mp4: &Mp4,
    tracks: &[Result<Track<'_>, Mp4Error>],
    prefer_camm: bool,
) -> (Vec<Source>, Vec<Suspect>) {
    let options = options(prefer_camm);
    let mut sources = Vec::new();
    let mut facts = GpmfFacts::default();
    let found = source::read_mp4(mp4, reader, options, &mut facts.inspector());
    sources.extend(found.map(|found| checked(found, facts)));
    let other = match sources.first() {
        Some(first) if first.format == &source::CAMM => Some(&source::GPMF_TRACK),
        Some(_) => Some(&source::CAMM),
        None => None,
    };
    if let Some(other) = other {
        let mut facts = GpmfFacts::default();
        let found = source::read_format(other, mp4, reader, options, &mut facts.inspector());
        sources.extend(found.map(|found| checked(found, facts)));
    }
    let read = sources
        .iter()
        .find(|s| s.format.gpmf)
        .map(|s| s.location.clone());
    let suspects = suspects(reader, tracks, read.as_deref());
    (sources, suspects)
}

/// A file of its own kind (raw GPMF) as `source::read_head` finds it, or `None`.
pub fn find_in_head<R: Read + Seek>(reader: &mut R) -> Result<Option<Source>, SourceError> {
    let mut facts = GpmfFacts::default();
    let found = source::read_head(reader, &options(false), &mut facts.inspector())?;
    Ok(found.map(|found| checked(found, facts)))
}

/// What was read, with the payload facts gathered while reading it.
fn checked(found: Found, mut facts: GpmfFacts) -> Source {
    match &found.telemetry {
        // A sample that cannot be read ends the pass: it is the last payload the checks see.
        Err(SourceError::Mp4(error)) if found.format.gpmf => facts.payloads.push(PayloadValidity {
            sample: facts.payloads.len() as u32,
            offset: error.offset,
            problem: Some(error.to_string()),
        }),
        // Bytes after the last raw payload that are no payload: that place is not a valid
        // payload.
        Ok(read) => {
            if let Some((offset, problem)) = read.cut.clone() {
                facts.payloads.push(PayloadValidity {
                    sample: facts.payloads.len() as u32,
                    offset,
                    problem: Some(problem),
                });
            }
        }
        Err(_) => {}
    }
    let (telemetry, camm) = match found.telemetry {
        Ok(read) => (Ok(read.telemetry), read.camm),
        Err(error) => (Err(error.to_string()), None),
    };
    Source {
        format: found.format,
        location: found.location,
        extent: found.extent,
        telemetry,
        gpmf: found.format.gpmf.then_some(facts),
        camm,
    }
}

/// `gpmd` tracks other than the one read (at `read`): a second GPMF track, or one whose
/// payloads are not GPMF.
fn suspects<R: Read + Seek>(
    reader: &mut R,
    tracks: &[Result<Track<'_>, Mp4Error>],
    read: Option<&str>,
) -> Vec<Suspect> {
    let gpmd = tracks
        .iter()
        .flatten()
        .filter(|t| t.stsd.entries.iter().any(|e| e.kind.as_bytes() == b"gpmd"));
    let mut suspects = Vec::new();
    for track in gpmd {
        let location = track.node.path.clone();
        let reason = match gopro::is_gpmf_track(track, reader) {
            Ok(true) if read == Some(location.as_str()) => continue,
            Ok(true) => "a second GPMF track; telemux reads the first".to_string(),
            Ok(false) => {
                "gpmd sample entry, but the first payload does not start with DEVC".to_string()
            }
            Err(error) => error.to_string(),
        };
        suspects.push(Suspect { location, reason });
    }
    suspects
}

impl GpmfFacts {
    /// Records each payload's validity, and the TSMP readings of the valid ones, as a reader
    /// goes by.
    fn inspector(&mut self) -> impl FnMut(u32, u64, &[u8]) + '_ {
        move |index, offset, bytes| {
            let problem = gpmf::validate(bytes).err().map(|e| e.to_string());
            if problem.is_none() {
                self.tsmp.extend(tsmp_readings(bytes, index));
            }
            self.payloads.push(PayloadValidity {
                sample: index,
                offset,
                problem,
            });
        }
    }
}

/// Each stream's TSMP in one valid payload. Streams are named by device and key, which stay
/// the same from payload to payload (positions may not).
///
/// What TSMP counts: the repeats of the data KLV when the stream has one, but the KLVs
/// themselves when it repeats its key (SCEN, HUES, FACE: one KLV per frame, its repeat being
/// classes or faces). Measured on every stream of the corpus (784 consecutive readings).
fn tsmp_readings(bytes: &[u8], payload: u32) -> Vec<TsmpReading> {
    let Ok(view) = gpmf::payload(bytes) else {
        return Vec::new();
    };
    let mut readings = Vec::new();
    for device in &view.devices {
        let name = device.name.clone().unwrap_or_else(|| match device.id {
            Some(gpmf::DeviceId::Number(n)) => format!("DVID {n}"),
            Some(gpmf::DeviceId::FourCC(code)) => format!("DVID {code}"),
            None => "DEVC".to_string(),
        });
        for stream in &device.streams {
            if let (Some(key), Some(tsmp)) = (stream.key, stream.total_samples) {
                readings.push(TsmpReading {
                    stream: format!("{name} {key}"),
                    payload,
                    tsmp,
                    samples: match stream.data.len() {
                        1 => stream.sample_count() as u64,
                        klvs => klvs as u64,
                    },
                });
            }
        }
    }
    readings
}
