//! telemux-write: model to bytes.

pub mod gpmf;
