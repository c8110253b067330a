//! Whole-file drivers: feed every block of a file to a `TrackBuilder`, by index, by scan, or
//! from an MPEG-TS stream. They only need `Read` (plus `Seek` for the index), so the MP4 box
//! reader can hand them the `moov/gps ` payload or the `mdat` range it found.

use std::io::{Read, Seek, SeekFrom};

use super::block::decode_block;
use super::index::GpsIndex;
use super::outcome::{BlockOutcome, SkipReason};
use super::scan::{BlockScanner, MAX_BLOCK_LEN};
use super::track::TrackBuilder;
use super::ts::{decode_ts_payload, TsGpsReader, TsStats};
use super::{DecodeOptions, NovatekError};

/// Decodes every block the index lists. A block the file cannot supply in full counts as
/// truncated unless its bytes still hold a fix.
pub fn read_indexed_blocks<R: Read + Seek>(
    reader: &mut R,
    index: &GpsIndex,
    options: &DecodeOptions,
    track: &mut TrackBuilder,
) -> Result<(), NovatekError> {
    let mut block = Vec::new();
    for entry in &index.entries {
        let io_error = |source| NovatekError::IndexedBlock {
            entry: entry.slot,
            offset: entry.offset,
            source,
        };
        reader
            .seek(SeekFrom::Start(entry.offset))
            .map_err(io_error)?;
        let wanted = usize::try_from(entry.size).map_or(MAX_BLOCK_LEN, |n| n.min(MAX_BLOCK_LEN));
        block.clear();
        read_up_to(reader, &mut block, wanted).map_err(io_error)?;
        track.add_at(
            entry.offset,
            if block.is_empty() {
                // The entry points past the end of the file.
                BlockOutcome::Skipped(SkipReason::Truncated)
            } else {
                decode_block(&block, options)
            },
        );
    }
    Ok(())
}

/// Reads until `out` holds `wanted` bytes or the input ends.
fn read_up_to<R: Read>(reader: &mut R, out: &mut Vec<u8>, wanted: usize) -> std::io::Result<()> {
    let limit = u64::try_from(wanted).unwrap_or(u64::MAX);
    reader.by_ref().take(limit).read_to_end(out).map(drop)
}

/// Decodes every block found by scanning `reader` (for files without a usable index).
/// `base_offset` is the file offset of the reader's first byte.
pub fn read_scanned_blocks<R: Read>(
    reader: R,
    base_offset: u64,
    options: &DecodeOptions,
    track: &mut TrackBuilder,
) -> Result<(), NovatekError> {
    for found in BlockScanner::new(reader, base_offset) {
        let found = found?;
        track.add_at(found.offset, decode_block(&found.bytes, options));
    }
    Ok(())
}

/// Decodes every GPS payload of an MPEG-TS stream.
pub fn read_ts<R: Read>(
    reader: R,
    options: &DecodeOptions,
    track: &mut TrackBuilder,
) -> Result<TsStats, NovatekError> {
    let mut ts = TsGpsReader::new(reader);
    while let Some(payload) = ts.next_payload()? {
        track.add(decode_ts_payload(&payload, options));
    }
    Ok(ts.stats())
}
