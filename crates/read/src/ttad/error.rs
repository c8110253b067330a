use thiserror::Error;

/// Where the decoder's input comes from, for messages.
pub(crate) const TTAD_PATH: &str = "moov/udta/TTMD/TTAD";

/// A `TTAD` payload that cannot be read at all. Damage after the header is not an error: it is
/// reported in [`StreamSummary`](super::StreamSummary) next to whatever could be decoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TtadError {
    /// The payload is too short for any header.
    #[error(
        "{TTAD_PATH} @0: the {len}-byte payload holds neither a type table nor ExifTool's \
         {min}-byte header"
    )]
    NoHeader {
        /// The payload's length in bytes.
        len: usize,
        /// The shortest header (ExifTool's fixed layout).
        min: usize,
    },
    /// A child box of the `TTAD`'s container is broken.
    #[error(
        "{path}: the child box at file offset {offset} has a broken header or runs past its parent"
    )]
    BadBox {
        /// The container's box path.
        path: &'static str,
        /// Absolute offset of the broken child.
        offset: u64,
    },
    /// Neither a GPS point nor a sensor sample decoded.
    #[error("{TTAD_PATH}: no GPS point and no sensor sample could be decoded ({damage})")]
    NothingDecoded {
        /// What stopped the stream (from its summary).
        damage: String,
    },
}
