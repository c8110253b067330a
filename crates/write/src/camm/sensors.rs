//! Sensor streams as CAMM packets: ACCL as type 3 (m/s²), GYRO as type 2 (rad/s), MAGN as
//! type 7 (µT), the units GoPro and the TomTom Bandit record them in, so values are copied,
//! never rescaled. The axes stay in the order the source stores them (a GoPro's own axis
//! order, see its ORIN), as the spec leaves the camera frame to the device.

use telemux_read::camm::Packet;
use telemux_read::model::SensorStream;

/// Makes the packet of one sample's x, y, z.
pub type MakePacket = fn([f32; 3]) -> Packet;

/// The streams CAMM output carries: model key, the packet its samples become, and the unit
/// spellings the values may be in (a stream without units is taken to be in them).
pub const SENSOR_TYPES: [(&str, MakePacket, &[&str]); 3] = [
    ("ACCL", Packet::Acceleration, &["m/s²", "m/s2", "m/s^2"]),
    ("GYRO", Packet::Gyro, &["rad/s"]),
    ("MAGN", Packet::Magnetic, &["µT", "μT", "uT"]),
];

/// The packet `stream`'s samples become, `None` when CAMM has no packet for it: another key,
/// another unit, or samples that are not x, y, z triples.
pub fn packet_type(stream: &SensorStream) -> Option<MakePacket> {
    let (_, make, units) = SENSOR_TYPES.iter().find(|(key, ..)| *key == stream.key)?;
    let units_fit = stream
        .units
        .iter()
        .all(|unit| units.contains(&unit.as_str()));
    let triples = stream.samples.iter().all(|s| s.values.len() == 3);
    (units_fit && triples).then_some(*make)
}

/// The packet of one sample of a stream whose packet is `make`.
pub fn sensor_packet(make: MakePacket, values: [f64; 3]) -> Packet {
    make(values.map(|x| x as f32))
}

#[cfg(test)]
mod tests {
    use telemux_read::model::SensorSample;

    use super::*;

    fn stream(key: &str, unit: &str, values: Vec<f64>) -> SensorStream {
        SensorStream {
            key: key.into(),
            name: None,
            units: vec![unit.into(); 3],
            samples: vec![SensorSample {
                media_time: Some(0.0),
                time: None,
                values,
            }],
        }
    }

    #[test]
    fn streams_map_by_key_and_unit() {
        let kind = |s: SensorStream| packet_type(&s).map(|make| make([0.0; 3]).kind());
        assert_eq!(kind(stream("ACCL", "m/s²", vec![0.0; 3])), Some(3));
        assert_eq!(kind(stream("GYRO", "rad/s", vec![0.0; 3])), Some(2));
        assert_eq!(kind(stream("MAGN", "µT", vec![0.0; 3])), Some(7));
        // Degrees per second would need converting; g is not m/s²: left out, not mislabelled.
        assert_eq!(kind(stream("GYRO", "deg/s", vec![0.0; 3])), None);
        assert_eq!(kind(stream("ACCL", "g", vec![0.0; 3])), None);
        assert_eq!(kind(stream("ACCL", "m/s²", vec![0.0; 2])), None);
        assert_eq!(kind(stream("TEMP", "°C", vec![0.0])), None);
        assert_eq!(
            sensor_packet(Packet::Magnetic, [25.0, -40.5, 1.0]),
            Packet::Magnetic([25.0, -40.5, 1.0])
        );
    }
}
