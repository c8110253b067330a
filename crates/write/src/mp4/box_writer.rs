//! Writing MP4 boxes into memory with sizes patched after the contents are written, so no
//! caller ever counts bytes by hand.

/// A growing buffer of MP4 boxes. Boxes are written through closures, so every box that is
/// begun is also ended and its 32-bit size filled in.
#[derive(Debug, Default)]
pub struct BoxWriter {
    buf: Vec<u8>,
}

impl BoxWriter {
    /// An empty writer.
    pub fn new() -> BoxWriter {
        BoxWriter::default()
    }

    /// The bytes written.
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    /// A box whose contents `body` writes. Boxes built here hold metadata (moov and below),
    /// which stays far below 4 GiB, so the 32-bit size form is always used.
    pub fn boxed(&mut self, kind: &[u8; 4], body: impl FnOnce(&mut BoxWriter)) {
        let start = self.buf.len();
        self.u32(0);
        self.bytes(kind);
        body(self);
        let size = u32::try_from(self.buf.len() - start).unwrap_or(u32::MAX);
        self.buf[start..start + 4].copy_from_slice(&size.to_be_bytes());
    }

    /// A full box: version and 24-bit flags, then `body`.
    pub fn full_box(
        &mut self,
        kind: &[u8; 4],
        version: u8,
        flags: u32,
        body: impl FnOnce(&mut BoxWriter),
    ) {
        self.boxed(kind, |w| {
            w.u8(version);
            w.bytes(&flags.to_be_bytes()[1..]);
            body(w);
        });
    }

    /// A byte.
    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    /// A big-endian 16-bit number.
    pub fn u16(&mut self, v: u16) {
        self.bytes(&v.to_be_bytes());
    }

    /// A big-endian 32-bit number.
    pub fn u32(&mut self, v: u32) {
        self.bytes(&v.to_be_bytes());
    }

    /// A big-endian 64-bit number.
    pub fn u64(&mut self, v: u64) {
        self.bytes(&v.to_be_bytes());
    }

    /// `n` zero bytes.
    pub fn zeros(&mut self, n: usize) {
        self.buf.resize(self.buf.len() + n, 0);
    }

    /// Bytes as they are.
    pub fn bytes(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_sizes_are_patched() {
        let mut w = BoxWriter::new();
        w.boxed(b"moov", |w| {
            w.full_box(b"mvhd", 1, 0x0f, |w| w.u16(7));
            w.boxed(b"free", |_| {});
        });
        let b = w.into_bytes();
        assert_eq!(
            b,
            [
                &[0, 0, 0, 30][..],
                b"moov",
                &[0, 0, 0, 14],
                b"mvhd",
                &[1, 0, 0, 0x0f, 0, 7],
                &[0, 0, 0, 8],
                b"free"
            ]
            .concat()
        );
    }
}
