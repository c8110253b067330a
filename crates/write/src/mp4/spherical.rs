//! `--spherical`: Spherical Video metadata written into the first video track, both versions
//! players and Street View read (Google spatial-media's RFCs):
//! - V1, a `uuid` box of RDF/XML appended to the `trak`, where spatial-media's injector puts it;
//! - V2, `st3d` (stereo mode) and `sv3d` (`svhd`, `proj` with `prhd` and `equi`) appended to
//!   each sample entry of the track's `stsd`, after the codec's own boxes (`avcC`, `pasp`, …).
//!
//! Spherical metadata already in the track (either version, ours or a camera's) is replaced,
//! so a second run leaves one of each and V1 and V2 always agree. Only `stsd`, the sample
//! entries and the boxes around them grow; no sample moves except as the rewrite moves every
//! chunk.

use telemux_read::mp4::spherical::{
    self, v1_xml, visual_entry, Stereo, TrackSpherical, SPHERICAL_UUID,
};
use telemux_read::mp4::{parse_header, Moov, Mp4Error, Track};
use telemux_read::FourCC;

use super::box_writer::BoxWriter;
use super::edit_tree::EditBox;

/// What telemux writes as the V1 stitching software and the V2 metadata source.
pub const SOFTWARE: &str = "telemux";

/// The spherical metadata to write: an equirectangular panorama (full, no crop), with the
/// given stereo layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Spherical {
    /// How a frame holds the views.
    pub stereo: Stereo,
}

impl Spherical {
    /// An equirectangular panorama with the stereo layout `stereo`.
    pub fn new(stereo: Stereo) -> Spherical {
        Spherical { stereo }
    }

    /// The V1 `uuid` box.
    pub fn v1_box(&self) -> Vec<u8> {
        let mut w = BoxWriter::new();
        w.boxed(b"uuid", |w| {
            w.bytes(&SPHERICAL_UUID);
            w.bytes(v1_xml(self.stereo, SOFTWARE).as_bytes());
        });
        w.into_bytes()
    }

    /// The V2 boxes, `st3d` then `sv3d`, in the order ffmpeg writes them.
    pub fn v2_boxes(&self) -> Vec<u8> {
        let mut w = BoxWriter::new();
        w.full_box(b"st3d", 0, 0, |w| w.u8(self.stereo.code()));
        w.boxed(b"sv3d", |w| {
            w.full_box(b"svhd", 0, 0, |w| {
                w.bytes(SOFTWARE.as_bytes());
                w.u8(0);
            });
            w.boxed(b"proj", |w| {
                // Yaw, pitch and roll 0: the panorama's centre is straight ahead.
                w.full_box(b"prhd", 0, 0, |w| w.zeros(12));
                // No bounds cropped: the frame is the whole sphere.
                w.full_box(b"equi", 0, 0, |w| w.zeros(16));
            });
        });
        w.into_bytes()
    }
}

/// The video track that was marked, for the report.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SphericalWritten {
    /// Its `tkhd` track id.
    pub track_id: u32,
    /// Its position among the `trak` boxes, from 0.
    pub track_index: usize,
    /// The spherical metadata it had before, replaced (`None`: it had none).
    pub replaced: Option<TrackSpherical>,
    /// Other video tracks, left without (a preview or a second lens).
    pub other_video_tracks: usize,
}

/// Why spherical metadata cannot be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SphericalError {
    /// No track has a `vide` handler.
    #[error("no video track (a trak whose hdlr is vide) to mark as spherical")]
    NoVideoTrack,
    /// The video track's `trak` or `stsd` is not where its parse found it in the copy of
    /// `moov` being edited, so nothing could be written.
    #[error("moov/trak[{index}]: its {what} box is not in the moov being rewritten")]
    Unplaced {
        /// `trak` or `stsd`.
        what: &'static str,
        /// The track's position among the `trak` boxes.
        index: usize,
    },
    /// The track's boxes cannot be read as the edit needs them.
    #[error(transparent)]
    Mp4(#[from] Mp4Error),
}

/// Writes `spherical` into the first video track of `tracks` in `moov_box` (the edit copy of
/// `moov`, its traks still in the order of `tracks`).
pub(crate) fn apply(
    moov_box: &mut EditBox,
    moov: &Moov,
    tracks: &[Track<'_>],
    spherical: &Spherical,
) -> Result<SphericalWritten, SphericalError> {
    let mut videos = tracks
        .iter()
        .filter(|t| t.hdlr.subtype.as_bytes() == b"vide");
    let track = videos.next().ok_or(SphericalError::NoVideoTrack)?;
    let before = spherical::read(moov, track)?;
    let stsd = new_stsd(moov, track, &spherical.v2_boxes())?;
    let trak = moov_box.children_mut().and_then(|c| {
        c.iter_mut()
            .filter(|c| c.kind().as_bytes() == b"trak")
            .nth(track.index)
    });
    // Track::parse found these boxes, so the edit copy has them; were it not so, the
    // metadata would not be written and "marked as 360°" would be a lie: refuse instead.
    let unplaced = |what| SphericalError::Unplaced {
        what,
        index: track.index,
    };
    let trak = trak.ok_or(unplaced("trak"))?;
    let children = trak.children_mut().ok_or(unplaced("trak"))?;
    children.retain(|c| !is_spherical_uuid(c));
    children.push(EditBox::Raw {
        kind: FourCC::new(b"uuid"),
        bytes: spherical.v1_box(),
    });
    let slot = trak
        .descend_mut(&[b"mdia", b"minf", b"stbl", b"stsd"])
        .ok_or(unplaced("stsd"))?;
    *slot = EditBox::Raw {
        kind: FourCC::new(b"stsd"),
        bytes: stsd,
    };
    Ok(SphericalWritten {
        track_id: track.tkhd.track_id,
        track_index: track.index,
        replaced: (!before.is_empty()).then_some(before),
        other_video_tracks: videos.count(),
    })
}

fn is_spherical_uuid(node: &EditBox) -> bool {
    let EditBox::Raw { bytes, .. } = node else {
        return false;
    };
    parse_header(bytes, 0, bytes.len() as u64, false)
        .is_ok_and(|h| h.user_type == Some(SPHERICAL_UUID))
}

/// `track`'s `stsd` with `v2` replacing any `st3d`/`sv3d` in each sample entry.
fn new_stsd(moov: &Moov, track: &Track<'_>, v2: &[u8]) -> Result<Vec<u8>, Mp4Error> {
    let stsd_node = track
        .node
        .child(b"mdia")
        .and_then(|n| n.child(b"minf"))
        .and_then(|n| n.child(b"stbl"))
        .and_then(|n| n.child(b"stsd"));
    // Track::parse found this stsd, so it is there; an empty body only if it were not.
    let body = stsd_node.map(|n| moov.body(n)).unwrap_or_default();
    // Version, flags and entry count, checked by Stsd::parse.
    let head = body.get(..8).unwrap_or_default();
    let entries_len: usize = track.stsd.entries.iter().map(|e| e.bytes.len()).sum();
    let tail = body.get(8 + entries_len..).unwrap_or_default();
    let stsd_path = stsd_node.map_or("stsd", |n| n.path.as_str());
    let mut entries = Vec::with_capacity(track.stsd.entries.len());
    for entry in &track.stsd.entries {
        let path = format!("{stsd_path}/{}", entry.kind);
        entries.push((entry, visual_entry(entry.bytes, entry.offset, &path)?));
    }
    let mut w = BoxWriter::new();
    w.boxed(b"stsd", |w| {
        w.bytes(head);
        for (entry, layout) in &entries {
            w.boxed(entry.kind.as_bytes(), |w| {
                w.bytes(&entry.bytes[layout.header_len..layout.children_start]);
                for (header, range) in &layout.children {
                    if ![b"st3d", b"sv3d"].contains(&header.kind.as_bytes()) {
                        w.bytes(&entry.bytes[range.clone()]);
                    }
                }
                w.bytes(v2);
                // QuickTime's zero bytes ending the list stay last.
                w.bytes(&entry.bytes[layout.children_end..]);
            });
        }
        w.bytes(tail);
    });
    Ok(w.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_v1_box_is_a_uuid_box_with_the_xml() {
        let bytes = Spherical::new(Stereo::Mono).v1_box();
        let xml = v1_xml(Stereo::Mono, "telemux");
        assert_eq!(&bytes[..4], &((24 + xml.len()) as u32).to_be_bytes());
        assert_eq!(&bytes[4..8], b"uuid");
        assert_eq!(&bytes[8..24], &SPHERICAL_UUID);
        assert_eq!(&bytes[24..], xml.as_bytes());
    }
}
