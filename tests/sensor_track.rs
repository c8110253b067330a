//! GPMF sensor streams end to end: `telemetry_track::build_with_sensors` written into
//! fixtures/ride.mp4 (12 s) and read back with `telemux_read::gopro` (sensors on) gives the
//! same samples at SCAL precision, at the same media times, with GoPro's keys and units.

mod common;

use std::fs::File;

use common::fixture;
use proptest::prelude::*;
use telemux_read::gopro::{self, ReadOptions};
use telemux_read::mp4::Mp4;
use telemux_read::{AltitudeRef, GpsPoint, SensorSample, SensorStream};
use telemux_write::mp4::{prepare, MoovPlacement, RewriteOptions, Target};
use telemux_write::telemetry_track::{build_with_sensors, SensorTrack, TrackOptions, DEFAULT_DOP};

const SECONDS: f64 = 12.0;
const GPS_HZ: f64 = 10.0;

fn gps() -> Vec<GpsPoint> {
    (0..(SECONDS * GPS_HZ) as u32)
        .map(|k| {
            let t = f64::from(k) / GPS_HZ;
            GpsPoint {
                media_time: Some(t),
                altitude: Some(250.0),
                ..GpsPoint::new(48.0 + t * 1e-5, 7.8 + t * 1e-5)
            }
        })
        .collect()
}

/// A stream sampled at `rate` Hz over the whole video, values drawn from `range`.
fn stream(
    key: &'static str,
    unit: &'static str,
    width: usize,
    range: std::ops::Range<f64>,
) -> impl Strategy<Value = SensorStream> {
    prop::sample::select(vec![1.0, 4.0, 10.0, 25.0, 50.0, 200.0]).prop_flat_map(move |rate| {
        let n = (SECONDS * rate) as usize;
        prop::collection::vec(prop::collection::vec(range.clone(), width), n).prop_map(
            move |values| SensorStream {
                key: key.to_owned(),
                name: None,
                units: vec![unit.to_owned(); width],
                samples: values
                    .into_iter()
                    .enumerate()
                    .map(|(i, values)| SensorSample {
                        media_time: Some(i as f64 / rate),
                        time: None,
                        values,
                    })
                    .collect(),
            },
        )
    })
}

fn sensors() -> impl Strategy<Value = Vec<SensorStream>> {
    (
        // Up to 16 g, beyond GoPro's ±8 g SCAL: the writer must lower SCAL.
        stream("ACCL", "m/s²", 3, -157.0..157.0),
        stream("GYRO", "rad/s", 3, -30.0..30.0),
        stream("MAGN", "µT", 3, -80.0..80.0),
        stream("PRES", "Pa", 1, 80_000.0..105_000.0),
        stream("TEMP", "°C", 1, -30.0..70.0),
        stream("HRAT", "bpm", 1, 40.0..200.0),
    )
        .prop_map(|(a, g, m, p, t, h)| vec![a, g, m, p, t, h])
}

/// Writes the track into a copy of ride.mp4 and reads its telemetry back.
fn write_and_read(built: &SensorTrack) -> telemux_read::Telemetry {
    let dir = tempfile::tempdir().unwrap();
    let mut input = File::open(fixture("ride.mp4")).unwrap();
    let mp4 = Mp4::open(&mut input).unwrap();
    let mut rewrite = RewriteOptions::default();
    rewrite.target = Target::Copy(MoovPlacement::Keep);
    let prepared = prepare(&mp4, &built.track, &rewrite).unwrap();
    let path = dir.path().join("out.mp4");
    let mut out = File::create(&path).unwrap();
    prepared
        .write_copy(&mut input, &mut out, &mut |_| {})
        .unwrap();
    drop(out);
    let mut out = File::open(&path).unwrap();
    let mp4 = Mp4::open(&mut out).unwrap();
    gopro::read(&mp4, &mut out, ReadOptions::with_sensors(true))
        .unwrap()
        .telemetry
}

fn options() -> TrackOptions {
    let mut options = TrackOptions::default();
    options.rate_hz = GPS_HZ;
    options.device_name = "telemux".into();
    options.gps9 = false;
    options.altitude_ref = AltitudeRef::MeanSeaLevel;
    options.default_dop = DEFAULT_DOP;
    options
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn sensors_read_back_at_scal_precision(sensors in sensors()) {
        let built = build_with_sensors(&gps(), &sensors, SECONDS, &options()).unwrap();
        prop_assert_eq!(built.left_out, 0);
        prop_assert!(built.unsupported.is_empty());
        let read = write_and_read(&built);
        prop_assert_eq!(read.gps.len(), 120);
        let keys: Vec<&str> = read.sensors.iter().map(|s| s.key.as_str()).collect();
        prop_assert_eq!(keys, ["ACCL", "GYRO", "MAGN", "PRES", "TEMP", "HRAT"]);
        for ((wrote, got), (key, count, scale)) in sensors.iter().zip(&read.sensors).zip(&built.written) {
            prop_assert_eq!(key, &wrote.key);
            prop_assert_eq!(*count, wrote.samples.len() as u64);
            prop_assert_eq!(&got.units[..1], &wrote.units[..1]);
            prop_assert_eq!(got.samples.len(), wrote.samples.len());
            let precision = 0.5 / f64::from(*scale) + 1e-9;
            for (w, g) in wrote.samples.iter().zip(&got.samples) {
                prop_assert_eq!(w.values.len(), g.values.len());
                for (a, b) in w.values.iter().zip(&g.values) {
                    prop_assert!((a - b).abs() <= precision, "{} {} vs {} (SCAL {})", key, a, b, scale);
                }
                let (tw, tg) = (w.media_time.unwrap(), g.media_time.unwrap());
                prop_assert!((tw - tg).abs() < 1e-6, "{} at {} read at {}", key, tw, tg);
            }
        }
    }
}

#[test]
fn scal_is_gopros_within_range_and_lowered_beyond() {
    let sample = |t: f64, values: Vec<f64>| SensorSample {
        media_time: Some(t),
        time: None,
        values,
    };
    let accl = |largest: f64| SensorStream {
        key: "ACCL".into(),
        name: Some("Accelerometer".into()),
        units: vec!["m/s²".into(); 3],
        samples: vec![
            sample(0.0, vec![0.5, -9.80665, 1.0]),
            sample(5.5, vec![largest, 0.0, 0.0]),
            // Outside the 12 s video: left out, counted.
            sample(12.5, vec![0.0, 0.0, 0.0]),
        ],
    };
    let cadence = SensorStream {
        key: "CADN".into(),
        name: None,
        units: vec![],
        samples: vec![sample(1.0, vec![90.0])],
    };
    let built = build_with_sensors(&gps(), &[accl(70.0), cadence], SECONDS, &options()).unwrap();
    assert_eq!(built.written, [("ACCL".to_owned(), 2, 418)]);
    assert_eq!(
        (built.left_out, &built.unsupported[..]),
        (1, &["CADN".to_owned()][..])
    );
    let read = write_and_read(&built);
    let got = &read.sensors[0];
    assert_eq!(
        (got.key.as_str(), got.name.as_deref()),
        ("ACCL", Some("Accelerometer"))
    );
    assert_eq!(got.samples.len(), 2);
    // Stored as round(v × 418): 209, -4099, 418 and 29260.
    assert_eq!(got.samples[0].values, [209.0 / 418.0, -4099.0 / 418.0, 1.0]);
    assert_eq!(got.samples[1].values, [29260.0 / 418.0, 0.0, 0.0]);
    // GPMF has no per-sample time: a payload's samples are spread evenly over its second, so
    // the only sample of 5–6 s reads back at 5 s. Regular rates keep their times (see above).
    assert_eq!(got.samples[1].media_time, Some(5.0));

    let built = build_with_sensors(&gps(), &[accl(150.0)], SECONDS, &options()).unwrap();
    // 32767 / 150 = 218.4.
    assert_eq!(built.written, [("ACCL".to_owned(), 2, 218)]);
    let read = write_and_read(&built);
    assert_eq!(
        read.sensors[0].samples[1].values,
        [32700.0 / 218.0, 0.0, 0.0]
    );
}
