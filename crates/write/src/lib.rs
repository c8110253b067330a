//! telemux-write: model to bytes.
