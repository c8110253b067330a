//! The encoder and decoder are inverses: `read_tree(encode(x)) == x` for arbitrary trees of
//! every type, and `encode(read_tree(bytes)) == bytes` for every real payload of the corpus.

use std::num::NonZeroUsize;

use proptest::prelude::*;
use telemux_read::gpmf::{
    read_tree, Body, Data, Klv, Node, ShapeError, ValueType, Values, ALL_VALUE_TYPES,
};
use telemux_read::FourCC;
use telemux_testkit::{corpus_or_skip, GOPRO_RAW_FILES};
use telemux_write::gpmf::{encode, EncodeError};

fn key() -> impl Strategy<Value = FourCC> {
    let char = prop::sample::select(
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 ".to_vec(),
    );
    prop::array::uniform4(char).prop_map(FourCC)
}

/// `n` elements of type `ty`; floats from arbitrary bits, so NaNs and infinities too.
fn values(ty: ValueType, n: usize) -> BoxedStrategy<Values> {
    use prop::collection::vec;
    match ty {
        ValueType::I8 => vec(any::<i8>(), n).prop_map(Values::I8).boxed(),
        ValueType::U8 => vec(any::<u8>(), n).prop_map(Values::U8).boxed(),
        ValueType::Char => vec(any::<u8>(), n).prop_map(Values::Char).boxed(),
        ValueType::I16 => vec(any::<i16>(), n).prop_map(Values::I16).boxed(),
        ValueType::U16 => vec(any::<u16>(), n).prop_map(Values::U16).boxed(),
        ValueType::I32 => vec(any::<i32>(), n).prop_map(Values::I32).boxed(),
        ValueType::U32 => vec(any::<u32>(), n).prop_map(Values::U32).boxed(),
        ValueType::F32 => vec(any::<u32>().prop_map(f32::from_bits), n)
            .prop_map(Values::F32)
            .boxed(),
        ValueType::F64 => vec(any::<u64>().prop_map(f64::from_bits), n)
            .prop_map(Values::F64)
            .boxed(),
        ValueType::FourCC => vec(any::<[u8; 4]>().prop_map(FourCC), n)
            .prop_map(Values::FourCC)
            .boxed(),
        ValueType::Guid => vec(any::<[u8; 16]>(), n).prop_map(Values::Guid).boxed(),
        ValueType::I64 => vec(any::<i64>(), n).prop_map(Values::I64).boxed(),
        ValueType::U64 => vec(any::<u64>(), n).prop_map(Values::U64).boxed(),
        ValueType::Q15_16 => vec(any::<i32>(), n).prop_map(Values::Q15_16).boxed(),
        ValueType::Q31_32 => vec(any::<i64>(), n).prop_map(Values::Q31_32).boxed(),
        ValueType::Utc => vec(any::<[u8; 16]>(), n).prop_map(Values::Utc).boxed(),
        ValueType::Complex => vec(any::<u8>(), n).prop_map(Values::Complex).boxed(),
    }
}

/// Data of any type: 1–4 elements per sample (up to 255 bytes for bytes), 0–5 samples, and
/// arbitrary alignment padding.
fn data() -> impl Strategy<Value = Data> {
    let ty = prop::sample::select(ALL_VALUE_TYPES.to_vec());
    (ty, 0usize..6)
        .prop_flat_map(|(ty, repeat)| {
            let max_elements: usize = if ty.size() == 1 { 255 } else { 4 };
            (Just(ty), Just(repeat), 1..=max_elements)
        })
        .prop_flat_map(|(ty, repeat, elements)| {
            let struct_size = u8::try_from(elements * ty.size()).unwrap();
            let bytes = usize::from(struct_size) * repeat;
            (
                Just(struct_size),
                values(ty, elements * repeat),
                prop::collection::vec(any::<u8>(), (4 - bytes % 4) % 4),
            )
        })
        .prop_map(|(struct_size, values, padding)| {
            Data::new(struct_size, values)
                .and_then(|d| d.with_padding(&padding))
                .unwrap()
        })
}

/// A level of nodes: KLVs, each optionally followed by a run of filler words, so that filler
/// runs are never adjacent (reading merges adjacent runs).
fn level(klv: impl Strategy<Value = Klv>) -> impl Strategy<Value = Vec<Node>> {
    let filler = prop::option::weighted(
        0.15,
        (1usize..4).prop_map(|w| NonZeroUsize::new(w).unwrap()),
    );
    prop::collection::vec((klv, filler), 0..5).prop_map(|items| {
        items
            .into_iter()
            .flat_map(|(klv, filler)| [Some(Node::Klv(klv)), filler.map(Node::Filler)])
            .flatten()
            .collect()
    })
}

fn tree() -> impl Strategy<Value = Vec<Node>> {
    let leaf = (key(), data()).prop_map(|(key, data)| Klv::data(key, data));
    let klv = leaf.prop_recursive(4, 48, 5, |inner| {
        (key(), level(inner)).prop_map(|(key, children)| Klv::nest(key, children))
    });
    level(klv)
}

proptest! {
    #[test]
    fn read_inverts_write(nodes in tree()) {
        let bytes = encode(&nodes).unwrap();
        prop_assert_eq!(bytes.len() % 4, 0);
        let read = read_tree(&bytes).unwrap();
        prop_assert_eq!(&read, &nodes);
        prop_assert_eq!(encode(&read).unwrap(), bytes);
    }
}

#[test]
fn every_corpus_payload_re_encodes_byte_for_byte() {
    let Some(corpus) = corpus_or_skip("every_corpus_payload_re_encodes_byte_for_byte") else {
        return;
    };
    for name in GOPRO_RAW_FILES {
        let bytes = std::fs::read(corpus.join(name)).unwrap();
        let tree = read_tree(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let again = encode(&tree).unwrap();
        assert!(
            again == bytes,
            "{name}: {} bytes in, {} out",
            bytes.len(),
            again.len()
        );
    }
}

/// Every gpmd sample of the corpus MP4s, and max-heromode's udta `GPMF` global settings.
#[test]
fn every_mp4_payload_re_encodes_byte_for_byte() {
    let Some(corpus) = corpus_or_skip("every_mp4_payload_re_encodes_byte_for_byte") else {
        return;
    };
    let mut payloads = 0;
    for (name, samples) in [("gopro/karma.mp4", 13), ("gopro/max-heromode.mp4", 11)] {
        let mut file = std::fs::File::open(corpus.join(name)).unwrap();
        let mp4 = telemux_read::mp4::Mp4::open(&mut file).unwrap();
        let track = telemux_read::gopro::find_track(&mp4, &mut file)
            .unwrap()
            .unwrap();
        let mut count = 0;
        for sample in track.samples() {
            let bytes = track.read_sample(&mut file, &sample.unwrap()).unwrap();
            let tree = read_tree(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(encode(&tree).unwrap() == bytes, "{name} sample {count}");
            count += 1;
        }
        assert_eq!(count, samples, "{name}");
        payloads += count;
        if let Some(global) = mp4.user_data().and_then(|u| u.get(b"GPMF")) {
            let tree = read_tree(global).unwrap();
            assert!(encode(&tree).unwrap() == global, "{name} udta GPMF");
            assert_eq!(global.len(), 25600);
            payloads += 1;
        }
    }
    assert_eq!(payloads, 25);
}

#[test]
fn non_zero_padding_is_kept() {
    let Some(corpus) = corpus_or_skip("non_zero_padding_is_kept") else {
        return;
    };
    let bytes = std::fs::read(corpus.join("gopro/gopro-telemetry/hero7.raw")).unwrap();
    let tree = read_tree(&bytes).unwrap();
    let padded: Vec<&[u8]> = data_nodes(&tree)
        .filter(|(key, _)| *key == FourCC::new(b"ACCL"))
        .map(|(_, data)| data.padding())
        .filter(|p| p.iter().any(|&b| b != 0))
        .collect();
    // gpmf walk of the file: ACCL padding f5fd, f2b9 (×4), f019, feb1.
    assert_eq!(padded.len(), 7, "{padded:02x?}");
    assert_eq!(padded[0], [0xf5, 0xfd]);
}

fn data_nodes(nodes: &[Node]) -> Box<dyn Iterator<Item = (FourCC, &Data)> + '_> {
    Box::new(nodes.iter().flat_map(|node| match node {
        Node::Klv(Klv {
            key,
            body: Body::Data(data),
        }) => Box::new(std::iter::once((*key, data))) as Box<dyn Iterator<Item = _>>,
        Node::Klv(Klv {
            body: Body::Nest(children),
            ..
        }) => data_nodes(children),
        Node::Filler(_) => Box::new(std::iter::empty()),
    }))
}

#[test]
fn every_type_encodes_big_endian_with_padding() {
    let klv = |key: &[u8; 4], ss, values| {
        Node::Klv(Klv::data(FourCC::new(key), Data::new(ss, values).unwrap()))
    };
    let nodes = [
        klv(
            b"GPS5",
            20,
            Values::I32(vec![424_261_529, -86_499_795, 34_098, 18, 1]),
        ),
        klv(b"DVNM", 1, Values::Char(b"Camera".to_vec())),
        klv(b"GPSP", 2, Values::U16(vec![179])),
        klv(b"QNUM", 4, Values::Q15_16(vec![-0x18000])),
        klv(b"GPSA", 4, Values::FourCC(vec![FourCC::new(b"MSLV")])),
        klv(b"STMP", 8, Values::U64(vec![998_439_552])),
        klv(b"TMPC", 4, Values::F32(vec![f32::from_bits(0x41fc_7000)])),
    ];
    let bytes = encode(&nodes).unwrap();
    let expected = [
        &b"GPS5l\x14\x00\x01"[..],
        &[
            0x19, 0x49, 0xb7, 0x99, 0xfa, 0xd8, 0x1e, 0x2d, 0, 0, 0x85, 0x32, 0, 0, 0, 18, 0, 0, 0,
            1,
        ],
        b"DVNMc\x01\x00\x06Camera\0\0",
        b"GPSPS\x02\x00\x01\x00\xb3\0\0",
        b"QNUMq\x04\x00\x01\xff\xfe\x80\x00",
        b"GPSAF\x04\x00\x01MSLV",
        b"STMPJ\x08\x00\x01\0\0\0\0\x3b\x82\xfa\x80",
        b"TMPCf\x04\x00\x01\x41\xfc\x70\x00",
    ]
    .concat();
    assert_eq!(bytes, expected);
}

#[test]
fn nests_are_sized_by_the_encoder() {
    let dvid = Klv::data(
        FourCC::new(b"DVID"),
        Data::new(4, Values::U32(vec![1])).unwrap(),
    );
    let devc = Klv::nest(FourCC::new(b"DEVC"), vec![dvid.into()]);
    assert_eq!(
        encode(&[devc.into()]).unwrap(),
        b"DEVC\0\x01\x00\x0cDVIDL\x04\x00\x01\0\0\0\x01"
    );
}

/// `count` byte KLVs of 7004 bytes each inside one DEVC.
fn big_nest(count: usize, extra: usize) -> Vec<Node> {
    let mut children: Vec<Node> = (0..count)
        .map(|i| {
            let data =
                Data::new(1, Values::U8(vec![u8::try_from(i % 251).unwrap(); 6996])).unwrap();
            Klv::data(FourCC::new(b"BLOB"), data).into()
        })
        .collect();
    if extra > 0 {
        children.push(
            Klv::data(
                FourCC::new(b"TAIL"),
                Data::new(1, Values::U8(vec![9; extra])).unwrap(),
            )
            .into(),
        );
    }
    vec![Klv::nest(FourCC::new(b"DEVC"), children).into()]
}

#[test]
fn nests_over_65535_bytes_double_their_struct_size_like_gopro() {
    // 10 × 7004 = 70040 bytes: struct size 2, repeat 35020, no fill needed.
    let nodes = big_nest(10, 0);
    let bytes = encode(&nodes).unwrap();
    assert_eq!(&bytes[..8], b"DEVC\0\x02\x88\xcc");
    assert_eq!(read_tree(&bytes).unwrap(), nodes);

    // 42 × 7004 + 8 + 4 = 294180 bytes: struct size 8, padded to 294184 with one zero word,
    // which reads back as filler (GoPro's parser skips it the same way).
    let nodes = big_nest(42, 1);
    let bytes = encode(&nodes).unwrap();
    let repeat = u16::from_be_bytes([bytes[6], bytes[7]]);
    assert_eq!((bytes[5], repeat), (8, 36773));
    assert_eq!(bytes.len(), 8 + 294_184);
    let read = read_tree(&bytes).unwrap();
    let Node::Klv(Klv {
        body: Body::Nest(children),
        ..
    }) = &read[0]
    else {
        panic!("not a nest")
    };
    assert_eq!(children.len(), 44);
    assert_eq!(children[43], Node::Filler(NonZeroUsize::new(1).unwrap()));
}

#[test]
fn data_over_65535_samples_is_refused_with_the_reason() {
    assert_eq!(
        Data::new(20, Values::I32(vec![0; 5 * 65_536])),
        Err(ShapeError::TooManySamples { samples: 65_536 })
    );
    assert_eq!(
        Data::new(6, Values::I32(vec![0; 3])),
        Err(ShapeError::StructSize {
            struct_size: 6,
            size: 4
        })
    );
    assert_eq!(
        Data::new(8, Values::I32(vec![0; 3])),
        Err(ShapeError::PartialSample {
            bytes: 12,
            struct_size: 8
        })
    );
    assert_eq!(
        Data::text(b"abc").unwrap().with_padding(&[1, 2]),
        Err(ShapeError::Padding {
            given: 2,
            needed: 1
        })
    );
}

#[test]
fn bad_keys_and_deep_trees_are_refused_with_their_path() {
    let leaf = |key: &[u8; 4]| Klv::data(FourCC::new(key), Data::text(b"x").unwrap());
    let strm = Klv::nest(
        FourCC::new(b"STRM"),
        vec![leaf(b"STNM").into(), leaf(b"GP\0S").into()],
    );
    let devc = Klv::nest(
        FourCC::new(b"DEVC"),
        vec![
            leaf(b"DVNM").into(),
            Klv::nest(FourCC::new(b"STRM"), vec![]).into(),
            strm.into(),
        ],
    );
    assert_eq!(
        encode(&[devc.into()]),
        Err(EncodeError::BadKey {
            path: "DEVC[0]/STRM[1]/GP\\x00S".into(),
            key: FourCC::new(b"GP\0S")
        })
    );

    let deep = |levels: usize| {
        (0..levels).fold(leaf(b"LEAF"), |inner, _| {
            Klv::nest(FourCC::new(b"NEST"), vec![inner.into()])
        })
    };
    let ok = encode(&[deep(16).into()]).unwrap();
    assert_eq!(read_tree(&ok).unwrap(), vec![Node::Klv(deep(16))]);
    assert!(matches!(
        encode(&[deep(17).into()]),
        Err(EncodeError::TooDeep { .. })
    ));
}
