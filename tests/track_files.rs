//! Track files other than GPX end to end, on the corpus (`../shared/corpus/tracks`): `inject
//! --track X.fit` into a fixture video, `extract X.fit` to every export format, and `convert
//! DJI_0001.MP4` with its `DJI_0001.SRT` beside it (one clip, and a folder).

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::oracle::{expected_samples, Grid};
use common::{assert_gpmf_output_is_sound, corpus_or_skip, fixture, telemux};
use telemux_read::model::GpsPoint;
use telemux_read::track_input::{detect_file, read_all};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

fn track(name: &str) -> Option<PathBuf> {
    Some(corpus_or_skip("track_files")?.join("tracks").join(name))
}

/// Every point of a track file, read whole as `extract` reads it.
fn points_of(path: &Path) -> Vec<GpsPoint> {
    let bytes = fs::read(path).unwrap();
    let extension = path.extension().and_then(|e| e.to_str());
    let kind = detect_file(&bytes, extension).unwrap();
    read_all(kind, &mut &bytes[..]).unwrap().telemetry.gps
}

/// (time, latitude, longitude) of each row of `telemux extract FILE --format csv`.
fn extracted(path: &Path) -> Vec<(String, f64, f64)> {
    let out = telemux()
        .arg("extract")
        .arg(path)
        .args(["--format", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[0].to_owned(),
                f[1].parse().unwrap(),
                f[2].parse().unwrap(),
            )
        })
        .collect()
}

/// The output's GPS equals what the oracle samples from `fixes` for a 12 s video at `start`.
fn assert_written(output: &Path, fixes: &[GpsPoint], start: OffsetDateTime) {
    let expected = expected_samples(fixes, start, 12.0, Grid::default());
    let actual = extracted(output);
    assert_eq!(actual.len(), expected.len());
    assert!(actual.len() >= 120, "{}", actual.len());
    for (i, (a, e)) in actual.iter().zip(&expected).enumerate() {
        assert!(
            (a.1 - e.latitude).abs() <= 1e-7 && (a.2 - e.longitude).abs() <= 1e-7,
            "point {i}: {a:?} vs {}, {}",
            e.latitude,
            e.longitude
        );
    }
}

#[test]
fn inject_a_fit_track_lined_up_with_start() {
    let Some(fit) = track("fit/garmin-fenix-5-bike.fit") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("out.mp4");
    let start = datetime!(2017-06-12 16:09:30 UTC);
    let run = telemux()
        .arg("inject")
        .arg(fixture("ride.mp4"))
        .arg("--track")
        .arg(&fit)
        .args(["--start", "2017-06-12T16:09:30Z", "-o"])
        .arg(&output)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    // The report names the format; the 19 records are 2 to 5 s apart.
    assert!(
        stderr.contains("fit:   2017-06-12T16:09:22Z to 2017-06-12T16:10:23Z (19 points)"),
        "{stderr}"
    );
    assert!(stderr.contains("FIT: 1 point every"), "{stderr}");
    assert_gpmf_output_is_sound(&fixture("ride.mp4"), &output);
    assert_written(&output, &points_of(&fit), start);
}

#[test]
fn gpx_stays_an_alias_and_formats_mix_by_time() {
    let Some(fit) = track("fit/garmin-fenix-5-bike.fit") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // Content decides, not the name: a FIT named .gpx is read as FIT.
    let renamed = dir.path().join("ride.gpx");
    fs::copy(&fit, &renamed).unwrap();
    let output = dir.path().join("out.mp4");
    telemux()
        .arg("inject")
        .arg(fixture("ride.mp4"))
        .arg("--gpx")
        .arg(&renamed)
        .args(["--start", "2017-06-12T16:09:30Z", "-o"])
        .arg(&output)
        .assert()
        .success();
    assert_written(
        &output,
        &points_of(&fit),
        datetime!(2017-06-12 16:09:30 UTC),
    );
}

#[test]
fn an_unknown_track_file_lists_the_formats_read() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.txt");
    fs::write(&notes, "not a track").unwrap();
    let out = telemux()
        .arg("inject")
        .arg(fixture("ride.mp4"))
        .arg("--track")
        .arg(&notes)
        .arg("-o")
        .arg(dir.path().join("out.mp4"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "{}: not a track file telemux reads (by content, else by extension: FIT (.fit), \
             GPX (.gpx), DJI SRT (.srt)",
            notes.display()
        )),
        "{stderr}"
    );
    assert!(!dir.path().join("out.mp4").exists());
}

#[test]
fn extract_a_fit_file_to_every_format() {
    let Some(fit) = track("fit/garmin-fenix-5-run.fit") else {
        return;
    };
    let rows = extracted(&fit);
    assert_eq!(rows.len(), 21);
    assert_eq!(rows[0].0, "2017-06-11T14:34:09Z");
    let semicircle = 180.0 / 2_147_483_648.0;
    assert_eq!(
        (rows[0].1, rows[0].2),
        (456099128.0 * semicircle, -1463077077.0 * semicircle)
    );
    let dir = tempfile::tempdir().unwrap();
    for (format, holds) in [
        ("gpx", "<trkpt lat=\"38.22978727519512\""),
        ("kml", "<kml"),
        ("geojson", "\"LineString\""),
        ("json", "\"FIT\""),
    ] {
        let out = dir.path().join(format!("run.{format}"));
        telemux()
            .arg("extract")
            .arg(&fit)
            .arg("-o")
            .arg(&out)
            .assert()
            .success();
        let text = fs::read_to_string(&out).unwrap();
        assert!(text.contains(holds), "{format}: {text}");
    }
    // An independent reader of the GPX.
    let gpx: gpx::Gpx = gpx::read(fs::File::open(dir.path().join("run.gpx")).unwrap()).unwrap();
    assert_eq!(gpx.tracks[0].segments[0].points.len(), 21);
}

#[test]
fn extract_an_srt_keeps_its_media_times_in_order() {
    let Some(srt) = track("dji/dji-p4_rtk.SRT") else {
        return;
    };
    let out = telemux()
        .arg("extract")
        .arg(&srt)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = json.to_string();
    assert!(
        text.contains("-34.237922") && text.contains("-58.851745"),
        "{text}"
    );
}

/// A DJI video: the fixture video named as a drone names it, with an SRT beside it.
fn drone_folder(srt: &Path, srt_name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(fixture("ride.mp4"), dir.path().join("DJI_0001.MP4")).unwrap();
    fs::copy(srt, dir.path().join(srt_name)).unwrap();
    dir
}

#[test]
fn convert_writes_the_srt_beside_a_drone_video_by_media_time() {
    let Some(srt) = track("dji/dji-mavic_mini.SRT") else {
        return;
    };
    // Any case of the extension.
    let dir = drone_folder(&srt, "DJI_0001.srt");
    let output = dir.path().join("out.mp4");
    let run = telemux()
        .arg("convert")
        .arg(dir.path().join("DJI_0001.MP4"))
        .arg("-o")
        .arg(&output)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.contains("DJI SRT"), "{stderr}");
    // No dates in this dialect: the subtitles are dated from the video's creation time, so
    // the subtitle at 00:00:00 is the video's first frame.
    let created = datetime!(2024-05-01 10:00:00 UTC);
    let mut fixes = points_of(&srt);
    for fix in &mut fixes {
        fix.time = Some(created + Duration::seconds_f64(fix.media_time.unwrap()));
    }
    assert_gpmf_output_is_sound(&fixture("ride.mp4"), &output);
    assert_written(&output, &fixes, created);
    let rows = extracted(&output);
    assert_eq!(rows[0].0, "2024-05-01T10:00:00Z");
    assert_eq!((rows[0].1, rows[0].2), (48.0771, -121.7458));
}

#[test]
fn convert_reads_srt_dates_at_the_gps_tz_and_lines_up_by_media_time() {
    let Some(srt) = track("dji/dji-mavic_pro.SRT") else {
        return;
    };
    let dir = drone_folder(&srt, "DJI_0001.SRT");
    let output = dir.path().join("out.mp4");
    let run = telemux()
        .arg("convert")
        .arg(dir.path().join("DJI_0001.MP4"))
        .args(["--gps-tz", "+10:00", "-o"])
        .arg(&output)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    // The first subtitle (00:00:01, 2017.08.05 14:11:51 local, UTC+10) is 1 s into the video.
    assert!(
        stderr.contains("video: 2017-08-05T04:11:50Z to 2017-08-05T04:12:02Z"),
        "{stderr}"
    );
    // The track starts with the first subtitle, a second into the video.
    assert!(stderr.contains("covers 11.0 s of 12.0 s"), "{stderr}");
    let rows = extracted(&output);
    assert_eq!(rows[0].0, "2017-08-05T04:11:51Z");
    assert_eq!((rows[0].1, rows[0].2), (-20.2533, 149.0251));
}

#[test]
fn convert_a_folder_pairs_each_video_with_its_srt() {
    let Some(srt) = track("dji/dji-p4_rtk.SRT") else {
        return;
    };
    let dir = drone_folder(&srt, "DJI_0001.SRT");
    let out_dir = dir.path().join("gps");
    let run = telemux()
        .arg("convert")
        .arg(dir.path())
        .arg("--out-dir")
        .arg(&out_dir)
        .output()
        .unwrap();
    assert!(run.status.success(), "{run:?}");
    let rows = extracted(&out_dir.join("DJI_0001.MP4"));
    assert_eq!((rows[0].1, rows[0].2), (-34.237922, -58.851745));
    assert!(!out_dir.join("DJI_0001.SRT").exists());
}
