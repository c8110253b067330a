//! Filling a buffer from a reader that may hand out any amount per call (pipes, network
//! files, adapters). Streaming decoders take a whole buffer at a time through this, so their
//! work per byte does not grow when reads are small.

use std::io::{self, ErrorKind, Read};

/// Reads until `buf` is full or the input ends; returns the bytes read (fewer than
/// `buf.len()` only at the end of the input).
pub(crate) fn read_full<R: Read>(reader: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while let Some(rest) = buf.get_mut(filled..).filter(|rest| !rest.is_empty()) {
        match reader.read(rest) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}
