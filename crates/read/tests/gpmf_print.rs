//! The listing shows every kind of KLV readably: nests, scaled samples, complex fields, text,
//! filler, and abbreviations unless everything is asked for.

use telemux_read::gpmf::{print, PrintOptions};
use telemux_testkit::{gpmf_klv as klv, gpmf_nest as nest};

fn payload() -> Vec<u8> {
    let scen = [
        &b"SNOW"[..],
        &0.5f32.to_be_bytes(),
        b"URBA",
        &0.25f32.to_be_bytes(),
    ]
    .concat();
    let accl: Vec<u8> = (0..7i16)
        .flat_map(|i| [i * 100, -i, 418].map(i16::to_be_bytes))
        .flatten()
        .collect();
    let devc = nest(
        b"DEVC",
        &[
            klv(b"DVNM", b'c', 1, 6, b"Camera"),
            nest(
                b"STRM",
                &[
                    klv(b"TYPE", b'c', 2, 1, b"Ff"),
                    klv(b"SCEN", b'?', 8, 2, &scen),
                    klv(b"FACE", b'?', 8, 0, &[]),
                ],
            ),
            nest(
                b"STRM",
                &[
                    klv(b"SIUN", b'c', 4, 1, b"m/s\xb2"),
                    klv(b"SCAL", b's', 2, 1, &418i16.to_be_bytes()),
                    klv(b"ACCL", b's', 6, 7, &accl),
                    klv(b"BLOB", b'?', 40, 1, &[0xab; 40]),
                    klv(b"GPSU", b'U', 16, 1, b"191118234514.000"),
                ],
            ),
        ],
    );
    [devc, vec![0; 8]].concat()
}

#[test]
fn listing_shows_structure_values_and_abbreviations() {
    let mut out = String::new();
    print(&payload(), PrintOptions::default(), &mut out).unwrap();
    assert_eq!(
        out,
        "\
DEVC nest 224 bytes
  DVNM c 1x6 \"Camera\"
  STRM nest 44 bytes
    TYPE c 2x1 \"Ff\"
    SCEN ? 8x2 2 samples:
      SNOW, 0.5
      URBA, 0.25
    FACE ? 8x0 (no samples)
  STRM nest 148 bytes
    SIUN c 4x1 \"m/s²\"
    SCAL s 2x1 418
    ACCL s 6x7 [m/s²] 7 samples:
      0.000, 0.000, 1.000
      0.239, -0.002, 1.000
      0.478, -0.005, 1.000
      0.718, -0.007, 1.000
      0.957, -0.010, 1.000
      … 2 more samples (--all prints every one)
    BLOB ? 40x1 (no TYPE) abababababababababababababababababababababababababababababababab … 8 more bytes
    GPSU U 16x1 \"191118234514.000\" (2019-11-18T23:45:14Z)
(zero padding, 8 bytes)
"
    );
}

#[test]
fn all_prints_every_sample_and_byte() {
    let mut out = String::new();
    print(&payload(), PrintOptions::with_all(true), &mut out).unwrap();
    assert!(out.contains("      1.435, -0.014, 1.000\n"), "{out}");
    assert!(
        out.contains(&format!("(no TYPE) {}\n", "ab".repeat(40))),
        "{out}"
    );
    assert!(!out.contains("more"), "{out}");
}

#[test]
fn a_damaged_payload_keeps_the_listing_up_to_the_damage() {
    let mut bytes = payload();
    let accl = bytes.windows(4).position(|w| w == b"ACCL").unwrap();
    bytes[accl + 5] = 5;
    let mut out = String::new();
    let err = print(&bytes, PrintOptions::default(), &mut out).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("DEVC[0]/STRM[1]/ACCL at byte {accl}: bad struct size: 5 for type 's'")
    );
    assert!(out.ends_with("    SCAL s 2x1 418\n"), "{out}");
}
