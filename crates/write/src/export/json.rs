//! JSON export of a whole `Telemetry`: GPS points and every sensor stream (schema in
//! docs/formats.md, "Exports").

use std::io::{self, BufWriter, Write};

use telemux_read::{AltitudeRef, GpsPoint, Highlight, SensorSample, SensorStream, Telemetry};

use super::values::{fix_name, Rfc3339};
use super::ExportError;

/// Writes `telemetry` as one JSON object, one GPS point or sensor sample per line. Optional
/// values that are unknown are left out; numbers that JSON cannot hold (NaN, infinities)
/// are written as `null`.
pub fn write_json<W: Write>(out: W, telemetry: &Telemetry) -> Result<(), ExportError> {
    let mut out = BufWriter::new(out);
    let mut root = Object::open(&mut out)?;
    root.string("source", &telemetry.source)?;
    if let Some(device) = &telemetry.device {
        root.string("device", device)?;
    }
    let altitude_ref = match telemetry.altitude_ref {
        AltitudeRef::Ellipsoid => "ellipsoid",
        AltitudeRef::MeanSeaLevel => "mean_sea_level",
    };
    root.string("altitude_ref", altitude_ref)?;
    root.key("gps")?;
    write_array(root.out, &telemetry.gps, Layout::Lines, write_point)?;
    root.key("sensors")?;
    write_array(root.out, &telemetry.sensors, Layout::Lines, write_stream)?;
    // Only GoPro files have them; left out otherwise so other exports stay as they were.
    if !telemetry.highlights.is_empty() {
        root.key("highlights")?;
        write_array(
            root.out,
            &telemetry.highlights,
            Layout::Lines,
            write_highlight,
        )?;
    }
    root.close()?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}

fn write_point<W: Write>(out: &mut W, point: &GpsPoint) -> io::Result<()> {
    let mut object = Object::open(out)?;
    if let Some(time) = point.time {
        object.time("time", time)?;
    }
    object.optional_number("media_time", point.media_time)?;
    object.number("latitude", point.latitude)?;
    object.number("longitude", point.longitude)?;
    object.optional_number("altitude", point.altitude)?;
    object.optional_number("speed_2d", point.speed_2d)?;
    object.optional_number("speed_3d", point.speed_3d)?;
    object.optional_number("course", point.course)?;
    if let Some(fix) = point.fix {
        object.string("fix", fix_name(fix))?;
    }
    object.optional_number("dop", point.dop)?;
    if let Some(satellites) = point.satellites {
        write!(object.key("satellites")?, "{satellites}")?;
    }
    object.close()
}

/// `media_time`, `origin` (HMMT or HLMT), `kind` (HLMT's tag type), and where the track was
/// then: `time`, `latitude`, `longitude`, `altitude` (absent when the track does not reach it).
fn write_highlight<W: Write>(out: &mut W, highlight: &Highlight) -> io::Result<()> {
    let mut object = Object::open(out)?;
    object.number("media_time", highlight.media_time)?;
    object.string("origin", highlight.origin)?;
    if let Some(kind) = &highlight.kind {
        object.string("kind", kind)?;
    }
    if let Some(point) = &highlight.position {
        if let Some(time) = point.time {
            object.time("time", time)?;
        }
        object.number("latitude", point.latitude)?;
        object.number("longitude", point.longitude)?;
        object.optional_number("altitude", point.altitude)?;
    }
    object.close()
}

fn write_stream<W: Write>(out: &mut W, stream: &SensorStream) -> io::Result<()> {
    let mut object = Object::open(out)?;
    object.string("key", &stream.key)?;
    if let Some(name) = &stream.name {
        object.string("name", name)?;
    }
    object.key("units")?;
    write_array(object.out, &stream.units, Layout::Inline, |out, unit| {
        serde_json::to_writer(out, unit).map_err(io::Error::from)
    })?;
    object.key("samples")?;
    write_array(object.out, &stream.samples, Layout::Lines, write_sample)?;
    object.close()
}

fn write_sample<W: Write>(out: &mut W, sample: &SensorSample) -> io::Result<()> {
    let mut object = Object::open(out)?;
    object.optional_number("media_time", sample.media_time)?;
    if let Some(time) = sample.time {
        object.time("time", time)?;
    }
    object.key("values")?;
    write_array(object.out, &sample.values, Layout::Inline, |out, value| {
        number(out, *value)
    })?;
    object.close()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// One item per line, so large exports stay greppable and diffable.
    Lines,
    Inline,
}

fn write_array<W: Write, T>(
    out: &mut W,
    items: &[T],
    layout: Layout,
    mut item: impl FnMut(&mut W, &T) -> io::Result<()>,
) -> io::Result<()> {
    let newline: &[u8] = if layout == Layout::Lines { b"\n" } else { b"" };
    out.write_all(b"[")?;
    for (i, value) in items.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(newline)?;
        item(out, value)?;
    }
    if !items.is_empty() {
        out.write_all(newline)?;
    }
    out.write_all(b"]")
}

/// serde_json's float output: shortest round-trip, `null` for NaN and infinities.
fn number<W: Write>(out: &mut W, value: f64) -> io::Result<()> {
    serde_json::to_writer(out, &value).map_err(io::Error::from)
}

/// Writes an object's fields with the commas between them.
struct Object<'a, W: Write> {
    out: &'a mut W,
    empty: bool,
}

impl<'a, W: Write> Object<'a, W> {
    fn open(out: &'a mut W) -> io::Result<Self> {
        out.write_all(b"{")?;
        Ok(Object { out, empty: true })
    }

    /// Starts a field; `key` is one of this module's fixed ASCII names, so needs no escaping.
    fn key(&mut self, key: &str) -> io::Result<&mut W> {
        if !self.empty {
            self.out.write_all(b",")?;
        }
        self.empty = false;
        write!(self.out, "\"{key}\":")?;
        Ok(self.out)
    }

    fn string(&mut self, key: &str, value: &str) -> io::Result<()> {
        let out = self.key(key)?;
        serde_json::to_writer(out, value).map_err(io::Error::from)
    }

    fn number(&mut self, key: &str, value: f64) -> io::Result<()> {
        let out = self.key(key)?;
        number(out, value)
    }

    fn optional_number(&mut self, key: &str, value: Option<f64>) -> io::Result<()> {
        match value {
            Some(value) => self.number(key, value),
            None => Ok(()),
        }
    }

    fn time(&mut self, key: &str, value: time::OffsetDateTime) -> io::Result<()> {
        let out = self.key(key)?;
        write!(out, "\"{}\"", Rfc3339(value))
    }

    fn close(self) -> io::Result<()> {
        self.out.write_all(b"}")
    }
}
