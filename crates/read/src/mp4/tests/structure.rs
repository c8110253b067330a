//! Top-level walk and `moov` tree on hand-built files: header forms, limits, malformed
//! nesting, `meta` and `udta` variants.

use crate::mp4::synthetic::*;
use crate::mp4::*;
use telemux_testkit::{mp4_box, mp4_container, mp4_full_box};

#[test]
fn top_level_largesize_uuid_and_size_zero() {
    let mut file = ftyp();
    file.extend(mp4_container(b"moov", &[mvhd(600, 1)]));
    file.extend(large_box(b"free", b"abc"));
    let mut uuid = b"\0\0\0\x1auuid".to_vec();
    uuid.extend_from_slice(&[0x42; 16]);
    uuid.extend_from_slice(b"hi");
    file.extend(&uuid);
    let mdat_at = file.len() as u64;
    file.extend(b"\0\0\0\0mdat");
    file.extend(vec![1; 1000]);

    let mp4 = open(&file).unwrap();
    let summary: Vec<(String, u64, u64, u64)> = mp4
        .top_level()
        .iter()
        .map(|h| (h.kind.to_string(), h.offset, h.header_len, h.size))
        .collect();
    assert_eq!(
        summary,
        [
            ("ftyp".to_string(), 0, 8, 20),
            ("moov".to_string(), 20, 8, 116),
            ("free".to_string(), 136, 16, 19),
            ("uuid".to_string(), 155, 24, 26),
            ("mdat".to_string(), mdat_at, 8, 1008),
        ]
    );
    assert_eq!(mp4.top_level()[3].user_type, Some([0x42; 16]));
    assert!(mp4.top_level()[4].size_to_end);
    assert!(!mp4.top_level()[2].size_to_end);
    assert_eq!(mp4.file_len(), mdat_at + 1008);
    assert_eq!(mp4.mvhd().unwrap().timescale, 600);
}

#[test]
fn largesize_boxes_inside_moov() {
    let udta = mp4_container(
        b"udta",
        &[large_box(b"FIRM", b"HD5.02"), mp4_box(b"LENS", b"x")],
    );
    let mut file = ftyp();
    file.extend(large_box(b"moov", &[mvhd(1000, 1), udta].concat()));
    let mp4 = open(&file).unwrap();
    let root = mp4.moov().root();
    assert_eq!(
        (root.header.header_len, root.header.size),
        (16, 16 + 108 + 8 + 22 + 9)
    );
    let user_data = mp4.user_data().unwrap();
    let items: Vec<(String, u64, &[u8])> = user_data
        .items()
        .map(|(node, payload)| (node.path.clone(), node.header.header_len, payload))
        .collect();
    assert_eq!(
        items,
        [
            ("moov/udta/FIRM".to_string(), 16, &b"HD5.02"[..]),
            ("moov/udta/LENS".to_string(), 8, &b"x"[..]),
        ]
    );
    assert_eq!(user_data.get(b"LENS"), Some(&b"x"[..]));
    assert_eq!(mp4.moov().bytes(), &file[20..]);
}

#[test]
fn truncated_moov_is_an_error_at_its_offset() {
    let mut file = ftyp();
    let moov = mp4_container(b"moov", &[mvhd(1000, 1)]);
    file.extend(&moov[..moov.len() - 10]);
    let err = open(&file).unwrap_err();
    assert_eq!((err.path.as_str(), err.offset), ("moov", 20));
    assert!(matches!(
        err.kind,
        ErrorKind::PastParentEnd {
            size: 116,
            available: 106
        }
    ));
    assert_eq!(
        err.to_string(),
        "moov at byte 20: declared size 116 runs past the end of its parent (106 bytes left)"
    );
}

#[test]
fn box_running_past_its_parent_names_its_path() {
    let mut file = file_with_tables(
        &[
            stts(&[[2, 10]]),
            stsc(&[[1, 2, 1]]),
            stsz(&[3, 4]),
            stco(&[28]),
        ],
        7,
    );
    let at = box_at(&file, b"stsz");
    file[at + 3] += 40;
    let err = open(&file).unwrap_err();
    assert_eq!(err.path, "moov/trak[0]/mdia/minf/stbl/stsz");
    assert_eq!(err.offset, at as u64);
    assert!(matches!(err.kind, ErrorKind::PastParentEnd { .. }));
}

/// A file with a `moov`, then `tail`: what the walk makes of bytes after it.
fn after_moov(tail: &[u8]) -> (Vec<u8>, u64) {
    let mut file = ftyp();
    file.extend(mp4_container(b"moov", &[mvhd(1000, 1)]));
    let at = file.len() as u64;
    file.extend(tail);
    (file, at)
}

fn trailing_of(tail: &[u8]) -> (Option<Trailing>, u64, Vec<String>) {
    let (file, at) = after_moov(tail);
    let mp4 = open(&file).unwrap();
    let kinds = mp4.top_level().iter().map(|h| h.kind.to_string()).collect();
    (mp4.trailing_data(), at, kinds)
}

#[test]
fn bytes_after_moov_that_are_no_box_are_trailing_data() {
    // Too short for a header, zero padding (type 0000, size 0), a non-printable type with a
    // size past the end (how an Insta360 trailer starts), a size below the header.
    let tails: [&[u8]; 4] = [
        b"\x01\x02\x03",
        &[0; 8],
        b"\x80\x22\x80\x06\x0a\x10\x08\x01rest of the trailer",
        b"\0\0\0\x04free0123",
    ];
    for tail in tails {
        let (trailing, at, kinds) = trailing_of(tail);
        assert_eq!(kinds, ["ftyp", "moov"], "{tail:?}");
        assert_eq!(
            trailing,
            Some(Trailing {
                offset: at,
                len: tail.len() as u64,
                kind: TrailingKind::NotBoxes
            }),
            "{tail:?}"
        );
    }
}

#[test]
fn a_free_box_cut_short_after_moov_is_a_torn_staging_box() {
    let (trailing, at, kinds) = trailing_of(b"\0\0\x10\0freeGPMF");
    assert_eq!(kinds, ["ftyp", "moov"]);
    assert_eq!(
        trailing,
        Some(Trailing {
            offset: at,
            len: 12,
            kind: TrailingKind::TornStaging { declared: 4096 }
        })
    );
}

#[test]
fn boxes_after_moov_are_boxes_and_end_the_file_exactly() {
    let (trailing, _, kinds) = trailing_of(&mp4_box(b"mdat", b"media"));
    assert_eq!(kinds, ["ftyp", "moov", "mdat"]);
    assert_eq!(trailing, None);
    // A size-0 box with a printable type is a legal box to the end of the file.
    let (trailing, _, kinds) = trailing_of(b"\0\0\0\0freeanything");
    assert_eq!((kinds.len(), trailing), (3, None));
}

#[test]
fn an_mdat_cut_before_any_moov_is_an_unfinalised_recording() {
    // A camera that lost power: ftyp, then an mdat whose size the camera wrote up front.
    let mut file = ftyp();
    file.extend(b"\0\0\x10\0mdat");
    file.extend([7u8; 100]);
    let err = open(&file).unwrap_err();
    assert_eq!((err.path.as_str(), err.offset), ("mdat", 20));
    assert!(matches!(
        err.kind,
        ErrorKind::Unfinalised {
            size: 4096,
            available: 108
        }
    ));
    assert_eq!(
        err.to_string(),
        "mdat at byte 20: the recording was not finalised (no moov; the camera lost power or \
         the card was pulled?): the mdat declares 4096 bytes, the file ends 108 bytes into it"
    );
}

#[test]
fn a_truncated_box_after_moov_is_still_an_error() {
    // A printable type that is not a staging box, cut short: a truncated file, not a trailer.
    let (file, at) = after_moov(b"\0\0\x10\0mdatmedia");
    let err = open(&file).unwrap_err();
    assert_eq!((err.path.as_str(), err.offset), ("mdat", at));
    assert!(matches!(
        err.kind,
        ErrorKind::PastParentEnd {
            size: 4096,
            available: 13
        }
    ));
}

#[test]
fn bytes_that_are_no_box_before_any_moov_are_an_error() {
    let mut file = ftyp();
    file.extend(b"\x01\x02\x03");
    file.extend(mp4_container(b"moov", &[mvhd(1000, 1)]));
    let err = open(&file).unwrap_err();
    assert_eq!(err.offset, 20);
    assert!(matches!(
        err.kind,
        ErrorKind::PastParentEnd {
            size: 0x0102_0300,
            ..
        }
    ));
}

#[test]
fn millions_of_empty_top_level_boxes_are_refused() {
    let file = mp4_box(b"free", b"").repeat(MAX_TOP_LEVEL_BOXES + 1);
    let err = open(&file).unwrap_err();
    assert_eq!((err.path.as_str(), err.offset), ("file", 8 << 20));
    assert!(matches!(
        err.kind,
        ErrorKind::TooManyBoxes { max: 1_048_576 }
    ));
}

#[test]
fn missing_moov_and_the_first_of_two() {
    // Issue 16: the offset is where the boxes end (it was 0), and the text says why.
    let err = open(&ftyp()).unwrap_err();
    assert_eq!((err.path.as_str(), err.offset), ("moov", 20));
    assert!(matches!(err.kind, ErrorKind::NoMoov));
    assert!(err.to_string().starts_with(
        "moov at byte 20: no moov box up to the end of the boxes: the recording was not \
         finalised"
    ));

    // Two moovs (an interrupted in-place write): the first rules, as in ffmpeg.
    let first = mp4_container(b"moov", &[mvhd(1000, 1)]);
    let second = mp4_container(b"moov", &[mvhd(600, 1)]);
    let mp4 = open(&[ftyp(), first, second].concat()).unwrap();
    assert_eq!(mp4.moov().root().header.offset, 20);
    assert_eq!(mp4.mvhd().unwrap().timescale, 1000);
}

#[test]
fn depth_bomb_is_refused() {
    let mut nested = mp4_box(b"free", b"");
    for _ in 0..10_000 {
        nested = mp4_container(b"udta", &[nested]);
    }
    let file = [ftyp(), mp4_container(b"moov", &[nested])].concat();
    let err = open(&file).unwrap_err();
    assert!(matches!(err.kind, ErrorKind::TooDeep { max: 16 }));
    assert_eq!(err.path, format!("moov{}", "/udta".repeat(16)));
    assert_eq!(err.offset, 20 + 8 * 16);
}

#[test]
fn iso_and_quicktime_meta() {
    let hdlr = hdlr(b"mdir", b"\0");
    let iso = mp4_full_box(
        b"meta",
        0,
        0,
        &[hdlr.clone(), mp4_box(b"ilst", b"")].concat(),
    );
    let quicktime = mp4_container(b"meta", &[hdlr, mp4_box(b"keys", b"")]);
    let moov = mp4_container(b"moov", &[mp4_container(b"udta", &[iso]), quicktime]);
    let mp4 = open(&[ftyp(), moov].concat()).unwrap();
    let root = mp4.moov().root();
    let shape = |node: &BoxNode| match &node.content {
        Content::Container {
            prefix_len,
            children,
            ..
        } => (
            *prefix_len,
            children
                .iter()
                .map(|c| c.kind().to_string())
                .collect::<Vec<_>>(),
        ),
        Content::Leaf => panic!("{} should be a container", node.path),
    };
    let iso = root.child(b"udta").unwrap().child(b"meta").unwrap();
    assert_eq!(
        shape(iso),
        (4, vec!["hdlr".to_string(), "ilst".to_string()])
    );
    assert_eq!(iso.children()[0].header.offset, 20 + 8 + 8 + 8 + 4);
    let quicktime = root.child(b"meta").unwrap();
    assert_eq!(
        shape(quicktime),
        (0, vec!["hdlr".to_string(), "keys".to_string()])
    );
}

#[test]
fn quicktime_udta_terminator_and_sibling_indexes() {
    let udta = mp4_box(
        b"udta",
        &[
            mp4_box(b"free", b"a"),
            mp4_box(b"\xa9xyz", b"+1+2/"),
            mp4_box(b"free", b"b"),
            vec![0; 4],
        ]
        .concat(),
    );
    let moov = mp4_container(b"moov", &[udta, mp4_container(b"trak", &[])]);
    let mp4 = open(&[ftyp(), moov].concat()).unwrap();
    let udta = mp4.moov().root().child(b"udta").unwrap();
    let paths: Vec<&str> = udta.children().iter().map(|c| c.path.as_str()).collect();
    assert_eq!(
        paths,
        ["moov/udta/free[0]", "moov/udta/©xyz", "moov/udta/free[1]"]
    );
    assert!(matches!(
        udta.content,
        Content::Container { trailer_len: 4, .. }
    ));
    assert_eq!(
        mp4.user_data().unwrap().get(b"\xa9xyz"),
        Some(&b"+1+2/"[..])
    );
    assert_eq!(mp4.moov().root().children()[1].path, "moov/trak[0]");
    // The lone trak without tkhd is reported, not skipped.
    let err = mp4.tracks().next().unwrap().unwrap_err();
    assert_eq!(
        (err.path.as_str(), err.offset),
        ("moov/trak[0]/tkhd", 20 + 8 + 43)
    );
}

#[test]
fn non_zero_junk_inside_a_container_is_an_error() {
    let udta = mp4_box(
        b"udta",
        &[mp4_box(b"free", b"a"), vec![0, 0, 0, 0, 1]].concat(),
    );
    let file = [ftyp(), mp4_container(b"moov", &[udta])].concat();
    let err = open(&file).unwrap_err();
    assert_eq!(
        (err.path.as_str(), err.offset),
        ("moov/udta", 20 + 8 + 8 + 9)
    );
    assert!(matches!(
        err.kind,
        ErrorKind::SizeZeroInside | ErrorKind::HeaderTruncated { .. }
    ));
}
