//! The sample tables of `stbl`: `stts`, `stsz`/`stz2`, `stsc` and `stco`/`co64`.
//!
//! Each table is a view into the loaded `moov`: parsing checks that the declared entry count
//! fits in the box and copies nothing, so a million-entry table costs no allocation and any
//! entry is read in constant time.

use super::error::{ErrorKind, Mp4Error};
use super::fields::{word, Fields};
use super::tree::{BoxNode, Moov};

/// Byte offset of entry `index` in a table that starts at `first` with `size`-byte entries.
fn entry_offset(first: u64, index: u32, size: u64) -> u64 {
    first + u64::from(index) * size
}

/// `stts`: runs of samples with the same decode duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeToSample<'a> {
    /// The `stts` box.
    pub node: &'a BoxNode,
    entries: &'a [u8],
    first_entry: u64,
}

/// `sample_count` consecutive samples each lasting `sample_delta` timescale units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeToSampleEntry {
    /// Samples in the run.
    pub sample_count: u32,
    /// Duration of each, media timescale units.
    pub sample_delta: u32,
}

impl<'a> TimeToSample<'a> {
    /// Parses the `stts` box `node`, checking its table fits.
    pub fn parse(moov: &'a Moov, node: &'a BoxNode) -> Result<TimeToSample<'a>, Mp4Error> {
        let mut f = Fields::of(moov, node);
        f.full_box(0)?;
        let count = f.u32()?;
        let first_entry = f.offset();
        let entries = f.table(count, 8)?;
        Ok(TimeToSample {
            node,
            entries,
            first_entry,
        })
    }

    /// Number of entries (runs).
    pub fn len(&self) -> u32 {
        (self.entries.len() / 8) as u32
    }

    /// Whether the table has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entry `index` (from 0).
    pub fn get(&self, index: u32) -> Option<TimeToSampleEntry> {
        let [a, b, c, d, e, f, g, h] = word::<8>(self.entries, index as usize)?;
        Some(TimeToSampleEntry {
            sample_count: u32::from_be_bytes([a, b, c, d]),
            sample_delta: u32::from_be_bytes([e, f, g, h]),
        })
    }

    /// Every entry, in order.
    pub fn iter(&self) -> impl Iterator<Item = TimeToSampleEntry> + 'a {
        let table = *self;
        (0..self.len()).filter_map(move |i| table.get(i))
    }

    /// Total number of samples the runs describe.
    pub fn sample_count(&self) -> u64 {
        self.iter().map(|e| u64::from(e.sample_count)).sum()
    }

    /// Absolute file offset of entry `index`, for errors naming the bad entry.
    pub fn entry_offset(&self, index: u32) -> u64 {
        entry_offset(self.first_entry, index, 8)
    }
}

/// `stsz` (one size for all samples, or a 32-bit size per sample) or `stz2` (4, 8 or 16-bit
/// sizes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleSizes<'a> {
    /// The `stsz` or `stz2` box.
    pub node: &'a BoxNode,
    count: u32,
    form: SizeForm<'a>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SizeForm<'a> {
    Fixed(u32),
    /// Big-endian entries of `bits` (4, 8, 16 or 32) bits; 4-bit entries pack two per byte,
    /// high nibble first.
    Table {
        bits: u8,
        table: &'a [u8],
    },
}

impl<'a> SampleSizes<'a> {
    /// Parses `node`, an `stsz` or `stz2` box.
    pub fn parse(moov: &'a Moov, node: &'a BoxNode) -> Result<SampleSizes<'a>, Mp4Error> {
        let mut f = Fields::of(moov, node);
        f.full_box(0)?;
        let compact = node.kind().as_bytes() == b"stz2";
        let (fixed, bits) = if compact {
            let at = f.offset();
            f.skip(3)?; // reserved
            let bits = f.u8()?;
            if !matches!(bits, 4 | 8 | 16) {
                return Err(Mp4Error::new(
                    node.path.clone(),
                    at,
                    ErrorKind::Stz2FieldSize { bits },
                ));
            }
            (0, bits)
        } else {
            (f.u32()?, 32)
        };
        let count = f.u32()?;
        let form = if fixed != 0 {
            SizeForm::Fixed(fixed)
        } else if bits == 4 {
            // Two entries per byte; an odd count leaves a spare nibble.
            let table = f.table(count / 2 + count % 2, 1)?;
            SizeForm::Table { bits, table }
        } else {
            let table = f.table(count, usize::from(bits / 8))?;
            SizeForm::Table { bits, table }
        };
        Ok(SampleSizes { node, count, form })
    }

    /// Number of samples in the track.
    pub fn len(&self) -> u32 {
        self.count
    }

    /// Whether the track has no samples.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The size every sample has, when the box gives one instead of a table.
    pub fn fixed_size(&self) -> Option<u32> {
        match self.form {
            SizeForm::Fixed(size) => Some(size),
            SizeForm::Table { .. } => None,
        }
    }

    /// Size in bytes of sample `index` (from 0).
    pub fn get(&self, index: u32) -> Option<u32> {
        if index >= self.count {
            return None;
        }
        let i = index as usize;
        match self.form {
            SizeForm::Fixed(size) => Some(size),
            SizeForm::Table { bits: 32, table } => word::<4>(table, i).map(u32::from_be_bytes),
            SizeForm::Table { bits: 16, table } => {
                word::<2>(table, i).map(|w| u16::from_be_bytes(w).into())
            }
            SizeForm::Table { bits: 8, table } => table.get(i).map(|&b| b.into()),
            SizeForm::Table { table, .. } => {
                let byte = table.get(i / 2)?;
                Some(u32::from(if i % 2 == 0 { byte >> 4 } else { byte & 0x0F }))
            }
        }
    }
}

/// `stsc`: runs of chunks with the same number of samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleToChunk<'a> {
    /// The `stsc` box.
    pub node: &'a BoxNode,
    entries: &'a [u8],
    first_entry: u64,
}

/// From chunk `first_chunk` (numbered from 1) until the next entry's, every chunk holds
/// `samples_per_chunk` samples described by `stsd` entry `sample_description_index` (from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleToChunkEntry {
    /// First chunk of the run, from 1.
    pub first_chunk: u32,
    /// Samples in each chunk of the run.
    pub samples_per_chunk: u32,
    /// The `stsd` entry describing them, from 1.
    pub sample_description_index: u32,
}

impl<'a> SampleToChunk<'a> {
    /// Parses the `stsc` box `node`, checking its table fits.
    pub fn parse(moov: &'a Moov, node: &'a BoxNode) -> Result<SampleToChunk<'a>, Mp4Error> {
        let mut f = Fields::of(moov, node);
        f.full_box(0)?;
        let count = f.u32()?;
        let first_entry = f.offset();
        let entries = f.table(count, 12)?;
        Ok(SampleToChunk {
            node,
            entries,
            first_entry,
        })
    }

    /// Number of entries (runs).
    pub fn len(&self) -> u32 {
        (self.entries.len() / 12) as u32
    }

    /// Whether the table has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entry `index` (from 0).
    pub fn get(&self, index: u32) -> Option<SampleToChunkEntry> {
        let [a, b, c, d, e, f, g, h, i, j, k, l] = word::<12>(self.entries, index as usize)?;
        Some(SampleToChunkEntry {
            first_chunk: u32::from_be_bytes([a, b, c, d]),
            samples_per_chunk: u32::from_be_bytes([e, f, g, h]),
            sample_description_index: u32::from_be_bytes([i, j, k, l]),
        })
    }

    /// Absolute file offset of entry `index`, for errors naming the bad entry.
    pub fn entry_offset(&self, index: u32) -> u64 {
        entry_offset(self.first_entry, index, 12)
    }
}

/// `stco` (32-bit) or `co64` (64-bit) absolute file offsets of the chunks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkOffsets<'a> {
    /// The `stco` or `co64` box.
    pub node: &'a BoxNode,
    entries: &'a [u8],
    first_entry: u64,
    wide: bool,
}

impl<'a> ChunkOffsets<'a> {
    /// Parses `node`, an `stco` or `co64` box.
    pub fn parse(moov: &'a Moov, node: &'a BoxNode) -> Result<ChunkOffsets<'a>, Mp4Error> {
        let wide = node.kind().as_bytes() == b"co64";
        let mut f = Fields::of(moov, node);
        f.full_box(0)?;
        let count = f.u32()?;
        let first_entry = f.offset();
        let entries = f.table(count, if wide { 8 } else { 4 })?;
        Ok(ChunkOffsets {
            node,
            entries,
            first_entry,
            wide,
        })
    }

    /// True for `co64`.
    pub fn is_64_bit(&self) -> bool {
        self.wide
    }

    fn entry_size(&self) -> usize {
        if self.wide {
            8
        } else {
            4
        }
    }

    /// Number of chunks.
    pub fn len(&self) -> u32 {
        (self.entries.len() / self.entry_size()) as u32
    }

    /// Whether the table has no chunks.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// File offset of chunk `index` (from 0).
    pub fn get(&self, index: u32) -> Option<u64> {
        if self.wide {
            word::<8>(self.entries, index as usize).map(u64::from_be_bytes)
        } else {
            word::<4>(self.entries, index as usize).map(|w| u32::from_be_bytes(w).into())
        }
    }

    /// Every chunk offset, in order.
    pub fn iter(&self) -> impl Iterator<Item = u64> + 'a {
        let table = *self;
        (0..self.len()).filter_map(move |i| table.get(i))
    }

    /// Absolute file offset of entry `index`: where a writer patches it when data moves.
    pub fn entry_offset(&self, index: u32) -> u64 {
        entry_offset(self.first_entry, index, self.entry_size() as u64)
    }
}
