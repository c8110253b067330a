//! Telemetry checks specific to GPMF: is every payload valid, and do the TSMP counters show
//! that no samples were lost between payloads.
//!
//! The checks take the facts as input (one validation result per payload, one TSMP reading per
//! stream and payload) so they do not depend on how the payloads were decoded.

use std::collections::HashMap;

use super::report::{Check, Section, Status};

const SECTION: Section = Section::Telemetry;

/// The validation result of one GPMF payload (one sample of the `gpmd` track).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadValidity {
    /// Sample index in the track, from 0.
    pub sample: u32,
    /// File offset of the payload.
    pub offset: u64,
    /// The validator's error (naming the KLV path and its offset in the payload), if any.
    pub problem: Option<String>,
}

/// One stream's TSMP in one payload: the total number of samples the stream delivered since
/// recording began, this payload included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TsmpReading {
    /// The stream, e.g. `DEVC[0]/STRM[2] GPS5`.
    pub stream: String,
    /// Sample index of the payload in the track.
    pub payload: u32,
    /// The stream's TSMP: samples since recording began, this payload included.
    pub tsmp: u64,
    /// Samples of the stream in this payload (the data KLV's repeat count).
    pub samples: u64,
}

/// What a GPMF source reports beyond its telemetry.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GpmfFacts {
    /// Whether each payload decodes, in track order.
    pub payloads: Vec<PayloadValidity>,
    /// In payload order for each stream.
    pub tsmp: Vec<TsmpReading>,
}

/// `gpmf_payloads`: every payload passes validation.
pub fn payloads(payloads: &[PayloadValidity]) -> Check {
    const ID: &str = "gpmf_payloads";
    let bad: Vec<&PayloadValidity> = payloads.iter().filter(|p| p.problem.is_some()).collect();
    match bad.first() {
        None => Check::new(
            ID,
            SECTION,
            Status::Pass,
            format!("all {} GPMF payloads are valid", payloads.len()),
        )
        .with_value(0u64),
        Some(first) => Check::new(
            ID,
            SECTION,
            Status::Fail,
            format!(
                "{} of {} GPMF payloads are invalid; payload {} (byte {}): {}",
                bad.len(),
                payloads.len(),
                first.sample,
                first.offset,
                first.problem.as_deref().unwrap_or_default()
            ),
        )
        .with_value(bad.len()),
    }
}

/// `gpmf_tsmp`: each payload's TSMP is the previous one plus the samples it holds. A larger
/// step means samples were dropped (a stalled card write); a smaller one, payloads out of order.
pub fn tsmp(readings: &[TsmpReading]) -> Check {
    const ID: &str = "gpmf_tsmp";
    if readings.is_empty() {
        return Check::new(ID, SECTION, Status::Skip, "no stream carries TSMP");
    }
    let mut last: HashMap<&str, &TsmpReading> = HashMap::new();
    let mut missing = 0u64;
    let mut backwards = None;
    let mut first_jump = None;
    for reading in readings {
        let Some(previous) = last.insert(&reading.stream, reading) else {
            continue;
        };
        let expected = previous.tsmp.saturating_add(reading.samples);
        if reading.tsmp < expected && backwards.is_none() {
            backwards = Some((previous, reading, expected));
        } else if reading.tsmp > expected {
            missing += reading.tsmp - expected;
            first_jump.get_or_insert((previous, reading, expected));
        }
    }
    let describe = |(previous, reading, expected): (&TsmpReading, &TsmpReading, u64)| {
        format!(
            "{}: TSMP {} in payload {} after {} in payload {}, which holds {} samples (expected {expected})",
            reading.stream, reading.tsmp, reading.payload, previous.tsmp, previous.payload, reading.samples
        )
    };
    if let Some(step) = backwards {
        return Check::new(
            ID,
            SECTION,
            Status::Fail,
            format!("{}: payloads out of order", describe(step)),
        )
        .with_value(step.2 - step.1.tsmp);
    }
    match first_jump {
        Some(step) => Check::new(
            ID,
            SECTION,
            Status::Warn,
            format!("{missing} samples lost; first gap: {}", describe(step)),
        )
        .with_value(missing),
        None => Check::new(
            ID,
            SECTION,
            Status::Pass,
            format!(
                "TSMP continuous in {} streams over {} readings",
                last.len(),
                readings.len()
            ),
        )
        .with_value(0u64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(stream: &str, payload: u32, tsmp: u64, samples: u64) -> TsmpReading {
        TsmpReading {
            stream: stream.to_string(),
            payload,
            tsmp,
            samples,
        }
    }

    #[test]
    fn streams_are_followed_separately_and_may_start_anywhere() {
        // A second chapter starts with counters already running.
        let readings = [
            reading("Camera ACCL", 0, 4000, 200),
            reading("Camera GPS5", 0, 360, 18),
            reading("Camera ACCL", 1, 4199, 199),
            reading("Camera GPS5", 1, 378, 18),
        ];
        let check = tsmp(&readings);
        assert_eq!(check.status, Status::Pass, "{check:?}");
        assert_eq!(
            check.message,
            "TSMP continuous in 2 streams over 4 readings"
        );
        assert_eq!(tsmp(&[]).status, Status::Skip);
    }

    #[test]
    fn invalid_payloads_are_counted_and_the_first_is_named() {
        let results = [
            PayloadValidity {
                sample: 0,
                offset: 100,
                problem: None,
            },
            PayloadValidity {
                sample: 1,
                offset: 900,
                problem: Some("DEVC[0] at byte 0: x".into()),
            },
            PayloadValidity {
                sample: 2,
                offset: 1700,
                problem: Some("y".into()),
            },
        ];
        let check = payloads(&results);
        assert_eq!(check.status, Status::Fail);
        assert_eq!(
            check.message,
            "2 of 3 GPMF payloads are invalid; payload 1 (byte 900): DEVC[0] at byte 0: x"
        );
        assert_eq!(check.value, Some(2u64.into()));
    }
}
