//! `telemux inject`: a GPX track written into a video as a GoPro GPMF telemetry track.

use std::path::{Path, PathBuf};

use anyhow::bail;
use std::process::ExitCode;

use clap::ValueEnum;
use telemux_write::jobs::{Anchor, GpxInput, Points};
use telemux_write::output::AtomicOutput;
use time::{OffsetDateTime, UtcOffset};

use super::embed::{embed, video_output, Job, WriteArgs};
use super::sync::{parse_time, parse_utc_offset};
use super::values::Number;

/// Write a GPX track into a video as a GoPro GPMF telemetry track (for Street View, Mapillary,
/// and every GoPro-aware tool).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
The track is lined up by time: by default the video starts at its own creation time (mvhd),
read as UTC. Cameras that write local time need --video-tz; --offset shifts by seconds;
--start gives the start directly; --sync first-point starts the video at the first GPS point.
telemux prints the alignment and how much of the video the GPX covers, and refuses when they do
not overlap. The points are resampled to --rate Hz; gaps longer than --max-gap are not bridged.
Points without <hdop>/<pdop> get DOP --dop (4.0 by default, which Mapillary accepts), points
without <fix> a 3D fix (2D without <ele>). Every other byte and track of the video is kept.

Examples:
  telemux inject ride.mp4 --gpx ride.gpx -o ride-gps.mp4
  telemux inject ride.mp4 --gpx ride.gpx --video-tz +02:00 -o ride-gps.mp4
  telemux inject ride.mp4 --gpx a.gpx --gpx b.gpx --offset -2.5 --faststart -o out.mp4
  telemux inject ride.mp4 --gpx ride.gpx --in-place
  gpsbabel -i garmin_fit -f ride.fit -o gpx -F - | telemux inject ride.mp4 --gpx - -o out.mp4
  telemux inject GX010042.MP4 --gpx better.gpx --replace --street-view --make GoPro \\
      --model 'HERO7 Black' -o GX010042-gps.MP4
  telemux inject ride.mp4 --gpx phone.gpx --dop 2.5 --model 'Pixel 8' -o ride-gps.mp4")]
pub struct InjectArgs {
    /// The video (MP4/MOV)
    pub video: PathBuf,

    /// GPX file(s) with timestamps; several are merged by time; - reads standard input
    #[arg(long, required = true)]
    pub gpx: Vec<PathBuf>,

    /// Output file (the input is never modified unless --in-place)
    #[arg(
        long,
        short = 'o',
        required_unless_present = "in_place",
        conflicts_with = "in_place",
        value_parser = video_output
    )]
    pub output: Option<PathBuf>,

    /// The video's clock is local time at this UTC offset (e.g. +02:00)
    #[arg(long, value_parser = parse_utc_offset, allow_hyphen_values = true)]
    pub video_tz: Option<UtcOffset>,

    /// Seconds added to the video's start time (negative moves it earlier)
    #[arg(long, default_value_t = 0.0, allow_hyphen_values = true,
          value_parser = Number::finite("seconds"))]
    pub offset: f64,

    /// The video's start time, e.g. 2024-05-01T10:00:00Z (instead of its creation time)
    #[arg(long, value_parser = parse_time, conflicts_with_all = ["sync", "video_tz"])]
    pub start: Option<OffsetDateTime>,

    /// What the video's start is lined up with
    #[arg(long, value_enum, default_value_t = Sync::CreationTime)]
    pub sync: Sync,

    #[command(flatten)]
    pub write: WriteArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Sync {
    /// The video's creation time (mvhd)
    CreationTime,
    /// The first GPS point
    FirstPoint,
}

pub fn run(args: InjectArgs) -> anyhow::Result<ExitCode> {
    args.write.check()?;
    if args.gpx.iter().filter(|p| is_stdin(p)).count() > 1 {
        bail!("--gpx - is given more than once: standard input holds one GPX");
    }
    // Refuse an existing output before any work, and never write over an input.
    let inputs: Vec<PathBuf> = std::iter::once(args.video.clone())
        .chain(args.gpx.iter().filter(|p| !is_stdin(p)).cloned())
        .collect();
    let output = match &args.output {
        Some(path) => Some(AtomicOutput::create(path, args.write.force, &inputs)?),
        None => None,
    };
    let anchor = match (args.start, args.sync) {
        (Some(start), _) => Anchor::Start(start),
        (None, Sync::FirstPoint) => Anchor::FirstPoint,
        (None, Sync::CreationTime) => Anchor::CreationTime {
            video_tz: args.video_tz,
        },
    };
    let gpx = args.gpx.iter().cloned().map(gpx_input).collect();
    embed(
        &args.video,
        output,
        Job::Inject(Points::Gpx(gpx)),
        &args.write.options(anchor, args.offset),
    )?;
    Ok(ExitCode::SUCCESS)
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// `--gpx -` reads the GPX from standard input (`gpsbabel … -F - | telemux inject …`).
fn gpx_input(path: PathBuf) -> GpxInput<'static> {
    if is_stdin(&path) {
        GpxInput::Reader {
            name: "standard input".into(),
            reader: Box::new(std::io::stdin().lock()),
        }
    } else {
        GpxInput::File(path)
    }
}
