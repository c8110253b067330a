//! Every record type of the format description, built by the generator and decoded back.

use std::f64::consts::PI;

use telemux_read::ttad::{
    decode, ByteOrder, DecodeOptions, GpsRecord, Layout, Record, Records, StreamEnd, TimedRecord,
};

use crate::assert_close;
use crate::payload::{exiftool_rows, gps_body, Payload, FULL_TABLE};

const CADENCE: [u8; 6] = [1, 2, 3, 4, 5, 6];

/// Every type once at 0 ms, then more samples at 40 ms; the offsets of the records built.
fn every_type(payload: &mut Payload, gps: &GpsRecord) -> Vec<usize> {
    let mut offsets = Vec::new();
    let mut at = |payload: &Payload| offsets.push(payload.len());
    payload.timecode(0);
    at(payload);
    payload.gyro([1500, -250, 90_000]);
    at(payload);
    payload.barometer(98_123);
    at(payload);
    payload.magnetometer([806, 8124, -4323]);
    at(payload);
    payload.accelerometer([12, -1003, 25]);
    at(payload);
    payload.thermometer(23_456);
    at(payload);
    payload.gps(gps);
    at(payload);
    payload.heart_rate(142);
    at(payload);
    payload.record(7, &CADENCE);
    payload.timecode(40);
    at(payload);
    payload.accelerometer([0, 0, -1000]);
    at(payload);
    payload.thermometer(-5250);
    offsets
}

fn expected_records<'a>(offsets: &[usize], gps: GpsRecord) -> Vec<TimedRecord<'a>> {
    let records = [
        (0, Record::Gyro([1500, -250, 90_000])),
        (0, Record::Barometer(98_123)),
        (0, Record::Magnetometer([806, 8124, -4323])),
        (0, Record::Accelerometer([12, -1003, 25])),
        (0, Record::Thermometer(23_456)),
        (0, Record::Gps(gps)),
        (0, Record::HeartRate(142)),
        (
            0,
            Record::Other {
                kind: 7,
                body: &CADENCE,
            },
        ),
        (40, Record::Accelerometer([0, 0, -1000])),
        (40, Record::Thermometer(-5250)),
    ];
    offsets
        .iter()
        .zip(records)
        .map(|(&offset, (t_ms, record))| TimedRecord {
            offset,
            t_ms,
            record,
        })
        .collect()
}

/// A GPS record without NaN, so that whole records compare equal.
fn plain_gps() -> GpsRecord {
    GpsRecord {
        epd: 1.5,
        ..exiftool_rows()[2]
    }
}

#[test]
fn every_record_type_decodes_to_its_stored_values() {
    for order in [ByteOrder::Big, ByteOrder::Little] {
        let mut payload = Payload::with_table(order, &FULL_TABLE);
        let offsets = every_type(&mut payload, &plain_gps());
        let bytes = payload.bytes();
        let mut records = Records::new(&bytes).unwrap();
        let got: Vec<_> = records.by_ref().collect();
        assert_eq!(got, expected_records(&offsets, plain_gps()));
        assert_eq!(offsets[0], 8 + 9 * 8 + 5);

        let summary = records.finish();
        assert_eq!(summary.version, 1);
        assert_eq!(
            summary.layout,
            Layout::Table {
                byte_order: order,
                entries: 9
            }
        );
        assert_eq!(summary.stream_start, 80);
        assert_eq!(summary.stream_end, bytes.len());
        assert_eq!(summary.end, StreamEnd::Complete);
        let counts: Vec<(u8, u64)> = summary.records.into_iter().collect();
        assert_eq!(
            counts,
            [
                (0, 1),
                (1, 1),
                (2, 1),
                (3, 2),
                (4, 2),
                (5, 1),
                (6, 1),
                (7, 1),
                (0xFF, 2)
            ]
        );
        assert_eq!(summary.undersized, 0);
        assert_eq!(summary.skipped_bytes, 0);
        assert!(summary.unknown_types.is_empty());
    }
}

/// Media time and values of one sensor sample.
type Sample<'a> = (f64, &'a [f64]);

#[test]
fn sensor_streams_carry_si_units_and_timecodes() {
    let mut payload = Payload::with_table(ByteOrder::Big, &FULL_TABLE);
    every_type(&mut payload, &plain_gps());
    let decoded = decode(&payload.bytes(), &DecodeOptions::default()).unwrap();
    let g = 9.80665;
    let deg = PI / 180.0;
    let want: [(&str, &str, &[Sample]); 6] = [
        (
            "ACCL",
            "m/s²",
            &[
                (0.0, &[0.012 * g, -1.003 * g, 0.025 * g]),
                (0.04, &[0.0, 0.0, -g]),
            ],
        ),
        (
            "GYRO",
            "rad/s",
            &[(0.0, &[1.5 * deg, -0.25 * deg, 90.0 * deg])],
        ),
        ("MAGN", "µT", &[(0.0, &[0.806, 8.124, -4.323])]),
        ("PRES", "Pa", &[(0.0, &[98_123.0])]),
        ("TEMP", "°C", &[(0.0, &[23.456]), (0.04, &[-5.25])]),
        ("HRAT", "bpm", &[(0.0, &[142.0])]),
    ];
    let sensors = &decoded.telemetry.sensors;
    assert_eq!(sensors.len(), want.len());
    for (stream, (key, unit, samples)) in sensors.iter().zip(want) {
        assert_eq!(stream.key, key);
        assert!(
            stream.units.iter().all(|u| u == unit),
            "{key}: {:?}",
            stream.units
        );
        assert_eq!(stream.units.len(), samples[0].1.len(), "{key}");
        assert_eq!(stream.samples.len(), samples.len(), "{key}");
        for (sample, (t, values)) in stream.samples.iter().zip(samples) {
            assert_eq!(sample.media_time, Some(*t), "{key}");
            assert_eq!(sample.time, None);
            assert_close(&sample.values, values);
        }
    }
    assert_eq!(decoded.telemetry.gps.len(), 1);
    assert_eq!(decoded.telemetry.gps[0].latitude, 48.0254584);
}

#[test]
fn table_lengths_step_over_extensions_unknown_types_and_short_layouts() {
    // GPS grown by 8 bytes, gyro shrunk below its layout, type 9 described only here.
    let table = [(5, 100), (0, 8), (9, 3)];
    let gps = plain_gps();
    let mut extended_gps = gps_body(&gps).to_vec();
    extended_gps.extend_from_slice(&[0xFF; 8]);
    let mut payload = Payload::with_table(ByteOrder::Big, &table);
    payload.timecode(0);
    let offsets: Vec<usize> = [
        (5, extended_gps.as_slice()),
        (0, &[1, 2, 3, 4, 5, 6, 7, 8]),
        (9, &[0xFF, 0xFF, 0xFF]),
        (3, &[1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0]),
    ]
    .into_iter()
    .map(|(kind, body)| {
        let offset = payload.len();
        payload.record(kind, body);
        offset
    })
    .collect();
    let bytes = payload.bytes();
    let mut records = Records::new(&bytes).unwrap();
    let got: Vec<_> = records.by_ref().map(|r| (r.offset, r.record)).collect();
    assert_eq!(
        got,
        [
            (offsets[0], Record::Gps(gps)),
            (
                offsets[1],
                Record::Other {
                    kind: 0,
                    body: &[1, 2, 3, 4, 5, 6, 7, 8]
                }
            ),
            (
                offsets[2],
                Record::Other {
                    kind: 9,
                    body: &[0xFF, 0xFF, 0xFF]
                }
            ),
            (offsets[3], Record::Accelerometer([1, 2, 3])),
        ]
    );
    let summary = records.finish();
    assert_eq!(summary.undersized, 1);
    assert_eq!(summary.skipped_bytes, 0);
    assert_eq!(summary.end, StreamEnd::Complete);
}

#[test]
fn without_a_table_records_start_at_76_like_exiftool_reads_them() {
    let mut payload = Payload::fixed76();
    let offsets = every_type(&mut payload, &plain_gps());
    let bytes = payload.bytes();
    let mut records = Records::new(&bytes).unwrap();
    // Built-in lengths know types 0–6 but not cadence (7): it forces a resync, which the
    // 40 ms timecode right after its 6-byte body ends.
    let got: Vec<_> = records.by_ref().collect();
    let mut want = expected_records(&offsets, plain_gps());
    want.remove(7);
    assert_eq!(got, want);
    let summary = records.finish();
    assert_eq!(summary.layout, Layout::Fixed76);
    assert_eq!(summary.stream_start, 76);
    assert_eq!(
        summary.unknown_types.into_iter().collect::<Vec<_>>(),
        [(7, 1)]
    );
    assert_eq!(summary.skipped_bytes, 1 + CADENCE.len() as u64);
}
