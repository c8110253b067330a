//! `telemux dump`: listings of real and generated payloads, and errors with exit code 2.

use assert_cmd::Command;
use predicates::prelude::*;
use telemux_read::{AltitudeRef, Fix, GpsPoint};
use telemux_testkit::corpus_or_skip;
use telemux_write::gpmf::{DeviceWriter, GpsPayloads};
use time::macros::datetime;

fn telemux() -> Command {
    Command::cargo_bin("telemux").unwrap()
}

fn temp_file(bytes: &[u8]) -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), bytes).unwrap();
    file
}

/// One payload of two GPS points from the builder.
fn generated_payload() -> Vec<u8> {
    let point = |lat, lon| GpsPoint {
        time: Some(datetime!(2022-09-20 13:29:36.899 UTC)),
        altitude: Some(34.098),
        speed_2d: Some(0.018),
        speed_3d: Some(0.01),
        fix: Some(Fix::ThreeD),
        dop: Some(1.79),
        ..GpsPoint::new(lat, lon)
    };
    let mut writer = GpsPayloads::new(
        DeviceWriter::new(1, "telemux"),
        AltitudeRef::MeanSeaLevel,
        false,
    );
    writer
        .payload(
            &[point(42.4261529, -8.6499795), point(42.42616, -8.64998)],
            None,
        )
        .unwrap()
}

#[test]
fn dump_lists_a_generated_payload() {
    let file = temp_file(&generated_payload());
    telemux()
        .arg("dump")
        .arg(file.path())
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "DEVC nest 260 bytes\n  DVID L 4x1 1\n  DVNM c 7x1 \"telemux\"\n  STRM nest 224 bytes\n",
        ))
        .stdout(predicate::str::contains(
            "    GPSU U 16x1 \"220920132936.899\" (2022-09-20T13:29:36.899Z)\n",
        ))
        .stdout(predicate::str::contains(
            "    UNIT c 3x5 [\"deg\", \"deg\", \"m\", \"m/s\", \"m/s\"]\n",
        ))
        .stdout(predicate::str::contains("    GPSA F 4x1 MSLV\n"))
        .stdout(predicate::str::ends_with(
            "    GPS5 l 20x2 [deg, deg, m, m/s, m/s] 2 samples:\n      \
             42.4261529, -8.6499795, 34.098, 0.018, 0.01\n      \
             42.4261600, -8.6499800, 34.098, 0.018, 0.01\n",
        ));
}

#[test]
fn dump_lists_a_hero5_payload_with_scaled_gps() {
    let Some(corpus) = corpus_or_skip("dump_lists_a_hero5_payload_with_scaled_gps") else {
        return;
    };
    let path = corpus.join("gopro/hero5.raw");
    telemux()
        .arg("dump")
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("  DVNM c 1x6 \"Camera\"\n"))
        .stdout(predicate::str::contains("    SIUN c 4x1 \"m/s²\"\n"))
        .stdout(predicate::str::contains(
            "    GPS5 l 20x18 [deg, deg, m, m/s, m/s] 18 samples:\n      \
             33.1264969, -117.3273542, -20.184, 0.167, 0.19\n",
        ))
        .stdout(predicate::str::contains(
            "      … 13 more samples (--all prints every one)\n",
        ))
        .stdout(predicate::str::contains("33.1264973, -117.3273579, -20.041, 0.676, 0.63").not());
    // --all prints the last GPS5 sample too.
    telemux()
        .args(["dump", "--all"])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "      33.1264973, -117.3273579, -20.041, 0.676, 0.63\n",
        ))
        .stdout(predicate::str::contains("more samples").not());
}

#[test]
fn a_truncated_file_exits_2_naming_the_klv_and_byte() {
    let bytes = generated_payload();
    let file = temp_file(&bytes[..100]);
    telemux()
        .arg("dump")
        .arg(file.path())
        .assert()
        .code(2)
        .stdout("")
        .stderr(format!(
            "telemux: error: {}: DEVC[0] at byte 0: truncated: the KLV needs 268 bytes but the \
             input has 100 left\n",
            file.path().display()
        ));
}

#[test]
fn a_damaged_klv_exits_2_after_listing_what_came_before() {
    let mut bytes = generated_payload();
    let gps5 = bytes.windows(4).position(|w| w == b"GPS5").unwrap();
    bytes[gps5 + 4] = b'x';
    let file = temp_file(&bytes);
    telemux()
        .arg("dump")
        .arg(file.path())
        .assert()
        .code(2)
        .stdout(predicate::str::contains("    GPSA F 4x1 MSLV\n"))
        .stdout(predicate::str::contains("GPS5").not())
        .stderr(format!(
            "telemux: error: {}: DEVC[0]/STRM[0]/GPS5 at byte {gps5}: bad type: 'x' is not a \
             GPMF type\n",
            file.path().display()
        ));
}

#[test]
fn missing_files_and_mp4s_exit_2() {
    telemux()
        .args(["dump", "/nonexistent/x.raw"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "telemux: error: /nonexistent/x.raw: ",
        ));
    let mp4 = temp_file(b"\0\0\0\x14ftypmp41\0\0\0\0mp41");
    telemux()
        .arg("dump")
        .arg(mp4.path())
        .assert()
        .code(2)
        // Issue 16: the offset where the boxes end (was 0), and what it means; the boxes
        // found are listed.
        .stdout("boxes (offset, size) up to the damage:\n  ftyp 0 20\n")
        .stderr(predicate::str::ends_with(
            ": moov at byte 20: no moov box up to the end of the boxes: the recording was not \
             finalised (the camera lost power or the card was pulled?), or the file is not a \
             video\n",
        ));
}

#[test]
fn mp4_box_tree_tracks_and_payloads() {
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/ride.mp4");
    telemux()
        .arg("dump")
        .arg(&fixture)
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "boxes (offset, size):\n  ftyp 0 32\n  free 32 8\n  mdat 40 ",
        ))
        .stdout(predicate::str::contains("      stco "))
        .stdout(predicate::str::contains(
            "  [0] id 1 vide avc1 \"VideoHandler\" 180 samples 12.000 s\n",
        ))
        .stdout(predicate::str::ends_with("no GPMF track\n"));

    let Some(corpus) = corpus_or_skip("mp4_box_tree_tracks_and_payloads") else {
        return;
    };
    telemux()
        .arg("dump")
        .arg(corpus.join("gopro/karma.mp4"))
        .args(["--payload", "12"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "  [3] id 4 meta gpmd \"GoPro MET\" 13 samples 13.013 s\n",
        ))
        .stdout(predicate::str::contains(
            "GPMF payload 12 (track [3], at byte 4063482, 3052 bytes, 12.012 s):\nDEVC nest",
        ))
        .stdout(predicate::str::contains("GPMF payload 0 ").not());
    telemux()
        .arg("dump")
        .arg(corpus.join("gopro/max-heromode.mp4"))
        .arg("--global")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "udta GPMF global settings: 25600 bytes\nDEVC nest",
        ))
        .stdout(predicate::str::contains(
            "  DVNM c 1x15 \"Global Settings\"\n  VERS B 1x3 [7, 6, 0]",
        ));
}

#[test]
fn help_shows_an_example() {
    telemux()
        .args(["dump", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("telemux dump hero5.raw"))
        .stdout(predicate::str::contains("--all"));
}

/// A folder is expanded as `extract` expands it: each video under its name, in name order;
/// one that cannot be read is reported and the exit code is 2.
#[test]
fn a_folder_dumps_each_video_under_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    std::fs::copy(fixtures.join("clip-moov-end.mp4"), dir.path().join("a.mp4")).unwrap();
    std::fs::copy(fixtures.join("clip.mov"), dir.path().join("b.mov")).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a video").unwrap();
    let a = dir.path().join("a.mp4").display().to_string();
    let b = dir.path().join("b.mov").display().to_string();
    let output = telemux().arg("dump").arg(dir.path()).assert().success();
    let text = String::from_utf8(output.get_output().stdout.clone()).unwrap();
    assert!(
        text.starts_with(&format!("{a}\nboxes (offset, size):\n  ftyp 0 32\n")),
        "{text}"
    );
    assert!(
        text.contains(&format!("no GPMF track\n\n{b}\nboxes (offset, size):\n")),
        "{text}"
    );
    assert_eq!(text.matches("boxes (offset, size):").count(), 2, "{text}");

    std::fs::write(dir.path().join("c.mp4"), "hello world, not a video").unwrap();
    let c = dir.path().join("c.mp4").display().to_string();
    telemux()
        .arg("dump")
        .arg(dir.path())
        .assert()
        .code(2)
        .stdout(predicate::str::contains(format!("\n{c}\n")))
        .stderr(predicate::str::contains(format!(
            "{c}: not an MP4/MOV file (it starts with \"hello wo\")"
        )));
}
