//! telemux-write: model to bytes.

pub mod export;
pub mod file_lock;
pub mod gpmf;
pub mod jobs;
pub mod mp4;
pub mod output;
pub mod telemetry_track;
pub mod track_format;
