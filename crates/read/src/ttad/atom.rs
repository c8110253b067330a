//! Finding the `TTAD` box of a file: `moov/udta/TTMD/TTAD`. The MP4 tree keeps vendor boxes
//! such as `TTMD` as leaves, so its children are walked here, where a damaged `TTMD` costs only
//! the Bandit data and never the rest of the file.

use crate::mp4::Mp4;

use super::error::TtadError;

const TTMD_PATH: &str = "moov/udta/TTMD";

/// The payload of a file's `TTAD` box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Atom<'a> {
    /// The bytes after the `TTAD` box header.
    pub payload: &'a [u8],
    /// Absolute file offset of the payload's first byte.
    pub file_offset: u64,
}

/// The `TTAD` payload of `mp4`, or `None` when the file has no `moov/udta/TTMD/TTAD`.
pub fn find(mp4: &Mp4) -> Result<Option<Atom<'_>>, TtadError> {
    let Some(udta) = mp4.user_data() else {
        return Ok(None);
    };
    let Some(ttmd) = udta.node.child(b"TTMD") else {
        return Ok(None);
    };
    let body = mp4.moov().body(ttmd);
    let body_offset = ttmd.header.body_offset();
    let mut at = 0usize;
    while at < body.len() {
        let (kind, header_len, size) = child_header(body, at).ok_or(TtadError::BadBox {
            path: TTMD_PATH,
            offset: body_offset + at as u64,
        })?;
        if &kind == b"TTAD" {
            let payload = body
                .get(at + header_len..at + size)
                .ok_or(TtadError::BadBox {
                    path: TTMD_PATH,
                    offset: body_offset + at as u64,
                })?;
            return Ok(Some(Atom {
                payload,
                file_offset: body_offset + (at + header_len) as u64,
            }));
        }
        at += size;
    }
    Ok(None)
}

/// Type, header length and total size of the child box at `at`, when its header is readable
/// and the box fits in `body`. Size 0 runs to the end of `body`, size 1 is a 64-bit size.
fn child_header(body: &[u8], at: usize) -> Option<([u8; 4], usize, usize)> {
    let word = |from: usize, len: usize| body.get(from..from.checked_add(len)?);
    let size32 = u32::from_be_bytes(word(at, 4)?.try_into().ok()?);
    let kind: [u8; 4] = word(at + 4, 4)?.try_into().ok()?;
    let room = body.len() - at;
    let (header_len, size) = match size32 {
        0 => (8, room),
        1 => {
            let size64 = u64::from_be_bytes(word(at + 8, 8)?.try_into().ok()?);
            (16, usize::try_from(size64).ok()?)
        }
        n => (8, usize::try_from(n).ok()?),
    };
    (size >= header_len && size <= room).then_some((kind, header_len, size))
}

#[cfg(test)]
mod tests {
    use super::*;
    use telemux_testkit::mp4_box;

    #[test]
    fn walks_children_with_every_size_form_and_refuses_overruns() {
        let body = [mp4_box(b"TTHL", &[0; 5]), mp4_box(b"TTAD", b"xyz")].concat();
        assert_eq!(child_header(&body, 0), Some((*b"TTHL", 8, 13)));
        assert_eq!(child_header(&body, 13), Some((*b"TTAD", 8, 11)));

        let mut to_end = body.clone();
        to_end[13..17].copy_from_slice(&0u32.to_be_bytes());
        assert_eq!(child_header(&to_end, 13), Some((*b"TTAD", 8, 11)));

        let mut large = 1u32.to_be_bytes().to_vec();
        large.extend_from_slice(b"TTAD");
        large.extend_from_slice(&18u64.to_be_bytes());
        large.extend_from_slice(b"ab");
        assert_eq!(child_header(&large, 0), Some((*b"TTAD", 16, 18)));
        large.pop();
        assert_eq!(child_header(&large, 0), None);

        let mut overrun = body;
        overrun[16] = 12; // TTAD now claims 12 bytes, one more than there are
        assert_eq!(child_header(&overrun, 13), None);
        assert_eq!(child_header(&overrun, 20), None);
        // Smaller than its own header.
        assert_eq!(
            child_header(&mp4_box(b"TTAD", b"")[..], 0),
            Some((*b"TTAD", 8, 8))
        );
        let mut tiny = mp4_box(b"TTAD", b"");
        tiny[3] = 4;
        assert_eq!(child_header(&tiny, 0), None);
    }
}
