//! Arbitrary and damaged payloads never panic the decoder, and its layers agree: what
//! `validate` accepts, the tree reader, the stream view and the printer accept too.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use telemux_read::gpmf::{self, Entries, Entry, ErrorKind, PrintOptions};
use telemux_testkit::corpus_or_skip;

/// Walks every entry at every level; returns the KLV count or the first error.
fn walk_all(entries: Entries<'_>) -> Result<usize, gpmf::Error> {
    let mut count = 0;
    for entry in entries {
        if let Entry::Klv(klv) = entry? {
            count += 1 + klv.children().map(walk_all).transpose()?.unwrap_or(0);
        }
    }
    Ok(count)
}

/// Runs every decoding entry point on `bytes` and checks they agree with each other.
fn decode_everything(bytes: &[u8]) -> Result<(), TestCaseError> {
    let walked = walk_all(gpmf::entries(bytes));
    let tree = gpmf::read_tree(bytes);
    let valid = gpmf::validate(bytes);
    let view = gpmf::payload(bytes);
    let mut listing = String::new();
    let printed = gpmf::print(bytes, PrintOptions::with_all(true), &mut listing);
    prop_assert_eq!(walked.is_ok(), tree.is_ok(), "walk and tree disagree");
    if let Err(err) = &walked {
        prop_assert!(err.offset <= bytes.len());
        prop_assert_eq!(tree.as_ref().err(), Some(err));
    }
    match (&valid, &printed) {
        (Ok(()), _) => {
            prop_assert!(tree.is_ok());
            prop_assert!(
                printed.is_ok(),
                "validated but did not print: {:?}",
                printed
            );
            let view = view.map_err(|e| TestCaseError::fail(format!("validated, no view: {e}")))?;
            for stream in view.devices.iter().flat_map(|d| &d.streams) {
                // Numbers may legitimately be refused (text, no TYPE); panics may not.
                let _ = stream.scaled();
                let _ = stream.gps_time();
            }
        }
        // The payload-level rule is validation's alone; the printer lists any KLV tree.
        (Err(valid), _) if matches!(valid.kind, ErrorKind::NotDevice(_)) => {}
        (Err(valid), printed) => prop_assert_eq!(Err(valid), printed.as_ref()),
    }
    Ok(())
}

/// KLV-shaped bytes: mostly plausible headers (keys from real files, all type characters,
/// small sizes) so that generated input gets past the first header.
fn klv_soup() -> impl Strategy<Value = Vec<u8>> {
    let key = prop::sample::select(vec![
        *b"DEVC",
        *b"STRM",
        *b"SCAL",
        *b"TYPE",
        *b"GPS5",
        *b"GPSU",
        *b"UNIT",
        *b"ACCL",
        *b"\0\0\0\0",
    ]);
    let ty = prop::sample::select(b"\0bBcsSlLfdFGjJqQU?x".to_vec());
    let klv = (
        key,
        ty,
        0u8..40,
        0u16..12,
        prop::collection::vec(any::<u8>(), 0..64),
    )
        .prop_map(|(key, ty, ss, repeat, data)| {
            let mut out = key.to_vec();
            out.extend([ty, ss]);
            out.extend(repeat.to_be_bytes());
            out.extend(data);
            out
        });
    prop::collection::vec(klv, 0..12).prop_map(|parts| parts.concat())
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        decode_everything(&bytes)?;
    }

    #[test]
    fn klv_shaped_bytes_never_panic(bytes in klv_soup()) {
        decode_everything(&bytes)?;
    }
}

#[test]
fn damaged_corpus_payloads_never_panic() {
    let Some(corpus) = corpus_or_skip("damaged_corpus_payloads_never_panic") else {
        return;
    };
    let files: Vec<Vec<u8>> = ["gopro/hero5.raw", "gopro/karma.raw", "gopro/hero6+ble.raw"]
        .iter()
        .map(|name| std::fs::read(corpus.join(name)).unwrap())
        .collect();
    let damage = (
        0..files.len(),
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        any::<prop::sample::Index>(),
        any::<bool>(),
    );
    let mut runner = TestRunner::new(Config::default());
    runner
        .run(&damage, |(file, edits, cut, truncate)| {
            let mut bytes = files[file].clone();
            for (at, value) in edits {
                let at = at.index(bytes.len());
                bytes[at] = value;
            }
            if truncate {
                bytes.truncate(cut.index(bytes.len()));
            }
            decode_everything(&bytes)
        })
        .unwrap();
}
