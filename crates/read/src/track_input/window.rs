//! A track file's points through the one window sieve (`inject`), or read whole (`extract`).

use std::io::BufRead;
use std::path::Path;

use crate::gpx::{self, merge_by_time, Keep, MergeReport, PointSource, Window, Windowed};
use crate::model::{AltitudeRef, Telemetry};
use crate::source::{FileTelemetry, Origin};

use super::{Kind, Parsed, TrackInputError};

/// Reads a file of format `kind`, keeping only the points `window` needs (those inside it
/// and the nearest on each side) with totals of the rest: memory follows the window, not the
/// file. GPX goes through its own parser, every other format through its [`Kind::read`]; the
/// sieve is the same.
pub fn read_window(
    kind: &Kind,
    input: &mut dyn BufRead,
    window: Window,
) -> Result<(Windowed, Parsed), TrackInputError> {
    if kind.is_gpx() {
        let parsed = Parsed {
            altitude_ref: AltitudeRef::MeanSeaLevel,
            ..Parsed::default()
        };
        return Ok((gpx::read_window(input, window)?, parsed));
    }
    let mut keep = Keep::new(window);
    let mut parsed = Parsed::default();
    (kind.read)(input, &mut |point| keep.push(point), &mut parsed)?;
    let (points, totals, report) = keep.finish();
    let windowed = Windowed {
        source: PointSource::Tracks,
        points,
        totals,
        report,
    };
    Ok((windowed, parsed))
}

/// A whole track file as telemetry.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct WholeTrack {
    /// The points, in time order (`source` is the format's name); a track whose points carry
    /// only media times (a DJI SRT without dates) keeps them in file order.
    pub telemetry: Telemetry,
    /// What ordering by time dropped or reordered.
    pub merge: MergeReport,
    /// What the reader learnt besides the points: device, warnings.
    pub parsed: Parsed,
}

/// Reads every point of a file of format `kind` (what `extract FILE` exports).
pub fn read_all(kind: &Kind, input: &mut dyn BufRead) -> Result<WholeTrack, TrackInputError> {
    let mut points = Vec::new();
    let mut parsed = Parsed::default();
    (kind.read)(input, &mut |point| points.push(point), &mut parsed)?;
    let media_timed_only = points
        .iter()
        .all(|p| p.time.is_none() && p.media_time.is_some());
    let (gps, merge) = if media_timed_only {
        (points, MergeReport::default())
    } else {
        let merged = merge_by_time([points]);
        (merged.points, merged.report)
    };
    let telemetry = Telemetry {
        source: kind.name.into(),
        device: parsed.device.clone(),
        altitude_ref: parsed.altitude_ref,
        gps,
        sensors: Vec::new(),
        highlights: Vec::new(),
    };
    Ok(WholeTrack {
        telemetry,
        merge,
        parsed,
    })
}

/// Reads the file `input` named `name` whole when it is a track file (by content, else by
/// extension), as `extract` reads a video: `None` when it is not one (a video, say), so the
/// caller reads it as a video.
pub fn read_file(
    input: &mut dyn BufRead,
    name: &Path,
) -> Result<Option<FileTelemetry>, TrackInputError> {
    let (kind, whole) = match super::detect_input(input, name) {
        Ok((kind, mut input)) => (kind, read_all(kind, &mut input)?),
        Err(TrackInputError::UnknownFormat) => return Ok(None),
        Err(error) => return Err(error),
    };
    let parsed = &whole.parsed;
    let device = parsed
        .device
        .as_deref()
        .map_or_else(String::new, |d| format!(" from {d}"));
    let summary = format!(
        "{} track{device}: {} points",
        kind.name,
        whole.telemetry.gps.len()
    );
    let mut warnings: Vec<String> = parsed.warnings.iter().map(|w| w.to_string()).collect();
    let more = parsed.warning_count.saturating_sub(parsed.warnings.len());
    if more > 0 {
        warnings.push(format!("{more} more warnings like these"));
    }
    let merge = &whole.merge;
    if merge.untimed > 0 {
        warnings.push(format!("{} points without a time left out", merge.untimed));
    }
    if merge.duplicates > 0 {
        warnings.push(format!(
            "{} points repeating an earlier time left out",
            merge.duplicates
        ));
    }
    Ok(Some(FileTelemetry {
        telemetry: whole.telemetry,
        origin: Origin::TrackFile,
        summary,
        warnings,
        details: Vec::new(),
        cut: None,
        camm: None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::GpsPoint;
    use time::macros::datetime;
    use time::Duration;

    /// A format of one point per line: seconds after 2024-05-01 00:00 UTC.
    static SECONDS: Kind = Kind {
        name: "seconds",
        extensions: &["sec"],
        detect: |_| false,
        read: |input, emit, parsed| {
            for (n, line) in input.lines().enumerate() {
                match line?.trim().parse::<i64>() {
                    Ok(s) => emit(GpsPoint {
                        time: Some(datetime!(2024-05-01 0:00 UTC) + Duration::seconds(s)),
                        ..GpsPoint::new(1.0, 2.0)
                    }),
                    Err(_) => parsed.warn(super::super::Place::Line(n as u64 + 1), "no number"),
                }
            }
            Ok(())
        },
    };

    #[test]
    fn every_format_goes_through_the_window_sieve() {
        let text: String = (0..1000).map(|s| format!("{s}\n")).collect::<String>() + "x\n";
        let t0 = datetime!(2024-05-01 0:00 UTC);
        let window = Window::Between(
            t0 + Duration::milliseconds(100_500),
            t0 + Duration::milliseconds(103_500),
        );
        let (windowed, parsed) = read_window(&SECONDS, &mut text.as_bytes(), window).unwrap();
        let mut kept: Vec<i64> = windowed
            .points
            .iter()
            .map(|p| (p.time.unwrap() - t0).whole_seconds())
            .collect();
        kept.sort_unstable();
        assert_eq!(kept, [100, 101, 102, 103, 104]);
        assert_eq!(windowed.totals.count, 1000);
        assert_eq!(parsed.warning_count, 1);
        assert_eq!(parsed.warnings[0].to_string(), "line 1001: no number");
    }

    #[test]
    fn read_all_orders_by_time_and_names_the_format() {
        let whole = read_all(&SECONDS, &mut &b"5\n3\n3\n4\n"[..]).unwrap();
        let seconds: Vec<i64> = whole
            .telemetry
            .gps
            .iter()
            .map(|p| (p.time.unwrap() - datetime!(2024-05-01 0:00 UTC)).whole_seconds())
            .collect();
        assert_eq!(seconds, [3, 4, 5]);
        assert_eq!(whole.telemetry.source, "seconds");
        assert_eq!(whole.merge.duplicates, 1);
    }

    #[test]
    fn unknown_content_falls_back_to_the_extension_else_is_refused() {
        assert!(super::super::detect_file(b"", Some("GPX")).is_some_and(Kind::is_gpx));
        assert!(super::super::detect_file(b"hello", Some("txt")).is_none());
        // Not a track file: read as a video by the caller.
        assert!(read_file(&mut &b"hello"[..], Path::new("a.txt"))
            .unwrap()
            .is_none());
        assert_eq!(
            TrackInputError::UnknownFormat.to_string(),
            format!(
                "not a track file telemux reads (by content, else by extension: {})",
                super::super::formats_read()
            )
        );
    }
}
