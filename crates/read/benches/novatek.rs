//! Throughput of the Novatek readers on synthetic data: scanning `mdat` without the index,
//! decoding single blocks, and demultiplexing MPEG-TS.
//!
//! `cargo bench -p telemux-read --bench novatek`

use std::io::Cursor;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use telemux_read::novatek::{
    decode_block, read_scanned_blocks, read_ts, DecodeOptions, TrackBuilder,
};

/// A T3 block (Viofo A119 V3) for 2019-09-27 05:47:03, 49.369051 N 123.099756 W.
fn block() -> Vec<u8> {
    let mut block = vec![0u8; 0x8000];
    block[..4].copy_from_slice(&0x8000u32.to_be_bytes());
    block[4..16].copy_from_slice(b"freeGPS \xf0\x03\0\0");
    for (i, v) in [5u32, 47, 3, 19, 9, 27].iter().enumerate() {
        block[16 + 4 * i..20 + 4 * i].copy_from_slice(&v.to_le_bytes());
    }
    block[40..43].copy_from_slice(b"ANW");
    for (i, v) in [4922.143f32, 12305.985, 26.3, 16.49].iter().enumerate() {
        block[44 + 4 * i..48 + 4 * i].copy_from_slice(&v.to_le_bytes());
    }
    block
}

/// Pseudo-random "video" bytes.
fn noise(len: usize) -> Vec<u8> {
    let mut state = 0x2545_F491u32;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 24) as u8
        })
        .collect()
}

/// 64 MiB of mdat with one block per 8 MiB (a 4K camera writes ~8 MB/s).
fn mdat() -> Vec<u8> {
    let block = block();
    let chunk = noise(8 << 20);
    (0..8)
        .flat_map(|_| [chunk[..chunk.len() - block.len()].to_vec(), block.clone()])
        .flatten()
        .collect()
}

/// ~64 MiB of TS: video packets and one GPS PES per 8 MiB.
fn ts() -> Vec<u8> {
    let mut out = Vec::with_capacity(64 << 20);
    let video = noise(184);
    let mut record = block()[16..60].to_vec();
    record.resize(64, 0);
    let mut pes = vec![0, 0, 1, 0xBF, 0, 64];
    pes.extend(&record);
    let per_gps = (8 << 20) / 188;
    for n in 0..8 * per_gps {
        if n % per_gps == 0 {
            let mut packet = vec![0x47, 0x43, 0x00, 0x30, (183 - pes.len()) as u8, 0];
            packet.resize(188 - pes.len(), 0xFF);
            packet.extend(&pes);
            out.extend(packet);
        }
        out.extend([0x47, 0x01, 0x00, 0x10]);
        out.extend(&video);
    }
    out
}

fn benches(c: &mut Criterion) {
    let options = DecodeOptions::default();
    let mdat = mdat();
    let mut group = c.benchmark_group("novatek");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(mdat.len() as u64));
    group.bench_function("scan 64 MiB mdat", |b| {
        b.iter(|| {
            let mut track = TrackBuilder::new();
            read_scanned_blocks(Cursor::new(&mdat), 0, &options, &mut track).unwrap();
            assert_eq!(track.finish().summary.blocks, 8);
        })
    });
    let ts = ts();
    group.throughput(Throughput::Bytes(ts.len() as u64));
    group.bench_function("demux 64 MiB TS", |b| {
        b.iter(|| {
            let mut track = TrackBuilder::new();
            read_ts(Cursor::new(&ts), &options, &mut track).unwrap();
            assert_eq!(track.finish().summary.blocks, 8);
        })
    });
    group.finish();
    let block = block();
    c.bench_function("decode one T3 block", |b| {
        b.iter(|| decode_block(black_box(&block), &options))
    });
}

criterion_group!(novatek, benches);
criterion_main!(novatek);
