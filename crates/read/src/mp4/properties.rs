//! Property tests: the sample index reproduces any layout, the tree reproduces any box
//! structure byte for byte, and damaged files give errors, never panics.

use std::io::Cursor;

use proptest::prelude::*;

use super::synthetic::{build, large_box, sample_bytes, TrackSpec};
use super::*;
use telemux_testkit::mp4_box;

fn track_spec() -> impl Strategy<Value = TrackSpec> {
    let sample = (0u32..64, 0u32..3000);
    (
        1u32..100_000,
        prop::collection::vec(prop::collection::vec(sample, 1..5), 0..12),
        any::<bool>(),
    )
        .prop_map(|(timescale, chunks, co64)| TrackSpec {
            timescale,
            chunks,
            co64,
        })
}

fn layouts() -> impl Strategy<Value = Vec<TrackSpec>> {
    prop::collection::vec(track_spec(), 1..4)
}

/// A box to generate: a leaf with a payload, or a container with children and an optional
/// QuickTime zero terminator; either with a 32 or 64-bit size.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    Leaf {
        kind: [u8; 4],
        payload: Vec<u8>,
        large: bool,
    },
    Container {
        kind: [u8; 4],
        children: Vec<Shape>,
        terminator: bool,
        large: bool,
    },
}

fn encode(kind: &[u8; 4], payload: &[u8], large: bool) -> Vec<u8> {
    if large {
        large_box(kind, payload)
    } else {
        mp4_box(kind, payload)
    }
}

impl Shape {
    fn bytes(&self) -> Vec<u8> {
        match self {
            Shape::Leaf {
                kind,
                payload,
                large,
            } => encode(kind, payload, *large),
            Shape::Container {
                kind,
                children,
                terminator,
                large,
            } => {
                let mut payload: Vec<u8> = children.iter().flat_map(Shape::bytes).collect();
                if *terminator {
                    payload.extend([0; 4]);
                }
                encode(kind, &payload, *large)
            }
        }
    }

    fn of(moov: &Moov, node: &BoxNode) -> Shape {
        let kind = node.kind().0;
        let large = node.header.header_len == 16;
        match &node.content {
            Content::Leaf => Shape::Leaf {
                kind,
                payload: moov.body(node).to_vec(),
                large,
            },
            Content::Container {
                children,
                trailer_len,
                ..
            } => Shape::Container {
                kind,
                children: children.iter().map(|c| Shape::of(moov, c)).collect(),
                terminator: *trailer_len == 4,
                large,
            },
        }
    }
}

/// What a writer does with an unchanged tree: header and prefix, children, trailer.
fn reserialize(moov: &Moov, node: &BoxNode) -> Vec<u8> {
    let raw = moov.raw(node);
    match &node.content {
        Content::Leaf => raw.to_vec(),
        Content::Container {
            prefix_len,
            children,
            trailer_len,
        } => {
            let head = (node.header.header_len + prefix_len) as usize;
            let mut out = raw[..head].to_vec();
            for child in children {
                out.extend(reserialize(moov, child));
            }
            out.extend(&raw[raw.len() - *trailer_len as usize..]);
            out
        }
    }
}

fn shape() -> impl Strategy<Value = Shape> {
    let leaf_kinds =
        prop::sample::select(vec![*b"free", *b"FIRM", *b"\xa9xyz", *b"stsd", *b"hdlr"]);
    let container_kinds = prop::sample::select(vec![
        *b"udta", *b"trak", *b"mdia", *b"minf", *b"stbl", *b"dinf", *b"edts", *b"gmhd",
    ]);
    let leaf = (
        leaf_kinds,
        prop::collection::vec(1u8..=255, 0..24),
        any::<bool>(),
    )
        .prop_map(|(kind, payload, large)| Shape::Leaf {
            kind,
            payload,
            large,
        });
    leaf.prop_recursive(6, 48, 5, move |inner| {
        (
            container_kinds.clone(),
            prop::collection::vec(inner, 0..5),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(kind, children, terminator, large)| Shape::Container {
                kind,
                children,
                terminator,
                large,
            })
    })
}

proptest! {
    #[test]
    fn index_reproduces_any_layout(tracks in layouts()) {
        let (file, placed) = build(&tracks);
        let mp4 = Mp4::open(&mut Cursor::new(&file)).unwrap();
        let mut reader = Cursor::new(&file);
        let parsed: Vec<Track> = mp4.tracks().collect::<Result<_, _>>().unwrap();
        prop_assert_eq!(parsed.len(), tracks.len());
        for (t, track) in parsed.iter().enumerate() {
            let samples: Vec<Sample> = track.samples().collect::<Result<_, _>>().unwrap();
            prop_assert_eq!(samples.len(), placed[t].len());
            for (sample, want) in samples.iter().zip(&placed[t]) {
                prop_assert_eq!(
                    (sample.offset, sample.size, sample.decode_time, sample.duration),
                    (want.offset, want.size, want.decode_time, want.duration)
                );
                let seconds = want.decode_time as f64 / f64::from(tracks[t].timescale);
                prop_assert!((sample.decode_seconds - seconds).abs() <= seconds * 1e-12);
                prop_assert_eq!(
                    track.read_sample(&mut reader, sample).unwrap(),
                    sample_bytes(t, sample.index as usize, sample.size)
                );
            }
        }
    }

    #[test]
    fn tree_keeps_every_box_byte_for_byte(children in prop::collection::vec(shape(), 0..6)) {
        let moov = Shape::Container { kind: *b"moov", children, terminator: false, large: false };
        let mut file = mp4_box(b"ftyp", b"qt  ");
        file.extend(moov.bytes());
        let mp4 = Mp4::open(&mut Cursor::new(&file)).unwrap();
        prop_assert_eq!(Shape::of(mp4.moov(), mp4.moov().root()), moov);
        prop_assert_eq!(reserialize(mp4.moov(), mp4.moov().root()), &file[12..]);
    }

    #[test]
    fn damaged_files_give_errors_not_panics(
        tracks in layouts(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let (mut file, _) = build(&tracks);
        for (at, byte) in flips {
            let i = at.index(file.len());
            file[i] = byte;
        }
        if truncate {
            file.truncate(cut.index(file.len()));
        }
        let Ok(mp4) = Mp4::open(&mut Cursor::new(&file)) else { return Ok(()) };
        let mut reader = Cursor::new(&file);
        let _ = mp4.mvhd();
        for track in mp4.tracks().flatten() {
            for sample in track.samples().take(10_000) {
                let Ok(sample) = sample else { break };
                prop_assert!(sample.offset + u64::from(sample.size) <= file.len() as u64);
                prop_assert_eq!(track.read_sample(&mut reader, &sample).unwrap().len(), sample.size as usize);
            }
        }
    }
}
