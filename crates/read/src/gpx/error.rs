//! Errors of the GPX reader: each names where in the file (line, column, byte) and where in the
//! element tree (`gpx/trk[0]/trkseg[1]/trkpt[17]/time`) the problem is.

use std::fmt;

/// A place in the input. Lines and columns count from 1; columns count bytes, not characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Line, from 1.
    pub line: u64,
    /// Column in bytes, from 1.
    pub column: u64,
    /// Byte offset from the start of the file, from 0.
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
        /// Where the parser stopped.
        position: Position,
        /// The element path there, e.g. `gpx/trk[0]/trkseg[1]/trkpt[17]`.
        path: String,
        /// The XML parser's own words.
        message: String,
    },
    /// The document's root element is not `<gpx>`, or there is no root element.
    #[error("not a GPX file: {found} at {position}")]
    NotGpx {
        /// Where the root element (or the end of the input) is.
        position: Position,
        /// The root element's name, or what stood in its place.
        found: String,
    },
    /// An element or attribute holds a value that cannot be a GPX value.
    #[error("{path} at {position}: invalid value {value:?}: {reason}")]
    InvalidValue {
        /// Where the value is.
        position: Position,
        /// The element or attribute path of the value.
        path: String,
        /// The value as written.
        value: String,
        /// Why it is not a GPX value.
        reason: &'static str,
    },
    /// A point lacks its `lat` or `lon` attribute.
    #[error("{path} at {position}: missing attribute `{attribute}`")]
    MissingAttribute {
        /// Where the element starts.
        position: Position,
        /// The element's path.
        path: String,
        /// `lat` or `lon`.
        attribute: &'static str,
    },
    /// Elements are nested deeper than any GPX file needs.
    #[error("{path} at {position}: elements nested deeper than {limit} levels")]
    TooDeep {
        /// Where the too-deep element starts.
        position: Position,
        /// The element's path.
        path: String,
        /// The deepest nesting accepted.
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
