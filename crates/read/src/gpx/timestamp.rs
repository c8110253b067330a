//! GPX `<time>` values: `xsd:dateTime` as GPS apps really write it.
//!
//! Accepted: `YYYY-MM-DDThh:mm:ss`, optionally followed by a fraction of any length (`.` or `,`;
//! digits past nanoseconds are dropped) and an offset (`Z`, `±hh:mm`, `±hhmm` or `±hh`).
//! The separator may be `T`, `t` or a space. A missing offset means UTC, as GPX requires times
//! to be UTC. The result is always converted to UTC.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// Parses one time value; the error says what is wrong with it.
pub(crate) fn parse_time(text: &str) -> Result<OffsetDateTime, &'static str> {
    let mut cursor = Cursor {
        bytes: text.trim().as_bytes(),
        pos: 0,
    };
    let date = cursor.date()?;
    if !cursor.eat_any(b"Tt ") {
        return Err("expected `T` between date and time");
    }
    let time = cursor.time_of_day()?;
    let offset = cursor.offset()?;
    if cursor.pos != cursor.bytes.len() {
        return Err("unexpected text after the time");
    }
    PrimitiveDateTime::new(date, time)
        .assume_offset(offset)
        .checked_to_offset(UtcOffset::UTC)
        .ok_or("time out of the supported range")
}

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn date(&mut self) -> Result<Date, &'static str> {
        const SHAPE: &str = "expected a date as YYYY-MM-DD";
        let year = self.number(4).ok_or(SHAPE)?;
        let month = self.separator(b'-').and_then(|()| self.number(2));
        let day = self.separator(b'-').and_then(|()| self.number(2));
        let (Some(month), Some(day)) = (month, day) else {
            return Err(SHAPE);
        };
        let month = u8::try_from(month)
            .ok()
            .and_then(|m| Month::try_from(m).ok())
            .ok_or("month out of range")?;
        let (Ok(year), Ok(day)) = (i32::try_from(year), u8::try_from(day)) else {
            return Err("no such date");
        };
        Date::from_calendar_date(year, month, day).map_err(|_| "no such date")
    }

    fn time_of_day(&mut self) -> Result<Time, &'static str> {
        const SHAPE: &str = "expected a time of day as hh:mm:ss";
        let hour = self.number(2).ok_or(SHAPE)?;
        let minute = self.separator(b':').and_then(|()| self.number(2));
        let second = self.separator(b':').and_then(|()| self.number(2));
        let (Some(minute), Some(second)) = (minute, second) else {
            return Err(SHAPE);
        };
        let nanosecond = if self.eat_any(b".,") {
            self.fraction_nanos()?
        } else {
            0
        };
        let (Ok(hour), Ok(minute), Ok(second)) = (
            u8::try_from(hour),
            u8::try_from(minute),
            u8::try_from(second),
        ) else {
            return Err("time of day out of range");
        };
        Time::from_hms_nano(hour, minute, second, nanosecond)
            .map_err(|_| "time of day out of range")
    }

    /// Digits after the decimal point as nanoseconds; digits beyond the ninth are dropped.
    fn fraction_nanos(&mut self) -> Result<u32, &'static str> {
        let start = self.pos;
        let mut nanos = 0u32;
        while let Some(digit) = self.digit() {
            let place = self.pos - start;
            if place <= 9 {
                nanos = nanos * 10 + digit;
            }
        }
        let places = self.pos - start;
        if places == 0 {
            return Err("expected digits after the decimal point");
        }
        for _ in places..9 {
            nanos *= 10;
        }
        Ok(nanos)
    }

    fn offset(&mut self) -> Result<UtcOffset, &'static str> {
        if self.pos == self.bytes.len() || self.eat_any(b"Zz") {
            return Ok(UtcOffset::UTC);
        }
        let negative = match self.bytes.get(self.pos) {
            Some(b'+') => false,
            Some(b'-') => true,
            _ => return Err("expected `Z` or an offset like +02:00"),
        };
        self.pos += 1;
        let hours = self.number(2).ok_or("expected an offset like +02:00")?;
        let colon = self.eat_any(b":");
        let minutes = match self.number(2) {
            Some(minutes) => minutes,
            None if colon => return Err("expected an offset like +02:00"),
            None => 0,
        };
        if hours > 23 || minutes > 59 {
            return Err("offset out of range");
        }
        let seconds = (hours * 3600 + minutes * 60) as i32;
        UtcOffset::from_whole_seconds(if negative { -seconds } else { seconds })
            .map_err(|_| "offset out of range")
    }

    /// Exactly `count` ASCII digits as a number.
    fn number(&mut self, count: usize) -> Option<u32> {
        let start = self.pos;
        let mut value = 0u32;
        for _ in 0..count {
            match self.digit() {
                Some(digit) => value = value * 10 + digit,
                None => {
                    self.pos = start;
                    return None;
                }
            }
        }
        Some(value)
    }

    fn digit(&mut self) -> Option<u32> {
        let byte = *self.bytes.get(self.pos)?;
        let digit = char::from(byte).to_digit(10)?;
        self.pos += 1;
        Some(digit)
    }

    fn separator(&mut self, byte: u8) -> Option<()> {
        self.eat_any(&[byte]).then_some(())
    }

    fn eat_any(&mut self, choices: &[u8]) -> bool {
        match self.bytes.get(self.pos) {
            Some(b) if choices.contains(b) => {
                self.pos += 1;
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn reads_utc_and_offsets() {
        assert_eq!(
            parse_time("2023-06-01T10:15:30Z"),
            Ok(datetime!(2023-06-01 10:15:30 UTC))
        );
        assert_eq!(
            parse_time("2023-06-01T12:15:30+02:00"),
            Ok(datetime!(2023-06-01 10:15:30 UTC))
        );
        assert_eq!(
            parse_time("2023-06-01T05:45:30-0430"),
            Ok(datetime!(2023-06-01 10:15:30 UTC))
        );
        assert_eq!(
            parse_time("2023-06-01T00:15:30-10"),
            Ok(datetime!(2023-06-01 10:15:30 UTC))
        );
        // Crossing midnight backwards into the previous month.
        assert_eq!(
            parse_time("2023-06-01T01:00:00+05:30"),
            Ok(datetime!(2023-05-31 19:30:00 UTC))
        );
    }

    #[test]
    fn reads_fractions_of_any_length() {
        assert_eq!(
            parse_time("2023-06-01T10:15:30.5Z"),
            Ok(datetime!(2023-06-01 10:15:30.5 UTC))
        );
        assert_eq!(
            parse_time("2023-06-01T10:15:30,250+00:00"),
            Ok(datetime!(2023-06-01 10:15:30.25 UTC))
        );
        assert_eq!(
            parse_time("2023-06-01T10:15:30.123456789123Z"),
            Ok(datetime!(2023-06-01 10:15:30.123456789 UTC))
        );
    }

    #[test]
    fn missing_offset_means_utc_and_other_separators_work() {
        assert_eq!(
            parse_time(" 2023-06-01 10:15:30 "),
            Ok(datetime!(2023-06-01 10:15:30 UTC))
        );
        assert_eq!(
            parse_time("2023-06-01t10:15:30z"),
            Ok(datetime!(2023-06-01 10:15:30 UTC))
        );
    }

    #[test]
    fn rejects_what_is_not_a_time() {
        assert_eq!(parse_time(""), Err("expected a date as YYYY-MM-DD"));
        assert_eq!(
            parse_time("yesterday"),
            Err("expected a date as YYYY-MM-DD")
        );
        assert_eq!(parse_time("2023-02-30T10:00:00Z"), Err("no such date"));
        assert_eq!(
            parse_time("2023-13-01T10:00:00Z"),
            Err("month out of range")
        );
        assert_eq!(
            parse_time("2023-06-01T25:00:00Z"),
            Err("time of day out of range")
        );
        assert_eq!(
            parse_time("2023-06-01T10:00Z"),
            Err("expected a time of day as hh:mm:ss")
        );
        assert_eq!(
            parse_time("2023-06-01T10:00:00."),
            Err("expected digits after the decimal point")
        );
        assert_eq!(
            parse_time("2023-06-01T10:00:00+2"),
            Err("expected an offset like +02:00")
        );
        assert_eq!(
            parse_time("2023-06-01T10:00:00+02:"),
            Err("expected an offset like +02:00")
        );
        assert_eq!(
            parse_time("2023-06-01T10:00:00+24:00"),
            Err("offset out of range")
        );
        assert_eq!(
            parse_time("2023-06-01T10:00:00Zulu"),
            Err("unexpected text after the time")
        );
        assert_eq!(
            parse_time("9999-12-31T23:00:00-05:00"),
            Err("time out of the supported range")
        );
    }
}
