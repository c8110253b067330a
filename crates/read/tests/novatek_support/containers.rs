//! Containers for synthetic blocks: an MP4 (ftyp + mdat holding the blocks between filler
//! "video" bytes + moov with mvhd and, optionally, the `gps ` index) and an MPEG-TS stream
//! whose PID-0x300 PES packets straddle TS packets.

use telemux_testkit::{mp4_box, mp4_container, mp4_full_box};

/// Deterministic filler standing in for video chunks (never contains `freeGPS `).
pub fn filler(len: usize, seed: u32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).max(1);
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 24) as u8
        })
        .collect()
}

fn mvhd(seconds: u32) -> Vec<u8> {
    let mut payload = Vec::new();
    payload.extend(0u32.to_be_bytes()); // creation time
    payload.extend(0u32.to_be_bytes()); // modification time
    payload.extend(1000u32.to_be_bytes()); // timescale
    payload.extend((seconds * 1000).to_be_bytes()); // duration
    payload.extend(0x0001_0000u32.to_be_bytes()); // rate 1.0
    payload.extend(0x0100u16.to_be_bytes()); // volume 1.0
    payload.extend([0; 10]);
    for value in [0x0001_0000u32, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000] {
        payload.extend(value.to_be_bytes());
    }
    payload.extend([0; 24]);
    payload.extend(1u32.to_be_bytes()); // next track id
    mp4_full_box(b"mvhd", 0, 0, &payload)
}

/// The `moov/gps ` payload: version word, count, (offset, size) pairs, then `spare` unused
/// slots as cameras pre-size the table.
pub fn gps_index(entries: &[(u32, u32)], spare: usize) -> Vec<u8> {
    let mut payload = 0x0000_0101u32.to_be_bytes().to_vec();
    payload.extend(((entries.len() + spare) as u32).to_be_bytes());
    for (offset, size) in entries {
        payload.extend(offset.to_be_bytes());
        payload.extend(size.to_be_bytes());
    }
    payload.extend(vec![0; 8 * spare]);
    payload
}

/// An MP4 file and where its pieces are.
pub struct Mp4 {
    pub bytes: Vec<u8>,
    /// File offset of each block.
    pub block_offsets: Vec<u64>,
    /// File offset and length of the `mdat` payload.
    pub mdat: (u64, u64),
    /// File offset of the `moov/gps ` payload, when indexed.
    pub index_payload: Option<(u64, Vec<u8>)>,
}

/// `ftyp`, `mdat` with each block after some filler, `moov` with `mvhd` and (if `indexed`)
/// the `gps ` index listing every block.
pub fn mp4(blocks: &[Vec<u8>], indexed: bool) -> Mp4 {
    let ftyp = mp4_box(b"ftyp", b"isom\0\0\x02\0isomiso2mp41");
    let mdat_payload_at = ftyp.len() as u64 + 8;
    let mut mdat = Vec::new();
    let mut block_offsets = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        mdat.extend(filler(3000 + 17 * i, i as u32 + 1));
        block_offsets.push(mdat_payload_at + mdat.len() as u64);
        mdat.extend(block);
    }
    // A long tail: ExifTool's scan stops when less than 32 KiB of mdat remain.
    mdat.extend(filler(0x8000, 99));
    let mdat_len = mdat.len() as u64;
    let mdat = mp4_box(b"mdat", &mdat);
    let mut moov_children = vec![mvhd(blocks.len() as u32)];
    let mut index_payload = None;
    let moov_at = (ftyp.len() + mdat.len()) as u64;
    if indexed {
        let entries: Vec<(u32, u32)> = block_offsets
            .iter()
            .zip(blocks)
            .map(|(&offset, block)| (offset as u32, block.len() as u32))
            .collect();
        let payload = gps_index(&entries, 2);
        let mvhd_len = moov_children[0].len() as u64;
        index_payload = Some((moov_at + 8 + mvhd_len + 8, payload.clone()));
        moov_children.push(mp4_box(b"gps ", &payload));
    }
    let moov = mp4_container(b"moov", &moov_children);
    Mp4 {
        bytes: [ftyp, mdat, moov].concat(),
        block_offsets,
        mdat: (mdat_payload_at, mdat_len),
        index_payload,
    }
}

pub const TS_PACKET: usize = 188;

/// One TS packet; payloads shorter than 184 bytes are padded with adaptation-field stuffing.
pub fn ts_packet(pid: u16, unit_start: bool, counter: u8, payload: &[u8]) -> Vec<u8> {
    assert!(payload.len() <= 184);
    let mut packet = vec![0x47, (pid >> 8) as u8 & 0x1F, pid as u8, counter & 0x0F];
    if unit_start {
        packet[1] |= 0x40;
    }
    if payload.len() < 184 {
        packet[3] |= 0x30;
        let field_len = 183 - payload.len();
        packet.push(field_len as u8);
        if field_len > 0 {
            packet.push(0x00);
            packet.extend(vec![0xFF; field_len - 1]);
        }
    } else {
        packet[3] |= 0x10;
    }
    packet.extend_from_slice(payload);
    assert_eq!(packet.len(), TS_PACKET);
    packet
}

/// A PES packet with stream id 0xBF (`private_stream_2`: no optional header).
pub fn pes(payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0, 0, 1, 0xBF];
    out.extend((payload.len() as u16).to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// A stream with each payload as one PES on PID 0x300, split over TS packets: the first
/// carries only `first_packet_bytes` of the PES (the rest of it stuffing) so records straddle
/// packets; video packets on PID 0x100 come between.
pub fn ts(payloads: &[Vec<u8>], first_packet_bytes: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut gps_counter, mut video_counter) = (0u8, 0u8);
    for payload in payloads {
        for _ in 0..2 {
            let video = filler(184, u32::from(video_counter) + 7);
            out.extend(ts_packet(0x100, false, video_counter, &video));
            video_counter = video_counter.wrapping_add(1);
        }
        let pes = pes(payload);
        let (first, mut rest) = pes.split_at(first_packet_bytes.min(pes.len()));
        out.extend(ts_packet(0x300, true, gps_counter, first));
        gps_counter = gps_counter.wrapping_add(1);
        while !rest.is_empty() {
            let (part, tail) = rest.split_at(rest.len().min(184));
            out.extend(ts_packet(0x300, false, gps_counter, part));
            gps_counter = gps_counter.wrapping_add(1);
            rest = tail;
        }
    }
    out
}

/// A real video (ffmpeg-made, `mdat` directly followed by a final `moov`) with GPS blocks
/// spliced in as a camera writes them: appended inside `mdat` (each after some filler, then a
/// 32 KiB tail, as ExifTool's scan wants), which leaves every chunk offset valid, and, when
/// `indexed`, a `gps ` index listing them inserted into `moov` after `mvhd`.
pub fn splice(video: &[u8], blocks: &[Vec<u8>], indexed: bool) -> Mp4 {
    let boxes = top_level(video);
    let (mdat_at, mdat_size) = boxes
        .iter()
        .find(|b| &b.2 == b"mdat")
        .map(|b| (b.0, b.1))
        .expect("an mdat");
    let (moov_at, moov_size) = boxes
        .iter()
        .find(|b| &b.2 == b"moov")
        .map(|b| (b.0, b.1))
        .expect("a moov");
    assert_eq!(
        mdat_at + mdat_size,
        moov_at,
        "mdat must end where moov starts"
    );
    assert_eq!(moov_at + moov_size, video.len(), "moov must end the file");

    let mut added = Vec::new();
    let mut block_offsets = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        added.extend(filler(1000 + 17 * i, i as u32 + 1));
        block_offsets.push((moov_at + added.len()) as u64);
        added.extend(block);
    }
    added.extend(filler(0x8000, 99));
    let mut out = video[..moov_at].to_vec();
    let new_mdat_size = (mdat_size + added.len()) as u32;
    out[mdat_at..mdat_at + 4].copy_from_slice(&new_mdat_size.to_be_bytes());
    out.extend(&added);

    let mut moov = video[moov_at..].to_vec();
    let mut index_payload = None;
    if indexed {
        let entries: Vec<(u32, u32)> = block_offsets
            .iter()
            .zip(blocks)
            .map(|(&offset, block)| (offset as u32, block.len() as u32))
            .collect();
        let payload = gps_index(&entries, 2);
        // Right after mvhd: ExifTool 12.57 ignores a `gps ` box that follows the tracks.
        assert_eq!(&moov[12..16], b"mvhd");
        let mvhd_end = 8 + u32::from_be_bytes(moov[8..12].try_into().unwrap()) as usize;
        index_payload = Some(((out.len() + mvhd_end + 8) as u64, payload.clone()));
        moov.splice(mvhd_end..mvhd_end, mp4_box(b"gps ", &payload));
        let size = moov.len() as u32;
        moov[..4].copy_from_slice(&size.to_be_bytes());
    }
    out.extend(moov);
    Mp4 {
        bytes: out,
        block_offsets,
        mdat: ((mdat_at + 8) as u64, (mdat_size - 8 + added.len()) as u64),
        index_payload,
    }
}

/// (offset, size, type) of each top-level box (32-bit sizes only: test inputs are small).
fn top_level(bytes: &[u8]) -> Vec<(usize, usize, [u8; 4])> {
    let mut boxes = Vec::new();
    let mut at = 0;
    while at + 8 <= bytes.len() {
        let size = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        assert!(size >= 8, "box at {at} has size {size}");
        boxes.push((at, size, bytes[at + 4..at + 8].try_into().unwrap()));
        at += size;
    }
    boxes
}
