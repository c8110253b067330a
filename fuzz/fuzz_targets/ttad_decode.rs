//! TomTom Bandit TTAD: header table detection, the record stream with ExifTool's resync, and
//! the conversion to telemetry on any bytes. Records come in payload order inside the span the
//! summary reports, the summary counts every record handed out, and GPS points are plausible.

#![no_main]

use libfuzzer_sys::fuzz_target;
use telemux_fuzz::assert_plausible;
use telemux_read::ttad::{decode, DecodeOptions, Records};

fuzz_target!(|data: &[u8]| {
    let Ok(mut records) = Records::new(data) else {
        assert!(decode(data, &DecodeOptions::default()).is_err());
        return;
    };
    let mut offsets = Vec::new();
    for timed in records.by_ref() {
        offsets.push(timed.offset);
    }
    let summary = records.finish();
    assert!(summary.stream_start <= summary.stream_end && summary.stream_end <= data.len());
    assert!(
        offsets.windows(2).all(|w| w[0] < w[1]),
        "records out of order"
    );
    assert!(offsets
        .iter()
        .all(|&o| summary.stream_start <= o && o < summary.stream_end));
    // Timecodes are counted but not handed out: they set the time of the records after them.
    let handed_out: u64 = summary
        .records
        .iter()
        .filter(|&(&kind, _)| kind != 0xFF)
        .map(|(_, &n)| n)
        .sum();
    assert_eq!(handed_out, offsets.len() as u64);

    for include_unfixed_gps in [false, true] {
        let mut options = DecodeOptions::default();
        options.include_unfixed_gps = include_unfixed_gps;
        let decoded = decode(data, &options).expect("decode accepts what Records accepts");
        assert_eq!(decoded.summary, summary);
        assert_plausible(&decoded.telemetry.gps, "TTAD");
        // A table may list GPS shorter than its layout: such records are stepped over.
        let gps_records = summary.records.get(&5).copied().unwrap_or(0);
        let gps_read = decoded.telemetry.gps.len() as u64 + decoded.gps_dropped;
        assert!(gps_read <= gps_records && gps_read + summary.undersized >= gps_records);
    }
});
