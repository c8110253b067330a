//! Joining segments (of one or several files) into a single time-ordered track.

use crate::model::GpsPoint;

/// What `merge_by_time` had to leave out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MergeReport {
    /// Points dropped because they have no time and so no place in a time-ordered track.
    pub untimed: usize,
    /// Points dropped because an earlier point (in input order) has the same timestamp.
    pub duplicates: usize,
}

/// A merged track and what was dropped to make it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Merged {
    /// Points in strictly increasing time order.
    pub points: Vec<GpsPoint>,
    /// What was dropped to make `points`.
    pub report: MergeReport,
}

/// Merges segments into one track ordered by time. Points without a time are dropped and
/// counted; of several points with the same timestamp the first in input order is kept, so
/// put the preferred file first.
pub fn merge_by_time<I>(segments: I) -> Merged
where
    I: IntoIterator<Item = Vec<GpsPoint>>,
{
    let mut report = MergeReport::default();
    let mut points = Vec::new();
    for segment in segments {
        let total = segment.len();
        let before = points.len();
        points.extend(segment.into_iter().filter(|p| p.time.is_some()));
        report.untimed += total - (points.len() - before);
    }
    // Stable, so equal timestamps stay in input order and `dedup_by` keeps the first.
    points.sort_by_key(|p| p.time);
    let timed = points.len();
    points.dedup_by(|later, kept| later.time == kept.time);
    report.duplicates = timed - points.len();
    Merged { points, report }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;
    use time::OffsetDateTime;

    fn at(time: Option<OffsetDateTime>, latitude: f64) -> GpsPoint {
        GpsPoint {
            time,
            ..GpsPoint::new(latitude, 8.0)
        }
    }

    #[test]
    fn orders_drops_untimed_and_keeps_the_first_duplicate() {
        let t = |s: i64| Some(datetime!(2023-06-01 10:00:00 UTC) + time::Duration::seconds(s));
        let file_a = vec![at(t(0), 1.0), at(None, 2.0), at(t(20), 3.0)];
        let file_b = vec![
            at(t(10), 4.0),
            at(t(20), 5.0),
            at(t(30), 6.0),
            at(None, 7.0),
        ];
        let merged = merge_by_time([file_a, file_b]);
        let latitudes: Vec<f64> = merged.points.iter().map(|p| p.latitude).collect();
        assert_eq!(latitudes, [1.0, 4.0, 3.0, 6.0]);
        assert_eq!(
            merged.report,
            MergeReport {
                untimed: 2,
                duplicates: 1
            }
        );
        assert_eq!(merged.points[2].time, t(20));
    }

    #[test]
    fn nothing_in_nothing_out() {
        assert_eq!(
            merge_by_time(Vec::<Vec<GpsPoint>>::new()),
            Merged::default()
        );
    }
}
