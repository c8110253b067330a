//! The ASCII fix line of LIGOGPSINFO and XGODY cameras:
//! `YYYY/MM/DD hh:mm:ss N:lat E:lon speed [km/h] [x:… y:… z:…] [A:course] [H:…]`.
//! Each layout decides what the numbers mean (DDMM or degrees, knots or km/h, fuzzed or not).

use super::convert::Stamp;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Coordinate {
    /// The digits as written, without sign.
    pub value: f64,
    /// A leading `-` or an `S`/`W` letter.
    pub negative: bool,
    /// Digits before the decimal point (three or more means DDMM for a latitude).
    pub int_digits: usize,
}

impl Coordinate {
    pub(crate) fn signed(self, value: f64) -> f64 {
        if self.negative {
            -value
        } else {
            value
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TextFix {
    pub stamp: Stamp,
    pub latitude: Coordinate,
    pub longitude: Coordinate,
    /// The bare number after the longitude, unit left to the layout.
    pub speed: f64,
    /// `A:` field.
    pub course: Option<f64>,
    /// `H:` field.
    pub height: Option<f64>,
}

/// Parses text up to its first NUL; `None` unless date, time, both coordinates and the speed
/// are all present.
pub(crate) fn parse(text: &[u8]) -> Option<TextFix> {
    let end = text.iter().position(|&b| b == 0).unwrap_or(text.len());
    let text = std::str::from_utf8(text.get(..end)?).ok()?;
    let mut tokens = text.split_ascii_whitespace();
    let date = numbers(tokens.next()?, '/')?;
    let time = numbers(tokens.next()?, ':')?;
    let latitude = coordinate(tokens.next()?, ['N', 'S'])?;
    let longitude = coordinate(tokens.next()?, ['E', 'W'])?;
    let speed = unsigned_decimal(tokens.next()?)?;
    let mut course = None;
    let mut height = None;
    for token in tokens {
        if let Some(value) = token.strip_prefix("A:") {
            course = value.parse().ok();
        } else if let Some(value) = token.strip_prefix("H:") {
            height = value.parse().ok();
        }
    }
    Some(TextFix {
        stamp: Stamp {
            year: i32::try_from(date[0]).ok()?,
            month: date[1],
            day: date[2],
            hour: time[0],
            minute: time[1],
            second: time[2],
            nanos: 0,
        },
        latitude,
        longitude,
        speed,
        course,
        height,
    })
}

/// Exactly three unsigned integers separated by `separator`.
fn numbers(token: &str, separator: char) -> Option<[u32; 3]> {
    let mut parts = token.split(separator);
    let mut next = || -> Option<u32> {
        let part = parts.next()?;
        (!part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse().ok())
            .flatten()
    };
    let values = [next()?, next()?, next()?];
    parts.next().is_none().then_some(values)
}

/// `L:[-]digits.digits` where `L` is one of `letters` or `?` (hemisphere not recorded).
fn coordinate(token: &str, letters: [char; 2]) -> Option<Coordinate> {
    let mut chars = token.chars();
    let letter = chars.next()?;
    if !(letters.contains(&letter) || letter == '?') || chars.next()? != ':' {
        return None;
    }
    let rest = chars.as_str();
    let (minus, digits) = match rest.strip_prefix('-') {
        Some(digits) => (true, digits),
        None => (false, rest),
    };
    let value = unsigned_decimal(digits)?;
    Some(Coordinate {
        value,
        negative: minus || letter == letters[1],
        int_digits: digits.bytes().take_while(u8::is_ascii_digit).count(),
    })
}

/// Digits and dots only, as the layouts write numbers.
fn unsigned_decimal(token: &str) -> Option<f64> {
    if token.is_empty() || !token.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    token.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_line() {
        let fix = parse(
            b"2024/05/22 02:54:29 N:42.382470 W:-83.389570 53.6 km/h x:-0.02 y:0.99 z:0.10 A:269.2 H:245.5\0junk",
        )
        .unwrap();
        assert_eq!(
            (fix.stamp.year, fix.stamp.month, fix.stamp.day),
            (2024, 5, 22)
        );
        assert_eq!(
            (fix.stamp.hour, fix.stamp.minute, fix.stamp.second),
            (2, 54, 29)
        );
        assert_eq!(fix.latitude.value, 42.382_47);
        assert!(!fix.latitude.negative);
        assert_eq!(fix.latitude.int_digits, 2);
        assert_eq!(fix.longitude.value, 83.389_57);
        assert!(fix.longitude.negative);
        assert_eq!(fix.speed, 53.6);
        assert_eq!(fix.course, Some(269.2));
        assert_eq!(fix.height, Some(245.5));
    }

    #[test]
    fn rejects_incomplete_lines() {
        assert!(parse(b"2024/05/22 02:54:29 N:42.3 W:83.3").is_none());
        assert!(parse(b"2024/05/22 02:54 N:42.3 W:83.3 1").is_none());
        assert!(parse(b"2024/05/22 02:54:29 X:42.3 W:83.3 1").is_none());
        assert!(parse(b"\xff\xfe").is_none());
        let unknown_hemisphere = parse(b"2024/05/22 02:54:29 ?:4222.3 ?:-8333.3 1").unwrap();
        assert_eq!(unknown_hemisphere.latitude.int_digits, 4);
        assert!(unknown_hemisphere.longitude.negative);
    }
}
