//! GPX 1.0 and 1.1 input: track points (or, failing those, timed route points or timed
//! waypoints) as `GpsPoint` segments, plus the file's creator and name.
//!
//! Tolerant of what real apps write: any namespace prefix, unknown elements, speed and course
//! in GPX 1.0 elements or in `<extensions>` (Garmin TrackPointExtension or bare `<speed>`),
//! times with any UTC offset. Strict about what would corrupt a track: malformed XML, numbers
//! and times that do not parse, coordinates out of range. Errors name the line, column and
//! element path.

mod collect;
mod error;
mod input;
mod kind;
mod merge;
mod parser;
mod point;
mod timestamp;
mod window;

pub use error::{GpxError, Position};
pub use kind::KIND;
pub use merge::{merge_by_time, MergeReport, Merged};
pub(crate) use window::Keep;
pub use window::{merge_windows, read_window, Totals, Window, Windowed, WindowedTrack};

use crate::model::{AltitudeRef, GpsPoint, Telemetry};

/// Which GPX elements `GpxData::segments` were read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PointSource {
    /// `trk/trkseg/trkpt`, one segment per `trkseg`: used whenever the file has track points.
    #[default]
    Tracks,
    /// `rte/rtept`, one segment per route that has at least one time: used when there are no
    /// track points. Routes without any time are planned paths, not recordings, and are skipped.
    Routes,
    /// `wpt` with a time, as one segment in file order: used when there are neither track
    /// points nor timed routes (some loggers export every fix as a waypoint).
    Waypoints,
}

impl PointSource {
    /// Track points whenever there are any, else timed routes, else timed waypoints.
    fn chosen(track_points: bool, timed_routes: bool, timed_waypoints: bool) -> PointSource {
        if track_points || !timed_routes && !timed_waypoints {
            PointSource::Tracks
        } else if timed_routes {
            PointSource::Routes
        } else {
            PointSource::Waypoints
        }
    }
}

/// What a GPX file holds, ready for telemux.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GpxData {
    /// The `version` attribute, e.g. "1.1".
    pub version: Option<String>,
    /// The `creator` attribute: the app or device that wrote the file.
    pub creator: Option<String>,
    /// `metadata/name` (GPX 1.1) or `name` (GPX 1.0), else the first track's name.
    pub name: Option<String>,
    /// Which elements `segments` were read from.
    pub source: PointSource,
    /// Points in file order. Altitudes (`<ele>`) are above mean sea level.
    pub segments: Vec<Vec<GpsPoint>>,
    /// Routes in the file that are not in `segments`.
    pub unused_routes: usize,
    /// Waypoints in the file that are not in `segments`.
    pub unused_waypoints: usize,
}

/// Reads a GPX 1.0 or 1.1 document, keeping every point (see [`read_window`] for only those
/// a time window needs). A NUL byte ends it with [`GpxError::NotGpx`]: XML text holds none.
pub fn parse(bytes: &[u8]) -> Result<GpxData, GpxError> {
    let (header, collected) = parser::Parser::new(bytes, collect::Collect::default()).run()?;
    Ok(GpxData {
        version: header.version,
        creator: header.creator,
        name: header.name,
        source: collected.source,
        segments: collected.segments,
        unused_routes: collected.unused_routes,
        unused_waypoints: collected.unused_waypoints,
    })
}

impl GpxData {
    /// The file as telemetry: segments merged by time (see `merge_by_time`), the creator as
    /// device, altitudes above mean sea level.
    pub fn into_telemetry(self) -> (Telemetry, MergeReport) {
        let merged = merge_by_time(self.segments);
        let telemetry = Telemetry {
            source: "GPX".into(),
            device: self.creator,
            altitude_ref: AltitudeRef::MeanSeaLevel,
            gps: merged.points,
            sensors: Vec::new(),
            highlights: Vec::new(),
        };
        (telemetry, merged.report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Fix;
    use proptest::prelude::*;
    use time::macros::datetime;

    fn points(xml: &str) -> Vec<Vec<GpsPoint>> {
        parse(xml.as_bytes()).unwrap().segments
    }

    fn error(xml: &str) -> String {
        parse(xml.as_bytes()).unwrap_err().to_string()
    }

    #[test]
    fn any_namespace_prefix_and_bom() {
        let xml = "\u{feff}<g:gpx xmlns:g=\"http://www.topografix.com/GPX/1/1\" version=\"1.1\">\
            <g:trk><g:trkseg><g:trkpt lat=\"1.5\" lon=\"-2.25\"><g:ele>3</g:ele>\
            <g:fix>pps</g:fix></g:trkpt></g:trkseg></g:trk></g:gpx>";
        assert_eq!(
            points(xml),
            [vec![GpsPoint {
                altitude: Some(3.0),
                fix: Some(Fix::ThreeD),
                ..GpsPoint::new(1.5, -2.25)
            }]]
        );
    }

    #[test]
    fn values_from_cdata_and_entities_and_unknown_elements_skipped() {
        let xml = "<gpx creator=\"A &amp; B\"><trk><trkseg><trkpt lat=\"1\" lon=\"2\">\
            <unknown><time>1999-01-01T00:00:00Z</time></unknown>\
            <time><![CDATA[2020-02-29T23:59:59.999+00:00]]></time>\
            <extensions><x:a xmlns:x=\"u\"><x:b><x:course>90.5</x:course></x:b></x:a></extensions>\
            </trkpt></trkseg></trk></gpx>";
        let data = parse(xml.as_bytes()).unwrap();
        assert_eq!(data.creator.as_deref(), Some("A & B"));
        let point = &data.segments[0][0];
        assert_eq!(point.time, Some(datetime!(2020-02-29 23:59:59.999 UTC)));
        assert_eq!(point.course, Some(90.5));
    }

    #[test]
    fn latin1_text_does_not_fail_the_file() {
        let xml = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\
            <gpx><metadata><name>Z\xfcrich</name></metadata></gpx>";
        assert_eq!(parse(xml).unwrap().name.as_deref(), Some("Z\u{fffd}rich"));
    }

    #[test]
    fn hdop_wins_and_pdop_stands_in() {
        let xml = "<gpx><trk><trkseg>\
            <trkpt lat=\"1\" lon=\"2\"><hdop>0.9</hdop><vdop>1.4</vdop><pdop>1.7</pdop></trkpt>\
            <trkpt lat=\"1\" lon=\"2\"><vdop>1.4</vdop><pdop>1.7</pdop></trkpt>\
            <trkpt lat=\"1\" lon=\"2\"><vdop>1.4</vdop></trkpt>\
            </trkseg></trk></gpx>";
        let dops: Vec<Option<f64>> = points(xml)[0].iter().map(|p| p.dop).collect();
        assert_eq!(dops, [Some(0.9), Some(1.7), None]);
    }

    #[test]
    fn standard_speed_wins_over_extension_speed() {
        let xml = "<gpx><trk><trkseg><trkpt lat=\"1\" lon=\"2\"><speed>5</speed>\
            <extensions><gpxtpx:speed>7</gpxtpx:speed></extensions></trkpt></trkseg></trk></gpx>";
        assert_eq!(points(xml)[0][0].speed_2d, Some(5.0));
    }

    #[test]
    fn timed_waypoints_are_used_only_without_tracks_and_routes() {
        let waypoints = "<gpx><wpt lat=\"1\" lon=\"2\"><time>2020-01-01T00:00:01Z</time></wpt>\
            <wpt lat=\"3\" lon=\"4\"/><wpt lat=\"5\" lon=\"6\"><time>2020-01-01T00:00:00Z</time></wpt></gpx>";
        let data = parse(waypoints.as_bytes()).unwrap();
        assert_eq!(data.source, PointSource::Waypoints);
        assert_eq!(data.unused_waypoints, 1);
        let latitudes: Vec<f64> = data.segments[0].iter().map(|p| p.latitude).collect();
        assert_eq!(latitudes, [1.0, 5.0]);

        let with_track = "<gpx><wpt lat=\"1\" lon=\"2\"><time>2020-01-01T00:00:01Z</time></wpt>\
            <trk><trkseg><trkpt lat=\"7\" lon=\"8\"/></trkseg></trk></gpx>";
        let data = parse(with_track.as_bytes()).unwrap();
        assert_eq!(data.source, PointSource::Tracks);
        assert_eq!(data.segments, [vec![GpsPoint::new(7.0, 8.0)]]);
        assert_eq!(data.unused_waypoints, 1);
    }

    #[test]
    fn empty_values_are_missing_values() {
        let xml = "<gpx><trk><trkseg><trkpt lat=\"1\" lon=\"2\"><ele> </ele><time/></trkpt>\
            </trkseg></trk></gpx>";
        assert_eq!(points(xml), [vec![GpsPoint::new(1.0, 2.0)]]);
    }

    #[test]
    fn structural_errors_say_where() {
        assert_eq!(
            error("<gpx>\n<trk><trkseg>\n<trkpt lat=\"1\" lon=\"2\"></trkseg></trk></gpx>"),
            "malformed XML at line 3, column 24 (byte 43) in gpx/trk[0]/trkseg[0]/trkpt[0]: \
             ill-formed document: expected `</trkpt>`, but `</trkseg>` was found"
        );
        assert_eq!(
            error("<?xml version=\"1.0\"?>\n<kml></kml>"),
            "this is not a GPX file (it looks like a KML file: export the track as GPX; its root \
             element is <kml>) at line 2, column 1 (byte 22)"
        );
        assert_eq!(
            error(""),
            "this is not a GPX file (it has no root element) at line 1, column 1 (byte 0)"
        );
        assert_eq!(
            error("<gpx></gpx><gpx></gpx>"),
            "malformed XML at line 1, column 12 (byte 11) in the document: \
             content after the root element"
        );
        assert_eq!(
            error("<gpx><trk><trkseg><trkpt lon=\"2\"/></trkseg></trk></gpx>"),
            "gpx/trk[0]/trkseg[0]/trkpt[0] at line 1, column 19 (byte 18): \
             missing attribute `lat`"
        );
        assert_eq!(
            error("<gpx><rte/><rte><rtept lat=\"90.5\" lon=\"2\"/></rte></gpx>"),
            "gpx/rte[1]/rtept[0]/@lat at line 1, column 17 (byte 16): \
             invalid value \"90.5\": coordinate out of range"
        );
        assert_eq!(
            error("<gpx><trk><trkseg><trkpt lat=\"1\" lon=\"2\"><sat>many</sat></trkpt></trkseg></trk></gpx>"),
            "gpx/trk[0]/trkseg[0]/trkpt[0]/sat at line 1, column 42 (byte 41): \
             invalid value \"many\": expected a whole number"
        );
    }

    #[test]
    fn nesting_depth_is_bounded() {
        let deep = format!("<gpx>{}", "<a>".repeat(parser::MAX_DEPTH));
        let message = error(&deep);
        assert!(
            message.ends_with(&format!(
                "elements nested deeper than {} levels",
                parser::MAX_DEPTH
            )),
            "{message}"
        );
        assert!(message.starts_with("gpx/a/a/a/"), "{message}");
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = parse(&bytes);
        }

        #[test]
        fn truncated_and_corrupted_documents_never_panic(cut in 0usize..400, flip in 0usize..400, byte: u8) {
            let mut doc = b"<?xml version=\"1.0\"?><gpx version=\"1.1\" creator=\"x\"><metadata><name>n</name>\
                </metadata><trk><trkseg><trkpt lat=\"1.5\" lon=\"2.5\"><ele>3</ele><time>2020-01-01T00:00:00Z\
                </time><extensions><s:speed>4</s:speed></extensions></trkpt></trkseg></trk><rte><rtept \
                lat=\"1\" lon=\"2\"><time>2020-01-01T00:00:01+01:00</time></rtept></rte></gpx>".to_vec();
            if let Some(b) = doc.get_mut(flip) {
                *b = byte;
            }
            doc.truncate(cut);
            let _ = parse(&doc);
        }
    }
}
