//! Dashcam files end to end: `telemux extract` on an ffmpeg-made video with Novatek blocks
//! spliced into its `mdat` (with and without the `moov/gps ` index), on an MPEG-TS recording
//! whose GPS records straddle packets, on folders of clips and on damaged files; ExifTool
//! reading the same points; and `telemux convert` output checked like `inject`'s.

mod common;
#[path = "../crates/read/tests/novatek_support/mod.rs"]
mod novatek_support;

use std::fs;
use std::path::{Path, PathBuf};

use common::oracle::{expected_samples, Grid};
use common::{exiftool_gps, fixture, telemux};
use novatek_support::containers::{self, splice};
use novatek_support::encode::{core_record, novatek_at16, novatek_at48};
use novatek_support::Fix;
use predicates::prelude::*;
use telemux_read::model::GpsPoint;
use time::macros::datetime;
use time::OffsetDateTime;

/// 13 fixes at 1 Hz in Berlin from 07:59:59 UTC: the 12-s `ride.mp4` (mvhd 10:00:00, as a
/// camera at UTC+02:00 writes it) plus the block carried over from the previous clip.
fn fixes() -> Vec<Fix> {
    let first = Fix::new(datetime!(2024-05-01 07:59:59 UTC), 52.520_008, 13.404_954);
    (0..13).map(|i| first.later(i)).collect()
}

struct Files {
    _dir: tempfile::TempDir,
    indexed: PathBuf,
    scanned: PathBuf,
    ts: PathBuf,
}

fn files() -> Files {
    let dir = tempfile::tempdir().unwrap();
    let video = fs::read(fixture("ride.mp4")).unwrap();
    let at16: Vec<Vec<u8>> = fixes().iter().map(novatek_at16).collect();
    let at48: Vec<Vec<u8>> = fixes().iter().map(novatek_at48).collect();
    let records: Vec<Vec<u8>> = fixes()
        .iter()
        .map(|f| {
            // ExifTool 12.57 skips TS payloads shorter than 56 bytes; cameras pad theirs.
            let mut record = core_record(f, f.time.year() as u32 - 2000);
            record.resize(64, 0);
            record
        })
        .collect();
    let indexed = dir.path().join("2024_0501_100000_001.MP4");
    fs::write(&indexed, splice(&video, &at16, true).bytes).unwrap();
    let scanned = dir.path().join("2024_0501_100000_002.MP4");
    fs::write(&scanned, splice(&video, &at48, false).bytes).unwrap();
    let ts = dir.path().join("2024_0501_100000_003.TS");
    // 30 bytes of each PES in its first packet: every record straddles two packets.
    fs::write(&ts, containers::ts(&records, 30)).unwrap();
    Files {
        _dir: dir,
        indexed,
        scanned,
        ts,
    }
}

/// (time, lat, lon) rows of `telemux extract --format csv`, and its stderr.
fn extract_csv(args: &[&str], inputs: &[&Path]) -> (Vec<(String, f64, f64)>, String) {
    let out = telemux()
        .arg("extract")
        .args(inputs)
        .args(["--format", "csv"])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stderr}");
    let rows = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[0].to_string(),
                f[1].parse().unwrap(),
                f[2].parse().unwrap(),
            )
        })
        .collect();
    (rows, stderr)
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

/// f32 DDMM keeps about 1e-5 minutes: 2e-5° is generous and still catches a wrong layout.
fn assert_fixes(rows: &[(String, f64, f64)], fixes: &[Fix]) {
    assert_eq!(rows.len(), fixes.len());
    for (row, fix) in rows.iter().zip(fixes) {
        assert_eq!(row.0, rfc3339(fix.time));
        assert!((row.1 - fix.lat).abs() < 2e-5, "{row:?} vs {fix:?}");
        assert!((row.2 - fix.lon).abs() < 2e-5, "{row:?} vs {fix:?}");
    }
}

fn assert_same_positions(ours: &[(f64, f64)], theirs: &[(f64, f64)]) {
    assert_eq!(ours.len(), theirs.len());
    for (i, (a, b)) in ours.iter().zip(theirs).enumerate() {
        assert!(
            (a.0 - b.0).abs() <= 1e-7 && (a.1 - b.1).abs() <= 1e-7,
            "point {i}: {a:?} vs {b:?}"
        );
    }
}

#[test]
fn extract_reads_indexed_scanned_and_ts_files() {
    let files = files();
    let (rows, stderr) = extract_csv(&[], &[&files.indexed]);
    assert_fixes(&rows, &fixes());
    assert!(
        stderr.contains(
            "Novatek freeGPS (moov/gps index): 13 blocks: 13 points (Novatek binary @16 (T3) ×13)"
        ),
        "{stderr}"
    );
    // 3131.2007 minutes as f32, to degrees in f64.
    assert_eq!(rows[0].1, 52.52001139322917);

    let (rows, stderr) = extract_csv(&[], &[&files.scanned]);
    assert_fixes(&rows, &fixes());
    assert!(
        stderr.contains(
            "Novatek freeGPS (mdat scan): 13 blocks: 13 points (Novatek binary @48 (T17) ×13)"
        ),
        "{stderr}"
    );

    let (rows, stderr) = extract_csv(&[], &[&files.ts]);
    assert_fixes(&rows, &fixes());
    assert!(
        stderr.contains(
            "Novatek MPEG-TS (MPEG-TS PID 0x300): 13 blocks: 13 points (Novatek MPEG-TS (TS) ×13)"
        ),
        "{stderr}"
    );

    // --scan ignores the index and finds the same blocks; -v lists each one.
    let (rows, stderr) = extract_csv(&["--scan", "-v"], &[&files.indexed]);
    assert_fixes(&rows, &fixes());
    assert!(
        stderr.contains("moov/gps index not used: ignored, a scan of the media was asked for"),
        "{stderr}"
    );
    assert!(
        stderr.contains("block 12 at byte "),
        "per-block detail missing: {stderr}"
    );
    assert!(
        stderr.contains("Novatek binary @16 (T3), 1 point(s), first 52.521")
            && stderr.contains("at 2024-05-01T08:00:11Z"),
        "{stderr}"
    );
}

#[test]
fn exiftool_reads_the_same_points() {
    let files = files();
    for path in [&files.indexed, &files.scanned] {
        let Some(theirs) = exiftool_gps(path) else {
            return;
        };
        let (rows, _) = extract_csv(&[], &[path]);
        let ours: Vec<(f64, f64)> = rows.iter().map(|r| (r.1, r.2)).collect();
        assert_eq!(theirs.len(), 13, "{}", path.display());
        assert_same_positions(&ours, &theirs);
    }
    let Some(theirs) = telemux_testkit::exiftool_gps_deep(&files.ts) else {
        return;
    };
    let (rows, _) = extract_csv(&[], &[&files.ts]);
    let ours: Vec<(f64, f64)> = rows.iter().map(|r| (r.1, r.2)).collect();
    assert_same_positions(&ours, &theirs);
}

/// Three consecutive clips of a folder, each starting with the last two blocks of the one
/// before, plus a clip with damaged blocks.
#[test]
fn a_folder_of_clips_becomes_one_track_without_repeats() {
    let dir = tempfile::tempdir().unwrap();
    let start = Fix::new(datetime!(2023-08-14 16:20:00 UTC), -33.8568, 151.2153);
    let all: Vec<Fix> = (0..36).map(|i| start.later(i)).collect();
    // Clip k holds 12 new fixes after the previous clip's last two.
    for k in 0..3 {
        let from = if k == 0 { 0 } else { 12 * k - 2 };
        let blocks: Vec<Vec<u8>> = all[from..12 * k + 12].iter().map(novatek_at16).collect();
        let file = containers::mp4(&blocks, true);
        // Names out of time order: sorting by first GPS time puts them right.
        fs::write(dir.path().join(format!("clip{}.MP4", 3 - k)), file.bytes).unwrap();
    }
    let (rows, stderr) = extract_csv(&[], &[dir.path()]);
    assert_fixes(&rows, &all);
    assert_eq!(
        stderr
            .matches("(2 repeated from the previous clip)")
            .count(),
        2,
        "{stderr}"
    );

    // A clip with a no-fix block, an unknown layout and an index entry past the end.
    let mut void = novatek_at16(&start);
    void[40] = b'V';
    let mut unknown = novatek_at16(&start.later(1));
    unknown[16..0x60].fill(0x5A);
    let good = novatek_at16(&start.later(2));
    let mut file = containers::mp4(&[void, unknown, good], true);
    let (at, payload) = file.index_payload.clone().unwrap();
    let mut index = payload.clone();
    // The first spare slot: a block far past the end of the file.
    let spare = 8 + 3 * 8;
    index[spare..spare + 4].copy_from_slice(&0x7000_0000u32.to_be_bytes());
    index[spare + 4..spare + 8].copy_from_slice(&0x8000u32.to_be_bytes());
    let at = at as usize;
    file.bytes[at..at + index.len()].copy_from_slice(&index);
    let damaged = dir.path().join("damaged.MP4");
    fs::write(&damaged, &file.bytes).unwrap();
    let (rows, stderr) = extract_csv(&["-v"], &[&damaged]);
    assert_fixes(&rows, &[start.later(2)]);
    assert!(
        stderr.contains(
            "4 blocks: 1 points (Novatek binary @16 (T3) ×1); skipped 2 (block cut short by the \
             end of the file ×1, receiver reported no fix ×1); 1 of an unknown layout"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "block 3 at byte 1879048192: skipped: block cut short by the end of the file"
        ),
        "{stderr}"
    );

    // Cut before moov, as a power loss leaves a clip: the whole file is scanned.
    let cut = dir.path().join("cut.MP4");
    let moov = file.bytes.windows(4).rposition(|w| w == b"moov").unwrap() - 4;
    fs::write(&cut, &file.bytes[..moov]).unwrap();
    let (rows, stderr) = extract_csv(&[], &[&cut]);
    assert_fixes(&rows, &[start.later(2)]);
    assert!(
        stderr.contains("GPS recovered by scanning the whole file"),
        "{stderr}"
    );
}

#[test]
fn files_without_gps_exit_2_saying_what_was_looked_for() {
    telemux()
        .arg("extract")
        .arg(fixture("ride.mp4"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no GPS telemetry found (looked for a GoPro GPMF track (gpmd samples starting with \
             DEVC), a CAMM track (camm sample entry), a TomTom Bandit moov/udta/TTMD/TTAD box, a \
             Novatek moov/gps index, and freeGPS blocks in mdat)",
        ));
    let dir = tempfile::tempdir().unwrap();
    let ts = dir.path().join("video.ts");
    fs::write(&ts, containers::ts(&[], 0)).unwrap();
    let empty_ts: Vec<u8> = (0..3)
        .flat_map(|i| containers::ts_packet(0x100, false, i, &[0; 184]))
        .collect();
    fs::write(&ts, empty_ts).unwrap();
    telemux()
        .arg("extract")
        .arg(&ts)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "MPEG-TS: looked for GPS records on PID 0x300",
        ));
}

/// What `convert` should write: the dashcam's own points at 10 Hz on the video starting
/// 08:00:00 UTC (mvhd 10:00:00 at the UTC+02:00 the GPS reveals), as the oracle computes it.
fn expected_converted(input: &Path) -> Vec<(f64, f64)> {
    let points: Vec<GpsPoint> = telemux_read::source::read(
        &mut fs::File::open(input).unwrap(),
        telemux_read::source::Options::default(),
    )
    .unwrap()
    .telemetry
    .gps;
    let start = datetime!(2024-05-01 08:00:00 UTC);
    expected_samples(&points, start, 12.0, Grid::default())
        .iter()
        .map(|p| (p.latitude, p.longitude))
        .collect()
}

fn gpmf_points(path: &Path) -> Vec<(f64, f64)> {
    let (rows, stderr) = extract_csv(&[], &[path]);
    assert!(stderr.contains("GoPro GPMF (GPS5)"), "{stderr}");
    rows.iter().map(|r| (r.1, r.2)).collect()
}

#[test]
fn convert_writes_the_dashcam_gps_as_gpmf() {
    let files = files();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.mp4");
    let gpx = dir.path().join("drive.gpx");
    telemux()
        .arg("convert")
        .arg(&files.indexed)
        .arg("-o")
        .arg(&out)
        .arg("--gpx")
        .arg(&gpx)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "camera clock at UTC+02:00:00 judging by the GPS; the first GPS fix is at -1 s of \
             the video",
        ))
        .stderr(predicate::str::contains("covers 11.0 s of 12.0 s (92%)"))
        // Novatek blocks carry no DOP: --dop's default fills in (docs/formats.md).
        .stderr(predicate::str::contains(
            "no DOP in the GPS: writing DOP 4.0 (--dop to change)",
        ))
        .stderr(predicate::str::contains(
            "111 GPS points at 10 Hz in 13 payloads",
        ));
    let expected = expected_converted(&files.indexed);
    assert_eq!(expected.len(), 111);
    assert_same_positions(&gpmf_points(&out), &expected);

    common::assert_gpmf_output_is_sound(&files.indexed, &out);
    if let Some(theirs) = exiftool_gps(&out) {
        // ExifTool reads both the dashcam's own blocks (still indexed) and the new track.
        let (dashcam, gpmf) = theirs.split_at(13);
        assert_same_positions(gpmf, &expected);
        assert_eq!(dashcam.len(), 13);
    }
    let gpx_text = fs::read_to_string(&gpx).unwrap();
    assert_eq!(gpx_text.matches("<trkpt").count(), 13);
    assert!(gpx_text.contains("<time>2024-05-01T07:59:59Z</time>"));
}

#[test]
fn convert_folders_in_place_and_refusals() {
    let files = files();
    let dir = tempfile::tempdir().unwrap();
    let clips = dir.path().join("clips");
    fs::create_dir(&clips).unwrap();
    fs::copy(&files.indexed, clips.join("a.MP4")).unwrap();
    fs::copy(&files.scanned, clips.join("b.MP4")).unwrap();
    let out_dir = dir.path().join("out");
    fs::create_dir(&out_dir).unwrap();
    telemux()
        .arg("convert")
        .arg(&clips)
        .arg("--out-dir")
        .arg(&out_dir)
        .args(["--faststart"])
        .assert()
        .success();
    for name in ["a.MP4", "b.MP4"] {
        let path = out_dir.join(name);
        assert_same_positions(&gpmf_points(&path), &expected_converted(&clips.join(name)));
    }

    let in_place = dir.path().join("in-place.MP4");
    fs::copy(&files.indexed, &in_place).unwrap();
    telemux()
        .arg("convert")
        .arg(&in_place)
        .arg("--in-place")
        .assert()
        .success();
    assert_same_positions(&gpmf_points(&in_place), &expected_converted(&files.indexed));
    // Now it has GPMF: nothing left to convert.
    telemux()
        .arg("convert")
        .arg(&in_place)
        .arg("--in-place")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already has GPMF telemetry"));

    let refused = dir.path().join("ts.mp4");
    telemux()
        .arg("convert")
        .arg(&files.ts)
        .arg("-o")
        .arg(&refused)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "an MPEG-TS recording cannot carry a GPMF track",
        ));
    assert!(!refused.exists());
    telemux()
        .arg("convert")
        .arg(fixture("ride.mp4"))
        .arg("-o")
        .arg(&refused)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no GPS telemetry found"));
    assert!(!refused.exists());
}

/// Some dashcams store other data in a track whose sample entry is `gpmd`: it is not GPMF,
/// so extract reads the Novatek blocks and convert adds its track beside it.
#[test]
fn a_gpmd_named_track_that_is_not_gpmf_is_left_alone() {
    use common::synthetic::{SynthTrack, SynthVideo};
    let own_data = SynthTrack {
        handler: *b"meta",
        sample_entry: *b"gpmd",
        timescale: 1000,
        samples: (0..12)
            .map(|i| format!("ACCL {i} 0.01 0.98").into_bytes())
            .collect(),
        sample_duration: 1000,
        chunking: vec![1],
        co64: false,
    };
    let video = SynthVideo {
        tracks: vec![own_data],
        moov_first: false,
        // 2024-05-01 10:00:00 in seconds since 1904.
        creation_time: 3_797_402_400,
    }
    .build();
    let blocks: Vec<Vec<u8>> = fixes().iter().map(novatek_at16).collect();
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("own-gpmd.MP4");
    fs::write(&input, splice(&video, &blocks, true).bytes).unwrap();
    let (rows, stderr) = extract_csv(&[], &[&input]);
    assert_fixes(&rows, &fixes());
    assert!(
        stderr.contains("Novatek freeGPS (moov/gps index)"),
        "{stderr}"
    );

    let out = dir.path().join("out.mp4");
    telemux()
        .arg("convert")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("GPMF track 2 written"));
    let mp4 = telemux_read::mp4::Mp4::open(&mut fs::File::open(&out).unwrap()).unwrap();
    let kinds: Vec<String> = mp4
        .tracks()
        .map(|t| t.unwrap().stsd.entries[0].kind.to_string())
        .collect();
    assert_eq!(kinds, ["gpmd", "gpmd"]);
    assert_same_positions(&gpmf_points(&out), &expected_converted(&input));
}

#[test]
fn convert_for_street_view_writes_the_utc_creation_time_the_gps_reveals() {
    let files = files();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.mp4");
    telemux()
        .arg("convert")
        .arg(&files.indexed)
        .args(["--street-view", "--make", "Viofo", "--model", "A119", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "creation time rewritten to UTC: 2024-05-01T08:00:00Z (was 2024-05-01T10:00:00, \
             local time at UTC+02:00); mvhd, tkhd and mdhd times moved by -7200 s",
        ));
    let verify = telemux()
        .args(["verify", "--street-view"])
        .arg(&out)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&verify.stdout);
    assert!(
        text.contains("PASS  sv_time_overlap")
            && text.contains("after the mvhd creation time 2024-05-01 08:00:00"),
        "{text}"
    );
    // inject --sync camera-gps on the clip lines up by its own blocks, which have no
    // media time: the dashcam rule, from the clip's first fix, not the GPX's first point.
    let gpx = dir.path().join("drive.gpx");
    let gps = telemux_read::source::read(
        &mut fs::File::open(&files.indexed).unwrap(),
        telemux_read::source::Options::default(),
    )
    .unwrap()
    .telemetry
    .gps;
    let mut text = String::from("<gpx version=\"1.1\"><trk><trkseg>");
    for p in gps.iter().skip(3) {
        text.push_str(&format!(
            "<trkpt lat=\"{}\" lon=\"{}\"><time>{}</time></trkpt>",
            p.latitude,
            p.longitude,
            rfc3339(p.time.unwrap())
        ));
    }
    fs::write(&gpx, text + "</trkseg></trk></gpx>").unwrap();
    telemux()
        .arg("inject")
        .arg(&files.indexed)
        .arg("--gpx")
        .arg(&gpx)
        .args(["--sync", "camera-gps", "-o"])
        .arg(dir.path().join("injected.mp4"))
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "video: 2024-05-01T08:00:00Z to 2024-05-01T08:00:12Z (12.0 s), start from the \
             video's creation time (mvhd), camera clock at UTC+02:00:00 judging by the GPS",
        ));
}

#[test]
fn convert_creates_the_out_dir_and_writes_no_gpx_when_nothing_converted() {
    let files = files();
    let dir = tempfile::tempdir().unwrap();
    let clips = dir.path().join("DCIM/Movie");
    fs::create_dir_all(&clips).unwrap();
    fs::copy(&files.indexed, clips.join("a.MP4")).unwrap();
    fs::copy(&files.scanned, clips.join("b.MP4")).unwrap();
    let out_dir = dir.path().join("new/converted");
    let gpx = dir.path().join("drive.gpx");
    telemux()
        .arg("convert")
        .arg(dir.path().join("DCIM"))
        .arg("--out-dir")
        .arg(&out_dir)
        .arg("--gpx")
        .arg(&gpx)
        .assert()
        .success()
        .stderr(predicate::str::contains("2 of 2 clips written"));
    for name in ["a.MP4", "b.MP4"] {
        let path = out_dir.join(name);
        assert_same_positions(&gpmf_points(&path), &expected_converted(&clips.join(name)));
    }
    // Both clips hold the same 13 fixes: the second's repeat the first's and are dropped.
    let gpx_text = fs::read_to_string(&gpx).unwrap();
    assert_eq!(gpx_text.matches("<trkpt").count(), 13);

    // Clips without dashcam GPS: nothing converted, so no GPX either, and exit 2.
    let plain = dir.path().join("plain");
    fs::create_dir(&plain).unwrap();
    fs::copy(fixture("ride.mp4"), plain.join("c.mp4")).unwrap();
    fs::copy(fixture("ride.mp4"), plain.join("d.mp4")).unwrap();
    let gpx = dir.path().join("none.gpx");
    let out_dir = dir.path().join("plain-out");
    telemux()
        .arg("convert")
        .arg(&plain)
        .arg("--out-dir")
        .arg(&out_dir)
        .arg("--gpx")
        .arg(&gpx)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("0 of 2 clips written"))
        .stderr(predicate::str::contains("2 failed (see above)"));
    assert!(!gpx.exists());
    assert_eq!(fs::read_dir(&out_dir).unwrap().count(), 0);
}
