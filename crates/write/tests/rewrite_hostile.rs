//! The rewrite on files the reader accepts but a muxer would not write: chunks that hold no
//! bytes, and chunks that run out of their box. Either the rewrite keeps every sample
//! byte-identical or it refuses; it never writes changed media. (Found by the `rewrite` fuzz
//! target and the review of its invariants.)

#[path = "../../../tests/common/synthetic.rs"]
mod synthetic;

use std::io::{Cursor, Seek, SeekFrom, Write};

use synthetic::{SynthTrack, SynthVideo};
use telemux_read::mp4::{BoxHeader, Mp4};
use telemux_write::mp4::{prepare, MoovPlacement, RewriteOptions, Target, TelemetryTrack};

fn telemetry() -> TelemetryTrack {
    TelemetryTrack {
        start_ms: 0,
        samples: vec![b"DEVC\0\x01\0\x04abcd".to_vec()],
        durations_ms: vec![1001],
    }
}

fn video(samples: Vec<Vec<u8>>, moov_first: bool) -> Vec<u8> {
    SynthVideo {
        tracks: vec![SynthTrack {
            handler: *b"vide",
            sample_entry: *b"avc1",
            timescale: 1000,
            samples,
            sample_duration: 40,
            chunking: vec![2],
            co64: false,
        }],
        moov_first,
        creation_time: 3_600_000_000,
    }
    .build()
}

fn options(target: Target) -> RewriteOptions {
    let mut options = RewriteOptions::default();
    options.target = target;
    options
}

/// (offset, size, bytes) of every sample of every track.
fn samples(bytes: &[u8]) -> Vec<Vec<(u64, u32, Vec<u8>)>> {
    let mut file = Cursor::new(bytes);
    let mp4 = Mp4::open(&mut file).unwrap();
    let tracks: Vec<_> = mp4.tracks().map(Result::unwrap).collect();
    tracks
        .iter()
        .map(|t| {
            t.samples()
                .map(|s| {
                    let s = s.unwrap();
                    (s.offset, s.size, t.read_sample(&mut file, &s).unwrap())
                })
                .collect()
        })
        .collect()
}

/// Rewrites `input` as `target` asks and returns the output bytes.
fn rewrite(input: &[u8], target: Target) -> Result<Vec<u8>, String> {
    let mut file = tempfile::tempfile().unwrap();
    file.write_all(input).unwrap();
    let mp4 = Mp4::open(&mut file).unwrap();
    let prepared = prepare(&mp4, &telemetry(), &options(target)).map_err(|e| e.to_string())?;
    let mut out = match target {
        Target::InPlace => {
            prepared.write_in_place(&mut file).unwrap();
            file
        }
        Target::Copy(_) => {
            let mut out = tempfile::tempfile().unwrap();
            prepared
                .write_copy(&mut file, &mut out, &mut |_| {})
                .unwrap();
            out
        }
        other => panic!("no rewrite for {other:?}"),
    };
    let mut bytes = Vec::new();
    out.seek(SeekFrom::Start(0)).unwrap();
    std::io::Read::read_to_end(&mut out, &mut bytes).unwrap();
    Ok(bytes)
}

#[test]
fn empty_samples_at_the_end_of_the_file_are_kept() {
    // Moov first and an empty mdat last: the chunk offset is the file's length, which is in no
    // box. The reader accepts the empty samples there; the rewrite used to refuse the file.
    let input = video(vec![Vec::new(), Vec::new(), Vec::new()], true);
    let before = samples(&input);
    assert_eq!(before[0].len(), 3);
    assert!(before[0]
        .iter()
        .all(|(offset, size, _)| *size == 0 && *offset == input.len() as u64));
    for target in [
        Target::Copy(MoovPlacement::Keep),
        Target::Copy(MoovPlacement::Front),
    ] {
        let after = samples(&rewrite(&input, target).unwrap());
        assert_eq!(after.len(), 2, "{target:?}");
        let sizes: Vec<u32> = after[0].iter().map(|(_, size, _)| *size).collect();
        assert_eq!(sizes, [0, 0, 0], "{target:?}");
        assert_eq!(after[1][0].2, telemetry().samples[0], "{target:?}");
    }
}

/// The top-level box of `kind` in `input`.
fn top_box(input: &[u8], kind: &[u8; 4]) -> BoxHeader {
    let mp4 = Mp4::open(&mut Cursor::new(input)).unwrap();
    *mp4.top_level()
        .iter()
        .find(|b| b.kind.as_bytes() == kind)
        .unwrap()
}

/// A one-track video with moov at the end whose only chunk, one 8-byte sample, is moved to
/// the offset `place` picks from the mdat and the moov.
fn chunk_moved(place: impl Fn(&BoxHeader, &BoxHeader) -> u64) -> Vec<u8> {
    let mut input = video(vec![b"abcdefgh".to_vec()], false);
    let offset = place(&top_box(&input, b"mdat"), &top_box(&input, b"moov"));
    let entry = {
        let mp4 = Mp4::open(&mut Cursor::new(&input)).unwrap();
        let track = mp4.tracks().next().unwrap().unwrap();
        track.sample_table.chunk_offsets.entry_offset(0) as usize
    };
    input[entry..entry + 4].copy_from_slice(&(offset as u32).to_be_bytes());
    input
}

/// Copied, the old moov's bytes would become the new moov's; in place, its type would become
/// `free`: a chunk that is not wholly in one media box would change under every rewrite.
fn assert_every_rewrite_refuses(input: &[u8], chunk_start: u64) {
    let message = format!(
        "moov/trak[0]/mdia/minf/stbl/stco: chunk 0 (bytes {chunk_start}..{}) is not inside one \
         top-level box outside moov, so it cannot be moved safely",
        chunk_start + 8
    );
    for target in [
        Target::Copy(MoovPlacement::Keep),
        Target::Copy(MoovPlacement::Front),
        Target::InPlace,
    ] {
        assert_eq!(rewrite(input, target), Err(message.clone()), "{target:?}");
    }
}

#[test]
fn a_chunk_running_into_the_moov_is_refused() {
    let input = chunk_moved(|mdat, _| mdat.end() - 4);
    let before = samples(&input);
    let (offset, _, sample) = &before[0][0];
    let mdat_end = offset + 4;
    // The last 4 bytes of mdat, then the moov's size field.
    assert_eq!(&sample[..4], b"efgh");
    let moov_size = input.len() as u64 - mdat_end;
    assert_eq!(sample[4..], (moov_size as u32).to_be_bytes());
    assert_every_rewrite_refuses(&input, *offset);
}

#[test]
fn a_chunk_inside_the_old_moov_is_refused() {
    let input = chunk_moved(|_, moov| moov.offset + 16);
    let moov = top_box(&input, b"moov").offset;
    assert_eq!(samples(&input)[0][0].2, input[moov as usize + 16..][..8]);
    assert_every_rewrite_refuses(&input, moov + 16);
}

#[test]
fn empty_samples_next_to_the_moov_are_kept() {
    // Moov last after an empty mdat: the chunk offset is where the moov starts. In place, the
    // old moov becomes `free` and the new one goes to the end; copied, the moov moves. The
    // empty samples must survive every way, pointing anywhere the reader accepts.
    let input = video(vec![Vec::new(), Vec::new()], false);
    let moov_start = top_box(&input, b"moov").offset;
    let before = samples(&input);
    assert!(before[0]
        .iter()
        .all(|(offset, size, _)| *size == 0 && *offset == moov_start));
    for target in [
        Target::Copy(MoovPlacement::Keep),
        Target::Copy(MoovPlacement::Front),
        Target::InPlace,
    ] {
        let output = rewrite(&input, target).unwrap();
        let after = samples(&output);
        assert_eq!(after.len(), 2, "{target:?}");
        let sizes: Vec<u32> = after[0].iter().map(|(_, size, _)| *size).collect();
        assert_eq!(sizes, [0, 0], "{target:?}");
        assert_eq!(after[1][0].2, telemetry().samples[0], "{target:?}");
        if target == Target::InPlace {
            // Only the mdat's size changed in the original bytes.
            let mdat = top_box(&input, b"mdat").offset as usize;
            let mut expected = input.clone();
            expected[mdat..mdat + 4].copy_from_slice(&output[mdat..mdat + 4]);
            assert_eq!(output[..input.len()], expected);
            assert_ne!(output[mdat..mdat + 4], input[mdat..mdat + 4]);
        }
    }
}
