//! Which kind of container a file is, from its first bytes: MP4/MOV (by its first box type)
//! or MPEG-TS (three sync bytes), so the formats inside each are only tried on their own kind.

use std::io::{Read, Seek, SeekFrom};

use super::SourceError;
use crate::mp4::Mp4;
use crate::novatek;

/// Box types that start real MP4/QuickTime files. Anything else is some other kind of file,
/// and saying so beats reporting a nonsensical box size.
const FIRST_BOXES: [&[u8; 4]; 10] = [
    b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot", b"uuid", b"styp", b"junk",
];

/// Opens an MP4/MOV, telling other kinds of file apart with a clear error.
pub fn open_mp4<R: Read + Seek>(reader: &mut R) -> Result<Mp4, SourceError> {
    check_mp4(reader)?;
    Ok(Mp4::open(reader)?)
}

/// Tells an MP4/MOV apart from other files by its first box type, leaving the reader at 0.
pub fn check_mp4<R: Read + Seek>(reader: &mut R) -> Result<(), SourceError> {
    let mut head = [0u8; 8];
    reader.seek(SeekFrom::Start(0))?;
    let n = reader.read(&mut head)?;
    reader.seek(SeekFrom::Start(0))?;
    if n == 8 && FIRST_BOXES.iter().any(|k| head[4..8] == k[..]) {
        return Ok(());
    }
    Err(SourceError::NotMp4 {
        start: String::from_utf8_lossy(&head[..n]).into_owned(),
    })
}

/// Whether the file starts with three TS packets.
pub(super) fn is_transport_stream<R: Read + Seek>(reader: &mut R) -> std::io::Result<bool> {
    let mut head = Vec::with_capacity(3 * novatek::PACKET_LEN);
    reader.seek(SeekFrom::Start(0))?;
    reader
        .by_ref()
        .take(3 * novatek::PACKET_LEN as u64)
        .read_to_end(&mut head)?;
    Ok(novatek::looks_like_ts(&head))
}
