//! Bounds-checked fixed-width reads: every accessor returns `None` past the end of the slice,
//! so no field read can panic on a short or hostile payload.

/// Byte order of the header's type table (the record stream itself is always little-endian).
/// Exhaustive: there are two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteOrder {
    /// Most significant byte first.
    Big,
    /// Least significant byte first.
    Little,
}

fn array<const N: usize>(bytes: &[u8], at: usize) -> Option<[u8; N]> {
    bytes.get(at..at.checked_add(N)?)?.try_into().ok()
}

pub(crate) fn u32_at(bytes: &[u8], at: usize, order: ByteOrder) -> Option<u32> {
    let raw = array(bytes, at)?;
    Some(match order {
        ByteOrder::Big => u32::from_be_bytes(raw),
        ByteOrder::Little => u32::from_le_bytes(raw),
    })
}

pub(crate) fn le_u32(bytes: &[u8], at: usize) -> Option<u32> {
    array(bytes, at).map(u32::from_le_bytes)
}

pub(crate) fn le_i32(bytes: &[u8], at: usize) -> Option<i32> {
    array(bytes, at).map(i32::from_le_bytes)
}

pub(crate) fn le_f64(bytes: &[u8], at: usize) -> Option<f64> {
    array(bytes, at).map(f64::from_le_bytes)
}

/// Three consecutive little-endian `i32`, the layout of every 3-axis sensor record.
pub(crate) fn le_i32x3(bytes: &[u8], at: usize) -> Option<[i32; 3]> {
    Some([
        le_i32(bytes, at)?,
        le_i32(bytes, at.checked_add(4)?)?,
        le_i32(bytes, at.checked_add(8)?)?,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_inside_the_slice_and_refuses_past_its_end() {
        let bytes = [0x01, 0x02, 0x03, 0x04, 0xFF];
        assert_eq!(u32_at(&bytes, 0, ByteOrder::Big), Some(0x0102_0304));
        assert_eq!(u32_at(&bytes, 0, ByteOrder::Little), Some(0x0403_0201));
        assert_eq!(le_i32(&bytes, 1), Some(i32::from_le_bytes([2, 3, 4, 0xFF])));
        assert_eq!(le_u32(&bytes, 2), None);
        assert_eq!(le_f64(&bytes, 0), None);
        assert_eq!(le_i32(&bytes, usize::MAX), None);
        assert_eq!(le_i32x3(&[0; 11], 0), None);
        assert_eq!(
            le_i32x3(&[1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0], 0),
            Some([1, 2, 3])
        );
    }
}
