//! Parse throughput of each track file format, through the path `inject --track` takes: the
//! format's reader streaming every point into the window sieve (`track_input::read_window`,
//! with a window over everything, so every point is also kept).
//!
//! One harness for every format: a format adds one line to `INPUTS` (a corpus file, or bytes
//! made here). Corpus files are read from `../shared/corpus/tracks`; without it those lines
//! print why and measure nothing.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use telemux_read::gpx::Window;
use telemux_read::track_input::{self, detect_file, HEAD_LEN};
use time::macros::datetime;

/// (benchmark name, corpus file under `tracks/`).
const INPUTS: &[(&str, &str)] = &[
    (
        "FIT edge 500 (357 KB, 10686 records)",
        "fit/garmin-edge-500-activity.fit",
    ),
    (
        "FIT COROS (259 KB)",
        "fit/coros-pace-2-cycling-misaligned-fields.fit",
    ),
    (
        "DJI SRT Mavic 3 (3.6 MB, 12318 subtitles)",
        "dji/dji-MAVIC3.srt",
    ),
    ("DJI SRT Mavic Pro (71 KB)", "dji/dji-mavic_pro.SRT"),
];

fn corpus(name: &str) -> Option<Vec<u8>> {
    let path = telemux_testkit::corpus_or_skip("track_inputs bench")?
        .join("tracks")
        .join(name);
    Some(std::fs::read(path).unwrap())
}

/// Reads `bytes` as `inject` does, returning the points kept.
fn parse(bytes: &[u8]) -> usize {
    let kind = detect_file(&bytes[..bytes.len().min(HEAD_LEN)], None).expect("detected");
    let everything = Window::Between(
        datetime!(1900-01-01 0:00 UTC),
        datetime!(2100-01-01 0:00 UTC),
    );
    let (windowed, _) = track_input::read_window(kind, &mut &bytes[..], everything).unwrap();
    windowed.points.len()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("track_inputs");
    group.sample_size(10);
    for (name, file) in INPUTS {
        let Some(bytes) = corpus(file) else {
            continue;
        };
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(*name, |b| b.iter(|| parse(&bytes)));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
