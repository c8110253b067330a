//! TTAD decoding throughput on an hour of synthetic Bandit data: accelerometer and gyro at
//! 100 Hz, magnetometer at 10 Hz, GPS, barometer and thermometer at 1 Hz (about 12 MB).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use telemux_read::ttad::{decode, ByteOrder, DecodeOptions, GpsRecord};

#[allow(dead_code)] // shared with the tests, which use all of it
#[path = "../tests/ttad/payload.rs"]
mod payload;

use payload::{exiftool_rows, Payload, FULL_TABLE};

fn one_hour() -> Vec<u8> {
    let base = exiftool_rows()[0];
    let mut p = Payload::with_table(ByteOrder::Big, &FULL_TABLE);
    for tick in 0..360_000u32 {
        let phase = (tick % 1000) as i32;
        p.timecode(tick * 10);
        p.accelerometer([phase, -1000 + phase, 20]);
        p.gyro([phase * 3, -phase, 7]);
        if tick % 10 == 0 {
            p.magnetometer([806, 8124, -4323 + phase]);
        }
        if tick % 100 == 0 {
            let second = f64::from(tick / 100);
            p.gps(&GpsRecord {
                time: base.time + second,
                latitude: base.latitude + second * 1e-5,
                ..base
            });
            p.barometer(98_000 - phase);
            p.thermometer(23_000 + phase);
        }
    }
    p.bytes()
}

fn bench(c: &mut Criterion) {
    let bytes = one_hour();
    let mut group = c.benchmark_group("ttad");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("decode_one_hour", |b| {
        b.iter(|| decode(&bytes, &DecodeOptions::default()).map(|d| d.telemetry.gps.len()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
