//! MP4/QuickTime reader: the top-level box list, the `moov` tree, typed views of the boxes that
//! locate media, and a sample index per track.
//!
//! Only box headers and `moov` are read; media data is read sample by sample on request
//! (`Track::read_sample`). Unknown boxes stay as byte ranges of the loaded `moov` so a writer
//! can copy them unchanged.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use telemux_read::mp4::Mp4;
//!
//! let mut file = std::fs::File::open("GX010001.MP4")?;
//! let mp4 = Mp4::open(&mut file)?;
//! for track in mp4.tracks() {
//!     let track = track?;
//!     if track.stsd.entries.first().is_some_and(|e| e.kind.as_bytes() == b"gpmd") {
//!         for sample in track.samples() {
//!             let payload = track.read_sample(&mut file, &sample?)?;
//!             println!("{} bytes of GPMF", payload.len());
//!         }
//!     }
//! }
//! # Ok(())
//! # }
//! ```

mod box_header;
mod elst;
mod error;
mod fields;
mod fragments;
mod hdlr;
mod media_headers;
mod samples;
pub mod spherical;
mod stsd;
mod tables;
mod top_level;
mod track;
mod tree;
mod udta;

#[cfg(test)]
mod properties;
#[cfg(test)]
mod synthetic;
#[cfg(test)]
mod tests;

use std::io::{Read, Seek, SeekFrom};

pub use box_header::{
    child_headers, parse_header, BoxHeader, ChildHeaders, HeaderError, MAX_HEADER_LEN,
};
pub use elst::{parse_elst, Edit};
pub use error::{ErrorKind, Mp4Error};
pub use fragments::{track_runs, TrackRun};
pub use hdlr::{Hdlr, NameStyle};
pub use media_headers::{mac_time_to_utc, utc_to_mac_time, BoxTimes, Language, Mdhd, Mvhd, Tkhd};
pub use samples::{Sample, SampleTable, Samples};
pub use stsd::{SampleEntry, Stsd};
pub use tables::{
    ChunkOffsets, SampleSizes, SampleToChunk, SampleToChunkEntry, TimeToSample, TimeToSampleEntry,
};
pub(crate) use top_level::{printable_type, top_level_error, trailing_at};
pub use top_level::{TopLevel, Trailing, TrailingKind, MAX_TOP_LEVEL_BOXES};
pub use track::Track;
pub use tree::{BoxNode, Content, Moov, MAX_DEPTH};
pub use udta::UserData;

/// An opened MP4/QuickTime file: its top-level boxes and its parsed `moov`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mp4 {
    file_len: u64,
    top_level: Vec<BoxHeader>,
    trailing: Option<Trailing>,
    moov: Moov,
}

impl Mp4 {
    /// Walks the top-level boxes and loads `moov` (never `mdat`). Keep `reader` to read
    /// samples later.
    pub fn open<R: Read + Seek>(reader: &mut R) -> Result<Mp4, Mp4Error> {
        let file_len = reader
            .seek(SeekFrom::End(0))
            .map_err(|err| Mp4Error::new("file", 0, ErrorKind::Io(err)))?;
        let top_level = top_level::scan(reader, file_len)?;
        Mp4::open_with_top_level(reader, file_len, top_level)
    }

    /// Loads the first `moov` among `top_level`, boxes the caller found by its own walk of a
    /// `file_len`-byte file (`telemux verify` steps over damaged boxes that `open` refuses).
    /// Each header must lie inside the file.
    pub fn open_with_top_level<R: Read + Seek>(
        reader: &mut R,
        file_len: u64,
        top_level: TopLevel,
    ) -> Result<Mp4, Mp4Error> {
        let moov_header = top_level::find_moov(&top_level.boxes)?;
        let moov = Moov::parse(top_level::load(reader, &moov_header)?, moov_header)?;
        Ok(Mp4 {
            file_len,
            top_level: top_level.boxes,
            trailing: top_level.trailing,
            moov,
        })
    }

    /// The file's length in bytes.
    pub fn file_len(&self) -> u64 {
        self.file_len
    }

    /// Every top-level box (`ftyp`, `mdat`, `moov`, `free`, …) in file order.
    pub fn top_level(&self) -> &[BoxHeader] {
        &self.top_level
    }

    /// The bytes after the last top-level box, which are no box: a camera's trailer (Insta360),
    /// padding, or the torn staging box of an interrupted `--in-place` write. Readers skip
    /// them; a writer that keeps them must keep them last (`Trailing::offset..end()` are the
    /// original bytes), since anything appended after them would be hidden from readers.
    pub fn trailing_data(&self) -> Option<Trailing> {
        self.trailing
    }

    /// The first top-level `moof`, or else `moov/mvex`: the file is fragmented (its samples
    /// are, at least partly, described by movie fragments rather than `moov`'s tables).
    pub fn fragmented(&self) -> Option<&BoxHeader> {
        self.top_level
            .iter()
            .find(|b| b.kind.as_bytes() == b"moof")
            .or_else(|| self.moov.root().child(b"mvex").map(|node| &node.header))
    }

    /// The `moov` box tree, with its bytes.
    pub fn moov(&self) -> &Moov {
        &self.moov
    }

    /// The movie header `moov/mvhd`.
    pub fn mvhd(&self) -> Result<Mvhd, Mp4Error> {
        let root = self.moov.root();
        let node = root
            .child(b"mvhd")
            .ok_or_else(|| Mp4Error::new("moov/mvhd", root.header.offset, ErrorKind::Missing))?;
        Mvhd::parse(&self.moov, node)
    }

    /// `moov/udta`, if present.
    pub fn user_data(&self) -> Option<UserData<'_>> {
        let node = self.moov.root().child(b"udta")?;
        Some(UserData::new(&self.moov, node))
    }

    /// Every `trak` in file order, each parsed on its own so one broken track does not hide
    /// the others.
    pub fn tracks(&self) -> impl Iterator<Item = Result<Track<'_>, Mp4Error>> + '_ {
        self.moov
            .root()
            .children_of(b"trak")
            .enumerate()
            .map(|(index, node)| Track::parse(&self.moov, node, index, self.file_len))
    }
}
