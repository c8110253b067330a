//! What the text track formats share: a line reader that counts lines and bounds a line's
//! length, a byte reader that counts lines for serde_json, numbers, times and positions.

use std::cell::Cell;
use std::io::{self, BufRead, Read};
use std::rc::Rc;

use time::OffsetDateTime;

use super::TrackInputError;

/// Longest line kept; a longer one (binary data, a file without line breaks) is skipped with
/// a warning, so a line never holds more than this in memory.
pub(crate) const MAX_LINE: usize = 64 << 10;

/// One line from [`Lines::next`].
pub(crate) enum Line<'a> {
    /// The line's text (lossy UTF-8, line end removed), and its number from 1.
    Text(u64, &'a str),
    /// A line longer than [`MAX_LINE`] bytes, skipped; its number from 1.
    TooLong(u64),
}

/// The lines of a text file, one at a time.
pub(crate) struct Lines<'a> {
    input: &'a mut dyn BufRead,
    number: u64,
    bytes: Vec<u8>,
    text: String,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(input: &'a mut dyn BufRead) -> Lines<'a> {
        Lines {
            input,
            number: 0,
            bytes: Vec::new(),
            text: String::new(),
        }
    }

    /// The next line, `None` at the end of the file.
    pub(crate) fn next(&mut self) -> Result<Option<Line<'_>>, TrackInputError> {
        self.bytes.clear();
        let limit = MAX_LINE as u64 + 1;
        let read = (&mut *self.input)
            .take(limit)
            .read_until(b'\n', &mut self.bytes)?;
        if read == 0 {
            return Ok(None);
        }
        self.number += 1;
        if self.bytes.len() as u64 >= limit && self.bytes.last() != Some(&b'\n') {
            // Skip to the end of this line without keeping it.
            loop {
                let available = self.input.fill_buf()?;
                if available.is_empty() {
                    break;
                }
                match available.iter().position(|&b| b == b'\n') {
                    Some(end) => {
                        self.input.consume(end + 1);
                        break;
                    }
                    None => {
                        let n = available.len();
                        self.input.consume(n);
                    }
                }
            }
            return Ok(Some(Line::TooLong(self.number)));
        }
        while matches!(self.bytes.last(), Some(b'\n' | b'\r')) {
            self.bytes.pop();
        }
        self.text.clear();
        self.text.push_str(&String::from_utf8_lossy(&self.bytes));
        Ok(Some(Line::Text(self.number, &self.text)))
    }
}

/// The input as `io::Read` for serde_json, counting the line breaks it hands over so that
/// warnings and errors can name a line while the deserializer owns the reader.
pub(crate) struct CountingReader<'a> {
    input: &'a mut dyn BufRead,
    newlines: Rc<Cell<u64>>,
}

impl<'a> CountingReader<'a> {
    /// The reader, and the number of line breaks read so far (the current line is that + 1).
    pub(crate) fn new(input: &'a mut dyn BufRead) -> (CountingReader<'a>, Rc<Cell<u64>>) {
        let newlines = Rc::new(Cell::new(0));
        let reader = CountingReader {
            input,
            newlines: Rc::clone(&newlines),
        };
        (reader, newlines)
    }
}

impl Read for CountingReader<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.input.fill_buf()?;
        let n = available.len().min(out.len());
        let (Some(to), Some(from)) = (out.get_mut(..n), available.get(..n)) else {
            return Ok(0);
        };
        to.copy_from_slice(from);
        let breaks = from.iter().filter(|&&b| b == b'\n').count() as u64;
        self.newlines.set(self.newlines.get() + breaks);
        self.input.consume(n);
        Ok(n)
    }
}

/// A finite decimal number, surrounding blanks ignored.
pub(crate) fn number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Whether (latitude, longitude) is a WGS84 position.
pub(crate) fn is_position(latitude: f64, longitude: f64) -> bool {
    (-90.0..=90.0).contains(&latitude) && (-180.0..=180.0).contains(&longitude)
}

/// An ISO 8601 / RFC 3339 time as GPX reads it (any offset, converted to UTC; none means UTC).
pub(crate) fn iso_time(text: &str) -> Result<OffsetDateTime, &'static str> {
    crate::gpx::timestamp::parse_time(text)
}

/// An ISO 8601 time, or a Unix time (a fraction allowed, read exactly) in seconds,
/// milliseconds, microseconds or nanoseconds: the first of those units that puts it before
/// the year 5138 (1e11 s), as tools write each unit without saying which.
pub(crate) fn iso_or_unix_time(text: &str) -> Result<OffsetDateTime, &'static str> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let decimal = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if !decimal(whole) || !(fraction.is_empty() || decimal(fraction)) {
        return iso_time(text);
    }
    const RANGE: &str = "Unix time out of the supported range";
    // Past 30 digits no time is representable in any unit (and i128 would overflow).
    if whole.len() > 30 {
        return Err(RANGE);
    }
    let whole: i128 = whole.parse().map_err(|_| RANGE)?;
    // Nanoseconds per unit, and the digits of the fraction that still count.
    let (unit, places) = match whole {
        w if w < 100_000_000_000 => (1_000_000_000, 9),
        w if w < 100_000_000_000_000 => (1_000_000, 6),
        w if w < 100_000_000_000_000_000 => (1_000, 3),
        _ => (1, 0),
    };
    let nanos = whole * unit + i128::from(fraction_units(fraction, places));
    let nanos = if negative { -nanos } else { nanos };
    OffsetDateTime::from_unix_timestamp_nanos(nanos).map_err(|_| RANGE)
}

/// The decimal digits after a point as a whole number of 10^-`places` units (digits past
/// `places` dropped): "25" is 250,000,000 at 9 places. `digits` must be ASCII digits.
pub(crate) fn fraction_units(digits: &str, places: usize) -> u64 {
    digits
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(places)
        .fold(0, |acc, b| acc * 10 + u64::from(b.wrapping_sub(b'0') % 10))
}

/// Reads all of `text` with `read`, for the formats' tests.
#[cfg(test)]
pub(crate) fn read_all(
    read: super::Read,
    text: &str,
) -> Result<(Vec<crate::model::GpsPoint>, super::Parsed), TrackInputError> {
    let mut points = Vec::new();
    let mut parsed = super::Parsed::default();
    read(&mut text.as_bytes(), &mut |p| points.push(p), &mut parsed)?;
    Ok((points, parsed))
}

/// One line per point (time as Unix nanoseconds, latitude, longitude, altitude, speed,
/// course), for the formats' tests to compare with expected text.
#[cfg(test)]
pub(crate) fn summary(points: &[crate::model::GpsPoint]) -> Vec<String> {
    points
        .iter()
        .map(|p| {
            format!(
                "{:?} {} {} {:?} {:?} {:?}",
                p.time.map(|t| t.unix_timestamp_nanos()),
                p.latitude,
                p.longitude,
                p.altitude,
                p.speed_2d,
                p.course
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn lines_are_numbered_and_long_ones_skipped() {
        let long = "x".repeat(MAX_LINE + 10);
        let text = format!("a\r\n{long}\nb\nc");
        let mut input = text.as_bytes();
        let mut lines = Lines::new(&mut input);
        let mut seen = Vec::new();
        while let Some(line) = lines.next().unwrap() {
            seen.push(match line {
                Line::Text(n, text) => format!("{n}:{text}"),
                Line::TooLong(n) => format!("{n}:long"),
            });
        }
        assert_eq!(seen, ["1:a", "2:long", "3:b", "4:c"]);
    }

    #[test]
    fn times_are_iso_or_unix() {
        assert_eq!(
            iso_or_unix_time("2023-06-01T08:15:00.5Z"),
            Ok(datetime!(2023-06-01 08:15:00.5 UTC))
        );
        assert_eq!(
            iso_or_unix_time("1685607300.25"),
            Ok(datetime!(2023-06-01 08:15:00.25 UTC))
        );
        assert_eq!(
            iso_or_unix_time("1685607300250"),
            Ok(datetime!(2023-06-01 08:15:00.25 UTC))
        );
        for scaled in ["1685607300250000", "1685607300250000000"] {
            assert_eq!(
                iso_or_unix_time(scaled),
                Ok(datetime!(2023-06-01 08:15:00.25 UTC))
            );
        }
        assert!(iso_or_unix_time("99999999999999999999999").is_err());
        assert_eq!(
            iso_or_unix_time("-1.5"),
            Ok(datetime!(1969-12-31 23:59:58.5 UTC))
        );
        assert!(iso_or_unix_time("yesterday").is_err());
    }
}
