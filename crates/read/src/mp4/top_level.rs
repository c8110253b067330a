//! The top-level walk: box headers only, read with one small seek + read each, so the media
//! data (`mdat`, often gigabytes) is never read.

use std::io::{Read, Seek, SeekFrom};

use crate::fourcc::FourCC;

use super::box_header::{parse_header, BoxHeader, HeaderError, MAX_HEADER_LEN};
use super::error::{ErrorKind, Mp4Error};

/// Refuses files made of millions of empty boxes before the header list grows without bound.
/// Fragmented recordings have two boxes per fragment, far below this.
pub const MAX_TOP_LEVEL_BOXES: usize = 1 << 20;

/// Path used for problems before any box could be named.
const FILE: &str = "file";

fn io_error(path: &str, offset: u64) -> impl FnOnce(std::io::Error) -> Mp4Error + '_ {
    move |err| Mp4Error::new(path, offset, ErrorKind::Io(err))
}

/// Headers of every top-level box, in file order. Each box must fit in the file.
pub(crate) fn scan<R: Read + Seek>(
    reader: &mut R,
    file_len: u64,
) -> Result<Vec<BoxHeader>, Mp4Error> {
    let mut headers = Vec::new();
    let mut offset = 0u64;
    while offset < file_len {
        if headers.len() == MAX_TOP_LEVEL_BOXES {
            return Err(Mp4Error::new(
                FILE,
                offset,
                ErrorKind::TooManyBoxes {
                    max: MAX_TOP_LEVEL_BOXES,
                },
            ));
        }
        let room = file_len - offset;
        let mut head = [0u8; MAX_HEADER_LEN];
        let head = &mut head[..room.min(MAX_HEADER_LEN as u64) as usize];
        reader
            .seek(SeekFrom::Start(offset))
            .and_then(|_| reader.read_exact(head))
            .map_err(io_error(FILE, offset))?;
        let header =
            parse_header(head, offset, room, true).map_err(|HeaderError { kind, error }| {
                let path = kind.map_or_else(|| FILE.to_string(), |kind| kind.to_string());
                Mp4Error::new(path, offset, error)
            })?;
        offset = header.end();
        headers.push(header);
    }
    Ok(headers)
}

/// The first `moov` among `headers`. Readers such as ffmpeg take the first one too, which is
/// what makes telemux's in-place writes safe: until the old moov is retired, it rules.
pub(crate) fn find_moov(headers: &[BoxHeader]) -> Result<BoxHeader, Mp4Error> {
    headers
        .iter()
        .find(|h| h.kind == FourCC::new(b"moov"))
        .copied()
        .ok_or_else(|| Mp4Error::new("moov", 0, ErrorKind::Missing))
}

/// Loads the bytes of the box `header`, which `scan` found to fit in the file; a size the
/// allocator cannot provide is an error, not an abort.
pub(crate) fn load<R: Read + Seek>(
    reader: &mut R,
    header: &BoxHeader,
) -> Result<Vec<u8>, Mp4Error> {
    let path = header.kind.to_string();
    let out_of_memory = || {
        Mp4Error::new(
            path.clone(),
            header.offset,
            ErrorKind::OutOfMemory { bytes: header.size },
        )
    };
    let len = usize::try_from(header.size).map_err(|_| out_of_memory())?;
    let mut bytes = Vec::new();
    bytes.try_reserve_exact(len).map_err(|_| out_of_memory())?;
    bytes.resize(len, 0);
    reader
        .seek(SeekFrom::Start(header.offset))
        .and_then(|_| reader.read_exact(&mut bytes))
        .map_err(io_error(&path, header.offset))?;
    Ok(bytes)
}
