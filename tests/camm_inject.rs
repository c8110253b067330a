//! `telemux inject --format camm|both` end to end: every packet of the CAMM track read back
//! with the read crate's own decoder at the sample table's offsets and compared with the
//! oracle (tests/common/oracle.rs), the original streams byte-identical, and `-o`,
//! `--faststart`, `--in-place`, `--replace` and the refusal of a second CAMM track.

mod common;

use std::fs::{self, File};
use std::path::Path;

use common::readers::{ride_points, RIDE_START};
use common::{extract_points, fixture, stream_hashes, telemux, tool, track_samples};
use telemux_read::camm::{self, gps_seconds_to_utc, Packet};
use telemux_read::mp4::Mp4;

/// One packet of a CAMM track: its media time (seconds, from the sample table, before
/// edits) and what it decodes to.
#[derive(Debug, Clone, PartialEq)]
struct Read1 {
    time: f64,
    duration_ms: u32,
    packet: Packet,
}

/// The packets of every CAMM track of `path`, track by track, decoded with
/// `telemux_read::camm::decode` from the bytes at each sample's offset.
fn camm_packets(path: &Path) -> Vec<Vec<Read1>> {
    let mp4 = Mp4::open(&mut File::open(path).unwrap()).unwrap();
    let mut tracks = Vec::new();
    for index in camm::camm_tracks(&mp4).unwrap() {
        let track = mp4.tracks().nth(index).unwrap().unwrap();
        assert_eq!(track.mdhd.timescale, 1000);
        let packets = track_samples(path, index)
            .into_iter()
            .map(|(time, duration_ms, bytes)| Read1 {
                time,
                duration_ms,
                packet: camm::decode(&bytes).unwrap(),
            })
            .collect();
        tracks.push(packets);
    }
    tracks
}

/// The one CAMM track of `path`.
fn only_camm_track(path: &Path) -> Vec<Read1> {
    let mut tracks = camm_packets(path);
    assert_eq!(tracks.len(), 1, "CAMM tracks of {}", path.display());
    tracks.remove(0)
}

/// The track of ride.gpx on ride.mp4 is the oracle's 120 points at 10 Hz: one type 6 packet
/// per point at its slot, latitude and longitude as f64 (no scaling, so equal to the
/// oracle's interpolation to 1e-12°), the UTC time through GPS time (18 leap seconds in
/// 2024), fix 3 (the GPX has elevations) and 20 m accuracy (no hdop: DOP 4 × 5 m).
fn assert_ride_track(packets: &[Read1]) {
    let expected = ride_points();
    assert_eq!(expected.len(), 120);
    assert_eq!(packets.len(), expected.len());
    for (k, (read, want)) in packets.iter().zip(&expected).enumerate() {
        let Packet::Gps(gps) = read.packet else {
            panic!("packet {k}: {:?}", read.packet);
        };
        assert!(
            (read.time - k as f64 / 10.0).abs() < 1e-9,
            "packet {k} at {}",
            read.time
        );
        assert_eq!(read.duration_ms, 100, "packet {k}");
        assert!(
            (gps.latitude - want.lat).abs() < 1e-12 && (gps.longitude - want.lon).abs() < 1e-12,
            "packet {k}: {}, {} vs {want:?}",
            gps.latitude,
            gps.longitude
        );
        assert!(
            (f64::from(gps.altitude) - want.alt).abs() < 1e-4,
            "packet {k}"
        );
        let utc = gps_seconds_to_utc(gps.time_gps_epoch).unwrap();
        assert!(
            (utc - want.time).abs() < time::Duration::microseconds(1),
            "packet {k}: {utc} vs {}",
            want.time
        );
        let leap = gps.time_gps_epoch - (want.time - camm::GPS_EPOCH).as_seconds_f64();
        assert!(
            (leap - 18.0).abs() < 1e-6,
            "packet {k}: {leap} leap seconds"
        );
        assert_eq!(gps.gps_fix_type, 3);
        assert_eq!(
            (gps.horizontal_accuracy, gps.vertical_accuracy),
            (20.0, 20.0)
        );
    }
    assert_eq!(expected[0].time, RIDE_START);
}

fn inject(input: &Path, output: Option<&Path>, extra: &[&str]) -> std::process::Output {
    let mut cmd = telemux();
    cmd.arg("inject")
        .arg(input)
        .arg("--gpx")
        .arg(fixture("ride.gpx"));
    cmd.args(extra);
    if let Some(output) = output {
        cmd.arg("-o").arg(output);
    }
    cmd.output().unwrap()
}

fn assert_success(out: &std::process::Output) -> String {
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// ffprobe's (codec tag, handler name) of every data stream.
fn data_streams(path: &Path) -> Option<Vec<String>> {
    let mut ffprobe = tool("ffprobe")?;
    ffprobe.args(["-v", "error", "-select_streams", "d", "-show_entries"]);
    ffprobe.args([
        "stream=index,codec_tag_string:stream_tags=handler_name",
        "-of",
        "csv=p=0",
    ]);
    ffprobe.arg(path);
    Some(common::run(ffprobe).lines().map(str::to_owned).collect())
}

#[test]
fn camm_track_holds_the_oracle_points_and_keeps_the_streams() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture("ride.mp4");
    let out = dir.path().join("camm.mp4");
    let stderr = assert_success(&inject(&input, Some(&out), &["--format", "camm"]));
    assert!(
        stderr.contains("CAMM track 3 written: 120 GPS points at 10 Hz in 120 packets"),
        "{stderr}"
    );
    assert_ride_track(&only_camm_track(&out));
    // No GPMF track: --format names what is written.
    let mut file = File::open(&out).unwrap();
    let mp4 = Mp4::open(&mut file).unwrap();
    assert!(telemux_read::gopro::gpmf_tracks(&mp4, &mut file)
        .unwrap()
        .is_empty());
    let track = mp4.tracks().nth(2).unwrap().unwrap();
    assert_eq!(track.hdlr.name, "CameraMetadataMotionHandler");
    assert_eq!(track.hdlr.subtype.as_bytes(), b"meta");
    assert_eq!(
        track.edits, None,
        "a track starting at 0 needs no edit list"
    );
    if let Some(streams) = data_streams(&out) {
        assert_eq!(streams, ["2,camm,CameraMetadataMotionHandler"]);
    }
    if let (Some(before), Some(after)) = (stream_hashes(&input), stream_hashes(&out)) {
        assert_eq!(before, after);
    }
}

#[test]
fn both_writes_a_gpmf_and_a_camm_track_in_one_rewrite() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture("ride.mp4");
    let out = dir.path().join("both.mp4");
    let stderr = assert_success(&inject(&input, Some(&out), &["--format", "both"]));
    assert!(
        stderr.contains("GPMF track 3 written: 120 GPS points"),
        "{stderr}"
    );
    assert!(
        stderr.contains("CAMM track 4 written: 120 packets"),
        "{stderr}"
    );
    assert_ride_track(&only_camm_track(&out));
    // The GPMF track is what --format gpmf writes, byte for byte.
    let gpmf_only = dir.path().join("gpmf.mp4");
    assert_success(&inject(&input, Some(&gpmf_only), &[]));
    let gpmf_samples = |path: &Path| {
        let mut file = File::open(path).unwrap();
        let mp4 = Mp4::open(&mut file).unwrap();
        let index = telemux_read::gopro::gpmf_tracks(&mp4, &mut file).unwrap();
        assert_eq!(index.len(), 1);
        let track = mp4.tracks().nth(index[0]).unwrap().unwrap();
        (track.tkhd.track_id, track_samples(path, index[0]))
    };
    let (id, both_gpmf) = gpmf_samples(&out);
    assert_eq!(id, 3);
    assert_eq!(both_gpmf, gpmf_samples(&gpmf_only).1);
    assert_eq!(extract_points(&out), 120);
    if let Some(streams) = data_streams(&out) {
        assert_eq!(
            streams,
            ["2,gpmd,GoPro MET", "3,camm,CameraMetadataMotionHandler"]
        );
    }
    if let (Some(before), Some(after)) = (stream_hashes(&input), stream_hashes(&out)) {
        assert_eq!(before, after);
    }
}

#[test]
fn faststart_and_in_place_write_the_same_packets() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture("ride.mp4");
    let copy = dir.path().join("copy.mp4");
    assert_success(&inject(&input, Some(&copy), &["--format", "camm"]));
    let expected = only_camm_track(&copy);

    let front = dir.path().join("front.mp4");
    assert_success(&inject(
        &input,
        Some(&front),
        &["--format", "camm", "--faststart"],
    ));
    let top: Vec<String> = {
        let mp4 = Mp4::open(&mut File::open(&front).unwrap()).unwrap();
        mp4.top_level().iter().map(|h| h.kind.to_string()).collect()
    };
    let at = |kind: &str| top.iter().position(|k| k == kind).unwrap();
    assert!(at("moov") < at("mdat"), "{top:?}");
    assert_eq!(only_camm_track(&front), expected);

    let in_place = dir.path().join("in-place.mp4");
    fs::copy(&input, &in_place).unwrap();
    assert_success(&inject(
        &in_place,
        None,
        &["--format", "camm", "--in-place"],
    ));
    assert_eq!(only_camm_track(&in_place), expected);
    // Both tracks in place: the same CAMM packets beside the GPMF track.
    let both = dir.path().join("both-in-place.mp4");
    fs::copy(&input, &both).unwrap();
    assert_success(&inject(&both, None, &["--format", "both", "--in-place"]));
    assert_eq!(only_camm_track(&both), expected);
    assert_eq!(extract_points(&both), 120);
    if let (Some(before), Some(after)) = (stream_hashes(&input), stream_hashes(&in_place)) {
        assert_eq!(before, after);
    }
}

#[test]
fn a_second_camm_track_is_refused_and_replace_replaces_it() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.mp4");
    assert_success(&inject(
        &fixture("ride.mp4"),
        Some(&first),
        &["--format", "camm"],
    ));

    let again = dir.path().join("again.mp4");
    let out = inject(&first, Some(&again), &["--format", "both"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("already has CAMM telemetry (moov/trak[2], track id 3)"),
        "{stderr}"
    );
    assert!(!again.exists());

    // In place too: refused, the file untouched.
    let before = fs::read(&first).unwrap();
    let out = inject(&first, None, &["--format", "camm", "--in-place"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(fs::read(&first).unwrap(), before);

    // --replace: one CAMM track, the new one (5 Hz: 60 packets), with the next track id.
    let replaced = dir.path().join("replaced.mp4");
    let stderr = assert_success(&inject(
        &first,
        Some(&replaced),
        &["--format", "camm", "--replace", "--rate", "5"],
    ));
    assert!(stderr.contains("replacing 1 existing"), "{stderr}");
    let packets = only_camm_track(&replaced);
    assert_eq!(packets.len(), 60);
    assert!(packets.iter().all(|p| p.duration_ms == 200));
    if let Some(streams) = data_streams(&replaced) {
        assert_eq!(streams, ["2,camm,CameraMetadataMotionHandler"]);
    }
    if let (Some(before), Some(after)) = (
        stream_hashes(&fixture("ride.mp4")),
        stream_hashes(&replaced),
    ) {
        assert_eq!(before, after);
    }
}

/// A GPX that starts after the video's start: the first packet cannot be moved to 0, so an
/// empty edit holds the track back; readers that apply edit lists (ffprobe, mapillary_tools)
/// put the first point at its time.
#[test]
fn a_late_track_starts_after_an_empty_edit() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("late.mp4");
    // The video's start 5 s earlier: the GPX (from 09:59:57) begins 2 s into it.
    assert_success(&inject(
        &fixture("ride.mp4"),
        Some(&out),
        &["--format", "camm", "--offset=-5"],
    ));
    let packets = only_camm_track(&out);
    // 2.0 s to 12 s at 10 Hz; media times count from the first packet.
    assert_eq!(packets.len(), 100);
    assert_eq!(packets[0].time, 0.0);
    let mut file = File::open(&out).unwrap();
    let mp4 = Mp4::open(&mut file).unwrap();
    let track = mp4.tracks().nth(2).unwrap().unwrap();
    let edits = track.edits.expect("an edit list");
    let timescale = f64::from(mp4.mvhd().unwrap().timescale);
    assert_eq!(edits.len(), 2);
    assert_eq!(edits[0].media_time, -1);
    assert_eq!(edits[0].segment_duration as f64 / timescale, 2.0);
    assert_eq!(edits[1].media_time, 0);
    assert_eq!(edits[1].segment_duration as f64 / timescale, 10.0);
    if let Some(mut ffprobe) = tool("ffprobe") {
        ffprobe.args(["-v", "error", "-select_streams", "d", "-show_entries"]);
        ffprobe
            .args(["stream=start_time", "-of", "csv=p=0"])
            .arg(&out);
        assert_eq!(common::run(ffprobe).trim(), "2.000000");
    }
}

/// The writer and the reader of CAMM together: what `--format camm` writes, `extract` reads
/// back as the oracle's points (positions exactly, times to the millisecond as written, the
/// altitude as the decimal the f32 holds); with `--format both`, `--prefer-camm` reads the CAMM
/// track and the default the GPMF one, at the same places to GPMF's 1e-7°.
#[test]
fn extract_reads_back_what_format_camm_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture("ride.mp4");
    let camm_only = dir.path().join("camm.mp4");
    assert_success(&inject(&input, Some(&camm_only), &["--format", "camm"]));
    let json = common::extract_json(&camm_only);
    assert_eq!(json["source"], "CAMM (GPS type 6)");
    let points = json["gps"].as_array().unwrap();
    let expected = ride_points();
    assert_eq!(points.len(), expected.len());
    for (k, (point, want)) in points.iter().zip(&expected).enumerate() {
        let (lat, lon) = (
            point["latitude"].as_f64().unwrap(),
            point["longitude"].as_f64().unwrap(),
        );
        assert!(
            (lat - want.lat).abs() < 1e-12 && (lon - want.lon).abs() < 1e-12,
            "point {k}: {lat}, {lon} vs {want:?}"
        );
        let alt = point["altitude"].as_f64().unwrap();
        assert!((alt - want.alt).abs() < 1e-4, "point {k}: {alt}");
        let written: f64 = (want.alt as f32).to_string().parse().unwrap();
        assert_eq!(
            alt, written,
            "point {k}: the altitude as the f32's shortest decimal"
        );
        let time = time::OffsetDateTime::parse(
            point["time"].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap();
        assert_eq!(time, want.time, "point {k}");
    }

    let both = dir.path().join("both.mp4");
    assert_success(&inject(&input, Some(&both), &["--format", "both"]));
    let read = |extra: &[&str]| {
        let out = telemux()
            .arg("extract")
            .arg(&both)
            .args(["--format", "json"])
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let (gpmf, camm) = (read(&[]), read(&["--prefer-camm"]));
    assert!(
        gpmf["source"].as_str().unwrap().starts_with("GoPro GPMF"),
        "{}",
        gpmf["source"]
    );
    assert_eq!(camm["source"], "CAMM (GPS type 6)");
    let (gpmf, camm) = (
        gpmf["gps"].as_array().unwrap(),
        camm["gps"].as_array().unwrap(),
    );
    assert_eq!((gpmf.len(), camm.len()), (120, 120));
    for (k, (g, c)) in gpmf.iter().zip(camm).enumerate() {
        for field in ["latitude", "longitude"] {
            let (g, c) = (g[field].as_f64().unwrap(), c[field].as_f64().unwrap());
            assert!(
                (g - c).abs() < 1e-7,
                "point {k} {field}: GPMF {g}, CAMM {c}"
            );
        }
        assert_eq!(g["time"], c["time"], "point {k}");
    }
}
