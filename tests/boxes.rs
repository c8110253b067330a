//! Where the boxes stop, the same for every command: bytes after `moov` that are no box (an
//! Insta360 trailer, padding) and the torn staging box of an interrupted `--in-place` are
//! skipped by `extract`, `dump` and `verify`, kept last (trailer) or left out (torn box) by
//! `inject -o`, and make `--in-place` refuse with the input untouched.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{
    assert_gpmf_output_is_sound, assert_in_place_refused, extract_json, fixture, inject_ride_gpx,
    telemux, tool,
};
use predicates::prelude::*;
use telemux_read::mp4::Mp4;

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

/// `telemux verify`'s report, whatever its verdict.
fn report_of(video: &Path) -> String {
    let out = telemux().arg("verify").arg(video).output().unwrap();
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

    assert_in_place_refused(
        &insv,
        "--in-place: the file ends with 1106 bytes at byte 48392 that are no box",
    );
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

    assert_in_place_refused(
        &video,
        "--in-place: the file ends with a free box at byte 48392 declaring 5000 bytes but only 1000",
    );
}

/// `fixtures/ride.mp4` with the GPX injected, as a GoPro-like file with video, audio and GPS.
fn ride_with_gps(dir: &Path) -> PathBuf {
    let out = dir.join("gps.mp4");
    inject_ride_gpx(&fixture("ride.mp4"), Some(&out), &[]);
    out
}

/// File offset of the body of `moov/trak[index]`'s box `kind` (`stsc`, `stco`).
fn table_body(video: &Path, index: usize, kind: &str) -> usize {
    let mp4 = Mp4::open(&mut fs::File::open(video).unwrap()).unwrap();
    let track = mp4.tracks().nth(index).unwrap().unwrap();
    let table = &track.sample_table;
    let node = match kind {
        "stsc" => table.sample_to_chunk.node,
        _ => table.chunk_offsets.node,
    };
    node.header.body_offset() as usize
}

fn write_u32(path: &Path, at: usize, value: u32) {
    let mut bytes = fs::read(path).unwrap();
    bytes[at..at + 4].copy_from_slice(&value.to_be_bytes());
    fs::write(path, bytes).unwrap();
}

/// `inject` (with `--replace`, the file has a GPMF track) refuses with `message`, both to a new
/// file and in place, and leaves the input byte-identical.
fn assert_rewrite_refused(video: &Path, message: &str) {
    let before = fs::read(video).unwrap();
    let out = video.with_file_name("refused.mp4");
    for target in [vec!["-o", out.to_str().unwrap()], vec!["--in-place"]] {
        telemux()
            .args(["inject", "--replace", "--gpx"])
            .arg(fixture("ride.gpx"))
            .arg(video)
            .args(&target)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
        assert!(!out.exists());
        assert_eq!(fs::read(video).unwrap(), before, "{target:?}");
    }
}

#[test]
fn a_damaged_audio_track_is_a_warning_for_extract_and_a_refusal_for_inject() {
    let dir = tempfile::tempdir().unwrap();
    let video = ride_with_gps(dir.path());
    // The audio stco claims 0x7fff0000 entries: the track cannot be parsed at all.
    let stco = table_body(&video, 1, "stco");
    write_u32(&video, stco + 4, 0x7fff_0000);

    let out = telemux()
        .args(["extract", "--format", "csv"])
        .arg(&video)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 121);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("warning: moov/trak[1]/mdia/minf/stbl/stco at byte")
            && stderr.contains("2147418112 entries of 4 bytes do not fit in the 716 bytes left; this track was skipped"),
        "{stderr}"
    );
    let dump = stdout_of(&["dump"], &video);
    assert!(
        dump.contains("  [1] damaged, skipped: moov/trak[1]/mdia/minf/stbl/stco"),
        "{dump}"
    );
    assert!(
        dump.contains("  [2] id 3 meta gpmd \"GoPro MET\" 12 samples"),
        "{dump}"
    );
    assert_rewrite_refused(&video, "moov/trak[1]/mdia/minf/stbl/stco");
}

#[test]
fn an_audio_chunk_past_the_end_is_read_around_by_extract_and_refused_by_inject() {
    let dir = tempfile::tempdir().unwrap();
    let video = ride_with_gps(dir.path());
    let stco = table_body(&video, 1, "stco");
    write_u32(&video, stco + 8, 0x7fff_0000); // first audio chunk far past the end
    assert_eq!(point_count(&video), 120);
    assert_rewrite_refused(
        &video,
        "verify fails chunks_in_mdat: moov/trak[1]/mdia/minf/stbl/stco at byte 2147418112: \
         sample 0 (130 bytes) ends at byte 2147418242, past the end of the file",
    );
}

#[test]
fn sample_tables_that_verify_fails_are_not_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let video = ride_with_gps(dir.path());
    let stsc = table_body(&video, 1, "stsc");
    // First run: one more sample per chunk than the audio has samples for.
    let bytes = fs::read(&video).unwrap();
    let per_chunk = u32::from_be_bytes(bytes[stsc + 12..stsc + 16].try_into().unwrap());
    write_u32(&video, stsc + 12, per_chunk + 1);
    let verify = telemux().arg("verify").arg(&video).output().unwrap();
    let report = String::from_utf8(verify.stdout).unwrap();
    assert!(report.contains("FAIL  sample_tables"), "{report}");
    assert_rewrite_refused(
        &video,
        "verify fails sample_tables: moov/trak[1]/mdia/minf/stbl/stsc at byte",
    );
}

#[test]
fn a_second_moov_is_read_past_and_refused_by_inject() {
    let dir = tempfile::tempdir().unwrap();
    let gps = ride_with_gps(dir.path());
    let bytes = fs::read(&gps).unwrap();
    let first = Mp4::open(&mut fs::File::open(&gps).unwrap())
        .unwrap()
        .moov()
        .root()
        .header;
    let stale_copy = bytes[first.offset as usize..first.end() as usize].to_vec();
    for (name, tail) in [
        ("junk.mp4", b"\0\0\0\x0fmoovjunkjun".to_vec()),
        ("copy.mp4", stale_copy),
    ] {
        let video = dir.path().join(name);
        fs::write(&video, [&bytes[..], &tail[..]].concat()).unwrap();
        assert_eq!(point_count(&video), 120, "{name}");
        let verify = stdout_of(&["verify"], &video);
        let expected = format!(
            "WARN  moov_count          2 moov boxes (at bytes {}, {}); players and telemux use \
             the first",
            first.offset,
            bytes.len()
        );
        assert!(verify.contains(&expected), "{verify}");
        assert_rewrite_refused(
            &video,
            &format!(
                "a second moov box at byte {} (the first is at byte {})",
                bytes.len(),
                first.offset
            ),
        );
    }
}

#[test]
fn fragments_are_checked_by_verify_and_refused_by_inject() {
    let dir = tempfile::tempdir().unwrap();
    let gps = ride_with_gps(dir.path());
    let video = dir.path().join("fragmented.mp4");
    let Some(mut ffmpeg) = tool("ffmpeg") else {
        return;
    };
    ffmpeg.args(["-v", "error", "-i"]).arg(&gps).args([
        "-map",
        "0",
        "-c",
        "copy",
        "-metadata",
        "creation_time=2024-05-01T10:00:00Z",
        "-movflags",
        "frag_keyframe",
    ]);
    common::run({
        ffmpeg.arg(&video);
        ffmpeg
    });
    // Whatever else verify says of the first fragment's GPMF timing (not this test's subject).
    let verify = report_of(&video);
    assert!(
        verify.contains(
            "PASS  fragments           5 fragments, 15 track runs (378 samples), all data inside \
             an mdat"
        ),
        "{verify}"
    );
    let out = telemux()
        .args(["extract", "--format", "csv"])
        .arg(&video)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    // moov's own tables hold the first fragment: 2 payloads of 10 points.
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 21);
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("warning: fragmented MP4 (moof at byte"));

    let bytes = fs::read(&video).unwrap();
    let moof = bytes.windows(4).position(|w| w == b"moof").unwrap() - 4;
    assert_rewrite_refused(
        &video,
        &format!(
            "fragmented MP4 (moof at byte {moof}): its samples are described by movie fragments"
        ),
    );

    // The first fragment's tfhd base_data_offset (absolute, as ffmpeg writes it) moved 1 MB on.
    let tfhd = bytes.windows(4).position(|w| w == b"tfhd").unwrap();
    let base_at = tfhd + 12;
    let base = u64::from_be_bytes(bytes[base_at..base_at + 8].try_into().unwrap());
    assert_eq!(base, moof as u64);
    let mut broken = bytes.clone();
    broken[base_at..base_at + 8].copy_from_slice(&(base + 1_000_000).to_be_bytes());
    fs::write(&video, broken).unwrap();
    let report = report_of(&video);
    let trun = tfhd + bytes[tfhd..].windows(4).position(|w| w == b"trun").unwrap() - 4;
    let expected = format!(
        "FAIL  fragments           moof[0]/traf[0]/trun[0] at byte {trun} (track 1, 30 \
         samples): data bytes {}-",
        base + 1_000_000 + 700
    );
    assert!(report.contains(&expected), "{report}");
    assert!(
        report.contains(&format!(
            "run past the end of the file ({} bytes)",
            bytes.len()
        )),
        "{report}"
    );
}
