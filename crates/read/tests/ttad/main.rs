//! TomTom Bandit `TTAD` decoder against payloads built from the format description, against
//! ExifTool, and under random damage.

mod exiftool;
mod fuzz_seeds;
mod payload;
mod props;
mod records;
mod resync;
mod spec_rows;
mod telemetry;

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
