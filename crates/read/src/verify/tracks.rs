//! Container checks on `moov`: the movie header, each track's boxes, the agreement of its
//! sample tables, and its edit list.

use crate::mp4::{ErrorKind, Mp4, Mp4Error, Track};

use super::boxes::{abbreviate, and_more, failed};
use super::report::{Check, Section, Status};

const SECTION: Section = Section::Container;

/// A track parse error that is about the sample tables contradicting each other, which
/// `sample_tables` reports; any other error makes the track unreadable (`tracks`).
pub(crate) fn is_table_conflict(error: &Mp4Error) -> bool {
    matches!(
        error.kind,
        ErrorKind::SampleCountMismatch { .. }
            | ErrorKind::ChunkRunOrder { .. }
            | ErrorKind::ChunkPastTable { .. }
            | ErrorKind::TooFewChunkSamples { .. }
    )
}

pub fn movie_header(mp4: &Mp4) -> Check {
    const ID: &str = "movie_header";
    match mp4.mvhd() {
        Err(error) => Check::new(ID, SECTION, Status::Fail, error.to_string()),
        Ok(mvhd) if mvhd.timescale == 0 => Check::new(
            ID,
            SECTION,
            Status::Fail,
            "moov/mvhd: timescale is 0, so the movie has no duration",
        )
        .with_value(0u64),
        Ok(mvhd) => {
            let seconds = mvhd.duration as f64 / f64::from(mvhd.timescale);
            let created = match mvhd.times.creation_utc() {
                Some(t) if mvhd.times.creation != 0 => format!("created {}", super::time::show(t)),
                _ => "no creation time".to_string(),
            };
            Check::new(
                ID,
                SECTION,
                Status::Pass,
                format!(
                    "{seconds:.3} s ({} / timescale {}), {created}",
                    mvhd.duration, mvhd.timescale
                ),
            )
            .with_value(seconds)
        }
    }
}

pub fn tracks(tracks: &[Result<Track<'_>, Mp4Error>]) -> Check {
    const ID: &str = "tracks";
    let broken: Vec<&Mp4Error> = tracks
        .iter()
        .filter_map(|t| t.as_ref().err())
        .filter(|e| !is_table_conflict(e))
        .collect();
    if let Some(first) = broken.first() {
        return Check::new(
            ID,
            SECTION,
            Status::Fail,
            and_more(first.to_string(), broken.len()),
        )
        .with_value(broken.len());
    }
    if tracks.is_empty() {
        return Check::new(ID, SECTION, Status::Fail, "moov holds no trak").with_value(0u64);
    }
    let names: Vec<String> = tracks
        .iter()
        .map(|t| match t {
            Ok(track) => {
                let entry = track
                    .stsd
                    .entries
                    .first()
                    .map_or_else(|| "-".to_string(), |e| e.kind.to_string());
                format!("{}/{}", track.hdlr.subtype, entry)
            }
            Err(_) => "?".to_string(),
        })
        .collect();
    Check::new(
        ID,
        SECTION,
        Status::Pass,
        format!("{} tracks: {}", tracks.len(), abbreviate(&names)),
    )
    .with_value(tracks.len())
}

pub fn sample_tables(tracks: &[Result<Track<'_>, Mp4Error>]) -> Check {
    const ID: &str = "sample_tables";
    let mut problems = Vec::new();
    let mut counts = Vec::new();
    for track in tracks {
        match track {
            Err(error) if is_table_conflict(error) => problems.push(error.to_string()),
            Err(_) => {}
            Ok(track) => {
                let sizes = u64::from(track.sample_table.sizes.len());
                // Fragmented files leave every table empty: nothing to agree on.
                let held = track.sample_table.chunk_capacity();
                if sizes > 0 && held != sizes {
                    let stsc = track.sample_table.sample_to_chunk.node;
                    problems.push(format!(
                        "{} at byte {}: chunks hold {held} samples but the sample size table \
                         has {sizes}",
                        stsc.path, stsc.header.offset
                    ));
                }
                counts.push(sizes.to_string());
            }
        }
    }
    if let Some(check) = failed(ID, SECTION, &problems) {
        return check;
    }
    Check::new(
        ID,
        SECTION,
        Status::Pass,
        format!(
            "stts, stsz and stsc/stco agree in {} tracks ({} samples)",
            counts.len(),
            counts.join(", ")
        ),
    )
    .with_value(0u64)
}

pub fn edit_lists(tracks: &[Result<Track<'_>, Mp4Error>]) -> Check {
    const ID: &str = "edit_lists";
    let mut problems = Vec::new();
    let mut lists = 0usize;
    for track in tracks.iter().flatten() {
        let Some(edits) = &track.edits else { continue };
        lists += 1;
        let (duration, timescale) = (track.mdhd.duration, track.mdhd.timescale);
        for (entry, edit) in edits.iter().enumerate() {
            let seconds = |units: i64| units as f64 / f64::from(timescale);
            let path = format!("{}/edts/elst entry {entry}", track.node.path);
            let past_end =
                duration > 0 && u64::try_from(edit.media_time).is_ok_and(|t| t >= duration);
            if edit.media_time < -1 {
                problems.push((
                    format!(
                        "{path}: media_time {} is negative (only -1, an empty edit, is allowed)",
                        edit.media_time
                    ),
                    edit.media_time,
                ));
            } else if past_end {
                problems.push((
                    format!(
                        "{path}: media_time {} ({:.3} s) is past the end of the media ({duration} \
                         units = {:.3} s)",
                        edit.media_time,
                        seconds(edit.media_time),
                        duration as f64 / f64::from(timescale)
                    ),
                    edit.media_time,
                ));
            }
        }
    }
    match problems.first() {
        Some((message, media_time)) => Check::new(
            ID,
            SECTION,
            Status::Fail,
            and_more(message.clone(), problems.len()),
        )
        .with_value(*media_time),
        None if lists == 0 => {
            Check::new(ID, SECTION, Status::Pass, "no edit lists").with_value(0u64)
        }
        None => Check::new(
            ID,
            SECTION,
            Status::Pass,
            format!("{lists} edit lists, every media_time inside its track's media"),
        )
        .with_value(lists),
    }
}
