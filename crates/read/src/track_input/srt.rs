//! DJI drone subtitle files (`DJI_0001.SRT` beside `DJI_0001.MP4`): one subtitle per frame or
//! per second, whose text holds the drone's position.
//!
//! Written by hand: the subtitle frame (index, `start --> end`, text, blank line) is four
//! lines, and what matters is DJI's text inside it, which no subtitle crate reads; a streaming
//! line reader keeps memory to one subtitle.
//!
//! The dialects (docs/formats.md, *Track inputs*):
//! - `[latitude: 41.42] [longitude: 2.23]` with `[altitude: …]` or `[rel_alt: … abs_alt: …]`
//!   (Mavic Air 2, Air 2S, Mavic 3): named, so the order is what the names say; `altitude`
//!   or `abs_alt` becomes the altitude.
//! - `GPS(149.0251,-20.2533,16)` with `HOME(…)` and a date (Mavic Pro, older firmware), and
//!   `GPS (-121.7458, 48.0771, 17)` without a date (Mavic Mini, Phantom 4 RTK): longitude
//!   first, then latitude, then the satellites in use (a number ending in `m` is an altitude,
//!   one ending in `M` is the M300's precision, which that drone writes after latitude first).
//!   Their heights (`BAROMETER:`, `Hb:`, `H 85.8m`) are above the take-off point, not sea
//!   level, and are left out.
//!
//! The order is checked for plausibility: a first value beyond ±90° can only be a longitude,
//! and a second one beyond ±90° only a longitude too (the pair is then swapped, with a
//! warning). The subtitle's start is the point's `media_time` (seconds into the drone's
//! video); a date line (the drone's clock, local time without a zone) becomes `time`, read
//! as UTC.

use std::io::{BufRead, Read};

use time::{Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, Time};

use crate::model::{AltitudeRef, GpsPoint};

use super::{Kind, Parsed, Place, TrackInputError};

/// DJI SRT.
pub static KIND: Kind = Kind {
    name: "DJI SRT",
    extensions: &["srt"],
    detect,
    read,
};

/// Longest line read: subtitles are a few hundred bytes; a file without line ends is not
/// read into memory whole.
const MAX_LINE: u64 = 64 << 10;

/// A subtitle file (an index line, then a `-->` timing line) whose text holds DJI's GPS.
fn detect(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.trim_start_matches('\u{feff}').trim_start().lines();
    let index = lines
        .next()
        .is_some_and(|l| l.trim().parse::<u64>().is_ok());
    let timing = lines.next().is_some_and(|l| timing(l).is_some());
    index && timing && (text.contains("GPS") || text.contains("latitude"))
}

/// What a subtitle's text said.
#[derive(Default)]
struct Subtitle {
    start: Option<f64>,
    line: u64,
    time: Option<OffsetDateTime>,
    named_lat: Option<f64>,
    named_lon: Option<f64>,
    /// `GPS(a, b, c)`, as written.
    gps: Option<(f64, f64, Option<String>)>,
    altitude: Option<f64>,
}

fn read(
    input: &mut dyn BufRead,
    emit: &mut dyn FnMut(GpsPoint),
    parsed: &mut Parsed,
) -> Result<(), TrackInputError> {
    parsed.device = Some("DJI".into());
    parsed.altitude_ref = AltitudeRef::MeanSeaLevel;
    let mut line = Vec::new();
    let mut number = 0u64;
    let mut subtitle = Subtitle::default();
    let mut swapped = false;
    loop {
        line.clear();
        let read = Read::take(&mut *input, MAX_LINE).read_until(b'\n', &mut line)?;
        if read == 0 {
            break;
        }
        number += 1;
        if read as u64 == MAX_LINE && line.last() != Some(&b'\n') {
            return Err(TrackInputError::Invalid {
                place: Place::Line(number),
                message: format!("a line longer than {MAX_LINE} bytes: not a subtitle file"),
            });
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim();
        if text.is_empty() {
            finish(std::mem::take(&mut subtitle), emit, parsed, &mut swapped);
            continue;
        }
        if let Some(start) = timing(text) {
            // A timing line without the blank line before it: the subtitle before it ends.
            if subtitle.start.is_some() {
                finish(std::mem::take(&mut subtitle), emit, parsed, &mut swapped);
            }
            subtitle.start = Some(start);
            subtitle.line = number;
            continue;
        }
        if subtitle.start.is_some() {
            fields(text, &mut subtitle);
        }
    }
    if subtitle.start.is_some() && subtitle.gps.is_none() && subtitle.named_lat.is_none() {
        parsed.warn(
            Place::Line(subtitle.line),
            "the file ends inside a subtitle without its GPS (cut short?)",
        );
        return Ok(());
    }
    finish(subtitle, emit, parsed, &mut swapped);
    Ok(())
}

/// Emits the subtitle's point, or warns why it has none.
fn finish(
    subtitle: Subtitle,
    emit: &mut dyn FnMut(GpsPoint),
    parsed: &mut Parsed,
    swapped: &mut bool,
) {
    let Some(start) = subtitle.start else {
        return;
    };
    let place = Place::Line(subtitle.line);
    let (latitude, longitude, satellites) = match (subtitle.named_lat, subtitle.named_lon) {
        (Some(lat), Some(lon)) => (lat, lon, None),
        _ => match subtitle.gps {
            Some((first, second, third)) => {
                let third = third.unwrap_or_default();
                let latitude_first = third.ends_with('M');
                let (mut lat, mut lon) = if latitude_first {
                    (first, second)
                } else {
                    (second, first)
                };
                if lat.abs() > 90.0 && lon.abs() <= 90.0 {
                    std::mem::swap(&mut lat, &mut lon);
                    if !*swapped {
                        *swapped = true;
                        parsed.warn(
                            place,
                            "GPS(…) holds latitude first here (its second value is beyond \
                             ±90°): read as latitude, longitude",
                        );
                    }
                }
                (lat, lon, third.parse::<u32>().ok())
            }
            None => {
                parsed.warn(place, "a subtitle without GPS, skipped");
                return;
            }
        },
    };
    if !(latitude.abs() <= 90.0 && longitude.abs() <= 180.0) {
        parsed.warn(
            place,
            format!("position {latitude}, {longitude} is out of range, skipped"),
        );
        return;
    }
    emit(GpsPoint {
        time: subtitle.time,
        media_time: Some(start),
        altitude: subtitle.altitude,
        satellites,
        ..GpsPoint::new(latitude, longitude)
    });
}

/// The start of a `00:00:01,000 --> 00:00:02,000` line, seconds.
fn timing(line: &str) -> Option<f64> {
    let (start, _) = line.split_once("-->")?;
    let (hms, millis) = start.trim().split_once([',', '.'])?;
    let mut parts = hms.split(':').map(|p| p.parse::<u32>().ok());
    let (h, m, s) = (parts.next()??, parts.next()??, parts.next()??);
    if parts.next().is_some() || m > 59 || s > 59 {
        return None;
    }
    let fraction = format!("0.{millis}").parse::<f64>().ok()?;
    Some(f64::from(h) * 3600.0 + f64::from(m) * 60.0 + f64::from(s) + fraction)
}

/// Reads the fields of one text line into `subtitle`.
fn fields(text: &str, subtitle: &mut Subtitle) {
    if subtitle.time.is_none() {
        subtitle.time = date(text);
    }
    for (name, value) in bracketed(text) {
        let value = value.parse::<f64>().ok().filter(|v| v.is_finite());
        match name {
            "latitude" => subtitle.named_lat = value,
            "longitude" | "longtitude" => subtitle.named_lon = value,
            "altitude" | "abs_alt" => subtitle.altitude = value,
            _ => {}
        }
    }
    if let Some(gps) = call(text, "GPS") {
        let mut values = gps.split(',').map(str::trim);
        let number = |v: Option<&str>| {
            v.and_then(|v| v.parse::<f64>().ok())
                .filter(|v| v.is_finite())
        };
        if let (Some(first), Some(second)) = (number(values.next()), number(values.next())) {
            let third = values.next().map(str::to_owned);
            if let Some(altitude) = third
                .as_deref()
                .and_then(|t| t.strip_suffix('m'))
                .and_then(|t| t.parse::<f64>().ok())
            {
                subtitle.altitude = Some(altitude);
            }
            subtitle.gps = Some((first, second, third));
        }
    }
}

/// `name: value` pairs of `[name: value]` and `[a: 1 b: 2]` groups.
fn bracketed(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.split('[')
        .skip(1)
        .filter_map(|group| group.split_once(']').map(|(inside, _)| inside))
        .flat_map(|inside| {
            // `rel_alt: -2.400 abs_alt: 0.401`: names end with ':', values follow.
            let words: Vec<&str> = inside.split_whitespace().collect();
            let mut pairs = Vec::new();
            let mut i = 0;
            while i < words.len() {
                let word = words[i];
                if let Some(name) = word.strip_suffix(':') {
                    if let Some(value) = words.get(i + 1) {
                        pairs.push((name, *value));
                        i += 1;
                    }
                } else if let Some((name, value)) = word.split_once(':') {
                    pairs.push((name, value));
                } else if words.get(i + 1) == Some(&":") {
                    // `iso : 100`
                    if let Some(value) = words.get(i + 2) {
                        pairs.push((word, *value));
                    }
                    i += 2;
                }
                i += 1;
            }
            pairs
        })
}

/// The inside of `NAME(…)` or `NAME (…)`.
fn call<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let at = text.find(name)?;
    let rest = text[at + name.len()..].trim_start().strip_prefix('(')?;
    rest.split_once(')').map(|(inside, _)| inside)
}

/// A `2017.8.5 14:11:51`, `2021-12-25 12:27:52.373` or `2022-08-07 13:40:40,774,808` date in
/// the line, read as UTC.
fn date(text: &str) -> Option<OffsetDateTime> {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .windows(2)
        .find_map(|pair| date_time(pair[0], pair[1]))
}

fn date_time(day: &str, clock: &str) -> Option<OffsetDateTime> {
    let mut ymd = day.split(['-', '.']).map(|p| p.parse::<u32>().ok());
    let (y, mo, d) = (ymd.next()??, ymd.next()??, ymd.next()??);
    if ymd.next().is_some() || !(1970..=9999).contains(&y) {
        return None;
    }
    let month = Month::try_from(u8::try_from(mo).ok()?).ok()?;
    let date =
        Date::from_calendar_date(i32::try_from(y).ok()?, month, u8::try_from(d).ok()?).ok()?;
    // `13:40:40,774,808`: milliseconds, then microseconds; `12:27:52.373`: a fraction.
    let (hms, fraction) = match clock.split_once([',', '.']) {
        Some((hms, rest)) => (hms, Some(rest)),
        None => (clock, None),
    };
    let mut parts = hms.split(':').map(|p| p.parse::<u8>().ok());
    let (h, m, s) = (parts.next()??, parts.next()??, parts.next()??);
    if parts.next().is_some() {
        return None;
    }
    let time = Time::from_hms(h, m, s).ok()?;
    let micros = match fraction {
        None => 0,
        Some(rest) => match rest.split_once(',') {
            Some((ms, us)) => {
                ms.parse::<i64>().ok().filter(|&v| v < 1000)? * 1000
                    + us.parse::<i64>().ok().filter(|&v| v < 1000)?
            }
            None => (format!("0.{rest}").parse::<f64>().ok()? * 1e6).round() as i64,
        },
    };
    Some(PrimitiveDateTime::new(date, time).assume_utc() + Duration::microseconds(micros))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn points(text: &str) -> (Vec<GpsPoint>, Parsed) {
        let mut points = Vec::new();
        let mut parsed = Parsed::default();
        read(&mut text.as_bytes(), &mut |p| points.push(p), &mut parsed).unwrap();
        (points, parsed)
    }

    #[test]
    fn named_dialect_with_microseconds() {
        let (points, parsed) = points(
            "1\n00:00:00,033 --> 00:00:00,066\n<font size=\"36\">SrtCnt : 2, DiffTime : 33ms\n\
             2022-08-07 13:40:40,808,164\n[iso : 100] [latitude: 41.424725] \
             [longitude: 2.234147] [altitude: 117.000000] </font>\n\n",
        );
        assert_eq!(parsed.warning_count, 0);
        assert_eq!(points.len(), 1);
        let p = &points[0];
        assert_eq!(
            (p.latitude, p.longitude, p.altitude),
            (41.424725, 2.234147, Some(117.0))
        );
        assert_eq!(p.media_time, Some(0.033));
        assert_eq!(p.time, Some(datetime!(2022-08-07 13:40:40.808164 UTC)));
    }

    #[test]
    fn unnamed_dialect_is_longitude_first_unless_implausible() {
        let (points, parsed) = points(
            "1\n00:00:01,000 --> 00:00:02,000\nHOME(149.0251,-20.2532) 2017.8.5 14:11:51\n\
             GPS(149.0251,-20.2533,16) Hb:1.9 Hs:1.9\n\n\
             2\n00:00:02,000 --> 00:00:03,000\nGPS (-20.2534, 149.0252, 16)\n\n",
        );
        assert_eq!(points.len(), 2);
        assert_eq!(
            (points[0].latitude, points[0].longitude),
            (-20.2533, 149.0251)
        );
        assert_eq!(points[0].satellites, Some(16));
        assert_eq!(points[0].altitude, None);
        assert_eq!(points[0].time, Some(datetime!(2017-08-05 14:11:51 UTC)));
        assert_eq!(
            (points[1].latitude, points[1].longitude),
            (-20.2534, 149.0252)
        );
        assert_eq!(points[1].time, None);
        assert_eq!(points[1].media_time, Some(2.0));
        assert_eq!(parsed.warning_count, 1);
        assert!(parsed.warnings[0]
            .to_string()
            .starts_with("line 7: GPS(…) holds latitude first"));
    }

    #[test]
    fn a_cut_file_keeps_the_points_before_and_warns() {
        let (points, parsed) = points(
            "1\n00:00:01,000 --> 00:00:02,000\nGPS(-58.4563,-34.7383,19)\n\n\
             2\n00:00:02,000 --> 00:00:03,000\nHOME(-58.4563,-34.7386) 2017.07.03 10:15:04\n",
        );
        assert_eq!(points.len(), 1);
        assert_eq!(parsed.warning_count, 1);
        assert_eq!(
            parsed.warnings[0].to_string(),
            "line 6: the file ends inside a subtitle without its GPS (cut short?)"
        );
    }

    #[test]
    fn detects_dji_subtitles_only() {
        assert!(detect(
            b"1\n00:00:00,000 --> 00:00:01,000\nF/2.8, GPS (-121.7458, 48.0771, 17)\n"
        ));
        assert!(!detect(b"1\n00:00:00,000 --> 00:00:01,000\nHello there\n"));
        assert!(!detect(b"<gpx>"));
    }

    #[test]
    fn endless_lines_are_refused() {
        let mut endless = std::io::BufReader::new(std::io::repeat(b'a'));
        let err = read(&mut endless, &mut |_| {}, &mut Parsed::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 1: a line longer than 65536 bytes: not a subtitle file"
        );
    }
}
