//! `--in-place` safety (issue 14): a failure at any step leaves the file byte-identical (full
//! disk, file-size limit, I/O error when the exposing header is already written), a staging
//! box left by a killed run is removed by the next run. (Locks: tests/in_place_lock.rs.)
//!
//! strace injects the failures at exact system calls (`.ci/run` installs it).

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{extract_points, fixture};
use telemux_testkit::external_tool;
use telemux_write::mp4::layout::STAGING_MARK;

fn telemux_bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("telemux")
}

/// `telemux inject VIDEO --gpx ride.gpx --in-place` as a command line.
fn in_place_args(video: &Path) -> Vec<String> {
    vec![
        telemux_bin().display().to_string(),
        "inject".into(),
        video.display().to_string(),
        "--gpx".into(),
        fixture("ride.gpx").display().to_string(),
        "--in-place".into(),
    ]
}

fn run_in_place(video: &Path) -> Output {
    let args = in_place_args(video);
    Command::new(&args[0]).args(&args[1..]).output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn copy_of_ride(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    fs::copy(fixture("ride.mp4"), &path).unwrap();
    path
}

/// Runs the in-place inject under strace, tracing the calls of `syscall` and injecting
/// `fault` (an `-e inject=` expression) if any; returns the run's output and the trace.
fn in_place_under_strace(
    video: &Path,
    syscall: &str,
    fault: Option<&str>,
) -> Option<(Output, String)> {
    let mut strace = external_tool("strace")?;
    let log = video.with_extension("strace");
    strace.args(["-f", "-qq", "-o"]).arg(&log);
    strace.args(["-e", &format!("trace={syscall}")]);
    if let Some(fault) = fault {
        strace.args(["-e", &format!("inject={syscall}:{fault}")]);
    }
    let output = strace.args(in_place_args(video)).output().unwrap();
    Some((output, fs::read_to_string(&log).unwrap()))
}

/// The number (1-based, among `write` calls) of the write that appends the staging box: the
/// first one whose data starts with the mark after a `free` header.
fn staging_write_number(dir: &Path) -> Option<usize> {
    let video = copy_of_ride(dir, "count.mp4");
    let (output, trace) = in_place_under_strace(&video, "write", None)?;
    assert!(output.status.success(), "{output:?}");
    let calls: Vec<&str> = trace.lines().filter(|l| l.contains(" write(")).collect();
    let at = calls
        .iter()
        .position(|l| l.contains("free") && l.contains("telemux:staging"))
        .unwrap_or_else(|| panic!("no staging write in:\n{trace}"));
    Some(at + 1)
}

#[test]
fn a_failed_write_leaves_the_file_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let original = fs::read(fixture("ride.mp4")).unwrap();
    let Some(staging) = staging_write_number(dir.path()) else {
        return;
    };
    // The append fails (disk full, file too large), then the fsync after the append, then
    // the fdatasync after the exposing header write: the header goes back, the file shrinks.
    let faults = [
        (
            "write",
            format!("error=ENOSPC:when={staging}"),
            "No space left",
        ),
        (
            "write",
            format!("error=EFBIG:when={staging}"),
            "File too large",
        ),
        (
            "fsync",
            "error=EIO:when=1".to_string(),
            "Input/output error",
        ),
        (
            "fdatasync",
            "error=EIO:when=1".to_string(),
            "Input/output error",
        ),
    ];
    for (i, (syscall, fault, message)) in faults.into_iter().enumerate() {
        let video = copy_of_ride(dir.path(), &format!("{i}-{syscall}.mp4"));
        let (output, trace) = in_place_under_strace(&video, syscall, Some(&fault)).unwrap();
        assert!(
            trace.contains("(INJECTED)"),
            "{syscall} {fault}: not injected"
        );
        assert_eq!(
            output.status.code(),
            Some(2),
            "{syscall} {fault}: {output:?}"
        );
        let text = stderr(&output);
        assert!(text.contains(message), "{text}");
        assert!(
            text.contains("the file is unchanged: restored to its original 48392 bytes"),
            "{text}"
        );
        assert!(
            fs::read(&video).unwrap() == original,
            "{syscall} {fault}: the file changed"
        );
    }
}

#[test]
fn a_file_size_limit_is_refused_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let video = copy_of_ride(dir.path(), "limited.mp4");
    let args = in_place_args(&video).join(" ");
    // 100 blocks (of 512 bytes in dash, 1 KiB in bash): more than the video (48392 bytes),
    // less than the result (61824 bytes).
    let output = Command::new("sh")
        .args(["-c", &format!("ulimit -f 100 && exec {args}")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    // The error names the file and what was being done.
    let expected = format!(
        "{}: writing in place: the result would be 61824 bytes, more than this process may \
         write (file size limit",
        video.display()
    );
    assert!(stderr(&output).contains(&expected), "{}", stderr(&output));
    assert!(fs::read(&video).unwrap() == fs::read(fixture("ride.mp4")).unwrap());
}

/// ride.mp4 followed by the first `len` bytes of a staging box as a killed run leaves it.
fn with_staging_box(dir: &Path, name: &str, len: usize) -> PathBuf {
    let video = copy_of_ride(dir, name);
    let mut staging = 4096u32.to_be_bytes().to_vec();
    staging.extend_from_slice(b"free");
    staging.extend_from_slice(STAGING_MARK);
    staging.resize(4096, 0xAB);
    let mut bytes = fs::read(&video).unwrap();
    bytes.extend_from_slice(&staging[..len]);
    fs::write(&video, bytes).unwrap();
    video
}

#[test]
fn a_staging_box_left_by_a_killed_run_is_removed_by_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let original_len = fs::metadata(fixture("ride.mp4")).unwrap().len();
    // Cut short (its size runs past the end of the file) and complete but never exposed.
    for (name, len) in [("torn.mp4", 1000), ("complete.mp4", 4096)] {
        let video = with_staging_box(dir.path(), name, len);
        let output = run_in_place(&video);
        assert!(output.status.success(), "{output:?}");
        let expected = format!(
            "removed the unfinished write of an interrupted telemux run ({len} bytes at byte \
             {original_len})"
        );
        assert!(stderr(&output).contains(&expected), "{}", stderr(&output));
        assert_eq!(extract_points(&video), 120, "{name}");
        // The same result as an in-place run on the untouched video.
        let clean = copy_of_ride(dir.path(), &format!("clean-{name}"));
        assert!(run_in_place(&clean).status.success());
        assert!(
            fs::read(&clean).unwrap() == fs::read(&video).unwrap(),
            "{name}"
        );
    }
    // A trailing `free` box of someone else's is no staging box: it is kept (inside the mdat).
    let video = copy_of_ride(dir.path(), "padding.mp4");
    let mut bytes = fs::read(&video).unwrap();
    bytes.extend_from_slice(b"\0\0\0\x10freepadding!");
    fs::write(&video, &bytes).unwrap();
    let output = run_in_place(&video);
    assert!(output.status.success(), "{output:?}");
    assert!(!stderr(&output).contains("removed"), "{}", stderr(&output));
    let after = fs::read(&video).unwrap();
    assert_eq!(after[..bytes.len()][44..], bytes[44..]);
}

#[test]
fn a_box_the_mdat_would_cover_is_refused_and_the_file_kept() {
    let dir = tempfile::tempdir().unwrap();
    let video = copy_of_ride(dir.path(), "udta.mp4");
    let mut bytes = fs::read(&video).unwrap();
    bytes.extend_from_slice(b"\0\0\0\x10udtaabcdefgh");
    fs::write(&video, &bytes).unwrap();
    let output = run_in_place(&video);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        stderr(&output).contains(
            "--in-place would have to cover the udta box at byte 48392, after the media, to keep \
             one mdat before the moov (which GoPro's parser needs); write a new file with -o \
             instead"
        ),
        "{}",
        stderr(&output)
    );
    assert!(fs::read(&video).unwrap() == bytes);
}
