//! A GPS point as a CAMM type 6 packet, field by field as the spec defines them.
//!
//! - `time_gps_epoch`: seconds since 1980-01-06 in GPS time, i.e. UTC plus the leap seconds
//!   (`telemux_read::camm::utc_to_gps_seconds`); 0 for a point without a UTC time.
//! - `gps_fix_type`: the point's fix (0, 2, 3); a point without one counts as a 3D fix when
//!   it has an altitude, else 2D, as in GPMF output.
//! - `altitude`: the point's altitude as the track gives it. The spec asks for height above
//!   the WGS84 ellipsoid; GPX `<ele>` is above mean sea level and telemux has no geoid model,
//!   so a GPX's altitudes are off by the geoid undulation there (−106 to +85 m); 0 without an
//!   altitude (a 2D fix says it is not one).
//! - accuracies: metres from the DOP, [`ACCURACY_PER_DOP_M`] metres per unit of DOP, the
//!   track's default DOP where a point has none; speed accuracy 0 (no source states it).
//! - velocity east/north from the 2D speed and course, up from the climb since the point in
//!   the slot before; 0 where they are unknown.

use telemux_read::camm::{utc_to_gps_seconds, Gps, Packet};
use telemux_read::model::GpsPoint;

use crate::telemetry_track::{with_defaults, TrackError};

/// Metres of accuracy written per unit of DOP: a user equivalent range error of 5 m, the
/// usual figure for a consumer receiver (position error ≈ DOP × UERE). GoPro's typical
/// DOP 1.5 becomes 7.5 m; telemux's default DOP 4 becomes 20 m.
pub const ACCURACY_PER_DOP_M: f64 = 5.0;

/// The type 6 packet of `point`, at `media_time` seconds of the video; `previous` is the point
/// `dt` seconds before it, when there is one, for the vertical velocity. Refuses a position or
/// value the packet cannot hold (a latitude beyond ±90°, a speed of no number).
pub fn gps_packet(
    point: &GpsPoint,
    previous: Option<(&GpsPoint, f64)>,
    default_dop: f64,
    media_time: f64,
) -> Result<Packet, TrackError> {
    let point = with_defaults(point.clone(), default_dop);
    let refuse = |field: &'static str, value: f64| TrackError::Camm {
        time: media_time,
        field,
        value,
    };
    if !(-90.0..=90.0).contains(&point.latitude) {
        return Err(refuse("latitude", point.latitude));
    }
    if !(-180.0..=180.0).contains(&point.longitude) {
        return Err(refuse("longitude", point.longitude));
    }
    let float = |field: &'static str, value: f64| {
        let narrowed = value as f32;
        if narrowed.is_finite() {
            Ok(narrowed)
        } else {
            Err(refuse(field, value))
        }
    };
    let accuracy = float("DOP", point.dop.unwrap_or(default_dop) * ACCURACY_PER_DOP_M)?;
    let (east, north) = match (point.speed_2d, point.course) {
        (Some(speed), Some(course)) => {
            let course = course.to_radians();
            (speed * course.sin(), speed * course.cos())
        }
        _ => (0.0, 0.0),
    };
    let up = previous
        .and_then(|(before, dt)| {
            let climb = point.altitude? - before.altitude?;
            (dt > 0.0).then_some(climb / dt)
        })
        .unwrap_or(0.0);
    Ok(Packet::Gps(Gps {
        time_gps_epoch: point.time.map_or(0.0, utc_to_gps_seconds),
        gps_fix_type: point.fix.map_or(0, |fix| fix.code() as i32),
        latitude: point.latitude,
        longitude: point.longitude,
        altitude: float("altitude", point.altitude.unwrap_or(0.0))?,
        horizontal_accuracy: accuracy,
        vertical_accuracy: accuracy,
        velocity_east: float("velocity east", east)?,
        velocity_north: float("velocity north", north)?,
        velocity_up: float("velocity up", up)?,
        speed_accuracy: 0.0,
    }))
}

#[cfg(test)]
mod tests {
    use telemux_read::camm::gps_seconds_to_utc;
    use telemux_read::model::Fix;
    use time::macros::datetime;

    use super::*;

    #[test]
    fn fields_follow_the_spec() {
        let time = datetime!(2024-05-01 10:00:00.5 UTC);
        let point = GpsPoint {
            time: Some(time),
            altitude: Some(102.0),
            speed_2d: Some(10.0),
            course: Some(90.0),
            dop: Some(1.5),
            ..GpsPoint::new(45.123_456_789, 7.5)
        };
        let before = GpsPoint {
            altitude: Some(100.0),
            ..point.clone()
        };
        let Packet::Gps(gps) = gps_packet(&point, Some((&before, 0.5)), 4.0, 3.0).unwrap() else {
            panic!("not type 6");
        };
        // 2024 is 18 leap seconds ahead of UTC: 1 398 556 800 s from 1980-01-06 to
        // 2024-05-01 00:00 UTC, plus 10 h, plus 18 s.
        assert_eq!(gps.time_gps_epoch, 1_398_556_800.0 + 36_000.5 + 18.0);
        assert_eq!(gps_seconds_to_utc(gps.time_gps_epoch), Some(time));
        assert_eq!(gps.gps_fix_type, 3);
        assert_eq!((gps.latitude, gps.longitude), (45.123_456_789, 7.5));
        assert_eq!((gps.altitude, gps.horizontal_accuracy), (102.0, 7.5));
        assert!(
            (gps.velocity_east - 10.0).abs() < 1e-6,
            "{}",
            gps.velocity_east
        );
        assert!(gps.velocity_north.abs() < 1e-6, "{}", gps.velocity_north);
        assert_eq!(gps.velocity_up, 4.0);

        // No altitude, DOP or fix: a 2D fix at the default DOP, nothing invented.
        let bare = GpsPoint::new(-33.9, 18.4);
        let Packet::Gps(gps) = gps_packet(&bare, None, 4.0, 0.0).unwrap() else {
            panic!("not type 6");
        };
        assert_eq!(gps.gps_fix_type, Fix::TwoD.code() as i32);
        assert_eq!((gps.time_gps_epoch, gps.altitude), (0.0, 0.0));
        assert_eq!(gps.horizontal_accuracy, 20.0);
        assert_eq!((gps.velocity_east, gps.velocity_up), (0.0, 0.0));

        let far = GpsPoint::new(91.0, 0.0);
        assert!(matches!(
            gps_packet(&far, None, 4.0, 2.5),
            Err(TrackError::Camm {
                field: "latitude",
                ..
            })
        ));
    }
}
