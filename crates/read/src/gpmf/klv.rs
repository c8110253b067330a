//! The zero-copy KLV decoder: an iterator over one nest level of a payload that yields borrowed
//! headers and data slices with their byte offsets, checking every header as it goes.

use super::error::{Error, ErrorKind};
use super::ValueType;
use crate::FourCC;

/// Nests may be this many levels deep (GoPro's parser has the same limit); deeper input is a
/// depth bomb, not data.
pub const MAX_DEPTH: usize = 16;

const HEADER_LEN: usize = 8;

/// What a KLV holds. Exhaustive, as GPMF defines it: a nest or typed data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Type 0: the data is more KLVs.
    Nest,
    /// A value type: the data is `repeat` samples of `struct_size` bytes.
    Data(ValueType),
}

/// One KLV, borrowed from the payload.
#[derive(Debug, Clone, Copy)]
pub struct KlvRef<'a> {
    /// Four-character key (`DEVC`, `GPS5`, …).
    pub key: FourCC,
    /// Nest or data, from the type character.
    pub kind: Kind,
    /// Bytes per sample (for a nest, usually 1).
    pub struct_size: u8,
    /// Samples (for a nest with struct size 1, its byte length).
    pub repeat: u16,
    /// Byte offset of the header in the payload.
    pub offset: usize,
    /// Nest level: 0 for the payload's top level.
    pub depth: usize,
    data: &'a [u8],
    padding: &'a [u8],
    root: &'a [u8],
}

impl<'a> KlvRef<'a> {
    /// The struct size × repeat bytes after the header (a nest's children, for a nest).
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// The 0–3 bytes after the data that keep the next KLV 32-bit aligned. Usually zero, but
    /// cameras leave whatever was in their buffer (HERO7 ACCL/GYRO), and the spec allows it.
    pub fn padding(&self) -> &'a [u8] {
        self.padding
    }

    /// The value type of a data KLV; `None` for a nest.
    pub fn value_type(&self) -> Option<ValueType> {
        match self.kind {
            Kind::Nest => None,
            Kind::Data(ty) => Some(ty),
        }
    }

    /// The type character as stored (0 for a nest).
    pub fn type_char(&self) -> u8 {
        self.value_type().map_or(0, ValueType::to_char)
    }

    /// The entries of a nest, or `None` for data.
    pub fn children(&self) -> Option<Entries<'a>> {
        (self.kind == Kind::Nest).then(|| Entries {
            root: self.root,
            pos: self.offset + HEADER_LEN,
            end: self.offset + HEADER_LEN + self.data.len(),
            depth: self.depth + 1,
            owner: self.offset,
            done: false,
        })
    }

    /// Byte offset just past this KLV (after its padding).
    pub fn end(&self) -> usize {
        self.offset + HEADER_LEN + self.data.len() + self.padding.len()
    }

    /// Elements per sample for simple types (struct size / element size); `None` for nests and
    /// complex data, whose element count comes from `TYPE`.
    pub fn elements(&self) -> Option<usize> {
        match self.kind {
            Kind::Data(ValueType::Complex) | Kind::Nest => None,
            Kind::Data(ty) => Some(usize::from(self.struct_size) / ty.size()),
        }
    }

    /// An error about this KLV.
    pub fn error(&self, kind: ErrorKind) -> Error {
        Error::at(self.root, self.offset, kind)
    }
}

/// One step of a walk: a KLV, or a run of zero 32-bit words that GoPro's parser skips
/// (GoPro's writer uses them to pad large nests; `udta/GPMF` payloads end with them).
/// Exhaustive: a payload holds nothing else.
#[derive(Debug, Clone, Copy)]
pub enum Entry<'a> {
    /// A KLV (nest or data).
    Klv(KlvRef<'a>),
    /// Zero words between KLVs, skipped.
    Filler {
        /// Byte offset of the first zero word in the payload.
        offset: usize,
        /// How many 32-bit zero words follow.
        words: usize,
    },
}

/// The entries of one nest level. Yields an error once and then stops.
#[derive(Debug, Clone)]
pub struct Entries<'a> {
    root: &'a [u8],
    pos: usize,
    end: usize,
    depth: usize,
    /// Offset of the nest these entries belong to, for depth errors.
    owner: usize,
    done: bool,
}

/// The top-level entries of a payload (one or more concatenated `DEVC`s, usually).
pub fn entries(payload: &[u8]) -> Entries<'_> {
    Entries {
        root: payload,
        pos: 0,
        end: payload.len(),
        depth: 0,
        owner: 0,
        done: false,
    }
}

impl<'a> Entries<'a> {
    /// Only the KLVs, skipping filler.
    pub fn klvs(self) -> impl Iterator<Item = Result<KlvRef<'a>, Error>> {
        self.filter_map(|entry| match entry {
            Ok(Entry::Klv(klv)) => Some(Ok(klv)),
            Ok(Entry::Filler { .. }) => None,
            Err(err) => Some(Err(err)),
        })
    }

    fn fail(&mut self, offset: usize, kind: ErrorKind) -> Option<Result<Entry<'a>, Error>> {
        self.done = true;
        Some(Err(Error::at(self.root, offset, kind)))
    }

    fn zero_words(&self) -> usize {
        self.root
            .get(self.pos..self.end)
            .unwrap_or_default()
            .chunks_exact(4)
            .take_while(|word| word == &[0; 4])
            .count()
    }
}

impl<'a> Iterator for Entries<'a> {
    type Item = Result<Entry<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.pos >= self.end {
            return None;
        }
        if self.depth > MAX_DEPTH {
            return self.fail(self.owner, ErrorKind::DepthBomb { limit: MAX_DEPTH });
        }
        let pos = self.pos;
        let words = self.zero_words();
        if words > 0 {
            self.pos += words * 4;
            return Some(Ok(Entry::Filler { offset: pos, words }));
        }
        // Inside a nest the room was checked against the input when the nest was decoded, so
        // running out there means the nest's own size is wrong, not that the input was cut.
        let room = self.end - pos;
        let overflow = |needed| match self.depth {
            0 => ErrorKind::Truncated {
                needed,
                available: room,
            },
            _ => ErrorKind::SizeOverflow { needed, room },
        };
        let within = self.root.get(..self.end).unwrap_or_default();
        let Some(header) = parse_header(within, pos) else {
            return self.fail(pos, overflow(HEADER_LEN));
        };
        if !is_gpmf_key(header.key) {
            return self.fail(pos, ErrorKind::BadKey(header.key));
        }
        let kind = match header.kind {
            RawKind::Nest => Kind::Nest,
            RawKind::Data => match ValueType::from_char(header.type_char) {
                Some(ty) => Kind::Data(ty),
                None => return self.fail(pos, ErrorKind::BadType(header.type_char)),
            },
        };
        let size_ok = match kind {
            Kind::Nest => header.struct_size != 0,
            // Element sizes are powers of two, so a mask replaces a division per header.
            Kind::Data(ty) => {
                header.struct_size != 0 && usize::from(header.struct_size) & (ty.size() - 1) == 0
            }
        };
        if !size_ok {
            return self.fail(
                pos,
                ErrorKind::BadStructSize {
                    type_char: header.type_char,
                    struct_size: header.struct_size,
                },
            );
        }
        let len = header.len();
        if kind == Kind::Nest && len % 4 != 0 {
            return self.fail(pos, ErrorKind::MisalignedNest { size: len });
        }
        let needed = HEADER_LEN + header.padded_len();
        if needed > room {
            let kind = match (self.depth, kind) {
                (0, _) | (_, Kind::Nest) => overflow(needed),
                (_, Kind::Data(_)) => ErrorKind::RepeatOverflow {
                    struct_size: header.struct_size,
                    repeat: header.repeat,
                    needed,
                    room,
                },
            };
            return self.fail(pos, kind);
        }
        let body = pos + HEADER_LEN;
        self.pos = pos + needed;
        Some(Ok(Entry::Klv(KlvRef {
            key: header.key,
            kind,
            struct_size: header.struct_size,
            repeat: header.repeat,
            offset: pos,
            depth: self.depth,
            data: self.root.get(body..body + len).unwrap_or_default(),
            padding: self.root.get(body + len..self.pos).unwrap_or_default(),
            root: self.root,
        })))
    }
}

/// GoPro's `GPMF_VALID_FOURCC`: letters, digits and spaces only. A zero key is filler.
pub fn is_gpmf_key(key: FourCC) -> bool {
    key.0.iter().all(|&b| KEY_BYTES[usize::from(b)])
}

/// Which bytes may appear in a key; a table keeps the per-header check branch-light.
static KEY_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b' ';
        b += 1;
    }
    table
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RawKind {
    Nest,
    Data,
}

/// The eight header bytes as stored, not yet checked.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Header {
    pub key: FourCC,
    pub kind: RawKind,
    pub type_char: u8,
    pub struct_size: u8,
    pub repeat: u16,
}

impl Header {
    pub fn len(&self) -> usize {
        usize::from(self.struct_size) * usize::from(self.repeat)
    }

    pub(crate) fn padded_len(&self) -> usize {
        self.len().next_multiple_of(4)
    }
}

/// Reads the header at `pos`, or `None` when fewer than eight bytes remain.
pub(crate) fn parse_header(buf: &[u8], pos: usize) -> Option<Header> {
    let bytes: &[u8; HEADER_LEN] = buf
        .get(pos..pos.checked_add(HEADER_LEN)?)?
        .try_into()
        .ok()?;
    let [k0, k1, k2, k3, type_char, struct_size, r0, r1] = *bytes;
    Some(Header {
        key: FourCC([k0, k1, k2, k3]),
        kind: if type_char == 0 {
            RawKind::Nest
        } else {
            RawKind::Data
        },
        type_char,
        struct_size,
        repeat: u16::from_be_bytes([r0, r1]),
    })
}
