//! Single elements decoded by type, and the per-sample layout of a data KLV.

use super::{ComplexType, ErrorKind, KlvRef, ValueType};
use crate::FourCC;

/// One element of a sample, decoded from big-endian storage.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Scalar {
    /// `b s l j`.
    Int(i64),
    /// `B S L J`.
    UInt(u64),
    /// `f d`, and the fixed-point `q` (Q15.16) and `Q` (Q31.32) converted to their value.
    Float(f64),
    /// One `c` character.
    Char(u8),
    /// A `F` key.
    FourCC(FourCC),
    /// A `G` 128-bit id.
    Guid([u8; 16]),
    /// The 16 characters of a `U` time, `yymmddhhmmss.sss`.
    Utc([u8; 16]),
}

impl Scalar {
    /// Decodes one element; `bytes` must be exactly `ty.size()` long. `Complex` has no single
    /// element form and gives `None`.
    pub fn decode(ty: ValueType, bytes: &[u8]) -> Option<Scalar> {
        Some(match ty {
            ValueType::I8 => Scalar::Int(i8::from_be_bytes(array(bytes)?).into()),
            ValueType::U8 => Scalar::UInt(u8::from_be_bytes(array(bytes)?).into()),
            ValueType::Char => Scalar::Char(u8::from_be_bytes(array(bytes)?)),
            ValueType::I16 => Scalar::Int(i16::from_be_bytes(array(bytes)?).into()),
            ValueType::U16 => Scalar::UInt(u16::from_be_bytes(array(bytes)?).into()),
            ValueType::I32 => Scalar::Int(i32::from_be_bytes(array(bytes)?).into()),
            ValueType::U32 => Scalar::UInt(u32::from_be_bytes(array(bytes)?).into()),
            ValueType::F32 => Scalar::Float(f32::from_be_bytes(array(bytes)?).into()),
            ValueType::F64 => Scalar::Float(f64::from_be_bytes(array(bytes)?)),
            ValueType::FourCC => Scalar::FourCC(FourCC(array(bytes)?)),
            ValueType::Guid => Scalar::Guid(array(bytes)?),
            ValueType::I64 => Scalar::Int(i64::from_be_bytes(array(bytes)?)),
            ValueType::U64 => Scalar::UInt(u64::from_be_bytes(array(bytes)?)),
            ValueType::Q15_16 => {
                Scalar::Float(f64::from(i32::from_be_bytes(array(bytes)?)) / 65536.0)
            }
            ValueType::Q31_32 => {
                Scalar::Float(i64::from_be_bytes(array(bytes)?) as f64 / 4_294_967_296.0)
            }
            ValueType::Utc => Scalar::Utc(array(bytes)?),
            ValueType::Complex => return None,
        })
    }

    /// The value as a number, for the numeric types (64-bit integers beyond 2^53 round).
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Scalar::Int(v) => Some(v as f64),
            Scalar::UInt(v) => Some(v as f64),
            Scalar::Float(v) => Some(v),
            _ => None,
        }
    }
}

/// Exactly `N` bytes as an array, or `None` when the slice has another length.
pub(crate) fn array<const N: usize>(bytes: &[u8]) -> Option<[u8; N]> {
    bytes.try_into().ok()
}

/// Where each element of one sample sits, and its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    fields: Vec<(usize, ValueType)>,
    size: usize,
}

impl Layout {
    /// The layout of `klv`'s samples: its own type repeated struct size / element size times,
    /// or the `TYPE` structure for complex data, which must match the struct size.
    pub fn of(klv: &KlvRef<'_>, complex: Option<&ComplexType>) -> Result<Layout, super::Error> {
        let size = usize::from(klv.struct_size);
        let fields = match (klv.value_type(), complex) {
            (None, _) => return Err(klv.error(ErrorKind::NotNumeric(0))),
            (Some(ValueType::Complex), None) => return Err(klv.error(ErrorKind::MissingType)),
            (Some(ValueType::Complex), Some(complex)) => {
                if complex.size() != size {
                    return Err(klv.error(ErrorKind::TypeSizeMismatch {
                        type_size: complex.size(),
                        struct_size: klv.struct_size,
                    }));
                }
                complex.layout().collect()
            }
            (Some(ty), _) => (0..size / ty.size()).map(|i| (i * ty.size(), ty)).collect(),
        };
        Ok(Layout { fields, size })
    }

    /// Elements per sample.
    pub fn elements(&self) -> usize {
        self.fields.len()
    }

    /// Bytes per sample.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Each field's byte offset in the sample and its value type, in order.
    pub fn fields(&self) -> &[(usize, ValueType)] {
        &self.fields
    }

    /// The one type shared by every element, if there is one.
    pub(crate) fn uniform_type(&self) -> Option<ValueType> {
        let (_, first) = *self.fields.first()?;
        self.fields
            .iter()
            .all(|&(_, ty)| ty == first)
            .then_some(first)
    }

    /// The elements of one sample (`sample` is `size()` bytes).
    pub fn decode<'s>(&'s self, sample: &'s [u8]) -> impl Iterator<Item = Scalar> + 's {
        self.fields
            .iter()
            .filter_map(move |&(at, ty)| Scalar::decode(ty, sample.get(at..at + ty.size())?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_every_simple_type_big_endian() {
        use ValueType::*;
        assert_eq!(Scalar::decode(I8, &[0xff]), Some(Scalar::Int(-1)));
        assert_eq!(Scalar::decode(U8, &[0xff]), Some(Scalar::UInt(255)));
        assert_eq!(Scalar::decode(Char, b"A"), Some(Scalar::Char(b'A')));
        assert_eq!(Scalar::decode(I16, &[0xfe, 0x0c]), Some(Scalar::Int(-500)));
        assert_eq!(Scalar::decode(U16, &[0x01, 0xa2]), Some(Scalar::UInt(418)));
        assert_eq!(
            Scalar::decode(I32, &[0xfa, 0xd8, 0x1e, 0x2d]),
            Some(Scalar::Int(-86_499_795))
        );
        assert_eq!(
            Scalar::decode(U32, &[0, 0, 0x27, 0x09]),
            Some(Scalar::UInt(9993))
        );
        assert_eq!(
            Scalar::decode(F32, &[0x41, 0xfc, 0x70, 0x00]),
            Some(Scalar::Float(31.5546875))
        );
        assert_eq!(
            Scalar::decode(F64, &1.25f64.to_be_bytes()),
            Some(Scalar::Float(1.25))
        );
        assert_eq!(
            Scalar::decode(FourCC, b"MSLV"),
            Some(Scalar::FourCC(crate::FourCC::new(b"MSLV")))
        );
        assert_eq!(Scalar::decode(Guid, &[7; 16]), Some(Scalar::Guid([7; 16])));
        assert_eq!(
            Scalar::decode(I64, &(-3i64).to_be_bytes()),
            Some(Scalar::Int(-3))
        );
        assert_eq!(
            Scalar::decode(U64, &[0, 0, 0, 0, 0x3b, 0x82, 0xfa, 0x80]),
            Some(Scalar::UInt(998_439_552))
        );
        // Q15.16: -1.5 is 0xFFFE8000; Q31.32: 2.25 is 0x0000_0002_4000_0000.
        assert_eq!(
            Scalar::decode(Q15_16, &[0xff, 0xfe, 0x80, 0x00]),
            Some(Scalar::Float(-1.5))
        );
        assert_eq!(
            Scalar::decode(Q31_32, &[0, 0, 0, 2, 0x40, 0, 0, 0]),
            Some(Scalar::Float(2.25))
        );
        assert_eq!(
            Scalar::decode(Utc, b"191118234514.000"),
            Some(Scalar::Utc(*b"191118234514.000"))
        );
        assert_eq!(Scalar::decode(Complex, &[1]), None);
        assert_eq!(Scalar::decode(I32, &[1, 2]), None);
    }
}
