//! `fragments`: in a fragmented file (`moof` + `mdat`), every track run's data, as its
//! `tfhd`/`trun` offsets resolve, lies inside the file and inside one `mdat`.

use std::io::{Read, Seek};

use crate::mp4::{track_runs, BoxHeader, Mp4, TrackRun};

use super::boxes::failed;
use super::report::{Check, Section, Status};

const ID: &str = "fragments";
const SECTION: Section = Section::Container;

pub fn check<R: Read + Seek>(mp4: &Mp4, reader: &mut R, mdats: &[BoxHeader]) -> Check {
    if mp4.fragmented().is_none() {
        return Check::new(ID, SECTION, Status::Pass, "not fragmented").with_value(0u64);
    }
    let runs = match track_runs(mp4, reader) {
        Ok(runs) => runs,
        Err(error) => return Check::new(ID, SECTION, Status::Fail, error.to_string()),
    };
    let moofs = mp4
        .top_level()
        .iter()
        .filter(|b| b.kind.as_bytes() == b"moof")
        .count();
    let problems: Vec<String> = runs
        .iter()
        .filter_map(|run| misplaced(run, mdats, mp4.file_len()))
        .collect();
    if let Some(check) = failed(ID, SECTION, &problems) {
        return check;
    }
    let samples: u64 = runs.iter().map(|r| u64::from(r.samples)).sum();
    Check::new(
        ID,
        SECTION,
        Status::Pass,
        format!(
            "{moofs} fragments, {} track runs ({samples} samples), all data inside an \
             mdat; telemux reads and writes only the samples of moov's own tables",
            runs.len()
        ),
    )
    .with_value(moofs)
}

/// What is wrong with where `run`'s data is, if anything.
fn misplaced(run: &TrackRun, mdats: &[BoxHeader], file_len: u64) -> Option<String> {
    if run.data_len == 0 {
        return None;
    }
    let (start, end) = (run.data_start, run.data_end());
    let what = format!(
        "{} at byte {} (track {}, {} samples): data bytes {start}-{end}",
        run.path, run.offset, run.track_id, run.samples
    );
    if end > file_len {
        return Some(format!(
            "{what} run past the end of the file ({file_len} bytes)"
        ));
    }
    let inside = mdats
        .iter()
        .any(|m| m.body_offset() <= start && end <= m.end());
    (!inside).then(|| format!("{what} lie outside every mdat"))
}
