//! The sample index: where every sample of a track is, how big it is and when it decodes,
//! from `stsc` + `stco`/`co64` + `stsz`/`stz2` + `stts`.
//!
//! The tables are checked against each other once (linear in their length), then samples are
//! produced by an iterator that walks the chunk runs and time runs side by side, doing constant
//! work per sample and allocating nothing.

use std::io::{Read, Seek, SeekFrom};

use super::error::{ErrorKind, Mp4Error};
use super::tables::{ChunkOffsets, SampleSizes, SampleToChunk, TimeToSample};

/// One sample (a video frame, an audio packet, a GPMF payload).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// Position in the track, from 0.
    pub index: u32,
    /// Absolute file offset of the first byte.
    pub offset: u64,
    /// Bytes.
    pub size: u32,
    /// Position of the chunk holding it in `stco`/`co64`, from 0.
    pub chunk: u32,
    /// Decode time in media timescale units, from the start of the media (before edits).
    pub decode_time: u64,
    /// `decode_time` in seconds.
    pub decode_seconds: f64,
    /// In media timescale units.
    pub duration: u32,
}

/// The four tables that locate and time samples, checked for consistency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleTable<'a> {
    /// `stts`: sample durations.
    pub time_to_sample: TimeToSample<'a>,
    /// `stsz`/`stz2`: sample sizes.
    pub sizes: SampleSizes<'a>,
    /// `stsc`: samples per chunk.
    pub sample_to_chunk: SampleToChunk<'a>,
    /// `stco`/`co64`: chunk offsets.
    pub chunk_offsets: ChunkOffsets<'a>,
    timescale: u32,
    file_len: u64,
}

impl<'a> SampleTable<'a> {
    /// Checks that `stts` times exactly the samples `stsz` sizes, that samples of a fixed size
    /// fit in the file, and that the `stsc` runs are ordered, stay inside the chunk table and
    /// hold at least that many samples.
    pub fn new(
        time_to_sample: TimeToSample<'a>,
        sizes: SampleSizes<'a>,
        sample_to_chunk: SampleToChunk<'a>,
        chunk_offsets: ChunkOffsets<'a>,
        timescale: u32,
        file_len: u64,
    ) -> Result<SampleTable<'a>, Mp4Error> {
        let table = SampleTable {
            time_to_sample,
            sizes,
            sample_to_chunk,
            chunk_offsets,
            timescale,
            file_len,
        };
        let count = u64::from(sizes.len());
        let timed = time_to_sample.sample_count();
        if timed != count {
            let stts = time_to_sample.node;
            return Err(Mp4Error::new(
                stts.path.clone(),
                stts.header.offset,
                ErrorKind::SampleCountMismatch {
                    stts: timed,
                    sizes: count,
                },
            ));
        }
        // A table costs 4 bytes per sample, a fixed size nothing: without this bound a
        // 20-byte stsz could claim 4 billion samples stacked on a few chunks, and the index
        // would walk them all.
        if let Some(size) = sizes.fixed_size() {
            if count * u64::from(size) > file_len {
                return Err(Mp4Error::new(
                    sizes.node.path.clone(),
                    sizes.node.header.offset,
                    ErrorKind::SamplesExceedFile {
                        count,
                        size,
                        file_len,
                    },
                ));
            }
        }
        // Without samples the chunk tables are never used (fragmented files leave them empty).
        if count > 0 {
            table.check_chunk_runs(count)?;
        }
        Ok(table)
    }

    fn check_chunk_runs(&self, count: u64) -> Result<(), Mp4Error> {
        let stsc = self.sample_to_chunk;
        let chunks = self.chunk_offsets.len();
        let error = |entry: u32, kind| {
            Mp4Error::new(stsc.node.path.clone(), stsc.entry_offset(entry), kind)
        };
        let mut previous_first: Option<u32> = None;
        for entry in 0..stsc.len() {
            let Some(run) = stsc.get(entry) else { break };
            let previous = previous_first.unwrap_or(0);
            if run.first_chunk <= previous || (previous_first.is_none() && run.first_chunk != 1) {
                return Err(error(
                    entry,
                    ErrorKind::ChunkRunOrder {
                        entry,
                        first_chunk: run.first_chunk,
                        previous,
                    },
                ));
            }
            if run.first_chunk > chunks {
                return Err(error(
                    entry,
                    ErrorKind::ChunkPastTable {
                        entry,
                        first_chunk: run.first_chunk,
                        chunks,
                    },
                ));
            }
            previous_first = Some(run.first_chunk);
        }
        let described = self.chunk_capacity();
        if described < count {
            return Err(Mp4Error::new(
                stsc.node.path.clone(),
                stsc.node.header.offset,
                ErrorKind::TooFewChunkSamples {
                    described,
                    sizes: count,
                },
            ));
        }
        Ok(())
    }

    /// How many samples the `stsc` runs put in the `stco`/`co64` chunks: each run's samples
    /// per chunk times its chunks (up to the next run's first chunk, the last run up to the
    /// end of the chunk table). `new` refuses a table whose capacity is below the sample
    /// count; `verify` also reports one above it.
    pub fn chunk_capacity(&self) -> u64 {
        let stsc = self.sample_to_chunk;
        let end_of_table = u64::from(self.chunk_offsets.len()) + 1;
        (0..stsc.len())
            .map_while(|entry| {
                let run = stsc.get(entry)?;
                let end = stsc
                    .get(entry + 1)
                    .map_or(end_of_table, |next| u64::from(next.first_chunk));
                Some(run_samples(run.first_chunk, end, run.samples_per_chunk))
            })
            .fold(0, u64::saturating_add)
    }

    /// Number of samples.
    pub fn len(&self) -> u32 {
        self.sizes.len()
    }

    /// Whether the track has no samples.
    pub fn is_empty(&self) -> bool {
        self.sizes.is_empty()
    }

    /// Every sample in decode order. Each item is checked to lie inside the file; iteration
    /// stops after the first error.
    pub fn samples(&self) -> Samples<'a> {
        Samples {
            table: *self,
            next: 0,
            next_run: 0,
            run_end: 0,
            samples_per_chunk: 0,
            next_chunk: 0,
            left_in_chunk: 0,
            next_offset: 0,
            next_time_run: 0,
            left_in_time_run: 0,
            delta: 0,
            decode_time: 0,
            failed: false,
        }
    }
}

/// Samples held by chunks `first..end` (numbered from 1) at `per_chunk` each.
fn run_samples(first: u32, end: u64, per_chunk: u32) -> u64 {
    end.saturating_sub(first.into())
        .saturating_mul(per_chunk.into())
}

/// Iterator over a track's samples; see `SampleTable::samples`.
#[derive(Debug, Clone)]
pub struct Samples<'a> {
    table: SampleTable<'a>,
    next: u32,
    /// `stsc` entry that starts the next run, and the current run (chunks from 0 up to
    /// `run_end`, exclusive).
    next_run: u32,
    run_end: u32,
    samples_per_chunk: u32,
    next_chunk: u32,
    left_in_chunk: u32,
    next_offset: u64,
    next_time_run: u32,
    left_in_time_run: u32,
    delta: u32,
    decode_time: u64,
    failed: bool,
}

impl Samples<'_> {
    fn too_few_chunk_samples(&self) -> Mp4Error {
        let stsc = self.table.sample_to_chunk.node;
        Mp4Error::new(
            stsc.path.clone(),
            stsc.header.offset,
            ErrorKind::TooFewChunkSamples {
                described: self.next.into(),
                sizes: self.table.len().into(),
            },
        )
    }

    /// Moves to the next chunk, entering the next `stsc` run when the current one is used up.
    /// Each call consumes one chunk or one run, so a whole pass is linear in the tables.
    fn enter_next_chunk(&mut self) -> Result<(), Mp4Error> {
        let stsc = self.table.sample_to_chunk;
        while self.next_chunk >= self.run_end {
            let run = stsc
                .get(self.next_run)
                .ok_or_else(|| self.too_few_chunk_samples())?;
            self.next_run += 1;
            self.samples_per_chunk = run.samples_per_chunk;
            self.run_end = match stsc.get(self.next_run) {
                Some(following) => following.first_chunk.saturating_sub(1),
                None => self.table.chunk_offsets.len(),
            };
        }
        self.next_offset = self
            .table
            .chunk_offsets
            .get(self.next_chunk)
            .ok_or_else(|| self.too_few_chunk_samples())?;
        self.next_chunk += 1;
        self.left_in_chunk = self.samples_per_chunk;
        Ok(())
    }

    fn enter_next_time_run(&mut self) -> Result<(), Mp4Error> {
        let stts = self.table.time_to_sample;
        let run = stts.get(self.next_time_run).ok_or_else(|| {
            Mp4Error::new(
                stts.node.path.clone(),
                stts.node.header.offset,
                ErrorKind::SampleCountMismatch {
                    stts: self.next.into(),
                    sizes: self.table.len().into(),
                },
            )
        })?;
        self.next_time_run += 1;
        self.left_in_time_run = run.sample_count;
        self.delta = run.sample_delta;
        Ok(())
    }

    fn next_sample(&mut self) -> Result<Sample, Mp4Error> {
        while self.left_in_chunk == 0 {
            self.enter_next_chunk()?;
        }
        while self.left_in_time_run == 0 {
            self.enter_next_time_run()?;
        }
        let index = self.next;
        let sizes = self.table.sizes;
        let size = sizes
            .get(index)
            .ok_or_else(|| self.too_few_chunk_samples())?;
        let offset = self.next_offset;
        let end = offset.saturating_add(size.into());
        if end > self.table.file_len {
            let chunks = self.table.chunk_offsets.node;
            return Err(Mp4Error::new(
                chunks.path.clone(),
                offset,
                ErrorKind::SampleOutsideFile {
                    index,
                    size,
                    end,
                    file_len: self.table.file_len,
                },
            ));
        }
        let decode_time = self.decode_time;
        // Cannot saturate: at most 2^32 samples, each shorter than 2^32 units.
        self.decode_time = decode_time.saturating_add(self.delta.into());
        self.next_offset = end;
        self.left_in_chunk -= 1;
        self.left_in_time_run -= 1;
        self.next += 1;
        Ok(Sample {
            index,
            offset,
            size,
            // `enter_next_chunk` has run for this sample, so this is at least 1.
            chunk: self.next_chunk.saturating_sub(1),
            decode_time,
            decode_seconds: decode_time as f64 / f64::from(self.table.timescale),
            duration: self.delta,
        })
    }
}

impl Iterator for Samples<'_> {
    type Item = Result<Sample, Mp4Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.next >= self.table.len() {
            return None;
        }
        let item = self.next_sample();
        self.failed = item.is_err();
        Some(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = if self.failed {
            0
        } else {
            (self.table.len() - self.next) as usize
        };
        (0, Some(left))
    }
}

/// Reads the bytes of one sample into `buf` (replacing its contents): one seek and one read,
/// never more than the sample.
pub(crate) fn read_sample_into<R: Read + Seek>(
    reader: &mut R,
    sample: &Sample,
    buf: &mut Vec<u8>,
    path: &str,
) -> Result<(), Mp4Error> {
    let fail = |source| {
        Mp4Error::new(
            path,
            sample.offset,
            ErrorKind::SampleRead {
                index: sample.index,
                size: sample.size,
                source,
            },
        )
    };
    buf.clear();
    reader.seek(SeekFrom::Start(sample.offset)).map_err(fail)?;
    reader
        .by_ref()
        .take(sample.size.into())
        .read_to_end(buf)
        .map_err(fail)?;
    if buf.len() != sample.size as usize {
        return Err(fail(std::io::ErrorKind::UnexpectedEof.into()));
    }
    Ok(())
}
