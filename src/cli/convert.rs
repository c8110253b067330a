//! `telemux convert`: a dashcam's own GPS (Novatek `freeGPS`), or a drone's sidecar (DJI
//! `.SRT`), written into its video as a GoPro GPMF track, through the same writer as `inject`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;
use clap::ValueEnum;
use telemux_read::model::GpsPoint;
use telemux_read::novatek;
use telemux_write::export::gpx;
use telemux_write::jobs::{self, Anchor};
use telemux_write::output::{check_replaceable, AtomicOutput};
use time::UtcOffset;

use super::batch::{each_clip, Destination};
use super::dashcam_args::DashcamArgs;
use super::embed::{embed, video_output, Job, WriteArgs};
use super::inputs;
use super::sync::parse_utc_offset;
use super::text_output::write_text;
use super::values::Number;

/// Write a dashcam's own GPS (Novatek freeGPS: Viofo, Rexing, Kenwood, Nextbase, Azdome, …),
/// or a DJI drone's DJI_0001.SRT beside DJI_0001.MP4, into the video as a GoPro GPMF track.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Each clip's GPS blocks (read through moov/gps, else by scanning mdat) are lined up with the
video by time: --sync auto (the default) uses the video's creation time (mvhd) when it equals
the first GPS fix up to a whole time zone (Novatek cameras write local time there, the GPS is
UTC; the zone found is printed), else the first GPS fix is the video's start. The points are
resampled to --rate Hz and written as a GPMF track; every other byte and track is kept.
MPEG-TS recordings cannot carry the track: use telemux extract for them. With --street-view
(and --make/--model) the creation times are rewritten to the video's start in UTC, the
camera's zone removed, so Street View's time check passes.

A video with a subtitle file of the same name beside it (DJI_0001.MP4 and DJI_0001.SRT, any
case) is a DJI drone's: the SRT's GPS is written instead. Its subtitle times are the video's own
timeline, so --sync auto lines it up by them, without any clock; the SRT's dates are the
drone's local clock, read as UTC unless --gps-tz gives its offset. A folder pairs each video
with its SRT.

Examples:
  telemux convert 2024_0501_100000_001.MP4 -o clip-gps.mp4
  telemux convert DCIM/Movie/ --out-dir converted/ --gpx drive.gpx
  telemux convert clip.MP4 --in-place
  telemux convert clip.MP4 --gps-tz +09:00 --sync first-point -o out.mp4
  telemux convert DJI_0001.MP4 --gps-tz +02:00 -o DJI_0001-gps.MP4   (reads DJI_0001.SRT)
  telemux convert DCIM/100MEDIA/ --out-dir gps/                       (each video with its SRT)")]
pub struct ConvertArgs {
    /// Dashcam videos (MP4/MOV) or folders of them
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,

    /// Output file, for one input video
    #[arg(long, short = 'o', conflicts_with_all = ["in_place", "out_dir"],
          value_parser = video_output)]
    pub output: Option<PathBuf>,

    /// Folder for the outputs: DIR/<name of each clip>, created when missing
    #[arg(long, conflicts_with = "in_place")]
    pub out_dir: Option<PathBuf>,

    /// Also write the dashcam's GPS (its own fixes, a segment per clip) to this GPX file
    #[arg(long)]
    pub gpx: Option<PathBuf>,

    #[command(flatten)]
    pub dashcam: DashcamArgs,

    /// What the video's start is lined up with
    #[arg(long, value_enum, default_value_t = Sync::Auto)]
    pub sync: Sync,

    /// With --sync creation-time: the video's clock is local time at this UTC offset
    #[arg(long, value_parser = parse_utc_offset, allow_hyphen_values = true)]
    pub video_tz: Option<UtcOffset>,

    /// Seconds added to the video's start time (negative moves it earlier)
    #[arg(long, default_value_t = 0.0, allow_hyphen_values = true,
          value_parser = Number::finite("seconds"))]
    pub offset: f64,

    #[command(flatten)]
    pub write: WriteArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Sync {
    /// mvhd creation time if it matches the GPS up to a time zone, else the first fix
    Auto,
    /// The first GPS fix
    FirstPoint,
    /// The video's creation time (mvhd), as UTC or at --video-tz
    CreationTime,
}

pub fn run(args: ConvertArgs) -> anyhow::Result<ExitCode> {
    args.write.check()?;
    if args.output.is_none() && args.out_dir.is_none() && !args.write.in_place {
        bail!("say where the result goes: -o FILE, --out-dir DIR, or --in-place");
    }
    if args.video_tz.is_some() && args.sync != Sync::CreationTime {
        bail!("--video-tz applies to --sync creation-time");
    }
    let paths = inputs::expand(&args.inputs)?;
    if let Some(gpx_path) = &args.gpx {
        // Refused before any clip is converted, not after (--in-place would have changed them).
        check_replaceable(gpx_path, args.write.force, &paths)?;
    }
    let destination = Destination::new(args.output.as_deref(), args.out_dir.as_deref(), &paths)?;
    let finished = each_clip(&paths, |path| {
        let output = destination.output(path, args.write.force, &paths)?;
        convert_one(path, output, &args)
    })?;
    let mut clips = finished.results;
    // The GPS of the clips converted; none converted, no GPX either.
    if let (Some(gpx_path), false) = (&args.gpx, clips.is_empty()) {
        for i in 1..clips.len() {
            let (before, after) = clips.split_at_mut(i);
            if let (Some(previous), Some(clip)) = (before.last(), after.first_mut()) {
                novatek::drop_repeated(previous, clip);
            }
        }
        write_text(Some(gpx_path), args.write.force, &paths, |out| {
            gpx::write_gpx(out, &clips, gpx::GpxVersion::V1_1)?;
            Ok(())
        })?;
        note!("{}: dashcam GPS written as GPX", gpx_path.display());
    }
    Ok(finished.code)
}

/// Converts one clip into `output` (`None`: in place); returns its GPS fixes (for `--gpx`).
fn convert_one(
    path: &Path,
    output: Option<AtomicOutput>,
    args: &ConvertArgs,
) -> anyhow::Result<Vec<GpsPoint>> {
    let anchor = match args.sync {
        Sync::Auto => Anchor::Dashcam,
        Sync::FirstPoint => Anchor::FirstPoint,
        Sync::CreationTime => Anchor::CreationTime {
            video_tz: args.video_tz,
        },
    };
    let options = args.write.options(anchor, args.offset);
    // A drone's video has its GPS beside it (DJI_0001.SRT), not inside.
    if let Some(track) = jobs::sidecar(path) {
        let tz = args.dashcam.gps_tz.unwrap_or(UtcOffset::UTC);
        return embed(path, output, Job::Sidecar(track, tz), &options);
    }
    // A TomTom Bandit's IMU, barometer and thermometer go into the GPMF too.
    let read = args.dashcam.options(true, false);
    embed(path, output, Job::Convert(read), &options)
}
