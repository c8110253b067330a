//! `TYPE` strings: the layout of complex (`?`) samples, e.g. `JlllSSSSBB` or `f[8]L`.

use super::ValueType;

/// The largest structure a KLV can hold: its struct size is one byte.
const MAX_STRUCT_SIZE: usize = 255;

/// A `TYPE` string expanded to one value type per element: `f[8]L` is eight `F32` then a `U32`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplexType {
    fields: Vec<ValueType>,
    size: usize,
}

/// Why a `TYPE` string cannot describe a structure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TypeStringError {
    /// The `TYPE` string has no characters.
    #[error("TYPE string is empty")]
    Empty,
    /// A character that is no GPMF value type.
    #[error("TYPE string has {0:?}, which is not a value type")]
    UnknownChar(char),
    /// A `[n]` count with no type before it to repeat.
    #[error("TYPE string has an array count without a type before it")]
    CountWithoutType,
    /// A `[n]` count that is not a number from 1 to 255.
    #[error("TYPE string has a malformed array count (want `[n]` with 1 <= n <= 255)")]
    BadCount,
    /// The structure would be larger than a struct size byte can state.
    #[error("TYPE string describes more than {MAX_STRUCT_SIZE} bytes")]
    TooLarge,
}

impl ComplexType {
    /// Parses a `TYPE` payload. Text ends at the first NUL (payloads are NUL-padded).
    pub fn parse(text: &[u8]) -> Result<ComplexType, TypeStringError> {
        let text = text.split(|&b| b == 0).next().unwrap_or_default();
        if text.is_empty() {
            return Err(TypeStringError::Empty);
        }
        let mut fields = Vec::new();
        let mut size = 0usize;
        let mut rest = text;
        // The type an array count may follow: the previous character, if it was a type.
        let mut countable = None;
        while let Some((&c, tail)) = rest.split_first() {
            rest = tail;
            let (ty, count) = if c == b'[' {
                let ty = countable.take().ok_or(TypeStringError::CountWithoutType)?;
                let (count, tail) = array_count(rest)?;
                rest = tail;
                // The type itself was already pushed once.
                (ty, count - 1)
            } else {
                match ValueType::from_char(c) {
                    Some(ValueType::Complex) | None => {
                        return Err(TypeStringError::UnknownChar(char::from(c)))
                    }
                    Some(ty) => {
                        countable = Some(ty);
                        (ty, 1)
                    }
                }
            };
            size += ty.size() * count;
            if size > MAX_STRUCT_SIZE {
                return Err(TypeStringError::TooLarge);
            }
            fields.extend(std::iter::repeat_n(ty, count));
        }
        Ok(ComplexType { fields, size })
    }

    /// One value type per element of a sample.
    pub fn fields(&self) -> &[ValueType] {
        &self.fields
    }

    /// Bytes per sample; a `?` KLV described by this type has this struct size.
    pub fn size(&self) -> usize {
        self.size
    }

    /// The byte offset and type of every element within one sample.
    pub fn layout(&self) -> impl Iterator<Item = (usize, ValueType)> + '_ {
        self.fields.iter().scan(0, |offset, &ty| {
            let at = *offset;
            *offset += ty.size();
            Some((at, ty))
        })
    }
}

/// Reads `n]` after a `[`, returning n and the text after `]`.
fn array_count(text: &[u8]) -> Result<(usize, &[u8]), TypeStringError> {
    let close = text
        .iter()
        .position(|&b| b == b']')
        .ok_or(TypeStringError::BadCount)?;
    let (digits, tail) = text.split_at(close);
    let count = std::str::from_utf8(digits)
        .ok()
        .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|d| d.parse::<usize>().ok())
        .filter(|&n| (1..=MAX_STRUCT_SIZE).contains(&n))
        .ok_or(TypeStringError::BadCount)?;
    Ok((count, tail.get(1..).unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ValueType::*;

    #[test]
    fn karma_gpri_type_is_ten_fields_of_thirty_bytes() {
        let t = ComplexType::parse(b"JlllSSSSBB").unwrap();
        assert_eq!(t.fields(), [U64, I32, I32, I32, U16, U16, U16, U16, U8, U8]);
        assert_eq!(t.size(), 30);
        let offsets: Vec<usize> = t.layout().map(|(o, _)| o).collect();
        assert_eq!(offsets, [0, 8, 12, 16, 20, 22, 24, 26, 28, 29]);
    }

    #[test]
    fn arrays_expand_and_nul_padding_is_ignored() {
        let t = ComplexType::parse(b"f[8]L\0\0\0").unwrap();
        assert_eq!(t.fields().len(), 9);
        assert_eq!(t.fields()[..8], [F32; 8]);
        assert_eq!(t.fields()[8], U32);
        assert_eq!(t.size(), 36);
        assert_eq!(ComplexType::parse(b"c[1]").unwrap().size(), 1);
    }

    #[test]
    fn malformed_strings_are_rejected_with_their_reason() {
        use TypeStringError as E;
        assert_eq!(ComplexType::parse(b""), Err(E::Empty));
        assert_eq!(ComplexType::parse(b"\0\0"), Err(E::Empty));
        assert_eq!(ComplexType::parse(b"lx"), Err(E::UnknownChar('x')));
        assert_eq!(ComplexType::parse(b"l?"), Err(E::UnknownChar('?')));
        assert_eq!(ComplexType::parse(b"[2]l"), Err(E::CountWithoutType));
        assert_eq!(ComplexType::parse(b"l[2"), Err(E::BadCount));
        assert_eq!(ComplexType::parse(b"l[]"), Err(E::BadCount));
        assert_eq!(ComplexType::parse(b"l[0]"), Err(E::BadCount));
        assert_eq!(ComplexType::parse(b"l[-1]"), Err(E::BadCount));
        assert_eq!(
            ComplexType::parse(b"l[99999999999999999999]"),
            Err(E::BadCount)
        );
        assert_eq!(ComplexType::parse(b"d[32]"), Err(E::TooLarge));
        assert_eq!(ComplexType::parse(b"l[2][3]"), Err(E::CountWithoutType));
    }
}
