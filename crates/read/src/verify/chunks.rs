//! Container checks on where the samples are: inside an `mdat`, not shared between tracks,
//! and addressable with the chunk offset width the track uses.
//!
//! Works from the sample index only (`moov` tables); no media byte is read.

use crate::mp4::{BoxHeader, Mp4Error, Track};

use super::boxes::{and_more, failed};
use super::report::{Check, Section, Status};

const SECTION: Section = Section::Container;

/// A run of a track's samples stored back to back: one chunk, or neighbouring chunks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extent {
    pub track: usize,
    pub first_sample: u32,
    pub last_sample: u32,
    pub start: u64,
    pub end: u64,
}

/// Where every track's samples are, merged into extents, and the first error of each track
/// whose index stops early (a sample past the end of the file).
#[derive(Debug, Default)]
pub struct Placement {
    pub extents: Vec<Extent>,
    pub errors: Vec<Mp4Error>,
    pub samples: u64,
}

impl Placement {
    pub fn of(tracks: &[Result<Track<'_>, Mp4Error>]) -> Placement {
        let mut placement = Placement::default();
        for track in tracks.iter().flatten() {
            let mut current: Option<Extent> = None;
            for sample in track.samples() {
                let sample = match sample {
                    Ok(sample) => sample,
                    Err(error) => {
                        placement.errors.push(error);
                        break;
                    }
                };
                placement.samples += 1;
                if sample.size == 0 {
                    continue;
                }
                let end = sample.offset + u64::from(sample.size);
                match &mut current {
                    Some(extent) if extent.end == sample.offset => {
                        extent.end = end;
                        extent.last_sample = sample.index;
                    }
                    _ => {
                        placement.extents.extend(current.take());
                        current = Some(Extent {
                            track: track.index,
                            first_sample: sample.index,
                            last_sample: sample.index,
                            start: sample.offset,
                            end,
                        });
                    }
                }
            }
            placement.extents.extend(current);
        }
        placement
    }
}

fn describe(extent: &Extent) -> String {
    let samples = if extent.first_sample == extent.last_sample {
        format!("sample {}", extent.first_sample)
    } else {
        format!("samples {}-{}", extent.first_sample, extent.last_sample)
    };
    format!(
        "moov/trak[{}] {samples} (bytes {}-{})",
        extent.track, extent.start, extent.end
    )
}

/// `chunks_in_mdat`: every sample lies inside the payload of a top-level `mdat`.
pub fn in_mdat(placement: &Placement, mdats: &[BoxHeader]) -> Check {
    const ID: &str = "chunks_in_mdat";
    let mut bodies: Vec<(u64, u64)> = mdats.iter().map(|m| (m.body_offset(), m.end())).collect();
    bodies.sort_unstable();
    let inside = |extent: &Extent| {
        let after = bodies.partition_point(|&(start, _)| start <= extent.start);
        after
            .checked_sub(1)
            .and_then(|i| bodies.get(i))
            .is_some_and(|&(_, end)| extent.end <= end)
    };
    let outside: Vec<&Extent> = placement.extents.iter().filter(|e| !inside(e)).collect();
    if let Some(error) = placement.errors.first() {
        let count = placement.errors.len() + outside.len();
        return Check::new(
            ID,
            SECTION,
            Status::Fail,
            and_more(error.to_string(), count),
        )
        .with_value(count);
    }
    match outside.first() {
        Some(extent) => Check::new(
            ID,
            SECTION,
            Status::Fail,
            and_more(
                format!("{} lie outside every mdat", describe(extent)),
                outside.len(),
            ),
        )
        .with_value(outside.len()),
        None => Check::new(
            ID,
            SECTION,
            Status::Pass,
            format!(
                "all {} samples lie inside {} mdat box(es)",
                placement.samples,
                bodies.len()
            ),
        )
        .with_value(0u64),
    }
}

/// `chunk_overlap`: no byte belongs to samples of two different tracks.
pub fn overlap(placement: &Placement) -> Check {
    const ID: &str = "chunk_overlap";
    let mut extents = placement.extents.clone();
    extents.sort_unstable_by_key(|e| (e.start, e.end));
    let mut reach: Option<Extent> = None;
    let mut clashes = Vec::new();
    for extent in extents {
        if let Some(before) = reach {
            if extent.start < before.end && extent.track != before.track {
                clashes.push((before, extent));
            }
        }
        if reach.is_none_or(|r| extent.end > r.end) {
            reach = Some(extent);
        }
    }
    match clashes.first() {
        Some((a, b)) => Check::new(
            ID,
            SECTION,
            Status::Fail,
            and_more(
                format!("{} overlaps {}", describe(a), describe(b)),
                clashes.len(),
            ),
        )
        .with_value(clashes.len()),
        None => Check::new(
            ID,
            SECTION,
            Status::Pass,
            "no byte is shared by samples of two tracks",
        )
        .with_value(0u64),
    }
}

/// `chunk_offset_width`: `stco` holds 32-bit offsets, so a track whose offsets must reach past
/// 4 GiB needs `co64`. Muxers that forget it write offsets that wrap around to small values.
pub fn offset_width(tracks: &[Result<Track<'_>, Mp4Error>], file_len: u64) -> Check {
    const ID: &str = "chunk_offset_width";
    let mut narrow = 0usize;
    let mut wide = 0usize;
    let mut wrapped = Vec::new();
    let mut largest = 0u64;
    for track in tracks.iter().flatten() {
        let offsets = track.sample_table.chunk_offsets;
        largest = largest.max(offsets.iter().max().unwrap_or(0));
        if offsets.is_64_bit() {
            wide += 1;
            continue;
        }
        narrow += 1;
        if file_len <= u64::from(u32::MAX) {
            continue;
        }
        let mut previous: Option<u64> = None;
        for (chunk, offset) in offsets.iter().enumerate() {
            if let Some(before) = previous.filter(|&before| offset < before) {
                wrapped.push(format!(
                    "{}: chunk {chunk} at byte {offset} comes after chunk {} at byte {before} in \
                     a {file_len}-byte file: 32-bit offsets wrapped past 4 GiB, co64 needed",
                    offsets.node.path,
                    chunk - 1,
                ));
                break;
            }
            previous = Some(offset);
        }
    }
    if let Some(check) = failed(ID, SECTION, &wrapped) {
        return check;
    }
    Check::new(
        ID,
        SECTION,
        Status::Pass,
        format!(
            "{narrow} tracks with 32-bit stco, {wide} with 64-bit co64; largest chunk offset \
             {largest} in a {file_len}-byte file"
        ),
    )
    .with_value(largest)
}
