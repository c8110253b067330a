//! MPEG-TS recordings (spec §1.3): GPS rides on PID 0x0300 as PES packets (usually stream id
//! 0xBF, no optional header). Packets are read in bounded chunks, sync is regained after
//! garbage, and PES payloads are reassembled across packets before decoding, so records that
//! straddle packets (Blueskysea B4K) decode like any other.

use std::collections::VecDeque;
use std::io::Read;

use super::bytes::{has_at, u16_be, valid_triple_at};
use super::core_record::CoreRecord;
use super::outcome::{BlockOutcome, SkipReason, Variant};
use super::read_full::read_full;
use super::{innovv, ligo, DecodeOptions, NovatekError};

/// The PID Novatek-family recorders use for GPS (often not declared in the PMT).
pub const GPS_PID: u16 = 0x0300;
/// Bytes per MPEG-TS packet.
pub const PACKET_LEN: usize = 188;
const SYNC: u8 = 0x47;
const CHUNK_PACKETS: usize = 256;
/// Bytes a sync decision looks at: a packet, the next one, and the next one's sync byte.
const LOOKAHEAD: usize = 2 * PACKET_LEN;
/// A GPS PES payload is a few hundred bytes; anything longer is corrupt.
const MAX_PES_PAYLOAD: usize = 64 * 1024;
/// Blueskysea B4K puts 164 bytes of junk before the record.
const B4K_PREFIX: usize = 164;
const LIGO_FUZZED_PAYLOAD: usize = 200;

/// True when the first three packets start with the sync byte (Sergei's test).
pub fn looks_like_ts(head: &[u8]) -> bool {
    [0, PACKET_LEN, 2 * PACKET_LEN]
        .iter()
        .all(|&at| head.get(at) == Some(&SYNC))
}

/// Counters for one stream.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TsStats {
    /// TS packets read.
    pub packets: u64,
    /// Times sync was lost and regained (garbage or a cut between packets).
    pub resyncs: u64,
    /// Packets on [`GPS_PID`].
    pub gps_packets: u64,
    /// PES payloads handed out for decoding.
    pub payloads: u64,
    /// Payloads dropped: malformed PES header, or longer than any GPS record.
    pub dropped_payloads: u64,
}

struct Pes {
    data: Vec<u8>,
    /// Payload length from the PES header, when it gives one.
    expected: Option<usize>,
}

/// Yields the reassembled PES payloads of `GPS_PID`.
pub struct TsGpsReader<R> {
    reader: R,
    buf: Vec<u8>,
    pos: usize,
    /// File offset of `buf[0]`.
    buf_offset: u64,
    eof: bool,
    /// The previous packet was accepted right before this position.
    synced: bool,
    /// Sync is lost and not yet regained (counts one resync per loss).
    lost: bool,
    pes: Option<Pes>,
    ready: VecDeque<Vec<u8>>,
    stats: TsStats,
}

impl<R: Read> TsGpsReader<R> {
    /// Reads the MPEG-TS stream `reader` from its start.
    pub fn new(reader: R) -> TsGpsReader<R> {
        TsGpsReader {
            reader,
            buf: Vec::with_capacity(PACKET_LEN * CHUNK_PACKETS),
            pos: 0,
            buf_offset: 0,
            eof: false,
            synced: false,
            lost: false,
            pes: None,
            ready: VecDeque::new(),
            stats: TsStats::default(),
        }
    }

    /// The counters so far.
    pub fn stats(&self) -> TsStats {
        self.stats
    }

    /// The next complete payload, or `None` at the end of the stream.
    pub fn next_payload(&mut self) -> Result<Option<Vec<u8>>, NovatekError> {
        loop {
            if let Some(payload) = self.ready.pop_front() {
                return Ok(Some(payload));
            }
            // A packet plus the sync bytes of the next two, to confirm sync when regaining
            // it: deciding on less would make the result depend on how reads split the input.
            if self.buf.len() - self.pos <= LOOKAHEAD && !self.eof {
                self.refill()?;
                continue;
            }
            if self.buf.len() - self.pos < PACKET_LEN {
                self.finish_pes();
                return Ok(self.ready.pop_front());
            }
            let confirmed = self.synced || self.next_is_sync_or_unknown(self.pos);
            if self.buf.get(self.pos) == Some(&SYNC) && confirmed {
                self.packet();
                self.pos += PACKET_LEN;
                self.synced = true;
                self.lost = false;
            } else {
                self.resync();
            }
        }
    }

    fn refill(&mut self) -> Result<(), NovatekError> {
        self.buf.drain(..self.pos);
        self.buf_offset += self.pos as u64;
        self.pos = 0;
        let start = self.buf.len();
        self.buf.resize(PACKET_LEN * CHUNK_PACKETS, 0);
        match read_full(
            &mut self.reader,
            self.buf.get_mut(start..).unwrap_or_default(),
        ) {
            Ok(read) => {
                self.buf.truncate(start + read);
                self.eof = start + read < PACKET_LEN * CHUNK_PACKETS;
                Ok(())
            }
            Err(source) => {
                self.buf.truncate(start);
                self.eof = true;
                Err(NovatekError::Io {
                    context: "MPEG-TS: reading packets",
                    offset: self.buf_offset + start as u64,
                    source,
                })
            }
        }
    }

    /// Whether the next two packet starts after `at` hold sync bytes too (as far as the
    /// buffer reaches): the check for a real packet start while regaining sync, since one
    /// stray 0x47 in a payload is common.
    fn next_is_sync_or_unknown(&self, at: usize) -> bool {
        [1, 2]
            .iter()
            .all(|&k| !matches!(self.buf.get(at + k * PACKET_LEN), Some(&b) if b != SYNC))
    }

    /// Skips to the next position that looks like a packet start; a partial PES is lost.
    fn resync(&mut self) {
        if !self.lost {
            self.stats.resyncs += 1;
            self.lost = true;
            self.pes = None;
        }
        self.synced = false;
        self.pos += 1;
        while self.buf.len() - self.pos > LOOKAHEAD
            && !(self.buf.get(self.pos) == Some(&SYNC) && self.next_is_sync_or_unknown(self.pos))
        {
            self.pos += 1;
        }
    }

    fn packet(&mut self) {
        self.stats.packets += 1;
        let packet: Option<&[u8; PACKET_LEN]> = self
            .buf
            .get(self.pos..self.pos + PACKET_LEN)
            .and_then(|bytes| bytes.try_into().ok());
        let Some(packet) = packet else {
            return;
        };
        let pid = u16::from(packet[1] & 0x1F) << 8 | u16::from(packet[2]);
        if pid != GPS_PID {
            return;
        }
        self.stats.gps_packets += 1;
        let transport_error = packet[1] & 0x80 != 0;
        let unit_start = packet[1] & 0x40 != 0;
        let control = packet[3] >> 4 & 0x3;
        let payload_start = if control & 0x2 != 0 {
            5 + usize::from(packet[4])
        } else {
            4
        };
        let payload = match packet.get(payload_start..) {
            Some(payload) if control & 0x1 != 0 && !transport_error => payload.to_vec(),
            _ => return,
        };
        if unit_start {
            self.finish_pes();
            self.start_pes(&payload);
        } else if let Some(pes) = &mut self.pes {
            pes.data.extend_from_slice(&payload);
        }
        self.complete_if_full();
    }

    fn start_pes(&mut self, payload: &[u8]) {
        let Some(header_len) = pes_header_len(payload) else {
            self.stats.dropped_payloads += 1;
            return;
        };
        let packet_len = usize::from(u16_be(payload, 4).unwrap_or(0));
        // PES_packet_length counts from after the length field; 0 means "unbounded".
        let expected = (packet_len > 0).then(|| (packet_len + 6).saturating_sub(header_len));
        self.pes = Some(Pes {
            data: payload.get(header_len..).unwrap_or_default().to_vec(),
            expected,
        });
    }

    fn complete_if_full(&mut self) {
        let Some(pes) = &self.pes else {
            return;
        };
        if pes.expected.is_some_and(|n| pes.data.len() >= n) {
            self.finish_pes();
        } else if pes.data.len() > MAX_PES_PAYLOAD {
            self.pes = None;
            self.stats.dropped_payloads += 1;
        }
    }

    fn finish_pes(&mut self) {
        if let Some(mut pes) = self.pes.take() {
            if let Some(n) = pes.expected {
                pes.data.truncate(n);
            }
            self.stats.payloads += 1;
            self.ready.push_back(pes.data);
        }
    }
}

/// Length of the PES header: 6 bytes for stream ids without the optional header
/// (`private_stream_2` and friends), else 9 + the header data length. `None` if the payload
/// does not start with a PES start code.
fn pes_header_len(payload: &[u8]) -> Option<usize> {
    if !has_at(payload, 0, &[0, 0, 1]) || payload.len() < 6 {
        return None;
    }
    let stream_id = *payload.get(3)?;
    match stream_id {
        0xBC | 0xBE | 0xBF | 0xF0 | 0xF1 | 0xF2 | 0xF8 | 0xFF => Some(6),
        _ => {
            let flags = *payload.get(6)?;
            (flags & 0xC0 == 0x80).then_some(9 + usize::from(*payload.get(8)?))
        }
    }
}

/// Decodes one PID-0x300 PES payload: a core record at 0 (Viofo A119 V3) or after B4K's
/// 164-byte prefix, INNOVV records, or LIGOGPSINFO records.
pub fn decode_ts_payload(payload: &[u8], options: &DecodeOptions) -> BlockOutcome {
    let core_at = [B4K_PREFIX, 0]
        .into_iter()
        .find(|&at| valid_triple_at(payload, at + 24));
    if let Some(at) = core_at {
        let reading = CoreRecord::at(payload, at)
            .ok_or(SkipReason::TooShort)
            .and_then(|record| record.ddmm_reading());
        return BlockOutcome::from_reading(Variant::TsNovatek, reading, options);
    }
    if has_at(payload, 0, b"V00\0") || valid_triple_at(payload, 0) {
        return innovv::decode_records(payload, 0, options);
    }
    if has_at(payload, 0, b"LIGOGPSINFO") {
        let fuzz = (payload.len() == LIGO_FUZZED_PAYLOAD).then_some(ligo::DEFAULT_SCALE);
        return ligo::decode_records(payload, ligo::FIRST_RECORD, fuzz, options);
    }
    if payload.get(24) == Some(&b'V') {
        return BlockOutcome::Skipped(SkipReason::VoidFix);
    }
    BlockOutcome::Unknown
}
