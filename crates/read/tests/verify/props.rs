//! `verify` never panics: damaged copies of the clips (bytes changed, mostly in `moov`; cut
//! short; junk appended) give a report or an error, and every report's checks keep their ids.

use std::io::Cursor;

use proptest::prelude::*;
use telemux_read::verify::verify;

use crate::edit::{fixture, options, top};

const IDS: [&str; 15] = [
    "box_structure",
    "box_overlap",
    "trailing_data",
    "moov_count",
    "moov_position",
    "reader_reach",
    "movie_header",
    "tracks",
    "sample_tables",
    "chunks_in_mdat",
    "chunk_overlap",
    "chunk_offset_width",
    "edit_lists",
    "spherical",
    "fragments",
];

proptest! {
    #[test]
    fn damaged_clips_give_reports_or_errors_never_panics(
        which in 0usize..3,
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), any::<bool>()), 1..12),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
        tail in prop::collection::vec(any::<u8>(), 0..40),
    ) {
        let name = ["clip-moov-end.mp4", "clip-faststart.mp4", "clip.mov"][which];
        let mut bytes = fixture(name);
        let moov = top(&bytes, b"moov");
        for (at, byte, in_moov) in flips {
            let i = if in_moov {
                moov.offset as usize + at.index(moov.size as usize)
            } else {
                at.index(bytes.len())
            };
            bytes[i] = byte;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        bytes.extend(tail);
        if let Ok(report) = verify(&mut Cursor::new(&bytes), &options(true)) {
            let ids: Vec<&str> = report.checks.iter().map(|c| c.id).collect();
            prop_assert_eq!(&ids[..IDS.len()], &IDS[..]);
            prop_assert_eq!(ids.len(), IDS.len() + 9 + 10);
        }
    }
}
