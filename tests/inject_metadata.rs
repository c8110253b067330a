//! What `inject` writes inside the telemetry and udta for readers that judge it: the DOP and
//! fix when the GPX has none (Mapillary drops points with DOP above 10 or without a 2D/3D
//! fix), the device name Mapillary takes the camera model from (DVNM), and make, model and
//! firmware where both ExifTool and ffprobe read them.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{extract_json, fixture, telemux, tool};
use predicates::prelude::*;

/// `telemux inject fixtures/ride.mp4 --gpx GPX -o OUT EXTRA…`: succeeds; returns its stderr.
fn inject(gpx: &Path, out: &Path, extra: &[&str]) -> String {
    let output = telemux()
        .arg("inject")
        .arg(fixture("ride.mp4"))
        .arg("--gpx")
        .arg(gpx)
        .arg("-o")
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(output.status.success(), "{stderr}");
    stderr
}

/// fixtures/ride.gpx (19 points with `<ele>`, no `<hdop>`, no `<fix>`) with `edit` applied to
/// each `</time>`, written into `dir`.
fn ride_gpx_with(dir: &Path, name: &str, edit: impl Fn(&str) -> String) -> PathBuf {
    let text = fs::read_to_string(fixture("ride.gpx")).unwrap();
    assert!(!text.contains("<hdop>") && !text.contains("<fix>"));
    let path = dir.join(name);
    fs::write(&path, edit(&text)).unwrap();
    path
}

/// Each point's (dop, fix) as `extract --format json` reads them back, and the source.
fn dops_and_fixes(video: &Path) -> (String, Vec<(f64, String)>) {
    let json = extract_json(video);
    let points = json["gps"].as_array().unwrap();
    let read = points
        .iter()
        .map(|p| {
            (
                p["dop"].as_f64().unwrap(),
                p["fix"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (json["source"].as_str().unwrap().to_owned(), read)
}

/// Every payload's KLV listing.
fn dump(video: &Path) -> String {
    let out = telemux()
        .arg("dump")
        .arg(video)
        .arg("--every-payload")
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_gpx_without_hdop_gets_dop_4_and_a_3d_fix_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    for (name, args, source) in [
        ("gps5.mp4", &[][..], "GoPro GPMF (GPS5)"),
        ("gps9.mp4", &["--gps9"][..], "GoPro GPMF (GPS9)"),
    ] {
        let out = dir.path().join(name);
        let stderr = inject(&fixture("ride.gpx"), &out, args);
        assert!(
            stderr.contains("no hdop in the GPX: writing DOP 4.0 (--dop to change)\n"),
            "{stderr}"
        );
        let dump = dump(&out);
        // 12 one-second payloads, each with GPSP 400 and GPSF 3 (the GPX has elevations).
        assert_eq!(dump.matches("GPSP S 2x1 400\n").count(), 12, "{name}");
        assert_eq!(dump.matches("GPSF L 4x1 3\n").count(), 12, "{name}");
        assert!(!dump.contains("9999"), "{name}: no 'unknown' DOP left");
        let (read_from, points) = dops_and_fixes(&out);
        assert_eq!(read_from, source);
        assert_eq!(points.len(), 120);
        // With --gps9 these come from every GPS9 sample's own DOP and fix fields.
        assert!(
            points.iter().all(|(dop, fix)| *dop == 4.0 && fix == "3d"),
            "{name}: {points:?}"
        );
    }
}

#[test]
fn dop_flag_fills_in_but_the_gpx_hdop_wins() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("dop.mp4");
    let stderr = inject(&fixture("ride.gpx"), &out, &["--dop", "2.35", "--gps9"]);
    assert!(stderr.contains("no hdop in the GPX: writing DOP 2.35 (--dop to change)\n"));
    assert_eq!(dump(&out).matches("GPSP S 2x1 235\n").count(), 12);
    assert!(dops_and_fixes(&out).1.iter().all(|(dop, _)| *dop == 2.35));

    // hdop on every point: written as given (the 10 Hz samples take the worse of their two
    // GPX neighbours), and no report line.
    let with_hdop = ride_gpx_with(dir.path(), "hdop.gpx", |t| {
        t.replace("</time>", "</time><hdop>0.9</hdop>")
    });
    let out = dir.path().join("hdop.mp4");
    let stderr = inject(&with_hdop, &out, &["--dop", "2.35", "--gps9"]);
    assert!(!stderr.contains("writing DOP"), "{stderr}");
    assert_eq!(dump(&out).matches("GPSP S 2x1 90\n").count(), 12);
    assert!(dops_and_fixes(&out).1.iter().all(|(dop, _)| *dop == 0.9));

    // pdop stands in for a missing hdop.
    let with_pdop = ride_gpx_with(dir.path(), "pdop.gpx", |t| {
        t.replace("</time>", "</time><pdop>1.6</pdop>")
    });
    let out = dir.path().join("pdop.mp4");
    let stderr = inject(&with_pdop, &out, &[]);
    assert!(!stderr.contains("writing DOP"), "{stderr}");
    assert_eq!(dump(&out).matches("GPSP S 2x1 160\n").count(), 12);
}

#[test]
fn a_gpx_without_elevation_gets_a_2d_fix() {
    let dir = tempfile::tempdir().unwrap();
    let flat = ride_gpx_with(dir.path(), "flat.gpx", |t| {
        let mut out = String::new();
        let mut rest = t;
        while let Some(start) = rest.find("<ele>") {
            let end = rest[start..].find("</ele>").unwrap() + start + "</ele>".len();
            out.push_str(&rest[..start]);
            rest = &rest[end..];
        }
        out + rest
    });
    let out = dir.path().join("flat.mp4");
    inject(&flat, &out, &["--gps9"]);
    assert_eq!(dump(&out).matches("GPSF L 4x1 2\n").count(), 12);
    let points = dops_and_fixes(&out).1;
    assert_eq!(points.len(), 120);
    assert!(points.iter().all(|(dop, fix)| *dop == 4.0 && fix == "2d"));
}

#[test]
fn dop_out_of_range_is_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.mp4");
    for bad in ["0", "-1", "NaN", "inf", "99.99", "655.36"] {
        telemux()
            .arg("inject")
            .arg(fixture("ride.mp4"))
            .arg("--gpx")
            .arg(fixture("ride.gpx"))
            .arg("-o")
            .arg(&out)
            .arg(format!("--dop={bad}"))
            .assert()
            .code(2)
            // Issue 16: clap's value parser refuses it, with every numeric flag's wording.
            .stderr(predicate::str::contains(format!(
                "invalid value '{bad}' for --dop: give a number from 0.01 to 99.98"
            )));
        assert!(!out.exists(), "--dop {bad}");
    }
    let stderr = inject(&fixture("ride.gpx"), &out, &["--dop", "99.98"]);
    assert!(stderr.contains("writing DOP 99.98"));
    assert_eq!(dump(&out).matches("GPSP S 2x1 9998\n").count(), 12);
}

#[test]
fn names_readers_would_misread_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.mp4");
    let long = "x".repeat(256);
    for (flag, value, shown) in [
        ("--model", "", "\"\""),
        // A NUL cannot pass through argv; \x01 first is what ffmpeg would take for a length.
        ("--make", "\u{1}GoPro", "\"\\u{1}GoPro\""),
        ("--device-name", "\tcam", "\"\\tcam\""),
        ("--firmware", long.as_str(), "\"xxx"),
    ] {
        telemux()
            .arg("inject")
            .arg(fixture("ride.mp4"))
            .arg("--gpx")
            .arg(fixture("ride.gpx"))
            .arg("-o")
            .arg(&out)
            .args([flag, value])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!("{flag} {shown}")))
            .stderr(predicate::str::contains(
                "give 1 to 255 bytes of text without control characters",
            ));
        assert!(!out.exists(), "{flag} {value:?}");
    }
    let name = "x".repeat(255);
    inject(&fixture("ride.gpx"), &out, &["--model", &name]);
    assert_eq!(extract_json(&out)["device"], name.as_str());
}

#[test]
fn model_is_the_device_name_unless_one_is_given() {
    let dir = tempfile::tempdir().unwrap();
    for (extra, dvnm) in [
        (&[][..], "DVNM c 7x1 \"telemux\""),
        (&["--make", "GoPro"][..], "DVNM c 7x1 \"telemux\""),
        (
            &["--model", "HERO7 Black"][..],
            "DVNM c 11x1 \"HERO7 Black\"",
        ),
        (
            &["--model", "HERO7 Black", "--device-name", "Camera"][..],
            "DVNM c 6x1 \"Camera\"",
        ),
        // UTF-8, which Mapillary needs (a Latin-1 "é" would be dropped there).
        (&["--model", "Caméra"][..], "DVNM c 7x1 \"Caméra\""),
    ] {
        let out = dir.path().join("dvnm.mp4");
        inject(
            &fixture("ride.gpx"),
            &out,
            &[&["--force"][..], extra].concat(),
        );
        let dump = dump(&out);
        assert_eq!(dump.matches(dvnm).count(), 12, "{extra:?}: {dump}");
        let json = extract_json(&out);
        let name = dvnm.split('"').nth(1).unwrap();
        assert_eq!(json["device"], name, "{extra:?}");
    }
}

#[test]
fn make_model_and_firmware_are_read_by_exiftool_and_ffprobe() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sv.mp4");
    inject(
        &fixture("ride.gpx"),
        &out,
        &[
            "--make",
            "GoPro",
            "--model",
            "HERO7 Black",
            "--firmware",
            "HD7.01.01.90.00",
            "--street-view",
        ],
    );
    let mp4 = telemux_read::mp4::Mp4::open(&mut fs::File::open(&out).unwrap()).unwrap();
    let udta = mp4.user_data().unwrap();
    // ©-items: QuickTime text (length, language "und", text); the others: the bare string.
    assert_eq!(udta.get(b"\xa9mak"), Some(&b"\x00\x05\x55\xc4GoPro"[..]));
    assert_eq!(
        udta.get(b"\xa9mod"),
        Some(&b"\x00\x0b\x55\xc4HERO7 Black"[..])
    );
    assert_eq!(udta.get(b"manu"), Some(&b"GoPro"[..]));
    assert_eq!(udta.get(b"modl"), Some(&b"HERO7 Black"[..]));
    assert_eq!(udta.get(b"FIRM"), Some(&b"HD7.01.01.90.00"[..]));

    if let Some(mut exiftool) = tool("exiftool") {
        // -a: every copy, so manu/modl are checked as well as ©mak/©mod.
        let out = exiftool
            .args(["-a", "-j", "-Make", "-Model", "-FirmwareVersion"])
            .arg(&out)
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json[0]["Make"], "GoPro");
        assert_eq!(json[0]["Model"], "HERO7 Black");
        assert_eq!(json[0]["FirmwareVersion"], "HD7.01.01.90.00");
        let all = String::from_utf8(
            tool("exiftool")
                .unwrap()
                .args(["-a", "-s", "-Make", "-Model"])
                .arg(dir.path().join("sv.mp4"))
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap();
        assert_eq!(all.matches(": GoPro\n").count(), 2, "{all}");
        assert_eq!(all.matches(": HERO7 Black\n").count(), 2, "{all}");
    }
    // ffprobe shows one "make"/"model" per key; the later manu/modl override ©mak/©mod.
    for udta_only in [true, false] {
        let Some(mut ffprobe) = tool("ffprobe") else {
            break;
        };
        let video = if udta_only {
            // Only manu/modl/FIRM (no ©mak/©mod): they alone must read.
            let plain = dir.path().join("plain.mp4");
            let mut bytes = fs::read(&out).unwrap();
            for (from, to) in [(b"\xa9mak", b"skip"), (b"\xa9mod", b"skip")] {
                let at = bytes.windows(4).position(|w| w == from).unwrap();
                bytes[at..at + 4].copy_from_slice(to);
            }
            fs::write(&plain, bytes).unwrap();
            plain
        } else {
            out.clone()
        };
        let probe = ffprobe
            .args(["-v", "error", "-show_entries", "format_tags", "-of", "json"])
            .arg(&video)
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&probe.stdout).unwrap();
        let tags = &json["format"]["tags"];
        assert_eq!(tags["make"], "GoPro", "{tags}");
        assert_eq!(tags["model"], "HERO7 Black", "{tags}");
        assert_eq!(tags["firmware"], "HD7.01.01.90.00", "{tags}");
    }
}
