//! Raw GPMF tracks: the payloads of a `gpmd` track back to back, with no MP4 around them (what
//! `ffmpeg -map 0:3 -c copy -f data` writes, `.bin`/`.gpmf`/`.gpmd`/`.raw`).
//!
//! Recognised by content: a `DEVC` nest at byte 0 that validates. Nothing marks where one
//! payload ends, so a payload is a run of `DEVC`s with different device ids: a device seen
//! again starts the next payload (a Karma payload holds the camera's and the drone's DEVC).
//! Without an MP4 there are no payload durations: payload k is given the span
//! [k × 1.001 s, (k + 1) × 1.001 s), the period cameras write payloads at, which is also
//! what gopro-telemetry assumes for raw input. UTC times do not depend on it (GPSU, GPS9,
//! SYST) except for a GPS5 payload without a usable next GPSU.

use std::io::{self, Read};

use crate::gpmf::{self, keys, DeviceId};

/// The nominal duration of a payload without an MP4, seconds.
pub const RAW_PAYLOAD_SECONDS: f64 = 1.001;

const HEADER_LEN: usize = 8;

/// Why the KLVs of a raw track could not be framed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RawError {
    /// The bytes at `offset` are no `DEVC` that validates.
    #[error("raw GPMF at byte {offset}: {reason}")]
    Framing {
        /// Absolute offset of the bad bytes.
        offset: u64,
        /// Why they are not a payload.
        reason: String,
    },
    /// Reading the file failed.
    #[error("reading raw GPMF: {0}")]
    Io(#[from] io::Error),
}

/// Whether `head` (the file's first bytes) starts with a `DEVC` nest that validates.
pub fn starts_raw_gpmf(head: &[u8]) -> bool {
    let Some(len) = nest_len(head) else {
        return false;
    };
    head.get(..len)
        .is_some_and(|devc| gpmf::validate(devc).is_ok())
}

/// Bytes the first `DEVC` of `head` takes, header and padding included, `None` when `head`
/// does not start with a `DEVC` nest header.
pub fn nest_len(head: &[u8]) -> Option<usize> {
    let header: &[u8; HEADER_LEN] = head.get(..HEADER_LEN)?.try_into().ok()?;
    if header[..4] != *keys::DEVC.as_bytes() || header[4] != 0 {
        return None;
    }
    let body = usize::from(header[5]) * usize::from(u16::from_be_bytes([header[6], header[7]]));
    Some(HEADER_LEN + body.next_multiple_of(4))
}

/// One payload read from a raw track.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawPayload {
    /// Position in the file, from 0.
    pub index: u32,
    /// Byte offset of its first `DEVC` in the file.
    pub offset: u64,
    /// The payload's bytes (one `DEVC`, padding included).
    pub bytes: Vec<u8>,
}

/// The payloads of a raw track, read one `DEVC` at a time (each at most 16 MiB, the largest a
/// KLV header can declare), so memory does not grow with the file.
pub struct RawPayloads<R> {
    reader: R,
    pos: u64,
    /// A `DEVC` read past the end of the previous payload, or the error that ended it.
    pending: Option<Result<(u64, Vec<u8>), RawError>>,
    index: u32,
    done: bool,
}

impl<R: Read> RawPayloads<R> {
    /// Reads the payloads of `reader` from its start.
    pub fn new(reader: R) -> RawPayloads<R> {
        RawPayloads {
            reader,
            pos: 0,
            pending: None,
            index: 0,
            done: false,
        }
    }

    /// The next `DEVC` (offset, bytes); `None` at the end, or in zero padding that runs to it.
    fn devc(&mut self) -> Result<Option<(u64, Vec<u8>)>, RawError> {
        loop {
            let offset = self.pos;
            let mut header = [0u8; HEADER_LEN];
            let got = read_up_to(&mut self.reader, &mut header)?;
            if got == 0 {
                return Ok(None);
            }
            if header[..got].iter().all(|b| *b == 0) {
                // Zero words between or after payloads are padding (mp4header.raw ends so).
                self.pos += got as u64;
                if got < HEADER_LEN {
                    return Ok(None);
                }
                continue;
            }
            let Some(len) = nest_len(&header[..got]) else {
                let reason = match got {
                    HEADER_LEN => format!(
                        "expected a DEVC nest, found {:?}",
                        String::from_utf8_lossy(&header[..4])
                    ),
                    _ => format!("a KLV header cut short ({got} of {HEADER_LEN} bytes)"),
                };
                return Err(RawError::Framing { offset, reason });
            };
            let mut bytes = header.to_vec();
            let body = (len - HEADER_LEN) as u64;
            let read = (&mut self.reader).take(body).read_to_end(&mut bytes)?;
            if read as u64 != body {
                return Err(RawError::Framing {
                    offset,
                    reason: format!("DEVC declares {body} bytes, the file ends after {read}"),
                });
            }
            self.pos += len as u64;
            return Ok(Some((offset, bytes)));
        }
    }
}

impl<R: Read> Iterator for RawPayloads<R> {
    type Item = Result<RawPayload, RawError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let first = match self.pending.take() {
            Some(first) => first,
            None => self.devc().transpose()?,
        };
        let (offset, mut bytes) = match first {
            Ok(first) => first,
            Err(error) => {
                self.done = true;
                return Some(Err(error));
            }
        };
        let mut ids = vec![device_id(&bytes)];
        while let Some(next) = self.devc().transpose() {
            if let Ok((_, devc)) = &next {
                let id = device_id(devc);
                if id.is_some() && !ids.contains(&id) {
                    ids.push(id);
                    bytes.extend_from_slice(devc);
                    continue;
                }
            }
            self.pending = Some(next);
            break;
        }
        let index = self.index;
        self.index += 1;
        Some(Ok(RawPayload {
            index,
            offset,
            bytes,
        }))
    }
}

/// The DVID of a `DEVC`, `None` without one or when it does not decode.
fn device_id(devc: &[u8]) -> Option<DeviceId> {
    gpmf::payload(devc).ok()?.devices.first()?.id
}

/// Fills `buf` as far as the input goes; the bytes read.
fn read_up_to<R: Read>(reader: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match reader.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}
