//! read(write(x)) == x: any track exported by telemux in GPX, KML, GeoJSON, CSV and JSON reads
//! back through telemux's own readers to the same points, to what each format stores
//! (docs/formats.md, "Text track inputs", round-trip table). Each field is compared exactly
//! (GPX: within 1e-17, its decimal cap), so a reader or writer that drops or rounds one fails.

use proptest::prelude::*;
use telemux_read::track_input;
use telemux_read::{AltitudeRef, Fix, GpsPoint, Telemetry};
use telemux_testkit::{export_keeps, kept_fields, read_track};
use telemux_write::export::{csv, geojson, gpx, json, kml};
use time::OffsetDateTime;

/// Unix seconds of 0000-01-01 and 9999-12-31T23:59:59, the years RFC 3339 writes in 4 digits.
const FIRST_SECOND: i64 = -62_167_219_200;
const LAST_SECOND: i64 = 253_402_300_799;

fn coordinate(limit: f64) -> impl Strategy<Value = f64> {
    prop_oneof![
        1 => Just(limit),
        1 => Just(-limit),
        1 => Just(0.0),
        1 => -1e-3..1e-3f64,
        6 => -limit..=limit,
    ]
}

fn time() -> impl Strategy<Value = OffsetDateTime> {
    let nanos = prop_oneof![
        Just(0u32),
        (0..1000u32).prop_map(|ms| ms * 1_000_000),
        (0..1_000_000u32).prop_map(|us| us * 1000),
        0..1_000_000_000u32,
    ];
    let seconds = prop_oneof![
        Just(FIRST_SECOND),
        Just(LAST_SECOND),
        FIRST_SECOND..=LAST_SECOND,
        1_500_000_000i64..1_800_000_000,
    ];
    (seconds, nanos).prop_map(|(s, n)| {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(s) * 1_000_000_000 + i128::from(n))
            .unwrap()
    })
}

fn fix() -> impl Strategy<Value = Fix> {
    prop_oneof![Just(Fix::None), Just(Fix::TwoD), Just(Fix::ThreeD)]
}

fn point(timed: bool) -> impl Strategy<Value = GpsPoint> {
    let time = if timed {
        time().prop_map(Some).boxed()
    } else {
        Just(None).boxed()
    };
    (
        (time, proptest::option::of(0.0..1e5f64)),
        (coordinate(90.0), coordinate(180.0)),
        proptest::option::of(prop_oneof![Just(-430.5), -1e3..1e4f64]),
        (
            proptest::option::of(0.0..400f64),
            proptest::option::of(0.0..400f64),
            proptest::option::of(0.0..360f64),
        ),
        (
            proptest::option::of(fix()),
            proptest::option::of(0.0..100f64),
            proptest::option::of(0..64u32),
        ),
    )
        .prop_map(
            |(
                (time, media_time),
                (latitude, longitude),
                altitude,
                (s2, s3, course),
                (fix, dop, sats),
            )| {
                GpsPoint {
                    time,
                    media_time,
                    latitude,
                    longitude,
                    altitude,
                    speed_2d: s2,
                    speed_3d: s3,
                    course,
                    fix,
                    dop,
                    satellites: sats,
                }
            },
        )
}

/// 1–3 segments of 0–12 points; all timed, none timed, or some of each.
fn segments() -> impl Strategy<Value = Vec<Vec<GpsPoint>>> {
    let segment = |timed| proptest::collection::vec(point(timed), 0..12);
    prop_oneof![
        proptest::collection::vec(segment(true), 1..4),
        proptest::collection::vec(segment(false), 1..4),
        proptest::collection::vec(
            proptest::collection::vec(any::<bool>().prop_flat_map(point), 0..12),
            1..4
        ),
    ]
}

fn all(segments: &[Vec<GpsPoint>]) -> Vec<GpsPoint> {
    segments.iter().flatten().cloned().collect()
}

fn written(write: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut out = Vec::new();
    write(&mut out);
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn json_keeps_every_field(segments in segments(), msl in any::<bool>()) {
        let telemetry = Telemetry {
            source: "test".into(),
            device: Some("a \"quoted\" device".into()),
            altitude_ref: if msl { AltitudeRef::MeanSeaLevel } else { AltitudeRef::Ellipsoid },
            gps: all(&segments),
            ..Telemetry::default()
        };
        let bytes = written(|out| json::write_json(out, &telemetry).unwrap());
        let (points, parsed) = read_track(&track_input::json::KIND, &bytes);
        prop_assert_eq!(points, telemetry.gps);
        prop_assert_eq!(parsed.altitude_ref, telemetry.altitude_ref);
        prop_assert_eq!(parsed.device, telemetry.device);
    }

    #[test]
    fn csv_keeps_all_but_media_time(segments in segments()) {
        let bytes = written(|out| csv::write_csv(out, &segments).unwrap());
        let (points, _) = read_track(&track_input::csv::KIND, &bytes);
        let expected: Vec<_> = all(&segments).iter().map(|p| kept_fields(p, export_keeps("csv"))).collect();
        prop_assert_eq!(points, expected);
    }

    #[test]
    fn geojson_keeps_time_position_altitude_speed_and_course(segments in segments()) {
        let bytes = written(|out| geojson::write_geojson(out, &segments).unwrap());
        let (points, parsed) = read_track(&track_input::geojson::KIND, &bytes);
        let expected: Vec<_> = all(&segments).iter().map(|p| kept_fields(p, export_keeps("geojson"))).collect();
        prop_assert_eq!(points, expected);
        prop_assert_eq!(parsed.altitude_ref, AltitudeRef::Ellipsoid);
    }

    #[test]
    fn kml_keeps_the_timed_track_or_else_the_path(segments in segments()) {
        let bytes = written(|out| kml::write_kml(out, &segments).unwrap());
        let (points, _) = read_track(&track_input::kml::KIND, &bytes);
        let timed = segments.iter().flatten().any(|p| p.time.is_some());
        let mut expected = Vec::new();
        for segment in &segments {
            // A segment with an altitude is written `absolute`, its points without one at 0.
            let with_altitude = segment.iter().any(|p| p.altitude.is_some());
            for p in segment {
                let mut k = kept_fields(p, export_keeps("kml"));
                if timed {
                    if p.time.is_none() {
                        continue;
                    }
                    k.altitude = with_altitude.then(|| p.altitude.unwrap_or(0.0));
                }
                expected.push(k);
            }
        }
        prop_assert_eq!(points, expected);
    }

    #[test]
    fn gpx_keeps_all_but_speed_3d_and_media_time(segments in segments()) {
        let bytes = written(|out| gpx::write_gpx(out, &segments, gpx::GpxVersion::V1_1).unwrap());
        let read = telemux_read::gpx::parse(&bytes).unwrap();
        let points: Vec<GpsPoint> = read.segments.into_iter().flatten().collect();
        let expected: Vec<_> = all(&segments).iter().map(|p| kept_fields(p, export_keeps("gpx"))).collect();
        prop_assert_eq!(points.len(), expected.len());
        for (got, want) in points.iter().zip(&expected) {
            // xsd:decimal keeps 17 places: values under 0.1 may move by up to 5e-18.
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-17;
            let close_opt = |a: Option<f64>, b: Option<f64>| match (a, b) {
                (Some(a), Some(b)) => close(a, b),
                (a, b) => a == b,
            };
            // The schema's longitude excludes 180: the same meridian is written -180.
            let longitude = if want.longitude == 180.0 { -180.0 } else { want.longitude };
            prop_assert!(close(got.latitude, want.latitude), "{got:?} {want:?}");
            prop_assert!(close(got.longitude, longitude), "{got:?} {want:?}");
            for (a, b) in [
                (got.altitude, want.altitude),
                (got.speed_2d, want.speed_2d),
                (got.course, want.course),
                (got.dop, want.dop),
            ] {
                prop_assert!(close_opt(a, b), "{got:?} {want:?}");
            }
            prop_assert_eq!(
                (got.time, got.fix, got.satellites, got.speed_3d, got.media_time),
                (want.time, want.fix, want.satellites, None, None)
            );
        }
    }
}

/// Every text reader on `bytes` read whole and through a `step`-byte buffer.
fn same_whatever_the_read_size(bytes: &[u8], step: usize) -> Result<(), TestCaseError> {
    for kind in [
        &track_input::nmea::KIND,
        &track_input::kml::KIND,
        &track_input::geojson::KIND,
        &track_input::csv::KIND,
        &track_input::json::KIND,
    ] {
        let run = |input: &mut dyn std::io::BufRead| {
            let mut points = Vec::new();
            let mut parsed = track_input::Parsed::default();
            let verdict =
                (kind.read)(input, &mut |p| points.push(p), &mut parsed).map_err(|e| e.to_string());
            (points, parsed, verdict)
        };
        let whole = run(&mut &bytes[..]);
        let split = run(&mut std::io::BufReader::with_capacity(step, bytes));
        prop_assert_eq!(whole, split, "{}", kind.name);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Streaming readers must not depend on how the bytes arrive: exports cut anywhere, read
    /// whole and in small pieces, give the same points, warnings and verdict.
    #[test]
    fn cut_exports_read_the_same_whatever_the_read_size(
        segments in segments(),
        format in 0..4usize,
        cut in any::<prop::sample::Index>(),
        step in 1..64usize,
    ) {
        let bytes = written(|out| match format {
            0 => kml::write_kml(out, &segments).unwrap(),
            1 => geojson::write_geojson(out, &segments).unwrap(),
            2 => csv::write_csv(out, &segments).unwrap(),
            _ => json::write_json(out, &Telemetry { gps: all(&segments), ..Telemetry::default() }).unwrap(),
        });
        let cut = cut.index(bytes.len() + 1);
        same_whatever_the_read_size(&bytes[..cut], step)?;
    }
}
