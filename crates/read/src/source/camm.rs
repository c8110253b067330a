//! CAMM: the Camera Motion Metadata track of 360 cameras and the Street View app (a `camm`
//! sample entry), read by `crate::camm`. Tried after the GPMF track: a file holding both is
//! read as GPMF, whose points carry more (DOP, satellites, GoPro's sensors).

use super::registry::{Format, Reach, ReadSeek};
use super::{FileTelemetry, Found, Observer, Options, Origin, SourceError};
use crate::camm;
use crate::mp4::Mp4;

/// The first track with a `camm` sample entry.
pub static FORMAT: Format = Format {
    name: "CAMM",
    looked_for: &["a CAMM track (camm sample entry)"],
    gpmf: false,
    extensions: &["mp4", "mov"],
    reach: Reach::Mp4(read),
};

/// The first CAMM track, or `None` without one. Bad packets are skipped with a warning each.
fn read(
    mp4: &Mp4,
    mut reader: &mut dyn ReadSeek,
    options: &Options,
    _observer: &mut Observer<'_>,
) -> Option<Found> {
    let track = camm::find_track(mp4)?;
    let read_options = camm::ReadOptions {
        sensors: options.sensors,
    };
    let read = camm::read(mp4, &track, &mut reader, read_options);
    Some(Found {
        format: &FORMAT,
        location: track.node.path.clone(),
        extent: format!("{} packets", track.sample_count()),
        telemetry: read.map(from_camm).map_err(SourceError::Mp4),
    })
}

fn from_camm(read: camm::CammTelemetry) -> FileTelemetry {
    let facts = read.facts;
    FileTelemetry {
        summary: format!(
            "{}: {} points in {} packets ({})",
            read.telemetry.source,
            read.telemetry.gps.len(),
            facts.samples,
            facts.kinds()
        ),
        origin: Origin::Camm,
        warnings: facts.warnings(),
        details: Vec::new(),
        cut: None,
        camm: Some(facts),
        telemetry: read.telemetry,
    }
}
