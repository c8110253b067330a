//! ExifTool's recovery from type bytes nobody described (spec §3), and damaged endings.

use telemux_read::ttad::{Record, Records, StreamEnd, StreamSummary};

use crate::payload::{exiftool_rows, Payload};

/// The records as (t_ms, record) and the summary.
fn read(bytes: &[u8]) -> (Vec<(u32, Record<'_>)>, StreamSummary) {
    let mut records = Records::new(bytes).unwrap();
    let got = records.by_ref().map(|r| (r.t_ms, r.record)).collect();
    (got, records.finish())
}

fn unknown(summary: &StreamSummary) -> Vec<(u8, u64)> {
    summary.unknown_types.clone().into_iter().collect()
}

#[test]
fn an_unknown_type_resyncs_on_the_next_timecode_within_250_ms() {
    let mut payload = Payload::fixed76();
    payload.timecode(100).accelerometer([1, 2, 3]);
    payload.record(0x42, &[7, 8, 9]);
    payload.timecode(350).accelerometer([4, 5, 6]);
    let bytes = payload.bytes();
    let (records, summary) = read(&bytes);
    assert_eq!(
        records,
        [
            (100, Record::Accelerometer([1, 2, 3])),
            (350, Record::Accelerometer([4, 5, 6]))
        ]
    );
    assert_eq!(unknown(&summary), [(0x42, 1)]);
    assert_eq!(summary.skipped_bytes, 4);
    assert_eq!(summary.records.get(&0xFF), Some(&2));
    assert_eq!(summary.end, StreamEnd::Complete);
}

#[test]
fn timecodes_outside_the_window_are_data_while_resyncing() {
    let mut payload = Payload::fixed76();
    payload.timecode(100).gyro([1, 1, 1]);
    payload.record(0x42, &[]);
    // 10 000 ms is too far ahead and 50 ms goes back: both are taken for data, and only
    // their type byte is skipped, not four value bytes at once.
    payload.timecode(10_000).timecode(50);
    payload.timecode(351).gyro([2, 2, 2]); // 251 ms after 100: still too far
    payload.timecode(200).gyro([3, 3, 3]);
    let bytes = payload.bytes();
    let (records, summary) = read(&bytes);
    assert_eq!(
        records,
        [
            (100, Record::Gyro([1, 1, 1])),
            (200, Record::Gyro([3, 3, 3]))
        ]
    );
    // 0x42, then three rejected timecodes of 5 bytes and one gyro record of 13 bytes.
    assert_eq!(summary.skipped_bytes, 1 + 3 * 5 + 13);
    assert_eq!(summary.records.get(&0xFF), Some(&2));
}

#[test]
fn once_in_sync_any_timecode_is_accepted() {
    let mut payload = Payload::fixed76();
    payload.timecode(0).heart_rate(60);
    payload.timecode(60_000).heart_rate(61);
    payload.timecode(5).heart_rate(62);
    let bytes = payload.bytes();
    let (records, summary) = read(&bytes);
    assert_eq!(
        records,
        [
            (0, Record::HeartRate(60)),
            (60_000, Record::HeartRate(61)),
            (5, Record::HeartRate(62))
        ]
    );
    assert_eq!(summary.skipped_bytes, 0);
}

#[test]
fn the_stream_must_open_with_a_timecode_of_at_most_250_ms() {
    let mut payload = Payload::fixed76();
    payload.raw(&[0x00, 0x05, 0x42]); // junk before the first timecode
    payload.timecode(251).barometer(1);
    payload.timecode(250).barometer(2);
    let bytes = payload.bytes();
    let (records, summary) = read(&bytes);
    assert_eq!(records, [(250, Record::Barometer(2))]);
    assert_eq!(summary.skipped_bytes, 3 + 5 + 5);
    assert!(summary.unknown_types.is_empty());
}

#[test]
fn exactly_256_skipped_bytes_are_tolerated() {
    let mut payload = Payload::fixed76();
    payload.timecode(0).accelerometer([1, 1, 1]);
    payload.record(0x42, &[0; 255]);
    payload.timecode(10).accelerometer([2, 2, 2]);
    let bytes = payload.bytes();
    let (records, summary) = read(&bytes);
    assert_eq!(records.len(), 2);
    assert_eq!(records[1], (10, Record::Accelerometer([2, 2, 2])));
    assert_eq!(summary.skipped_bytes, 256);
    assert_eq!(summary.end, StreamEnd::Complete);
}

#[test]
fn more_than_256_unrecognised_bytes_end_the_stream() {
    let mut payload = Payload::fixed76();
    payload.timecode(0).accelerometer([1, 1, 1]);
    let garbage_start = payload.len();
    payload.record(0x42, &[0; 256]);
    payload.timecode(10).accelerometer([2, 2, 2]);
    let bytes = payload.bytes();
    let (records, summary) = read(&bytes);
    assert_eq!(records, [(0, Record::Accelerometer([1, 1, 1]))]);
    assert_eq!(summary.skipped_bytes, 256);
    assert_eq!(summary.end, StreamEnd::Unrecognised);
    assert_eq!(summary.stream_end, garbage_start + 256);
}

#[test]
fn a_record_cut_short_ends_the_stream_as_truncated() {
    let mut payload = Payload::fixed76();
    payload.timecode(0).accelerometer([1, 1, 1]);
    let gps_at = payload.len();
    payload.gps(&exiftool_rows()[0]);
    let mut bytes = payload.bytes();
    bytes.truncate(bytes.len() - 10);
    let mut records = Records::new(&bytes).unwrap();
    assert_eq!(records.by_ref().count(), 1);
    let summary = records.finish();
    assert_eq!(
        summary.end,
        StreamEnd::Truncated {
            kind: 5,
            needed: 92,
            available: 82
        }
    );
    assert_eq!(summary.stream_end, gps_at);

    let mut payload = Payload::fixed76();
    payload.timecode(0).raw(&[0xFF, 1, 2]);
    let summary = Records::new(&payload.bytes()).unwrap().finish();
    assert_eq!(
        summary.end,
        StreamEnd::Truncated {
            kind: 0xFF,
            needed: 4,
            available: 2
        }
    );
    assert_eq!(summary.stream_end, 81);
}
