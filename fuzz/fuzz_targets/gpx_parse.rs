//! GPX: the XML walk (any nesting, entities, encodings, namespaces), point fields, times and
//! merging on any bytes. Every accepted point is a real coordinate, and merging never invents
//! or loses points it does not report.

#![no_main]

use libfuzzer_sys::fuzz_target;
use telemux_fuzz::assert_plausible;
use telemux_read::gpx;

fuzz_target!(|data: &[u8]| {
    let Ok(parsed) = gpx::parse(data) else { return };
    let total: usize = parsed.segments.iter().map(Vec::len).sum();
    for segment in &parsed.segments {
        assert_plausible(segment, "GPX");
    }
    let timed = parsed
        .segments
        .iter()
        .flatten()
        .filter(|p| p.time.is_some())
        .count();
    let (telemetry, report) = parsed.into_telemetry();
    assert_eq!(total - timed, report.untimed, "untimed points miscounted");
    assert_eq!(telemetry.gps.len() + report.duplicates, timed);
    assert!(telemetry.gps.windows(2).all(|w| w[0].time < w[1].time));
});
