//! The interop matrix for CAMM (docs/interop.md): what `inject --format camm` and `--format
//! both` write, read by the independent readers Street View users' files go through:
//! ffprobe/ffmpeg, ExifTool and mapillary_tools' CAMM parser (and its `process` step). Each
//! must find the 120 points of fixtures/ride.gpx resampled at 10 Hz: the count, every
//! coordinate, and the times as far as the reader exposes them.

mod common;

use std::path::PathBuf;
use std::sync::OnceLock;

use common::readers::{
    assert_position_within, number as f, python_reader, read_json, ride_points, RidePoint,
};
use common::{fixture, run, telemux, tool};
use telemux_read::camm::utc_to_gps_seconds;
use time::macros::format_description;

/// Tolerance of a coordinate: CAMM stores f64 degrees, so readers see ours exactly; the
/// oracle's interpolation may differ from telemux's in the last bits.
const DEG: f64 = 1e-12;

struct Output {
    name: &'static str,
    path: PathBuf,
    make_model: Option<(&'static str, &'static str)>,
}

struct Outputs {
    _dir: tempfile::TempDir,
    outputs: Vec<Output>,
}

fn outputs() -> &'static [Output] {
    static OUTPUTS: OnceLock<Outputs> = OnceLock::new();
    &OUTPUTS
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let mut outputs = Vec::new();
            for (name, args, make_model) in [
                ("camm.mp4", &["--format", "camm"][..], None),
                (
                    "both.mp4",
                    &[
                        "--format", "both", "--make", "Insta360", "--model", "ONE X2",
                    ][..],
                    Some(("Insta360", "ONE X2")),
                ),
                (
                    "faststart.mp4",
                    &["--format", "camm", "--faststart"][..],
                    None,
                ),
            ] {
                let path = dir.path().join(name);
                telemux()
                    .arg("inject")
                    .arg(fixture("ride.mp4"))
                    .arg("--gpx")
                    .arg(fixture("ride.gpx"))
                    .args(args)
                    .arg("-o")
                    .arg(&path)
                    .assert()
                    .success();
                outputs.push(Output {
                    name,
                    path,
                    make_model,
                });
            }
            Outputs { _dir: dir, outputs }
        })
        .outputs
}

fn assert_position(what: &str, i: usize, lat: f64, lon: f64, gpx: &RidePoint) {
    assert_position_within(DEG, what, i, lat, lon, gpx);
}

/// ffprobe lists a `camm` data stream named "CameraMetadataMotionHandler" with 120 packets,
/// and ffmpeg reads every stream of the file without a message.
#[test]
fn ffprobe() {
    let Some(_) = tool("ffprobe") else { return };
    for output in outputs() {
        let mut cmd = tool("ffprobe").unwrap();
        cmd.args(["-v", "error", "-select_streams", "d", "-count_packets"]);
        cmd.args([
            "-show_entries",
            "stream=codec_tag_string,nb_read_packets:stream_tags=handler_name",
            "-of",
            "csv=p=0",
        ]);
        cmd.arg(&output.path);
        let text = run(cmd);
        assert!(
            text.lines()
                .any(|l| l == "camm,120,CameraMetadataMotionHandler"),
            "{}: {text}",
            output.name
        );
        let Some(mut ffmpeg) = tool("ffmpeg") else {
            continue;
        };
        ffmpeg.args(["-v", "error", "-i"]).arg(&output.path);
        let out = ffmpeg
            .args(["-map", "0", "-f", "null", "-"])
            .output()
            .unwrap();
        assert!(out.status.success());
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{}", output.name);
    }
}

/// ExifTool -ee: one timed document per packet (camm6) with every coordinate, fix and
/// accuracy. Its GPSDateTime reads `time_gps_epoch` as UTC seconds since 1980-01-06, without
/// the leap seconds: 18 s ahead of the UTC time written (docs/interop.md).
#[test]
fn exiftool() {
    let Some(_) = tool("exiftool") else { return };
    let gpx = ride_points();
    let exif_time = format_description!(
        "[year]:[month]:[day] [hour]:[minute]:[second][optional [.[subsecond]]]Z"
    );
    for output in outputs() {
        let what = format!("ExifTool on {}", output.name);
        let mut cmd = tool("exiftool").unwrap();
        cmd.args(["-ee", "-G3", "-n", "-a", "-s"]);
        cmd.args([
            "-GPSDateTime",
            "-GPSLatitude",
            "-GPSLongitude",
            "-GPSMeasureMode",
        ]);
        cmd.args(["-GPSHorizontalAccuracy"]).arg(&output.path);
        let mut docs: Vec<Vec<(String, String)>> = Vec::new();
        for line in run(cmd).lines() {
            let (group, rest) = line.split_once(']').unwrap();
            let (tag, value) = rest.split_once(':').unwrap();
            let doc: usize = group.trim_start_matches("[Doc").parse().unwrap();
            docs.resize_with(docs.len().max(doc), Vec::new);
            docs[doc - 1].push((tag.trim().to_owned(), value.trim().to_owned()));
        }
        // With --format both the GPMF track's documents come too; camm6 alone has
        // GPSHorizontalAccuracy.
        let camm: Vec<&Vec<(String, String)>> = docs
            .iter()
            .filter(|d| d.iter().any(|(t, _)| t == "GPSHorizontalAccuracy"))
            .collect();
        assert_eq!(camm.len(), 120, "{what}");
        for (i, (doc, g)) in camm.iter().zip(&gpx).enumerate() {
            let tag = |name: &str| {
                doc.iter()
                    .find(|(t, _)| t == name)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_else(|| panic!("{what}: no {name} in point {i}"))
            };
            let num = |name: &str| tag(name).parse::<f64>().unwrap();
            assert_position(&what, i, num("GPSLatitude"), num("GPSLongitude"), g);
            assert_eq!(num("GPSMeasureMode"), 3.0, "{what} {i}");
            assert_eq!(num("GPSHorizontalAccuracy"), 20.0, "{what} {i}");
            let read = time::PrimitiveDateTime::parse(&tag("GPSDateTime"), &exif_time)
                .unwrap()
                .assume_utc();
            assert_eq!(read - g.time, time::Duration::seconds(18), "{what} {i}");
        }
    }
}

/// mapillary_tools: its CAMM parser finds every point at its time on the video with the GPS
/// time as written, and `mapillary_tools process` accepts the video as "camm" with the make
/// and model given (with both tracks it takes the GPMF one).
#[test]
fn mapillary_tools() {
    let gpx = ride_points();
    for output in outputs() {
        let Some(mut reader) = python_reader("mapillary_camm.py", "mapillary_tools") else {
            return;
        };
        let what = format!("mapillary_tools on {}", output.name);
        let read = read_json({
            reader.arg(&output.path);
            reader
        });
        let points = read["points"].as_array().unwrap();
        assert_eq!(points.len(), 120, "{what}");
        for (i, (p, g)) in points.iter().zip(&gpx).enumerate() {
            assert_position(&what, i, f(&p["lat"]), f(&p["lon"]), g);
            assert!(
                (f(&p["time"]) - i as f64 / 10.0).abs() < 1e-9,
                "{what} {i}: {p}"
            );
            assert_eq!(
                f(&p["time_gps_epoch"]),
                utc_to_gps_seconds(g.time),
                "{what} {i}"
            );
            assert_eq!(p["fix"], 3, "{what} {i}");
        }
        let (make, model) = output.make_model.unwrap_or(("", ""));
        assert_eq!(
            (&read["make"], &read["model"]),
            (&make.into(), &model.into()),
            "{what}"
        );

        let process = &read["process"];
        assert_eq!(process["exit_code"], 0, "{what}: {process}");
        let descriptions = process["descriptions"].as_array().unwrap();
        assert_eq!(descriptions.len(), 1, "{what}: {process}");
        let d = &descriptions[0];
        assert!(
            d.get("error").is_none(),
            "{what}: process says {}",
            d["error"]
        );
        // With both tracks it takes the GPMF one (its GoPro parser, which names every make
        // "GoPro"); its points are the same.
        let both = output.name == "both.mp4";
        assert_eq!(d["filetype"], if both { "gopro" } else { "camm" }, "{what}");
        let track = d["MAPGPSTrack"].as_array().unwrap();
        assert_eq!(track.len(), 120, "{what}: MAPGPSTrack");
        for (i, (p, g)) in track.iter().zip(&gpx).enumerate() {
            // [ms on the video, lon, lat, alt, angle, GPS epoch time]
            assert_eq!(p[0], i * 100, "{what} {i}: {p}");
            assert_position(&what, i, f(&p[2]), f(&p[1]), g);
        }
        if let Some((make, model)) = output.make_model {
            let make = if both { "GoPro" } else { make };
            assert_eq!(
                (&d["MAPDeviceMake"], &d["MAPDeviceModel"]),
                (&make.into(), &model.into()),
                "{what}"
            );
        }
    }
}
