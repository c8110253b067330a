//! TomTom Bandit `TTAD` decoder against payloads built from the format description, against
//! ExifTool, and under random damage.

mod exiftool;
mod file;
mod fuzz_seeds;
mod payload;
mod props;
mod records;
mod resync;
mod spec_rows;
mod telemetry;

use telemux_testkit::{mp4_box, mp4_container, mp4_full_box};

/// A minimal MP4 (ftyp, moov with mvhd and `udta/TTMD/TTAD`) carrying `ttad`.
pub fn synthetic_mp4(ttad: &[u8]) -> Vec<u8> {
    let ftyp = mp4_box(b"ftyp", b"isom\0\0\x02\0isomiso2");
    let udta = mp4_container(
        b"udta",
        &[mp4_container(b"TTMD", &[mp4_box(b"TTAD", ttad)])],
    );
    let moov = mp4_container(b"moov", &[mp4_full_box(b"mvhd", 0, 0, &[0; 96]), udta]);
    [ftyp, moov].concat()
}

/// Equality of floating-point results up to rounding of the unit conversion.
#[track_caller]
pub fn assert_close(got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
    for (g, w) in got.iter().zip(want) {
        assert!(
            (g - w).abs() <= 1e-12 * w.abs().max(1.0),
            "{got:?} vs {want:?}"
        );
    }
}
