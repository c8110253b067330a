//! Writing a GPS track into a video as a GPMF track: what `inject` (a GPX) and `convert` (the
//! dashcam's own GPS) share, from lining the track up with the video to the atomic write.

use std::borrow::Cow;
use std::fs::{File, OpenOptions};
use std::path::Path;

use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressStyle};
use telemux_read::gopro;
use telemux_read::gpx::{Totals, Window};
use telemux_read::model::{AltitudeRef, GpsPoint, SensorStream};
use telemux_read::mp4::Mp4;
use telemux_read::mp4::Track as Mp4Track;
use telemux_read::source::open_mp4;
use telemux_read::track::{resample_lazily, Coverage, ResampleOptions};
use telemux_read::FourCC;
use telemux_write::file_lock::{lock, LockMode};
use telemux_write::gpmf::{replace_gps, GpsReplaced};
use telemux_write::mp4::in_place::remove_unfinished;
use telemux_write::mp4::{
    prepare, MdatHeader, MoovPlacement, Placed, RewriteOptions, Target, TelemetryHome,
};
use telemux_write::output::AtomicOutput;
use telemux_write::telemetry_track::{self, SensorTrack, TrackOptions, DEFAULT_DOP};
use time::OffsetDateTime;

use super::sync::{align, rfc3339, Alignment, Anchor};

/// How the GPMF track is written (flags shared by `inject` and `convert`).
#[derive(Debug, Clone, clap::Args)]
pub struct WriteArgs {
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

    /// GPS samples per second written
    #[arg(long, default_value_t = 10.0)]
    pub rate: f64,

    /// Longest gap between GPS points that is interpolated, seconds
    #[arg(long, default_value_t = 5.0)]
    pub max_gap: f64,

    /// Also write GPS9 (per-sample time, as HERO11 and later cameras do)
    #[arg(long)]
    pub gps9: bool,

    /// Device name written in the telemetry (DVNM), where Mapillary reads the camera model
    /// [default: --model, else "telemux"]
    #[arg(long)]
    pub device_name: Option<String>,

    /// Camera make, written as udta ©mak
    #[arg(long)]
    pub make: Option<String>,

    /// Camera model, written as udta ©mod and as the telemetry's device name (DVNM)
    #[arg(long)]
    pub model: Option<String>,

    /// Camera firmware version, written as udta FIRM (as GoPro cameras write it)
    #[arg(long)]
    pub firmware: Option<String>,

    /// Also write udta manu/modl, as Street View's published video spec asks (needs --make
    /// and --model)
    #[arg(long, requires_all = ["make", "model"])]
    pub street_view: bool,

    /// DOP written for points whose track gives none (a GPX without <hdop>/<pdop>, dashcam
    /// GPS); a track's own DOP is always kept
    #[arg(long, default_value_t = DEFAULT_DOP)]
    pub dop: f64,
}

/// The DOP range GPSP and GPS9 can store: DOP × 100 in 16 bits, where 9999 means "unknown".
const DOP_RANGE: std::ops::RangeInclusive<f64> = 0.01..=99.98;

impl WriteArgs {
    /// Refuses values that cannot make a track, before any file is touched.
    pub fn check(&self) -> anyhow::Result<()> {
        if !(0.1..=1000.0).contains(&self.rate) {
            bail!("--rate must be between 0.1 and 1000 Hz");
        }
        if self.max_gap.is_nan() || self.max_gap < 0.0 {
            bail!("--max-gap must be a positive number of seconds");
        }
        if !DOP_RANGE.contains(&self.dop) {
            bail!(
                "--dop must be between {} and {} (GPMF stores DOP × 100 in 16 bits; 99.99 \
                 means unknown)",
                DOP_RANGE.start(),
                DOP_RANGE.end()
            );
        }
        let names = [
            ("--device-name", &self.device_name),
            ("--make", &self.make),
            ("--model", &self.model),
            ("--firmware", &self.firmware),
        ];
        for (flag, value) in names {
            if let Some(text) = value {
                check_name(flag, text)?;
            }
        }
        Ok(())
    }

    /// DVNM: readers take the camera model from it, so `--model` unless a name is given.
    fn device_name(&self) -> String {
        self.device_name
            .clone()
            .or_else(|| self.model.clone())
            .unwrap_or_else(|| "telemux".to_owned())
    }

    fn user_data(&self) -> Vec<([u8; 4], String)> {
        let mut items = Vec::new();
        if let Some(make) = &self.make {
            items.push((*b"\xa9mak", make.clone()));
            if self.street_view {
                items.push((*b"manu", make.clone()));
            }
        }
        if let Some(model) = &self.model {
            items.push((*b"\xa9mod", model.clone()));
            if self.street_view {
                items.push((*b"modl", model.clone()));
            }
        }
        if let Some(firmware) = &self.firmware {
            items.push((*b"FIRM", firmware.clone()));
        }
        items
    }
}

/// The longest name written: one GPMF string sample (DVNM) holds 255 bytes.
const MAX_NAME_BYTES: usize = 255;

/// Refuses a name readers would misread: empty, with control characters (ExifTool stops at a
/// NUL in `manu`/`modl`/`FIRM`, and ffmpeg takes two low leading bytes for a length), or too
/// long for DVNM.
fn check_name(flag: &str, text: &str) -> anyhow::Result<()> {
    if text.is_empty() || text.chars().any(char::is_control) || text.len() > MAX_NAME_BYTES {
        bail!(
            "{flag} {text:?}: give 1 to {MAX_NAME_BYTES} bytes of text without control \
             characters"
        );
    }
    Ok(())
}

/// What to write into one video.
pub struct Embed<'a> {
    pub video: &'a Path,
    /// `None` writes into the video itself (`--in-place`).
    pub output: Option<AtomicOutput>,
    pub points: Points<'a>,
    /// What the points are called in the report (`GPX`, `GPS`).
    pub label: &'a str,
    /// Sensor streams to write beside the GPS (TomTom Bandit), on the video's timeline.
    pub sensors: &'a [SensorStream],
    pub anchor: Anchor,
    /// `--offset`, seconds added to the start.
    pub offset: f64,
    pub args: &'a WriteArgs,
}

/// Timed points, in time order, with totals over every point of the track.
pub type Track = (Vec<GpsPoint>, Totals);

/// Where the points come from.
pub enum Points<'a> {
    /// All at hand (a dashcam's own GPS).
    Loaded(&'a [GpsPoint]),
    /// Read once the video says which window of time it needs, keeping only the points that
    /// window needs (GPX files, which may be far longer than the video).
    Windowed(&'a dyn Fn(Window) -> anyhow::Result<Track>),
}

/// Lines the points up with the video, resamples them, and writes the GPMF track, telling
/// the user how it was aligned and what was written.
pub fn embed(job: Embed<'_>) -> anyhow::Result<()> {
    let Embed {
        video,
        mut output,
        points,
        label,
        sensors,
        anchor,
        offset,
        args,
    } = job;
    let video_name = video.display().to_string();
    let mut input = if output.is_none() {
        OpenOptions::new().read(true).write(true).open(video)
    } else {
        File::open(video)
    }
    .with_context(|| video_name.clone())?;
    if output.is_none() {
        // Held until the file closes: a second run refuses instead of losing a track.
        lock(&input, video, LockMode::Exclusive)?;
        let removed = remove_unfinished(&mut input).with_context(|| video_name.clone())?;
        if let Some(unfinished) = removed {
            eprintln!(
                "{video_name}: removed the unfinished write of an interrupted telemux run \
                 ({} bytes at byte {})",
                unfinished.len, unfinished.offset
            );
        }
    } else {
        lock(&input, video, LockMode::Shared)?;
    }
    let mp4 = open_mp4(&mut input).with_context(|| video_name.clone())?;
    let mvhd = mp4.mvhd().with_context(|| video_name.clone())?;
    let duration = mvhd.duration as f64 / f64::from(mvhd.timescale.max(1));
    if duration.is_nan() || duration <= 0.0 {
        bail!("{video_name}: the video has no duration (mvhd)");
    }
    check_claimed_duration(&mp4, duration).with_context(|| video_name.clone())?;
    let (points, totals) = match points {
        Points::Loaded(points) => (Cow::Borrowed(points), Totals::of(points)),
        Points::Windowed(read) => {
            let window = window(anchor, mvhd.times.creation, offset, duration)
                .with_context(|| video_name.clone())?;
            let (points, totals) = read(window)?;
            (Cow::Owned(points), totals)
        }
    };
    let alignment = align(anchor, mvhd.times.creation, totals.first, offset, duration)
        .with_context(|| video_name.clone())?;
    let mut options = ResampleOptions::default();
    options.rate_hz = args.rate;
    options.max_gap = args.max_gap;
    let (coverage, samples) = resample_lazily(&points, alignment.video_start, duration, &options);
    let mut samples = samples.peekable();
    let overlaps = samples.peek().is_some();
    report_alignment(&alignment, &totals, label, duration, &coverage, overlaps)?;
    report_default_dop(&totals, label, args.dop);

    let mut options = TrackOptions::default();
    options.rate_hz = args.rate;
    options.device_name = args.device_name();
    options.gps9 = args.gps9;
    options.altitude_ref = AltitudeRef::MeanSeaLevel;
    options.default_dop = args.dop;
    // Dashcams may name other data `gpmd`: only tracks that hold GPMF count as telemetry.
    let gpmf_tracks = gopro::gpmf_tracks(&mp4, &mut input).with_context(|| video_name.clone())?;
    let existing = match gpmf_tracks.first() {
        Some(&index) if args.replace => mp4
            .tracks()
            .nth(index)
            .transpose()
            .with_context(|| video_name.clone())?,
        _ => None,
    };
    let (track, gps_points, handler_name) = match &existing {
        Some(existing) => {
            if !sensors.is_empty() {
                bail!(
                    "{video_name}: --replace keeps the sensor streams of the existing GPMF \
                     track, so the {label}'s own sensor streams cannot be written too"
                );
            }
            let replaced = replace_gps(existing, &mut input, samples, &options)
                .with_context(|| video_name.clone())?;
            report_replaced(existing, &replaced);
            (
                replaced.track,
                replaced.gps_points,
                Some(existing.hdlr.name.clone()),
            )
        }
        None => {
            let built = telemetry_track::build_streamed(samples, sensors, duration, &options)?;
            report_sensors(&built);
            (built.track, built.gps_points, None)
        }
    };
    let target = if output.is_none() {
        Target::InPlace
    } else if args.faststart {
        Target::Copy(MoovPlacement::Front)
    } else {
        Target::Copy(MoovPlacement::Keep)
    };
    let mut rewrite = RewriteOptions::default();
    rewrite.target = target;
    rewrite.replace = args.replace;
    rewrite.user_data = args.user_data();
    rewrite.handler_name = handler_name;
    rewrite.existing_tracks = gpmf_tracks;
    let prepared = prepare(&mp4, &track, &rewrite).with_context(|| video_name.clone())?;
    // Only the first GPMF track has its GPS replaced; any other is removed, as before.
    let removed = prepared.replaced - usize::from(existing.is_some());
    if removed > 0 {
        eprintln!("replacing {removed} existing GPMF track(s)");
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
    eprintln!("{written_to}: {}", describe(prepared.placed()));
    eprintln!(
        "{written_to}: GPMF track {} written: {} GPS points at {} Hz in {} payloads",
        prepared.track_id,
        gps_points,
        args.rate,
        track.samples.len()
    );
    Ok(())
}

/// What became of the sensor streams given beside the GPS.
fn report_sensors(built: &SensorTrack) {
    for (key, count, scale) in &built.written {
        eprintln!("sensor stream {key}: {count} samples written (SCAL {scale})");
    }
    if !built.unsupported.is_empty() {
        eprintln!(
            "sensor streams not written (no GPMF layout): {}",
            built.unsupported.join(", ")
        );
    }
    if built.left_out > 0 {
        eprintln!(
            "{} sensor samples outside the video were left out",
            built.left_out
        );
    }
}

/// Says which GPS was replaced and which of the camera's streams were kept.
fn report_replaced(existing: &Mp4Track<'_>, replaced: &GpsReplaced) {
    let names = |keys: &[FourCC]| {
        let names: Vec<String> = keys.iter().map(ToString::to_string).collect();
        if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(", ")
        }
    };
    eprintln!(
        "replacing the GPS ({}) of GPMF track {} ({} payloads); kept: {}",
        names(&replaced.removed),
        existing.tkhd.track_id,
        replaced.track.samples.len(),
        names(&replaced.kept)
    );
}

/// The span of time whose points the video needs: its own, unless it starts at the first point.
fn window(anchor: Anchor, creation: u64, offset: f64, duration: f64) -> anyhow::Result<Window> {
    match anchor {
        Anchor::FirstPoint => Ok(Window::FromFirst { offset, duration }),
        // `convert` alone lines dashcam clips up, with the clip's points at hand.
        Anchor::Dashcam => bail!("a dashcam clip is lined up with all of its own GPS points"),
        Anchor::CreationTime { .. } | Anchor::Start(_) => {
            let alignment = align(anchor, creation, None, offset, duration)?;
            Ok(Window::Between(alignment.video_start, alignment.video_end))
        }
    }
}

/// Where the telemetry went, in the words of the report.
fn describe(placed: Placed) -> String {
    match placed {
        Placed::Copy(TelemetryHome::NewMdat) => {
            "the video has no media data box: the telemetry is in a new mdat".into()
        }
        Placed::Copy(TelemetryHome::Joined {
            mdat_offset,
            header,
        }) => {
            let how = match header {
                MdatHeader::Kept => String::new(),
                MdatHeader::OverPadding { kind, offset } => format!(
                    "; its size became 64-bit in place of the 8-byte {kind} box at byte {offset}"
                ),
                MdatHeader::Grown => "; its header became 64-bit, moving the media by 8 bytes \
                                      (chunk offsets relocated)"
                    .into(),
                // The report only words the placement; the rewrite checked it.
                other => format!("; its header: {other:?}"),
            };
            format!("telemetry appended to the media data (mdat at byte {mdat_offset}){how}")
        }
        Placed::InPlace {
            mdat_offset,
            moov_offset,
            covered,
            over_padding,
        } => format!(
            "the mdat at byte {mdat_offset} now ends at the new moov (byte {moov_offset}), \
             covering the old moov and what followed ({covered} bytes){}",
            if over_padding {
                ", with a 64-bit size in place of the 8-byte box before it"
            } else {
                ""
            }
        ),
        other => format!("telemetry placed: {other:?}"),
    }
}

/// How much longer than its longest track's media a movie may say it is. Players present a
/// movie for as long as mvhd says, and a track may start after an empty edit, but in real
/// files that is seconds (an audio priming delay, a late-starting data track).
const DURATION_SLACK_S: f64 = 60.0;

/// Refuses a movie duration (mvhd) far longer than what its tracks' sample tables hold: the
/// telemetry is written for every second of the claimed duration, so a 48 KB file claiming
/// 10⁶ s would make gigabytes of telemetry for media that does not exist.
fn check_claimed_duration(mp4: &Mp4, duration: f64) -> anyhow::Result<()> {
    let mut media = 0.0f64;
    for track in mp4.tracks() {
        media = media.max(track?.media_seconds());
    }
    if duration > media + DURATION_SLACK_S {
        bail!(
            "mvhd says the movie lasts {duration:.3} s, but its longest track holds {media:.3} s \
             of media (stts): refusing to write telemetry for time the video does not have"
        );
    }
    Ok(())
}

/// Files larger than this get a progress bar while they copy.
const PROGRESS_FROM: u64 = 256 << 20;

/// Tells the user how the track was lined up, and refuses when nothing overlaps.
fn report_alignment(
    alignment: &Alignment,
    totals: &Totals,
    label: &str,
    duration: f64,
    coverage: &Coverage,
    overlaps: bool,
) -> anyhow::Result<()> {
    let (start, end) = (alignment.video_start, alignment.video_end);
    let span = |t: Option<OffsetDateTime>| t.map_or_else(|| "?".into(), rfc3339);
    eprintln!(
        "video: {} to {} ({duration:.1} s), start from {}",
        rfc3339(start),
        rfc3339(end),
        alignment.how
    );
    eprintln!(
        "{:<7}{} to {} ({} points)",
        format!("{}:", label.to_lowercase()),
        span(totals.first),
        span(totals.last),
        totals.count,
    );
    if !overlaps {
        bail!(
            "the {label} and the video do not overlap in time: check --video-tz (cameras \
             often record local time), --offset or --start, or use --sync first-point"
        );
    }
    eprintln!(
        "covers {:.1} s of {duration:.1} s ({:.0}%)",
        coverage.covered,
        100.0 * coverage.covered / duration
    );
    for gap in &coverage.gaps {
        eprintln!(
            "gap: no GPS from {:.1} s to {:.1} s of the video (longer than --max-gap, not bridged)",
            gap.start, gap.end
        );
    }
    Ok(())
}

/// Says when points are written with `--dop` because the track has no DOP for them.
fn report_default_dop(totals: &Totals, label: &str, dop: f64) {
    let without = totals.without_dop;
    if without == 0 {
        return;
    }
    let what = match label {
        "GPX" => "hdop",
        _ => "DOP",
    };
    let whose = if without == totals.count {
        format!("no {what} in the {label}")
    } else {
        format!(
            "{without} of {} points have no {what} in the {label}",
            totals.count
        )
    };
    // `{:?}` keeps every digit given and shows 4.0 as "4.0".
    eprintln!("{whose}: writing DOP {dop:?} (--dop to change)");
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
