//! GPX input on the committed real-world-style files in `fixtures/gpx/` (see fixtures/README.md).

use std::path::PathBuf;

use telemux_read::gpx::{self, GpxData, GpxError, MergeReport, PointSource, Position};
use telemux_read::{AltitudeRef, Fix, GpsPoint};
use time::macros::datetime;
use time::OffsetDateTime;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/gpx")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

fn parse(name: &str) -> GpxData {
    gpx::parse(&fixture(name)).unwrap_or_else(|err| panic!("{name}: {err}"))
}

fn column<P, T>(points: &[P], field: impl Fn(&P) -> T) -> Vec<T> {
    points.iter().map(field).collect()
}

#[test]
fn garmin_edge_with_trackpointextension_v2() {
    let data = parse("garmin-edge-tpx-v2.gpx");
    assert_eq!(data.version.as_deref(), Some("1.1"));
    assert_eq!(data.creator.as_deref(), Some("Garmin Edge 830"));
    assert_eq!(data.name.as_deref(), Some("Seestrasse"));
    assert_eq!(data.source, PointSource::Tracks);
    assert_eq!(data.segments.len(), 1);
    let points = &data.segments[0];
    assert_eq!(
        points[0],
        GpsPoint {
            time: Some(datetime!(2023-06-01 08:15:00 UTC)),
            altitude: Some(409.6),
            speed_2d: Some(7.92),
            course: Some(162.0),
            ..GpsPoint::new(47.36632096208632, 8.541287034749985)
        }
    );
    assert_eq!(
        column(points, |p| p.speed_2d),
        [Some(7.92), Some(8.05), Some(8.11), Some(8.02), Some(7.98)]
    );
    assert_eq!(
        column(points, |p| p.course),
        [
            Some(162.0),
            Some(161.5),
            Some(161.9),
            Some(162.3),
            Some(162.1)
        ]
    );
    assert_eq!(points[4].latitude, 47.36604802682996);
    assert_eq!(points[4].longitude, 8.541427096351981);
    assert_eq!(points[4].time, Some(datetime!(2023-06-01 08:15:04 UTC)));
    // hr, cad and atemp are not part of the model; the metadata time is not a point time.
    assert!(points
        .iter()
        .all(|p| p.dop.is_none() && p.speed_3d.is_none()));
}

#[test]
fn gpx_1_0_speed_course_fix_sat_hdop() {
    let data = parse("gpx10-speed-course.gpx");
    assert_eq!(data.version.as_deref(), Some("1.0"));
    assert_eq!(
        data.creator.as_deref(),
        Some("GPSBabel - https://www.gpsbabel.org")
    );
    assert_eq!(data.name.as_deref(), Some("NMEA log A2 Munich"));
    let points = &data.segments[0];
    assert_eq!(
        column(points, |p| (p.latitude, p.longitude)),
        [
            (48.137154, 11.575382),
            (48.137226, 11.57555),
            (48.137299, 11.575719),
            (48.137368, 11.575885),
            (48.137502, 11.576151)
        ]
    );
    assert_eq!(
        column(points, |p| p.speed_2d),
        [
            Some(13.61),
            Some(13.72),
            Some(13.79),
            Some(13.65),
            Some(13.48)
        ]
    );
    assert_eq!(
        column(points, |p| p.course),
        [
            Some(58.900002),
            Some(59.200001),
            Some(59.400002),
            Some(59.099998),
            Some(58.700001)
        ]
    );
    // `dgps` is a corrected 3D fix.
    assert_eq!(
        column(points, |p| p.fix),
        [
            Some(Fix::ThreeD),
            Some(Fix::ThreeD),
            Some(Fix::ThreeD),
            Some(Fix::TwoD),
            Some(Fix::ThreeD)
        ]
    );
    assert_eq!(
        column(points, |p| p.satellites),
        [Some(9), Some(9), Some(10), Some(4), Some(8)]
    );
    assert_eq!(
        column(points, |p| p.dop),
        [Some(0.9), Some(0.9), Some(0.8), Some(2.6), Some(1.1)]
    );
    assert_eq!(
        column(points, |p| p.altitude),
        [Some(519.3), Some(519.1), Some(518.8), None, Some(518.5)]
    );
    assert_eq!(points[4].time, Some(datetime!(2022-09-17 14:02:15 UTC)));
}

#[test]
fn strava_export_names_the_track_and_has_no_speeds() {
    let data = parse("strava-ride.gpx");
    assert_eq!(data.creator.as_deref(), Some("StravaGPX"));
    assert_eq!(data.name.as_deref(), Some("Morning Ride"));
    let points = &data.segments[0];
    assert_eq!(points.len(), 4);
    assert_eq!(
        column(points, |p| (p.longitude, p.altitude)),
        [
            (-0.124589, Some(6.2)),
            (-0.124101, Some(6.4)),
            (-0.123548, Some(6.8)),
            (-0.122962, Some(7.0))
        ]
    );
    assert_eq!(
        column(points, |p| p.time),
        [
            Some(datetime!(2023-05-20 06:42:11 UTC)),
            Some(datetime!(2023-05-20 06:42:16 UTC)),
            Some(datetime!(2023-05-20 06:42:20 UTC)),
            Some(datetime!(2023-05-20 06:42:24 UTC))
        ]
    );
    assert!(points.iter().all(|p| p.speed_2d.is_none()));
}

#[test]
fn phone_app_offsets_fractions_bare_speed_and_segments() {
    let data = parse("phone-offsets-segments.gpx");
    assert_eq!(data.creator.as_deref(), Some("OsmAnd~ 4.5.10"));
    assert_eq!(data.name.as_deref(), Some("Champs-Élysées & Concorde"));
    assert_eq!(column(&data.segments, Vec::len), [3, 2, 1]);
    let times: Vec<Option<OffsetDateTime>> =
        data.segments.iter().flatten().map(|p| p.time).collect();
    assert_eq!(
        times,
        [
            Some(datetime!(2023-07-14 08:00:00.250 UTC)),
            Some(datetime!(2023-07-14 08:00:01.5 UTC)),
            Some(datetime!(2023-07-14 08:00:03 UTC)),
            Some(datetime!(2023-07-14 08:03:40.125 UTC)),
            Some(datetime!(2023-07-14 08:03:41.375 UTC)),
            Some(datetime!(2023-07-14 08:05:00 UTC))
        ]
    );
    let first = &data.segments[0];
    assert_eq!(
        column(first, |p| p.speed_2d),
        [Some(4.2), Some(4.35), Some(4.4)]
    );
    assert_eq!(column(first, |p| p.dop), [Some(3.8), Some(3.6), None]);
    assert_eq!(column(first, |p| p.satellites), [None, None, Some(11)]);
    assert_eq!(data.segments[1][1].speed_2d, Some(6.1));
    assert_eq!(data.segments[2][0].speed_2d, None);

    let (telemetry, report) = data.into_telemetry();
    assert_eq!(telemetry.source, "GPX");
    assert_eq!(telemetry.device.as_deref(), Some("OsmAnd~ 4.5.10"));
    assert_eq!(telemetry.altitude_ref, AltitudeRef::MeanSeaLevel);
    assert_eq!(report, MergeReport::default());
    assert_eq!(
        column(&telemetry.gps, |p| p.latitude),
        [48.869812, 48.869693, 48.869576, 48.866503, 48.866352, 48.865633]
    );
}

#[test]
fn route_with_times_is_used_and_planned_route_is_not() {
    let data = parse("route-with-times.gpx");
    assert_eq!(data.source, PointSource::Routes);
    assert_eq!(data.unused_routes, 1);
    assert_eq!(data.unused_waypoints, 1);
    assert_eq!(data.segments.len(), 1);
    assert_eq!(
        column(&data.segments[0], |p| (
            p.latitude,
            p.longitude,
            p.altitude,
            p.time
        )),
        [
            (
                40.7590615,
                -73.9845256,
                Some(17.0),
                Some(datetime!(2021-10-03 14:20:05 UTC))
            ),
            (
                40.758497,
                -73.985039,
                Some(16.0),
                Some(datetime!(2021-10-03 14:20:55 UTC))
            ),
            (
                40.7579747,
                -73.9855426,
                Some(16.0),
                Some(datetime!(2021-10-03 14:21:41 UTC))
            )
        ]
    );
}

#[test]
fn several_files_merge_into_one_track() {
    let files = [
        "phone-offsets-segments.gpx",
        "garmin-edge-tpx-v2.gpx",
        "gpx10-speed-course.gpx",
    ];
    let segments = files.iter().flat_map(|name| parse(name).segments);
    let merged = gpx::merge_by_time(segments);
    assert_eq!(merged.points.len(), 6 + 5 + 5);
    assert_eq!(merged.report, MergeReport::default());
    assert!(merged.points.windows(2).all(|w| w[0].time < w[1].time));
    assert_eq!(
        merged.points[0].time,
        Some(datetime!(2022-09-17 14:02:10 UTC))
    );
    assert_eq!(
        merged.points[15].time,
        Some(datetime!(2023-07-14 08:05:00 UTC))
    );
}

#[test]
fn truncated_file_names_the_open_element() {
    let err = gpx::parse(&fixture("malformed-unclosed.gpx")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "malformed XML at line 12, column 1 (byte 421) in gpx/trk[0]/trkseg[0]/trkpt[1]: \
         the file ends before this element is closed"
    );
}

#[test]
fn bad_time_names_the_element_and_line() {
    let err = gpx::parse(&fixture("malformed-bad-time.gpx")).unwrap_err();
    assert_eq!(
        err,
        GpxError::InvalidValue {
            position: Position {
                line: 14,
                column: 9,
                byte: 483
            },
            path: "gpx/trk[0]/trkseg[1]/trkpt[1]/time".into(),
            value: "2023-06-01T08:15:61Z".into(),
            reason: "time of day out of range",
        }
    );
    assert_eq!(
        err.to_string(),
        "gpx/trk[0]/trkseg[1]/trkpt[1]/time at line 14, column 9 (byte 483): \
         invalid value \"2023-06-01T08:15:61Z\": time of day out of range"
    );
}

#[test]
fn decimal_comma_is_a_bad_number() {
    let err = gpx::parse(&fixture("malformed-bad-number.gpx")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "gpx/trk[0]/trkseg[0]/trkpt[1]/@lat at line 8, column 7 (byte 234): \
         invalid value \"52,520112\": expected a number"
    );
}
