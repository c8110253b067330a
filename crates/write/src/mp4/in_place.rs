//! Writing into the input itself (`--in-place`), so that the file is valid whenever the
//! process stops, and byte-identical to the original when the write fails:
//! 1. a last box whose size runs to the end of the file gets its explicit size (same meaning);
//! 2. the staging `free` box `[mark][telemetry][new moov]` is appended: readers skip it;
//! 3. one small write of the mdat's header exposes the new moov (see `layout::Exposure`).
//!
//! Each step is fsynced before the next. On any error the changed headers are written back and
//! the file is truncated to its original length. A staging box left by a killed run (complete
//! or cut short) carries [`STAGING_MARK`] and is removed by the next run before it starts.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};

use telemux_read::mp4::{parse_header, Trailing, TrailingKind, MAX_HEADER_LEN};
use telemux_read::verify::Layout;

use super::emit::box_header;
use super::layout::{Exposure, STAGING_MARK};

/// Writes the planned exposure into `file`; on error the file is restored (and the error says
/// whether that worked).
pub(crate) fn write_in_place(
    file: &mut File,
    at: &Exposure,
    moov: &[u8],
    telemetry: &[u8],
) -> io::Result<()> {
    let mut undo = Vec::new();
    let result = expose(file, at, moov, telemetry, &mut undo);
    let Err(err) = result else {
        return Ok(());
    };
    let restored = restore(file, &undo, at.staging_offset);
    Err(io::Error::new(
        err.kind(),
        match restored {
            Ok(()) => format!(
                "{err} (the file is unchanged: restored to its original {} bytes)",
                at.staging_offset
            ),
            Err(again) => format!(
                "{err}; restoring the original {} bytes failed too ({again}): run the same \
                 command again to finish or undo it",
                at.staging_offset
            ),
        },
    ))
}

fn expose(
    file: &mut File,
    at: &Exposure,
    moov: &[u8],
    telemetry: &[u8],
    undo: &mut Vec<(u64, Vec<u8>)>,
) -> io::Result<()> {
    let mut patches = at.patches();
    let exposing = patches.pop();
    for (offset, bytes) in patches {
        patch(file, offset, &bytes, undo)?;
        file.sync_data()?;
    }
    let staged_len =
        at.staging_header_len + (STAGING_MARK.len() + telemetry.len() + moov.len()) as u64;
    let mut staged = box_header(b"free", staged_len, at.staging_header_len);
    staged.extend_from_slice(STAGING_MARK);
    staged.extend_from_slice(telemetry);
    staged.extend_from_slice(moov);
    file.seek(SeekFrom::Start(at.staging_offset))?;
    file.write_all(&staged)?;
    file.sync_all()?;
    if let Some((offset, bytes)) = exposing {
        patch(file, offset, &bytes, undo)?;
    }
    file.sync_data()
}

/// Writes `bytes` at `offset`, first keeping the bytes they replace in `undo`.
fn patch(
    file: &mut File,
    offset: u64,
    bytes: &[u8],
    undo: &mut Vec<(u64, Vec<u8>)>,
) -> io::Result<()> {
    let mut old = vec![0; bytes.len()];
    file.seek(SeekFrom::Start(offset))?;
    file.read_exact(&mut old)?;
    undo.push((offset, old));
    file.seek(SeekFrom::Start(offset))?;
    file.write_all(bytes)
}

fn restore(file: &mut File, undo: &[(u64, Vec<u8>)], original_len: u64) -> io::Result<()> {
    for (offset, old) in undo.iter().rev() {
        file.seek(SeekFrom::Start(*offset))?;
        file.write_all(old)?;
    }
    file.set_len(original_len)?;
    file.sync_all()
}

/// A staging box a killed run left at the end of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unfinished {
    /// Absolute offset of the staging box that was removed (the file's new length).
    pub offset: u64,
    /// Bytes removed.
    pub len: u64,
}

/// Finds a staging box left at the end of `file` by an interrupted in-place run and truncates
/// the file before it: either the last top-level box, a whole `free` starting with
/// [`STAGING_MARK`], or trailing data the reader calls a torn staging box (a `free` cut short
/// by the end of the file) with the same mark. Nothing of it was referenced: the run never
/// exposed it.
pub fn remove_unfinished(file: &mut File) -> io::Result<Option<Unfinished>> {
    let len = file.seek(SeekFrom::End(0))?;
    // Not an MP4 at all: nothing of ours to remove, and opening it says what is wrong.
    let Ok(layout) = Layout::walk(file, len) else {
        return Ok(None);
    };
    let staging = match layout.trailing {
        Some(Trailing {
            offset,
            kind: TrailingKind::TornStaging { .. },
            ..
        }) => offset,
        Some(_) => return Ok(None),
        None => match layout.boxes.last() {
            Some(last) if last.kind.as_bytes() == b"free" && last.end() == len => last.offset,
            _ => return Ok(None),
        },
    };
    // The mark follows the header. A torn staging box's size runs past the end of the file,
    // so the header is read without a room limit.
    let mut head = [0u8; MAX_HEADER_LEN];
    let head = &mut head[..(len - staging).min(MAX_HEADER_LEN as u64) as usize];
    file.seek(SeekFrom::Start(staging))?;
    file.read_exact(head)?;
    let Ok(header) = parse_header(head, staging, u64::MAX, false) else {
        return Ok(None);
    };
    let mut mark = [0u8; STAGING_MARK.len()];
    file.seek(SeekFrom::Start(header.body_offset()))?;
    if file.read_exact(&mut mark).is_err() || &mark != STAGING_MARK {
        return Ok(None);
    }
    file.set_len(staging)?;
    file.sync_all()?;
    Ok(Some(Unfinished {
        offset: staging,
        len: len - staging,
    }))
}
