//! One notion of box extents: the same tricky headers (size 1 + largesize, uuid, size 0, a
//! size below the header, a size past the parent) fed to every path that used to parse
//! headers its own way give the same extents, or the same error at the same offset.

use std::io::Cursor;

use super::super::top_level::scan;
use crate::mp4::synthetic::ftyp;
use crate::mp4::*;
use crate::ttad::{self, TtadError};
use crate::verify::{Damage, Layout};
use crate::FourCC;
use telemux_testkit::{mp4_box, mp4_container};

/// What a path made of the tricky header, with the offset relative to where it was placed.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Extent {
    /// Type, header length, total size (`None`: up to the end of the parent).
    Box(FourCC, u64, Option<u64>),
    TooSmall,
    PastEnd,
    SizeZeroRefused,
}

struct Case {
    name: &'static str,
    bytes: Vec<u8>,
    expected: Extent,
}

fn cases() -> Vec<Case> {
    let largesize = [
        &1u32.to_be_bytes()[..],
        b"larg",
        &24u64.to_be_bytes(),
        &[7; 8],
    ]
    .concat();
    let uuid = [&28u32.to_be_bytes()[..], b"uuid", &[9; 16], b"abcd"].concat();
    let large_uuid = [
        &1u32.to_be_bytes()[..],
        b"uuid",
        &40u64.to_be_bytes(),
        &[9; 16],
        &[0; 8],
    ]
    .concat();
    let to_end = [&0u32.to_be_bytes()[..], b"zero", b"abcd"].concat();
    let tiny = [&4u32.to_be_bytes()[..], b"tiny", b"abcd"].concat();
    let long = [&1000u32.to_be_bytes()[..], b"long", b"abcd"].concat();
    let kind = |k: &[u8; 4]| FourCC::new(k);
    vec![
        Case {
            name: "largesize",
            bytes: largesize,
            expected: Extent::Box(kind(b"larg"), 16, Some(24)),
        },
        Case {
            name: "uuid",
            bytes: uuid,
            expected: Extent::Box(kind(b"uuid"), 24, Some(28)),
        },
        Case {
            name: "largesize uuid",
            bytes: large_uuid,
            expected: Extent::Box(kind(b"uuid"), 32, Some(40)),
        },
        Case {
            name: "size 0",
            bytes: to_end,
            expected: Extent::Box(kind(b"zero"), 8, None),
        },
        Case {
            name: "size 4",
            bytes: tiny,
            expected: Extent::TooSmall,
        },
        Case {
            name: "size past the parent",
            bytes: long,
            expected: Extent::PastEnd,
        },
    ]
}

/// The box after the tricky one; a path that finds it stepped over the tricky box correctly.
fn marker() -> Vec<u8> {
    mp4_box(b"TTAD", b"xyz")
}

fn extent(header: &BoxHeader, at: u64) -> Extent {
    assert_eq!(header.offset, at, "{header:?}");
    let size = (!header.size_to_end).then_some(header.size);
    Extent::Box(header.kind, header.header_len, size)
}

fn error_extent(error: &ErrorKind) -> Extent {
    match error {
        ErrorKind::SizeTooSmall { .. } => Extent::TooSmall,
        ErrorKind::PastParentEnd { .. } => Extent::PastEnd,
        ErrorKind::SizeZeroInside => Extent::SizeZeroRefused,
        other => panic!("unexpected {other:?}"),
    }
}

/// `child_headers`, the walk of vendor boxes (size 0 allowed).
fn through_child_headers(case: &Case) -> Extent {
    let body = [case.bytes.clone(), marker()].concat();
    match child_headers(&body, 1000, true).next().unwrap() {
        Ok((header, _)) => extent(&header, 1000),
        Err(e) => {
            assert_eq!(e.offset, 1000);
            error_extent(&e.error)
        }
    }
}

/// `ttad::find`: moov/udta/TTMD holding the tricky box, then TTAD. It shows only where it
/// found TTAD: `Ok(Some(n))` for TTAD's header `n` bytes into TTMD's body, `Ok(None)` when the
/// tricky box swallowed it, `Err(n)` for a bad box `n` bytes into the body.
fn through_ttad(case: &Case) -> Result<Option<u64>, u64> {
    let ttmd = mp4_container(b"TTMD", &[case.bytes.clone(), marker()]);
    let udta = mp4_container(b"udta", &[ttmd]);
    let file = [ftyp(), mp4_container(b"moov", &[udta])].concat();
    let mp4 = synthetic::open(&file).unwrap();
    let ttmd = mp4.user_data().unwrap().node.child(b"TTMD").unwrap();
    let body = ttmd.header.body_offset();
    match ttad::find(&mp4) {
        Ok(found) => Ok(found.map(|atom| atom.file_offset - 8 - body)),
        Err(TtadError::BadBox { offset, .. }) => Err(offset - body),
        Err(other) => panic!("{other:?}"),
    }
}

/// What `ttad::find` shows of an extent.
fn as_ttad_sees_it(expected: Extent) -> Result<Option<u64>, u64> {
    match expected {
        Extent::Box(_, _, Some(size)) => Ok(Some(size)),
        Extent::Box(_, _, None) => Ok(None),
        _ => Err(0),
    }
}

/// The `moov` tree (size 0 refused inside a container).
fn through_moov_tree(case: &Case) -> Extent {
    let moov = mp4_container(b"moov", &[case.bytes.clone(), marker()]);
    let file = [ftyp(), moov].concat();
    let at = ftyp().len() as u64 + 8;
    match synthetic::open(&file) {
        Ok(mp4) => {
            let children = mp4.moov().root().children();
            assert_eq!(children.last().unwrap().kind(), FourCC::new(b"TTAD"));
            extent(&children[0].header, at)
        }
        Err(e) => {
            assert_eq!(e.offset, at, "{}", case.name);
            error_extent(&e.kind)
        }
    }
}

/// The top-level walk of `Mp4::open` (size 0 allowed) and `verify`'s tolerant one, on
/// ftyp, the tricky box, then a moov.
fn through_top_levels(case: &Case) -> (Extent, Extent) {
    let file = [ftyp(), case.bytes.clone(), mp4_box(b"moov", b"")].concat();
    let at = ftyp().len() as u64;
    let len = file.len() as u64;
    let strict = match scan(&mut Cursor::new(&file), len) {
        Ok(top) => extent(&top.boxes[1], at),
        Err(e) => {
            assert_eq!(e.offset, at, "{}", case.name);
            error_extent(&e.kind)
        }
    };
    let layout = Layout::walk(&mut Cursor::new(&file), len).unwrap();
    let tolerant = match layout.damage.first() {
        None => extent(&layout.boxes[1], at),
        Some(Damage::TooSmall { offset, .. }) if *offset == at => Extent::TooSmall,
        Some(Damage::PastEnd { offset, .. }) if *offset == at => Extent::PastEnd,
        Some(other) => panic!("{other:?}"),
    };
    (strict, tolerant)
}

#[test]
fn every_former_twin_reads_the_same_extent_from_the_same_header() {
    for case in cases() {
        let name = case.name;
        assert_eq!(
            through_child_headers(&case),
            case.expected,
            "{name}: child_headers"
        );
        assert_eq!(
            through_ttad(&case),
            as_ttad_sees_it(case.expected),
            "{name}: ttad::find"
        );
        let (strict, tolerant) = through_top_levels(&case);
        assert_eq!(strict, case.expected, "{name}: Mp4::open top level");
        assert_eq!(tolerant, case.expected, "{name}: verify::Layout::walk");
        // Inside moov, size 0 is refused (ISO 14496-12 allows it only for the last top-level
        // box); every other header means the same there.
        let inside = match case.expected {
            Extent::Box(_, _, None) => Extent::SizeZeroRefused,
            other => other,
        };
        assert_eq!(through_moov_tree(&case), inside, "{name}: moov tree");
        // Rexing's frea: the version atom after the tricky box is found exactly when the
        // tricky box has an extent that ends before it.
        let frea = [
            case.bytes.clone(),
            [&16u32.to_be_bytes()[..], b"ver 3.01.054"].concat(),
        ]
        .concat();
        let reachable = matches!(case.expected, Extent::Box(_, _, Some(_)));
        assert_eq!(
            crate::novatek::has_rexing_v1_version(&frea),
            reachable,
            "{name}: frea"
        );
    }
}
