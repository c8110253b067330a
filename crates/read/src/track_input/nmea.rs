//! NMEA 0183 logs (GPS loggers, dashcams, phones): `RMC`, `GGA` and `GSA` sentences of any
//! talker (`GP`, `GN`, `GL`, `GA`, `BD`, …), one per line, merged into one point per epoch.
//!
//! An epoch is the run of sentences with the same time of day (`GSA` has none and joins the
//! epoch it follows). `RMC` gives the date; `GGA`s of later epochs without an `RMC` carry the
//! last date on, a day later when the time of day goes back (midnight). A sentence whose
//! checksum is wrong is skipped with a warning naming its line; epochs without a valid fix
//! (`RMC` status `V`, `GGA` quality 0) give no point.

use std::io::BufRead;

use time::{Date, Month, Time};

use super::text::{fraction_units, is_position, number, Line, Lines};
use super::{Kind, Parsed, Place, TrackInputError};
use crate::model::{AltitudeRef, Fix, GpsPoint};
use crate::novatek::convert::{knots_to_mps, nmea_year};

/// NMEA 0183 as a track input.
pub static KIND: Kind = Kind {
    name: "NMEA 0183",
    extensions: &["nmea", "nma", "log"],
    detect,
    read,
};

/// Whether the first line that is not blank is an NMEA sentence (`$GPRMC,…`, `$GNGGA,…`).
fn detect(head: &[u8]) -> bool {
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let Some(line) = text
        .split(|&b| b == b'\n')
        .map(|line| line.trim_ascii())
        .find(|line| !line.is_empty())
    else {
        return false;
    };
    match line {
        [b'$', address @ ..] if address.len() >= 6 => {
            address[..5].iter().all(u8::is_ascii_alphanumeric) && address[5] == b','
        }
        _ => false,
    }
}

fn read(
    input: &mut dyn BufRead,
    emit: &mut dyn FnMut(GpsPoint),
    parsed: &mut Parsed,
) -> Result<(), TrackInputError> {
    parsed.altitude_ref = AltitudeRef::MeanSeaLevel;
    let mut log = Log::default();
    let mut lines = Lines::new(input);
    while let Some(line) = lines.next()? {
        match line {
            Line::TooLong(n) => parsed.warn(Place::Line(n), "line too long for NMEA; skipped"),
            Line::Text(n, text) => log.line(n, text, emit, parsed),
        }
    }
    log.flush(emit);
    if log.without_fix > 0 {
        parsed.warn(
            Place::Line(log.first_without_fix),
            format!(
                "{} epochs without a valid fix (RMC status V or GGA quality 0) give no point, \
                 the first here",
                log.without_fix
            ),
        );
    }
    if log.undated > 0 {
        parsed.warn(
            Place::Line(log.first_undated),
            format!(
                "{} points before the first RMC have no date, so no time, the first here",
                log.undated
            ),
        );
    }
    Ok(())
}

/// The sentences of one epoch, merged.
#[derive(Default)]
struct Epoch {
    /// Time of day of its sentences.
    time: Option<Time>,
    date: Option<Date>,
    position: Option<(f64, f64)>,
    altitude: Option<f64>,
    speed: Option<f64>,
    course: Option<f64>,
    fix: Option<Fix>,
    dop: Option<f64>,
    satellites: Option<u32>,
    /// An RMC said `V` or a GGA said quality 0.
    invalid: bool,
    /// Line of its first sentence.
    line: u64,
}

#[derive(Default)]
struct Log {
    epoch: Option<Epoch>,
    /// The last date an RMC gave, with the time of day of that epoch (for midnight).
    date: Option<(Date, Time)>,
    without_fix: usize,
    first_without_fix: u64,
    undated: usize,
    first_undated: u64,
}

impl Log {
    fn line(&mut self, n: u64, text: &str, emit: &mut dyn FnMut(GpsPoint), parsed: &mut Parsed) {
        // Some loggers put their own time stamp before the sentence.
        let Some(start) = text.find('$') else {
            if !text.trim().is_empty() {
                parsed.warn(Place::Line(n), "not an NMEA sentence; skipped");
            }
            return;
        };
        let sentence = text[start..].trim_end();
        let body = match checked_body(sentence) {
            Ok(body) => body,
            Err(message) => return parsed.warn(Place::Line(n), message),
        };
        let mut fields = body.split(',');
        let address = fields.next().unwrap_or_default();
        let kind = address
            .get(address.len().saturating_sub(3)..)
            .unwrap_or_default();
        let fields: Vec<&str> = fields.collect();
        let result = match kind {
            "RMC" => self.rmc(n, &fields, emit),
            "GGA" => self.gga(n, &fields, emit),
            "GSA" => {
                self.gsa(n, &fields);
                Ok(())
            }
            _ => Ok(()),
        };
        if let Err(message) = result {
            parsed.warn(
                Place::Line(n),
                format!("{address}: {message}; sentence skipped"),
            );
        }
    }

    /// The epoch at `time` (`None`: the current one), flushing the previous one if it differs.
    fn epoch(&mut self, n: u64, time: Option<Time>, emit: &mut dyn FnMut(GpsPoint)) -> &mut Epoch {
        let same = match (&self.epoch, time) {
            (Some(epoch), Some(time)) => epoch.time.is_none_or(|t| t == time),
            (Some(_), None) => true,
            (None, _) => false,
        };
        if !same {
            self.flush(emit);
        }
        let epoch = self.epoch.get_or_insert_with(|| Epoch {
            line: n,
            ..Epoch::default()
        });
        if epoch.time.is_none() {
            epoch.time = time;
        }
        epoch
    }

    fn rmc(&mut self, n: u64, f: &[&str], emit: &mut dyn FnMut(GpsPoint)) -> Result<(), String> {
        // hhmmss.ss, status, lat, N/S, lon, E/W, knots, course, ddmmyy, …
        let time = time_of_day(field(f, 0))?;
        let date = date(field(f, 8))?;
        let valid = field(f, 1) == "A";
        let position = if valid { Some(position(f, 2)?) } else { None };
        let speed = optional(field(f, 6))?.map(knots_to_mps);
        let course = optional(field(f, 7))?;
        let epoch = self.epoch(n, time, emit);
        epoch.invalid |= !valid;
        epoch.date = epoch.date.or(date);
        epoch.position = epoch.position.or(position);
        epoch.speed = epoch.speed.or(speed);
        epoch.course = epoch.course.or(course);
        if let (Some(date), Some(time)) = (date, time) {
            self.date = Some((date, time));
        }
        Ok(())
    }

    fn gga(&mut self, n: u64, f: &[&str], emit: &mut dyn FnMut(GpsPoint)) -> Result<(), String> {
        // hhmmss.ss, lat, N/S, lon, E/W, quality, satellites, hdop, altitude, M, …
        let time = time_of_day(field(f, 0))?;
        let quality = optional(field(f, 5))?;
        let valid = quality.is_some_and(|q| q > 0.0);
        let position = if valid { Some(position(f, 1)?) } else { None };
        let satellites = match field(f, 6).trim() {
            "" => None,
            text => Some(
                text.parse::<u32>()
                    .map_err(|_| format!("satellites {text:?} is not a whole number"))?,
            ),
        };
        let dop = optional(field(f, 7))?;
        let altitude = optional(field(f, 8))?;
        let epoch = self.epoch(n, time, emit);
        epoch.invalid |= !valid;
        epoch.position = epoch.position.or(position);
        epoch.satellites = epoch.satellites.or(satellites);
        epoch.dop = epoch.dop.or(dop);
        epoch.altitude = epoch.altitude.or(altitude);
        Ok(())
    }

    /// GSA: no time; it belongs to the epoch it follows.
    fn gsa(&mut self, _n: u64, f: &[&str]) {
        // A/M, mode 1/2/3, 12 satellite ids, pdop, hdop, vdop
        let Some(epoch) = self.epoch.as_mut() else {
            return;
        };
        let fix = match field(f, 1).trim() {
            "1" => Some(Fix::None),
            "2" => Some(Fix::TwoD),
            "3" => Some(Fix::ThreeD),
            _ => None,
        };
        epoch.fix = epoch.fix.or(fix);
        if epoch.dop.is_none() {
            epoch.dop = number(field(f, 15));
        }
    }

    fn flush(&mut self, emit: &mut dyn FnMut(GpsPoint)) {
        let Some(epoch) = self.epoch.take() else {
            return;
        };
        let Some((latitude, longitude)) = epoch.position.filter(|_| !epoch.invalid) else {
            if self.without_fix == 0 {
                self.first_without_fix = epoch.line;
            }
            self.without_fix += 1;
            return;
        };
        let mut point = GpsPoint::new(latitude, longitude);
        point.altitude = epoch.altitude;
        point.speed_2d = epoch.speed;
        point.course = epoch.course;
        point.fix = epoch.fix;
        point.dop = epoch.dop;
        point.satellites = epoch.satellites;
        point.time = epoch.time.and_then(|time| {
            let date = epoch.date.or_else(|| self.carried_date(time))?;
            Some(date.with_time(time).assume_utc())
        });
        if point.time.is_none() {
            if self.undated == 0 {
                self.first_undated = epoch.line;
            }
            self.undated += 1;
        }
        emit(point);
    }

    /// The last RMC date, a day on if the time of day went back past midnight since.
    fn carried_date(&mut self, time: Time) -> Option<Date> {
        let (date, then) = self.date?;
        if time >= then {
            return Some(date);
        }
        let next = date.next_day()?;
        self.date = Some((next, time));
        Some(next)
    }
}

/// The text between `$` and `*`, after checking the checksum when there is one.
fn checked_body(sentence: &str) -> Result<&str, String> {
    let body = sentence.get(1..).unwrap_or_default();
    let Some((body, sum)) = body.rsplit_once('*') else {
        // NMEA makes the checksum optional for some sentences; loggers that leave it out
        // leave it out everywhere.
        return Ok(body);
    };
    let computed = body.bytes().fold(0u8, |acc, b| acc ^ b);
    match u8::from_str_radix(sum.trim(), 16) {
        Ok(given) if given == computed && sum.trim().len() == 2 => Ok(body),
        _ => Err(format!(
            "checksum {:?}, computed {computed:02X}; sentence skipped",
            sum.trim()
        )),
    }
}

fn field<'a>(fields: &[&'a str], index: usize) -> &'a str {
    fields.get(index).copied().unwrap_or_default()
}

fn optional(text: &str) -> Result<Option<f64>, String> {
    match text.trim() {
        "" => Ok(None),
        text => number(text)
            .map(Some)
            .ok_or_else(|| format!("{text:?} is not a number")),
    }
}

/// `hhmmss` with an optional fraction; empty is no time.
fn time_of_day(text: &str) -> Result<Option<Time>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let bad = || format!("time {text:?} is not hhmmss.ss");
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.len() != 6 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let two = |i: usize| whole[i..i + 2].parse::<u8>().map_err(|_| bad());
    // Nine places: below 10^9, so it fits.
    let nanos = fraction_units(fraction, 9) as u32;
    // A leap second (60) is not representable; NMEA receivers rarely send one.
    Time::from_hms_nano(two(0)?, two(2)?, two(4)?, nanos)
        .map(Some)
        .map_err(|_| bad())
}

/// `ddmmyy`, its two-digit year as every NMEA reader of telemux reads it (`nmea_year`: 70–99
/// are 19xx, the rest 20xx). Empty is no date.
fn date(text: &str) -> Result<Option<Date>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let bad = || format!("date {text:?} is not ddmmyy");
    if text.len() != 6 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let two = |i: usize| text[i..i + 2].parse::<u8>().map_err(|_| bad());
    let year = nmea_year(u32::from(two(4)?));
    let month = Month::try_from(two(2)?).map_err(|_| bad())?;
    Date::from_calendar_date(year, month, two(0)?)
        .map(Some)
        .map_err(|_| bad())
}

/// `ddmm.mmmm,N,dddmm.mmmm,E` starting at field `at`.
fn position(f: &[&str], at: usize) -> Result<(f64, f64), String> {
    let latitude = angle(field(f, at), field(f, at + 1), 2, "N", "S")?;
    let longitude = angle(field(f, at + 2), field(f, at + 3), 3, "E", "W")?;
    if !is_position(latitude, longitude) {
        return Err(format!("({latitude}, {longitude}) is not a position"));
    }
    Ok((latitude, longitude))
}

/// Degrees from `d…dmm.mmmm` (`degree_digits` digits of degrees) and a hemisphere letter.
fn angle(
    text: &str,
    hemisphere: &str,
    degree_digits: usize,
    positive: &str,
    negative: &str,
) -> Result<f64, String> {
    let text = text.trim();
    let bad = || format!("{text:?} {hemisphere:?} is not a coordinate");
    let degrees = text
        .get(..degree_digits)
        .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|d| d.parse::<f64>().ok())
        .ok_or_else(bad)?;
    let minutes = text
        .get(degree_digits..)
        .filter(|m| m.bytes().next().is_some_and(|b| b.is_ascii_digit()))
        .and_then(number)
        .filter(|m| (0.0..60.0).contains(m))
        .ok_or_else(bad)?;
    let value = degrees + minutes / 60.0;
    match hemisphere.trim() {
        h if h == positive => Ok(value),
        h if h == negative => Ok(-value),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    /// `$body*hh` with the right checksum.
    fn sentence(body: &str) -> String {
        let sum = body.bytes().fold(0u8, |acc, b| acc ^ b);
        format!("${body}*{sum:02X}")
    }

    fn read_text(text: &str) -> (Vec<GpsPoint>, Parsed) {
        crate::track_input::text::read_all(read, text).unwrap()
    }

    #[test]
    fn merges_rmc_gga_gsa_of_one_epoch() {
        let text = [
            sentence("GPGGA,123519.50,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,"),
            sentence("GPGSA,A,3,04,05,,09,12,,,24,,,,,2.5,1.3,2.1"),
            sentence("GPRMC,123519.50,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W"),
            sentence("GNGGA,123520.50,4807.040,S,01131.010,W,1,09,1.1,546.0,M,46.9,M,,"),
        ]
        .join("\r\n");
        let (points, parsed) = read_text(&text);
        assert_eq!(parsed.warnings, []);
        assert_eq!(parsed.altitude_ref, AltitudeRef::MeanSeaLevel);
        assert_eq!(points.len(), 2);
        let p = &points[0];
        assert_eq!(p.time, Some(datetime!(1994-03-23 12:35:19.5 UTC)));
        assert!((p.latitude - (48.0 + 7.038 / 60.0)).abs() < 1e-12);
        assert!((p.longitude - (11.0 + 31.0 / 60.0)).abs() < 1e-12);
        assert_eq!(p.altitude, Some(545.4));
        assert!((p.speed_2d.unwrap() - 22.4 * 1852.0 / 3600.0).abs() < 1e-12);
        assert_eq!(p.course, Some(84.4));
        assert_eq!(p.fix, Some(Fix::ThreeD));
        assert_eq!(p.dop, Some(0.9));
        assert_eq!(p.satellites, Some(8));
        // The date of the RMC carries to the next GGA.
        let q = &points[1];
        assert_eq!(q.time, Some(datetime!(1994-03-23 12:35:20.5 UTC)));
        assert!((q.latitude + (48.0 + 7.04 / 60.0)).abs() < 1e-12);
        assert!((q.longitude + (11.0 + 31.01 / 60.0)).abs() < 1e-12);
        assert_eq!((q.speed_2d, q.fix, q.satellites), (None, None, Some(9)));
    }

    #[test]
    fn a_carried_date_turns_at_midnight() {
        let text = [
            sentence("GPRMC,235959,A,0100.000,N,00100.000,E,0,0,311299,,"),
            sentence("GPGGA,000000,0100.000,N,00100.000,E,1,05,1.0,10,M,,,,"),
        ]
        .join("\n");
        let (points, _) = read_text(&text);
        let times: Vec<_> = points.iter().map(|p| p.time).collect();
        assert_eq!(
            times,
            [
                Some(datetime!(1999-12-31 23:59:59 UTC)),
                Some(datetime!(2000-01-01 00:00:00 UTC))
            ]
        );
    }

    #[test]
    fn bad_checksums_and_void_fixes_are_skipped_with_warnings() {
        let good = sentence("GPRMC,120000,A,4500.000,N,00700.000,E,1.0,90,010124,,");
        let mut bad = sentence("GPRMC,120001,A,4500.100,N,00700.000,E,1.0,90,010124,,");
        bad.replace_range(8..9, "9"); // corrupt a digit, keep the old checksum
        let void = sentence("GPRMC,120002,V,,,,,,,010124,,");
        let text = format!("{good}\n{bad}\n{void}\ngarbage\n");
        let (points, parsed) = read_text(&text);
        assert_eq!(points.len(), 1);
        assert_eq!(points[0].time, Some(datetime!(2024-01-01 12:00:00 UTC)));
        assert_eq!(parsed.warning_count, 3, "{:?}", parsed.warnings);
        assert_eq!(parsed.warnings[0].place, Place::Line(2));
        assert!(
            parsed.warnings[0].message.starts_with("checksum"),
            "{}",
            parsed.warnings[0]
        );
        assert_eq!(parsed.warnings[1].place, Place::Line(4));
        assert_eq!(parsed.warnings[2].place, Place::Line(3));
        assert!(parsed.warnings[2]
            .message
            .contains("1 epochs without a valid fix"));
    }

    #[test]
    fn bad_fields_name_the_line() {
        let text = sentence("GPRMC,120000,A,4599.000,N,00700.000,E,1.0,90,010124,,");
        let (points, parsed) = read_text(&text);
        assert_eq!(points, []);
        assert_eq!(parsed.warnings[0].place, Place::Line(1));
        assert!(
            parsed.warnings[0].message.contains("\"4599.000\""),
            "{}",
            parsed.warnings[0]
        );
    }

    #[test]
    fn detects_sentences_only() {
        assert!(detect(b"$GPRMC,120000,A,4500.000,N"));
        assert!(detect(b"\xEF\xBB\xBF\r\n$GNGGA,1"));
        assert!(!detect(b"<?xml version=\"1.0\"?><gpx>"));
        assert!(!detect(b"{\"type\":\"FeatureCollection\"}"));
        assert!(!detect(b"time,latitude,longitude\n"));
        assert!(!detect(b"\x0e\x10\x43\x08.FIT"));
        assert!(!detect(b"$GP"));
    }
}
