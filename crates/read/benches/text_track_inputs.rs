//! Parse throughput of the text track inputs (NMEA, KML, GeoJSON, CSV, telemux JSON) on an
//! hour of 10 Hz GPS (36,000 points with every field), each written by telemux's own exporter
//! (NMEA: RMC + GGA + GSA per epoch, written here), read by the format's `Kind::read` with
//! every point counted.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use telemux_read::track_input::{self, Kind, Parsed};
use telemux_read::{AltitudeRef, Fix, GpsPoint, Telemetry};
use telemux_write::export::{csv, geojson, json, kml};
use time::macros::datetime;
use time::Duration;

const POINTS: u32 = 36_000;

fn hour() -> Vec<GpsPoint> {
    let start = datetime!(2024-06-01 08:00:00 UTC);
    (0..POINTS)
        .map(|i| {
            let t = f64::from(i);
            GpsPoint {
                time: Some(start + Duration::milliseconds(i64::from(i) * 100)),
                altitude: Some(409.6 + (t * 0.01).sin() * 30.0),
                speed_2d: Some(7.92 + (t * 0.003).cos()),
                speed_3d: Some(8.01),
                course: Some((t * 0.05) % 360.0),
                fix: Some(Fix::ThreeD),
                dop: Some(1.54),
                satellites: Some(9),
                ..GpsPoint::new(47.366_320_962 + t * 1e-6, 8.541_287_034 - t * 1e-6)
            }
        })
        .collect()
}

/// `$body*hh` with its checksum, CRLF-ended.
fn sentence(out: &mut String, body: &str) {
    let sum = body.bytes().fold(0u8, |acc, b| acc ^ b);
    out.push_str(&format!("${body}*{sum:02X}\r\n"));
}

fn nmea(points: &[GpsPoint]) -> Vec<u8> {
    let mut out = String::new();
    for p in points {
        let t = p.time.unwrap();
        let hms = format!(
            "{:02}{:02}{:02}.{:02}",
            t.hour(),
            t.minute(),
            t.second(),
            t.millisecond() / 10
        );
        let angle = |v: f64, width: usize| {
            let degrees = v.abs().trunc();
            format!("{degrees:0width$}{:07.4}", (v.abs() - degrees) * 60.0)
        };
        let (lat, lon) = (angle(p.latitude, 2), angle(p.longitude, 3));
        let alt = p.altitude.unwrap();
        sentence(
            &mut out,
            &format!("GNGGA,{hms},{lat},N,{lon},E,1,09,1.54,{alt:.1},M,47.0,M,,"),
        );
        sentence(&mut out, "GNGSA,A,3,04,05,09,12,24,,,,,,,,2.5,1.54,2.1");
        let knots = p.speed_2d.unwrap() / (1852.0 / 3600.0);
        let course = p.course.unwrap();
        sentence(
            &mut out,
            &format!("GNRMC,{hms},A,{lat},N,{lon},E,{knots:.3},{course:.2},010624,,,A"),
        );
    }
    out.into_bytes()
}

fn written(write: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut out = Vec::new();
    write(&mut out);
    out
}

fn read(kind: &Kind, bytes: &[u8]) -> usize {
    let mut points = 0;
    let mut parsed = Parsed::default();
    (kind.read)(&mut &bytes[..], &mut |_| points += 1, &mut parsed).unwrap();
    assert_eq!(points, POINTS as usize, "{}", kind.name);
    points
}

fn bench(c: &mut Criterion) {
    let points = hour();
    let segments = std::slice::from_ref(&points);
    let telemetry = Telemetry {
        source: "bench".into(),
        altitude_ref: AltitudeRef::Ellipsoid,
        gps: points.clone(),
        ..Telemetry::default()
    };
    let inputs: [(&Kind, Vec<u8>); 5] = [
        (&track_input::nmea::KIND, nmea(&points)),
        (
            &track_input::kml::KIND,
            written(|o| kml::write_kml(o, segments).unwrap()),
        ),
        (
            &track_input::geojson::KIND,
            written(|o| geojson::write_geojson(o, segments).unwrap()),
        ),
        (
            &track_input::csv::KIND,
            written(|o| csv::write_csv(o, segments).unwrap()),
        ),
        (
            &track_input::json::KIND,
            written(|o| json::write_json(o, &telemetry).unwrap()),
        ),
    ];
    let mut group = c.benchmark_group("text_track_inputs");
    group.sample_size(10);
    for (kind, bytes) in &inputs {
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        let name = format!("{} ({} KB, {POINTS} points)", kind.name, bytes.len() / 1000);
        group.bench_function(name, |b| b.iter(|| read(kind, bytes)));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
