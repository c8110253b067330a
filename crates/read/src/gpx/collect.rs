//! Every point of the document, in file order: what [`super::parse`] returns.

use crate::model::GpsPoint;

use super::parser::Points;
use super::PointSource;

/// Segments of each kind, of which [`Collect::finish`] picks one.
#[derive(Default)]
pub(crate) struct Collect {
    tracks: Vec<Vec<GpsPoint>>,
    timed_routes: Vec<Vec<GpsPoint>>,
    timed_waypoints: Vec<GpsPoint>,
    routes: usize,
    waypoints: usize,
    /// Points of the open `trkseg` or `rte` (they never nest).
    open_points: Vec<GpsPoint>,
}

/// The points used, where they came from, and the routes and waypoints left out.
pub(crate) struct Collected {
    pub(crate) source: PointSource,
    pub(crate) segments: Vec<Vec<GpsPoint>>,
    pub(crate) unused_routes: usize,
    pub(crate) unused_waypoints: usize,
}

impl Points for Collect {
    type Output = Collected;

    fn point(&mut self, source: PointSource, point: GpsPoint) {
        match source {
            PointSource::Tracks | PointSource::Routes => self.open_points.push(point),
            PointSource::Waypoints => {
                self.waypoints += 1;
                if point.time.is_some() {
                    self.timed_waypoints.push(point);
                }
            }
        }
    }

    fn close(&mut self, source: PointSource) {
        let points = std::mem::take(&mut self.open_points);
        match source {
            PointSource::Tracks => self.tracks.push(points),
            PointSource::Routes => {
                self.routes += 1;
                if points.iter().any(|p| p.time.is_some()) {
                    self.timed_routes.push(points);
                }
            }
            PointSource::Waypoints => {}
        }
    }

    fn finish(self) -> Collected {
        let has_track_points = self.tracks.iter().any(|segment| !segment.is_empty());
        let source = PointSource::chosen(
            has_track_points,
            !self.timed_routes.is_empty(),
            !self.timed_waypoints.is_empty(),
        );
        let segments = match source {
            PointSource::Tracks => self.tracks,
            PointSource::Routes => self.timed_routes,
            PointSource::Waypoints => vec![self.timed_waypoints],
        };
        let (routes_used, waypoints_used) = match source {
            PointSource::Tracks => (0, 0),
            PointSource::Routes => (segments.len(), 0),
            PointSource::Waypoints => (0, segments.first().map_or(0, Vec::len)),
        };
        Collected {
            source,
            segments,
            unused_routes: self.routes - routes_used,
            unused_waypoints: self.waypoints - waypoints_used,
        }
    }
}
