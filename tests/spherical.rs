//! `--spherical`: Spherical Video V1 and V2 written into the first video track, byte for byte
//! as the RFCs and spatial-media's injector lay them out, read back by ffprobe, ExifTool and
//! telemux (dump, verify), the media untouched; with a track, alone, in place, with
//! --faststart; a second run replacing, not duplicating.

mod common;

use std::fs;
use std::path::Path;

use common::{bandit, check, extract_points, fixture, telemux, tool, track_samples, verify_json};
use serde_json::Value;
use telemux_read::mp4::Mp4;

/// The V1 box of a mono video, written out by hand from spatial-media's
/// `SPHERICAL_XML_HEADER` + `SPHERICAL_XML_CONTENTS` (telemux as the stitching software).
fn expected_v1(stereo: Option<&str>) -> Vec<u8> {
    let stereo = stereo
        .map(|s| format!("<GSpherical:StereoMode>{s}</GSpherical:StereoMode>"))
        .unwrap_or_default();
    let xml = format!(
        "<?xml version=\"1.0\"?><rdf:SphericalVideo\n\
         xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"\n\
         xmlns:GSpherical=\"http://ns.google.com/videos/1.0/spherical/\">\
         <GSpherical:Spherical>true</GSpherical:Spherical>\
         <GSpherical:Stitched>true</GSpherical:Stitched>\
         <GSpherical:StitchingSoftware>telemux</GSpherical:StitchingSoftware>\
         <GSpherical:ProjectionType>equirectangular</GSpherical:ProjectionType>\
         {stereo}</rdf:SphericalVideo>"
    );
    let mut b = ((24 + xml.len()) as u32).to_be_bytes().to_vec();
    b.extend_from_slice(b"uuid");
    b.extend_from_slice(&[
        0xff, 0xcc, 0x82, 0x63, 0xf8, 0x55, 0x4a, 0x93, 0x88, 0x14, 0x58, 0x7a, 0x02, 0x52, 0x1f,
        0xdd,
    ]);
    b.extend_from_slice(xml.as_bytes());
    b
}

/// `st3d` (stereo mode byte) then `sv3d` (`svhd` "telemux", `proj` with a zero `prhd` and a
/// full-sphere `equi`), as the V2 RFC lays them out.
fn expected_v2(stereo_code: u8) -> Vec<u8> {
    [
        &[0, 0, 0, 13][..],
        b"st3d",
        &[0, 0, 0, 0, stereo_code],
        &[0, 0, 0, 88],
        b"sv3d",
        &[0, 0, 0, 20],
        b"svhd",
        &[0, 0, 0, 0],
        b"telemux\0",
        &[0, 0, 0, 60],
        b"proj",
        &[0, 0, 0, 24],
        b"prhd",
        &[0; 16],
        &[0, 0, 0, 28],
        b"equi",
        &[0; 20],
    ]
    .concat()
}

/// What the first video track holds: its child boxes' types, its spherical uuid boxes, its
/// sample entry, and every video sample's bytes.
struct VideoTrack {
    children: Vec<String>,
    uuids: Vec<Vec<u8>>,
    entry: Vec<u8>,
    samples: Vec<Vec<u8>>,
}

fn video_track(path: &Path) -> VideoTrack {
    let mut file = fs::File::open(path).unwrap();
    let mp4 = Mp4::open(&mut file).unwrap();
    let track = mp4
        .tracks()
        .map(Result::unwrap)
        .find(|t| t.hdlr.subtype.as_bytes() == b"vide")
        .unwrap();
    let samples = track
        .samples()
        .map(|s| track.read_sample(&mut file, &s.unwrap()).unwrap())
        .collect();
    VideoTrack {
        children: track
            .node
            .children()
            .iter()
            .map(|c| c.kind().to_string())
            .collect(),
        uuids: track
            .node
            .children_of(b"uuid")
            .map(|n| mp4.moov().raw(n).to_vec())
            .collect(),
        entry: track.stsd.entries[0].bytes.to_vec(),
        samples,
    }
}

/// ffprobe's side data of the first video stream: (stereo type, projection).
fn ffprobe_side_data(path: &Path) -> Option<(String, String)> {
    let mut ffprobe = tool("ffprobe")?;
    ffprobe.args(["-v", "error", "-select_streams", "v:0", "-of", "json"]);
    ffprobe
        .args(["-show_entries", "stream_side_data_list"])
        .arg(path);
    let json: Value = serde_json::from_slice(&ffprobe.output().unwrap().stdout).unwrap();
    let list = json["streams"][0]["side_data_list"].as_array().unwrap();
    let find = |kind: &str, field: &str| {
        list.iter()
            .find(|d| d["side_data_type"] == kind)
            .map(|d| d[field].as_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    Some((
        find("Stereo 3D", "type"),
        find("Spherical Mapping", "projection"),
    ))
}

/// `exiftool -G1 -a -s` lines naming spherical tags, as "Group Tag: value".
fn exiftool_spherical(path: &Path) -> Option<Vec<String>> {
    let mut exiftool = tool("exiftool")?;
    exiftool.args([
        "-G1",
        "-a",
        "-s",
        "-ProjectionType",
        "-StereoMode",
        "-Spherical",
    ]);
    exiftool.args(["-Stereoscopic3D", "-MetadataSource", "-StitchingSoftware"]);
    let out = exiftool.arg(path).output().unwrap();
    Some(
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect(),
    )
}

#[test]
fn inject_with_a_track_writes_v1_and_v2_and_keeps_every_video_sample() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pano.mp4");
    let input = fixture("ride.mp4");
    telemux()
        .arg("inject")
        .arg(&input)
        .args(["--gpx"])
        .arg(fixture("ride.gpx"))
        .args(["--spherical", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "video track 1 marked as 360° equirectangular (mono), Spherical Video V1 and V2",
        ));
    let (before, after) = (video_track(&input), video_track(&out));
    assert_eq!(after.samples.len(), 180);
    assert!(after.samples == before.samples, "video samples changed");
    // V1 appended to the trak, as spatial-media's injector adds it.
    assert_eq!(after.children, ["tkhd", "edts", "mdia", "uuid"]);
    assert_eq!(after.uuids, [expected_v1(None)]);
    // V2 appended to the sample entry, after the codec's boxes, which are kept.
    assert_eq!(after.entry.len(), before.entry.len() + 101);
    assert_eq!(&after.entry[4..before.entry.len()], &before.entry[4..]);
    assert_eq!(&after.entry[before.entry.len()..], expected_v2(0));
    assert_eq!(extract_points(&out), 120);

    if let Some(side_data) = ffprobe_side_data(&out) {
        assert_eq!(side_data, ("2D".into(), "equirectangular".into()));
    }
    if let Some(tags) = exiftool_spherical(&out) {
        for line in [
            "[Track1] Stereoscopic3D : Monoscopic",
            "[Track1] MetadataSource : telemux",
            "[XMP-GSpherical] Spherical : true",
            "[XMP-GSpherical] StitchingSoftware : telemux",
            "[XMP-GSpherical] ProjectionType : equirectangular",
        ] {
            assert!(tags.iter().any(|l| l == line), "{line} not in {tags:#?}");
        }
    }
    let dump = telemux().arg("dump").arg(&out).output().unwrap();
    let dump = String::from_utf8(dump.stdout).unwrap();
    assert!(dump.contains(
        "spherical V1 (moov/trak[0]/uuid at byte 49567): Spherical \"true\", Stitched \"true\", \
         StitchingSoftware \"telemux\", ProjectionType \"equirectangular\", StereoMode -"
    ));
    assert!(dump.contains(
        "spherical V2 (moov/trak[0]/mdia/minf/stbl/stsd/avc1 at byte 46563): st3d mono, svhd \
         source \"telemux\", pose yaw 0 pitch 0 roll 0, equi bounds top 0 bottom 0 left 0 right 0"
    ));

    let report = verify_json(&out, &[]);
    assert_eq!(check(&report, "spherical")["status"], "pass");
    let sv = check(&report, "sv_spherical");
    assert_eq!(
        (sv["status"].as_str(), sv["value"].as_str()),
        (Some("pass"), Some("equirectangular mono"))
    );
    // The fixture is 160×120 at 15 fps: under 4K, and not 2:1.
    let resolution = check(&report, "sv_resolution");
    assert_eq!(resolution["status"], "warn");
    assert_eq!(
        resolution["message"],
        "160×120: Street View ready asks for 4K (3840 pixels wide) or more; an \
         equirectangular mono frame is 2:1, this one 1.333:1"
    );
    let fps = check(&report, "sv_frame_rate");
    assert_eq!(
        (fps["status"].as_str(), fps["value"].as_f64()),
        (Some("pass"), Some(15.0))
    );
}

#[test]
fn without_gpx_only_the_metadata_is_written_and_a_second_run_replaces_it() {
    for name in ["ride.mp4", "clip.mov"] {
        let dir = tempfile::tempdir().unwrap();
        let video = dir.path().join(name);
        fs::copy(fixture(name), &video).unwrap();
        let before = video_track(&video);
        let tracks_before = Mp4::open(&mut fs::File::open(&video).unwrap())
            .unwrap()
            .tracks()
            .count();
        // Every track's samples (audio too: the rewrite moves every chunk offset).
        let every_track = |path: &Path| -> Vec<_> {
            (0..tracks_before).map(|i| track_samples(path, i)).collect()
        };
        let all_before = every_track(&video);
        for (stereo, code, v1, ffprobe_type) in [
            ("top-bottom", 1, Some("top-bottom"), "top and bottom"),
            ("left-right", 2, Some("left-right"), "side by side"),
            ("mono", 0, None, "2D"),
        ] {
            telemux()
                .args(["inject", "--spherical", "--stereo", stereo, "--in-place"])
                .arg(&video)
                .assert()
                .success();
            let after = video_track(&video);
            assert!(
                after.samples == before.samples,
                "{name}: video samples changed"
            );
            assert!(
                every_track(&video) == all_before,
                "{name} {stereo}: a track's samples or times changed"
            );
            // One V1 box and one st3d/sv3d pair, whatever ran before.
            assert_eq!(after.uuids, [expected_v1(v1)], "{name} {stereo}");
            assert_eq!(after.entry.len(), before.entry.len() + 101, "{name}");
            assert_eq!(&after.entry[before.entry.len()..], expected_v2(code));
            if let Some(side_data) = ffprobe_side_data(&video) {
                assert_eq!(side_data, (ffprobe_type.into(), "equirectangular".into()));
            }
        }
        let mp4 = Mp4::open(&mut fs::File::open(&video).unwrap()).unwrap();
        assert_eq!(
            mp4.tracks().count(),
            tracks_before,
            "{name}: a track was added"
        );
    }
}

#[test]
fn faststart_and_make_model_ride_along_and_street_view_passes_the_360_checks() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("front.mp4");
    telemux()
        .arg("inject")
        .arg(fixture("ride.mp4"))
        .args(["--spherical", "--faststart", "--street-view"])
        .args(["--make", "Insta360", "--model", "X3", "-o"])
        .arg(&out)
        .assert()
        .success();
    let mp4 = Mp4::open(&mut fs::File::open(&out).unwrap()).unwrap();
    let kinds: Vec<String> = mp4.top_level().iter().map(|b| b.kind.to_string()).collect();
    assert_eq!(kinds, ["ftyp", "free", "moov", "mdat"]);
    assert_eq!(video_track(&out).uuids, [expected_v1(None)]);
    let report = verify_json(&out, &[]);
    let make = check(&report, "sv_make_model");
    assert_eq!(
        (make["status"].as_str(), make["value"].as_str()),
        (Some("pass"), Some("Insta360 X3"))
    );
    assert_eq!(check(&report, "sv_spherical")["status"], "pass");
    // No GPS track: Street View's own check fails it.
    assert_eq!(check(&report, "sv_gps_points")["status"], "fail");
}

#[test]
fn v1_and_v2_that_disagree_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pano.mp4");
    telemux()
        .arg("inject")
        .arg(fixture("ride.mp4"))
        .args(["--spherical", "-o"])
        .arg(&out)
        .assert()
        .success();
    // st3d's stereo byte to top-bottom, V1 still mono: same size, same layout.
    let mut bytes = fs::read(&out).unwrap();
    let st3d = bytes.windows(4).position(|w| w == b"st3d").unwrap();
    assert_eq!(bytes[st3d + 8], 0);
    bytes[st3d + 8] = 1;
    fs::write(&out, &bytes).unwrap();
    let report = verify_json(&out, &[]);
    let container = check(&report, "spherical");
    assert_eq!(container["status"], "warn");
    assert_eq!(
        container["message"],
        "moov/trak[0]: V1 says equirectangular mono but V2 says equirectangular top-bottom; \
         players read one or the other"
    );
    assert_eq!(check(&report, "sv_spherical")["status"], "fail");
}

#[test]
fn an_ordinary_video_warns_and_a_file_without_video_is_refused() {
    let report = verify_json(&fixture("ride.mp4"), &[]);
    assert_eq!(check(&report, "spherical")["value"], "none");
    assert_eq!(check(&report, "sv_spherical")["status"], "warn");

    let dir = tempfile::tempdir().unwrap();
    let audio_only = dir.path().join("audio.m4a");
    let out = dir.path().join("out.m4a");
    let ffmpeg = tool("ffmpeg");
    let Some(mut ffmpeg) = ffmpeg else { return };
    ffmpeg
        .args(["-v", "error", "-i"])
        .arg(fixture("ride.mp4"))
        .args(["-map", "0:a", "-c", "copy"])
        .arg(&audio_only);
    assert!(ffmpeg.status().unwrap().success());
    let before = fs::read(&audio_only).unwrap();
    telemux()
        .args(["inject", "--spherical"])
        .arg(&audio_only)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "no video track (a trak whose hdlr is vide) to mark as spherical",
        ));
    assert!(!out.exists());
    assert_eq!(fs::read(&audio_only).unwrap(), before);
}

#[test]
fn a_sample_entry_whose_boxes_are_broken_is_named_and_refused() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.mp4");
    let out = dir.path().join("out.mp4");
    // avcC's size made to run past the end of its avc1 entry.
    let mut bytes = fs::read(fixture("ride.mp4")).unwrap();
    let avcc = bytes.windows(4).position(|w| w == b"avcC").unwrap() - 4;
    bytes[avcc..avcc + 4].copy_from_slice(&0x7fffu32.to_be_bytes());
    fs::write(&broken, &bytes).unwrap();
    let place = format!("moov/trak[0]/mdia/minf/stbl/stsd/avc1/avcC at byte {avcc}");

    let report = verify_json(&broken, &[]);
    let spherical = check(&report, "spherical");
    assert_eq!(spherical["status"], "warn");
    let message = spherical["message"].as_str().unwrap();
    assert!(message.starts_with(&place), "{message}");
    assert_eq!(check(&report, "sv_spherical")["status"], "fail");

    telemux()
        .args(["inject", "--spherical"])
        .arg(&broken)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(place.as_str()));
    assert!(!out.exists());
    assert_eq!(fs::read(&broken).unwrap(), bytes);
}

#[test]
fn a_later_replace_keeps_the_spherical_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.mp4");
    let second = dir.path().join("second.mp4");
    telemux()
        .arg("inject")
        .arg(fixture("ride.mp4"))
        .arg("--gpx")
        .arg(fixture("ride.gpx"))
        .args(["--spherical", "--stereo", "left-right", "-o"])
        .arg(&first)
        .assert()
        .success();
    telemux()
        .arg("inject")
        .arg(&first)
        .arg("--gpx")
        .arg(fixture("ride.gpx"))
        .args(["--replace", "-o"])
        .arg(&second)
        .assert()
        .success();
    let (a, b) = (video_track(&first), video_track(&second));
    assert_eq!(b.uuids, [expected_v1(Some("left-right"))]);
    assert_eq!(b.entry, a.entry);
    assert!(b.samples == a.samples);
}

#[test]
fn convert_writes_it_beside_the_clip_own_gps() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bandit.mp4");
    let output = dir.path().join("out.mp4");
    fs::write(&input, bandit::video_with_ttad(&bandit::ride_payload())).unwrap();
    telemux()
        .arg("convert")
        .arg(&input)
        .args(["--spherical", "-o"])
        .arg(&output)
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "video track 1 marked as 360° equirectangular (mono)",
        ));
    let (before, after) = (video_track(&input), video_track(&output));
    assert!(after.samples == before.samples);
    assert_eq!(after.uuids, [expected_v1(None)]);
    assert_eq!(&after.entry[before.entry.len()..], expected_v2(0));
    // The Bandit ride resampled at 10 Hz: its track still reads back.
    assert_eq!(extract_points(&output), 110);
}

/// An audio track's `mp4a` entry has no visual fields to look for V2 boxes after: dump shows
/// nothing spherical for it (it once printed "spherical metadata unreadable" under every
/// audio and telemetry track), and nothing for a plain video either.
#[test]
fn dump_finds_no_spherical_metadata_in_a_plain_video_with_audio() {
    let out = telemux()
        .arg("dump")
        .arg(fixture("ride.mp4"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("soun"), "{stdout}");
    assert!(!stdout.contains("spherical"), "{stdout}");
}

/// Without --track only the metadata is written, so a flag about the track would be silently
/// ignored: refused, and nothing is written.
#[test]
fn track_flags_without_a_track_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.mp4");
    for flags in [&["--format", "camm"][..], &["--replace"]] {
        let run = telemux()
            .arg("inject")
            .arg(fixture("ride.mp4"))
            .arg("--spherical")
            .args(flags)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(2), "{flags:?}");
        assert!(
            String::from_utf8_lossy(&run.stderr).contains(
                "--format and --replace are about the track written: give one with --track"
            ),
            "{flags:?}"
        );
        assert!(!out.exists(), "{flags:?}");
    }
}
