//! Shared support for the end-to-end tests: the binary, fixtures, and external readers.
#![allow(dead_code)] // each test file uses its own part of this module

pub mod bandit;
pub mod camm;
pub mod oracle;
pub mod readers;
pub mod synthetic;

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn telemux() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("telemux").unwrap()
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

#[allow(unused_imports)] // each test file uses its own part of this module
pub use telemux_testkit::{corpus_or_skip, exiftool_gps, external_tool as tool};

/// `telemux inject INPUT --gpx fixtures/ride.gpx [-o OUTPUT] EXTRA…`, which must succeed.
pub fn inject_ride_gpx(input: &Path, output: Option<&Path>, extra: &[&str]) {
    let mut cmd = telemux();
    cmd.arg("inject")
        .arg(input)
        .arg("--gpx")
        .arg(fixture("ride.gpx"))
        .args(extra);
    if let Some(output) = output {
        cmd.arg("-o").arg(output);
    }
    cmd.assert().success();
}

/// `telemux inject VIDEO --gpx ride.gpx --in-place`, which must refuse (exit 2) with `message`
/// on stderr and leave `video` byte-identical.
pub fn assert_in_place_refused(video: &Path, message: &str) {
    let before = std::fs::read(video).unwrap();
    let out = telemux()
        .args(["inject", "--in-place", "--gpx"])
        .arg(fixture("ride.gpx"))
        .arg(video)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(message), "{stderr}");
    assert_eq!(std::fs::read(video).unwrap(), before, "input modified");
}

/// `telemux extract VIDEO --format FORMAT`, which must succeed: the export's bytes.
pub fn extract_as(video: &Path, format: &str) -> Vec<u8> {
    let out = telemux()
        .arg("extract")
        .arg(video)
        .args(["--format", format])
        .output()
        .unwrap();
    assert!(out.status.success(), "{format}: {out:?}");
    out.stdout
}

/// GPS points `telemux extract` reads from `path` (CSV rows below the header).
pub fn extract_points(path: &Path) -> usize {
    String::from_utf8(extract_as(path, "csv"))
        .unwrap()
        .lines()
        .count()
        - 1
}

/// `telemux extract VIDEO --format json`, which must succeed, parsed.
pub fn extract_json(video: &Path) -> serde_json::Value {
    serde_json::from_slice(&extract_as(video, "json")).unwrap()
}

/// Runs a command and returns its stdout; panics with its stderr when it fails.
pub fn run(mut cmd: Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `ffmpeg -map 0:v -map 0:a -f streamhash`: one hash per original stream's packets.
pub fn stream_hashes(path: &Path) -> Option<String> {
    let mut cmd = tool("ffmpeg")?;
    cmd.args(["-v", "error", "-i"]).arg(path).args([
        "-map",
        "0:v",
        "-map",
        "0:a",
        "-c",
        "copy",
        "-f",
        "streamhash",
        "-hash",
        "md5",
        "-",
    ]);
    Some(run(cmd))
}

/// What every reader checks on a file telemux wrote a GPMF track into: ffprobe lists a
/// `gpmd` stream named "GoPro MET", ffmpeg decodes every stream without a message, and the
/// packets of the original video and audio streams are byte-identical to `input`'s.
pub fn assert_gpmf_output_is_sound(input: &Path, output: &Path) {
    assert_gpmf_output_is_sound_named(input, output, "GoPro MET");
}

/// [`assert_gpmf_output_is_sound`] for a `gpmd` stream whose handler is named `handler` (a
/// camera's own name, which `--replace` keeps).
pub fn assert_gpmf_output_is_sound_named(input: &Path, output: &Path, handler: &str) {
    if let Some(mut ffprobe) = tool("ffprobe") {
        ffprobe.args(["-v", "error", "-select_streams", "d", "-show_entries"]);
        ffprobe.args([
            "stream=codec_tag_string:stream_tags=handler_name",
            "-of",
            "csv=p=0",
        ]);
        ffprobe.arg(output);
        let text = run(ffprobe);
        assert!(
            text.lines().any(|l| l == format!("gpmd,{handler}")),
            "ffprobe says: {text}"
        );
    }
    if let Some(mut ffmpeg) = tool("ffmpeg") {
        ffmpeg.args(["-v", "error", "-i"]).arg(output);
        ffmpeg.args(["-map", "0", "-f", "null", "-"]);
        let out = ffmpeg.output().unwrap();
        assert!(out.status.success());
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "",
            "ffmpeg decode errors"
        );
    }
    if let (Some(before), Some(after)) = (stream_hashes(input), stream_hashes(output)) {
        assert_eq!(before, after, "the original streams changed");
        assert_eq!(
            before.lines().count(),
            audio_video_streams(input),
            "one hash per video and audio stream"
        );
    }
}

/// How many video and audio streams ffprobe lists in `path` (2 in most fixtures).
fn audio_video_streams(path: &Path) -> usize {
    let mut ffprobe = tool("ffprobe").expect("ffprobe is installed with ffmpeg");
    ffprobe.args([
        "-v",
        "error",
        "-show_entries",
        "stream=codec_type",
        "-of",
        "csv=p=0",
    ]);
    ffprobe.arg(path);
    run(ffprobe)
        .lines()
        .filter(|l| *l == "video" || *l == "audio")
        .count()
}

/// The samples of track `index` (among the `trak` boxes) of the MP4 at `path`: decode time in
/// seconds, duration in the track's timescale, and the bytes at the sample's offset.
pub fn track_samples(path: &Path, index: usize) -> Vec<(f64, u32, Vec<u8>)> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path).unwrap();
    let mp4 = telemux_read::mp4::Mp4::open(&mut file).unwrap();
    let track = mp4.tracks().nth(index).unwrap().unwrap();
    let mut out = Vec::new();
    for sample in track.samples() {
        let sample = sample.unwrap();
        let mut bytes = vec![0; sample.size as usize];
        file.seek(SeekFrom::Start(sample.offset)).unwrap();
        file.read_exact(&mut bytes).unwrap();
        out.push((sample.decode_seconds, sample.duration, bytes));
    }
    out
}

/// `telemux verify --json --street-view PATH ARGS…` parsed (whatever its exit code: 1 when a
/// check fails).
pub fn verify_json(path: &Path, args: &[&str]) -> serde_json::Value {
    let out = telemux()
        .args(["verify", "--json", "--street-view"])
        .arg(path)
        .args(args)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The check `id` of the first file of a `verify --json` report.
pub fn check<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["files"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id}: {report:#}"))
}
