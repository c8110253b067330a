//! One pass over the XML events, pulled from a `BufRead`. Nesting is tracked on an explicit
//! stack (no recursion) whose depth is capped, and each point goes to a [`Points`] sink as it
//! closes: the sink decides what is kept, so memory follows what the sink keeps.
//!
//! Elements are recognised by local name in the context of their parent, so any namespace
//! prefix (or none) works and `<time>` inside `<metadata>` is not mistaken for a point's time.

use std::fmt::Write as _;
use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::model::GpsPoint;

use super::error::{excerpt, looks_like, root_is, GpxError, Position};
use super::input::{Counted, Stop, MAX_EVENT_BYTES};
use super::point::{number, store, Field};
use super::PointSource;

/// Where the parser's points go.
pub(crate) trait Points {
    type Output;
    /// A `trkpt`, `rtept` or `wpt` closed.
    fn point(&mut self, source: PointSource, point: GpsPoint);
    /// A `trkseg` (`PointSource::Tracks`) or `rte` (`PointSource::Routes`) closed.
    fn close(&mut self, source: PointSource);
    /// The document ended well-formed.
    fn finish(self) -> Self::Output;
}

/// The root's attributes and the file's name.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Header {
    pub(crate) version: Option<String>,
    pub(crate) creator: Option<String>,
    pub(crate) name: Option<String>,
}

/// Deepest element nesting accepted; real files stay below ten levels.
pub(crate) const MAX_DEPTH: usize = 128;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Gpx,
    Metadata,
    Name,
    Track,
    Segment,
    Route,
    Point(PointSource),
    Value(Field),
    Extensions,
    Other,
}

impl Kind {
    fn of_child(parent: Kind, local_name: &[u8]) -> Kind {
        match (parent, local_name) {
            (Kind::Gpx, b"metadata") => Kind::Metadata,
            // `gpx/name` is GPX 1.0, `gpx/metadata/name` GPX 1.1; Strava names only the track.
            (Kind::Gpx | Kind::Metadata | Kind::Track, b"name") => Kind::Name,
            (Kind::Gpx, b"trk") => Kind::Track,
            (Kind::Gpx, b"rte") => Kind::Route,
            (Kind::Gpx, b"wpt") => Kind::Point(PointSource::Waypoints),
            (Kind::Track, b"trkseg") => Kind::Segment,
            (Kind::Segment, b"trkpt") => Kind::Point(PointSource::Tracks),
            (Kind::Route, b"rtept") => Kind::Point(PointSource::Routes),
            (Kind::Point(_), b"extensions") => Kind::Extensions,
            (Kind::Point(_), name) => Field::of_point_child(name).map_or(Kind::Other, Kind::Value),
            (Kind::Extensions, name) => {
                Field::of_extension(name).map_or(Kind::Extensions, Kind::Value)
            }
            _ => Kind::Other,
        }
    }

    /// Which sibling counter numbers this element in paths (`trk[0]`, `trkpt[17]`), if any.
    fn counter(self) -> Option<usize> {
        match self {
            Kind::Track
            | Kind::Segment
            | Kind::Point(PointSource::Tracks)
            | Kind::Point(PointSource::Routes) => Some(0),
            Kind::Route => Some(1),
            Kind::Point(PointSource::Waypoints) => Some(2),
            _ => None,
        }
    }

    fn collects_text(self) -> bool {
        matches!(self, Kind::Value(_) | Kind::Name)
    }
}

struct Frame {
    kind: Kind,
    /// Length of the path string before this element was appended.
    path_len: usize,
    /// Where the start tag begins, for errors about the element's content.
    start: Position,
    /// Children numbered so far, per `Kind::counter`.
    children: [usize; 3],
}

pub(crate) struct Parser<R, P> {
    reader: Reader<Counted<R>>,
    stack: Vec<Frame>,
    path: String,
    text: String,
    root_closed: bool,
    header: Header,
    points: P,
    open_point: Option<GpsPoint>,
}

impl<R: BufRead, P: Points> Parser<R, P> {
    pub(crate) fn new(input: R, points: P) -> Parser<R, P> {
        let mut reader = Reader::from_reader(Counted::new(input));
        let config = reader.config_mut();
        config.expand_empty_elements = true;
        config.check_end_names = true;
        Parser {
            reader,
            stack: Vec::new(),
            path: String::new(),
            text: String::new(),
            root_closed: false,
            header: Header::default(),
            points,
            open_point: None,
        }
    }

    pub(crate) fn run(mut self) -> Result<(Header, P::Output), GpxError> {
        if let Some(found) = looks_like(self.reader.get_mut().head()) {
            return Err(GpxError::NotGpx {
                position: self.locate(0),
                found: found.into(),
            });
        }
        // One event's bytes; outside `self` so the event borrowing it does not borrow the parser.
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let event_start = self.reader.buffer_position();
            self.reader.get_mut().mark(event_start);
            let event = match self.reader.read_event_into(&mut buf) {
                Ok(event) => event,
                Err(err) => return Err(self.read_error(err)),
            };
            match event {
                Event::Start(start) => self.start(&start, event_start)?,
                Event::End(_) => self.end()?,
                Event::Text(text) => {
                    if self.collecting() {
                        let decoded = String::from_utf8_lossy(&text);
                        match quick_xml::escape::unescape(&decoded) {
                            Ok(unescaped) => self.text.push_str(&unescaped),
                            Err(err) => return Err(self.xml_error(event_start, err.to_string())),
                        }
                    }
                }
                Event::CData(data) => {
                    if self.collecting() {
                        self.text.push_str(&String::from_utf8_lossy(&data));
                    }
                }
                Event::Eof => return self.finish(),
                Event::Empty(_)
                | Event::Comment(_)
                | Event::Decl(_)
                | Event::PI(_)
                | Event::DocType(_) => {}
            }
        }
    }

    fn read_error(&self, err: quick_xml::Error) -> GpxError {
        let input = self.reader.get_ref();
        match input.stop() {
            Some(Stop::Nul) => GpxError::NotGpx {
                position: input.locate(input.consumed()),
                found: "it holds a NUL byte, which no XML text holds: binary data?".into(),
            },
            Some(Stop::EventTooLong) => self.xml_error(
                self.reader.buffer_position(),
                format!("a tag, text or comment longer than {MAX_EVENT_BYTES} bytes"),
            ),
            None => self.xml_error(self.reader.error_position(), err.to_string()),
        }
    }

    fn locate(&self, at: u64) -> Position {
        self.reader.get_ref().locate(at)
    }

    fn collecting(&self) -> bool {
        self.stack
            .last()
            .is_some_and(|frame| frame.kind.collects_text())
    }

    fn start(&mut self, element: &BytesStart<'_>, at: u64) -> Result<(), GpxError> {
        let kind = match self.stack.last() {
            Some(parent) => Kind::of_child(parent.kind, element.local_name().as_ref()),
            None if self.root_closed => {
                return Err(self.xml_error(at, "content after the root element".into()))
            }
            None if element.local_name().as_ref() == b"gpx" => Kind::Gpx,
            None => {
                return Err(GpxError::NotGpx {
                    position: self.locate(at),
                    found: root_is(&String::from_utf8_lossy(element.name().as_ref())),
                })
            }
        };
        let path_len = self.path.len();
        self.push_path(element, kind);
        if self.stack.len() >= MAX_DEPTH {
            return Err(GpxError::TooDeep {
                position: self.locate(at),
                path: self.path.clone(),
                limit: MAX_DEPTH,
            });
        }
        self.stack.push(Frame {
            kind,
            path_len,
            start: self.locate(at),
            children: [0; 3],
        });
        match kind {
            Kind::Gpx => self.read_root_attributes(element, at)?,
            Kind::Point(_) => self.open_point = Some(self.point_position(element, at)?),
            Kind::Value(_) | Kind::Name => self.text.clear(),
            _ => {}
        }
        Ok(())
    }

    fn push_path(&mut self, element: &BytesStart<'_>, kind: Kind) {
        if !self.path.is_empty() {
            self.path.push('/');
        }
        self.path
            .push_str(&String::from_utf8_lossy(element.name().as_ref()));
        let counted = kind.counter().zip(self.stack.last_mut());
        if let Some((slot, parent)) = counted {
            if let Some(count) = parent.children.get_mut(slot) {
                // Writing into a String cannot fail.
                let _ = write!(self.path, "[{count}]");
                *count += 1;
            }
        }
    }

    fn end(&mut self) -> Result<(), GpxError> {
        let Some(frame) = self.stack.pop() else {
            let at = self.reader.buffer_position();
            return Err(self.xml_error(at, "closing tag without an opening tag".into()));
        };
        match frame.kind {
            Kind::Gpx => self.root_closed = true,
            Kind::Value(field) => {
                let stored = match self.open_point.as_mut() {
                    Some(point) => store(point, field, &self.text),
                    None => Ok(()),
                };
                if let Err(reason) = stored {
                    return Err(GpxError::InvalidValue {
                        position: frame.start,
                        path: self.path.clone(),
                        value: excerpt(&self.text),
                        reason,
                    });
                }
            }
            Kind::Name => {
                if self.header.name.is_none() {
                    let name = self.text.trim();
                    if !name.is_empty() {
                        self.header.name = Some(name.to_owned());
                    }
                }
            }
            Kind::Point(source) => {
                if let Some(point) = self.open_point.take() {
                    self.points.point(source, point);
                }
            }
            Kind::Segment => self.points.close(PointSource::Tracks),
            Kind::Route => self.points.close(PointSource::Routes),
            Kind::Metadata | Kind::Track | Kind::Extensions | Kind::Other => {}
        }
        self.path.truncate(frame.path_len);
        Ok(())
    }

    fn finish(self) -> Result<(Header, P::Output), GpxError> {
        let at = self.reader.buffer_position();
        if !self.stack.is_empty() {
            return Err(self.xml_error(at, "the file ends before this element is closed".into()));
        }
        if !self.root_closed {
            return Err(GpxError::NotGpx {
                position: self.locate(at),
                found: "it has no root element".into(),
            });
        }
        Ok((self.header, self.points.finish()))
    }

    fn read_root_attributes(&mut self, element: &BytesStart<'_>, at: u64) -> Result<(), GpxError> {
        // No duplicate check: it compares each attribute with every earlier one, quadratic in
        // their number (200,000 attributes took 45 s); a repeated attribute keeps its last value.
        for attribute in element.attributes().with_checks(false) {
            let attribute = attribute.map_err(|err| self.xml_error(at, err.to_string()))?;
            let slot = match attribute.key.local_name().as_ref() {
                b"version" => &mut self.header.version,
                b"creator" => &mut self.header.creator,
                _ => continue,
            };
            let decoded = String::from_utf8_lossy(&attribute.value);
            let value = quick_xml::escape::unescape(&decoded)
                .map(|v| v.trim().to_owned())
                .map_err(|err| err.to_string());
            match value {
                Ok(value) if !value.is_empty() => *slot = Some(value),
                Ok(_) => {}
                Err(message) => return Err(self.xml_error(at, message)),
            }
        }
        Ok(())
    }

    fn point_position(&self, element: &BytesStart<'_>, at: u64) -> Result<GpsPoint, GpxError> {
        let mut latitude = None;
        let mut longitude = None;
        // No duplicate check: it compares each attribute with every earlier one, quadratic in
        // their number (200,000 attributes took 45 s); a repeated attribute keeps its last value.
        // No duplicate check (quadratic), as in `read_root_attributes`.
        for attribute in element.attributes().with_checks(false) {
            let attribute = attribute.map_err(|err| self.xml_error(at, err.to_string()))?;
            let (slot, limit, name) = match attribute.key.local_name().as_ref() {
                b"lat" => (&mut latitude, 90.0, "lat"),
                b"lon" => (&mut longitude, 180.0, "lon"),
                _ => continue,
            };
            let text = String::from_utf8_lossy(&attribute.value);
            let invalid = |reason| GpxError::InvalidValue {
                position: self.locate(at),
                path: format!("{}/@{name}", self.path),
                value: excerpt(&text),
                reason,
            };
            let value = number(&text).map_err(invalid)?;
            if value.abs() > limit {
                return Err(invalid("coordinate out of range"));
            }
            *slot = Some(value);
        }
        let missing = |attribute| GpxError::MissingAttribute {
            position: self.locate(at),
            path: self.path.clone(),
            attribute,
        };
        Ok(GpsPoint::new(
            latitude.ok_or_else(|| missing("lat"))?,
            longitude.ok_or_else(|| missing("lon"))?,
        ))
    }

    fn xml_error(&self, at: u64, message: String) -> GpxError {
        GpxError::Xml {
            position: self.locate(at),
            path: if self.path.is_empty() {
                "the document".into()
            } else {
                self.path.clone()
            },
            // quick-xml quotes the offending bytes: never control characters to a terminal.
            message: message
                .chars()
                .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
                .collect(),
        }
    }
}
