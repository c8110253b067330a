//! Writing a planned file: original boxes copied with `std::io::copy` (copy_file_range on
//! Linux, so the media never passes through user space), the new moov, and the telemetry.

use std::io::{self, Read, Seek, SeekFrom, Write};

use rustix::process::{getrlimit, Resource};
use telemux_read::mp4::BoxHeader;

use super::layout::{Piece, Plan};

/// Copies in pieces of this size so progress can be reported while a large mdat copies.
const COPY_STEP: u64 = 64 << 20;

/// Header length of a box holding `body` bytes: 8, or 16 (64-bit largesize) only when the
/// total size does not fit the 32-bit field.
pub fn header_len_for(body: u64) -> u64 {
    if body + 8 > u64::from(u32::MAX) {
        16
    } else {
        8
    }
}

/// The header of a box of `size` bytes in total, 64-bit when `header_len` is 16.
pub fn box_header(kind: &[u8; 4], size: u64, header_len: u64) -> Vec<u8> {
    let mut h = Vec::with_capacity(16);
    if header_len == 16 {
        h.extend_from_slice(&1u32.to_be_bytes());
        h.extend_from_slice(kind);
        h.extend_from_slice(&size.to_be_bytes());
    } else {
        h.extend_from_slice(&(size as u32).to_be_bytes());
        h.extend_from_slice(kind);
    }
    h
}

/// The header of the original box `b` stating `size` explicitly in `header_len` bytes (its
/// compact or 64-bit form, with a `uuid` box's extended type).
fn explicit_header(b: &BoxHeader, size: u64, header_len: u64) -> Vec<u8> {
    let size_len = header_len - if b.user_type.is_some() { 16 } else { 0 };
    let mut h = box_header(b.kind.as_bytes(), size, size_len);
    h.extend_from_slice(b.user_type.as_ref().map_or(&[][..], |t| &t[..]));
    h
}

/// Writes the output of `plan` to `out`. `progress` is called with the bytes written so far.
pub fn write_planned<R: Read + Seek, W: Write + Seek>(
    input: &mut R,
    boxes: &[BoxHeader],
    plan: &Plan,
    moov: &[u8],
    telemetry: &[u8],
    out: &mut W,
    progress: &mut dyn FnMut(u64),
) -> io::Result<()> {
    let mut written = 0u64;
    for piece in &plan.pieces {
        match *piece {
            Piece::Original(i) => {
                let b = &boxes[i];
                copy_range(input, out, b, b.offset, &mut written, progress)?;
            }
            Piece::Reheaded {
                index,
                header_len,
                size,
                joined,
            } => {
                let b = &boxes[index];
                out.write_all(&explicit_header(b, size, header_len))?;
                written += header_len;
                copy_range(input, out, b, b.body_offset(), &mut written, progress)?;
                if joined {
                    out.write_all(telemetry)?;
                    written += telemetry.len() as u64;
                }
            }
            Piece::NewMoov => {
                out.write_all(moov)?;
                written += moov.len() as u64;
            }
            Piece::NewMdat => {
                let len = telemetry.len() as u64;
                let header_len = header_len_for(len);
                out.write_all(&box_header(b"mdat", header_len + len, header_len))?;
                out.write_all(telemetry)?;
                written += header_len + len;
            }
        }
        progress(written);
    }
    Ok(())
}

/// Copies the bytes of box `b` from `from` to its end, reporting progress as it goes.
fn copy_range<R: Read + Seek, W: Write + Seek>(
    input: &mut R,
    out: &mut W,
    b: &BoxHeader,
    from: u64,
    written: &mut u64,
    progress: &mut dyn FnMut(u64),
) -> io::Result<()> {
    input.seek(SeekFrom::Start(from))?;
    let mut left = b.end() - from;
    while left > 0 {
        let step = left.min(COPY_STEP);
        let copied = copy_exact(input, out, step)?;
        if copied != step {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "the input ended at byte {}, inside the {} box at bytes {}..{} \
                     (was it truncated while being read?)",
                    b.end() - left + copied,
                    b.kind,
                    b.offset,
                    b.end()
                ),
            ));
        }
        left -= step;
        *written += step;
        progress(*written);
    }
    Ok(())
}

/// Copies `len` bytes from `input`'s position to `out`'s; fewer only when `input` ends. A
/// signal can interrupt the kernel copy behind `io::copy` (copy_file_range), which then
/// returns `Interrupted` without saying how much it copied (found by the rewrite fuzz target,
/// whose timer signals hit it): progress is read back from the output position and the copy
/// resumes from there. Generic, not `dyn`, so that between two files `io::copy` is still the
/// kernel copy.
fn copy_exact<R: Read + Seek, W: Write + Seek>(
    input: &mut R,
    out: &mut W,
    len: u64,
) -> io::Result<u64> {
    let (in_start, out_start) = (input.stream_position()?, out.stream_position()?);
    loop {
        let done = out.stream_position()? - out_start;
        if done >= len {
            return Ok(done);
        }
        input.seek(SeekFrom::Start(in_start + done))?;
        match io::copy(&mut Read::by_ref(input).take(len - done), out) {
            Ok(0) => return Ok(done),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Refuses, before anything is written, a result larger than the process may write
/// (`ulimit -f`, RLIMIT_FSIZE): past it the kernel kills the writer with SIGXFSZ, which would
/// leave a temporary file, or a torn staging box in place.
pub fn check_file_size_limit(size: u64) -> io::Result<()> {
    match getrlimit(Resource::Fsize).current {
        Some(limit) if size > limit => Err(io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!(
                "the result would be {size} bytes, more than this process may write \
                 (file size limit {limit} bytes, ulimit -f)"
            ),
        )),
        _ => Ok(()),
    }
}
