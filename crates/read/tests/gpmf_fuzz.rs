//! Arbitrary and damaged payloads never panic the decoder, and its layers agree: what
//! `validate` accepts, the tree reader, the stream view and the printer accept too. Valid
//! payloads come from a small generator written here (not telemux-write's encoder, so the
//! encoder's mistakes cannot hide the decoder's), are decoded to exactly what was built, and are
//! then damaged; counters prove that the agreement branch runs.

use std::cell::Cell;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use telemux_read::gpmf::{self, DeviceId, Entries, Entry, ErrorKind, Node, PrintOptions};
use telemux_read::FourCC;
use telemux_testkit::corpus_or_skip;

/// Walks every entry at every level; returns the KLV count or the first error.
fn walk_all(entries: Entries<'_>) -> Result<usize, gpmf::Error> {
    let mut count = 0;
    for entry in entries {
        if let Entry::Klv(klv) = entry? {
            count += 1 + klv.children().map(walk_all).transpose()?.unwrap_or(0);
        }
    }
    Ok(count)
}

/// KLVs in a tree as `read_tree` returns it.
fn tree_klvs(nodes: &[Node]) -> usize {
    nodes
        .iter()
        .map(|node| match node {
            Node::Klv(klv) => match &klv.body {
                gpmf::Body::Nest(children) => 1 + tree_klvs(children),
                gpmf::Body::Data(_) => 1,
            },
            Node::Filler(_) => 0,
        })
        .sum()
}

/// Runs every decoding entry point on `bytes` and checks they agree with each other. Returns
/// whether `validate` accepted the payload, i.e. whether the agreement branch ran.
fn decode_everything(bytes: &[u8]) -> Result<bool, TestCaseError> {
    let walked = walk_all(gpmf::entries(bytes));
    let tree = gpmf::read_tree(bytes);
    let valid = gpmf::validate(bytes);
    let view = gpmf::payload(bytes);
    let mut listing = String::new();
    let printed = gpmf::print(bytes, PrintOptions::with_all(true), &mut listing);
    prop_assert_eq!(walked.is_ok(), tree.is_ok(), "walk and tree disagree");
    if let Err(err) = &walked {
        prop_assert!(err.offset <= bytes.len());
        prop_assert_eq!(tree.as_ref().err(), Some(err));
    }
    match (&valid, &printed) {
        (Ok(()), _) => {
            prop_assert!(tree.is_ok());
            let tree = tree.as_ref().unwrap();
            prop_assert_eq!(
                walked.as_ref().ok(),
                Some(&tree_klvs(tree)),
                "walk and tree count"
            );
            prop_assert!(
                printed.is_ok(),
                "validated but did not print: {:?}",
                printed
            );
            match view {
                Ok(view) => {
                    for stream in view.devices.iter().flat_map(|d| &d.streams) {
                        // Numbers may legitimately be refused (text, no TYPE); panics may not.
                        let _ = stream.scaled();
                        let _ = stream.gps_time();
                    }
                }
                // Known gap, not agreement: validation checks structure and SCAL/TYPE/SIUN/UNIT,
                // the view also reads TSMP, STMP, GPSF, GPSP, GPSA, DVID, STNM and DVNM and
                // refuses them stored with another type (a TSMP of type `q`): verify calls such
                // a payload valid and extract skips it. Only that error is let through.
                Err(e) if matches!(e.kind, ErrorKind::BadProperty { .. }) => {}
                Err(e) => prop_assert!(false, "validated, no view: {}", e),
            }
        }
        // The payload-level rule is validation's alone; the printer lists any KLV tree.
        (Err(valid), _) if matches!(valid.kind, ErrorKind::NotDevice(_)) => {}
        (Err(valid), printed) => prop_assert_eq!(Err(valid), printed.as_ref()),
    }
    Ok(valid.is_ok())
}

/// KLV-shaped bytes: mostly plausible headers (keys from real files, all type characters,
/// small sizes) so that generated input gets past the first header.
fn klv_soup() -> impl Strategy<Value = Vec<u8>> {
    let key = prop::sample::select(vec![
        *b"DEVC",
        *b"STRM",
        *b"SCAL",
        *b"TYPE",
        *b"GPS5",
        *b"GPSU",
        *b"UNIT",
        *b"ACCL",
        *b"\0\0\0\0",
    ]);
    let ty = prop::sample::select(b"\0bBcsSlLfdFGjJqQU?x".to_vec());
    let klv = (
        key,
        ty,
        0u8..40,
        0u16..12,
        prop::collection::vec(any::<u8>(), 0..64),
    )
        .prop_map(|(key, ty, ss, repeat, data)| {
            let mut out = key.to_vec();
            out.extend([ty, ss]);
            out.extend(repeat.to_be_bytes());
            out.extend(data);
            out
        });
    prop::collection::vec(klv, 0..12).prop_map(|parts| parts.concat())
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        decode_everything(&bytes)?;
    }

    #[test]
    fn klv_shaped_bytes_never_panic(bytes in klv_soup()) {
        decode_everything(&bytes)?;
    }
}

#[test]
fn damaged_corpus_payloads_never_panic() {
    let Some(corpus) = corpus_or_skip("damaged_corpus_payloads_never_panic") else {
        return;
    };
    let files: Vec<Vec<u8>> = ["gopro/hero5.raw", "gopro/karma.raw", "gopro/hero6+ble.raw"]
        .iter()
        .map(|name| std::fs::read(corpus.join(name)).unwrap())
        .collect();
    let damage = (
        0..files.len(),
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        any::<prop::sample::Index>(),
        any::<bool>(),
    );
    let mut runner = TestRunner::new(Config::default());
    runner
        .run(&damage, |(file, edits, cut, truncate)| {
            let mut bytes = files[file].clone();
            for (at, value) in edits {
                let at = at.index(bytes.len());
                bytes[at] = value;
            }
            if truncate {
                bytes.truncate(cut.index(bytes.len()));
            }
            decode_everything(&bytes).map(drop)
        })
        .unwrap();
}

/// A KLV as the generator builds it; the encoder below computes sizes and padding.
#[derive(Debug, Clone)]
enum Gen {
    Nest(&'static [u8; 4], Vec<Gen>),
    /// Key, type character, struct size and the data (a whole number of structs).
    Data(&'static [u8; 4], u8, u8, Vec<u8>),
}

impl Gen {
    fn text(key: &'static [u8; 4], text: &[u8]) -> Gen {
        Gen::Data(key, b'c', 1, text.to_vec())
    }

    fn u32(key: &'static [u8; 4], value: u32) -> Gen {
        Gen::Data(key, b'L', 4, value.to_be_bytes().to_vec())
    }
}

/// Writes `klvs` as GPMF: 8-byte headers (key, type, struct size, big-endian repeat), data
/// zero-padded to 32 bits, nests with type 0, struct size 1 and their children's padded
/// length as repeat. Records every header's offset, for damage that edits headers.
fn encode(klvs: &[Gen], out: &mut Vec<u8>, headers: &mut Vec<usize>) {
    for klv in klvs {
        headers.push(out.len());
        match klv {
            Gen::Nest(key, children) => {
                let start = out.len();
                out.extend(*key);
                out.extend([0, 1, 0, 0]);
                encode(children, out, headers);
                let len = u16::try_from(out.len() - start - 8).expect("nest over 64 KiB");
                out[start + 6..start + 8].copy_from_slice(&len.to_be_bytes());
            }
            Gen::Data(key, ty, size, data) => {
                let repeat = u16::try_from(data.len() / usize::from(*size)).unwrap();
                out.extend(*key);
                out.extend([*ty, *size]);
                out.extend(repeat.to_be_bytes());
                out.extend(data);
                out.resize(out.len().next_multiple_of(4), 0);
            }
        }
    }
}

/// What the stream view must find in one generated `STRM`.
#[derive(Debug, Clone)]
struct Expected {
    key: FourCC,
    name: String,
    total_samples: u64,
    gps_fix: Option<u64>,
    samples: usize,
    /// Every element divided by its SCAL, computed here from the numbers before encoding.
    scaled: Vec<f64>,
}

type GenStream = (Gen, Expected);

fn be(values: impl IntoIterator<Item = i32>) -> Vec<u8> {
    values.into_iter().flat_map(i32::to_be_bytes).collect()
}

/// GPS5 as HERO5–10 write it: STMP, TSMP, STNM, GPSF, GPSU, GPSP, GPSA, UNIT, SCAL, GPS5.
fn gps5_stream() -> impl Strategy<Value = GenStream> {
    let sample = [
        -900_000_000i32..900_000_000,
        -1_800_000_000..1_800_000_000,
        -500_000..9_000_000,
        0..100_000,
        0..100_000,
    ];
    (
        any::<u64>(),
        any::<u32>(),
        prop::sample::select(vec![0u32, 2, 3]),
        (
            0u8..100,
            1u8..13,
            1u8..29,
            0u8..24,
            0u8..60,
            0u8..60,
            0u16..1000,
        ),
        any::<u16>(),
        prop::collection::vec(sample, 1..19),
    )
        .prop_map(
            |(stmp, tsmp, fix, (y, mo, d, h, mi, sec, ms), dop, samples)| {
                let scal = [10_000_000, 10_000_000, 1000, 1000, 100];
                let gpsu = format!("{y:02}{mo:02}{d:02}{h:02}{mi:02}{sec:02}.{ms:03}");
                let name = "GPS (Lat., Long., Alt., 2D speed, 3D speed)";
                let nest = Gen::Nest(
                    b"STRM",
                    vec![
                        Gen::Data(b"STMP", b'J', 8, stmp.to_be_bytes().to_vec()),
                        Gen::u32(b"TSMP", tsmp),
                        Gen::text(b"STNM", name.as_bytes()),
                        Gen::u32(b"GPSF", fix),
                        Gen::Data(b"GPSU", b'U', 16, gpsu.into_bytes()),
                        Gen::Data(b"GPSP", b'S', 2, dop.to_be_bytes().to_vec()),
                        Gen::Data(b"GPSA", b'F', 4, b"MSLV".to_vec()),
                        Gen::Data(b"UNIT", b'c', 3, b"degdegm\0\0m/sm/s".to_vec()),
                        Gen::Data(b"SCAL", b'l', 4, be(scal)),
                        Gen::Data(b"GPS5", b'l', 20, be(samples.iter().flatten().copied())),
                    ],
                );
                let scaled = samples
                    .iter()
                    .flat_map(|s| {
                        s.iter()
                            .zip(scal)
                            .map(|(&v, d)| f64::from(v) / f64::from(d))
                    })
                    .collect();
                let expected = Expected {
                    key: FourCC(*b"GPS5"),
                    name: name.into(),
                    total_samples: u64::from(tsmp),
                    gps_fix: Some(u64::from(fix)),
                    samples: samples.len(),
                    scaled,
                };
                (nest, expected)
            },
        )
}

/// GPS9 as HERO11+ write it: a complex `?` struct described by TYPE, nine divisors.
fn gps9_stream() -> impl Strategy<Value = GenStream> {
    let sample = (
        [
            -900_000_000i32..900_000_000,
            -1_800_000_000..1_800_000_000,
            -500_000..9_000_000,
            0..100_000,
            0..100_000,
            0..20_000,
            0..86_400_000,
        ],
        any::<u16>(),
        0u16..4,
    );
    (any::<u32>(), prop::collection::vec(sample, 1..10)).prop_map(|(tsmp, samples)| {
        let scal = [10_000_000, 10_000_000, 1000, 1000, 100, 1, 1000, 100, 1];
        let mut data = Vec::new();
        let mut scaled = Vec::new();
        for (ints, dop, fix) in &samples {
            data.extend(be(*ints));
            data.extend(dop.to_be_bytes());
            data.extend(fix.to_be_bytes());
            let values = ints.iter().map(|&v| f64::from(v));
            let values = values.chain([f64::from(*dop), f64::from(*fix)]);
            scaled.extend(values.zip(scal).map(|(v, d)| v / f64::from(d)));
        }
        let nest = Gen::Nest(
            b"STRM",
            vec![
                Gen::u32(b"TSMP", tsmp),
                Gen::text(b"STNM", b"GPS9"),
                Gen::text(b"TYPE", b"lllllllSS"),
                Gen::Data(b"SCAL", b'l', 4, be(scal)),
                Gen::Data(b"GPS9", b'?', 32, data),
            ],
        );
        let expected = Expected {
            key: FourCC(*b"GPS9"),
            name: "GPS9".into(),
            total_samples: u64::from(tsmp),
            gps_fix: None,
            samples: samples.len(),
            scaled,
        };
        (nest, expected)
    })
}

/// A sensor (ACCL, GYRO, …) of any simple numeric type with 1–4 elements, one SCAL for all,
/// and metadata after the SCAL that it must not divide (TMPC, as HERO11 writes it).
fn sensor_stream() -> impl Strategy<Value = GenStream> {
    let key = prop::sample::select(vec![b"ACCL", b"GYRO", b"MAGN", b"GRAV"]);
    let ty = prop::sample::select(b"bBsSlLfdjJ".to_vec());
    (key, ty, 1usize..5, any::<u32>(), 1i16..2000).prop_flat_map(
        |(key, ty, elements, tsmp, scal)| {
            let values = prop::collection::vec(-100i8..100, elements..elements * 24);
            values.prop_map(move |values| {
                let unsigned = ty.is_ascii_uppercase();
                let values: Vec<i8> = values
                    .iter()
                    .map(|&v| {
                        if unsigned {
                            v.unsigned_abs() as i8 & 0x7f
                        } else {
                            v
                        }
                    })
                    .take(values.len() / elements * elements)
                    .collect();
                let data: Vec<u8> = values
                    .iter()
                    .flat_map(|&v| match ty {
                        b'b' | b'B' => vec![v as u8],
                        b's' | b'S' => i16::from(v).to_be_bytes().to_vec(),
                        b'l' | b'L' => i32::from(v).to_be_bytes().to_vec(),
                        b'j' | b'J' => i64::from(v).to_be_bytes().to_vec(),
                        b'f' => f32::from(v).to_be_bytes().to_vec(),
                        _ => f64::from(v).to_be_bytes().to_vec(),
                    })
                    .collect();
                let width = data.len() / values.len();
                let name = format!("{} sensor", String::from_utf8_lossy(key));
                let nest = Gen::Nest(
                    b"STRM",
                    vec![
                        Gen::u32(b"TSMP", tsmp),
                        Gen::text(b"STNM", name.as_bytes()),
                        Gen::text(b"SIUN", b"rad/s"),
                        Gen::Data(b"SCAL", b's', 2, scal.to_be_bytes().to_vec()),
                        Gen::Data(b"TMPC", b'f', 4, 36.5f32.to_be_bytes().to_vec()),
                        Gen::Data(key, ty, (width * elements) as u8, data),
                    ],
                );
                let expected = Expected {
                    key: FourCC(*key),
                    name,
                    total_samples: u64::from(tsmp),
                    gps_fix: None,
                    samples: values.len() / elements,
                    scaled: values
                        .iter()
                        .map(|&v| f64::from(v) / f64::from(scal))
                        .collect(),
                };
                (nest, expected)
            })
        },
    )
}

/// One device: DVID, DVNM and 1–4 streams.
fn device() -> impl Strategy<Value = (Gen, u32, String, Vec<Expected>)> {
    let stream = prop_oneof![gps5_stream(), gps9_stream(), sensor_stream()];
    (
        1u32..10_000,
        "[A-Za-z0-9 ]{1,14}",
        prop::collection::vec(stream, 1..5),
    )
        .prop_map(|(id, name, streams)| {
            let mut children = vec![Gen::u32(b"DVID", id), Gen::text(b"DVNM", name.as_bytes())];
            let (nests, expected): (Vec<Gen>, Vec<Expected>) = streams.into_iter().unzip();
            children.extend(nests);
            (Gen::Nest(b"DEVC", children), id, name, expected)
        })
}

/// Damage to a generated payload.
#[derive(Debug, Clone)]
enum Damage {
    None,
    /// Bits flipped anywhere.
    Flips(Vec<(prop::sample::Index, u8)>),
    /// The payload cut short.
    Truncate(prop::sample::Index),
    /// One header byte (type, struct size or repeat) set to another value.
    Header(prop::sample::Index, u8, u8),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        1 => Just(Damage::None),
        3 => prop::collection::vec((any::<prop::sample::Index>(), 0u8..8), 1..4)
            .prop_map(Damage::Flips),
        1 => any::<prop::sample::Index>().prop_map(Damage::Truncate),
        2 => (any::<prop::sample::Index>(), 4u8..8, any::<u8>())
            .prop_map(|(at, byte, value)| Damage::Header(at, byte, value)),
    ]
}

/// Checks the stream view of an undamaged payload against what was generated.
fn assert_decoded_as_built(
    bytes: &[u8],
    devices: &[(Gen, u32, String, Vec<Expected>)],
) -> Result<(), TestCaseError> {
    let view = gpmf::payload(bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(view.devices.len(), devices.len());
    for (device, (_, id, name, streams)) in view.devices.iter().zip(devices) {
        prop_assert_eq!(device.id, Some(DeviceId::Number(u64::from(*id))));
        prop_assert_eq!(device.name.as_deref(), Some(name.as_str()));
        prop_assert_eq!(device.streams.len(), streams.len());
        for (stream, expected) in device.streams.iter().zip(streams) {
            prop_assert_eq!(stream.key, Some(expected.key));
            prop_assert_eq!(stream.name.as_deref(), Some(expected.name.as_str()));
            prop_assert_eq!(stream.total_samples, Some(expected.total_samples));
            prop_assert_eq!(stream.gps_fix, expected.gps_fix);
            prop_assert_eq!(stream.sample_count(), expected.samples);
            let scaled = stream
                .scaled()
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(&scaled, &expected.scaled, "{} scaled", expected.key);
            if expected.key == FourCC(*b"GPS5") {
                prop_assert!(
                    matches!(stream.gps_time(), Some(Ok(_))),
                    "GPSU did not parse"
                );
            }
        }
    }
    Ok(())
}

/// Valid payloads from the generator decode to exactly what was built; damaged ones still
/// make every decoder agree. Every case runs the agreement branch before damage, and the
/// counters fail the test if damage stops leaving valid payloads (the KLV soup above never
/// produced one valid payload in 256 cases, so its agreement branch never ran).
#[test]
fn generated_payloads_decode_as_built_and_damaged_ones_agree() {
    let cases = Cell::new(0u32);
    let undamaged = Cell::new(0u32);
    let damaged_valid = Cell::new(0u32);
    let damaged_refused = Cell::new(0u32);
    let strategy = (prop::collection::vec(device(), 1..4), damage());
    let mut runner = TestRunner::new(Config::default());
    runner
        .run(&strategy, |(devices, damage)| {
            let mut bytes = Vec::new();
            let mut headers = Vec::new();
            let nests: Vec<Gen> = devices.iter().map(|d| d.0.clone()).collect();
            encode(&nests, &mut bytes, &mut headers);
            cases.set(cases.get() + 1);
            // Every generated payload is valid before damage, and reads as built.
            prop_assert!(decode_everything(&bytes)?, "{:?}", gpmf::validate(&bytes));
            assert_decoded_as_built(&bytes, &devices)?;
            match damage {
                Damage::None => {
                    undamaged.set(undamaged.get() + 1);
                    return Ok(());
                }
                Damage::Flips(flips) => {
                    for (at, bit) in flips {
                        let at = at.index(bytes.len());
                        bytes[at] ^= 1 << bit;
                    }
                }
                Damage::Truncate(at) => bytes.truncate(at.index(bytes.len())),
                Damage::Header(at, byte, value) => {
                    bytes[headers[at.index(headers.len())] + usize::from(byte)] = value;
                }
            }
            let counter = if decode_everything(&bytes)? {
                &damaged_valid
            } else {
                &damaged_refused
            };
            counter.set(counter.get() + 1);
            Ok(())
        })
        .unwrap();
    let (cases, undamaged) = (cases.get(), undamaged.get());
    let (valid, refused) = (damaged_valid.get(), damaged_refused.get());
    eprintln!(
        "{cases} cases: {undamaged} undamaged, damaged {valid} still valid, {refused} refused"
    );
    // Every case was valid before damage (asserted above); of the damaged ones, about a
    // quarter stay valid (flipped data bits) and half are refused (256 cases: 65–76 and
    // 133–155 in three runs).
    let damaged = cases - undamaged;
    assert!(
        valid * 8 >= damaged,
        "too few damaged payloads still valid: {valid} of {damaged}"
    );
    assert!(
        refused * 4 >= damaged,
        "too few damaged payloads refused: {refused} of {damaged}"
    );
}
