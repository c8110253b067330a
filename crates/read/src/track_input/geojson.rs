//! GeoJSON tracks: telemux's export, and the `LineString`s, `MultiLineString`s and
//! `MultiPoint`s with per-position times in their properties that togeojson, Strava and
//! Garmin converters write; a `Feature`, a `FeatureCollection` or a bare geometry.
//!
//! Per position `i` of a feature (counted over all its coordinates, in order): the time is
//! `properties.coordTimes[i]` (or `times[i]`, `coordinateProperties.times[i]`, or
//! gopro-telemetry's `AbsoluteUtcMicroSec[i]`; nested lists of a multi-geometry are flattened), else, for a single `Point`, `properties.time`; speed
//! (m/s) and course are `speeds[i]` and `courses[i]` (telemux's names). Positions are
//! `[longitude, latitude, altitude]`, altitude above the WGS84 ellipsoid (RFC 7946).
//!
//! Points stream out as their coordinates are read when the feature's properties came first
//! (telemux and togeojson write them first); otherwise the feature's positions wait for its
//! properties. Either way what is held is one feature's per-position values, never the
//! document.

use std::fmt;
use std::io::BufRead;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::json_stream::{self, Ctx, TimeText};
use super::text::{is_position, iso_or_unix_time};
use super::{Kind, Parsed, TrackInputError};
use crate::model::{AltitudeRef, GpsPoint};

/// GeoJSON as a track input.
pub static KIND: Kind = Kind {
    name: "GeoJSON",
    extensions: &["geojson"],
    detect,
    read,
};

/// GeoJSON `type`s that can hold a track.
const TYPES: [&[u8]; 6] = [
    b"FeatureCollection",
    b"Feature",
    b"LineString",
    b"MultiLineString",
    b"MultiPoint",
    b"Point",
];

/// Whether the head is a JSON object with a GeoJSON `"type"` that can hold a track (and not
/// telemux's own JSON).
fn detect(head: &[u8]) -> bool {
    let text = head
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(head)
        .trim_ascii_start();
    if text.first() != Some(&b'{') || super::json::detect(head) {
        return false;
    }
    let key = b"\"type\"";
    (0..text.len()).any(|i| {
        let Some(rest) = text.get(i..).filter(|rest| rest.starts_with(key)) else {
            return false;
        };
        let rest = rest[key.len()..].trim_ascii_start();
        let Some(value) = rest.strip_prefix(b":").map(|v| v.trim_ascii_start()) else {
            return false;
        };
        TYPES.iter().any(|name| {
            value.strip_prefix(b"\"").is_some_and(|v| {
                v.strip_prefix(*name)
                    .is_some_and(|after| after.first() == Some(&b'"'))
            })
        })
    })
}

fn read(
    input: &mut dyn BufRead,
    emit: &mut dyn FnMut(GpsPoint),
    parsed: &mut Parsed,
) -> Result<(), TrackInputError> {
    parsed.altitude_ref = AltitudeRef::Ellipsoid;
    json_stream::read(input, emit, parsed, "GeoJSON", |ctx, json| {
        Root { ctx }.deserialize(json)
    })
}

/// A feature's per-position properties.
#[derive(Default)]
struct Props {
    times: Vec<Option<String>>,
    speeds: Vec<Option<f64>>,
    courses: Vec<Option<f64>>,
    /// `properties.time` of a single-point feature.
    time: Option<String>,
}

/// One position as written: longitude, latitude, altitude.
type Position = (f64, f64, Option<f64>);

/// The feature whose coordinates are being read.
#[derive(Default)]
struct Feature {
    /// `None` until its `properties` are read.
    props: Option<Props>,
    /// Positions read before the properties, with their lines.
    pending: Vec<(Position, u64)>,
    /// Positions handed on so far.
    index: usize,
}

impl Feature {
    fn position(&mut self, ctx: &mut Ctx<'_>, position: Position) {
        let line = ctx.line();
        match &self.props {
            Some(_) => self.emit(ctx, position, line),
            None => self.pending.push((position, line)),
        }
    }

    fn set_props(&mut self, ctx: &mut Ctx<'_>, props: Props) {
        if self.props.is_none() {
            self.props = Some(props);
            for (position, line) in std::mem::take(&mut self.pending) {
                self.emit(ctx, position, line);
            }
        }
    }

    fn finish(mut self, ctx: &mut Ctx<'_>) {
        self.set_props(ctx, Props::default());
        let times = self.props.as_ref().map_or(0, |p| p.times.len());
        if times != 0 && times != self.index {
            ctx.warn(format!(
                "a feature has {} positions but {times} times; positions past the times \
                 have none",
                self.index
            ));
        }
    }

    /// Hands on the position read at `line`.
    fn emit(&mut self, ctx: &mut Ctx<'_>, (longitude, latitude, altitude): Position, line: u64) {
        let i = self.index;
        self.index += 1;
        if !is_position(latitude, longitude) {
            return ctx.warn_at(
                line,
                format!(
                    "position {i} [{longitude}, {latitude}] is not a longitude, latitude; skipped"
                ),
            );
        }
        let props = self.props.as_ref();
        let nth = |list: &Vec<Option<f64>>| list.get(i).copied().flatten();
        let time = props.and_then(|p| match p.times.get(i) {
            Some(time) => time.clone(),
            None if p.times.is_empty() && i == 0 => p.time.clone(),
            None => None,
        });
        let mut point = GpsPoint::new(latitude, longitude);
        point.altitude = altitude;
        point.speed_2d = props.and_then(|p| nth(&p.speeds));
        point.course = props.and_then(|p| nth(&p.courses));
        point.time = time.and_then(|text| match iso_or_unix_time(&text) {
            Ok(time) => Some(time),
            Err(reason) => {
                ctx.warn_at(line, format!("time {i} {text:?}: {reason}; left out"));
                None
            }
        });
        ctx.emit(point);
    }
}

struct Root<'c, 'a> {
    ctx: &'c mut Ctx<'a>,
}

impl<'de> DeserializeSeed<'de> for Root<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let mut feature = Feature::default();
        let result = d.deserialize_map(Object {
            ctx: &mut *self.ctx,
            feature: &mut feature,
        });
        // Positions read before a cut are kept even when the properties never came.
        feature.finish(self.ctx);
        result
    }
}

/// Any GeoJSON object: a collection (`features`), a feature (`properties`, `geometry`) or a
/// geometry (`coordinates`, `geometries`); positions go to `feature`.
struct Object<'c, 'a, 'f> {
    ctx: &'c mut Ctx<'a>,
    feature: &'f mut Feature,
}

impl<'de> DeserializeSeed<'de> for Object<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Object<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON object")
    }

    /// `"geometry": null` is a feature without a place.
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let ctx = self.ctx;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "features" => map.next_value_seed(Features { ctx: &mut *ctx })?,
                "geometry" => map.next_value_seed(Object {
                    ctx: &mut *ctx,
                    feature: &mut *self.feature,
                })?,
                "geometries" => map.next_value_seed(Geometries {
                    ctx: &mut *ctx,
                    feature: &mut *self.feature,
                })?,
                "coordinates" => {
                    map.next_value_seed(Coordinates {
                        ctx: &mut *ctx,
                        feature: &mut *self.feature,
                    })?;
                }
                "properties" => {
                    let mut props = Props::default();
                    map.next_value_seed(PropsSeed { props: &mut props })?;
                    self.feature.set_props(ctx, props);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// `features`: each its own feature.
struct Features<'c, 'a> {
    ctx: &'c mut Ctx<'a>,
}

impl<'de> DeserializeSeed<'de> for Features<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Features<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of features")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            let mut feature = Feature::default();
            let more = seq.next_element_seed(Object {
                ctx: &mut *self.ctx,
                feature: &mut feature,
            });
            // As in `Root`: what was read of a cut feature is kept.
            feature.finish(self.ctx);
            if more?.is_none() {
                return Ok(());
            }
        }
    }
}

/// A `GeometryCollection`'s `geometries`: parts of the same feature.
struct Geometries<'c, 'a, 'f> {
    ctx: &'c mut Ctx<'a>,
    feature: &'f mut Feature,
}

impl<'de> DeserializeSeed<'de> for Geometries<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Geometries<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of geometries")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(Object {
                ctx: &mut *self.ctx,
                feature: &mut *self.feature,
            })?
            .is_some()
        {}
        Ok(())
    }
}

/// `coordinates` at any depth: an array of numbers is a position, an array of arrays holds
/// positions (or more arrays). Depth is bounded by serde_json's recursion limit.
struct Coordinates<'c, 'a, 'f> {
    ctx: &'c mut Ctx<'a>,
    feature: &'f mut Feature,
}

/// What one element of a coordinates array was.
enum Item {
    Number(f64),
    Array,
}

impl<'de> DeserializeSeed<'de> for Coordinates<'_, '_, '_> {
    type Value = Item;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Item, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Coordinates<'_, '_, '_> {
    type Value = Item;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("coordinates: numbers or arrays")
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Item, E> {
        Ok(Item::Number(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Item, E> {
        Ok(Item::Number(v as f64))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Item, E> {
        Ok(Item::Number(v as f64))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Item, A::Error> {
        let mut numbers = [None; 3];
        let mut count = 0;
        loop {
            let item = seq.next_element_seed(Coordinates {
                ctx: &mut *self.ctx,
                feature: &mut *self.feature,
            })?;
            match item {
                None => break,
                Some(Item::Array) => {}
                Some(Item::Number(v)) => {
                    if let Some(slot) = numbers.get_mut(count) {
                        *slot = Some(v);
                    }
                    count += 1;
                }
            }
        }
        if let [Some(longitude), Some(latitude), altitude] = numbers {
            self.feature
                .position(self.ctx, (longitude, latitude, altitude));
        } else if count > 0 {
            self.ctx
                .warn("a position with fewer than 2 numbers; skipped");
        }
        Ok(Item::Array)
    }
}

/// A feature's `properties` (or `null`, or its `coordinateProperties`).
struct PropsSeed<'p> {
    props: &'p mut Props,
}

impl<'de> DeserializeSeed<'de> for PropsSeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PropsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("properties: an object or null")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                // gopro-telemetry's name; it holds milliseconds (JS getTime()).
                "coordTimes" | "times" | "AbsoluteUtcMicroSec" => map.next_value_seed(Flat {
                    out: &mut self.props.times,
                })?,
                "speeds" => map.next_value_seed(Flat {
                    out: &mut self.props.speeds,
                })?,
                "courses" => map.next_value_seed(Flat {
                    out: &mut self.props.courses,
                })?,
                "coordinateProperties" => map.next_value_seed(PropsSeed {
                    props: &mut *self.props,
                })?,
                "time" | "timestamp" => self.props.time = map.next_value_seed(TimeText)?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// What a per-position list holds.
trait Listed: Sized {
    fn from_text(text: &str) -> Option<Self>;
    fn from_number(value: f64) -> Option<Self>;
}

/// Times: text as written; a number is Unix seconds (or milliseconds), parsed later.
impl Listed for String {
    fn from_text(text: &str) -> Option<Self> {
        Some(text.to_owned())
    }

    fn from_number(value: f64) -> Option<Self> {
        Some(value.to_string())
    }
}

impl Listed for f64 {
    fn from_text(text: &str) -> Option<Self> {
        super::text::number(text)
    }

    fn from_number(value: f64) -> Option<Self> {
        Some(value)
    }
}

/// A per-position list, nested lists (a multi-geometry's parts) flattened into `out`;
/// anything that is not a value of the list's kind counts as unknown.
struct Flat<'o, T> {
    out: &'o mut Vec<Option<T>>,
}

impl<'de, T: Listed> DeserializeSeed<'de> for Flat<'_, T> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T: Listed> Visitor<'de> for Flat<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of per-position values")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(Flat {
                out: &mut *self.out,
            })?
            .is_some()
        {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        self.out.push(None);
        Ok(())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.out.push(T::from_text(v));
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.out.push(T::from_number(v));
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.visit_f64(v as f64)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.visit_f64(v as f64)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.out.push(None);
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.out.push(None);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::track_input::Place;
    use time::macros::datetime;

    use crate::track_input::text::summary;

    fn read_text(text: &str) -> Result<(Vec<GpsPoint>, Parsed), TrackInputError> {
        crate::track_input::text::read_all(read, text)
    }

    #[test]
    fn reads_ours_with_speeds_and_courses() {
        let text = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"segment":0,"coordTimes":["1970-01-01T00:00:01Z",null],"speeds":[1.5,null],"courses":[null,90]},"geometry":{"type":"LineString","coordinates":[
[8.5,47.25,-3],
[-180,-90]]}},
{"type":"Feature","properties":{"segment":2,"coordTimes":["1970-01-01T00:00:02.5Z"],"speeds":[2],"courses":[3]},"geometry":{"type":"Point","coordinates":
[1,2,3]}}
]}
"#;
        let (points, parsed) = read_text(text).unwrap();
        assert_eq!(parsed.warnings, []);
        assert_eq!(parsed.altitude_ref, AltitudeRef::Ellipsoid);
        assert_eq!(
            summary(&points),
            [
                "Some(1000000000) 47.25 8.5 Some(-3.0) Some(1.5) None",
                "None -90 -180 None None Some(90.0)",
                "Some(2500000000) 2 1 Some(3.0) Some(2.0) Some(3.0)",
            ]
        );
    }

    #[test]
    fn reads_geometry_before_properties_and_nested_times() {
        // togeojson's MultiLineString: nested coordTimes; geometry first; Unix ms numbers.
        let text = r#"{"type":"Feature","geometry":{"coordinates":[[[1,2],[3,4]],[[5,6]]],"type":"MultiLineString"},
"properties":{"name":"ride","coordTimes":[["2024-01-01T00:00:00Z","2024-01-01T00:00:01Z"],[1704067202000]]}}"#;
        let (points, parsed) = read_text(text).unwrap();
        assert_eq!(parsed.warnings, []);
        let times: Vec<_> = points.iter().map(|p| p.time).collect();
        assert_eq!(
            times,
            [
                Some(datetime!(2024-01-01 00:00:00 UTC)),
                Some(datetime!(2024-01-01 00:00:01 UTC)),
                Some(datetime!(2024-01-01 00:00:02 UTC)),
            ]
        );
        assert_eq!(points[2].longitude, 5.0);
        assert_eq!(points[2].latitude, 6.0);
    }

    #[test]
    fn reads_point_features_with_a_time_and_coordinate_properties() {
        let text = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"time":"2024-01-01T00:00:00Z"},"geometry":{"type":"Point","coordinates":[1,2]}},
{"type":"Feature","properties":null,"geometry":null},
{"type":"Feature","properties":{"coordinateProperties":{"times":["2024-01-01T00:00:05Z"]}},"geometry":{"type":"MultiPoint","coordinates":[[3,4]]}}]}"#;
        let (points, _) = read_text(text).unwrap();
        let times: Vec<_> = points.iter().map(|p| p.time).collect();
        assert_eq!(
            times,
            [
                Some(datetime!(2024-01-01 00:00:00 UTC)),
                Some(datetime!(2024-01-01 00:00:05 UTC)),
            ]
        );
    }

    #[test]
    fn bad_positions_and_cuts_warn_with_lines() {
        let text = "{\"type\":\"LineString\",\"coordinates\":[\n[1,2],\n[200,2],\n[3,4],\n[5,";
        let (points, parsed) = read_text(text).unwrap();
        assert_eq!(points.len(), 2);
        let warnings: Vec<_> = parsed.warnings.iter().map(|w| w.place).collect();
        assert_eq!(warnings, [Place::Line(3), Place::Line(5)]);
        assert!(
            parsed.warnings[0].message.contains("[200, 2]"),
            "{}",
            parsed.warnings[0]
        );
        assert!(parsed.warnings[1].message.contains("GeoJSON broken or cut"));
    }

    #[test]
    fn detects_geojson_not_ours_json() {
        assert!(detect(b"{\"type\":\"FeatureCollection\",\"features\":["));
        assert!(detect(
            b"\n{ \"coordinates\": [[1,2]], \"type\" : \"LineString\" }"
        ));
        assert!(!detect(b"{\"type\":\"Polygon\"}"));
        assert!(!detect(
            b"{\"source\":\"x\",\"altitude_ref\":\"ellipsoid\",\"gps\":[{\"type\":\"Feature\"}"
        ));
        assert!(!detect(b"<kml><Placemark type=\"Feature\">"));
        assert!(!detect(b"lat,lon,\"type\":\"Feature\""));
    }
}
