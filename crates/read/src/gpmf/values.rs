//! Owned, typed data of one KLV: a vector per spec type, so trees can be built, compared and
//! re-encoded without touching bytes.

use super::scalar::array;
use super::ValueType;
use crate::FourCC;

/// The elements of one data KLV, in storage order (samples one after another).
///
/// Equality compares floats by their bits, so two `Values` are equal exactly when they encode
/// to the same bytes (NaN payloads included). Exhaustive on purpose: telemux-write's encoder
/// matches every type, and a type it cannot write must fail to compile, not be dropped.
#[derive(Debug, Clone)]
pub enum Values {
    /// `b` signed bytes.
    I8(Vec<i8>),
    /// `B` unsigned bytes.
    U8(Vec<u8>),
    /// `c` text as stored: Latin-1 or ASCII, possibly NUL-padded.
    Char(Vec<u8>),
    /// `s` signed 16-bit integers.
    I16(Vec<i16>),
    /// `S` unsigned 16-bit integers.
    U16(Vec<u16>),
    /// `l` signed 32-bit integers.
    I32(Vec<i32>),
    /// `L` unsigned 32-bit integers.
    U32(Vec<u32>),
    /// `f` 32-bit floats.
    F32(Vec<f32>),
    /// `d` 64-bit floats.
    F64(Vec<f64>),
    /// `F` four-character codes.
    FourCC(Vec<FourCC>),
    /// `G` 128-bit ids.
    Guid(Vec<[u8; 16]>),
    /// `j` signed 64-bit integers.
    I64(Vec<i64>),
    /// `J` unsigned 64-bit integers.
    U64(Vec<u64>),
    /// Raw Q15.16 words (value = word / 65536).
    Q15_16(Vec<i32>),
    /// Raw Q31.32 words (value = word / 2^32).
    Q31_32(Vec<i64>),
    /// `yymmddhhmmss.sss` texts.
    Utc(Vec<[u8; 16]>),
    /// `?` samples as bytes; their fields come from the stream's `TYPE`.
    Complex(Vec<u8>),
}

impl Values {
    /// Decodes big-endian `bytes` of type `ty`. A trailing partial element (which a checked KLV
    /// never has) is ignored.
    pub fn from_be_bytes(ty: ValueType, bytes: &[u8]) -> Values {
        match ty {
            ValueType::I8 => Values::I8(be(bytes, i8::from_be_bytes)),
            ValueType::U8 => Values::U8(bytes.to_vec()),
            ValueType::Char => Values::Char(bytes.to_vec()),
            ValueType::I16 => Values::I16(be(bytes, i16::from_be_bytes)),
            ValueType::U16 => Values::U16(be(bytes, u16::from_be_bytes)),
            ValueType::I32 => Values::I32(be(bytes, i32::from_be_bytes)),
            ValueType::U32 => Values::U32(be(bytes, u32::from_be_bytes)),
            ValueType::F32 => Values::F32(be(bytes, f32::from_be_bytes)),
            ValueType::F64 => Values::F64(be(bytes, f64::from_be_bytes)),
            ValueType::FourCC => Values::FourCC(be(bytes, FourCC)),
            ValueType::Guid => Values::Guid(be(bytes, |b| b)),
            ValueType::I64 => Values::I64(be(bytes, i64::from_be_bytes)),
            ValueType::U64 => Values::U64(be(bytes, u64::from_be_bytes)),
            ValueType::Q15_16 => Values::Q15_16(be(bytes, i32::from_be_bytes)),
            ValueType::Q31_32 => Values::Q31_32(be(bytes, i64::from_be_bytes)),
            ValueType::Utc => Values::Utc(be(bytes, |b| b)),
            ValueType::Complex => Values::Complex(bytes.to_vec()),
        }
    }

    /// The type these values have (the KLV's type character).
    pub fn value_type(&self) -> ValueType {
        match self {
            Values::I8(_) => ValueType::I8,
            Values::U8(_) => ValueType::U8,
            Values::Char(_) => ValueType::Char,
            Values::I16(_) => ValueType::I16,
            Values::U16(_) => ValueType::U16,
            Values::I32(_) => ValueType::I32,
            Values::U32(_) => ValueType::U32,
            Values::F32(_) => ValueType::F32,
            Values::F64(_) => ValueType::F64,
            Values::FourCC(_) => ValueType::FourCC,
            Values::Guid(_) => ValueType::Guid,
            Values::I64(_) => ValueType::I64,
            Values::U64(_) => ValueType::U64,
            Values::Q15_16(_) => ValueType::Q15_16,
            Values::Q31_32(_) => ValueType::Q31_32,
            Values::Utc(_) => ValueType::Utc,
            Values::Complex(_) => ValueType::Complex,
        }
    }

    /// Number of elements (bytes, for `Char` and `Complex`).
    pub fn len(&self) -> usize {
        match self {
            Values::I8(v) => v.len(),
            Values::U8(v) | Values::Char(v) | Values::Complex(v) => v.len(),
            Values::I16(v) => v.len(),
            Values::U16(v) => v.len(),
            Values::I32(v) | Values::Q15_16(v) => v.len(),
            Values::U32(v) => v.len(),
            Values::F32(v) => v.len(),
            Values::F64(v) => v.len(),
            Values::FourCC(v) => v.len(),
            Values::Guid(v) | Values::Utc(v) => v.len(),
            Values::I64(v) | Values::Q31_32(v) => v.len(),
            Values::U64(v) => v.len(),
        }
    }

    /// Whether there are no values at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Stored size in bytes (without alignment padding).
    pub fn byte_len(&self) -> usize {
        self.len() * self.value_type().size()
    }
}

fn be<const N: usize, T>(bytes: &[u8], convert: impl Fn([u8; N]) -> T) -> Vec<T> {
    bytes
        .chunks_exact(N)
        .filter_map(array::<N>)
        .map(convert)
        .collect()
}

impl PartialEq for Values {
    fn eq(&self, other: &Values) -> bool {
        use Values::*;
        match (self, other) {
            (F32(a), F32(b)) => a
                .iter()
                .map(|v| v.to_bits())
                .eq(b.iter().map(|v| v.to_bits())),
            (F64(a), F64(b)) => a
                .iter()
                .map(|v| v.to_bits())
                .eq(b.iter().map(|v| v.to_bits())),
            (I8(a), I8(b)) => a == b,
            (U8(a), U8(b)) | (Char(a), Char(b)) | (Complex(a), Complex(b)) => a == b,
            (I16(a), I16(b)) => a == b,
            (U16(a), U16(b)) => a == b,
            (I32(a), I32(b)) | (Q15_16(a), Q15_16(b)) => a == b,
            (U32(a), U32(b)) => a == b,
            (FourCC(a), FourCC(b)) => a == b,
            (Guid(a), Guid(b)) | (Utc(a), Utc(b)) => a == b,
            (I64(a), I64(b)) | (Q31_32(a), Q31_32(b)) => a == b,
            (U64(a), U64(b)) => a == b,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_big_endian_vectors() {
        let gps5 = [
            0x19, 0x49, 0xb7, 0x99, 0xfa, 0xd8, 0x1e, 0x2d, 0, 0, 0x85, 0x32,
        ];
        assert_eq!(
            Values::from_be_bytes(ValueType::I32, &gps5),
            Values::I32(vec![424_261_529, -86_499_795, 34_098])
        );
        assert_eq!(
            Values::from_be_bytes(ValueType::FourCC, b"MSLVabcd"),
            Values::FourCC(vec![FourCC::new(b"MSLV"), FourCC::new(b"abcd")])
        );
        let v = Values::from_be_bytes(ValueType::U16, &[0, 1, 0, 2, 9]);
        assert_eq!(v, Values::U16(vec![1, 2]));
        assert_eq!((v.len(), v.byte_len()), (2, 4));
    }

    #[test]
    fn floats_compare_by_bits() {
        let nan = Values::F32(vec![f32::NAN]);
        assert_eq!(nan, nan.clone());
        assert_ne!(Values::F64(vec![0.0]), Values::F64(vec![-0.0]));
        assert_ne!(Values::I32(vec![1]), Values::Q15_16(vec![1]));
    }
}
