//! Builds whole MP4 files from a description of their tracks, for tests: the tables are
//! derived from the sample layout, so a test can compare the parsed index with the layout.

use std::io::Cursor;

use telemux_testkit::{mp4_box, mp4_container, mp4_full_box};

use super::{Mp4, Mp4Error, Sample};

/// One track: chunks of samples, each sample as (size, duration).
#[derive(Debug, Clone)]
pub struct TrackSpec {
    pub timescale: u32,
    pub chunks: Vec<Vec<(u32, u32)>>,
    pub co64: bool,
}

/// Where the builder put a sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    pub offset: u64,
    pub size: u32,
    pub decode_time: u64,
    pub duration: u32,
}

/// The contents of sample `index` of track `track`: a recognisable pattern.
pub fn sample_bytes(track: usize, index: usize, size: u32) -> Vec<u8> {
    (0..size)
        .map(|i| (track * 31 + index * 7 + i as usize) as u8)
        .collect()
}

pub fn open(bytes: &[u8]) -> Result<Mp4, Mp4Error> {
    Mp4::open(&mut Cursor::new(bytes))
}

/// The samples of the first track.
pub fn samples_of(mp4: &Mp4) -> Result<Vec<Sample>, Mp4Error> {
    mp4.tracks().next().expect("a track")?.samples().collect()
}

/// Offset of the first box of type `kind` (found by its type bytes).
pub fn box_at(bytes: &[u8], kind: &[u8; 4]) -> usize {
    bytes
        .windows(4)
        .position(|w| w == kind)
        .expect("box present")
        - 4
}

/// A box with a 64-bit largesize header even when 32 bits would do.
pub fn large_box(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut out = 1u32.to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(&(payload.len() as u64 + 16).to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// A 20-byte `ftyp`.
pub fn ftyp() -> Vec<u8> {
    mp4_box(b"ftyp", b"isom\0\0\x02\0isom")
}

/// A file with one track made of `tables` (stts, stsc, stsz, stco…) and `mdat_len` bytes of
/// media after the `ftyp`: media starts at byte 28.
pub fn file_with_tables(tables: &[Vec<u8>], mdat_len: usize) -> Vec<u8> {
    let mut file = ftyp();
    file.extend(mp4_box(b"mdat", &vec![0xAB; mdat_len]));
    file.extend(mp4_container(
        b"moov",
        &[mvhd(1000, 2), trak_with(1, 1000, tables)],
    ));
    file
}

/// `ftyp`, `mdat` (chunks of every track in turn), then `moov`.
pub fn build(tracks: &[TrackSpec]) -> (Vec<u8>, Vec<Vec<Placed>>) {
    let ftyp = ftyp();
    let mut mdat_payload = Vec::new();
    let mut chunk_offsets = vec![Vec::new(); tracks.len()];
    let mut placed = vec![Vec::new(); tracks.len()];
    let mdat_body_start = (ftyp.len() + 8) as u64;
    let longest = tracks.iter().map(|t| t.chunks.len()).max().unwrap_or(0);
    let mut times = vec![0u64; tracks.len()];
    let mut counts = vec![0usize; tracks.len()];
    // Interleave chunk by chunk, as muxers do.
    for c in 0..longest {
        for (t, track) in tracks.iter().enumerate() {
            let Some(chunk) = track.chunks.get(c) else {
                continue;
            };
            chunk_offsets[t].push(mdat_body_start + mdat_payload.len() as u64);
            for &(size, duration) in chunk {
                placed[t].push(Placed {
                    offset: mdat_body_start + mdat_payload.len() as u64,
                    size,
                    decode_time: times[t],
                    duration,
                });
                mdat_payload.extend(sample_bytes(t, counts[t], size));
                times[t] += u64::from(duration);
                counts[t] += 1;
            }
        }
    }
    let traks: Vec<Vec<u8>> = tracks
        .iter()
        .enumerate()
        .map(|(t, track)| trak(t as u32 + 1, track, &chunk_offsets[t]))
        .collect();
    let mut children = vec![mvhd(1000, tracks.len() as u32 + 1)];
    children.extend(traks);
    let moov = mp4_container(b"moov", &children);
    let mut file = ftyp;
    file.extend(mp4_box(b"mdat", &mdat_payload));
    file.extend(moov);
    (file, placed)
}

pub fn mvhd(timescale: u32, next_track_id: u32) -> Vec<u8> {
    let mut p = Vec::new();
    p.extend_from_slice(&0xd51a_c7bdu32.to_be_bytes()); // creation
    p.extend_from_slice(&0xd51a_c7beu32.to_be_bytes()); // modification
    p.extend_from_slice(&timescale.to_be_bytes());
    p.extend_from_slice(&5000u32.to_be_bytes()); // duration
    p.extend_from_slice(&[0; 4 + 2 + 10 + 36 + 24]);
    p.extend_from_slice(&next_track_id.to_be_bytes());
    mp4_full_box(b"mvhd", 0, 0, &p)
}

pub fn tkhd(track_id: u32) -> Vec<u8> {
    let mut p = vec![0; 8];
    p.extend_from_slice(&track_id.to_be_bytes());
    p.extend_from_slice(&[0; 4 + 4 + 8 + 2 + 2 + 2 + 2 + 36]);
    p.extend_from_slice(&(160u32 << 16).to_be_bytes());
    p.extend_from_slice(&(120u32 << 16).to_be_bytes());
    mp4_full_box(b"tkhd", 0, 3, &p)
}

pub fn mdhd(timescale: u32) -> Vec<u8> {
    let mut p = vec![0; 8];
    p.extend_from_slice(&timescale.to_be_bytes());
    p.extend_from_slice(&0u32.to_be_bytes());
    p.extend_from_slice(&0x55C4u16.to_be_bytes());
    p.extend_from_slice(&[0; 2]);
    mp4_full_box(b"mdhd", 0, 0, &p)
}

pub fn hdlr(subtype: &[u8; 4], name: &[u8]) -> Vec<u8> {
    let mut p = b"mhlr".to_vec();
    p.extend_from_slice(subtype);
    p.extend_from_slice(&[0; 12]);
    p.extend_from_slice(name);
    mp4_full_box(b"hdlr", 0, 0, &p)
}

pub fn stsd(kind: &[u8; 4]) -> Vec<u8> {
    let mut p = 1u32.to_be_bytes().to_vec();
    p.extend(mp4_box(kind, &[0, 0, 0, 0, 0, 0, 0, 1]));
    mp4_full_box(b"stsd", 0, 0, &p)
}

fn table<const N: usize>(kind: &[u8; 4], entries: &[[u32; N]]) -> Vec<u8> {
    let mut p = (entries.len() as u32).to_be_bytes().to_vec();
    for entry in entries {
        for value in entry {
            p.extend_from_slice(&value.to_be_bytes());
        }
    }
    mp4_full_box(kind, 0, 0, &p)
}

pub fn stts(runs: &[[u32; 2]]) -> Vec<u8> {
    table(b"stts", runs)
}

pub fn stsc(runs: &[[u32; 3]]) -> Vec<u8> {
    table(b"stsc", runs)
}

pub fn stco(offsets: &[u32]) -> Vec<u8> {
    let entries: Vec<[u32; 1]> = offsets.iter().map(|&o| [o]).collect();
    table(b"stco", &entries)
}

pub fn co64(offsets: &[u64]) -> Vec<u8> {
    let mut p = (offsets.len() as u32).to_be_bytes().to_vec();
    for offset in offsets {
        p.extend_from_slice(&offset.to_be_bytes());
    }
    mp4_full_box(b"co64", 0, 0, &p)
}

pub fn stsz(sizes: &[u32]) -> Vec<u8> {
    let mut p = 0u32.to_be_bytes().to_vec();
    p.extend_from_slice(&(sizes.len() as u32).to_be_bytes());
    for size in sizes {
        p.extend_from_slice(&size.to_be_bytes());
    }
    mp4_full_box(b"stsz", 0, 0, &p)
}

/// Consecutive equal values as (count, value) runs.
fn runs(values: impl IntoIterator<Item = u32>) -> Vec<(u32, u32)> {
    let mut out: Vec<(u32, u32)> = Vec::new();
    for value in values {
        match out.last_mut() {
            Some((count, last)) if *last == value => *count += 1,
            _ => out.push((1, value)),
        }
    }
    out
}

/// A `trak` whose `stbl` holds the given tables.
pub fn trak_with(track_id: u32, timescale: u32, tables: &[Vec<u8>]) -> Vec<u8> {
    let mut stbl = vec![stsd(b"gpmd")];
    stbl.extend_from_slice(tables);
    mp4_container(
        b"trak",
        &[
            tkhd(track_id),
            mp4_container(
                b"mdia",
                &[
                    mdhd(timescale),
                    hdlr(b"meta", b"\x09GoPro MET"),
                    mp4_container(b"minf", &[mp4_container(b"stbl", &stbl)]),
                ],
            ),
        ],
    )
}

fn trak(track_id: u32, track: &TrackSpec, offsets: &[u64]) -> Vec<u8> {
    let samples: Vec<(u32, u32)> = track.chunks.iter().flatten().copied().collect();
    let time_runs: Vec<[u32; 2]> = runs(samples.iter().map(|s| s.1))
        .into_iter()
        .map(|(count, delta)| [count, delta])
        .collect();
    let mut chunk_runs: Vec<[u32; 3]> = Vec::new();
    let mut first_chunk = 1;
    for (count, per_chunk) in runs(track.chunks.iter().map(|c| c.len() as u32)) {
        chunk_runs.push([first_chunk, per_chunk, 1]);
        first_chunk += count;
    }
    let sizes: Vec<u32> = samples.iter().map(|s| s.0).collect();
    let offsets_box = if track.co64 {
        co64(offsets)
    } else {
        stco(&offsets.iter().map(|&o| o as u32).collect::<Vec<_>>())
    };
    trak_with(
        track_id,
        track.timescale,
        &[
            stts(&time_runs),
            stsc(&chunk_runs),
            stsz(&sizes),
            offsets_box,
        ],
    )
}
