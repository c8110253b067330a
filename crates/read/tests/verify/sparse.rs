//! A file of several gigabytes held in memory as its two ends: `head` bytes, zeros, then
//! `tail` bytes at the end. `verify` must never read the zeros in between (the mdat).

use std::io::{self, Read, Seek, SeekFrom};

pub struct SparseFile {
    head: Vec<u8>,
    tail: Vec<u8>,
    len: u64,
    pos: u64,
    /// Bytes read from the zero-filled middle.
    pub middle_reads: u64,
}

impl SparseFile {
    /// A file of `middle_end` bytes of `head` + zeros, then `tail`.
    pub fn new(head: Vec<u8>, middle_end: u64, tail: Vec<u8>) -> SparseFile {
        SparseFile {
            len: middle_end + tail.len() as u64,
            head,
            tail,
            pos: 0,
            middle_reads: 0,
        }
    }
}

impl Read for SparseFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let tail_start = self.len - self.tail.len() as u64;
        let pos = self.pos;
        let n = if pos >= self.len {
            0
        } else if pos < self.head.len() as u64 {
            let src = &self.head[pos as usize..];
            let n = src.len().min(buf.len());
            buf[..n].copy_from_slice(&src[..n]);
            n
        } else if pos >= tail_start {
            let src = &self.tail[(pos - tail_start) as usize..];
            let n = src.len().min(buf.len());
            buf[..n].copy_from_slice(&src[..n]);
            n
        } else {
            let n = (tail_start - pos).min(buf.len() as u64) as usize;
            buf[..n].fill(0);
            self.middle_reads += n as u64;
            n
        };
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for SparseFile {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        self.pos = match to {
            SeekFrom::Start(p) => p,
            SeekFrom::End(d) => self.len.saturating_add_signed(d),
            SeekFrom::Current(d) => self.pos.saturating_add_signed(d),
        };
        Ok(self.pos)
    }
}
