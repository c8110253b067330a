//! MP4: the top-level walk, the moov tree, every typed box and every track's sample index on
//! any bytes. Every sample the index hands out lies inside the file and reads back as exactly
//! those bytes, and an unchanged moov rebuilt from its tree is byte-identical (what the
//! rewrite relies on to copy boxes it does not understand). The spherical metadata reader
//! (V1 XML, V2 boxes in the sample entries) runs on every track.

#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use telemux_read::mp4::{spherical, Mp4};
use telemux_write::mp4::edit_tree::EditBox;

fuzz_target!(|data: &[u8]| {
    let mut file = Cursor::new(data);
    let Ok(mp4) = Mp4::open(&mut file) else {
        return;
    };
    assert_eq!(mp4.file_len(), data.len() as u64);
    let moov = mp4.moov();
    let mut expected = moov.bytes().to_vec();
    if moov.root().header.size_to_end {
        // A moov of size 0 ("to the end of the file") is rebuilt with its real size.
        let size = u32::try_from(expected.len()).unwrap_or(1);
        expected[..4].copy_from_slice(&size.to_be_bytes());
    }
    assert_eq!(
        EditBox::from_tree(moov, moov.root()).to_bytes(),
        expected,
        "rebuilding the unchanged moov changed it"
    );
    let _ = mp4.mvhd();
    if let Some(udta) = mp4.user_data() {
        for (node, payload) in udta.items() {
            assert!(payload.len() as u64 <= node.header.size);
        }
    }
    let mut buf = Vec::new();
    for track in mp4.tracks() {
        let Ok(track) = track else { continue };
        let _ = spherical::read(moov, &track);
        let mut count = 0u32;
        for sample in track.samples() {
            let Ok(sample) = sample else { break };
            assert_eq!(sample.index, count);
            count += 1;
            let end = sample.offset + u64::from(sample.size);
            assert!(
                end <= data.len() as u64,
                "sample {} ends past the file",
                sample.index
            );
            track
                .read_sample_into(&mut file, &sample, &mut buf)
                .expect("a sample inside the file reads");
            assert_eq!(buf, data[sample.offset as usize..end as usize]);
        }
        assert!(count <= track.sample_count());
    }
});
