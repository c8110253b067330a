//! Box headers: 32-bit size + type, the 64-bit `largesize` escape (size 1), size 0 ("to the end
//! of the file", top level only) and the 16-byte extended type of `uuid` boxes.
//!
//! [`parse_header`] is the one place a box's extent is decided: the top-level walk, the `moov`
//! tree, sample entries, fragments, `verify`'s tolerant walk, vendor boxes (TomTom's `TTMD`,
//! Rexing's `frea`, through [`child_headers`]) and telemux-write all go through it, so a header
//! means the same bytes everywhere.

use crate::fourcc::FourCC;

use super::error::ErrorKind;

/// The longest header: size, type, largesize, uuid extended type. [`parse_header`] needs at
/// most this many bytes.
pub const MAX_HEADER_LEN: usize = 32;

const UUID: FourCC = FourCC::new(b"uuid");

/// Where a box is and how its header was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoxHeader {
    /// The box type (`moov`, `mdat`, `uuid`…).
    pub kind: FourCC,
    /// Absolute file offset of the first header byte.
    pub offset: u64,
    /// 8, 16 (largesize), 24 (uuid) or 32 (largesize + uuid).
    pub header_len: u64,
    /// Total size including the header, as resolved (size 0 becomes "to the end of the file").
    pub size: u64,
    /// Extended type of a `uuid` box.
    pub user_type: Option<[u8; 16]>,
    /// The size field was 0: the box runs to the end of the file. A writer that appends after
    /// such a box must give it an explicit size.
    pub size_to_end: bool,
}

impl BoxHeader {
    /// Absolute offset one past the last byte of the box.
    pub fn end(&self) -> u64 {
        self.offset + self.size
    }

    /// Absolute offset of the first byte after the header.
    pub fn body_offset(&self) -> u64 {
        self.offset + self.header_len
    }

    /// Bytes after the header.
    pub fn body_len(&self) -> u64 {
        self.size - self.header_len
    }
}

/// A header that could not be parsed, with its type when at least that much was readable (so
/// the caller can name the box in the error path).
#[derive(Debug)]
#[non_exhaustive]
pub struct HeaderError {
    /// The box type, when the first 8 bytes were there.
    pub kind: Option<FourCC>,
    /// Absolute file offset of the header.
    pub offset: u64,
    /// What is wrong with it.
    pub error: ErrorKind,
}

/// Parses the header at `offset` from `bytes` (the first up to [`MAX_HEADER_LEN`] bytes of the
/// box), where `room` bytes remain until the end of the parent (or of the file) and the box must
/// fit in them. Size 0 means "up to `room`" when `allow_size_to_end`, else it is an error; a
/// size below the header's own length is an error.
pub fn parse_header(
    bytes: &[u8],
    offset: u64,
    room: u64,
    allow_size_to_end: bool,
) -> Result<BoxHeader, HeaderError> {
    let truncated = |kind| HeaderError {
        kind,
        offset,
        error: ErrorKind::HeaderTruncated { available: room },
    };
    let (Some(size32), Some(kind)) = (be_u32(bytes, 0), bytes.get(4..8)) else {
        return Err(truncated(None));
    };
    let kind = FourCC(kind.try_into().map_err(|_| truncated(None))?);
    let fail = |error| HeaderError {
        kind: Some(kind),
        offset,
        error,
    };

    let mut header_len = 8u64;
    let mut size_to_end = false;
    let size = match size32 {
        0 if allow_size_to_end => {
            size_to_end = true;
            room
        }
        0 => return Err(fail(ErrorKind::SizeZeroInside)),
        1 => {
            header_len = 16;
            be_u64(bytes, 8).ok_or_else(|| truncated(Some(kind)))?
        }
        n => u64::from(n),
    };
    let user_type = if kind == UUID {
        let start = header_len as usize;
        let extended: [u8; 16] = bytes
            .get(start..start + 16)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| truncated(Some(kind)))?;
        header_len += 16;
        Some(extended)
    } else {
        None
    };
    if size < header_len {
        return Err(fail(ErrorKind::SizeTooSmall { size, header_len }));
    }
    if size > room {
        return Err(fail(ErrorKind::PastParentEnd {
            size,
            available: room,
        }));
    }
    Ok(BoxHeader {
        kind,
        offset,
        header_len,
        size,
        user_type,
        size_to_end,
    })
}

/// The boxes laid end to end in `body`, whose first byte is at file offset `base`, each with
/// its body: what vendor boxes the `moov` tree keeps as leaves (`TTMD`, `frea`) hold. Each
/// header is parsed by [`parse_header`] with the rest of `body` as its room (size 0 runs to the
/// end of `body` when `allow_size_to_end`); iteration stops after the first error.
pub fn child_headers(body: &[u8], base: u64, allow_size_to_end: bool) -> ChildHeaders<'_> {
    ChildHeaders {
        rest: body,
        offset: base,
        allow_size_to_end,
    }
}

/// Iterator of [`child_headers`].
#[derive(Debug, Clone)]
pub struct ChildHeaders<'a> {
    rest: &'a [u8],
    offset: u64,
    allow_size_to_end: bool,
}

impl<'a> Iterator for ChildHeaders<'a> {
    type Item = Result<(BoxHeader, &'a [u8]), HeaderError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let rest = std::mem::take(&mut self.rest);
        let head = rest.get(..MAX_HEADER_LEN).unwrap_or(rest);
        let header =
            match parse_header(head, self.offset, rest.len() as u64, self.allow_size_to_end) {
                Ok(header) => header,
                Err(error) => return Some(Err(error)),
            };
        // parse_header checked header_len <= size <= rest.len().
        let (this, after) = rest.split_at(header.size as usize);
        self.rest = after;
        self.offset = header.end();
        Some(Ok((header, &this[header.header_len as usize..])))
    }
}

fn be_u32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn be_u64(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(bytes: &[u8], room: u64) -> Result<BoxHeader, HeaderError> {
        parse_header(bytes, 100, room, true)
    }

    #[test]
    fn compact_size() {
        let h = parse(b"\0\0\0\x10free01234567", 40).unwrap();
        assert_eq!(
            (h.kind, h.offset, h.header_len, h.size),
            (FourCC::new(b"free"), 100, 8, 16)
        );
        assert_eq!((h.body_offset(), h.body_len(), h.end()), (108, 8, 116));
        assert!(!h.size_to_end);
    }

    #[test]
    fn largesize() {
        let mut bytes = b"\0\0\0\x01mdat".to_vec();
        bytes.extend_from_slice(&0x1_0000_0010u64.to_be_bytes());
        let h = parse(&bytes, 0x2_0000_0000).unwrap();
        assert_eq!((h.header_len, h.size), (16, 0x1_0000_0010));
    }

    #[test]
    fn size_zero_runs_to_the_end_only_at_top_level() {
        let h = parse(b"\0\0\0\0mdat", 5000).unwrap();
        assert_eq!((h.size, h.size_to_end), (5000, true));
        let err = parse_header(b"\0\0\0\0mdat", 100, 5000, false).unwrap_err();
        assert!(matches!(err.error, ErrorKind::SizeZeroInside));
        assert_eq!(err.kind, Some(FourCC::new(b"mdat")));
    }

    #[test]
    fn uuid_extended_type() {
        let mut bytes = b"\0\0\0\x1auuid".to_vec();
        bytes.extend_from_slice(&[7; 16]);
        bytes.extend_from_slice(b"xy");
        let h = parse(&bytes, 26).unwrap();
        assert_eq!((h.header_len, h.size, h.user_type), (24, 26, Some([7; 16])));
    }

    #[test]
    fn largesize_uuid() {
        let mut bytes = b"\0\0\0\x01uuid".to_vec();
        bytes.extend_from_slice(&40u64.to_be_bytes());
        bytes.extend_from_slice(&[9; 16]);
        let h = parse(&bytes, 40).unwrap();
        assert_eq!((h.header_len, h.size, h.user_type), (32, 40, Some([9; 16])));
    }

    #[test]
    fn rejects_bad_sizes() {
        let err = parse(b"\0\0\0\x04free", 100).unwrap_err();
        assert!(matches!(
            err.error,
            ErrorKind::SizeTooSmall {
                size: 4,
                header_len: 8
            }
        ));
        let err = parse(b"\0\0\0\x40free", 63).unwrap_err();
        assert!(matches!(
            err.error,
            ErrorKind::PastParentEnd {
                size: 64,
                available: 63
            }
        ));
        let err = parse(b"\0\0\0\x01mdat\0\0", 100).unwrap_err();
        assert!(matches!(err.error, ErrorKind::HeaderTruncated { .. }));
        assert_eq!(err.kind, Some(FourCC::new(b"mdat")));
        let err = parse(b"\0\0\0", 3).unwrap_err();
        assert!(matches!(
            err.error,
            ErrorKind::HeaderTruncated { available: 3 }
        ));
        assert_eq!(err.kind, None);
    }
}
