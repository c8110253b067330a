//! GPMF times: `U` texts (GPSU `yymmddhhmmss.sss`) and GPS9's days + milliseconds.

use time::{Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, Time};

use super::ErrorKind;

/// Parses a `U` value such as `191118234514.000` (years 2000–2099, as the spec says) to UTC.
pub(crate) fn parse_utc(text: &[u8]) -> Result<OffsetDateTime, ErrorKind> {
    let bad = || ErrorKind::BadTimestamp(String::from_utf8_lossy(text).into_owned());
    let field = |at: usize, len: usize| -> Option<u16> {
        let digits = text.get(at..at + len)?;
        digits.iter().try_fold(0u16, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u16::from(d - b'0'))
        })
    };
    let parts = (|| {
        if text.len() != 16 || text.get(12) != Some(&b'.') {
            return None;
        }
        let year = 2000 + i32::from(field(0, 2)?);
        let month = Month::try_from(u8::try_from(field(2, 2)?).ok()?).ok()?;
        let date = Date::from_calendar_date(year, month, u8::try_from(field(4, 2)?).ok()?).ok()?;
        let time = Time::from_hms_milli(
            u8::try_from(field(6, 2)?).ok()?,
            u8::try_from(field(8, 2)?).ok()?,
            u8::try_from(field(10, 2)?).ok()?,
            field(13, 3)?,
        )
        .ok()?;
        Some(PrimitiveDateTime::new(date, time).assume_utc())
    })();
    parts.ok_or_else(bad)
}

/// GPS9's time: days since 2000-01-01 and milliseconds since that day's midnight, UTC.
/// `None` when it falls outside the dates `time` can represent.
pub fn gps9_time(days_since_2000: u32, millis_of_day: u32) -> Option<OffsetDateTime> {
    let epoch = Date::from_calendar_date(2000, Month::January, 1).ok()?;
    let date = epoch.checked_add(Duration::days(i64::from(days_since_2000)))?;
    date.midnight()
        .assume_utc()
        .checked_add(Duration::milliseconds(i64::from(millis_of_day)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn gpsu_texts_parse_to_utc() {
        assert_eq!(
            parse_utc(b"191118234514.000"),
            Ok(datetime!(2019-11-18 23:45:14 UTC))
        );
        assert_eq!(
            parse_utc(b"220920132938.299"),
            Ok(datetime!(2022-09-20 13:29:38.299 UTC))
        );
    }

    #[test]
    fn malformed_gpsu_texts_are_errors() {
        for bad in [
            &b"191318234514.000"[..],
            b"191132234514.000",
            b"191118254514.000",
            b"19111823451.0000",
            b"1911182345140000",
            b"191118234514.00",
            b"19111823451x.000",
            b"",
        ] {
            assert!(
                matches!(parse_utc(bad), Err(ErrorKind::BadTimestamp(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn gps9_days_and_millis_make_a_utc_time() {
        // hero11.raw's first GPS9 sample: day 8298, 48576.899 s.
        assert_eq!(
            gps9_time(8298, 48_576_899),
            Some(datetime!(2022-09-20 13:29:36.899 UTC))
        );
        assert_eq!(gps9_time(0, 0), Some(datetime!(2000-01-01 0:00 UTC)));
        assert_eq!(gps9_time(u32::MAX, 0), None);
    }
}
