//! Properties: the KLVs that describe a stream's samples (names, units, scale, `TYPE`, sample
//! counts, GPS status) and how their values are read.

use super::scalar::Scalar;
use super::{ComplexType, Error, ErrorKind, KlvRef, ValueType};
use crate::FourCC;

/// Keys that describe a stream rather than hold its samples. `SCAL` never divides them (HERO11
/// writes TMPC after the accelerometer's SCAL, HERO7 writes MTRX there), and the stream view
/// files them as metadata when it looks for the data key.
pub const METADATA_KEYS: [FourCC; 22] = [
    FourCC::new(b"DVID"),
    FourCC::new(b"DVNM"),
    FourCC::new(b"STNM"),
    FourCC::new(b"RMRK"),
    FourCC::new(b"SCAL"),
    FourCC::new(b"SIUN"),
    FourCC::new(b"UNIT"),
    FourCC::new(b"TYPE"),
    FourCC::new(b"TSMP"),
    FourCC::new(b"TIMO"),
    FourCC::new(b"EMPT"),
    FourCC::new(b"STMP"),
    FourCC::new(b"TICK"),
    FourCC::new(b"TOCK"),
    FourCC::new(b"TMPC"),
    FourCC::new(b"MTRX"),
    FourCC::new(b"ORIN"),
    FourCC::new(b"ORIO"),
    FourCC::new(b"GPSF"),
    FourCC::new(b"GPSU"),
    FourCC::new(b"GPSP"),
    FourCC::new(b"GPSA"),
];

/// Whether `key` describes a stream (SCAL, TSMP, GPSF, …) rather than holding its samples.
pub fn is_metadata_key(key: FourCC) -> bool {
    METADATA_KEYS.contains(&key)
}

/// `SCAL` divisors, one per stored element. Any numeric type; zero is rejected.
pub(crate) fn scale(klv: &KlvRef<'_>) -> Result<Vec<f64>, Error> {
    let ty = numeric_type(klv)?;
    let divisors: Vec<f64> = klv
        .data()
        .chunks_exact(ty.size())
        .filter_map(|bytes| Scalar::decode(ty, bytes)?.as_f64())
        .collect();
    if divisors.contains(&0.0) {
        return Err(klv.error(ErrorKind::ZeroScale));
    }
    Ok(divisors)
}

/// `c` data as strings: one string when the struct size is 1 (`DVNM c 1 6 "Camera"`), else one
/// per sample (`UNIT c 3 5 "deg","deg","m","m/s","m/s"`). Each ends at its first NUL.
pub(crate) fn strings(klv: &KlvRef<'_>) -> Result<Vec<String>, Error> {
    char_type(klv)?;
    Ok(match klv.struct_size {
        1 => vec![decode_text(klv.data())],
        size => klv
            .data()
            .chunks_exact(usize::from(size))
            .map(decode_text)
            .collect(),
    })
}

/// `c` data as one string (names, remarks).
pub(crate) fn text(klv: &KlvRef<'_>) -> Result<String, Error> {
    char_type(klv)?;
    Ok(decode_text(klv.data()))
}

/// A `TYPE` property.
pub(crate) fn complex_type(klv: &KlvRef<'_>) -> Result<ComplexType, Error> {
    char_type(klv)?;
    ComplexType::parse(klv.data()).map_err(|err| klv.error(ErrorKind::BadTypeString(err)))
}

/// The first element of an integer property (TSMP, STMP, GPSF, GPSP, DVID, …).
pub(crate) fn integer(klv: &KlvRef<'_>) -> Result<u64, Error> {
    let ty = numeric_type(klv)?;
    match klv
        .data()
        .get(..ty.size())
        .and_then(|b| Scalar::decode(ty, b))
    {
        Some(Scalar::UInt(v)) => Ok(v),
        Some(Scalar::Int(v)) if v >= 0 => Ok(v.unsigned_abs()),
        _ => Err(bad_property(klv)),
    }
}

/// The first element of a FourCC property (GPSA, a FourCC DVID).
pub(crate) fn fourcc(klv: &KlvRef<'_>) -> Result<FourCC, Error> {
    match (klv.value_type(), klv.data().get(..4)) {
        (Some(ValueType::FourCC), Some(&[a, b, c, d])) => Ok(FourCC([a, b, c, d])),
        _ => Err(bad_property(klv)),
    }
}

/// Text up to the first NUL: UTF-8 when it is valid, else Latin-1 (GoPro writes `°`, `²`, `µ`
/// as single bytes 0xB0, 0xB2, 0xB5).
pub(crate) fn decode_text(bytes: &[u8]) -> String {
    let text = bytes.split(|&b| b == 0).next().unwrap_or_default();
    match std::str::from_utf8(text) {
        Ok(s) => s.to_owned(),
        Err(_) => text.iter().map(|&b| char::from(b)).collect(),
    }
}

fn numeric_type(klv: &KlvRef<'_>) -> Result<ValueType, Error> {
    klv.value_type()
        .filter(|ty| ty.is_numeric())
        .ok_or_else(|| bad_property(klv))
}

fn char_type(klv: &KlvRef<'_>) -> Result<(), Error> {
    match klv.value_type() {
        Some(ValueType::Char) => Ok(()),
        _ => Err(bad_property(klv)),
    }
}

fn bad_property(klv: &KlvRef<'_>) -> Error {
    klv.error(ErrorKind::BadProperty {
        key: klv.key,
        type_char: klv.type_char(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_utf8_or_latin1_up_to_the_first_nul() {
        assert_eq!(decode_text(b"m/s\xb2"), "m/s²");
        assert_eq!(decode_text(b"\xb5T"), "µT");
        assert_eq!(decode_text("µT".as_bytes()), "µT");
        assert_eq!(decode_text(b"HERO7 Black\0\0\0junk"), "HERO7 Black");
        assert_eq!(decode_text(b""), "");
    }
}
