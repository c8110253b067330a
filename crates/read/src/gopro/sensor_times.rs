//! Media times of sensor samples (ACCL, GYRO, MAGN, CORI, GRAV, …), decided once every payload
//! is read (a payload's times depend on the next payload's STMP):
//! - A payload whose stream has a usable STMP (the microsecond timestamp of the stream's first
//!   sample, HERO6+ / MAX / HERO11) spreads its samples from that STMP to the next payload's
//!   STMP of the same stream, as gopro-telemetry does. Sensors are clocked on their own, so
//!   their samples do not start at the payload's MP4 start nor fill its MP4 duration evenly.
//! - Without a usable next STMP (the last payload, a payload before a bad one), the samples
//!   keep the stream's mean rate since its first STMP (TSMP counts the samples in between,
//!   lost ones included); with only one STMP, they fill the payload's MP4 span.
//! - Without a usable STMP (HERO5, Fusion, or an STMP more than [`STMP_WINDOW`] from its
//!   payload's MP4 start), the samples fill the payload's MP4 span evenly.
//! - Times never go back: a sample is never dated before the previous one.

use super::dating::MAX_GPSU_STEP;
use super::Span;

/// How far (seconds) a payload's STMP may be from the payload's MP4 start and still date its
/// samples. gopro-telemetry uses the same 2 s: farther, the clock belongs to something else
/// (a later chapter counts STMP from the first chapter's start).
pub(super) const STMP_WINDOW: f64 = 2.0;

/// One payload's samples of one stream awaiting their media times.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct SensorRun {
    /// Index of the payload among all payloads read (bad ones included).
    pub payload: usize,
    /// The payload's MP4 span.
    pub span: Span,
    /// STMP, microseconds.
    pub stmp: Option<u64>,
    /// TSMP: samples delivered so far, this payload's included.
    pub tsmp: Option<u64>,
    /// Samples in the payload.
    pub samples: usize,
}

/// Where STMP 0 lies on the media timeline: STMP counts from when the camera started
/// recording, which is the media timeline's 0 in a first (or only) chapter; otherwise the first
/// STMP is put at its payload's MP4 start.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct StmpOrigin {
    /// Seconds subtracted from STMP.
    shift: f64,
}

impl StmpOrigin {
    /// The origin set by the first STMP read, `stmp` µs, in a payload spanning `span`.
    pub(super) fn new(stmp: u64, span: Span) -> StmpOrigin {
        let seconds = stmp as f64 / 1e6;
        let shift = if (seconds - span.start).abs() <= STMP_WINDOW {
            0.0
        } else {
            seconds - span.start
        };
        StmpOrigin { shift }
    }

    /// The media time of `stmp` µs in a payload spanning `span`, `None` when it is too far
    /// from the span to be trusted.
    fn media_time(&self, stmp: u64, span: Span) -> Option<f64> {
        Some(stmp as f64 / 1e6 - self.shift).filter(|t| (t - span.start).abs() <= STMP_WINDOW)
    }
}

/// The media time of every sample of the runs of one stream, in order.
pub(super) fn media_times(runs: &[SensorRun], origin: Option<StmpOrigin>) -> Vec<f64> {
    let starts: Vec<Option<f64>> = runs
        .iter()
        .map(|r| origin.and_then(|o| o.media_time(r.stmp?, r.span)))
        .collect();
    // The first run with a usable STMP: (its index, its start), for the mean rate.
    let first = starts
        .iter()
        .enumerate()
        .find_map(|(k, s)| s.map(|s| (k, s)));
    let mut times = Vec::with_capacity(runs.iter().map(|r| r.samples).sum());
    let mut previous = f64::NEG_INFINITY;
    for (k, run) in runs.iter().enumerate() {
        let n = run.samples.max(1) as f64;
        let (start, step) = match starts[k] {
            Some(start) => {
                let to_next = runs
                    .get(k + 1)
                    .filter(|next| next.payload == run.payload + 1)
                    .and_then(|_| starts[k + 1])
                    .map(|next| next - start)
                    .filter(|d| *d > 0.0 && *d <= MAX_GPSU_STEP)
                    .map(|d| d / n);
                let step = to_next
                    .or_else(|| first.and_then(|f| mean_step(runs, f, k, start)))
                    .unwrap_or(run.span.duration / n);
                (start, step)
            }
            None => (run.span.start, run.span.duration / n),
        };
        for i in 0..run.samples {
            let t = (start + step * i as f64).max(previous);
            times.push(t);
            previous = t;
        }
    }
    times
}

/// Seconds per sample from run `first` (starting at `first.1`) to run `k` (starting at
/// `start`), counted by TSMP when both have one, else by the samples read; `None` when `k` is
/// the first.
fn mean_step(runs: &[SensorRun], first: (usize, f64), k: usize, start: f64) -> Option<f64> {
    let (f, first_start) = first;
    if f >= k {
        return None;
    }
    // Samples from the first sample of run f to the first of run k.
    let read: usize = runs[f..k].iter().map(|r| r.samples).sum();
    let delivered = |r: &SensorRun| r.tsmp?.checked_sub(r.samples as u64);
    let counted = match (delivered(&runs[f]), delivered(&runs[k])) {
        (Some(a), Some(b)) if b > a => (b - a) as f64,
        _ => read as f64,
    };
    Some((start - first_start) / counted).filter(|s| *s > 0.0 && s.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(payload: usize, start: f64, stmp: Option<u64>, tsmp: u64, samples: usize) -> SensorRun {
        SensorRun {
            payload,
            span: Span {
                start,
                duration: 1.001,
            },
            stmp,
            tsmp: Some(tsmp),
            samples,
        }
    }

    fn assert_times(got: &[f64], want: &[f64]) {
        assert_eq!(got.len(), want.len(), "{got:?}");
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-9, "{got:?} vs {want:?}");
        }
    }

    #[test]
    fn spreads_between_stmps_then_keeps_the_mean_rate() {
        let runs = [
            run(0, 0.0, Some(10_000), 4, 4),
            run(1, 1.001, Some(1_010_000), 8, 4),
            // Two samples lost before this payload: TSMP counts them.
            run(2, 2.002, Some(2_510_000), 14, 4),
        ];
        let origin = StmpOrigin::new(10_000, runs[0].span);
        let times = media_times(&runs, Some(origin));
        // 0.25 s apart from 0.01 s, then 0.375 s from 1.01 s, then the mean rate:
        // 2.5 s over 10 samples delivered (8 read).
        let want = [
            0.01, 0.26, 0.51, 0.76, 1.01, 1.385, 1.76, 2.135, 2.51, 2.76, 3.01, 3.26,
        ];
        assert_times(&times, &want);
    }

    #[test]
    fn without_stmp_or_far_from_the_span_fills_the_span_and_never_goes_back() {
        let runs = [
            run(0, 0.0, None, 2, 2),
            // 2.5 s from its span: not trusted.
            run(1, 1.001, Some(3_501_000), 4, 2),
            // Before the previous run's last sample: held at it.
            run(2, 2.002, Some(1_200_000), 6, 2),
        ];
        let origin = StmpOrigin::new(
            3_501_000,
            Span {
                start: 0.0,
                duration: 1.001,
            },
        );
        // The first STMP is 3.5 s from its payload's start: STMP is shifted to start there.
        assert_eq!(origin.shift, 3.501);
        let times = media_times(&runs, Some(StmpOrigin { shift: 0.0 }));
        assert_times(&times, &[0.0, 0.5005, 1.001, 1.5015, 1.5015, 1.7005]);
        let times = media_times(&runs, None);
        assert_times(&times, &[0.0, 0.5005, 1.001, 1.5015, 2.002, 2.5025]);
    }

    #[test]
    fn one_stmp_alone_fills_its_span_from_it() {
        let runs = [run(0, 0.0, Some(100_000), 2, 2)];
        let origin = StmpOrigin::new(100_000, runs[0].span);
        assert_times(&media_times(&runs, Some(origin)), &[0.1, 0.6005]);
    }
}
