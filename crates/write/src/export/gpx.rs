//! GPX export: 1.1 (speed and course in Garmin TrackPointExtension v2) or 1.0 (speed and
//! course as plain elements, for older tools).

use std::io::{BufWriter, Write};

use telemux_read::GpsPoint;

use super::values::{course_in_range, finite, fix_name, position, xml_text, Rfc3339, XsdDecimal};
use super::{ExportError, Waypoint};

/// Which GPX flavour to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum GpxVersion {
    /// GPX 1.1, valid against the official schema. Speed and course go in
    /// `<extensions><gpxtpx:TrackPointExtension>` (Garmin v2), which 1.1 readers understand.
    #[default]
    V1_1,
    /// GPX 1.0 with `<course>` and `<speed>` elements.
    V1_0,
}

const HEADER_1_1: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="telemux" xmlns="http://www.topografix.com/GPX/1/1" xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd">
"#;

const HEADER_1_0: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.0" creator="telemux" xmlns="http://www.topografix.com/GPX/1/0">
"#;

/// Writes one `<trk>` with a `<trkseg>` per segment. Per point: `ele` (altitude as given: GPX
/// means mean sea level), `time` (UTC), `fix`, `sat`, `hdop` (from `dop`), speed (2D) and
/// course. `speed_3d` and `media_time` have no place in GPX and are not written.
pub fn write_gpx<W: Write>(
    out: W,
    segments: &[Vec<GpsPoint>],
    version: GpxVersion,
) -> Result<(), ExportError> {
    write_gpx_with_waypoints(out, &[], segments, version)
}

/// [`write_gpx`] with a `<wpt>` (position, `ele`, `time`, `name`) per waypoint before the
/// track, where the schema puts them.
pub fn write_gpx_with_waypoints<W: Write>(
    out: W,
    waypoints: &[Waypoint],
    segments: &[Vec<GpsPoint>],
    version: GpxVersion,
) -> Result<(), ExportError> {
    let mut out = BufWriter::new(out);
    out.write_all(
        match version {
            GpxVersion::V1_1 => HEADER_1_1,
            GpxVersion::V1_0 => HEADER_1_0,
        }
        .as_bytes(),
    )?;
    for (i, waypoint) in waypoints.iter().enumerate() {
        write_waypoint(&mut out, i, waypoint)?;
    }
    out.write_all(b" <trk>\n")?;
    for (s, segment) in segments.iter().enumerate() {
        out.write_all(b"  <trkseg>\n")?;
        for (i, point) in segment.iter().enumerate() {
            write_point(&mut out, s, i, point, version)?;
        }
        out.write_all(b"  </trkseg>\n")?;
    }
    out.write_all(b" </trk>\n</gpx>\n")?;
    out.flush()?;
    Ok(())
}

fn write_waypoint<W: Write>(
    out: &mut W,
    index: usize,
    waypoint: &Waypoint,
) -> Result<(), ExportError> {
    out.write_all(b" ")?;
    open_point(out, "wpt", 0, index, &waypoint.point)?;
    out.write_all(b"<name>")?;
    xml_text(out, &waypoint.name)?;
    out.write_all(b"</name></wpt>\n")?;
    Ok(())
}

/// `<KIND lat=… lon=…>` then `ele` and `time`, the children both point types start with.
fn open_point<W: Write>(
    out: &mut W,
    kind: &str,
    segment: usize,
    index: usize,
    point: &GpsPoint,
) -> Result<(), ExportError> {
    let (latitude, longitude) = position(segment, index, point)?;
    // The same meridian: the GPX schema's longitudeType excludes 180.
    let longitude = if longitude == 180.0 {
        -180.0
    } else {
        longitude
    };
    let (latitude, longitude) = (XsdDecimal(latitude), XsdDecimal(longitude));
    write!(out, "<{kind} lat=\"{latitude}\" lon=\"{longitude}\">")?;
    if let Some(altitude) = finite(point.altitude) {
        write!(out, "<ele>{}</ele>", XsdDecimal(altitude))?;
    }
    if let Some(time) = point.time {
        write!(out, "<time>{}</time>", Rfc3339(time))?;
    }
    Ok(())
}

/// Children in the order each schema's sequence requires.
fn write_point<W: Write>(
    out: &mut W,
    segment: usize,
    index: usize,
    point: &GpsPoint,
    version: GpxVersion,
) -> Result<(), ExportError> {
    let speed = finite(point.speed_2d).map(XsdDecimal);
    let course = finite(point.course).map(|c| XsdDecimal(course_in_range(c)));
    out.write_all(b"   ")?;
    open_point(out, "trkpt", segment, index, point)?;
    if version == GpxVersion::V1_0 {
        if let Some(course) = course {
            write!(out, "<course>{course}</course>")?;
        }
        if let Some(speed) = speed {
            write!(out, "<speed>{speed}</speed>")?;
        }
    }
    if let Some(fix) = point.fix {
        write!(out, "<fix>{}</fix>", fix_name(fix))?;
    }
    if let Some(satellites) = point.satellites {
        write!(out, "<sat>{satellites}</sat>")?;
    }
    if let Some(dop) = finite(point.dop) {
        write!(out, "<hdop>{}</hdop>", XsdDecimal(dop))?;
    }
    if version == GpxVersion::V1_1 && (speed.is_some() || course.is_some()) {
        out.write_all(b"<extensions><gpxtpx:TrackPointExtension>")?;
        if let Some(speed) = speed {
            write!(out, "<gpxtpx:speed>{speed}</gpxtpx:speed>")?;
        }
        if let Some(course) = course {
            write!(out, "<gpxtpx:course>{course}</gpxtpx:course>")?;
        }
        out.write_all(b"</gpxtpx:TrackPointExtension></extensions>")?;
    }
    out.write_all(b"</trkpt>\n")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use telemux_read::Fix;
    use time::macros::datetime;

    fn full_point() -> GpsPoint {
        GpsPoint {
            time: Some(datetime!(2023-06-01 08:15:00.5 UTC)),
            altitude: Some(409.6),
            speed_2d: Some(7.92),
            speed_3d: Some(8.0),
            course: Some(-18.0),
            fix: Some(Fix::ThreeD),
            dop: Some(0.9),
            satellites: Some(9),
            ..GpsPoint::new(47.36632096208632, 180.0)
        }
    }

    fn written(version: GpxVersion) -> String {
        let mut out = Vec::new();
        write_gpx(&mut out, &[vec![full_point()]], version).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn gpx_1_1_point_in_schema_order_with_extension() {
        let text = written(GpxVersion::V1_1);
        assert!(text.starts_with(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gpx version=\"1.1\" creator=\"telemux\""
        ));
        assert!(text.contains(
            "   <trkpt lat=\"47.36632096208632\" lon=\"-180\"><ele>409.6</ele>\
             <time>2023-06-01T08:15:00.500Z</time><fix>3d</fix><sat>9</sat><hdop>0.9</hdop>\
             <extensions><gpxtpx:TrackPointExtension><gpxtpx:speed>7.92</gpxtpx:speed>\
             <gpxtpx:course>342</gpxtpx:course></gpxtpx:TrackPointExtension></extensions></trkpt>\n"
        ), "{text}");
        assert!(text.ends_with("  </trkseg>\n </trk>\n</gpx>\n"));
    }

    #[test]
    fn gpx_1_0_point_has_course_and_speed_elements() {
        let text = written(GpxVersion::V1_0);
        assert!(text.contains("xmlns=\"http://www.topografix.com/GPX/1/0\""));
        assert!(
            text.contains(
                "<ele>409.6</ele><time>2023-06-01T08:15:00.500Z</time><course>342</course>\
             <speed>7.92</speed><fix>3d</fix><sat>9</sat><hdop>0.9</hdop></trkpt>"
            ),
            "{text}"
        );
        assert!(!text.contains("extensions"));
    }

    #[test]
    fn bare_point_and_invalid_position() {
        let mut out = Vec::new();
        let bare = GpsPoint {
            altitude: Some(f64::NAN),
            ..GpsPoint::new(-33.5, 151.25)
        };
        write_gpx(&mut out, &[vec![], vec![bare]], GpxVersion::V1_1).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("  <trkseg>\n  </trkseg>\n  <trkseg>\n   <trkpt lat=\"-33.5\" lon=\"151.25\"></trkpt>\n"), "{text}");

        let err = write_gpx(
            Vec::new(),
            &[vec![GpsPoint::new(91.0, 0.0)]],
            GpxVersion::V1_1,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "segment 0, point 0: (91, 0) is not a valid latitude/longitude"
        );
    }
}
