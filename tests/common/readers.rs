//! The independent readers of the interop tests (tests/interop_*.rs), each found where
//! `.ci/run` installs it, and what `inject` should write for fixtures/ride.gpx, which they are
//! held to. A reader that is not installed skips its check with a message; with
//! TELEMUX_REQUIRE_CORPUS=1 (CI) it fails the test instead, as `testkit::external_tool` does.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use telemux_read::gpx;
use telemux_testkit::reader_missing;
use time::macros::datetime;
use time::OffsetDateTime;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn node_dir() -> PathBuf {
    repo().join("tests/interop/node")
}

/// `node gpmf-points.js` (gpmf-extract + gopro-telemetry), or `None`.
pub fn node_reader() -> Option<Command> {
    node_script("gpmf-points.js")
}

/// `node tests/interop/node/SCRIPT` with gpmf-extract and gopro-telemetry installed, or `None`.
pub fn node_script(script: &str) -> Option<Command> {
    let install = "npm ci --prefix tests/interop/node";
    let mut node = super::tool("node")?;
    let modules = node_dir().join("node_modules");
    for package in ["gpmf-extract", "gopro-telemetry"] {
        if !modules.join(package).join("package.json").is_file() {
            return reader_missing(&format!("{package} (in {})", modules.display()), install);
        }
    }
    node.arg(node_dir().join(script));
    Some(node)
}

/// The Python of the interop venv (py-gpmf-parser, mapillary_tools, pinned in
/// tests/interop/python/requirements.txt): `$TELEMUX_INTEROP_VENV` or target/interop-venv.
fn venv_python() -> Option<PathBuf> {
    let venv = std::env::var_os("TELEMUX_INTEROP_VENV")
        .map_or_else(|| repo().join("target/interop-venv"), PathBuf::from);
    let python = venv.join("bin/python");
    python.is_file().then_some(python)
}

/// `python tests/interop/python/SCRIPT`, whose Python module `module` must be importable.
pub fn python_reader(script: &str, module: &str) -> Option<Command> {
    let install = "python3 -m venv target/interop-venv && target/interop-venv/bin/pip install -r tests/interop/python/requirements.txt";
    let Some(python) = venv_python() else {
        return reader_missing("the interop Python venv", install);
    };
    let importable = Command::new(&python)
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !importable {
        return reader_missing(&format!("Python module {module}"), install);
    }
    let mut cmd = Command::new(python);
    cmd.arg(repo().join("tests/interop/python").join(script));
    Some(cmd)
}

/// The telemetry-parser reader program (tests/interop/telemetry-parser), or `None`.
pub fn telemetry_parser_reader() -> Option<Command> {
    let binary =
        repo().join("target/interop-telemetry-parser/debug/telemux-interop-telemetry-parser");
    if binary.is_file() {
        return Some(Command::new(binary));
    }
    reader_missing(
        "the telemetry-parser reader",
        "cargo build --locked --manifest-path tests/interop/telemetry-parser/Cargo.toml --target-dir target/interop-telemetry-parser",
    )
}

/// Runs a reader and parses the one JSON object it prints.
pub fn read_json(cmd: Command) -> serde_json::Value {
    let text = super::run(cmd);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// One point of fixtures/ride.gpx resampled as `inject` does.
#[derive(Debug, Clone, Copy)]
pub struct RidePoint {
    pub lat: f64,
    pub lon: f64,
    pub alt: f64,
    pub time: OffsetDateTime,
}

impl RidePoint {
    pub fn unix_ms(&self) -> i64 {
        i64::try_from(self.time.unix_timestamp_nanos() / 1_000_000).unwrap()
    }
}

/// fixtures/ride.mp4 (and every input made from it) starts at 2024-05-01 10:00:00 UTC.
pub const RIDE_START: OffsetDateTime = datetime!(2024-05-01 10:00:00 UTC);

/// What inject should write for fixtures/ride.gpx on the 12 s ride clip: the GPX at 10 Hz
/// (120 points) as the oracle computes it, as in tests/inject.rs.
pub fn ride_points() -> Vec<RidePoint> {
    let data = gpx::parse(&fs::read(super::fixture("ride.gpx")).unwrap()).unwrap();
    let merged = gpx::merge_by_time(data.segments);
    let grid = super::oracle::Grid::default();
    super::oracle::expected_samples(&merged.points, RIDE_START, 12.0, grid)
        .iter()
        .map(|p| RidePoint {
            lat: p.latitude,
            lon: p.longitude,
            alt: p.altitude.unwrap(),
            time: p.time.unwrap(),
        })
        .collect()
}

/// (lat, lon) a reader gives for point `i` against the GPX, to `deg` degrees.
pub fn assert_position_within(deg: f64, what: &str, i: usize, lat: f64, lon: f64, gpx: &RidePoint) {
    assert!(
        (lat - gpx.lat).abs() <= deg && (lon - gpx.lon).abs() <= deg,
        "{what} point {i}: ({lat}, {lon}), GPX ({}, {})",
        gpx.lat,
        gpx.lon
    );
}

/// A number of a reader's JSON.
pub fn number(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}
