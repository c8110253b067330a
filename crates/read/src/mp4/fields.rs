//! Bounds-checked big-endian reads over one box payload, with errors that name the box and the
//! absolute offset of the field that did not fit.

use crate::fourcc::FourCC;

use super::error::{ErrorKind, Mp4Error};
use super::tree::{BoxNode, Moov};

pub(crate) struct Fields<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// File offset of `bytes[0]`.
    base: u64,
    path: &'a str,
}

impl<'a> Fields<'a> {
    /// The payload (after the header) of `node`.
    pub fn of(moov: &'a Moov, node: &'a BoxNode) -> Fields<'a> {
        Fields {
            bytes: moov.body(node),
            pos: 0,
            base: node.header.body_offset(),
            path: &node.path,
        }
    }

    pub fn new(bytes: &'a [u8], base: u64, path: &'a str) -> Fields<'a> {
        Fields {
            bytes,
            pos: 0,
            base,
            path,
        }
    }

    /// Absolute file offset of the next unread byte.
    pub fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    pub fn error(&self, kind: ErrorKind) -> Mp4Error {
        Mp4Error::new(self.path, self.offset(), kind)
    }

    pub fn take(&mut self, len: usize) -> Result<&'a [u8], Mp4Error> {
        let slice = self
            .pos
            .checked_add(len)
            .and_then(|end| self.bytes.get(self.pos..end))
            .ok_or_else(|| {
                self.error(ErrorKind::FieldTruncated {
                    needed: len as u64,
                    available: self.remaining() as u64,
                })
            })?;
        self.pos += len;
        Ok(slice)
    }

    /// Everything not read yet.
    pub fn rest(&mut self) -> &'a [u8] {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        self.pos = self.bytes.len();
        rest
    }

    pub fn skip(&mut self, len: usize) -> Result<(), Mp4Error> {
        self.take(len).map(|_| ())
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Mp4Error> {
        let slice = self.take(N)?;
        let mut out = [0; N];
        out.copy_from_slice(slice);
        Ok(out)
    }

    pub fn u8(&mut self) -> Result<u8, Mp4Error> {
        Ok(self.array::<1>()?[0])
    }

    pub fn u16(&mut self) -> Result<u16, Mp4Error> {
        self.array().map(u16::from_be_bytes)
    }

    pub fn i16(&mut self) -> Result<i16, Mp4Error> {
        self.array().map(i16::from_be_bytes)
    }

    pub fn u32(&mut self) -> Result<u32, Mp4Error> {
        self.array().map(u32::from_be_bytes)
    }

    pub fn i32(&mut self) -> Result<i32, Mp4Error> {
        self.array().map(i32::from_be_bytes)
    }

    pub fn u64(&mut self) -> Result<u64, Mp4Error> {
        self.array().map(u64::from_be_bytes)
    }

    pub fn i64(&mut self) -> Result<i64, Mp4Error> {
        self.array().map(i64::from_be_bytes)
    }

    pub fn fourcc(&mut self) -> Result<FourCC, Mp4Error> {
        self.array().map(FourCC)
    }

    /// A 32-bit field in version 0 boxes, 64-bit in version 1.
    pub fn u32_or_u64(&mut self, version: u8) -> Result<u64, Mp4Error> {
        if version == 1 {
            self.u64()
        } else {
            self.u32().map(u64::from)
        }
    }

    /// Full-box version and flags; versions above `max_version` are refused.
    pub fn full_box(&mut self, max_version: u8) -> Result<(u8, u32), Mp4Error> {
        let at = self.offset();
        let word = self.u32()?;
        let version = (word >> 24) as u8;
        if version > max_version {
            return Err(Mp4Error::new(
                self.path,
                at,
                ErrorKind::UnsupportedVersion { version },
            ));
        }
        Ok((version, word & 0x00FF_FFFF))
    }

    /// `count` entries of `entry_size` bytes, refused before any allocation when they cannot
    /// fit in what is left of the box.
    pub fn table(&mut self, count: u32, entry_size: usize) -> Result<&'a [u8], Mp4Error> {
        let len = (count as usize)
            .checked_mul(entry_size)
            .filter(|&len| len <= self.remaining())
            .ok_or_else(|| {
                self.error(ErrorKind::TableTooLarge {
                    count: count.into(),
                    entry_size: entry_size as u64,
                    available: self.remaining() as u64,
                })
            })?;
        self.take(len)
    }
}

/// Reads entry `index` of a table of big-endian `N`-byte words. Callers index within counts
/// that `Fields::table` checked against the table length.
pub(crate) fn word<const N: usize>(table: &[u8], index: usize) -> Option<[u8; N]> {
    let start = index.checked_mul(N)?;
    table.get(start..start.checked_add(N)?)?.try_into().ok()
}
