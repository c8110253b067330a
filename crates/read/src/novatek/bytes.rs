//! Bounds-checked reads at fixed offsets. Every accessor returns `None` past the end, so layout
//! code can probe any offset of an untrusted block without a length check of its own.

pub(crate) fn array_at<const N: usize>(bytes: &[u8], at: usize) -> Option<[u8; N]> {
    bytes.get(at..at.checked_add(N)?)?.try_into().ok()
}

pub(crate) fn u8_at(bytes: &[u8], at: usize) -> Option<u8> {
    bytes.get(at).copied()
}

pub(crate) fn u16_be(bytes: &[u8], at: usize) -> Option<u16> {
    array_at(bytes, at).map(u16::from_be_bytes)
}

pub(crate) fn i16_be(bytes: &[u8], at: usize) -> Option<i16> {
    array_at(bytes, at).map(i16::from_be_bytes)
}

pub(crate) fn i16_le(bytes: &[u8], at: usize) -> Option<i16> {
    array_at(bytes, at).map(i16::from_le_bytes)
}

pub(crate) fn u16_le(bytes: &[u8], at: usize) -> Option<u16> {
    array_at(bytes, at).map(u16::from_le_bytes)
}

pub(crate) fn u32_be(bytes: &[u8], at: usize) -> Option<u32> {
    array_at(bytes, at).map(u32::from_be_bytes)
}

pub(crate) fn i32_be(bytes: &[u8], at: usize) -> Option<i32> {
    array_at(bytes, at).map(i32::from_be_bytes)
}

pub(crate) fn u32_le(bytes: &[u8], at: usize) -> Option<u32> {
    array_at(bytes, at).map(u32::from_le_bytes)
}

pub(crate) fn i32_le(bytes: &[u8], at: usize) -> Option<i32> {
    array_at(bytes, at).map(i32::from_le_bytes)
}

/// A little-endian f32 widened to f64: conversions run in f64 (spec §6.1).
pub(crate) fn f32_le(bytes: &[u8], at: usize) -> Option<f64> {
    array_at(bytes, at).map(|b| f64::from(f32::from_le_bytes(b)))
}

pub(crate) fn f64_le(bytes: &[u8], at: usize) -> Option<f64> {
    array_at(bytes, at).map(f64::from_le_bytes)
}

/// True when `bytes[at..at + expected.len()]` exists and equals `expected`.
pub(crate) fn has_at(bytes: &[u8], at: usize, expected: &[u8]) -> bool {
    at.checked_add(expected.len())
        .and_then(|end| bytes.get(at..end))
        .is_some_and(|found| found == expected)
}

/// True when every byte of `bytes[range]` exists and is zero.
pub(crate) fn zeros_at(bytes: &[u8], at: usize, len: usize) -> bool {
    at.checked_add(len)
        .and_then(|end| bytes.get(at..end))
        .is_some_and(|found| found.iter().all(|&b| b == 0))
}

/// First index `>= from` where `needle` starts.
pub(crate) fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let first = *needle.first()?;
    let mut at = from;
    while let Some(rest) = haystack.get(at..) {
        let skip = rest.iter().position(|&b| b == first)?;
        at += skip;
        if has_at(haystack, at, needle) {
            return Some(at);
        }
        at += 1;
    }
    None
}

pub(crate) fn is_lat_ref(b: u8) -> bool {
    b == b'N' || b == b'S'
}

pub(crate) fn is_lon_ref(b: u8) -> bool {
    b == b'E' || b == b'W'
}

/// `A`, a latitude letter and a longitude letter at `at` (the status + hemisphere triple most
/// layouts share).
pub(crate) fn valid_triple_at(bytes: &[u8], at: usize) -> bool {
    u8_at(bytes, at) == Some(b'A')
        && u8_at(bytes, at + 1).is_some_and(is_lat_ref)
        && u8_at(bytes, at + 2).is_some_and(is_lon_ref)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_stop_at_the_end() {
        let b = [1u8, 2, 3, 4, 5];
        assert_eq!(u32_le(&b, 1), Some(0x0504_0302));
        assert_eq!(u32_be(&b, 0), Some(0x0102_0304));
        assert_eq!(u32_le(&b, 2), None);
        assert_eq!(u32_le(&b, usize::MAX), None);
        assert_eq!(u16_be(&b, 3), Some(0x0405));
        assert!(has_at(&b, 3, &[4, 5]));
        assert!(!has_at(&b, 4, &[5, 6]));
        assert!(!zeros_at(&[0, 0], 1, 2));
        assert!(zeros_at(&[1, 0, 0], 1, 2));
    }

    #[test]
    fn find_locates_every_occurrence() {
        let hay = b"xxfreeGPS freeGPS fre";
        assert_eq!(find(hay, b"freeGPS ", 0), Some(2));
        assert_eq!(find(hay, b"freeGPS ", 3), Some(10));
        assert_eq!(find(hay, b"freeGPS ", 11), None);
        assert_eq!(find(hay, b"freeGPS ", 1000), None);
    }
}
