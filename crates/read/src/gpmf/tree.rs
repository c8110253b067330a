//! The owned KLV tree: what [`read_tree`] returns and the writer encodes, so that
//! `read_tree(encode(x)) == x` can be checked directly.

use std::num::NonZeroUsize;

use super::{entries, Entry, Error, Kind, KlvRef, ValueType, Values};
use crate::FourCC;

/// Most samples one KLV can hold: the repeat field is 16 bits.
pub const MAX_REPEAT: usize = u16::MAX as usize;

/// One element of a payload or of a nest. Exhaustive: a payload holds nothing else, and the
/// encoder must write every element back.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A KLV.
    Klv(Klv),
    /// Zero 32-bit words between KLVs, which readers skip. Kept so that payloads padded this way
    /// (`udta/GPMF`, GoPro's large nests) re-encode byte for byte. Reading merges adjacent runs.
    Filler(NonZeroUsize),
}

/// One owned KLV: key and body.
#[derive(Debug, Clone, PartialEq)]
pub struct Klv {
    /// Four-character key.
    pub key: FourCC,
    /// Nested KLVs or typed data.
    pub body: Body,
}

/// What a KLV holds. Exhaustive, as GPMF defines it: a nest or typed data.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// Type 0: more KLVs. The encoder computes the size.
    Nest(Vec<Node>),
    /// A value type: typed samples.
    Data(Data),
}

/// The typed data of one KLV with its struct size. The repeat is derived (bytes / struct size),
/// so a `Data` always describes a header that can be written.
#[derive(Debug, Clone, PartialEq)]
pub struct Data {
    struct_size: u8,
    values: Values,
    /// Bytes written after the values up to the next 32-bit boundary; only the first
    /// `padding_len()` are used and the rest stay zero.
    padding: [u8; 3],
}

/// Why values and a struct size do not make a KLV.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ShapeError {
    /// A struct size that is zero or not a multiple of the type's size.
    #[error("struct size {struct_size} is zero or not a multiple of the {size}-byte type")]
    StructSize {
        /// The struct size asked for.
        struct_size: u8,
        /// Bytes per element of the value type.
        size: usize,
    },
    /// Values that end inside a sample.
    #[error("{bytes} bytes of values are not a whole number of {struct_size}-byte samples")]
    PartialSample {
        /// Byte length of the values.
        bytes: usize,
        /// The struct size asked for.
        struct_size: u8,
    },
    /// More samples than a 16-bit repeat can count.
    #[error("{samples} samples do not fit one KLV (at most {MAX_REPEAT}); split the payload")]
    TooManySamples {
        /// How many samples the values make.
        samples: usize,
    },
    /// Padding of another length than the values need to reach 32-bit alignment.
    #[error("{given} padding bytes given, {needed} needed for alignment")]
    Padding {
        /// Padding bytes given.
        given: usize,
        /// Padding bytes the alignment needs (0-3).
        needed: usize,
    },
}

impl Data {
    /// Values in samples of `struct_size` bytes, zero-padded.
    pub fn new(struct_size: u8, values: Values) -> Result<Data, ShapeError> {
        let size = values.value_type().size();
        if struct_size == 0 || usize::from(struct_size) % size != 0 {
            return Err(ShapeError::StructSize { struct_size, size });
        }
        let bytes = values.byte_len();
        if bytes % usize::from(struct_size) != 0 {
            return Err(ShapeError::PartialSample { bytes, struct_size });
        }
        let samples = bytes / usize::from(struct_size);
        if samples > MAX_REPEAT {
            return Err(ShapeError::TooManySamples { samples });
        }
        Ok(Data {
            struct_size,
            values,
            padding: [0; 3],
        })
    }

    /// `c` text stored as one sample (struct size = length, repeat 1), as GoPro's writer and
    /// HERO11 store names; text longer than 255 bytes becomes 1-byte samples instead.
    pub fn text(text: &[u8]) -> Result<Data, ShapeError> {
        let struct_size = u8::try_from(text.len())
            .ok()
            .filter(|&n| n > 0)
            .unwrap_or(1);
        Data::new(struct_size, Values::Char(text.to_vec()))
    }

    /// Replaces the alignment padding; `padding` must be exactly `padding_len()` bytes.
    pub fn with_padding(mut self, padding: &[u8]) -> Result<Data, ShapeError> {
        let needed = self.padding_len();
        match (self.padding.get_mut(..needed), padding.len() == needed) {
            (Some(slot), true) => {
                slot.copy_from_slice(padding);
                Ok(self)
            }
            _ => Err(ShapeError::Padding {
                given: padding.len(),
                needed,
            }),
        }
    }

    /// Bytes per sample, as written in the header.
    pub fn struct_size(&self) -> u8 {
        self.struct_size
    }

    /// Samples: bytes / struct size (at most [`MAX_REPEAT`] by construction).
    pub fn repeat(&self) -> u16 {
        u16::try_from(self.values.byte_len() / usize::from(self.struct_size)).unwrap_or(u16::MAX)
    }

    /// The values, in storage order.
    pub fn values(&self) -> &Values {
        &self.values
    }

    /// The values, giving the `Data` up.
    pub fn into_values(self) -> Values {
        self.values
    }

    /// The padding bytes that follow the values (0–3 of them).
    pub fn padding(&self) -> &[u8] {
        self.padding.get(..self.padding_len()).unwrap_or_default()
    }

    /// How many padding bytes follow the values: 0-3, up to the next 32-bit boundary.
    pub fn padding_len(&self) -> usize {
        (4 - self.values.byte_len() % 4) % 4
    }
}

impl Klv {
    /// A nest holding `children`.
    pub fn nest(key: FourCC, children: Vec<Node>) -> Klv {
        Klv {
            key,
            body: Body::Nest(children),
        }
    }

    /// A data KLV.
    pub fn data(key: FourCC, data: Data) -> Klv {
        Klv {
            key,
            body: Body::Data(data),
        }
    }
}

impl From<Klv> for Node {
    fn from(klv: Klv) -> Node {
        Node::Klv(klv)
    }
}

/// Decodes a whole payload (all top-level KLVs, nests and filler) into an owned tree, checking
/// every header. Sticky-property rules are [`super::validate`]'s job, so any well-formed KLV
/// tree reads, whatever its keys.
pub fn read_tree(payload: &[u8]) -> Result<Vec<Node>, Error> {
    read_entries(entries(payload))
}

fn read_entries<'a>(
    entries: impl IntoIterator<Item = Result<Entry<'a>, Error>>,
) -> Result<Vec<Node>, Error> {
    let mut nodes: Vec<Node> = Vec::new();
    for entry in entries {
        match entry? {
            Entry::Filler { words, .. } => nodes.extend(NonZeroUsize::new(words).map(Node::Filler)),
            Entry::Klv(klv) => nodes.push(Node::Klv(owned(&klv)?)),
        }
    }
    Ok(nodes)
}

fn owned(klv: &KlvRef<'_>) -> Result<Klv, Error> {
    let body = match klv.kind {
        Kind::Nest => Body::Nest(read_entries(klv.children().into_iter().flatten())?),
        Kind::Data(ty) => Body::Data(owned_data(klv, ty)),
    };
    Ok(Klv { key: klv.key, body })
}

/// Built directly: the decoder already checked what `Data::new` checks (struct size non-zero and
/// a multiple of the type size, data = struct size × repeat) and that the padding is exactly what
/// alignment needs.
fn owned_data(klv: &KlvRef<'_>, ty: ValueType) -> Data {
    let mut padding = [0; 3];
    for (slot, &byte) in padding.iter_mut().zip(klv.padding()) {
        *slot = byte;
    }
    Data {
        struct_size: klv.struct_size,
        values: Values::from_be_bytes(ty, klv.data()),
        padding,
    }
}
