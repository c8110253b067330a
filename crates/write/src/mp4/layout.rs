//! Where everything goes in a rewritten file: the original top-level boxes in order, the new
//! moov and the new mdat holding the telemetry. The plan is pure arithmetic, so the rewrite
//! can be laid out (and its moov sized) before a single byte is written.

/// An original top-level box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopBox {
    pub kind: [u8; 4],
    pub offset: u64,
    pub size: u64,
}

/// Where the moov goes in the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoovPlacement {
    /// Where it was: at the front if it was before the media, else at the end.
    Keep,
    /// Before the first mdat (`--faststart`), so players can start before the download ends.
    Front,
}

/// One piece of the output, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece {
    /// An original top-level box (index into the input list), copied byte for byte.
    Original(usize),
    NewMoov,
    /// The new mdat with the telemetry samples.
    NewMdat,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub pieces: Vec<Piece>,
    /// Output offset of each original box (`None` for the replaced moov).
    pub new_offsets: Vec<Option<u64>>,
    pub moov_offset: u64,
    pub mdat_offset: u64,
    /// Offset of the first telemetry byte (after the new mdat's header).
    pub telemetry_offset: u64,
    pub total_size: u64,
}

/// Header length of an mdat holding `payload` bytes: 64-bit largesize only when needed.
pub fn mdat_header_len(payload: u64) -> u64 {
    if payload + 8 > u64::from(u32::MAX) {
        16
    } else {
        8
    }
}

impl Plan {
    /// Lays out the output. `moov` indexes the moov in `boxes`; sizes are those of the new
    /// moov and of the telemetry payload.
    pub fn new(
        boxes: &[TopBox],
        moov: usize,
        placement: MoovPlacement,
        moov_size: u64,
        telemetry_size: u64,
    ) -> Plan {
        let first_mdat = boxes.iter().position(|b| &b.kind == b"mdat");
        let front_at = match placement {
            MoovPlacement::Keep if first_mdat.is_none_or(|m| moov < m) => Some(moov),
            MoovPlacement::Keep => None,
            // Right after the leading boxes (ftyp and friends), before any media.
            MoovPlacement::Front => Some(first_mdat.map_or(moov, |m| m.min(moov))),
        };
        let mut pieces = Vec::with_capacity(boxes.len() + 2);
        for i in 0..boxes.len() {
            if front_at == Some(i) {
                pieces.push(Piece::NewMoov);
            }
            if i != moov {
                pieces.push(Piece::Original(i));
            }
        }
        pieces.push(Piece::NewMdat);
        if front_at.is_none() {
            pieces.push(Piece::NewMoov);
        }

        let mut plan = Plan {
            pieces,
            new_offsets: vec![None; boxes.len()],
            moov_offset: 0,
            mdat_offset: 0,
            telemetry_offset: 0,
            total_size: 0,
        };
        let mut pos = 0u64;
        for piece in &plan.pieces {
            match *piece {
                Piece::Original(i) => {
                    plan.new_offsets[i] = Some(pos);
                    pos += boxes[i].size;
                }
                Piece::NewMoov => {
                    plan.moov_offset = pos;
                    pos += moov_size;
                }
                Piece::NewMdat => {
                    plan.mdat_offset = pos;
                    plan.telemetry_offset = pos + mdat_header_len(telemetry_size);
                    pos = plan.telemetry_offset + telemetry_size;
                }
            }
        }
        plan.total_size = pos;
        plan
    }

    /// Appends `boxes[index]`, the input's trailing data (`size` bytes that are no box, such as
    /// an Insta360 trailer), at the very end of the output: readers stop at bytes that are no
    /// box, so nothing new may follow them.
    pub fn keep_trailing_last(&mut self, index: usize, size: u64) {
        self.pieces.push(Piece::Original(index));
        self.new_offsets.resize(index + 1, None);
        self.new_offsets[index] = Some(self.total_size);
        self.total_size += size;
    }

    /// Where the original bytes `start..end` (a chunk of an existing track) land in the
    /// output, or `None` when they are not all inside one kept box: boxes move independently,
    /// so a chunk spanning two could not be moved whole.
    pub fn relocate(&self, boxes: &[TopBox], start: u64, end: u64) -> Option<u64> {
        let i = holding_box(boxes, start, end)?;
        let new = self.new_offsets.get(i).copied().flatten()?;
        Some(new + (start - boxes[i].offset))
    }
}

/// The box (an index into `boxes`, in file order) that holds all of the bytes `start..end`;
/// for an empty range, the box holding byte `start`.
pub fn holding_box(boxes: &[TopBox], start: u64, end: u64) -> Option<usize> {
    let i = boxes
        .partition_point(|b| b.offset <= start)
        .checked_sub(1)?;
    let box_end = boxes.get(i)?.offset.saturating_add(boxes.get(i)?.size);
    (start < box_end && end <= box_end).then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn top(kind: &[u8; 4], offset: u64, size: u64) -> TopBox {
        TopBox {
            kind: *kind,
            offset,
            size,
        }
    }

    #[test]
    fn moov_at_end_stays_at_end_after_the_new_mdat() {
        let boxes = [
            top(b"ftyp", 0, 20),
            top(b"mdat", 20, 1000),
            top(b"moov", 1020, 300),
        ];
        let plan = Plan::new(&boxes, 2, MoovPlacement::Keep, 400, 50);
        assert_eq!(
            plan.pieces,
            [
                Piece::Original(0),
                Piece::Original(1),
                Piece::NewMdat,
                Piece::NewMoov
            ]
        );
        assert_eq!((plan.mdat_offset, plan.telemetry_offset), (1020, 1028));
        assert_eq!(plan.moov_offset, 1078);
        assert_eq!(plan.total_size, 1478);
        assert_eq!(plan.relocate(&boxes, 500, 600), Some(500));
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
            [
                Piece::Original(0),
                Piece::NewMoov,
                Piece::Original(2),
                Piece::NewMdat
            ]
        );
        assert_eq!(plan.relocate(&boxes, 328, 1320), Some(448));
        assert_eq!(plan.telemetry_offset, 20 + 420 + 1000 + 8);
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
                Piece::Original(2),
                Piece::Original(4),
                Piece::NewMdat
            ]
        );
        assert_eq!(plan.relocate(&boxes, 36, 100), Some(436));
        assert_eq!(plan.relocate(&boxes, 1330, 1344), Some(1430));
        assert_eq!(
            plan.relocate(&boxes, 1000, 1040),
            None,
            "across mdat and moov"
        );
    }

    #[test]
    fn a_box_after_a_middle_moov_moves_back() {
        let boxes = [
            top(b"ftyp", 0, 20),
            top(b"mdat", 20, 100),
            top(b"moov", 120, 300),
            top(b"mdat", 420, 100),
        ];
        let plan = Plan::new(&boxes, 2, MoovPlacement::Keep, 400, 10);
        assert_eq!(plan.relocate(&boxes, 430, 520), Some(130));
        assert_eq!(plan.moov_offset, 20 + 100 + 100 + 8 + 10);
    }

    #[test]
    fn huge_telemetry_gets_a_largesize_header() {
        assert_eq!(mdat_header_len(100), 8);
        assert_eq!(mdat_header_len(u64::from(u32::MAX)), 16);
    }
}
