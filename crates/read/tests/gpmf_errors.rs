//! Every kind of broken payload gets its own error, naming the KLV path and byte offset.

use telemux_read::gpmf::{self, Entry, ErrorKind, TypeStringError, MAX_DEPTH};
use telemux_testkit::{gpmf_klv as klv, gpmf_nest as nest};

/// A small well-formed device: DVID, DVNM and one GPS5 stream with one sample.
fn device() -> Vec<u8> {
    nest(
        b"DEVC",
        &[
            klv(b"DVID", b'L', 4, 1, &[0, 0, 0, 1]),
            klv(b"DVNM", b'c', 1, 6, b"Camera"),
            nest(
                b"STRM",
                &[
                    klv(b"SCAL", b'l', 4, 5, &[[0, 0x98, 0x96, 0x80]; 5].concat()),
                    klv(b"GPS5", b'l', 20, 1, &[0x11; 20]),
                ],
            ),
        ],
    )
}

fn kind(payload: &[u8]) -> (String, usize, ErrorKind) {
    let err = gpmf::validate(payload).unwrap_err();
    // The tree reader stops at the same structural errors; property rules are validation's.
    if !matches!(
        err.kind,
        ErrorKind::ScaleArity { .. }
            | ErrorKind::TypeSizeMismatch { .. }
            | ErrorKind::BadTypeString(_)
            | ErrorKind::ZeroScale
            | ErrorKind::BadProperty { .. }
    ) {
        assert_eq!(gpmf::read_tree(payload).unwrap_err(), err);
    }
    (err.path, err.offset, err.kind)
}

#[test]
fn a_well_formed_device_validates() {
    let bytes = device();
    gpmf::validate(&bytes).unwrap();
    assert_eq!(bytes.len(), 8 + 12 + 16 + 8 + 28 + 28);
}

#[test]
fn a_cut_file_is_truncated_at_the_klv_that_runs_past_the_end() {
    let bytes = device();
    let (path, offset, kind) = self::kind(&bytes[..50]);
    assert_eq!((path.as_str(), offset), ("DEVC[0]", 0));
    assert_eq!(
        kind,
        ErrorKind::Truncated {
            needed: 100,
            available: 50
        }
    );
    // A second payload cut inside its header.
    let two = [bytes.clone(), bytes[..5].to_vec()].concat();
    assert_eq!(
        self::kind(&two),
        (
            "payload".to_owned(),
            100,
            ErrorKind::Truncated {
                needed: 8,
                available: 5
            }
        )
    );
}

#[test]
fn a_nest_larger_than_its_parent_is_a_size_overflow() {
    let mut bytes = device();
    // STRM at 36 claims 60 bytes instead of 56.
    assert_eq!(&bytes[36..40], b"STRM");
    bytes[43] = 60;
    assert_eq!(
        kind(&bytes),
        (
            "DEVC[0]/STRM[0]".to_owned(),
            36,
            ErrorKind::SizeOverflow {
                needed: 68,
                room: 64
            }
        )
    );
}

#[test]
fn data_whose_struct_size_times_repeat_overflows_is_a_repeat_overflow() {
    let mut bytes = device();
    // GPS5 at 72 claims 65535 samples.
    assert_eq!(&bytes[72..76], b"GPS5");
    bytes[78..80].copy_from_slice(&[0xff, 0xff]);
    assert_eq!(
        kind(&bytes),
        (
            "DEVC[0]/STRM[0]/GPS5".to_owned(),
            72,
            ErrorKind::RepeatOverflow {
                struct_size: 20,
                repeat: 65535,
                needed: 8 + 20 * 65535,
                room: 28
            }
        )
    );
}

/// A DEVC with `levels - 1` nests inside it, the innermost holding one byte.
fn nested(levels: usize) -> Vec<u8> {
    let inner = (1..levels).fold(klv(b"LEAF", b'B', 1, 1, &[7]), |inner, _| {
        nest(b"NEST", &[inner])
    });
    nest(b"DEVC", &[inner])
}

#[test]
fn nesting_deeper_than_the_limit_is_a_depth_bomb() {
    assert_eq!(MAX_DEPTH, 16);
    gpmf::validate(&nested(16)).unwrap();
    let (path, offset, kind) = self::kind(&nested(17));
    assert_eq!(kind, ErrorKind::DepthBomb { limit: 16 });
    // Reported at the 17th nest, the one whose children would be too deep.
    assert_eq!(offset, 16 * 8);
    assert_eq!(path, format!("DEVC[0]/{}", vec!["NEST[0]"; 16].join("/")));
}

#[test]
fn unknown_types_keys_and_sizes_are_rejected() {
    let in_devc = |child: Vec<u8>| nest(b"DEVC", &[child]);
    let at = |bytes: Vec<u8>| kind(&bytes);
    assert_eq!(
        at(in_devc(klv(b"ABCD", b'x', 1, 1, &[0]))),
        ("DEVC[0]/ABCD".to_owned(), 8, ErrorKind::BadType(b'x'))
    );
    // GoPro's compressed type is not in the spec this codec implements.
    assert_eq!(
        at(in_devc(klv(b"ABCD", b'#', 1, 1, &[0]))).2,
        ErrorKind::BadType(b'#')
    );
    assert_eq!(
        at(in_devc(klv(b"AB\x01D", b'B', 1, 1, &[0]))).2,
        ErrorKind::BadKey(telemux_read::FourCC::new(b"AB\x01D"))
    );
    assert_eq!(
        at(in_devc(klv(b"ACCL", b'l', 6, 1, &[0; 6]))).2,
        ErrorKind::BadStructSize {
            type_char: b'l',
            struct_size: 6
        }
    );
    assert_eq!(
        at(in_devc(klv(b"ACCL", b's', 0, 3, &[]))).2,
        ErrorKind::BadStructSize {
            type_char: b's',
            struct_size: 0
        }
    );
    assert_eq!(
        at(klv(b"DEVC", 0, 1, 6, &[0; 6])).2,
        ErrorKind::MisalignedNest { size: 6 }
    );
    // A payload starts with a device; the tree reader takes any KLVs.
    let strm = nest(b"STRM", &[klv(b"TSMP", b'L', 4, 1, &[0; 4])]);
    let err = gpmf::validate(&strm).unwrap_err();
    assert_eq!((err.path.as_str(), err.offset), ("STRM[0]", 0));
    assert_eq!(
        err.kind,
        ErrorKind::NotDevice(telemux_read::FourCC::new(b"STRM"))
    );
    gpmf::read_tree(&strm).unwrap();
}

#[test]
fn properties_must_fit_the_data_they_modify() {
    let strm = |children: &[Vec<u8>]| nest(b"DEVC", &[nest(b"STRM", children)]);
    let type_string = |t: &[u8]| klv(b"TYPE", b'c', 1, u16::try_from(t.len()).unwrap(), t);
    let scal = |n: u16| klv(b"SCAL", b's', 2, n, &[0, 10].repeat(usize::from(n)));
    let gps5 = klv(b"GPS5", b'l', 20, 1, &[0; 20]);

    let bytes = strm(&[scal(3), gps5.clone()]);
    gpmf::read_tree(&bytes).unwrap();
    assert_eq!(
        kind(&bytes),
        (
            "DEVC[0]/STRM[0]/GPS5".to_owned(),
            // DEVC and STRM headers, then SCAL: 8 + 6 bytes padded to 16.
            32,
            ErrorKind::ScaleArity {
                scales: 3,
                elements: 5
            }
        )
    );
    gpmf::validate(&strm(&[scal(1), gps5.clone()])).unwrap();
    gpmf::validate(&strm(&[scal(5), gps5.clone()])).unwrap();
    // Metadata after SCAL is not scaled (HERO11 writes TMPC there).
    gpmf::validate(&strm(&[scal(5), klv(b"TMPC", b'f', 4, 1, &[0; 4]), gps5])).unwrap();

    let zero = klv(b"SCAL", b'l', 4, 1, &[0; 4]);
    assert_eq!(kind(&strm(&[zero])).2, ErrorKind::ZeroScale);

    let face = klv(b"FACE", b'?', 12, 1, &[0; 12]);
    gpmf::validate(&strm(&[type_string(b"fssL"), face.clone()])).unwrap();
    assert_eq!(
        kind(&strm(&[type_string(b"fsL"), face])).2,
        ErrorKind::TypeSizeMismatch {
            type_size: 10,
            struct_size: 12
        }
    );
    assert_eq!(
        kind(&strm(&[type_string(b"f[0]")])).2,
        ErrorKind::BadTypeString(TypeStringError::BadCount)
    );
    assert_eq!(
        kind(&strm(&[klv(b"SCAL", b'c', 1, 1, b"x")])).2,
        ErrorKind::BadProperty {
            key: telemux_read::FourCC::new(b"SCAL"),
            type_char: b'c'
        }
    );
}

#[test]
fn filler_words_are_skipped_and_reported() {
    let bytes = [device(), vec![0; 12], device()].concat();
    gpmf::validate(&bytes).unwrap();
    let entries: Vec<_> = gpmf::entries(&bytes).collect::<Result<_, _>>().unwrap();
    assert_eq!(entries.len(), 3);
    assert!(matches!(
        entries[1],
        Entry::Filler {
            offset: 100,
            words: 3
        }
    ));
    assert_eq!(gpmf::entries(&bytes).klvs().count(), 2);
}

#[test]
fn an_iterator_reports_its_error_once_and_stops() {
    let bytes = [device(), b"BAD\x01xxxxxxxx".to_vec()].concat();
    let mut entries = gpmf::entries(&bytes);
    assert!(matches!(entries.next(), Some(Ok(Entry::Klv(_)))));
    assert!(matches!(entries.next(), Some(Err(_))));
    assert!(entries.next().is_none());
}

#[test]
fn complex_samples_without_type_fail_only_when_asked_for_numbers() {
    let bytes = nest(
        b"DEVC",
        &[nest(b"STRM", &[klv(b"FACE", b'?', 3, 1, &[1, 2, 3])])],
    );
    gpmf::validate(&bytes).unwrap();
    let payload = gpmf::payload(&bytes).unwrap();
    let err = payload.devices[0].streams[0].scaled().unwrap_err();
    assert_eq!(err.kind, ErrorKind::MissingType);
    assert_eq!(
        err.to_string(),
        "DEVC[0]/STRM[0]/FACE at byte 16: complex data without a TYPE"
    );
}

#[test]
fn text_samples_are_not_numbers() {
    let bytes = nest(
        b"DEVC",
        &[nest(b"STRM", &[klv(b"NAME", b'c', 1, 3, b"abc")])],
    );
    let payload = gpmf::payload(&bytes).unwrap();
    assert_eq!(
        payload.devices[0].streams[0].scaled().unwrap_err().kind,
        ErrorKind::NotNumeric(b'c')
    );
}

#[test]
fn data_klvs_of_one_stream_must_agree_on_elements_per_sample() {
    // Found by the gpmf_decode fuzz target: a repeated-key stream (as SCEN is) whose second
    // KLV holds one 16-byte sample among KLVs of 16 one-byte samples. Its values would not line
    // up in samples of the first KLV's width.
    let one_byte = klv(b"CINF", b'B', 1, 16, &[7; 16]);
    let bytes = nest(
        b"DEVC",
        &[nest(
            b"STRM",
            &[
                one_byte.clone(),
                klv(b"CINF", b'B', 16, 1, &[7; 16]),
                one_byte,
            ],
        )],
    );
    gpmf::validate(&bytes).unwrap();
    let payload = gpmf::payload(&bytes).unwrap();
    let stream = &payload.devices[0].streams[0];
    assert_eq!(stream.elements().unwrap(), Some(1));
    let err = stream.scaled().unwrap_err();
    // The second CINF: DEVC, STRM and the first CINF's 8 + 16 bytes before it.
    assert_eq!(
        (err.path.as_str(), err.offset, err.kind),
        (
            "DEVC[0]/STRM[0]/CINF",
            40,
            ErrorKind::ElementsMismatch {
                elements: 16,
                first: 1
            }
        )
    );
}
