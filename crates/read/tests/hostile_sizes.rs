//! Inputs built to make a reader slow or greedy: every reader must stay linear in its input,
//! bounded in memory, and give the exact values or error it gives on small inputs. (The
//! million-entry MP4 sample tables are in `src/mp4/tests/sample_index.rs`.)

use std::io::{self, Read};
use std::time::{Duration, Instant};

use telemux_read::gpmf;
use telemux_read::gpx::{self, GpxError};
use telemux_read::novatek::{BlockScanner, TsGpsReader};
use telemux_testkit::gpmf_klv as klv;

/// Generous: each case takes well under a second on a loaded 2-core machine; a quadratic
/// walk would take minutes.
const BUDGET: Duration = Duration::from_secs(10);

/// A nest as GoPro's writer makes it: struct size doubled until the repeat fits, the body
/// zero-filled to struct size × repeat.
fn nest(key: &[u8; 4], children: &[Vec<u8>]) -> Vec<u8> {
    let mut body = children.concat();
    let size = (0..8)
        .map(|shift| 1usize << shift)
        .find(|size| body.len().div_ceil(*size) <= 0xFFFF)
        .unwrap();
    let repeat = body.len().div_ceil(size);
    body.resize(size * repeat, 0);
    let mut out = key.to_vec();
    out.extend([0, size as u8]);
    out.extend(u16::try_from(repeat).unwrap().to_be_bytes());
    out.extend(body);
    out
}

#[test]
fn gpmf_klvs_of_65535_samples_decode_exactly() {
    // An accelerometer stream of 65535 three-axis samples, then 40 more KLVs of 65535 bytes
    // each: 2.9 MB, every size field at its maximum.
    let accl: Vec<u8> = (0..0xFFFFu32)
        .flat_map(|i| {
            let v = (i % 2000) as i16 - 1000;
            [v, -v, 7].into_iter().flat_map(i16::to_be_bytes)
        })
        .collect();
    let mut stream = vec![
        klv(b"SCAL", b's', 2, 1, &100i16.to_be_bytes()),
        klv(b"ACCL", b's', 6, 0xFFFF, &accl),
    ];
    for i in 0..40u8 {
        stream.push(klv(b"RAWB", b'B', 1, 0xFFFF, &[i; 0xFFFF]));
    }
    let payload = nest(b"DEVC", &[nest(b"STRM", &stream)]);
    // STRM's 3014984 bytes fill to 64 × 47110; DEVC's 3015048 to 64 × 47111.
    assert_eq!(payload.len(), 8 + 64 * 47_111);

    let start = Instant::now();
    gpmf::validate(&payload).unwrap();
    let tree = gpmf::read_tree(&payload).unwrap();
    let encoded = telemux_write::gpmf::encode(&tree).unwrap();
    let view = gpmf::payload(&payload).unwrap();
    let stream = &view.devices[0].streams[0];
    let scaled = stream.scaled().unwrap();
    let mut listing = String::new();
    gpmf::print(&payload, gpmf::PrintOptions::with_all(true), &mut listing).unwrap();
    assert!(start.elapsed() < BUDGET, "took {:?}", start.elapsed());

    assert_eq!(encoded, payload);
    assert_eq!(stream.key.map(|k| k.to_string()).as_deref(), Some("RAWB"));
    assert_eq!(stream.sample_count(), 40 * 0xFFFF);
    assert_eq!(scaled.len(), 40 * 0xFFFF);
    // SCAL 100 is sticky: it scales the RAWB bytes too.
    assert_eq!((scaled[0], scaled[0xFFFF * 40 - 1]), (0.0, 0.39));
    // Listing every sample: DEVC, STRM, SCAL, ACCL and a line per ACCL sample, a line per
    // RAWB KLV with its 65535 values inline, and the two zero fills.
    let lines: Vec<&str> = listing.lines().collect();
    assert_eq!(lines.len(), 4 + 65_535 + 40 + 2);
    assert_eq!(lines[3], "    ACCL s 6x65535 65535 samples:");
    assert_eq!(lines[4], "      -10.00, 10.00, 0.07");
    assert_eq!(lines[4 + 65_534], "      5.34, -5.34, 0.07");
    assert!(lines[4 + 65_535 + 39].starts_with("    RAWB B 1x65535 [0.39, 0.39,"));
    assert_eq!(lines[lines.len() - 1], "  (zero padding, 56 bytes)");
}

#[test]
fn gpx_with_100000_nested_unknown_elements_stops_at_the_depth_limit() {
    let mut xml = b"<?xml version=\"1.0\"?>\n<gpx version=\"1.1\">".to_vec();
    for _ in 0..100_000 {
        xml.extend_from_slice(b"<x>");
    }
    for _ in 0..100_000 {
        xml.extend_from_slice(b"</x>");
    }
    xml.extend_from_slice(b"</gpx>");
    let start = Instant::now();
    let err = gpx::parse(&xml).unwrap_err();
    assert!(start.elapsed() < BUDGET, "took {:?}", start.elapsed());
    // <gpx> is level 1: the 128th <x> opens level 129, at byte 41 + 127 × 3.
    let GpxError::TooDeep {
        position,
        path,
        limit: 128,
    } = &err
    else {
        panic!("{err}");
    };
    assert_eq!(
        (position.line, position.column, position.byte),
        (2, 401, 422)
    );
    assert_eq!(path.len(), "gpx".len() + 128 * "/x".len());
    assert!(err.to_string().ends_with(
        "/x/x at line 2, column 401 (byte 422): elements nested deeper than 128 levels"
    ));
}

#[test]
fn gpx_with_100000_unknown_elements_in_one_point_reads_the_point() {
    let mut xml = b"<gpx version=\"1.1\"><trk><trkseg><trkpt lat=\"52.5\" lon=\"13.4\">".to_vec();
    for i in 0..100_000 {
        xml.extend_from_slice(format!("<hr{i}><v>{i}</v></hr{i}>").as_bytes());
    }
    xml.extend_from_slice(b"<ele>34.5</ele></trkpt></trkseg></trk></gpx>");
    let start = Instant::now();
    let data = gpx::parse(&xml).unwrap();
    assert!(start.elapsed() < BUDGET, "took {:?}", start.elapsed());
    let point = &data.segments[0][0];
    assert_eq!(
        (point.latitude, point.longitude, point.altitude),
        (52.5, 13.4, Some(34.5))
    );
}

#[test]
fn gpx_point_with_200000_attributes_reads_the_point() {
    // Quadratic in the attribute count before quick-xml's duplicate check was turned off: 45 s.
    let mut xml = b"<gpx version=\"1.1\"><trk><trkseg><trkpt".to_vec();
    for i in 0..200_000 {
        xml.extend_from_slice(format!(" a{i}=\"{i}\"").as_bytes());
    }
    xml.extend_from_slice(b" lat=\"52.5\" lon=\"13.4\" lat=\"52.25\"><ele>34.5</ele>");
    xml.extend_from_slice(b"</trkpt></trkseg></trk></gpx>");
    let start = Instant::now();
    let data = gpx::parse(&xml).unwrap();
    assert!(start.elapsed() < BUDGET, "took {:?}", start.elapsed());
    let point = &data.segments[0][0];
    // A repeated attribute keeps its last value.
    assert_eq!(
        (point.latitude, point.longitude, point.altitude),
        (52.25, 13.4, Some(34.5))
    );
}

/// A stream of `len` bytes repeating `pattern`, produced as it is read.
struct Cycle {
    pattern: Vec<u8>,
    at: usize,
    left: u64,
}

impl Cycle {
    fn new(pattern: &[u8], len: u64) -> Cycle {
        Cycle {
            pattern: pattern.to_vec(),
            at: 0,
            left: len,
        }
    }
}

impl Read for Cycle {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        for byte in &mut buf[..n] {
            *byte = self.pattern[self.at];
            self.at = (self.at + 1) % self.pattern.len();
        }
        self.left -= n as u64;
        Ok(n)
    }
}

#[test]
fn novatek_scan_of_64_mib_of_near_miss_magic_finds_nothing() {
    // Every 12 bytes a hit to reject: a magic one letter off, an absurd size, a size below
    // the header, and a magic cut short.
    let pattern = [
        &b"\0\0\x80\0freeGPX "[..],
        b"\xff\xff\xff\xfffreeGPS ",
        b"\0\0\0\x05freeGPS ",
        b"\0\0\x80\0freeGP",
    ]
    .concat();
    let start = Instant::now();
    let found = BlockScanner::new(Cycle::new(&pattern, 64 << 20), 0).count();
    assert!(start.elapsed() < BUDGET, "took {:?}", start.elapsed());
    assert_eq!(found, 0);
}

#[test]
fn ts_of_64_mib_of_garbage_yields_nothing() {
    // Sync bytes 188 apart for two packets, then not: each run looks like a stream start and
    // must be rejected by the third packet start.
    let mut pattern = vec![0x5A; 3 * 188 + 1];
    pattern[0] = 0x47;
    pattern[188] = 0x47;
    let start = Instant::now();
    let mut ts = TsGpsReader::new(Cycle::new(&pattern, 64 << 20));
    let payload = ts.next_payload().unwrap();
    assert!(start.elapsed() < BUDGET, "took {:?}", start.elapsed());
    assert_eq!(payload, None);
    let stats = ts.stats();
    assert_eq!((stats.packets, stats.payloads, stats.resyncs), (0, 0, 1));
}

#[test]
fn gpx_read_from_an_endless_stream_of_zeros_stops_at_the_first_nul() {
    // `--gpx /dev/zero` read until memory ran out; a reader that never ends stands in for it.
    let window = gpx::Window::FromFirst {
        offset: 0.0,
        duration: 10.0,
    };
    let zeros = std::io::BufReader::new(std::io::repeat(0));
    let err = gpx::read_window(zeros, window).unwrap_err();
    assert_eq!(
        err.to_string(),
        "this is not a GPX file (it looks like binary data) at line 1, column 1 (byte 0)"
    );
    // A NUL after 72,000 bytes of text (past the first 64 KiB read), with its line and column.
    let mut text = b"<gpx>\n".to_vec();
    text.extend(b"<ab/>\n".repeat(12_000));
    text.extend(b"ab\0");
    let doc = std::io::Cursor::new(text.repeat(3));
    let err = gpx::read_window(doc, window).unwrap_err();
    assert_eq!(
        err.to_string(),
        "this is not a GPX file (it holds a NUL byte, which no XML text holds: binary data?) at \
         line 12002, column 3 (byte 72008)"
    );
}
