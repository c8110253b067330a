//! GPMF writing: the KLV encoder for owned trees (`telemux_read::gpmf::Node`), a payload
//! builder with sticky stream metadata, GoPro-style GPS5/GPS9 payloads and sensor streams, and
//! [`Gpmf`], GPMF as a telemetry track format.

mod builder;
mod encode;
mod format;
mod gps;
mod replace;
mod sensors;

pub use builder::{text_bytes, BuildError, DeviceWriter, StreamWriter};
pub use encode::{encode, encode_into, EncodeError, MAX_NEST_LEN};
pub use format::Gpmf;
pub use gps::{
    gps5_samples, gps5_stream, gps9_samples, gps9_stream, gps_status, gpsu_text, GpsPayloads,
    GPS5_SCALE, GPS9_SCALE, GPS9_TYPE,
};
pub use replace::{replace_gps, GpsReplaced, ReplaceError};
pub use sensors::{
    fitting_scale, sensor_layout, SensorLayout, SensorWriter, Storage, SENSOR_LAYOUTS,
};
