//! Golden tests of the track file readers on the real files of `../shared/corpus/tracks`
//! (MANIFEST.md there): every FIT file against fitparse's reference decoding of its `record`
//! messages (the `-records.csv` files) or, where there is none, against fitdecode 0.11.0's
//! (an independent Python decoder: `tests/track_inputs.rs` says how), and every DJI SRT
//! dialect against its text.

use std::path::PathBuf;

use telemux_read::model::GpsPoint;
use telemux_read::track_input::{detect_file, Parsed, TrackInputError, HEAD_LEN};
use telemux_testkit::corpus_or_skip;
use time::macros::datetime;
use time::OffsetDateTime;

fn corpus(name: &str) -> Option<PathBuf> {
    Some(corpus_or_skip("track_inputs")?.join("tracks").join(name))
}

/// A file's format and what its reader gave.
type Read = (
    &'static str,
    Result<(Vec<GpsPoint>, Parsed), TrackInputError>,
);

/// Every point the file's reader emits, in file order, detected by content alone.
fn read(name: &str) -> Option<Read> {
    let bytes = std::fs::read(corpus(name)?).unwrap();
    let head = &bytes[..bytes.len().min(HEAD_LEN)];
    let kind = detect_file(head, None).expect("detected by content");
    let mut points = Vec::new();
    let mut parsed = Parsed::default();
    let result = (kind.read)(&mut &bytes[..], &mut |p| points.push(p), &mut parsed);
    Some((kind.name, result.map(|()| (points, parsed))))
}

const SEMICIRCLE: f64 = 180.0 / 2_147_483_648.0;

/// (time, latitude, longitude) of a point.
fn fix(point: &GpsPoint) -> (OffsetDateTime, f64, f64) {
    (point.time.unwrap(), point.latitude, point.longitude)
}

/// The reference's time, and position in semicircles.
fn reference(time: OffsetDateTime, lat: i64, lon: i64) -> (OffsetDateTime, f64, f64) {
    (time, lat as f64 * SEMICIRCLE, lon as f64 * SEMICIRCLE)
}

/// The `-records.csv` reference: (UTC time, latitude, longitude) of each row.
fn reference_rows(name: &str) -> Option<Vec<(OffsetDateTime, f64, f64)>> {
    let text = std::fs::read_to_string(corpus(name)?).unwrap();
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let rows = text.lines().skip(1).map(|line| {
        let cells: Vec<&str> = line.split(',').collect();
        // "Sun Sep 25 06:00:22 PDT 2011": US Pacific time as fitparse's tests wrote it.
        let t: Vec<&str> = cells[0].split(' ').collect();
        let month = months.iter().position(|m| *m == t[1]).unwrap() as u8 + 1;
        let hms: Vec<u8> = t[3].split(':').map(|v| v.parse().unwrap()).collect();
        let local = time::PrimitiveDateTime::new(
            time::Date::from_calendar_date(
                t[5].parse().unwrap(),
                time::Month::try_from(month).unwrap(),
                t[2].parse().unwrap(),
            )
            .unwrap(),
            time::Time::from_hms(hms[0], hms[1], hms[2]).unwrap(),
        );
        let offset = match t[4] {
            "PDT" => time::macros::offset!(-7),
            "PST" => time::macros::offset!(-8),
            zone => panic!("zone {zone}"),
        };
        let lat: i64 = cells[5].parse().unwrap();
        let lon: i64 = cells[6].parse().unwrap();
        reference(
            local.assume_offset(offset).to_offset(time::UtcOffset::UTC),
            lat,
            lon,
        )
    });
    Some(rows.collect())
}

#[test]
fn fit_files_match_fitparse_reference_decodings() {
    // (file, its reference, points). fitparse's CSV repeats the last position in a row for
    // a record that has none (9 rows of the Edge 500's, at 13:16:13 UTC and after, whose
    // `position_lat`/`position_long` are the FIT "invalid" value, as fitdecode also reads
    // them): those records have no point.
    let cases = [
        (
            "fit/garmin-edge-500-activity.fit",
            "fit/garmin-edge-500-activity-records.csv",
            10677,
        ),
        (
            "fit/garmin-fenix-5-bike.fit",
            "fit/garmin-fenix-5-bike-records.csv",
            19,
        ),
        (
            "fit/garmin-fenix-5-run.fit",
            "fit/garmin-fenix-5-run-records.csv",
            21,
        ),
    ];
    for (name, csv, count) in cases {
        let (Some((format, result)), Some(rows)) = (read(name), reference_rows(csv)) else {
            return;
        };
        assert_eq!(format, "FIT");
        let (points, parsed) = result.unwrap();
        assert_eq!(points.len(), count, "{name}");
        assert_eq!(fix(&points[0]), rows[0], "{name}");
        assert_eq!(fix(points.last().unwrap()), *rows.last().unwrap(), "{name}");
        // Every point is a row of the reference, in the same order.
        let mut at = 0;
        for point in &points {
            let found = rows[at..].iter().position(|row| *row == fix(point));
            at += found.unwrap_or_else(|| panic!("{name}: {:?} not in the reference", fix(point)))
                + 1;
        }
        assert_eq!(
            rows.len() - points.len(),
            if count == 10677 { 9 } else { 0 },
            "{name}"
        );
        assert_eq!(parsed.warning_count, 0, "{name}: {:?}", parsed.warnings);
        assert_eq!(
            parsed.altitude_ref,
            telemux_read::model::AltitudeRef::MeanSeaLevel
        );
    }
}

#[test]
fn fit_altitude_and_speed_are_the_reference_values() {
    let (Some((_, Ok((points, parsed)))), Some(text)) = (
        read("fit/garmin-fenix-5-bike.fit"),
        corpus("fit/garmin-fenix-5-bike-records.csv").map(|p| std::fs::read_to_string(p).unwrap()),
    ) else {
        return;
    };
    // Second row: speed 8.024 m/s, altitude -1.8000000000000114 m.
    let row: Vec<&str> = text.lines().nth(2).unwrap().split(',').collect();
    assert_eq!(points[1].speed_2d, Some(row[3].parse().unwrap()));
    let altitude: f64 = row[7].parse().unwrap();
    assert!((points[1].altitude.unwrap() - altitude).abs() < 1e-9);
    assert!(
        parsed
            .device
            .as_deref()
            .is_some_and(|d| d.starts_with("garmin")),
        "{:?}",
        parsed.device
    );
}

#[test]
fn fit_files_without_reference_match_fitdecode() {
    // From fitdecode 0.11.0 (`record` messages with a position and a timestamp).
    let cases = [
        (
            "fit/activity-small-fenix2-run.fit",
            2809,
            (
                datetime!(2015-08-15 14:45:08 UTC),
                58.95918281748891,
                5.728839039802551,
            ),
            (
                datetime!(2015-08-15 15:32:21 UTC),
                58.95881451666355,
                5.729834055528045,
            ),
        ),
        (
            "fit/coros-pace-2-cycling-misaligned-fields.fit",
            10305,
            (
                datetime!(2020-10-25 11:10:50 UTC),
                4.72321811132133,
                -73.97118078544736,
            ),
            (
                datetime!(2020-10-25 14:42:17 UTC),
                4.665049044415355,
                -73.87279274873435,
            ),
        ),
    ];
    for (name, count, first, last) in cases {
        let Some((_, result)) = read(name) else {
            return;
        };
        let (points, parsed) = result.unwrap();
        assert_eq!(points.len(), count, "{name}");
        assert_eq!(fix(&points[0]), first, "{name}");
        assert_eq!(fix(points.last().unwrap()), last, "{name}");
        assert_eq!(parsed.warning_count, 0, "{name}: {:?}", parsed.warnings);
    }
}

/// (media time, latitude, longitude, time) of a point.
fn srt_fix(point: &GpsPoint) -> (f64, f64, f64, Option<OffsetDateTime>) {
    (
        point.media_time.unwrap(),
        point.latitude,
        point.longitude,
        point.time,
    )
}

#[test]
fn every_dji_srt_dialect_reads_with_latitude_and_longitude_right() {
    type Fix = (f64, f64, f64, Option<OffsetDateTime>);
    // (file, points, first, last), from the files' text. The unnamed dialects write
    // longitude first: `GPS(149.0251,-20.2533,16)` is at latitude -20.2533 (Australia).
    let cases: [(&str, usize, Fix, Fix); 7] = [
        (
            "dji/dji-MAVIC3.srt",
            12318,
            (
                0.0,
                3.41531,
                -3.37440,
                Some(datetime!(2021-12-25 12:27:52.373 UTC)),
            ),
            (
                246.34,
                3.41368,
                -3.37721,
                Some(datetime!(2021-12-25 12:31:58.710 UTC)),
            ),
        ),
        (
            "dji/dji-air2s.srt",
            17,
            (
                0.0,
                41.424724,
                2.234156,
                Some(datetime!(2022-08-07 13:40:40.774808 UTC)),
            ),
            (
                0.533,
                41.424730,
                2.234102,
                Some(datetime!(2022-08-07 13:40:41.308639 UTC)),
            ),
        ),
        (
            "dji/dji-mavic_air2.srt",
            25,
            (
                0.0,
                41.420684,
                2.162162,
                Some(datetime!(2022-05-01 15:01:58.531716 UTC)),
            ),
            (
                0.4,
                41.420686,
                2.162162,
                Some(datetime!(2022-05-01 15:01:58.931885 UTC)),
            ),
        ),
        (
            "dji/dji-mavic_pro.SRT",
            468,
            (
                1.0,
                -20.2533,
                149.0251,
                Some(datetime!(2017-08-05 14:11:51 UTC)),
            ),
            (
                468.0,
                -20.2532,
                149.0251,
                Some(datetime!(2017-08-05 14:19:39 UTC)),
            ),
        ),
        (
            "dji/dji-old_format.SRT",
            468,
            (
                1.0,
                -20.2533,
                149.0251,
                Some(datetime!(2017-08-05 14:11:51 UTC)),
            ),
            (
                468.0,
                -20.2532,
                149.0251,
                Some(datetime!(2017-08-05 14:19:39 UTC)),
            ),
        ),
        (
            "dji/dji-mavic_mini.SRT",
            117,
            (0.0, 48.0771, -121.7458, None),
            (116.0, 48.0775, -121.7476, None),
        ),
        (
            "dji/dji-p4_rtk.SRT",
            55,
            (0.0, -34.237922, -58.851745, None),
            (54.0, -34.232349, -58.849196, None),
        ),
    ];
    for (name, count, first, last) in cases {
        let Some((format, result)) = read(name) else {
            return;
        };
        assert_eq!(format, "DJI SRT", "{name}");
        let (points, parsed) = result.unwrap();
        assert_eq!(points.len(), count, "{name}");
        assert_eq!(srt_fix(&points[0]), first, "{name}");
        assert_eq!(srt_fix(points.last().unwrap()), last, "{name}");
        assert_eq!(parsed.warning_count, 0, "{name}: {:?}", parsed.warnings);
    }
}

#[test]
fn named_dialects_give_the_altitude_unnamed_ones_the_satellites() {
    let Some((_, Ok((points, _)))) = read("dji/dji-MAVIC3.srt") else {
        return;
    };
    // `[rel_alt: -2.400 abs_alt: 0.401]`: the absolute one.
    assert_eq!(points[0].altitude, Some(0.401));
    let Some((_, Ok((points, _)))) = read("dji/dji-p4_rtk.SRT") else {
        return;
    };
    // `GPS (-58.851745, -34.237922, 15)`, `H 85.80m` (above take-off: left out).
    assert_eq!((points[0].satellites, points[0].altitude), (Some(15), None));
}

#[test]
fn a_cut_srt_gives_the_points_before_and_a_warning_naming_the_line() {
    let Some((_, result)) = read("dji/dji-broken_incomplete.SRT") else {
        return;
    };
    let (points, parsed) = result.unwrap();
    assert_eq!(points.len(), 19);
    assert_eq!(
        srt_fix(points.last().unwrap()),
        (
            19.0,
            -34.7383,
            -58.4563,
            Some(datetime!(2017-07-03 10:15:21 UTC))
        )
    );
    assert_eq!(parsed.warning_count, 1);
    assert_eq!(
        parsed.warnings[0].to_string(),
        "line 116: the file ends inside a subtitle without its GPS (cut short?)"
    );
}

#[test]
fn damaged_fit_files_give_the_points_before_the_damage_and_say_where() {
    // (file, points, last point, warning). fitdecode 0.11.0 reads the same points and stops
    // at the same places (byte 768: "expected 1 bytes, got 0"; 771: "not a FIT file"; 7471:
    // "local message 11 not defined").
    let cases = [
        (
            "fit/activity-unexpected-eof.fit",
            14,
            (
                datetime!(2012-04-09 21:22:39 UTC),
                41.51392372325063,
                -73.14863906241953,
            ),
            "byte 751: the file ends inside a message or header (cut short or damaged?); the \
             rest of the file is not read",
        ),
        (
            "fit/activity-settings-corruptheader.fit",
            14,
            (
                datetime!(2012-04-09 21:22:39 UTC),
                41.51392372325063,
                -73.14863906241953,
            ),
            "byte 771: the file ends inside a message or header (cut short or damaged?); the \
             rest of the file is not read",
        ),
        (
            "fit/strava-android-app-201.10-b1218918.fit",
            237,
            // The record just before the damage is itself damaged (its time is 2085), as
            // fitdecode reads it too: the cleaning before inject does not reach it (it is far
            // outside any video), an extract shows it.
            (
                datetime!(2085-12-21 16:46:58 UTC),
                44.04338529333472,
                -121.31818475201726,
            ),
            "byte 7471: No definition found for local message number 11 at position 0x1d2f; \
             the rest of the file is not read",
        ),
    ];
    for (name, count, last, warning) in cases {
        let Some((_, result)) = read(name) else {
            return;
        };
        let (points, parsed) = result.unwrap();
        assert_eq!(points.len(), count, "{name}");
        assert_eq!(fix(points.last().unwrap()), last, "{name}");
        assert_eq!(parsed.warning_count, 1, "{name}");
        assert_eq!(parsed.warnings[0].to_string(), warning, "{name}");
    }
}

#[test]
fn fit_and_srt_read_a_few_bytes_at_a_time_as_whole() {
    // The streaming readers meet every message and line split across reads.
    for name in [
        "fit/garmin-fenix-5-run.fit",
        "fit/activity-unexpected-eof.fit",
        "dji/dji-air2s.srt",
        "dji/dji-broken_incomplete.SRT",
    ] {
        let Some(path) = corpus(name) else {
            return;
        };
        let bytes = std::fs::read(&path).unwrap();
        let kind = detect_file(&bytes, None).unwrap();
        let mut whole = (Vec::new(), Parsed::default());
        (kind.read)(&mut &bytes[..], &mut |p| whole.0.push(p), &mut whole.1).unwrap();
        let mut small = (Vec::new(), Parsed::default());
        let mut reader = std::io::BufReader::with_capacity(7, &bytes[..]);
        (kind.read)(&mut reader, &mut |p| small.0.push(p), &mut small.1).unwrap();
        assert_eq!(whole, small, "{name}");
        assert!(!whole.0.is_empty());
    }
}

proptest::proptest! {
    #[test]
    fn damaged_corpus_files_never_panic(cut in 0usize..6000, flip in 0usize..6000, byte: u8) {
        for name in ["fit/garmin-fenix-5-run.fit", "dji/dji-air2s.srt"] {
            let Some(path) = corpus(name) else {
                return Ok(());
            };
            let mut bytes = std::fs::read(&path).unwrap();
            if let Some(b) = bytes.get_mut(flip) {
                *b = byte;
            }
            bytes.truncate(cut);
            let kind = detect_file(&std::fs::read(&path).unwrap(), None).unwrap();
            let mut points = Vec::new();
            let _ = (kind.read)(&mut &bytes[..], &mut |p| points.push(p), &mut Parsed::default());
            proptest::prop_assert!(points
                .iter()
                .all(|p| p.latitude.abs() <= 90.0 && p.longitude.abs() <= 180.0));
        }
    }
}
