//! The one definition of a GPS jump, shared by `extract --drop-outliers` (which drops the
//! points) and `verify --street-view` (`sv_jumps`, which reports them), so both judge a track
//! the same way (docs/verify.md, *Jumps*).
//!
//! A point is a jump when it is reached from the last point that was not a jump faster than
//! the limit. Judging against the last good point rather than the previous point means one
//! stray fix is one jump, not two (there and back), and the track after it is judged on its
//! own merits. The first point has no good point before it, so it is judged by the next two:
//! it is the jump when it is too fast from the second while the second and third agree;
//! otherwise a bad first point would make every later point look like a jump.

use super::geo::distance_m;
use super::timeline::Axis;
use crate::model::GpsPoint;

/// The speed above which a step is a jump unless told otherwise, m/s: Street View's
/// JUMPY_GPS threshold as telemux estimates it, 150 m/s ≈ 540 km/h, faster than any road
/// vehicle, slower than a GPS outlier (a 1,100 km spike in 1 s is 1.1 million m/s).
pub const DEFAULT_MAX_SPEED: f64 = 150.0;

/// Two fixes at the same instant (or out of time order) closer than this are one fix written
/// twice, not a jump.
pub const SAME_PLACE_METRES: f64 = 1.0;

/// A point judged a jump, and the step that condemned it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Jump {
    /// Index of the point judged bad.
    pub point: usize,
    /// The step: from the earlier point to the later one (`point` is one of them).
    pub from: usize,
    /// See `from`.
    pub to: usize,
    /// Great-circle distance of the step.
    pub metres: f64,
    /// Time of the step; 0 or less when the two points share a time or go back in time.
    pub seconds: f64,
}

impl Jump {
    /// The implied speed of the step in m/s; `None` when it takes no time.
    pub fn speed(&self) -> Option<f64> {
        (self.seconds > 0.0).then(|| self.metres / self.seconds)
    }
}

/// The jumps of a track.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Jumps {
    /// In track order.
    pub jumps: Vec<Jump>,
    /// The fastest implied speed of the steps judged, in m/s (`None` when no step took time).
    pub fastest: Option<f64>,
}

/// The jumps of `points` (in time order) at `max_speed` m/s, measured on one time axis: UTC
/// when every point has a time, else media time when every point has one; `None` otherwise.
pub fn find_jumps(points: &[GpsPoint], max_speed: f64) -> Option<Jumps> {
    let axis = Axis::of(points)?;
    let times: Vec<f64> = points
        .iter()
        .map(|p| axis.seconds(p))
        .collect::<Option<_>>()?;
    let step = |from: usize, to: usize| Jump {
        point: to,
        from,
        to,
        metres: distance_m(&points[from], &points[to]),
        seconds: times[to] - times[from],
    };
    let too_fast = |jump: &Jump| match jump.speed() {
        Some(speed) => speed > max_speed,
        None => jump.metres > SAME_PLACE_METRES,
    };
    let mut found = Jumps::default();
    let judged = |jump: Jump, found: &mut Jumps| {
        if let Some(speed) = jump.speed() {
            found.fastest = Some(found.fastest.map_or(speed, |f: f64| f.max(speed)));
        }
        let bad = too_fast(&jump);
        if bad {
            found.jumps.push(jump);
        }
        bad
    };
    let mut last_good = 0;
    if points.len() >= 3 && too_fast(&step(0, 1)) && !too_fast(&step(1, 2)) {
        judged(
            Jump {
                point: 0,
                ..step(0, 1)
            },
            &mut found,
        );
        last_good = 1;
    }
    for next in last_good + 1..points.len() {
        if !judged(step(last_good, next), &mut found) {
            last_good = next;
        }
    }
    Some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(lat: f64, t: f64) -> GpsPoint {
        GpsPoint {
            media_time: Some(t),
            ..GpsPoint::new(lat, 7.0)
        }
    }

    fn bad_points(points: &[GpsPoint], max_speed: f64) -> Vec<usize> {
        let found = find_jumps(points, max_speed).unwrap();
        found.jumps.iter().map(|j| j.point).collect()
    }

    #[test]
    fn one_stray_fix_is_one_jump_judged_from_the_last_good_point() {
        // 0.0001° of latitude is ~11 m: 11 m/s. Point 2 is ~111 km off for one second.
        let points = [
            at(45.0, 0.0),
            at(45.0001, 1.0),
            at(46.0, 2.0),
            at(45.0003, 3.0),
        ];
        let found = find_jumps(&points, 100.0).unwrap();
        assert_eq!(found.jumps.len(), 1);
        let jump = found.jumps[0];
        assert_eq!(
            (jump.point, jump.from, jump.to, jump.seconds),
            (2, 1, 2, 1.0)
        );
        assert!((jump.metres - 111_184.0).abs() < 1.0, "{}", jump.metres);
        // Point 3 is judged from point 1: 22 m in 2 s.
        assert!((found.fastest.unwrap() - jump.metres).abs() < 1e-9);
    }

    #[test]
    fn a_bad_first_point_is_the_jump_when_the_next_two_agree() {
        let points = [
            at(10.0, 0.0),
            at(45.0, 1.0),
            at(45.0001, 2.0),
            at(45.0002, 3.0),
        ];
        let found = find_jumps(&points, 100.0).unwrap();
        assert_eq!(found.jumps.len(), 1);
        assert_eq!(
            (found.jumps[0].point, found.jumps[0].from, found.jumps[0].to),
            (0, 0, 1)
        );
        // When the second and third disagree too, the first point stands and the rest jump.
        let points = [at(10.0, 0.0), at(45.0, 1.0), at(20.0, 2.0)];
        assert_eq!(bad_points(&points, 100.0), [1, 2]);
    }

    #[test]
    fn at_the_same_time_only_a_move_over_a_metre_is_a_jump() {
        // 0.000005° of latitude is ~0.56 m; 0.0001° ~11 m.
        let points = [at(45.0, 0.0), at(45.000005, 0.0), at(45.0001, 0.0)];
        let found = find_jumps(&points, 100.0).unwrap();
        assert_eq!(bad_points(&points, 100.0), [2]);
        assert_eq!(found.jumps[0].speed(), None);
        assert_eq!(found.fastest, None);
    }

    #[test]
    fn utc_times_are_preferred_and_a_track_without_one_axis_is_not_judged() {
        let t0 = time::macros::datetime!(2024-05-01 10:00:00 UTC);
        let mut points = [at(45.0, 0.0), at(45.0001, 0.01)];
        // On media time 11 m in 0.01 s is 1100 m/s; the UTC times say 10 s.
        points[0].time = Some(t0);
        points[1].time = Some(t0 + time::Duration::seconds(10));
        let found = find_jumps(&points, 100.0).unwrap();
        assert!(found.jumps.is_empty());
        assert!((found.fastest.unwrap() - 1.112).abs() < 0.001);
        points[1].media_time = None;
        points[1].time = None;
        assert_eq!(find_jumps(&points, 100.0), None);
    }
}
