//! CAMM: packet decoding, and a whole CAMM track read through the one reading path and listed
//! by `dump`, on any bytes. The input is cut into samples (a length byte, then that many
//! bytes), which become the samples of a `camm` track in a synthetic MP4. Every sample is
//! counted once, as a valid packet of its type or as a bad one; a sample decodes only at its
//! type's exact length; points are plausible.

#![no_main]

#[path = "../../tests/common/synthetic.rs"]
mod synthetic;

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use synthetic::{SynthTrack, SynthVideo};
use telemux_fuzz::assert_plausible;
use telemux_read::camm::{self, HEADER_LEN};
use telemux_read::mp4::Mp4;
use telemux_read::source::{self, Options};

fuzz_target!(|data: &[u8]| {
    let Some((&seed, mut rest)) = data.split_first() else {
        return;
    };
    let mut samples = Vec::new();
    while let Some((&len, tail)) = rest.split_first() {
        // Up to 12 bytes past the longest packet, so oversized samples occur too.
        let len = usize::from(len % 73).min(tail.len());
        let (sample, tail) = tail.split_at(len);
        samples.push(sample.to_vec());
        rest = tail;
    }
    for sample in &samples {
        if let Ok(packet) = camm::decode(sample) {
            let expected = camm::payload_len(packet.kind()).map(|len| len + HEADER_LEN);
            assert_eq!(Some(sample.len()), expected, "{packet}");
            let _ = packet.to_string();
        }
    }

    let count = samples.len() as u64;
    let file = SynthVideo {
        tracks: vec![SynthTrack {
            handler: *b"meta",
            sample_entry: camm::SAMPLE_ENTRY,
            timescale: 1000,
            samples,
            sample_duration: u32::from(seed),
            chunking: vec![u32::from(seed % 5) + 1, 3],
            co64: seed % 2 == 1,
        }],
        moov_first: seed % 3 == 0,
        creation_time: 0,
    }
    .build();
    let mut options = Options::default();
    options.sensors = true;
    let read = source::read(&mut Cursor::new(&file), options)
        .unwrap_or_else(|error| panic!("a well-formed CAMM track must read: {error}"));
    let facts = read.camm.expect("read as CAMM");
    assert_eq!(facts.samples, count);
    assert_eq!(facts.by_type.iter().sum::<u64>() + facts.bad, count);
    assert!(facts.first_bad.len() as u64 == facts.bad.min(camm::MAX_LISTED as u64));
    let gps = &read.telemetry.gps;
    assert_eq!(gps.len() as u64, facts.by_type[5] + facts.by_type[6]);
    assert_plausible(gps, "CAMM");
    let sensor_samples: usize = read.telemetry.sensors.iter().map(|s| s.samples.len()).sum();
    let motion: u64 = [0, 1, 2, 3, 4, 7].iter().map(|&k| facts.by_type[k]).sum();
    assert_eq!(sensor_samples as u64, motion);

    let mut reader = Cursor::new(&file);
    let mp4 = Mp4::open(&mut reader).expect("the synthetic MP4 opens");
    let track = camm::find_track(&mp4).expect("its CAMM track is found");
    let mut listing = String::new();
    camm::print(&mp4, &track, &mut reader, true, &mut listing).expect("every sample lists");
    assert_eq!(listing.lines().count() as u64, 1 + count);
});
