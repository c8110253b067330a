//! NMEA sentences inside blocks: T2 (Nextbase 512GW, plain `$GPRMC`/`$GPGGA` after a camera
//! clock) and T7 (the same text with every byte shifted up by 16), spec §4.4 and §4.7.

use super::bytes::{find, has_at, u8_at};
use super::convert::{ddmm_to_degrees, knots_to_mps, nmea_year, signed, Reading, Stamp};
use super::outcome::{BlockOutcome, SkipReason, Variant};
use super::DecodeOptions;

const CLOCK: usize = 52;
const SHIFTED_AT: usize = 60;
const SHIFTED_LEN: usize = 80;
/// `$GPRMC,` with every byte + 16.
const SHIFTED_SIGNATURE: &[u8] = b"4W`b]S<";

/// T2: the camera clock `YYYYMMDDhhmmss` at 52.
pub(crate) fn matches_nextbase(block: &[u8]) -> bool {
    block
        .get(CLOCK..CLOCK + 14)
        .is_some_and(|clock| clock.iter().all(u8::is_ascii_digit))
}

/// The camera clock is local time and drifts; the position and UTC time come from RMC (GGA
/// adds altitude, satellites and DOP, or gives a time-less position when RMC is missing).
pub(crate) fn decode_nextbase(block: &[u8], options: &DecodeOptions) -> BlockOutcome {
    let gga = find_gga(block);
    let reading = match (find_rmc(block), &gga) {
        (Some(Ok(reading)), _) => Ok(reading),
        (_, Some(gga)) => Ok(Reading::at(None, gga.latitude, gga.longitude)),
        (Some(Err(reason)), None) => Err(reason),
        (None, None) => Err(SkipReason::VoidFix),
    };
    match reading.and_then(|r| r.into_point(options)) {
        Ok(mut point) => {
            if let Some(gga) = gga {
                point.altitude = gga.altitude;
                point.satellites = gga.satellites;
                point.dop = gga.dop;
            }
            BlockOutcome::Points(Variant::NextbaseNmea, vec![point])
        }
        Err(reason) => BlockOutcome::Skipped(reason),
    }
}

/// T7: the shifted `$GPRMC,` at 60 in a block of at least 140 bytes.
pub(crate) fn matches_shifted(block: &[u8]) -> bool {
    block.len() >= SHIFTED_AT + SHIFTED_LEN && has_at(block, SHIFTED_AT, SHIFTED_SIGNATURE)
}

pub(crate) fn decode_shifted(block: &[u8], options: &DecodeOptions) -> BlockOutcome {
    let end = block.len().min(SHIFTED_AT + SHIFTED_LEN);
    // Bytes below 16 carry no text and become 0, as in ExifTool.
    let text: Vec<u8> = block
        .get(SHIFTED_AT..end)
        .unwrap_or_default()
        .iter()
        .map(|b| b.saturating_sub(16))
        .collect();
    let reading = find_rmc(&text).unwrap_or(Err(SkipReason::Garbled));
    BlockOutcome::from_reading(Variant::ShiftedNmea, reading, options)
}

/// The comma-separated fields after each `??<kind>,` (two upper-case letters, then the kind),
/// up to the checksum or the first non-printable byte.
fn sentences<'a>(text: &'a [u8], kind: &'a [u8]) -> impl Iterator<Item = Vec<&'a [u8]>> + 'a {
    let mut from = 0;
    std::iter::from_fn(move || loop {
        let at = find(text, kind, from)?;
        from = at + 1;
        let talker = at
            .checked_sub(2)
            .and_then(|start| text.get(start..at))
            .is_some_and(|t| t.iter().all(u8::is_ascii_uppercase));
        if !talker || u8_at(text, at + kind.len()) != Some(b',') {
            continue;
        }
        let body = &text[at + kind.len() + 1..];
        let end = body
            .iter()
            .position(|&b| b == b'*' || !(0x20..0x7F).contains(&b))
            .unwrap_or(body.len());
        return Some(body[..end].split(|&b| b == b',').collect());
    })
}

/// The first valid RMC fix; `Some(Err)` when RMC sentences exist but none is usable.
pub(crate) fn find_rmc(text: &[u8]) -> Option<Result<Reading, SkipReason>> {
    let mut first_failure = None;
    for fields in sentences(text, b"RMC") {
        match rmc(&fields) {
            Ok(reading) => return Some(Ok(reading)),
            Err(reason) => {
                first_failure.get_or_insert(reason);
            }
        }
    }
    first_failure.map(Err)
}

/// `hhmmss.sss,A,DDMM.MMMM,N,DDDMM.MMMM,E,knots,course,ddmmyy`; status `A` or empty.
fn rmc(fields: &[&[u8]]) -> Result<Reading, SkipReason> {
    let field = |i: usize| fields.get(i).copied().ok_or(SkipReason::Garbled);
    match field(1)? {
        b"A" | b"" => {}
        b"V" => return Err(SkipReason::VoidFix),
        _ => return Err(SkipReason::Garbled),
    }
    let (hour, minute, second, nanos) = clock(field(0)?).ok_or(SkipReason::Garbled)?;
    let date = field(8)?;
    if date.len() < 6 || !date.iter().all(u8::is_ascii_digit) {
        return Err(SkipReason::Garbled);
    }
    let two = |at: usize| u32::from(date[at] - b'0') * 10 + u32::from(date[at + 1] - b'0');
    let stamp = Stamp {
        year: nmea_year(two(date.len() - 2)),
        month: two(2),
        day: two(0),
        hour,
        minute,
        second,
        nanos,
    };
    let (lat, lon) = position(field(2)?, field(3)?, field(4)?, field(5)?)?;
    let mut reading = Reading::at(Some(stamp), lat, lon);
    reading.speed = decimal(field(6)?).map(knots_to_mps);
    reading.course = decimal(field(7)?);
    Ok(reading)
}

struct Gga {
    latitude: f64,
    longitude: f64,
    satellites: Option<u32>,
    dop: Option<f64>,
    altitude: Option<f64>,
}

/// `hhmmss.ss,DDMM.MMMM,N,DDDMM.MMMM,E,quality,satellites,hdop,altitude,M`; quality 1–6 or
/// empty.
fn find_gga(text: &[u8]) -> Option<Gga> {
    sentences(text, b"GGA").find_map(|fields| {
        let field = |i: usize| fields.get(i).copied();
        if !matches!(field(5)?, b"" | b"1" | b"2" | b"3" | b"4" | b"5" | b"6") {
            return None;
        }
        let (latitude, longitude) = position(field(1)?, field(2)?, field(3)?, field(4)?).ok()?;
        Some(Gga {
            latitude,
            longitude,
            satellites: field(6).and_then(|f| std::str::from_utf8(f).ok()?.parse().ok()),
            dop: field(7).and_then(decimal),
            altitude: field(8).and_then(decimal),
        })
    })
}

fn position(lat: &[u8], ns: &[u8], lon: &[u8], ew: &[u8]) -> Result<(f64, f64), SkipReason> {
    let (&[ns @ (b'N' | b'S')], &[ew @ (b'E' | b'W')]) = (ns, ew) else {
        return Err(SkipReason::VoidFix);
    };
    let degrees = |text: &[u8]| {
        text.contains(&b'.')
            .then(|| decimal(text))
            .flatten()
            .and_then(ddmm_to_degrees)
    };
    let lat = degrees(lat).ok_or(SkipReason::InvalidPosition)?;
    let lon = degrees(lon).ok_or(SkipReason::InvalidPosition)?;
    Ok((signed(lat, ns), signed(lon, ew)))
}

/// `hhmmss` with an optional fraction of a second.
fn clock(text: &[u8]) -> Option<(u32, u32, u32, u32)> {
    let (whole, fraction) = match text.iter().position(|&b| b == b'.') {
        Some(dot) => (&text[..dot], &text[dot + 1..]),
        None => (text, &b""[..]),
    };
    if whole.len() < 6 || !whole.iter().chain(fraction).all(u8::is_ascii_digit) {
        return None;
    }
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0u32, |v, &b| {
            v.checked_mul(10)?.checked_add(u32::from(b - b'0'))
        })
    };
    let nanos = fraction
        .iter()
        .take(9)
        .chain(std::iter::repeat(&b'0'))
        .take(9)
        .try_fold(0u32, |v, &b| {
            v.checked_mul(10)?.checked_add(u32::from(b - b'0'))
        })?;
    Some((
        number(&whole[..2])?,
        number(&whole[2..4])?,
        number(&whole[4..])?,
        nanos,
    ))
}

/// A plain decimal number (digits with at most one dot); `None` for empty or other text.
fn decimal(text: &[u8]) -> Option<f64> {
    let ok = !text.is_empty()
        && text.iter().all(|&b| b.is_ascii_digit() || b == b'.')
        && text.iter().filter(|&&b| b == b'.').count() <= 1
        && text != b".";
    if !ok {
        return None;
    }
    std::str::from_utf8(text).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rmc_fields_and_void_status() {
        let text = b"xx$GPRMC,080951.250,A,5207.9097,N,00505.5175,E,55.11,125.58,190918,,,A*5C\r\n";
        let reading = find_rmc(text).unwrap().unwrap();
        let stamp = reading.stamp.unwrap();
        assert_eq!(
            (
                stamp.year,
                stamp.month,
                stamp.day,
                stamp.hour,
                stamp.minute,
                stamp.second
            ),
            (2018, 9, 19, 8, 9, 51)
        );
        assert_eq!(stamp.nanos, 250_000_000);
        assert!((reading.latitude - 52.131_828).abs() < 5e-7);
        assert!((reading.longitude - 5.091_958).abs() < 5e-7);
        let void = b"$GPRMC,080951.000,V,,,,,,,190918,,,N*5C";
        assert_eq!(find_rmc(void), Some(Err(SkipReason::VoidFix)));
        assert_eq!(find_rmc(b"no sentence here"), None);
        assert_eq!(find_rmc(b"$GPRMC,08,A"), Some(Err(SkipReason::Garbled)));
    }

    #[test]
    fn gga_gives_altitude_satellites_and_dop() {
        let text = b"$GPGGA,080951.000,5207.9097,N,00505.5175,E,1,09,0.9,12.5,M,47.0,M,,*47";
        let gga = find_gga(text).unwrap();
        assert!((gga.latitude - 52.131_828).abs() < 5e-7);
        assert_eq!(gga.satellites, Some(9));
        assert_eq!(gga.dop, Some(0.9));
        assert_eq!(gga.altitude, Some(12.5));
        assert!(find_gga(b"$GPGGA,080951.000,5207.9097,N,00505.5175,E,0,00,,,M").is_none());
    }

    #[test]
    fn clocks_and_decimals() {
        assert_eq!(clock(b"235959"), Some((23, 59, 59, 0)));
        assert_eq!(clock(b"010203.5"), Some((1, 2, 3, 500_000_000)));
        assert_eq!(clock(b"0102"), None);
        assert_eq!(decimal(b"55.11"), Some(55.11));
        assert_eq!(decimal(b""), None);
        assert_eq!(decimal(b"1.2.3"), None);
        assert_eq!(decimal(b"-1"), None);
    }
}
