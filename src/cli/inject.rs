//! `telemux inject`: a GPS track file (GPX, FIT, DJI SRT, …) written into a video as a GoPro
//! GPMF and/or CAMM telemetry track.

use std::path::{Path, PathBuf};

use anyhow::bail;
use std::process::ExitCode;

use clap::ValueEnum;
use telemux_write::jobs::{Anchor, Points, TrackInput};
use time::{OffsetDateTime, UtcOffset};

use super::batch::{each_clip, Destination};
use super::embed::{embed, video_output, Format, Job, WriteArgs};
use super::inputs;
use super::sync::{parse_time, parse_utc_offset};
use super::values::Number;

/// Write a GPS track (GPX, FIT, DJI SRT, …) into a video as a GoPro GPMF telemetry track (for
/// Street View, Mapillary, and every GoPro-aware tool), or as CAMM (--format camm|both).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
--track reads GPX, FIT (Garmin watches, bike computers, VIRB) and DJI SRT files, the format
decided by the content, else the extension (--gpx is the same option); several are merged by
time. Each file's warnings (a cut FIT, a broken subtitle) name their byte offset or line.

The track is lined up by time: by default the video starts at its own creation time (mvhd),
read as UTC. Cameras that write local time need --video-tz; --offset shifts by seconds;
--start gives the start directly; --sync first-point starts the video at the first GPS point;
--sync camera-gps takes the start from the GPS the video already carries (a GoPro's: its first
fix's UTC time minus that fix's place in the video; a dashcam's blocks as convert lines them
up), for re-injecting into a clip whose clock is off. With --street-view the video's creation times
(mvhd, tkhd, mdhd) are rewritten to the start in UTC, which Street View compares with the GPS.
telemux prints the alignment and how much of the video the GPX covers, and refuses when they do
not overlap or the track covers none of the video (naming the fix). The points are resampled
to --rate Hz; gaps up to --max-gap (30 s) are interpolated, longer ones are not bridged.
First (0,0) points and spikes faster than --max-speed (150 m/s) are dropped and counted
(--keep-outliers keeps them); of points at the same time the first is kept.
Points without <hdop>/<pdop> get DOP --dop (4.0 by default, which Mapillary accepts), points
without <fix> a 3D fix (2D without <ele>). Every other byte and track of the video is kept.
--format camm writes Google's CAMM (Street View's own format: one packet per point, GPS time,
accuracy = DOP x 5 m) instead of GPMF; --format both writes the two tracks in one go.

Examples:
  telemux inject ride.mp4 --track ride.fit -o ride-gps.mp4
  telemux inject ride.mp4 --track watch.fit --track phone.gpx -o ride-gps.mp4
  telemux inject ride.mp4 --gpx ride.gpx -o ride-gps.mp4
  telemux inject ride.mp4 --gpx ride.gpx --video-tz +02:00 -o ride-gps.mp4
  telemux inject ride.mp4 --track a.gpx --track b.nmea --offset -2.5 --faststart -o out.mp4
  telemux inject ride.mp4 --gpx ride.gpx --in-place
  ssh pi@logger cat gps.nmea | telemux inject ride.mp4 --track - -o out.mp4
  telemux inject GX010042.MP4 --gpx better.gpx --replace --street-view --make GoPro \\
      --model 'HERO7 Black' -o GX010042-gps.MP4
  telemux inject GX010042.MP4 --gpx better.gpx --replace --sync camera-gps -o fixed.MP4
  telemux inject ride.mp4 --gpx ride.gpx --video-tz +02:00 --street-view --make GoPro \\
      --model 'HERO7 Black' -o ride-sv.mp4   (creation time written as UTC)
  telemux inject ride.mp4 --gpx phone.gpx --dop 2.5 --model 'Pixel 8' -o ride-gps.mp4
  telemux inject ride.mp4 --track watch.fit --max-gap 60 -o ride-gps.mp4
  telemux inject pano.mp4 --gpx ride.gpx --format camm --street-view --make Insta360 \\
      --model 'ONE X2' -o pano-sv.mp4   (CAMM for Street View)
  telemux inject ride.mp4 --gpx ride.gpx --format both -o ride-gps.mp4
  telemux inject pano.mp4 --track ride.gpx --spherical -o pano-gps.mp4
  telemux inject pano.mp4 --spherical -o pano-360.mp4   (the 360 metadata alone, no GPS)
  telemux inject pano.mp4 --spherical --stereo top-bottom --in-place

--spherical marks the first video track as a 360° equirectangular video (Spherical Video V1
uuid XML in its trak, V2 st3d/sv3d in its sample entry), replacing any spherical metadata it
has, so players and Street View show it as 360°. Without --track only that metadata (and
--make/--model/--firmware; --street-view then adds manu/modl but keeps the creation times) is
written, no track.

Several videos, or folders of them (an SD card: subfolders are searched, .LRV proxies and
.THM thumbnails beside their video skipped), take one track: each clip gets its slice of it,
written to --out-dir under the clip's own name (the folder is created), or --in-place. Clips
the track does not cover are listed and skipped; the exit code is 0 when at least one clip was
written and the others were only not covered, 2 when any clip failed or none was written.
  telemux inject /media/SD/DCIM/ --gpx day.gpx --out-dir gps/ --street-view --make GoPro \\
      --model 'HERO8 Black'
  telemux inject GX010123.MP4 GX020123.MP4 --gpx day.gpx --in-place")]
pub struct InjectArgs {
    /// The video (MP4/MOV), or several, or folders of them
    #[arg(required = true)]
    pub videos: Vec<PathBuf>,

    /// Track file(s) with timestamps (GPX, FIT, DJI SRT, …: the format is detected from the
    /// content, else the extension); several are merged by time; - reads standard input.
    /// Without it, --spherical (and --make/--model/--firmware) are written alone
    #[arg(
        long,
        required_unless_present = "spherical",
        visible_alias = "gpx",
        value_name = "FILE"
    )]
    pub track: Vec<PathBuf>,

    /// Output file, for one video (the input is never modified unless --in-place)
    #[arg(
        long,
        short = 'o',
        required_unless_present_any = ["in_place", "out_dir"],
        conflicts_with_all = ["in_place", "out_dir"],
        value_parser = video_output
    )]
    pub output: Option<PathBuf>,

    /// Folder for the outputs: DIR/<name of each video>, created when missing
    #[arg(long, conflicts_with = "in_place")]
    pub out_dir: Option<PathBuf>,

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
    /// The GPS the video already carries (GoPro GPSU, dashcam block times)
    CameraGps,
}

pub fn run(args: InjectArgs) -> anyhow::Result<ExitCode> {
    args.write.check()?;
    let videos = inputs::expand(&args.videos)?;
    let destination = Destination::new(args.output.as_deref(), args.out_dir.as_deref(), &videos)?;
    // Without a track only the metadata is written: flags about the track would do nothing.
    if args.track.is_empty() && (args.write.format != Format::Gpmf || args.write.replace) {
        bail!(
            "--format and --replace are about the track written: give one with --track \
             (without --track, --spherical writes only the 360° metadata)"
        );
    }
    let from_stdin = args.track.iter().filter(|p| is_stdin(p)).count();
    if from_stdin > 1 {
        bail!("--track - (--gpx -) is given more than once: standard input holds one track");
    }
    if from_stdin > 0 && videos.len() > 1 {
        bail!(
            "--track - with {} videos: each clip reads the track anew and standard input can \
             be read once; save the track to a file",
            videos.len()
        );
    }
    // Never write over an input.
    let inputs: Vec<PathBuf> = videos
        .iter()
        .chain(args.track.iter().filter(|p| !is_stdin(p)))
        .cloned()
        .collect();
    let anchor = match (args.start, args.sync) {
        (Some(start), _) => Anchor::Start(start),
        (None, Sync::FirstPoint) => Anchor::FirstPoint,
        (None, Sync::CameraGps) => Anchor::CameraGps,
        (None, Sync::CreationTime) => Anchor::CreationTime {
            video_tz: args.video_tz,
        },
    };
    let options = args.write.options(anchor, args.offset);
    // Each clip reads the track anew, keeping only its own window of time: memory follows one
    // clip, and each output is what a run on that clip alone writes.
    let finished = each_clip(&videos, |video| {
        let output = destination.output(video, args.write.force, &inputs)?;
        let job = if args.track.is_empty() {
            Job::Metadata
        } else {
            Job::Inject(Points::Tracks(
                args.track.iter().cloned().map(track_input).collect(),
            ))
        };
        embed(video, output, job, &options)
    })?;
    Ok(finished.code)
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// `--track -` reads the track from standard input (`ssh logger cat gps.nmea | telemux …`);
/// its format is detected from its content.
fn track_input(path: PathBuf) -> TrackInput<'static> {
    if is_stdin(&path) {
        TrackInput::Reader {
            name: "standard input".into(),
            reader: Box::new(std::io::stdin().lock()),
        }
    } else {
        TrackInput::File(path)
    }
}
