//! Decoding errors: what went wrong, at which byte, inside which KLV.

use std::fmt;

use super::complex::TypeStringError;
use super::klv::{parse_header, Header, RawKind};
use crate::FourCC;

/// A GPMF decoding or validation error. `path` names the KLV, e.g. `DEVC[0]/STRM[3]/GPS5`
/// (nests carry their index among same-key siblings); `offset` is the byte offset of that KLV's
/// header in the payload.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path} at byte {offset}: {kind}")]
#[non_exhaustive]
pub struct Error {
    /// Where the bad KLV is: `DEVC[0]/STRM[3]/GPS5`, or `payload` for the top level.
    pub path: String,
    /// Byte offset of the bad KLV's header in the payload.
    pub offset: usize,
    /// What is wrong with it.
    pub kind: ErrorKind,
}

/// What is wrong. Each structural failure has its own variant so callers (and tests) can tell a
/// cut-off file from a lying size field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input ends inside this KLV: a header or data runs past the end of the payload.
    #[error("truncated: the KLV needs {needed} bytes but the input has {available} left")]
    Truncated {
        /// Bytes the KLV needs from its start: its header, or its header and data.
        needed: usize,
        /// Bytes the payload has left from the KLV's header.
        available: usize,
    },
    /// A nest (or a header) does not fit in the nest around it.
    #[error("size overflow: {needed} bytes declared but the enclosing nest has {room} left")]
    SizeOverflow {
        /// Bytes the KLV needs from its start: its header, or its header and data.
        needed: usize,
        /// Bytes left in the enclosing nest.
        room: usize,
    },
    /// Data whose struct size × repeat does not fit in the nest around it.
    #[error(
        "repeat overflow: struct size {struct_size} × repeat {repeat} (+ padding) needs {needed} \
         bytes but the enclosing nest has {room} left"
    )]
    RepeatOverflow {
        /// Bytes per sample, from the header.
        struct_size: u8,
        /// Samples, from the header.
        repeat: u16,
        /// Bytes the data needs with its padding.
        needed: usize,
        /// Bytes left in the enclosing nest.
        room: usize,
    },
    /// Nests deeper than [`super::MAX_DEPTH`].
    #[error("depth bomb: nesting deeper than {limit} levels")]
    DepthBomb {
        /// The deepest nesting accepted ([`super::MAX_DEPTH`]).
        limit: usize,
    },
    /// A type character that is neither 0 (nest) nor one of the spec's types.
    #[error("bad type: {} is not a GPMF type", TypeChar(*.0))]
    BadType(u8),
    /// A key that is not four characters of `A-Z a-z 0-9 space`.
    #[error("bad key: {0} is not a GPMF key")]
    BadKey(FourCC),
    /// Struct size zero, or not a multiple of the type's element size.
    #[error("bad struct size: {struct_size} for type {}", TypeChar(*.type_char))]
    BadStructSize {
        /// The KLV's type character.
        type_char: u8,
        /// The struct size from its header.
        struct_size: u8,
    },
    /// A nest whose size is not a multiple of 4, so its children cannot stay 32-bit aligned.
    #[error("misaligned nest: {size} bytes is not a multiple of 4")]
    MisalignedNest {
        /// The nest's declared data size in bytes.
        size: usize,
    },
    /// A `TYPE` string that does not describe a structure.
    #[error("bad TYPE: {0}")]
    BadTypeString(TypeStringError),
    /// A complex sample whose struct size differs from the size its `TYPE` describes.
    #[error("TYPE describes {type_size}-byte samples but the struct size is {struct_size}")]
    TypeSizeMismatch {
        /// Bytes per sample the `TYPE` describes.
        type_size: usize,
        /// The struct size from the KLV's header.
        struct_size: u8,
    },
    /// A `SCAL` with neither one value nor one per element of the data it scales.
    #[error("SCAL has {scales} values but the data has {elements} elements per sample")]
    ScaleArity {
        /// Values in the `SCAL`.
        scales: usize,
        /// Elements per sample of the scaled data.
        elements: usize,
    },
    /// A `SCAL` value of zero: every scaled value would be infinite.
    #[error("SCAL has a zero divisor")]
    ZeroScale,
    /// A known property (SCAL, TSMP, GPSF, …) stored with a type it cannot have.
    #[error("{key} cannot be stored as type {}", TypeChar(*.type_char))]
    BadProperty {
        /// The property's key.
        key: FourCC,
        /// The type character it was stored with.
        type_char: u8,
    },
    /// A `U` / GPSU text that is not a `yymmddhhmmss.sss` UTC time.
    #[error("bad UTC time {0:?} (want yymmddhhmmss.sss)")]
    BadTimestamp(String),
    /// Samples asked for as numbers that are text, FourCCs, GUIDs, times or nests.
    #[error("type {} is not numeric", TypeChar(*.0))]
    NotNumeric(u8),
    /// A complex (`?`) KLV with no `TYPE` before it in its stream.
    #[error("complex data without a TYPE")]
    MissingType,
    /// A data KLV whose samples have another number of elements than the stream's first data
    /// KLV (repeated-key streams such as SCEN): its values would not line up with the others.
    #[error("{elements} elements per sample, but the stream's first data KLV has {first}")]
    ElementsMismatch {
        /// Elements per sample of this KLV.
        elements: usize,
        /// Elements per sample of the stream's first data KLV.
        first: usize,
    },
    /// A payload whose first KLV is not a `DEVC` (GoPro's parser refuses these too).
    #[error("a payload must start with DEVC, not {0}")]
    NotDevice(FourCC),
}

/// Shows a type character as the spec writes it (`l`, `?`, `null` for 0).
struct TypeChar(u8);

impl fmt::Display for TypeChar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            0 => f.write_str("null"),
            0x21..=0x7E => write!(f, "'{}'", char::from(self.0)),
            b => write!(f, "0x{b:02x}"),
        }
    }
}

impl Error {
    /// An error about the KLV whose header is at `offset` in `root` (the whole payload).
    pub(crate) fn at(root: &[u8], offset: usize, kind: ErrorKind) -> Error {
        Error {
            path: path_to(root, offset),
            offset,
            kind,
        }
    }
}

/// The path of the KLV whose header starts at `target`, found by walking down from the root.
/// Only called on the error path, so decoding itself never builds strings. Every sibling before
/// `target` was already decoded successfully, so the walk only trusts what the decoder trusted;
/// it still bounds every step by the input so it cannot loop or read out of range.
fn path_to(root: &[u8], target: usize) -> String {
    let mut segments: Vec<String> = Vec::new();
    let (mut pos, mut end) = (0usize, root.len());
    let mut seen: Vec<(FourCC, usize)> = Vec::new();
    while pos < end {
        let header = parse_header(root, pos);
        if pos == target {
            if let Some(Header { key, kind, .. }) = header.filter(|h| h.key.0 != [0; 4]) {
                let index = index_among(&mut seen, key);
                segments.push(match kind {
                    RawKind::Nest => format!("{key}[{index}]"),
                    RawKind::Data => key.to_string(),
                });
            }
            break;
        }
        let Some(header) = header else { break };
        if header.key.0 == [0; 4] {
            pos += 4;
            continue;
        }
        let index = index_among(&mut seen, header.key);
        let body = pos + 8;
        let next = body.saturating_add(header.padded_len());
        if target >= next {
            pos = next;
            continue;
        }
        if header.kind == RawKind::Nest && target >= body {
            segments.push(format!("{}[{index}]", header.key));
            seen.clear();
            pos = body;
            end = end.min(body.saturating_add(header.len()));
            continue;
        }
        break;
    }
    if segments.is_empty() {
        "payload".to_owned()
    } else {
        segments.join("/")
    }
}

/// Counts `key` among the siblings seen so far and returns its index.
fn index_among(seen: &mut Vec<(FourCC, usize)>, key: FourCC) -> usize {
    match seen.iter_mut().find(|(k, _)| *k == key) {
        Some((_, count)) => {
            *count += 1;
            *count - 1
        }
        None => {
            seen.push((key, 1));
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use telemux_testkit::{gpmf_klv as klv, gpmf_nest as nest};

    #[test]
    fn paths_index_nests_by_key_and_end_with_the_leaf_key() {
        let gps5 = klv(b"GPS5", b'l', 20, 1, &[0; 20]);
        let strm = |inner: Vec<u8>| nest(b"STRM", &[klv(b"TSMP", b'L', 4, 1, &[0; 4]), inner]);
        let devc = nest(
            b"DEVC",
            &[
                klv(b"DVID", b'L', 4, 1, &[0, 0, 0, 1]),
                strm(klv(b"ACCL", b's', 6, 1, &[0; 6])),
                strm(klv(b"GYRO", b's', 6, 1, &[0; 6])),
                strm(gps5),
            ],
        );
        let payload = [devc.clone(), vec![0; 8], devc].concat();
        // DEVC 8 + DVID 12 + two STRMs of 8 + 12 + 16, then STRM header 8 + TSMP 12.
        let gps5_at = 8 + 12 + 2 * 36 + 8 + 12;
        assert_eq!(&payload[gps5_at..gps5_at + 4], b"GPS5");
        assert_eq!(path_to(&payload, gps5_at), "DEVC[0]/STRM[2]/GPS5");
        assert_eq!(path_to(&payload, gps5_at - 20), "DEVC[0]/STRM[2]");
        let second = devc_len(&payload) + 8;
        assert_eq!(path_to(&payload, second + gps5_at), "DEVC[1]/STRM[2]/GPS5");
        assert_eq!(path_to(&payload, 8), "DEVC[0]/DVID");
        assert_eq!(path_to(&payload, payload.len()), "payload");
    }

    fn devc_len(payload: &[u8]) -> usize {
        8 + usize::from(u16::from_be_bytes([payload[6], payload[7]]))
    }

    #[test]
    fn messages_name_path_offset_and_problem() {
        let err = Error {
            path: "DEVC[0]/STRM[3]/GPS5".into(),
            offset: 812,
            kind: ErrorKind::BadStructSize {
                type_char: b'l',
                struct_size: 6,
            },
        };
        assert_eq!(
            err.to_string(),
            "DEVC[0]/STRM[3]/GPS5 at byte 812: bad struct size: 6 for type 'l'"
        );
        assert_eq!(
            ErrorKind::BadType(0x80).to_string(),
            "bad type: 0x80 is not a GPMF type"
        );
    }
}
