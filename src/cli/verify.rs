//! `telemux verify FILE…`: checks videos and their telemetry before upload, as text or as one
//! JSON document (schema `telemux-verify/1`, documented in docs/verify.md).

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use serde_json::{json, Value as Json};
use telemux_read::source::SourceError;
use telemux_read::verify::{self, Check, Options, Report, Status, Value};

use super::inputs;
use super::values::Number;
use super::EXIT_UNREADABLE;

/// The `schema` field of the JSON output; bumped when a field changes meaning or goes away.
pub const JSON_SCHEMA: &str = "telemux-verify/1";

/// Exit code when a check fails (a file that cannot be read gives 2).
const EXIT_FAILED: u8 = 1;

/// Check videos (MP4/MOV) and their telemetry before you upload them.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Each check prints PASS, WARN, FAIL or SKIP, its id and a message with the number behind it.
The telemetry is read as telemux extract reads it; a CAMM track also gets camm_packets (every
sample a valid packet) and camm_timing (GPS time against media time), beside a GPMF track too.
When it lives in moov or a GPMF or CAMM track, only
the top-level box headers, moov and the telemetry samples are read, so even a file of several
gigabytes takes well under a second; a file without it is scanned for dashcam GPS blocks.
A folder stands for the videos directly inside it.

Exit status: 0 when no check fails (warnings allowed), 1 when a check fails, 2 when a file
cannot be read as MP4/QuickTime.

Examples:
  telemux verify GX010001.MP4
  telemux verify --street-view *.MP4
  telemux verify DCIM/100GOPRO/             # every video in the folder, one report each
  telemux verify --json --street-view --max-speed 60 ride.mp4 > report.json
  telemux verify --street-view --prefer-camm pano.mp4   # GPS checks on its CAMM track")]
pub struct VerifyArgs {
    /// Videos to check (MP4 or QuickTime), or folders of them
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Print one JSON document (schema telemux-verify/1) instead of text
    #[arg(long)]
    pub json: bool,

    /// Also run the checks behind Street View's upload failure reasons
    #[arg(long)]
    pub street_view: bool,

    /// Run the GPS checks on the CAMM track of a file that also has a GoPro GPMF track (both
    /// tracks' packets are checked either way)
    #[arg(long)]
    pub prefer_camm: bool,

    /// Implied speed between two GPS points above which the track "jumps", in m/s
    #[arg(long, value_name = "M/S", default_value_t = verify::DEFAULT_MAX_SPEED,
          value_parser = Number::positive("m/s"))]
    pub max_speed: f64,
}

/// A file's outcome: its report, or why it could not be read.
struct Outcome {
    file: String,
    result: Result<Report, Unreadable>,
}

struct Unreadable {
    message: String,
    path: Option<String>,
    offset: Option<u64>,
}

pub fn run(args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let mut options = Options::default();
    options.street_view = args.street_view;
    options.max_speed = args.max_speed;
    options.prefer_camm = args.prefer_camm;
    let paths = inputs::expand(&args.files)?;
    let outcomes: Vec<Outcome> = paths
        .iter()
        .map(|path| Outcome {
            file: path.display().to_string(),
            result: check_file(path, &options),
        })
        .collect();
    let text = if args.json {
        let mut text = serde_json::to_string_pretty(&to_json(&outcomes))?;
        text.push('\n');
        text
    } else {
        outcomes.iter().map(to_text).collect::<Vec<_>>().join("\n")
    };
    match io::stdout().lock().write_all(text.as_bytes()) {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => {}
        other => other.context("writing to stdout")?,
    }
    if !args.json {
        for outcome in &outcomes {
            if let Err(unreadable) = &outcome.result {
                eprintln!("telemux: error: {}: {}", outcome.file, unreadable.message);
            }
        }
    }
    Ok(ExitCode::from(exit_code(&outcomes)))
}

fn check_file(path: &Path, options: &Options) -> Result<Report, Unreadable> {
    let mut file = File::open(path).map_err(|err| Unreadable {
        message: err.to_string(),
        path: None,
        offset: None,
    })?;
    verify::verify(&mut file, options).map_err(|err| {
        let message = err.to_string();
        match err {
            SourceError::Mp4(err) => Unreadable {
                message,
                path: Some(err.path),
                offset: Some(err.offset),
            },
            _ => Unreadable {
                message,
                path: None,
                offset: None,
            },
        }
    })
}

fn exit_code(outcomes: &[Outcome]) -> u8 {
    let unreadable = outcomes.iter().any(|o| o.result.is_err());
    let failed = outcomes
        .iter()
        .any(|o| matches!(&o.result, Ok(report) if report.status() == Status::Fail));
    if unreadable {
        EXIT_UNREADABLE
    } else if failed {
        EXIT_FAILED
    } else {
        0
    }
}

fn to_text(outcome: &Outcome) -> String {
    let report = match &outcome.result {
        Ok(report) => report,
        Err(unreadable) => {
            return format!("{}\nERROR  {}\n", outcome.file, unreadable.message);
        }
    };
    let width = report.checks.iter().map(|c| c.id.len()).max().unwrap_or(0);
    let mut out = format!("{}\n", outcome.file);
    for check in &report.checks {
        out.push_str(&format!(
            "{}  {:width$}  {}\n",
            check.status.label(),
            check.id,
            check.message
        ));
    }
    let tally = report.tally();
    out.push_str(&format!(
        "{}: {} — {} pass, {} warn, {} fail, {} skip\n",
        outcome.file,
        report.status().label(),
        tally.pass,
        tally.warn,
        tally.fail,
        tally.skip
    ));
    out
}

fn to_json(outcomes: &[Outcome]) -> Json {
    let files: Vec<Json> = outcomes.iter().map(file_json).collect();
    let warned = outcomes
        .iter()
        .any(|o| matches!(&o.result, Ok(report) if report.status() == Status::Warn));
    let worst = match exit_code(outcomes) {
        EXIT_UNREADABLE => "error",
        EXIT_FAILED => "fail",
        _ if warned => "warn",
        _ => "pass",
    };
    json!({ "schema": JSON_SCHEMA, "status": worst, "files": files })
}

fn file_json(outcome: &Outcome) -> Json {
    match &outcome.result {
        Ok(report) => {
            let tally = report.tally();
            json!({
                "file": outcome.file,
                "status": report.status().name(),
                "error": null,
                "summary": {
                    "pass": tally.pass, "warn": tally.warn, "fail": tally.fail, "skip": tally.skip
                },
                "checks": report.checks.iter().map(check_json).collect::<Vec<_>>(),
            })
        }
        Err(unreadable) => json!({
            "file": outcome.file,
            "status": "error",
            "error": {
                "message": unreadable.message,
                "path": unreadable.path,
                "offset": unreadable.offset,
            },
            "summary": null,
            "checks": [],
        }),
    }
}

fn check_json(check: &Check) -> Json {
    let value = match &check.value {
        None => Json::Null,
        Some(Value::Integer(v)) => json!(v),
        // serde_json writes non-finite numbers as null, which is what they mean here.
        Some(Value::Number(v)) => json!(v),
        Some(Value::Text(v)) => json!(v),
    };
    json!({
        "id": check.id,
        "section": check.section.name(),
        "status": check.status.name(),
        "message": check.message,
        "value": value,
    })
}
