//! MP4 writing: boxes with patched sizes, the telemetry `trak`, and the rewrite of a whole
//! file around a new moov.

pub mod box_writer;
pub mod edit_tree;
pub(crate) mod emit;
pub mod in_place;
pub mod layout;
pub mod meta_trak;
pub mod retime;
pub mod rewrite;
pub mod spherical;

pub use box_writer::BoxWriter;
pub use layout::{MdatHeader, MoovPlacement, TelemetryHome};
pub use meta_trak::MetaTrack;
pub use rewrite::{
    prepare, prepare_format, prepare_metadata, prepare_tracks, NewTrack, Placed, Prepared,
    RewriteError, RewriteOptions, Target, TelemetryTrack,
};
