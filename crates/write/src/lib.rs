//! telemux-write: model to bytes.
pub mod mp4;
