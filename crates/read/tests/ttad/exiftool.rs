//! Interop: ExifTool (the only other TTAD decoder) reads a synthetic MP4 carrying our
//! generated payload in `moov/udta/TTMD/TTAD`; where it decodes a value, ours must agree.

use std::collections::BTreeMap;
use std::f64::consts::PI;
use std::process::Command;

use serde_json::Value;
use telemux_read::ttad::{decode, ByteOrder, DecodeOptions, Record, Records};
use telemux_read::SensorStream;
use telemux_testkit::external_tool;
use time::macros::format_description;

use crate::payload::{exiftool_rows, Payload, FULL_TABLE};
use crate::{assert_close, synthetic_mp4};

/// Every type ExifTool knows (0, 1, 2, 3, 5), plus 4, 6 and 7, which it does not: each of
/// those sends it into resynchronisation, which the timecode right after them ends, so it
/// loses nothing it could decode. Records start at byte 80 (a 9-entry table); ExifTool
/// starts at 76 and skips the last table entry's length field the same way.
pub(crate) fn interop_payload() -> Vec<u8> {
    let [a, b, c] = exiftool_rows();
    let mut p = Payload::with_table(ByteOrder::Big, &FULL_TABLE);
    p.timecode(0)
        .gyro([1500, -250, 90_000])
        .accelerometer([12, -1003, 25]);
    p.barometer(98_123).magnetometer([806, 8124, -4323]).gps(&a);
    p.thermometer(23_456);
    p.timecode(100)
        .accelerometer([0, 0, -1000])
        .gyro([-1, 0, 1]);
    p.timecode(1000).gps(&b).heart_rate(142);
    p.timecode(1100).magnetometer([1, 2, 3]).barometer(98_100);
    p.timecode(2000).gps(&c).record(7, &[1, 2, 3, 4, 5, 6]);
    p.timecode(2050).accelerometer([500, 500, 500]);
    p.bytes()
}

/// ExifTool's `-ee -G3` output as one tag map per embedded document, in document order.
fn exiftool_docs(mp4: &[u8]) -> (Vec<BTreeMap<String, Value>>, Vec<String>) {
    let mut file = tempfile::Builder::new().suffix(".mp4").tempfile().unwrap();
    std::io::Write::write_all(&mut file, mp4).unwrap();
    let out = Command::new("exiftool")
        .args(["-ee", "-n", "-j", "-u", "-G3"])
        .arg(file.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut docs: BTreeMap<u32, BTreeMap<String, Value>> = BTreeMap::new();
    let mut warnings = Vec::new();
    for (key, value) in json[0].as_object().unwrap() {
        let Some((group, tag)) = key.split_once(':') else {
            continue;
        };
        if tag == "Warning" {
            warnings.push(value.as_str().unwrap().to_owned());
        } else if let Some(n) = group.strip_prefix("Doc") {
            let n: u32 = n.parse().unwrap();
            docs.entry(n)
                .or_default()
                .insert(tag.to_owned(), value.clone());
        }
    }
    (docs.into_values().collect(), warnings)
}

fn numbers(value: &Value) -> Vec<f64> {
    match value {
        Value::String(s) => s.split_whitespace().map(|v| v.parse().unwrap()).collect(),
        other => vec![other.as_f64().unwrap()],
    }
}

/// (SampleTime, values) of the documents carrying `tag`.
fn exiftool_samples(docs: &[BTreeMap<String, Value>], tag: &str) -> Vec<(f64, Vec<f64>)> {
    docs.iter()
        .filter_map(|doc| {
            let values = numbers(doc.get(tag)?);
            Some((doc["SampleTime"].as_f64().unwrap(), values))
        })
        .collect()
}

/// Our stream as (media time, values × `to_exiftool`).
fn our_samples(sensors: &[SensorStream], key: &str, to_exiftool: f64) -> Vec<(f64, Vec<f64>)> {
    let stream = sensors.iter().find(|s| s.key == key).unwrap();
    stream
        .samples
        .iter()
        .map(|s| {
            let values = s.values.iter().map(|v| v * to_exiftool).collect();
            (s.media_time.unwrap(), values)
        })
        .collect()
}

#[track_caller]
fn assert_samples_agree(ours: &[(f64, Vec<f64>)], theirs: &[(f64, Vec<f64>)], count: usize) {
    assert_eq!(ours.len(), count, "{ours:?}");
    assert_eq!(theirs.len(), count, "{theirs:?}");
    for ((our_t, our_v), (their_t, their_v)) in ours.iter().zip(theirs) {
        assert_eq!(our_t, their_t);
        assert_close(our_v, their_v);
    }
}

#[test]
fn exiftool_decodes_what_we_decode() {
    if external_tool("exiftool").is_none() {
        return;
    }
    let payload = interop_payload();
    let (docs, warnings) = exiftool_docs(&synthetic_mp4(&payload));
    let decoded = decode(&payload, &DecodeOptions::default()).unwrap();
    let sensors = &decoded.telemetry.sensors;

    let pairs = [
        ("GYRO", "AngularVelocity", 180.0 / PI, 2),
        ("ACCL", "Accelerometer", 1.0 / 9.80665, 3),
        ("PRES", "Unknown01", 1.0, 2),
        ("MAGN", "Unknown02", 1000.0, 2),
    ];
    for (key, tag, to_exiftool, count) in pairs {
        let ours = our_samples(sensors, key, to_exiftool);
        assert_samples_agree(&ours, &exiftool_samples(&docs, tag), count);
    }

    let gps_docs: Vec<_> = docs
        .iter()
        .filter(|d| d.contains_key("GPSLatitude"))
        .collect();
    let points = &decoded.telemetry.gps;
    let fixes: Vec<_> = Records::new(&payload)
        .unwrap()
        .filter_map(|r| match r.record {
            Record::Gps(fix) => Some(fix),
            _ => None,
        })
        .collect();
    assert_eq!((gps_docs.len(), points.len(), fixes.len()), (3, 3, 3));
    let format =
        format_description!("[year]:[month]:[day] [hour]:[minute]:[second].[subsecond digits:3]Z");
    for ((doc, point), fix) in gps_docs.iter().zip(points).zip(&fixes) {
        let number = |tag: &str| doc[tag].as_f64().unwrap();
        let time = point.time.unwrap().format(&format).unwrap();
        assert_eq!(doc["GPSDateTime"].as_str(), Some(time.as_str()));
        assert_eq!(Some(number("SampleTime")), point.media_time);
        assert_eq!(number("GPSLatitude"), point.latitude);
        assert_eq!(number("GPSLongitude"), point.longitude);
        assert_eq!(Some(number("GPSAltitude")), point.altitude);
        assert_eq!(Some(number("GPSTrack")), point.course);
        assert_close(&[number("GPSSpeed")], &[point.speed_2d.unwrap() * 3.6]);
        assert_close(&numbers(&doc["Unknown03"]), &[fix.epv, fix.epy, fix.epx]);
    }
    assert_eq!(
        gps_docs[0]["GPSDateTime"].as_str(),
        Some("2019:03:05 07:52:58.999Z")
    );

    // ExifTool does not know type 4 (and warns once); we decode it and 6.
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("Unknown TTAD record type 4")),
        "{warnings:?}"
    );
    let keys: Vec<&str> = sensors.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(keys, ["ACCL", "GYRO", "MAGN", "PRES", "TEMP", "HRAT"]);
    assert!(decoded.summary.unknown_types.is_empty());
}
