//! The inject and convert jobs called as a library (`telemux_write::jobs`), in memory: the
//! bytes they write equal the CLI's for the same options, and a failed job says how far it came.

mod common;

use std::fs::File;
use std::io::Cursor;
use std::path::Path;

use common::{bandit, fixture, telemux};
use telemux_read::source;
use telemux_read::track::Filters;
use telemux_write::jobs::{
    self, AlignError, Anchor, InjectOptions, JobError, Points, PointsFrom, Progress, Report,
    StartedFrom, TrackInput,
};
use telemux_write::mp4::{MoovPlacement, Placed, TelemetryHome};
use time::macros::datetime;

/// `jobs::inject` of fixtures/ride.gpx into `video`, in memory.
fn inject_in_memory(video: &Path, options: &InjectOptions) -> (Vec<u8>, Report) {
    let mut input = Cursor::new(std::fs::read(video).unwrap());
    let mut output = Cursor::new(Vec::new());
    let points = Points::Tracks(vec![TrackInput::File(fixture("ride.gpx"))]);
    let report = jobs::inject(&mut input, &mut output, points, options, &mut ()).unwrap();
    (output.into_inner(), report)
}

/// What `telemux inject VIDEO --gpx fixtures/ride.gpx ARGS -o OUT` writes.
fn cli_output(video: &Path, args: &[&str]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.mp4");
    telemux()
        .arg("inject")
        .arg(video)
        .arg("--gpx")
        .arg(fixture("ride.gpx"))
        .args(args)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    std::fs::read(out).unwrap()
}

#[test]
fn inject_in_memory_writes_the_cli_bytes() {
    let video = fixture("ride.mp4");
    let (bytes, report) = inject_in_memory(&video, &InjectOptions::default());
    assert_eq!(bytes, cli_output(&video, &[]));
    let written = report.written.unwrap();
    assert_eq!(
        (written.gps_points, written.payloads, written.track_id),
        (120, 12, 3)
    );
    assert_eq!(written.size, bytes.len() as u64);
    assert_eq!(
        written.placed,
        Placed::Copy(TelemetryHome::Joined {
            mdat_offset: 40,
            header: telemux_write::mp4::MdatHeader::Kept
        })
    );
    let aligned = report.aligned.unwrap();
    assert_eq!(aligned.alignment.from, StartedFrom::CreationTimeUtc);
    assert_eq!(
        aligned.alignment.video_start,
        datetime!(2024-05-01 10:00:00 UTC)
    );
    assert_eq!((aligned.totals.count, aligned.duration), (19, 12.0));
    assert_eq!(report.coverage.unwrap().covered, 12.0);
    let dop = report.default_dop.unwrap();
    assert_eq!((dop.without, dop.of, dop.dop), (19, 19, 4.0));

    // The points read back through the reading library.
    let read = source::read(&mut Cursor::new(bytes), source::Options::default()).unwrap();
    assert_eq!(read.telemetry.gps.len(), 120);
}

#[test]
fn options_give_the_bytes_of_their_flags() {
    let video = fixture("ride.mp4");
    let mut options = InjectOptions::default();
    options.rate = 5.0;
    options.gps9 = true;
    options.dop = 2.5;
    options.make = Some("Google".into());
    options.model = Some("Pixel 8".into());
    options.street_view = true;
    options.moov = MoovPlacement::Front;
    options.anchor = Anchor::FirstPoint;
    options.offset = 1.5;
    let (bytes, report) = inject_in_memory(&video, &options);
    let flags = [
        "--rate",
        "5",
        "--gps9",
        "--dop",
        "2.5",
        "--make",
        "Google",
        "--model",
        "Pixel 8",
        "--street-view",
        "--faststart",
        "--sync",
        "first-point",
        "--offset",
        "1.5",
    ];
    assert_eq!(bytes, cli_output(&video, &flags));
    assert_eq!(report.written.unwrap().gps_points, 60);
    let alignment = report.aligned.unwrap().alignment;
    assert_eq!(
        (alignment.from, alignment.offset),
        (StartedFrom::FirstPoint, 1.5)
    );
}

/// Counts what the job tells its [`Progress`].
#[derive(Default)]
struct Seen {
    writing: Vec<u64>,
    copied: Vec<u64>,
}

impl Progress for Seen {
    fn writing(&mut self, report: &Report, size: u64) {
        assert!(report.aligned.is_some() && report.coverage.is_some());
        self.writing.push(size);
    }

    fn copied(&mut self, bytes: u64) {
        self.copied.push(bytes);
    }
}

#[test]
fn in_place_writes_the_cli_bytes_and_progress_is_told() {
    let dir = tempfile::tempdir().unwrap();
    let (library, cli) = (dir.path().join("lib.mp4"), dir.path().join("cli.mp4"));
    for path in [&library, &cli] {
        std::fs::copy(fixture("ride.mp4"), path).unwrap();
    }
    let mut file = File::options()
        .read(true)
        .write(true)
        .open(&library)
        .unwrap();
    let gpx = vec![TrackInput::Reader {
        name: "ride.gpx".into(),
        reader: Box::new(std::io::BufReader::new(
            File::open(fixture("ride.gpx")).unwrap(),
        )),
    }];
    let mut seen = Seen::default();
    let report = jobs::inject_in_place(
        &mut file,
        &library,
        Points::Tracks(gpx),
        &InjectOptions::default(),
        &mut seen,
    )
    .unwrap();
    drop(file);
    telemux()
        .arg("inject")
        .arg(&cli)
        .args(["--in-place", "--gpx"])
        .arg(fixture("ride.gpx"))
        .assert()
        .success();
    let bytes = std::fs::read(&library).unwrap();
    assert_eq!(bytes, std::fs::read(&cli).unwrap());
    assert_eq!(seen.writing, [bytes.len() as u64]);
    assert!(seen.copied.is_empty(), "{:?}", seen.copied);
    assert!(matches!(
        report.written.unwrap().placed,
        Placed::InPlace {
            mdat_offset: 40,
            ..
        }
    ));
}

#[test]
fn a_copy_tells_progress_up_to_the_whole_size() {
    let mut input = Cursor::new(std::fs::read(fixture("ride.mp4")).unwrap());
    let mut output = Cursor::new(Vec::new());
    let points = Points::Tracks(vec![TrackInput::File(fixture("ride.gpx"))]);
    let mut seen = Seen::default();
    jobs::inject(
        &mut input,
        &mut output,
        points,
        &InjectOptions::default(),
        &mut seen,
    )
    .unwrap();
    let size = output.get_ref().len() as u64;
    assert_eq!(seen.writing, [size]);
    assert_eq!(seen.copied.last(), Some(&size));
}

#[test]
fn convert_in_memory_writes_the_cli_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let clip = dir.path().join("bandit.mp4");
    std::fs::write(&clip, bandit::video_with_ttad(&bandit::ride_payload())).unwrap();
    let out = dir.path().join("out.mp4");
    telemux()
        .arg("convert")
        .arg(&clip)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();

    let mut input = Cursor::new(std::fs::read(&clip).unwrap());
    let mut output = Cursor::new(Vec::new());
    let mut read = source::Options::default();
    read.sensors = true;
    let mut options = InjectOptions::default();
    options.anchor = Anchor::Dashcam;
    let converted = jobs::convert(&mut input, &mut output, read, &options, &mut ()).unwrap();
    assert_eq!(output.into_inner(), std::fs::read(&out).unwrap());
    assert_eq!(converted.gps.len(), bandit::SECONDS as usize);
    let source = converted.report.source.unwrap();
    assert!(source.summary.contains("TTAD"), "{}", source.summary);
    let sensors = converted.report.sensors.unwrap();
    assert!(
        sensors.written.iter().any(|(key, _, _)| key == "ACCL"),
        "{:?}",
        sensors.written
    );
}

#[test]
fn a_failed_job_says_how_far_it_came() {
    let mut input = Cursor::new(std::fs::read(fixture("ride.mp4")).unwrap());
    let mut output = Cursor::new(Vec::new());
    let points = Points::Tracks(vec![TrackInput::File(fixture("ride.gpx"))]);
    let mut options = InjectOptions::default();
    options.anchor = Anchor::Start(datetime!(2030-01-01 00:00:00 UTC));
    let failure = jobs::inject(&mut input, &mut output, points, &options, &mut ()).unwrap_err();
    assert!(matches!(
        failure.error,
        JobError::NoOverlap {
            points_from: PointsFrom::Track("GPX")
        }
    ));
    let aligned = failure.report.aligned.unwrap();
    assert_eq!(aligned.alignment.from, StartedFrom::Start);
    assert_eq!(aligned.totals.count, 19);
    assert!(failure.report.coverage.is_none() && failure.report.written.is_none());
    // The error names no flag: that is the CLI's wording.
    assert_eq!(
        failure.error.to_string(),
        "the GPX and the video do not overlap in time"
    );

    // An offset that is no number stops the job before the GPX is read.
    let mut options = InjectOptions::default();
    options.offset = f64::INFINITY;
    let points = Points::Tracks(vec![TrackInput::File(fixture("ride.gpx"))]);
    let mut input = Cursor::new(std::fs::read(fixture("ride.mp4")).unwrap());
    let failure = jobs::inject(&mut input, &mut output, points, &options, &mut ()).unwrap_err();
    assert!(matches!(
        failure.error,
        JobError::Align(AlignError::OffsetNotFinite { .. })
    ));
    assert!(failure.report.aligned.is_none());
}

#[test]
fn extract_in_memory_writes_the_cli_text() {
    let video = fixture("ride.mp4");
    let (bytes, _) = inject_in_memory(&video, &InjectOptions::default());
    let dir = tempfile::tempdir().unwrap();
    let injected = dir.path().join("injected.mp4");
    std::fs::write(&injected, &bytes).unwrap();
    for (format, flag) in [
        (jobs::Format::Csv, "csv"),
        (
            jobs::Format::Gpx(telemux_write::export::gpx::GpxVersion::V1_0),
            "gpx",
        ),
    ] {
        let mut text = Vec::new();
        let report = jobs::extract(
            &mut Cursor::new(&bytes),
            source::Options::default(),
            &Filters::default(),
            format,
            &mut text,
        )
        .unwrap();
        assert_eq!(report.kept, 120);
        assert_eq!(report.filtered.dropped(), 0);
        let mut cli = telemux();
        cli.arg("extract").arg(&injected).args(["-f", flag]);
        if flag == "gpx" {
            cli.arg("--gpx10");
        }
        assert_eq!(text, cli.output().unwrap().stdout, "{flag}");
        if flag == "csv" {
            // 120 rows below the header.
            assert_eq!(String::from_utf8(text).unwrap().lines().count(), 121);
        }
    }
    // Nothing left after the filters is refused, and nothing is written.
    let mut out = Vec::new();
    let mut strict = Filters::default();
    strict.max_dop = Some(1.0);
    let error = jobs::extract(
        &mut Cursor::new(&bytes),
        source::Options::default(),
        &strict,
        jobs::Format::Csv,
        &mut out,
    )
    .unwrap_err();
    assert!(matches!(error, jobs::ExtractError::NoPoints), "{error}");
    assert!(out.is_empty());
}

#[test]
fn a_failure_reads_as_its_error() {
    let mut input = Cursor::new(b"not a video at all".to_vec());
    let points = Points::Tracks(vec![TrackInput::File(fixture("ride.gpx"))]);
    let failure = jobs::inject(
        &mut input,
        &mut Cursor::new(Vec::new()),
        points,
        &InjectOptions::default(),
        &mut (),
    )
    .unwrap_err();
    assert!(matches!(failure.error, JobError::Source(_)));
    assert_eq!(
        failure.to_string(),
        "not an MP4/MOV file (it starts with \"not a vi\")"
    );
    assert!(std::error::Error::source(&failure).is_none());
    assert_eq!(*failure.report, Report::default());
}
