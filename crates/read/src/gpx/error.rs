//! Errors of the GPX reader: each names where in the file (line, column, byte) and where in the
//! element tree (`gpx/trk[0]/trkseg[1]/trkpt[17]/time`) the problem is.

use std::fmt;

/// A place in the input. Lines and columns count from 1; columns count bytes, not characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: u64,
    pub column: u64,
    pub byte: u64,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {} (byte {})",
            self.line, self.column, self.byte
        )
    }
}

/// Why a GPX file could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum GpxError {
    /// The XML itself is broken (bad syntax, mismatched or unclosed tags, bad attributes).
    #[error("malformed XML at {position} in {path}: {message}")]
    Xml {
        position: Position,
        path: String,
        message: String,
    },
    /// The document's root element is not `<gpx>`, or there is no root element.
    #[error("not a GPX file: {found} at {position}")]
    NotGpx { position: Position, found: String },
    /// An element or attribute holds a value that cannot be a GPX value.
    #[error("{path} at {position}: invalid value {value:?}: {reason}")]
    InvalidValue {
        position: Position,
        path: String,
        value: String,
        reason: &'static str,
    },
    /// A point lacks its `lat` or `lon` attribute.
    #[error("{path} at {position}: missing attribute `{attribute}`")]
    MissingAttribute {
        position: Position,
        path: String,
        attribute: &'static str,
    },
    /// Elements are nested deeper than any GPX file needs.
    #[error("{path} at {position}: elements nested deeper than {limit} levels")]
    TooDeep {
        position: Position,
        path: String,
        limit: usize,
    },
}

/// Longest excerpt of a bad value kept in an error, so garbage input cannot bloat messages.
const VALUE_EXCERPT_CHARS: usize = 40;

pub(crate) fn excerpt(value: &str) -> String {
    let trimmed = value.trim();
    match trimmed.char_indices().nth(VALUE_EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", trimmed.get(..cut).unwrap_or(trimmed)),
        None => trimmed.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_short() {
        assert_eq!(excerpt(" 12a "), "12a");
        let long = "é".repeat(100);
        assert_eq!(excerpt(&long).chars().count(), VALUE_EXCERPT_CHARS + 1);
    }
}
