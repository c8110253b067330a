//! What the JSON track formats share: serde_json pulls the file through a `DeserializeSeed`
//! whose visitors hand each point to `emit` as it closes, so no `Value` of the whole file is
//! ever built; a file cut or broken after some points keeps them, with a warning naming the
//! line (serde_json's own line count), and one broken before any point is refused.

use std::cell::Cell;
use std::io::BufRead;
use std::rc::Rc;

use serde::de::{self, DeserializeSeed, Visitor};

use super::text::CountingReader;
use super::{Parsed, Place, TrackInputError};
use crate::model::GpsPoint;

/// The reader's state the visitors share.
pub(crate) struct Ctx<'a> {
    emit: &'a mut dyn FnMut(GpsPoint),
    /// What the reader learns besides points, and its warnings.
    pub(crate) parsed: &'a mut Parsed,
    newlines: Rc<Cell<u64>>,
    points: u64,
}

impl Ctx<'_> {
    /// Hands a point on.
    pub(crate) fn emit(&mut self, point: GpsPoint) {
        self.points += 1;
        (self.emit)(point);
    }

    /// The line being read (the reader may be a byte past the value just parsed).
    pub(crate) fn line(&self) -> u64 {
        self.newlines.get() + 1
    }

    /// Records a warning at the line being read.
    pub(crate) fn warn(&mut self, message: impl Into<String>) {
        self.warn_at(self.line(), message);
    }

    /// Records a warning at `line`.
    pub(crate) fn warn_at(&mut self, line: u64, message: impl Into<String>) {
        self.parsed.warn(Place::Line(line), message);
    }
}

/// The deserializer the formats' root seeds read from.
pub(crate) type Json<'r> = serde_json::Deserializer<serde_json::de::IoRead<CountingReader<'r>>>;

/// Reads the whole file as one JSON value with `root` (a format's root seed), then checks
/// that nothing but blanks follows it.
pub(crate) fn read(
    input: &mut dyn BufRead,
    emit: &mut dyn FnMut(GpsPoint),
    parsed: &mut Parsed,
    format: &str,
    root: fn(&mut Ctx<'_>, &mut Json<'_>) -> Result<(), serde_json::Error>,
) -> Result<(), TrackInputError> {
    let (reader, newlines) = CountingReader::new(input);
    let mut ctx = Ctx {
        emit,
        parsed,
        newlines,
        points: 0,
    };
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    let result = root(&mut ctx, &mut deserializer).and_then(|()| deserializer.end());
    let Err(err) = result else {
        return Ok(());
    };
    if err.is_io() {
        return Err(TrackInputError::Io(err.into()));
    }
    let place = Place::Line(err.line() as u64);
    let message = format!("{format} broken or cut: {err}");
    if ctx.points == 0 {
        return Err(TrackInputError::Invalid { place, message });
    }
    let kept = ctx.points;
    ctx.parsed.warn(
        place,
        format!("{message}; the {kept} points before it are kept"),
    );
    Ok(())
}

/// A time as JSON tools write it: a string (ISO 8601, or Unix seconds as text), a number
/// (Unix seconds, or milliseconds from 1e11), or `null`; kept as text to parse later.
pub(crate) struct TimeText;

impl<'de> Visitor<'de> for TimeText {
    type Value = Option<String>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a time (text or Unix seconds) or null")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(v.to_owned()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

impl<'de> DeserializeSeed<'de> for TimeText {
    type Value = Option<String>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}
