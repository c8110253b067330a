//! Distances and bearings on the WGS84 sphere approximation, good to ~0.5 %: enough for
//! implied speeds, outlier detection and courses, which is all telemux derives from positions.

use crate::model::GpsPoint;

/// IUGG mean Earth radius, metres.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Great-circle (haversine) distance in metres between two points, ignoring altitude.
pub fn distance_m(a: &GpsPoint, b: &GpsPoint) -> f64 {
    let (lat1, lat2) = (a.latitude.to_radians(), b.latitude.to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.longitude - a.longitude).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// Initial bearing from `a` to `b`, degrees clockwise from true north in [0, 360).
pub fn bearing_deg(a: &GpsPoint, b: &GpsPoint) -> f64 {
    let (lat1, lat2) = (a.latitude.to_radians(), b.latitude.to_radians());
    let dlon = (b.longitude - a.longitude).to_radians();
    let y = dlon.sin() * lat2.cos();
    let x = lat1.cos() * lat2.sin() - lat1.sin() * lat2.cos() * dlon.cos();
    y.atan2(x).to_degrees().rem_euclid(360.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_degree_of_latitude_is_about_111_km() {
        let d = distance_m(&GpsPoint::new(0.0, 0.0), &GpsPoint::new(1.0, 0.0));
        assert!((d - 111_195.0).abs() < 1.0, "{d}");
    }

    #[test]
    fn paris_to_london_distance_and_bearing() {
        let paris = GpsPoint::new(48.8566, 2.3522);
        let london = GpsPoint::new(51.5074, -0.1278);
        let d = distance_m(&paris, &london);
        assert!((d - 343_560.0).abs() < 500.0, "{d}");
        let b = bearing_deg(&paris, &london);
        assert!((b - 330.0).abs() < 1.0, "{b}");
    }

    #[test]
    fn bearing_is_in_range_across_the_antimeridian() {
        let a = GpsPoint::new(0.0, 179.9);
        let b = GpsPoint::new(0.0, -179.9);
        assert!((bearing_deg(&a, &b) - 90.0).abs() < 1e-6);
        assert!(distance_m(&a, &b) < 23_000.0);
    }
}
