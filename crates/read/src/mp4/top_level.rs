//! The top-level walk: box headers only, read with one small seek + read each, so the media
//! data (`mdat`, often gigabytes) is never read.

use std::io::{Read, Seek, SeekFrom};

use crate::fourcc::FourCC;

use super::box_header::{parse_header, BoxHeader, HeaderError, MAX_HEADER_LEN};
use super::error::{ErrorKind, Mp4Error};

/// Refuses files made of millions of empty boxes before the header list grows without bound.
/// Fragmented recordings have two boxes per fragment, far below this.
pub const MAX_TOP_LEVEL_BOXES: usize = 1 << 20;

const MOOV: FourCC = FourCC::new(b"moov");
const MDAT: FourCC = FourCC::new(b"mdat");

/// Path used for problems before any box could be named.
const FILE: &str = "file";

fn io_error(path: &str, offset: u64) -> impl FnOnce(std::io::Error) -> Mp4Error + '_ {
    move |err| Mp4Error::new(path, offset, ErrorKind::Io(err))
}

/// Bytes after the last top-level box, which readers skip and a writer keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trailing {
    /// Absolute offset of the first byte that is no box.
    pub offset: u64,
    /// From `offset` to the end of the file.
    pub len: u64,
    /// What the bytes are.
    pub kind: TrailingKind,
}

impl Trailing {
    /// Absolute offset one past the last byte (the file's length).
    pub fn end(&self) -> u64 {
        self.offset + self.len
    }
}

/// What the bytes after the last box are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TrailingKind {
    /// Bytes that do not form a box: a camera's trailer (Insta360 `.insv` files end with one
    /// after `moov`), zero padding, junk.
    NotBoxes,
    /// A `free` or `skip` box whose declared size runs past the end of the file: the staging
    /// box of an `--in-place` write that was interrupted before it finished appending.
    TornStaging {
        /// The size the box declares.
        declared: u64,
    },
}

/// The top level of a file: its boxes in file order and what follows the last one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopLevel {
    /// Every top-level box, in file order.
    pub boxes: Vec<BoxHeader>,
    /// What follows the last box, if anything.
    pub trailing: Option<Trailing>,
}

/// Where the boxes stop, given the header parse `parsed` at `offset` of a `file_len`-byte
/// file once a `moov` has been seen (before it, every header must be a box).
///
/// The rule, shared by every command (docs/formats.md, *Where the boxes stop*): a header that
/// cannot be one (fewer than 8 bytes left, a type that is not printable, a size smaller than
/// its header) starts trailing data; a `free`/`skip` whose size runs past the end is a torn
/// staging box. A printable type whose size runs past the end is a truncated box: `None`,
/// the caller reports the damage.
pub(crate) fn trailing_at(
    parsed: &Result<BoxHeader, HeaderError>,
    offset: u64,
    file_len: u64,
) -> Option<Trailing> {
    let kind = match parsed {
        Ok(header) if printable_type(header.kind) => return None,
        Err(HeaderError {
            kind: Some(kind),
            error: ErrorKind::PastParentEnd { size, .. },
            ..
        }) if printable_type(*kind) => {
            if !STAGING.contains(&kind.as_bytes()) {
                return None;
            }
            TrailingKind::TornStaging { declared: *size }
        }
        _ => TrailingKind::NotBoxes,
    };
    Some(Trailing {
        offset,
        len: file_len - offset,
        kind,
    })
}

/// Box types a writer stages new bytes in (telemux appends inside a `free`).
const STAGING: [&[u8; 4]; 2] = [b"free", b"skip"];

/// Printable ASCII or `©`, and not all spaces: what real box types look like. Anything else
/// after a valid box means the chain of sizes is broken there.
pub(crate) fn printable_type(kind: FourCC) -> bool {
    let bytes = kind.as_bytes();
    bytes
        .iter()
        .all(|&b| (0x20..=0x7E).contains(&b) || b == 0xA9)
        && bytes != b"    "
}

/// Headers of every top-level box, in file order, each inside the file, and the trailing
/// data after them (see [`trailing_at`]).
pub(crate) fn scan<R: Read + Seek>(reader: &mut R, file_len: u64) -> Result<TopLevel, Mp4Error> {
    let mut headers = Vec::new();
    let mut moov_seen = false;
    let mut offset = 0u64;
    while offset < file_len {
        if headers.len() == MAX_TOP_LEVEL_BOXES {
            return Err(Mp4Error::new(
                FILE,
                offset,
                ErrorKind::TooManyBoxes {
                    max: MAX_TOP_LEVEL_BOXES,
                },
            ));
        }
        let room = file_len - offset;
        let mut head = [0u8; MAX_HEADER_LEN];
        let head = &mut head[..room.min(MAX_HEADER_LEN as u64) as usize];
        reader
            .seek(SeekFrom::Start(offset))
            .and_then(|_| reader.read_exact(head))
            .map_err(io_error(FILE, offset))?;
        let parsed = parse_header(head, offset, room, true);
        if moov_seen {
            if let Some(trailing) = trailing_at(&parsed, offset, file_len) {
                return Ok(TopLevel {
                    boxes: headers,
                    trailing: Some(trailing),
                });
            }
        }
        let header = parsed.map_err(|error| match error {
            HeaderError {
                kind: Some(kind),
                offset,
                error: ErrorKind::PastParentEnd { size, available },
            } if kind == MDAT && !moov_seen => {
                Mp4Error::new("mdat", offset, ErrorKind::Unfinalised { size, available })
            }
            error => top_level_error(error),
        })?;
        moov_seen |= header.kind == MOOV;
        offset = header.end();
        headers.push(header);
    }
    Ok(TopLevel {
        boxes: headers,
        trailing: None,
    })
}

/// The error for a top-level header that is no box, named by its type when it has one.
pub(crate) fn top_level_error(
    HeaderError {
        kind,
        offset,
        error,
    }: HeaderError,
) -> Mp4Error {
    let path = kind.map_or_else(|| FILE.to_string(), |kind| kind.to_string());
    Mp4Error::new(path, offset, error)
}

/// The first `moov` among `headers`. Readers such as ffmpeg take the first one too, which is
/// what makes telemux's in-place writes safe: until the old moov is retired, it rules.
pub(crate) fn find_moov(headers: &[BoxHeader]) -> Result<BoxHeader, Mp4Error> {
    headers
        .iter()
        .find(|h| h.kind == MOOV)
        .copied()
        .ok_or_else(|| {
            // Where the boxes end is where the moov was expected, and where to look.
            let end = headers.last().map_or(0, BoxHeader::end);
            Mp4Error::new("moov", end, ErrorKind::NoMoov)
        })
}

/// Loads the bytes of the box `header`, which `scan` found to fit in the file; a size the
/// allocator cannot provide is an error, not an abort.
pub(crate) fn load<R: Read + Seek>(
    reader: &mut R,
    header: &BoxHeader,
) -> Result<Vec<u8>, Mp4Error> {
    let path = header.kind.to_string();
    let out_of_memory = || {
        Mp4Error::new(
            path.clone(),
            header.offset,
            ErrorKind::OutOfMemory { bytes: header.size },
        )
    };
    let len = usize::try_from(header.size).map_err(|_| out_of_memory())?;
    let mut bytes = Vec::new();
    bytes.try_reserve_exact(len).map_err(|_| out_of_memory())?;
    bytes.resize(len, 0);
    reader
        .seek(SeekFrom::Start(header.offset))
        .and_then(|_| reader.read_exact(&mut bytes))
        .map_err(io_error(&path, header.offset))?;
    Ok(bytes)
}
