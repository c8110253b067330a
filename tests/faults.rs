//! Faults under `inject -o` and `--in-place`: signals interrupting the media copy, an input
//! truncated while it is read, and permissions. Each ends in a correct output or in a clear
//! error with no output and no temporary file left, and the input is never modified.
//!
//! strace injects the faults at exact system calls (`.ci/run` installs it); the permission
//! tests drop root with `setpriv`, since root ignores file modes.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{fixture, inject_ride_gpx};
use telemux_testkit::{external_tool, file_names as entries};

fn telemux_bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("telemux")
}

/// `telemux inject INPUT --gpx ride.gpx -o OUT` run under strace with `faults`
/// (`-e inject=…` expressions), the trace of `syscalls` going to `log`.
fn inject_under_strace(
    faults: &[&str],
    syscalls: &str,
    log: &Path,
    input: &Path,
    out: &Path,
) -> Option<Command> {
    let mut strace = external_tool("strace")?;
    strace
        .args(["-f", "-qq", "-o"])
        .arg(log)
        .args(["-e", &format!("trace={syscalls}")]);
    for fault in faults {
        strace.args(["-e", &format!("inject={fault}")]);
    }
    strace
        .arg(telemux_bin())
        .arg("inject")
        .arg(input)
        .arg("--gpx")
        .arg(fixture("ride.gpx"))
        .arg("-o")
        .arg(out);
    Some(strace)
}

fn assert_success(output: &Output) {
    assert!(output.status.success(), "{output:?}");
}

/// The output of a plain `inject -o` of ride.mp4, to compare the faulted runs with.
fn clean_output(dir: &Path) -> Vec<u8> {
    let out = dir.join("clean.mp4");
    inject_ride_gpx(&fixture("ride.mp4"), Some(&out), &[]);
    fs::read(out).unwrap()
}

#[test]
fn interrupted_copies_resume_and_give_the_same_file() {
    let dir = tempfile::tempdir().unwrap();
    let expected = clean_output(dir.path());
    // Every other kernel copy fails with EINTR, as when a signal arrives during it (the bug the
    // rewrite fuzz target found: io::copy gives up on EINTR from copy_file_range). Then the same
    // with the kernel copy refused (EXDEV, as across file systems), so the media goes through
    // read and write, and every other write is interrupted. (Not reads: the dynamic loader's
    // own reads would fail before telemux runs.)
    let cases: [(&str, &[&str], &str); 2] = [
        (
            "copy_file_range",
            &["copy_file_range:error=EINTR:when=1+2"],
            "copy_file_range",
        ),
        (
            "read-write",
            &["copy_file_range:error=EXDEV", "write:error=EINTR:when=1+2"],
            "copy_file_range,write",
        ),
    ];
    for (name, faults, syscalls) in cases {
        let out = dir.path().join(format!("{name}.mp4"));
        let log = dir.path().join(format!("{name}.strace"));
        let Some(mut cmd) = inject_under_strace(faults, syscalls, &log, &fixture("ride.mp4"), &out)
        else {
            return;
        };
        assert_success(&cmd.output().unwrap());
        let trace = fs::read_to_string(&log).unwrap();
        let interrupted = trace
            .matches("EINTR (Interrupted system call) (INJECTED)")
            .count();
        assert!(
            interrupted >= 3,
            "{name}: only {interrupted} calls interrupted:\n{trace}"
        );
        assert!(
            fs::read(&out).unwrap() == expected,
            "{name}: the output differs from an uninterrupted run"
        );
    }
}

/// Holds the first kernel copy for 5 s at its entry: the output's temporary file exists then,
/// and a loaded machine has time to act before the copy goes on.
const HOLD_FIRST_COPY: &str = "copy_file_range:delay_enter=5000000:when=1";

/// Starts `strace` (made by [`inject_under_strace`] with [`HOLD_FIRST_COPY`]) and waits until
/// telemux is held at its first copy; returns the child and telemux's process id.
fn spawn_held_at_the_first_copy(mut strace: Command, log: &Path) -> (Child, u32) {
    let mut child = strace
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    match held_pid(log) {
        Some(pid) => (child, pid),
        None => {
            child.kill().unwrap();
            panic!("the copy never started: {:?}", child.wait_with_output());
        }
    }
}

/// The process id strace's log shows entering copy_file_range, within 20 s.
fn held_pid(log: &Path) -> Option<u32> {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let trace = fs::read_to_string(log).unwrap_or_default();
        if let Some(line) = trace.lines().find(|l| l.contains(" copy_file_range(")) {
            return line.split(' ').next()?.parse().ok();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

#[test]
fn an_input_truncated_while_it_is_read_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.mp4");
    fs::copy(fixture("ride.mp4"), &input).unwrap();
    let out = dir.path().join("out.mp4");
    let log = dir.path().join("trace");
    // The file is cut while the copy is held, as another program (or a card pulled out) would.
    let Some(cmd) = inject_under_strace(&[HOLD_FIRST_COPY], "copy_file_range", &log, &input, &out)
    else {
        return;
    };
    let (child, _) = spawn_held_at_the_first_copy(cmd, &log);
    let cut = 20_000;
    fs::OpenOptions::new()
        .write(true)
        .open(&input)
        .unwrap()
        .set_len(cut)
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "out.mp4: writing: the input ended at byte {cut}, inside the mdat box at bytes 40..40810 \
             (was it truncated while being read?)"
        )),
        "{stderr}"
    );
    assert_eq!(entries(dir.path()), ["in.mp4", "trace"]);
    assert_eq!(
        fs::read(&input).unwrap(),
        fs::read(fixture("ride.mp4")).unwrap()[..cut as usize]
    );
}

#[test]
fn an_interrupted_inject_removes_its_unfinished_output() {
    let dir = tempfile::tempdir().unwrap();
    for signal in ["INT", "TERM"] {
        let out = dir.path().join(format!("{signal}.mp4"));
        let log = dir.path().join(format!("{signal}.strace"));
        let Some(cmd) = inject_under_strace(
            &[HOLD_FIRST_COPY],
            "copy_file_range",
            &log,
            &fixture("ride.mp4"),
            &out,
        ) else {
            return;
        };
        let (child, pid) = spawn_held_at_the_first_copy(cmd, &log);
        assert!(
            entries(dir.path())
                .iter()
                .any(|n| n.starts_with(telemux_write::output::TEMP_PREFIX)),
            "{:?}",
            entries(dir.path())
        );
        let kill = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(pid.to_string())
            .status()
            .unwrap();
        assert!(kill.success());
        let output = child.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(130), "{signal}: {output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            // strace may add a line of its own after (delayed wait data).
            stderr.contains(&format!(
                "\ntelemux: interrupted; {} was not written\n",
                out.display()
            )),
            "{signal}: {stderr}"
        );
        let left: Vec<String> = entries(dir.path())
            .into_iter()
            .filter(|n| !n.ends_with(".strace"))
            .collect();
        assert!(left.is_empty(), "{signal}: left behind {left:?}");
    }
}

/// Runs telemux as `nobody` when this test runs as root (root ignores file modes), else as
/// the current user; `None` when neither can test permissions.
fn telemux_without_root() -> Option<Command> {
    let uid = Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return Some(Command::new(telemux_bin()));
    }
    let mut setpriv = external_tool("setpriv")?;
    setpriv
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(telemux_bin());
    Some(setpriv)
}

fn set_mode(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn permission_denied_is_a_clear_error_and_leaves_nothing() {
    let Some(_) = telemux_without_root() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    set_mode(dir.path(), 0o777);
    let video = dir.path().join("ride.mp4");
    fs::copy(fixture("ride.mp4"), &video).unwrap();
    set_mode(&video, 0o644);
    let original = fs::read(&video).unwrap();
    let gpx = dir.path().join("ride.gpx");
    fs::copy(fixture("ride.gpx"), &gpx).unwrap();
    set_mode(&gpx, 0o644);
    let read_only = dir.path().join("read-only");
    fs::create_dir(&read_only).unwrap();
    set_mode(&read_only, 0o555);
    let with_gps = dir.path().join("gps.mp4");
    fs::write(&with_gps, clean_output(dir.path())).unwrap();
    fs::remove_file(dir.path().join("clean.mp4")).unwrap();
    set_mode(&with_gps, 0o644);
    let secret = dir.path().join("secret.mp4");
    fs::copy(fixture("ride.mp4"), &secret).unwrap();
    set_mode(&secret, 0o000);

    let run = |args: &[&str]| {
        let output = telemux_without_root()
            .unwrap()
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        // The last line: extract prints its summary before it writes.
        let stderr = String::from_utf8_lossy(&output.stderr);
        stderr.lines().last().unwrap_or_default().to_string()
    };
    assert_eq!(
        run(&["inject", "ride.mp4", "--gpx", "ride.gpx", "-o", "read-only/out.mp4"]),
        "telemux: error: read-only/out.mp4: cannot create a file in read-only: Permission denied (os error 13)"
    );
    assert_eq!(
        run(&["extract", "gps.mp4", "--format", "gpx", "-o", "read-only/out.gpx"]),
        "telemux: error: read-only/out.gpx: cannot create a file in read-only: Permission denied (os error 13)"
    );
    assert_eq!(
        run(&["inject", "secret.mp4", "--gpx", "ride.gpx", "-o", "out.mp4"]),
        "telemux: error: secret.mp4: Permission denied (os error 13)"
    );
    set_mode(&video, 0o444);
    assert_eq!(
        run(&["inject", "ride.mp4", "--gpx", "ride.gpx", "--in-place"]),
        "telemux: error: ride.mp4: Permission denied (os error 13)"
    );
    assert_eq!(fs::read(&video).unwrap(), original);
    assert!(entries(&read_only).is_empty());
    assert_eq!(
        entries(dir.path()),
        ["gps.mp4", "read-only", "ride.gpx", "ride.mp4", "secret.mp4"]
    );
}
