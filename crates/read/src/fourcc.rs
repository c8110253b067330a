//! Four-character codes: MP4 box types and GPMF keys share this type.

use std::fmt;

/// Four bytes read as a code, e.g. `moov` or `GPS5`. Any bytes are allowed: real files contain
/// non-ASCII box types (`©xyz`) and GPMF uses mixed case for third-party keys.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FourCC(pub [u8; 4]);

impl FourCC {
    /// The code of four bytes.
    pub const fn new(bytes: &[u8; 4]) -> FourCC {
        FourCC(*bytes)
    }

    /// The four bytes.
    pub const fn as_bytes(&self) -> &[u8; 4] {
        &self.0
    }

    /// The four bytes as a big-endian number, as MP4 and GPMF store them.
    pub const fn to_u32(self) -> u32 {
        u32::from_be_bytes(self.0)
    }
}

impl From<u32> for FourCC {
    fn from(value: u32) -> FourCC {
        FourCC(value.to_be_bytes())
    }
}

/// Printable ASCII is shown as is; other bytes as `\xNN` (or `©` for 0xA9, as in `©mak`).
impl fmt::Display for FourCC {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for &b in &self.0 {
            match b {
                0xA9 => f.write_str("©")?,
                0x20..=0x7E => write!(f, "{}", b as char)?,
                _ => write!(f, "\\x{b:02x}")?,
            }
        }
        Ok(())
    }
}

impl fmt::Debug for FourCC {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FourCC({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_ascii_and_escapes_the_rest() {
        assert_eq!(FourCC::new(b"GPS5").to_string(), "GPS5");
        assert_eq!(FourCC::new(b"\xa9mak").to_string(), "©mak");
        assert_eq!(FourCC::new(b"gps ").to_string(), "gps ");
        assert_eq!(FourCC::new(b"\x00\x01ab").to_string(), "\\x00\\x01ab");
        assert_eq!(FourCC::from(0x6d6f6f76).to_string(), "moov");
        assert_eq!(FourCC::new(b"moov").to_u32(), 0x6d6f6f76);
    }
}
