//! File level: `source::read` finds `moov/udta/TTMD/TTAD` in an MP4 without a GPMF track;
//! a cut-off payload keeps every record before the cut, and any bytes give a result or an
//! error, never a panic.

use std::io::Cursor;

use proptest::prelude::*;
use telemux_read::source::{self, Options, SourceError};
use telemux_read::ttad::{ByteOrder, GpsRecord, TtadError};

use crate::payload::{exiftool_rows, Payload, FULL_TABLE};
use crate::synthetic_mp4;

fn read(ttad: &[u8], options: Options) -> Result<source::FileTelemetry, SourceError> {
    source::read(&mut Cursor::new(synthetic_mp4(ttad)), options)
}

/// One GPS record and one accelerometer sample per second, for `seconds` seconds; with the
/// offsets where GPS records end and where any record ends.
fn ride(seconds: u32) -> (Vec<u8>, Vec<usize>, Vec<usize>) {
    let mut p = Payload::with_table(ByteOrder::Little, &FULL_TABLE);
    let mut gps_ends = Vec::new();
    let mut record_ends = Vec::new();
    for s in 0..seconds {
        let fix = GpsRecord {
            latitude: 48.0 + f64::from(s) * 1e-4,
            ..exiftool_rows()[0]
        };
        p.timecode(s * 1000);
        record_ends.push(p.len());
        p.gps(&fix);
        gps_ends.push(p.len());
        record_ends.push(p.len());
        p.accelerometer([0, 0, -1000]);
        record_ends.push(p.len());
    }
    (p.bytes(), gps_ends, record_ends)
}

#[test]
fn reads_the_atom_with_summary_and_sensors_on_request() {
    let (payload, ..) = ride(3);
    let read = read(&payload, Options::default()).unwrap();
    assert_eq!(read.telemetry.source, "TomTom Bandit TTAD");
    let lats: Vec<f64> = read.telemetry.gps.iter().map(|p| p.latitude).collect();
    assert_eq!(lats, [48.0, 48.0001, 48.0002]);
    assert!(read.telemetry.sensors.is_empty(), "sensors only on request");
    assert_eq!(
        read.summary,
        "TomTom Bandit TTAD: 3 GPS points, records: 3 accelerometer, 3 GPS, 3 timecode"
    );
    assert!(read.warnings.is_empty());

    let mut options = Options::default();
    options.sensors = true;
    let read = self::read(&payload, options).unwrap();
    assert_eq!(read.telemetry.sensors.len(), 1);
    assert_eq!(read.telemetry.sensors[0].samples.len(), 3);
}

#[test]
fn unfixed_records_only_on_request() {
    let mut p = Payload::with_table(ByteOrder::Big, &FULL_TABLE);
    let [fixed, ..] = exiftool_rows();
    let unfixed = GpsRecord { mode: 1, ..fixed };
    p.timecode(0).gps(&fixed).timecode(100).gps(&unfixed);
    let bytes = p.bytes();
    let read = read(&bytes, Options::default()).unwrap();
    assert_eq!(read.telemetry.gps.len(), 1);
    assert!(read.summary.contains("(1 GPS records without a fix"));
    let mut all = Options::default();
    all.unfixed_gps = true;
    assert_eq!(self::read(&bytes, all).unwrap().telemetry.gps.len(), 2);
}

#[test]
fn no_ttmd_is_no_telemetry_and_an_empty_stream_is_nothing_decoded() {
    let mut without = synthetic_mp4(b"");
    let ttmd = without.windows(4).position(|w| w == b"TTMD").unwrap();
    without[ttmd..ttmd + 4].copy_from_slice(b"XXXX");
    let err = source::read(&mut Cursor::new(without), Options::default());
    assert!(matches!(err, Err(SourceError::NoTelemetry)), "{err:?}");

    let header_only = Payload::with_table(ByteOrder::Big, &FULL_TABLE).bytes();
    match read(&header_only, Options::default()) {
        Err(SourceError::Ttad(TtadError::NothingDecoded { damage })) => {
            assert_eq!(damage, "TomTom Bandit TTAD: 0 GPS points, records: none")
        }
        other => panic!("{other:?}"),
    }
}

proptest! {
    #[test]
    fn a_cut_payload_keeps_every_gps_record_before_the_cut(cut in 0usize..600) {
        let (payload, gps_ends, record_ends) = ride(5);
        let cut = cut.min(payload.len());
        let complete = gps_ends.iter().filter(|&&end| end <= cut).count();
        match read(&payload[..cut], Options::default()) {
            Ok(read) => {
                prop_assert_eq!(read.telemetry.gps.len(), complete);
                // A cut between records is indistinguishable from a shorter recording; one
                // inside a record is reported.
                if record_ends.contains(&cut) {
                    prop_assert!(read.warnings.is_empty(), "{:?}", read.warnings);
                } else {
                    prop_assert_eq!(read.warnings.len(), 1, "{:?}", read.warnings);
                    prop_assert!(read.warnings[0].contains("(the payload is cut off)"));
                }
            }
            Err(err) => {
                prop_assert_eq!(complete, 0);
                let text = err.to_string();
                prop_assert!(text.starts_with("moov/udta/TTMD/TTAD"), "{}", text);
            }
        }
    }

    #[test]
    fn any_bytes_give_a_result_or_an_error_naming_the_box(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let mut options = Options::default();
        options.sensors = true;
        options.unfixed_gps = true;
        match read(&bytes, options) {
            Ok(read) => prop_assert!(
                !read.telemetry.gps.is_empty() || !read.telemetry.sensors.is_empty()
            ),
            Err(err) => {
                let text = err.to_string();
                prop_assert!(text.starts_with("moov/udta/TTMD/TTAD"), "{}", text);
            }
        }
    }
}
