//! Injects `fixtures/ride.gpx` into `fixtures/ride.mp4` through the library alone, in memory,
//! prints the report, and reads the result back: exits non-zero unless it holds the 120 GPS
//! points (12 s at 10 Hz) that `telemux inject` writes for the same inputs. CI runs it:
//! `cargo run -p telemux-write --example inject_library`.

use std::error::Error;
use std::io::Cursor;
use std::path::PathBuf;
use std::process::ExitCode;

use telemux_read::source::{self, Origin};
use telemux_write::jobs::{self, InjectOptions, Points, TrackInput};

/// GPS points the fixture's 12 s at the default 10 Hz make.
const EXPECTED_POINTS: usize = 120;

fn main() -> Result<ExitCode, Box<dyn Error>> {
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let mut video = Cursor::new(std::fs::read(fixtures.join("ride.mp4"))?);
    let mut output = Cursor::new(Vec::new());
    let points = Points::Tracks(vec![TrackInput::File(fixtures.join("ride.gpx"))]);
    // The video's creation time is UTC, as the GPX: the default anchor lines them up.
    let options = InjectOptions::default();
    let report = jobs::inject(&mut video, &mut output, points, &options, &mut ())?;
    println!("{report:#?}");

    // Read back through the reading library, as every command does.
    output.set_position(0);
    let read = source::read(&mut output, source::Options::default())?;
    let points = read.telemetry.gps.len();
    println!("read back: {} ({points} GPS points)", read.summary);
    let written = report.written.map(|w| w.gps_points);
    if read.origin != Origin::GoproTrack
        || points != EXPECTED_POINTS
        || written != Some(EXPECTED_POINTS as u64)
    {
        eprintln!(
            "expected a GPMF track of {EXPECTED_POINTS} points; wrote {written:?}, read back \
             {points} ({:?})",
            read.origin
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
