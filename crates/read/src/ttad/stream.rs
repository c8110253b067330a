//! The record stream after the header: `type` byte, body of the table's length, repeat.
//!
//! A type byte nobody described leaves no way to find the next record, so reading falls back
//! to ExifTool's resynchronisation: skip bytes until a timecode record whose value is within
//! 250 ms after the last accepted one, and give up after more than 256 skipped bytes. The
//! stream starts in that state, so it must open with a timecode of at most 250 ms.

use std::collections::BTreeMap;

use super::bytes::le_u32;
use super::error::TtadError;
use super::header::{Header, Layout};
use super::record::Record;
use super::table::{TypeTable, TIMECODE, TIMECODE_LEN};

/// A resynchronising timecode must lie this far at most after the previous one.
const RESYNC_WINDOW_MS: u64 = 250;

/// More skipped bytes than this in one resynchronisation ends the stream.
const RESYNC_LIMIT: u32 = 256;

/// A record with the timecode in force where it was found.
#[derive(Debug, Clone, PartialEq)]
pub struct TimedRecord<'a> {
    /// Offset of the record's type byte in the payload.
    pub offset: usize,
    /// Milliseconds since the start of recording, from the last timecode record.
    pub t_ms: u32,
    /// What the record holds.
    pub record: Record<'a>,
}

/// Why reading stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StreamEnd {
    /// Every byte was read.
    Complete,
    /// The record whose type byte is at `stream_end` needs `needed` body bytes, but only
    /// `available` remain.
    Truncated {
        /// The record's type byte.
        kind: u8,
        /// Body bytes it needs.
        needed: u32,
        /// Bytes left in the payload.
        available: usize,
    },
    /// More than 256 bytes in a row were no record; reading stopped at `stream_end`.
    Unrecognised,
}

/// What the header said and what the stream held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamSummary {
    /// Version from the header.
    pub version: u32,
    /// How the header was understood.
    pub layout: Layout,
    /// Offset of the first record byte.
    pub stream_start: usize,
    /// Offset where reading stopped: the payload length when complete.
    pub stream_end: usize,
    /// Why reading stopped.
    pub end: StreamEnd,
    /// Records read, by type byte; timecodes (0xFF) included.
    pub records: BTreeMap<u8, u64>,
    /// Records of a known type whose table length is too short to decode; stepped over.
    pub undersized: u64,
    /// Type bytes found where a record should start but listed in no table, each of which
    /// started a resynchronisation.
    pub unknown_types: BTreeMap<u8, u64>,
    /// Bytes passed over while resynchronising (the opening search for a timecode included).
    pub skipped_bytes: u64,
}

/// Iterator over the records of a `TTAD` payload; [`Records::finish`] gives the summary.
#[derive(Debug, Clone)]
pub struct Records<'a> {
    payload: &'a [u8],
    table: TypeTable,
    pos: usize,
    t_ms: u32,
    resyncing: bool,
    /// ExifTool's counter: bytes skipped since the last accepted timecode.
    resync_skipped: u32,
    summary: StreamSummary,
    ended: bool,
}

impl<'a> Records<'a> {
    /// Reads the header; records are then read lazily.
    pub fn new(payload: &'a [u8]) -> Result<Records<'a>, TtadError> {
        let header = Header::parse(payload)?;
        Ok(Records {
            payload,
            table: header.table,
            pos: header.stream_start,
            t_ms: 0,
            resyncing: true,
            resync_skipped: 0,
            summary: StreamSummary {
                version: header.version,
                layout: header.layout,
                stream_start: header.stream_start,
                stream_end: header.stream_start,
                end: StreamEnd::Complete,
                records: BTreeMap::new(),
                undersized: 0,
                unknown_types: BTreeMap::new(),
                skipped_bytes: 0,
            },
            ended: false,
        })
    }

    /// Reads whatever is left and returns the summary.
    pub fn finish(mut self) -> StreamSummary {
        self.by_ref().for_each(drop);
        self.summary
    }

    fn stop(&mut self, at: usize, end: StreamEnd) {
        self.ended = true;
        self.summary.stream_end = at;
        self.summary.end = end;
    }

    fn skip_byte(&mut self) {
        self.resync_skipped = self.resync_skipped.saturating_add(1);
        self.summary.skipped_bytes += 1;
    }

    fn count(&mut self, kind: u8) {
        *self.summary.records.entry(kind).or_default() += 1;
    }

    fn truncated(&mut self, offset: usize, kind: u8, needed: u32) {
        let available = self.payload.len().saturating_sub(offset + 1);
        let end = StreamEnd::Truncated {
            kind,
            needed,
            available,
        };
        self.stop(offset, end);
    }

    /// Handles the timecode whose type byte is at `offset`: while resynchronising, a value
    /// outside the window is taken for data and only its type byte is skipped.
    fn timecode(&mut self, offset: usize) {
        let body = offset + 1;
        let Some(tm) = le_u32(self.payload, body) else {
            self.truncated(offset, TIMECODE, TIMECODE_LEN);
            return;
        };
        if self.resyncing {
            let window = u64::from(self.t_ms)..=u64::from(self.t_ms) + RESYNC_WINDOW_MS;
            if !window.contains(&u64::from(tm)) {
                self.skip_byte();
                self.pos = body;
                return;
            }
            self.resyncing = false;
            self.resync_skipped = 0;
        }
        self.count(TIMECODE);
        self.t_ms = tm;
        self.pos = body + 4;
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = TimedRecord<'a>;

    fn next(&mut self) -> Option<TimedRecord<'a>> {
        while !self.ended {
            let offset = self.pos;
            let Some(&kind) = self.payload.get(offset) else {
                self.stop(offset, StreamEnd::Complete);
                break;
            };
            if kind == TIMECODE {
                self.timecode(offset);
                continue;
            }
            if self.resyncing {
                if self.resync_skipped >= RESYNC_LIMIT {
                    self.stop(offset, StreamEnd::Unrecognised);
                    break;
                }
                self.skip_byte();
                self.pos = offset + 1;
                continue;
            }
            let Some(len) = self.table.len_of(kind) else {
                *self.summary.unknown_types.entry(kind).or_default() += 1;
                self.resyncing = true;
                self.skip_byte();
                self.pos = offset + 1;
                continue;
            };
            let body_start = offset + 1;
            let body = usize::try_from(len)
                .ok()
                .and_then(|len| body_start.checked_add(len))
                .and_then(|body_end| self.payload.get(body_start..body_end));
            let Some(body) = body else {
                self.truncated(offset, kind, len);
                break;
            };
            self.count(kind);
            self.pos = body_start + body.len();
            let record = Record::decode(kind, body).unwrap_or_else(|| {
                self.summary.undersized += 1;
                Record::Other { kind, body }
            });
            return Some(TimedRecord {
                offset,
                t_ms: self.t_ms,
                record,
            });
        }
        None
    }
}
