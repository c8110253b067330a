//! TomTom Bandit `TTAD` sensor atom (`moov/udta/TTMD/TTAD`): GPS, IMU, barometer,
//! thermometer and heart-rate records in one box.
//!
//! [`find`] locates the payload in a file, [`decode`] turns it into the shared [`Telemetry`](crate::model::Telemetry) model;
//! [`Records`] gives the records as stored, for fields the model has no place for (GPS
//! uncertainties, cadence bodies). The layout is described in `docs/formats.md`.

mod atom;
mod bytes;
mod error;
mod gps;
mod header;
mod record;
mod report;
mod stream;
mod table;
mod telemetry;

pub use atom::{find, Atom};
pub use bytes::ByteOrder;
pub use error::TtadError;
pub use gps::{GpsRecord, GPS_RECORD_LEN};
pub use header::Layout;
pub use record::Record;
pub use report::damage;
pub(crate) use report::summary_line;
pub use stream::{Records, StreamEnd, StreamSummary, TimedRecord};
pub use telemetry::{decode, DecodeOptions, Decoded};
