//! Test support shared by every crate of the workspace: finding the reference corpus and the
//! external readers used as oracles, and building MP4 boxes byte by byte for synthetic inputs.
//!
//! Tests use `$TELEMUX_CORPUS` or `../shared/corpus` beside the checkout. When it is absent they
//! skip with a printed reason, unless `TELEMUX_REQUIRE_CORPUS=1` (set by `.ci/run`), in which
//! case a missing corpus fails the test instead of silently passing.

use std::path::PathBuf;

/// The corpus folder, or `None` after printing why the calling test skips.
///
/// # Panics
/// When the corpus is missing and `TELEMUX_REQUIRE_CORPUS=1`: that is how CI fails.
pub fn corpus_or_skip(test: &str) -> Option<PathBuf> {
    let dir = match std::env::var_os("TELEMUX_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
    };
    if dir.join("gopro/MANIFEST.md").is_file() {
        return Some(dir);
    }
    let required = std::env::var("TELEMUX_REQUIRE_CORPUS").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "{test}: TELEMUX_REQUIRE_CORPUS=1 but no corpus at {} (set TELEMUX_CORPUS)",
        dir.display()
    );
    eprintln!(
        "{test}: skipped, no corpus at {} (set TELEMUX_CORPUS)",
        dir.display()
    );
    None
}

/// An MP4 box: 32-bit size, type, payload (a 64-bit largesize when the payload needs it).
pub fn mp4_box(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 16);
    match u32::try_from(payload.len() + 8) {
        Ok(size) => {
            out.extend_from_slice(&size.to_be_bytes());
            out.extend_from_slice(kind);
        }
        Err(_) => {
            out.extend_from_slice(&1u32.to_be_bytes());
            out.extend_from_slice(kind);
            out.extend_from_slice(&(payload.len() as u64 + 16).to_be_bytes());
        }
    }
    out.extend_from_slice(payload);
    out
}

/// The header of a top-level box of `size` bytes at `offset` with an 8-byte header, as the
/// reader gives it, for layout tests.
pub fn top_box(kind: &[u8; 4], offset: u64, size: u64) -> telemux_read::mp4::BoxHeader {
    telemux_read::mp4::BoxHeader {
        kind: telemux_read::FourCC::new(kind),
        offset,
        header_len: 8,
        size,
        user_type: None,
        size_to_end: false,
    }
}

/// An MP4 "full box": version and 24-bit flags before the payload.
pub fn mp4_full_box(kind: &[u8; 4], version: u8, flags: u32, payload: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(payload.len() + 4);
    body.push(version);
    body.extend_from_slice(&flags.to_be_bytes()[1..]);
    body.extend_from_slice(payload);
    mp4_box(kind, &body)
}

/// A container box holding the concatenation of `children`.
pub fn mp4_container(kind: &[u8; 4], children: &[Vec<u8>]) -> Vec<u8> {
    mp4_box(kind, &children.concat())
}

/// The names of the entries of `dir`, sorted: to check what an operation left behind.
///
/// # Panics
/// When the folder cannot be listed: this is test support.
pub fn file_names(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the folder lists")
        .map(|e| {
            e.expect("the entry reads")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// An external program (ffprobe, ffmpeg, exiftool, xmllint), or `None` after saying why the
/// calling check is skipped. With `TELEMUX_REQUIRE_CORPUS=1` (CI) a missing program fails the
/// test instead.
///
/// # Panics
/// When the program is missing and `TELEMUX_REQUIRE_CORPUS=1`.
pub fn external_tool(name: &str) -> Option<std::process::Command> {
    // Spawning fails only when the program is not there; its exit code does not matter.
    let found = std::process::Command::new(name)
        .arg("--version")
        .output()
        .is_ok();
    if found {
        return Some(std::process::Command::new(name));
    }
    reader_missing(name, "apt")
}

/// `None` after saying that the calling check is skipped because `what` is not installed and
/// how `.ci/run` installs it; with `TELEMUX_REQUIRE_CORPUS=1` (CI) a panic instead.
///
/// # Panics
/// When `TELEMUX_REQUIRE_CORPUS=1`.
pub fn reader_missing<T>(what: &str, install: &str) -> Option<T> {
    let required = std::env::var("TELEMUX_REQUIRE_CORPUS").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "{what} is needed for interop tests (.ci/run installs it: {install})"
    );
    eprintln!("{what} not installed: interop check skipped ({install})");
    None
}

/// (lat, lon) of every GPS point `exiftool -ee` finds in the timed documents, in order, or
/// `None` when ExifTool is not installed (see [`external_tool`]).
///
/// # Panics
/// When ExifTool fails or prints something unexpected: this is test support.
pub fn exiftool_gps(path: &std::path::Path) -> Option<Vec<(f64, f64)>> {
    exiftool_gps_with(path, "-ee")
}

/// [`exiftool_gps`] with `-ee3`, which MPEG-TS files need: dashcams do not declare their GPS
/// PID, and ExifTool reads undeclared streams only in its deepest mode.
///
/// # Panics
/// As [`exiftool_gps`].
pub fn exiftool_gps_deep(path: &std::path::Path) -> Option<Vec<(f64, f64)>> {
    exiftool_gps_with(path, "-ee3")
}

fn exiftool_gps_with(path: &std::path::Path, extract_embedded: &str) -> Option<Vec<(f64, f64)>> {
    let mut cmd = external_tool("exiftool")?;
    let out = cmd
        .args([
            // Files past 4 GB need this in ExifTool 12.
            "-api",
            "LargeFileSupport=1",
            extract_embedded,
            "-G3",
            "-n",
            "-a",
            "-s",
            "-GPSLatitude",
            "-GPSLongitude",
        ])
        .arg(path)
        .output()
        .expect("exiftool runs");
    assert!(
        out.status.success(),
        "exiftool failed on {}",
        path.display()
    );
    let text = String::from_utf8(out.stdout).expect("exiftool prints UTF-8");
    // ExifTool lists every latitude (Doc1, Doc2, …) before every longitude: key by document.
    let mut docs: std::collections::BTreeMap<u32, (Vec<f64>, Vec<f64>)> = Default::default();
    for line in text.lines() {
        let Some((group, rest)) = line.split_once(']') else {
            continue;
        };
        let Some(doc) = group.trim_start_matches('[').strip_prefix("Doc") else {
            continue;
        };
        let (tag, value) = rest.split_once(':').expect("TAG : VALUE");
        let value: f64 = value.trim().parse().expect("a number with -n");
        let doc = docs.entry(doc.parse().expect("DocN")).or_default();
        match tag.trim() {
            "GPSLatitude" => doc.0.push(value),
            "GPSLongitude" => doc.1.push(value),
            other => panic!("unexpected tag {other}"),
        }
    }
    Some(
        docs.into_values()
            .flat_map(|(lats, lons)| lats.into_iter().zip(lons))
            .collect(),
    )
}

/// Every raw GPMF file of the corpus (relative to the corpus folder): concatenated DEVCs,
/// non-zero padding (hero7, consecutive2) and a zero-filled tail (mp4header) included.
pub const GOPRO_RAW_FILES: [&str; 10] = [
    "gopro/Fusion.raw",
    "gopro/hero5.raw",
    "gopro/hero6+ble.raw",
    "gopro/hero6.raw",
    "gopro/karma.raw",
    "gopro/gopro-telemetry/hero11.raw",
    "gopro/gopro-telemetry/hero7.raw",
    "gopro/gopro-telemetry/consecutive1.raw",
    "gopro/gopro-telemetry/consecutive2.raw",
    "gopro/gopro-telemetry/mp4header.raw",
];

/// A GPMF KLV written by hand (key, type char, struct size, repeat, data), zero-padded to 32
/// bits: for building payloads the encoder would refuse.
pub fn gpmf_klv(key: &[u8; 4], ty: u8, struct_size: u8, repeat: u16, data: &[u8]) -> Vec<u8> {
    let mut out = key.to_vec();
    out.extend([ty, struct_size]);
    out.extend(repeat.to_be_bytes());
    out.extend(data);
    out.resize(out.len().next_multiple_of(4), 0);
    out
}

/// A GPMF nest (type 0, struct size 1, repeat = byte length) around `children`.
pub fn gpmf_nest(key: &[u8; 4], children: &[Vec<u8>]) -> Vec<u8> {
    let body = children.concat();
    gpmf_klv(
        key,
        0,
        1,
        u16::try_from(body.len()).unwrap_or(u16::MAX),
        &body,
    )
}

/// `bytes` read as a track file: detected by content (it must be `kind`), every point, and
/// what else the reader learnt; panics naming the format on an error or any warning.
pub fn read_track(
    kind: &telemux_read::track_input::Kind,
    bytes: &[u8],
) -> (
    Vec<telemux_read::GpsPoint>,
    telemux_read::track_input::Parsed,
) {
    let detected = telemux_read::track_input::detect(bytes);
    assert!(
        detected.is_some_and(|d| std::ptr::eq(d, kind)),
        "{kind:?} detected as {detected:?}"
    );
    let mut points = Vec::new();
    let mut parsed = telemux_read::track_input::Parsed::default();
    (kind.read)(&mut &bytes[..], &mut |p| points.push(p), &mut parsed)
        .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
    assert_eq!(parsed.warnings, [], "{kind:?}");
    (points, parsed)
}

/// The fields (besides the position) telemux's export in `format` (`gpx`, `kml`, `geojson`,
/// `csv`, `json`) keeps and its reader gives back: the round-trip table of docs/formats.md,
/// "Text track inputs". KML keeps altitudes only of its timed points (see there).
pub fn export_keeps(format: &str) -> &'static [&'static str] {
    match format {
        "gpx" => &[
            "time",
            "altitude",
            "speed_2d",
            "course",
            "fix",
            "dop",
            "satellites",
        ],
        "kml" => &["time", "altitude"],
        "geojson" => &["time", "altitude", "speed_2d", "course"],
        "csv" => &[
            "time",
            "altitude",
            "speed_2d",
            "speed_3d",
            "course",
            "fix",
            "dop",
            "satellites",
        ],
        "json" => &[
            "time",
            "media_time",
            "altitude",
            "speed_2d",
            "speed_3d",
            "course",
            "fix",
            "dop",
            "satellites",
        ],
        _ => panic!("no export format {format:?}"),
    }
}

/// What a track format keeps of `point`: its position and the named fields (`time`,
/// `media_time`, `altitude`, `speed_2d`, `speed_3d`, `course`, `fix`, `dop`, `satellites`).
pub fn kept_fields(point: &telemux_read::GpsPoint, fields: &[&str]) -> telemux_read::GpsPoint {
    let has = |name| fields.contains(&name);
    telemux_read::GpsPoint {
        time: point.time.filter(|_| has("time")),
        media_time: point.media_time.filter(|_| has("media_time")),
        altitude: point.altitude.filter(|_| has("altitude")),
        speed_2d: point.speed_2d.filter(|_| has("speed_2d")),
        speed_3d: point.speed_3d.filter(|_| has("speed_3d")),
        course: point.course.filter(|_| has("course")),
        fix: point.fix.filter(|_| has("fix")),
        dop: point.dop.filter(|_| has("dop")),
        satellites: point.satellites.filter(|_| has("satellites")),
        ..telemux_read::GpsPoint::new(point.latitude, point.longitude)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_carry_their_size_and_type() {
        assert_eq!(mp4_box(b"free", b"ab"), b"\0\0\0\x0afreeab");
        assert_eq!(
            mp4_full_box(b"stco", 0, 1, &[9]),
            b"\0\0\0\x0dstco\0\0\0\x01\x09"
        );
        let moov = mp4_container(b"moov", &[mp4_box(b"udta", b"")]);
        assert_eq!(moov.len(), 16);
        assert_eq!(&moov[..8], b"\0\0\0\x10moov");
    }
}
