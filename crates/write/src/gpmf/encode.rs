//! The KLV encoder: an owned tree ([`Node`]) to bytes, 32-bit aligned, nest sizes computed.

use telemux_read::gpmf::{is_gpmf_key, Body, Data, Klv, Node, Values, MAX_DEPTH};
use telemux_read::FourCC;

/// The largest nest a header can describe the way GoPro's writer does it: struct size doubles
/// (1, 2, 4, … 128) until the repeat fits 16 bits, and the nest is zero-filled to
/// struct size × repeat.
pub const MAX_NEST_LEN: usize = 128 * u16::MAX as usize;

/// Why a tree cannot be encoded as GPMF that readers accept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// A key that is not four characters of `A-Z a-z 0-9 space`.
    #[error("{path}: {key} is not a GPMF key (four of A-Z a-z 0-9 space)")]
    BadKey {
        /// Where the KLV is, e.g. `DEVC[0]/STRM[2]/GPS5`.
        path: String,
        /// The bad key.
        key: FourCC,
    },
    /// A nest whose contents no nest header can describe.
    #[error("{path}: {len} bytes are more than the {MAX_NEST_LEN} a nest header can describe")]
    TooLarge {
        /// Where the nest is.
        path: String,
        /// Its contents' length in bytes.
        len: usize,
    },
    /// Nesting deeper than readers accept.
    #[error("{path}: nesting deeper than {MAX_DEPTH} levels cannot be read back")]
    TooDeep {
        /// Where the too-deep KLV is.
        path: String,
    },
}

/// Encodes a payload (the top-level nodes, usually one `DEVC` per device).
pub fn encode(nodes: &[Node]) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::new();
    encode_into(nodes, &mut out)?;
    Ok(out)
}

/// [`encode`] appending to `out`.
pub fn encode_into(nodes: &[Node], out: &mut Vec<u8>) -> Result<(), EncodeError> {
    let mut path = Vec::new();
    encode_level(nodes, out, &mut path)
}

/// Where the encoder is: for each level, the siblings and the index of the node being written.
/// Turned into `DEVC[0]/STRM[2]/GPS5` only when an error needs it.
type Path<'t> = Vec<(&'t [Node], usize)>;

fn encode_level<'t>(
    nodes: &'t [Node],
    out: &mut Vec<u8>,
    path: &mut Path<'t>,
) -> Result<(), EncodeError> {
    for (index, node) in nodes.iter().enumerate() {
        match node {
            Node::Filler(words) => {
                let len = words.get().saturating_mul(4);
                if len > MAX_NEST_LEN {
                    return Err(EncodeError::TooLarge {
                        path: describe(path),
                        len,
                    });
                }
                out.resize(out.len() + len, 0);
            }
            Node::Klv(klv) => {
                path.push((nodes, index));
                encode_klv(klv, out, path)?;
                path.pop();
            }
        }
    }
    Ok(())
}

fn encode_klv<'t>(klv: &'t Klv, out: &mut Vec<u8>, path: &mut Path<'t>) -> Result<(), EncodeError> {
    if !is_gpmf_key(klv.key) {
        return Err(EncodeError::BadKey {
            path: describe(path),
            key: klv.key,
        });
    }
    out.extend_from_slice(klv.key.as_bytes());
    match &klv.body {
        Body::Data(data) => encode_data(data, out),
        Body::Nest(children) => {
            if path.len() > MAX_DEPTH {
                return Err(EncodeError::TooDeep {
                    path: describe(path),
                });
            }
            let header = out.len();
            out.extend_from_slice(&[0; 4]);
            encode_level(children, out, path)?;
            let len = out.len() - header - 4;
            let (struct_size, repeat) = nest_size(len).ok_or_else(|| EncodeError::TooLarge {
                path: describe(path),
                len,
            })?;
            out.resize(
                header + 4 + usize::from(struct_size) * usize::from(repeat),
                0,
            );
            let [r0, r1] = repeat.to_be_bytes();
            if let Some(slot) = out.get_mut(header..header + 4) {
                slot.copy_from_slice(&[0, struct_size, r0, r1]);
            }
        }
    }
    Ok(())
}

/// GoPro's chunking: the smallest power-of-two struct size whose repeat fits 16 bits.
fn nest_size(len: usize) -> Option<(u8, u16)> {
    (0..8).map(|shift| 1usize << shift).find_map(|size| {
        let repeat = u16::try_from(len.div_ceil(size)).ok()?;
        Some((u8::try_from(size).ok()?, repeat))
    })
}

fn encode_data(data: &Data, out: &mut Vec<u8>) {
    let values = data.values();
    out.extend_from_slice(&[values.value_type().to_char(), data.struct_size()]);
    out.extend_from_slice(&data.repeat().to_be_bytes());
    out.reserve(values.byte_len() + 3);
    match values {
        Values::I8(v) => out.extend(v.iter().flat_map(|x| x.to_be_bytes())),
        Values::U8(v) | Values::Char(v) | Values::Complex(v) => out.extend_from_slice(v),
        Values::I16(v) => out.extend(v.iter().flat_map(|x| x.to_be_bytes())),
        Values::U16(v) => out.extend(v.iter().flat_map(|x| x.to_be_bytes())),
        Values::I32(v) | Values::Q15_16(v) => out.extend(v.iter().flat_map(|x| x.to_be_bytes())),
        Values::U32(v) => out.extend(v.iter().flat_map(|x| x.to_be_bytes())),
        Values::F32(v) => out.extend(v.iter().flat_map(|x| x.to_be_bytes())),
        Values::F64(v) => out.extend(v.iter().flat_map(|x| x.to_be_bytes())),
        Values::FourCC(v) => out.extend(v.iter().flat_map(|x| x.0)),
        Values::Guid(v) | Values::Utc(v) => out.extend(v.iter().flatten()),
        Values::I64(v) | Values::Q31_32(v) => out.extend(v.iter().flat_map(|x| x.to_be_bytes())),
        Values::U64(v) => out.extend(v.iter().flat_map(|x| x.to_be_bytes())),
    }
    out.extend_from_slice(data.padding());
}

/// `DEVC[0]/STRM[2]/GPS5`: nests carry their index among same-key siblings, like the reader's
/// error paths.
fn describe(path: &Path<'_>) -> String {
    let segments: Vec<String> = path
        .iter()
        .filter_map(|&(siblings, index)| {
            let Some(Node::Klv(klv)) = siblings.get(index) else {
                return None;
            };
            let before = siblings.get(..index).unwrap_or_default();
            let same = before
                .iter()
                .filter(|n| matches!(n, Node::Klv(k) if k.key == klv.key))
                .count();
            Some(match klv.body {
                Body::Nest(_) => format!("{}[{same}]", klv.key),
                Body::Data(_) => klv.key.to_string(),
            })
        })
        .collect();
    if segments.is_empty() {
        "payload".to_owned()
    } else {
        segments.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nest_sizes_double_the_struct_size_past_65535_bytes() {
        assert_eq!(nest_size(0), Some((1, 0)));
        assert_eq!(nest_size(604), Some((1, 604)));
        assert_eq!(nest_size(65_535), Some((1, 65_535)));
        assert_eq!(nest_size(65_536), Some((2, 32_768)));
        assert_eq!(nest_size(200_000), Some((4, 50_000)));
        assert_eq!(nest_size(300_004), Some((8, 37_501)));
        assert_eq!(nest_size(MAX_NEST_LEN), Some((128, 65_535)));
        assert_eq!(nest_size(MAX_NEST_LEN + 4), None);
    }
}
