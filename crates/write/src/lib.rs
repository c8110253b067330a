//! telemux-write: model to bytes.
pub mod mp4;
pub mod output;
