//! Only the points a time window needs, read as a stream: those inside it and the nearest one
//! on each side (so interpolation and gap reports are as with every point), with totals of
//! the rest. Memory follows the window, not the file: a 500 MB GPX, or a FIFO that never
//! ends, is read with what one video's worth of points takes.

use std::io::BufRead;

use time::OffsetDateTime;

use crate::model::GpsPoint;

use super::merge::{merge_by_time, MergeReport};
use super::parser::{Parser, Points};
use super::{GpxError, PointSource};

/// The time span whose points are kept.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Window {
    /// From one moment to another (the video's start and end).
    Between(OffsetDateTime, OffsetDateTime),
    /// `duration` seconds starting `offset` seconds after the earliest point (`--sync
    /// first-point`). The earliest point is known only at the end, so everything from the
    /// earliest point so far to the window's end is kept.
    FromFirst {
        /// Seconds after the earliest point where the window starts.
        offset: f64,
        /// Length of the window, seconds.
        duration: f64,
    },
}

/// Counts over every timed point read, kept or not.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Totals {
    /// Timed points read.
    pub count: usize,
    /// The earliest time among them.
    pub first: Option<OffsetDateTime>,
    /// The latest time among them.
    pub last: Option<OffsetDateTime>,
    /// Points without a DOP (`hdop`/`pdop`).
    pub without_dop: usize,
}

impl Totals {
    /// The totals of points all of which are at hand.
    pub fn of(points: &[GpsPoint]) -> Totals {
        let mut totals = Totals::default();
        points.iter().for_each(|p| totals.add(p));
        totals
    }

    fn add(&mut self, point: &GpsPoint) {
        self.count += 1;
        self.without_dop += usize::from(point.dop.is_none());
        if let Some(time) = point.time {
            self.first = Some(self.first.map_or(time, |f| f.min(time)));
            self.last = Some(self.last.map_or(time, |l| l.max(time)));
        }
    }

    fn join(&mut self, other: &Totals) {
        self.count += other.count;
        self.without_dop += other.without_dop;
        self.first = self.first.into_iter().chain(other.first).min();
        self.last = self.last.into_iter().chain(other.last).max();
    }
}

/// What one file gave for a window.
#[derive(Debug, Clone, PartialEq)]
pub struct Windowed {
    /// Which elements the points were read from.
    pub source: PointSource,
    /// The kept points, timed, in no particular order.
    pub points: Vec<GpsPoint>,
    /// Counts over every timed point of the file, kept or not.
    pub totals: Totals,
    /// Untimed points, and points dropped for repeating the time of the point before them.
    pub report: MergeReport,
}

/// Several files' windows as one time-ordered track.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowedTrack {
    /// Strictly increasing in time.
    pub points: Vec<GpsPoint>,
    /// Counts over every timed point of every file, kept or not.
    pub totals: Totals,
    /// Untimed points and repeated times dropped, over every file.
    pub report: MergeReport,
}

/// Reads one GPX document, keeping what `window` needs of the points
/// [`super::parse`] would return.
pub fn read_window(input: impl BufRead, window: Window) -> Result<Windowed, GpxError> {
    let (_, windowed) = Parser::new(input, Sieve::new(window)).run()?;
    Ok(windowed)
}

/// Merges files' windows by time as [`merge_by_time`] merges whole files: of points at the
/// same time the first file's is kept. A time repeated outside the window in two files, or
/// not right after itself in one, is counted in the totals once per copy (it is not kept).
pub fn merge_windows(files: Vec<Windowed>) -> WindowedTrack {
    let mut totals = Totals::default();
    let mut report = MergeReport::default();
    for file in &files {
        totals.join(&file.totals);
        report.untimed += file.report.untimed;
        report.duplicates += file.report.duplicates;
        report.out_of_order += file.report.out_of_order;
    }
    let kept_without_dop = |points: &[GpsPoint]| points.iter().filter(|p| p.dop.is_none()).count();
    let before: usize = files.iter().map(|f| kept_without_dop(&f.points)).sum();
    let merged = merge_by_time(files.into_iter().map(|f| f.points));
    totals.count -= merged.report.duplicates;
    totals.without_dop -= before - kept_without_dop(&merged.points);
    report.duplicates += merged.report.duplicates;
    WindowedTrack {
        points: merged.points,
        totals,
        report,
    }
}

fn seconds(time: OffsetDateTime) -> f64 {
    time.unix_timestamp_nanos() as f64 / 1e9
}

/// Where a point goes relative to the window.
enum Place {
    Before,
    Inside,
    After,
}

/// The sieve: keeps of the points pushed through it (one kind of a GPX file, or every point
/// of another track format, see `track_input::read_window`) those a window needs, with totals
/// of the rest.
pub(crate) struct Keep {
    window: Window,
    before: Option<GpsPoint>,
    inside: Vec<GpsPoint>,
    after: Option<GpsPoint>,
    totals: Totals,
    report: MergeReport,
    /// The time of the point before, in file order.
    previous: Option<OffsetDateTime>,
}

impl Keep {
    pub(crate) fn new(window: Window) -> Keep {
        Keep {
            window,
            before: None,
            inside: Vec::new(),
            after: None,
            totals: Totals::default(),
            report: MergeReport::default(),
            previous: None,
        }
    }

    /// The window in seconds, given the earliest point so far.
    fn bounds(&self, first: Option<OffsetDateTime>) -> (f64, f64) {
        match self.window {
            Window::Between(start, end) => (seconds(start), seconds(end)),
            Window::FromFirst { offset, duration } => {
                let end = first.map_or(f64::INFINITY, |f| seconds(f) + offset.max(0.0) + duration);
                (f64::NEG_INFINITY, end)
            }
        }
    }

    pub(crate) fn push(&mut self, point: GpsPoint) {
        let Some(time) = point.time else {
            self.report.untimed += 1;
            return;
        };
        match self.previous.replace(time) {
            Some(previous) if previous == time => {
                self.report.duplicates += 1;
                return;
            }
            Some(previous) if time < previous => self.report.out_of_order += 1,
            _ => {}
        }
        let old_end = self.bounds(self.totals.first).1;
        let first = self.totals.first.map_or(time, |f| f.min(time));
        let (start, end) = self.bounds(Some(first));
        let t = seconds(time);
        let place = if t < start {
            Place::Before
        } else if t > end {
            Place::After
        } else {
            Place::Inside
        };
        let slot = match place {
            Place::Before => &self.before,
            Place::After => &self.after,
            Place::Inside => &None,
        };
        // The slot holds an earlier point (in file order) at this time: this one is dropped
        // as `merge_by_time` would drop it.
        if slot.as_ref().and_then(|p| p.time) == Some(time) {
            self.report.duplicates += 1;
            return;
        }
        self.totals.add(&point);
        match place {
            Place::Before => keep_nearest(&mut self.before, point, |new, old| new > old),
            Place::After => keep_nearest(&mut self.after, point, |new, old| new < old),
            Place::Inside => self.inside.push(point),
        }
        if end < old_end {
            self.prune(end);
        }
    }

    /// An earlier first point moved the window's end (`Window::FromFirst`): points past it
    /// are no longer inside, and the nearest of them is the point after.
    fn prune(&mut self, end: f64) {
        let (inside, past): (Vec<GpsPoint>, Vec<GpsPoint>) = std::mem::take(&mut self.inside)
            .into_iter()
            .partition(|p| p.time.is_some_and(|t| seconds(t) <= end));
        self.inside = inside;
        for point in past {
            keep_nearest(&mut self.after, point, |new, old| new < old);
        }
    }

    pub(crate) fn finish(self) -> (Vec<GpsPoint>, Totals, MergeReport) {
        let mut points = self.inside;
        points.extend(self.before);
        points.extend(self.after);
        (points, self.totals, self.report)
    }
}

/// Puts `point` in `slot` if the slot is empty or `closer(point's time, slot's time)`.
fn keep_nearest(
    slot: &mut Option<GpsPoint>,
    point: GpsPoint,
    closer: impl Fn(OffsetDateTime, OffsetDateTime) -> bool,
) {
    let replace = match (slot.as_ref().and_then(|p| p.time), point.time) {
        (Some(old), Some(new)) => closer(new, old),
        _ => true,
    };
    if replace {
        *slot = Some(point);
    }
}

/// The [`Points`] sink of [`read_window`]: a [`Keep`] per kind, since which kind the file's
/// points come from (tracks, else timed routes, else timed waypoints) is known only at its end.
struct Sieve {
    tracks: Keep,
    routes: Keep,
    waypoints: Keep,
    track_points: usize,
    timed_routes: usize,
    /// Untimed points of timed routes (those of untimed routes are not counted: the route is
    /// a planned path, left out whole).
    route_untimed: usize,
    open_route_timed: usize,
    open_route_untimed: usize,
}

impl Sieve {
    fn new(window: Window) -> Sieve {
        Sieve {
            tracks: Keep::new(window),
            routes: Keep::new(window),
            waypoints: Keep::new(window),
            track_points: 0,
            timed_routes: 0,
            route_untimed: 0,
            open_route_timed: 0,
            open_route_untimed: 0,
        }
    }
}

impl Points for Sieve {
    type Output = Windowed;

    fn point(&mut self, source: PointSource, point: GpsPoint) {
        match source {
            PointSource::Tracks => {
                self.track_points += 1;
                self.tracks.push(point);
            }
            PointSource::Routes if point.time.is_some() => {
                self.open_route_timed += 1;
                self.routes.push(point);
            }
            PointSource::Routes => self.open_route_untimed += 1,
            // Untimed waypoints are not track points: left out, not counted as untimed.
            PointSource::Waypoints if point.time.is_some() => self.waypoints.push(point),
            PointSource::Waypoints => {}
        }
    }

    fn close(&mut self, source: PointSource) {
        if source == PointSource::Routes {
            if self.open_route_timed > 0 {
                self.timed_routes += 1;
                self.route_untimed += self.open_route_untimed;
            }
            self.open_route_timed = 0;
            self.open_route_untimed = 0;
        }
    }

    fn finish(self) -> Windowed {
        let timed_waypoints = self.waypoints.totals.count + self.waypoints.report.duplicates;
        let source = PointSource::chosen(
            self.track_points > 0,
            self.timed_routes > 0,
            timed_waypoints > 0,
        );
        let (points, totals, mut report) = match source {
            PointSource::Tracks => self.tracks.finish(),
            PointSource::Routes => self.routes.finish(),
            PointSource::Waypoints => self.waypoints.finish(),
        };
        if source == PointSource::Routes {
            report.untimed = self.route_untimed;
        }
        Windowed {
            source,
            points,
            totals,
            report,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufReader, Read};
    use time::macros::datetime;
    use time::Duration;

    const T0: OffsetDateTime = datetime!(2024-05-01 00:00:00 UTC);

    /// A GPX of `count` track points one second apart from `T0`, made as it is read: the
    /// document is never in memory.
    struct Generated {
        next: u64,
        count: u64,
        pending: Vec<u8>,
        at: usize,
    }

    impl Generated {
        fn new(count: u64) -> Generated {
            Generated {
                next: 0,
                count,
                pending: b"<gpx version=\"1.1\"><trk><trkseg>\n".to_vec(),
                at: 0,
            }
        }
    }

    impl Read for Generated {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            if self.at == self.pending.len() {
                self.pending.clear();
                self.at = 0;
                if self.next < self.count {
                    let time = T0 + Duration::seconds(self.next as i64);
                    let lat = (self.next % 90) as f64;
                    self.pending = format!(
                        "<trkpt lat=\"{lat}\" lon=\"8\"><time>{}</time></trkpt>\n",
                        time.format(&time::format_description::well_known::Rfc3339)
                            .unwrap()
                    )
                    .into_bytes();
                } else if self.next == self.count {
                    self.pending = b"</trkseg></trk></gpx>\n".to_vec();
                }
                self.next += 1;
            }
            let n = (self.pending.len() - self.at).min(out.len());
            out[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    fn seconds_of(points: &[GpsPoint]) -> Vec<i64> {
        let mut s: Vec<i64> = points
            .iter()
            .map(|p| (p.time.unwrap() - T0).whole_seconds())
            .collect();
        s.sort_unstable();
        s
    }

    #[test]
    fn a_million_points_keep_only_the_window_and_its_neighbours() {
        let window = Window::Between(
            T0 + Duration::milliseconds(500_000_500),
            T0 + Duration::milliseconds(500_009_500),
        );
        let input = BufReader::new(Generated::new(1_000_000));
        let read = read_window(input, window).unwrap();
        // Inside: seconds 500,001 to 500,009; nearest outside: 500,000 and 500,010.
        assert_eq!(
            seconds_of(&read.points),
            (500_000..=500_010).collect::<Vec<i64>>()
        );
        assert_eq!(read.totals.count, 1_000_000);
        assert_eq!(read.totals.first, Some(T0));
        assert_eq!(read.totals.last, Some(T0 + Duration::seconds(999_999)));
        assert_eq!(read.totals.without_dop, 1_000_000);
    }

    #[test]
    fn an_endless_text_stops_at_the_event_limit() {
        // The parser buffers one event whole; without the limit this grows until memory ends.
        let endless = b"<gpx>\n".chain(std::io::repeat(b'a'));
        let window = Window::FromFirst {
            offset: 0.0,
            duration: 1.0,
        };
        let err = read_window(BufReader::new(endless), window).unwrap_err();
        assert_eq!(
            err.to_string(),
            "malformed XML at line 2, column 67108865 (byte 67108870) in gpx: a tag, text or \
             comment longer than 67108864 bytes"
        );
    }

    #[test]
    fn from_first_follows_an_earlier_point_found_late() {
        let mut xml = String::from("<gpx><trk><trkseg>");
        for s in [100, 101, 102, 103, 104, 105, 106, 107, 0, 1, 1, 2, 9] {
            let time = T0 + Duration::seconds(s);
            xml += &format!(
                "<trkpt lat=\"1\" lon=\"2\"><time>{}</time></trkpt>",
                time.format(&time::format_description::well_known::Rfc3339)
                    .unwrap()
            );
        }
        xml += "<trkpt lat=\"1\" lon=\"2\"/></trkseg></trk></gpx>";
        let window = Window::FromFirst {
            offset: 0.5,
            duration: 2.0,
        };
        let read = read_window(xml.as_bytes(), window).unwrap();
        // The window is 0 to 2.5 s after the first point (0 s, read ninth); 9 s is nearest after.
        assert_eq!(seconds_of(&read.points), [0, 1, 2, 9]);
        assert_eq!(read.totals.count, 12);
        assert_eq!(
            read.report,
            MergeReport {
                untimed: 1,
                duplicates: 1,
                // 107 s then 0 s.
                out_of_order: 1,
            }
        );
    }

    #[test]
    fn a_window_over_everything_keeps_what_parse_and_merge_keep() {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/ride.gpx"
        ))
        .unwrap();
        let all = merge_by_time(super::super::parse(&bytes).unwrap().segments);
        let window = Window::Between(
            datetime!(1900-01-01 0:00 UTC),
            datetime!(2100-01-01 0:00 UTC),
        );
        let read = read_window(&bytes[..], window).unwrap();
        let twice = merge_windows(vec![read.clone(), read]);
        assert_eq!(twice.points, all.points);
        assert_eq!(twice.totals.count, all.points.len());
        assert_eq!(twice.report.duplicates, all.points.len());
    }
}
