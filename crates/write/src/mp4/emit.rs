//! Writing a planned file: original boxes copied with `std::io::copy` (copy_file_range on
//! Linux, so the media never passes through user space), then the new moov and mdat.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};

use super::layout::{mdat_header_len, Piece, Plan, TopBox};

/// Copies in pieces of this size so progress can be reported while a large mdat copies.
const COPY_STEP: u64 = 64 << 20;

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

/// Writes the output of `plan` to `out`. `progress` is called with the bytes written so far.
pub fn write_planned(
    input: &mut File,
    boxes: &[TopBox],
    plan: &Plan,
    moov: &[u8],
    telemetry: &[u8],
    out: &mut File,
    progress: &mut dyn FnMut(u64),
) -> io::Result<()> {
    let mut written = 0u64;
    for piece in &plan.pieces {
        match *piece {
            Piece::Original(i) => {
                let b = boxes[i];
                input.seek(SeekFrom::Start(b.offset))?;
                let mut left = b.size;
                while left > 0 {
                    let step = left.min(COPY_STEP);
                    let copied = copy_exact(input, out, step)?;
                    if copied != step {
                        return Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            format!(
                                "the input ended at byte {}, inside the {} box at bytes {}..{} \
                                 (was it truncated while being read?)",
                                b.offset + (b.size - left) + copied,
                                String::from_utf8_lossy(&b.kind),
                                b.offset,
                                b.offset + b.size
                            ),
                        ));
                    }
                    left -= step;
                    written += step;
                    progress(written);
                }
            }
            Piece::NewMoov => {
                out.write_all(moov)?;
                written += moov.len() as u64;
            }
            Piece::NewMdat => {
                let len = telemetry.len() as u64;
                let header_len = mdat_header_len(len);
                out.write_all(&box_header(b"mdat", header_len + len, header_len))?;
                out.write_all(telemetry)?;
                written += header_len + len;
            }
        }
        progress(written);
    }
    Ok(())
}

/// Copies `len` bytes from `input`'s position to `out`'s; fewer only when `input` ends. A
/// signal can interrupt the kernel copy behind `io::copy` (copy_file_range), which then
/// returns `Interrupted` without saying how much it copied (found by the rewrite fuzz target,
/// whose timer signals hit it): progress is read back from the output position and the copy
/// resumes from there.
fn copy_exact(input: &mut File, out: &mut File, len: u64) -> io::Result<u64> {
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

/// Where the in-place append put the new boxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    pub mdat_offset: u64,
    pub telemetry_offset: u64,
    pub moov_offset: u64,
}

/// The layout of an in-place append at `file_len`: mdat with the telemetry, then the moov.
pub fn plan_append(file_len: u64, telemetry_len: u64) -> Appended {
    let header_len = mdat_header_len(telemetry_len);
    Appended {
        mdat_offset: file_len,
        telemetry_offset: file_len + header_len,
        moov_offset: file_len + header_len + telemetry_len,
    }
}

/// Appends the telemetry and the new moov to `file` and retires the old moov, such that the
/// file is valid whenever the process stops:
/// 1. the new bytes are appended inside one `free` box: readers skip it, the old moov rules;
/// 2. that box's header becomes the mdat's, exposing the new moov after the old one (readers
///    take the first moov, so the old state still holds);
/// 3. the old moov's type becomes `free`: the new state.
///
/// Each step is fsynced before the next, and steps 2 and 3 are single small writes.
pub fn append_in_place(
    file: &mut File,
    at: Appended,
    old_moov_offset: u64,
    moov: &[u8],
    telemetry: &[u8],
) -> io::Result<()> {
    let header_len = at.telemetry_offset - at.mdat_offset;
    let total = header_len + telemetry.len() as u64 + moov.len() as u64;
    file.seek(SeekFrom::Start(at.mdat_offset))?;
    let mut staged = box_header(b"free", total, header_len);
    staged.extend_from_slice(telemetry);
    staged.extend_from_slice(moov);
    file.write_all(&staged)?;
    file.sync_all()?;

    file.seek(SeekFrom::Start(at.mdat_offset))?;
    let mdat_size = header_len + telemetry.len() as u64;
    file.write_all(&box_header(b"mdat", mdat_size, header_len))?;
    file.sync_data()?;

    file.seek(SeekFrom::Start(old_moov_offset + 4))?;
    file.write_all(b"free")?;
    file.sync_data()
}
