//! The JSON export holds the whole `Telemetry` and parses back with serde_json.

use serde_json::{json, Value};
use telemux_read::{AltitudeRef, Fix, GpsPoint, SensorSample, SensorStream, Telemetry};
use telemux_write::export::json::write_json;
use time::macros::datetime;

fn telemetry() -> Telemetry {
    Telemetry {
        source: "GoPro GPMF (GPS5)".into(),
        device: Some("HERO9 \"Black\"".into()),
        altitude_ref: AltitudeRef::MeanSeaLevel,
        gps: vec![
            GpsPoint {
                time: Some(datetime!(2020-11-24 17:32:01.055 UTC)),
                media_time: Some(0.055),
                altitude: Some(146.391),
                speed_2d: Some(4.513),
                speed_3d: Some(4.52),
                course: Some(271.25),
                fix: Some(Fix::ThreeD),
                dop: Some(1.74),
                satellites: Some(11),
                ..GpsPoint::new(33.1260717, -117.3272006)
            },
            GpsPoint {
                altitude: Some(f64::NAN),
                ..GpsPoint::new(33.1260714, -117.3272012)
            },
        ],
        sensors: vec![SensorStream {
            key: "ACCL".into(),
            name: Some("Accelerometer".into()),
            units: vec!["m/s²".into(); 3],
            samples: vec![
                SensorSample {
                    media_time: Some(0.0),
                    time: None,
                    values: vec![9.812, -0.125, 0.5],
                },
                SensorSample {
                    media_time: None,
                    time: Some(datetime!(2020-11-24 17:32:01 UTC)),
                    values: vec![f64::INFINITY, 0.0, -1e-7],
                },
            ],
        }],
        highlights: Vec::new(),
    }
}

#[test]
fn whole_telemetry_round_trips_through_serde_json() {
    let mut out = Vec::new();
    write_json(&mut out, &telemetry()).unwrap();
    let value: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(
        value,
        json!({
            "source": "GoPro GPMF (GPS5)",
            "device": "HERO9 \"Black\"",
            "altitude_ref": "mean_sea_level",
            "gps": [
                {
                    "time": "2020-11-24T17:32:01.055Z",
                    "media_time": 0.055,
                    "latitude": 33.1260717,
                    "longitude": -117.3272006,
                    "altitude": 146.391,
                    "speed_2d": 4.513,
                    "speed_3d": 4.52,
                    "course": 271.25,
                    "fix": "3d",
                    "dop": 1.74,
                    "satellites": 11
                },
                {"latitude": 33.1260714, "longitude": -117.3272012, "altitude": null}
            ],
            "sensors": [{
                "key": "ACCL",
                "name": "Accelerometer",
                "units": ["m/s²", "m/s²", "m/s²"],
                "samples": [
                    {"media_time": 0.0, "values": [9.812, -0.125, 0.5]},
                    {"time": "2020-11-24T17:32:01Z", "values": [null, 0.0, -1e-7]}
                ]
            }]
        })
    );
}

#[test]
fn one_point_or_sample_per_line() {
    let mut out = Vec::new();
    write_json(&mut out, &telemetry()).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 9, "{text}");
    assert!(lines[1].starts_with("{\"time\":\"2020-11-24T17:32:01.055Z\",\"media_time\":0.055,"));
    assert_eq!(
        lines[4],
        "{\"key\":\"ACCL\",\"name\":\"Accelerometer\",\"units\":[\"m/s²\",\"m/s²\",\"m/s²\"],\"samples\":["
    );
    assert_eq!(
        lines[5],
        "{\"media_time\":0.0,\"values\":[9.812,-0.125,0.5]},"
    );
}

#[test]
fn empty_telemetry() {
    let mut out = Vec::new();
    write_json(&mut out, &Telemetry::default()).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "{\"source\":\"\",\"altitude_ref\":\"ellipsoid\",\"gps\":[],\"sensors\":[]}\n"
    );
}
