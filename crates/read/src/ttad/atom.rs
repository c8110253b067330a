//! Finding the `TTAD` box of a file: `moov/udta/TTMD/TTAD`. The MP4 tree keeps vendor boxes
//! such as `TTMD` as leaves, so its children are walked here, where a damaged `TTMD` costs only
//! the Bandit data and never the rest of the file.

use crate::mp4::{child_headers, Mp4};

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
    // A size-0 child runs to the end of TTMD, as in every vendor box (`mp4::child_headers`).
    for child in child_headers(body, ttmd.header.body_offset(), true) {
        let (header, payload) = child.map_err(|error| TtadError::BadBox {
            path: TTMD_PATH,
            offset: error.offset,
        })?;
        if header.kind.as_bytes() == b"TTAD" {
            return Ok(Some(Atom {
                payload,
                file_offset: header.body_offset(),
            }));
        }
    }
    Ok(None)
}
