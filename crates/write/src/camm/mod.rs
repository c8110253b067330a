//! CAMM writing: Google's Camera Motion Metadata (the Street View Publish API's "Camera Motion
//! Metadata Spec") as the second telemetry track format. [`encode`] is the exact inverse of
//! `telemux_read::camm::decode`; [`gps_packet`] turns a GPS point into a type 6 packet
//! (GPS time, accuracies in metres, velocity east/north/up); [`Camm`] lays the packets out as
//! a `meta` track with a `camm` sample entry, one packet per sample, GPS and sensors
//! (types 3, 2, 7) interleaved by time.

mod encode;
mod format;
mod gps;
mod sensors;

pub use encode::encode;
pub use format::Camm;
pub use gps::{gps_packet, ACCURACY_PER_DOP_M};
pub use sensors::{packet_type, sensor_packet, MakePacket, SENSOR_TYPES};
