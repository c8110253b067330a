//! `reader_reach`: whether the top-level layout lets GoPro's own MP4 reader (gpmf-parser,
//! `demo/GPMF_mp4reader.c`, also behind PyPI's py-gpmf-parser and tools built on it) reach the
//! moov. ffmpeg and ExifTool read every layout telemux accepts; that reader is stricter, and
//! this check replays its walk of the top level (see docs/interop.md):
//! - it stops after the end of the second top-level `mdat` or `moov` it meets, so a moov after
//!   two mdat is never read;
//! - it refuses the whole file at a box whose size runs past the end of the file, at a size-0
//!   box ("to the end of the file": its size arithmetic underflows), at a type that is not
//!   four letters, digits or spaces (`©` allowed first), when the first box is not `ftyp`,
//!   and when the file is shorter than 64 bytes; it walks on after the moov until the second
//!   mdat/moov ends, so such a box there stops it too.

use crate::fourcc::FourCC;
use crate::mp4::BoxHeader;

use super::layout::{Damage, Layout};
use super::report::{Check, Section, Status};

const ID: &str = "reader_reach";

/// What GoPro's reader does with the file: reads the moov in use, or stops before it (the
/// byte where it stops, and why). It walks on after the moov until the second mdat/moov ends,
/// so a bad box there stops it too.
fn walk(layout: &Layout, moov: &BoxHeader) -> Result<(), (u64, String)> {
    if layout.file_len < 64 {
        return Err((
            0,
            format!("the file has {} bytes, under 64", layout.file_len),
        ));
    }
    let mut media_or_moov = 0;
    let mut second = None;
    for (i, b) in layout.boxes.iter().enumerate() {
        let at = b.offset;
        let kind = b.kind;
        if i == 0 && kind.as_bytes() != b"ftyp" {
            return Err((at, format!("the file starts with {kind}, not ftyp")));
        }
        if !plain(kind) {
            let why = format!("the box type {kind} at byte {at} is not letters, digits, spaces");
            return Err((at, why));
        }
        if b.size_to_end {
            let why = format!("{kind} at byte {at} has size 0 (to the end of the file)");
            return Err((at, why));
        }
        let cut = layout
            .damage
            .iter()
            .any(|d| matches!(d, Damage::PastEnd { offset, .. } if *offset == at));
        if cut {
            return Err((
                at,
                format!("{kind} at byte {at} runs past the end of the file"),
            ));
        }
        if [b"mdat", b"moov"].contains(&kind.as_bytes()) {
            media_or_moov += 1;
            if media_or_moov == 2 {
                second = Some(b);
                break;
            }
        }
    }
    match second {
        Some(b) if b.offset < moov.offset => Err((
            b.end(),
            format!(
                "it stops after the second mdat/moov (the {} at byte {}), before the moov at \
                 byte {}",
                b.kind, b.offset, moov.offset
            ),
        )),
        _ => Ok(()),
    }
}

/// Letters, digits and spaces; `©` as the first byte (`GPMF_VALID_FOURCC` plus the reader's
/// exception for `©xyz`).
fn plain(kind: FourCC) -> bool {
    kind.as_bytes()
        .iter()
        .enumerate()
        .all(|(i, &b)| b.is_ascii_alphanumeric() || b == b' ' || (i == 0 && b == 0xA9))
}

/// PASS when GoPro's reader reaches the moov in use (value: its offset); WARN naming where and
/// why it stops (value: that byte).
pub fn check(layout: &Layout, moov: &BoxHeader) -> Check {
    match walk(layout, moov) {
        Ok(()) => Check::new(
            ID,
            Section::Container,
            Status::Pass,
            format!(
                "GoPro's gpmf-parser reaches the moov at byte {}",
                moov.offset
            ),
        )
        .with_value(moov.offset),
        Err((at, why)) => Check::new(
            ID,
            Section::Container,
            Status::Warn,
            format!("GoPro's gpmf-parser cannot read this file: {why}"),
        )
        .with_value(at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A top-level box with an 8-byte header. Not `telemux_testkit::top_box`: inside this
    /// crate's own tests the testkit's `BoxHeader` is another compilation's type.
    fn top(kind: &[u8; 4], offset: u64, size: u64) -> BoxHeader {
        BoxHeader {
            kind: crate::FourCC::new(kind),
            offset,
            header_len: 8,
            size,
            user_type: None,
            size_to_end: false,
        }
    }

    fn layout(boxes: Vec<BoxHeader>) -> Layout {
        Layout {
            file_len: boxes.last().map_or(0, BoxHeader::end),
            boxes,
            damage: Vec::new(),
            trailing: None,
        }
    }

    fn verdict(layout: &Layout, moov: usize) -> (Status, String, Option<u64>) {
        let check = check(layout, &layout.boxes[moov]);
        let value = match check.value {
            Some(crate::verify::Value::Integer(v)) => Some(v as u64),
            _ => None,
        };
        (check.status, check.message, value)
    }

    #[test]
    fn one_mdat_before_the_moov_is_reached() {
        let l = layout(vec![
            top(b"ftyp", 0, 32),
            top(b"mdat", 32, 100),
            top(b"moov", 132, 300),
        ]);
        assert_eq!(
            verdict(&l, 2),
            (
                Status::Pass,
                "GoPro's gpmf-parser reaches the moov at byte 132".into(),
                Some(132)
            )
        );
        let first = layout(vec![
            top(b"ftyp", 0, 32),
            top(b"moov", 32, 300),
            top(b"mdat", 332, 100),
        ]);
        assert_eq!(verdict(&first, 1).0, Status::Pass);
    }

    #[test]
    fn two_mdat_before_the_moov_stop_it() {
        let l = layout(vec![
            top(b"ftyp", 0, 32),
            top(b"mdat", 32, 100),
            top(b"mdat", 132, 50),
            top(b"moov", 182, 300),
        ]);
        assert_eq!(
            verdict(&l, 3),
            (
                Status::Warn,
                "GoPro's gpmf-parser cannot read this file: it stops after the second mdat/moov \
                 (the mdat at byte 132), before the moov at byte 182"
                    .into(),
                Some(182)
            )
        );
    }

    #[test]
    fn sizes_and_types_it_refuses() {
        let mut to_end = top(b"mdat", 332, 100);
        to_end.size_to_end = true;
        let l = layout(vec![
            top(b"ftyp", 0, 32),
            top(b"free", 32, 300),
            to_end,
            top(b"moov", 432, 300),
        ]);
        assert!(verdict(&l, 3)
            .1
            .ends_with("mdat at byte 332 has size 0 (to the end of the file)"));
        let l = layout(vec![
            top(b"ftyp", 0, 32),
            top(&[0; 4], 32, 300),
            top(b"moov", 332, 300),
        ]);
        assert!(verdict(&l, 2).1.ends_with(
            "the box type \\x00\\x00\\x00\\x00 at byte 32 is not letters, digits, spaces"
        ));
        let l = layout(vec![top(b"free", 0, 32), top(b"moov", 32, 300)]);
        assert_eq!(verdict(&l, 1).2, Some(0));
        let mut cut = layout(vec![
            top(b"ftyp", 0, 32),
            top(b"mdat", 32, 100),
            top(b"moov", 132, 300),
        ]);
        cut.damage.push(Damage::PastEnd {
            kind: FourCC::new(b"mdat"),
            offset: 32,
            size: 1000,
            file_len: 432,
        });
        assert!(verdict(&cut, 2)
            .1
            .ends_with("mdat at byte 32 runs past the end of the file"));
        let tiny = layout(vec![top(b"ftyp", 0, 20), top(b"moov", 20, 40)]);
        assert!(verdict(&tiny, 1)
            .1
            .ends_with("the file has 60 bytes, under 64"));
    }
}
