//! What one kind of telemetry track is, for the writer: the few boxes of its `trak` that differ
//! between formats, how points become its samples, and how to recognise a track of its kind
//! already in a file. Everything else (the rest of the `trak`, the slots of the rate grid,
//! where the samples go, chunk offsets, `--in-place`) is the same for every format and lives
//! in `telemetry_track` and `mp4`.
//!
//! GPMF ([`crate::gpmf::Gpmf`]) is the first implementation; CAMM is meant to be the second,
//! one more module implementing this trait.

use std::io::{Read, Seek};

use telemux_read::model::{GpsPoint, SensorStream};
use telemux_read::mp4::{Mp4, Mp4Error};

use crate::mp4::BoxWriter;
use crate::telemetry_track::{SensorTrack, TrackError, TrackOptions};

/// A reader the format may probe existing tracks with (`dyn`, so that formats can be chosen
/// at run time).
pub trait ReadSeek: Read + Seek {}

impl<T: Read + Seek + ?Sized> ReadSeek for T {}

/// Points on a video's rate grid, each with its slot (media time × rate, rounded), in
/// ascending slot order; of several points in one slot, the last is the one to write.
pub type Slotted<'a> = &'a mut dyn Iterator<Item = (usize, GpsPoint)>;

/// One telemetry track format: what the writer needs to know to build, place and replace a
/// track of it.
pub trait TrackFormat {
    /// The format's name in messages ("GPMF").
    fn name(&self) -> &'static str;

    /// The `hdlr` handler type of its tracks (`meta` for timed metadata).
    fn handler_type(&self) -> [u8; 4];

    /// The `hdlr` name a new track gets when none is given (GoPro's "GoPro MET").
    fn handler_name(&self) -> &'static str;

    /// Writes the media information header that opens `minf` (`gmhd` as GoPro writes it,
    /// `nmhd` for an ISO metadata track).
    fn write_media_header(&self, w: &mut BoxWriter);

    /// Writes the one sample entry of the track's `stsd` (`gpmd`, `camm`).
    fn write_sample_entry(&self, w: &mut BoxWriter);

    /// The samples of a track of `slots` slots of `1 / options.rate_hz` seconds from
    /// `points`, with `sensors` (media times in seconds) where the format carries them.
    /// Sample k starts where the durations (milliseconds) of the samples before it end.
    fn build(
        &self,
        points: Slotted<'_>,
        slots: usize,
        sensors: &[SensorStream],
        options: &TrackOptions,
    ) -> Result<SensorTrack, TrackError>;

    /// The indexes (among `mp4`'s tracks) of the tracks that already hold this format, read
    /// the way `extract` reads them: what a write must replace, or refuse to duplicate.
    fn existing_tracks(&self, mp4: &Mp4, reader: &mut dyn ReadSeek)
        -> Result<Vec<usize>, Mp4Error>;
}
