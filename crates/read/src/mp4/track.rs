//! A `trak` with its headers, sample descriptions, edit list and sample table parsed.

use std::io::{Read, Seek};

use super::elst::{parse_elst, Edit};
use super::error::{ErrorKind, Mp4Error};
use super::hdlr::Hdlr;
use super::media_headers::{Mdhd, Tkhd};
use super::samples::{read_sample_into, Sample, SampleTable, Samples};
use super::stsd::Stsd;
use super::tables::{ChunkOffsets, SampleSizes, SampleToChunk, TimeToSample};
use super::tree::{BoxNode, Moov};
use super::udta::UserData;

/// One track of the movie.
#[derive(Debug, Clone, PartialEq)]
pub struct Track<'a> {
    /// Position among the `trak` boxes, from 0 (the `i` of `moov/trak[i]`); the track id is in
    /// `tkhd`.
    pub index: usize,
    /// The `trak` box.
    pub node: &'a BoxNode,
    /// Track header: id, duration, size.
    pub tkhd: Tkhd,
    /// Media header: timescale, duration, language.
    pub mdhd: Mdhd,
    /// Handler: what kind of media the track holds.
    pub hdlr: Hdlr,
    /// Sample descriptions.
    pub stsd: Stsd<'a>,
    /// `edts/elst`, when the track has one.
    pub edits: Option<Vec<Edit>>,
    /// The tables that locate and time the samples.
    pub sample_table: SampleTable<'a>,
    moov: &'a Moov,
}

impl<'a> Track<'a> {
    /// Parses the `trak` box `node`, the `index`-th of the movie, in a file of `file_len` bytes.
    pub fn parse(
        moov: &'a Moov,
        node: &'a BoxNode,
        index: usize,
        file_len: u64,
    ) -> Result<Track<'a>, Mp4Error> {
        let tkhd = Tkhd::parse(moov, require(node, &[b"tkhd"])?)?;
        let mdia = require(node, &[b"mdia"])?;
        let mdhd_node = require(mdia, &[b"mdhd"])?;
        let mdhd = Mdhd::parse(moov, mdhd_node)?;
        if mdhd.timescale == 0 {
            return Err(Mp4Error::new(
                mdhd_node.path.clone(),
                mdhd_node.header.offset,
                ErrorKind::ZeroTimescale,
            ));
        }
        let hdlr = Hdlr::parse(moov, require(mdia, &[b"hdlr"])?)?;
        let stbl = require(require(mdia, &[b"minf"])?, &[b"stbl"])?;
        let stsd = Stsd::parse(moov, require(stbl, &[b"stsd"])?)?;
        let edits = match node.child(b"edts").and_then(|edts| edts.child(b"elst")) {
            Some(elst) => Some(parse_elst(moov, elst)?),
            None => None,
        };
        let sample_table = SampleTable::new(
            TimeToSample::parse(moov, require(stbl, &[b"stts"])?)?,
            SampleSizes::parse(moov, require(stbl, &[b"stsz", b"stz2"])?)?,
            SampleToChunk::parse(moov, require(stbl, &[b"stsc"])?)?,
            ChunkOffsets::parse(moov, require(stbl, &[b"stco", b"co64"])?)?,
            mdhd.timescale,
            file_len,
        )?;
        Ok(Track {
            index,
            node,
            tkhd,
            mdhd,
            hdlr,
            stsd,
            edits,
            sample_table,
            moov,
        })
    }

    /// Number of samples.
    pub fn sample_count(&self) -> u32 {
        self.sample_table.len()
    }

    /// Seconds of media the sample table holds: the sum of the `stts` durations over the
    /// media timescale (which `parse` ensures is not 0).
    pub fn media_seconds(&self) -> f64 {
        let ticks: u128 = self
            .sample_table
            .time_to_sample
            .iter()
            .map(|e| u128::from(e.sample_count) * u128::from(e.sample_delta))
            .sum();
        ticks as f64 / f64::from(self.mdhd.timescale)
    }

    /// Every sample in decode order; see `SampleTable::samples`.
    pub fn samples(&self) -> Samples<'a> {
        self.sample_table.samples()
    }

    /// The track's own `udta`, if any.
    pub fn user_data(&self) -> Option<UserData<'a>> {
        self.node
            .child(b"udta")
            .map(|node| UserData::new(self.moov, node))
    }

    /// Reads one sample's bytes into `buf`, replacing its contents. Seeks to the sample and
    /// reads exactly its size; nothing else of the file is touched.
    pub fn read_sample_into<R: Read + Seek>(
        &self,
        reader: &mut R,
        sample: &Sample,
        buf: &mut Vec<u8>,
    ) -> Result<(), Mp4Error> {
        read_sample_into(reader, sample, buf, &self.node.path)
    }

    /// Reads one sample's bytes; `read_sample_into` reuses a buffer.
    pub fn read_sample<R: Read + Seek>(
        &self,
        reader: &mut R,
        sample: &Sample,
    ) -> Result<Vec<u8>, Mp4Error> {
        let mut buf = Vec::new();
        self.read_sample_into(reader, sample, &mut buf)?;
        Ok(buf)
    }
}

/// The first child of `parent` of any of the `kinds` (alternatives such as `stco`/`co64`);
/// when there is none the error names the first kind.
fn require<'a>(parent: &'a BoxNode, kinds: &[&[u8; 4]]) -> Result<&'a BoxNode, Mp4Error> {
    parent
        .children()
        .iter()
        .find(|child| kinds.contains(&child.kind().as_bytes()))
        .ok_or_else(|| {
            let name = kinds
                .first()
                .map(|kind| String::from_utf8_lossy(&kind[..]).into_owned())
                .unwrap_or_default();
            Mp4Error::new(
                format!("{}/{name}", parent.path),
                parent.header.offset,
                ErrorKind::Missing,
            )
        })
}
