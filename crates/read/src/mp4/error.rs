//! The one error type of the MP4 reader. Every error carries the box path (e.g.
//! `moov/trak[1]/mdia/minf/stbl/stsz`) and the absolute byte offset in the file where the
//! problem was found, so a user can look at the exact bytes with a hex editor.

use std::io;

use thiserror::Error;

/// An MP4/QuickTime file that could not be read, with where in the file it went wrong.
#[derive(Debug, Error)]
#[error("{path} at byte {offset}: {kind}")]
pub struct Mp4Error {
    /// Box path from the top of the file; `[i]` is the 0-based index among siblings of that
    /// type, shown for `trak` and for any type that occurs more than once in its parent.
    pub path: String,
    /// Absolute file offset of the problem (a box start, a table entry, a sample).
    pub offset: u64,
    pub kind: ErrorKind,
}

impl Mp4Error {
    pub(crate) fn new(path: impl Into<String>, offset: u64, kind: ErrorKind) -> Mp4Error {
        Mp4Error {
            path: path.into(),
            offset,
            kind,
        }
    }
}

/// What went wrong; `Mp4Error` says where.
#[derive(Debug, Error)]
pub enum ErrorKind {
    #[error("read failed: {0}")]
    Io(#[source] io::Error),
    #[error("cannot reserve {bytes} bytes to load the box")]
    OutOfMemory { bytes: u64 },
    #[error("only {available} bytes left, too few for a box header")]
    HeaderTruncated { available: u64 },
    #[error("declared size {size} is smaller than its {header_len}-byte header")]
    SizeTooSmall { size: u64, header_len: u64 },
    #[error("declared size {size} runs past the end of its parent ({available} bytes left)")]
    PastParentEnd { size: u64, available: u64 },
    #[error("size 0 (\"to the end of the file\") is only allowed for top-level boxes")]
    SizeZeroInside,
    #[error("boxes nest deeper than {max} levels")]
    TooDeep { max: usize },
    #[error("more than {max} top-level boxes")]
    TooManyBoxes { max: usize },
    #[error("box not found")]
    Missing,
    /// An `mdat` before any `moov` runs past the end of the file: the camera wrote the media
    /// and never the index, which it writes when the recording stops.
    #[error(
        "the recording was not finalised (no moov; the camera lost power or the card was \
         pulled?): the mdat declares {size} bytes, the file ends {available} bytes into it"
    )]
    Unfinalised { size: u64, available: u64 },
    /// No `moov` among the top-level boxes, which end at the error's offset.
    #[error(
        "no moov box up to the end of the boxes: the recording was not finalised (the camera \
         lost power or the card was pulled?), or the file is not a video"
    )]
    NoMoov,
    #[error("{needed} bytes needed, only {available} left in the box")]
    FieldTruncated { needed: u64, available: u64 },
    #[error("unsupported version {version}")]
    UnsupportedVersion { version: u8 },
    #[error("{count} entries of {entry_size} bytes do not fit in the {available} bytes left")]
    TableTooLarge {
        count: u64,
        entry_size: u64,
        available: u64,
    },
    #[error("unsupported stz2 field size {bits} (4, 8 or 16 expected)")]
    Stz2FieldSize { bits: u8 },
    #[error("sample entry of {size} bytes is too small for its data_reference_index")]
    SampleEntryTooSmall { size: u64 },
    #[error("timescale is 0")]
    ZeroTimescale,
    #[error(
        "{count} samples of {size} bytes each need more bytes than the whole file has ({file_len})"
    )]
    SamplesExceedFile {
        count: u64,
        size: u32,
        file_len: u64,
    },
    #[error("stts describes {stts} samples but the sample size table has {sizes}")]
    SampleCountMismatch { stts: u64, sizes: u64 },
    #[error("entry {entry} starts at chunk {first_chunk}; chunks are numbered from 1 and runs must increase (previous run starts at {previous})")]
    ChunkRunOrder {
        entry: u32,
        first_chunk: u32,
        previous: u32,
    },
    #[error("entry {entry} starts at chunk {first_chunk} but the chunk offset table has {chunks} chunks")]
    ChunkPastTable {
        entry: u32,
        first_chunk: u32,
        chunks: u32,
    },
    #[error("chunks hold {described} samples but the sample size table has {sizes}")]
    TooFewChunkSamples { described: u64, sizes: u64 },
    #[error("sample {index} ({size} bytes) ends at byte {end}, past the end of the file ({file_len} bytes)")]
    SampleOutsideFile {
        index: u32,
        size: u32,
        end: u64,
        file_len: u64,
    },
    #[error("data offset {relative} from base {base} points before the start of the file")]
    DataBeforeFile { base: u64, relative: i32 },
    #[error("reading sample {index} ({size} bytes) failed: {source}")]
    SampleRead {
        index: u32,
        size: u32,
        #[source]
        source: io::Error,
    },
}
