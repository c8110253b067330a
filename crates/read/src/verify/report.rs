//! The result of verifying one file: a list of checks, each with a verdict, a one-line message
//! and the number (or text) the verdict rests on.

use std::fmt;

use crate::model::{GpsPoint, Telemetry};

/// Which part of the file a check looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Section {
    /// The MP4/QuickTime structure: boxes, sample tables, chunk placement, edit lists.
    Container,
    /// The embedded telemetry: which sources, their payloads, the GPS track's quality.
    Telemetry,
    /// The reasons Street View gives for rejecting an upload (`--street-view`).
    StreetView,
}

impl Section {
    /// The stable snake_case name used in the JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Section::Container => "container",
            Section::Telemetry => "telemetry",
            Section::StreetView => "street_view",
        }
    }
}

/// A check's verdict, from best to worst; `Skip` means the check had nothing to look at and
/// ranks between a pass and a warning only for sorting. Exhaustive on purpose: exit codes and
/// summaries depend on every verdict, so a new one must not fall into a wildcard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// The property holds.
    Pass,
    /// Nothing to check (e.g. no telemetry for a telemetry check).
    Skip,
    /// A problem some readers or uploads trip on.
    Warn,
    /// A problem that makes the file or its telemetry wrong.
    Fail,
}

impl Status {
    /// This status when `problem` holds, else `Pass`: `Status::Warn.when(hz < MIN_RATE_HZ)`.
    pub fn when(self, problem: bool) -> Status {
        if problem {
            self
        } else {
            Status::Pass
        }
    }

    /// `pass`, `skip`, `warn` or `fail`: the stable name used in the JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Skip => "skip",
            Status::Warn => "warn",
            Status::Fail => "fail",
        }
    }

    /// `PASS`, `SKIP`, `WARN` or `FAIL`, as the text output prints it.
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Skip => "SKIP",
            Status::Warn => "WARN",
            Status::Fail => "FAIL",
        }
    }
}

/// The fact behind a verdict: a count, a measurement, or a word such as `front`. Exhaustive on
/// purpose: the JSON report writes each kind as its own JSON type.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A count or an offset.
    Integer(i64),
    /// A measurement (Hz, seconds, metres).
    Number(f64),
    /// A word, e.g. `front`.
    Text(String),
}

impl From<u64> for Value {
    fn from(value: u64) -> Value {
        Value::Integer(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

impl From<usize> for Value {
    fn from(value: usize) -> Value {
        Value::from(value as u64)
    }
}

impl From<i64> for Value {
    fn from(value: i64) -> Value {
        Value::Integer(value)
    }
}

impl From<f64> for Value {
    fn from(value: f64) -> Value {
        Value::Number(value)
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Value {
        Value::Text(value.to_owned())
    }
}

impl From<String> for Value {
    fn from(value: String) -> Value {
        Value::Text(value)
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Integer(v) => write!(f, "{v}"),
            Value::Number(v) => write!(f, "{v}"),
            Value::Text(v) => f.write_str(v),
        }
    }
}

/// One verdict about one property of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// Stable snake_case name, e.g. `chunks_in_mdat`; scripts may rely on it.
    pub id: &'static str,
    /// The report section it belongs to.
    pub section: Section,
    /// The verdict.
    pub status: Status,
    /// One line that names the problem (box path, byte offset, point index) or what passed.
    pub message: String,
    /// The fact behind the verdict, for machine-readable output.
    pub value: Option<Value>,
}

impl Check {
    /// A check `id` of `section` with its verdict and message, without a value.
    pub fn new(
        id: &'static str,
        section: Section,
        status: Status,
        message: impl Into<String>,
    ) -> Check {
        Check {
            id,
            section,
            status,
            message: message.into(),
            value: None,
        }
    }

    /// The check with `value` as the fact behind it.
    pub fn with_value(mut self, value: impl Into<Value>) -> Check {
        self.value = Some(value.into());
        self
    }
}

/// Every check run on one file, in a fixed order: container, telemetry, then Street View.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Report {
    /// The checks, in the order of docs/verify.md.
    pub checks: Vec<Check>,
    /// The GPS track the telemetry checks looked at, in brief; `None` when none was read.
    pub track: Option<TrackSummary>,
}

/// The GPS track verify read (through `crate::source`, as `extract` reads it), in brief:
/// enough to tell that both found the same telemetry.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TrackSummary {
    /// The format that held it, as reports name it (`GoPro GPMF`, `Novatek GPS`, …).
    pub format: &'static str,
    /// GPS points read, those without a fix included.
    pub points: usize,
    /// The first GPS point read.
    pub first: Option<GpsPoint>,
    /// The last GPS point read.
    pub last: Option<GpsPoint>,
}

impl TrackSummary {
    /// The summary of `telemetry`, read by `format`.
    pub(crate) fn of(format: &'static str, telemetry: &Telemetry) -> TrackSummary {
        TrackSummary {
            format,
            points: telemetry.gps.len(),
            first: telemetry.gps.first().cloned(),
            last: telemetry.gps.last().cloned(),
        }
    }
}

/// How many checks ended with each verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    /// Checks that passed.
    pub pass: usize,
    /// Checks that warned.
    pub warn: usize,
    /// Checks that failed.
    pub fail: usize,
    /// Checks skipped for having nothing to look at.
    pub skip: usize,
}

impl Report {
    /// `Fail` when a check failed, else `Warn` when one warned, else `Pass` (skipped checks
    /// do not count).
    pub fn status(&self) -> Status {
        self.checks
            .iter()
            .map(|c| c.status)
            .filter(|s| *s != Status::Skip)
            .max()
            .unwrap_or(Status::Pass)
    }

    /// How many checks ended with each verdict.
    pub fn tally(&self) -> Tally {
        let mut tally = Tally::default();
        for check in &self.checks {
            match check.status {
                Status::Pass => tally.pass += 1,
                Status::Warn => tally.warn += 1,
                Status::Fail => tally.fail += 1,
                Status::Skip => tally.skip += 1,
            }
        }
        tally
    }

    /// The check with this id, if it ran.
    pub fn check(&self, id: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }
}
