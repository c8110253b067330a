//! Where the boxes stop, the same for every command: bytes after `moov` that are no box (an
//! Insta360 trailer, padding) and the torn staging box of an interrupted `--in-place` are
//! skipped by `extract`, `dump` and `verify`, kept last (trailer) or left out (torn box) by
//! `inject -o`, and make `--in-place` refuse with the input untouched.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{assert_gpmf_output_is_sound, extract_json, fixture, inject_ride_gpx, telemux, tool};
use predicates::prelude::*;

/// `fixtures/ride.mp4` is 48392 bytes and ends with its moov.
const RIDE_LEN: u64 = 48392;

/// An Insta360 trailer as ExifTool and telemetry-parser read it: records (payload, then a
/// little-endian u16 id and u32 size) and a 72-byte footer (32 bytes, u32 trailer size, u32
/// version, the ASCII magic). The payload starts the way the issue's `.insv` did: a size of
/// 2149744646 and a type that is no text.
fn insta360_trailer() -> Vec<u8> {
    let mut payload = vec![0x80, 0x22, 0x80, 0x06];
    payload.extend((0..=255u8).cycle().take(1024));
    let mut trailer = payload.clone();
    trailer.extend(0x101u16.to_le_bytes());
    trailer.extend((payload.len() as u32).to_le_bytes());
    let total = trailer.len() as u32 + 72;
    trailer.extend([0; 32]);
    trailer.extend(total.to_le_bytes());
    trailer.extend(3u32.to_le_bytes());
    trailer.extend(b"8db42d694ccc418790edff439fe026bf");
    trailer
}

/// `fixtures/ride.mp4` followed by `tail`, written to a temporary folder.
fn ride_with(tail: &[u8], name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    let mut bytes = fs::read(fixture("ride.mp4")).unwrap();
    bytes.extend(tail);
    fs::write(&path, bytes).unwrap();
    (dir, path)
}

fn stdout_of(args: &[&str], file: &Path) -> String {
    let out = telemux().args(args).arg(file).output().unwrap();
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn point_count(video: &Path) -> usize {
    extract_json(video)["gps"].as_array().unwrap().len()
}

#[test]
fn an_insta360_trailer_is_skipped_by_readers_and_kept_last_by_inject() {
    let trailer = insta360_trailer();
    let (dir, insv) = ride_with(&trailer, "ride.insv");
    let dump = stdout_of(&["dump"], &insv);
    assert!(
        dump.contains(&format!("  trailing data {RIDE_LEN} 1106 (not a box)")),
        "{dump}"
    );
    let verify = stdout_of(&["verify"], &insv);
    assert!(
        verify.contains("WARN  trailing_data       trailing data, 1106 bytes at offset 48392"),
        "{verify}"
    );
    assert!(verify.contains("PASS  box_structure"), "{verify}");

    let out = dir.path().join("out.insv");
    inject_ride_gpx(&insv, Some(&out), &[]);
    let written = fs::read(&out).unwrap();
    assert!(written.ends_with(&trailer), "the trailer is no longer last");
    assert_gpmf_output_is_sound(&insv, &out);
    assert_eq!(point_count(&out), 120);
    let dump = stdout_of(&["dump"], &out);
    let at = written.len() - trailer.len();
    assert!(
        dump.contains(&format!("  trailing data {at} 1106 (not a box)")),
        "{dump}"
    );
    if let Some(mut exiftool) = tool("exiftool") {
        // ExifTool finds the Insta360 record through the footer at the very end.
        let text = common::run({
            exiftool.args(["-v2", "-ee"]).arg(&out);
            exiftool
        });
        assert!(text.contains("Insta360 Record 0x101 (offset"), "{text}");
    }

    let before = fs::read(&insv).unwrap();
    telemux()
        .args(["inject", "--in-place", "--gpx"])
        .arg(fixture("ride.gpx"))
        .arg(&insv)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--in-place: the file ends with 1106 bytes at byte 48392 that are no box",
        ));
    assert_eq!(fs::read(&insv).unwrap(), before);
}

#[test]
fn zero_padding_after_moov_is_trailing_data() {
    let (_dir, padded) = ride_with(&[0; 16], "padded.mp4");
    let verify = stdout_of(&["verify"], &padded);
    assert!(
        verify.contains("trailing data, 16 bytes at offset 48392: not a box"),
        "{verify}"
    );
    let out = padded.with_file_name("gps.mp4");
    inject_ride_gpx(&padded, Some(&out), &["--faststart"]);
    assert_gpmf_output_is_sound(&padded, &out);
    assert_eq!(point_count(&out), 120);
    // With --faststart the new mdat is the last box: the padding still follows it.
    let at = fs::metadata(&out).unwrap().len() - 16;
    let dump = stdout_of(&["dump"], &out);
    assert!(
        dump.contains(&format!("  trailing data {at} 16 (not a box)")),
        "{dump}"
    );
}

#[test]
fn a_torn_staging_box_is_skipped_and_left_out_of_a_new_file() {
    // A killed --in-place: a free box declaring 5000 bytes of which 1000 were appended.
    let mut torn = 5000u32.to_be_bytes().to_vec();
    torn.extend(b"free");
    torn.extend([0x5a; 992]);
    let (dir, video) = ride_with(&torn, "torn.mp4");
    let verify = stdout_of(&["verify"], &video);
    assert!(
        verify.contains(
            "WARN  trailing_data       trailing data, 1000 bytes at offset 48392: a free box \
             declaring 5000 bytes, cut short"
        ),
        "{verify}"
    );
    assert!(stdout_of(&["dump"], &video)
        .contains("trailing data 48392 1000 (free box declaring 5000 bytes"));

    let out = dir.path().join("out.mp4");
    inject_ride_gpx(&video, Some(&out), &[]);
    assert_gpmf_output_is_sound(&video, &out);
    assert_eq!(point_count(&out), 120);
    let verify = stdout_of(&["verify"], &out);
    assert!(
        verify.contains("PASS  trailing_data       the file ends where its last box ends"),
        "{verify}"
    );

    let before = fs::read(&video).unwrap();
    telemux()
        .args(["inject", "--in-place", "--gpx"])
        .arg(fixture("ride.gpx"))
        .arg(&video)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--in-place: the file ends with a free box at byte 48392 declaring 5000 bytes but only 1000",
        ));
    assert_eq!(fs::read(&video).unwrap(), before);
}
