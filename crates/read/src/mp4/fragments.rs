//! Movie fragments (`moof` + `mdat`, ISO 14496-12 §8.8): where each track run's sample data
//! is, from `tfhd`/`trun` (and the `trex` defaults in `moov/mvex`). One `moof` is loaded at a
//! time; no sample is read.

use std::io::{Read, Seek};

use super::box_header::{child_headers, BoxHeader, HeaderError};
use super::error::{ErrorKind, Mp4Error};
use super::fields::Fields;
use super::top_level::load;
use super::Mp4;

/// `tfhd` flags.
const BASE_DATA_OFFSET: u32 = 0x1;
const SAMPLE_DESCRIPTION_INDEX: u32 = 0x2;
const DEFAULT_DURATION: u32 = 0x8;
const DEFAULT_SIZE: u32 = 0x10;
const DEFAULT_FLAGS: u32 = 0x20;
const DEFAULT_BASE_IS_MOOF: u32 = 0x2_0000;
/// `trun` flags.
const DATA_OFFSET: u32 = 0x1;
const FIRST_SAMPLE_FLAGS: u32 = 0x4;
const SAMPLE_DURATION: u32 = 0x100;
const SAMPLE_SIZE: u32 = 0x200;
const SAMPLE_FLAGS: u32 = 0x400;
const SAMPLE_CTO: u32 = 0x800;

/// One `trun`: a run of one track's samples stored back to back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackRun {
    /// e.g. `moof[2]/traf[0]/trun[0]`, `[i]` counting from 0 in file order.
    pub path: String,
    /// File offset of the `trun` box.
    pub offset: u64,
    /// The `tfhd` track id the run belongs to.
    pub track_id: u32,
    /// Samples in the run.
    pub samples: u32,
    /// Absolute file offset of the first data byte, as the offsets resolve (may lie outside
    /// the file when they are wrong; negative results are errors).
    pub data_start: u64,
    /// Bytes of sample data in the run.
    pub data_len: u64,
}

impl TrackRun {
    /// Absolute offset one past the run's data (saturating when the offsets are wrong).
    pub fn data_end(&self) -> u64 {
        self.data_start.saturating_add(self.data_len)
    }
}

/// Every track run of every top-level `moof` of `mp4`, in file order.
pub fn track_runs<R: Read + Seek>(mp4: &Mp4, reader: &mut R) -> Result<Vec<TrackRun>, Mp4Error> {
    let defaults = trex_sizes(mp4)?;
    let mut runs = Vec::new();
    let moofs = mp4
        .top_level()
        .iter()
        .filter(|b| b.kind.as_bytes() == b"moof");
    for (index, moof) in moofs.enumerate() {
        let bytes = load(reader, moof)?;
        let path = format!("moof[{index}]");
        let body = bytes.get(moof.header_len as usize..).unwrap_or_default();
        let mut next_base = moof.offset;
        for (t, (traf, traf_body)) in children(body, moof.body_offset(), &path)?
            .into_iter()
            .filter(|(h, _)| h.kind.as_bytes() == b"traf")
            .enumerate()
        {
            let traf_path = format!("{path}/traf[{t}]");
            next_base = read_traf(
                &traf_path,
                traf,
                traf_body,
                moof.offset,
                next_base,
                &defaults,
                &mut runs,
            )?;
        }
    }
    Ok(runs)
}

/// The runs of one `traf`; returns where its data ends (the base of the next `traf` when it
/// has no explicit base).
fn read_traf(
    path: &str,
    traf: BoxHeader,
    body: &[u8],
    moof_offset: u64,
    implicit_base: u64,
    defaults: &[(u32, u32)],
    runs: &mut Vec<TrackRun>,
) -> Result<u64, Mp4Error> {
    let boxes = children(body, traf.body_offset(), path)?;
    let tfhd_path = format!("{path}/tfhd");
    let (tfhd, tfhd_body) = boxes
        .iter()
        .find(|(h, _)| h.kind.as_bytes() == b"tfhd")
        .ok_or_else(|| Mp4Error::new(&tfhd_path, traf.offset, ErrorKind::Missing))?;
    let mut f = Fields::new(tfhd_body, tfhd.body_offset(), &tfhd_path);
    let (_, flags) = f.full_box(0)?;
    let track_id = f.u32()?;
    let base = if flags & BASE_DATA_OFFSET != 0 {
        f.u64()?
    } else if flags & DEFAULT_BASE_IS_MOOF != 0 {
        moof_offset
    } else {
        implicit_base
    };
    for (flag, len) in [(SAMPLE_DESCRIPTION_INDEX, 4), (DEFAULT_DURATION, 4)] {
        if flags & flag != 0 {
            f.skip(len)?;
        }
    }
    let default_size = if flags & DEFAULT_SIZE != 0 {
        Some(f.u32()?)
    } else {
        defaults
            .iter()
            .find(|(id, _)| *id == track_id)
            .map(|(_, size)| *size)
    };
    if flags & DEFAULT_FLAGS != 0 {
        f.skip(4)?;
    }

    let mut end = base;
    let truns = boxes.iter().filter(|(h, _)| h.kind.as_bytes() == b"trun");
    for (r, (trun, trun_body)) in truns.enumerate() {
        let trun_path = format!("{path}/trun[{r}]");
        let mut f = Fields::new(trun_body, trun.body_offset(), &trun_path);
        let (_, flags) = f.full_box(1)?;
        let samples = f.u32()?;
        let data_start = if flags & DATA_OFFSET != 0 {
            let at = f.offset();
            let relative = f.i32()?;
            base.checked_add_signed(i64::from(relative))
                .ok_or_else(|| {
                    Mp4Error::new(&trun_path, at, ErrorKind::DataBeforeFile { base, relative })
                })?
        } else {
            end
        };
        if flags & FIRST_SAMPLE_FLAGS != 0 {
            f.skip(4)?;
        }
        let fields = [SAMPLE_DURATION, SAMPLE_SIZE, SAMPLE_FLAGS, SAMPLE_CTO];
        let per_sample = fields.iter().filter(|&&bit| flags & bit != 0).count() * 4;
        let table = f.table(samples, per_sample)?;
        let data_len = match (flags & SAMPLE_SIZE != 0, default_size) {
            (true, _) => {
                // The size is the field after the duration, when there is one.
                let at = usize::from(flags & SAMPLE_DURATION != 0) * 4;
                table
                    .chunks_exact(per_sample.max(1))
                    .map(|entry| {
                        entry.get(at..at + 4).map_or(0, |b| {
                            u64::from(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
                        })
                    })
                    .sum()
            }
            (false, Some(size)) => u64::from(samples) * u64::from(size),
            (false, None) => 0,
        };
        runs.push(TrackRun {
            path: trun_path,
            offset: trun.offset,
            track_id,
            samples,
            data_start,
            data_len,
        });
        end = data_start.saturating_add(data_len);
    }
    Ok(end)
}

/// `(track_ID, default_sample_size)` of each `moov/mvex/trex`.
fn trex_sizes(mp4: &Mp4) -> Result<Vec<(u32, u32)>, Mp4Error> {
    let Some(mvex) = mp4.moov().root().child(b"mvex") else {
        return Ok(Vec::new());
    };
    mvex.children_of(b"trex")
        .map(|trex| {
            let mut f = Fields::of(mp4.moov(), trex);
            f.full_box(0)?;
            let track_id = f.u32()?;
            f.skip(8)?; // default sample description index, default duration
            Ok((track_id, f.u32()?))
        })
        .collect()
}

/// The boxes directly inside `body` (whose first byte is at file offset `base`), children
/// of the box at `path`.
pub(crate) fn children<'a>(
    body: &'a [u8],
    base: u64,
    path: &str,
) -> Result<Vec<(BoxHeader, &'a [u8])>, Mp4Error> {
    child_headers(body, base, false)
        .map(|child| child.map_err(|error| child_error(path, error)))
        .collect()
}

/// A child header of the box at `path` that cannot be read, as the error naming it.
pub(crate) fn child_error(path: &str, error: HeaderError) -> Mp4Error {
    let HeaderError {
        kind,
        offset,
        error,
    } = error;
    let name = kind.map_or_else(|| "?".to_string(), |k| k.to_string());
    Mp4Error::new(format!("{path}/{name}"), offset, error)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;
    use crate::mp4::synthetic::{ftyp, mvhd, open};
    use telemux_testkit::{mp4_box, mp4_container, mp4_full_box};

    fn be(values: &[u32]) -> Vec<u8> {
        values.iter().flat_map(|v| v.to_be_bytes()).collect()
    }

    /// A `traf` for `track` whose `tfhd` has `tfhd_flags` and `tfhd_fields`, and one `trun`.
    fn traf(
        track: u32,
        tfhd_flags: u32,
        tfhd_fields: &[u8],
        trun_flags: u32,
        trun: &[u32],
    ) -> Vec<u8> {
        let tfhd = mp4_full_box(
            b"tfhd",
            0,
            tfhd_flags,
            &[&be(&[track])[..], tfhd_fields].concat(),
        );
        mp4_container(
            b"traf",
            &[tfhd, mp4_full_box(b"trun", 0, trun_flags, &be(trun))],
        )
    }

    #[test]
    fn runs_resolve_every_base_rule() {
        // trex gives track 2 a default sample size of 7.
        let trex = mp4_full_box(b"trex", 0, 0, &be(&[2, 1, 0, 7, 0]));
        let mut file = ftyp();
        file.extend(mp4_container(
            b"moov",
            &[mvhd(1000, 3), mp4_container(b"mvex", &[trex])],
        ));
        let moof_at = file.len() as u64;
        let moof = mp4_container(
            b"moof",
            &[
                mp4_full_box(b"mfhd", 0, 0, &be(&[1])),
                // Track 1: default-base-is-moof, data offset 100, sizes 3 + 4 in the trun.
                traf(
                    1,
                    DEFAULT_BASE_IS_MOOF,
                    &[],
                    DATA_OFFSET | SAMPLE_SIZE,
                    &[2, 100, 3, 4],
                ),
                // Track 2: no base at all: after the previous traf's data; trex sizes.
                traf(2, 0, &[], 0, &[3]),
                // Track 1 again: an absolute base, the tfhd's own default size 5.
                traf(
                    1,
                    BASE_DATA_OFFSET | DEFAULT_SIZE,
                    &[&9000u64.to_be_bytes()[..], &be(&[5])].concat(),
                    DATA_OFFSET,
                    &[2, 16],
                ),
            ],
        );
        file.extend(moof);
        file.extend(mp4_box(b"mdat", &[0; 64]));
        let mp4 = open(&file).unwrap();
        let runs = track_runs(&mp4, &mut Cursor::new(&file)).unwrap();
        let summary: Vec<(&str, u32, u32, u64, u64)> = runs
            .iter()
            .map(|r| {
                (
                    r.path.as_str(),
                    r.track_id,
                    r.samples,
                    r.data_start,
                    r.data_len,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("moof[0]/traf[0]/trun[0]", 1, 2, moof_at + 100, 7),
                ("moof[0]/traf[1]/trun[0]", 2, 3, moof_at + 107, 21),
                ("moof[0]/traf[2]/trun[0]", 1, 2, 9016, 10),
            ]
        );
        assert_eq!(mp4.fragmented().map(|b| b.offset), Some(moof_at));
    }

    #[test]
    fn a_trun_claiming_more_samples_than_it_holds_is_an_error() {
        let mut file = ftyp();
        file.extend(mp4_container(b"moov", &[mvhd(1000, 2)]));
        file.extend(mp4_container(
            b"moof",
            &[traf(1, 0, &[], SAMPLE_SIZE, &[1_000_000, 4])],
        ));
        let mp4 = open(&file).unwrap();
        let err = track_runs(&mp4, &mut Cursor::new(&file)).unwrap_err();
        assert_eq!(err.path, "moof[0]/traf[0]/trun[0]");
        assert!(
            matches!(
                err.kind,
                ErrorKind::TableTooLarge {
                    count: 1_000_000,
                    ..
                }
            ),
            "{err}"
        );
    }
}
