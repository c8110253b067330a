//! Novatek MPEG-TS: sync recovery, PES reassembly and the TS record layouts on any bytes.
//! Payloads and counters must not depend on how the stream arrives in reads, and decoded
//! points are plausible.

#![no_main]

use libfuzzer_sys::fuzz_target;
use telemux_fuzz::{assert_plausible, Trickle};
use telemux_read::novatek::{decode_ts_payload, BlockOutcome, DecodeOptions, TsGpsReader, TsStats};

fn payloads(reader: impl std::io::Read) -> (Vec<Vec<u8>>, TsStats) {
    let mut ts = TsGpsReader::new(reader);
    let mut out = Vec::new();
    while let Some(payload) = ts.next_payload().expect("in-memory reads") {
        out.push(payload);
    }
    (out, ts.stats())
}

fuzz_target!(|input: (u16, &[u8])| {
    let (step, data) = input;
    let whole = payloads(data);
    let split = payloads(Trickle::new(data, usize::from(step) + 1));
    assert_eq!(whole, split, "TS reading depends on how reads are split");
    let (payloads, stats) = whole;
    assert_eq!(stats.payloads, payloads.len() as u64);
    assert!(stats.packets <= (data.len() / 188) as u64);
    for payload in &payloads {
        if let BlockOutcome::Points(variant, points) =
            decode_ts_payload(payload, &DecodeOptions::default())
        {
            assert_plausible(&points, variant.name());
        }
    }
});
