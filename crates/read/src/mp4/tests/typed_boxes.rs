//! Typed box parsers on hand-built boxes: header versions, short boxes, sample descriptions,
//! required boxes.

use crate::mp4::synthetic::*;
use crate::mp4::*;
use crate::FourCC;
use telemux_testkit::{mp4_box, mp4_container, mp4_full_box};

#[test]
fn huge_entry_counts_are_refused_before_allocating() {
    let mut huge_stsz = 0u32.to_be_bytes().to_vec();
    huge_stsz.extend_from_slice(&u32::MAX.to_be_bytes());
    huge_stsz.extend_from_slice(&[0; 8]);
    let file = file_with_tables(
        &[
            stts(&[[2, 10]]),
            stsc(&[[1, 1, 1]]),
            mp4_full_box(b"stsz", 0, 0, &huge_stsz),
            stco(&[28]),
        ],
        2,
    );
    let err = open(&file).unwrap().tracks().next().unwrap().unwrap_err();
    assert_eq!(err.path, "moov/trak[0]/mdia/minf/stbl/stsz");
    assert_eq!(err.offset, box_at(&file, b"stsz") as u64 + 20);
    assert!(matches!(
        err.kind,
        ErrorKind::TableTooLarge {
            count: 0xFFFF_FFFF,
            entry_size: 4,
            available: 8
        }
    ));

    let mut stsd = u32::MAX.to_be_bytes().to_vec();
    stsd.extend(mp4_box(b"gpmd", &[0, 0, 0, 0, 0, 0, 0, 1]));
    let moov = mp4_container(b"moov", &[mp4_full_box(b"stsd", 0, 0, &stsd)]);
    let mp4 = open(&[ftyp(), moov].concat()).unwrap();
    let node = mp4.moov().root().child(b"stsd").unwrap();
    let err = Stsd::parse(mp4.moov(), node).unwrap_err();
    assert!(matches!(
        err.kind,
        ErrorKind::TableTooLarge {
            count: 0xFFFF_FFFF,
            entry_size: 16,
            available: 16
        }
    ));
}

#[test]
fn typed_headers_version_1() {
    let mut mvhd = Vec::new();
    mvhd.extend_from_slice(&0xd9f8_6d1cu64.to_be_bytes());
    mvhd.extend_from_slice(&0xd9f8_6d1du64.to_be_bytes());
    mvhd.extend_from_slice(&90000u32.to_be_bytes());
    mvhd.extend_from_slice(&0x1_0000_0000u64.to_be_bytes());
    mvhd.extend_from_slice(&[0; 76]);
    mvhd.extend_from_slice(&6u32.to_be_bytes());

    let mut tkhd = vec![0; 16];
    tkhd.extend_from_slice(&4u32.to_be_bytes());
    tkhd.extend_from_slice(&[0; 4]);
    tkhd.extend_from_slice(&0x2_0000_0000u64.to_be_bytes());
    tkhd.extend_from_slice(&[0; 52]);
    tkhd.extend_from_slice(&(854u32 << 16 | 0x8000).to_be_bytes());
    tkhd.extend_from_slice(&(480u32 << 16).to_be_bytes());

    let mut mdhd = vec![0; 16];
    mdhd.extend_from_slice(&48000u32.to_be_bytes());
    mdhd.extend_from_slice(&0x3_0000_0000u64.to_be_bytes());
    mdhd.extend_from_slice(&0x15C7u16.to_be_bytes());
    mdhd.extend_from_slice(&[0; 2]);

    let mut elst = 2u32.to_be_bytes().to_vec();
    elst.extend_from_slice(&1000u64.to_be_bytes());
    elst.extend_from_slice(&(-1i64).to_be_bytes());
    elst.extend_from_slice(&[0, 1, 0, 0]);
    elst.extend_from_slice(&5000u64.to_be_bytes());
    elst.extend_from_slice(&2048i64.to_be_bytes());
    elst.extend_from_slice(&[0, 0, 0x80, 0]);

    let moov = mp4_container(
        b"moov",
        &[
            mp4_full_box(b"mvhd", 1, 0, &mvhd),
            mp4_full_box(b"tkhd", 1, 0xF, &tkhd),
            mp4_full_box(b"mdhd", 1, 0, &mdhd),
            mp4_container(b"edts", &[mp4_full_box(b"elst", 1, 0, &elst)]),
        ],
    );
    let mp4 = open(&[ftyp(), moov].concat()).unwrap();
    let moov = mp4.moov();
    let root = moov.root();

    let mvhd = mp4.mvhd().unwrap();
    assert_eq!(
        (
            mvhd.version,
            mvhd.timescale,
            mvhd.duration,
            mvhd.next_track_id
        ),
        (1, 90000, 1 << 32, 6)
    );
    assert_eq!(
        mvhd.times.creation_utc(),
        Some(time::macros::datetime!(2019-11-18 15:45:32 UTC))
    );
    assert_eq!(mvhd.times.modification, 0xd9f8_6d1d);

    let tkhd = Tkhd::parse(moov, root.child(b"tkhd").unwrap()).unwrap();
    assert_eq!(
        (tkhd.flags, tkhd.track_id, tkhd.duration),
        (0xF, 4, 2 << 32)
    );
    assert_eq!((tkhd.width, tkhd.height), (854.5, 480.0));

    let mdhd = Mdhd::parse(moov, root.child(b"mdhd").unwrap()).unwrap();
    assert_eq!(
        (mdhd.timescale, mdhd.duration, mdhd.language),
        (48000, 3 << 32, Language::Iso639(*b"eng"))
    );

    let edits = parse_elst(moov, root.child(b"edts").unwrap().child(b"elst").unwrap()).unwrap();
    assert_eq!(
        edits,
        [
            Edit {
                segment_duration: 1000,
                media_time: -1,
                media_rate: 1.0
            },
            Edit {
                segment_duration: 5000,
                media_time: 2048,
                media_rate: 0.5
            },
        ]
    );
}

#[test]
fn unsupported_versions_and_short_boxes() {
    let moov = mp4_container(
        b"moov",
        &[
            mp4_full_box(b"mvhd", 2, 0, &[0; 96]),
            mp4_full_box(b"tkhd", 0, 0, &[0; 16]),
        ],
    );
    let mp4 = open(&[ftyp(), moov].concat()).unwrap();
    let err = mp4.mvhd().unwrap_err();
    assert_eq!((err.path.as_str(), err.offset), ("moov/mvhd", 36));
    assert!(matches!(
        err.kind,
        ErrorKind::UnsupportedVersion { version: 2 }
    ));
    let err = Tkhd::parse(mp4.moov(), mp4.moov().root().child(b"tkhd").unwrap()).unwrap_err();
    assert_eq!(err.path, "moov/tkhd");
    // version/flags, times 8, track id 4, reserved 4: the duration at +20 is missing.
    assert_eq!(err.offset, 20 + 8 + 108 + 8 + 20);
    assert!(matches!(
        err.kind,
        ErrorKind::FieldTruncated {
            needed: 4,
            available: 0
        }
    ));
}

#[test]
fn sample_descriptions() {
    let mut stsd = 2u32.to_be_bytes().to_vec();
    stsd.extend(mp4_box(b"avc1", &[0, 0, 0, 0, 0, 0, 0, 1, 9, 9]));
    stsd.extend(mp4_box(b"gpmd", &[0, 0, 0, 0, 0, 0, 0, 2]));
    let moov = mp4_container(b"moov", &[mp4_full_box(b"stsd", 0, 0, &stsd)]);
    let mp4 = open(&[ftyp(), moov].concat()).unwrap();
    let parsed = Stsd::parse(mp4.moov(), mp4.moov().root().child(b"stsd").unwrap()).unwrap();
    let got: Vec<(FourCC, u64, u16, usize)> = parsed
        .entries
        .iter()
        .map(|e| (e.kind, e.offset, e.data_reference_index, e.bytes.len()))
        .collect();
    assert_eq!(
        got,
        [
            (FourCC::new(b"avc1"), 44, 1, 18),
            (FourCC::new(b"gpmd"), 62, 2, 16)
        ]
    );
    assert_eq!(
        parsed.entries[0].bytes,
        &mp4_box(b"avc1", &[0, 0, 0, 0, 0, 0, 0, 1, 9, 9])[..]
    );

    let mut short = 1u32.to_be_bytes().to_vec();
    short.extend(mp4_box(b"gpmd", &[0; 4]));
    short.extend([0; 4]);
    let moov = mp4_container(b"moov", &[mp4_full_box(b"stsd", 0, 0, &short)]);
    let mp4 = open(&[ftyp(), moov].concat()).unwrap();
    let err = Stsd::parse(mp4.moov(), mp4.moov().root().child(b"stsd").unwrap()).unwrap_err();
    assert_eq!((err.path.as_str(), err.offset), ("moov/stsd/gpmd", 44));
    assert!(matches!(
        err.kind,
        ErrorKind::SampleEntryTooSmall { size: 12 }
    ));
}

#[test]
fn zero_timescale_and_missing_boxes() {
    let moov = mp4_container(
        b"moov",
        &[mp4_container(
            b"trak",
            &[tkhd(1), mp4_container(b"mdia", &[mdhd(0)])],
        )],
    );
    let file = [ftyp(), moov].concat();
    let err = open(&file).unwrap().tracks().next().unwrap().unwrap_err();
    assert_eq!(err.path, "moov/trak[0]/mdia/mdhd");
    assert!(matches!(err.kind, ErrorKind::ZeroTimescale));

    let moov = mp4_container(
        b"moov",
        &[mp4_container(
            b"trak",
            &[tkhd(1), mp4_container(b"mdia", &[mdhd(1000)])],
        )],
    );
    let file = [ftyp(), moov].concat();
    let err = open(&file).unwrap().tracks().next().unwrap().unwrap_err();
    assert_eq!(err.path, "moov/trak[0]/mdia/hdlr");
    assert!(matches!(err.kind, ErrorKind::Missing));
}
