//! Which telemetry a file carries, found from `moov` and a few bytes of media, and decoded
//! into the shared model where telemux has a decoder for it.

use std::io::{Read, Seek, SeekFrom};

use crate::gopro;
use crate::gpmf;
use crate::model::Telemetry;
use crate::mp4::{BoxHeader, Mp4, Mp4Error, Track};
use crate::novatek;
use crate::ttad;

use super::gpmf::{GpmfFacts, PayloadValidity, TsmpReading};

/// A kind of embedded telemetry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
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
    /// The decoded telemetry, or why it could not be decoded.
    pub telemetry: Result<Telemetry, String>,
    /// Per-payload validity and TSMP counters, for GPMF.
    pub gpmf: Option<GpmfFacts>,
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
    let gpmd = tracks
        .iter()
        .flatten()
        .filter(|t| t.stsd.entries.iter().any(|e| e.kind.as_bytes() == b"gpmd"));
    for track in gpmd {
        match gopro::is_gpmf_track(track, reader) {
            Ok(true) if sources.is_empty() => sources.push(gpmf_source(reader, track)),
            Ok(true) => suspects.push(Suspect {
                location: track.node.path.clone(),
                reason: "a second GPMF track; telemux reads the first".to_string(),
            }),
            Ok(false) => suspects.push(Suspect {
                location: track.node.path.clone(),
                reason: "gpmd sample entry, but the first payload does not start with DEVC"
                    .to_string(),
            }),
            Err(error) => suspects.push(Suspect {
                location: track.node.path.clone(),
                reason: error.to_string(),
            }),
        }
    }
    sources.extend(novatek_source(reader, mp4, top_level));
    sources.extend(tomtom(mp4));
    (sources, suspects)
}

/// The GoPro source: its telemetry, and each payload's validation and TSMP counters, in one
/// pass over the payloads. Sensor streams are left out: their times are spread over each
/// payload's MP4 time span, so they cannot go back, and on long videos they are most of the
/// memory.
fn gpmf_source<R: Read + Seek>(reader: &mut R, track: &Track<'_>) -> Source {
    let mut facts = GpmfFacts::default();
    let options = gopro::ReadOptions { sensors: false };
    let mut inspect = facts.inspector();
    let read = gopro::read_track(track, reader, options, &mut inspect);
    drop(inspect);
    // A sample that cannot be read ends the pass: it is the last payload the checks see.
    if let Err(gopro::GoproError::Mp4(error)) = &read {
        facts.payloads.push(PayloadValidity {
            sample: facts.payloads.len() as u32,
            offset: error.offset,
            problem: Some(error.to_string()),
        });
    }
    Source {
        kind: SourceKind::GoProGpmf,
        location: track.node.path.clone(),
        extent: format!("{} payloads", track.sample_count()),
        telemetry: read
            .map(|read| read.telemetry)
            .map_err(|error| error.to_string()),
        gpmf: Some(facts),
    }
}

/// A raw GPMF track (no container) as the one source of a file.
pub fn raw_gpmf_source<R: Read>(reader: R) -> Source {
    let mut facts = GpmfFacts::default();
    let options = gopro::ReadOptions { sensors: false };
    let mut inspect = facts.inspector();
    let read = gopro::read_raw(reader, options, &mut inspect);
    drop(inspect);
    let read = read.map_err(|error| error.to_string());
    // Bytes after the last payload that are no payload: that place is not a valid payload.
    if let Some((offset, problem)) = read.as_ref().ok().and_then(|r| r.cut.clone()) {
        facts.payloads.push(PayloadValidity {
            sample: facts.payloads.len() as u32,
            offset,
            problem: Some(problem),
        });
    }
    Source {
        kind: SourceKind::GoProGpmf,
        location: "raw GPMF".to_string(),
        extent: format!("{} payloads", facts.payloads.len()),
        telemetry: read.map(|read| read.telemetry),
        gpmf: Some(facts),
    }
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

/// Novatek GPS: the `moov/gps ` index, else `free` boxes at the top level that hold `GPS `
/// blocks. `mdat` is never scanned: that would read the whole file.
fn novatek_source<R: Read + Seek>(
    reader: &mut R,
    mp4: &Mp4,
    top_level: &[BoxHeader],
) -> Option<Source> {
    let options = novatek::DecodeOptions::default();
    let mut builder = novatek::TrackBuilder::new();
    let (location, extent, read) = if let Some(index) = mp4.moov().root().child(b"gps ") {
        let read = novatek::parse_gps_index(mp4.moov().body(index), index.header.body_offset())
            .and_then(|parsed| {
                novatek::read_indexed_blocks(reader, &parsed, &options, &mut builder)?;
                Ok(parsed.entries.len())
            });
        let extent = read.as_ref().map_or_else(
            |_| "an index".to_string(),
            |n| format!("{n} indexed blocks"),
        );
        (
            index.path.clone(),
            extent,
            read.map(drop).map_err(|e| e.to_string()),
        )
    } else {
        let blocks: Vec<&BoxHeader> = top_level
            .iter()
            .filter(|b| b.kind.as_bytes() == b"free" && b.body_len() >= 4)
            .filter(|b| read_prefix(reader, b.body_offset(), 4).is_ok_and(|head| head == b"GPS "))
            .collect();
        if blocks.is_empty() {
            return None;
        }
        let read = blocks.iter().try_for_each(|block| {
            let len = block.size.min(novatek::MAX_BLOCK_LEN as u64) as u32;
            let bytes = read_prefix(reader, block.offset, len)
                .map_err(|error| format!("free at byte {}: {error}", block.offset))?;
            builder.add(novatek::decode_block(&bytes, &options));
            Ok(())
        });
        let extent = format!("{} freeGPS blocks", blocks.len());
        ("top-level free boxes".to_string(), extent, read)
    };
    Some(Source {
        kind: SourceKind::NovatekGps,
        location,
        extent,
        telemetry: read.map(|()| Telemetry {
            source: "Novatek freeGPS".to_string(),
            gps: builder.finish().points,
            ..Telemetry::default()
        }),
        gpmf: None,
    })
}

fn tomtom(mp4: &Mp4) -> Option<Source> {
    let atom = match ttad::find(mp4) {
        Ok(atom) => atom?,
        Err(error) => {
            return Some(Source {
                kind: SourceKind::TomTomTtad,
                location: "moov/udta/TTMD".to_string(),
                extent: String::new(),
                telemetry: Err(error.to_string()),
                gpmf: None,
            })
        }
    };
    let options = ttad::DecodeOptions {
        include_unfixed_gps: true,
    };
    Some(Source {
        kind: SourceKind::TomTomTtad,
        location: "moov/udta/TTMD/TTAD".to_string(),
        extent: format!("{} bytes", atom.payload.len()),
        telemetry: ttad::decode(atom.payload, &options)
            .map(|decoded| decoded.telemetry)
            .map_err(|error| error.to_string()),
        gpmf: None,
    })
}

/// Up to `len` bytes at `offset` (the caller knows they lie inside the file).
fn read_prefix<R: Read + Seek>(reader: &mut R, offset: u64, len: u32) -> std::io::Result<Vec<u8>> {
    let mut bytes = vec![0; len as usize];
    reader.seek(SeekFrom::Start(offset))?;
    reader.read_exact(&mut bytes)?;
    Ok(bytes)
}
