//! telemux's own JSON export read back: the `gps` array's points (schema in docs/formats.md,
//! "Exports"), `device` and `altitude_ref`; `sensors` and `highlights` are skipped unread.

use std::fmt;
use std::io::BufRead;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::json_stream::{self, Ctx, TimeText};
use super::text::{is_position, iso_or_unix_time};
use super::{Kind, Parsed, TrackInputError};
use crate::model::{AltitudeRef, Fix, GpsPoint};

/// telemux JSON as a track input.
pub static KIND: Kind = Kind {
    name: "telemux JSON",
    extensions: &["json"],
    detect,
    read,
};

/// Whether the head is a JSON object with telemux's top-level keys (`altitude_ref`, `gps`),
/// which its export writes before any point.
pub(crate) fn detect(head: &[u8]) -> bool {
    let text = head
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(head)
        .trim_ascii_start();
    let has = |key: &[u8]| text.windows(key.len()).any(|w| w == key);
    text.first() == Some(&b'{') && has(b"\"altitude_ref\"") && has(b"\"gps\"")
}

fn read(
    input: &mut dyn BufRead,
    emit: &mut dyn FnMut(GpsPoint),
    parsed: &mut Parsed,
) -> Result<(), TrackInputError> {
    json_stream::read(input, emit, parsed, "JSON", |ctx, json| {
        Root { ctx }.deserialize(json)
    })
}

struct Root<'c, 'a> {
    ctx: &'c mut Ctx<'a>,
}

impl<'de> DeserializeSeed<'de> for Root<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Root<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a telemux JSON export (an object with a \"gps\" array)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "gps" => map.next_value_seed(Points {
                    ctx: &mut *self.ctx,
                })?,
                "device" => self.ctx.parsed.device = map.next_value::<Option<String>>()?,
                "altitude_ref" => {
                    self.ctx.parsed.altitude_ref = match map.next_value::<String>()?.as_str() {
                        "mean_sea_level" => AltitudeRef::MeanSeaLevel,
                        _ => AltitudeRef::Ellipsoid,
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct Points<'c, 'a> {
    ctx: &'c mut Ctx<'a>,
}

impl<'de> DeserializeSeed<'de> for Points<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Points<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of GPS points")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(point) = seq.next_element_seed(Point)? {
            point.emit(self.ctx);
        }
        Ok(())
    }
}

/// One point's fields as written; checked when it closes.
#[derive(Default)]
struct Fields {
    time: Option<String>,
    media_time: Option<f64>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    altitude: Option<f64>,
    speed_2d: Option<f64>,
    speed_3d: Option<f64>,
    course: Option<f64>,
    fix: Option<String>,
    dop: Option<f64>,
    satellites: Option<u32>,
}

impl Fields {
    fn emit(self, ctx: &mut Ctx<'_>) {
        let (Some(latitude), Some(longitude)) = (self.latitude, self.longitude) else {
            return ctx.warn("a GPS point without latitude/longitude; skipped");
        };
        if !is_position(latitude, longitude) {
            return ctx.warn(format!(
                "({latitude}, {longitude}) is not a position; point skipped"
            ));
        }
        let mut point = GpsPoint::new(latitude, longitude);
        point.time = self.time.and_then(|text| match iso_or_unix_time(&text) {
            Ok(time) => Some(time),
            Err(reason) => {
                ctx.warn(format!("time {text:?}: {reason}; left out"));
                None
            }
        });
        point.media_time = self.media_time;
        point.altitude = self.altitude;
        point.speed_2d = self.speed_2d;
        point.speed_3d = self.speed_3d;
        point.course = self.course;
        point.fix = self.fix.and_then(|name| match name.as_str() {
            "none" => Some(Fix::None),
            "2d" => Some(Fix::TwoD),
            "3d" => Some(Fix::ThreeD),
            _ => {
                ctx.warn(format!("fix {name:?} is not none, 2d or 3d; left out"));
                None
            }
        });
        point.dop = self.dop;
        point.satellites = self.satellites;
        ctx.emit(point);
    }
}

struct Point;

impl<'de> DeserializeSeed<'de> for Point {
    type Value = Fields;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Fields, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Point {
    type Value = Fields;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GPS point object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
        let mut p = Fields::default();
        while let Some(key) = map.next_key::<String>()? {
            let slot = match key.as_str() {
                "time" => {
                    p.time = map.next_value_seed(TimeText)?;
                    continue;
                }
                "fix" => {
                    p.fix = map.next_value()?;
                    continue;
                }
                "satellites" => {
                    p.satellites = map.next_value()?;
                    continue;
                }
                "media_time" => &mut p.media_time,
                "latitude" => &mut p.latitude,
                "longitude" => &mut p.longitude,
                "altitude" => &mut p.altitude,
                "speed_2d" => &mut p.speed_2d,
                "speed_3d" => &mut p.speed_3d,
                "course" => &mut p.course,
                "dop" => &mut p.dop,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            // `null` is how the export writes a number JSON cannot hold (NaN, infinity).
            *slot = map.next_value::<Option<f64>>()?;
        }
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::track_input::Place;
    use time::macros::datetime;

    fn read_text(text: &str) -> Result<(Vec<GpsPoint>, Parsed), TrackInputError> {
        crate::track_input::text::read_all(read, text)
    }

    const DOC: &str = r#"{"source":"GoPro GPMF (GPS5)","device":"GoPro Max","altitude_ref":"mean_sea_level","gps":[
{"time":"2019-11-18T10:01:02.500Z","media_time":0.5,"latitude":33.1,"longitude":-117.3,"altitude":-1.5,"speed_2d":2,"speed_3d":2.5,"course":359.9,"fix":"3d","dop":1.25,"satellites":9},
{"latitude":-90,"longitude":180,"speed_2d":null},
{"latitude":91,"longitude":0}
],"sensors":[{"key":"ACCL","units":["m/s²"],"samples":[
{"media_time":0,"values":[1,2,3]}]}],"highlights":[{"media_time":1,"origin":"HLMT"}]}
"#;

    #[test]
    fn reads_every_field_of_the_export() {
        let (points, parsed) = read_text(DOC).unwrap();
        assert_eq!(parsed.device.as_deref(), Some("GoPro Max"));
        assert_eq!(parsed.altitude_ref, AltitudeRef::MeanSeaLevel);
        assert_eq!(points.len(), 2);
        let mut expected = GpsPoint::new(33.1, -117.3);
        expected.time = Some(datetime!(2019-11-18 10:01:02.5 UTC));
        expected.media_time = Some(0.5);
        expected.altitude = Some(-1.5);
        expected.speed_2d = Some(2.0);
        expected.speed_3d = Some(2.5);
        expected.course = Some(359.9);
        expected.fix = Some(Fix::ThreeD);
        expected.dop = Some(1.25);
        expected.satellites = Some(9);
        assert_eq!(points[0], expected);
        assert_eq!(points[1], GpsPoint::new(-90.0, 180.0));
        assert_eq!(parsed.warning_count, 1);
        assert_eq!(parsed.warnings[0].place, Place::Line(4));
        assert!(parsed.warnings[0]
            .message
            .contains("(91, 0) is not a position"));
    }

    #[test]
    fn a_cut_file_keeps_the_points_before_the_cut() {
        let cut = &DOC[..DOC.find("{\"latitude\":91").unwrap() + 5];
        let (points, parsed) = read_text(cut).unwrap();
        assert_eq!(points.len(), 2);
        assert_eq!(parsed.warnings[0].place, Place::Line(4));
        assert!(
            parsed.warnings[0]
                .message
                .starts_with("JSON broken or cut: EOF while parsing"),
            "{}",
            parsed.warnings[0]
        );
        assert!(parsed.warnings[0]
            .message
            .ends_with("the 2 points before it are kept"));
        let err = read_text(&DOC[..30]).unwrap_err();
        assert!(
            err.to_string().starts_with("line 1: JSON broken or cut"),
            "{err}"
        );
    }

    #[test]
    fn detects_its_own_keys() {
        assert!(detect(DOC.as_bytes()));
        assert!(detect(
            b" \n{\"source\":\"GPX\",\"altitude_ref\":\"ellipsoid\",\"gps\":["
        ));
        assert!(!detect(b"{\"type\":\"FeatureCollection\",\"features\":[]}"));
        assert!(!detect(b"<gpx altitude_ref gps>"));
        assert!(!detect(b"time,latitude,longitude\n"));
    }
}
