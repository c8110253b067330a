//! The `moov/gps ` index (spec §1.1): big-endian version/flags, entry count, then (absolute
//! file offset, size) pairs pointing at the `freeGPS` blocks inside `mdat`.

use super::bytes::u32_be;
use super::NovatekError;

/// Where one indexed block lives in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexEntry {
    /// Position of the entry in the box's table (unused slots count).
    pub slot: usize,
    /// Absolute file offset of the block's size field.
    pub offset: u64,
    /// The block's size in bytes, as the index states it.
    pub size: u32,
}

/// The parsed index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GpsIndex {
    /// Entries with a non-zero offset and size, in index order.
    pub entries: Vec<IndexEntry>,
    /// The entry count the box declares (cameras pre-size the table; it may exceed the box).
    pub declared: u32,
    /// Pre-allocated slots left at offset or size 0.
    pub unused_slots: usize,
}

const HEADER: usize = 8;
const ENTRY: usize = 8;

/// Parses the payload of `moov/gps ` (the bytes after its 8-byte box header), which starts at
/// `payload_offset` in the file. The declared count is clamped to what the payload holds, as
/// ExifTool does, so a lying count can neither over-read nor over-allocate.
pub fn parse_gps_index(payload: &[u8], payload_offset: u64) -> Result<GpsIndex, NovatekError> {
    let declared = u32_be(payload, 4).ok_or(NovatekError::IndexTooShort {
        offset: payload_offset,
        len: payload.len(),
    })?;
    let room = (payload.len() - HEADER) / ENTRY;
    let count = usize::try_from(declared).map_or(room, |n| n.min(room));
    let mut entries = Vec::with_capacity(count);
    let mut unused_slots = 0;
    let table = payload.get(HEADER..).unwrap_or_default();
    for (slot, bytes) in table.chunks_exact(ENTRY).take(count).enumerate() {
        let offset = u32_be(bytes, 0).unwrap_or(0);
        let size = u32_be(bytes, 4).unwrap_or(0);
        if offset == 0 || size == 0 {
            unused_slots += 1;
        } else {
            entries.push(IndexEntry {
                slot,
                offset: u64::from(offset),
                size,
            });
        }
    }
    Ok(GpsIndex {
        entries,
        declared,
        unused_slots,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(declared: u32, entries: &[(u32, u32)]) -> Vec<u8> {
        let mut out = 0x0000_0101u32.to_be_bytes().to_vec();
        out.extend(declared.to_be_bytes());
        for (offset, size) in entries {
            out.extend(offset.to_be_bytes());
            out.extend(size.to_be_bytes());
        }
        out
    }

    #[test]
    fn reads_entries_and_skips_unused_slots() {
        let index = parse_gps_index(
            &payload(
                4,
                &[(0x2B_E950, 0x1000), (0, 0), (0x30_0000, 0x8000), (5, 0)],
            ),
            100,
        )
        .unwrap();
        assert_eq!(
            index.entries,
            [
                IndexEntry {
                    slot: 0,
                    offset: 0x2B_E950,
                    size: 0x1000
                },
                IndexEntry {
                    slot: 2,
                    offset: 0x30_0000,
                    size: 0x8000
                }
            ]
        );
        assert_eq!(index.declared, 4);
        assert_eq!(index.unused_slots, 2);
    }

    #[test]
    fn count_is_clamped_to_the_box_both_ways() {
        let lying = parse_gps_index(&payload(u32::MAX, &[(10, 20)]), 0).unwrap();
        assert_eq!(lying.entries.len(), 1);
        assert_eq!(lying.declared, u32::MAX);
        let short = parse_gps_index(&payload(1, &[(10, 20), (30, 40)]), 0).unwrap();
        assert_eq!(
            short.entries,
            [IndexEntry {
                slot: 0,
                offset: 10,
                size: 20
            }]
        );
        // A trailing partial entry is ignored.
        let mut partial = payload(2, &[(10, 20)]);
        partial.extend([0, 0, 0, 9]);
        assert_eq!(parse_gps_index(&partial, 0).unwrap().entries.len(), 1);
    }

    #[test]
    fn a_payload_without_header_is_an_error_naming_the_box() {
        let err = parse_gps_index(&[0, 0, 1], 4242).unwrap_err();
        assert_eq!(
            err.to_string(),
            "moov/gps  at byte 4242: 3-byte payload is shorter than its 8-byte header"
        );
    }
}
