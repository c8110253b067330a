//! Camera clocks: `--street-view` writes the video's start in UTC into the creation times
//! (mvhd, tkhd, mdhd) when the camera's clock is local or off, and `--sync camera-gps` lines
//! a track up with the GPS the video already carries.

mod common;

use std::path::{Path, PathBuf};

use common::{corpus_or_skip, fixture, stream_hashes, telemux, tool};
use predicates::str::contains;

const SV: [&str; 5] = ["--street-view", "--make", "GoPro", "--model", "HERO7 Black"];

/// fixtures/ride.gpx recorded by a camera whose clock is at UTC+02:00: the GPS (UTC) is two
/// hours before ride.mp4's creation time (2024-05-01 10:00:00 as stored, local).
fn ride_gpx_two_hours_early(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(fixture("ride.gpx")).unwrap();
    assert!(text.contains("T09:59:57Z") && !text.contains("T08:"));
    let shifted = text.replace("T09:", "T07:").replace("T10:", "T08:");
    let path = dir.join("utc.gpx");
    std::fs::write(&path, shifted).unwrap();
    path
}

/// `telemux inject ride.mp4 --gpx GPX --video-tz +02:00 EXTRA… -o OUT`, which must succeed;
/// its stderr.
fn inject_local(video: &Path, gpx: &Path, out: &Path, extra: &[&str]) -> String {
    let output = telemux()
        .arg("inject")
        .arg(video)
        .arg("--gpx")
        .arg(gpx)
        .args(["--video-tz", "+02:00"])
        .args(extra)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    stderr
}

/// The top-level moov's extent (an in-place run leaves the old one inside the mdat).
fn moov(bytes: &[u8]) -> std::ops::Range<usize> {
    let mut at = 0;
    while at + 16 <= bytes.len() {
        let word = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
        let size = match word(at) {
            1 => (u64::from(word(at + 8)) << 32 | u64::from(word(at + 12))) as usize,
            size => size as usize,
        };
        if &bytes[at + 4..at + 8] == b"moov" {
            return at..at + size;
        }
        at += size;
    }
    panic!("no moov");
}

/// The creation and modification times of every mvhd/tkhd/mdhd (all version 0 in the
/// fixtures), with the byte offsets of their fields, found by their box types in the moov.
fn header_times(bytes: &[u8]) -> Vec<(usize, u32)> {
    let mut times = Vec::new();
    let moov = moov(bytes);
    for at in moov.start..moov.end - 16 {
        if [b"mvhd", b"tkhd", b"mdhd"].contains(&&bytes[at..at + 4].try_into().unwrap()) {
            assert_eq!(bytes[at + 4], 0, "a version 1 header at byte {at}");
            for field in [at + 8, at + 12] {
                let value = u32::from_be_bytes(bytes[field..field + 4].try_into().unwrap());
                times.push((field, value));
            }
        }
    }
    times
}

/// Seconds from 1904 to 2024-05-01 08:00:00 UTC and to 10:00:00.
const EIGHT_UTC: u32 = 3_797_395_200;
const TEN_LOCAL: u32 = EIGHT_UTC + 7200;

/// `ffprobe`'s creation_time of the file and of each stream.
fn ffprobe_creation_times(path: &Path) -> Option<Vec<String>> {
    let mut cmd = tool("ffprobe")?;
    cmd.args(["-v", "error", "-show_entries"])
        .args([
            "format_tags=creation_time:stream_tags=creation_time",
            "-of",
            "csv=p=0",
        ])
        .arg(path);
    Some(common::run(cmd).lines().map(str::to_owned).collect())
}

/// `telemux verify --json --street-view FILE`: the sv_time_overlap check's status.
fn street_view_time_check(path: &Path) -> String {
    let out = telemux()
        .args(["verify", "--json", "--street-view"])
        .arg(path)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let checks = json["files"][0]["checks"].as_array().unwrap();
    let check = checks
        .iter()
        .find(|c| c["id"] == "sv_time_overlap")
        .unwrap();
    check["status"].as_str().unwrap().to_owned()
}

#[test]
fn street_view_writes_the_utc_start_into_every_creation_time_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let gpx = ride_gpx_two_hours_early(dir.path());
    let input = fixture("ride.mp4");
    let local = dir.path().join("local.mp4");
    let utc = dir.path().join("utc.mp4");
    // The same job without the rewrite (the same DVNM and ©mak/©mod, no manu/modl): the
    // headers keep the camera's local clock.
    let said = inject_local(&input, &gpx, &local, &SV[1..]);
    assert!(!said.contains("creation time rewritten"), "{said}");
    let said = inject_local(&input, &gpx, &utc, &SV);
    assert!(
        said.contains(
            "creation time rewritten to UTC: 2024-05-01T08:00:00Z (was 2024-05-01T10:00:00, \
             local time at UTC+02:00); mvhd, tkhd and mdhd times moved by -7200 s"
        ),
        "{said}"
    );

    let (local, utc_path) = (std::fs::read(&local).unwrap(), utc);
    let utc = std::fs::read(&utc_path).unwrap();
    let before = header_times(&local);
    let after = header_times(&utc);
    // mvhd, then tkhd and mdhd of the video, audio and new GPMF tracks: 7 boxes, 2 times each.
    assert_eq!(before.len(), 14);
    assert!(before.iter().all(|&(_, t)| t == TEN_LOCAL), "{before:?}");
    assert_eq!(
        after,
        before
            .iter()
            .map(|&(at, _)| (at, EIGHT_UTC))
            .collect::<Vec<_>>()
    );
    // Every other byte up to moov/udta (which --street-view adds manu/modl to) is the same:
    // the media and GPMF samples before the moov, and the moov's mvhd and traks.
    // Up to the udta's size field; the moov's size grows by manu/modl.
    let udta = (0..local.len())
        .rfind(|&i| local[i..].starts_with(b"udta"))
        .unwrap()
        - 4;
    let mut fields: Vec<usize> = before.iter().map(|&(at, _)| at).collect();
    fields.push(moov(&local).start);
    let differ: Vec<usize> = (0..udta).filter(|&i| local[i] != utc[i]).collect();
    assert!(!differ.is_empty());
    assert!(
        differ
            .iter()
            .all(|&i| fields.iter().any(|&f| (f..f + 4).contains(&i))),
        "bytes other than the time fields changed: {differ:?}"
    );
    if let (Some(a), Some(b)) = (stream_hashes(&input), stream_hashes(&utc_path)) {
        assert_eq!(a, b);
    }
    if let Some(times) = ffprobe_creation_times(&utc_path) {
        assert_eq!(times.len(), 4, "{times:?}");
        assert!(
            times.iter().all(|t| t == "2024-05-01T08:00:00.000000Z"),
            "{times:?}"
        );
    }
    // Street View's time check passes only with the UTC creation time.
    assert_eq!(street_view_time_check(&utc_path), "pass");
    assert_ne!(
        street_view_time_check(&dir.path().join("local.mp4")),
        "pass"
    );
}

#[test]
fn street_view_rewrites_with_faststart_and_in_place_too() {
    let dir = tempfile::tempdir().unwrap();
    let gpx = ride_gpx_two_hours_early(dir.path());
    let front = dir.path().join("front.mp4");
    inject_local(
        &fixture("ride.mp4"),
        &gpx,
        &front,
        &[&SV[..], &["--faststart"]].concat(),
    );
    let copy = dir.path().join("copy.mp4");
    std::fs::copy(fixture("ride.mp4"), &copy).unwrap();
    telemux()
        .arg("inject")
        .arg(&copy)
        .arg("--gpx")
        .arg(&gpx)
        .args(["--video-tz", "+02:00", "--in-place"])
        .args(SV)
        .assert()
        .success()
        .stderr(contains(
            "creation time rewritten to UTC: 2024-05-01T08:00:00Z",
        ));
    for path in [&front, &copy] {
        let times = header_times(&std::fs::read(path).unwrap());
        assert_eq!(times.len(), 14, "{}", path.display());
        assert!(
            times.iter().all(|&(_, t)| t == EIGHT_UTC),
            "{}: {times:?}",
            path.display()
        );
        assert_eq!(street_view_time_check(path), "pass");
    }
}

/// ride.mp4 with ride.gpx from 09:59:58 on: a camera whose clock (mvhd 10:00:00) is 2 s
/// ahead of its GPS (GPMF GPSU).
fn clip_with_clock_2_s_ahead(dir: &Path) -> PathBuf {
    let clip = dir.join("clip.mp4");
    telemux()
        .arg("inject")
        .arg(fixture("ride.mp4"))
        .arg("--gpx")
        .arg(fixture("ride.gpx"))
        .args(["--offset", "-2", "-o"])
        .arg(&clip)
        .assert()
        .success();
    clip
}

/// The time of the first point `telemux extract` reads from `video`.
fn first_time(video: &Path) -> String {
    let json = common::extract_json(video);
    let text = json.to_string();
    let at = text.find("\"time\":\"").unwrap() + 8;
    text[at..at + 20].to_owned()
}

#[test]
fn camera_gps_lines_up_with_the_gps_the_video_carries() {
    let dir = tempfile::tempdir().unwrap();
    let clip = clip_with_clock_2_s_ahead(dir.path());
    assert_eq!(first_time(&clip), "2024-05-01T09:59:58Z");
    let out = dir.path().join("out.mp4");
    telemux()
        .arg("inject")
        .arg(&clip)
        .arg("--gpx")
        .arg(fixture("ride.gpx"))
        .args(["--replace", "--sync", "camera-gps", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stderr(contains(
            "video: 2024-05-01T09:59:58Z to 2024-05-01T10:00:10Z (12.0 s), start from the \
             video's own GPS (--sync camera-gps): its fix at 2024-05-01T09:59:58Z is 0.000 s \
             into the video; the creation time (mvhd, read as UTC) is +2 s from that start",
        ));
    assert_eq!(first_time(&out), "2024-05-01T09:59:58Z");
    // The video's own clock would have moved the track by 2 s.
    let by_clock = dir.path().join("by-clock.mp4");
    telemux()
        .arg("inject")
        .arg(&clip)
        .arg("--gpx")
        .arg(fixture("ride.gpx"))
        .args(["--replace", "-o"])
        .arg(&by_clock)
        .assert()
        .success();
    assert_eq!(first_time(&by_clock), "2024-05-01T10:00:00Z");
}

#[test]
fn camera_gps_is_refused_for_a_video_without_gps() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.mp4");
    telemux()
        .arg("inject")
        .arg(fixture("ride.mp4"))
        .arg("--gpx")
        .arg(fixture("ride.gpx"))
        .args(["--sync", "camera-gps", "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(contains(
            "--sync camera-gps: the video carries no timed GPS fix of its own",
        ));
    assert!(!out.exists());
}

#[test]
fn camera_gps_on_a_gopro_max_clip_whose_clock_is_local_and_18_s_late() {
    let Some(corpus) = corpus_or_skip("camera_gps_on_a_gopro_max_clip") else {
        return;
    };
    let video = corpus.join("gopro/max-heromode.mp4");
    let dir = tempfile::tempdir().unwrap();
    let gpx = dir.path().join("own.gpx");
    telemux()
        .arg("extract")
        .arg(&video)
        .arg("-o")
        .arg(&gpx)
        .assert()
        .success();
    // mvhd says 15:45:32 (local, UTC-08:00); its GPS starts at 23:45:14 UTC: 18 s earlier
    // than the clock says, so --video-tz alone finds no overlap.
    let out = dir.path().join("out.mp4");
    let inject = |extra: &[&str]| {
        let mut cmd = telemux();
        cmd.arg("inject")
            .arg(&video)
            .arg("--gpx")
            .arg(&gpx)
            .arg("--replace")
            .args(extra)
            .arg("-o")
            .arg(&out)
            .args(["--force"]);
        cmd.assert()
    };
    inject(&["--video-tz", "-08:00"])
        .code(2)
        .stderr(contains("do not overlap in time"));
    inject(&[&["--sync", "camera-gps"], &SV[..]].concat())
        .success()
        .stderr(contains(
            "its fix at 2019-11-18T23:45:14Z is 0.000 s into the video; the creation time \
             (mvhd, read as UTC) is -28782 s from that start",
        ))
        .stderr(contains(
            "creation time rewritten to UTC: 2019-11-18T23:45:14Z (was 2019-11-18T15:45:32, \
             as stored, the camera's clock); mvhd, tkhd and mdhd times moved by +28782 s",
        ));
    assert_eq!(first_time(&out), "2019-11-18T23:45:14Z");
    assert_eq!(street_view_time_check(&out), "pass");
    if let (Some(a), Some(b)) = (stream_hashes(&video), stream_hashes(&out)) {
        assert_eq!(a, b);
    }
}
