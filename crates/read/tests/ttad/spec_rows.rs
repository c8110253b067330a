//! The three GPS rows ExifTool's source documents (spec §2.2).

use telemux_read::model::{AltitudeRef, Fix};
use telemux_read::ttad::{decode, DecodeOptions, Record, Records, StreamEnd};
use time::macros::datetime;

use crate::payload::{exiftool_rows, gps_body, Payload};

pub(crate) fn rows_payload() -> Vec<u8> {
    let [a, b, c] = exiftool_rows();
    let mut payload = Payload::fixed76();
    payload.timecode(0).gps(&a);
    payload.timecode(1000).gps(&b);
    payload.timecode(2000).gps(&c);
    payload.bytes()
}

#[test]
fn exiftool_rows_decode_exactly() {
    let payload = rows_payload();
    let decoded = decode(&payload, &DecodeOptions::default()).unwrap();
    let telemetry = &decoded.telemetry;
    assert_eq!(telemetry.source, "TomTom Bandit TTAD");
    assert_eq!(telemetry.altitude_ref, AltitudeRef::MeanSeaLevel);
    assert!(telemetry.sensors.is_empty());
    assert_eq!(decoded.gps_dropped, 0);

    let times = [
        datetime!(2019-03-05 07:52:58.999 UTC),
        datetime!(2019-03-05 07:52:59.999 UTC),
        datetime!(2019-03-05 07:53:00.999 UTC),
    ];
    let rows = [
        // speed, alt, lat, lon, track
        (0.02, 242.0, 48.0254203, 7.8497567, 45.69),
        (0.14, 242.0, 48.0254203, 7.8497567, 45.7),
        (0.67, 243.78, 48.0254584, 7.8497907, 50.93),
    ];
    assert_eq!(telemetry.gps.len(), 3);
    for (i, (point, (speed, alt, lat, lon, track))) in telemetry.gps.iter().zip(rows).enumerate() {
        assert_eq!(point.time, Some(times[i]));
        assert_eq!(point.media_time, Some(i as f64));
        assert_eq!((point.latitude, point.longitude), (lat, lon));
        assert_eq!(point.altitude, Some(alt));
        assert_eq!(point.speed_2d, Some(speed));
        assert_eq!(point.speed_3d, None);
        assert_eq!(point.course, Some(track));
        assert_eq!(point.fix, Some(Fix::ThreeD));
        assert_eq!(point.satellites, Some(5));
        assert_eq!(point.dop, None);
    }

    let summary = &decoded.summary;
    assert_eq!(summary.stream_start, 76);
    assert_eq!(summary.stream_end, payload.len());
    assert_eq!(payload.len(), 76 + 3 * (5 + 93));
    assert_eq!(summary.end, StreamEnd::Complete);
    assert_eq!(
        summary.records.iter().collect::<Vec<_>>(),
        [(&5, &3), (&0xFF, &3)]
    );
    assert_eq!(summary.skipped_bytes, 0);
}

#[test]
fn uncertainties_are_kept_as_stored_in_the_records() {
    let payload = rows_payload();
    let fixes: Vec<_> = Records::new(&payload)
        .unwrap()
        .map(|timed| match timed.record {
            Record::Gps(fix) => fix,
            other => panic!("expected GPS, got {other:?}"),
        })
        .collect();
    let got: Vec<_> = fixes
        .iter()
        .map(|f| (f.mode, f.reserved, f.epv, f.epy, f.epx, f.satellites))
        .collect();
    assert_eq!(
        got,
        [
            (3, 0, 13.34, 17.218, 17.218, 5),
            (3, 0, 12.96, 15.662, 15.662, 5),
            (3, 0, 9.16, 10.84, 10.84, 5),
        ]
    );
    assert!(fixes.iter().all(|f| f.epd.is_nan()));
}

/// ExifTool unpacks the record tail as int16s and prints `0 0 0 32760 5 0`: the NaN track
/// uncertainty followed by the satellite count, which pins the last two fields' offsets.
#[test]
fn the_record_tail_is_what_exiftool_prints_as_int16() {
    let body = gps_body(&exiftool_rows()[0]);
    let tail: Vec<i16> = body[0x50..]
        .chunks_exact(2)
        .map(|pair| i16::from_le_bytes([pair[0], pair[1]]))
        .collect();
    assert_eq!(tail, [0, 0, 0, 32760, 5, 0]);
}
