//! Random streams built from the format description decode exactly; random damage never
//! panics and every byte read is accounted for.

use proptest::prelude::*;
use telemux_read::ttad::{
    decode, ByteOrder, DecodeOptions, GpsRecord, Record, Records, StreamEnd, StreamSummary,
};

use crate::payload::{Payload, FULL_TABLE};

#[derive(Debug, Clone)]
enum Gen {
    Timecode(u32),
    Gyro([i32; 3]),
    Barometer(i32),
    Magnetometer([i32; 3]),
    Accelerometer([i32; 3]),
    Thermometer(i32),
    Gps(GpsRecord),
    HeartRate(u8),
    Cadence([u8; 6]),
}

fn gps() -> impl Strategy<Value = GpsRecord> {
    let f = || -1e9..1e9f64;
    (
        (f(), any::<u32>(), f(), f(), f(), f(), any::<u32>()),
        (f(), f(), f(), f(), f(), any::<i32>()),
    )
        .prop_map(
            |((time, mode, speed, altitude, latitude, longitude, reserved), rest)| {
                let (track, epv, epy, epx, epd, satellites) = rest;
                GpsRecord {
                    time,
                    mode,
                    speed,
                    altitude,
                    latitude,
                    longitude,
                    reserved,
                    track,
                    epv,
                    epy,
                    epx,
                    epd,
                    satellites,
                }
            },
        )
}

fn record() -> impl Strategy<Value = Gen> {
    let v3 = || any::<[i32; 3]>();
    prop_oneof![
        any::<u32>().prop_map(Gen::Timecode),
        v3().prop_map(Gen::Gyro),
        any::<i32>().prop_map(Gen::Barometer),
        v3().prop_map(Gen::Magnetometer),
        v3().prop_map(Gen::Accelerometer),
        any::<i32>().prop_map(Gen::Thermometer),
        gps().prop_map(Gen::Gps),
        any::<u8>().prop_map(Gen::HeartRate),
        any::<[u8; 6]>().prop_map(Gen::Cadence),
    ]
}

/// A full-table payload opening with a timecode, the records a reader must yield as
/// (offset, t_ms, record as Debug text, end offset), and every record boundary.
struct Built {
    bytes: Vec<u8>,
    stream_start: usize,
    expected: Vec<(usize, u32, String, usize)>,
    boundaries: Vec<usize>,
}

/// Writes `gen` and returns the record a reader must yield for it (none for a timecode).
fn write(payload: &mut Payload, gen: &Gen) -> Option<String> {
    let record = match *gen {
        Gen::Timecode(ms) => {
            payload.timecode(ms);
            return None;
        }
        Gen::Gyro(v) => {
            payload.gyro(v);
            Record::Gyro(v)
        }
        Gen::Barometer(v) => {
            payload.barometer(v);
            Record::Barometer(v)
        }
        Gen::Magnetometer(v) => {
            payload.magnetometer(v);
            Record::Magnetometer(v)
        }
        Gen::Accelerometer(v) => {
            payload.accelerometer(v);
            Record::Accelerometer(v)
        }
        Gen::Thermometer(v) => {
            payload.thermometer(v);
            Record::Thermometer(v)
        }
        Gen::Gps(ref v) => {
            payload.gps(v);
            Record::Gps(*v)
        }
        Gen::HeartRate(v) => {
            payload.heart_rate(v);
            Record::HeartRate(v)
        }
        Gen::Cadence(ref v) => {
            payload.record(7, v);
            Record::Other { kind: 7, body: v }
        }
    };
    Some(format!("{record:?}"))
}

fn build(first_ms: u32, gens: &[Gen]) -> Built {
    let mut payload = Payload::with_table(ByteOrder::Big, &FULL_TABLE);
    let stream_start = payload.len();
    payload.timecode(first_ms);
    let mut boundaries = vec![stream_start, payload.len()];
    let mut t_ms = first_ms;
    let mut expected = Vec::new();
    for gen in gens {
        let offset = payload.len();
        if let Gen::Timecode(ms) = gen {
            t_ms = *ms;
        }
        if let Some(record) = write(&mut payload, gen) {
            expected.push((offset, t_ms, record, payload.len()));
        }
        boundaries.push(payload.len());
    }
    Built {
        bytes: payload.bytes(),
        stream_start,
        expected,
        boundaries,
    }
}

/// What was read as (offset, t_ms, record as Debug text), and the summary. Debug text
/// compares the (NaN-free) floats exactly and keeps -0.0 apart from 0.0.
fn read(bytes: &[u8]) -> (Vec<(usize, u32, String)>, StreamSummary) {
    let mut records = Records::new(bytes).unwrap();
    let got = records
        .by_ref()
        .map(|r| (r.offset, r.t_ms, format!("{:?}", r.record)))
        .collect();
    (got, records.finish())
}

/// Every byte between the stream's start and where reading stopped is either in a record
/// (type byte and table length) or was skipped while resynchronising.
fn assert_accounted(summary: &StreamSummary, len: usize) {
    assert!(summary.stream_start <= summary.stream_end && summary.stream_end <= len);
    let body_len = |kind: u8| {
        FULL_TABLE
            .iter()
            .find(|&&(k, _)| k as u8 == kind)
            .map(|&(_, len)| u64::from(len))
            .unwrap()
    };
    let in_records: u64 = summary
        .records
        .iter()
        .map(|(&kind, &n)| n * (1 + body_len(kind)))
        .sum();
    assert_eq!(
        in_records + summary.skipped_bytes,
        (summary.stream_end - summary.stream_start) as u64
    );
}

proptest! {
    #[test]
    fn generated_streams_decode_exactly(
        first_ms in 0..=250u32,
        gens in prop::collection::vec(record(), 0..40),
    ) {
        let built = build(first_ms, &gens);
        let (got, summary) = read(&built.bytes);
        let want: Vec<_> = built.expected.iter().map(|(o, t, r, _)| (*o, *t, r.clone())).collect();
        prop_assert_eq!(got, want);
        prop_assert_eq!(summary.end, StreamEnd::Complete);
        prop_assert_eq!(summary.skipped_bytes, 0);
        prop_assert_eq!(summary.undersized, 0);
        assert_accounted(&summary, built.bytes.len());
    }

    #[test]
    fn truncated_streams_keep_every_record_that_fits(
        gens in prop::collection::vec(record(), 1..30),
        cut in any::<prop::sample::Index>(),
    ) {
        let built = build(0, &gens);
        let cut = built.stream_start + cut.index(built.bytes.len() - built.stream_start + 1);
        let (got, summary) = read(&built.bytes[..cut]);
        let want: Vec<_> = built
            .expected
            .iter()
            .filter(|(.., end)| *end <= cut)
            .map(|(o, t, r, _)| (*o, *t, r.clone()))
            .collect();
        prop_assert_eq!(got, want);
        if built.boundaries.contains(&cut) {
            prop_assert_eq!(summary.end, StreamEnd::Complete);
            prop_assert_eq!(summary.stream_end, cut);
        } else {
            let cut_record = built.boundaries.iter().rev().find(|&&b| b < cut).copied();
            prop_assert!(
                matches!(summary.end, StreamEnd::Truncated { .. }),
                "{:?}",
                summary.end
            );
            prop_assert_eq!(Some(summary.stream_end), cut_record);
        }
        assert_accounted(&summary, cut);
    }

    #[test]
    fn mutated_streams_never_panic_and_account_for_every_byte(
        gens in prop::collection::vec(record(), 1..30),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0..3u8), 1..8),
    ) {
        let built = build(0, &gens);
        let mut bytes = built.bytes.clone();
        for (at, value, op) in edits {
            // Edit only the stream, so the table (and the lengths checked below) stay valid.
            let at = built.stream_start + at.index(bytes.len() - built.stream_start);
            match op {
                0 => bytes[at] = value,
                1 => bytes.insert(at, value),
                _ => { bytes.remove(at); }
            }
            if bytes.len() == built.stream_start {
                break;
            }
        }
        let mut options = DecodeOptions::default();
        options.include_unfixed_gps = true;
        let decoded = decode(&bytes, &options).unwrap();
        assert_accounted(&decoded.summary, bytes.len());
        let gps_records = decoded.summary.records.get(&5).copied().unwrap_or(0);
        prop_assert_eq!(decoded.telemetry.gps.len() as u64 + decoded.gps_dropped, gps_records);
    }

    #[test]
    fn any_stream_after_a_table_is_accounted_for(tail in prop::collection::vec(any::<u8>(), 0..2048)) {
        let mut payload = Payload::with_table(ByteOrder::Big, &FULL_TABLE);
        payload.raw(&tail);
        let bytes = payload.bytes();
        let (_, summary) = read(&bytes);
        assert_accounted(&summary, bytes.len());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..1024)) {
        match decode(&bytes, &DecodeOptions::default()) {
            Ok(decoded) => {
                prop_assert!(decoded.summary.stream_end <= bytes.len());
                prop_assert!(bytes.len() >= 8);
            }
            // With 76 bytes there is always a header: a table or ExifTool's fixed one.
            Err(_) => prop_assert!(bytes.len() < 76),
        }
    }
}
