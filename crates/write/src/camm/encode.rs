//! One CAMM packet as bytes: the little-endian header (`u16` reserved 0, `u16` type) and the
//! type's fields in the spec's order, exactly what `telemux_read::camm::decode` reads.

use telemux_read::camm::{Gps, Packet};

/// The bytes of `packet`, header included; `None` for a packet kind this writer does not
/// know (the read crate's model may grow types the spec adds).
pub fn encode(packet: &Packet) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(60);
    out.extend(0u16.to_le_bytes());
    out.extend(packet.kind().to_le_bytes());
    let vector =
        |out: &mut Vec<u8>, v: &[f32; 3]| v.iter().for_each(|x| out.extend(x.to_le_bytes()));
    match packet {
        Packet::AngleAxis(v)
        | Packet::Gyro(v)
        | Packet::Acceleration(v)
        | Packet::Position(v)
        | Packet::Magnetic(v) => vector(&mut out, v),
        Packet::Exposure {
            pixel_exposure_time,
            rolling_shutter_skew_time,
        } => {
            out.extend(pixel_exposure_time.to_le_bytes());
            out.extend(rolling_shutter_skew_time.to_le_bytes());
        }
        Packet::MinimalGps {
            latitude,
            longitude,
            altitude,
        } => {
            for value in [latitude, longitude, altitude] {
                out.extend(value.to_le_bytes());
            }
        }
        Packet::Gps(gps) => gps_fields(&mut out, gps),
        _ => return None,
    }
    Some(out)
}

fn gps_fields(out: &mut Vec<u8>, g: &Gps) {
    out.extend(g.time_gps_epoch.to_le_bytes());
    out.extend(g.gps_fix_type.to_le_bytes());
    out.extend(g.latitude.to_le_bytes());
    out.extend(g.longitude.to_le_bytes());
    for value in [
        g.altitude,
        g.horizontal_accuracy,
        g.vertical_accuracy,
        g.velocity_east,
        g.velocity_north,
        g.velocity_up,
        g.speed_accuracy,
    ] {
        out.extend(value.to_le_bytes());
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use telemux_read::camm::{decode, payload_len, HEADER_LEN};

    use super::*;

    proptest! {
        /// Any packet the reader accepts (reserved 0) is written back byte for byte, NaNs and
        /// all: the encoder is the decoder's exact inverse.
        #[test]
        fn decode_then_encode_gives_the_bytes_back(
            kind in 0u16..8,
            payload in proptest::collection::vec(any::<u8>(), 56),
        ) {
            let mut bytes = vec![0, 0];
            bytes.extend(kind.to_le_bytes());
            bytes.extend(&payload[..payload_len(kind).unwrap()]);
            let packet = decode(&bytes).unwrap();
            prop_assert_eq!(encode(&packet), Some(bytes));
        }
    }

    #[test]
    fn every_packet_type_decodes_to_itself() {
        let packets = [
            Packet::AngleAxis([0.5, -1.25, 3.0]),
            Packet::Exposure {
                pixel_exposure_time: 8_333_333,
                rolling_shutter_skew_time: -12,
            },
            Packet::Gyro([0.01, -0.02, 0.03]),
            Packet::Acceleration([0.1, 9.81, -0.3]),
            Packet::Position([1.0, 2.0, 3.0]),
            Packet::MinimalGps {
                latitude: 45.123_456_789_012,
                longitude: -7.987_654_321,
                altitude: 123.25,
            },
            Packet::Gps(Gps {
                time_gps_epoch: 1_398_340_818.123,
                gps_fix_type: 3,
                latitude: 45.5,
                longitude: -7.25,
                altitude: 120.5,
                horizontal_accuracy: 7.5,
                vertical_accuracy: 7.5,
                velocity_east: 1.0,
                velocity_north: -2.0,
                velocity_up: 0.5,
                speed_accuracy: 0.0,
            }),
            Packet::Magnetic([25.0, -40.5, 12.0]),
        ];
        for (kind, packet) in packets.iter().enumerate() {
            let bytes = encode(packet).unwrap();
            assert_eq!(bytes[..4], [0, 0, kind as u8, 0]);
            assert_eq!(bytes.len(), HEADER_LEN + payload_len(kind as u16).unwrap());
            assert_eq!(decode(&bytes), Ok(*packet));
        }
    }
}
