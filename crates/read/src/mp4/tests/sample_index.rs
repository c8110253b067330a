//! Sample tables and the sample index on hand-built files: layouts, inconsistent tables,
//! adversarial sizes, offsets beyond 4 GiB.

use std::io::Cursor;
use std::time::{Duration, Instant};

use crate::mp4::synthetic::*;
use crate::mp4::*;
use crate::FourCC;
use telemux_testkit::{mp4_container, mp4_full_box};

#[test]
fn indexes_interleaved_chunks_and_reads_sample_bytes() {
    let tracks = [
        TrackSpec {
            timescale: 90000,
            chunks: vec![
                vec![(100, 3003), (40, 3003)],
                vec![(7, 3003)],
                vec![(0, 1500), (9, 1501)],
            ],
            co64: false,
        },
        TrackSpec {
            timescale: 1000,
            chunks: vec![vec![(3052, 1001)], vec![(7828, 1001)]],
            co64: true,
        },
    ];
    let (file, placed) = build(&tracks);
    let mp4 = open(&file).unwrap();
    let parsed: Vec<Track> = mp4.tracks().collect::<Result<_, _>>().unwrap();
    assert_eq!(parsed.len(), 2);
    assert_eq!(parsed[1].node.path, "moov/trak[1]");
    assert_eq!(parsed[1].tkhd.track_id, 2);
    assert_eq!(parsed[1].mdhd.timescale, 1000);
    assert!(parsed[1].sample_table.chunk_offsets.is_64_bit());
    let mut cursor = Cursor::new(&file);
    for (t, track) in parsed.iter().enumerate() {
        let samples: Vec<Sample> = track.samples().collect::<Result<_, _>>().unwrap();
        let got: Vec<(u64, u32, u64, u32)> = samples
            .iter()
            .map(|s| (s.offset, s.size, s.decode_time, s.duration))
            .collect();
        let want: Vec<(u64, u32, u64, u32)> = placed[t]
            .iter()
            .map(|p| (p.offset, p.size, p.decode_time, p.duration))
            .collect();
        assert_eq!(got, want);
        for sample in &samples {
            let bytes = track.read_sample(&mut cursor, sample).unwrap();
            assert_eq!(bytes, sample_bytes(t, sample.index as usize, sample.size));
        }
    }
    let video: Vec<Sample> = parsed[0].samples().collect::<Result<_, _>>().unwrap();
    assert_eq!(video[0].offset, 28);
    assert_eq!(video[1].offset, 128);
    assert_eq!(video[4].decode_time, 3003 * 3 + 1500);
    assert!((video[4].decode_seconds - 10509.0 / 90000.0).abs() < 1e-12);
}

#[test]
fn sample_count_mismatch_between_stsz_and_stco() {
    // Five sizes but one sample in each of three chunks.
    let file = file_with_tables(
        &[
            stts(&[[5, 10]]),
            stsc(&[[1, 1, 1]]),
            stsz(&[1; 5]),
            stco(&[28, 29, 30]),
        ],
        5,
    );
    let err = open(&file).unwrap().tracks().next().unwrap().unwrap_err();
    assert_eq!(err.path, "moov/trak[0]/mdia/minf/stbl/stsc");
    assert_eq!(err.offset, box_at(&file, b"stsc") as u64);
    assert!(matches!(
        err.kind,
        ErrorKind::TooFewChunkSamples {
            described: 3,
            sizes: 5
        }
    ));
}

#[test]
fn chunk_capacity_counts_every_run_up_to_the_next_and_the_last_to_the_table_end() {
    // Chunks 1-2 hold 2 samples each, chunks 3-5 one each: 7 places for 6 samples, which
    // opening accepts (only fewer places is a conflict) and verify reports.
    let file = file_with_tables(
        &[
            stts(&[[6, 10]]),
            stsc(&[[1, 2, 1], [3, 1, 1]]),
            stsz(&[1; 6]),
            stco(&[28, 29, 30, 31, 32]),
        ],
        6,
    );
    let mp4 = open(&file).unwrap();
    let track = mp4.tracks().next().unwrap().unwrap();
    assert_eq!(track.sample_table.chunk_capacity(), 2 * 2 + 3);
}

#[test]
fn sample_count_mismatch_between_stsz_and_stts() {
    let file = file_with_tables(
        &[
            stts(&[[2, 10], [2, 20]]),
            stsc(&[[1, 5, 1]]),
            stsz(&[1; 5]),
            stco(&[28]),
        ],
        5,
    );
    let err = open(&file).unwrap().tracks().next().unwrap().unwrap_err();
    assert_eq!(err.path, "moov/trak[0]/mdia/minf/stbl/stts");
    assert_eq!(err.offset, box_at(&file, b"stts") as u64);
    assert!(matches!(
        err.kind,
        ErrorKind::SampleCountMismatch { stts: 4, sizes: 5 }
    ));
}

#[test]
fn stsc_pointing_past_the_chunk_table() {
    let file = file_with_tables(
        &[
            stts(&[[3, 10]]),
            stsc(&[[1, 1, 1], [4, 1, 1]]),
            stsz(&[1; 3]),
            stco(&[28, 29, 30]),
        ],
        3,
    );
    let err = open(&file).unwrap().tracks().next().unwrap().unwrap_err();
    assert_eq!(err.path, "moov/trak[0]/mdia/minf/stbl/stsc");
    // Second entry: header 8, version/flags 4, count 4, first entry 12.
    assert_eq!(err.offset, box_at(&file, b"stsc") as u64 + 28);
    assert!(matches!(
        err.kind,
        ErrorKind::ChunkPastTable {
            entry: 1,
            first_chunk: 4,
            chunks: 3
        }
    ));
}

#[test]
fn stsc_runs_must_start_at_one_and_increase() {
    for runs in [&[[2, 3, 1]][..], &[[1, 1, 1], [3, 1, 1], [3, 1, 1]][..]] {
        let file = file_with_tables(
            &[
                stts(&[[3, 10]]),
                stsc(runs),
                stsz(&[1; 3]),
                stco(&[28, 29, 30]),
            ],
            3,
        );
        let err = open(&file).unwrap().tracks().next().unwrap().unwrap_err();
        assert!(matches!(err.kind, ErrorKind::ChunkRunOrder { .. }), "{err}");
    }
}

#[test]
fn chunk_offset_past_the_end_of_the_file() {
    let tables = |second: u32| {
        [
            stts(&[[2, 10]]),
            stsc(&[[1, 1, 1]]),
            stsz(&[4, 4]),
            stco(&[28, second]),
        ]
    };
    let len = file_with_tables(&tables(0), 8).len() as u32;
    let file = file_with_tables(&tables(len - 2), 8);
    let mp4 = open(&file).unwrap();
    let track = mp4.tracks().next().unwrap().unwrap();
    let mut samples = track.samples();
    assert_eq!(samples.next().unwrap().unwrap().offset, 28);
    let err = samples.next().unwrap().unwrap_err();
    assert!(samples.next().is_none());
    assert_eq!(err.path, "moov/trak[0]/mdia/minf/stbl/stco");
    assert_eq!(err.offset, u64::from(len - 2));
    assert!(matches!(
        err.kind,
        ErrorKind::SampleOutsideFile { index: 1, size: 4, end, file_len } if end == u64::from(len + 2) && file_len == u64::from(len)
    ));
}

/// Adversarial tables: a million samples, each in its own chunk and its own `stsc` and `stts`
/// run. A quadratic walk would take hours; the linear one takes well under a second.
#[test]
fn million_entry_tables_in_linear_time() {
    const N: u32 = 1_000_000;
    let media_at = 28u32;
    let time_runs: Vec<[u32; 2]> = (0..N).map(|i| [1, i % 7 + 1]).collect();
    let chunk_runs: Vec<[u32; 3]> = (0..N).map(|i| [i + 1, 1, 1]).collect();
    let sizes: Vec<u32> = (0..N).map(|i| i % 3).collect();
    let mut offsets = Vec::with_capacity(N as usize);
    let mut at = media_at;
    for &size in &sizes {
        offsets.push(at);
        at += size;
    }
    let file = file_with_tables(
        &[
            stts(&time_runs),
            stsc(&chunk_runs),
            stsz(&sizes),
            stco(&offsets),
        ],
        (at - media_at) as usize,
    );

    let start = Instant::now();
    let mp4 = open(&file).unwrap();
    let track = mp4.tracks().next().unwrap().unwrap();
    let (mut count, mut bytes, mut last) = (0u32, 0u64, None);
    for sample in track.samples() {
        let sample = sample.unwrap();
        count += 1;
        bytes += u64::from(sample.size);
        last = Some(sample);
    }
    let elapsed = start.elapsed();
    assert_eq!(count, N);
    assert_eq!(bytes, u64::from(at - media_at));
    let last = last.unwrap();
    assert_eq!(last.offset, u64::from(*offsets.last().unwrap()));
    let expected_time: u64 = (0..N - 1).map(|i| u64::from(i % 7 + 1)).sum();
    assert_eq!(
        (last.decode_time, last.duration),
        (expected_time, (N - 1) % 7 + 1)
    );
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
}

/// A fixed sample size costs nothing per sample: a 20-byte stsz claiming 4 billion 1-byte
/// samples, spread by stsc over 65536 chunks stacked on the same 64 KiB of media, would keep
/// the index busy for minutes. Samples of a fixed size must fit in the file.
#[test]
fn fixed_size_sample_bomb_is_refused_at_once() {
    let per_chunk = 1u32 << 16;
    let fixed = mp4_full_box(b"stsz", 0, 0, &[0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF]);
    let file = file_with_tables(
        &[
            stts(&[[u32::MAX, 1]]),
            stsc(&[[1, per_chunk, 1]]),
            fixed,
            stco(&vec![28; per_chunk as usize]),
        ],
        per_chunk as usize,
    );
    let start = Instant::now();
    let err = open(&file).unwrap().tracks().next().unwrap().unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(2));
    let file_len = file.len() as u64;
    assert!(matches!(
        err.kind,
        ErrorKind::SamplesExceedFile { count: 0xFFFF_FFFF, size: 1, file_len: len } if len == file_len
    ));
    assert_eq!(err.path, "moov/trak[0]/mdia/minf/stbl/stsz");
    assert_eq!(
        err.to_string(),
        format!(
            "moov/trak[0]/mdia/minf/stbl/stsz at byte {}: 4294967295 samples of 1 bytes each \
             need more bytes than the whole file has ({file_len})",
            err.offset
        )
    );
}

#[test]
fn stz2_compact_sizes() {
    // 4-bit sizes 1, 2, 3 (odd count: the last nibble is padding).
    let stz2_4 = mp4_full_box(b"stz2", 0, 0, &[0, 0, 0, 4, 0, 0, 0, 3, 0x12, 0x30]);
    let file = file_with_tables(
        &[stts(&[[3, 10]]), stsc(&[[1, 3, 1]]), stz2_4, stco(&[28])],
        6,
    );
    let sizes: Vec<(u64, u32)> = samples_of(&open(&file).unwrap())
        .unwrap()
        .iter()
        .map(|s| (s.offset, s.size))
        .collect();
    assert_eq!(sizes, [(28, 1), (29, 2), (31, 3)]);

    let stz2_16 = mp4_full_box(
        b"stz2",
        0,
        0,
        &[0, 0, 0, 16, 0, 0, 0, 2, 0x01, 0x00, 0x00, 0x02],
    );
    let file = file_with_tables(
        &[stts(&[[2, 10]]), stsc(&[[1, 2, 1]]), stz2_16, stco(&[28])],
        258,
    );
    let sizes: Vec<u32> = samples_of(&open(&file).unwrap())
        .unwrap()
        .iter()
        .map(|s| s.size)
        .collect();
    assert_eq!(sizes, [256, 2]);

    let bad = mp4_full_box(b"stz2", 0, 0, &[0, 0, 0, 5, 0, 0, 0, 0]);
    let file = file_with_tables(&[stts(&[]), stsc(&[]), bad, stco(&[])], 0);
    let err = open(&file).unwrap().tracks().next().unwrap().unwrap_err();
    assert!(matches!(err.kind, ErrorKind::Stz2FieldSize { bits: 5 }));
}

#[test]
fn fixed_sample_size_and_empty_tracks() {
    let fixed = mp4_full_box(b"stsz", 0, 0, &[0, 0, 0, 2, 0, 0, 0, 3]);
    let file = file_with_tables(
        &[
            stts(&[[3, 5]]),
            stsc(&[[1, 2, 1], [2, 1, 1]]),
            fixed,
            stco(&[28, 40]),
        ],
        20,
    );
    let got: Vec<(u64, u32, u64)> = samples_of(&open(&file).unwrap())
        .unwrap()
        .iter()
        .map(|s| (s.offset, s.size, s.decode_time))
        .collect();
    assert_eq!(got, [(28, 2, 0), (30, 2, 5), (40, 2, 10)]);

    // A fragmented file's stbl: no samples, tables not consulted.
    let file = file_with_tables(&[stts(&[]), stsc(&[[1, 1, 1]]), stsz(&[]), stco(&[])], 0);
    assert_eq!(samples_of(&open(&file).unwrap()).unwrap(), []);
}

#[test]
fn reading_a_sample_past_the_data_fails_cleanly() {
    let (file, _) = build(&[TrackSpec {
        timescale: 10,
        chunks: vec![vec![(5, 1)]],
        co64: false,
    }]);
    let mp4 = open(&file).unwrap();
    let track = mp4.tracks().next().unwrap().unwrap();
    let mut sample = track.samples().next().unwrap().unwrap();
    sample.offset = file.len() as u64 - 2;
    let err = track
        .read_sample(&mut Cursor::new(&file), &sample)
        .unwrap_err();
    assert_eq!(
        (err.path.as_str(), err.offset),
        ("moov/trak[0]", file.len() as u64 - 2)
    );
    assert!(matches!(
        err.kind,
        ErrorKind::SampleRead {
            index: 0,
            size: 5,
            ..
        }
    ));
}

/// `co64` offsets beyond 4 GiB, in a sparse file: only the moov and the two samples are
/// written, the rest is a hole.
#[test]
fn co64_offsets_beyond_4_gib_in_a_sparse_file() {
    use std::io::{Seek, SeekFrom, Write};

    const GIB: u64 = 1 << 30;
    let offsets = [4 * GIB + GIB / 2, 5 * GIB + 3];
    let file_len = 5 * GIB + 64;
    let moov = mp4_container(
        b"moov",
        &[
            mvhd(1000, 2),
            trak_with(
                1,
                1000,
                &[
                    stts(&[[2, 1001]]),
                    stsc(&[[1, 1, 1]]),
                    stsz(&[4, 6]),
                    co64(&offsets),
                ],
            ),
        ],
    );
    let mut head = [ftyp(), moov].concat();
    let mdat_at = head.len() as u64;
    head.extend(1u32.to_be_bytes());
    head.extend(b"mdat");
    head.extend((file_len - mdat_at).to_be_bytes());

    let mut file = tempfile::tempfile().unwrap();
    file.set_len(file_len).unwrap();
    file.write_all(&head).unwrap();
    file.seek(SeekFrom::Start(offsets[0])).unwrap();
    file.write_all(b"GPMF").unwrap();
    file.seek(SeekFrom::Start(offsets[1])).unwrap();
    file.write_all(b"beyond").unwrap();

    let mp4 = Mp4::open(&mut file).unwrap();
    let mdat = mp4.top_level()[2];
    assert_eq!(
        (mdat.kind, mdat.header_len, mdat.end()),
        (FourCC::new(b"mdat"), 16, file_len)
    );
    let track = mp4.tracks().next().unwrap().unwrap();
    assert!(track.sample_table.chunk_offsets.is_64_bit());
    let samples: Vec<Sample> = track.samples().collect::<Result<_, _>>().unwrap();
    let got: Vec<(u64, u32, u64)> = samples
        .iter()
        .map(|s| (s.offset, s.size, s.decode_time))
        .collect();
    assert_eq!(got, [(offsets[0], 4, 0), (offsets[1], 6, 1001)]);
    assert_eq!(track.read_sample(&mut file, &samples[0]).unwrap(), b"GPMF");
    assert_eq!(
        track.read_sample(&mut file, &samples[1]).unwrap(),
        b"beyond"
    );
}
