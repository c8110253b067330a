//! The samples of a CAMM track, each decoded with its place in the file and on the movie's
//! timeline: the one walk `camm::read` (and through it extract, verify) and `dump` share.

use std::io::{Read, Seek};

use super::{decode, payload_len, CammError, Packet, HEADER_LEN};
use crate::mp4::{Mp4, Mp4Error, Sample, Samples, Track};

/// The longest packet (type 6: header and 56 bytes). A sample claiming more is damaged and
/// only its header is read, so no claimed size decides an allocation.
pub const MAX_PACKET_LEN: usize = HEADER_LEN + 56;

/// Most bytes read at once: a run of packets stored back to back (a chunk) is read in one go,
/// as an IMU at 200 Hz would otherwise cost a seek and a read per packet.
const WINDOW_LEN: u64 = 64 * 1024;

/// One sample of a CAMM track.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Where the sample is (index, file offset, size) and its media time before edits.
    pub sample: Sample,
    /// Seconds on the movie's timeline: the sample's decode time after the track's leading
    /// empty edits (see [`movie_shift`]).
    pub media_time: f64,
    /// The packet, or why the sample is not one.
    pub packet: Result<Packet, CammError>,
}

/// The samples of `track` (a CAMM track of `mp4`) in order, decoded. A sample that cannot be
/// read (a sample table past the end of the file, a failed read) ends the walk with its error.
pub struct Packets<'t, 'a, R> {
    track: &'t Track<'a>,
    reader: R,
    samples: Samples<'a>,
    shift: f64,
    /// The bytes of the samples read last, from the file offset `window_start`.
    window: Vec<u8>,
    window_start: u64,
}

impl<'t, 'a, R: Read + Seek> Packets<'t, 'a, R> {
    /// Walks `track`, a track of `mp4`, reading from `reader`.
    pub fn new(mp4: &Mp4, track: &'t Track<'a>, reader: R) -> Packets<'t, 'a, R> {
        Packets {
            track,
            reader,
            samples: track.samples(),
            shift: movie_shift(mp4, track),
            window: Vec::new(),
            window_start: 0,
        }
    }

    fn entry(&mut self, sample: Sample) -> Result<Entry, Mp4Error> {
        let packet = if sample.size as usize > MAX_PACKET_LEN {
            // The header says which type the sample claims to be, for the error.
            let probe = Sample {
                size: HEADER_LEN as u32,
                ..sample
            };
            self.fill(&probe, probe.offset + u64::from(probe.size))?;
            Err(oversized_error(&self.window, sample.size as usize))
        } else {
            decode(self.bytes(&sample)?)
        };
        Ok(Entry {
            sample,
            media_time: sample.decode_seconds + self.shift,
            packet,
        })
    }
}

impl<R: Read + Seek> Packets<'_, '_, R> {
    /// The bytes of `sample` (at most [`MAX_PACKET_LEN`]), from the window, which is first
    /// refilled with it and the packets stored right after it when it is not there.
    fn bytes(&mut self, sample: &Sample) -> Result<&[u8], Mp4Error> {
        let start = sample.offset - self.window_start.min(sample.offset);
        let inside = sample.offset >= self.window_start
            && start + u64::from(sample.size) <= self.window.len() as u64;
        if !inside {
            let mut end = sample.offset + u64::from(sample.size);
            for next in self.samples.clone().map_while(Result::ok) {
                let next_end = end + u64::from(next.size);
                if next.offset != end
                    || next.size as usize > MAX_PACKET_LEN
                    || next_end - sample.offset > WINDOW_LEN
                {
                    break;
                }
                end = next_end;
            }
            self.fill(sample, end)?;
        }
        let start = (sample.offset - self.window_start) as usize;
        Ok(&self.window[start..start + sample.size as usize])
    }

    /// Reads the file from `first`'s offset to `end` into the window. When that run fails,
    /// `first` alone is read, so an error names the sample it is about.
    fn fill(&mut self, first: &Sample, end: u64) -> Result<(), Mp4Error> {
        self.window_start = first.offset;
        let run = Sample {
            size: (end - first.offset) as u32,
            ..*first
        };
        let read = self
            .track
            .read_sample_into(&mut self.reader, &run, &mut self.window);
        if read.is_err() && run.size != first.size {
            return self
                .track
                .read_sample_into(&mut self.reader, first, &mut self.window);
        }
        read
    }
}

impl<R: Read + Seek> Iterator for Packets<'_, '_, R> {
    type Item = Result<Entry, Mp4Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let sample = match self.samples.next()? {
            Ok(sample) => sample,
            Err(error) => return Some(Err(error)),
        };
        Some(self.entry(sample))
    }
}

/// Why a sample of `len` bytes, longer than any packet, whose first bytes are `head`, is not
/// a packet.
fn oversized_error(head: &[u8], len: usize) -> CammError {
    let kind = match head {
        [_, _, low, high] => u16::from_le_bytes([*low, *high]),
        _ => return CammError::NoHeader { len: head.len() },
    };
    match payload_len(kind) {
        Some(payload) => CammError::WrongLength {
            kind,
            len,
            expected: HEADER_LEN + payload,
        },
        None => CammError::UnknownType { kind },
    }
}

/// Seconds the track's media starts after the movie: the leading empty edits of its edit
/// list (mapillary_tools' CAMM writer starts the track at the first GPS point this way, and
/// its reader adds them; so does ffprobe). Other edits leave the times as they are.
pub fn movie_shift(mp4: &Mp4, track: &Track<'_>) -> f64 {
    let Some(edits) = &track.edits else {
        return 0.0;
    };
    let Some(timescale) = mp4.mvhd().ok().map(|m| m.timescale).filter(|t| *t > 0) else {
        return 0.0;
    };
    let empty: u64 = edits
        .iter()
        .take_while(|edit| edit.media_time == -1)
        .map(|edit| edit.segment_duration)
        .fold(0, u64::saturating_add);
    empty as f64 / f64::from(timescale)
}
