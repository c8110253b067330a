//! `telemux inject` end to end: real readers (ffprobe, ffmpeg, ExifTool) on the output, the
//! original streams byte-identical, our own extract agreeing, and every bad input refused
//! with a clear message, no partial output and the input untouched.

mod common;

use std::fs;
use std::path::Path;

use common::oracle::{expected_samples, Grid};
use common::{
    assert_gpmf_output_is_sound, corpus_or_skip, exiftool_gps, fixture, stream_hashes, telemux,
};
use predicates::prelude::*;
use telemux_read::gpx;
use time::macros::datetime;

/// What inject should write for fixtures/ride.gpx on the 12 s fixtures/ride.mp4 (created
/// 2024-05-01 10:00:00 UTC): the GPX at 10 Hz, as the oracle computes it.
fn expected_ride_points() -> Vec<(f64, f64)> {
    let data = gpx::parse(&fs::read(fixture("ride.gpx")).unwrap()).unwrap();
    let merged = gpx::merge_by_time(data.segments);
    let start = datetime!(2024-05-01 10:00:00 UTC);
    expected_samples(&merged.points, start, 12.0, Grid::default())
        .iter()
        .map(|p| (p.latitude, p.longitude))
        .collect()
}

fn assert_points(actual: &[(f64, f64)], expected: &[(f64, f64)]) {
    assert_eq!(actual.len(), expected.len());
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!(
            (a.0 - e.0).abs() <= 1e-7 && (a.1 - e.1).abs() <= 1e-7,
            "point {i}: {a:?} vs {e:?}"
        );
    }
}

/// Every check a reader of the output can make.
fn assert_readers_agree(input: &Path, output: &Path, expected: &[(f64, f64)]) {
    assert_gpmf_output_is_sound(input, output);
    if let Some(points) = exiftool_gps(output) {
        assert_points(&points, expected);
    }
    let csv = telemux()
        .arg("extract")
        .arg(output)
        .args(["--format", "csv"])
        .output()
        .unwrap();
    assert!(csv.status.success());
    let ours: Vec<(f64, f64)> = String::from_utf8(csv.stdout)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[1].parse().unwrap(), f[2].parse().unwrap())
        })
        .collect();
    assert_points(&ours, expected);
}

#[test]
fn moov_at_end_and_faststart_clips() {
    let expected = expected_ride_points();
    assert_eq!(expected.len(), 120);
    for (name, moov_first) in [("ride.mp4", false), ("ride-faststart.mp4", true)] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.mp4");
        let input = fixture(name);
        let before = fs::read(&input).unwrap();
        telemux()
            .arg("inject")
            .arg(&input)
            .arg("--gpx")
            .arg(fixture("ride.gpx"))
            .arg("-o")
            .arg(&out)
            .assert()
            .success()
            .stderr(predicate::str::contains("covers 12.0 s of 12.0 s (100%)"))
            .stderr(predicate::str::contains(
                "120 GPS points at 10 Hz in 12 payloads",
            ));
        assert_eq!(fs::read(&input).unwrap(), before, "input modified");
        assert_readers_agree(&input, &out, &expected);
        let bytes = fs::read(&out).unwrap();
        let moov = bytes.windows(4).position(|w| w == b"moov").unwrap();
        let mdat = bytes.windows(4).position(|w| w == b"mdat").unwrap();
        assert_eq!(moov < mdat, moov_first, "{name}: moov placement");
    }
}

#[test]
fn faststart_option_and_in_place() {
    let expected = expected_ride_points();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fast.mp4");
    telemux()
        .arg("inject")
        .arg(fixture("ride.mp4"))
        .arg("--gpx")
        .arg(fixture("ride.gpx"))
        .args(["--faststart", "-o"])
        .arg(&out)
        .assert()
        .success();
    let bytes = fs::read(&out).unwrap();
    assert!(
        bytes.windows(4).position(|w| w == b"moov") < bytes.windows(4).position(|w| w == b"mdat")
    );
    assert_readers_agree(&fixture("ride.mp4"), &out, &expected);

    let copy = dir.path().join("in-place.mp4");
    fs::copy(fixture("ride.mp4"), &copy).unwrap();
    let original_len = fs::metadata(&copy).unwrap().len();
    telemux()
        .arg("inject")
        .arg(&copy)
        .arg("--gpx")
        .arg(fixture("ride.gpx"))
        .arg("--in-place")
        .assert()
        .success();
    assert!(fs::metadata(&copy).unwrap().len() > original_len);
    assert_readers_agree(&fixture("ride.mp4"), &copy, &expected);

    // A second run finds the track it wrote.
    telemux()
        .arg("inject")
        .arg(&copy)
        .arg("--gpx")
        .arg(fixture("ride.gpx"))
        .arg("--in-place")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already has GPMF telemetry"))
        .stderr(predicate::str::contains("--replace"));
}

#[test]
fn a_gopro_file_with_replace() {
    let Some(corpus) = corpus_or_skip("a_gopro_file_with_replace") else {
        return;
    };
    let input = corpus.join("gopro/max-heromode.mp4");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("max.mp4");
    let inject = |extra: &[&str]| {
        let mut cmd = telemux();
        cmd.arg("inject")
            .arg(&input)
            .arg("--gpx")
            .arg(fixture("ride.gpx"));
        cmd.args(["--sync", "first-point", "-o"])
            .arg(&out)
            .args(extra);
        cmd.assert()
    };
    inject(&[]).code(2).stderr(predicate::str::contains(
        "already has GPMF telemetry (moov/trak[3], track id 4)",
    ));
    assert!(!out.exists());
    inject(&[
        "--replace",
        "--make",
        "GoPro",
        "--model",
        "MAX",
        "--street-view",
    ])
    .success();

    let mp4 = telemux_read::mp4::Mp4::open(&mut fs::File::open(&out).unwrap()).unwrap();
    let kinds: Vec<String> = mp4
        .tracks()
        .map(|t| t.unwrap().stsd.entries[0].kind.to_string())
        .collect();
    assert_eq!(kinds, ["avc1", "mp4a", "tmcd", "fdsc", "gpmd"]);
    let udta = mp4.user_data().unwrap();
    assert_eq!(udta.get(b"manu"), Some(&b"GoPro"[..]));
    // The camera's own udta items (FIRM, GPMF global settings, …) are kept.
    assert!(udta.get(b"GPMF").is_some_and(|g| g.len() == 25600));

    // GPX starts at the video start (--sync first-point): 10.543 s of it at 10 Hz.
    let data = gpx::parse(&fs::read(fixture("ride.gpx")).unwrap()).unwrap();
    let points = gpx::merge_by_time(data.segments).points;
    let start = points[0].time.unwrap();
    let duration = 10.543;
    let expected: Vec<(f64, f64)> = expected_samples(&points, start, duration, Grid::default())
        .iter()
        .map(|p| (p.latitude, p.longitude))
        .collect();
    assert_eq!(expected.len(), 106);
    if let Some(points) = exiftool_gps(&out) {
        assert_points(&points, &expected);
    }
    if let (Some(before), Some(after)) = (stream_hashes(&input), stream_hashes(&out)) {
        assert_eq!(before, after);
    }
}

/// Runs a failing inject and checks: exit 2, the message, no output, input untouched.
fn assert_refused(args: &[&str], input: &Path, gpx: &Path, out: &Path, message: &str) {
    let before = fs::read(input).unwrap();
    let existed = out.exists();
    telemux()
        .arg("inject")
        .arg(input)
        .arg("--gpx")
        .arg(gpx)
        .arg("-o")
        .arg(out)
        .args(args)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(message));
    assert_eq!(fs::read(input).unwrap(), before, "input modified");
    if !existed {
        assert!(!out.exists(), "partial output left at {}", out.display());
    }
    let parent = out.parent().unwrap();
    if parent.exists() {
        let leftovers: Vec<_> = fs::read_dir(parent)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    }
}

#[test]
fn bad_inputs_are_refused_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.mp4");
    let video = fixture("ride.mp4");

    let untimed = dir.path().join("untimed.gpx");
    fs::write(
        &untimed,
        r#"<gpx version="1.1"><trk><trkseg><trkpt lat="45" lon="7"/></trkseg></trk></gpx>"#,
    )
    .unwrap();
    assert_refused(
        &[],
        &video,
        &untimed,
        &out,
        "the track has no points with times",
    );

    assert_refused(
        &["--offset", "3600"],
        &video,
        &fixture("ride.gpx"),
        &out,
        "the GPX and the video do not overlap in time",
    );
    assert_refused(
        &[],
        &fixture("ride.gpx"),
        &fixture("ride.gpx"),
        &out,
        "not an MP4/MOV file",
    );
    assert_refused(
        &[],
        &video,
        &fixture("gpx/malformed-unclosed.gpx"),
        &out,
        "malformed-unclosed.gpx: malformed XML at line 12, column 1 (byte 421)",
    );
    let missing = dir.path().join("no/such/folder/out.mp4");
    assert_refused(
        &[],
        &video,
        &fixture("ride.gpx"),
        &missing,
        "no/such/folder/out.mp4",
    );

    fs::write(&out, b"precious").unwrap();
    assert_refused(
        &[],
        &video,
        &fixture("ride.gpx"),
        &out,
        "already exists (use --force",
    );
    assert_eq!(fs::read(&out).unwrap(), b"precious");
}

#[test]
fn a_full_disk_leaves_no_partial_output() {
    // RLIMIT_FSIZE makes writes past 40 KiB fail (EFBIG) as a full disk fails them (ENOSPC);
    // SIGXFSZ is ignored so the write returns the error instead of killing the process.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.mp4");
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg("trap '' XFSZ; ulimit -f 40 && exec \"$0\" inject \"$1\" --gpx \"$2\" -o \"$3\"")
        .arg(assert_cmd::cargo::cargo_bin("telemux"))
        .arg(fixture("ride.mp4"))
        .arg(fixture("ride.gpx"))
        .arg(&out);
    let output = cmd.output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("out.mp4: writing"), "{stderr}");
    assert!(
        fs::read_dir(dir.path()).unwrap().next().is_none(),
        "files left behind"
    );
}

#[test]
fn telemetry_past_4_gib_uses_co64_and_reads_back() {
    // ride.mp4 followed by a sparse 4.5 GB `free` box: appending in place puts the telemetry
    // past 4 GiB without writing gigabytes.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.mp4");
    fs::copy(fixture("ride.mp4"), &path).unwrap();
    let file = fs::OpenOptions::new().append(true).open(&path).unwrap();
    let free_size: u64 = 4_500_000_000;
    let mut header = 1u32.to_be_bytes().to_vec();
    header.extend_from_slice(b"free");
    header.extend_from_slice(&free_size.to_be_bytes());
    use std::io::Write as _;
    (&file).write_all(&header).unwrap();
    let len = file.metadata().unwrap().len();
    file.set_len(len - 16 + free_size).unwrap();
    drop(file);

    telemux()
        .arg("inject")
        .arg(&path)
        .arg("--gpx")
        .arg(fixture("ride.gpx"))
        .arg("--in-place")
        .assert()
        .success();
    let mp4 = telemux_read::mp4::Mp4::open(&mut fs::File::open(&path).unwrap()).unwrap();
    let track = mp4.tracks().last().unwrap().unwrap();
    assert!(
        track.sample_table.chunk_offsets.is_64_bit(),
        "telemetry offsets need co64"
    );
    assert!(track.sample_table.chunk_offsets.get(0).unwrap() > 1 << 32);
    // Only the new track's table is wide; the others did not move.
    let first = mp4.tracks().next().unwrap().unwrap();
    assert!(!first.sample_table.chunk_offsets.is_64_bit());

    let expected = expected_ride_points();
    let csv = telemux()
        .arg("extract")
        .arg(&path)
        .args(["--format", "csv"])
        .output()
        .unwrap();
    assert!(csv.status.success());
    assert_eq!(
        String::from_utf8(csv.stdout).unwrap().lines().count(),
        expected.len() + 1
    );
    if let Some(points) = exiftool_gps(&path) {
        assert_points(&points, &expected);
    }
    if let (Some(before), Some(after)) = (stream_hashes(&fixture("ride.mp4")), stream_hashes(&path))
    {
        assert_eq!(before, after);
    }
}
