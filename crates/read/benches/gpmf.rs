//! GPMF codec throughput over the corpus payloads: walking KLV headers, validating, converting
//! GPS5 samples to f64, and encoding. Run with `cargo bench -p telemux-read --bench gpmf`;
//! skipped (with a message) when the corpus is absent.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use telemux_read::gpmf::{self, Entries, Entry, Stream};
use telemux_read::FourCC;
use telemux_testkit::{corpus_or_skip, GOPRO_RAW_FILES};

/// Every KLV header at every level, the way a reader looking for one key would go.
fn count_klvs(entries: Entries<'_>) -> usize {
    entries
        .map(|entry| match entry {
            Ok(Entry::Klv(klv)) => 1 + klv.children().map_or(0, count_klvs),
            Ok(Entry::Filler { .. }) => 0,
            Err(err) => panic!("{err}"),
        })
        .sum()
}

fn gps5_streams<'a>(payload: &'a gpmf::Payload<'a>) -> Vec<&'a Stream<'a>> {
    payload
        .devices
        .iter()
        .flat_map(|d| &d.streams)
        .filter(|s| s.key == Some(FourCC::new(b"GPS5")))
        .collect()
}

fn codec(c: &mut Criterion) {
    let Some(corpus) = corpus_or_skip("gpmf bench") else {
        return;
    };
    // All corpus payloads back to back: concatenated payloads are one valid payload stream.
    let all: Vec<u8> = GOPRO_RAW_FILES
        .iter()
        .flat_map(|name| std::fs::read(corpus.join(name)).expect("corpus file"))
        .collect();

    let mut group = c.benchmark_group("gpmf");
    group.throughput(Throughput::Bytes(all.len() as u64));
    group.bench_function("walk KLV headers (corpus)", |b| {
        b.iter(|| count_klvs(gpmf::entries(black_box(&all))))
    });
    group.bench_function("validate (corpus)", |b| {
        b.iter(|| gpmf::validate(black_box(&all)).expect("valid"))
    });

    let payload = gpmf::payload(&all).expect("payload");
    let streams = gps5_streams(&payload);
    let gps5_bytes: usize = streams
        .iter()
        .flat_map(|s| &s.data)
        .map(|k| k.data().len())
        .sum();
    let mut out = Vec::new();
    group.throughput(Throughput::Bytes(gps5_bytes as u64));
    group.bench_function("GPS5 to f64 (corpus)", |b| {
        b.iter(|| {
            out.clear();
            for stream in &streams {
                stream.scaled_into(&mut out).expect("numeric");
            }
            black_box(out.len())
        })
    });

    // A payload as large as one KLV allows: 65535 GPS5 samples (1.3 MB).
    let big = big_gps5_payload();
    let payload = gpmf::payload(&big).expect("payload");
    let streams = gps5_streams(&payload);
    group.throughput(Throughput::Bytes(65_535 * 20));
    group.bench_function("GPS5 to f64 (65535 samples)", |b| {
        b.iter(|| {
            out.clear();
            streams[0].scaled_into(&mut out).expect("numeric");
            black_box(out.len())
        })
    });

    let tree = gpmf::read_tree(&all).expect("tree");
    group.throughput(Throughput::Bytes(all.len() as u64));
    group.bench_function("read tree (corpus)", |b| {
        b.iter(|| gpmf::read_tree(black_box(&all)).expect("tree"))
    });
    group.bench_function("encode (corpus)", |b| {
        b.iter(|| telemux_write::gpmf::encode(black_box(&tree)).expect("encode"))
    });
    group.finish();
}

fn big_gps5_payload() -> Vec<u8> {
    use telemux_read::gpmf::{Data, Values};
    use telemux_write::gpmf::{gps5_stream, DeviceWriter};
    let values: Vec<i32> = (0..65_535 * 5).map(|i| 424_261_529 - i * 7).collect();
    let samples = Data::new(20, Values::I32(values)).expect("shape");
    let stream = gps5_stream(telemux_read::AltitudeRef::Ellipsoid)
        .payload(None, Vec::new(), samples)
        .expect("stream");
    DeviceWriter::new(1, "bench")
        .encode(vec![stream])
        .expect("payload")
}

criterion_group!(benches, codec);
criterion_main!(benches);
