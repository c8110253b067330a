//! KML tracks (Google Earth, My Maps, GPS apps, telemux's own export), read as XML events
//! like the GPX reader, so the document is never held.
//!
//! Which points a file gives, in this order of preference (the first kind the file has):
//! 1. `gx:Track`s: each `when` paired in order with a `gx:coord` "lon lat alt";
//! 2. Placemarks with a `TimeStamp`'s `when` and a `Point` (one placemark per fix; the
//!    `TimeStamp` before or after the `Point`);
//! 3. `LineString` and `Point` coordinates `"lon,lat[,alt]"`, without times.
//!
//! Telemux's export has all three (HiLights as timed placemarks, a "Path" line and a "Timed
//! track"); the track is what it wrote the points into. Points of kind 1 stream out as read;
//! those of kinds 2 and 3 are held until the end of the file (or the first `gx:Track`, which
//! drops them), as KML may put a track after them. Altitudes are above sea level (KML);
//! under `altitudeMode` `clampToGround` they are not altitudes and are left out.

use std::collections::VecDeque;
use std::io::BufRead;

use quick_xml::events::Event;
use quick_xml::Reader;
use time::OffsetDateTime;

use super::text::{is_position, iso_time, number};
use super::{Kind, Parsed, Place, TrackInputError};
use crate::gpx::input::{Counted, Stop, MAX_EVENT_BYTES};
use crate::gpx::parser::MAX_DEPTH;
use crate::model::{AltitudeRef, GpsPoint};

/// KML as a track input.
pub static KIND: Kind = Kind {
    name: "KML",
    extensions: &["kml"],
    detect,
    read,
};

/// Whether the head has a `<kml` root (any prefix) and is not GPX.
fn detect(head: &[u8]) -> bool {
    let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
    (has(b"<kml") || has(b":kml ") || has(b":kml>")) && !has(b"<gpx")
}

/// Elements the reader acts on, by local name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Element {
    Kml,
    Placemark,
    TimeStamp,
    /// `when` of a `TimeStamp`.
    StampWhen,
    /// `gx:Track`.
    Track,
    /// `when` of a `gx:Track`.
    TrackWhen,
    /// `gx:coord` of a `gx:Track`.
    Coord,
    Point,
    LineString,
    /// `coordinates` of a `Point` or `LineString`.
    Coordinates,
    AltitudeMode,
    Other,
}

impl Element {
    fn of(parent: Option<Element>, name: &[u8]) -> Element {
        match (parent, name) {
            (None, b"kml") => Element::Kml,
            (_, b"Placemark") => Element::Placemark,
            (_, b"TimeStamp") => Element::TimeStamp,
            (Some(Element::TimeStamp), b"when") => Element::StampWhen,
            (_, b"Track") => Element::Track,
            (Some(Element::Track), b"when") => Element::TrackWhen,
            (Some(Element::Track), b"coord") => Element::Coord,
            (_, b"Point") => Element::Point,
            (_, b"LineString") => Element::LineString,
            (Some(Element::Point | Element::LineString), b"coordinates") => Element::Coordinates,
            (Some(Element::Point | Element::LineString | Element::Track), b"altitudeMode") => {
                Element::AltitudeMode
            }
            _ => Element::Other,
        }
    }

    fn collects_text(self) -> bool {
        matches!(
            self,
            Element::StampWhen
                | Element::TrackWhen
                | Element::Coord
                | Element::Coordinates
                | Element::AltitudeMode
        )
    }
}

/// What the document has given so far.
#[derive(Default)]
struct State {
    /// A `gx:Track` point was read: kinds 2 and 3 are not wanted.
    tracked: bool,
    /// Kind 2, until the end or a track.
    stamped: Vec<GpsPoint>,
    /// Kind 3, until the end, a track or a kind 2 point.
    untimed: Vec<GpsPoint>,
    /// The open `gx:Track`'s times not yet paired with a `gx:coord`, and its line.
    whens: VecDeque<(Option<OffsetDateTime>, u64)>,
    /// The open placemark's `TimeStamp`.
    stamp: Option<OffsetDateTime>,
    /// Placemarks open around the element being read.
    placemarks: usize,
    /// The open placemark's coordinates, and whether each is a `Point` (which its
    /// `TimeStamp` dates): decided when it closes, as the `TimeStamp` may follow them
    /// (gopro-telemetry writes it after the `Point`).
    placed: Vec<(GpsPoint, bool)>,
    /// The open geometry's altitudes are not altitudes (`clampToGround`).
    clamped: bool,
    emitted: u64,
}

fn read(
    input: &mut dyn BufRead,
    emit: &mut dyn FnMut(GpsPoint),
    parsed: &mut Parsed,
) -> Result<(), TrackInputError> {
    parsed.altitude_ref = AltitudeRef::MeanSeaLevel;
    let mut reader = Reader::from_reader(Counted::new(input));
    let config = reader.config_mut();
    config.expand_empty_elements = true;
    config.check_end_names = true;
    let mut state = State::default();
    let mut stack: Vec<Element> = Vec::new();
    let mut text = String::new();
    // The line where the collected text starts.
    let mut text_line = 0;
    let mut root_seen = false;
    let mut buf = Vec::new();
    let damage = loop {
        buf.clear();
        let event_start = reader.buffer_position();
        reader.get_mut().mark(event_start);
        let line =
            |reader: &Reader<Counted<&mut dyn BufRead>>, at: u64| reader.get_ref().locate(at).line;
        let event = match reader.read_event_into(&mut buf) {
            Ok(event) => event,
            Err(err) => {
                let input = reader.get_ref();
                let (at, message) = match input.stop() {
                    Some(Stop::Nul) => (
                        input.consumed(),
                        "a NUL byte, which no XML text holds".into(),
                    ),
                    Some(Stop::EventTooLong) => (
                        event_start,
                        format!("a tag, text or comment longer than {MAX_EVENT_BYTES} bytes"),
                    ),
                    None => (reader.error_position(), err.to_string()),
                };
                break Some((line(&reader, at), message));
            }
        };
        match event {
            Event::Start(start) => {
                let element = Element::of(stack.last().copied(), start.local_name().as_ref());
                if stack.is_empty() && element != Element::Kml {
                    let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                    break Some((
                        line(&reader, event_start),
                        format!("the root element is <{name}>, not <kml>"),
                    ));
                }
                if stack.len() >= MAX_DEPTH {
                    break Some((
                        line(&reader, event_start),
                        format!("elements nested deeper than {MAX_DEPTH}"),
                    ));
                }
                root_seen = true;
                match element {
                    Element::Placemark => {
                        state.placemarks += 1;
                        state.stamp = None;
                        state.placed.clear();
                    }
                    Element::Point | Element::LineString | Element::Track => state.clamped = false,
                    _ => {}
                }
                if element.collects_text() {
                    text.clear();
                    text_line = 0;
                }
                stack.push(element);
            }
            Event::Text(raw) => {
                if stack.last().is_some_and(|e| e.collects_text()) {
                    if text_line == 0 {
                        text_line = line(&reader, event_start);
                    }
                    let decoded = String::from_utf8_lossy(&raw);
                    match quick_xml::escape::unescape(&decoded) {
                        Ok(unescaped) => text.push_str(&unescaped),
                        Err(err) => break Some((line(&reader, event_start), err.to_string())),
                    }
                }
            }
            Event::CData(data) => {
                if stack.last().is_some_and(|e| e.collects_text()) {
                    text.push_str(&String::from_utf8_lossy(&data));
                }
            }
            Event::End(_) => {
                let Some(element) = stack.pop() else {
                    break Some((
                        line(&reader, event_start),
                        "closing tag without an opening tag".into(),
                    ));
                };
                let at = if text_line == 0 {
                    line(&reader, event_start)
                } else {
                    text_line
                };
                state.end(element, stack.last().copied(), &text, at, emit, parsed);
            }
            Event::Eof => {
                if !root_seen {
                    break Some((line(&reader, event_start), "no <kml> root element".into()));
                }
                if !stack.is_empty() {
                    break Some((
                        line(&reader, event_start),
                        "the file ends before its elements are closed".into(),
                    ));
                }
                break None;
            }
            Event::Empty(_)
            | Event::Comment(_)
            | Event::Decl(_)
            | Event::PI(_)
            | Event::DocType(_) => {}
        }
    };
    state.finish(emit);
    let Some((line, message)) = damage else {
        return Ok(());
    };
    let message = format!("KML broken or cut: {}", clean(&message));
    if state.emitted == 0 {
        return Err(TrackInputError::Invalid {
            place: Place::Line(line),
            message,
        });
    }
    parsed.warn(
        Place::Line(line),
        format!("{message}; the {} points before it are kept", state.emitted),
    );
    Ok(())
}

impl State {
    fn end(
        &mut self,
        element: Element,
        parent: Option<Element>,
        text: &str,
        line: u64,
        emit: &mut dyn FnMut(GpsPoint),
        parsed: &mut Parsed,
    ) {
        match element {
            Element::AltitudeMode => {
                let mode = text.trim();
                self.clamped = mode == "clampToGround" || mode == "clampToSeaFloor";
            }
            Element::StampWhen => self.stamp = time(text, line, parsed),
            Element::TrackWhen => {
                let when = time(text, line, parsed);
                self.whens.push_back((when, line));
            }
            Element::Coord => {
                let Some((when, _)) = self.whens.pop_front() else {
                    return parsed.warn(
                        Place::Line(line),
                        "a gx:coord without a matching when; skipped",
                    );
                };
                let values: Vec<&str> = text.split_whitespace().collect();
                if let Some(mut point) = self.point(&values, line, parsed) {
                    point.time = when;
                    self.track_point(point, emit);
                }
            }
            Element::Track => {
                if let Some(&(_, line)) = self.whens.front() {
                    parsed.warn(
                        Place::Line(line),
                        format!("{} when(s) without a gx:coord; ignored", self.whens.len()),
                    );
                }
                self.whens.clear();
            }
            Element::Coordinates => self.coordinates(parent, text, line, parsed),
            Element::Placemark => {
                self.placemarks = self.placemarks.saturating_sub(1);
                let stamp = self.stamp.take();
                for (mut point, is_point) in std::mem::take(&mut self.placed) {
                    let time = stamp.filter(|_| is_point);
                    point.time = time;
                    self.hold(point, time.is_some());
                }
            }
            _ => {}
        }
    }

    /// The `coordinates` of a `Point` or `LineString`.
    fn coordinates(&mut self, parent: Option<Element>, text: &str, line: u64, parsed: &mut Parsed) {
        if self.tracked {
            return;
        }
        let is_point = parent == Some(Element::Point);
        for (offset, text_line) in text.split('\n').enumerate() {
            for tuple in text_line.split_whitespace() {
                let values: Vec<&str> = tuple.split(',').collect();
                let at = line + offset as u64;
                let Some(point) = self.point(&values, at, parsed) else {
                    continue;
                };
                if self.placemarks > 0 {
                    self.placed.push((point, is_point));
                } else {
                    self.hold(point, false);
                }
            }
        }
    }

    /// Keeps a point of kind 2 (`timed`) or 3 until the end, unless a better kind came.
    fn hold(&mut self, point: GpsPoint, timed: bool) {
        if self.tracked {
            return;
        }
        if timed {
            self.untimed.clear();
            self.stamped.push(point);
        } else if self.stamped.is_empty() {
            self.untimed.push(point);
        }
    }

    /// A point from "lon lat [alt]" values.
    fn point(&self, values: &[&str], line: u64, parsed: &mut Parsed) -> Option<GpsPoint> {
        let numbers: Option<Vec<f64>> = values.iter().map(|v| number(v)).collect();
        let position = match numbers.as_deref() {
            Some(&[longitude, latitude]) => Some((longitude, latitude, None)),
            Some(&[longitude, latitude, altitude]) => Some((longitude, latitude, Some(altitude))),
            _ => None,
        };
        let Some((longitude, latitude, altitude)) =
            position.filter(|&(lon, lat, _)| is_position(lat, lon))
        else {
            let shown: String = values.join(" ").chars().take(60).collect();
            parsed.warn(
                Place::Line(line),
                format!("{shown:?} is not a longitude, latitude[, altitude]; skipped"),
            );
            return None;
        };
        let mut point = GpsPoint::new(latitude, longitude);
        point.altitude = altitude.filter(|_| !self.clamped);
        Some(point)
    }

    fn track_point(&mut self, point: GpsPoint, emit: &mut dyn FnMut(GpsPoint)) {
        if !self.tracked {
            self.tracked = true;
            self.stamped = Vec::new();
            self.untimed = Vec::new();
            self.placed = Vec::new();
        }
        self.emitted += 1;
        emit(point);
    }

    /// Hands on the held points if no track came.
    fn finish(&mut self, emit: &mut dyn FnMut(GpsPoint)) {
        let held = if self.stamped.is_empty() {
            std::mem::take(&mut self.untimed)
        } else {
            std::mem::take(&mut self.stamped)
        };
        for point in held {
            self.emitted += 1;
            emit(point);
        }
    }
}

fn time(text: &str, line: u64, parsed: &mut Parsed) -> Option<OffsetDateTime> {
    match iso_time(text) {
        Ok(time) => Some(time),
        Err(reason) => {
            let shown: String = text.trim().chars().take(40).collect();
            parsed.warn(
                Place::Line(line),
                format!("when {shown:?}: {reason}; no time"),
            );
            None
        }
    }
}

/// quick-xml quotes the offending bytes: never control characters to a terminal.
fn clean(message: &str) -> String {
    message
        .chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::track_input::text::summary;

    fn read_text(text: &str) -> Result<(Vec<GpsPoint>, Parsed), TrackInputError> {
        crate::track_input::text::read_all(read, text)
    }

    const OURS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<Document>
<name>telemux</name>
<Placemark>
<name>HiLight 1</name>
<TimeStamp><when>1970-01-01T00:00:01.5Z</when></TimeStamp>
<Point><coordinates>8.5,47.25,0</coordinates></Point>
</Placemark>
<Placemark>
<name>Path</name>
<MultiGeometry>
<LineString>
<altitudeMode>absolute</altitudeMode>
<coordinates>
8,47,-1.5
9,48,2
</coordinates>
</LineString>
</MultiGeometry>
</Placemark>
<Placemark>
<name>Timed track</name>
<gx:MultiTrack>
<gx:Track>
<altitudeMode>absolute</altitudeMode>
<when>1970-01-01T00:00:01Z</when>
<when>1970-01-01T00:00:02Z</when>
<gx:coord>8 47 -1.5</gx:coord>
<gx:coord>9 48 2</gx:coord>
</gx:Track>
<gx:Track>
<altitudeMode>clampToGround</altitudeMode>
<when>1970-01-01T00:00:03Z</when>
<gx:coord>-180 -90 0</gx:coord>
</gx:Track>
</gx:MultiTrack>
</Placemark>
</Document>
</kml>
"#;

    #[test]
    fn reads_the_timed_track_of_ours_and_nothing_else() {
        let (points, parsed) = read_text(OURS).unwrap();
        assert_eq!(parsed.warnings, []);
        assert_eq!(parsed.altitude_ref, AltitudeRef::MeanSeaLevel);
        assert_eq!(
            summary(&points),
            [
                "Some(1000000000) 47 8 Some(-1.5) None None",
                "Some(2000000000) 48 9 Some(2.0) None None",
                "Some(3000000000) -90 -180 None None None",
            ]
        );
    }

    #[test]
    fn without_a_track_reads_timed_placemarks_else_lines() {
        let placemarks = r#"<kml><Document>
<Placemark><TimeStamp><when>2024-01-01T00:00:00+01:00</when></TimeStamp><Point><coordinates>1,2,3</coordinates></Point></Placemark>
<Placemark><LineString><coordinates>5,6 7,8</coordinates></LineString></Placemark>
<Placemark><Point><coordinates>3,4</coordinates></Point><TimeStamp><when>2024-01-01T00:00:01+01:00</when></TimeStamp></Placemark>
</Document></kml>"#;
        let (points, _) = read_text(placemarks).unwrap();
        assert_eq!(
            summary(&points),
            [
                "Some(1704063600000000000) 2 1 Some(3.0) None None",
                "Some(1704063601000000000) 4 3 None None None",
            ]
        );
        let line = "<kml><Placemark><LineString><altitudeMode>clampToGround</altitudeMode>\
                    <coordinates>5,6,100 7,8,100</coordinates></LineString></Placemark></kml>";
        let (points, _) = read_text(line).unwrap();
        assert_eq!(
            summary(&points),
            ["None 6 5 None None None", "None 8 7 None None None"]
        );
    }

    #[test]
    fn a_cut_file_keeps_the_points_before_the_cut() {
        let cut = &OURS[..OURS.find("<gx:coord>9 48").unwrap() + 8];
        let (points, parsed) = read_text(cut).unwrap();
        assert_eq!(
            summary(&points),
            ["Some(1000000000) 47 8 Some(-1.5) None None"]
        );
        assert_eq!(parsed.warnings.len(), 1);
        assert_eq!(parsed.warnings[0].place, Place::Line(30));
        assert!(
            parsed.warnings[0].message.starts_with("KML broken or cut"),
            "{}",
            parsed.warnings[0]
        );
    }

    #[test]
    fn bad_values_and_roots_name_the_line() {
        let bad = "<kml><gx:Track>\n<when>2024-01-01T00:00:00Z</when>\n<when>noon</when>\n\
                   <gx:coord>1 2 3</gx:coord>\n<gx:coord>1 95 3</gx:coord>\n</gx:Track></kml>";
        let (points, parsed) = read_text(bad).unwrap();
        assert_eq!(
            summary(&points),
            ["Some(1704067200000000000) 2 1 Some(3.0) None None"]
        );
        let warnings: Vec<String> = parsed.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            warnings,
            [
                "line 3: when \"noon\": expected a date as YYYY-MM-DD; no time",
                "line 5: \"1 95 3\" is not a longitude, latitude[, altitude]; skipped",
            ]
        );
        let err = read_text("<gpx></gpx>").unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 1: KML broken or cut: the root element is <gpx>, not <kml>"
        );
    }

    #[test]
    fn detects_kml_only() {
        assert!(detect(OURS.as_bytes()));
        assert!(detect(
            b"<kml:kml xmlns:kml=\"http://www.opengis.net/kml/2.2\">"
        ));
        assert!(!detect(b"<?xml version=\"1.0\"?><gpx creator=\"x\">"));
        assert!(!detect(b"{\"type\":\"Feature\"}"));
        assert!(!detect(b"$GPRMC,1"));
    }
}
