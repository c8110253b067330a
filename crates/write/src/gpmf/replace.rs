//! `--replace` on a camera's GPMF track: only the GPS is replaced. Each existing payload keeps
//! its timing and every KLV but its GPS streams, byte for byte (ACCL, GYRO, CORI, … with their
//! STMP and TSMP: what stabilisation tools such as Gyroflow read). A payload's GPS streams
//! (those holding GPS5, GPS9 or the Karma drone's GPRI) give way to one new GPS stream, built
//! by [`GpsPayloads`] from the points whose media times fall in the payload's span; a payload
//! whose span has no points keeps no GPS stream, as new tracks leave gaps.
//!
//! Readers spread a payload's GPS5 samples evenly over its span (telemux, gopro-telemetry,
//! ExifTool), and the payloads' spans are the camera's, so where the points cover only part
//! of a payload (the GPX starts or ends, or has a gap, inside it) those points are dated
//! spread over the whole payload: positions are right, media times off by up to the part not
//! covered. `--gps9` gives each point its own UTC time.
//!
//! The new stream goes where the first old GPS stream was (the Karma's own device for GPRI,
//! so the drone's position stays with the drone), or at the end of the first device when the
//! payload had none.

use std::io::{Read, Seek};

use telemux_read::gpmf::keys::{DEVC, GPRI, GPS5, GPS9, STRM};
use telemux_read::gpmf::{is_metadata_key, read_tree, Body, Klv, Node};
use telemux_read::mp4::{Mp4Error, Track};
use telemux_read::{FourCC, GpsPoint};

use super::builder::{BuildError, DeviceWriter};
use super::encode::encode;
use super::gps::GpsPayloads;
use crate::mp4::TelemetryTrack;
use crate::telemetry_track::{with_defaults, TrackOptions};

/// Why the GPS of an existing GPMF track cannot be replaced.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReplaceError {
    /// The video's structure cannot be read.
    #[error(transparent)]
    Read(#[from] Mp4Error),
    /// A payload of the track does not decode.
    #[error("{path}, GPMF payload {index} at byte {offset}: {source}")]
    Payload {
        /// The track's box path.
        path: String,
        /// The payload's sample index, from 0.
        index: u32,
        /// Absolute offset of the payload.
        offset: u64,
        /// The decoding error.
        source: telemux_read::gpmf::Error,
    },
    /// A payload that does not encode back to the same bytes, so replacing part of it would change the rest.
    #[error(
        "{path}, GPMF payload {index} at byte {offset}: telemux cannot write it back byte for \
         byte, so it would change the camera's other streams; refusing to replace its GPS"
    )]
    NotReproducible {
        /// The track's box path.
        path: String,
        /// The payload's sample index, from 0.
        index: u32,
        /// Absolute offset of the payload.
        offset: u64,
    },
    /// The new GPS stream of a payload cannot be built.
    #[error("{path}, GPMF payload {index} at byte {offset}: {source}")]
    Build {
        /// The track's box path.
        path: String,
        /// The payload's sample index, from 0.
        index: u32,
        /// Absolute offset of the payload.
        offset: u64,
        /// Why it cannot be built.
        source: BuildError,
    },
}

/// The track with its GPS replaced, and what was kept.
#[derive(Debug, Clone, PartialEq)]
pub struct GpsReplaced {
    /// The new track: the old payloads with the new GPS, the old timing.
    pub track: TelemetryTrack,
    /// GPS points written.
    pub gps_points: u64,
    /// The data keys of the streams kept, each once, in order of first appearance.
    pub kept: Vec<FourCC>,
    /// The data keys of the GPS streams removed, each once.
    pub removed: Vec<FourCC>,
}

impl GpsReplaced {
    fn empty() -> GpsReplaced {
        GpsReplaced {
            track: TelemetryTrack {
                start_ms: 0,
                samples: Vec::new(),
                durations_ms: Vec::new(),
            },
            gps_points: 0,
            kept: Vec::new(),
            removed: Vec::new(),
        }
    }
}

/// Rewrites every payload of `track` (a GPMF track) with the GPS of `points`, which come in
/// media-time order (as `resample_lazily` makes them); points before a payload already
/// written are left out. Durations are the track's own, in milliseconds (GoPro writes the
/// track in timescale 1000, so they are exact there; elsewhere each sample boundary is
/// rounded to the nearest millisecond, which keeps the total).
pub fn replace_gps<R: Read + Seek>(
    track: &Track<'_>,
    reader: &mut R,
    points: impl IntoIterator<Item = GpsPoint>,
    options: &TrackOptions,
) -> Result<GpsReplaced, ReplaceError> {
    let mut points = points.into_iter().peekable();
    let mut gps = GpsPayloads::new(
        DeviceWriter::new(1, &options.device_name),
        options.altitude_ref,
        options.gps9,
    );
    let timescale = f64::from(track.mdhd.timescale.max(1));
    let boundary_ms = |ticks: u64| (ticks as f64 * 1000.0 / timescale).round() as u64;
    let mut out = GpsReplaced::empty();
    let mut buf = Vec::new();
    for sample in track.samples() {
        let sample = sample?;
        track.read_sample_into(reader, &sample, &mut buf)?;
        let (path, index, offset) = (track.node.path.clone(), sample.index, sample.offset);
        let mut nodes = read_tree(&buf).map_err(|source| ReplaceError::Payload {
            path: path.clone(),
            index,
            offset,
            source,
        })?;
        let build = |source| ReplaceError::Build {
            path: path.clone(),
            index,
            offset,
            source,
        };
        if encode(&nodes).map_err(|e| build(e.into()))? != buf {
            return Err(ReplaceError::NotReproducible {
                path,
                index,
                offset,
            });
        }
        let end_ticks = sample.decode_time + u64::from(sample.duration);
        let end = end_ticks as f64 / timescale;
        while points
            .next_if(|p| p.media_time.is_none_or(|t| t < sample.decode_seconds))
            .is_some()
        {}
        let mut run = Vec::new();
        while let Some(point) = points.next_if(|p| p.media_time.is_some_and(|t| t < end)) {
            run.push(with_defaults(point, options.default_dop));
        }
        let streams = if run.is_empty() {
            Vec::new()
        } else {
            out.gps_points += run.len() as u64;
            // STMP dates the stream's first sample, which need not start the payload.
            let first = run[0].media_time.unwrap_or(sample.decode_seconds);
            let stmp = (first * 1e6).round() as u64;
            gps.streams(&run, Some(stmp)).map_err(build)?
        };
        splice_gps(&mut nodes, streams, &mut out);
        out.track
            .samples
            .push(encode(&nodes).map_err(|e| build(e.into()))?);
        let ms = boundary_ms(end_ticks) - boundary_ms(sample.decode_time);
        out.track
            .durations_ms
            .push(u32::try_from(ms).unwrap_or(u32::MAX));
    }
    Ok(out)
}

/// Puts `streams` in place of the GPS streams of the payload `nodes`, noting the keys kept
/// and removed.
fn splice_gps(nodes: &mut [Node], streams: Vec<Klv>, out: &mut GpsReplaced) {
    let mut new = Some(streams);
    for device in nodes.iter_mut().filter_map(devc_children) {
        let mut kept = Vec::with_capacity(device.len());
        for node in device.drain(..) {
            let Some(children) = strm_children(&node) else {
                kept.push(node);
                continue;
            };
            let gps_key = children.iter().find_map(|child| match child {
                Node::Klv(klv) if [GPS5, GPS9, GPRI].contains(&klv.key) => Some(klv.key),
                _ => None,
            });
            if let Some(key) = gps_key {
                note(&mut out.removed, key);
                kept.extend(new.take().into_iter().flatten().map(Node::Klv));
            } else {
                // A stream's name in the report is its data key: as the reader takes it, its
                // last KLV that is not metadata (CORI follows a VPTS on the MAX).
                let data_key = children.iter().rev().find_map(|child| match child {
                    Node::Klv(klv) if !is_metadata_key(klv.key) => Some(klv.key),
                    _ => None,
                });
                if let Some(key) = data_key {
                    note(&mut out.kept, key);
                }
                kept.push(node);
            }
        }
        *device = kept;
    }
    if let Some(first) = nodes.iter_mut().find_map(devc_children) {
        first.extend(new.into_iter().flatten().map(Node::Klv));
    }
}

fn devc_children(node: &mut Node) -> Option<&mut Vec<Node>> {
    match node {
        Node::Klv(Klv {
            key,
            body: Body::Nest(children),
        }) if *key == DEVC => Some(children),
        _ => None,
    }
}

fn strm_children(node: &Node) -> Option<&[Node]> {
    match node {
        Node::Klv(Klv {
            key,
            body: Body::Nest(children),
        }) if *key == STRM => Some(children),
        _ => None,
    }
}

fn note(keys: &mut Vec<FourCC>, key: FourCC) {
    if !keys.contains(&key) {
        keys.push(key);
    }
}

#[cfg(test)]
mod tests {
    use telemux_read::gpmf::keys::STNM;
    use telemux_read::gpmf::{Data, Values};

    use super::*;

    fn value(key: &[u8; 4], v: u32) -> Node {
        Node::Klv(Klv::data(
            FourCC::new(key),
            Data::new(4, Values::U32(vec![v])).unwrap(),
        ))
    }

    /// A STRM with a name and one sample of `key`.
    fn strm(key: &[u8; 4]) -> Node {
        Node::Klv(Klv::nest(
            STRM,
            vec![
                Node::Klv(Klv::data(STNM, Data::text(b"name").unwrap())),
                value(key, 7),
            ],
        ))
    }

    fn devc(id: u32, streams: &[&[u8; 4]]) -> Node {
        let mut children = vec![value(b"DVID", id)];
        children.extend(streams.iter().map(|k| strm(k)));
        Node::Klv(Klv::nest(DEVC, children))
    }

    fn new_gps() -> Vec<Klv> {
        match strm(b"GPS5") {
            Node::Klv(klv) => vec![klv],
            Node::Filler(_) => unreachable!(),
        }
    }

    #[test]
    fn the_new_gps_takes_the_place_of_the_first_old_gps_stream() {
        let mut nodes = vec![
            devc(1, &[b"ACCL"]),
            devc(2, &[b"GLPI", b"GPRI", b"GPS9", b"SYST"]),
        ];
        let mut out = GpsReplaced::empty();
        splice_gps(&mut nodes, new_gps(), &mut out);
        assert_eq!(
            nodes,
            [devc(1, &[b"ACCL"]), devc(2, &[b"GLPI", b"GPS5", b"SYST"])]
        );
        let keys = |k: &[&[u8; 4]]| k.iter().map(|k| FourCC::new(k)).collect::<Vec<_>>();
        assert_eq!(out.kept, keys(&[b"ACCL", b"GLPI", b"SYST"]));
        assert_eq!(out.removed, keys(&[b"GPRI", b"GPS9"]));
    }

    #[test]
    fn without_an_old_gps_stream_the_new_one_ends_the_first_device() {
        let mut nodes = vec![devc(1, &[b"ACCL"]), devc(2, &[b"GYRO"])];
        splice_gps(&mut nodes, new_gps(), &mut GpsReplaced::empty());
        assert_eq!(nodes, [devc(1, &[b"ACCL", b"GPS5"]), devc(2, &[b"GYRO"])]);
    }

    #[test]
    fn a_span_without_points_loses_its_gps_stream() {
        let mut nodes = vec![devc(1, &[b"ACCL", b"GPS5", b"GYRO"])];
        splice_gps(&mut nodes, Vec::new(), &mut GpsReplaced::empty());
        assert_eq!(nodes, [devc(1, &[b"ACCL", b"GYRO"])]);
    }
}
