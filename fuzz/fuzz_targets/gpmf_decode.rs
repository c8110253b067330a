//! GPMF: the KLV walk, the owned tree, validation, the stream view with scaled samples and the
//! listing must all return (never panic) on any bytes. A tree that reads must encode, read back
//! the same, and encode to the very input bytes when its nest headers are the ones GoPro's
//! writer (and telemux's encoder) produce.

#![no_main]

use libfuzzer_sys::fuzz_target;
use telemux_read::gpmf::{self, Entries, Entry, Kind, PrintOptions};
use telemux_write::gpmf::encode;

fuzz_target!(|data: &[u8]| {
    let valid = gpmf::validate(data).is_ok();
    let tree = gpmf::read_tree(data);
    assert!(
        !valid || tree.is_ok(),
        "validate accepted what read_tree refused"
    );
    if let Ok(tree) = &tree {
        let bytes = encode(tree).expect("every tree the reader builds can be written");
        assert_eq!(
            gpmf::read_tree(&bytes).as_ref(),
            Ok(tree),
            "read_tree(encode(tree)) != tree"
        );
        if canonical_nests(gpmf::entries(data)) {
            assert_eq!(bytes, data, "encode(read_tree(x)) != x");
        }
    }

    if let Ok(payload) = gpmf::payload(data) {
        let mut scaled = Vec::new();
        for stream in payload.devices.iter().flat_map(|d| &d.streams) {
            let _ = stream.gps_time();
            scaled.clear();
            if let (Ok(Some(elements)), Ok(())) =
                (stream.elements(), stream.scaled_into(&mut scaled))
            {
                assert_eq!(scaled.len(), stream.sample_count() * elements);
            }
        }
    }

    // Every sample of small inputs; large ones list the first few of each KLV (the same
    // formatting code) so the target stays fast.
    let mut listing = String::new();
    let options = PrintOptions::with_all(data.len() <= 4096);
    let printed = gpmf::print(data, options, &mut listing);
    assert!(!valid || printed.is_ok(), "print refused a valid payload");
});

/// True when every nest header is the one the encoder writes for its length: struct size 1,
/// or the smallest power of two that keeps the repeat within 16 bits. (Other headers, e.g. a
/// nest declared as 3 × 4 bytes, describe the same tree but cannot be reproduced exactly.)
fn canonical_nests(entries: Entries<'_>) -> bool {
    entries.into_iter().all(|entry| match entry {
        Ok(Entry::Klv(klv)) if klv.kind == Kind::Nest => {
            let len = klv.data().len();
            let expected = (0..8)
                .map(|shift| 1usize << shift)
                .find(|size| len.div_ceil(*size) <= usize::from(u16::MAX));
            expected == Some(usize::from(klv.struct_size))
                && klv.children().is_some_and(canonical_nests)
        }
        Ok(_) => true,
        Err(_) => false,
    })
}
