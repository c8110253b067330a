//! telemux-write: model to bytes.

pub mod export;
pub mod mp4;
pub mod output;
pub mod gpmf;
