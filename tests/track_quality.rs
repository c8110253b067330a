//! Sparse and glitchy GPX tracks written into the 12 s fixture clip (ride.mp4, starting
//! 2024-05-01T10:00:00Z): bridging, cleaning before resampling, and the refusals that name
//! the fix (issue 16).

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{extract_json, fixture, telemux};
use predicates::prelude::*;

/// A GPX of `(latitude, longitude, time of day on 2024-05-01, UTC)` track points.
fn gpx(dir: &Path, name: &str, points: &[(f64, f64, &str)]) -> PathBuf {
    let mut xml = String::from(r#"<gpx version="1.1"><trk><trkseg>"#);
    for (lat, lon, time) in points {
        xml += &format!(
            "<trkpt lat=\"{lat}\" lon=\"{lon}\"><time>2024-05-01T{time}Z</time></trkpt>\n"
        );
    }
    xml += "</trkseg></trk></gpx>";
    let path = dir.join(name);
    fs::write(&path, xml).unwrap();
    path
}

/// `telemux inject ride.mp4 --gpx G… -o OUT ARGS…`.
fn inject(gpx: &[&Path], out: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    let mut cmd = telemux();
    cmd.arg("inject").arg(fixture("ride.mp4"));
    for g in gpx {
        cmd.arg("--gpx").arg(g);
    }
    cmd.arg("-o").arg(out).args(args).assert()
}

/// (media time, latitude, longitude, 2D speed) of every GPS point written.
fn written(video: &Path) -> Vec<(f64, f64, f64, f64)> {
    let json = extract_json(video);
    json["gps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let f = |k: &str| p[k].as_f64().unwrap();
            (
                f("media_time"),
                f("latitude"),
                f("longitude"),
                f("speed_2d"),
            )
        })
        .collect()
}

fn at(points: &[(f64, f64, f64, f64)], media_time: f64) -> (f64, f64) {
    let p = points
        .iter()
        .find(|p| (p.0 - media_time).abs() < 1e-6)
        .unwrap_or_else(|| panic!("no point at {media_time} s"));
    (p.1, p.2)
}

/// A clean 1 Hz track over the clip, 09:59:59 to 10:00:13, moving ~7 m/s north-east.
fn one_hertz() -> Vec<(f64, f64, String)> {
    (0..15)
        .map(|i| {
            let s = i as f64;
            let time = format!(
                "{}:{:02}",
                if i == 0 { "09:59" } else { "10:00" },
                (59 + i) % 60
            );
            (44.99994 + 0.00006 * s, 6.99992 + 0.00008 * s, time)
        })
        .collect()
}

fn borrowed(points: &[(f64, f64, String)]) -> Vec<(f64, f64, &str)> {
    points
        .iter()
        .map(|(a, b, t)| (*a, *b, t.as_str()))
        .collect()
}

#[test]
fn a_six_second_track_is_bridged_and_its_sampling_reported() {
    let dir = tempfile::tempdir().unwrap();
    let six = gpx(
        dir.path(),
        "six.gpx",
        &[
            (44.99982, 6.99978, "09:59:57"),
            (45.00018, 7.00026, "10:00:03"),
            (45.00054, 7.00084, "10:00:09"),
            (45.00090, 7.00165, "10:00:15"),
        ],
    );
    let out = dir.path().join("out.mp4");
    inject(&[&six], &out, &[])
        .success()
        .stderr(predicate::str::contains("covers 12.0 s of 12.0 s (100%)"))
        .stderr(predicate::str::contains(
            "GPX: 1 point every 6.0 s (median); bridged 3 gap(s) of 6.0 s by interpolation",
        ));
    let points = written(&out);
    assert_eq!(points.len(), 120);
    // At 5 s, a third of the way from the fix at 3 s to the one at 9 s:
    // 45.00018 + 0.00036 / 3 and 7.00026 + 0.00058 / 3 (GPS5 keeps 7 decimals).
    let (lat, lon) = at(&points, 5.0);
    assert!((lat - 45.0003).abs() < 2e-7, "{lat}");
    assert!((lon - 7.0004533).abs() < 2e-7, "{lon}");
}

#[test]
fn a_spike_and_a_null_island_point_are_dropped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let mut track = one_hertz();
    track[3].0 = 0.0; // 10:00:02 at (0,0)
    track[3].1 = 0.0;
    track[6].0 = 55.0; // 10:00:05, 10° (1,112 km) north for one second
    let dirty = gpx(dir.path(), "dirty.gpx", &borrowed(&track));
    let out = dir.path().join("out.mp4");
    inject(&[&dirty], &out, &[])
        .success()
        .stderr(predicate::str::contains(
            "cleaning: dropped 1 point(s) at (0,0); dropped 1 spike(s) faster than 150 m/s \
             (farthest 1111.9 km) (--keep-outliers to keep them)",
        ))
        .stderr(predicate::str::contains(
            "bridged 2 gap(s) of 2.0 s by interpolation",
        ));
    let points = written(&out);
    assert_eq!(points.len(), 120);
    let fastest = points.iter().map(|p| p.3).fold(0.0, f64::max);
    assert!(fastest < 10.0, "fastest written 2D speed {fastest} m/s");
    for p in &points {
        assert!((44.9999..45.001).contains(&p.1), "{p:?}");
    }
    // The spike's second is interpolated between its neighbours at 4 s and 6 s.
    let (lat, _) = at(&points, 5.0);
    assert!((lat - (44.99994 + 0.00006 * 6.0)).abs() < 2e-7, "{lat}");

    // --keep-outliers writes what the GPX says: an 11 km spike (storable) at 5 s.
    track[3] = one_hertz()[3].clone();
    track[6].0 = 45.1;
    let spiky = gpx(dir.path(), "spiky.gpx", &borrowed(&track));
    let kept = dir.path().join("kept.mp4");
    inject(&[&spiky], &kept, &["--keep-outliers"])
        .success()
        .stderr(predicate::str::contains("cleaning:").not());
    let (lat, _) = at(&written(&kept), 5.0);
    assert!((lat - 45.1).abs() < 2e-7, "{lat}");
    // Without it the same spike is dropped; with --max-speed 20000 it is a move, not a spike.
    let limit = dir.path().join("limit.mp4");
    inject(&[&spiky], &limit, &["--max-speed", "20000"])
        .success()
        .stderr(predicate::str::contains("spike").not());
    assert!((at(&written(&limit), 5.0).0 - 45.1).abs() < 2e-7);
}

#[test]
fn swapped_timestamps_are_put_in_time_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut track = one_hertz();
    track.swap(8, 9); // 10:00:08 written before 10:00:07
    let swapped = gpx(dir.path(), "swapped.gpx", &borrowed(&track));
    let out = dir.path().join("out.mp4");
    inject(&[&swapped], &out, &[])
        .success()
        .stderr(predicate::str::contains(
            "put 1 point(s) dated before the point before them in time order",
        ));
    let points = written(&out);
    assert_eq!(points.len(), 120);
    assert!(points.windows(2).all(|w| w[0].0 < w[1].0));
    assert!((at(&points, 7.0).0 - (44.99994 + 0.00006 * 8.0)).abs() < 2e-7);
    assert!((at(&points, 8.0).0 - (44.99994 + 0.00006 * 9.0)).abs() < 2e-7);
}

#[test]
fn two_overlapping_files_give_each_instant_once_the_first_files() {
    let dir = tempfile::tempdir().unwrap();
    let track = one_hertz();
    let first = gpx(dir.path(), "first.gpx", &borrowed(&track));
    // The same seconds from 10:00:09 on, from a second logger 1 m further north.
    let second: Vec<(f64, f64, String)> = track[10..]
        .iter()
        .map(|(lat, lon, t)| (lat + 0.00001, *lon, t.clone()))
        .collect();
    let second = gpx(dir.path(), "second.gpx", &borrowed(&second));
    let out = dir.path().join("out.mp4");
    inject(&[&first, &second], &out, &[])
        .success()
        .stderr(predicate::str::contains(
            "cleaning: dropped 5 point(s) repeating an earlier time",
        ))
        .stderr(predicate::str::contains("(15 points)"));
    let points = written(&out);
    assert_eq!(points.len(), 120);
    assert!((at(&points, 10.0).0 - (44.99994 + 0.00006 * 11.0)).abs() < 2e-7);
}

#[test]
fn a_track_that_cannot_cover_the_video_is_refused_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.mp4");
    let one = gpx(dir.path(), "one.gpx", &[(45.0, 7.0, "10:00:03")]);
    inject(&[&one], &out, &[])
        .code(2)
        .stderr(predicate::str::contains(
            "the GPX covers none of the video: it has 1 point(s) in the video's time and a track \
         needs two around each moment; check the alignment (--sync first-point, --offset, \
         --video-tz)",
        ));
    assert!(!out.exists());

    // Two fixes 48 s apart around the clip: they overlap it; the gap is the problem.
    let two = gpx(
        dir.path(),
        "two.gpx",
        &[(45.0, 7.0, "09:59:57"), (45.0048, 7.0, "10:00:45")],
    );
    inject(&[&two], &out, &[])
        .code(2)
        .stderr(predicate::str::contains(
            "the GPX covers none of the video: its points around the video are up to 48.0 s \
             apart, more than --max-gap 30; bridge them with --max-gap 48",
        ))
        .stderr(predicate::str::contains("do not overlap").not());
    assert!(!out.exists());
    inject(&[&two], &out, &["--max-gap", "48"])
        .success()
        .stderr(predicate::str::contains(
            "bridged 1 gap(s) of 48.0 s by interpolation",
        ));
    // 0.0048° in 48 s: 0.0001° a second, so 45.0003° at 0 s (3 s after the first fix).
    assert!((at(&written(&out), 0.0).0 - 45.0003).abs() < 2e-7);

    inject(&[&two], &dir.path().join("x.mp4"), &["--max-speed", "0"])
        .code(2)
        .stderr(predicate::str::contains(
            "invalid value '0' for --max-speed: give a number above 0 (m/s)",
        ));
}

#[test]
fn a_kept_outlier_that_cannot_be_stored_names_the_video_and_its_time() {
    let dir = tempfile::tempdir().unwrap();
    // 10 Hz from 10:00:00 to 10:00:03, with (0,0) 0.1 s after a point in the Alps: 50,000 km/s,
    // beyond what GPS5's speed field holds once scaled.
    let points: Vec<(f64, f64, String)> = (0..30)
        .map(|i| {
            let (lat, lon) = if i == 15 { (0.0, 0.0) } else { (45.0, 7.0) };
            (lat, lon, format!("10:00:{:06.3}", f64::from(i) * 0.1))
        })
        .collect();
    let track = gpx(dir.path(), "null.gpx", &borrowed(&points));
    let out = dir.path().join("out.mp4");
    inject(&[&track], &out, &["--keep-outliers"])
        .code(2)
        .stderr(predicate::str::contains(
            "ride.mp4: the GPS points from 1.0 s to 2.0 s of the video: 2D speed",
        ))
        .stderr(predicate::str::contains("cannot be stored"));
    assert!(!out.exists());
    // Without --keep-outliers the point is dropped and the track is written.
    inject(&[&track], &out, &[])
        .success()
        .stderr(predicate::str::contains("dropped 1 point(s) at (0,0)"));
}
