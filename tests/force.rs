//! `--force` replaces only regular files that no input of the command is: every command that
//! writes a file (inject, convert, extract) refuses, leaving every file byte-identical.

mod common;

use std::fs;
use std::path::Path;

use common::{fixture, telemux};
use predicates::prelude::*;

fn same_file_message(output: &Path, input: &Path) -> String {
    format!(
        "{}: this is the input {} (the same file); telemux never writes over its inputs",
        output.display(),
        input.display()
    )
}

#[test]
fn extract_never_writes_over_the_video() {
    let dir = tempfile::tempdir().unwrap();
    let video = dir.path().join("v.mp4");
    fs::copy(fixture("ride.mp4"), &video).unwrap();
    common::inject_ride_gpx(&fixture("ride.mp4"), Some(&video), &["--force"]);
    let before = fs::read(&video).unwrap();
    telemux()
        .arg("extract")
        .arg(&video)
        .arg("-o")
        .arg(&video)
        .args(["--format", "gpx", "--force"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(same_file_message(&video, &video)));
    assert_eq!(fs::read(&video).unwrap(), before);
}

#[test]
fn inject_never_writes_over_its_gpx_nor_the_video_by_another_name() {
    let dir = tempfile::tempdir().unwrap();
    let video = dir.path().join("v.mp4");
    let gpx = dir.path().join("t.gpx");
    fs::copy(fixture("ride.mp4"), &video).unwrap();
    fs::copy(fixture("ride.gpx"), &gpx).unwrap();
    let hard = dir.path().join("hard-link.mp4");
    fs::hard_link(&video, &hard).unwrap();
    let soft = dir.path().join("symlink.gpx");
    std::os::unix::fs::symlink(&gpx, &soft).unwrap();
    let dotted = dir.path().join(".").join("v.mp4");
    for (output, input) in [
        (&gpx, &gpx),
        (&soft, &gpx),
        (&hard, &video),
        (&dotted, &video),
    ] {
        telemux()
            .arg("inject")
            .arg(&video)
            .arg("--gpx")
            .arg(&gpx)
            .arg("-o")
            .arg(output)
            .arg("--force")
            .assert()
            .code(2)
            .stderr(predicate::str::contains(same_file_message(output, input)));
    }
    assert_eq!(
        fs::read(&video).unwrap(),
        fs::read(fixture("ride.mp4")).unwrap()
    );
    assert_eq!(
        fs::read(&gpx).unwrap(),
        fs::read(fixture("ride.gpx")).unwrap()
    );
    assert!(fs::symlink_metadata(&soft)
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn convert_never_writes_its_gpx_over_a_clip() {
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("clip.MP4");
    fs::copy(fixture("ride.mp4"), &clip).unwrap();
    for place in [&["-o", "out.mp4"][..], &["--in-place"]] {
        telemux()
            .current_dir(dir.path())
            .arg("convert")
            .arg(&clip)
            .args(place)
            .args(["--gpx", "clip.MP4", "--force"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(same_file_message(
                Path::new("clip.MP4"),
                &clip,
            )));
    }
    assert_eq!(
        fs::read(&clip).unwrap(),
        fs::read(fixture("ride.mp4")).unwrap()
    );
    assert!(!dir.path().join("out.mp4").exists());
}

#[test]
fn force_never_replaces_a_fifo_or_a_device() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.mp4");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    for output in [fifo.as_path(), Path::new("/dev/null")] {
        telemux()
            .arg("inject")
            .arg(fixture("ride.mp4"))
            .arg("--gpx")
            .arg(fixture("ride.gpx"))
            .arg("-o")
            .arg(output)
            .arg("--force")
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "{}: not a regular file (a device, FIFO or socket); --force replaces only \
                 regular files",
                output.display()
            )));
    }
    use std::os::unix::fs::FileTypeExt;
    assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(fs::metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}
