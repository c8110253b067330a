//! `telemux inject`: a GPX track written into a video as a GoPro GPMF telemetry track.

use std::fs::{File, OpenOptions};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressStyle};
use telemux_read::gpx;
use telemux_read::model::{AltitudeRef, GpsPoint};
use telemux_read::source::open_mp4;
use telemux_read::track::{resample, ResampleOptions, Resampled};
use telemux_write::mp4::{prepare, MoovPlacement, RewriteOptions, Target};
use telemux_write::output::AtomicOutput;
use telemux_write::telemetry_track::{self, TrackOptions};
use time::{Duration, OffsetDateTime, UtcOffset};

use super::sync::{align, parse_time, parse_utc_offset, Alignment, Anchor};

/// Write a GPX track into a video as a GoPro GPMF telemetry track (for Street View, Mapillary,
/// and every GoPro-aware tool).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
The track is lined up by time: by default the video starts at its own creation time (mvhd),
read as UTC. Cameras that write local time need --video-tz; --offset shifts by seconds;
--start gives the start directly; --sync first-point starts the video at the first GPS point.
telemux prints the alignment and how much of the video the GPX covers, and refuses when they do
not overlap. The points are resampled to --rate Hz; gaps longer than --max-gap are not bridged.
Every other byte and track of the video is kept.

Examples:
  telemux inject ride.mp4 --gpx ride.gpx -o ride-gps.mp4
  telemux inject ride.mp4 --gpx ride.gpx --video-tz +02:00 -o ride-gps.mp4
  telemux inject ride.mp4 --gpx a.gpx --gpx b.gpx --offset -2.5 --faststart -o out.mp4
  telemux inject ride.mp4 --gpx ride.gpx --in-place
  telemux inject GX010042.MP4 --gpx better.gpx --replace --street-view --make GoPro \\
      --model 'HERO7 Black' -o GX010042-gps.MP4")]
pub struct InjectArgs {
    /// The video (MP4/MOV)
    pub video: PathBuf,

    /// GPX file(s) with timestamps; several are merged by time
    #[arg(long, required = true)]
    pub gpx: Vec<PathBuf>,

    /// Output file (the input is never modified unless --in-place)
    #[arg(
        long,
        short = 'o',
        required_unless_present = "in_place",
        conflicts_with = "in_place"
    )]
    pub output: Option<PathBuf>,

    /// Modify the video itself: append the telemetry and a new moov (moov-at-end files only;
    /// takes milliseconds whatever the video's size, and the file is valid at every moment)
    #[arg(long)]
    pub in_place: bool,

    /// Overwrite the output file if it exists
    #[arg(long)]
    pub force: bool,

    /// Put moov at the front of the output, for streaming
    #[arg(long, conflicts_with = "in_place")]
    pub faststart: bool,

    /// Replace an existing GPMF track instead of refusing
    #[arg(long)]
    pub replace: bool,

    /// The video's clock is local time at this UTC offset (e.g. +02:00)
    #[arg(long, value_parser = parse_utc_offset, allow_hyphen_values = true)]
    pub video_tz: Option<UtcOffset>,

    /// Seconds added to the video's start time (negative moves it earlier)
    #[arg(long, default_value_t = 0.0, allow_hyphen_values = true)]
    pub offset: f64,

    /// The video's start time, e.g. 2024-05-01T10:00:00Z (instead of its creation time)
    #[arg(long, value_parser = parse_time, conflicts_with_all = ["sync", "video_tz"])]
    pub start: Option<OffsetDateTime>,

    /// What the video's start is lined up with
    #[arg(long, value_enum, default_value_t = Sync::CreationTime)]
    pub sync: Sync,

    /// GPS samples per second written
    #[arg(long, default_value_t = 10.0)]
    pub rate: f64,

    /// Longest gap between GPX points that is interpolated, seconds
    #[arg(long, default_value_t = 5.0)]
    pub max_gap: f64,

    /// Also write GPS9 (per-sample time, as HERO11 and later cameras do)
    #[arg(long)]
    pub gps9: bool,

    /// Device name written in the telemetry (DVNM)
    #[arg(long, default_value = "telemux")]
    pub device_name: String,

    /// Camera make, written as udta ©mak
    #[arg(long)]
    pub make: Option<String>,

    /// Camera model, written as udta ©mod
    #[arg(long)]
    pub model: Option<String>,

    /// Also write udta manu/modl, as Street View's published video spec asks (needs --make
    /// and --model)
    #[arg(long, requires_all = ["make", "model"])]
    pub street_view: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Sync {
    /// The video's creation time (mvhd)
    CreationTime,
    /// The first GPS point
    FirstPoint,
}

/// Files larger than this get a progress bar while they copy.
const PROGRESS_FROM: u64 = 256 << 20;

pub fn run(args: InjectArgs) -> anyhow::Result<ExitCode> {
    if !(0.1..=1000.0).contains(&args.rate) {
        bail!("--rate must be between 0.1 and 1000 Hz");
    }
    if args.max_gap.is_nan() || args.max_gap < 0.0 {
        bail!("--max-gap must be a positive number of seconds");
    }
    let video_name = args.video.display().to_string();
    // Refuse an existing output before any work, and never write over the input.
    let mut output = match &args.output {
        Some(path) => {
            if is_same_file(&args.video, path) {
                bail!(
                    "{}: this is the input video; use --in-place to modify it",
                    path.display()
                );
            }
            Some(AtomicOutput::create(path, args.force)?)
        }
        None => None,
    };
    let points = read_gpx(&args.gpx)?;

    let mut input = if args.in_place {
        OpenOptions::new().read(true).write(true).open(&args.video)
    } else {
        File::open(&args.video)
    }
    .with_context(|| video_name.clone())?;
    let mp4 = open_mp4(&mut input).with_context(|| video_name.clone())?;
    let mvhd = mp4.mvhd().with_context(|| video_name.clone())?;
    let duration = mvhd.duration as f64 / f64::from(mvhd.timescale.max(1));
    if duration.is_nan() || duration <= 0.0 {
        bail!("{video_name}: the video has no duration (mvhd)");
    }

    let anchor = match (args.start, args.sync) {
        (Some(start), _) => Anchor::Start(start),
        (None, Sync::FirstPoint) => Anchor::FirstPoint,
        (None, Sync::CreationTime) => Anchor::CreationTime {
            video_tz: args.video_tz,
        },
    };
    let first = points.first().and_then(|p| p.time);
    let alignment = align(anchor, mvhd.times.creation, first, args.offset)
        .with_context(|| video_name.clone())?;
    let options = ResampleOptions {
        rate_hz: args.rate,
        max_gap: args.max_gap,
    };
    let resampled = resample(&points, alignment.video_start, duration, &options);
    report_alignment(&alignment, &points, duration, &resampled)?;

    let track = telemetry_track::build(
        &resampled.points,
        duration,
        &TrackOptions {
            rate_hz: args.rate,
            device_name: args.device_name.clone(),
            gps9: args.gps9,
            altitude_ref: AltitudeRef::MeanSeaLevel,
        },
    )?;
    let mut user_data = Vec::new();
    if let Some(make) = &args.make {
        user_data.push((*b"\xa9mak", make.clone()));
        if args.street_view {
            user_data.push((*b"manu", make.clone()));
        }
    }
    if let Some(model) = &args.model {
        user_data.push((*b"\xa9mod", model.clone()));
        if args.street_view {
            user_data.push((*b"modl", model.clone()));
        }
    }
    let target = if args.in_place {
        Target::InPlace
    } else if args.faststart {
        Target::Copy(MoovPlacement::Front)
    } else {
        Target::Copy(MoovPlacement::Keep)
    };
    let rewrite = RewriteOptions {
        target,
        replace: args.replace,
        user_data,
        ..RewriteOptions::default()
    };
    let prepared = prepare(&mp4, &track, &rewrite).with_context(|| video_name.clone())?;
    if prepared.replaced > 0 {
        eprintln!("replacing {} existing GPMF track(s)", prepared.replaced);
    }

    let written_to = match output.take() {
        None => {
            prepared
                .write_in_place(&mut input)
                .with_context(|| format!("{video_name}: writing in place"))?;
            video_name.clone()
        }
        Some(mut out) => {
            let name = out.path().display().to_string();
            let bar = progress_bar(prepared.output_size());
            prepared
                .write_copy(&mut input, out.file(), &mut |n| bar.set_position(n))
                .with_context(|| format!("{name}: writing"))?;
            bar.finish_and_clear();
            out.commit()?;
            name
        }
    };
    eprintln!(
        "{written_to}: GPMF track {} written: {} GPS points at {} Hz in {} payloads",
        prepared.track_id,
        resampled.points.len(),
        args.rate,
        track.samples.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// Whether two paths name the same existing file (hard links and symlinks included).
fn is_same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Every GPX file's timed points, merged in time order.
fn read_gpx(paths: &[PathBuf]) -> anyhow::Result<Vec<GpsPoint>> {
    let mut segments = Vec::new();
    for path in paths {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).with_context(|| name.clone())?;
        let data = gpx::parse(&bytes).with_context(|| name.clone())?;
        segments.extend(data.segments);
    }
    let merged = gpx::merge_by_time(segments);
    if merged.report.untimed > 0 {
        eprintln!(
            "warning: {} GPX points without a time were ignored",
            merged.report.untimed
        );
    }
    if merged.points.is_empty() {
        bail!(
            "the GPX has no points with times: inject lines the track up with the video by time \
             (export the track with timestamps)"
        );
    }
    Ok(merged.points)
}

/// Tells the user how the track was lined up, and refuses when nothing overlaps.
fn report_alignment(
    alignment: &Alignment,
    points: &[GpsPoint],
    duration: f64,
    resampled: &Resampled,
) -> anyhow::Result<()> {
    let start = alignment.video_start;
    let end = start + Duration::seconds_f64(duration);
    let (first, last) = match (points.first(), points.last()) {
        (Some(f), Some(l)) => (f.time, l.time),
        _ => (None, None),
    };
    let span = |t: Option<OffsetDateTime>| t.map_or_else(|| "?".into(), rfc3339);
    eprintln!(
        "video: {} to {} ({duration:.1} s), start from {}",
        rfc3339(start),
        rfc3339(end),
        alignment.how
    );
    eprintln!(
        "gpx:   {} to {} ({} points)",
        span(first),
        span(last),
        points.len()
    );
    if resampled.points.is_empty() {
        bail!(
            "the GPX and the video do not overlap in time: check --video-tz (cameras often \
             record local time), --offset or --start, or use --sync first-point"
        );
    }
    eprintln!(
        "covers {:.1} s of {duration:.1} s ({:.0}%)",
        resampled.covered,
        100.0 * resampled.covered / duration
    );
    for gap in &resampled.gaps {
        eprintln!(
            "gap: no GPS from {:.1} s to {:.1} s of the video (longer than --max-gap, not bridged)",
            gap.start, gap.end
        );
    }
    Ok(())
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

fn progress_bar(total: u64) -> ProgressBar {
    if total < PROGRESS_FROM {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}
