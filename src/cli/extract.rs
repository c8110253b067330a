//! `telemux extract`: the GPS (and sensors) of one or more videos as GPX, KML, GeoJSON, CSV or
//! JSON, or the sensor samples alone as CSV.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::ValueEnum;
use telemux_read::model::{Fix, GpsPoint, Telemetry};
use telemux_read::source::{self, Options};
use telemux_read::track::Filters;
use telemux_write::export::{csv, geojson, gpx, json, kml, sensors_csv};

use super::text_output::write_text;

/// Export the GPS track of videos (GoPro GPMF, TomTom Bandit, telemux output) as GPX, KML,
/// GeoJSON, CSV or JSON, or their sensor samples as CSV.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Several files (GoPro chapters, a folder of clips) become one track: each file is a segment, in
time order (or name order with --sort name). A one-line summary per file goes to stderr.

--format json holds the GPS and every sensor stream; --format sensors-csv writes one row per
sensor sample (media_time, time, stream, unit, value_1, value_2, …).

Examples:
  telemux extract GX010042.MP4 -o ride.gpx
  telemux extract GX01*.MP4 --min-fix 3 --max-dop 5 -o ride.gpx
  telemux extract clips/ --format csv > drive.csv
  telemux extract GX010042.MP4 --format json -o all-sensors.json
  telemux extract bandit.mp4 --format sensors-csv -o imu.csv")]
pub struct ExtractArgs {
    /// Video files or folders of them
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

    /// Keep GPS records the device marks as having no fix (TomTom Bandit modes 0 and 1; their
    /// position may be stale)
    #[arg(long, conflicts_with = "min_fix")]
    pub all_fixes: bool,

    /// Drop points whose dilution of precision is above this
    #[arg(long)]
    pub max_dop: Option<f64>,

    /// Drop points reached faster than --max-speed from the previous point (GPS jumps)
    #[arg(long)]
    pub drop_outliers: bool,

    /// Speed limit for --drop-outliers, m/s
    #[arg(long, default_value_t = 1000.0, requires = "drop_outliers")]
    pub max_speed: f64,

    /// Order of several files: by their first GPS time, or by name as given
    #[arg(long, value_enum, default_value_t = Sort::Time)]
    pub sort: Sort,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Sort {
    Time,
    Name,
}

/// File name endings of the videos a folder is searched for.
const VIDEO_EXTENSIONS: [&str; 4] = ["mp4", "mov", "ts", "lrv"];

pub fn run(args: ExtractArgs) -> anyhow::Result<ExitCode> {
    let format = args
        .format
        .or_else(|| args.output.as_deref().and_then(format_of))
        .unwrap_or(Format::Gpx);
    let filters = Filters {
        min_fix: args.min_fix.map(|f| Fix::from_code(f.into())),
        max_dop: args.max_dop,
        max_speed: args.drop_outliers.then_some(args.max_speed),
        keep_null_island: false,
    };
    let sensors_only = format == Format::SensorsCsv;
    let options = Options {
        sensors: matches!(format, Format::Json | Format::SensorsCsv),
        unfixed_gps: args.all_fixes,
    };
    let mut files = Vec::new();
    for path in expand(&args.inputs)? {
        let name = path.display().to_string();
        let mut file = File::open(&path).with_context(|| name.clone())?;
        let read = source::read(&mut file, options).with_context(|| name.clone())?;
        let (points, report) = filters.apply(read.telemetry.gps.clone());
        let dropped = if report.dropped() > 0 {
            format!(
                " ({} dropped: {} no-fix/low-fix, {} high DOP, {} outliers, {} at 0,0)",
                report.dropped(),
                report.low_fix,
                report.high_dop,
                report.outliers,
                report.null_island
            )
        } else {
            String::new()
        };
        eprintln!("{name}: {}; {} kept{dropped}", read.summary, points.len());
        for w in &read.warnings {
            eprintln!("{name}: warning: {w}");
        }
        files.push(Telemetry {
            gps: points,
            ..read.telemetry
        });
    }
    if args.sort == Sort::Time {
        // Files without times keep their order, after the timed ones.
        files.sort_by_key(|t| {
            let first = t.gps.first().and_then(|p| p.time);
            (first.is_none(), first)
        });
    }
    let segments: Vec<Vec<GpsPoint>> = files.iter().map(|t| t.gps.clone()).collect();
    if sensors_only {
        if files.iter().all(|t| t.sensors.is_empty()) {
            bail!("no sensor samples to export (the files hold GPS only)");
        }
    } else if segments.iter().all(Vec::is_empty) {
        bail!("no GPS points to export (all were filtered out or none were recorded)");
    }
    write_text(args.output.as_deref(), args.force, |out| {
        match format {
            Format::Gpx => {
                let version = if args.gpx10 {
                    gpx::GpxVersion::V1_0
                } else {
                    gpx::GpxVersion::V1_1
                };
                gpx::write_gpx(out, &segments, version)?
            }
            Format::Kml => kml::write_kml(out, &segments)?,
            Format::Geojson => geojson::write_geojson(out, &segments)?,
            Format::Csv => csv::write_csv(out, &segments)?,
            Format::Json => json::write_json(out, &merge(files))?,
            Format::SensorsCsv => sensors_csv::write_sensors_csv(out, &merge(files).sensors)?,
        }
        Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
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

/// Files as given, and the videos inside folders (sorted by name).
fn expand(inputs: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(input)
                .with_context(|| input.display().to_string())?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                        VIDEO_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str())
                    })
                })
                .collect();
            if found.is_empty() {
                bail!(
                    "{}: no video files (.mp4, .mov, .ts, .lrv) in this folder",
                    input.display()
                );
            }
            found.sort();
            files.extend(found);
        } else {
            files.push(input.clone());
        }
    }
    Ok(files)
}

/// Several files' telemetry as one, for JSON.
fn merge(files: Vec<Telemetry>) -> Telemetry {
    let mut files = files.into_iter();
    let mut all = files.next().unwrap_or_default();
    for t in files {
        all.gps.extend(t.gps);
        all.sensors.extend(t.sensors);
    }
    all
}
