//! telemux-write: model to bytes.

// Every public item says what it is (units, why): this crate is an API, not only the
// binary's parts (docs/architecture.md, "Public API").
#![deny(missing_docs)]

pub mod camm;
pub mod export;
pub mod file_lock;
pub mod gpmf;
pub mod jobs;
pub mod mp4;
pub mod output;
pub mod telemetry_track;
pub mod track_format;
