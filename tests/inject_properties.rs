//! Property: for arbitrary GPS tracks and synthetic videos (moov first or last, stco or co64,
//! 1–4 tracks, varied chunking), writing the telemetry and reading it back returns the track
//! at SCAL precision, and every other track's samples stay byte-identical.

mod common;

use std::fs::File;
use std::io::Write;

use common::synthetic::{SynthTrack, SynthVideo};
use proptest::prelude::*;
use telemux_read::gopro::{self, ReadOptions};
use telemux_read::mp4::Mp4;
use telemux_read::{AltitudeRef, GpsPoint};
use telemux_write::mp4::{prepare, MoovPlacement, RewriteOptions, Target};
use telemux_write::telemetry_track::{self, TrackOptions, DEFAULT_DOP};
use time::macros::datetime;
use time::Duration;

const RATE: f64 = 10.0;

fn synth_track() -> impl Strategy<Value = SynthTrack> {
    (
        prop::collection::vec(prop::collection::vec(any::<u8>(), 1..64), 1..30),
        prop::collection::vec(1u32..5, 1..4),
        any::<bool>(),
        200u32..1000,
        prop::sample::select(vec![*b"vide", *b"soun", *b"text"]),
    )
        .prop_map(
            |(samples, chunking, co64, sample_duration, handler)| SynthTrack {
                handler,
                sample_entry: *b"test",
                timescale: 1000,
                samples,
                sample_duration,
                chunking,
                co64,
            },
        )
}

fn video() -> impl Strategy<Value = SynthVideo> {
    (prop::collection::vec(synth_track(), 1..=4), any::<bool>()).prop_map(|(tracks, moov_first)| {
        SynthVideo {
            tracks,
            moov_first,
            creation_time: 3_797_416_800, // 2024-05-01 in MP4 time
        }
    })
}

/// Points on the 10 Hz grid over `slots` slots, with runs of missing slots (gaps).
fn gps(slots: usize) -> impl Strategy<Value = Vec<GpsPoint>> {
    let steps = (
        any::<bool>(),
        -1e-4f64..1e-4,
        -1e-4f64..1e-4,
        -500.0f64..3000.0,
        0.0f64..60.0,
    );
    (
        prop::collection::vec(steps, slots),
        -80.0f64..80.0,
        -179.0f64..179.0,
    )
        .prop_map(move |(steps, lat0, lon0)| {
            let start = datetime!(2024-05-01 10:00:00 UTC);
            let (mut lat, mut lon) = (lat0, lon0);
            // A false flag at the start of a block of 7 slots drops its first 5: gaps that
            // start and end inside payloads and cross their boundaries.
            let kept: Vec<bool> = (0..steps.len())
                .map(|k| steps[k - k % 7].0 || k % 7 >= 5)
                .collect();
            let mut points = Vec::new();
            for (k, &(_, dlat, dlon, alt, speed)) in steps.iter().enumerate() {
                lat = (lat + dlat).clamp(-89.0, 89.0);
                lon = (lon + dlon).clamp(-179.9, 179.9);
                if !kept[k] {
                    continue;
                }
                let t = k as f64 / RATE;
                points.push(GpsPoint {
                    time: Some(start + Duration::seconds_f64(t)),
                    media_time: Some(t),
                    altitude: Some(alt),
                    speed_2d: Some(speed),
                    speed_3d: Some(speed),
                    ..GpsPoint::new(lat, lon)
                });
            }
            points
        })
}

fn read_samples(file: &mut File) -> Vec<Vec<Vec<u8>>> {
    let mp4 = Mp4::open(file).unwrap();
    let tracks: Vec<_> = mp4.tracks().map(Result::unwrap).collect();
    tracks
        .iter()
        .map(|t| {
            t.samples()
                .map(|s| t.read_sample(file, &s.unwrap()).unwrap())
                .collect()
        })
        .collect()
}

fn case() -> impl Strategy<Value = (SynthVideo, Vec<GpsPoint>, bool)> {
    video().prop_flat_map(|video| {
        let duration_ms = video
            .tracks
            .iter()
            .map(|t| t.sample_duration * t.samples.len() as u32)
            .max()
            .unwrap_or(1000);
        let slots = ((duration_ms as f64 / 1000.0) * RATE).ceil() as usize;
        (Just(video), gps(slots), any::<bool>())
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn inject_then_extract_returns_the_track(
        (video, points, faststart) in case(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let input_path = dir.path().join("in.mp4");
        File::create(&input_path).unwrap().write_all(&video.build()).unwrap();
        let mut input = File::open(&input_path).unwrap();
        let original = read_samples(&mut input);
        let mp4 = Mp4::open(&mut input).unwrap();
        let mvhd = mp4.mvhd().unwrap();
        let duration = mvhd.duration as f64 / f64::from(mvhd.timescale);

        let mut options = TrackOptions::default();
        options.rate_hz = RATE;
        options.device_name = "prop".into();
        options.gps9 = false;
        options.altitude_ref = AltitudeRef::MeanSeaLevel;
        options.default_dop = DEFAULT_DOP;
        let track = telemetry_track::build(&points, duration, &options).unwrap();
        let placement = if faststart { MoovPlacement::Front } else { MoovPlacement::Keep };
        let mut rewrite = RewriteOptions::default();
        rewrite.target = Target::Copy(placement);
        let prepared = prepare(&mp4, &track, &rewrite).unwrap();
        let output_path = dir.path().join("out.mp4");
        let mut output = File::create(&output_path).unwrap();
        prepared.write_copy(&mut input, &mut output, &mut |_| {}).unwrap();
        drop(output);

        let mut output = File::open(&output_path).unwrap();
        let after = read_samples(&mut output);
        prop_assert_eq!(&after[..original.len()], &original[..]);
        prop_assert_eq!(after.len(), original.len() + 1);

        let mp4 = Mp4::open(&mut output).unwrap();
        let read = gopro::read(&mp4, &mut output, ReadOptions::default()).unwrap();
        let got = &read.telemetry.gps;
        prop_assert_eq!(got.len(), points.len());
        for (g, p) in got.iter().zip(&points) {
            prop_assert!((g.latitude - p.latitude).abs() <= 0.5e-7 + 1e-12);
            prop_assert!((g.longitude - p.longitude).abs() <= 0.5e-7 + 1e-12);
            prop_assert!((g.altitude.unwrap() - p.altitude.unwrap()).abs() <= 0.5e-3 + 1e-9);
            prop_assert!((g.speed_2d.unwrap() - p.speed_2d.unwrap()).abs() <= 0.5e-3 + 1e-9);
            prop_assert!((g.speed_3d.unwrap() - p.speed_3d.unwrap()).abs() <= 0.5e-2 + 1e-9);
            prop_assert!((g.media_time.unwrap() - p.media_time.unwrap()).abs() < 1e-6,
                "media time {:?} vs {:?}", g.media_time, p.media_time);
            let dt = (g.time.unwrap() - p.time.unwrap()).abs();
            prop_assert!(dt <= Duration::milliseconds(1), "time off by {}", dt);
        }
    }
}
