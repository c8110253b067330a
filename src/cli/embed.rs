//! Writing a GPS track into a video as a GPMF and/or CAMM track, the CLI's side of
//! `telemux_write::jobs` (what `inject` and `convert` share): the write flags as job options,
//! the job's report in words, and its errors in words that name the flags.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context};
use indicatif::{ProgressBar, ProgressStyle};
use telemux_read::model::GpsPoint;
use telemux_read::mp4::spherical::Stereo;
use telemux_read::source;
use telemux_read::track::jumps::DEFAULT_MAX_SPEED;
use telemux_read::track::resample::DEFAULT_MAX_GAP;
use telemux_read::track::{Sampling, Spread};
use telemux_read::FourCC;
use telemux_write::file_lock::{lock, LockMode};
use telemux_write::jobs::{
    self, Anchor, Failure, InjectOptions, JobError, NameField, OptionError, Points, PointsFrom,
    Progress, Report, TrackFormats, TrackInput, DOP_RANGE, MAX_NAME_BYTES, RATE_RANGE,
};
use telemux_write::mp4::spherical::{Spherical, SphericalWritten};
use telemux_write::mp4::{MdatHeader, MoovPlacement, Placed, TelemetryHome};
use telemux_write::output::AtomicOutput;
use telemux_write::telemetry_track::DEFAULT_DOP;
use time::{OffsetDateTime, UtcOffset};

use super::quiet;
use super::sync::{self, rfc3339};
use super::values::Number;

/// How the telemetry track is written (flags shared by `inject` and `convert`).
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

    /// Replace an existing track of the format written instead of refusing (GPMF: its GPS,
    /// keeping the camera's other streams; CAMM: the whole track)
    #[arg(long)]
    pub replace: bool,

    /// Which telemetry track is written: gpmf (GoPro's, read by Mapillary, GoPro tools,
    /// ExifTool), camm (Google's Camera Motion Metadata, Street View's own format), or both
    /// (two tracks in one rewrite)
    #[arg(long, value_enum, default_value_t = Format::Gpmf)]
    pub format: Format,

    /// GPS samples per second written
    #[arg(long, default_value_t = 10.0, value_parser = Number::within(RATE_RANGE, "Hz"))]
    pub rate: f64,

    /// Longest gap between GPS points that is interpolated, seconds (30 bridges the 1–10 s a
    /// "smart recording" watch leaves; a stop or tunnel stays uncovered)
    #[arg(long, default_value_t = DEFAULT_MAX_GAP, value_parser = Number::positive("seconds"))]
    pub max_gap: f64,

    /// A GPX point reached faster than this from the last good point is a spike and is
    /// dropped before resampling, m/s
    #[arg(long, value_name = "M/S", default_value_t = DEFAULT_MAX_SPEED,
          value_parser = Number::positive("m/s"))]
    pub max_speed: f64,

    /// Keep every GPX point: drop no (0,0) points and no spikes
    #[arg(long)]
    pub keep_outliers: bool,

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
    /// and --model), and rewrite the creation times (mvhd, tkhd, mdhd) to the video's start
    /// in UTC when the camera's clock is local (--video-tz, a zone convert finds) or off
    #[arg(long, requires_all = ["make", "model"])]
    pub street_view: bool,

    /// DOP written for points whose track gives none (a GPX without <hdop>/<pdop>, dashcam
    /// GPS); a track's own DOP is always kept
    #[arg(long, default_value_t = DEFAULT_DOP, value_parser = Number::within(DOP_RANGE, ""))]
    pub dop: f64,

    /// Mark the video as a 360° equirectangular video: Spherical Video V1 (uuid XML) and V2
    /// (st3d/sv3d) metadata in its first video track, replacing any it has
    #[arg(long)]
    pub spherical: bool,

    /// How each frame holds the eyes' views, with --spherical
    #[arg(long, value_enum, default_value_t = StereoArg::Mono, requires = "spherical")]
    pub stereo: StereoArg,
}

/// `--stereo`: the Spherical Video stereo modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StereoArg {
    /// One view (most 360 cameras)
    Mono,
    /// Left eye on top, right eye below
    TopBottom,
    /// Left eye on the left, right eye on the right
    LeftRight,
}

/// `--format`: the telemetry tracks written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A GoPro GPMF track
    Gpmf,
    /// A CAMM track (Street View's Camera Motion Metadata)
    Camm,
    /// Both, as two tracks
    Both,
}

impl WriteArgs {
    /// Refuses values that cannot make a track, before any file is touched.
    pub fn check(&self) -> anyhow::Result<()> {
        self.options(Anchor::default(), 0.0)
            .check()
            .map_err(|error| anyhow!(explain_option(&error)))
    }

    /// The job options these flags and the command's anchor and `--offset` ask for.
    pub fn options(&self, anchor: Anchor, offset: f64) -> InjectOptions {
        let mut options = InjectOptions::default();
        options.rate = self.rate;
        options.max_gap = self.max_gap;
        options.max_speed = self.max_speed;
        options.keep_outliers = self.keep_outliers;
        options.dop = self.dop;
        options.gps9 = self.gps9;
        options.device_name.clone_from(&self.device_name);
        options.make.clone_from(&self.make);
        options.model.clone_from(&self.model);
        options.firmware.clone_from(&self.firmware);
        options.street_view = self.street_view;
        options.moov = if self.faststart {
            MoovPlacement::Front
        } else {
            MoovPlacement::Keep
        };
        options.replace = self.replace;
        options.format = match self.format {
            Format::Gpmf => TrackFormats::Gpmf,
            Format::Camm => TrackFormats::Camm,
            Format::Both => TrackFormats::Both,
        };
        options.anchor = anchor;
        options.offset = offset;
        options.spherical = self.spherical.then(|| {
            Spherical::new(match self.stereo {
                StereoArg::Mono => Stereo::Mono,
                StereoArg::TopBottom => Stereo::TopBottom,
                StereoArg::LeftRight => Stereo::LeftRight,
            })
        });
        options
    }
}

/// clap's parser for `-o` of a video: `-` is refused, since an MP4/MOV cannot be streamed to
/// standard output (its chunk offsets and sizes are patched after the media is laid out), and
/// a file literally named `-` is never what was meant.
pub fn video_output(text: &str) -> Result<PathBuf, String> {
    if text == "-" {
        return Err(
            "an MP4/MOV cannot be written to standard output; give a file name \
                    (telemux extract -o - streams the GPS as text)"
                .into(),
        );
    }
    Ok(PathBuf::from(text))
}

/// An option error in the words of the flag that set it.
fn explain_option(error: &OptionError) -> String {
    match error {
        OptionError::Rate(_) => "--rate must be between 0.1 and 1000 Hz".into(),
        OptionError::MaxGap(_) => "--max-gap must be a positive number of seconds".into(),
        OptionError::MaxSpeed(_) => "--max-speed must be a positive number of m/s".into(),
        OptionError::Dop(_) => format!(
            "--dop must be between {} and {} (GPMF stores DOP × 100 in 16 bits; 99.99 means \
             unknown)",
            DOP_RANGE.start(),
            DOP_RANGE.end()
        ),
        OptionError::Name { field, text } => {
            let flag = match field {
                NameField::DeviceName => "--device-name",
                NameField::Make => "--make",
                NameField::Model => "--model",
                NameField::Firmware => "--firmware",
                _ => "a name",
            };
            format!(
                "{flag} {text:?}: give 1 to {MAX_NAME_BYTES} bytes of text without control \
                 characters"
            )
        }
        OptionError::StreetViewNeedsMakeAndModel => "--street-view needs --make and --model".into(),
        other => other.to_string(),
    }
}

/// What the job writes from.
pub enum Job<'a> {
    /// These points (`inject`).
    Inject(Points<'a>),
    /// The clip's own GPS, read with these options (`convert`).
    Convert(source::Options),
    /// The GPS of the track file beside the video (a DJI SRT), its dates at this UTC offset
    /// (`convert`).
    Sidecar(PathBuf, UtcOffset),
    /// No GPS: only the metadata options (`inject --spherical` without `--gpx`).
    Metadata,
}

/// Runs `job` on `video`, into `output` (`None`: into the video itself, `--in-place`),
/// telling the user how the track was aligned and what was written. Returns the clip's own
/// GPS for `convert` (empty for `inject`).
pub fn embed(
    video: &Path,
    output: Option<AtomicOutput>,
    job: Job<'_>,
    options: &InjectOptions,
) -> anyhow::Result<Vec<GpsPoint>> {
    let video_name = video.display().to_string();
    let mut input = if output.is_none() {
        OpenOptions::new().read(true).write(true).open(video)
    } else {
        File::open(video)
    }
    .with_context(|| video_name.clone())?;
    let mut shown = Shown {
        video: &video_name,
        copying: output.is_some(),
        found: false,
        bar: None,
    };
    let (result, written_to) = match output {
        None => {
            let result = match job {
                Job::Inject(points) => {
                    jobs::inject_in_place(&mut input, video, points, options, &mut shown)
                        .map(|report| (report, Vec::new()))
                }
                Job::Convert(read) => {
                    jobs::convert_in_place(&mut input, video, read, options, &mut shown)
                        .map(|converted| (converted.report, converted.gps))
                }
                Job::Sidecar(track, tz) => jobs::convert_sidecar_in_place(
                    &mut input,
                    video,
                    TrackInput::File(track),
                    tz,
                    options,
                    &mut shown,
                )
                .map(|converted| (converted.report, converted.gps)),
                Job::Metadata => {
                    jobs::set_metadata_in_place(&mut input, video, options, &mut shown)
                        .map(|report| (report, Vec::new()))
                }
            };
            let writing = format!("{video_name}: writing in place");
            let result = result.map_err(|failure| shown.failed(failure, writing));
            (result, video_name.clone())
        }
        Some(mut out) => {
            lock(&input, video, LockMode::Shared)?;
            let name = out.path().display().to_string();
            let result = match job {
                Job::Inject(points) => {
                    jobs::inject(&mut input, out.file(), points, options, &mut shown)
                        .map(|report| (report, Vec::new()))
                }
                Job::Convert(read) => {
                    jobs::convert(&mut input, out.file(), read, options, &mut shown)
                        .map(|converted| (converted.report, converted.gps))
                }
                Job::Sidecar(track, tz) => jobs::convert_sidecar(
                    &mut input,
                    out.file(),
                    TrackInput::File(track),
                    tz,
                    options,
                    &mut shown,
                )
                .map(|converted| (converted.report, converted.gps)),
                Job::Metadata => jobs::set_metadata(&mut input, out.file(), options, &mut shown)
                    .map(|report| (report, Vec::new())),
            };
            let result =
                result.map_err(|failure| shown.failed(failure, format!("{name}: writing")));
            if let Some(bar) = shown.bar.take() {
                bar.finish_and_clear();
            }
            if result.is_ok() {
                out.commit()?;
            }
            (result, name)
        }
    };
    let (report, gps) = result?;
    if let Some(written) = report.written.as_ref().filter(|_| !quiet()) {
        eprintln!("{written_to}: {}", describe(written.placed));
        let samples = match written.format {
            "GPMF" => "payloads",
            _ => "packets",
        };
        eprintln!(
            "{written_to}: {} track {} written: {} GPS points at {} Hz in {} {samples}",
            written.format, written.track_id, written.gps_points, written.rate, written.payloads
        );
        if let Some(second) = written.second {
            eprintln!(
                "{written_to}: {} track {} written: {} packets",
                second.format, second.track_id, second.samples
            );
        }
    }
    if let (Some(marked), Some(spherical)) = (&report.spherical, &options.spherical) {
        if !quiet() {
            eprintln!("{written_to}: {}", describe_spherical(marked, spherical));
        }
    }
    Ok(gps)
}

/// What `--spherical` did, in a line.
fn describe_spherical(marked: &SphericalWritten, spherical: &Spherical) -> String {
    let mut line = format!(
        "video track {} marked as 360° equirectangular ({}), Spherical Video V1 and V2",
        marked.track_id,
        spherical.stereo.name()
    );
    if let Some(before) = &marked.replaced {
        let versions: Vec<&str> = [("V1", before.v1.is_some()), ("V2", !before.v2.is_empty())]
            .into_iter()
            .filter_map(|(name, had)| had.then_some(name))
            .collect();
        line.push_str(&format!(
            "; replaced its {} metadata",
            versions.join(" and ")
        ));
    }
    if marked.other_video_tracks > 0 {
        line.push_str(&format!(
            "; {} other video track(s) left as they were",
            marked.other_video_tracks
        ));
    }
    line
}

/// The CLI's [`Progress`]: the report so far once the output is laid out, then a bar while a
/// large file copies (`-o`; in place only the new bytes are written).
struct Shown<'a> {
    video: &'a str,
    copying: bool,
    /// Whether the report so far is shown.
    found: bool,
    bar: Option<ProgressBar>,
}

impl Progress for Shown<'_> {
    fn writing(&mut self, report: &Report, size: u64) {
        if !quiet() {
            show_found(report, self.video);
        }
        self.found = true;
        if self.copying && !quiet() {
            self.bar = Some(progress_bar(size));
        }
    }

    fn copied(&mut self, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(bytes);
        }
    }
}

impl Shown<'_> {
    /// Shows what the job found before it failed, unless shown already, and words the error;
    /// `writing` is the context of an error writing the output.
    fn failed(&mut self, failure: Failure, writing: String) -> anyhow::Error {
        if !self.found && !quiet() {
            show_found(&failure.report, self.video);
        }
        match failure.error {
            JobError::Write(error) => anyhow::Error::new(error).context(writing),
            error => explain(error, self.video),
        }
    }
}

/// The refusal of a video the track does not cover: a batch skips that clip and goes on.
#[derive(Debug)]
pub struct NotCovered(String);

impl std::fmt::Display for NotCovered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NotCovered {}

/// A job's error in the words of the flags that change it, with the video's name where the
/// error is about the video.
fn explain(error: JobError, video: &str) -> anyhow::Error {
    let label = |from: PointsFrom| from.label();
    match error {
        JobError::Options(error) => anyhow!(explain_option(&error)),
        JobError::Align(error) => anyhow!(sync::explain(&error)).context(video.to_owned()),
        JobError::NoTimedPoints => anyhow!(
            "the track has no points with times: inject lines the track up with the video by time \
             (export the track with timestamps; a drone's SRT without dates lines up with its \
             own video by telemux convert VIDEO)"
        ),
        JobError::NoOverlap { points_from } => anyhow::Error::new(NotCovered(format!(
            "the {} and the video do not overlap in time: check --video-tz (cameras often \
             record local time), --offset or --start, or use --sync first-point",
            label(points_from)
        ))),
        JobError::NotCovered {
            points_from,
            longest_gap: Some(gap),
            max_gap,
            ..
        } => anyhow::Error::new(NotCovered(format!(
            "the {} covers none of the video: its points around the video are up to {gap:.1} s \
             apart, more than --max-gap {max_gap}; bridge them with --max-gap {}, or check the \
             alignment (--sync, --offset, --video-tz)",
            label(points_from),
            gap.ceil()
        ))),
        JobError::NotCovered {
            points_from,
            points,
            ..
        } => anyhow::Error::new(NotCovered(format!(
            "the {} covers none of the video: it has {points} point(s) in the video's time and \
             a track needs two around each moment; check the alignment (--sync first-point, \
             --offset, --video-tz) or use a denser track",
            label(points_from)
        ))),
        JobError::ReplaceWithSensors { points_from } => anyhow!(
            "{video}: --replace keeps the sensor streams of the existing GPMF track, so the \
             {}'s own sensor streams cannot be written too",
            label(points_from)
        ),
        JobError::ReplaceLosesCamm { .. } => anyhow!(
            "{video}: {error}; telemux does not drop a camera's data (--format gpmf adds a GPMF \
             track and keeps this one)"
        ),
        JobError::AlreadyGpmf { .. } => {
            anyhow!("{video}: {error} (--format camm writes the GoPro's GPMF as a CAMM track)")
        }
        JobError::AlreadyCamm { .. } => {
            anyhow!("{video}: {error} (--format gpmf writes its CAMM GPS as a GPMF track)")
        }
        JobError::TransportStream => anyhow!(
            "{video}: an MPEG-TS recording cannot carry a GPMF track; use telemux extract for \
             its GPS"
        ),
        JobError::RawGpmf => anyhow!(
            "{video}: a raw GPMF track, not a video; inject its GPS into the video it came from \
             with telemux extract -o track.gpx, then telemux inject"
        ),
        // The lock error itself, not the job error around it: it names its file, and
        // `with_flag_advice` (cli/mod.rs) finds it in the chain to add the flag.
        JobError::Lock(error) => error.into(),
        // The rewrite's own error, not the transparent job error around it (whose source
        // skips it), so that `with_flag_advice` (cli/mod.rs) finds it to add the flag.
        JobError::Rewrite(error) => anyhow::Error::new(error).context(video.to_owned()),
        // A value that cannot be stored is about the points at a time of this video.
        JobError::Track(error) => anyhow::Error::new(error).context(video.to_owned()),
        // These name their file themselves.
        error @ (JobError::TrackOpen { .. } | JobError::TrackFile { .. } | JobError::Write(_)) => {
            error.into()
        }
        error => anyhow::Error::new(error).context(video.to_owned()),
    }
}

/// Tells the user what the job found before writing: the clip's own GPS (`convert`), how the
/// track was lined up, what it covers, and what becomes of existing telemetry and sensors.
fn show_found(report: &Report, video: &str) {
    if let Some(source) = &report.source {
        eprintln!("{video}: {}", source.summary);
        for warning in &source.warnings {
            eprintln!("{video}: warning: {warning}");
        }
        for line in &source.details {
            eprintln!("{video}: {line}");
        }
    }
    if let Some(unfinished) = &report.removed_unfinished {
        eprintln!(
            "{video}: removed the unfinished write of an interrupted telemux run ({} bytes at \
             byte {})",
            unfinished.len, unfinished.offset
        );
    }
    for track in &report.tracks {
        show_track(track);
    }
    if report.untimed_ignored > 0 {
        eprintln!(
            "warning: {} track points without a time were ignored",
            report.untimed_ignored
        );
    }
    if let Some(cleaned) = &report.cleaned {
        show_cleaned(cleaned);
    }
    show_alignment(report);
    if let (Some(dop), Some(aligned)) = (&report.default_dop, &report.aligned) {
        show_default_dop(dop, aligned.points_from);
    }
    if let Some(replaced) = &report.replaced {
        show_replaced(replaced);
    }
    if let Some(sensors) = &report.sensors {
        show_sensors(sensors);
    }
    if report.removed_tracks > 0 {
        eprintln!("replacing {} existing GPMF track(s)", report.removed_tracks);
    }
    if let Some(retimed) = &report.retimed {
        eprintln!("{}", sync::retimed(retimed, report.aligned.as_ref()));
    }
}

/// A track file's warnings, each naming its line or byte offset (its format is named by the
/// alignment's lines).
fn show_track(track: &jobs::TrackRead) {
    for warning in &track.warnings {
        eprintln!("{}: warning: {warning}", track.name);
    }
    let more = track.warning_count.saturating_sub(track.warnings.len());
    if more > 0 {
        eprintln!("{}: warning: {more} more like these", track.name);
    }
}

/// How the track was lined up, and how much of the video it covers.
fn show_alignment(report: &Report) {
    let Some(aligned) = &report.aligned else {
        return;
    };
    let (alignment, totals, duration) = (&aligned.alignment, &aligned.totals, aligned.duration);
    let span = |t: Option<OffsetDateTime>| t.map_or_else(|| "?".into(), rfc3339);
    eprintln!(
        "video: {} to {} ({duration:.1} s), start from {}",
        rfc3339(alignment.video_start),
        rfc3339(alignment.video_end),
        sync::how(alignment)
    );
    eprintln!(
        "{:<7}{} to {} ({} points)",
        format!("{}:", aligned.points_from.label().to_lowercase()),
        span(totals.first),
        span(totals.last),
        totals.count,
    );
    let Some(coverage) = &report.coverage else {
        return;
    };
    eprintln!(
        "covers {:.1} s of {duration:.1} s ({:.0}%)",
        coverage.covered,
        100.0 * coverage.covered / duration
    );
    show_sampling(&coverage.sampling, aligned.points_from);
    for gap in &coverage.gaps {
        eprintln!(
            "gap: no GPS from {:.1} s to {:.1} s of the video (longer than --max-gap, not bridged)",
            gap.start, gap.end
        );
    }
}

/// What the cleaning before resampling dropped and reordered, one line when anything.
fn show_cleaned(cleaned: &jobs::Cleaned) {
    let mut done = Vec::new();
    if cleaned.duplicates > 0 {
        done.push(format!(
            "dropped {} point(s) repeating an earlier time",
            cleaned.duplicates
        ));
    }
    if cleaned.out_of_order > 0 {
        done.push(format!(
            "put {} point(s) dated before the point before them in time order",
            cleaned.out_of_order
        ));
    }
    if let Some(filters) = &cleaned.filters {
        if filters.null_island > 0 {
            done.push(format!("dropped {} point(s) at (0,0)", filters.null_island));
        }
        if filters.outliers > 0 {
            done.push(format!(
                "dropped {} spike(s) faster than {} m/s (farthest {:.1} km)",
                filters.outliers,
                cleaned.max_speed,
                filters.farthest_outlier_m as f64 / 1000.0
            ));
        }
    }
    if !done.is_empty() {
        let keep = if cleaned.filters.is_some() {
            " (--keep-outliers to keep them)"
        } else {
            ""
        };
        eprintln!("cleaning: {}{keep}", done.join("; "));
    }
}

/// How the track is sampled where it meets the video, and what interpolation bridged.
fn show_sampling(sampling: &Sampling, points_from: PointsFrom) {
    let Some(median) = sampling.median else {
        return;
    };
    let spread = |s: &Spread| {
        if (s.longest - s.shortest).abs() < 0.05 {
            format!("{:.1} s", s.longest)
        } else {
            format!("{:.1}–{:.1} s", s.shortest, s.longest)
        }
    };
    let mut line = format!(
        "{}: 1 point every {median:.1} s (median)",
        points_from.label()
    );
    if sampling.bridged.count > 0 {
        line += &format!(
            "; bridged {} gap(s) of {} by interpolation",
            sampling.bridged.count,
            spread(&sampling.bridged)
        );
    }
    if sampling.unbridged.count > 0 {
        line += &format!(
            "; left {} gap(s) of {} uncovered (over --max-gap)",
            sampling.unbridged.count,
            spread(&sampling.unbridged)
        );
    }
    eprintln!("{line}");
}

/// Says when points are written with `--dop` because the track has no DOP for them.
fn show_default_dop(dop: &jobs::DefaultDop, points_from: PointsFrom) {
    let label = points_from.label();
    let what = match points_from {
        PointsFrom::Track("GPX") => "hdop",
        _ => "DOP",
    };
    let whose = if dop.without == dop.of {
        format!("no {what} in the {label}")
    } else {
        format!(
            "{} of {} points have no {what} in the {label}",
            dop.without, dop.of
        )
    };
    // `{:?}` keeps every digit given and shows 4.0 as "4.0".
    eprintln!("{whose}: writing DOP {:?} (--dop to change)", dop.dop);
}

/// What became of the sensor streams given beside the GPS.
fn show_sensors(sensors: &jobs::SensorsWritten) {
    for (key, count, scale) in &sensors.written {
        match sensors.format {
            "GPMF" => eprintln!("sensor stream {key}: {count} samples written (SCAL {scale})"),
            format => eprintln!("sensor stream {key}: {count} samples written as {format}"),
        }
    }
    if !sensors.unsupported.is_empty() {
        eprintln!(
            "sensor streams not written (no {} layout): {}",
            sensors.format,
            sensors.unsupported.join(", ")
        );
    }
    if sensors.left_out > 0 {
        eprintln!(
            "{} sensor samples outside the video were left out",
            sensors.left_out
        );
    }
}

/// Says which GPS was replaced and which of the camera's streams were kept.
fn show_replaced(replaced: &jobs::Replaced) {
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
        replaced.track_id,
        replaced.payloads,
        names(&replaced.kept)
    );
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

/// Files larger than this get a progress bar while they copy.
const PROGRESS_FROM: u64 = 256 << 20;

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
