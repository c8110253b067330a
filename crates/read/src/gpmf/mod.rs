//! GPMF, GoPro's KLV telemetry format: a zero-copy decoder, an owned tree for round trips,
//! validation, a typed stream view with scaled samples, and a readable listing.
//!
//! Layers, from bytes up:
//! - [`entries`] walks one nest level without copying: [`KlvRef`] headers, data slices and
//!   byte offsets, every header checked (size within parent, alignment, type, struct size,
//!   depth). Errors name the KLV path and offset.
//! - [`read_tree`] gives an owned [`Node`] tree that `telemux_write::gpmf::encode` writes back
//!   byte for byte.
//! - [`validate`] also applies the property hierarchy (SCAL, TYPE, SIUN, UNIT).
//! - [`payload`] is the typed view: devices, streams, properties and scaled `f64` samples.
//! - [`print()`] lists a payload for people.

mod complex;
mod error;
pub mod keys;
mod klv;
mod print;
mod property;
mod scalar;
mod scaled;
mod stream;
mod tree;
mod utc;
mod value_type;
mod values;
mod walk;

pub use complex::{ComplexType, TypeStringError};
pub use error::{Error, ErrorKind};
pub use klv::{entries, is_gpmf_key, Entries, Entry, Kind, KlvRef, MAX_DEPTH};
pub use print::{print, PrintOptions};
pub use property::{is_metadata_key, METADATA_KEYS};
pub use scalar::{Layout, Scalar};
pub use stream::{payload, Device, DeviceId, Payload, Stream, UNKNOWN_PRECISION};
pub use tree::{read_tree, Body, Data, Klv, Node, ShapeError, MAX_REPEAT};
pub use utc::gps9_time;
pub use value_type::{ValueType, ALL_VALUE_TYPES};
pub use values::Values;
pub use walk::{validate, Properties};
