//! A movie header (mvhd) claiming far more time than the tracks hold is refused at once: the
//! telemetry would be written for every claimed second (10⁶ s made 1.5 GB of points, 9.9×10⁶ s
//! aborted, leaving a temporary file).

mod common;

use std::fs;
use std::path::Path;

use common::{fixture, telemux};
use predicates::prelude::*;

/// `fixtures/ride.mp4` (12.046 s of media) whose version-0 mvhd says `duration` at `timescale`.
fn ride_claiming(path: &Path, timescale: u32, duration: u32) {
    let mut bytes = fs::read(fixture("ride.mp4")).unwrap();
    let mvhd = bytes.windows(4).position(|w| w == b"mvhd").unwrap() - 4;
    assert_eq!(bytes[mvhd + 8], 0, "fixture's mvhd is version 0");
    bytes[mvhd + 20..mvhd + 24].copy_from_slice(&timescale.to_be_bytes());
    bytes[mvhd + 24..mvhd + 28].copy_from_slice(&duration.to_be_bytes());
    fs::write(path, bytes).unwrap();
}

#[test]
fn absurd_claimed_durations_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let video = dir.path().join("claims.mp4");
    let out = dir.path().join("out.mp4");
    for (timescale, duration, claimed) in [
        (1000, 1_000_000_000, "1000000.000"),
        (100, 990_000_000, "9900000.000"),
        // Just past the slack: 12.046 s of media (the audio) + 60 s.
        (1000, 72_047, "72.047"),
    ] {
        ride_claiming(&video, timescale, duration);
        let before = fs::read(&video).unwrap();
        for place in [&["-o", out.to_str().unwrap()][..], &["--in-place"]] {
            telemux()
                .arg("inject")
                .arg(&video)
                .arg("--gpx")
                .arg(fixture("ride.gpx"))
                .args(["--rate", "1000"])
                .args(place)
                .assert()
                .code(2)
                .stderr(predicate::str::contains(format!(
                    "claims.mp4: mvhd says the movie lasts {claimed} s, but its longest track \
                     holds 12.046 s of media (stts): refusing to write telemetry for time the \
                     video does not have"
                )));
            assert_eq!(fs::read(&video).unwrap(), before);
            assert_eq!(
                fs::read_dir(dir.path()).unwrap().count(),
                1,
                "nothing written"
            );
        }
    }
    // Within the slack the video is written, its telemetry for the 72 s it claims.
    ride_claiming(&video, 1000, 72_000);
    telemux()
        .arg("inject")
        .arg(&video)
        .arg("--gpx")
        .arg(fixture("ride.gpx"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("(72.0 s)"))
        .stderr(predicate::str::contains(
            "151 GPS points at 10 Hz in 73 payloads",
        ));
}
