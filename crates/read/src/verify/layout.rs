//! A tolerant walk of the top-level boxes. Where `Mp4::open` stops at the first bad size, this
//! walk records the damage and steps over it (a box cut short by the end of the file, bytes
//! that are no box, a size that runs over the next box), so a report can say what is wrong and
//! still check everything else.

use std::io::{Read, Seek, SeekFrom};

use crate::fourcc::FourCC;
use crate::mp4::{parse_header, BoxHeader, ErrorKind, HeaderError, Mp4Error, MAX_HEADER_LEN};
use crate::mp4::{
    printable_type as plausible, top_level_error, trailing_at, TopLevel, Trailing, TrailingKind,
    MAX_TOP_LEVEL_BOXES,
};

/// How far around a broken header the walk looks for the next box. Damage is local (a wrong
/// size, a few stray bytes); a wider search would read media data for nothing.
const RESYNC_WINDOW: u64 = 1 << 20;

/// Box types that only occur at the top level, so finding one after damage is a safe place to
/// resume (`free`, `udta` and `meta` also occur inside `moov` and would mislead).
const TOP_LEVEL_ONLY: [&[u8; 4]; 9] = [
    b"ftyp", b"moov", b"mdat", b"wide", b"moof", b"mfra", b"styp", b"sidx", b"pnot",
];

/// Something wrong in the chain of top-level boxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Damage {
    /// A box whose declared size runs past the end of the file: the file was cut short.
    PastEnd {
        /// The box's type.
        kind: FourCC,
        /// Absolute offset of the box.
        offset: u64,
        /// The size it declares.
        size: u64,
        /// The file's length.
        file_len: u64,
    },
    /// A size smaller than the box's own header.
    TooSmall {
        /// The box's type.
        kind: FourCC,
        /// Absolute offset of the box.
        offset: u64,
        /// The size it declares.
        size: u64,
        /// Its header's length.
        header_len: u64,
    },
    /// Bytes between two boxes that do not form a box.
    Junk {
        /// Absolute offset of the first such byte.
        offset: u64,
        /// How many there are.
        len: u64,
    },
    /// `first`'s declared size runs into `second`, found by searching after the damage.
    Overlap {
        /// The box whose size runs too far.
        first: BoxHeader,
        /// The box found inside `first`'s declared extent, by searching after the damage.
        second: BoxHeader,
    },
}

/// What `verify` reports and `dump` shows after the boxes before the damage.
impl std::fmt::Display for Damage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Damage::PastEnd {
                kind,
                offset,
                size,
                file_len,
            } => {
                let missing = offset.saturating_add(size).saturating_sub(file_len);
                write!(
                    f,
                    "{kind} at byte {offset} declares {size} bytes but the file ends {} bytes \
                     later: {missing} bytes missing (truncated file)",
                    file_len - offset
                )
            }
            Damage::TooSmall {
                kind,
                offset,
                size,
                header_len,
            } => write!(
                f,
                "{kind} at byte {offset} declares {size} bytes, less than its {header_len}-byte \
                 header"
            ),
            Damage::Junk { offset, len } => write!(
                f,
                "{len} bytes at byte {offset}, between two boxes, are not a box"
            ),
            Damage::Overlap { first, second } => write!(
                f,
                "{} at byte {} ({} bytes) runs {} bytes into {} at byte {}",
                first.kind,
                first.offset,
                first.size,
                first.end().saturating_sub(second.offset),
                second.kind,
                second.offset
            ),
        }
    }
}

/// The top-level boxes as found, and what was wrong on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The file's length in bytes.
    pub file_len: u64,
    /// In file order. A box cut short by the end of the file is clamped to it, so every box
    /// here lies inside the file.
    pub boxes: Vec<BoxHeader>,
    /// What was wrong, in file order.
    pub damage: Vec<Damage>,
    /// Bytes after the last box that form no box, by the rule every command shares
    /// (`mp4::Trailing`), or that no box could be found in after damage.
    pub trailing: Option<Trailing>,
}

impl Layout {
    /// Walks the top level of a `file_len`-byte file. Errors only when the first box cannot
    /// be read (then this is not an MP4/QuickTime file) or when reading fails.
    pub fn walk<R: Read + Seek>(reader: &mut R, file_len: u64) -> Result<Layout, Mp4Error> {
        let mut layout = Layout {
            file_len,
            boxes: Vec::new(),
            damage: Vec::new(),
            trailing: None,
        };
        let mut offset = 0u64;
        while offset < file_len && layout.boxes.len() < MAX_TOP_LEVEL_BOXES {
            let head = read_at(reader, offset, MAX_HEADER_LEN as u64, file_len)?;
            let room = file_len - offset;
            let parsed = parse_header(&head, offset, room, true);
            if layout.moovs().next().is_some() {
                if let Some(trailing) = trailing_at(&parsed, offset, file_len) {
                    layout.trailing = Some(trailing);
                    break;
                }
            }
            if layout.boxes.is_empty() {
                let header = parsed.map_err(top_level_error)?;
                layout.boxes.push(header);
                offset = header.end();
                continue;
            }
            match parsed {
                Ok(header) if plausible(header.kind) => {
                    layout.boxes.push(header);
                    offset = header.end();
                    continue;
                }
                Err(HeaderError {
                    kind: Some(kind),
                    error: ErrorKind::PastParentEnd { size, .. },
                    ..
                }) if plausible(kind) => {
                    layout.damage.push(Damage::PastEnd {
                        kind,
                        offset,
                        size,
                        file_len,
                    });
                    if let Ok(header) = parse_header(&head, offset, u64::MAX, false) {
                        layout.boxes.push(BoxHeader {
                            size: room,
                            ..header
                        });
                    }
                    break;
                }
                Err(HeaderError {
                    kind: Some(kind),
                    error: ErrorKind::SizeTooSmall { size, header_len },
                    ..
                }) if plausible(kind) => layout.damage.push(Damage::TooSmall {
                    kind,
                    offset,
                    size,
                    header_len,
                }),
                _ => {}
            }
            let previous = layout.boxes.last().copied();
            match resync(reader, previous, offset, file_len)? {
                Some(found) => {
                    match previous {
                        Some(first) if found.offset < offset => {
                            layout.damage.push(Damage::Overlap {
                                first,
                                second: found,
                            })
                        }
                        _ if found.offset > offset
                            && !last_is_too_small(&layout.damage, offset) =>
                        {
                            layout.damage.push(Damage::Junk {
                                offset,
                                len: found.offset - offset,
                            })
                        }
                        _ => {}
                    }
                    layout.boxes.push(found);
                    offset = found.end();
                }
                None => {
                    if !last_is_too_small(&layout.damage, offset) {
                        layout.trailing = Some(Trailing {
                            offset,
                            len: file_len - offset,
                            kind: TrailingKind::NotBoxes,
                        });
                    }
                    break;
                }
            }
        }
        Ok(layout)
    }

    /// The error of a recording cut before its `moov` was written (an `mdat` past the end of
    /// the file and no `moov`), as `Mp4::open` words it: the missing moov is the consequence.
    pub fn unfinalised(&self) -> Option<Mp4Error> {
        if self.moovs().next().is_some() {
            return None;
        }
        self.damage.iter().find_map(|damage| match *damage {
            Damage::PastEnd {
                kind,
                offset,
                size,
                file_len,
            } if kind.as_bytes() == b"mdat" => Some(Mp4Error::new(
                "mdat",
                offset,
                ErrorKind::Unfinalised {
                    size,
                    available: file_len - offset,
                },
            )),
            _ => None,
        })
    }

    /// The boxes and trailing data as `Mp4::open_with_top_level` takes them.
    pub fn top_level(&self) -> TopLevel {
        TopLevel {
            boxes: self.boxes.clone(),
            trailing: self.trailing,
        }
    }

    /// The top-level `moov` boxes, in file order.
    pub fn moovs(&self) -> impl Iterator<Item = &BoxHeader> {
        self.boxes.iter().filter(|b| b.kind.as_bytes() == b"moov")
    }

    /// The top-level `mdat` boxes, in file order.
    pub fn mdats(&self) -> impl Iterator<Item = &BoxHeader> {
        self.boxes.iter().filter(|b| b.kind.as_bytes() == b"mdat")
    }
}

/// A box found at `offset` declared a size below its header: that is already the damage, the
/// bytes up to the next box need no second report.
fn last_is_too_small(damage: &[Damage], at: u64) -> bool {
    matches!(damage.last(), Some(Damage::TooSmall { offset, .. }) if *offset == at)
}

/// Searches around the broken header at `broken` for a top-level-only box that ends after
/// `broken` (so the walk always moves on), starting inside `previous` to catch a size that
/// runs over the next box.
fn resync<R: Read + Seek>(
    reader: &mut R,
    previous: Option<BoxHeader>,
    broken: u64,
    file_len: u64,
) -> Result<Option<BoxHeader>, Mp4Error> {
    let low = previous
        .map_or(broken, |p| p.body_offset())
        .max(broken.saturating_sub(RESYNC_WINDOW));
    let high = broken.saturating_add(RESYNC_WINDOW).min(file_len);
    let window = read_at(reader, low, high - low, file_len)?;
    let found = (0..window.len().saturating_sub(7))
        .filter(|&i| {
            window
                .get(i + 4..i + 8)
                .is_some_and(|kind| TOP_LEVEL_ONLY.iter().any(|k| k.as_slice() == kind))
        })
        .filter_map(|i| {
            let offset = low + i as u64;
            let head = window.get(i..).unwrap_or_default();
            let head = head.get(..MAX_HEADER_LEN).unwrap_or(head);
            parse_header(head, offset, file_len - offset, false).ok()
        })
        .find(|header| header.offset != broken && header.end() > broken);
    Ok(found)
}

/// Up to `len` bytes at `offset`, fewer where the file ends.
fn read_at<R: Read + Seek>(
    reader: &mut R,
    offset: u64,
    len: u64,
    file_len: u64,
) -> Result<Vec<u8>, Mp4Error> {
    let len = len.min(file_len.saturating_sub(offset));
    let mut bytes = vec![0; len as usize];
    reader
        .seek(SeekFrom::Start(offset))
        .and_then(|_| reader.read_exact(&mut bytes))
        .map_err(|err| Mp4Error::new("file", offset, ErrorKind::Io(err)))?;
    Ok(bytes)
}
