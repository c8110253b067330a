//! Command-line conventions (issue 16): value validation of numeric flags, `-o -` and
//! `--gpx -`, `-o FOLDER`, out-of-range indexes, completions, `-q`, `--color`, and errors
//! that say what happened (an unfinalised recording, a file that is no GPX, a bad value).

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::{fixture, inject_ride_gpx, telemux};
use predicates::str::contains;

/// `telemux inject ride.mp4 --gpx GPX -o OUT`, for the caller to add to and run.
fn inject(gpx: &Path, out: &Path) -> Command {
    let mut cmd = telemux();
    cmd.arg("inject")
        .arg(fixture("ride.mp4"))
        .arg("--gpx")
        .arg(gpx)
        .arg("-o")
        .arg(out);
    cmd
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// `ride.mp4` with `ride.gpx` injected, in `dir`: a 12-payload GPMF track.
fn injected(dir: &Path) -> PathBuf {
    let out = dir.join("ride-gps.mp4");
    inject_ride_gpx(&fixture("ride.mp4"), Some(&out), &["-q"]);
    out
}

/// `ride.mp4` cut at byte 30,000, inside its mdat (bytes 40 to 40,810), before its moov: a
/// recording whose camera lost power.
fn unfinalised(dir: &Path) -> PathBuf {
    let bytes = std::fs::read(fixture("ride.mp4")).unwrap();
    let path = dir.join("cut.mp4");
    std::fs::write(&path, &bytes[..30_000]).unwrap();
    path
}

#[test]
fn every_numeric_flag_refuses_values_it_cannot_mean() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.mp4");
    let refused = |flag: &str, value: &str, said: &str| {
        inject(&fixture("ride.gpx"), &out)
            .arg(format!("{flag}={value}"))
            .assert()
            .code(2)
            .stderr(contains(format!(
                "invalid value '{value}' for {flag}: {said}"
            )));
    };
    refused("--rate", "0", "give a number from 0.1 to 1000 (Hz)");
    refused("--rate", "NaN", "give a number from 0.1 to 1000 (Hz)");
    refused("--max-gap", "-1", "give a number above 0 (seconds)");
    refused("--dop", "0", "give a number from 0.01 to 99.98");
    refused("--offset", "nan", "give a finite number (seconds)");
    refused("--offset", "inf", "give a finite number (seconds)");
    assert!(!out.exists());
    let extract = |args: &[&str], said: &str| {
        telemux()
            .arg("extract")
            .arg(fixture("ride.mp4"))
            .args(args)
            .assert()
            .code(2)
            .stderr(contains(said.to_owned()));
    };
    extract(
        &["--drop-outliers", "--max-speed=-5"],
        "invalid value '-5' for --max-speed: give a number above 0 (m/s)",
    );
    extract(
        &["--max-dop", "NaN"],
        "invalid value 'NaN' for --max-dop: give a number above 0",
    );
    // Negative offsets stay allowed.
    inject_ride_gpx(
        &fixture("ride.mp4"),
        Some(&out),
        &["-q", "--offset", "-2.5"],
    );
}

#[test]
fn video_output_to_stdout_is_refused_and_no_file_named_dash_appears() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["inject", "convert"] {
        let mut cmd = telemux();
        cmd.current_dir(dir.path())
            .arg(command)
            .arg(fixture("ride.mp4"));
        if command == "inject" {
            cmd.arg("--gpx").arg(fixture("ride.gpx"));
        }
        cmd.args(["-o", "-"]).assert().code(2).stderr(contains(
            "invalid value '-' for '--output <OUTPUT>': an MP4/MOV cannot be written to \
                 standard output",
        ));
        assert!(!dir.path().join("-").exists(), "{command}");
    }
}

#[test]
fn gpx_from_stdin_writes_the_same_bytes_as_from_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let from_file = injected(dir.path());
    let from_stdin = dir.path().join("stdin.mp4");
    telemux()
        .args(["inject", "-q"])
        .arg(fixture("ride.mp4"))
        .args(["--gpx", "-", "-o"])
        .arg(&from_stdin)
        .write_stdin(std::fs::read(fixture("ride.gpx")).unwrap())
        .assert()
        .success();
    let written = std::fs::read(&from_stdin).unwrap();
    assert_eq!(written, std::fs::read(&from_file).unwrap());
    let csv = telemux()
        .args(["extract", "-q", "-f", "csv"])
        .arg(&from_stdin)
        .output()
        .unwrap();
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert_eq!(csv.lines().count(), 121, "a header and 120 points");
    assert!(csv
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("2024-05-01T10:00:00Z,45,7,250,"));
    // A broken document on stdin is named as standard input, with its line.
    telemux()
        .arg("inject")
        .arg(fixture("ride.mp4"))
        .args(["--gpx", "-", "-o"])
        .arg(dir.path().join("broken.mp4"))
        .write_stdin("<gpx>\n<trk><trkseg>\n<trkpt lat=\"x\" lon=\"7\"/>")
        .assert()
        .code(2)
        .stderr(contains("standard input"))
        .stderr(contains("at line 3"));
    telemux()
        .arg("inject")
        .arg(fixture("ride.mp4"))
        .args(["--gpx", "-", "--gpx", "-", "-o"])
        .arg(dir.path().join("twice.mp4"))
        .assert()
        .code(2)
        .stderr(contains("--track - (--gpx -) is given more than once"));
}

#[test]
fn an_existing_folder_is_never_an_output_even_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("videos");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("keep.txt"), "x").unwrap();
    for force in [false, true] {
        let mut cmd = inject(&fixture("ride.gpx"), &folder);
        if force {
            cmd.arg("--force");
        }
        cmd.assert().code(2).stderr(contains(format!(
            "{}: is a folder; give a file name inside it",
            folder.display()
        )));
        assert_eq!(std::fs::read(folder.join("keep.txt")).unwrap(), b"x");
    }
}

#[test]
fn dump_refuses_a_payload_index_past_the_track() {
    let dir = tempfile::tempdir().unwrap();
    let video = injected(dir.path());
    telemux()
        .arg("dump")
        .arg(&video)
        .args(["--payload", "999"])
        .assert()
        .code(2)
        .stderr(contains(
            "--payload 999: the GPMF track [2] has 12 payloads (0 to 11)",
        ));
    telemux()
        .arg("dump")
        .arg(&video)
        .args(["--payload", "11"])
        .assert()
        .success()
        .stdout(contains("GPMF payload 11 (track [2]"));
    telemux()
        .arg("dump")
        .arg(fixture("ride.mp4"))
        .args(["--payload", "0"])
        .assert()
        .code(2)
        .stderr(contains("--payload 0: the file has no GPMF track"));
}

#[test]
fn completion_scripts_name_every_subcommand() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let output = telemux().args(["completions", shell]).output().unwrap();
        assert!(output.status.success(), "{shell}");
        let script = String::from_utf8(output.stdout).unwrap();
        for word in [
            "inject",
            "extract",
            "convert",
            "verify",
            "dump",
            "street-view",
        ] {
            assert!(script.contains(word), "{shell} script lacks {word}");
        }
    }
    telemux().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn quiet_leaves_only_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("q.mp4");
    let run = |quiet: bool| {
        let mut cmd = inject(&fixture("ride.gpx"), &out);
        cmd.arg("--force");
        if quiet {
            cmd.arg("-q");
        }
        cmd.output().unwrap()
    };
    let loud = run(false);
    assert!(stderr_of(&loud).contains("covers 12.0 s of 12.0 s (100%)"));
    let quiet = run(true);
    assert!(quiet.status.success());
    assert_eq!(stderr_of(&quiet), "");
    assert!(out.exists());
    let extract = telemux()
        .args(["extract", "--quiet", "-f", "csv"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(stderr_of(&extract), "");
    assert_eq!(
        String::from_utf8(extract.stdout).unwrap().lines().count(),
        121
    );
    // Errors stay.
    telemux()
        .args(["-q", "extract"])
        .arg(dir.path().join("missing.mp4"))
        .assert()
        .code(2)
        .stderr(contains("missing.mp4"));
}

#[test]
fn color_is_what_was_asked() {
    let error = |args: &[&str]| {
        let output = telemux()
            .args(args)
            .args(["extract", "--max-dop", "x", "a.mp4"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        stderr_of(&output)
    };
    assert!(error(&["--color", "always"]).contains("\u{1b}["));
    assert!(error(&["--color=always"]).contains("\u{1b}["));
    assert!(!error(&["--color", "never"]).contains('\u{1b}'));
    // auto: not a terminal here.
    assert!(!error(&[]).contains('\u{1b}'));
}

#[test]
fn an_unfinalised_recording_is_named_as_such_by_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let cut = unfinalised(dir.path());
    let said = "mdat at byte 40: the recording was not finalised (no moov; the camera lost power \
                or the card was pulled?): the mdat declares 40770 bytes, the file ends 29960 \
                bytes into it";
    let out = dir.path().join("out.mp4");
    telemux()
        .arg("inject")
        .arg(&cut)
        .arg("--gpx")
        .arg(fixture("ride.gpx"))
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(contains(format!(
            "{}: {said}; telemux extract can still recover a dashcam's GPS from it by scanning",
            cut.display()
        )));
    assert!(!out.exists());
    assert_eq!(std::fs::read(&cut).unwrap().len(), 30_000);
    // extract has scanned for a dashcam's GPS already: no hint.
    let extract = telemux().arg("extract").arg(&cut).output().unwrap();
    assert_eq!(extract.status.code(), Some(2));
    assert_eq!(
        stderr_of(&extract),
        format!("telemux: error: {}: {said}\n", cut.display())
    );
    let verify = telemux().arg("verify").arg(&cut).output().unwrap();
    assert_eq!(verify.status.code(), Some(2));
    let report = String::from_utf8(verify.stdout).unwrap();
    assert!(report.contains(said), "{report}");
    assert!(!report.contains("moov at byte 0"), "{report}");
    // dump shows the boxes up to the damage, then the damage.
    let dump = telemux().arg("dump").arg(&cut).output().unwrap();
    assert_eq!(dump.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(dump.stdout.clone()).unwrap(),
        "boxes (offset, size) up to the damage:\n  ftyp 0 32\n  free 32 8\n  mdat 40 29960\n  \
         damage: mdat at byte 40 declares 40770 bytes but the file ends 29960 bytes later: \
         10810 bytes missing (truncated file)\n"
    );
    assert!(stderr_of(&dump).contains(said));
}

#[test]
fn a_file_that_is_no_gpx_says_what_it_looks_like() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8], &str); 5] = [
        (
            "utf16.gpx",
            b"\xFF\xFE<\0g\0p\0x\0>\0",
            "this is not a GPX file (it looks like UTF-16 text: save it as UTF-8) at line 1, \
             column 1 (byte 0)",
        ),
        (
            "binary.gpx",
            b"\x7fELF\x02\x01\x01\x1b[31m\x07junk",
            "this is not a GPX file (it looks like binary data) at line 1, column 1 (byte 0)",
        ),
        (
            "track.gpx",
            b"{\"type\": \"FeatureCollection\", \"features\": []}",
            "this is not a GPX file (it looks like JSON (GeoJSON?): export the track as GPX)",
        ),
        (
            "track.kml",
            b"<?xml version=\"1.0\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\"/>",
            "not a track file telemux reads (by content, else by extension: ",
        ),
        (
            "ride.mp4.gpx",
            &std::fs::read(fixture("ride.mp4")).unwrap()[..64],
            "this is not a GPX file (it looks like an MP4/MOV video",
        ),
    ];
    for (name, bytes, said) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let output = inject(&path, &dir.path().join("out.mp4")).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{name}");
        let stderr = stderr_of(&output);
        assert!(
            stderr.contains(&format!("{}: {said}", path.display())),
            "{name}: {stderr}"
        );
        assert!(
            !stderr.chars().any(|c| c.is_control() && c != '\n'),
            "{name}: control characters reach the terminal: {stderr:?}"
        );
    }
}

#[test]
fn a_bad_value_names_the_file_line_and_point() {
    let dir = tempfile::tempdir().unwrap();
    let gpx = std::fs::read_to_string(fixture("ride.gpx"))
        .unwrap()
        .replacen("<ele>250.0</ele>", "<ele>high</ele>", 1);
    let path = dir.path().join("bad.gpx");
    std::fs::write(&path, gpx).unwrap();
    inject(&path, &dir.path().join("out.mp4"))
        .assert()
        .code(2)
        .stderr(contains(format!(
            "{}: gpx/trk[0]/trkseg[0]/trkpt[3]/ele at line 7, column 43 (byte 519): invalid \
             value \"high\": expected a number",
            path.display()
        )));
}
