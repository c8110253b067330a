//! Several clips in one run: an SD card's folders expanded (recursion, GoPro names, proxies,
//! the same file twice), `inject … --out-dir` giving each clip its slice of one track, the
//! clips the track does not cover skipped, and the exit codes.

mod common;

use std::fs;
use std::path::Path;

use common::{extract_points, fixture, telemux};
use predicates::prelude::*;

/// A copy of fixtures/ride.mp4 (created 2024-05-01 10:00:00 UTC, 12 s) whose mvhd creation
/// time is `shift` seconds later, so fixtures/ride.gpx (09:59:57 to 10:00:15) covers it
/// differently.
fn ride_shifted(to: &Path, shift: u32) {
    let mut bytes = fs::read(fixture("ride.mp4")).unwrap();
    let at = bytes.windows(4).position(|w| w == b"mvhd").unwrap();
    assert_eq!(bytes[at + 4], 0, "a version 0 mvhd");
    let field = at + 8..at + 12;
    let creation = u32::from_be_bytes(bytes[field.clone()].try_into().unwrap());
    bytes[field].copy_from_slice(&(creation + shift).to_be_bytes());
    fs::write(to, bytes).unwrap();
}

/// `telemux inject VIDEOS… --gpx fixtures/ride.gpx FLAG PATH` (FLAG: -o, --out-dir).
fn inject_ride(videos: &[&Path], flag: &str, path: &Path) -> assert_cmd::Command {
    let mut cmd = telemux();
    cmd.arg("inject")
        .args(videos)
        .arg("--gpx")
        .arg(fixture("ride.gpx"))
        .arg(flag)
        .arg(path);
    cmd
}

/// `telemux inject VIDEO --gpx ride.gpx -o OUT` alone, which must succeed; OUT's bytes.
fn single_run(video: &Path, out: &Path) -> Vec<u8> {
    inject_ride(&[video], "-o", out).assert().success();
    fs::read(out).unwrap()
}

/// DCIM/100GOPRO with two recordings (the second in two chapters, the first named after it),
/// a proxy and a thumbnail beside the first, and DCIM/101GOPRO with a clip of another time.
fn sd_card(root: &Path) {
    let gopro = root.join("DCIM/100GOPRO");
    let next = root.join("DCIM/101GOPRO");
    fs::create_dir_all(&gopro).unwrap();
    fs::create_dir_all(&next).unwrap();
    ride_shifted(&gopro.join("GX010001.MP4"), 0);
    fs::copy(fixture("ride.mp4"), gopro.join("GL010001.LRV")).unwrap();
    fs::write(gopro.join("GX010001.THM"), b"\xff\xd8 a JPEG").unwrap();
    ride_shifted(&gopro.join("GX020002.MP4"), 3);
    ride_shifted(&gopro.join("GX010002.MP4"), 1);
    // An hour later: ride.gpx does not cover it.
    ride_shifted(&next.join("GX010003.MP4"), 3600);
}

#[test]
fn one_track_into_every_clip_of_a_card() {
    let dir = tempfile::tempdir().unwrap();
    let card = dir.path().join("card");
    sd_card(&card);
    let out_dir = dir.path().join("new/gps");
    let named_again = card.join("DCIM/100GOPRO/GX010001.MP4");
    let run = inject_ride(&[&card, &named_again], "--out-dir", &out_dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    // Written clips and only clips the track does not cover skipped: success.
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "skipped 1 .LRV proxy (their videos are read), 1 .THM thumbnail, 1 file given \
             twice (read once; {})",
            named_again.display()
        )),
        "{stderr}"
    );
    let not_covered = card.join("DCIM/101GOPRO/GX010003.MP4");
    assert!(stderr.contains("3 of 4 clips written"), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "1 not covered by the track, skipped: {}",
            not_covered.display()
        )),
        "{stderr}"
    );
    // Recording order: 0001, then 0002's chapters 1 and 2 (name order puts 020002 last only
    // by luck of the numbers; 101GOPRO after 100GOPRO).
    let order: Vec<usize> = ["GX010001", "GX010002", "GX020002", "GX010003"]
        .iter()
        .map(|name| stderr.find(&format!("{name}.MP4")).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{stderr}");

    let mut written: Vec<String> = fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written, ["GX010001.MP4", "GX010002.MP4", "GX020002.MP4"]);
    // Each output is what a run on that clip alone writes: its own slice of the track.
    for (name, points) in [
        ("DCIM/100GOPRO/GX010001.MP4", 120),
        ("DCIM/100GOPRO/GX010002.MP4", 120),
        ("DCIM/100GOPRO/GX020002.MP4", 120),
    ] {
        let clip = card.join(name);
        let batch = out_dir.join(clip.file_name().unwrap());
        let single = dir.path().join("single.mp4");
        fs::remove_file(&single).ok();
        assert_eq!(
            fs::read(&batch).unwrap(),
            single_run(&clip, &single),
            "{name}"
        );
        assert_eq!(extract_points(&batch), points, "{name}");
    }
    // Different slices: the clip 3 s later starts 30 samples further along the track.
    let first = extract_csv_rows(&out_dir.join("GX010001.MP4"));
    let later = extract_csv_rows(&out_dir.join("GX020002.MP4"));
    assert_eq!(first[30], later[0]);
    assert_ne!(first[0], later[0]);
}

/// The CSV rows (time, lat, lon) `telemux extract` gives for `video`.
fn extract_csv_rows(video: &Path) -> Vec<String> {
    let out = telemux()
        .arg("extract")
        .arg(video)
        .args(["--format", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').take(3).collect::<Vec<_>>().join(","))
        .collect()
}

#[test]
fn no_clip_covered_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.mp4"), dir.path().join("b.mp4"));
    ride_shifted(&a, 3600);
    ride_shifted(&b, 7200);
    let out_dir = dir.path().join("out");
    inject_ride(&[&a, &b], "--out-dir", &out_dir)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("0 of 2 clips written"))
        .stderr(predicate::str::contains(format!(
            "2 not covered by the track, skipped: {}, {}",
            a.display(),
            b.display()
        )));
    assert_eq!(fs::read_dir(&out_dir).unwrap().count(), 0);
}

#[test]
fn a_failing_clip_exits_2_after_the_others_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.mp4");
    ride_shifted(&good, 0);
    let broken = dir.path().join("broken.mp4");
    fs::write(&broken, b"not a video at all").unwrap();
    let out_dir = dir.path().join("out");
    inject_ride(&[&broken, &good], "--out-dir", &out_dir)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("1 of 2 clips written"))
        .stderr(predicate::str::contains("1 failed (see above)"));
    assert_eq!(extract_points(&out_dir.join("good.mp4")), 120);
    assert!(!out_dir.join("broken.mp4").exists());
}

#[test]
fn several_clips_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.mp4"), dir.path().join("b.mp4"));
    ride_shifted(&a, 0);
    ride_shifted(&b, 3);
    telemux()
        .arg("inject")
        .args([&a, &b])
        .arg("--gpx")
        .arg(fixture("ride.gpx"))
        .arg("--in-place")
        .assert()
        .success();
    assert_eq!(extract_points(&a), 120);
    assert_eq!(extract_points(&b), 120);
}

#[test]
fn refusals_before_any_clip_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.mp4"), dir.path().join("b.mp4"));
    ride_shifted(&a, 0);
    ride_shifted(&b, 3);
    let out = dir.path().join("out.mp4");
    inject_ride(&[&a, &b], "-o", &out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "-o takes one video (2 given); use --out-dir DIR (or --in-place) for several",
        ));
    assert!(!out.exists());

    // Two clips of one name would overwrite each other in the folder.
    let other = dir.path().join("other");
    fs::create_dir(&other).unwrap();
    ride_shifted(&other.join("a.mp4"), 3);
    let out_dir = dir.path().join("out");
    inject_ride(&[&a, &other.join("a.mp4")], "--out-dir", &out_dir)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "{} and {} would both be written as {}",
            a.display(),
            other.join("a.mp4").display(),
            out_dir.join("a.mp4").display()
        )));
    assert!(!out_dir.exists());
}

#[test]
fn extract_reads_a_card_once_per_recording() {
    let dir = tempfile::tempdir().unwrap();
    let injected = dir.path().join("injected.mp4");
    single_run(&fixture("ride.mp4"), &injected);
    let card = dir.path().join("card");
    let gopro = card.join("DCIM/100GOPRO");
    fs::create_dir_all(&gopro).unwrap();
    // The proxy carries the same telemetry as its video: read both, every point would double.
    fs::copy(&injected, gopro.join("GX010001.MP4")).unwrap();
    fs::copy(&injected, gopro.join("GL010001.LRV")).unwrap();
    let run = telemux()
        .arg("extract")
        .arg(&card)
        .args(["--format", "csv"])
        .output()
        .unwrap();
    assert!(run.status.success(), "{run:?}");
    assert_eq!(
        String::from_utf8(run.stdout).unwrap().lines().count(),
        1 + 120
    );
    assert!(String::from_utf8_lossy(&run.stderr)
        .contains("skipped 1 .LRV proxy (their videos are read)"));

    // A GoPro MAX's .360 recording is a video like any other.
    let max = dir.path().join("max");
    fs::create_dir(&max).unwrap();
    fs::copy(&injected, max.join("GS010002.360")).unwrap();
    assert_eq!(extract_points(&max), 120);
}
