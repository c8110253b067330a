//! Not a check but a tool: `scripts/fuzz.sh` runs it to seed the `ttad_decode` fuzz target
//! with the payloads these tests build (written under `$TELEMUX_FUZZ_SEEDS`).

use telemux_read::ttad::{decode, DecodeOptions};

#[test]
#[ignore = "writes fuzz seeds; run by scripts/fuzz.sh"]
fn write_fuzz_seeds() {
    let dir = std::path::PathBuf::from(
        std::env::var_os("TELEMUX_FUZZ_SEEDS").expect("TELEMUX_FUZZ_SEEDS names the seed folder"),
    )
    .join("ttad_decode");
    std::fs::create_dir_all(&dir).unwrap();
    let seeds = [
        ("table", crate::exiftool::interop_payload()),
        ("fixed76", crate::spec_rows::rows_payload()),
    ];
    for (name, payload) in seeds {
        let decoded = decode(&payload, &DecodeOptions::default()).unwrap();
        assert_eq!(decoded.telemetry.gps.len(), 3, "{name}");
        std::fs::write(dir.join(name), payload).unwrap();
    }
}
