//! The layout of every output (`-o`, `--faststart`, `--in-place`; MP4 and MOV): the
//! telemetry joins the last mdat, so no output has two mdat before its moov (GoPro's
//! gpmf-parser stops after the second mdat/moov it meets), and the original streams stay
//! byte-identical. Also the unusual tails of issue 14: a moov that runs to the end of the
//! file (size 0), zero bytes and a size-0 `free` after the moov.

mod common;

use std::fs;
use std::path::Path;

use common::{
    assert_gpmf_output_is_sound, assert_in_place_refused, extract_points, fixture, inject_ride_gpx,
    telemux,
};
use telemux_read::mp4::Mp4;

/// Top-level box types of `path`, as telemux reads them.
fn top_level(path: &Path) -> Vec<String> {
    let mp4 = Mp4::open(&mut fs::File::open(path).unwrap()).unwrap();
    mp4.top_level().iter().map(|h| h.kind.to_string()).collect()
}

/// `telemux inject` on a copy of `input` in place, which must succeed; returns its stderr.
fn inject_in_place(input: &Path, copy: &Path, extra: &[&str]) -> String {
    fs::copy(input, copy).unwrap();
    let out = telemux()
        .arg("inject")
        .arg(copy)
        .arg("--gpx")
        .arg(fixture("ride.gpx"))
        .arg("--in-place")
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn every_output_has_one_mdat_before_its_moov() {
    let dir = tempfile::tempdir().unwrap();
    let at_end = ["ftyp", "free", "mdat", "moov"];
    let cases: [(&str, &[&str], &[&str]); 4] = [
        ("ride.mp4", &[], &at_end),
        (
            "ride.mp4",
            &["--faststart"],
            &["ftyp", "free", "moov", "mdat"],
        ),
        ("ride-faststart.mp4", &[], &["ftyp", "moov", "free", "mdat"]),
        (
            "clip.mov",
            &["--sync", "first-point"],
            &["ftyp", "wide", "mdat", "moov"],
        ),
    ];
    for (i, (name, extra, layout)) in cases.into_iter().enumerate() {
        let out = dir.path().join(format!("{i}-{name}"));
        inject_ride_gpx(&fixture(name), Some(&out), extra);
        assert_eq!(top_level(&out), layout, "{name} {extra:?}");
        assert_gpmf_output_is_sound(&fixture(name), &out);
    }
    for (name, extra, count, layout) in [
        ("ride.mp4", &[][..], 120, at_end),
        (
            "clip.mov",
            &["--sync", "first-point"][..],
            20,
            ["ftyp", "wide", "mdat", "moov"],
        ),
    ] {
        let copy = dir.path().join(format!("in-place-{name}"));
        let stderr = inject_in_place(&fixture(name), &copy, extra);
        assert!(stderr.contains("now ends at the new moov"), "{stderr}");
        assert_eq!(top_level(&copy), layout, "{name}");
        assert_eq!(extract_points(&copy), count, "{name}");
        assert_gpmf_output_is_sound(&fixture(name), &copy);
    }
}

/// A change to a file's bytes, given where its moov starts.
type Edit = fn(&mut Vec<u8>, usize);

/// ride.mp4 with its tail changed by `edit`.
fn ride_with(dir: &Path, name: &str, edit: Edit) -> std::path::PathBuf {
    let mut bytes = fs::read(fixture("ride.mp4")).unwrap();
    let moov = bytes.len() - 7582;
    assert_eq!(&bytes[moov + 4..moov + 8], b"moov");
    edit(&mut bytes, moov);
    let path = dir.join(name);
    fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn size_to_end_boxes_after_the_media_are_honoured() {
    let dir = tempfile::tempdir().unwrap();
    let tails: [(&str, Edit); 3] = [
        // moov last with size 0: "to the end of the file" (ISO 14496-12).
        ("moov-size-0.mp4", |b, moov| {
            b[moov..moov + 4].copy_from_slice(&[0; 4])
        }),
        // 12 zero bytes after the moov: trailing data, not a box.
        ("zeros.mp4", |b, _| b.extend_from_slice(&[0; 12])),
        // A size-0 free after the moov.
        ("free-size-0.mp4", |b, _| {
            b.extend_from_slice(b"\0\0\0\0free0123456789")
        }),
    ];
    for (name, edit) in tails {
        let input = ride_with(dir.path(), name, edit);
        let out = dir.path().join(format!("out-{name}"));
        inject_ride_gpx(&input, Some(&out), &[]);
        assert_eq!(extract_points(&out), 120, "{name} -o");
        assert_gpmf_output_is_sound(&input, &out);
        let copy = dir.path().join(format!("in-place-{name}"));
        if name == "zeros.mp4" {
            // Bytes that are no box after the moov are trailing data (docs/formats.md, *Where
            // the boxes stop*): --in-place refuses them rather than bury them in the mdat.
            fs::copy(&input, &copy).unwrap();
            assert_in_place_refused(&copy, "12 bytes at byte");
            continue;
        }
        inject_in_place(&input, &copy, &[]);
        assert_eq!(extract_points(&copy), 120, "{name} --in-place");
        assert_eq!(top_level(&copy), ["ftyp", "free", "mdat", "moov"], "{name}");
        assert_gpmf_output_is_sound(&input, &copy);
    }
}
