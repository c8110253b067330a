//! The GPMF type characters (the byte after the key) and what each one stores.

/// The storage type of a data KLV, from its type character. Nests (type 0) are not a value
/// type: see [`super::Kind`]. Exhaustive on purpose, as [`super::Values`] is: the GPMF writer
/// must encode every type, so a new one is a breaking change rather than a wildcard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueType {
    /// `b`: int8.
    I8,
    /// `B`: uint8.
    U8,
    /// `c`: 8-bit characters, optionally NUL-terminated.
    Char,
    /// `s`: int16.
    I16,
    /// `S`: uint16.
    U16,
    /// `l`: int32.
    I32,
    /// `L`: uint32.
    U32,
    /// `f`: IEEE 754 single.
    F32,
    /// `d`: IEEE 754 double.
    F64,
    /// `F`: a four-character code.
    FourCC,
    /// `G`: a 128-bit ID.
    Guid,
    /// `j`: int64.
    I64,
    /// `J`: uint64.
    U64,
    /// `q`: Q15.16 fixed point in 32 bits.
    Q15_16,
    /// `Q`: Q31.32 fixed point in 64 bits.
    Q31_32,
    /// `U`: UTC date and time as 16 characters `yymmddhhmmss.sss`.
    Utc,
    /// `?`: a structure described by the stream's `TYPE` string.
    Complex,
}

/// Every type, in the order of the spec's table (useful for tests and generators).
pub const ALL_VALUE_TYPES: [ValueType; 17] = [
    ValueType::I8,
    ValueType::U8,
    ValueType::Char,
    ValueType::I16,
    ValueType::U16,
    ValueType::I32,
    ValueType::U32,
    ValueType::F32,
    ValueType::F64,
    ValueType::FourCC,
    ValueType::Guid,
    ValueType::I64,
    ValueType::U64,
    ValueType::Q15_16,
    ValueType::Q31_32,
    ValueType::Utc,
    ValueType::Complex,
];

impl ValueType {
    /// The type for a type character, or `None` for unknown characters (and for 0, a nest).
    pub const fn from_char(c: u8) -> Option<ValueType> {
        Some(match c {
            b'b' => ValueType::I8,
            b'B' => ValueType::U8,
            b'c' => ValueType::Char,
            b's' => ValueType::I16,
            b'S' => ValueType::U16,
            b'l' => ValueType::I32,
            b'L' => ValueType::U32,
            b'f' => ValueType::F32,
            b'd' => ValueType::F64,
            b'F' => ValueType::FourCC,
            b'G' => ValueType::Guid,
            b'j' => ValueType::I64,
            b'J' => ValueType::U64,
            b'q' => ValueType::Q15_16,
            b'Q' => ValueType::Q31_32,
            b'U' => ValueType::Utc,
            b'?' => ValueType::Complex,
            _ => return None,
        })
    }

    /// The type character written in a KLV header (`l`, `f`, `?`, …).
    pub const fn to_char(self) -> u8 {
        match self {
            ValueType::I8 => b'b',
            ValueType::U8 => b'B',
            ValueType::Char => b'c',
            ValueType::I16 => b's',
            ValueType::U16 => b'S',
            ValueType::I32 => b'l',
            ValueType::U32 => b'L',
            ValueType::F32 => b'f',
            ValueType::F64 => b'd',
            ValueType::FourCC => b'F',
            ValueType::Guid => b'G',
            ValueType::I64 => b'j',
            ValueType::U64 => b'J',
            ValueType::Q15_16 => b'q',
            ValueType::Q31_32 => b'Q',
            ValueType::Utc => b'U',
            ValueType::Complex => b'?',
        }
    }

    /// Bytes per element. A complex structure counts as bytes: its layout comes from `TYPE`.
    pub const fn size(self) -> usize {
        match self {
            ValueType::I8 | ValueType::U8 | ValueType::Char | ValueType::Complex => 1,
            ValueType::I16 | ValueType::U16 => 2,
            ValueType::I32
            | ValueType::U32
            | ValueType::F32
            | ValueType::FourCC
            | ValueType::Q15_16 => 4,
            ValueType::F64 | ValueType::I64 | ValueType::U64 | ValueType::Q31_32 => 8,
            ValueType::Guid | ValueType::Utc => 16,
        }
    }

    /// Whether elements of this type are numbers that SCAL can divide.
    pub const fn is_numeric(self) -> bool {
        !matches!(
            self,
            ValueType::Char
                | ValueType::FourCC
                | ValueType::Guid
                | ValueType::Utc
                | ValueType::Complex
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_round_trips_through_its_character() {
        let chars = b"bBcsSlLfdFGjJqQU?";
        for (ty, &c) in ALL_VALUE_TYPES.iter().zip(chars) {
            assert_eq!(ty.to_char(), c);
            assert_eq!(ValueType::from_char(c), Some(*ty));
        }
        assert_eq!(ValueType::from_char(0), None);
        assert_eq!(ValueType::from_char(b'#'), None);
        assert_eq!(ValueType::from_char(b'x'), None);
    }

    #[test]
    fn sizes_follow_the_spec_table() {
        let sizes: Vec<usize> = ALL_VALUE_TYPES.iter().map(|t| t.size()).collect();
        assert_eq!(sizes, [1, 1, 1, 2, 2, 4, 4, 4, 8, 4, 16, 8, 8, 4, 8, 16, 1]);
    }
}
