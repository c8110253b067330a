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
    /// The document's root element is not `<gpx>`, there is no root element, or its first
    /// bytes show it is something else (`found` says what it looks like).
    #[error("this is not a GPX file ({found}) at {position}")]
    NotGpx {
        /// Where the root element (or the end of the input) is.
        position: Position,
        /// What was found: the root element's name, or what the bytes look like.
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

/// What a document that starts with `head` is, when its first bytes show it is no GPX: said
/// before parsing, so that the user learns what the file is rather than reading XML errors
/// about (or bytes of) binary data. `None`: it may be XML.
pub(crate) fn looks_like(head: &[u8]) -> Option<&'static str> {
    let text = head.trim_ascii_start();
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) || utf16_ascii(head) {
        return Some("it looks like UTF-16 text: save it as UTF-8");
    }
    if head.get(4..8) == Some(b"ftyp") {
        return Some("it looks like an MP4/MOV video: give the video as the input, not as --gpx");
    }
    if head.get(8..12) == Some(b".FIT") {
        return Some("it looks like a Garmin FIT file: read it as FIT, not GPX");
    }
    if text.starts_with(b"{") || text.starts_with(b"[") {
        return Some("it looks like JSON, but neither GeoJSON nor telemux's JSON");
    }
    // Control characters other than tab, CR and LF never occur in XML 1.0 text.
    let control = |b: &u8| *b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r');
    if head.iter().take(HEAD_BYTES).any(control) {
        return Some("it looks like binary data");
    }
    None
}

/// How many of a document's first bytes [`looks_like`] examines.
pub(crate) const HEAD_BYTES: usize = 512;

/// `<\0?\0x\0` or `\0<\0?`: ASCII stored as UTF-16 without a byte-order mark.
fn utf16_ascii(head: &[u8]) -> bool {
    matches!(head, [b'<', 0, _, 0, ..] | [0, b'<', 0, _, ..])
}

/// What a document whose root element is `root` is, when it is no GPX.
pub(crate) fn root_is(root: &str) -> String {
    let what = match root.rsplit(':').next().unwrap_or(root) {
        "kml" => "it looks like a KML file: read it as KML, not GPX",
        "TrainingCenterDatabase" => {
            "it looks like a Garmin TCX file: convert it with gpsbabel -i gtrnctr -f IN.tcx -o \
             gpx -F OUT.gpx"
        }
        "html" => "it looks like a web page: download the GPX file itself",
        _ => "",
    };
    let root = excerpt(root);
    if what.is_empty() {
        format!("its root element is <{root}>")
    } else {
        format!("{what}; its root element is <{root}>")
    }
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
    fn first_bytes_say_what_a_file_is() {
        let of = |bytes: &[u8]| looks_like(bytes).unwrap_or("may be XML");
        assert_eq!(
            of(b"\xFF\xFE<\0g\0"),
            "it looks like UTF-16 text: save it as UTF-8"
        );
        assert_eq!(
            of(b"<\0?\0x\0m\0"),
            "it looks like UTF-16 text: save it as UTF-8"
        );
        assert!(of(b"\0\0\0\x18ftypmp42").starts_with("it looks like an MP4/MOV video"));
        assert!(of(b"\x0e\x10\xd9\x07\0\0\0\0.FIT").starts_with("it looks like a Garmin FIT"));
        assert!(of(b" \n{\"type\": \"FeatureCollection\"}").starts_with("it looks like JSON"));
        assert_eq!(of(b"\x7fELF\x02\x01\x01"), "it looks like binary data");
        assert_eq!(of(b"<?xml version=\"1.0\"?>\r\n\t<gpx>"), "may be XML");
        // Latin-1 text is XML in its declared encoding, not binary.
        assert_eq!(of(b"<gpx><name>Caf\xe9</name>"), "may be XML");
        assert_eq!(
            root_is("kml"),
            "it looks like a KML file: read it as KML, not GPX; its root element is <kml>"
        );
        assert_eq!(root_is("svg"), "its root element is <svg>");
    }

    #[test]
    fn excerpts_are_short() {
        assert_eq!(excerpt(" 12a "), "12a");
        let long = "é".repeat(100);
        assert_eq!(excerpt(&long).chars().count(), VALUE_EXCERPT_CHARS + 1);
    }
}
