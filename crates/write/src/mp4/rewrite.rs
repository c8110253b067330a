//! Adding a telemetry track to an existing MP4/MOV: a new `trak` after the existing ones (its
//! format's, see [`TrackFormat`]), its samples at the end of the last mdat (`layout`), every
//! other box kept, and the chunk offsets of every track moved with the media they point at.

use std::fs::File;
use std::io::{self, Read, Seek, Write};

use telemux_read::mp4::{
    parse_header, BoxHeader, ChunkOffsets, Mp4, Mp4Error, NameStyle, Track, Trailing, TrailingKind,
};
use telemux_read::verify::untrusted_tables;
use telemux_read::FourCC;

use super::box_writer::BoxWriter;
use super::edit_tree::EditBox;
use super::emit::{check_file_size_limit, write_planned};
use super::in_place::write_in_place;
use super::layout::{plan_in_place, Exposure, InPlaceRefusal, MoovPlacement, Plan, TelemetryHome};
use super::meta_trak::{chunk_offsets, MetaTrack};
use super::retime::{shift_times, RetimeError};
use super::spherical::{apply as apply_spherical, Spherical, SphericalError, SphericalWritten};
use crate::gpmf::Gpmf;
use crate::track_format::TrackFormat;

/// The telemetry to add: the samples of its format (GPMF payloads) with their durations in
/// milliseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TelemetryTrack {
    /// The samples of the track's format, one per sample, in time order.
    pub samples: Vec<Vec<u8>>,
    /// Each sample's duration, milliseconds.
    pub durations_ms: Vec<u32>,
    /// Where the first sample starts on the movie's timeline, milliseconds: 0 for GPMF
    /// (payloads without GPS fill a gap); a CAMM track whose first packet comes later is held
    /// back by an empty edit (`edts`), as a packet cannot be empty.
    pub start_ms: u64,
}

/// Where the result goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Target {
    /// A new file (`-o`), moov placed as asked.
    Copy(MoovPlacement),
    /// Append to the input itself (`--in-place`); needs moov after the media.
    InPlace,
}

/// How [`prepare`] rewrites a file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RewriteOptions {
    /// Where the result goes.
    pub target: Target,
    /// Replace the tracks in `existing_tracks` instead of refusing.
    pub replace: bool,
    /// `moov/udta` text items to set, e.g. `©mak`, `©mod`, `manu`, `modl`, `FIRM`.
    pub user_data: Vec<([u8; 4], String)>,
    /// Handler name of the new track; `None`: the format's ([`TrackFormat::handler_name`]).
    pub handler_name: Option<String>,
    /// Which existing tracks hold the new track's format, as
    /// [`TrackFormat::existing_tracks`] finds them (it reads their first sample, which
    /// `prepare` cannot): replaced with `replace`, else refused.
    pub existing_tracks: Vec<usize>,
    /// Seconds added to every non-zero creation and modification time of mvhd and of each
    /// track's tkhd and mdhd (a camera clock corrected to UTC); 0 keeps them.
    pub time_shift: i64,
    /// Spherical Video metadata to write into the first video track (`--spherical`).
    pub spherical: Option<Spherical>,
}

impl Default for RewriteOptions {
    fn default() -> RewriteOptions {
        RewriteOptions {
            target: Target::Copy(MoovPlacement::Keep),
            replace: false,
            user_data: Vec::new(),
            handler_name: None,
            existing_tracks: Vec::new(),
            time_shift: 0,
            spherical: None,
        }
    }
}

/// Why a file is not rewritten; the input is left as it was.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RewriteError {
    /// The file has a track of the format already, and replacing it was not asked for.
    #[error("already has {format} telemetry (moov/trak[{index}], track id {track_id})")]
    HasTelemetry {
        /// The format's name (`GPMF`).
        format: &'static str,
        /// The track's position among the `trak` boxes, from 0.
        index: usize,
        /// Its `tkhd` track id.
        track_id: u32,
    },
    /// An in-place write needs the moov after the media, and this file has it first.
    #[error(
        "writing in place needs the moov box after the media (this file starts with it, for \
         streaming)"
    )]
    InPlaceNeedsMoovAtEnd,
    /// An in-place write would have to swallow a box after the media that means something.
    #[error(
        "writing in place would have to cover the {kind} box at byte {offset}, after the \
         media, to keep one mdat before the moov (which GoPro's parser needs)"
    )]
    InPlaceWouldCover {
        /// The box's type.
        kind: FourCC,
        /// Absolute offset of the box.
        offset: u64,
    },
    /// The grown mdat needs a 64-bit size and no 8-byte padding box before it gives room.
    #[error(
        "writing in place would grow the mdat at byte {mdat_offset} to {size} bytes, which \
         needs a 64-bit size, and there is no 8-byte wide/free box before it to make room"
    )]
    InPlaceNoRoomForLargeSize {
        /// Absolute offset of the mdat.
        mdat_offset: u64,
        /// The size it would grow to.
        size: u64,
    },
    /// The last box runs to the end of the file and is too large for a 32-bit size.
    #[error(
        "writing in place: the last box ({kind} at byte {offset}) runs to the end of the file \
         and is larger than 4 GiB, so its size cannot be stated in place"
    )]
    InPlaceSizeToEndTooLarge {
        /// The box's type.
        kind: FourCC,
        /// Absolute offset of the box.
        offset: u64,
    },
    /// A chunk that lies in no top-level box outside moov, so moving it is not safe.
    #[error(
        "{path}: chunk {chunk} (bytes {start}..{end}) is not inside one top-level box outside \
         moov, so it cannot be moved safely"
    )]
    ChunkOutsideBox {
        /// The track's box path.
        path: String,
        /// The chunk, from 0.
        chunk: u32,
        /// Absolute offset of its first byte.
        start: u64,
        /// Absolute offset one past its last byte.
        end: u64,
    },
    /// An in-place write after trailing bytes that are no box: readers would not reach it.
    #[error(
        "writing in place: the file ends with {len} bytes at byte {offset} that are no box (a \
         camera trailer such as Insta360's, or padding); readers would not see boxes appended \
         after them (a new file keeps them at the end)"
    )]
    InPlaceAfterTrailingData {
        /// Absolute offset of the trailing bytes.
        offset: u64,
        /// Their length.
        len: u64,
    },
    /// An in-place write after a staging box an interrupted run left cut short.
    #[error(
        "writing in place: the file ends with a free box at byte {offset} declaring {declared} \
         bytes but only {len} are there, left by an interrupted in-place write (a new file \
         leaves the torn box out)"
    )]
    InPlaceAfterTornStaging {
        /// Absolute offset of the torn box.
        offset: u64,
        /// Bytes of it in the file.
        len: u64,
        /// The size it declares.
        declared: u64,
    },
    /// The file is fragmented: its fragment offsets are not rewritten, so it is refused.
    #[error(
        "fragmented MP4 ({kind} at byte {offset}): its samples are described by movie \
         fragments whose tfhd/trun/tfra/sidx offsets telemux does not rewrite, so it refuses \
         rather than damage them; make a regular MP4 first, e.g. ffmpeg -i IN -map 0 -c copy OUT.mp4"
    )]
    Fragmented {
        /// `moof`, or `mvex` (inside moov).
        kind: String,
        /// Absolute offset of that box.
        offset: u64,
    },
    /// Two moov boxes: readers would disagree on which one counts.
    #[error(
        "a second moov box at byte {second} (the first is at byte {first}): a stale copy or \
         bytes typed moov; players take the first, ExifTool reads both, and a rewrite would \
         leave readers disagreeing, so telemux does not rewrite this file"
    )]
    SecondMoov {
        /// Absolute offset of the first moov.
        first: u64,
        /// Absolute offset of the second.
        second: u64,
    },
    /// A verify check on the sample tables fails, so they are not rewritten.
    #[error(
        "verify fails {id}: {message}; telemux does not rewrite sample tables it cannot trust \
         (the other tracks would come out changed)"
    )]
    UntrustedTables {
        /// The failing check's id.
        id: &'static str,
        /// What the check found.
        message: String,
    },
    /// The new moov would be too large for its box header.
    #[error("the new moov would be {size} bytes, more than an MP4 box header can describe here")]
    MoovTooLarge {
        /// Its size in bytes.
        size: u64,
    },
    /// The telemetry track has another number of samples than durations.
    #[error("the telemetry track has {samples} samples but {durations} durations")]
    SampleCountMismatch {
        /// Samples given.
        samples: usize,
        /// Durations given.
        durations: usize,
    },
    /// Spherical metadata cannot be written.
    #[error(transparent)]
    Spherical(#[from] SphericalError),
    /// A creation time cannot be moved to UTC (`--street-view` with a local camera clock).
    #[error(transparent)]
    Retime(#[from] RetimeError),
    /// The file's structure cannot be read.
    #[error(transparent)]
    Mp4(#[from] Mp4Error),
}

/// A rewrite laid out and ready to write: the new moov and the telemetry bytes.
#[derive(Debug, Clone)]
pub struct Prepared {
    moov: Vec<u8>,
    telemetry: Vec<u8>,
    layout: Layout,
    /// Track id given to the (first) telemetry track (0 when [`prepare_metadata`] adds none).
    pub track_id: u32,
    /// Track ids of the new tracks, in the order given ([`prepare_tracks`]).
    pub track_ids: Vec<u32>,
    /// Tracks removed by `replace`.
    pub replaced: usize,
    /// The video track marked as spherical, with `RewriteOptions::spherical`.
    pub spherical: Option<SphericalWritten>,
}

#[derive(Debug, Clone)]
enum Layout {
    Copy { boxes: Vec<BoxHeader>, plan: Plan },
    InPlace(Exposure),
}

impl From<InPlaceRefusal> for RewriteError {
    fn from(refusal: InPlaceRefusal) -> RewriteError {
        match refusal {
            InPlaceRefusal::MoovFirst => RewriteError::InPlaceNeedsMoovAtEnd,
            InPlaceRefusal::Blocker { kind, offset } => {
                RewriteError::InPlaceWouldCover { kind, offset }
            }
            InPlaceRefusal::NoRoomForLargeSize { mdat_offset, size } => {
                RewriteError::InPlaceNoRoomForLargeSize { mdat_offset, size }
            }
            InPlaceRefusal::SizeToEndTooLarge { kind, offset } => {
                RewriteError::InPlaceSizeToEndTooLarge { kind, offset }
            }
        }
    }
}

/// Where the telemetry went, for the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Placed {
    /// `-o`: see [`TelemetryHome`].
    Copy(TelemetryHome),
    /// `--in-place`: the mdat at `mdat_offset` now ends at the new moov, covering the
    /// `covered` bytes between its old end and the telemetry (the old moov, padding, and the
    /// staging box's header).
    InPlace {
        /// Absolute offset of the mdat that grew.
        mdat_offset: u64,
        /// Absolute offset of the new moov.
        moov_offset: u64,
        /// Bytes the grown mdat now covers between its old end and the telemetry.
        covered: u64,
        /// Whether its 64-bit header went over the 8-byte padding box before it.
        over_padding: bool,
    },
}

impl Prepared {
    /// Size of the finished file.
    pub fn output_size(&self) -> u64 {
        match &self.layout {
            Layout::Copy { plan, .. } => plan.total_size,
            Layout::InPlace(at) => at.moov_offset + self.moov.len() as u64,
        }
    }

    /// Where the telemetry went.
    pub fn placed(&self) -> Placed {
        match &self.layout {
            Layout::Copy { plan, .. } => Placed::Copy(plan.home),
            Layout::InPlace(at) => Placed::InPlace {
                mdat_offset: at.mdat_offset,
                moov_offset: at.moov_offset,
                covered: at.telemetry_offset - at.mdat_end,
                over_padding: at.header_at != at.mdat_offset,
            },
        }
    }

    /// The in-place plan, for checks of what it changes (`Exposure::patches`).
    pub fn exposure(&self) -> Option<&Exposure> {
        match &self.layout {
            Layout::InPlace(at) => Some(at),
            Layout::Copy { .. } => None,
        }
    }

    /// The new moov box.
    pub fn moov(&self) -> &[u8] {
        &self.moov
    }

    /// Bytes written by the rewrite itself (the media copy excluded).
    pub fn new_bytes(&self) -> u64 {
        (self.moov.len() + self.telemetry.len()) as u64
    }

    /// Writes the new file (`Target::Copy`) from `input` into `out`, from its start.
    pub fn write_copy<R: Read + Seek, W: Write + Seek>(
        &self,
        input: &mut R,
        out: &mut W,
        progress: &mut dyn FnMut(u64),
    ) -> io::Result<()> {
        check_file_size_limit(self.output_size())?;
        match &self.layout {
            Layout::Copy { boxes, plan } => write_planned(
                input,
                boxes,
                plan,
                &self.moov,
                &self.telemetry,
                out,
                progress,
            ),
            Layout::InPlace(_) => Err(io::Error::other(
                "prepared for writing in place, not for a copy",
            )),
        }
    }

    /// Writes into the input file itself (`Target::InPlace`); on error the file is restored
    /// to its original bytes.
    pub fn write_in_place(&self, file: &mut File) -> io::Result<()> {
        check_file_size_limit(self.output_size())?;
        match &self.layout {
            Layout::InPlace(at) => write_in_place(file, at, &self.moov, &self.telemetry),
            Layout::Copy { .. } => Err(io::Error::other(
                "prepared for a copy, not for writing in place",
            )),
        }
    }
}

/// Lays out the rewrite of `mp4` with the GPMF `track` added.
pub fn prepare(
    mp4: &Mp4,
    track: &TelemetryTrack,
    options: &RewriteOptions,
) -> Result<Prepared, RewriteError> {
    prepare_format(mp4, &Gpmf, track, options)
}

/// Lays out the rewrite of `mp4` with `track`, samples of `format`, added.
pub fn prepare_format(
    mp4: &Mp4,
    format: &dyn TrackFormat,
    track: &TelemetryTrack,
    options: &RewriteOptions,
) -> Result<Prepared, RewriteError> {
    let new = NewTrack {
        format,
        track,
        handler_name: options.handler_name.as_deref(),
        existing_tracks: &options.existing_tracks,
    };
    prepare_tracks(mp4, &[new], options)
}

/// Lays out the rewrite of `mp4` with no track added: only the moov's metadata changes
/// (`user_data`, `spherical`, `time_shift`), every sample stays where the layout puts its box.
pub fn prepare_metadata(mp4: &Mp4, options: &RewriteOptions) -> Result<Prepared, RewriteError> {
    prepare_tracks(mp4, &[], options)
}

/// One telemetry track a rewrite adds, with what it replaces.
#[derive(Clone, Copy)]
pub struct NewTrack<'a> {
    /// The track's format.
    pub format: &'a dyn TrackFormat,
    /// Its samples and their durations.
    pub track: &'a TelemetryTrack,
    /// Handler name; `None`: the format's ([`TrackFormat::handler_name`]).
    pub handler_name: Option<&'a str>,
    /// The existing tracks of its format ([`TrackFormat::existing_tracks`]): removed with
    /// `replace`, else refused.
    pub existing_tracks: &'a [usize],
}

/// Lays out the rewrite of `mp4` with the tracks of `new` added in one pass (`--format
/// both`), after the existing tracks in the order given, with consecutive track ids. Each
/// track's own handler name and existing tracks come from its [`NewTrack`]; `options`'
/// `handler_name` and `existing_tracks` are [`prepare_format`]'s.
pub fn prepare_tracks(
    mp4: &Mp4,
    new: &[NewTrack<'_>],
    options: &RewriteOptions,
) -> Result<Prepared, RewriteError> {
    for NewTrack { track, .. } in new {
        if track.samples.len() != track.durations_ms.len() {
            return Err(RewriteError::SampleCountMismatch {
                samples: track.samples.len(),
                durations: track.durations_ms.len(),
            });
        }
    }
    if let (Target::InPlace, Some(trailing)) = (options.target, mp4.trailing_data()) {
        return Err(in_place_after(trailing));
    }
    if let Some(fragment) = mp4.fragmented() {
        return Err(RewriteError::Fragmented {
            kind: fragment.kind.to_string(),
            offset: fragment.offset,
        });
    }
    let mut moovs = mp4
        .top_level()
        .iter()
        .filter(|b| b.kind.as_bytes() == b"moov");
    if let (Some(first), Some(second)) = (moovs.next(), moovs.next()) {
        return Err(RewriteError::SecondMoov {
            first: first.offset,
            second: second.offset,
        });
    }
    let tracks = mp4.tracks().collect::<Result<Vec<Track<'_>>, _>>()?;
    if let Some(check) = untrusted_tables(mp4).into_iter().next() {
        return Err(RewriteError::UntrustedTables {
            id: check.id,
            message: check.message,
        });
    }
    for NewTrack {
        format,
        existing_tracks,
        ..
    } in new
    {
        if let (Some(&index), false) = (existing_tracks.first(), options.replace) {
            return Err(RewriteError::HasTelemetry {
                format: format.name(),
                index,
                track_id: tracks.get(index).map_or(0, |t| t.tkhd.track_id),
            });
        }
    }
    let mut telemetry_tracks: Vec<usize> = new
        .iter()
        .flat_map(|n| n.existing_tracks.iter().copied())
        .collect();
    telemetry_tracks.sort_unstable();
    telemetry_tracks.dedup();
    let telemetry_tracks = &telemetry_tracks;
    let kept: Vec<&Track<'_>> = tracks
        .iter()
        .filter(|t| !telemetry_tracks.contains(&t.index))
        .collect();

    let mvhd = mp4.mvhd()?;
    let max_id = tracks.iter().map(|t| t.tkhd.track_id).max().unwrap_or(0);
    let track_id = if mvhd.next_track_id > max_id && mvhd.next_track_id != u32::MAX {
        mvhd.next_track_id
    } else {
        max_id.saturating_add(1)
    };

    let mut base = EditBox::from_tree(mp4.moov(), mp4.moov().root());
    let spherical = match &options.spherical {
        Some(spherical) => Some(apply_spherical(&mut base, mp4.moov(), &tracks, spherical)?),
        None => None,
    };
    remove_traks(&mut base, telemetry_tracks);
    let track_ids: Vec<u32> = (0..new.len() as u32)
        .map(|i| track_id.saturating_add(i))
        .collect();
    let next_id = track_id.saturating_add(new.len() as u32);
    if !new.is_empty() {
        set_next_track_id(&mut base, mvhd.version, next_id);
    }
    set_user_data(&mut base, &options.user_data);
    shift_times(&mut base, options.time_shift)?;
    // The new track was created with the movie, on the same (corrected) clock.
    let creation_time = match mvhd.times.creation {
        0 => 0,
        stored => stored.saturating_add_signed(options.time_shift),
    };

    let mut boxes: Vec<BoxHeader> = mp4.top_level().to_vec();
    // A trailer is kept, byte for byte and last; a torn staging box is garbage of an
    // interrupted run and left out.
    let trailer = mp4
        .trailing_data()
        .filter(|t| t.kind == TrailingKind::NotBoxes)
        .map(|t| {
            boxes.push(BoxHeader {
                kind: FourCC::new(b"\0\0\0\0"),
                offset: t.offset,
                header_len: 0,
                size: t.len,
                user_type: None,
                size_to_end: false,
            });
            boxes.len() - 1
        });
    let box_count = boxes.len() - usize::from(trailer.is_some());
    let moov_index = mp4
        .top_level()
        .iter()
        .position(|h| h.offset == mp4.moov().root().header.offset)
        .unwrap_or_default();
    // Every new track's samples back to back, copied once into a buffer of the final size.
    let samples = || new.iter().flat_map(|n| &n.track.samples);
    let mut telemetry = Vec::with_capacity(samples().map(Vec::len).sum());
    samples().for_each(|sample| telemetry.extend_from_slice(sample));
    let telemetry_len = telemetry.len() as u64;

    // Name the handler the way the file's own tracks do.
    let name_style = kept
        .first()
        .map_or(NameStyle::CString, |t| t.hdlr.name_style);
    let sizes: Vec<Vec<u32>> = new
        .iter()
        .map(|n| n.track.samples.iter().map(|s| s.len() as u32).collect())
        .collect();
    // The `trak` of each new track, its samples at the offsets given (all tracks' in order).
    let traks = |offsets: &[u64]| -> Vec<Vec<u8>> {
        let mut offsets = offsets;
        new.iter()
            .zip(&sizes)
            .zip(&track_ids)
            .map(|((n, sizes), &track_id)| {
                let (own, rest) = offsets.split_at(sizes.len().min(offsets.len()));
                offsets = rest;
                MetaTrack {
                    track_id,
                    creation_time,
                    movie_timescale: mvhd.timescale,
                    timescale: 1000,
                    start: n.track.start_ms,
                    handler_name: n.handler_name.unwrap_or(n.format.handler_name()),
                    name_style,
                    sample_durations: &n.track.durations_ms,
                    sample_sizes: sizes,
                    chunk_offsets: own,
                }
                .to_bytes_for(n.format)
            })
            .collect()
    };
    let sample_count: usize = sizes.iter().map(Vec::len).sum();

    // The moov's size depends on the offsets (stco or co64) and, when it precedes the media,
    // the offsets depend on its size: lay out until the size stops changing. Sizes only
    // grow, so this ends within a few rounds.
    let mut moov_size = base.encoded_len()
        + traks(&vec![0; sample_count])
            .iter()
            .map(|t| t.len() as u64)
            .sum::<u64>();
    loop {
        let (layout, telemetry_offset) = match options.target {
            Target::Copy(placement) => {
                let mut plan = Plan::new(
                    &boxes[..box_count],
                    moov_index,
                    placement,
                    moov_size,
                    telemetry_len,
                );
                if let Some(index) = trailer {
                    plan.keep_trailing_last(&boxes[index], index);
                }
                let at = plan.telemetry_offset;
                (
                    Layout::Copy {
                        boxes: boxes.clone(),
                        plan,
                    },
                    at,
                )
            }
            Target::InPlace => {
                let at = plan_in_place(
                    &boxes[..box_count],
                    moov_index,
                    mp4.file_len(),
                    moov_size,
                    telemetry_len,
                )?;
                let telemetry_offset = at.telemetry_offset;
                (Layout::InPlace(at), telemetry_offset)
            }
        };
        let mut moov = base.clone();
        let relocate = |start: u64, end: u64| match &layout {
            Layout::Copy { boxes, plan } => plan.relocate(boxes, start, end),
            // Nothing moves, but the old moov and the rewritten headers change meaning: no
            // media may lie in them.
            Layout::InPlace(at) => at.keeps(start, end).then_some(start),
        };
        patch_chunk_offsets(&mut moov, &kept, relocate)?;
        let offsets: Vec<u64> = sizes
            .iter()
            .flatten()
            .scan(telemetry_offset, |pos, &size| {
                let at = *pos;
                *pos += u64::from(size);
                Some(at)
            })
            .collect();
        for trak in traks(&offsets) {
            add_trak(&mut moov, trak);
        }
        let encoded = moov.encoded_len();
        if encoded == moov_size {
            if u32::try_from(encoded).is_err() {
                return Err(RewriteError::MoovTooLarge { size: encoded });
            }
            return Ok(Prepared {
                moov: moov.to_bytes(),
                telemetry,
                layout,
                track_id: if new.is_empty() { 0 } else { track_id },
                track_ids,
                replaced: telemetry_tracks.len(),
                spherical,
            });
        }
        moov_size = encoded;
    }
}

fn in_place_after(trailing: Trailing) -> RewriteError {
    let Trailing { offset, len, kind } = trailing;
    match kind {
        TrailingKind::TornStaging { declared } => RewriteError::InPlaceAfterTornStaging {
            offset,
            len,
            declared,
        },
        // NotBoxes, and any kind the reader learns later: refusing is always safe, since an
        // in-place write must never append after bytes it cannot account for.
        _ => RewriteError::InPlaceAfterTrailingData { offset, len },
    }
}

/// Removes the `trak` boxes whose positions among the traks are in `indexes`.
fn remove_traks(moov: &mut EditBox, indexes: &[usize]) {
    if let Some(children) = moov.children_mut() {
        let mut trak = 0;
        children.retain(|c| {
            if c.kind().as_bytes() != b"trak" {
                return true;
            }
            trak += 1;
            !indexes.contains(&(trak - 1))
        });
    }
}

/// Inserts `trak` right after the last existing one.
fn add_trak(moov: &mut EditBox, trak: Vec<u8>) {
    if let Some(children) = moov.children_mut() {
        let at = children
            .iter()
            .rposition(|c| c.kind().as_bytes() == b"trak")
            .map_or(children.len(), |i| i + 1);
        children.insert(
            at,
            EditBox::Raw {
                kind: FourCC::new(b"trak"),
                bytes: trak,
            },
        );
    }
}

/// Rewrites each kept track's stco/co64 with relocated offsets. Tables whose offsets do not
/// move keep their original bytes; a table only ever widens (stco to co64), never narrows.
fn patch_chunk_offsets(
    moov: &mut EditBox,
    kept: &[&Track<'_>],
    relocate: impl Fn(u64, u64) -> Option<u64>,
) -> Result<(), RewriteError> {
    let Some(children) = moov.children_mut() else {
        return Ok(());
    };
    let traks = children
        .iter_mut()
        .filter(|c| c.kind().as_bytes() == b"trak");
    for (trak, track) in traks.zip(kept) {
        let table: &ChunkOffsets<'_> = &track.sample_table.chunk_offsets;
        let mut moved = false;
        let mut offsets = Vec::with_capacity(table.len() as usize);
        for (chunk, (start, end)) in chunk_extents(track)?.into_iter().enumerate() {
            let new = if start == end {
                relocate_empty(&relocate, start)
            } else {
                relocate(start, end).ok_or_else(|| RewriteError::ChunkOutsideBox {
                    path: table.node.path.clone(),
                    chunk: chunk as u32,
                    start,
                    end,
                })?
            };
            moved |= new != start;
            offsets.push(new);
        }
        if !moved {
            continue;
        }
        let kind = *table.node.kind().as_bytes();
        let Some(stbl) = trak.descend_mut(&[b"mdia", b"minf", b"stbl"]) else {
            continue;
        };
        let wide = table.is_64_bit() || offsets.iter().any(|&o| o > u64::from(u32::MAX));
        if let Some(slot) = stbl
            .children_mut()
            .and_then(|c| c.iter_mut().find(|c| c.kind().as_bytes() == &kind))
        {
            let mut w = BoxWriter::new();
            chunk_offsets(&mut w, &offsets, wide);
            *slot = EditBox::Raw {
                kind: FourCC::new(if wide { b"co64" } else { b"stco" }),
                bytes: w.into_bytes(),
            };
        }
    }
    Ok(())
}

/// The bytes each chunk of `track` holds, as (start, end) file offsets: from its offset to
/// the end of its last sample (end = start for a chunk without bytes).
fn chunk_extents(track: &Track<'_>) -> Result<Vec<(u64, u64)>, Mp4Error> {
    let mut extents: Vec<(u64, u64)> = track
        .sample_table
        .chunk_offsets
        .iter()
        .map(|offset| (offset, offset))
        .collect();
    for sample in track.samples() {
        let sample = sample?;
        if let Some((_, end)) = extents.get_mut(sample.chunk as usize) {
            *end = (*end).max(sample.offset + u64::from(sample.size));
        }
    }
    Ok(extents)
}

/// A chunk without bytes is never read: it moves with the box it starts or ends, when that
/// box is kept, and otherwise keeps its offset.
fn relocate_empty(relocate: &impl Fn(u64, u64) -> Option<u64>, at: u64) -> u64 {
    relocate(at, at.saturating_add(1))
        .or_else(|| {
            let last = at.checked_sub(1)?;
            relocate(last, at).map(|new| new + 1)
        })
        .unwrap_or(at)
}

/// Sets mvhd's next_track_ID (after the 96 or 108 bytes of fields before it).
fn set_next_track_id(moov: &mut EditBox, version: u8, next: u32) {
    if let Some(EditBox::Raw { bytes, .. }) = moov.child_mut(b"mvhd") {
        let Ok(header) = parse_header(bytes, 0, bytes.len() as u64, false) else {
            return;
        };
        let at = header.header_len as usize + if version == 1 { 108 } else { 96 };
        if let Some(slot) = bytes.get_mut(at..at + 4) {
            slot.copy_from_slice(&next.to_be_bytes());
        }
    }
}

/// Replaces or adds `moov/udta` text items. `©`-items (`©mak`, `©mod`) are QuickTime text
/// atoms (16-bit length, 16-bit language code, text), as cameras write them and as ffmpeg and
/// ExifTool read them. Other items (`manu`, `modl`, `FIRM`) are the bare string, as GoPro
/// writes `FIRM`: ExifTool reads them up to the first NUL (a length prefix reads as empty) and
/// ffmpeg, finding no plausible length, reads them whole.
fn set_user_data(moov: &mut EditBox, items: &[([u8; 4], String)]) {
    if items.is_empty() {
        return;
    }
    let Some(children) = moov.children_mut() else {
        return;
    };
    if !children.iter().any(|c| c.kind().as_bytes() == b"udta") {
        children.push(EditBox::Container {
            kind: FourCC::new(b"udta"),
            prefix: Vec::new(),
            children: Vec::new(),
            trailer: Vec::new(),
        });
    }
    let Some(udta) = moov.child_mut(b"udta").and_then(EditBox::children_mut) else {
        return;
    };
    for (kind, text) in items {
        udta.retain(|c| c.kind().as_bytes() != kind);
        let mut w = BoxWriter::new();
        w.boxed(kind, |w| {
            let text = &text.as_bytes()[..text.len().min(u16::MAX as usize)];
            if kind[0] == 0xa9 {
                w.u16(text.len() as u16);
                w.u16(0x55c4); // "und"
            }
            w.bytes(text);
        });
        udta.push(EditBox::Raw {
            kind: FourCC::new(kind),
            bytes: w.into_bytes(),
        });
    }
}
