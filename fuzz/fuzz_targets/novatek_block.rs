//! Novatek `freeGPS`: every layout rule of `decode_block` (with and without the Rexing
//! transform and a camera clock offset), the `moov/gps ` index, and the block scan. Points
//! are always plausible, index entries fit the box, and the scan finds the same blocks
//! however the input is split across reads.

#![no_main]

use libfuzzer_sys::fuzz_target;
use telemux_fuzz::{assert_plausible, Trickle};
use telemux_read::novatek::{
    decode_block, parse_gps_index, BlockOutcome, BlockScanner, DecodeOptions,
};
use time::UtcOffset;

fuzz_target!(|input: (u8, &[u8])| {
    let (step, data) = input;
    let mut local = DecodeOptions::default();
    local.gps_tz = UtcOffset::from_hms(9, 0, 0).expect("valid offset");
    local.rexing_deobfuscate = true;
    for options in [DecodeOptions::default(), local] {
        if let BlockOutcome::Points(variant, points) = decode_block(data, &options) {
            assert!(!points.is_empty(), "{variant:?} yielded no points");
            assert_plausible(&points, variant.name());
        }
    }

    if let Ok(index) = parse_gps_index(data, 1000) {
        let room = data.len().saturating_sub(8) / 8;
        assert!(index.entries.len() + index.unused_slots <= room);
        assert!(index.entries.iter().all(|e| e.offset != 0 && e.size != 0));
    }

    let whole: Vec<_> = BlockScanner::new(data, 0)
        .map(|b| b.expect("in-memory reads"))
        .collect();
    let split: Vec<_> = BlockScanner::new(Trickle::new(data, usize::from(step) * 7 + 1), 0)
        .map(|b| b.expect("in-memory reads"))
        .collect();
    assert_eq!(whole, split, "the scan depends on how reads are split");
    for block in &whole {
        assert!(block.offset < data.len() as u64);
        if let BlockOutcome::Points(variant, points) =
            decode_block(&block.bytes, &DecodeOptions::default())
        {
            assert_plausible(&points, variant.name());
        }
    }
});
