//! Container checks: each passes on the committed clips and fails on a mutated copy.

use telemux_read::verify::{verify, Status};
use telemux_testkit::mp4_box;

use crate::edit::{
    assert_check, expect, field, fixture, get_u32, insert_box, int, node, options, put_u32, report,
    set_field, text, top,
};
use crate::sparse::SparseFile;
use crate::ttad_clip::{drive, ttmd};

const CLIPS: [&str; 3] = ["clip-moov-end.mp4", "clip-faststart.mp4", "clip.mov"];

#[test]
fn good_clips_pass_every_container_check() {
    for name in CLIPS {
        let r = report(&fixture(name), &options(false));
        for check in r.checks.iter().filter(|c| c.id != "telemetry_sources") {
            assert_ne!(check.status, Status::Fail, "{name}: {check:#?}");
            assert_ne!(check.status, Status::Warn, "{name}: {check:#?}");
        }
        let kinds = match name {
            "clip-moov-end.mp4" => "ftyp free mdat moov",
            "clip-faststart.mp4" => "ftyp moov free mdat",
            _ => "ftyp wide mdat moov",
        };
        assert_check(&r, "box_structure", Status::Pass, kinds, int(4));
        assert_check(
            &r,
            "box_overlap",
            Status::Pass,
            "no top-level boxes overlap",
            int(0),
        );
        assert_check(
            &r,
            "trailing_data",
            Status::Pass,
            "ends where its last box ends",
            int(0),
        );
        assert_check(&r, "moov_count", Status::Pass, "one moov box", int(1));
        assert_check(
            &r,
            "tracks",
            Status::Pass,
            "2 tracks: vide/avc1 soun/mp4a",
            int(2),
        );
        assert_check(
            &r,
            "sample_tables",
            Status::Pass,
            "agree in 2 tracks (30, 45 samples)",
            int(0),
        );
        assert_check(
            &r,
            "chunks_in_mdat",
            Status::Pass,
            "all 75 samples lie inside 1 mdat",
            int(0),
        );
        assert_check(
            &r,
            "chunk_overlap",
            Status::Pass,
            "no byte is shared",
            int(0),
        );
        assert_check(&r, "edit_lists", Status::Pass, "2 edit lists", int(2));
        assert_check(
            &r,
            "movie_header",
            Status::Pass,
            "2.000 s (2000 / timescale 1000)",
            Some(2.0.into()),
        );
    }
}

#[test]
fn moov_position_is_reported_front_or_end() {
    let end = report(&fixture("clip-moov-end.mp4"), &options(false));
    assert_check(
        &end,
        "moov_position",
        Status::Pass,
        "moov at byte 12986 after the media",
        text("end"),
    );
    let front = report(&fixture("clip-faststart.mp4"), &options(false));
    assert_check(
        &front,
        "moov_position",
        Status::Pass,
        "moov at byte 32 before the media",
        text("front"),
    );
}

#[test]
fn reader_reach_warns_where_gopros_parser_stops() {
    let bytes = fixture("clip-moov-end.mp4");
    assert_check(
        &report(&bytes, &options(false)),
        "reader_reach",
        Status::Pass,
        "GoPro's gpmf-parser reaches the moov at byte 12986",
        int(12986),
    );
    // What telemux wrote before the telemetry joined the mdat: a second mdat before the moov.
    let moov = top(&bytes, b"moov").offset as usize;
    let mut two = bytes[..moov].to_vec();
    two.extend(b"\0\0\0\x10mdatGPMFdata");
    two.extend(&bytes[moov..]);
    assert_check(
        &report(&two, &options(false)),
        "reader_reach",
        Status::Warn,
        "GoPro's gpmf-parser cannot read this file: it stops after the second mdat/moov (the \
         mdat at byte 12986), before the moov at byte 13002",
        int(13002),
    );
    // A size-0 moov (legal) stops it too.
    let mut to_end = bytes.clone();
    put_u32(&mut to_end, moov as u64, 0);
    assert_check(
        &report(&to_end, &options(false)),
        "reader_reach",
        Status::Warn,
        "moov at byte 12986 has size 0 (to the end of the file)",
        int(12986),
    );
}

#[test]
fn a_truncated_file_fails_box_structure() {
    let mut bytes = fixture("clip-faststart.mp4");
    bytes.truncate(bytes.len() - 1000);
    let r = report(&bytes, &options(false));
    assert_check(
        &r,
        "box_structure",
        Status::Fail,
        "mdat at byte 2469 declares 12946 bytes but the file ends 11946 bytes later: 1000 bytes missing",
        int(1000),
    );
    // The samples in the lost kilobyte are named too.
    let lost = expect(&r, "chunks_in_mdat", Status::Fail);
    assert!(
        lost.message
            .contains("past the end of the file (14415 bytes)"),
        "{}",
        lost.message
    );
}

#[test]
fn bytes_between_boxes_fail_box_structure() {
    let bytes = fixture("clip-moov-end.mp4");
    let moov = top(&bytes, b"moov").offset as usize;
    let mut damaged = bytes[..moov].to_vec();
    damaged.extend([0xEE; 16]);
    damaged.extend(&bytes[moov..]);
    let r = report(&damaged, &options(false));
    assert_check(
        &r,
        "box_structure",
        Status::Fail,
        "16 bytes at byte 12986, between two boxes, are not a box",
        int(16),
    );
    assert_check(
        &r,
        "moov_position",
        Status::Pass,
        "moov at byte 13002",
        text("end"),
    );
}

#[test]
fn a_size_below_the_header_fails_box_structure() {
    let mut bytes = fixture("clip-moov-end.mp4");
    put_u32(&mut bytes, 32, 4); // free(32, 8) declares 4 bytes
    let r = report(&bytes, &options(false));
    assert_check(
        &r,
        "box_structure",
        Status::Fail,
        "free at byte 32 declares 4 bytes, less than its 8-byte header",
        int(4),
    );
    assert_check(&r, "chunks_in_mdat", Status::Pass, "all 75 samples", int(0));
}

#[test]
fn a_size_running_into_the_next_box_fails_box_overlap() {
    let mut bytes = fixture("clip-moov-end.mp4");
    put_u32(&mut bytes, 32, 16); // free(32, 8) now covers the mdat header at 40
    let r = report(&bytes, &options(false));
    assert_check(
        &r,
        "box_overlap",
        Status::Fail,
        "free at byte 32 (16 bytes) runs 8 bytes into mdat at byte 40",
        int(8),
    );
    assert_check(
        &r,
        "box_structure",
        Status::Pass,
        "ftyp free mdat moov",
        int(4),
    );
}

#[test]
fn bytes_after_the_last_box_warn_trailing_data() {
    let mut bytes = fixture("clip-moov-end.mp4");
    bytes.extend([0; 5]);
    let r = report(&bytes, &options(false));
    assert_check(
        &r,
        "trailing_data",
        Status::Warn,
        "trailing data, 5 bytes at offset 15415: not a box",
        int(5),
    );
    assert_check(
        &r,
        "box_structure",
        Status::Pass,
        "ftyp free mdat moov",
        int(4),
    );
}

#[test]
fn a_torn_staging_box_warns_trailing_data() {
    let mut bytes = fixture("clip-moov-end.mp4");
    // What a killed --in-place leaves: a free box declaring more than was appended.
    bytes.extend(b"\0\0\x40\0free");
    bytes.extend([7; 100]);
    let r = report(&bytes, &options(false));
    assert_check(
        &r,
        "trailing_data",
        Status::Warn,
        "trailing data, 108 bytes at offset 15415: a free box declaring 16384 bytes, cut short",
        int(108),
    );
    assert_check(
        &r,
        "box_structure",
        Status::Pass,
        "ftyp free mdat moov",
        int(4),
    );
    assert_check(&r, "chunks_in_mdat", Status::Pass, "all 75 samples", int(0));
}

#[test]
fn a_second_moov_warns_and_the_first_rules() {
    let mut bytes = fixture("clip-moov-end.mp4");
    let moov = top(&bytes, b"moov");
    let copy = bytes[moov.offset as usize..moov.end() as usize].to_vec();
    bytes.extend(copy);
    let r = report(&bytes, &options(false));
    assert_check(
        &r,
        "moov_count",
        Status::Warn,
        "2 moov boxes (at bytes 12986, 15415); players and telemux use the first",
        int(2),
    );
    assert_check(
        &r,
        "moov_position",
        Status::Pass,
        "moov at byte 12986",
        text("end"),
    );
}

#[test]
fn a_zero_movie_timescale_fails_movie_header() {
    let mut bytes = fixture("clip.mov");
    set_field(&mut bytes, "moov/mvhd", 8, 0);
    let r = report(&bytes, &options(false));
    assert_check(
        &r,
        "movie_header",
        Status::Fail,
        "moov/mvhd: timescale is 0",
        int(0),
    );
}

#[test]
fn a_broken_track_fails_tracks_and_the_others_are_still_checked() {
    let mut bytes = fixture("clip-moov-end.mp4");
    let mdhd = node(&bytes, "moov/trak[1]/mdia/mdhd");
    put_u32(&mut bytes, field(&mdhd, 8), 0);
    let r = report(&bytes, &options(false));
    assert_check(
        &r,
        "tracks",
        Status::Fail,
        &format!(
            "moov/trak[1]/mdia/mdhd at byte {}: timescale is 0",
            mdhd.header.offset
        ),
        int(1),
    );
    assert_check(&r, "chunks_in_mdat", Status::Pass, "all 30 samples", int(0));
}

#[test]
fn stts_and_stsz_disagreeing_fail_sample_tables() {
    let mut bytes = fixture("clip-moov-end.mp4");
    set_field(&mut bytes, "moov/trak[0]/mdia/minf/stbl/stsz", 4, 29); // sample_count 30 -> 29
    let stts = node(&bytes, "moov/trak[0]/mdia/minf/stbl/stts");
    let r = report(&bytes, &options(false));
    assert_check(
        &r,
        "sample_tables",
        Status::Fail,
        &format!(
            "moov/trak[0]/mdia/minf/stbl/stts at byte {}: stts describes 30 samples but the sample size table has 29",
            stts.header.offset
        ),
        int(1),
    );
}

#[test]
fn chunks_holding_more_samples_than_stsz_fail_sample_tables() {
    let mut bytes = fixture("clip-moov-end.mp4");
    set_field(&mut bytes, "moov/trak[0]/mdia/minf/stbl/stsz", 4, 29);
    let stts = node(&bytes, "moov/trak[0]/mdia/minf/stbl/stts");
    assert_eq!(
        get_u32(&bytes, field(&stts, 4)),
        30,
        "one stts run of 30 samples"
    );
    put_u32(&mut bytes, field(&stts, 4), 29);
    let stsc = node(&bytes, "moov/trak[0]/mdia/minf/stbl/stsc");
    let r = report(&bytes, &options(false));
    assert_check(
        &r,
        "sample_tables",
        Status::Fail,
        &format!(
            "moov/trak[0]/mdia/minf/stbl/stsc at byte {}: chunks hold 30 samples but the sample size table has 29",
            stsc.header.offset
        ),
        int(1),
    );
}

#[test]
fn a_chunk_pointing_into_moov_fails_chunks_in_mdat() {
    let mut bytes = fixture("clip-moov-end.mp4");
    let stco = node(&bytes, "moov/trak[1]/mdia/minf/stbl/stco");
    // Audio chunk 0 (sample 0, 267 bytes) moved to the start of moov.
    put_u32(&mut bytes, field(&stco, 4), 12986);
    let stsz = node(&bytes, "moov/trak[1]/mdia/minf/stbl/stsz");
    assert_eq!(get_u32(&bytes, field(&stsz, 8)), 267);
    let r = report(&bytes, &options(false));
    assert_check(
        &r,
        "chunks_in_mdat",
        Status::Fail,
        "moov/trak[1] sample 0 (bytes 12986-13253) lie outside every mdat",
        int(1),
    );
}

#[test]
fn a_chunk_past_the_end_of_the_file_fails_chunks_in_mdat() {
    let mut bytes = fixture("clip-moov-end.mp4");
    let stco = node(&bytes, "moov/trak[0]/mdia/minf/stbl/stco");
    let last = stco.header.end() - 4;
    // The last video chunk holds sample 29 (47 bytes): inside the file but in moov, then
    // running past the end of the file.
    put_u32(&mut bytes, last, 15_000);
    let r = report(&bytes, &options(false));
    assert_check(
        &r,
        "chunks_in_mdat",
        Status::Fail,
        "moov/trak[0] sample 29 (bytes 15000-15047) lie outside every mdat",
        int(1),
    );
    put_u32(&mut bytes, last, 15_400);
    let r = report(&bytes, &options(false));
    assert_check(
        &r,
        "chunks_in_mdat",
        Status::Fail,
        "moov/trak[0]/mdia/minf/stbl/stco at byte 15400: sample 29 (47 bytes) ends at byte \
         15447, past the end of the file (15415 bytes)",
        int(1),
    );
}

#[test]
fn tracks_sharing_bytes_fail_chunk_overlap() {
    let mut bytes = fixture("clip-moov-end.mp4");
    let video = node(&bytes, "moov/trak[0]/mdia/minf/stbl/stco");
    let audio = node(&bytes, "moov/trak[1]/mdia/minf/stbl/stco");
    // Audio chunk 0 points at video chunk 0 (byte 48).
    let video_first = get_u32(&bytes, field(&video, 4));
    assert_eq!(video_first, 48);
    put_u32(&mut bytes, field(&audio, 4), video_first);
    let r = report(&bytes, &options(false));
    assert_check(
        &r,
        "chunk_overlap",
        Status::Fail,
        "moov/trak[1] sample 0 (bytes 48-315) overlaps moov/trak[0] samples 0-1 (bytes 48-1795)",
        int(1),
    );
}

#[test]
fn an_edit_past_the_media_fails_edit_lists() {
    let mut bytes = fixture("clip-moov-end.mp4");
    let elst = node(&bytes, "moov/trak[0]/edts/elst");
    // entry 0: segment_duration, media_time (2048), rate
    assert_eq!(get_u32(&bytes, field(&elst, 8)), 2048);
    put_u32(&mut bytes, field(&elst, 8), 99_999);
    let r = report(&bytes, &options(false));
    assert_check(
        &r,
        "edit_lists",
        Status::Fail,
        "moov/trak[0]/edts/elst entry 0: media_time 99999 (6.510 s) is past the end of the media (30720 units = 2.000 s)",
        int(99_999),
    );
}

#[test]
fn a_negative_edit_other_than_empty_fails_edit_lists() {
    let mut bytes = fixture("clip-moov-end.mp4");
    set_field(&mut bytes, "moov/trak[1]/edts/elst", 8, (-5i32) as u32);
    let r = report(&bytes, &options(false));
    assert_check(
        &r,
        "edit_lists",
        Status::Fail,
        "moov/trak[1]/edts/elst entry 0: media_time -5 is negative",
        int(-5),
    );
}

/// The size of `beyond_4_gib`'s file: 5 GiB + ftyp + moov with the TTMD box.
const BIG_LEN: u64 = 5_368_711_581 + TTMD_LEN;
/// The TTMD box of 20 points `beyond_4_gib` adds.
const TTMD_LEN: u64 = 2061;

/// `clip-moov-end.mp4` with its mdat grown to end past 5 GiB (zeros, never stored): ftyp,
/// an mdat with a 64-bit size (its 16-byte header replaces free + the 8-byte mdat header, so
/// the media keeps its offsets), then moov, holding telemetry (a TTAD box of 20 points): a
/// file without any would be scanned for freeGPS blocks, as extract reads it.
fn beyond_4_gib(edit: impl FnOnce(&mut Vec<u8>)) -> SparseFile {
    let ttmd = ttmd(&drive(20, 10.0));
    assert_eq!(ttmd.len() as u64, TTMD_LEN);
    let mut bytes = insert_box(&fixture("clip-moov-end.mp4"), "moov/udta", &ttmd);
    edit(&mut bytes);
    let ftyp = top(&bytes, b"ftyp");
    let mdat = top(&bytes, b"mdat");
    let moov = top(&bytes, b"moov");
    let mdat_size: u64 = 5 << 30;
    let mut head = bytes[..ftyp.end() as usize].to_vec();
    head.extend(1u32.to_be_bytes());
    head.extend(b"mdat");
    head.extend((mdat_size).to_be_bytes());
    head.extend(&bytes[mdat.body_offset() as usize..mdat.end() as usize]);
    assert_eq!(mdat.body_offset(), 48);
    let mut moov_bytes = bytes[moov.offset as usize..moov.end() as usize].to_vec();
    moov_bytes.truncate(moov.size as usize);
    SparseFile::new(head, ftyp.end() + mdat_size, moov_bytes)
}

#[test]
fn stco_is_enough_below_4_gib() {
    let r = report(&fixture("clip-moov-end.mp4"), &options(false));
    assert_check(
        &r,
        "chunk_offset_width",
        Status::Pass,
        "2 tracks with 32-bit stco, 0 with 64-bit co64; largest chunk offset 12218 in a 15415-byte file",
        int(12218),
    );
    // With telemetry in moov (a TTAD box) nothing is read from the media; a file without any
    // would be scanned for freeGPS blocks, as extract reads it.
    let mut big = beyond_4_gib(|_| {});
    let r = verify(&mut big, &options(false)).unwrap();
    assert_eq!(big.middle_reads, 0, "verify read the media data");
    assert_check(
        &r,
        "telemetry_sources",
        Status::Pass,
        "TomTom TTAD at moov/udta/TTMD/TTAD",
        int(1),
    );
    assert_check(
        &r,
        "chunk_offset_width",
        Status::Pass,
        &format!("in a {BIG_LEN}-byte file"),
        int(12218),
    );
    assert_check(&r, "chunks_in_mdat", Status::Pass, "all 75 samples", int(0));
}

#[test]
fn wrapped_stco_offsets_past_4_gib_fail_chunk_offset_width() {
    let mut big = beyond_4_gib(|bytes| {
        let stco = node(bytes, "moov/trak[0]/mdia/minf/stbl/stco");
        // Chunk 5 "wrapped": its offset is now below chunk 4's.
        put_u32(bytes, field(&stco, 4 + 5 * 4), 100);
    });
    let r = verify(&mut big, &options(false)).unwrap();
    assert_check(
        &r,
        "chunk_offset_width",
        Status::Fail,
        "moov/trak[0]/mdia/minf/stbl/stco: chunk 5 at byte 100 comes after chunk 4 at byte",
        int(1),
    );
    let check = expect(&r, "chunk_offset_width", Status::Fail);
    assert!(
        check.message.ends_with(&format!(
            "in a {BIG_LEN}-byte file: 32-bit offsets wrapped past 4 GiB, co64 needed"
        )),
        "{}",
        check.message
    );
}

#[test]
fn a_file_that_is_no_mp4_or_has_no_moov_is_an_error() {
    let read = |bytes: Vec<u8>| verify(&mut std::io::Cursor::new(bytes), &options(false));
    let err = read(b"hello world, not a video".to_vec()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "not an MP4/MOV file (it starts with \"hello wo\")"
    );
    let err = read(mp4_box(b"ftyp", b"isom")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "moov at byte 12: no moov box up to the end of the boxes: the recording was not \
         finalised (the camera lost power or the card was pulled?), or the file is not a video"
    );
    let mut cut_ftyp = mp4_box(b"ftyp", b"isom");
    cut_ftyp.truncate(10);
    let err = read(cut_ftyp).unwrap_err();
    assert_eq!(
        err.to_string(),
        "ftyp at byte 0: declared size 12 runs past the end of its parent (10 bytes left)"
    );
}
