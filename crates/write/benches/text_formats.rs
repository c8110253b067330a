//! Throughput of GPX input and of every text export on a 100 000-point track (a bit under
//! six hours at 5 Hz) with every field set, written into memory.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use telemux_read::{gpx, Fix, GpsPoint, Telemetry};
use telemux_write::export::{csv, geojson, gpx::GpxVersion, json, kml};
use time::{Duration, OffsetDateTime};

const POINTS: usize = 100_000;

fn track() -> Vec<GpsPoint> {
    let start = OffsetDateTime::from_unix_timestamp(1_685_607_300).expect("a 2023 time");
    (0..POINTS)
        .map(|i| {
            let step = i as f64;
            GpsPoint {
                time: Some(start + Duration::milliseconds(200 * i as i64)),
                media_time: Some(step * 0.2),
                altitude: Some(409.6 + (step * 0.01).sin() * 20.0),
                speed_2d: Some(8.0 + (step * 0.1).cos()),
                speed_3d: Some(8.1 + (step * 0.1).cos()),
                course: Some((162.0 + step * 0.01) % 360.0),
                fix: Some(Fix::ThreeD),
                dop: Some(1.25),
                satellites: Some(9),
                ..GpsPoint::new(
                    47.36632096208632 - step * 1.3e-5,
                    8.541287034749985 + step * 7.1e-6,
                )
            }
        })
        .collect()
}

fn text_formats(c: &mut Criterion) {
    let segments = vec![track()];
    let mut group = c.benchmark_group("text_formats");
    group.sample_size(10);
    group.throughput(Throughput::Elements(POINTS as u64));

    let mut document = Vec::new();
    telemux_write::export::gpx::write_gpx(&mut document, &segments, GpxVersion::V1_1)
        .expect("the bench track is valid");
    group.bench_function("gpx_parse", |b| b.iter(|| gpx::parse(&document)));
    println!("GPX 1.1 document: {} bytes", document.len());

    let mut out = Vec::with_capacity(64 << 20);
    let mut bench = |name: &str, write: &dyn Fn(&mut Vec<u8>)| {
        group.bench_function(name, |b| {
            b.iter(|| {
                out.clear();
                write(&mut out);
            })
        });
    };
    bench("gpx11_write", &|out| {
        telemux_write::export::gpx::write_gpx(out, &segments, GpxVersion::V1_1)
            .expect("the bench track is valid");
    });
    bench("kml_write", &|out| {
        kml::write_kml(out, &segments).expect("the bench track is valid");
    });
    bench("geojson_write", &|out| {
        geojson::write_geojson(out, &segments).expect("the bench track is valid");
    });
    bench("csv_write", &|out| {
        csv::write_csv(out, &segments).expect("the bench track is valid");
    });
    let telemetry = Telemetry {
        source: "bench".into(),
        gps: track(),
        ..Telemetry::default()
    };
    bench("json_write", &|out| {
        json::write_json(out, &telemetry).expect("the bench track is valid");
    });
    group.finish();
}

criterion_group!(benches, text_formats);
criterion_main!(benches);
