//! UTC times of GPS samples that do not carry their own, decided once every payload is read
//! (a payload's times depend on the next payload):
//! - GPS5: a payload's samples are spread evenly from its GPSU to the next payload's GPSU, as
//!   gopro-telemetry and gopro2gpx do. GPSU steps jitter (0.88–1.10 s on a HERO7, 2.47 s once
//!   on a MAX) while payloads last 1.001 s, so spreading over the payload's own duration from
//!   its GPSU dates the last samples after the next payload's first. Without a usable next
//!   GPSU (the last payload, a payload before one without GPS5, a step that is not forward or
//!   longer than [`MAX_GPSU_STEP`]), the samples keep the spacing of the previous payload (as
//!   gopro-telemetry does), or without one are spread over the payload's own duration.
//! - GPRI (Karma): seconds since the drone booted, turned into UTC by the SYST stream's
//!   (boot seconds, UTC seconds) pairs, interpolated between the two nearest pairs and
//!   extrapolated from the first or last two, as ExifTool does.

use time::{Duration, OffsetDateTime};

/// The longest GPSU step that is still one payload's: longer, the camera's clock changed (a
/// fix was acquired or lost) and the step says nothing about this payload's samples.
pub(super) const MAX_GPSU_STEP: f64 = 5.0;

/// The GPS5 samples of one payload awaiting their times.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Gps5Run {
    /// Index of the payload among all payloads read (bad ones included).
    pub payload: usize,
    /// The payload's GPSU.
    pub gpsu: Option<OffsetDateTime>,
    /// Samples in the payload's GPS5 (points kept may be fewer).
    pub samples: usize,
    /// The payload's duration, seconds.
    pub duration: f64,
}

/// Seconds from one sample to the next in each run.
pub(super) fn gps5_steps(runs: &[Gps5Run]) -> Vec<f64> {
    let mut steps: Vec<f64> = Vec::with_capacity(runs.len());
    for (k, run) in runs.iter().enumerate() {
        let consecutive = |a: &Gps5Run, b: &Gps5Run| b.payload == a.payload + 1;
        let next_gpsu = runs
            .get(k + 1)
            .filter(|next| consecutive(run, next))
            .and_then(|next| next.gpsu);
        let samples = run.samples.max(1) as f64;
        let from_gpsu = match (run.gpsu, next_gpsu) {
            (Some(a), Some(b)) => Some((b - a).as_seconds_f64()),
            _ => None,
        }
        .filter(|s| *s > 0.0 && *s <= MAX_GPSU_STEP)
        .map(|s| s / samples);
        // Without it, the stream's rate in the previous payload (a last payload is often cut
        // short: 4 samples in 1 s would be spread too far), else the payload's own duration.
        let previous = k
            .checked_sub(1)
            .filter(|&p| consecutive(&runs[p], run))
            .and_then(|p| steps.get(p).copied());
        steps.push(from_gpsu.or(previous).unwrap_or(run.duration / samples));
    }
    steps
}

/// `time` plus `seconds`, `None` outside the representable range.
pub(super) fn offset(time: OffsetDateTime, seconds: f64) -> Option<OffsetDateTime> {
    let delta = Duration::checked_seconds_f64(seconds)?;
    time.checked_add(delta)
}

/// The Karma's clock: (seconds since boot, UTC seconds since 1970) pairs from SYST.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct BootClock {
    pairs: Vec<(f64, f64)>,
}

impl BootClock {
    pub(super) fn add(&mut self, boot: f64, unix: f64) {
        if boot.is_finite() && unix.is_finite() {
            self.pairs.push((boot, unix));
        }
    }

    /// Sorts the pairs by boot time; call once all are added.
    pub(super) fn finish(&mut self) {
        self.pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        self.pairs.dedup_by(|a, b| a.0 == b.0);
    }

    /// UTC of `boot` seconds since boot, `None` without a pair.
    pub(super) fn utc(&self, boot: f64) -> Option<OffsetDateTime> {
        let unix = match self.pairs.as_slice() {
            [] => return None,
            [(b, u)] => u + (boot - b),
            pairs => {
                // The pair at or before `boot` and the next, clamped to the first and last two.
                let after = pairs.partition_point(|(b, _)| *b <= boot);
                let j = after.clamp(1, pairs.len() - 1);
                let ((b0, u0), (b1, u1)) = (pairs[j - 1], pairs[j]);
                u0 + (u1 - u0) * (boot - b0) / (b1 - b0)
            }
        };
        let nanos = (unix * 1e9).round();
        if !nanos.is_finite() || nanos.abs() > 1e20 {
            return None;
        }
        OffsetDateTime::from_unix_timestamp_nanos(nanos as i128).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn run(payload: usize, gpsu: Option<OffsetDateTime>, samples: usize) -> Gps5Run {
        Gps5Run {
            payload,
            gpsu,
            samples,
            duration: 1.001,
        }
    }

    #[test]
    fn gps5_spreads_to_the_next_gpsu_else_keeps_the_rate_else_its_own_duration() {
        let t = datetime!(2019-02-24 11:19:55 UTC);
        let runs = [
            run(0, Some(t), 10),
            run(1, Some(t + Duration::milliseconds(880)), 10),
            // Payload 2 is missing (bad or without GPS5): no next GPSU for payload 1.
            run(3, Some(t + Duration::seconds(3)), 10),
            // The clock went back: not a step of payload 3.
            run(4, Some(t + Duration::seconds(2)), 10),
            // A jump longer than MAX_GPSU_STEP.
            run(5, Some(t + Duration::seconds(30)), 10),
            run(6, None, 4),
        ];
        let steps = gps5_steps(&runs);
        // Payload 1 follows payload 0's rate; 3 has no consecutive predecessor; 4 and 6 follow
        // their predecessor.
        let expected = [0.088, 0.088, 0.1001, 0.1001, 0.1001, 0.1001];
        for (got, want) in steps.iter().zip(expected) {
            assert!((got - want).abs() < 1e-9, "{steps:?}");
        }
    }

    #[test]
    fn boot_clock_interpolates_like_exiftool() {
        // karma.mp4's first two SYST pairs and first GPRI time; ExifTool -ee prints
        // GPSDateTimeRaw 2017:04:17 19:27:57.36649 for it.
        let mut clock = BootClock::default();
        clock.add(147.542816, 1492457279.0);
        clock.add(146.544283, 1492457278.0);
        clock.finish();
        let t = clock.utc(145.911705).unwrap();
        let want = datetime!(2017-04-17 19:27:57.36649 UTC);
        assert!(((t - want).as_seconds_f64()).abs() < 1e-5, "{t}");
        // Between the pairs: interpolated.
        let mid = clock.utc(147.0436).unwrap();
        assert!(((mid - datetime!(2017-04-17 19:27:58.5 UTC)).as_seconds_f64()).abs() < 1e-3);
        // One pair: its offset.
        let mut one = BootClock::default();
        one.add(146.544283, 1492457278.0);
        one.finish();
        let t = one.utc(146.044283).unwrap();
        assert_eq!(t, datetime!(2017-04-17 19:27:57.5 UTC));
        assert_eq!(BootClock::default().utc(1.0), None);
    }
}
