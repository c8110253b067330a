//! telemux-read: bytes to model.
//!
//! Every parser here works on bytes the caller supplies (or reads only the parts of a file it
//! needs), returns `Result`, never panics, and never allocates more than the input can hold.

// Every public item says what it is (units, why): this crate is an API, not only the
// binary's parts (docs/architecture.md, "Public API").
#![deny(missing_docs)]

pub mod camm;
pub mod fourcc;
pub mod gopro;
pub mod gpmf;
pub mod gpx;
pub mod model;
pub mod mp4;
pub mod novatek;
pub mod source;
pub mod track;
pub mod track_input;
pub mod ttad;
pub mod verify;

pub use fourcc::FourCC;
pub use model::{AltitudeRef, Fix, GpsPoint, Highlight, SensorSample, SensorStream, Telemetry};
