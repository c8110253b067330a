//! `telemux extract`: the GPS (and sensors) of one or more videos as GPX, KML, GeoJSON, CSV or
//! JSON, or the sensor samples alone as CSV.

use std::fs::File;
use std::io::{BufReader, Seek};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use telemux_read::model::{Fix, Telemetry};
use telemux_read::novatek;
use telemux_read::source::{self, FileTelemetry, Options, Origin};
use telemux_read::track::Filters;
use telemux_read::track_input;
use telemux_write::export::gpx::GpxVersion;
use telemux_write::jobs::{self, filter_file, Export};

use super::dashcam_args::DashcamArgs;
use super::inputs;
use super::text_output::write_text;
use super::values::Number;
use super::EXIT_UNREADABLE;

/// Export the GPS track of videos (GoPro GPMF, CAMM, TomTom Bandit, dashcams, telemux output)
/// or track files (GPX, FIT, DJI SRT, …) as GPX, KML, GeoJSON, CSV or JSON, or their sensor
/// samples as CSV.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Several files (GoPro chapters, a folder of clips) become one track: each file is a segment, in
time order (or name order with --sort name). A one-line summary per file goes to stderr
(-v adds a line per dashcam block). Dashcam clips (Novatek freeGPS in MP4/MOV, MPEG-TS) are
read through their moov/gps index when they have one, else by scanning mdat; fixes a clip
repeats from the previous one are dropped. With several files, one that cannot be read is
reported and skipped, and the exit code is 2.

--format json holds the GPS and every sensor stream; --format sensors-csv writes one row per
sensor sample (media_time, time, stream, unit, value_1, value_2, …).

A CAMM track (360 cameras, the Street View app, mapillary_tools) gives GPS from its type 6 and
5 packets and sensor streams GYRO, ACCL and MAGN (types 2, 3, 7; also ANGLE_AXIS, EXPOSURE and
POSITION for types 0, 1, 4). A file with both a GoPro GPMF track and a CAMM track is read
from the GPMF track unless --prefer-camm.

Examples:
  telemux extract GX010042.MP4 -o ride.gpx
  telemux extract GX01*.MP4 --min-fix 3 --max-dop 5 -o ride.gpx
  telemux extract clips/ --format csv > drive.csv
  telemux extract DCIM/Movie/ --gps-tz +09:00 -o drive.gpx
  telemux extract GX010042.MP4 --format json -o all-sensors.json
  telemux extract bandit.mp4 --format sensors-csv -o imu.csv
  telemux extract ride.fit -o ride.gpx          (a track file, read whole)
  telemux extract DJI_0001.SRT --format csv -o flight.csv
  telemux extract pano.mp4 --prefer-camm -o pano.gpx")]
pub struct ExtractArgs {
    /// Video files or folders of them, or track files (GPX, FIT, DJI SRT, …)
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,

    /// Output format [default: from the -o extension, else gpx]
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,

    /// GPX 1.0 (with <speed> and <course>) for older tools, instead of GPX 1.1
    #[arg(long)]
    pub gpx10: bool,

    /// Output file, or - for standard output [default: standard output]
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,

    /// Overwrite the output file if it exists
    #[arg(long)]
    pub force: bool,

    /// Drop points with a worse fix: 2 (2D) or 3 (3D)
    #[arg(long, value_parser = clap::value_parser!(u8).range(2..=3))]
    pub min_fix: Option<u8>,

    /// Keep GPS points the device marks as having no fix in GPX, KML, GeoJSON and CSV (GoPro
    /// GPSF 0 or GPS9 fix 0, dated by a camera clock that may be unset; TomTom Bandit modes 0
    /// and 1; their position may be stale). JSON always keeps them, with their fix
    #[arg(long, conflicts_with = "min_fix")]
    pub all_fixes: bool,

    /// Drop points whose dilution of precision is above this
    #[arg(long, value_parser = Number::positive(""))]
    pub max_dop: Option<f64>,

    /// Drop points reached faster than --max-speed from the last kept point (GPS jumps, as
    /// verify's sv_jumps judges them)
    #[arg(long)]
    pub drop_outliers: bool,

    /// Speed limit for --drop-outliers, m/s
    #[arg(long, default_value_t = 1000.0, requires = "drop_outliers",
          value_parser = Number::positive("m/s"))]
    pub max_speed: f64,

    /// Read the CAMM track of a file that also has a GoPro GPMF track (GPMF is read by
    /// default)
    #[arg(long)]
    pub prefer_camm: bool,

    /// Order of several files: by their first GPS time, or by name as given
    #[arg(long, value_enum, default_value_t = Sort::Time)]
    pub sort: Sort,

    #[command(flatten)]
    pub dashcam: DashcamArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Gpx,
    Kml,
    Geojson,
    Csv,
    Json,
    /// Sensor samples (accelerometer, gyroscope, …), one row each
    SensorsCsv,
}

impl Format {
    /// The library's format; `gpx10` picks GPX 1.0.
    fn job_format(self, gpx10: bool) -> jobs::Format {
        match self {
            Format::Gpx if gpx10 => jobs::Format::Gpx(GpxVersion::V1_0),
            Format::Gpx => jobs::Format::Gpx(GpxVersion::V1_1),
            Format::Kml => jobs::Format::Kml,
            Format::Geojson => jobs::Format::Geojson,
            Format::Csv => jobs::Format::Csv,
            Format::Json => jobs::Format::Json,
            Format::SensorsCsv => jobs::Format::SensorsCsv,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Sort {
    Time,
    Name,
}

pub fn run(args: ExtractArgs) -> anyhow::Result<ExitCode> {
    let format = args
        .format
        .or_else(|| args.output.as_deref().and_then(format_of))
        .unwrap_or(Format::Gpx)
        .job_format(args.gpx10);
    // JSON is the export of everything: points without a fix stay, with their fix field.
    let everything = format.everything();
    let mut filters = Filters::default();
    filters.min_fix = args.min_fix.map(|f| Fix::from_code(f.into()));
    filters.max_dop = args.max_dop;
    filters.max_speed = args.drop_outliers.then_some(args.max_speed);
    filters.keep_null_island = false;
    filters.drop_unfixed = !(args.all_fixes || everything);
    let mut options = args
        .dashcam
        .options(everything, args.all_fixes || everything);
    options.prefer_camm = args.prefer_camm;
    let paths = inputs::expand(&args.inputs)?;
    let several = paths.len() > 1;
    let mut read = Vec::new();
    let mut failed = 0;
    for path in &paths {
        let name = path.display().to_string();
        match read_file(path, options) {
            Ok(file) => read.push((name, file)),
            Err(error) if several => {
                eprintln!("{name}: error: {error:#}");
                failed += 1;
            }
            Err(error) => return Err(error.context(name)),
        }
    }
    if args.sort == Sort::Time {
        // Files without times keep their order, after the timed ones.
        read.sort_by_key(|(_, f)| {
            let first = f.telemetry.gps.first().and_then(|p| p.time);
            (first.is_none(), first)
        });
    }
    let repeated = drop_repeated_fixes(&mut read);
    let mut files = Vec::new();
    for ((name, file), repeated) in read.into_iter().zip(repeated) {
        files.push(report_and_filter(
            &name,
            file,
            repeated,
            &filters,
            args.dashcam.verbose,
        ));
    }
    let export = Export::new(format, files)?;
    write_text(args.output.as_deref(), args.force, &paths, |out| {
        export.write(out)?;
        Ok(())
    })?;
    if failed > 0 {
        eprintln!("{failed} file(s) could not be read (see above)");
        return Ok(ExitCode::from(EXIT_UNREADABLE));
    }
    Ok(ExitCode::SUCCESS)
}

/// A video's telemetry, or a track file's points (GPX, FIT, DJI SRT, …: detected by content,
/// else by extension) read whole through the same readers as `inject --track`.
fn read_file(path: &Path, options: Options) -> anyhow::Result<FileTelemetry> {
    let mut file = BufReader::new(File::open(path)?);
    if let Some(track) = track_input::read_file(&mut file, path)? {
        return Ok(track);
    }
    let mut file = file.into_inner();
    file.rewind()?;
    Ok(source::read(&mut file, options)?)
}

/// Drops from each dashcam clip the fixes it repeats from the clip before it (in the order
/// given); returns how many per file.
fn drop_repeated_fixes(files: &mut [(String, FileTelemetry)]) -> Vec<usize> {
    let mut dropped = vec![0; files.len()];
    for (i, slot) in dropped.iter_mut().enumerate().skip(1) {
        let (before, after) = files.split_at_mut(i);
        let (Some((_, previous)), Some((_, clip))) = (before.last(), after.first_mut()) else {
            continue;
        };
        let dashcam = |f: &FileTelemetry| matches!(f.origin, Origin::Novatek(_));
        if dashcam(previous) && dashcam(clip) {
            *slot = novatek::drop_repeated(&previous.telemetry.gps, &mut clip.telemetry.gps);
        }
    }
    dropped
}

/// Applies the filters and prints the file's summary (and block details with `--verbose`).
fn report_and_filter(
    name: &str,
    file: FileTelemetry,
    repeated: usize,
    filters: &Filters,
    verbose: bool,
) -> Telemetry {
    let (telemetry, report) = filter_file(file, repeated, filters);
    let mut dropped = Vec::new();
    if report.repeated > 0 {
        dropped.push(format!(
            "{} repeated from the previous clip",
            report.repeated
        ));
    }
    let filtered = &report.filtered;
    if filtered.unfixed > 0 {
        dropped.push(format!(
            "dropped {} points without a GPS fix; --all-fixes keeps them",
            filtered.unfixed
        ));
    }
    let by_filters = filtered.dropped() - filtered.unfixed;
    if by_filters > 0 {
        dropped.push(format!(
            "{by_filters} filtered: {} no-fix/low-fix, {} high DOP, {} outliers, {} at 0,0",
            filtered.low_fix, filtered.high_dop, filtered.outliers, filtered.null_island
        ));
    }
    let dropped = if dropped.is_empty() {
        String::new()
    } else {
        format!(" ({})", dropped.join("; "))
    };
    note!("{name}: {}; {} kept{dropped}", report.summary, report.kept);
    for w in &report.warnings {
        note!("{name}: warning: {w}");
    }
    if verbose {
        for line in &report.details {
            note!("{name}: {line}");
        }
    }
    telemetry
}

/// The format named by an output file's extension.
fn format_of(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "gpx" => Format::Gpx,
        "kml" => Format::Kml,
        "geojson" => Format::Geojson,
        "csv" => Format::Csv,
        "json" => Format::Json,
        _ => return None,
    })
}
