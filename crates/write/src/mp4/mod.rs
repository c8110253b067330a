//! MP4 writing: boxes with patched sizes, the GPMF telemetry `trak`, and the rewrite of a
//! whole file around a new moov.

pub mod box_writer;
pub mod emit;
pub mod layout;
pub mod meta_trak;

pub use box_writer::BoxWriter;
pub use meta_trak::MetaTrack;
