//! Properties of read(write(x)) == x, each also checking that every other track's samples
//! stay byte-identical:
//! - the writer alone: points already on the 10 Hz grid with gaps, through
//!   `telemetry_track::build` and the rewrite into synthetic videos (moov first or last, stco
//!   or co64, 1–4 tracks, varied chunking), read back at SCAL precision;
//! - the whole pipeline: irregular raw tracks as GPX through `telemux inject` (-o,
//!   --faststart, --in-place, --replace; --gps9) and `telemux extract`, against the
//!   hand-written oracle of tests/common/oracle.rs (never `resample` itself).

mod common;

use std::fs::File;
use std::io::Write;

use common::synthetic::{SynthTrack, SynthVideo};
use proptest::prelude::*;
use telemux_read::gopro::{self, ReadOptions};
use telemux_read::mp4::Mp4;
use telemux_read::{AltitudeRef, Fix, GpsPoint};
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

// ---------------------------------------------------------------------------------------------
// The whole pipeline: an irregular raw track → GPX → `telemux inject` → `telemux extract`,
// against the hand-written oracle of tests/common/oracle.rs.

/// A video start in whole seconds, as mvhd stores it: 2024-05-01 10:00:00 UTC.
const VIDEO_START: time::OffsetDateTime = datetime!(2024-05-01 10:00:00 UTC);

/// One fix of a raw track with what the GPX says beyond the model: the PDOP (written besides
/// or instead of the HDOP, which wins when both are there).
#[derive(Debug, Clone)]
struct RawFix {
    point: GpsPoint,
    hdop: Option<f64>,
    pdop: Option<f64>,
}

/// A step to the next fix: what kind of interval, and how the fix looks.
type Step = (u8, f64, (f64, f64, f64), (u8, u8, u8, u8), (f64, f64, f64));

fn step() -> impl Strategy<Value = Step> {
    (
        0u8..100,
        0.7f64..1.3,
        (-1.0f64..1.0, -1.0f64..1.0, 0.0f64..1.0),
        (0u8..4, 0u8..5, 0u8..3, 0u8..3),
        (-50.0f64..3000.0, 0.0f64..40.0, 0.0f64..360.0),
    )
}

/// An irregular raw track around the video's start: its own rate (0.2–20 Hz, jittered),
/// intervals of zero (repeated times, 8 %), below `max_gap` (7 %) and above it (7 %), every
/// field present, absent or mixed: elevation, speed and course (GPX 1.0), fix (none/2d/3d),
/// HDOP and PDOP. Times are whole milliseconds, never on the 10 Hz grid (a fix exactly on a
/// grid time next to a gap is sampled or not by a rounding error), and no interval is within
/// 50 ms of `max_gap`.
fn raw_track(max_gap: f64) -> impl Strategy<Value = Vec<RawFix>> {
    (
        -3000i64..2000,
        0.2f64..20.0,
        (0u8..3, 0u8..3, 0u8..3),
        (-60.0f64..60.0, -170.0f64..170.0),
        prop::collection::vec(step(), 2..90),
    )
        .prop_map(move |(start_ms, rate, modes, (lat0, lon0), steps)| {
            let (ele_mode, speed_mode, dop_mode) = modes;
            let present = |mode: u8, coin: u8| mode == 1 || (mode == 2 && coin == 0);
            let (mut t_ms, mut lat, mut lon) = (start_ms, lat0, lon0);
            let mut fixes = Vec::new();
            for (i, (kind, jitter, (vlat, vlon, _), (fix, dop_kind, coin, coin2), values)) in
                steps.into_iter().enumerate()
            {
                let (ele, speed, course) = values;
                // 0 to 1 from the jitter, to spread the gaps on either side of max_gap.
                let spread = (jitter - 0.7) / 0.6;
                let dt = match kind {
                    0..8 => 0.0,
                    8..15 => max_gap - 0.05 - spread * (max_gap - 0.5),
                    15..22 => max_gap + 0.05 + spread * 6.0,
                    _ => {
                        let dt = jitter / rate;
                        if (dt - max_gap).abs() < 0.05 {
                            max_gap - 0.05
                        } else {
                            dt
                        }
                    }
                };
                if i > 0 {
                    t_ms += (dt * 1000.0).round() as i64;
                    // Up to ~30 m/s in each direction.
                    lat += vlat * 3e-4 * dt;
                    lon += vlon * 3e-4 * dt;
                }
                if t_ms.rem_euclid(100) == 0 {
                    t_ms += 1;
                }
                let hdop = matches!(dop_kind, 1 | 3).then_some(0.5 + f64::from(coin2) * 1.75);
                let pdop = matches!(dop_kind, 2 | 3).then_some(1.25 + f64::from(coin) * 3.5);
                let point = GpsPoint {
                    time: Some(VIDEO_START + Duration::milliseconds(t_ms)),
                    altitude: present(ele_mode, coin).then_some((ele * 1000.0).round() / 1000.0),
                    speed_2d: present(speed_mode, coin2).then_some((speed * 100.0).round() / 100.0),
                    course: present(speed_mode, coin2).then_some((course * 10.0).round() / 10.0),
                    fix: match fix {
                        0 => None,
                        1 => Some(Fix::None),
                        2 => Some(Fix::TwoD),
                        _ => Some(Fix::ThreeD),
                    },
                    dop: hdop.or(pdop).filter(|_| dop_mode != 0),
                    ..GpsPoint::new(lat, lon)
                };
                let (hdop, pdop) = if dop_mode == 0 {
                    (None, None)
                } else {
                    (hdop, pdop)
                };
                fixes.push(RawFix { point, hdop, pdop });
            }
            fixes
        })
}

/// The raw track as GPX 1.0 (which has `<speed>` and `<course>`), every number written so
/// that it parses back to the same `f64`.
fn gpx_of(fixes: &[RawFix]) -> String {
    use time::format_description::well_known::Rfc3339;
    let mut gpx = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gpx version=\"1.0\" creator=\"telemux \
         property\" xmlns=\"http://www.topografix.com/GPX/1/0\">\n<trk><trkseg>\n",
    );
    for RawFix {
        point: p,
        hdop,
        pdop,
    } in fixes
    {
        gpx += &format!("<trkpt lat=\"{}\" lon=\"{}\">", p.latitude, p.longitude);
        if let Some(ele) = p.altitude {
            gpx += &format!("<ele>{ele}</ele>");
        }
        gpx += &format!("<time>{}</time>", p.time.unwrap().format(&Rfc3339).unwrap());
        if let Some(course) = p.course {
            gpx += &format!("<course>{course}</course>");
        }
        if let Some(speed) = p.speed_2d {
            gpx += &format!("<speed>{speed}</speed>");
        }
        if let Some(fix) = p.fix {
            gpx += match fix {
                Fix::None => "<fix>none</fix>",
                Fix::TwoD => "<fix>2d</fix>",
                Fix::ThreeD => "<fix>3d</fix>",
            };
        }
        if let Some(hdop) = hdop {
            gpx += &format!("<hdop>{hdop}</hdop>");
        }
        if let Some(pdop) = pdop {
            gpx += &format!("<pdop>{pdop}</pdop>");
        }
        gpx += "</trkpt>\n";
    }
    gpx + "</trkseg></trk></gpx>\n"
}

/// How `inject` is run.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    /// `-o`.
    Copy,
    /// `-o --faststart`.
    Faststart,
    /// `--in-place` (the video's moov is at its end).
    InPlace,
    /// `--replace -o` on a video `inject` already wrote a track into.
    Replace,
}

/// A synthetic video of 3–20 s with one or two tracks.
fn pipeline_video() -> impl Strategy<Value = SynthVideo> {
    (
        prop::collection::vec(synth_track(), 1..=2),
        3000u32..20_000,
        any::<bool>(),
    )
        .prop_map(|(mut tracks, duration_ms, moov_first)| {
            // The first track sets the video's duration.
            tracks[0].sample_duration = duration_ms / tracks[0].samples.len() as u32;
            SynthVideo {
                tracks,
                moov_first,
                creation_time: 3_797_402_400, // VIDEO_START in MP4 time
            }
        })
}

/// `telemux` with `args`, which must succeed.
fn run_telemux(args: &[&std::ffi::OsStr]) -> std::process::Output {
    let out = common::telemux().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "telemux {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A track covering the whole video at 1 Hz, for the track `--replace` replaces.
fn covering_gpx(duration: f64) -> String {
    let fixes: Vec<RawFix> = (-1..=duration.ceil() as i64 + 1)
        .map(|s| RawFix {
            point: GpsPoint {
                time: Some(VIDEO_START + Duration::seconds(s)),
                altitude: Some(10.0),
                ..GpsPoint::new(10.0, 20.0 + s as f64 * 1e-4)
            },
            hdop: None,
            pdop: None,
        })
        .collect();
    gpx_of(&fixes)
}

/// For each sample (given by its grid index), the index of the first sample of its GPMF
/// payload, whose GPSF and GPSP a GPS5 stream gives every sample: payloads are whole seconds,
/// and a new track also starts one after every missing grid slot.
fn payload_heads(slots: &[u64], rate: u64, split_at_gaps: bool) -> Vec<usize> {
    let mut heads = Vec::with_capacity(slots.len());
    for (i, &k) in slots.iter().enumerate() {
        let continues =
            i > 0 && slots[i - 1] / rate == k / rate && (!split_at_gaps || slots[i - 1] + 1 == k);
        heads.push(if continues { heads[i - 1] } else { i });
    }
    heads
}

fn pipeline_case() -> impl Strategy<Value = (SynthVideo, Vec<RawFix>, f64, Mode, bool)> {
    let mode = prop::sample::select(vec![
        Mode::Copy,
        Mode::Faststart,
        Mode::InPlace,
        Mode::Replace,
    ]);
    (
        pipeline_video(),
        prop::sample::select(vec![2.0, 5.0]),
        mode,
        any::<bool>(),
    )
        .prop_flat_map(|(mut video, max_gap, mode, gps9)| {
            if mode == Mode::InPlace {
                video.moov_first = false;
            }
            (
                Just(video),
                raw_track(max_gap),
                Just(max_gap),
                Just(mode),
                Just(gps9),
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// read(write(x)) == x through the CLI: what `extract` reads from `inject`'s output is
    /// the oracle's resampling of the GPX, at GPS5 precision (1e-7°, mm, mm/s, cm/s), with
    /// the media times of the 10 Hz grid and UTC times to the millisecond, fix and DOP per
    /// sample with --gps9 and per payload (its first sample's) without; and every original
    /// track's samples are byte-identical.
    #[test]
    fn inject_cli_then_extract_matches_the_oracle(
        (video, fixes, max_gap, mode, gps9) in pipeline_case(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.mp4");
        std::fs::write(&input, video.build()).unwrap();
        let original = read_samples(&mut File::open(&input).unwrap());
        let duration = {
            let mp4 = Mp4::open(&mut File::open(&input).unwrap()).unwrap();
            let mvhd = mp4.mvhd().unwrap();
            mvhd.duration as f64 / f64::from(mvhd.timescale)
        };
        let grid = common::oracle::Grid { max_gap, ..Default::default() };
        let points: Vec<GpsPoint> = fixes.iter().map(|f| f.point.clone()).collect();
        let expected = common::oracle::expected_samples(&points, VIDEO_START, duration, grid);
        prop_assume!(!expected.is_empty(), "the track does not cover the video");

        let gpx = dir.path().join("track.gpx");
        std::fs::write(&gpx, gpx_of(&fixes)).unwrap();
        let output = dir.path().join("out.mp4");
        let max_gap_arg = max_gap.to_string();
        let mut args: Vec<&std::ffi::OsStr> = vec!["inject".as_ref(), "--gpx".as_ref(), gpx.as_ref()];
        args.extend(["--max-gap".as_ref(), max_gap_arg.as_ref() as &std::ffi::OsStr]);
        if gps9 {
            args.push("--gps9".as_ref());
        }
        let injected = dir.path().join("injected.mp4");
        let base_gpx = dir.path().join("base.gpx");
        match mode {
            Mode::Copy | Mode::Faststart => {
                args.extend([input.as_os_str(), "-o".as_ref(), output.as_os_str()]);
                if mode == Mode::Faststart {
                    args.push("--faststart".as_ref());
                }
            }
            Mode::InPlace => {
                std::fs::copy(&input, &output).unwrap();
                args.extend([output.as_os_str(), "--in-place".as_ref()]);
            }
            Mode::Replace => {
                std::fs::write(&base_gpx, covering_gpx(duration)).unwrap();
                run_telemux(&["inject".as_ref(), input.as_os_str(), "--gpx".as_ref(),
                    base_gpx.as_os_str(), "-o".as_ref(), injected.as_os_str()]);
                args.extend([injected.as_os_str(), "--replace".as_ref(), "-o".as_ref(),
                    output.as_os_str()]);
            }
        }
        run_telemux(&args);
        let after = read_samples(&mut File::open(&output).unwrap());
        prop_assert_eq!(&after[..original.len()], &original[..], "original tracks changed");
        prop_assert_eq!(after.len(), original.len() + 1);

        let json = common::extract_json(&output);
        let got = json["gps"].as_array().unwrap();
        prop_assert_eq!(got.len(), expected.len(), "points read back");
        let slots: Vec<u64> = expected
            .iter()
            .map(|e| (e.media_time.unwrap() * 10.0).round() as u64)
            .collect();
        let heads = payload_heads(&slots, 10, mode != Mode::Replace);
        let precision = common::oracle::GPS5_PRECISION;
        for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
            let number = |key: &str| g[key].as_f64();
            let close = |key: &str, want: f64, tolerance: f64| {
                number(key).is_some_and(|v| (v - want).abs() <= tolerance)
            };
            let at = format!("sample {i} at {:?}: {g} vs {e:?}", e.media_time);
            prop_assert!(close("latitude", e.latitude, precision[0]), "latitude, {}", at);
            prop_assert!(close("longitude", e.longitude, precision[1]), "longitude, {}", at);
            // GPS5 has no "unknown" altitude: a track without one is written as 0.
            let altitude = e.altitude.unwrap_or(0.0);
            prop_assert!(close("altitude", altitude, precision[2]), "altitude, {}", at);
            prop_assert!(close("speed_2d", e.speed_2d.unwrap(), precision[3]), "2D speed, {}", at);
            prop_assert!(close("speed_3d", e.speed_3d.unwrap(), precision[4]), "3D speed, {}", at);
            // Without GPS9, GPSF and GPSP are the payload's first sample's.
            let source = if gps9 { e } else { &expected[heads[i]] };
            let fix = match source.fix.unwrap() {
                Fix::None => "none",
                Fix::TwoD => "2d",
                Fix::ThreeD => "3d",
            };
            prop_assert_eq!(g["fix"].as_str(), Some(fix), "fix, {}", at);
            prop_assert!(close("dop", source.dop.unwrap(), 0.005 + 1e-9), "DOP, {}", at);
            // --replace keeps the old payloads' spans, over which readers spread the GPS5
            // samples: media and GPSU-dated times are exact only where the new track covers
            // a whole payload, so they are checked where each sample has its own (GPS9).
            if mode != Mode::Replace || gps9 {
                let time = time::OffsetDateTime::parse(
                    g["time"].as_str().unwrap(),
                    &time::format_description::well_known::Rfc3339,
                )
                .unwrap();
                let dt = (time - e.time.unwrap()).abs();
                prop_assert!(dt <= Duration::milliseconds(1), "time off by {}, {}", dt, at);
            }
            if mode != Mode::Replace {
                prop_assert!(close("media_time", e.media_time.unwrap(), 1e-6), "media time, {}", at);
            } else {
                // In the replaced track's one-second payload the sample belongs to.
                let second = e.media_time.unwrap().floor();
                let media_time = number("media_time").unwrap();
                prop_assert!((second..second + 1.0).contains(&media_time), "payload, {}", at);
            }
        }
    }
}
