//! Dates at the edge of what a date can be (year 9999, `--offset 1e12`) are refused with a
//! clear error (exit 2), never a panic (exit 101), and nothing is written.

mod common;

use std::fs;
use std::path::Path;

use common::{fixture, telemux};
use predicates::prelude::*;

/// `fixtures/ride.mp4` (moov last) with a version-1 mvhd whose creation time is
/// 9999-12-31T23:59:59Z: 64-bit times are the only way to reach it.
fn video_created_in_9999(path: &Path) {
    let mut bytes = fs::read(fixture("ride.mp4")).unwrap();
    let find = |b: &[u8], tag: &[u8]| b.windows(4).position(|w| w == tag).unwrap() - 4;
    let moov = find(&bytes, b"moov");
    let mvhd = find(&bytes, b"mvhd");
    let be32 = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    assert_eq!(bytes[mvhd + 8], 0, "fixture's mvhd is version 0");
    let (timescale, duration) = (be32(mvhd + 20), be32(mvhd + 24));
    let created: u64 = 253_402_300_799 + 2_082_844_800;
    let mut v1 = Vec::new();
    v1.extend((be32(mvhd) + 12).to_be_bytes());
    v1.extend(b"mvhd\x01\0\0\0");
    v1.extend(created.to_be_bytes());
    v1.extend(created.to_be_bytes());
    v1.extend(timescale.to_be_bytes());
    v1.extend(u64::from(duration).to_be_bytes());
    let rest = mvhd + 28..mvhd + be32(mvhd) as usize;
    v1.extend_from_slice(&bytes[rest.clone()]);
    let moov_size = be32(moov) + 12;
    bytes.splice(mvhd..rest.end, v1);
    bytes[moov..moov + 4].copy_from_slice(&moov_size.to_be_bytes());
    fs::write(path, bytes).unwrap();
}

/// `fixtures/ride.gpx` (19 points) with its times moved to the last ten seconds of 9999,
/// half a second apart: 9999-12-31T23:59:50.0Z … 23:59:59.0Z.
fn gpx_of_9999(path: &Path) {
    let text = fs::read_to_string(fixture("ride.gpx")).unwrap();
    let mut pieces = text.split("<time>");
    let mut out = pieces.next().unwrap().to_string();
    for (i, piece) in pieces.enumerate() {
        let after = &piece[piece.find("</time>").unwrap()..];
        let seconds = 50.0 + 0.5 * i as f64;
        out.push_str(&format!("<time>9999-12-31T23:59:{seconds:04.1}Z{after}"));
    }
    assert_eq!(out.matches("9999-12-31T23:59:").count(), 19);
    fs::write(path, out).unwrap();
}

fn refused(args: &[&std::ffi::OsStr], message: &str, dir: &Path) {
    let out = dir.join("out.mp4");
    telemux()
        .arg("inject")
        .args(args)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(message));
    assert!(!out.exists());
    assert_eq!(
        fs::read_dir(dir).unwrap().count(),
        2,
        "only the inputs remain"
    );
}

#[test]
fn far_dates_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let video = dir.path().join("ride.mp4");
    let gpx = dir.path().join("far.gpx");
    fs::copy(fixture("ride.mp4"), &video).unwrap();
    gpx_of_9999(&gpx);
    let (v, g) = (video.as_os_str(), gpx.as_os_str());
    let past = "is past the dates telemux can hold (years -9999 to 9999)";
    refused(
        &[
            v,
            "--gpx".as_ref(),
            g,
            "--sync".as_ref(),
            "first-point".as_ref(),
        ],
        &format!("ride.mp4: 9999-12-31T23:59:50Z +12 s (the video's duration (mvhd)) {past}"),
        dir.path(),
    );
    let ride_gpx = fixture("ride.gpx");
    let r = ride_gpx.as_os_str();
    refused(
        &[v, "--gpx".as_ref(), r, "--offset".as_ref(), "1e12".as_ref()],
        &format!("ride.mp4: 2024-05-01T10:00:00Z +1000000000000 s (--offset) {past}"),
        dir.path(),
    );
    refused(
        &[
            v,
            "--gpx".as_ref(),
            r,
            "--start".as_ref(),
            "9999-12-31T23:59:59Z".as_ref(),
        ],
        &format!("ride.mp4: 9999-12-31T23:59:59Z +12 s (the video's duration (mvhd)) {past}"),
        dir.path(),
    );
    video_created_in_9999(&video);
    refused(
        &[v, "--gpx".as_ref(), r],
        &format!("ride.mp4: 9999-12-31T23:59:59Z +12 s (the video's duration (mvhd)) {past}"),
        dir.path(),
    );
}
