//! GPX as one of the track input formats ([`crate::track_input::KINDS`]). Its streaming read
//! keeps its own parser and picks tracks, else timed routes, else timed waypoints
//! (`read_window`); this line gives it detection, a name, and the whole-file read of
//! `extract FILE`.

use std::io::BufRead;

use crate::model::{AltitudeRef, GpsPoint};
use crate::track_input::{Kind, Parsed, TrackInputError};

/// GPX 1.0 and 1.1.
pub static KIND: Kind = Kind {
    name: "GPX",
    extensions: &["gpx"],
    detect,
    read,
};

/// A `<gpx` element, with any namespace prefix, in the head: `<gpx` or `:gpx` followed by
/// whitespace, `>` or `/`.
fn detect(head: &[u8]) -> bool {
    head.windows(5).any(|w| {
        matches!(w[0], b'<' | b':')
            && w[1..4].eq_ignore_ascii_case(b"gpx")
            && matches!(w[4], b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/')
    })
}

/// The whole document (as `extract` reads a file whole), its chosen points in file order.
fn read(
    input: &mut dyn BufRead,
    emit: &mut dyn FnMut(GpsPoint),
    parsed: &mut Parsed,
) -> Result<(), TrackInputError> {
    // The same streaming parser as `parse`, fed from the reader: no copy of the whole file.
    let (header, collected) =
        super::parser::Parser::new(input, super::collect::Collect::default()).run()?;
    parsed.device = header.creator;
    parsed.altitude_ref = AltitudeRef::MeanSeaLevel;
    for point in collected.segments.into_iter().flatten() {
        emit(point);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_a_gpx_root_with_or_without_prefix() {
        assert!(detect(b"<?xml version=\"1.0\"?>\n<gpx version=\"1.1\">"));
        assert!(detect(b"<g:gpx xmlns:g=\"x\">"));
        assert!(detect(b"<gpx>"));
        assert!(!detect(b"<kml><Document>gpx </Document></kml>"));
        assert!(!detect(b"1\n00:00:00,000 --> 00:00:01,000\n"));
    }
}
