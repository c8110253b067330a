//! The GPX bytes as the parser pulls them: counted, so errors can name a line and column
//! without the document being kept, and refused at the first NUL byte, which no XML text
//! holds (`/dev/zero` would otherwise be read until memory runs out).

use std::io::{self, BufRead, Read};

use super::error::{Position, HEAD_BYTES};

/// Longest single event (a tag with its attributes, a run of text, a comment) accepted. The
/// parser buffers one event whole, so this bounds its memory on endless input; real events
/// are a few hundred bytes, and a point with 200,000 attributes is 3 MB.
pub(crate) const MAX_EVENT_BYTES: u64 = 64 << 20;

/// Most bytes offered to the parser at once.
const SCAN_BYTES: usize = 64 << 10;

/// Why [`Counted`] stopped the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    Nul,
    EventTooLong,
}

pub(crate) struct Counted<R> {
    inner: R,
    /// Bytes handed to the parser so far.
    consumed: u64,
    /// Newlines among them.
    newlines: u64,
    /// Where the current event began ([`Counted::mark`]) and where its line began.
    mark: u64,
    mark_line_start: u64,
    /// Newlines consumed since the mark: positions inside the current event are located from
    /// them; the event's length is capped, so they are too.
    recent: Vec<u64>,
    /// Bytes at the front of the inner buffer already checked to hold no NUL.
    clean: usize,
    stop: Option<Stop>,
}

impl<R: BufRead> Counted<R> {
    pub(crate) fn new(inner: R) -> Counted<R> {
        Counted {
            inner,
            consumed: 0,
            newlines: 0,
            mark: 0,
            mark_line_start: 0,
            recent: Vec::new(),
            clean: 0,
            stop: None,
        }
    }

    /// A new event starts at `at`: positions before it are no longer asked for. The parser
    /// may have consumed a byte or so past it (the `<` that ended a text).
    pub(crate) fn mark(&mut self, at: u64) {
        let at = at.min(self.consumed);
        if let Some(&last) = self.recent.iter().rev().find(|&&n| n < at) {
            self.mark_line_start = last + 1;
        }
        self.recent.retain(|&n| n >= at);
        self.mark = at;
    }

    /// Up to [`HEAD_BYTES`] of the first bytes, not consumed (before anything is read: the
    /// inner buffer holds the start of the document); empty when the read fails, which the
    /// parse then reports.
    pub(crate) fn head(&mut self) -> &[u8] {
        match self.inner.fill_buf() {
            Ok(available) => available.get(..HEAD_BYTES).unwrap_or(available),
            Err(_) => &[],
        }
    }

    pub(crate) fn stop(&self) -> Option<Stop> {
        self.stop
    }

    pub(crate) fn consumed(&self) -> u64 {
        self.consumed
    }

    /// Line and column of `byte`, which must not lie before the mark (it is clamped to the
    /// mark and to what was consumed).
    pub(crate) fn locate(&self, byte: u64) -> Position {
        let byte = byte.clamp(self.mark, self.consumed);
        let after = self.recent.iter().rev().take_while(|&&n| n >= byte).count();
        let line_start = self
            .recent
            .iter()
            .rev()
            .find(|&&n| n < byte)
            .map_or(self.mark_line_start, |n| n + 1);
        Position {
            line: self.newlines - after as u64 + 1,
            column: byte - line_start + 1,
            byte,
        }
    }
}

impl<R: BufRead> Read for Counted<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        if let (Some(to), Some(from)) = (out.get_mut(..n), available.get(..n)) {
            to.copy_from_slice(from);
        }
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counted<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.consumed - self.mark > MAX_EVENT_BYTES {
            self.stop = Some(Stop::EventTooLong);
        }
        if self.stop.is_some() {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "input stopped"));
        }
        if self.clean == 0 {
            let available = self.inner.fill_buf()?;
            // Scanned a bounded piece at a time: a slice reader offers the whole rest of the
            // document on every call, and rescanning it each time would be quadratic.
            let piece = available.get(..SCAN_BYTES).unwrap_or(available);
            self.clean = match piece.iter().position(|&b| b == 0) {
                // The bytes before a NUL still go to the parser, so its error is exact.
                Some(0) => {
                    self.stop = Some(Stop::Nul);
                    return Err(io::Error::new(io::ErrorKind::InvalidData, "NUL byte"));
                }
                Some(nul) => nul,
                None => piece.len(),
            };
        }
        let available = self.inner.fill_buf()?;
        Ok(available.get(..self.clean).unwrap_or(available))
    }

    fn consume(&mut self, amount: usize) {
        if let Ok(available) = self.inner.fill_buf() {
            for (i, _) in available
                .iter()
                .take(amount)
                .enumerate()
                .filter(|(_, &b)| b == b'\n')
            {
                self.newlines += 1;
                self.recent.push(self.consumed + i as u64);
            }
        }
        self.consumed += amount as u64;
        self.clean = self.clean.saturating_sub(amount);
        self.inner.consume(amount);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Line and column of `byte` counted over the whole document, as the parser did when it
    /// kept the document.
    fn whole(input: &[u8], byte: u64) -> Position {
        let before = &input[..byte as usize];
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        Position {
            line: before.iter().filter(|&&b| b == b'\n').count() as u64 + 1,
            column: (before.len() - line_start) as u64 + 1,
            byte,
        }
    }

    #[test]
    fn locates_like_the_whole_document_would() {
        let doc = b"ab\ncd\n\nefg";
        let mut counted = Counted::new(&doc[..]);
        counted.consume(5);
        counted.mark(4);
        counted.consume(4);
        for byte in 4..=9 {
            assert_eq!(counted.locate(byte), whole(doc, byte), "{byte}");
        }
    }

    #[test]
    fn stops_at_the_first_nul_after_handing_over_what_precedes_it() {
        let mut counted = Counted::new(&b"<gpx>\n\0<"[..]);
        let mut text = Vec::new();
        assert!(counted.read_to_end(&mut text).is_err());
        assert_eq!(text, b"<gpx>\n");
        assert_eq!(counted.stop(), Some(Stop::Nul));
        assert_eq!(counted.locate(counted.consumed()), whole(b"<gpx>\n", 6));
    }
}
