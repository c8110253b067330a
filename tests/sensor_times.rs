//! Media times of sensor samples (`gopro::sensor_times`) on real camera data, against
//! gopro-telemetry 1.2.11 (its `cts`, ms on the video's timeline):
//! - `max-heromode.mp4` (GoPro MAX, STMP in every stream) as recorded;
//! - the HERO11 track of `real-tracks/` wrapped in an MP4 of 500 ms samples (the camera writes
//!   a payload every 0.5 s, as its STMP says; gopro-telemetry only trusts STMP within 2 s of
//!   the MP4 timing).
//!
//! Both spread a payload's samples from its STMP to the next payload's, so they agree to
//! rounding until the last payload, which telemux spreads at the stream's mean rate (TSMP over
//! the STMP span) and gopro-telemetry over the payload's MP4 duration: there they differ by
//! up to the measured `last_ms` (at most 0.1 s). Times never go back; first and last are golden.

mod common;

use std::fs::{self, File};
use std::path::Path;

use common::readers::{node_reader, read_json};
use common::synthetic::{SynthTrack, SynthVideo};
use common::{corpus_or_skip, extract_json};
use serde_json::Value;
use telemux_read::gopro::RawPayloads;

/// What was measured on one stream.
struct Golden {
    key: &'static str,
    samples: usize,
    /// Media time of the first and last sample, seconds.
    first: f64,
    last: f64,
    /// Samples equal to gopro-telemetry's (to 1 µs) before the first that differs.
    agree: usize,
    /// The largest |telemux − gopro-telemetry| after that, ms.
    last_ms: f64,
}

/// Each sensor stream's key and media times, from `extract --format json`.
fn our_times(file: &Path) -> Vec<(String, Vec<f64>)> {
    let json = extract_json(file);
    json["sensors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let times = s["samples"].as_array().unwrap();
            let times = times.iter().map(|t| t["media_time"].as_f64().unwrap());
            (s["key"].as_str().unwrap().to_string(), times.collect())
        })
        .collect()
}

/// gopro-telemetry's `cts` of each stream of device 1, ms, or `None` when it is not installed.
fn node_times(mp4: &Path) -> Option<Value> {
    let mut node = node_reader()?;
    node.arg(mp4);
    Some(read_json(node)["sensors"].clone())
}

fn check(what: &str, file: &Path, golden: &[Golden]) {
    let ours = our_times(file);
    let node = node_times(file);
    for g in golden {
        let times = &ours.iter().find(|(k, _)| k == g.key).unwrap().1;
        let stream = format!("{what} {}", g.key);
        for (i, w) in times.windows(2).enumerate() {
            assert!(w[0] <= w[1], "{stream}: sample {} goes back: {w:?}", i + 1);
        }
        let (first, last) = (times[0], *times.last().unwrap());
        eprintln!("{stream}: {} samples, {first} .. {last}", times.len());
        assert_eq!(times.len(), g.samples, "{stream}");
        assert!(
            (first - g.first).abs() < 1e-9 && (last - g.last).abs() < 1e-9,
            "{stream}: {first} .. {last}, measured {} .. {}",
            g.first,
            g.last
        );
        let Some(node) = &node else { continue };
        let theirs: Vec<f64> = node[format!("1/{}", g.key)]
            .as_array()
            .unwrap_or_else(|| panic!("{stream}: not read by gopro-telemetry"))
            .iter()
            .map(|t| t.as_f64().unwrap())
            .collect();
        assert_eq!(
            theirs.len(),
            times.len(),
            "{stream}: gopro-telemetry's count"
        );
        let diff: Vec<f64> = times
            .iter()
            .zip(&theirs)
            .map(|(t, ms)| (t * 1000.0 - ms).abs())
            .collect();
        let agree = diff.iter().position(|d| *d > 1e-3).unwrap_or(diff.len());
        let last_ms = diff[agree..].iter().copied().fold(0.0, f64::max);
        eprintln!("{stream}: equal to gopro-telemetry for {agree} samples, then {last_ms:.3} ms");
        assert_eq!(
            agree, g.agree,
            "{stream}: samples equal to gopro-telemetry's"
        );
        assert!(
            last_ms <= g.last_ms && g.last_ms <= 100.0,
            "{stream}: {last_ms} ms from gopro-telemetry, measured {} ms",
            g.last_ms
        );
    }
}

#[test]
fn max_heromode_sensors_follow_stmp() {
    let Some(corpus) = corpus_or_skip("sensor_times") else {
        return;
    };
    // ACCL/GYRO at ~197 Hz, MAGN ~24 Hz, CORI/GRAV ~30 Hz, WBAL ~10 Hz, YAVG ~9 Hz: the
    // last payload's difference grows with the sample period.
    let golden = [
        Golden {
            key: "ACCL",
            samples: 2082,
            first: 0.080577,
            last: 10.619695713201821,
            agree: 1978,
            last_ms: 1.222,
        },
        Golden {
            key: "GYRO",
            samples: 2082,
            first: 0.080577,
            last: 10.619695713201821,
            agree: 1978,
            last_ms: 1.222,
        },
        Golden {
            key: "MAGN",
            samples: 260,
            first: 0.073453,
            last: 10.566995287449393,
            agree: 248,
            last_ms: 5.814,
        },
        Golden {
            key: "CORI",
            samples: 316,
            first: 0.085608,
            last: 10.596108000000001,
            agree: 301,
            last_ms: 0.813,
        },
        Golden {
            key: "GRAV",
            samples: 316,
            first: 0.085608,
            last: 10.596108000000001,
            agree: 301,
            last_ms: 0.813,
        },
        Golden {
            key: "WBAL",
            samples: 105,
            first: 0.085608,
            last: 10.496008,
            agree: 101,
            last_ms: 26.001,
        },
        Golden {
            key: "YAVG",
            samples: 98,
            first: 0.053195,
            last: 10.52000952173913,
            agree: 93,
            last_ms: 95.361,
        },
    ];
    check(
        "max-heromode.mp4",
        &corpus.join("gopro/max-heromode.mp4"),
        &golden,
    );
}

#[test]
fn hero11_sensors_follow_stmp() {
    let Some(corpus) = corpus_or_skip("sensor_times") else {
        return;
    };
    let raw = corpus.join("gopro/real-tracks/gopro2gpx-hero11.bin");
    let payloads: Vec<Vec<u8>> = RawPayloads::new(File::open(raw).unwrap())
        .map(|p| p.unwrap().bytes)
        .collect();
    let track = SynthTrack {
        sample_duration: 500,
        ..SynthTrack::gpmd(payloads)
    };
    let mp4 = SynthVideo {
        tracks: vec![track],
        moov_first: true,
        creation_time: 3_600_000_000,
    }
    .build();
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("hero11.mp4");
    fs::write(&file, mp4).unwrap();
    // The track holds one sample per stream and payload: equal throughout.
    let golden = [
        Golden {
            key: "ACCL",
            samples: 679,
            first: 0.001998,
            last: 338.630381,
            agree: 679,
            last_ms: 0.0,
        },
        Golden {
            key: "GYRO",
            samples: 679,
            first: 0.001998,
            last: 338.630381,
            agree: 679,
            last_ms: 0.0,
        },
        Golden {
            key: "CORI",
            samples: 679,
            first: 0.131284,
            last: 339.131284,
            agree: 679,
            last_ms: 0.0,
        },
        Golden {
            key: "GRAV",
            samples: 679,
            first: 0.131284,
            last: 339.131284,
            agree: 679,
            last_ms: 0.0,
        },
    ];
    check("hero11", &file, &golden);
}
