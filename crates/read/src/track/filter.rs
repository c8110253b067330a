//! Quality filters shared by every export: fix, dilution of precision, null-island points and
//! speed outliers (the position jumps cheap receivers produce after losing a fix).

use super::jumps::find_jumps;
use crate::model::{Fix, GpsPoint};

/// Which points to drop. The default drops only exact (0, 0) points, which no real fix reports
/// but many cameras write while searching for satellites.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Filters {
    /// Drop points whose fix is worse than this (points without fix information are kept).
    pub min_fix: Option<Fix>,
    /// Drop points whose DOP is above this (points without DOP are kept).
    pub max_dop: Option<f64>,
    /// Drop the points that jump (`track::jumps`) at this many m/s.
    pub max_speed: Option<f64>,
    /// Keep points at exactly latitude 0, longitude 0.
    pub keep_null_island: bool,
    /// Drop points the source marks as having no fix (GoPro GPSF 0 or GPS9 fix 0, TomTom
    /// modes 0 and 1): their position is stale or a guess, and a GoPro that never locked
    /// dates them with its unset clock.
    pub drop_unfixed: bool,
}

/// How many points each rule dropped, for the one-line summaries users see.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FilterReport {
    /// Points left after every filter.
    pub kept: usize,
    /// Dropped at exactly (0, 0).
    pub null_island: usize,
    /// Dropped because the source marks them as having no fix (`drop_unfixed`).
    pub unfixed: usize,
    /// Dropped for a fix worse than `min_fix`.
    pub low_fix: usize,
    /// Dropped for a DOP above `max_dop`.
    pub high_dop: usize,
    /// Dropped as jumps at `max_speed` (`track::jumps`).
    pub outliers: usize,
}

impl FilterReport {
    /// Points dropped by all rules together.
    pub fn dropped(&self) -> usize {
        self.null_island + self.unfixed + self.low_fix + self.high_dop + self.outliers
    }
}

impl Filters {
    /// Applies the filters to a time-ordered track.
    pub fn apply(&self, points: Vec<GpsPoint>) -> (Vec<GpsPoint>, FilterReport) {
        let mut report = FilterReport::default();
        let mut kept: Vec<GpsPoint> = Vec::with_capacity(points.len());
        for p in points {
            if !self.keep_null_island && p.latitude == 0.0 && p.longitude == 0.0 {
                report.null_island += 1;
            } else if self.drop_unfixed && p.fix == Some(Fix::None) {
                report.unfixed += 1;
            } else if self
                .min_fix
                .is_some_and(|min| p.fix.is_some_and(|f| f < min))
            {
                report.low_fix += 1;
            } else if self
                .max_dop
                .is_some_and(|max| p.dop.is_some_and(|d| d > max))
            {
                report.high_dop += 1;
            } else {
                kept.push(p);
            }
        }
        if let Some(max_speed) = self.max_speed {
            let before = kept.len();
            kept = drop_outliers(kept, max_speed);
            report.outliers = before - kept.len();
        }
        report.kept = kept.len();
        (kept, report)
    }
}

/// Drops the jumps of `points` at `max_speed` (`track::jumps`); a track without one time
/// axis is kept whole, as nothing can be judged.
fn drop_outliers(points: Vec<GpsPoint>, max_speed: f64) -> Vec<GpsPoint> {
    let Some(found) = find_jumps(&points, max_speed) else {
        return points;
    };
    let mut bad = found.jumps.iter().map(|j| j.point).peekable();
    points
        .into_iter()
        .enumerate()
        .filter(|(i, _)| bad.next_if_eq(i).is_none())
        .map(|(_, p)| p)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(lat: f64, lon: f64, t: f64) -> GpsPoint {
        GpsPoint {
            media_time: Some(t),
            ..GpsPoint::new(lat, lon)
        }
    }

    #[test]
    fn default_drops_only_null_island() {
        let points = vec![at(1.0, 1.0, 0.0), at(0.0, 0.0, 1.0), at(1.0, 1.0001, 2.0)];
        let (kept, report) = Filters::default().apply(points);
        assert_eq!(kept.len(), 2);
        assert_eq!(report.null_island, 1);
        assert_eq!(report.kept, 2);
    }

    #[test]
    fn fix_and_dop_thresholds() {
        let mut a = at(10.0, 10.0, 0.0);
        a.fix = Some(Fix::TwoD);
        a.dop = Some(1.0);
        let mut b = at(10.0, 10.0, 1.0);
        b.fix = Some(Fix::ThreeD);
        b.dop = Some(9.0);
        let mut c = at(10.0, 10.0, 2.0);
        c.fix = Some(Fix::ThreeD);
        c.dop = Some(2.0);
        let filters = Filters {
            min_fix: Some(Fix::ThreeD),
            max_dop: Some(5.0),
            ..Filters::default()
        };
        let (kept, report) = filters.apply(vec![a, b, c.clone()]);
        assert_eq!(kept, vec![c]);
        assert_eq!((report.low_fix, report.high_dop), (1, 1));
    }

    #[test]
    fn unfixed_points_are_dropped_on_request_and_counted_apart() {
        let mut none = at(10.0, 10.0, 0.0);
        none.fix = Some(Fix::None);
        let mut fixed = at(10.0, 10.0, 1.0);
        fixed.fix = Some(Fix::TwoD);
        let unknown = at(10.0, 10.0, 2.0);
        let points = vec![none.clone(), fixed.clone(), unknown.clone()];
        let keep = Filters::default().apply(points.clone());
        assert_eq!(keep.0, points);
        let filters = Filters {
            drop_unfixed: true,
            min_fix: Some(Fix::TwoD),
            ..Filters::default()
        };
        let (kept, report) = filters.apply(points);
        assert_eq!(kept, vec![fixed, unknown]);
        assert_eq!(
            (report.unfixed, report.low_fix, report.dropped()),
            (1, 0, 1)
        );
    }

    #[test]
    fn a_jump_is_dropped_and_the_track_continues() {
        // 0.0001° of latitude is ~11 m: 11 m/s. The third point jumps ~111 km in a second.
        let points = vec![
            at(45.0, 7.0, 0.0),
            at(45.0001, 7.0, 1.0),
            at(46.0, 7.0, 2.0),
            at(45.0003, 7.0, 3.0),
        ];
        let filters = Filters {
            max_speed: Some(100.0),
            ..Filters::default()
        };
        let (kept, report) = filters.apply(points);
        assert_eq!(report.outliers, 1);
        let lats: Vec<f64> = kept.iter().map(|p| p.latitude).collect();
        assert_eq!(lats, vec![45.0, 45.0001, 45.0003]);
    }

    #[test]
    fn a_bad_first_point_does_not_poison_the_track() {
        let points = vec![
            at(10.0, 10.0, 0.0),
            at(45.0, 7.0, 1.0),
            at(45.0001, 7.0, 2.0),
            at(45.0002, 7.0, 3.0),
        ];
        let filters = Filters {
            max_speed: Some(100.0),
            ..Filters::default()
        };
        let (kept, report) = filters.apply(points);
        assert_eq!(report.outliers, 1);
        assert_eq!(kept.len(), 3);
        assert_eq!(kept[0].latitude, 45.0);
    }
}
