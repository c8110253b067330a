//! Operations on GPS tracks in the shared model: geodesy, quality filters, resampling onto a
//! video's timeline. Sources and sinks stay free of this logic so that `extract`, `inject` and
//! `convert` treat every track the same way.

pub mod filter;
pub mod geo;
pub mod jumps;
pub mod resample;
pub(crate) mod timeline;

pub use filter::{FilterReport, Filters};
pub use jumps::{find_jumps, Jump, Jumps};
pub use resample::{
    resample, resample_lazily, Coverage, Gap, ResampleOptions, Resampled, Samples, Sampling, Spread,
};
