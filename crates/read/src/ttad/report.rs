//! What a decode tells the user: a one-line summary and one line per kind of damage, each
//! naming the box and the payload offset where reading had to give up or skip.

use std::fmt::Write;

use super::error::TTAD_PATH;
use super::stream::{StreamEnd, StreamSummary};
use super::table::TIMECODE;
use super::telemetry::Decoded;

/// What a record type byte holds, for messages.
pub(crate) fn record_name(kind: u8) -> String {
    match kind {
        0 => "gyroscope".to_owned(),
        1 => "barometer".to_owned(),
        2 => "magnetometer".to_owned(),
        3 => "accelerometer".to_owned(),
        4 => "thermometer".to_owned(),
        5 => "GPS".to_owned(),
        6 => "heart rate".to_owned(),
        TIMECODE => "timecode".to_owned(),
        other => format!("type {other}"),
    }
}

/// `TomTom Bandit TTAD: 3 GPS points (1 GPS record left out), records: 4 timecode, …`.
pub(crate) fn summary_line(decoded: &Decoded) -> String {
    let mut line = format!(
        "{}: {} GPS points",
        decoded.telemetry.source,
        decoded.telemetry.gps.len()
    );
    if decoded.gps_dropped > 0 {
        let _ = write!(
            line,
            " ({} GPS records without a fix or a position left out)",
            decoded.gps_dropped
        );
    }
    let records: Vec<String> = decoded
        .summary
        .records
        .iter()
        .map(|(&kind, count)| format!("{count} {}", record_name(kind)))
        .collect();
    let _ = write!(line, ", records: {}", records.join(", "));
    if records.is_empty() {
        line.push_str("none");
    }
    line
}

/// One line per kind of damage; empty for a payload that read cleanly.
pub fn damage(summary: &StreamSummary, payload_len: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let at = summary.stream_end;
    match summary.end {
        StreamEnd::Complete => {}
        StreamEnd::Truncated {
            kind,
            needed,
            available,
        } => lines.push(format!(
            "{TTAD_PATH} @{at}: the {} record needs {needed} bytes but only {available} remain \
             (the payload is cut off)",
            record_name(kind)
        )),
        StreamEnd::Unrecognised => lines.push(format!(
            "{TTAD_PATH} @{at}: over 256 bytes without a valid timecode; the last {} bytes \
             were not read",
            payload_len.saturating_sub(at)
        )),
    }
    if !summary.unknown_types.is_empty() {
        let kinds: Vec<String> = summary
            .unknown_types
            .iter()
            .map(|(kind, n)| format!("0x{kind:02X} ×{n}"))
            .collect();
        lines.push(format!(
            "{TTAD_PATH}: record types in no type table ({}) forced resynchronisation",
            kinds.join(", ")
        ));
    }
    if summary.skipped_bytes > 0 {
        lines.push(format!(
            "{TTAD_PATH}: {} bytes skipped while looking for a timecode",
            summary.skipped_bytes
        ));
    }
    if summary.undersized > 0 {
        lines.push(format!(
            "{TTAD_PATH}: {} records shorter than their type's layout were stepped over",
            summary.undersized
        ));
    }
    lines
}
