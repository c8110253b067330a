//! Spherical Video metadata (Google spatial-media): V1, an RDF/XML document in a `uuid` box
//! (`ffcc8263-f855-4a93-8814-587a02521fdd`) of the video `trak`, and V2, the `st3d` (stereo
//! mode) and `sv3d` (`svhd` source, `proj` with `prhd` pose and `equi`/`cbmp`/`mshp`
//! projection) boxes inside the video sample entry (`avc1`, `hvc1`, …). A player needs one of
//! them to show a video as 360°; Street View reads both.

use std::ops::Range;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::box_header::{child_headers, BoxHeader};
use super::error::{ErrorKind, Mp4Error};
use super::fragments::{child_error, children};
use super::stsd::SampleEntry;
use super::track::Track;
use super::tree::{BoxNode, Moov};

/// The extended type of the V1 `uuid` box.
pub const SPHERICAL_UUID: [u8; 16] = [
    0xff, 0xcc, 0x82, 0x63, 0xf8, 0x55, 0x4a, 0x93, 0x88, 0x14, 0x58, 0x7a, 0x02, 0x52, 0x1f, 0xdd,
];

/// Bytes of a visual sample entry before its child boxes (ISO 14496-12 VisualSampleEntry and
/// QuickTime's video description share them): reserved, data reference index, pre-defined,
/// width, height, resolutions, frame count, compressor name, depth, pre-defined.
pub const VISUAL_ENTRY_FIELDS: u64 = 78;

/// How a frame holds the two eyes' views (V1 `StereoMode`, V2 `st3d`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Stereo {
    /// One view.
    Mono,
    /// Left eye on top, right eye below.
    TopBottom,
    /// Left eye on the left, right eye on the right.
    LeftRight,
}

impl Stereo {
    /// The V1 word: `mono`, `top-bottom`, `left-right`.
    pub fn name(self) -> &'static str {
        match self {
            Stereo::Mono => "mono",
            Stereo::TopBottom => "top-bottom",
            Stereo::LeftRight => "left-right",
        }
    }

    /// The stereo mode of a V1 `StereoMode` word.
    pub fn from_name(name: &str) -> Option<Stereo> {
        [Stereo::Mono, Stereo::TopBottom, Stereo::LeftRight]
            .into_iter()
            .find(|s| s.name() == name)
    }

    /// The `st3d` `stereo_mode` byte: 0, 1 or 2.
    pub fn code(self) -> u8 {
        match self {
            Stereo::Mono => 0,
            Stereo::TopBottom => 1,
            Stereo::LeftRight => 2,
        }
    }

    /// The stereo mode of an `st3d` byte (3, "stereo-custom", and others are no layout telemux
    /// knows).
    pub fn from_code(code: u8) -> Option<Stereo> {
        [Stereo::Mono, Stereo::TopBottom, Stereo::LeftRight]
            .into_iter()
            .find(|s| s.code() == code)
    }

    /// Width over height of a frame whose each view is an equirectangular 2:1 panorama.
    pub fn equirectangular_aspect(self) -> f64 {
        match self {
            Stereo::Mono => 2.0,
            Stereo::TopBottom => 1.0,
            Stereo::LeftRight => 4.0,
        }
    }
}

/// The V1 XML's fields, as written (text, unchecked).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SphericalXml {
    /// Box path of the `uuid` box, e.g. `moov/trak[0]/uuid`.
    pub path: String,
    /// Absolute offset of the `uuid` box.
    pub offset: u64,
    /// `GSpherical:Spherical` (`true` for a spherical video).
    pub spherical: Option<String>,
    /// `GSpherical:Stitched`.
    pub stitched: Option<String>,
    /// `GSpherical:StitchingSoftware`.
    pub stitching_software: Option<String>,
    /// `GSpherical:ProjectionType` (`equirectangular`).
    pub projection: Option<String>,
    /// `GSpherical:StereoMode` (`mono`, `top-bottom`, `left-right`); absent means mono.
    pub stereo: Option<String>,
}

/// The V2 projection of `sv3d/proj`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Projection {
    /// `equi`: the bounds cropped from each edge, as 0.32 fixed-point fractions of the frame
    /// (top, bottom, left, right); all 0 for a full panorama.
    Equirectangular {
        /// Top, bottom, left and right bounds.
        bounds: [u32; 4],
    },
    /// `cbmp`: a cube map.
    Cubemap,
    /// `mshp`: a mesh.
    Mesh,
}

impl Projection {
    /// `equirectangular`, `cubemap` or `mesh`, the V1 words and ffprobe's.
    pub fn name(&self) -> &'static str {
        match self {
            Projection::Equirectangular { .. } => "equirectangular",
            Projection::Cubemap => "cubemap",
            Projection::Mesh => "mesh",
        }
    }
}

/// The V2 boxes of one video sample entry.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct SphericalBoxes {
    /// Box path of the sample entry, e.g. `moov/trak[0]/mdia/minf/stbl/stsd/avc1`.
    pub entry_path: String,
    /// Absolute offset of the sample entry.
    pub offset: u64,
    /// `st3d`'s stereo mode byte (see [`Stereo::from_code`]); `None` without `st3d`.
    pub stereo: Option<u8>,
    /// Whether the entry has an `sv3d` box.
    pub has_sv3d: bool,
    /// `svhd`'s metadata source.
    pub metadata_source: Option<String>,
    /// `prhd`'s yaw, pitch and roll, degrees.
    pub pose: Option<[f64; 3]>,
    /// The projection box in `proj`; `None` when `sv3d` has none telemux knows.
    pub projection: Option<Projection>,
}

/// The spherical metadata of one video track.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct TrackSpherical {
    /// The track's position among the `trak` boxes, from 0.
    pub track_index: usize,
    /// Its `tkhd` track id.
    pub track_id: u32,
    /// The V1 `uuid` box, if any (the first; a track should have one).
    pub v1: Option<SphericalXml>,
    /// The V2 boxes of each sample entry that has `st3d` or `sv3d`.
    pub v2: Vec<SphericalBoxes>,
}

impl TrackSpherical {
    /// Whether the track carries any spherical metadata.
    pub fn is_empty(&self) -> bool {
        self.v1.is_none() && self.v2.is_empty()
    }
}

/// Whether `node` is a V1 spherical `uuid` box.
pub fn is_spherical_uuid(node: &BoxNode) -> bool {
    node.header.user_type == Some(SPHERICAL_UUID)
}

/// The spherical metadata of `track`: none for a track that is not video, whose sample
/// entries (`mp4a`, `gpmd`, `camm`, …) have no visual fields to find V2 boxes after.
pub fn read(moov: &Moov, track: &Track<'_>) -> Result<TrackSpherical, Mp4Error> {
    if track.hdlr.subtype.as_bytes() != b"vide" {
        return Ok(TrackSpherical {
            track_index: track.index,
            track_id: track.tkhd.track_id,
            ..TrackSpherical::default()
        });
    }
    let v1 = match track.node.children().iter().find(|c| is_spherical_uuid(c)) {
        Some(node) => Some(parse_xml(node, moov.body(node))?),
        None => None,
    };
    let stsd_path = format!("{}/mdia/minf/stbl/stsd", track.node.path);
    let mut v2 = Vec::new();
    for entry in &track.stsd.entries {
        if let Some(boxes) = parse_entry(entry, &stsd_path)? {
            v2.push(boxes);
        }
    }
    Ok(TrackSpherical {
        track_index: track.index,
        track_id: track.tkhd.track_id,
        v1,
        v2,
    })
}

/// Where the parts of a visual sample entry are, as byte ranges of the whole entry.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VisualEntry {
    /// The entry's header: 8 bytes, or 16 with a 64-bit size.
    pub header_len: usize,
    /// Where the child boxes start, after the [`VISUAL_ENTRY_FIELDS`].
    pub children_start: usize,
    /// Each child box's header and extent (header included).
    pub children: Vec<(BoxHeader, Range<usize>)>,
    /// Where the child boxes end: zero bytes may follow (QuickTime's list terminator).
    pub children_end: usize,
}

/// The parts of a visual sample entry (`entry` is the whole entry, header included, whose first
/// byte is at `offset`). QuickTime may end the list with zero bytes, which are no box and are
/// left out; any other bytes that are no box are an error naming `path`.
pub fn visual_entry(entry: &[u8], offset: u64, path: &str) -> Result<VisualEntry, Mp4Error> {
    let header_len = entry_header_len(entry);
    let start = header_len + VISUAL_ENTRY_FIELDS as usize;
    let Some(body) = entry.get(start..) else {
        return Err(Mp4Error::new(
            path,
            offset,
            ErrorKind::FieldTruncated {
                needed: start as u64,
                available: entry.len() as u64,
            },
        ));
    };
    let mut children = Vec::new();
    let mut at = start;
    for child in child_headers(body, offset + start as u64, false) {
        match child {
            Ok((header, _)) => {
                children.push((header, at..at + header.size as usize));
                at += header.size as usize;
            }
            Err(_) if entry[at..].iter().all(|&b| b == 0) => break,
            Err(error) => return Err(child_error(path, error)),
        }
    }
    Ok(VisualEntry {
        header_len,
        children_start: start,
        children,
        children_end: at,
    })
}

/// 8, or 16 for an entry with a 64-bit size (never seen, but a header may say so).
pub(crate) fn entry_header_len(entry: &[u8]) -> usize {
    if entry.get(..4) == Some(&[0, 0, 0, 1]) {
        16
    } else {
        8
    }
}

/// The V2 boxes of a visual sample entry; `None` when it has neither `st3d` nor `sv3d`.
fn parse_entry(
    entry: &SampleEntry<'_>,
    stsd_path: &str,
) -> Result<Option<SphericalBoxes>, Mp4Error> {
    let path = format!("{stsd_path}/{}", entry.kind);
    let mut found = SphericalBoxes {
        entry_path: path.clone(),
        offset: entry.offset,
        ..SphericalBoxes::default()
    };
    let mut any = false;
    for (header, range) in visual_entry(entry.bytes, entry.offset, &path)?.children {
        let body = &entry.bytes[range.start + header.header_len as usize..range.end];
        let at = header.body_offset();
        match header.kind.as_bytes() {
            b"st3d" => {
                any = true;
                found.stereo = Some(full_box_fields::<1>(body, at, &path, "st3d")?[0]);
            }
            b"sv3d" => {
                any = true;
                found.has_sv3d = true;
                parse_sv3d(body, at, &format!("{path}/sv3d"), &mut found)?;
            }
            _ => {}
        }
    }
    Ok(any.then_some(found))
}

fn parse_sv3d(
    body: &[u8],
    base: u64,
    path: &str,
    found: &mut SphericalBoxes,
) -> Result<(), Mp4Error> {
    for (header, body) in children(body, base, path)? {
        match header.kind.as_bytes() {
            b"svhd" => {
                let text = full_box_body(body, header.body_offset(), path, "svhd")?;
                let text = text.split(|&b| b == 0).next().unwrap_or_default();
                found.metadata_source = Some(String::from_utf8_lossy(text).into_owned());
            }
            b"proj" => parse_proj(body, header.body_offset(), &format!("{path}/proj"), found)?,
            _ => {}
        }
    }
    Ok(())
}

fn parse_proj(
    body: &[u8],
    base: u64,
    path: &str,
    found: &mut SphericalBoxes,
) -> Result<(), Mp4Error> {
    for (header, body) in children(body, base, path)? {
        let at = header.body_offset();
        match header.kind.as_bytes() {
            b"prhd" => {
                let f = full_box_fields::<12>(body, at, path, "prhd")?;
                let angle = |i: usize| {
                    let raw = i32::from_be_bytes([f[i], f[i + 1], f[i + 2], f[i + 3]]);
                    f64::from(raw) / 65536.0
                };
                found.pose = Some([angle(0), angle(4), angle(8)]);
            }
            b"equi" => {
                let f = full_box_fields::<16>(body, at, path, "equi")?;
                let bound = |i: usize| u32::from_be_bytes([f[i], f[i + 1], f[i + 2], f[i + 3]]);
                found.projection = Some(Projection::Equirectangular {
                    bounds: [bound(0), bound(4), bound(8), bound(12)],
                });
            }
            b"cbmp" => found.projection = Some(Projection::Cubemap),
            b"mshp" => found.projection = Some(Projection::Mesh),
            _ => {}
        }
    }
    Ok(())
}

/// A full box's payload after version and flags (version 0 only).
fn full_box_body<'a>(
    body: &'a [u8],
    at: u64,
    path: &str,
    kind: &str,
) -> Result<&'a [u8], Mp4Error> {
    let path = format!("{path}/{kind}");
    match body.split_first_chunk::<4>() {
        Some(([0, ..], rest)) => Ok(rest),
        Some(([version, ..], _)) => Err(Mp4Error::new(
            path,
            at,
            ErrorKind::UnsupportedVersion { version: *version },
        )),
        None => Err(Mp4Error::new(
            path,
            at,
            ErrorKind::FieldTruncated {
                needed: 4,
                available: body.len() as u64,
            },
        )),
    }
}

/// The first `N` bytes after a version-0 full box's version and flags.
fn full_box_fields<const N: usize>(
    body: &[u8],
    at: u64,
    path: &str,
    kind: &str,
) -> Result<[u8; N], Mp4Error> {
    let rest = full_box_body(body, at, path, kind)?;
    rest.first_chunk::<N>().copied().ok_or_else(|| {
        Mp4Error::new(
            format!("{path}/{kind}"),
            at + 4,
            ErrorKind::FieldTruncated {
                needed: N as u64,
                available: rest.len() as u64,
            },
        )
    })
}

/// The V1 XML after the 16-byte extended type (`body` is the box after its 24-byte header).
fn parse_xml(node: &BoxNode, body: &[u8]) -> Result<SphericalXml, Mp4Error> {
    let error = |reason: String| {
        Mp4Error::new(
            node.path.clone(),
            node.header.offset,
            ErrorKind::SphericalXml { reason },
        )
    };
    let mut xml = SphericalXml {
        path: node.path.clone(),
        offset: node.header.offset,
        ..SphericalXml::default()
    };
    let mut reader = Reader::from_reader(body);
    let mut buf = Vec::new();
    let mut current: Option<Vec<u8>> = None;
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Err(e) => return Err(error(format!("at byte {}: {e}", reader.buffer_position()))),
            Ok(Event::Eof) => break,
            Ok(Event::Start(start)) => current = Some(start.local_name().as_ref().to_vec()),
            Ok(Event::End(_)) => current = None,
            Ok(Event::Text(text)) => {
                let Some(name) = &current else { continue };
                let slot = match name.as_slice() {
                    b"Spherical" => &mut xml.spherical,
                    b"Stitched" => &mut xml.stitched,
                    b"StitchingSoftware" => &mut xml.stitching_software,
                    b"ProjectionType" => &mut xml.projection,
                    b"StereoMode" => &mut xml.stereo,
                    _ => continue,
                };
                let decoded = String::from_utf8_lossy(&text);
                let value =
                    quick_xml::escape::unescape(&decoded).map_err(|e| error(e.to_string()))?;
                *slot = Some(value.trim().to_owned());
            }
            Ok(_) => {}
        }
    }
    Ok(xml)
}

/// The V1 XML telemux writes, as spatial-media's injector writes it (its header, the four
/// fields, and `StereoMode` when not mono) with `software` as the stitching software.
pub fn v1_xml(stereo: Stereo, software: &str) -> String {
    let stereo = match stereo {
        Stereo::Mono => String::new(),
        other => format!(
            "<GSpherical:StereoMode>{}</GSpherical:StereoMode>",
            other.name()
        ),
    };
    format!(
        "<?xml version=\"1.0\"?><rdf:SphericalVideo\n\
         xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"\n\
         xmlns:GSpherical=\"http://ns.google.com/videos/1.0/spherical/\">\
         <GSpherical:Spherical>true</GSpherical:Spherical>\
         <GSpherical:Stitched>true</GSpherical:Stitched>\
         <GSpherical:StitchingSoftware>{software}</GSpherical:StitchingSoftware>\
         <GSpherical:ProjectionType>equirectangular</GSpherical:ProjectionType>\
         {stereo}</rdf:SphericalVideo>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fourcc::FourCC;

    fn uuid_node(len: u64) -> BoxNode {
        BoxNode {
            header: BoxHeader {
                kind: FourCC::new(b"uuid"),
                offset: 100,
                header_len: 24,
                size: 24 + len,
                user_type: Some(SPHERICAL_UUID),
                size_to_end: false,
            },
            path: "moov/trak[0]/uuid".into(),
            content: super::super::tree::Content::Leaf,
        }
    }

    #[test]
    fn the_xml_written_reads_back() {
        let text = v1_xml(Stereo::TopBottom, "telemux");
        let xml = parse_xml(&uuid_node(text.len() as u64), text.as_bytes()).unwrap();
        assert_eq!(xml.spherical.as_deref(), Some("true"));
        assert_eq!(xml.stitched.as_deref(), Some("true"));
        assert_eq!(xml.stitching_software.as_deref(), Some("telemux"));
        assert_eq!(xml.projection.as_deref(), Some("equirectangular"));
        assert_eq!(xml.stereo.as_deref(), Some("top-bottom"));
        let mono = v1_xml(Stereo::Mono, "telemux");
        let xml = parse_xml(&uuid_node(mono.len() as u64), mono.as_bytes()).unwrap();
        assert_eq!(xml.stereo, None);
    }

    #[test]
    fn broken_xml_names_the_box() {
        let text = b"<rdf:SphericalVideo><GSpherical:Spherical>true</GSpherical:Stitched>";
        let error = parse_xml(&uuid_node(text.len() as u64), text).unwrap_err();
        assert_eq!(error.path, "moov/trak[0]/uuid");
        assert_eq!(error.offset, 100);
        assert!(
            matches!(error.kind, ErrorKind::SphericalXml { .. }),
            "{error}"
        );
    }

    #[test]
    fn stereo_codes_and_names_match_the_rfcs() {
        assert_eq!(Stereo::from_code(1), Some(Stereo::TopBottom));
        assert_eq!(Stereo::from_code(3), None);
        assert_eq!(Stereo::from_name("left-right"), Some(Stereo::LeftRight));
        assert_eq!(Stereo::LeftRight.code(), 2);
    }
}
