//! `telemux verify`: is a video and its telemetry sound, before it is uploaded?
//!
//! [`verify`] reads the top-level box headers, `moov` and the telemetry samples (never the
//! media data) and returns a [`Report`] of checks in three sections:
//! - container: box sizes, overlaps, trailing bytes, `moov` count and position, whether GoPro's
//!   parser reaches the moov, sample tables, chunk placement, chunk offset width, edit lists;
//! - telemetry: which sources are present, GPMF payload validity and TSMP continuity, time
//!   order, and the GPS track's fix share, DOP, rate, coverage and gaps;
//! - street_view (on request): the reasons Street View gives for rejecting an upload, and what
//!   it asks of a 360 video (spherical metadata, resolution, frame rate).
//!
//! A damaged top level (a file cut short, stray bytes, a size that runs over the next box) is
//! reported as failed checks; only a file that is no MP4/MOV, or whose first box or `moov`
//! cannot be read, is an error.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use telemux_read::verify::{verify, Options, Status};
//!
//! let mut file = std::fs::File::open("GX010001.MP4")?;
//! let report = verify(&mut file, &Options::default())?;
//! for check in &report.checks {
//!     println!("{}  {}  {}", check.status.label(), check.id, check.message);
//! }
//! assert_ne!(report.status(), Status::Fail);
//! # Ok(())
//! # }
//! ```

mod boxes;
mod camm;
mod chunks;
mod fragments;
mod gpmf;
mod layout;
mod reach;
mod report;
mod sources;
mod spherical;
mod street_view;
mod telemetry;
mod time;
mod tracks;

use std::io::{Read, Seek, SeekFrom};

use ::time::OffsetDateTime;

use crate::mp4::Mp4;
use crate::source::{check_mp4, SourceError};

pub use gpmf::{GpmfFacts, PayloadValidity, TsmpReading};
pub use layout::{Damage, Layout};
pub use report::{Check, Report, Section, Status, Tally, TrackSummary, Value};
pub use sources::{Source, Suspect};

/// Street View's JUMPY_GPS threshold as telemux estimates it, the one jump definition's.
pub use crate::track::jumps::DEFAULT_MAX_SPEED;

/// What to check.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Options {
    /// Add the `street_view` section.
    pub street_view: bool,
    /// Implied speed between consecutive GPS points above which the track jumps, m/s.
    pub max_speed: f64,
    /// The current time, for "capture time in the future".
    pub now: OffsetDateTime,
    /// Check the CAMM track's GPS (not the GPMF track's) in a file with both.
    pub prefer_camm: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            street_view: false,
            max_speed: DEFAULT_MAX_SPEED,
            now: OffsetDateTime::now_utc(),
            prefer_camm: false,
        }
    }
}

/// Verifies the MP4/QuickTime file (or raw GPMF track) in `reader`, reading its telemetry
/// through [`crate::source`] as `extract` does. Errors when the file cannot be read as one:
/// not an MP4/MOV at all (`NotMp4`), no readable first box, no `moov`, a `moov` whose tree is
/// broken (`Mp4`, naming the box path and byte offset), or a failed read.
pub fn verify<R: Read + Seek>(reader: &mut R, options: &Options) -> Result<Report, SourceError> {
    if let Some(source) = sources::find_in_head(reader)? {
        return Ok(verify_headless(source));
    }
    check_mp4(reader)?;
    let file_len = reader.seek(SeekFrom::End(0))?;
    let layout = Layout::walk(reader, file_len)?;
    if let Some(error) = layout.unfinalised() {
        return Err(error.into());
    }
    let mp4 = Mp4::open_with_top_level(reader, file_len, layout.top_level())?;
    let tracks: Vec<_> = mp4.tracks().collect();
    let placement = chunks::Placement::of(&tracks);
    let mdats: Vec<_> = layout.mdats().copied().collect();

    let mut checks = boxes::checks(&layout, &mp4.moov().root().header);
    checks.push(reach::check(&layout, &mp4.moov().root().header));
    checks.extend([
        tracks::movie_header(&mp4),
        tracks::tracks(&tracks),
        tracks::sample_tables(&tracks),
        chunks::in_mdat(&placement, &mdats),
        chunks::overlap(&placement),
        chunks::offset_width(&tracks, file_len),
        tracks::edit_lists(&tracks),
    ]);
    let video = spherical::Video::find(mp4.moov(), &tracks);
    checks.push(spherical::check(video.as_ref()));
    checks.push(fragments::check(&mp4, reader, &mdats));

    let (sources, suspects) = sources::find(reader, &mp4, &tracks, options.prefer_camm);
    checks.push(telemetry::sources(&sources, &suspects));
    checks.extend(gpmf_checks(&sources));
    let primary = telemetry::primary(&sources);
    // Only a file with a CAMM track has these checks, so other reports stay as they were.
    if let Some(source) = sources.iter().find(|s| s.camm.is_some()) {
        checks.extend(camm::checks(source));
    }
    let mvhd = mp4.mvhd().ok().filter(|m| m.timescale > 0);
    let duration = mvhd.map(|m| m.duration as f64 / f64::from(m.timescale));
    checks.extend(telemetry::checks(primary, duration));

    if options.street_view {
        let movie = street_view::Movie {
            created: mvhd
                .filter(|m| m.times.creation != 0)
                .and_then(|m| m.times.creation_utc()),
            duration,
        };
        let limits = street_view::Limits {
            max_speed: options.max_speed,
            now: options.now,
        };
        checks.extend(street_view::checks(
            primary,
            &movie,
            mp4.user_data(),
            &limits,
        ));
        checks.extend(spherical::street_view(video.as_ref()));
    }
    Ok(Report {
        checks,
        track: track_summary(&sources),
    })
}

/// The failed checks among those that say whether `mp4`'s sample tables can be trusted, as
/// `verify` reports them: `sample_tables`, and `chunks_in_mdat` when samples lie past the end
/// of the file. A writer that relocates the tables refuses such a file rather than change its
/// tracks. (Samples inside the file but outside an mdat are the writer's layout to judge: it
/// moves them with the box that holds them, or refuses.)
pub fn untrusted_tables(mp4: &Mp4) -> Vec<Check> {
    let tracks: Vec<_> = mp4.tracks().collect();
    let placement = chunks::Placement::of(&tracks);
    let mut checks = vec![tracks::sample_tables(&tracks)];
    if !placement.errors.is_empty() {
        let mdats: Vec<_> = mp4
            .top_level()
            .iter()
            .filter(|b| b.kind.as_bytes() == b"mdat")
            .copied()
            .collect();
        checks.push(chunks::in_mdat(&placement, &mdats));
    }
    checks.retain(|check| check.status == Status::Fail);
    checks
}

/// A file without a container (raw GPMF) has no video: only the telemetry section, without
/// coverage of a video, and no Street View section (Street View takes videos).
fn verify_headless(source: Source) -> Report {
    let sources = [source];
    let mut checks = vec![telemetry::sources(&sources, &[])];
    checks.extend(gpmf_checks(&sources));
    checks.extend(telemetry::checks(telemetry::primary(&sources), None));
    Report {
        checks,
        track: track_summary(&sources),
    }
}

/// The track the checks looked at, in brief.
fn track_summary(sources: &[Source]) -> Option<TrackSummary> {
    sources.iter().find_map(|source| {
        let telemetry = source.telemetry.as_ref().ok()?;
        Some(TrackSummary::of(source.format.name, telemetry))
    })
}

/// `gpmf_payloads` and `gpmf_tsmp` from the GPMF source, if there is one.
fn gpmf_checks(sources: &[Source]) -> [Check; 2] {
    match sources.iter().find_map(|s| s.gpmf.as_ref()) {
        Some(facts) => [gpmf::payloads(&facts.payloads), gpmf::tsmp(&facts.tsmp)],
        None => ["gpmf_payloads", "gpmf_tsmp"]
            .map(|id| Check::new(id, Section::Telemetry, Status::Skip, "no GPMF telemetry")),
    }
}
