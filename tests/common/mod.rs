//! Shared support for the end-to-end tests: the binary, fixtures, and external readers.
#![allow(dead_code)] // each test file uses its own part of this module

pub mod bandit;
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

use telemux_read::testkit::external_tool as tool;

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
