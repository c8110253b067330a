//! Telemetry checks specific to CAMM, on what the reader gathered as it went (`CammFacts`) and
//! on the points it read: is every sample a valid packet, and do the GPS packets' own times
//! keep step with the track's sample times.

use crate::camm::CammFacts;
use crate::model::Telemetry;

use super::report::{Check, Section, Status};
use super::sources::Source;
use super::time::{seconds, show};

const SECTION: Section = Section::Telemetry;

/// How far GPS time minus media time may wander over the track before it is worth a warning:
/// receivers deliver fixes up to a few hundred milliseconds late, a clock that slips more than
/// a second places points a second's travel away from their frames.
const MAX_DRIFT_SECONDS: f64 = 1.0;

/// `camm_packets` and `camm_timing` for a CAMM source (none without its facts).
pub fn checks(source: &Source) -> Vec<Check> {
    let Some(facts) = &source.camm else {
        return Vec::new();
    };
    vec![packets(facts), timing(source.telemetry.as_ref().ok())]
}

/// `camm_packets`: every sample of the track is a packet of a defined type and length, with a
/// GPS position that is one.
fn packets(facts: &CammFacts) -> Check {
    const ID: &str = "camm_packets";
    if facts.samples == 0 {
        return Check::new(
            ID,
            SECTION,
            Status::Warn,
            format!("the CAMM track {} has no samples", facts.path),
        )
        .with_value(0u64);
    }
    let Some(first) = facts.first_bad.first() else {
        return Check::new(
            ID,
            SECTION,
            Status::Pass,
            format!(
                "all {} CAMM packets are valid: {}",
                facts.samples,
                facts.kinds()
            ),
        )
        .with_value(0u64);
    };
    Check::new(
        ID,
        SECTION,
        Status::Fail,
        format!(
            "{} of {} CAMM packets are invalid; sample {} (byte {}): {}",
            facts.bad, facts.samples, first.sample, first.offset, first.problem
        ),
    )
    .with_value(facts.bad)
}

/// `camm_timing`: the GPS time of each type 6 packet minus its media time stays the same over
/// the track (the receiver's clock and the video's agree). The value is how far it wanders, s.
fn timing(telemetry: Option<&Telemetry>) -> Check {
    const ID: &str = "camm_timing";
    let offsets: Vec<(f64, usize)> = telemetry
        .map(|t| t.gps.as_slice())
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(i, p)| Some((seconds(p.time?) - p.media_time?, i)))
        .collect();
    if offsets.len() < 2 {
        return Check::new(
            ID,
            SECTION,
            Status::Skip,
            "fewer than two GPS packets with a GPS time",
        );
    }
    let low = offsets
        .iter()
        .copied()
        .fold(offsets[0], |a, b| match b.0 < a.0 {
            true => b,
            false => a,
        });
    let high = offsets
        .iter()
        .copied()
        .fold(offsets[0], |a, b| match b.0 > a.0 {
            true => b,
            false => a,
        });
    let drift = high.0 - low.0;
    let start = telemetry
        .and_then(|t| t.gps.get(offsets[0].1))
        // A crafted edit list can put media times beyond any date: no start then, not a panic.
        .and_then(|p| {
            let media = time::Duration::checked_seconds_f64(p.media_time?)?;
            p.time?.checked_sub(media)
        });
    let at_zero = start.map(show).unwrap_or_default();
    if drift <= MAX_DRIFT_SECONDS {
        return Check::new(
            ID,
            SECTION,
            Status::Pass,
            format!(
                "GPS time and media time of {} GPS packets agree within {drift:.3} s \
                 (media time 0 is {at_zero} UTC)",
                offsets.len()
            ),
        )
        .with_value(drift);
    }
    Check::new(
        ID,
        SECTION,
        Status::Warn,
        format!(
            "GPS time minus media time varies by {drift:.3} s over {} GPS packets (lowest at \
             point {}, highest at point {}): the receiver's clock and the sample times disagree",
            offsets.len(),
            low.1,
            high.1
        ),
    )
    .with_value(drift)
}
