//! GoPro HiLight tags (udta/HMMT and the GPMF `HLMT` device) in `extract` and `dump`: a real
//! HERO7 track (12 payloads of corpus real-tracks/gopro2gpx-hero07.bin) in an MP4 whose udta
//! holds an HMMT box with two tags (1.5 s, 5 s) and, as its `GPMF`, the udta payload of
//! gopro-telemetry's `mp4header.raw` (a "Highlights" device with three `MANL` tags at 800,
//! 4720 and 8480 ms). No corpus MP4 has a tag: karma.mp4 and max-heromode.mp4 hold an empty
//! HMMT (count 0) and the MAX an empty Highlights device.

mod common;

use std::fs::{self, File};
use std::path::Path;

use common::synthetic::{SynthTrack, SynthVideo};
use common::{corpus_or_skip, extract_json, fixture, run, telemux, tool};
use telemux_read::gopro::RawPayloads;
use telemux_testkit::mp4_box;

/// The MP4 described above, written into `dir`.
fn tagged_video(corpus: &Path, dir: &Path) -> std::path::PathBuf {
    let track = corpus.join("gopro/real-tracks/gopro2gpx-hero07.bin");
    let payloads: Vec<Vec<u8>> = RawPayloads::new(File::open(track).unwrap())
        .take(12)
        .map(|p| p.unwrap().bytes)
        .collect();
    let mut video = SynthVideo {
        tracks: vec![SynthTrack::gpmd(payloads)],
        moov_first: false,
        creation_time: 3_600_000_000,
    }
    .build();
    let hmmt = [2u32, 1500, 5000].map(u32::to_be_bytes).concat();
    let gpmf = fs::read(corpus.join("gopro/gopro-telemetry/mp4header.raw")).unwrap();
    let udta = mp4_box(
        b"udta",
        &[mp4_box(b"HMMT", &hmmt), mp4_box(b"GPMF", &gpmf)].concat(),
    );
    // moov is the last box: append udta to it and grow its size.
    let moov = video.windows(4).rposition(|w| w == b"moov").unwrap() - 4;
    let size = u32::from_be_bytes(video[moov..moov + 4].try_into().unwrap());
    video[moov..moov + 4].copy_from_slice(&(size + udta.len() as u32).to_be_bytes());
    video.extend_from_slice(&udta);
    let path = dir.join("tagged.mp4");
    fs::write(&path, video).unwrap();
    path
}

#[test]
fn hilights_in_json_gpx_kml_and_dump() {
    let Some(corpus) = corpus_or_skip("hilights_in_json_gpx_kml_and_dump") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let video = tagged_video(&corpus, tmp.path());

    let json = extract_json(&video);
    let gps = json["gps"].as_array().unwrap();
    let tags = json["highlights"].as_array().unwrap();
    let listed: Vec<(f64, &str, Option<&str>)> = tags
        .iter()
        .map(|t| {
            (
                t["media_time"].as_f64().unwrap(),
                t["origin"].as_str().unwrap(),
                t["kind"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        vec![
            (0.8, "HLMT", Some("MANL")),
            (1.5, "HMMT", None),
            (4.72, "HLMT", Some("MANL")),
            (5.0, "HMMT", None),
            (8.48, "HLMT", Some("MANL")),
        ]
    );
    // Each lies between the two GPS points around its media time, interpolated.
    for tag in tags {
        let t = tag["media_time"].as_f64().unwrap();
        let after = gps
            .iter()
            .position(|p| p["media_time"].as_f64().unwrap() >= t)
            .unwrap();
        let (a, b) = (&gps[after - 1], &gps[after]);
        let (ta, tb) = (
            a["media_time"].as_f64().unwrap(),
            b["media_time"].as_f64().unwrap(),
        );
        let f = (t - ta) / (tb - ta);
        for key in ["latitude", "longitude", "altitude"] {
            let (x, y) = (a[key].as_f64().unwrap(), b[key].as_f64().unwrap());
            let want = x + (y - x) * f;
            let got = tag[key].as_f64().unwrap();
            assert!((got - want).abs() < 1e-9, "{key} at {t} s: {got} vs {want}");
        }
        assert!(tag["time"].as_str().unwrap().starts_with("2019-02-24T11:"));
    }
    assert_eq!(
        (tags[1]["latitude"].as_f64(), tags[1]["time"].as_str()),
        (
            Some(40.33445424715285),
            Some("2019-02-24T11:19:57.374934066Z")
        )
    );

    let gpx = telemux()
        .arg("extract")
        .arg(&video)
        .args(["--format", "gpx"])
        .output()
        .unwrap();
    let gpx = String::from_utf8(gpx.stdout).unwrap();
    assert_eq!(gpx.matches("<wpt ").count(), 5);
    // Waypoints come before the track, as the GPX schema's sequence requires.
    assert!(gpx.find("<wpt ").unwrap() < gpx.find("<trk>").unwrap());
    assert!(gpx.contains("<time>2019-02-24T11:19:57.374934066Z</time><name>HiLight 2</name></wpt>"));
    assert!(gpx.contains("<name>HiLight 1 (MANL)</name>"));
    if let Some(mut xmllint) = tool("xmllint") {
        let file = tmp.path().join("tagged.gpx");
        fs::write(&file, &gpx).unwrap();
        xmllint
            .args(["--noout", "--schema"])
            .arg(fixture("gpx11.xsd"))
            .arg(&file);
        run(xmllint);
    }

    let kml = telemux()
        .arg("extract")
        .arg(&video)
        .args(["--format", "kml"])
        .output()
        .unwrap();
    let kml = String::from_utf8(kml.stdout).unwrap();
    assert_eq!(kml.matches("<name>HiLight ").count(), 5);
    assert!(kml.contains("<TimeStamp><when>2019-02-24T11:19:57.374934066Z</when></TimeStamp>"));

    let dump = telemux().arg("dump").arg(&video).output().unwrap();
    let dump = String::from_utf8(dump.stdout).unwrap();
    assert!(
        dump.contains(
            "HiLight tags: 5\n  HiLight 1: 1.500 s (HMMT)\n  HiLight 2: 5.000 s (HMMT)\n  \
             HiLight 3: 0.800 s (HLMT MANL)\n"
        ),
        "{dump}"
    );
}

#[test]
fn camera_files_without_tags_have_none() {
    let Some(corpus) = corpus_or_skip("camera_files_without_tags_have_none") else {
        return;
    };
    for name in ["karma.mp4", "max-heromode.mp4"] {
        let json = extract_json(&corpus.join("gopro").join(name));
        assert_eq!(json.get("highlights"), None, "{name}");
    }
}
