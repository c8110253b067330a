//! Where everything goes in a rewritten file: the original top-level boxes in order, the new
//! moov, and the telemetry. The plans are pure arithmetic over the reader's box headers (one
//! notion of box extents: a size-0 box runs to the end of the file, as the reader resolved it),
//! so a rewrite can be laid out, and its moov sized, before a single byte is written.
//!
//! One rule holds for every output: the telemetry joins the last existing `mdat` instead of a
//! second one, so no output has two `mdat` before its `moov`. GoPro's own parser
//! (gpmf-parser, `GPMF_mp4reader.c`) stops after the second top-level `mdat`/`moov` it meets, and
//! so never reaches a moov that follows two mdat (docs/interop.md).

use telemux_read::mp4::BoxHeader;
use telemux_read::FourCC;

use super::emit::{box_header, header_len_for};

/// Where the moov goes in the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MoovPlacement {
    /// Where it was among the other boxes.
    Keep,
    /// Before the first mdat (`--faststart`), so players can start before the download ends.
    Front,
}

/// One piece of the output, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece {
    /// An original top-level box (index into the input list), copied byte for byte.
    Original(usize),
    /// An original box under a new header of `header_len` bytes that states its size
    /// explicitly, its body copied after it: the mdat the telemetry joins (`joined`: the
    /// telemetry follows the body), or a box whose size ran to the end of the file.
    Reheaded {
        index: usize,
        header_len: u64,
        size: u64,
        joined: bool,
    },
    NewMoov,
    /// A new mdat with the telemetry, only when the input has none.
    NewMdat,
}

/// How the mdat that takes the telemetry states its grown size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MdatHeader {
    /// The existing header holds the new size.
    Kept,
    /// A 64-bit header over the 8-byte padding box (`wide`, `free`, `skip`) just before the
    /// mdat, as QuickTime and ffmpeg leave room for: the media does not move.
    OverPadding {
        /// The padding box's type.
        kind: FourCC,
        /// Absolute offset of the padding box, where the 16-byte header now starts.
        offset: u64,
    },
    /// The header grew from 8 to 16 bytes: the media after it moves by 8.
    Grown,
}

/// Where the telemetry went, for the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TelemetryHome {
    /// At the end of the existing mdat at this (input) offset.
    Joined {
        /// Input offset of the mdat.
        mdat_offset: u64,
        /// How its header states the grown size.
        header: MdatHeader,
    },
    /// The input has no mdat: a new one.
    NewMdat,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Plan {
    pub pieces: Vec<Piece>,
    /// For each original box, the first of its bytes the output keeps unchanged and where that
    /// byte lands; `None` for a box that is not in the output (the replaced moov, padding
    /// under a 64-bit header).
    kept: Vec<Option<(u64, u64)>>,
    pub moov_offset: u64,
    /// Offset of the first telemetry byte.
    pub telemetry_offset: u64,
    pub total_size: u64,
    pub home: TelemetryHome,
}

fn is(h: &BoxHeader, kind: &[u8; 4]) -> bool {
    h.kind.as_bytes() == kind
}

/// An 8-byte box whose bytes mean nothing: room for a 64-bit size in the header after it.
fn is_padding(h: &BoxHeader) -> bool {
    h.size == 8 && [b"wide", b"free", b"skip"].iter().any(|k| is(h, k))
}

/// Header length when `h` states `size` explicitly: its own compact form (8, or 24 for
/// `uuid`), or the 64-bit form when the size needs it (a header that already had 64 bits
/// keeps them).
fn explicit_header_len(h: &BoxHeader, body_len: u64) -> u64 {
    let compact = if h.user_type.is_some() { 24 } else { 8 };
    if h.header_len > compact || compact + body_len > u64::from(u32::MAX) {
        compact + 8
    } else {
        compact
    }
}

impl Plan {
    /// Lays out the output. `moov` indexes the moov in `boxes`; sizes are those of the new
    /// moov and of the telemetry payload.
    pub fn new(
        boxes: &[BoxHeader],
        moov: usize,
        placement: MoovPlacement,
        moov_size: u64,
        telemetry_size: u64,
    ) -> Plan {
        let first_mdat = boxes.iter().position(|b| is(b, b"mdat"));
        let last_mdat = boxes.iter().rposition(|b| is(b, b"mdat"));
        let moov_at = match placement {
            MoovPlacement::Keep => moov,
            // Right after the leading boxes (ftyp and friends), before any media.
            MoovPlacement::Front => first_mdat.map_or(moov, |m| m.min(moov)),
        };
        let home = match last_mdat {
            None => TelemetryHome::NewMdat,
            Some(m) => {
                let mdat = &boxes[m];
                let wanted = explicit_header_len(mdat, mdat.body_len() + telemetry_size);
                let header = match m.checked_sub(1).map(|p| &boxes[p]) {
                    _ if wanted == mdat.header_len => MdatHeader::Kept,
                    Some(pad) if is_padding(pad) && pad.end() == mdat.offset => {
                        MdatHeader::OverPadding {
                            kind: pad.kind,
                            offset: pad.offset,
                        }
                    }
                    _ => MdatHeader::Grown,
                };
                TelemetryHome::Joined {
                    mdat_offset: mdat.offset,
                    header,
                }
            }
        };
        let under_header = match home {
            TelemetryHome::Joined {
                header: MdatHeader::OverPadding { offset, .. },
                ..
            } => boxes.iter().position(|b| b.offset == offset),
            _ => None,
        };

        let mut pieces = Vec::with_capacity(boxes.len() + 2);
        for (i, b) in boxes.iter().enumerate() {
            if moov_at == i {
                pieces.push(Piece::NewMoov);
            }
            if i == moov || under_header == Some(i) {
                continue;
            }
            let joined = last_mdat == Some(i);
            let extra = if joined { telemetry_size } else { 0 };
            if joined || b.size_to_end {
                let header_len = if under_header.is_some() && joined {
                    16
                } else {
                    explicit_header_len(b, b.body_len() + extra)
                };
                pieces.push(Piece::Reheaded {
                    index: i,
                    header_len,
                    size: header_len + b.body_len() + extra,
                    joined,
                });
            } else {
                pieces.push(Piece::Original(i));
            }
        }
        if last_mdat.is_none() {
            pieces.push(Piece::NewMdat);
        }

        let mut plan = Plan {
            pieces,
            kept: vec![None; boxes.len()],
            moov_offset: 0,
            telemetry_offset: 0,
            total_size: 0,
            home,
        };
        let mut pos = 0u64;
        for piece in &plan.pieces {
            match *piece {
                Piece::Original(i) => {
                    plan.kept[i] = Some((boxes[i].offset, pos));
                    pos += boxes[i].size;
                }
                Piece::Reheaded {
                    index,
                    header_len,
                    size,
                    joined,
                } => {
                    let b = &boxes[index];
                    plan.kept[index] = Some((b.body_offset(), pos + header_len));
                    if joined {
                        plan.telemetry_offset = pos + header_len + b.body_len();
                    }
                    pos += size;
                }
                Piece::NewMoov => {
                    plan.moov_offset = pos;
                    pos += moov_size;
                }
                Piece::NewMdat => {
                    plan.telemetry_offset = pos + header_len_for(telemetry_size);
                    pos = plan.telemetry_offset + telemetry_size;
                }
            }
        }
        plan.total_size = pos;
        plan
    }

    /// Appends `trailer` (`boxes[index]`), the input's trailing data (bytes that are no box, such as
    /// an Insta360 trailer), at the very end of the output: readers stop at bytes that are no
    /// box, so nothing new may follow them.
    pub fn keep_trailing_last(&mut self, trailer: &BoxHeader, index: usize) {
        self.pieces.push(Piece::Original(index));
        self.kept.resize(index + 1, None);
        self.kept[index] = Some((trailer.offset, self.total_size));
        self.total_size += trailer.size;
    }

    /// Where the original bytes `start..end` (a chunk of an existing track) land in the
    /// output, or `None` when they are not all inside the unchanged bytes of one kept box:
    /// boxes move independently, so a chunk spanning two could not be moved whole.
    pub fn relocate(&self, boxes: &[BoxHeader], start: u64, end: u64) -> Option<u64> {
        let i = holding_box(boxes, start, end)?;
        let (from, to) = self.kept.get(i).copied().flatten()?;
        (start >= from).then(|| to + (start - from))
    }
}

/// The box (an index into `boxes`, in file order) that holds all of the bytes `start..end`;
/// for an empty range, the box holding byte `start`.
pub(crate) fn holding_box(boxes: &[BoxHeader], start: u64, end: u64) -> Option<usize> {
    let i = boxes
        .partition_point(|b| b.offset <= start)
        .checked_sub(1)?;
    let box_end = boxes.get(i)?.end();
    (start < box_end && end <= box_end).then_some(i)
}

/// Marks the staging box of an in-place write, so that a run that finds one left by a killed
/// run knows it is telemux's and removes it. Its bytes end up inside the grown mdat.
pub const STAGING_MARK: &[u8; 16] = b"telemux:staging\0";

/// An in-place write into a moov-at-end file `... mdat [boxes] moov [free...]`:
/// 1. a staging `free` box holding `[mark][telemetry][new moov]` is appended at the end: readers
///    skip it, the old moov rules;
/// 2. one small write, the mdat's header, grows the mdat to end exactly where the new moov
///    starts: it swallows the old moov, the boxes after it and the staging box's header (none
///    referenced any more), and the new moov is the file's only one. The media never moves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposure {
    /// The original file length, where the staging box starts.
    pub staging_offset: u64,
    /// 8, or 16 when the staging box needs a 64-bit size.
    pub staging_header_len: u64,
    /// Absolute offset where the telemetry is appended.
    pub telemetry_offset: u64,
    /// Absolute offset of the new moov.
    pub moov_offset: u64,
    /// The mdat that grows (its input extent) and how its header states the size.
    pub mdat_offset: u64,
    /// Input offset one past the mdat's end.
    pub mdat_end: u64,
    /// How the grown mdat's header states its size.
    pub header: MdatHeader,
    /// The exposing write: this header at this offset.
    pub header_at: u64,
    /// Length of the exposing header: 8 or 16 bytes.
    pub header_len: u64,
    /// The mdat's new size, ending where the new moov starts.
    pub mdat_size: u64,
    /// A last box whose size ran to the end of the file gets its explicit size (a 4-byte
    /// write, same meaning) before anything is appended after it: `(offset, size)`.
    pub sized: Option<(u64, u32)>,
    /// The old moov's extent, which becomes mdat bytes no table may point into.
    pub old_moov: (u64, u64),
}

/// Why an in-place write cannot give a layout every reader reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InPlaceRefusal {
    /// No mdat before the moov (moov first, for streaming).
    MoovFirst,
    /// A box after the media that the grown mdat would swallow, and that means something.
    Blocker { kind: FourCC, offset: u64 },
    /// The grown mdat needs a 64-bit size, and no 8-byte padding box before it gives room.
    NoRoomForLargeSize { mdat_offset: u64, size: u64 },
    /// A last box running to the end of the file whose size needs more than 32 bits.
    SizeToEndTooLarge { kind: FourCC, offset: u64 },
}

/// Boxes an mdat may swallow: padding, media data, the old moov, and zero bytes (type
/// `\0\0\0\0`) that some muxers leave at the end.
fn swallowable(h: &BoxHeader, old_moov: &BoxHeader) -> bool {
    h.offset == old_moov.offset
        || [b"free", b"skip", b"wide", b"mdat", &[0; 4]]
            .iter()
            .any(|k| is(h, k))
}

/// Plans an in-place write into the `file_len`-byte file of `boxes`, whose moov is
/// `boxes[moov]`, for a new moov of `moov_size` bytes and `telemetry_size` bytes of telemetry.
pub(crate) fn plan_in_place(
    boxes: &[BoxHeader],
    moov: usize,
    file_len: u64,
    moov_size: u64,
    telemetry_size: u64,
) -> Result<Exposure, InPlaceRefusal> {
    let old_moov = &boxes[moov];
    let m = boxes[..moov]
        .iter()
        .rposition(|b| is(b, b"mdat"))
        .ok_or(InPlaceRefusal::MoovFirst)?;
    if let Some(b) = boxes[m + 1..].iter().find(|b| !swallowable(b, old_moov)) {
        return Err(InPlaceRefusal::Blocker {
            kind: b.kind,
            offset: b.offset,
        });
    }
    let sized = match boxes.last() {
        Some(last) if last.size_to_end => Some((
            last.offset,
            u32::try_from(last.size).map_err(|_| InPlaceRefusal::SizeToEndTooLarge {
                kind: last.kind,
                offset: last.offset,
            })?,
        )),
        _ => None,
    };
    let staged = (STAGING_MARK.len() as u64) + telemetry_size + moov_size;
    let staging_header_len = header_len_for(staged);
    let telemetry_offset = file_len + staging_header_len + STAGING_MARK.len() as u64;
    let moov_offset = telemetry_offset + telemetry_size;

    let mdat = &boxes[m];
    let compact = mdat.header_len == 8 && moov_offset - mdat.offset <= u64::from(u32::MAX);
    let (header, header_at, header_len) = match m.checked_sub(1).map(|p| &boxes[p]) {
        _ if mdat.header_len == 16 || compact => (MdatHeader::Kept, mdat.offset, mdat.header_len),
        Some(pad) if is_padding(pad) && pad.end() == mdat.offset => (
            MdatHeader::OverPadding {
                kind: pad.kind,
                offset: pad.offset,
            },
            pad.offset,
            16,
        ),
        _ => {
            return Err(InPlaceRefusal::NoRoomForLargeSize {
                mdat_offset: mdat.offset,
                size: moov_offset - mdat.offset,
            })
        }
    };
    Ok(Exposure {
        staging_offset: file_len,
        staging_header_len,
        telemetry_offset,
        moov_offset,
        mdat_offset: mdat.offset,
        mdat_end: mdat.end(),
        header,
        header_at,
        header_len,
        mdat_size: moov_offset - header_at,
        sized,
        old_moov: (old_moov.offset, old_moov.end()),
    })
}

impl Exposure {
    /// The bytes the write changes inside the original file, `(offset, bytes)` in the order
    /// they are written: the explicit size of a size-to-end box, then the mdat's header.
    pub fn patches(&self) -> Vec<(u64, Vec<u8>)> {
        let mut patches = Vec::with_capacity(2);
        if let Some((offset, size)) = self.sized {
            patches.push((offset, size.to_be_bytes().to_vec()));
        }
        patches.push((
            self.header_at,
            box_header(b"mdat", self.mdat_size, self.header_len),
        ));
        patches
    }

    /// Whether the original bytes `start..end` stay where they are with the same meaning:
    /// not in the old moov (now mdat filler) nor in a header the write changes.
    pub fn keeps(&self, start: u64, end: u64) -> bool {
        let end = end.max(start.saturating_add(1));
        let overlaps = |(a, b): (u64, u64)| start < b && end > a;
        !overlaps(self.old_moov)
            && !self
                .patches()
                .iter()
                .any(|(at, bytes)| overlaps((*at, at + bytes.len() as u64)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use telemux_testkit::top_box as top;

    fn joined(index: usize, header_len: u64, size: u64) -> Piece {
        Piece::Reheaded {
            index,
            header_len,
            size,
            joined: true,
        }
    }

    #[test]
    fn moov_at_end_stays_at_end_and_the_telemetry_joins_the_mdat() {
        let boxes = [
            top(b"ftyp", 0, 20),
            top(b"mdat", 20, 1000),
            top(b"moov", 1020, 300),
        ];
        let plan = Plan::new(&boxes, 2, MoovPlacement::Keep, 400, 50);
        assert_eq!(
            plan.pieces,
            [Piece::Original(0), joined(1, 8, 1050), Piece::NewMoov]
        );
        assert_eq!(
            plan.home,
            TelemetryHome::Joined {
                mdat_offset: 20,
                header: MdatHeader::Kept
            }
        );
        assert_eq!(plan.telemetry_offset, 1020);
        assert_eq!(plan.moov_offset, 1070);
        assert_eq!(plan.total_size, 1470);
        assert_eq!(plan.relocate(&boxes, 500, 600), Some(500));
        assert_eq!(plan.relocate(&boxes, 20, 30), None, "the mdat's header");
        assert_eq!(
            plan.relocate(&boxes, 1100, 1110),
            None,
            "inside the old moov"
        );
        assert_eq!(
            plan.relocate(&boxes, 1000, 1030),
            None,
            "across mdat and moov"
        );
        assert_eq!(plan.relocate(&boxes, 5000, 5001), None, "past the end");
    }

    #[test]
    fn moov_first_grows_in_place_and_shifts_the_media() {
        let boxes = [
            top(b"ftyp", 0, 20),
            top(b"moov", 20, 300),
            top(b"mdat", 320, 1000),
        ];
        let plan = Plan::new(&boxes, 1, MoovPlacement::Keep, 420, 50);
        assert_eq!(
            plan.pieces,
            [Piece::Original(0), Piece::NewMoov, joined(2, 8, 1050)]
        );
        assert_eq!(plan.relocate(&boxes, 328, 1320), Some(448));
        assert_eq!(plan.telemetry_offset, 20 + 420 + 1000);
        assert_eq!(plan.total_size, 20 + 420 + 1050);
    }

    #[test]
    fn faststart_moves_moov_before_the_first_mdat() {
        let boxes = [
            top(b"ftyp", 0, 20),
            top(b"free", 20, 8),
            top(b"mdat", 28, 1000),
            top(b"moov", 1028, 300),
            top(b"free", 1328, 16),
        ];
        let plan = Plan::new(&boxes, 3, MoovPlacement::Front, 400, 50);
        assert_eq!(
            plan.pieces,
            [
                Piece::Original(0),
                Piece::Original(1),
                Piece::NewMoov,
                joined(2, 8, 1050),
                Piece::Original(4),
            ]
        );
        assert_eq!(plan.relocate(&boxes, 36, 100), Some(436));
        assert_eq!(plan.relocate(&boxes, 1330, 1344), Some(1480));
        assert_eq!(plan.telemetry_offset, 428 + 1000);
        assert_eq!(
            plan.relocate(&boxes, 1000, 1040),
            None,
            "across mdat and moov"
        );
    }

    #[test]
    fn the_last_mdat_takes_the_telemetry() {
        let boxes = [
            top(b"ftyp", 0, 20),
            top(b"mdat", 20, 100),
            top(b"moov", 120, 300),
            top(b"mdat", 420, 100),
        ];
        let plan = Plan::new(&boxes, 2, MoovPlacement::Keep, 400, 10);
        assert_eq!(
            plan.pieces,
            [
                Piece::Original(0),
                Piece::Original(1),
                Piece::NewMoov,
                joined(3, 8, 110)
            ]
        );
        assert_eq!(plan.relocate(&boxes, 430, 520), Some(530));
        assert_eq!(plan.moov_offset, 120);
        assert_eq!(plan.telemetry_offset, 520 + 100);
    }

    #[test]
    fn a_file_without_mdat_gets_one() {
        let boxes = [top(b"ftyp", 0, 20), top(b"moov", 20, 300)];
        let plan = Plan::new(&boxes, 1, MoovPlacement::Keep, 400, 10);
        assert_eq!(
            plan.pieces,
            [Piece::Original(0), Piece::NewMoov, Piece::NewMdat]
        );
        assert_eq!(plan.home, TelemetryHome::NewMdat);
        assert_eq!((plan.telemetry_offset, plan.total_size), (428, 438));
    }

    const BIG: u64 = 0x1_0000_0000;

    #[test]
    fn a_64_bit_size_takes_the_padding_before_the_mdat() {
        let boxes = [
            top(b"ftyp", 0, 20),
            top(b"wide", 20, 8),
            top(b"mdat", 28, BIG - 100),
            top(b"moov", 28 + BIG - 100, 300),
        ];
        let plan = Plan::new(&boxes, 3, MoovPlacement::Keep, 400, 200);
        assert_eq!(
            plan.pieces,
            [Piece::Original(0), joined(2, 16, BIG + 108), Piece::NewMoov]
        );
        assert_eq!(
            plan.home,
            TelemetryHome::Joined {
                mdat_offset: 28,
                header: MdatHeader::OverPadding {
                    kind: FourCC::new(b"wide"),
                    offset: 20
                }
            }
        );
        assert_eq!(plan.relocate(&boxes, 36, 50), Some(36), "media stays");
        assert_eq!(plan.relocate(&boxes, 20, 28), None, "the padding is gone");
        assert_eq!(plan.telemetry_offset, 36 + BIG - 108);
        assert_eq!(plan.total_size, 20 + BIG + 108 + 400);
    }

    #[test]
    fn without_padding_a_64_bit_header_moves_the_media_by_8() {
        let boxes = [
            top(b"ftyp", 0, 20),
            top(b"mdat", 20, BIG - 100),
            top(b"moov", 20 + BIG - 100, 300),
        ];
        let plan = Plan::new(&boxes, 2, MoovPlacement::Keep, 400, 200);
        assert_eq!(plan.pieces[1], joined(1, 16, BIG + 108));
        assert_eq!(
            plan.home,
            TelemetryHome::Joined {
                mdat_offset: 20,
                header: MdatHeader::Grown
            }
        );
        assert_eq!(plan.relocate(&boxes, 28, 50), Some(36));
    }

    #[test]
    fn a_size_to_end_box_gets_its_size() {
        let mut last = top(b"mdat", 320, 1000);
        last.size_to_end = true;
        let boxes = [top(b"ftyp", 0, 20), top(b"moov", 20, 300), last];
        let plan = Plan::new(&boxes, 1, MoovPlacement::Keep, 300, 10);
        assert_eq!(plan.pieces[2], joined(2, 8, 1010));
        let mut padding = top(b"free", 1320, 30);
        padding.size_to_end = true;
        let boxes = [
            boxes[0],
            top(b"mdat", 20, 1000),
            top(b"moov", 1020, 300),
            padding,
        ];
        let plan = Plan::new(&boxes, 2, MoovPlacement::Keep, 300, 10);
        assert_eq!(
            plan.pieces[3],
            Piece::Reheaded {
                index: 3,
                header_len: 8,
                size: 30,
                joined: false
            }
        );
    }

    #[test]
    fn huge_telemetry_gets_a_largesize_header() {
        assert_eq!(header_len_for(100), 8);
        assert_eq!(header_len_for(u64::from(u32::MAX)), 16);
    }

    fn ride() -> [BoxHeader; 5] {
        [
            top(b"ftyp", 0, 32),
            top(b"free", 32, 8),
            top(b"mdat", 40, 1000),
            top(b"moov", 1040, 300),
            top(b"free", 1340, 60),
        ]
    }

    #[test]
    fn in_place_grows_the_mdat_over_the_old_moov() {
        let boxes = ride();
        let at = plan_in_place(&boxes, 3, 1400, 350, 50).unwrap();
        assert_eq!(at.staging_offset, 1400);
        assert_eq!(at.telemetry_offset, 1400 + 8 + 16);
        assert_eq!(at.moov_offset, 1474);
        assert_eq!((at.header_at, at.header_len, at.mdat_size), (40, 8, 1434));
        assert_eq!(at.patches(), [(40, b"\0\0\x05\x9amdat".to_vec())]);
        assert!(at.keeps(48, 1040));
        assert!(!at.keeps(1040, 1041), "the old moov");
        assert!(!at.keeps(44, 48), "the mdat's header");
    }

    #[test]
    fn in_place_uses_the_padding_for_a_64_bit_size() {
        let mut boxes = ride();
        boxes[2].size = BIG;
        boxes[3].offset = 40 + BIG;
        boxes[4].offset = 340 + BIG;
        let at = plan_in_place(&boxes, 3, 400 + BIG, 350, 50).unwrap();
        assert_eq!((at.header_at, at.header_len), (32, 16));
        let size = 400 + BIG + 24 + 50 - 32;
        let mut header = b"\0\0\0\x01mdat".to_vec();
        header.extend_from_slice(&size.to_be_bytes());
        assert_eq!(at.patches(), [(32, header)]);
        boxes[1].kind = FourCC::new(b"uuid");
        assert_eq!(
            plan_in_place(&boxes, 3, 400 + BIG, 350, 50),
            Err(InPlaceRefusal::NoRoomForLargeSize {
                mdat_offset: 40,
                size: 400 + BIG + 24 + 50 - 40
            })
        );
    }

    #[test]
    fn in_place_refuses_to_swallow_a_box_that_means_something() {
        let mut boxes = ride();
        boxes[4].kind = FourCC::new(b"udta");
        assert_eq!(
            plan_in_place(&boxes, 3, 1400, 350, 50),
            Err(InPlaceRefusal::Blocker {
                kind: FourCC::new(b"udta"),
                offset: 1340
            })
        );
        let first = [
            top(b"ftyp", 0, 32),
            top(b"moov", 32, 300),
            top(b"mdat", 332, 10),
        ];
        assert_eq!(
            plan_in_place(&first, 1, 342, 350, 50),
            Err(InPlaceRefusal::MoovFirst)
        );
    }

    #[test]
    fn in_place_states_a_size_to_end_first() {
        let mut boxes = ride();
        boxes[4].kind = FourCC::new(&[0; 4]);
        boxes[4].size_to_end = true;
        let at = plan_in_place(&boxes, 3, 1400, 350, 50).unwrap();
        assert_eq!(at.sized, Some((1340, 60)));
        assert_eq!(at.patches()[0], (1340, 60u32.to_be_bytes().to_vec()));
    }
}
