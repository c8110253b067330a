//! KML and GeoJSON exports parse back (quick-xml, serde_json) to the same coordinates.

mod common;

use proptest::prelude::*;
use quick_xml::events::Event;
use serde_json::{json, Value};
use telemux_read::GpsPoint;
use telemux_write::export::geojson::write_geojson;
use telemux_write::export::kml::write_kml;
use time::macros::datetime;

/// Texts of the KML elements a test looks at, by element name, in document order.
#[derive(Default, Debug)]
struct KmlTexts {
    coordinates: Vec<String>,
    when: Vec<String>,
    coord: Vec<String>,
    altitude_modes: Vec<String>,
    geometries: Vec<String>,
}

fn kml_texts(document: &[u8]) -> KmlTexts {
    let mut reader = quick_xml::Reader::from_reader(document);
    let mut texts = KmlTexts::default();
    let mut current = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(start) => {
                current = start.name().as_ref().to_vec();
                if [&b"LineString"[..], b"Point", b"gx:Track"].contains(&current.as_slice()) {
                    texts
                        .geometries
                        .push(String::from_utf8(current.clone()).unwrap());
                }
            }
            Event::Text(text) => {
                let text = text.unescape().unwrap().trim().to_owned();
                match current.as_slice() {
                    b"coordinates" => texts.coordinates.push(text),
                    b"when" => texts.when.push(text),
                    b"gx:coord" => texts.coord.push(text),
                    b"altitudeMode" => texts.altitude_modes.push(text),
                    _ => {}
                }
            }
            Event::End(_) => current.clear(),
            Event::Eof => return texts,
            _ => {}
        }
    }
}

/// `lon,lat[,alt]` tuples of every `<coordinates>` element, as numbers.
fn kml_positions(texts: &KmlTexts) -> Vec<Vec<f64>> {
    texts
        .coordinates
        .iter()
        .flat_map(|block| block.split_whitespace())
        .map(|tuple| tuple.split(',').map(|n| n.parse().unwrap()).collect())
        .collect()
}

fn sample_segments() -> Vec<Vec<GpsPoint>> {
    let timed = |second: i64, latitude: f64, altitude: Option<f64>| GpsPoint {
        time: Some(datetime!(2023-06-01 08:15:00 UTC) + time::Duration::seconds(second)),
        altitude,
        speed_2d: Some(7.5 + second as f64),
        ..GpsPoint::new(latitude, 8.541287034749985)
    };
    vec![
        vec![
            timed(0, 47.36632096208632, Some(409.6)),
            timed(1, 47.36625401116908, Some(409.8)),
            timed(2, 47.36618501879275, None),
        ],
        vec![GpsPoint::new(-33.8688, 151.2093)],
        vec![],
        vec![
            GpsPoint::new(51.5007, -0.1246),
            timed(10, 51.5008, Some(6.25)),
        ],
    ]
}

#[test]
fn kml_has_every_position_and_a_timed_track() {
    let mut out = Vec::new();
    write_kml(&mut out, &sample_segments()).unwrap();
    let texts = kml_texts(&out);
    assert_eq!(
        texts.geometries,
        ["LineString", "Point", "LineString", "gx:Track", "gx:Track"]
    );
    assert_eq!(
        kml_positions(&texts),
        [
            vec![8.541287034749985, 47.36632096208632, 409.6],
            vec![8.541287034749985, 47.36625401116908, 409.8],
            vec![8.541287034749985, 47.36618501879275],
            vec![151.2093, -33.8688],
            vec![-0.1246, 51.5007],
            vec![8.541287034749985, 51.5008, 6.25],
        ]
    );
    assert_eq!(
        texts.altitude_modes,
        [
            "absolute",
            "clampToGround",
            "absolute",
            "absolute",
            "absolute"
        ]
    );
    assert_eq!(
        texts.when,
        [
            "2023-06-01T08:15:00Z",
            "2023-06-01T08:15:01Z",
            "2023-06-01T08:15:02Z",
            "2023-06-01T08:15:10Z"
        ]
    );
    assert_eq!(
        texts.coord,
        [
            "8.541287034749985 47.36632096208632 409.6",
            "8.541287034749985 47.36625401116908 409.8",
            "8.541287034749985 47.36618501879275 0",
            "8.541287034749985 51.5008 6.25"
        ]
    );
}

#[test]
fn kml_without_times_has_no_timed_track() {
    let mut out = Vec::new();
    write_kml(
        &mut out,
        &[vec![GpsPoint::new(1.0, 2.0), GpsPoint::new(3.0, 4.0)]],
    )
    .unwrap();
    let texts = kml_texts(&out);
    assert_eq!(texts.geometries, ["LineString"]);
    assert_eq!(kml_positions(&texts), [vec![2.0, 1.0], vec![4.0, 3.0]]);
}

#[test]
fn geojson_features_per_segment_with_property_arrays() {
    let mut out = Vec::new();
    write_geojson(&mut out, &sample_segments()).unwrap();
    let value: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(value["type"], "FeatureCollection");
    let features = value["features"].as_array().unwrap();
    assert_eq!(features.len(), 3);
    assert_eq!(
        features[0],
        json!({
            "type": "Feature",
            "properties": {
                "segment": 0,
                "coordTimes": ["2023-06-01T08:15:00Z", "2023-06-01T08:15:01Z", "2023-06-01T08:15:02Z"],
                "speeds": [7.5, 8.5, 9.5],
                "courses": [null, null, null]
            },
            "geometry": {
                "type": "LineString",
                "coordinates": [
                    [8.541287034749985, 47.36632096208632, 409.6],
                    [8.541287034749985, 47.36625401116908, 409.8],
                    [8.541287034749985, 47.36618501879275]
                ]
            }
        })
    );
    assert_eq!(
        features[1]["geometry"],
        json!({"type": "Point", "coordinates": [151.2093, -33.8688]})
    );
    assert_eq!(features[1]["properties"]["coordTimes"], json!([null]));
    assert_eq!(features[2]["properties"]["segment"], 3);
    assert_eq!(
        features[2]["properties"]["coordTimes"],
        json!([null, "2023-06-01T08:15:10Z"])
    );
}

#[test]
fn empty_inputs_are_still_documents() {
    let mut out = Vec::new();
    write_geojson(&mut out, &[]).unwrap();
    let value: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(value, json!({"type": "FeatureCollection", "features": []}));
    let mut out = Vec::new();
    write_kml(&mut out, &[]).unwrap();
    assert!(kml_texts(&out).geometries.is_empty());
}

fn expected_positions(segments: &[Vec<GpsPoint>]) -> Vec<Vec<f64>> {
    segments
        .iter()
        .flatten()
        .map(|p| {
            let mut position = vec![p.longitude, p.latitude];
            position.extend(p.altitude);
            position
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn kml_positions_are_exact(segments in common::segments(common::gpx_point())) {
        let mut out = Vec::new();
        write_kml(&mut out, &segments).unwrap();
        let texts = kml_texts(&out);
        prop_assert_eq!(kml_positions(&texts), expected_positions(&segments));
        let timed = segments.iter().flatten().filter(|p| p.time.is_some()).count();
        prop_assert_eq!(texts.when.len(), timed);
        prop_assert_eq!(texts.coord.len(), timed);
    }

    #[test]
    fn geojson_positions_are_exact(segments in common::segments(common::gpx_point())) {
        let mut out = Vec::new();
        write_geojson(&mut out, &segments).unwrap();
        let value: Value = serde_json::from_slice(&out).unwrap();
        let mut positions = Vec::new();
        for feature in value["features"].as_array().unwrap() {
            let coordinates = &feature["geometry"]["coordinates"];
            let list = match feature["geometry"]["type"].as_str().unwrap() {
                "Point" => vec![coordinates.clone()],
                _ => coordinates.as_array().unwrap().clone(),
            };
            prop_assert_eq!(feature["properties"]["speeds"].as_array().unwrap().len(), list.len());
            for position in list {
                positions.push(
                    position.as_array().unwrap().iter().map(|n| n.as_f64().unwrap()).collect::<Vec<f64>>(),
                );
            }
        }
        prop_assert_eq!(positions, expected_positions(&segments));
    }
}
