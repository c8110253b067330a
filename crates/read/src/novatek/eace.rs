//! T4: E-ACE B44. The T3 record at 16, but latitude and longitude are 20-byte text fields at
//! 0x2C and 0x40 — plain `DDMM.MMMM`, or base64 of RC4-enciphered text under one of twenty
//! known keys (spec §4.3).

use super::bytes::{f32_le, u8_at};
use super::convert::{ddmm_to_degrees, knots_to_mps, signed, Reading, Stamp};
use super::outcome::{BlockOutcome, Cipher, SkipReason, Variant};
use super::DecodeOptions;

const LAT_FIELD: usize = 0x2C;
const LON_FIELD: usize = 0x40;
const FIELD_LEN: usize = 20;
const MIN_BLOCK: usize = 0x78;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextKind {
    Decimal,
    Base64,
}

pub(crate) fn matches(block: &[u8]) -> bool {
    if block.len() < MIN_BLOCK {
        return false;
    }
    match (kind(field(block, LAT_FIELD)), kind(field(block, LON_FIELD))) {
        (Some(lat), Some(lon)) => lat == lon,
        _ => false,
    }
}

pub(crate) fn decode(block: &[u8], options: &DecodeOptions) -> BlockOutcome {
    let (Some(lat), Some(lon)) = (
        coordinate(field(block, LAT_FIELD), 4),
        coordinate(field(block, LON_FIELD), 5),
    ) else {
        return BlockOutcome::Encrypted(Cipher::EAceRc4);
    };
    let reading = (|| {
        let stamp = Stamp::from_u32_fields(block, [28, 32, 36, 16, 20, 24])?;
        let lat = ddmm_to_degrees(lat).ok_or(SkipReason::InvalidPosition)?;
        let lon = ddmm_to_degrees(lon).ok_or(SkipReason::InvalidPosition)?;
        let mut reading = Reading::at(
            Some(stamp),
            signed(lat, u8_at(block, 41).unwrap_or(0)),
            signed(lon, u8_at(block, 42).unwrap_or(0)),
        );
        reading.speed = f32_le(block, 0x54).map(knots_to_mps);
        reading.course = f32_le(block, 0x58);
        Ok(reading)
    })();
    BlockOutcome::from_reading(Variant::EAce, reading, options)
}

/// The text of a 20-byte field up to its first NUL; the bytes after that NUL must all be NUL.
fn field(block: &[u8], at: usize) -> Option<&[u8]> {
    let bytes = block.get(at..at + FIELD_LEN)?;
    let len = bytes.iter().position(|&b| b == 0).unwrap_or(FIELD_LEN);
    let (text, padding) = bytes.split_at(len);
    padding.iter().all(|&b| b == 0).then_some(text)
}

fn kind(text: Option<&[u8]>) -> Option<TextKind> {
    let text = text?;
    if is_decimal(text, 5) {
        return Some(TextKind::Decimal);
    }
    let data_len = text.iter().take_while(|&&b| is_base64_digit(b)).count();
    let padding = &text[data_len..];
    let base64 = (8..=FIELD_LEN).contains(&data_len)
        && padding.len() <= 2
        && padding.iter().all(|&b| b == b'=');
    base64.then_some(TextKind::Base64)
}

/// `^\d{1,max_int}\.\d+$`.
fn is_decimal(text: &[u8], max_int: usize) -> bool {
    let Some(dot) = text.iter().position(|&b| b == b'.') else {
        return false;
    };
    let (int, frac) = (&text[..dot], &text[dot + 1..]);
    (1..=max_int).contains(&int.len())
        && !frac.is_empty()
        && int.iter().chain(frac).all(u8::is_ascii_digit)
}

/// The field's DDMM value: plain text, or the first key whose RC4 output looks like one.
fn coordinate(text: Option<&[u8]>, max_int: usize) -> Option<f64> {
    let text = text?;
    if is_decimal(text, max_int) {
        return parse(text);
    }
    let enciphered = base64_decode(text)?;
    keys()
        .map(|key| rc4(key.as_bytes(), &enciphered))
        .find(|plain| is_decimal(plain, max_int))
        .and_then(|plain| parse(&plain))
}

fn parse(text: &[u8]) -> Option<f64> {
    std::str::from_utf8(text).ok()?.parse().ok()
}

/// "luckychip gps", then "customer aa gps" … "customer ss gps".
fn keys() -> impl Iterator<Item = String> {
    std::iter::once("luckychip gps".to_owned())
        .chain((b'a'..=b's').map(|c| format!("customer {0}{0} gps", c as char)))
}

fn is_base64_digit(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
}

fn base64_value(b: u8) -> Option<u32> {
    let value = match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    };
    Some(u32::from(value))
}

/// Standard base64 with optional `=` padding; `None` on any other byte or a lone final digit.
fn base64_decode(text: &[u8]) -> Option<Vec<u8>> {
    let digits: &[u8] = match text.iter().position(|&b| b == b'=') {
        Some(pad) => &text[..pad],
        None => text,
    };
    if digits.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for group in digits.chunks(4) {
        let mut bits = 0u32;
        for &digit in group {
            bits = bits << 6 | base64_value(digit)?;
        }
        bits <<= 6 * (4 - group.len());
        let bytes = bits.to_be_bytes();
        out.extend_from_slice(&bytes[1..group.len()]);
    }
    Some(out)
}

/// RC4 (ARC4) keystream XOR — the cipher ExifTool's `DecryptLucky` implements.
fn rc4(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut state: [u8; 256] = std::array::from_fn(|i| i as u8);
    if !key.is_empty() {
        let mut j = 0u8;
        for i in 0..256 {
            j = j.wrapping_add(state[i]).wrapping_add(key[i % key.len()]);
            state.swap(i, usize::from(j));
        }
    }
    let (mut i, mut j) = (0u8, 0u8);
    data.iter()
        .map(|&byte| {
            i = i.wrapping_add(1);
            j = j.wrapping_add(state[usize::from(i)]);
            state.swap(usize::from(i), usize::from(j));
            let k = state[usize::from(state[usize::from(i)].wrapping_add(state[usize::from(j)]))];
            byte ^ k
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Test-side inverse of `base64_decode`, for building enciphered fields.
    fn base64_encode(data: &[u8]) -> String {
        const DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in data.chunks(3) {
            let mut bits = 0u32;
            for (i, &b) in chunk.iter().enumerate() {
                bits |= u32::from(b) << (16 - 8 * i);
            }
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(DIGITS[(bits >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    fn encipher(key: &str, plain: &str) -> String {
        base64_encode(&rc4(key.as_bytes(), plain.as_bytes()))
    }

    #[test]
    fn rc4_matches_published_vectors() {
        assert_eq!(
            rc4(b"Key", b"Plaintext"),
            [0xBB, 0xF3, 0x16, 0xE8, 0xD9, 0x40, 0xAF, 0x0A, 0xD3]
        );
        assert_eq!(rc4(b"Wiki", b"pedia"), [0x10, 0x21, 0xBF, 0x04, 0x20]);
        assert_eq!(
            rc4(b"Secret", b"Attack at dawn"),
            [0x45, 0xA0, 0x1F, 0x64, 0x5F, 0xC3, 0x5B, 0x38, 0x35, 0x52, 0x54, 0x4B, 0x9B, 0xF5]
        );
    }

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64_decode(coded.as_bytes()).unwrap(), plain.as_bytes());
            assert_eq!(base64_encode(plain.as_bytes()), coded);
        }
        assert_eq!(base64_decode(b"Zm9vY"), None);
        assert_eq!(base64_decode(b"Zm9*"), None);
    }

    #[test]
    fn twenty_keys_in_order() {
        let keys: Vec<String> = keys().collect();
        assert_eq!(keys.len(), 20);
        assert_eq!(keys[0], "luckychip gps");
        assert_eq!(keys[1], "customer aa gps");
        assert_eq!(keys[19], "customer ss gps");
    }

    /// A T4 block (time, `A N W`, text fields, speed, course) with the given field texts.
    fn block(lat: &str, lon: &str) -> Vec<u8> {
        let mut block = vec![0u8; 0x100];
        block[..4].copy_from_slice(&0x100u32.to_be_bytes());
        block[4..16].copy_from_slice(b"freeGPS \xf0\x03\0\0");
        for (i, v) in [5u32, 47, 3, 19, 9, 27].iter().enumerate() {
            block[16 + 4 * i..20 + 4 * i].copy_from_slice(&v.to_le_bytes());
        }
        block[40..43].copy_from_slice(b"ANW");
        block[LAT_FIELD..LAT_FIELD + lat.len()].copy_from_slice(lat.as_bytes());
        block[LON_FIELD..LON_FIELD + lon.len()].copy_from_slice(lon.as_bytes());
        block[0x54..0x58].copy_from_slice(&26.3f32.to_le_bytes());
        block[0x58..0x5C].copy_from_slice(&16.49f32.to_le_bytes());
        block
    }

    #[test]
    fn enciphered_blocks_decode_or_are_reported() {
        let lat = encipher("customer cc gps", "4922.1430");
        let lon = encipher("customer cc gps", "12305.9850");
        let options = DecodeOptions::default();
        let BlockOutcome::Points(Variant::EAce, points) =
            crate::novatek::decode_block(&block(&lat, &lon), &options)
        else {
            panic!("not decoded");
        };
        let point = &points[0];
        assert!((point.latitude - 49.369_050).abs() < 5e-7);
        assert!((point.longitude + 123.099_750).abs() < 5e-7);
        assert_eq!(
            point.time,
            Some(time::macros::datetime!(2019-09-27 05:47:03 UTC))
        );
        let lat = encipher("someone else", "4922.1430");
        assert_eq!(
            crate::novatek::decode_block(&block(&lat, &lon), &options),
            BlockOutcome::Encrypted(Cipher::EAceRc4)
        );
    }

    #[test]
    fn coordinates_open_with_any_known_key_only() {
        let text = encipher("customer kk gps", "4922.1430");
        assert_eq!(coordinate(Some(text.as_bytes()), 4), Some(4922.143));
        let foreign = encipher("customer zz gps", "4922.1430");
        assert_eq!(coordinate(Some(foreign.as_bytes()), 4), None);
        assert_eq!(coordinate(Some(b"12305.9850"), 5), Some(12305.985));
        assert_eq!(kind(Some(b"4922.1430")), Some(TextKind::Decimal));
        assert_eq!(kind(Some(text.as_bytes())), Some(TextKind::Base64));
        assert_eq!(kind(Some(b"short")), None);
    }
}
