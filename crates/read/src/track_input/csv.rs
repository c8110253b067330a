//! CSV tracks: telemux's own export and what spreadsheets and logging apps write, recognised
//! by column names (any case; a unit in brackets after the name is ignored; gopro-telemetry's
//! `GPS (Lat.) [deg]` names the column by the word in parentheses):
//!
//! | field | names |
//! |---|---|
//! | time | `time`, `timestamp`, `datetime`, `date_time`, `utc`, `gps_time`, or `date` + `time` |
//! | latitude | `lat`, `latitude` |
//! | longitude | `lon`, `lng`, `long`, `longitude` |
//! | altitude | `ele`, `elevation`, `alt`, `altitude` |
//! | speed (m/s) | `speed`, `speed_2d`, `2D speed`; `speed_3d`, `3D speed` |
//! | course | `course`, `heading`, `bearing` |
//! | fix | `fix` (`none`/`2d`/`3d` or 0–3) |
//! | DOP | `dop`, `hdop` |
//! | satellites | `sats`, `satellites`, `numsats`, `num_sats` |
//!
//! The delimiter (`,`, `;` or tab) is the one the header line uses most. Times are ISO 8601
//! (any offset, none meaning UTC) or Unix seconds. A row that cannot be a point is skipped
//! with a warning naming its line; a file without a time or position column is refused,
//! naming the columns it has.
//!
//! Read with the `csv` crate rather than split by hand: it handles quoted fields (with
//! delimiters and line breaks inside), `\r\n` and a missing last line end, as spreadsheets write.

use std::io::{BufRead, Cursor, Read};

use csv::{ByteRecord, ReaderBuilder};
use time::OffsetDateTime;

use super::text::{is_position, iso_or_unix_time, iso_time, number, Line, Lines, MAX_LINE};
use super::{Kind, Parsed, Place, TrackInputError};
use crate::model::{AltitudeRef, Fix, GpsPoint};

/// CSV as a track input.
pub static KIND: Kind = Kind {
    name: "CSV",
    extensions: &["csv", "tsv"],
    detect,
    read,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Time,
    Date,
    Latitude,
    Longitude,
    Altitude,
    Speed2d,
    Speed3d,
    Course,
    Fix,
    Dop,
    Satellites,
}

/// The column a header name stands for: the name before any unit in brackets, else (as
/// gopro-telemetry writes `GPS (Lat.) [deg]`) the word in parentheses.
fn column(name: &str) -> Option<Column> {
    let name = name.trim_start_matches('\u{feff}').trim();
    let before = name.split(['(', '[']).next().unwrap_or_default();
    let inside = name
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(inner, _)| inner);
    known(before).or_else(|| inside.and_then(known))
}

fn known(name: &str) -> Option<Column> {
    let name = name.trim().trim_end_matches('.');
    let name = name.to_ascii_lowercase().replace([' ', '-'], "_");
    Some(match name.as_str() {
        "time" | "timestamp" | "datetime" | "date_time" | "utc" | "gps_time" | "time_utc" => {
            Column::Time
        }
        "date" => Column::Date,
        "lat" | "latitude" => Column::Latitude,
        "lon" | "lng" | "long" | "longitude" => Column::Longitude,
        "ele" | "elevation" | "alt" | "altitude" => Column::Altitude,
        "speed" | "speed_2d" | "2d_speed" => Column::Speed2d,
        "speed_3d" | "3d_speed" => Column::Speed3d,
        "course" | "heading" | "bearing" => Column::Course,
        "fix" => Column::Fix,
        "dop" | "hdop" => Column::Dop,
        "sats" | "satellites" | "numsats" | "num_sats" => Column::Satellites,
        _ => return None,
    })
}

/// The first line that is not blank, without a UTF-8 BOM, and its number from 1.
fn header_line(head: &[u8]) -> Option<(u64, &[u8])> {
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    text.split(|&b| b == b'\n')
        .enumerate()
        .find(|(_, line)| !line.trim_ascii().is_empty())
        .map(|(i, line)| (i as u64 + 1, line.trim_ascii()))
}

/// `,`, `;` or tab, whichever the header line has most of (`,` when it has none).
fn delimiter(header: &[u8]) -> u8 {
    let count = |d: u8| header.iter().filter(|&&b| b == d).count();
    [b',', b';', b'\t']
        .into_iter()
        .rev()
        .max_by_key(|&d| count(d))
        .unwrap_or(b',')
}

fn names(header: &[u8], delimiter: u8) -> Vec<String> {
    header
        .split(|&b| b == delimiter)
        .map(|name| {
            String::from_utf8_lossy(name)
                .trim()
                .trim_matches('"')
                .to_owned()
        })
        .collect()
}

/// Whether the first line is a header naming a latitude and a longitude column.
fn detect(head: &[u8]) -> bool {
    let Some((_, header)) = header_line(head) else {
        return false;
    };
    // XML, JSON and NMEA start with these; a header never does.
    if matches!(header.first(), Some(b'<' | b'{' | b'[' | b'$')) {
        return false;
    }
    let columns: Vec<_> = names(header, delimiter(header))
        .iter()
        .filter_map(|n| column(n))
        .collect();
    columns.contains(&Column::Latitude) && columns.contains(&Column::Longitude)
}

/// Which field of a row holds each column (the first of a kind wins).
#[derive(Default)]
struct Layout {
    fields: Vec<(Column, usize)>,
}

impl Layout {
    fn index(&self, column: Column) -> Option<usize> {
        self.fields
            .iter()
            .find(|(c, _)| *c == column)
            .map(|&(_, i)| i)
    }
}

fn read(
    input: &mut dyn BufRead,
    emit: &mut dyn FnMut(GpsPoint),
    parsed: &mut Parsed,
) -> Result<(), TrackInputError> {
    // The header is read here, whatever the input's buffer size, to choose the delimiter;
    // the csv reader then gets it back in front of the rest.
    let (header_at, header) = {
        let mut lines = Lines::new(&mut *input);
        loop {
            match lines.next()? {
                None => {
                    return Err(TrackInputError::Invalid {
                        place: Place::Line(1),
                        message: "the CSV file is empty: no header line".into(),
                    })
                }
                Some(Line::TooLong(n)) => {
                    return Err(TrackInputError::Invalid {
                        place: Place::Line(n),
                        message: format!("the CSV header is longer than {MAX_LINE} bytes"),
                    })
                }
                Some(Line::Text(n, text)) => {
                    let text = text.trim_start_matches('\u{feff}').trim();
                    if !text.is_empty() {
                        break (n, format!("{text}\n"));
                    }
                }
            }
        }
    };
    let delimiter = delimiter(header.as_bytes());
    // Apps write "ele" and "altitude" meaning above sea level, as GPX does.
    parsed.altitude_ref = AltitudeRef::MeanSeaLevel;
    let mut reader = ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(Cursor::new(header).chain(input));
    let headers = reader.byte_headers().map_err(csv_error)?.clone();
    let names: Vec<String> = headers
        .iter()
        .map(|n| String::from_utf8_lossy(n).trim().to_owned())
        .collect();
    let mut layout = Layout::default();
    for (i, name) in names.iter().enumerate() {
        if let Some(column) = column(name) {
            if layout.index(column).is_none() {
                layout.fields.push((column, i));
            }
        }
    }
    let missing = |what: &str, expected: &str| TrackInputError::Invalid {
        place: Place::Line(header_at),
        message: format!(
            "the CSV header has no {what} column (expected {expected}); columns found: {}",
            names.join(", ")
        ),
    };
    let (Some(lat), Some(lon)) = (
        layout.index(Column::Latitude),
        layout.index(Column::Longitude),
    ) else {
        return Err(missing(
            "latitude/longitude",
            "lat or latitude, and lon, lng, long or longitude",
        ));
    };
    if layout.index(Column::Time).is_none() && layout.index(Column::Date).is_none() {
        return Err(missing(
            "time",
            "time, timestamp, datetime, or date and time",
        ));
    }
    let mut record = ByteRecord::new();
    while reader.read_byte_record(&mut record).map_err(csv_error)? {
        // The csv reader counts from the header line.
        let line = record.position().map_or(0, |p| p.line()) + header_at - 1;
        let field = |index: Option<usize>| {
            index
                .and_then(|i| record.get(i))
                .map(|f| String::from_utf8_lossy(f).trim().to_owned())
                .filter(|f| !f.is_empty())
        };
        if record.iter().all(|f| f.trim_ascii().is_empty()) {
            continue;
        }
        let mut row = Row {
            line,
            parsed: &mut *parsed,
        };
        let (Some(latitude), Some(longitude)) = (
            row.value(field(Some(lat)), "latitude", number),
            row.value(field(Some(lon)), "longitude", number),
        ) else {
            row.skip("no latitude/longitude");
            continue;
        };
        if !is_position(latitude, longitude) {
            row.skip(&format!("({latitude}, {longitude}) is not a position"));
            continue;
        }
        let mut point = GpsPoint::new(latitude, longitude);
        point.time = row.time(
            field(layout.index(Column::Time)),
            field(layout.index(Column::Date)),
        );
        point.altitude = row.value(field(layout.index(Column::Altitude)), "altitude", number);
        point.speed_2d = row.value(field(layout.index(Column::Speed2d)), "speed", number);
        point.speed_3d = row.value(field(layout.index(Column::Speed3d)), "speed_3d", number);
        point.course = row.value(field(layout.index(Column::Course)), "course", number);
        point.fix = row.value(field(layout.index(Column::Fix)), "fix", fix);
        point.dop = row.value(field(layout.index(Column::Dop)), "dop", number);
        point.satellites = row.value(field(layout.index(Column::Satellites)), "satellites", |t| {
            t.parse().ok()
        });
        emit(point);
    }
    Ok(())
}

/// One row being read: its warnings name its line.
struct Row<'a> {
    line: u64,
    parsed: &'a mut Parsed,
}

impl Row<'_> {
    fn skip(&mut self, why: &str) {
        self.parsed
            .warn(Place::Line(self.line), format!("{why}; row skipped"));
    }

    /// The field's value; one that does not parse is left out with a warning.
    fn value<T>(
        &mut self,
        text: Option<String>,
        name: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        let text = text?;
        let value = parse(&text);
        if value.is_none() {
            self.parsed.warn(
                Place::Line(self.line),
                format!("{name} {:?} is not valid; left out", excerpt(&text)),
            );
        }
        value
    }

    /// A full time in the time (or date) column, else the date and time columns joined.
    fn time(&mut self, time: Option<String>, date: Option<String>) -> Option<OffsetDateTime> {
        let joined = match (&time, &date) {
            (Some(time), Some(date)) => {
                iso_or_unix_time(time).or_else(|_| iso_time(&format!("{date}T{time}")))
            }
            (Some(one), None) | (None, Some(one)) => iso_or_unix_time(one),
            (None, None) => return None,
        };
        match joined {
            Ok(time) => Some(time),
            Err(reason) => {
                let text = [date, time]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                self.parsed.warn(
                    Place::Line(self.line),
                    format!("time {:?}: {reason}; left out", excerpt(&text)),
                );
                None
            }
        }
    }
}

/// The start of a long value, for messages.
fn excerpt(text: &str) -> String {
    text.chars().take(40).collect()
}

/// `none`/`2d`/`3d` (telemux, GPX) or an NMEA-style number.
fn fix(text: &str) -> Option<Fix> {
    let is = |name: &str| text.eq_ignore_ascii_case(name);
    if is("none") || is("no") || is("0") || is("1") {
        Some(Fix::None)
    } else if is("2d") || is("2") {
        Some(Fix::TwoD)
    } else if is("3d") || is("3") || is("dgps") || is("pps") {
        Some(Fix::ThreeD)
    } else {
        None
    }
}

fn csv_error(err: csv::Error) -> TrackInputError {
    let place = Place::Line(err.position().map_or(0, |p| p.line()));
    match err.into_kind() {
        csv::ErrorKind::Io(err) => TrackInputError::Io(err),
        kind => TrackInputError::Invalid {
            place,
            message: format!("{kind:?}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn read_text(text: &str) -> Result<(Vec<GpsPoint>, Parsed), TrackInputError> {
        crate::track_input::text::read_all(read, text)
    }

    #[test]
    fn reads_common_names_delimiters_and_times() {
        let text = "\u{feff}Timestamp;Lat;Lng;Elevation (m);Heading;HDOP;Sats\r\n\
                    1685607300.5;47.5;8.25;-12.5;270;0.9;7\r\n\
                    2023-06-01 08:15:01+02:00;\"-47.5\";-8.25;;;;\r\n";
        let (points, parsed) = read_text(text).unwrap();
        assert_eq!(parsed.warnings, []);
        assert_eq!(points.len(), 2);
        let p = &points[0];
        assert_eq!(p.time, Some(datetime!(2023-06-01 08:15:00.5 UTC)));
        assert_eq!(
            (p.latitude, p.longitude, p.altitude),
            (47.5, 8.25, Some(-12.5))
        );
        assert_eq!(
            (p.course, p.dop, p.satellites),
            (Some(270.0), Some(0.9), Some(7))
        );
        let q = &points[1];
        assert_eq!(q.time, Some(datetime!(2023-06-01 06:15:01 UTC)));
        assert_eq!((q.latitude, q.longitude, q.altitude), (-47.5, -8.25, None));
    }

    #[test]
    fn joins_date_and_time_columns_with_tabs() {
        let text = "date\ttime\tlatitude\tlongitude\tspeed\n2024-02-29\t23:59:59.25\t1\t2\t3.5\n";
        let (points, _) = read_text(text).unwrap();
        assert_eq!(points[0].time, Some(datetime!(2024-02-29 23:59:59.25 UTC)));
        assert_eq!(points[0].speed_2d, Some(3.5));
    }

    #[test]
    fn a_file_without_a_time_column_is_refused_naming_its_columns() {
        let err = read_text("\n\nlat,lon,ele\n1,2,3\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 3: the CSV header has no time column (expected time, timestamp, datetime, \
             or date and time); columns found: lat, lon, ele"
        );
        let err = read_text("time,x,y\n").unwrap_err();
        assert!(
            err.to_string().contains("no latitude/longitude column"),
            "{err}"
        );
    }

    #[test]
    fn bad_rows_are_skipped_naming_their_line() {
        let text = "time,lat,lon,alt\n\
                    2024-01-01T00:00:00Z,1,2,3\n\
                    2024-01-01T00:00:01Z,91,2,3\n\
                    yesterday,1,2,high\n\
                    2024-01-01T00:00:03Z,,2,3\n";
        let (points, parsed) = read_text(text).unwrap();
        assert_eq!(points.len(), 2);
        assert_eq!(points[1].time, None);
        assert_eq!(points[1].altitude, None);
        let warnings: Vec<String> = parsed.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            warnings,
            [
                "line 3: (91, 2) is not a position; row skipped",
                "line 4: time \"yesterday\": expected a date as YYYY-MM-DD; left out",
                "line 4: altitude \"high\" is not valid; left out",
                "line 5: no latitude/longitude; row skipped",
            ]
        );
    }

    #[test]
    fn detects_headers_with_a_position() {
        assert!(detect(b"time,latitude,longitude,altitude\r\n"));
        assert!(detect(b"\xEF\xBB\xBFDate;Time;Lat;Long\n"));
        assert!(detect(b"t\tlat\tlng"));
        assert!(detect(
            b"cts,date,GPS (Lat.) [deg],GPS (Long.) [deg],GPS (Alt.) [m]"
        ));
        assert!(!detect(b"time,x,y\n"));
        assert!(!detect(
            b"<?xml version=\"1.0\"?>\n<gpx lat=\"1\" lon=\"2\">"
        ));
        assert!(!detect(b"{\"lat\":1,\"lon\":2}"));
        assert!(!detect(b"$GPRMC,lat,lon"));
        assert!(!detect(b"\x0e\x10\x43\x08\x00\x00.FIT"));
    }
}
