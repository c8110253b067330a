//! `hdlr`: what kind of media a track holds (`vide`, `soun`, `meta`, …) and its name.

use crate::fourcc::FourCC;

use super::error::Mp4Error;
use super::fields::Fields;
use super::tree::{BoxNode, Moov};

/// Handler reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hdlr {
    /// QuickTime component type (`mhlr` media handler, `dhlr` data handler); ISO files have 0.
    pub component_type: FourCC,
    /// Handler type: `vide`, `soun`, `meta`, `tmcd`, `text`, …
    pub subtype: FourCC,
    /// The name with its encoding removed (trailing spaces kept: GoPro writes `GoPro MET  `).
    pub name: String,
    /// How the name was stored, so a rewrite can store it the same way.
    pub name_style: NameStyle,
}

/// How the handler name was stored: QuickTime's or ISO's way, the only two (exhaustive, so the
/// writer that stores a name each way handles both).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameStyle {
    /// QuickTime: a length byte, then the text (e.g. `\x09GoPro MET`).
    Pascal,
    /// ISO: text ended by a NUL byte (or by the end of the box).
    CString,
}

impl Hdlr {
    /// Parses the `hdlr` box `node`.
    pub fn parse(moov: &Moov, node: &BoxNode) -> Result<Hdlr, Mp4Error> {
        let mut f = Fields::of(moov, node);
        f.full_box(0)?;
        let component_type = f.fourcc()?;
        let subtype = f.fourcc()?;
        f.skip(12)?; // reserved (QuickTime: manufacturer, flags, flags mask)
        let (name, name_style) = decode_name(f.rest());
        Ok(Hdlr {
            component_type,
            subtype,
            name,
            name_style,
        })
    }
}

/// A Pascal string is recognised when its length byte fits in the field and only zero padding
/// follows the text; anything else is read as a C string. A C string cannot pass that test
/// unless it starts with a control character.
fn decode_name(field: &[u8]) -> (String, NameStyle) {
    if let Some((&len, rest)) = field.split_first() {
        let len = usize::from(len);
        if let Some((text, padding)) = rest.split_at_checked(len) {
            if padding.iter().all(|&b| b == 0) && !text.contains(&0) {
                return (
                    String::from_utf8_lossy(text).into_owned(),
                    NameStyle::Pascal,
                );
            }
        }
    }
    let text = field.split(|&b| b == 0).next().unwrap_or_default();
    (
        String::from_utf8_lossy(text).into_owned(),
        NameStyle::CString,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pascal_names() {
        assert_eq!(
            decode_name(b"\x09GoPro MET"),
            ("GoPro MET".to_string(), NameStyle::Pascal)
        );
        assert_eq!(
            decode_name(b"\x0bGoPro MET  "),
            ("GoPro MET  ".to_string(), NameStyle::Pascal)
        );
        assert_eq!(
            decode_name(b"\x05Alias\0\0"),
            ("Alias".to_string(), NameStyle::Pascal)
        );
    }

    #[test]
    fn c_names() {
        assert_eq!(
            decode_name(b"VideoHandler\0"),
            ("VideoHandler".to_string(), NameStyle::CString)
        );
        assert_eq!(
            decode_name(b"NoTerminator"),
            ("NoTerminator".to_string(), NameStyle::CString)
        );
        // A length byte longer than the field is not a Pascal string.
        assert_eq!(
            decode_name(b"\x20ab\0"),
            ("\x20ab".to_string(), NameStyle::CString)
        );
        assert_eq!(decode_name(b""), (String::new(), NameStyle::CString));
    }
}
