//! `telemux verify` end to end: text and JSON output, exit codes 0/1/2, and the corpus GoPro
//! files.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::str::contains;
use serde_json::Value;
use telemux_testkit::corpus_or_skip;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

fn telemux() -> Command {
    Command::cargo_bin("telemux").unwrap()
}

/// A copy of `clip-faststart.mp4` cut 1000 bytes short, in `dir`.
fn truncated_clip(dir: &Path) -> PathBuf {
    let mut bytes = std::fs::read(fixture("clip-faststart.mp4")).unwrap();
    bytes.truncate(bytes.len() - 1000);
    let path = dir.join("cut.mp4");
    std::fs::write(&path, bytes).unwrap();
    path
}

fn json_of(output: &[u8]) -> Value {
    serde_json::from_slice(output).expect("stdout is JSON")
}

#[test]
fn a_sound_clip_exits_0_with_one_line_per_check() {
    let clip = fixture("clip-moov-end.mp4");
    let output = telemux().arg("verify").arg(&clip).assert().success();
    let text = String::from_utf8(output.get_output().stdout.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], clip.display().to_string());
    assert_eq!(
        lines[1],
        "PASS  box_structure       4 top-level boxes, all inside the file: ftyp free mdat moov"
    );
    assert!(lines.contains(&"PASS  moov_position       moov at byte 12986 after the media"));
    assert!(lines
        .contains(&"PASS  reader_reach        GoPro's gpmf-parser reaches the moov at byte 12986"));
    assert!(lines.contains(&"SKIP  gps_fix             no decoded telemetry"));
    assert!(lines.contains(&"PASS  fragments           not fragmented"));
    assert!(lines.contains(
        &"PASS  spherical           no spherical (360°) metadata: not marked as a 360 video"
    ));
    // 24 checks without --street-view, then the summary.
    assert_eq!(lines.len(), 1 + 24 + 1, "{text}");
    assert_eq!(
        lines[25],
        format!("{}: WARN — 15 pass, 1 warn, 0 fail, 8 skip", clip.display())
    );
}

#[test]
fn a_failed_check_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let cut = truncated_clip(dir.path());
    telemux()
        .arg("verify")
        .arg(&cut)
        .assert()
        .code(1)
        .stdout(contains(
            "FAIL  box_structure       mdat at byte 2469 declares 12946 bytes but the file ends \
             11946 bytes later: 1000 bytes missing (truncated file)",
        ))
        .stdout(contains(": FAIL — "));
}

#[test]
fn an_unreadable_file_exits_2_and_names_where() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.mp4");
    std::fs::write(&text, "hello world, not a video").unwrap();
    telemux()
        .arg("verify")
        .arg(fixture("clip.mov"))
        .arg(&text)
        .assert()
        .code(2)
        .stdout(contains(format!("{}: WARN", fixture("clip.mov").display())))
        .stderr(contains(format!(
            "telemux: error: {}: not an MP4/MOV file (it starts with \"hello wo\")",
            text.display()
        )));
    telemux()
        .arg("verify")
        .arg(dir.path().join("missing.mp4"))
        .assert()
        .code(2)
        .stderr(contains("missing.mp4: No such file or directory"));
}

#[test]
fn bad_arguments_exit_2() {
    telemux()
        .args(["verify", "--max-speed=-3"])
        .arg(fixture("clip.mov"))
        .assert()
        .code(2)
        .stderr(contains(
            "invalid value '-3' for --max-speed: give a number above 0 (m/s)",
        ));
    telemux()
        .args(["verify", "--max-speed", "fast"])
        .arg(fixture("clip.mov"))
        .assert()
        .code(2)
        .stderr(contains(
            "invalid value 'fast' for --max-speed: give a number above 0 (m/s)",
        ));
    telemux().arg("verify").assert().code(2);
}

#[test]
fn json_has_the_documented_fields() {
    let dir = tempfile::tempdir().unwrap();
    let cut = truncated_clip(dir.path());
    let missing = dir.path().join("missing.mp4");
    let output = telemux()
        .args(["verify", "--json", "--street-view"])
        .arg(fixture("clip-moov-end.mp4"))
        .arg(&cut)
        .arg(&missing)
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let json = json_of(&output);
    assert_eq!(json["schema"], "telemux-verify/1");
    assert_eq!(json["status"], "error");
    let files = json["files"].as_array().unwrap();
    assert_eq!(files.len(), 3);

    let good = &files[0];
    assert_eq!(
        good["file"],
        fixture("clip-moov-end.mp4").display().to_string()
    );
    assert_eq!(good["status"], "fail"); // no GPS: Street View's INSUFFICIENT_GPS
    assert_eq!(good["error"], Value::Null);
    assert_eq!(
        good["summary"],
        // The 360 checks: spherical passes (no metadata to disagree), sv_frame_rate passes,
        // sv_spherical (not 360) and sv_resolution (under 4K) warn.
        serde_json::json!({"pass": 16, "warn": 4, "fail": 1, "skip": 13})
    );
    let checks = good["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 34);
    for check in checks {
        let keys: Vec<&str> = check
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["id", "message", "section", "status", "value"]);
    }
    assert_eq!(
        checks[0],
        serde_json::json!({
            "id": "box_structure",
            "section": "container",
            "status": "pass",
            "message": "4 top-level boxes, all inside the file: ftyp free mdat moov",
            "value": 4
        })
    );
    let position = checks.iter().find(|c| c["id"] == "moov_position").unwrap();
    assert_eq!(position["value"], "end");
    let sections: Vec<&str> = checks
        .iter()
        .map(|c| c["section"].as_str().unwrap())
        .collect();
    assert_eq!(sections.iter().filter(|s| **s == "container").count(), 15);
    assert_eq!(sections.iter().filter(|s| **s == "telemetry").count(), 9);
    assert_eq!(sections.iter().filter(|s| **s == "street_view").count(), 10);

    let cut_report = &files[1];
    assert_eq!(cut_report["status"], "fail");
    let structure = &cut_report["checks"][0];
    assert_eq!(structure["status"], "fail");
    assert_eq!(structure["value"], 1000);

    let unreadable = &files[2];
    assert_eq!(unreadable["status"], "error");
    assert_eq!(unreadable["summary"], Value::Null);
    assert_eq!(unreadable["checks"], serde_json::json!([]));
    assert!(unreadable["error"]["message"]
        .as_str()
        .unwrap()
        .contains("No such file or directory"));
    assert_eq!(unreadable["error"]["path"], Value::Null);
}

#[test]
fn json_names_the_box_and_offset_of_an_unreadable_file() {
    let dir = tempfile::tempdir().unwrap();
    let moovless = dir.path().join("moovless.mp4");
    std::fs::write(&moovless, b"\0\0\0\x0cftypisom").unwrap();
    let output = telemux()
        .args(["verify", "--json"])
        .arg(&moovless)
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let error = &json_of(&output)["files"][0]["error"];
    assert_eq!(error["path"], "moov");
    // Issue 16: where the boxes end (was 0), and what a missing moov means.
    assert_eq!(error["offset"], 12);
    assert_eq!(
        error["message"],
        "moov at byte 12: no moov box up to the end of the boxes: the recording was not \
         finalised (the camera lost power or the card was pulled?), or the file is not a video"
    );
}

#[test]
fn corpus_gopro_files_verify_clean() {
    let Some(corpus) = corpus_or_skip("corpus_gopro_files_verify_clean") else {
        return;
    };
    for name in ["karma.mp4", "max-heromode.mp4"] {
        let path = corpus.join("gopro").join(name);
        let output = telemux()
            .args(["verify", "--json"])
            .arg(&path)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let json = json_of(&output);
        let file = &json["files"][0];
        assert_eq!(file["status"], "pass", "{name}: {file:#}");
        let skipped: Vec<&str> = file["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["status"] == "skip")
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        // The Karma's GPRI stream has no DOP; the MAX's GPS5 has GPSP.
        let expected: &[&str] = if name == "karma.mp4" {
            &["gps_dop"]
        } else {
            &[]
        };
        assert_eq!(skipped, expected, "{name}");
    }
}

#[test]
fn max_speed_reaches_the_jump_check() {
    let Some(corpus) = corpus_or_skip("max_speed_reaches_the_jump_check") else {
        return;
    };
    // The MAX moves at most 1.8 m/s between fixes.
    telemux()
        .args(["verify", "--street-view", "--max-speed", "1"])
        .arg(corpus.join("gopro/max-heromode.mp4"))
        .assert()
        .code(1)
        .stdout(contains("FAIL  sv_jumps            "))
        .stdout(contains("jumps faster than 1 m/s"));
}

#[test]
fn help_shows_examples_and_exit_codes() {
    telemux()
        .args(["verify", "--help"])
        .assert()
        .success()
        .stdout(contains("telemux verify --street-view *.MP4"))
        .stdout(contains("1 when a check fails, 2 when a file"));
}

/// The statuses of a verified file's checks, by id.
fn statuses(file: &Value) -> Vec<(String, String)> {
    file["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn files_written_by_inject_verify_clean() {
    let dir = tempfile::tempdir().unwrap();
    let gpx = fixture("ride.gpx");
    let copy = dir.path().join("in-place.mp4");
    std::fs::copy(fixture("ride.mp4"), &copy).unwrap();
    let mut perms = std::fs::metadata(&copy).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)] // a private temporary copy
    perms.set_readonly(false);
    std::fs::set_permissions(&copy, perms).unwrap();
    let runs: [(&str, &[&str], PathBuf); 3] = [
        ("ride.mp4", &[], dir.path().join("out.mp4")),
        (
            "ride-faststart.mp4",
            &["--faststart"],
            dir.path().join("out-faststart.mp4"),
        ),
        ("ride.mp4", &["--in-place"], copy.clone()),
    ];
    for (input, flags, output) in runs {
        let mut inject = telemux();
        inject.arg("inject").args(flags).arg("--gpx").arg(&gpx);
        if flags.contains(&"--in-place") {
            inject.arg(&output);
        } else {
            inject.arg("-o").arg(&output).arg(fixture(input));
        }
        inject.assert().success();

        let report = telemux()
            .args(["verify", "--json", "--street-view"])
            .arg(&output)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let file = &json_of(&report)["files"][0];
        let not_passed: Vec<(String, String)> = statuses(file)
            .into_iter()
            .filter(|(_, status)| status != "pass")
            .collect();
        // The GPX has no DOP: --dop's 4.0 is written, which gps_dop passes; telemux writes
        // no camera make and model; the fixture is a 160×120 ordinary video, not 360 (the
        // 360 checks are in tests/spherical.rs).
        let warn = |id: &str| (id.to_string(), "warn".to_string());
        assert_eq!(
            not_passed,
            [
                warn("sv_make_model"),
                warn("sv_spherical"),
                warn("sv_resolution")
            ],
            "{input} {flags:?}: {file:#}"
        );
        let checks = file["checks"].as_array().unwrap();
        let points = checks.iter().find(|c| c["id"] == "sv_gps_points").unwrap();
        assert_eq!(points["value"], 120, "{input} {flags:?}");
        let overlap = checks
            .iter()
            .find(|c| c["id"] == "sv_time_overlap")
            .unwrap();
        assert_eq!(overlap["value"], 0.0, "{input} {flags:?}");
    }
}

/// A folder is expanded as `extract` expands it: one report per video inside (sorted by name,
/// other files passed over), the exit code the worst of them.
#[test]
fn a_folder_gives_one_report_per_video_and_the_worst_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("clip-moov-end.mp4"), dir.path().join("a.mp4")).unwrap();
    std::fs::copy(fixture("clip.mov"), dir.path().join("b.MOV")).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a video").unwrap();
    let output = telemux().arg("verify").arg(dir.path()).assert().success();
    let text = String::from_utf8(output.get_output().stdout.clone()).unwrap();
    let summaries: Vec<&str> = text.lines().filter(|l| l.contains(": WARN — ")).collect();
    let a = dir.path().join("a.mp4").display().to_string();
    let b = dir.path().join("b.MOV").display().to_string();
    assert_eq!(summaries.len(), 2, "{text}");
    assert!(summaries[0].starts_with(&format!("{a}: WARN")), "{text}");
    assert!(summaries[1].starts_with(&format!("{b}: WARN")), "{text}");

    // A cut clip among them fails a check: exit 1 for the folder.
    truncated_clip(dir.path());
    let output = telemux().arg("verify").arg(dir.path()).assert().code(1);
    let text = String::from_utf8(output.get_output().stdout.clone()).unwrap();
    let cut = dir.path().join("cut.mp4").display().to_string();
    assert_eq!(text.matches(" — ").count(), 3, "{text}");
    assert!(text.contains(&format!("{cut}: FAIL — ")), "{text}");

    let empty = tempfile::tempdir().unwrap();
    telemux()
        .arg("verify")
        .arg(empty.path())
        .assert()
        .code(2)
        .stderr(contains(format!(
            "{}: no video files (.mp4, .mov, .lrv, .360, .ts) in this folder or its subfolders",
            empty.path().display()
        )));
}
