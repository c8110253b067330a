//! Advisory locks keep two telemux runs apart: an `--in-place` run refuses a file another run
//! reads or writes, an `-o` run refuses an input being written in place, two `-o` runs share
//! an input. (Alone in its test binary: a lock held by this process would also be held, for a
//! moment, by the processes that other tests' threads start.)

mod common;

use std::ffi::OsStr;
use std::fs;
use std::path::Path;

use common::{fixture, telemux};
use telemux_read::mp4::Mp4;
use telemux_write::file_lock::{lock, LockMode};

/// `telemux inject VIDEO --gpx ride.gpx TARGET…`.
fn inject(video: &Path, target: &[&OsStr]) -> assert_cmd::Command {
    let mut cmd = telemux();
    cmd.arg("inject")
        .arg(video)
        .arg("--gpx")
        .arg(fixture("ride.gpx"))
        .args(target);
    cmd
}

#[test]
fn a_locked_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let video = dir.path().join("locked.mp4");
    fs::copy(fixture("ride.mp4"), &video).unwrap();
    let original = fs::read(&video).unwrap();
    let out = dir.path().join("out.mp4");
    // What another telemux holds: an in-place run an exclusive lock, an -o run a shared one.
    for (held, in_place, message) in [
        (
            LockMode::Exclusive,
            true,
            "another telemux is reading or writing this file",
        ),
        (
            LockMode::Shared,
            true,
            "another telemux is reading or writing this file",
        ),
        (
            LockMode::Exclusive,
            false,
            "another telemux is writing this file (--in-place)",
        ),
    ] {
        let holder = fs::File::open(&video).unwrap();
        lock(&holder, &video, held).unwrap();
        let target: &[&OsStr] = if in_place {
            &["--in-place".as_ref()]
        } else {
            &["-o".as_ref(), out.as_os_str()]
        };
        let output = inject(&video, target).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{output:?}");
        let expected = format!("{}: {message}", video.display());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(&expected), "{stderr}");
        assert!(fs::read(&video).unwrap() == original);
        assert!(!out.exists());
        drop(holder);
    }
    // Two -o runs may read one input at once.
    let reader = fs::File::open(&video).unwrap();
    lock(&reader, &video, LockMode::Shared).unwrap();
    inject(&video, &["-o".as_ref(), out.as_os_str()])
        .assert()
        .success();
    let mp4 = Mp4::open(&mut fs::File::open(&out).unwrap()).unwrap();
    assert_eq!(mp4.tracks().count(), 3);
}
