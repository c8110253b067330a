//! `dump`'s listing of a CAMM track: one line per sample with its media time, file offset and
//! the packet's values (or why it is no packet).

use std::fmt::Write as _;
use std::io::{Read, Seek};

use super::packets::Packets;
use crate::mp4::{Mp4, Mp4Error, Track};

/// Samples listed when not all are asked for: enough to see the mix of types and the rate.
pub const LISTED_BY_DEFAULT: usize = 20;

/// Appends the listing of `track` (a CAMM track of `mp4`) to `out`: a heading, then a line per
/// sample, every sample when `all`, else the first [`LISTED_BY_DEFAULT`] and a count. A sample
/// that cannot be read ends the listing with its error; `out` keeps the lines before it.
pub fn print<R: Read + Seek>(
    mp4: &Mp4,
    track: &Track<'_>,
    reader: &mut R,
    all: bool,
    out: &mut String,
) -> Result<(), Mp4Error> {
    let count = track.sample_count() as usize;
    // Writing to a String cannot fail, so the fmt::Results below are discarded.
    let _ = writeln!(
        out,
        "CAMM track [{}] ({}): {count} samples (sample, media time, byte, packet):",
        track.index, track.node.path
    );
    let shown = if all {
        count
    } else {
        count.min(LISTED_BY_DEFAULT)
    };
    for entry in Packets::new(mp4, track, reader).take(shown) {
        let entry = entry?;
        let what = match entry.packet {
            Ok(packet) => packet.to_string(),
            Err(error) => format!("invalid: {error}"),
        };
        let _ = writeln!(
            out,
            "  {} {:.3} s byte {}: {what}",
            entry.sample.index, entry.media_time, entry.sample.offset
        );
    }
    if shown < count {
        let _ = writeln!(
            out,
            "  … {} more samples (--all prints every one)",
            count - shown
        );
    }
    Ok(())
}
