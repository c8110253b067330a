//! `stsd`: the sample descriptions (codec type and its configuration) of a track.

use crate::fourcc::FourCC;

use super::box_header::{parse_header, HeaderError, MAX_HEADER_LEN};
use super::error::{ErrorKind, Mp4Error};
use super::fields::{word, Fields};
use super::spherical::entry_header_len;
use super::tree::{child_path, BoxNode, Moov};

/// Smallest sample entry: header, 6 reserved bytes, data_reference_index.
const MIN_ENTRY_LEN: usize = 16;

/// One sample description, e.g. `avc1`, `mp4a`, `tmcd` or GoPro's `gpmd`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleEntry<'a> {
    /// The entry's format (`avc1`, `gpmd`, …).
    pub kind: FourCC,
    /// Absolute file offset of the entry's header.
    pub offset: u64,
    /// Index (from 1) into the track's `dref` table.
    pub data_reference_index: u16,
    /// The whole entry, header included, as in the file.
    pub bytes: &'a [u8],
}

/// Sample description box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stsd<'a> {
    /// The sample entries, in order (most tracks have one).
    pub entries: Vec<SampleEntry<'a>>,
}

impl<'a> Stsd<'a> {
    /// Parses the `stsd` box `node`.
    pub fn parse(moov: &'a Moov, node: &'a BoxNode) -> Result<Stsd<'a>, Mp4Error> {
        let mut f = Fields::of(moov, node);
        f.full_box(0)?;
        let count = f.u32()?;
        let mut offset = f.offset();
        let mut rest = f.rest();
        // Checks the count against the box before reserving room for it.
        Fields::new(rest, offset, &node.path).table(count, MIN_ENTRY_LEN)?;

        let mut entries = Vec::with_capacity(count as usize);
        for index in 0..count as usize {
            let entry_path = |kind| child_path(&node.path, kind, index, count as usize);
            let head = rest.get(..MAX_HEADER_LEN).unwrap_or(rest);
            let header = parse_header(head, offset, rest.len() as u64, false).map_err(
                |HeaderError { kind, error, .. }| match kind {
                    Some(kind) => Mp4Error::new(entry_path(kind), offset, error),
                    None => Mp4Error::new(node.path.clone(), offset, error),
                },
            )?;
            let (bytes, tail) = rest
                .split_at_checked(header.size as usize)
                .unwrap_or((rest, &[]));
            let index_at = header.header_len as usize + 6;
            let data_reference_index = word::<2>(bytes.get(index_at..).unwrap_or_default(), 0)
                .map(u16::from_be_bytes)
                .ok_or_else(|| {
                    Mp4Error::new(
                        entry_path(header.kind),
                        offset,
                        ErrorKind::SampleEntryTooSmall { size: header.size },
                    )
                })?;
            entries.push(SampleEntry {
                kind: header.kind,
                offset,
                data_reference_index,
                bytes,
            });
            rest = tail;
            offset += header.size;
        }
        Ok(Stsd { entries })
    }
}

impl SampleEntry<'_> {
    /// Width and height in pixels of a visual sample entry (the entry of a video track), read
    /// from the fields every VisualSampleEntry and QuickTime video description has; `None`
    /// when the entry is too short for them.
    pub fn visual_size(&self) -> Option<(u16, u16)> {
        let header_len = entry_header_len(self.bytes);
        // reserved (6), data reference index (2), pre-defined and reserved (16).
        let at = header_len + 24;
        let field = |i: usize| word::<2>(self.bytes.get(at + i..).unwrap_or_default(), 0);
        Some((u16::from_be_bytes(field(0)?), u16::from_be_bytes(field(2)?)))
    }
}
