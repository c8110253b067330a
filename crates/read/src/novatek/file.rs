//! Whole files: where an MP4/MOV keeps its blocks (the `moov/gps ` index, else the `mdat`
//! boxes, scanned), the Rexing firmware switch, MPEG-TS files, and MP4s too damaged to open
//! (a clip cut by a power loss has no `moov`).

use std::io::{Read, Seek, SeekFrom};

use super::index::parse_gps_index;
use super::outcome::SkipReason;
use super::reader::{read_indexed_blocks, read_scanned_blocks, read_ts};
use super::track::{ClipTrack, TrackBuilder};
use super::ts::TsStats;
use super::{DecodeOptions, NovatekError};
use crate::mp4::{child_headers, BoxHeader, Mp4};

/// How the blocks of a file were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Located {
    /// Through `moov/gps `: only the listed blocks were read.
    Index,
    /// By scanning the `mdat` boxes (no usable index, or `scan` asked for).
    MdatScan,
    /// By scanning the whole file (its box structure could not be read).
    FileScan,
    /// PID 0x300 of an MPEG-TS stream.
    TransportStream,
}

impl Located {
    /// How the blocks were found, in a few words for the summary.
    pub fn describe(self) -> &'static str {
        match self {
            Located::Index => "moov/gps index",
            Located::MdatScan => "mdat scan",
            Located::FileScan => "whole-file scan",
            Located::TransportStream => "MPEG-TS PID 0x300",
        }
    }
}

/// A file's Novatek GPS and how it was read.
#[derive(Debug, Clone, PartialEq)]
pub struct NovatekFile {
    /// The decoded points and what the blocks held.
    pub track: ClipTrack,
    /// How the blocks were found.
    pub located: Located,
    /// The options the blocks were decoded with (Rexing detection may have switched one on).
    pub options: DecodeOptions,
    /// Why the index was not used when there was one.
    pub index_unusable: Option<String>,
    /// Packet counts, for TS files.
    pub ts: Option<TsStats>,
}

/// How to read a file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FileOptions {
    /// How to decode the blocks.
    pub decode: DecodeOptions,
    /// Ignore `moov/gps ` and scan `mdat` (for a damaged index, or to compare).
    pub force_scan: bool,
    /// Keep a line per block (`ClipTrack::details`).
    pub details: bool,
}

fn builder(options: &FileOptions) -> TrackBuilder {
    if options.details {
        TrackBuilder::with_details()
    } else {
        TrackBuilder::new()
    }
}

/// The Novatek GPS of an opened MP4/MOV, or `None` when it has neither an index nor any
/// `freeGPS` block in `mdat`.
pub fn read_mp4<R: Read + Seek>(
    mp4: &Mp4,
    reader: &mut R,
    options: &FileOptions,
) -> Result<Option<NovatekFile>, NovatekError> {
    let mut decode = options.decode;
    decode.rexing_deobfuscate |= is_rexing_v1(mp4, reader)?;
    let mut index_unusable = None;
    if let Some(node) = mp4.moov().root().child(b"gps ") {
        if options.force_scan {
            index_unusable = Some("ignored (--scan)".to_string());
        } else {
            match parse_gps_index(mp4.moov().body(node), node.header.body_offset()) {
                Ok(index) if index.entries.is_empty() => {
                    index_unusable = Some(format!(
                        "moov/gps lists no block ({} empty slots)",
                        index.unused_slots
                    ));
                }
                Ok(index) => {
                    let mut track = builder(options);
                    read_indexed_blocks(reader, &index, &decode, &mut track)?;
                    let track = track.finish();
                    if !points_to_nothing(&track) {
                        return Ok(Some(NovatekFile {
                            track,
                            located: Located::Index,
                            options: decode,
                            index_unusable: None,
                            ts: None,
                        }));
                    }
                    index_unusable = Some(format!(
                        "none of the {} blocks moov/gps lists is a freeGPS block",
                        track.summary.blocks
                    ));
                }
                Err(error) => index_unusable = Some(error.to_string()),
            }
        }
    }
    let mut track = builder(options);
    for (context, start, len) in mp4.top_level().iter().filter_map(scanned_range) {
        reader
            .seek(SeekFrom::Start(start))
            .map_err(|source| NovatekError::Io {
                context,
                offset: start,
                source,
            })?;
        read_scanned_blocks(reader.by_ref().take(len), start, &decode, &mut track)?;
    }
    let track = track.finish();
    if track.summary.blocks == 0 && index_unusable.is_none() {
        return Ok(None);
    }
    Ok(Some(NovatekFile {
        track,
        located: Located::MdatScan,
        options: decode,
        index_unusable,
        ts: None,
    }))
}

/// Where a scan looks for blocks: each `mdat`'s payload, and top-level `free` boxes whole, as
/// a block may stand as a box of its own (`free` + `GPS `).
fn scanned_range(header: &BoxHeader) -> Option<(&'static str, u64, u64)> {
    match header.kind.as_bytes() {
        b"mdat" => Some(("mdat", header.body_offset(), header.body_len())),
        b"free" => Some(("free", header.offset, header.size)),
        _ => None,
    }
}

/// An index whose entries lead nowhere: every listed block is missing or not `freeGPS`
/// (a corrupt or stale table), as opposed to real blocks without a fix.
fn points_to_nothing(track: &ClipTrack) -> bool {
    let misses: usize = [
        SkipReason::NotFreeGps,
        SkipReason::Truncated,
        SkipReason::TooShort,
    ]
    .iter()
    .filter_map(|reason| track.summary.skipped.get(reason))
    .sum();
    track.summary.points == 0 && misses == track.summary.blocks
}

/// Every `freeGPS` block of a file whose box structure could not be read, found by scanning
/// it from the first byte. `None` when there is none.
pub fn read_damaged<R: Read + Seek>(
    reader: &mut R,
    options: &FileOptions,
) -> Result<Option<NovatekFile>, NovatekError> {
    reader
        .seek(SeekFrom::Start(0))
        .map_err(|source| NovatekError::Io {
            context: "file",
            offset: 0,
            source,
        })?;
    let mut track = builder(options);
    read_scanned_blocks(reader.by_ref(), 0, &options.decode, &mut track)?;
    let track = track.finish();
    Ok((track.summary.blocks > 0).then_some(NovatekFile {
        track,
        located: Located::FileScan,
        options: options.decode,
        index_unusable: None,
        ts: None,
    }))
}

/// The GPS of an MPEG-TS file, or `None` when no PID-0x300 payload was found.
pub fn read_ts_file<R: Read>(
    reader: R,
    options: &FileOptions,
) -> Result<Option<NovatekFile>, NovatekError> {
    let mut track = builder(options);
    let stats = read_ts(reader, &options.decode, &mut track)?;
    let track = track.finish();
    Ok((track.summary.blocks > 0).then_some(NovatekFile {
        track,
        located: Located::TransportStream,
        options: options.decode,
        index_unusable: None,
        ts: Some(stats),
    }))
}

/// The largest `frea` box read when looking for the Rexing version (real ones hold a few
/// short atoms).
const MAX_FREA: u64 = 64 * 1024;
/// The firmware whose offset-48 coordinates are obfuscated (spec §4.16, T17b).
const REXING_V1_VERSION: &[u8] = b"3.01.054";

/// Rexing V1-4K files carry a top-level `frea` box holding a `ver ` atom `3.01.054`; their
/// coordinates need `rexing_deobfuscate`, as ExifTool decides too.
fn is_rexing_v1<R: Read + Seek>(mp4: &Mp4, reader: &mut R) -> Result<bool, NovatekError> {
    let Some(frea) = mp4
        .top_level()
        .iter()
        .find(|h| h.kind.as_bytes() == b"frea" && h.body_len() <= MAX_FREA)
    else {
        return Ok(false);
    };
    let io_error = |source| NovatekError::Io {
        context: "frea",
        offset: frea.body_offset(),
        source,
    };
    reader
        .seek(SeekFrom::Start(frea.body_offset()))
        .map_err(io_error)?;
    let mut body = Vec::new();
    reader
        .by_ref()
        .take(frea.body_len())
        .read_to_end(&mut body)
        .map_err(io_error)?;
    Ok(has_rexing_v1_version(&body))
}

/// Whether a `frea` body holds the `ver ` atom of the obfuscating firmware. Its atoms are
/// walked with the one box-header parser (64-bit sizes, size 0 to the end of `frea`), stopping
/// at the first malformed size.
pub(crate) fn has_rexing_v1_version(frea_body: &[u8]) -> bool {
    child_headers(frea_body, 0, true)
        .map_while(Result::ok)
        .any(|(header, payload)| {
            // The version may be NUL-terminated or padded.
            let text = payload.split(|&b| b == 0).next().unwrap_or_default();
            header.kind.as_bytes() == b"ver " && text.trim_ascii() == REXING_V1_VERSION
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atom(size: u32, kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
        [&size.to_be_bytes()[..], kind, payload].concat()
    }

    #[test]
    fn the_version_atom_is_found_after_any_header_form_and_not_past_a_bad_size() {
        let version = atom(16, b"ver ", b"3.01.054");
        assert!(has_rexing_v1_version(&version));
        assert!(has_rexing_v1_version(&atom(
            20,
            b"ver ",
            b"3.01.054\0\0\0\0"
        )));
        assert!(!has_rexing_v1_version(&atom(16, b"ver ", b"3.01.055")));

        // A 64-bit-size atom before it (size 1, then the largesize 20): skipped by its real
        // size. The old walk read size 1 as malformed and stopped, missing the version.
        let mut large = atom(1, b"info", &20u64.to_be_bytes());
        large.extend(b"abcd");
        assert!(has_rexing_v1_version(
            &[large.clone(), version.clone()].concat()
        ));
        // The same atom with a largesize past the body hides everything after it.
        large[8..16].copy_from_slice(&100u64.to_be_bytes());
        assert!(!has_rexing_v1_version(&[large, version.clone()].concat()));

        // A size-0 version atom runs to the end of frea.
        assert!(has_rexing_v1_version(&atom(0, b"ver ", b"3.01.054")));

        // A size below the header ends the walk, as does a size past the end.
        assert!(!has_rexing_v1_version(
            &[atom(4, b"junk", b""), version.clone()].concat()
        ));
        assert!(!has_rexing_v1_version(&atom(100, b"ver ", b"3.01.054")));
    }
}
