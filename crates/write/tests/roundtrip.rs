//! What the GPX and CSV exports write reads back: telemux's own GPX reader for GPX (exact,
//! except numbers below 0.1 rounded to 17 decimal places), and a small independent CSV parser
//! for CSV (exact).

mod common;

use proptest::prelude::*;
use telemux_read::{gpx, Fix, GpsPoint};
use telemux_write::export::csv::{write_csv, HEADER};
use telemux_write::export::gpx::{write_gpx, GpxVersion};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

fn gpx_round_trip(segments: &[Vec<GpsPoint>], version: GpxVersion) -> Vec<Vec<GpsPoint>> {
    let mut out = Vec::new();
    write_gpx(&mut out, segments, version).unwrap();
    let data = gpx::parse(&out).unwrap();
    let expected_version = match version {
        GpxVersion::V1_1 => "1.1",
        GpxVersion::V1_0 => "1.0",
        other => panic!("no expected version for {other:?}"),
    };
    assert_eq!(data.version.as_deref(), Some(expected_version));
    assert_eq!(data.creator.as_deref(), Some("telemux"));
    data.segments
}

proptest! {
    #[test]
    fn gpx_1_1_reads_back_as_written(segments in common::segments(common::gpx_point())) {
        let read = gpx_round_trip(&segments, GpxVersion::V1_1);
        prop_assert!(common::same_segments(&segments, &read), "wrote {segments:?}\nread {read:?}");
    }

    #[test]
    fn gpx_1_0_reads_back_as_written(segments in common::segments(common::gpx_point())) {
        let read = gpx_round_trip(&segments, GpxVersion::V1_0);
        prop_assert!(common::same_segments(&segments, &read), "wrote {segments:?}\nread {read:?}");
    }

    #[test]
    fn csv_reads_back_exactly(segments in common::segments(common::csv_point())) {
        let mut out = Vec::new();
        write_csv(&mut out, &segments).unwrap();
        let text = String::from_utf8(out).unwrap();
        let flat: Vec<GpsPoint> = segments.into_iter().flatten().collect();
        prop_assert_eq!(parse_csv(&text), flat);
    }
}

/// Just enough of RFC 4180 for this export: CRLF rows, no quoted fields.
fn parse_csv(text: &str) -> Vec<GpsPoint> {
    let rows = text.strip_suffix("\r\n").unwrap_or(text);
    let mut lines = rows.split("\r\n");
    assert_eq!(lines.next(), Some(HEADER));
    lines
        .filter(|line| !line.is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            assert_eq!(fields.len(), 10, "{line}");
            let float =
                |i: usize| (!fields[i].is_empty()).then(|| fields[i].parse::<f64>().unwrap());
            GpsPoint {
                time: (!fields[0].is_empty())
                    .then(|| OffsetDateTime::parse(fields[0], &Rfc3339).unwrap()),
                altitude: float(3),
                speed_2d: float(4),
                speed_3d: float(5),
                course: float(6),
                fix: match fields[7] {
                    "" => None,
                    "none" => Some(Fix::None),
                    "2d" => Some(Fix::TwoD),
                    "3d" => Some(Fix::ThreeD),
                    other => panic!("fix {other}"),
                },
                dop: float(8),
                satellites: (!fields[9].is_empty()).then(|| fields[9].parse().unwrap()),
                ..GpsPoint::new(fields[1].parse().unwrap(), fields[2].parse().unwrap())
            }
        })
        .collect()
}

#[test]
fn csv_rows_are_exact_text() {
    let point = GpsPoint {
        time: Some(time::macros::datetime!(2022-09-17 14:02:10.25 UTC)),
        altitude: Some(519.3),
        speed_3d: Some(13.7),
        fix: Some(Fix::TwoD),
        satellites: Some(4),
        ..GpsPoint::new(48.137154, 11.575382)
    };
    let mut out = Vec::new();
    write_csv(&mut out, &[vec![point, GpsPoint::new(-1.5, 2.0)]]).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "time,latitude,longitude,altitude,speed_2d,speed_3d,course,fix,dop,satellites\r\n\
         2022-09-17T14:02:10.250Z,48.137154,11.575382,519.3,,13.7,,2d,,4\r\n\
         ,-1.5,2,,,,,,,\r\n"
    );
}
