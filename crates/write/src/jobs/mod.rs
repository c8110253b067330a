//! The main jobs as a library: `inject` (GPS points or track files into a video as a GPMF
//! track) and `convert` (a dashcam clip's own GPS into the clip), over any `Read + Seek`
//! input and `Write + Seek` output, or into a file in place; `extract` (a video's telemetry,
//! filtered, as GPX, KML, GeoJSON, CSV or JSON into any `Write`). A job returns a [`Report`] of
//! what it found and did, or a [`Failure`] with the report so far; it prints nothing, and
//! [`Progress`] tells a caller how the writing advances.
//!
//! ```no_run
//! use std::io::Cursor;
//! use telemux_write::jobs::{inject, InjectOptions, Points, TrackInput};
//!
//! let mut video = Cursor::new(std::fs::read("ride.mp4")?);
//! let mut out = Cursor::new(Vec::new());
//! let points = Points::Tracks(vec![TrackInput::File("ride.fit".into())]);
//! let report = inject(&mut video, &mut out, points, &InjectOptions::default(), &mut ())?;
//! println!("{:?}", report.written);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod align;
mod convert;
mod error;
mod extract;
mod inject;
mod options;
mod report;
mod track_input;

pub use align::{
    align, camera_fix, utc_creation, window, AlignError, Alignment, Anchor, CameraFix, Shift,
    StartedFrom,
};
pub use convert::{
    convert, convert_in_place, convert_sidecar, convert_sidecar_in_place, sidecar, Converted,
};
pub use error::{Failure, JobError};
pub use extract::{extract, filter_file, Export, ExtractError, FileReport, Format};
pub use inject::{inject, inject_in_place, Points, Progress};
pub use options::{InjectOptions, NameField, OptionError, DOP_RANGE, MAX_NAME_BYTES, RATE_RANGE};
pub use report::{
    Aligned, Cleaned, DefaultDop, PointsFrom, Replaced, Report, Retimed, SensorsWritten,
    SourceRead, Written,
};
pub use track_input::{TrackInput, TrackRead};
