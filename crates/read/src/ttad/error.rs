use thiserror::Error;

/// Where the decoder's input comes from, for messages.
pub(crate) const TTAD_PATH: &str = "moov/udta/TTMD/TTAD";

/// A `TTAD` payload that cannot be read at all. Damage after the header is not an error: it is
/// reported in [`StreamSummary`](super::StreamSummary) next to whatever could be decoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TtadError {
    #[error(
        "{TTAD_PATH} @0: the {len}-byte payload holds neither a type table nor ExifTool's \
         {min}-byte header"
    )]
    NoHeader { len: usize, min: usize },
    #[error(
        "{path}: the child box at file offset {offset} has a broken header or runs past its parent"
    )]
    BadBox { path: &'static str, offset: u64 },
    #[error("{TTAD_PATH}: no GPS point and no sensor sample could be decoded ({damage})")]
    NothingDecoded { damage: String },
}
