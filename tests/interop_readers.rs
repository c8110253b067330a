//! The interop matrix (docs/interop.md): every kind of output `inject` writes, read by the
//! independent readers our users' files go through — GoPro's gpmf-parser (the reference C
//! library, PyPI py-gpmf-parser), mapillary_tools (PyPI), gopro-telemetry (npm),
//! telemetry-parser (crates.io), ExifTool and ffprobe/ffmpeg. Each must find the 120 points
//! of fixtures/ride.gpx resampled at 10 Hz: the count, every coordinate to 1e-6°, and the
//! times as far as the reader exposes them. The outputs are made once per test binary and
//! shared by the readers (one test per reader).

mod common;

use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::readers::{
    assert_position_within, node_reader, number as f, python_reader, read_json, ride_points,
    telemetry_parser_reader, RidePoint,
};
use common::{assert_gpmf_output_is_sound, fixture, run, telemux, tool};
use serde_json::Value;
use telemux_read::gpmf::keys::GPS5;
use telemux_write::telemetry_track::DEFAULT_DOP;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::OffsetDateTime;

/// What the readers must find in each output, beside the points.
#[derive(Debug)]
struct Variant {
    name: &'static str,
    /// The video given to inject (for the stream hashes).
    input: PathBuf,
    output: PathBuf,
    gps9: bool,
    /// The DOP written for every point: the GPX's hdop, else inject's default.
    dop: f64,
    /// `--make`/`--model`.
    make_model: Option<(&'static str, &'static str)>,
}

/// The hdop of the GPX made with [`gpx_with_hdop`].
const GPX_HDOP: f64 = 0.9;
/// Tolerance of every coordinate (the brief's 1e-6°; SCAL's step is 1e-7°).
const DEG: f64 = 1e-6;

struct Matrix {
    _dir: tempfile::TempDir,
    variants: Vec<Variant>,
}

/// Every output variant, made once for all the readers of this binary.
fn variants() -> &'static [Variant] {
    static MATRIX: OnceLock<Matrix> = OnceLock::new();
    &MATRIX.get_or_init(make_variants).variants
}

fn make_variants() -> Matrix {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ride_gpx = fixture("ride.gpx");
    let hdop_gpx = d.join("ride-hdop.gpx");
    fs::write(&hdop_gpx, gpx_with_hdop()).unwrap();

    let mut variants = Vec::new();
    let mut add = |name: &'static str, input: PathBuf, gpx: &Path, args: &[&'static str]| {
        let output = d.join(name);
        let in_place = args.contains(&"--in-place");
        if in_place {
            fs::copy(&input, &output).unwrap();
        }
        let mut cmd = telemux();
        cmd.arg("inject")
            .arg(if in_place { &output } else { &input });
        cmd.arg("--gpx").arg(gpx).args(args);
        if !in_place {
            cmd.arg("-o").arg(&output);
        }
        cmd.assert().success();
        let value = |flag: &str| {
            let i = args.iter().position(|a| *a == flag)?;
            Some(args[i + 1])
        };
        let make_model = value("--make").zip(value("--model"));
        variants.push(Variant {
            name,
            input,
            output,
            gps9: args.contains(&"--gps9"),
            dop: if gpx == hdop_gpx {
                GPX_HDOP
            } else {
                DEFAULT_DOP
            },
            make_model,
        });
    };
    add(
        "moov-first.mp4",
        fixture("ride-faststart.mp4"),
        &ride_gpx,
        &[],
    );
    add("moov-at-end.mp4", fixture("ride.mp4"), &ride_gpx, &[]);
    add(
        "faststart.mp4",
        fixture("ride.mp4"),
        &ride_gpx,
        &["--faststart"],
    );
    add(
        "in-place.mp4",
        fixture("ride.mp4"),
        &ride_gpx,
        &["--in-place"],
    );
    add("gps9.mp4", fixture("ride.mp4"), &ride_gpx, &["--gps9"]);
    add(
        "street-view.mp4",
        fixture("ride.mp4"),
        &ride_gpx,
        &["--street-view", "--make", "X", "--model", "Y"],
    );
    add("hdop.mp4", fixture("ride.mp4"), &hdop_gpx, &[]);
    // Inputs only ffmpeg can make; without it (locally) these variants are left out.
    for (name, made) in [
        ("quicktime.mov", quicktime(d)),
        ("two-audio.mp4", two_audio_tracks(d)),
        ("hevc.mp4", hevc(d)),
    ] {
        if let Some(input) = made {
            add(name, input, &ride_gpx, &[]);
        }
    }
    Matrix {
        _dir: dir,
        variants,
    }
}

/// fixtures/ride.gpx with `<hdop>0.9</hdop>` on every point.
fn gpx_with_hdop() -> String {
    let gpx = fs::read_to_string(fixture("ride.gpx")).unwrap();
    let with = gpx.replace("</ele>", &format!("</ele><hdop>{GPX_HDOP}</hdop>"));
    assert_eq!(with.matches("<hdop>").count(), 19);
    with
}

/// `ffmpeg -v error ARGS… -metadata creation_time=… OUTPUT`: ride.mp4's start, so the GPX
/// lines up the same way.
fn ffmpeg_make(out: PathBuf, args: &[&str]) -> Option<PathBuf> {
    let mut ffmpeg = tool("ffmpeg")?;
    ffmpeg.args(["-v", "error", "-y"]).args(args);
    ffmpeg.args([
        "-metadata",
        "creation_time=2024-05-01T10:00:00Z",
        "-fflags",
        "+bitexact",
    ]);
    ffmpeg.arg(&out);
    run(ffmpeg);
    Some(out)
}

/// ride.mp4's streams in a QuickTime file (ftyp wide mdat moov), as cameras write .MOV.
fn quicktime(dir: &Path) -> Option<PathBuf> {
    let ride = fixture("ride.mp4");
    let ride = ride.to_str().unwrap();
    ffmpeg_make(dir.join("in.mov"), &["-i", ride, "-map", "0", "-c", "copy"])
}

/// ride.mp4 with its audio stream twice (two `soun` tracks).
fn two_audio_tracks(dir: &Path) -> Option<PathBuf> {
    let ride = fixture("ride.mp4");
    let ride = ride.to_str().unwrap();
    let args = [
        "-i", ride, "-map", "0:v", "-map", "0:a", "-map", "0:a", "-c", "copy",
    ];
    ffmpeg_make(dir.join("in-two-audio.mp4"), &args)
}

/// 12 s of HEVC (`hvc1`, as recent GoPros write) and AAC, moov at the end.
fn hevc(dir: &Path) -> Option<PathBuf> {
    let args = [
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=160x120:rate=15:duration=12",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:sample_rate=22050:duration=12",
        "-map",
        "0:v",
        "-map",
        "1:a",
        "-c:v",
        "libx265",
        "-preset",
        "ultrafast",
        "-x265-params",
        "log-level=none:pools=1",
        "-tag:v",
        "hvc1",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-b:a",
        "16k",
        "-ac",
        "1",
    ];
    ffmpeg_make(dir.join("in-hevc.mp4"), &args)
}

/// Runs `check` on every variant and then fails naming each variant it failed on and why,
/// so that one run shows the reader's whole row of the matrix (docs/interop.md).
fn each_variant(reader: &str, check: impl Fn(&Variant)) {
    let mut failed = Vec::new();
    for v in variants() {
        match panic::catch_unwind(AssertUnwindSafe(|| check(v))) {
            Ok(()) => eprintln!("{reader} reads {}: ok", v.name),
            Err(e) => {
                let message = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                failed.push(format!("- {}: {message}", v.name));
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{reader} fails on {} of {} outputs:\n{}",
        failed.len(),
        variants().len(),
        failed.join("\n")
    );
}

/// Runs `reader` (a program printing one JSON object) on every output and `check` on what it
/// printed, as [`each_variant`] does; nothing when the reader is not installed (locally).
fn read_each_variant(
    name: &str,
    reader: impl Fn() -> Option<Command>,
    check: impl Fn(&Variant, &Value, &str),
) {
    if reader().is_none() {
        return;
    }
    each_variant(name, |v| {
        let mut cmd = reader().unwrap();
        cmd.arg(&v.output);
        check(v, &read_json(cmd), &format!("{name} on {}", v.name));
    });
}

fn gpmf_parser_reader() -> Option<Command> {
    python_reader("gpmf_parser_gps.py", "gpmf_parser")
}

/// The GPX time of `p` as GPSU text (yymmddhhmmss.sss).
fn gpsu_text(p: &RidePoint) -> String {
    let gpsu = format_description!(
        "[year repr:last_two][month][day][hour][minute][second].[subsecond digits:3]"
    );
    p.time.format(&gpsu).unwrap()
}

fn unix_s(p: &RidePoint) -> f64 {
    p.unix_ms() as f64 / 1000.0
}

/// (lat, lon) against the GPX, to 1e-6°.
fn assert_position(what: &str, i: usize, lat: f64, lon: f64, gpx: &RidePoint) {
    assert_position_within(DEG, what, i, lat, lon, gpx);
}

/// GoPro's C parser: OpenMP4Source finds the track, GPMF_Validate passes every payload,
/// GPMF_ScaledData gives GPS5 (and GPS9) with the GPX's positions, and each payload's GPSU
/// and MP4 time are those of its first point.
#[test]
fn gpmf_parser() {
    let gpx = ride_points();
    read_each_variant("gpmf-parser", gpmf_parser_reader, |v, read, what| {
        let payloads = read["payloads"].as_array().unwrap();
        assert_eq!(payloads.len(), 12, "{what}: payloads");
        let mut gps5 = Vec::new();
        let mut gps9 = Vec::new();
        for (k, p) in payloads.iter().enumerate() {
            assert_eq!(p["validate"], 0, "{what}: GPMF_Validate of payload {k}");
            assert_eq!(
                (f(&p["in"]), f(&p["out"])),
                (k as f64, k as f64 + 1.0),
                "{what}: GetPayloadTime({k})"
            );
            assert_eq!(p["gpsu"], gpsu_text(&gpx[10 * k]), "{what}: GPSU {k}");
            gps5.extend(p["gps5"].as_array().unwrap().iter().cloned());
            gps9.extend(p["gps9"].as_array().unwrap().iter().cloned());
        }
        assert_eq!(gps5.len(), 120, "{what}: GPS5 samples");
        for (i, (s, g)) in gps5.iter().zip(&gpx).enumerate() {
            assert_position(what, i, f(&s[0]), f(&s[1]), g);
        }
        if !v.gps9 {
            assert!(gps9.is_empty(), "{what}: GPS9");
            return;
        }
        assert_eq!(gps9.len(), 120, "{what}: GPS9 samples");
        for (i, (s, g)) in gps9.iter().zip(&gpx).enumerate() {
            assert_position(what, i, f(&s[0]), f(&s[1]), g);
            // days since 2000-01-01 and seconds of the day: the GPX time to the millisecond.
            let t = 946_684_800.0 + f(&s[5]) * 86_400.0 + f(&s[6]);
            assert!((t - unix_s(g)).abs() < 1e-6, "{what} GPS9 {i}: {s}");
            assert_eq!(
                (f(&s[7]), f(&s[8])),
                (v.dop, 3.0),
                "{what} GPS9 {i} DOP, fix"
            );
        }
    });
}

/// GPMF_Validate is not a formality: a copy whose first STRM claims more bytes than its
/// payload holds fails it (GPMF_ERROR_BAD_STRUCTURE).
#[test]
fn gpmf_parser_validate_finds_a_broken_payload() {
    let Some(mut cmd) = gpmf_parser_reader() else {
        return;
    };
    let v = variants()
        .iter()
        .find(|v| v.name == "moov-first.mp4")
        .unwrap();
    let mut bytes = fs::read(&v.output).unwrap();
    let strm = bytes.windows(4).position(|w| w == b"STRM").unwrap();
    bytes[strm + 6..strm + 8].copy_from_slice(&[0xff, 0xff]);
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.mp4");
    fs::write(&broken, bytes).unwrap();
    let read = read_json({
        cmd.arg(&broken);
        cmd
    });
    let codes: Vec<&Value> = read["payloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["validate"])
        .collect();
    assert_eq!(codes[0], 2, "GPMF_ERROR_BAD_STRUCTURE");
    assert!(codes[1..].iter().all(|c| *c == 0), "{codes:?}");
}

/// mapillary_tools: its GoPro parser reads every point, with the DOP and model we wrote, and
/// `mapillary_tools process` (what runs before an upload) accepts the video with all of them.
#[test]
fn mapillary_tools() {
    let gpx = ride_points();
    let reader = || python_reader("mapillary_gps.py", "mapillary_tools");
    read_each_variant("mapillary_tools", reader, |v, read, what| {
        let model = v.make_model.map_or("telemux", |(_, model)| model);
        // What users see first: does the video pass `process`, with the model we wrote?
        let process = &read["process"];
        let descriptions = process["descriptions"].as_array().unwrap();
        assert_eq!(descriptions.len(), 1, "{what}: {process}");
        let d = &descriptions[0];
        assert!(
            d.get("error").is_none(),
            "{what}: process says {}",
            d["error"]
        );
        assert_eq!(process["exit_code"], 0, "{what}");
        assert_eq!(
            (&d["filetype"], &d["MAPDeviceMake"], &d["MAPDeviceModel"]),
            (&"gopro".into(), &"GoPro".into(), &model.into()),
            "{what}"
        );
        let track = d["MAPGPSTrack"].as_array().unwrap();
        assert_eq!(track.len(), 120, "{what}: MAPGPSTrack");
        for (i, (p, g)) in track.iter().zip(&gpx).enumerate() {
            // [ms on the video, lon, lat, alt, angle, GPS epoch time]
            assert_eq!(p[0], i * 100, "{what} {i}: {p}");
            assert_position(what, i, f(&p[2]), f(&p[1]), g);
        }

        // Its GoPro parser names every GoPro-style file's make "GoPro" (see docs/interop.md).
        assert_eq!(
            (&read["make"], &read["model"]),
            (&"GoPro".into(), &model.into()),
            "{what}"
        );
        let points = read["points"].as_array().unwrap();
        assert_eq!(points.len(), 120, "{what}: points");
        for (i, (p, g)) in points.iter().zip(&gpx).enumerate() {
            assert_position(what, i, f(&p["lat"]), f(&p["lon"]), g);
            assert!(
                (f(&p["time"]) - i as f64 / 10.0).abs() < 1e-9,
                "{what} {i}: {p}"
            );
            // It reads GPS5 (the first GPS stream) and dates every sample of a payload with
            // the payload's GPSU: the GPX time of the payload's first point.
            assert_eq!(f(&p["epoch_time"]), unix_s(&gpx[i / 10 * 10]), "{what} {i}");
            assert_eq!(p["fix"], 3, "{what} {i}");
        }
        for (i, p) in points.iter().enumerate() {
            assert_eq!(
                f(&p["precision"]),
                (v.dop * 100.0).round(),
                "{what} {i}: DOP × 100"
            );
        }
    });
}

fn unix_ms(text: &str) -> i64 {
    let t = OffsetDateTime::parse(text, &Rfc3339).unwrap();
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap()
}

/// gopro-telemetry (npm), as GoPro web tools run it: every GPS5 (and GPS9) point with the
/// GPX's position and time to the millisecond (GPS9: up to 1 ms early, its rounding; see
/// tests/interop_node.rs, which checks the rest of what it gives on these layouts).
#[test]
fn gopro_telemetry() {
    let gpx = ride_points();
    read_each_variant("gopro-telemetry", node_reader, |v, read, what| {
        assert_eq!(read["warnings"], expected_node_warnings(v), "{what}");
        let model = v.make_model.map_or("telemux", |(_, model)| model);
        assert_eq!(read["devices"], serde_json::json!({ "1": model }), "{what}");
        let keys: &[(&str, i64)] = if v.gps9 {
            &[("GPS5", 0), ("GPS9", 1)]
        } else {
            &[("GPS5", 0)]
        };
        for &(key, slack_ms) in keys {
            let points = read["gps"][key]["points"].as_array().unwrap();
            assert_eq!(points.len(), 120, "{what}: {key}");
            for (i, (p, g)) in points.iter().zip(&gpx).enumerate() {
                assert_position(what, i, f(&p["value"][0]), f(&p["value"][1]), g);
                let early = g.unix_ms() - unix_ms(p["date"].as_str().unwrap());
                assert!((0..=slack_ms).contains(&early), "{what} {key} {i}: {p}");
            }
        }
        let sticky = &read["gps"]["GPS5"]["points"][0]["sticky"];
        assert_eq!(
            f(&sticky["precision"]),
            (v.dop * 100.0).round(),
            "{what}: GPSP"
        );
    });
}

/// What gopro-telemetry prints on the console: nothing, but for QuickTime files the one
/// complaint of mp4box.js (which gpmf-extract uses) about the sound sample description that
/// ffmpeg and QuickTime write: it prints the same on the input, before telemux touches it.
fn expected_node_warnings(v: &Variant) -> Value {
    if v.name.ends_with(".mov") {
        serde_json::json!([
            "error: [BoxParser] Box of type '\0\0\0\0' has a size 1024 greater than its container size 134"
        ])
    } else {
        serde_json::json!([])
    }
}

/// telemetry-parser (Gyroflow's reader): every GPS5 payload with its SCAL, GPSU, GPSP, GPSF
/// and MP4 time; the points scaled here with its SCAL.
#[test]
fn telemetry_parser() {
    let gpx = ride_points();
    read_each_variant(
        "telemetry-parser",
        telemetry_parser_reader,
        |v, read, what| {
            assert_eq!(read["camera_type"], "GoPro", "{what}");
            let payloads = read["payloads"].as_array().unwrap();
            assert_eq!(payloads.len(), 12, "{what}: GPS payloads");
            let mut points = Vec::new();
            for (k, p) in payloads.iter().enumerate() {
                assert_eq!(
                    f(&p["timestamp_ms"]),
                    k as f64 * 1000.0,
                    "{what}: payload {k}"
                );
                assert_eq!(f(&p["duration_ms"]), 1000.0, "{what}: payload {k}");
                assert_eq!(p["gpsu_ms"], gpx[10 * k].unix_ms(), "{what}: GPSU {k}");
                assert_eq!(p["fix"], 3, "{what}: GPSF {k}");
                let scale: Vec<f64> = p["scale"].as_array().unwrap().iter().map(f).collect();
                for raw in p["raw"].as_array().unwrap() {
                    points.push((f(&raw[0]) / scale[0], f(&raw[1]) / scale[1]));
                }
            }
            assert_eq!(points.len(), 120, "{what}: GPS5 samples");
            for (i, ((lat, lon), g)) in points.iter().zip(&gpx).enumerate() {
                assert_position(what, i, *lat, *lon, g);
            }
            for (k, p) in payloads.iter().enumerate() {
                let gpsp = f(&p["precision"]);
                assert_eq!(gpsp, (v.dop * 100.0).round(), "{what}: GPSP {k}");
            }
        },
    );
}

/// `exiftool -ee` output: per timed document (one per payload), its tags in order.
fn exiftool_docs(path: &Path) -> Option<Vec<Vec<(String, String)>>> {
    let mut cmd = tool("exiftool")?;
    cmd.args(["-api", "LargeFileSupport=1", "-ee", "-G3", "-n", "-a", "-s"]);
    cmd.args(["-DeviceName", "-GPSDateTime", "-GPSHPositioningError"]);
    cmd.args(["-GPSLatitude", "-GPSLongitude"]).arg(path);
    let mut docs: Vec<Vec<(String, String)>> = Vec::new();
    for line in run(cmd).lines() {
        let (group, rest) = line.split_once(']').unwrap();
        let doc: usize = group.trim_start_matches("[Doc").parse().unwrap();
        let (tag, value) = rest.split_once(':').unwrap();
        docs.resize_with(docs.len().max(doc), Vec::new);
        docs[doc - 1].push((tag.trim().to_owned(), value.trim().to_owned()));
    }
    Some(docs)
}

/// ExifTool: one timed document per payload, with the device name, GPSU, the DOP and every
/// point; with `--street-view`, Make and Model from both ©mak/©mod and manu/modl.
#[test]
fn exiftool() {
    if tool("exiftool").is_none() {
        return;
    }
    let gpx = ride_points();
    each_variant("ExifTool", |v| {
        let what = format!("ExifTool on {}", v.name);
        if let Some((make, model)) = v.make_model {
            let mut cmd = tool("exiftool").unwrap();
            cmd.args(["-a", "-s", "-s", "-s", "-Make", "-Model"])
                .arg(&v.output);
            // ©mak then manu, ©mod then modl: both pairs must read as the given strings.
            assert_eq!(
                run(cmd),
                format!("{make}\n{make}\n{model}\n{model}\n"),
                "{what}"
            );
        }
        let docs = exiftool_docs(&v.output).unwrap();
        assert_eq!(docs.len(), 12, "{what}: timed documents");
        let model = v.make_model.map_or("telemux", |(_, model)| model);
        let mut points = Vec::new();
        let mut dops = Vec::new();
        for (k, doc) in docs.iter().enumerate() {
            let tags = |name: &str| -> Vec<String> {
                doc.iter()
                    .filter(|(t, _)| t == name)
                    .map(|(_, v)| v.clone())
                    .collect()
            };
            let one = |name: &str| {
                tags(name)
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| panic!("{what}: no {name} in Doc{}", k + 1))
            };
            assert_eq!(one("DeviceName"), model, "{what}: Doc{}", k + 1);
            let exif_time = format_description!(
                "[year]:[month]:[day] [hour]:[minute]:[second].[subsecond digits:3]"
            );
            let expected = gpx[10 * k].time.format(&exif_time).unwrap();
            assert_eq!(one("GPSDateTime"), expected, "{what}: Doc{}", k + 1);
            dops.push(one("GPSHPositioningError").parse::<f64>().unwrap());
            let lats: Vec<f64> = tags("GPSLatitude")
                .iter()
                .map(|s| s.parse().unwrap())
                .collect();
            let lons: Vec<f64> = tags("GPSLongitude")
                .iter()
                .map(|s| s.parse().unwrap())
                .collect();
            assert_eq!(lats.len(), lons.len(), "{what}: Doc{}", k + 1);
            points.extend(lats.into_iter().zip(lons));
        }
        assert_eq!(points.len(), 120, "{what}: points");
        for (i, ((lat, lon), g)) in points.iter().zip(&gpx).enumerate() {
            assert_position(&what, i, *lat, *lon, g);
        }
        assert_eq!(dops, [v.dop; 12], "{what}: GPSHPositioningError");
    });
}

/// ffprobe/ffmpeg: the original streams byte-identical and decodable, the `gpmd` stream's 12
/// packets one second apart, and the bytes ffmpeg demuxes from it hold the 120 points.
#[test]
fn ffmpeg() {
    if tool("ffprobe").is_none() || tool("ffmpeg").is_none() {
        return;
    }
    let gpx = ride_points();
    each_variant("ffmpeg", |v| {
        let what = format!("ffmpeg on {}", v.name);
        assert_gpmf_output_is_sound(&v.input, &v.output);
        let mut ffprobe = tool("ffprobe").unwrap();
        ffprobe.args(["-v", "error", "-select_streams", "d", "-show_entries"]);
        ffprobe
            .args(["packet=pts_time,duration_time,size", "-of", "csv=p=0"])
            .arg(&v.output);
        let packets: Vec<(f64, f64, usize)> = run(ffprobe)
            .lines()
            .map(|l| {
                let mut it = l.split(',');
                let mut next = || it.next().unwrap().to_owned();
                (
                    next().parse().unwrap(),
                    next().parse().unwrap(),
                    next().parse().unwrap(),
                )
            })
            .collect();
        assert_eq!(packets.len(), 12, "{what}: gpmd packets");
        for (k, (pts, duration, _)) in packets.iter().enumerate() {
            assert_eq!((*pts, *duration), (k as f64, 1.0), "{what}: packet {k}");
        }
        let mut ffmpeg = tool("ffmpeg").unwrap();
        ffmpeg.args(["-v", "error", "-i"]).arg(&v.output);
        ffmpeg.args(["-map", "0:d", "-c", "copy", "-f", "data", "-"]);
        let out = ffmpeg.output().unwrap();
        assert!(out.status.success(), "{what}");
        let mut bytes = &out.stdout[..];
        let mut points = Vec::new();
        for (_, _, size) in &packets {
            let (payload, rest) = bytes.split_at(*size);
            bytes = rest;
            let payload = telemux_read::gpmf::payload(payload).unwrap();
            for s in payload.devices.iter().flat_map(|d| &d.streams) {
                if s.key == Some(GPS5) {
                    let scaled = s.scaled().unwrap();
                    points.extend(scaled.chunks(5).map(|c| (c[0], c[1])));
                }
            }
        }
        assert!(bytes.is_empty(), "{what}: bytes after the last packet");
        assert_eq!(points.len(), 120, "{what}: GPS5 samples");
        for (i, ((lat, lon), g)) in points.iter().zip(&gpx).enumerate() {
            assert_position(&what, i, *lat, *lon, g);
        }
        if let Some((make, model)) = v.make_model {
            let mut ffprobe = tool("ffprobe").unwrap();
            ffprobe.args(["-v", "error", "-show_entries", "format_tags=make,model"]);
            ffprobe.args(["-of", "csv=p=0"]).arg(&v.output);
            assert_eq!(run(ffprobe), format!("{make},{model}\n"), "{what}");
        }
    });
}
