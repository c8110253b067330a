//! The one error type of the MP4 reader. Every error carries the box path (e.g.
//! `moov/trak[1]/mdia/minf/stbl/stsz`) and the absolute byte offset in the file where the
//! problem was found, so a user can look at the exact bytes with a hex editor.

use std::io;

use thiserror::Error;

/// An MP4/QuickTime file that could not be read, with where in the file it went wrong.
#[derive(Debug, Error)]
#[error("{path} at byte {offset}: {kind}")]
#[non_exhaustive]
pub struct Mp4Error {
    /// Box path from the top of the file; `[i]` is the 0-based index among siblings of that
    /// type, shown for `trak` and for any type that occurs more than once in its parent.
    pub path: String,
    /// Absolute file offset of the problem (a box start, a table entry, a sample).
    pub offset: u64,
    /// What went wrong there.
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
#[non_exhaustive]
pub enum ErrorKind {
    /// A Spherical Video V1 `uuid` box whose XML cannot be read.
    #[error("the Spherical Video XML cannot be read: {reason}")]
    SphericalXml {
        /// What the XML reader found.
        reason: String,
    },
    /// Reading the file failed.
    #[error("read failed: {0}")]
    Io(#[source] io::Error),
    /// Reserving memory for a box the file says is this large failed.
    #[error("cannot reserve {bytes} bytes to load the box")]
    OutOfMemory {
        /// The box's declared size.
        bytes: u64,
    },
    /// Too few bytes left in the parent (or the file) for a box header.
    #[error("only {available} bytes left, too few for a box header")]
    HeaderTruncated {
        /// Bytes left.
        available: u64,
    },
    /// A box size smaller than its own header.
    #[error("declared size {size} is smaller than its {header_len}-byte header")]
    SizeTooSmall {
        /// The declared size.
        size: u64,
        /// The header's length: 8, 16, 24 or 32.
        header_len: u64,
    },
    /// A box that runs past the end of its parent (or of the file).
    #[error("declared size {size} runs past the end of its parent ({available} bytes left)")]
    PastParentEnd {
        /// The declared size.
        size: u64,
        /// Bytes left in the parent from the box's start.
        available: u64,
    },
    /// Size 0 ("to the end of the file") on a box inside another.
    #[error("size 0 (\"to the end of the file\") is only allowed for top-level boxes")]
    SizeZeroInside,
    /// Boxes nested beyond the reader's limit.
    #[error("boxes nest deeper than {max} levels")]
    TooDeep {
        /// The deepest nesting accepted.
        max: usize,
    },
    /// More top-level boxes than the reader accepts.
    #[error("more than {max} top-level boxes")]
    TooManyBoxes {
        /// The most top-level boxes accepted.
        max: usize,
    },
    /// A box every file needs (`moov`, or one a track needs) is not there.
    #[error("box not found")]
    Missing,
    /// An `mdat` before any `moov` runs past the end of the file: the camera wrote the media
    /// and never the index, which it writes when the recording stops.
    #[error(
        "the recording was not finalised (no moov; the camera lost power or the card was \
         pulled?): the mdat declares {size} bytes, the file ends {available} bytes into it"
    )]
    Unfinalised {
        /// The mdat's declared size.
        size: u64,
        /// Bytes of it in the file.
        available: u64,
    },
    /// No `moov` among the top-level boxes, which end at the error's offset.
    #[error(
        "no moov box up to the end of the boxes: the recording was not finalised (the camera \
         lost power or the card was pulled?), or the file is not a video"
    )]
    NoMoov,
    /// A field runs past the end of its box.
    #[error("{needed} bytes needed, only {available} left in the box")]
    FieldTruncated {
        /// Bytes the field needs.
        needed: u64,
        /// Bytes left in the box.
        available: u64,
    },
    /// A full box version the reader does not know.
    #[error("unsupported version {version}")]
    UnsupportedVersion {
        /// The version byte.
        version: u8,
    },
    /// A table whose entries do not fit in its box.
    #[error("{count} entries of {entry_size} bytes do not fit in the {available} bytes left")]
    TableTooLarge {
        /// Entries the table declares.
        count: u64,
        /// Bytes per entry.
        entry_size: u64,
        /// Bytes left in the box.
        available: u64,
    },
    /// An `stz2` field size other than 4, 8 or 16 bits.
    #[error("unsupported stz2 field size {bits} (4, 8 or 16 expected)")]
    Stz2FieldSize {
        /// The declared field size.
        bits: u8,
    },
    /// A sample entry too short for its fixed fields.
    #[error("sample entry of {size} bytes is too small for its data_reference_index")]
    SampleEntryTooSmall {
        /// The entry's size in bytes.
        size: u64,
    },
    /// A timescale of 0, which would make every time infinite.
    #[error("timescale is 0")]
    ZeroTimescale,
    /// A constant sample size that the file cannot hold that many times.
    #[error(
        "{count} samples of {size} bytes each need more bytes than the whole file has ({file_len})"
    )]
    SamplesExceedFile {
        /// Samples declared.
        count: u64,
        /// Bytes per sample declared.
        size: u32,
        /// The file's length.
        file_len: u64,
    },
    /// `stts` and the sample size table count different samples.
    #[error("stts describes {stts} samples but the sample size table has {sizes}")]
    SampleCountMismatch {
        /// Samples `stts` describes.
        stts: u64,
        /// Samples the size table has.
        sizes: u64,
    },
    /// An `stsc` run that does not start after the previous one.
    #[error("entry {entry} starts at chunk {first_chunk}; chunks are numbered from 1 and runs must increase (previous run starts at {previous})")]
    ChunkRunOrder {
        /// The `stsc` entry, from 0.
        entry: u32,
        /// Its first chunk.
        first_chunk: u32,
        /// The previous entry's first chunk.
        previous: u32,
    },
    /// An `stsc` run that starts past the last chunk.
    #[error("entry {entry} starts at chunk {first_chunk} but the chunk offset table has {chunks} chunks")]
    ChunkPastTable {
        /// The `stsc` entry, from 0.
        entry: u32,
        /// Its first chunk.
        first_chunk: u32,
        /// Chunks in `stco`/`co64`.
        chunks: u32,
    },
    /// Chunks that hold fewer samples than the size table has.
    #[error("chunks hold {described} samples but the sample size table has {sizes}")]
    TooFewChunkSamples {
        /// Samples the chunks hold.
        described: u64,
        /// Samples the size table has.
        sizes: u64,
    },
    /// A sample that ends past the end of the file.
    #[error("sample {index} ({size} bytes) ends at byte {end}, past the end of the file ({file_len} bytes)")]
    SampleOutsideFile {
        /// The sample, from 0.
        index: u32,
        /// Its size in bytes.
        size: u32,
        /// Absolute offset one past its last byte.
        end: u64,
        /// The file's length.
        file_len: u64,
    },
    /// A fragment's data offset that points before the file.
    #[error("data offset {relative} from base {base} points before the start of the file")]
    DataBeforeFile {
        /// The base data offset.
        base: u64,
        /// The `trun` data offset added to it.
        relative: i32,
    },
    /// Reading a sample failed.
    #[error("reading sample {index} ({size} bytes) failed: {source}")]
    SampleRead {
        /// The sample, from 0.
        index: u32,
        /// Its size in bytes.
        size: u32,
        /// The read's error.
        #[source]
        source: io::Error,
    },
}
