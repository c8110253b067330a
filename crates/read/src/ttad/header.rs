//! The header before the record stream.
//!
//! TomTom's format description: a big-endian `u32` version, a `u32` entry count, then `count`
//! entries of (`i32` type, `u32` body length). ExifTool instead skips a fixed 76 bytes, which
//! is what real files it has seen need. The description does not say the count's byte order
//! (the version is big-endian, the records little-endian), so both are tried; a count that
//! fits one order is hopelessly large in the other. When no plausible table is there, the
//! records are read from byte 76 with the built-in lengths, as ExifTool does.

use super::bytes::{u32_at, ByteOrder};
use super::error::TtadError;
use super::table::{TypeTable, TIMECODE, TIMECODE_LEN};

/// Where ExifTool starts reading records.
pub const FIXED_STREAM_START: usize = 76;

/// Bytes before the table entries: version and count.
const TABLE_ENTRIES_START: usize = 8;
const TABLE_ENTRY_LEN: usize = 8;

/// Type bytes are one byte wide, so a longer table cannot be describing this format.
const MAX_TABLE_ENTRIES: u32 = 256;

/// How the header was understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Layout {
    /// A type table with `entries` entries in `byte_order`; its lengths override the built-in
    /// ones for the types it lists.
    Table {
        /// Byte order of the table's lengths.
        byte_order: ByteOrder,
        /// Entries in the table.
        entries: u32,
    },
    /// No plausible table: records start at byte 76 and use the built-in lengths.
    Fixed76,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The first four bytes, big-endian (the format description's version field).
    pub version: u32,
    pub layout: Layout,
    /// Offset of the first record byte in the payload.
    pub stream_start: usize,
    pub table: TypeTable,
}

impl Header {
    pub fn parse(payload: &[u8]) -> Result<Header, TtadError> {
        let no_header = TtadError::NoHeader {
            len: payload.len(),
            min: FIXED_STREAM_START,
        };
        let version = u32_at(payload, 0, ByteOrder::Big).ok_or(no_header.clone())?;
        let from_table = [ByteOrder::Big, ByteOrder::Little]
            .into_iter()
            .find_map(|order| parse_table(payload, order));
        let (layout, stream_start, table) = match from_table {
            Some(found) => found,
            None if payload.len() >= FIXED_STREAM_START => {
                (Layout::Fixed76, FIXED_STREAM_START, TypeTable::builtin())
            }
            None => return Err(no_header),
        };
        Ok(Header {
            version,
            layout,
            stream_start,
            table,
        })
    }
}

/// The table read in `order`, or `None` when the bytes cannot be one: a count beyond the
/// payload or beyond one entry per type byte, a type outside -1..=255, or a timecode length
/// other than 4 (the timecode is what resynchronisation relies on, so its size is fixed).
fn parse_table(payload: &[u8], order: ByteOrder) -> Option<(Layout, usize, TypeTable)> {
    let entries = u32_at(payload, 4, order)?;
    if entries > MAX_TABLE_ENTRIES {
        return None;
    }
    let table_end = usize::try_from(entries)
        .ok()?
        .checked_mul(TABLE_ENTRY_LEN)?
        .checked_add(TABLE_ENTRIES_START)?;
    let raw = payload.get(TABLE_ENTRIES_START..table_end)?;
    let mut table = TypeTable::builtin();
    for entry in raw.chunks_exact(TABLE_ENTRY_LEN) {
        let kind = type_byte(u32_at(entry, 0, order)?)?;
        let len = u32_at(entry, 4, order)?;
        if kind == TIMECODE && len != TIMECODE_LEN {
            return None;
        }
        table.set(kind, len);
    }
    let layout = Layout::Table {
        byte_order: order,
        entries,
    };
    Some((layout, table_end, table))
}

/// The record type byte a table's `i32` type stands for: -1 is the timecode (0xFF).
fn type_byte(raw: u32) -> Option<u8> {
    match i32::from_ne_bytes(raw.to_ne_bytes()) {
        -1 => Some(TIMECODE),
        kind => u8::try_from(kind).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table_bytes(order: ByteOrder, entries: &[(i32, u32)]) -> Vec<u8> {
        let word = |v: u32| match order {
            ByteOrder::Big => v.to_be_bytes(),
            ByteOrder::Little => v.to_le_bytes(),
        };
        let mut out = 1u32.to_be_bytes().to_vec();
        out.extend_from_slice(&word(entries.len() as u32));
        for &(kind, len) in entries {
            out.extend_from_slice(&word(kind as u32));
            out.extend_from_slice(&word(len));
        }
        out
    }

    #[test]
    fn reads_a_big_endian_table_and_starts_after_it() {
        let bytes = table_bytes(ByteOrder::Big, &[(-1, 4), (5, 100), (7, 6)]);
        let header = Header::parse(&bytes).unwrap();
        assert_eq!(header.version, 1);
        assert_eq!(
            header.layout,
            Layout::Table {
                byte_order: ByteOrder::Big,
                entries: 3
            }
        );
        assert_eq!(header.stream_start, 32);
        assert_eq!(header.table.len_of(5), Some(100));
        assert_eq!(header.table.len_of(7), Some(6));
        assert_eq!(header.table.len_of(3), Some(12));
    }

    #[test]
    fn reads_a_little_endian_table() {
        let bytes = table_bytes(ByteOrder::Little, &[(-1, 4), (9, 2)]);
        let header = Header::parse(&bytes).unwrap();
        assert_eq!(
            header.layout,
            Layout::Table {
                byte_order: ByteOrder::Little,
                entries: 2
            }
        );
        assert_eq!(header.stream_start, 24);
        assert_eq!(header.table.len_of(9), Some(2));
    }

    #[test]
    fn falls_back_to_byte_76_without_a_plausible_table() {
        let mut bytes = vec![0xAB; 80];
        let header = Header::parse(&bytes).unwrap();
        assert_eq!(header.layout, Layout::Fixed76);
        assert_eq!(header.stream_start, 76);
        assert_eq!(header.table, TypeTable::builtin());

        // A count that fits, but a timecode entry of the wrong size: not a table either.
        bytes.splice(0..16, table_bytes(ByteOrder::Big, &[(-1, 8)]));
        assert_eq!(Header::parse(&bytes).unwrap().layout, Layout::Fixed76);

        // A type that no byte can hold.
        bytes.splice(0..16, table_bytes(ByteOrder::Big, &[(300, 8)]));
        assert_eq!(Header::parse(&bytes).unwrap().layout, Layout::Fixed76);
    }

    #[test]
    fn a_count_beyond_the_payload_is_not_a_table() {
        let nine: Vec<(i32, u32)> = (-1..8).map(|kind| (kind, 4)).collect();
        let mut bytes = table_bytes(ByteOrder::Big, &nine);
        assert_eq!(bytes.len(), 80);
        bytes.truncate(76);
        assert_eq!(Header::parse(&bytes).unwrap().layout, Layout::Fixed76);
        bytes.truncate(20);
        assert_eq!(
            Header::parse(&bytes),
            Err(TtadError::NoHeader { len: 20, min: 76 })
        );
    }

    #[test]
    fn too_short_for_any_header_is_an_error_naming_the_box() {
        let err = Header::parse(&[0, 0, 0]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "moov/udta/TTMD/TTAD @0: the 3-byte payload holds neither a type table nor \
             ExifTool's 76-byte header"
        );
    }
}
