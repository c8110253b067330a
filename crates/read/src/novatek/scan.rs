//! Finding `freeGPS` blocks without the index (spec §1.2): a forward scan of `mdat` (or any
//! byte range) through `Read`, in fixed-size chunks, so memory stays bounded whatever the file
//! size. A block straddling two chunks is found because the scan keeps the last bytes of each
//! chunk; a found block is read whole (up to `MAX_BLOCK_LEN`) before the scan moves past it.

use std::io::Read;

use super::bytes::{find, u32_be};
use super::read_full::read_full;
use super::NovatekError;

/// The largest block the scan accepts. Real blocks are 4–32 KiB; a size field beyond this is
/// taken as a false `freeGPS ` match.
pub const MAX_BLOCK_LEN: usize = 1 << 20;
const CHUNK: usize = 64 * 1024;
const MAGIC: &[u8] = b"freeGPS ";
/// A match needs the 4-byte size field before the 8-byte magic.
const SIZE_FIELD: usize = 4;
const KEEP: usize = SIZE_FIELD + 8 - 1;
/// The smallest plausible block: a header with nothing after it (seen for "no fix").
const MIN_SIZE: usize = 12;

/// A block found by the scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundBlock {
    /// Absolute file offset of the block's size field.
    pub offset: u64,
    /// The block, `size` bytes long unless the input ended first.
    pub bytes: Vec<u8>,
}

/// Iterates over the `freeGPS` blocks in a byte stream. `base_offset` is the file offset of the
/// stream's first byte (the start of `mdat`'s payload, say), so found offsets are absolute.
pub struct BlockScanner<R> {
    reader: R,
    buf: Vec<u8>,
    /// File offset of `buf[0]`.
    buf_offset: u64,
    /// Where the next search in `buf` starts.
    search_from: usize,
    eof: bool,
}

impl<R: Read> BlockScanner<R> {
    /// Scans `reader`, whose first byte is at absolute offset `base_offset` (for the offsets it reports).
    pub fn new(reader: R, base_offset: u64) -> BlockScanner<R> {
        BlockScanner {
            reader,
            buf: Vec::with_capacity(CHUNK + KEEP),
            buf_offset: base_offset,
            search_from: 0,
            eof: false,
        }
    }

    /// Appends up to `want` more bytes; false at the end of the input.
    fn fill(&mut self, want: usize) -> Result<bool, NovatekError> {
        if self.eof {
            return Ok(false);
        }
        let start = self.buf.len();
        self.buf.resize(start + want, 0);
        let result = read_full(&mut self.reader, &mut self.buf[start..]);
        let read = match result {
            Ok(read) => read,
            Err(source) => {
                self.buf.truncate(start);
                // Stop after reporting: a failing reader would fail again.
                self.eof = true;
                return Err(NovatekError::Io {
                    context: "mdat: scanning for freeGPS",
                    offset: self.buf_offset + start as u64,
                    source,
                });
            }
        };
        self.buf.truncate(start + read);
        self.eof = read < want;
        Ok(read > 0)
    }

    /// Drops the first `n` buffered bytes.
    fn consume(&mut self, n: usize) {
        let n = n.min(self.buf.len());
        self.buf.drain(..n);
        self.buf_offset += n as u64;
        self.search_from = self.search_from.saturating_sub(n);
    }

    fn next_block(&mut self) -> Result<Option<FoundBlock>, NovatekError> {
        loop {
            let hit = find(&self.buf, MAGIC, self.search_from.max(SIZE_FIELD));
            let Some(magic_at) = hit else {
                // Keep the tail: a size field + magic may straddle the chunk boundary.
                let keep_from = self.buf.len().saturating_sub(KEEP);
                self.consume(keep_from);
                self.search_from = 0;
                if !self.fill(CHUNK)? {
                    return Ok(None);
                }
                continue;
            };
            let start = magic_at - SIZE_FIELD;
            let size = u32_be(&self.buf, start)
                .and_then(|size| usize::try_from(size).ok())
                .filter(|size| (MIN_SIZE..=MAX_BLOCK_LEN).contains(size));
            let Some(size) = size else {
                self.search_from = magic_at + 1;
                continue;
            };
            self.consume(start);
            while self.buf.len() < size {
                let missing = size - self.buf.len();
                if !self.fill(missing.max(CHUNK))? {
                    break;
                }
            }
            let len = size.min(self.buf.len());
            let found = FoundBlock {
                offset: self.buf_offset,
                bytes: self.buf.get(..len).unwrap_or_default().to_vec(),
            };
            self.consume(len);
            self.search_from = 0;
            return Ok(Some(found));
        }
    }
}

impl<R: Read> Iterator for BlockScanner<R> {
    type Item = Result<FoundBlock, NovatekError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_block().transpose()
    }
}
