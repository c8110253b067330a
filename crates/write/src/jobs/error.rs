//! Why a job stopped, as data. The texts state the facts; advice naming command-line flags is
//! the CLI's to add (`telemux` words each variant).

use std::io;

use telemux_read::mp4::Mp4Error;
use telemux_read::source::SourceError;
use telemux_read::track_input::TrackInputError;

use crate::file_lock::LockError;
use crate::gpmf::ReplaceError;
use crate::mp4::RewriteError;
use crate::telemetry_track::TrackError;

use super::align::AlignError;
use super::options::OptionError;
use super::report::{PointsFrom, Report};

/// Why an inject or convert job stopped. Every variant but `Lock`, `TrackOpen`, `TrackFile` and
/// `Write` is about the video, whose name the caller knows and adds.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JobError {
    /// An option value that cannot make a track.
    #[error(transparent)]
    Options(#[from] OptionError),
    /// Another telemux holds the file (in place).
    #[error(transparent)]
    Lock(#[from] LockError),
    /// Removing the staging box of an interrupted run failed (in place).
    #[error(transparent)]
    Unfinished(io::Error),
    /// The video is no MP4/MOV, or its boxes cannot be read.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// The video's boxes or samples cannot be read.
    #[error(transparent)]
    Mp4(#[from] Mp4Error),
    /// mvhd gives no duration.
    #[error("the video has no duration (mvhd)")]
    NoDuration,
    /// mvhd claims far more time than the tracks' sample tables hold: telemetry for every
    /// second claimed would be written for media that does not exist.
    #[error(
        "mvhd says the movie lasts {claimed:.3} s, but its longest track holds {media:.3} s of \
         media (stts): refusing to write telemetry for time the video does not have"
    )]
    ClaimedDuration {
        /// mvhd's duration, seconds.
        claimed: f64,
        /// The longest track's media, seconds.
        media: f64,
    },
    /// The video's start could not be decided.
    #[error(transparent)]
    Align(#[from] AlignError),
    /// A track file could not be opened.
    #[error("{name}: {source}")]
    TrackOpen {
        /// The file's name.
        name: String,
        /// What failed.
        #[source]
        source: io::Error,
    },
    /// A track file could not be read, or is in no format telemux reads.
    #[error("{name}: {source}")]
    TrackFile {
        /// The file's name.
        name: String,
        /// What is wrong, with its line or byte offset.
        #[source]
        source: TrackInputError,
    },
    /// The track has no point with a time, so nothing to line up with the video.
    #[error("the track has no points with times")]
    NoTimedPoints,
    /// The track and the video do not overlap in time.
    #[error("the {} and the video do not overlap in time", .points_from.label())]
    NoOverlap {
        /// What the points are.
        points_from: PointsFrom,
    },
    /// The track meets the video but gives fewer than two samples in it: one point, or fixes
    /// further apart than `max_gap` around it.
    #[error(
        "the {} covers none of the video: {}",
        .points_from.label(),
        match .longest_gap {
            Some(gap) => format!("its points around the video are {gap:.1} s apart, more than \
                                  the longest gap bridged ({:.1} s)", .max_gap),
            None => format!("it has {} point(s) there, and a track needs two around a moment",
                            .points),
        }
    )]
    NotCovered {
        /// What the points are.
        points_from: PointsFrom,
        /// Points of the track from the video's start to its end and the one on each side.
        points: usize,
        /// The longest interval between fixes that meets the video, seconds, when longer
        /// than `max_gap`.
        longest_gap: Option<f64>,
        /// The longest gap bridged, seconds.
        max_gap: f64,
    },
    /// Replacing keeps the existing track's sensor streams, so the ones given cannot be
    /// written too.
    #[error(
        "replacing the GPS keeps the sensor streams of the existing GPMF track, so the {}'s \
         own sensor streams cannot be written too",
        .points_from.label()
    )]
    ReplaceWithSensors {
        /// What the points are.
        points_from: PointsFrom,
    },
    /// Replacing the existing CAMM tracks would lose packets the new track does not carry (a
    /// camera's orientation, exposure or sensor packets).
    #[error(
        "replacing CAMM track {track_id} would lose its packets of type {kinds:?}, which the \
         new track does not carry"
    )]
    ReplaceLosesCamm {
        /// Track id of the CAMM track holding them.
        track_id: u32,
        /// The packet types lost.
        kinds: Vec<u16>,
    },
    /// The existing GPMF track could not be rewritten with the new GPS.
    #[error(transparent)]
    Replace(#[from] ReplaceError),
    /// The points make no track.
    #[error(transparent)]
    Track(#[from] TrackError),
    /// The rewrite is refused (existing telemetry, layout, damaged tables).
    #[error(transparent)]
    Rewrite(#[from] RewriteError),
    /// Writing the output (or the file in place) failed; in place, the file was restored.
    #[error(transparent)]
    Write(io::Error),
    /// `convert`: the clip already has GPMF telemetry, so there is no dashcam GPS to convert.
    #[error("already has GPMF telemetry ({summary}); there is no dashcam GPS to convert")]
    AlreadyGpmf {
        /// What was found.
        summary: String,
    },
    /// `convert --format camm|both`: the clip's GPS is a CAMM track already, so there is
    /// nothing to write as CAMM.
    #[error("already has CAMM telemetry ({summary}); there is nothing to convert to CAMM")]
    AlreadyCamm {
        /// What was found.
        summary: String,
    },
    /// `convert`: an MPEG-TS recording, which cannot carry a GPMF track.
    #[error("an MPEG-TS recording cannot carry a GPMF track")]
    TransportStream,
    /// `convert`: a raw GPMF track, not a video.
    #[error("a raw GPMF track, not a video")]
    RawGpmf,
}

/// A job that stopped: why, and what it had found and done until then (nothing is written:
/// a copy's output is incomplete, a file written in place has its original bytes). As an
/// error it is its `error`: the same text and causes.
#[derive(Debug)]
#[non_exhaustive]
pub struct Failure {
    /// Why it stopped.
    pub error: JobError,
    /// What was found before (its `written` is `None`).
    pub report: Box<Report>,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for Failure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error.source()
    }
}
