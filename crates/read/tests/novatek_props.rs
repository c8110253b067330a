//! Properties: no input makes the decoders panic (arbitrary bytes, mutated real-layout blocks,
//! arbitrary and mutated TS streams, index payloads), and for the binary layouts decoding the
//! encoding of a random fix returns that fix to the layout's precision.

mod novatek_support;

use std::io::Cursor;

use novatek_support::containers::ts;
use novatek_support::encode::{self, core_record, Ligo};
use novatek_support::{assert_points, samples, Fix, Precision, F32_DDMM};
use proptest::prelude::*;
use telemux_read::model::GpsPoint;
use telemux_read::novatek::{
    decode_block, decode_ts_payload, merge_clips, parse_gps_index, read_ts, BlockOutcome,
    BlockScanner, DecodeOptions, TrackBuilder, Variant,
};
use time::{Date, Month, PrimitiveDateTime, Time};

fn mutate(mut bytes: Vec<u8>, flips: &[(usize, u8)], cut: usize) -> Vec<u8> {
    for &(at, value) in flips {
        if !bytes.is_empty() {
            let len = bytes.len();
            bytes[at % len] = value;
        }
    }
    bytes.truncate(cut.min(bytes.len()));
    bytes
}

/// Every outcome is accepted; only panics (and nonsense points) fail.
fn check_sane(outcome: &BlockOutcome) {
    if let BlockOutcome::Points(_, points) = outcome {
        assert!(!points.is_empty());
        for point in points {
            assert!(point.latitude.abs() <= 90.0 && point.longitude.abs() <= 180.0);
            assert!(point.latitude != 0.0 || point.longitude != 0.0);
        }
    }
}

proptest! {
    #[test]
    fn arbitrary_blocks_never_panic(mut bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        check_sane(&decode_block(&bytes, &DecodeOptions::default()));
        // Also with a valid header, so the layout rules run.
        if bytes.len() >= 12 {
            bytes[4..12].copy_from_slice(b"freeGPS ");
        }
        check_sane(&decode_block(&bytes, &DecodeOptions::default()));
        let mut rexing = DecodeOptions::default();
        rexing.rexing_deobfuscate = true;
        check_sane(&decode_block(&bytes, &rexing));
    }

    #[test]
    fn mutated_blocks_of_every_layout_never_panic(
        layout in 0usize..24,
        flips in proptest::collection::vec((0usize..400, any::<u8>()), 0..12),
        cut in 0usize..0x9000,
    ) {
        let block = samples(0).swap_remove(layout).block;
        // Mutations land in the first 400 bytes, where every layout keeps its fields.
        check_sane(&decode_block(&mutate(block, &flips, cut), &DecodeOptions::default()));
    }

    #[test]
    fn arbitrary_ts_payloads_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        check_sane(&decode_ts_payload(&bytes, &DecodeOptions::default()));
    }

    #[test]
    fn arbitrary_and_mutated_ts_streams_never_panic(
        noise in proptest::collection::vec(any::<u8>(), 0..2000),
        flips in proptest::collection::vec((0usize..4000, any::<u8>()), 0..20),
        cut in 0usize..4000,
    ) {
        let mut track = TrackBuilder::new();
        read_ts(Cursor::new(&noise), &DecodeOptions::default(), &mut track).unwrap();
        let payloads: Vec<Vec<u8>> = (0..3)
            .map(|s| core_record(&novatek_support::vancouver().later(s), 19))
            .collect();
        let stream = mutate(ts(&payloads, 20), &flips, cut);
        let mut track = TrackBuilder::new();
        let stats = read_ts(Cursor::new(&stream), &DecodeOptions::default(), &mut track).unwrap();
        prop_assert!(stats.packets <= stream.len() as u64 / 188);
        for point in track.finish().points {
            prop_assert!(point.latitude.abs() <= 90.0);
        }
    }

    #[test]
    fn scanning_arbitrary_bytes_never_panics(
        mut bytes in proptest::collection::vec(any::<u8>(), 0..3000),
        magic_at in proptest::collection::vec(0usize..3000, 0..4),
    ) {
        for at in magic_at {
            if at + 12 <= bytes.len() {
                bytes[at + 4..at + 12].copy_from_slice(b"freeGPS ");
            }
        }
        for found in BlockScanner::new(Cursor::new(&bytes), 0) {
            let found = found.unwrap();
            prop_assert!(found.bytes.len() >= 12);
            prop_assert_eq!(&found.bytes[4..12], b"freeGPS ");
            check_sane(&decode_block(&found.bytes, &DecodeOptions::default()));
        }
    }

    #[test]
    fn index_entries_never_exceed_the_payload(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(index) = parse_gps_index(&bytes, 0) {
            prop_assert!(index.entries.len() + index.unused_slots <= (bytes.len() - 8) / 8);
        } else {
            prop_assert!(bytes.len() < 8);
        }
    }
}

fn fix_strategy() -> impl Strategy<Value = Fix> {
    (
        (
            2000i32..=2099,
            1u8..=12,
            1u8..=28,
            0u8..24,
            0u8..60,
            0u8..60,
        ),
        (0u32..90, 0.0f64..59.99, any::<bool>()),
        (0u32..180, 0.0f64..59.99, any::<bool>()),
        (0.0f64..80.0, 0.0f64..360.0, -100.0f64..5000.0),
    )
        .prop_map(
            |((y, mo, d, h, mi, s), lat, lon, (speed, course, altitude))| {
                let date = Date::from_calendar_date(y, Month::try_from(mo).unwrap(), d).unwrap();
                let time =
                    PrimitiveDateTime::new(date, Time::from_hms(h, mi, s).unwrap()).assume_utc();
                let degrees = |(whole, minutes, negative): (u32, f64, bool)| {
                    let value = f64::from(whole) + minutes / 60.0;
                    if negative {
                        -value
                    } else {
                        value
                    }
                };
                Fix {
                    time,
                    lat: degrees(lat),
                    lon: degrees(lon),
                    speed,
                    course,
                    altitude,
                }
            },
        )
        .prop_filter("0,0 is never a fix", |fix| fix.lat != 0.0 || fix.lon != 0.0)
}

type Encoder = fn(&Fix) -> Vec<u8>;

/// The binary layouts: encoder, expected variant, precision.
fn binary_layouts() -> Vec<(&'static str, Encoder, Variant, Precision)> {
    let exact = Precision {
        position: 1e-9,
        speed: Some(1e-9),
        course: Some(1e-9),
        altitude: None,
        timed: true,
    };
    let integer = Precision {
        position: 1e-7,
        speed: Some(0.006),
        course: Some(0.006),
        altitude: None,
        timed: true,
    };
    vec![
        ("T3", encode::novatek_at16, Variant::NovatekAt16, F32_DDMM),
        ("Kenwood", encode::kenwood, Variant::Kenwood, F32_DDMM),
        ("T17", encode::novatek_at48, Variant::NovatekAt48, F32_DDMM),
        (
            "T17c",
            encode::body70,
            Variant::TranscendBody70,
            Precision {
                position: 1e-5,
                ..F32_DDMM
            },
        ),
        (
            "T17 230",
            encode::transcend230,
            Variant::Transcend230,
            Precision {
                position: 1e-9,
                altitude: Some(1e-9),
                ..F32_DDMM
            },
        ),
        (
            "T16",
            encode::iqs,
            Variant::Iqs,
            Precision {
                course: None,
                altitude: Some(1e-3),
                ..integer
            },
        ),
        ("T6", |f| encode::akaso(f, true), Variant::Akaso, F32_DDMM),
        (
            "T10",
            encode::vantrue_s1,
            Variant::VantrueS1,
            Precision {
                altitude: Some(1e-3),
                ..F32_DDMM
            },
        ),
        (
            "T11",
            |f| encode::atc(&[*f]),
            Variant::Atc,
            Precision {
                altitude: Some(1e-3),
                ..integer
            },
        ),
        ("T12", encode::doubles, Variant::Doubles, exact),
        (
            "T13",
            |f| encode::innovv(&[*f]),
            Variant::Innovv,
            Precision {
                timed: false,
                ..F32_DDMM
            },
        ),
        (
            "T14",
            |f| encode::xbht(&[*f]),
            Variant::Xbht,
            Precision {
                position: 2e-6,
                speed: Some(0.14),
                course: None,
                ..integer
            },
        ),
        ("T15", encode::vantrue_n4, Variant::VantrueN4, exact),
        (
            "T20",
            |f| encode::nextbase512g(&[*f]),
            Variant::Nextbase512G,
            integer,
        ),
        (
            "T5",
            |f| encode::ligo(&[*f], Ligo::ScrambledFuzzed),
            Variant::Ligo,
            Precision {
                position: 2e-6,
                speed: Some(0.003),
                course: Some(0.006),
                altitude: Some(0.006),
                timed: true,
            },
        ),
    ]
}

fn decoded(outcome: BlockOutcome, name: &str) -> (Variant, Vec<GpsPoint>) {
    match outcome {
        BlockOutcome::Points(variant, points) => (variant, points),
        other => panic!("{name}: {other:?}"),
    }
}

proptest! {
    #[test]
    fn binary_layouts_round_trip(fix in fix_strategy(), layout in 0usize..15) {
        let (name, encoder, variant, precision) = binary_layouts().swap_remove(layout);
        let (got, points) = decoded(decode_block(&encoder(&fix), &DecodeOptions::default()), name);
        prop_assert_eq!(got, variant);
        assert_points(name, &points, &[fix], &precision);
    }

    #[test]
    fn mai70_round_trips_unless_a_line_feed_breaks_its_signature(fix in fix_strategy()) {
        let block = encode::mai70(&fix);
        prop_assume!(!block[..51].contains(&b'\n'));
        let (got, points) = decoded(decode_block(&block, &DecodeOptions::default()), "T19");
        prop_assert_eq!(got, Variant::Mai70);
        let precision = Precision { position: 1e-5, speed: Some(0.14), course: None, altitude: None, timed: false };
        assert_points("T19", &points, &[fix], &precision);
    }

    #[test]
    fn ts_records_round_trip(fix in fix_strategy(), b4k in any::<bool>()) {
        let mut payload = if b4k { vec![0x5A; 164] } else { Vec::new() };
        payload.extend(core_record(&fix, fix.time.year() as u32 - 2000));
        let (got, points) = decoded(decode_ts_payload(&payload, &DecodeOptions::default()), "TS");
        prop_assert_eq!(got, Variant::TsNovatek);
        assert_points("TS", &points, &[fix], &F32_DDMM);
    }

    #[test]
    fn merging_a_clip_with_itself_changes_nothing(fixes in proptest::collection::vec(fix_strategy(), 0..20)) {
        let points: Vec<GpsPoint> = fixes
            .iter()
            .map(|fix| {
                let mut point = GpsPoint::new(fix.lat, fix.lon);
                point.time = Some(fix.time);
                point
            })
            .collect();
        let (once, _) = merge_clips([points.clone()]);
        let (twice, dropped) = merge_clips([points.clone(), points]);
        prop_assert_eq!(&once, &twice);
        prop_assert_eq!(dropped, fixes.len() * 2 - once.len());
        prop_assert!(once.windows(2).all(|w| w[0].time <= w[1].time));
    }
}
