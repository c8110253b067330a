//! `elst`: the edit list that maps a track's media time onto the movie timeline.

use super::error::Mp4Error;
use super::fields::Fields;
use super::tree::{BoxNode, Moov};

/// One edit: play `segment_duration` (movie timescale) of media starting at `media_time`
/// (media timescale; -1 for an empty edit, i.e. a gap) at `media_rate`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edit {
    /// How long the edit plays, movie (`mvhd`) timescale units.
    pub segment_duration: u64,
    /// Where in the media it starts, media timescale units; -1 for an empty edit (a gap).
    pub media_time: i64,
    /// Playback speed (16.16 fixed point in the file): 1.0 normal, 0.0 a still frame.
    pub media_rate: f64,
}

/// Parses an `elst` box (version 0: 32-bit fields, version 1: 64-bit).
pub fn parse_elst(moov: &Moov, node: &BoxNode) -> Result<Vec<Edit>, Mp4Error> {
    let mut f = Fields::of(moov, node);
    let (version, _) = f.full_box(1)?;
    let count = f.u32()?;
    let entry_size = if version == 1 { 20 } else { 12 };
    let first_entry = f.offset();
    let table = f.table(count, entry_size)?;
    let mut entries = Fields::new(table, first_entry, &node.path);
    (0..count)
        .map(|_| {
            let segment_duration = entries.u32_or_u64(version)?;
            let media_time = if version == 1 {
                entries.i64()?
            } else {
                entries.i32()?.into()
            };
            let integer = entries.i16()?;
            let fraction = entries.u16()?;
            Ok(Edit {
                segment_duration,
                media_time,
                media_rate: f64::from(integer) + f64::from(fraction) / 65536.0,
            })
        })
        .collect()
}
