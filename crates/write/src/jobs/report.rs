//! What a job did, as data: the caller words it (the CLI prints it line by line).

use telemux_read::gpx::Totals;
use telemux_read::track::{Coverage, FilterReport};
use telemux_read::FourCC;
use time::OffsetDateTime;

use crate::mp4::in_place::Unfinished;
use crate::mp4::Placed;

use super::align::Alignment;
use super::track_input::TrackRead;

/// Where the points of a job come from, for the words of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PointsFrom {
    /// Track files of this format ("GPX", "FIT", "DJI SRT"; "track" for several formats).
    Track(&'static str),
    /// GPS points given as values (a dashcam's own GPS).
    Gps,
}

impl PointsFrom {
    /// The format ("GPX", "FIT") or "GPS", as reports and errors name the points.
    pub fn label(self) -> &'static str {
        match self {
            PointsFrom::Track(format) => format,
            PointsFrom::Gps => "GPS",
        }
    }
}

/// What a job found and did, in the order it happened. A failed job returns the part done
/// before it failed ([`super::Failure`]), so a caller can show how far it came.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Report {
    /// `convert`: what was read of the clip's own telemetry.
    pub source: Option<SourceRead>,
    /// In place: the staging box of an interrupted run, removed before this one.
    pub removed_unfinished: Option<Unfinished>,
    /// The track files read, each with its format and warnings (empty for points given as
    /// values).
    pub tracks: Vec<TrackRead>,
    /// Track points without a time, ignored.
    pub untimed_ignored: usize,
    /// Track files: what the cleaning before resampling did (`None` for points given as values).
    pub cleaned: Option<Cleaned>,
    /// How the track was lined up with the video.
    pub aligned: Option<Aligned>,
    /// How much of the video the track covers, and the gaps not bridged.
    pub coverage: Option<Coverage>,
    /// Points written with the default DOP because the track has none for them.
    pub default_dop: Option<DefaultDop>,
    /// With `replace`: the GPS replaced in the existing GPMF track.
    pub replaced: Option<Replaced>,
    /// Without `replace`: the sensor streams given beside the GPS.
    pub sensors: Option<SensorsWritten>,
    /// Existing GPMF tracks removed (beyond the one whose GPS was replaced).
    pub removed_tracks: usize,
    /// With `street_view`: the creation times rewritten to the video's start in UTC.
    pub retimed: Option<Retimed>,
    /// The track written and where it went; `None` until the output is complete.
    pub written: Option<Written>,
}

/// The creation and modification times of mvhd, tkhd and mdhd moved so that mvhd's creation
/// time is the video's start in UTC (Street View compares it with the GPS).
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Retimed {
    /// mvhd's creation time as stored, read as UTC (the camera's clock, often local time).
    pub was: OffsetDateTime,
    /// The creation time written: the video's start in UTC, to the second.
    pub now: OffsetDateTime,
    /// Seconds added to every non-zero creation and modification time.
    pub shift: i64,
}

/// What `convert` read of a clip's own telemetry.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct SourceRead {
    /// One line: what was found (format, points, blocks).
    pub summary: String,
    /// What the reader noticed and skipped.
    pub warnings: Vec<String>,
    /// A line per dashcam block, when asked for.
    pub details: Vec<String>,
}

/// What the cleaning before resampling dropped or reordered (docs/formats.md, *Cleaning*).
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Cleaned {
    /// Points at the same time as an earlier one (in the same or an earlier file), dropped.
    pub duplicates: usize,
    /// Points dated before the point before them in their file, put in time order.
    pub out_of_order: usize,
    /// The (0, 0) points and spikes dropped, and the points kept; `None` with
    /// `keep_outliers`.
    pub filters: Option<FilterReport>,
    /// The speed above which a point is a spike, m/s.
    pub max_speed: f64,
}

/// How the track was lined up with the video.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Aligned {
    /// The video's start and end in UTC and how the start was decided.
    pub alignment: Alignment,
    /// The video's duration, seconds (mvhd).
    pub duration: f64,
    /// Counts and time span of every timed point of the track.
    pub totals: Totals,
    /// What the points are.
    pub points_from: PointsFrom,
}

/// Points written with the default DOP.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct DefaultDop {
    /// Points of the track without a DOP.
    pub without: usize,
    /// Points of the track.
    pub of: usize,
    /// The DOP written for them.
    pub dop: f64,
}

/// The GPS replaced in an existing GPMF track.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Replaced {
    /// Track id of the existing track.
    pub track_id: u32,
    /// Its payloads.
    pub payloads: usize,
    /// The GPS streams removed, each key once.
    pub removed: Vec<FourCC>,
    /// The streams kept, each key once, in order of first appearance.
    pub kept: Vec<FourCC>,
}

/// The sensor streams given beside the GPS, and what became of them.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct SensorsWritten {
    /// Per stream written: key, samples written and the SCAL chosen.
    pub written: Vec<(String, u64, i32)>,
    /// Keys of streams GPMF has no layout for.
    pub unsupported: Vec<String>,
    /// Samples outside the video (or without a media time), left out.
    pub left_out: u64,
}

/// The track written.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Written {
    /// Where the telemetry went in the file.
    pub placed: Placed,
    /// Track id of the GPMF track.
    pub track_id: u32,
    /// GPS points written.
    pub gps_points: u64,
    /// GPS samples per second.
    pub rate: f64,
    /// Payloads (samples) of the track.
    pub payloads: usize,
    /// Size of the finished file, bytes.
    pub size: u64,
}
