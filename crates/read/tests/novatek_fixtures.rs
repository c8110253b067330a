//! Synthetic files for every supported layout — MP4 with the `moov/gps ` index, MP4 without
//! it (scanned), MPEG-TS with records straddling packets — decoded back to the fixes they were
//! built from.

mod novatek_support;

use std::io::{self, Cursor, Read};

use novatek_support::containers::{self, mp4, ts};
use novatek_support::encode::{self, core_record, innovv_record};
use novatek_support::{assert_points, samples, vancouver, Fix, Sample, F32_DDMM};
use telemux_read::novatek::{
    decode_block, looks_like_ts, merge_clips, parse_gps_index, read_indexed_blocks,
    read_scanned_blocks, read_ts, BlockOutcome, BlockScanner, ClipTrack, DecodeOptions, SkipReason,
    TrackBuilder, TsGpsReader, Variant,
};
use time::macros::datetime;

/// Three blocks of each layout, two seconds apart (multi-fix blocks hold two seconds).
fn clips() -> Vec<(Sample, Vec<Vec<u8>>, Vec<Fix>)> {
    let runs = [samples(0), samples(2), samples(4)];
    (0..runs[0].len())
        .map(|i| {
            let blocks = runs.iter().map(|run| run[i].block.clone()).collect();
            let fixes = runs.iter().flat_map(|run| run[i].fixes.clone()).collect();
            (runs[0][i].clone(), blocks, fixes)
        })
        .collect()
}

fn indexed_track(file: &containers::Mp4) -> ClipTrack {
    let (payload_at, payload) = file.index_payload.clone().unwrap();
    let index = parse_gps_index(&payload, payload_at).unwrap();
    let mut track = TrackBuilder::new();
    let mut reader = Cursor::new(&file.bytes);
    read_indexed_blocks(&mut reader, &index, &DecodeOptions::default(), &mut track).unwrap();
    track.finish()
}

fn scanned_track(file: &containers::Mp4) -> ClipTrack {
    let (start, len) = file.mdat;
    let mdat = &file.bytes[start as usize..(start + len) as usize];
    let mut track = TrackBuilder::new();
    read_scanned_blocks(mdat, start, &DecodeOptions::default(), &mut track).unwrap();
    track.finish()
}

#[test]
fn every_layout_decodes_back_from_a_single_block() {
    let all = samples(0);
    assert_eq!(all.len(), 24);
    for sample in all {
        match decode_block(&sample.block, &DecodeOptions::default()) {
            BlockOutcome::Points(variant, points) => {
                assert_eq!(variant, sample.variant, "{}", sample.name);
                assert_points(sample.name, &points, &sample.fixes, &sample.precision);
            }
            other => panic!("{}: {other:?}", sample.name),
        }
    }
}

#[test]
fn indexed_mp4_of_every_layout() {
    for (sample, blocks, fixes) in clips() {
        let file = mp4(&blocks, true);
        let (payload_at, payload) = file.index_payload.clone().unwrap();
        let index = parse_gps_index(&payload, payload_at).unwrap();
        let offsets: Vec<u64> = index.entries.iter().map(|e| e.offset).collect();
        assert_eq!(offsets, file.block_offsets, "{}", sample.name);
        assert_eq!((index.declared, index.unused_slots), (5, 2));
        let track = indexed_track(&file);
        assert_points(sample.name, &track.points, &fixes, &sample.precision);
        assert_eq!(track.summary.blocks, 3, "{}", sample.name);
        assert_eq!(
            track.summary.variants[&sample.variant], 3,
            "{}",
            sample.name
        );
        assert_eq!(track.summary.duplicates, 0, "{}", sample.name);
    }
}

#[test]
fn mp4_without_index_is_scanned_to_the_same_points() {
    for (sample, blocks, fixes) in clips() {
        let file = mp4(&blocks, false);
        assert!(file.index_payload.is_none());
        let (start, len) = file.mdat;
        let mdat = &file.bytes[start as usize..(start + len) as usize];
        let found: Vec<u64> = BlockScanner::new(mdat, start)
            .map(|block| block.unwrap().offset)
            .collect();
        assert_eq!(found, file.block_offsets, "{}", sample.name);
        let track = scanned_track(&file);
        assert_points(sample.name, &track.points, &fixes, &sample.precision);
    }
}

#[test]
fn rexing_mp4_needs_the_option() {
    let fixes = [vancouver(), vancouver().later(1)];
    let blocks: Vec<Vec<u8>> = fixes.iter().map(encode::rexing).collect();
    let file = mp4(&blocks, true);
    let (payload_at, payload) = file.index_payload.clone().unwrap();
    let index = parse_gps_index(&payload, payload_at).unwrap();
    let mut options = DecodeOptions::default();
    options.rexing_deobfuscate = true;
    let mut track = TrackBuilder::new();
    read_indexed_blocks(&mut Cursor::new(&file.bytes), &index, &options, &mut track).unwrap();
    let track = track.finish();
    // f32 holds 3·lat + 188 and 2·lon + 2199 to ~2.4e-4: ~1e-4° (about 10 m) after the
    // transform — the format's own resolution.
    let precision = novatek_support::Precision {
        position: 1.5e-4,
        ..F32_DDMM
    };
    assert_points("rexing", &track.points, &fixes, &precision);
    assert_eq!(track.summary.variants[&Variant::Rexing], 2);
}

/// Hands out at most `step` bytes per read, cycling 1..=7, to split blocks everywhere.
struct Trickle<R> {
    inner: R,
    step: usize,
}

impl<R: Read> Read for Trickle<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.step = self.step % 7 + 1;
        let n = buf.len().min(self.step);
        self.inner.read(&mut buf[..n])
    }
}

#[test]
fn scanning_finds_blocks_split_across_reads_and_chunks() {
    let (_, blocks, _) = clips().remove(3);
    let file = mp4(&blocks, false);
    let trickle = Trickle {
        inner: Cursor::new(&file.bytes),
        step: 0,
    };
    let found: Vec<(u64, Vec<u8>)> = BlockScanner::new(trickle, 0)
        .map(|block| block.map(|b| (b.offset, b.bytes)).unwrap())
        .collect();
    let expected: Vec<(u64, Vec<u8>)> = file.block_offsets.iter().copied().zip(blocks).collect();
    assert_eq!(found, expected);

    // Every split of the 12-byte size + magic across the scanner's 64 KiB chunk boundary.
    let block = encode::novatek_at16(&vancouver());
    for before in 65_536 - 12..=65_536 + 1 {
        let mut data = containers::filler(before, 5);
        data.extend(&block);
        data.extend(containers::filler(100, 6));
        let found: Vec<_> = BlockScanner::new(Cursor::new(&data), 1000)
            .map(Result::unwrap)
            .collect();
        assert_eq!(found.len(), 1, "block after {before} bytes");
        assert_eq!(found[0].offset, 1000 + before as u64);
        assert_eq!(found[0].bytes, block);
    }
}

#[test]
fn scanning_streams_large_inputs() {
    // 64 MiB of `f` (the first magic byte, the scanner's slowest case) then one block, read
    // through `Read` without ever being held in memory.
    let block = encode::novatek_at48(&vancouver());
    let noise = io::repeat(b'f').take(64 << 20);
    let stream = noise.chain(Cursor::new(block.clone()));
    let found: Vec<_> = BlockScanner::new(stream, 0).map(Result::unwrap).collect();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].offset, 64 << 20);
    assert_eq!(found[0].bytes, block);
}

/// Hands out one byte per read, as a slow pipe may.
struct OneByte<R>(R);

impl<R: Read> Read for OneByte<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(1);
        self.0.read(&mut buf[..n])
    }
}

#[test]
fn one_byte_reads_stay_linear() {
    // The scanner zeroed a fresh 64 KiB buffer for every read and the TS reader 48 KiB, so
    // 16 MiB read a byte at a time took over a minute (found by the novatek_block fuzz target's
    // split reads). Both now read on until their buffer is full.
    let block = encode::novatek_at16(&vancouver());
    let mut data = containers::filler(16 << 20, 3);
    data.extend(&block);
    let start = std::time::Instant::now();
    let found: Vec<_> = BlockScanner::new(OneByte(Cursor::new(&data)), 0)
        .map(Result::unwrap)
        .collect();
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].offset, &found[0].bytes), (16 << 20, &block));

    let fixes: Vec<Fix> = (0..3).map(|s| vancouver().later(s)).collect();
    let stream = ts(&ts_payloads(&fixes), 20).repeat(8000);
    let mut track = TrackBuilder::new();
    let options = DecodeOptions::default();
    let stats = read_ts(OneByte(Cursor::new(&stream)), &options, &mut track).unwrap();
    assert_eq!(stats, ts_track(&stream).1);
    assert_eq!((stats.payloads, stats.resyncs), (24_000, 0));
    let elapsed = start.elapsed();
    assert!(
        elapsed < std::time::Duration::from_secs(10),
        "took {elapsed:?}"
    );
}

#[test]
fn a_false_magic_with_an_absurd_size_is_passed_over() {
    let block = encode::novatek_at16(&vancouver());
    let mut data = b"\xff\xff\xff\xfffreeGPS \0\0\0\x05freeGPS ".to_vec();
    data.extend(&block);
    let found: Vec<_> = BlockScanner::new(Cursor::new(&data), 0)
        .map(Result::unwrap)
        .collect();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].offset, 24);
}

#[test]
fn clips_repeating_the_previous_clips_blocks_merge_without_duplicates() {
    let blocks = |from: i64, to: i64| -> Vec<Vec<u8>> {
        (from..to)
            .map(|s| encode::novatek_at16(&vancouver().later(s)))
            .collect()
    };
    // Clip 2 starts with the last two blocks of clip 1 (61 blocks for 60 s, spec §1.1).
    let first = indexed_track(&mp4(&blocks(0, 4), true));
    let second = indexed_track(&mp4(&blocks(2, 7), true));
    assert_eq!((first.points.len(), second.points.len()), (4, 5));
    let (merged, dropped) = merge_clips([first.points, second.points]);
    assert_eq!(dropped, 2);
    let fixes: Vec<Fix> = (0..7).map(|s| vancouver().later(s)).collect();
    assert_points("merged", &merged, &fixes, &F32_DDMM);
}

#[test]
fn atc_ring_repeats_are_removed_within_a_clip() {
    // Each block rewrites the whole ring: block n holds seconds 0..=n.
    let ring = |n: i64| -> Vec<Fix> { (0..=n).map(|s| vancouver().later(s)).collect() };
    let blocks: Vec<Vec<u8>> = (0..4).map(|n| encode::atc(&ring(n))).collect();
    let track = scanned_track(&mp4(&blocks, false));
    assert_eq!(track.summary.duplicates, 6);
    assert_eq!(track.points.len(), 4);
    assert_eq!(track.points[3].time, Some(vancouver().later(3).time));
}

#[test]
fn truncated_files_and_bad_index_entries_are_counted() {
    let fixes: Vec<Fix> = (0..3).map(|s| vancouver().later(s)).collect();
    let blocks: Vec<Vec<u8>> = fixes.iter().map(encode::novatek_at16).collect();
    let file = mp4(&blocks, true);
    let (payload_at, mut payload) = file.index_payload.clone().unwrap();
    // Point the second entry past the end of the file.
    payload[16..20].copy_from_slice(&u32::MAX.to_be_bytes());
    let index = parse_gps_index(&payload, payload_at).unwrap();
    // Cut the file inside the third block, after its record (offset + 100).
    let cut = file.block_offsets[2] as usize + 100;
    let mut track = TrackBuilder::new();
    let mut reader = Cursor::new(&file.bytes[..cut]);
    read_indexed_blocks(&mut reader, &index, &DecodeOptions::default(), &mut track).unwrap();
    let track = track.finish();
    assert_eq!(track.summary.skipped[&SkipReason::Truncated], 1);
    assert_points("cut", &track.points, &[fixes[0], fixes[2]], &F32_DDMM);

    // Cut before the record ends: the block is reported truncated.
    let cut = file.block_offsets[2] as usize + 50;
    let mut track = TrackBuilder::new();
    read_indexed_blocks(
        &mut Cursor::new(&file.bytes[..cut]),
        &index,
        &DecodeOptions::default(),
        &mut track,
    )
    .unwrap();
    let summary = track.finish().summary;
    assert_eq!(summary.skipped[&SkipReason::Truncated], 2);
    assert_eq!(summary.points, 1);
}

/// TS payloads for `fixes`: A119 V3 (record at 0), B4K (164-byte prefix) and INNOVV in turn.
fn ts_payloads(fixes: &[Fix]) -> Vec<Vec<u8>> {
    fixes
        .iter()
        .enumerate()
        .map(|(i, fix)| {
            let year = fix.time.year() as u32 - 2000;
            match i % 3 {
                0 => core_record(fix, year),
                1 => {
                    let mut payload = vec![0x5A; 164];
                    payload[..4].copy_from_slice(&[1, 0, 0xFF, 0]);
                    payload.extend(core_record(fix, year));
                    payload.extend([1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0]);
                    payload
                }
                _ => {
                    let mut payload = innovv_record(fix);
                    payload.extend(b"V00\0");
                    payload.resize(64, 0);
                    payload
                }
            }
        })
        .collect()
}

fn ts_track(data: &[u8]) -> (ClipTrack, telemux_read::novatek::TsStats) {
    let mut track = TrackBuilder::new();
    let stats = read_ts(data, &DecodeOptions::default(), &mut track).unwrap();
    (track.finish(), stats)
}

#[test]
fn ts_records_straddling_packets_decode() {
    let fixes: Vec<Fix> = (0..6).map(|s| vancouver().later(s)).collect();
    let payloads = ts_payloads(&fixes);
    // 20 bytes of PES in the first packet: the record (after the 6-byte PES header) is split
    // after 14 bytes.
    let stream = ts(&payloads, 20);
    let (track, stats) = ts_track(&stream);
    assert_eq!(stats.payloads, 6);
    assert_eq!(stats.resyncs, 0);
    assert_eq!(stats.packets, stream.len() as u64 / 188);
    assert_eq!(track.summary.variants[&Variant::TsNovatek], 4);
    assert_eq!(track.summary.variants[&Variant::Innovv], 2);
    // INNOVV payloads carry no time; the timed records come first after sorting is skipped,
    // so compare by kind.
    let timed: Vec<_> = track
        .points
        .iter()
        .filter(|p| p.time.is_some())
        .cloned()
        .collect();
    let timed_fixes: Vec<Fix> = fixes
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 3 != 2)
        .map(|(_, f)| *f)
        .collect();
    assert_points("ts timed", &timed, &timed_fixes, &F32_DDMM);
    let untimed: Vec<_> = track
        .points
        .iter()
        .filter(|p| p.time.is_none())
        .cloned()
        .collect();
    let untimed_fixes = [fixes[2], fixes[5]];
    let precision = novatek_support::Precision {
        timed: false,
        ..F32_DDMM
    };
    assert_points("ts innovv", &untimed, &untimed_fixes, &precision);
}

#[test]
fn ts_regains_sync_after_garbage_and_cut_packets() {
    let fixes: Vec<Fix> = (0..3).map(|s| vancouver().later(s * 3)).collect();
    let payloads = ts_payloads(&fixes[..1]);
    let one = ts(&payloads, 20);
    // Garbage between two whole streams: nothing lost, one resync.
    let mut stream = one.clone();
    stream.extend([0u8; 100]);
    stream.extend(ts(&ts_payloads(&fixes[1..2]), 20));
    let (track, stats) = ts_track(&stream);
    assert_eq!(stats.resyncs, 1);
    assert_points("after garbage", &track.points, &fixes[..2], &F32_DDMM);

    // A packet cut in the middle of a PES: that payload is lost, the next one decodes.
    let mut cut = ts(&ts_payloads(&fixes[..1]), 20);
    let gps_start = 2 * 188;
    cut.truncate(gps_start + 188 + 60);
    cut.extend(ts(&ts_payloads(&fixes[2..3]), 20));
    let (track, stats) = ts_track(&cut);
    assert!(stats.resyncs >= 1);
    assert_points("after cut", &track.points, &fixes[2..3], &F32_DDMM);
}

#[test]
fn ts_sync_decisions_do_not_depend_on_read_sizes() {
    // Two packets whose sync is not confirmed by a third packet start, then garbage. Found by
    // the novatek_ts fuzz target: a reader deciding with the third start not yet read took
    // them for packets when reads were small, and not when they were large.
    let packet = containers::ts_packet(0x1FFF, false, 0, &[0u8; 184]);
    let mut stream = [packet.clone(), packet].concat();
    stream.extend([0u8; 200]);
    let stats = |reader: &mut dyn Read| {
        let mut ts = TsGpsReader::new(reader);
        while ts.next_payload().unwrap().is_some() {}
        ts.stats()
    };
    let whole = stats(&mut Cursor::new(&stream));
    let trickled = stats(&mut Trickle {
        inner: Cursor::new(&stream),
        step: 0,
    });
    assert_eq!(whole, trickled);
    assert_eq!((whole.packets, whole.resyncs), (0, 1));
}

#[test]
fn ts_reader_hands_out_whole_payloads() {
    let payloads = ts_payloads(&[vancouver(), vancouver().later(1)]);
    let stream = ts(&payloads, 7);
    let mut reader = TsGpsReader::new(Cursor::new(stream));
    assert_eq!(reader.next_payload().unwrap().as_ref(), Some(&payloads[0]));
    assert_eq!(reader.next_payload().unwrap().as_ref(), Some(&payloads[1]));
    assert_eq!(reader.next_payload().unwrap(), None);
    // 50 bytes of PES (7 in the first packet) take 2 packets; the B4K one (226 bytes) 3.
    assert_eq!(reader.stats().gps_packets, 2 + 3);
}

fn ligo_precision() -> novatek_support::Precision {
    novatek_support::Precision {
        position: 2e-6,
        speed: Some(0.003),
        course: Some(0.006),
        altitude: Some(0.006),
        timed: true,
    }
}

#[test]
fn ligo_abask_a8_uses_its_own_scale() {
    let fix = vancouver();
    let block = encode::ligo(&[fix], encode::Ligo::ScrambledFuzzedAbask);
    let BlockOutcome::Points(Variant::Ligo, points) =
        decode_block(&block, &DecodeOptions::default())
    else {
        panic!("not decoded");
    };
    assert_points("abask", &points, &[fix], &ligo_precision());
}

#[test]
fn ts_ligo_payloads_decode() {
    // A LIGOGPSINFO payload is the block's text from the tag on. ExifTool's rule: 200-byte
    // payloads are fuzzed, others (160 bytes) are not.
    let (plain, fuzzed) = (vancouver(), vancouver().later(1));
    let plain_block = encode::ligo(&[plain], encode::Ligo::Scrambled);
    let fuzzed_block = encode::ligo(&[fuzzed], encode::Ligo::ScrambledFuzzed);
    let mut stream = ts(&[plain_block[16..16 + 160].to_vec()], 20);
    assert!(looks_like_ts(&stream));
    assert!(!looks_like_ts(
        &mp4(std::slice::from_ref(&plain_block), true).bytes
    ));
    stream.extend(ts(&[fuzzed_block[16..16 + 200].to_vec()], 20));
    let (track, _) = ts_track(&stream);
    assert_eq!(track.summary.variants[&Variant::Ligo], 2);
    assert_points(
        "ts ligo",
        &track.points,
        &[plain, fuzzed],
        &ligo_precision(),
    );
}

#[test]
fn ts_time_and_position_of_a_known_record() {
    let payloads = ts_payloads(&[vancouver()]);
    let (track, _) = ts_track(&ts(&payloads, 20));
    assert_eq!(
        track.points[0].time,
        Some(datetime!(2019-09-27 05:47:03 UTC))
    );
}

/// A reader whose every read fails.
struct Broken;

impl Read for Broken {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        Err(io::Error::other("disk gone"))
    }
}

impl io::Seek for Broken {
    fn seek(&mut self, _: io::SeekFrom) -> io::Result<u64> {
        Ok(0)
    }
}

#[test]
fn read_errors_name_the_box_and_offset() {
    let blocks = [encode::novatek_at16(&vancouver())];
    let file = mp4(&blocks, true);
    let (payload_at, payload) = file.index_payload.clone().unwrap();
    let index = parse_gps_index(&payload, payload_at).unwrap();
    let mut track = TrackBuilder::new();
    let err = read_indexed_blocks(&mut Broken, &index, &DecodeOptions::default(), &mut track)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "moov/gps [0]: freeGPS block at byte {}: disk gone",
            file.block_offsets[0]
        )
    );
    let err = read_scanned_blocks(Broken, 4096, &DecodeOptions::default(), &mut track).unwrap_err();
    assert_eq!(
        err.to_string(),
        "mdat: scanning for freeGPS at byte 4096: disk gone"
    );
    let err = read_ts(Broken, &DecodeOptions::default(), &mut track).unwrap_err();
    assert_eq!(
        err.to_string(),
        "MPEG-TS: reading packets at byte 0: disk gone"
    );
}

/// Not a check but a tool: `scripts/fuzz.sh` runs it to seed the `novatek_block` and
/// `novatek_ts` fuzz targets with one block of every layout, an index and TS streams
/// (written under `$TELEMUX_FUZZ_SEEDS`).
#[test]
#[ignore = "writes fuzz seeds; run by scripts/fuzz.sh"]
fn write_fuzz_seeds() {
    let dir = std::path::PathBuf::from(
        std::env::var_os("TELEMUX_FUZZ_SEEDS").expect("TELEMUX_FUZZ_SEEDS names the seed folder"),
    );
    let write = |target: &str, name: &str, bytes: &[u8]| {
        let folder = dir.join(target);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join(name), bytes).unwrap();
    };
    for (i, sample) in samples(0).iter().enumerate() {
        assert!(matches!(
            decode_block(&sample.block, &DecodeOptions::default()),
            BlockOutcome::Points(..)
        ));
        write("novatek_block", &format!("layout-{i:02}"), &sample.block);
    }
    write(
        "novatek_block",
        "index",
        &containers::gps_index(&[(4096, 0x8000), (40960, 0x8000)], 2),
    );
    let fixes = [vancouver(), vancouver().later(1), vancouver().later(2)];
    for first_packet_bytes in [7, 20, 184] {
        let stream = ts(&ts_payloads(&fixes), first_packet_bytes);
        assert_eq!(ts_track(&stream).0.points.len(), fixes.len());
        write("novatek_ts", &format!("ts-{first_packet_bytes}"), &stream);
    }
}
