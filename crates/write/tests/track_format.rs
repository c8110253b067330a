//! The rewrite is format-agnostic: a second, dummy [`TrackFormat`] (not GPMF: its own handler
//! name, `nmhd` media header, `xtst` sample entry and one sample per point) gets its track
//! into real ffmpeg-made videos with `-o` (moov kept and moved to the front) and
//! `--in-place`, its samples read back where its chunk offsets point, the original samples
//! stay byte-identical, and a second write refuses or replaces it by its own recogniser.

mod common;

use std::fs::File;
use std::path::{Path, PathBuf};

use common::{fixture, track_contents, TrackContent};

use telemux_read::model::{AltitudeRef, GpsPoint, SensorStream};
use telemux_read::mp4::{Mp4, Mp4Error};
use telemux_write::gpmf::Gpmf;
use telemux_write::mp4::{
    prepare_format, BoxWriter, MoovPlacement, RewriteError, RewriteOptions, Target, TelemetryTrack,
};
use telemux_write::telemetry_track::{
    build_format, SensorTrack, TrackError, TrackOptions, DEFAULT_DOP,
};
use telemux_write::track_format::{ReadSeek, Slotted, TrackFormat};

/// One sample per point: its slot (u32) and latitude (f64), lasting until the next point.
struct Dummy;

impl TrackFormat for Dummy {
    fn name(&self) -> &'static str {
        "dummy"
    }

    fn handler_type(&self) -> [u8; 4] {
        *b"meta"
    }

    fn handler_name(&self) -> &'static str {
        "Dummy handler"
    }

    fn write_media_header(&self, w: &mut BoxWriter) {
        w.full_box(b"nmhd", 0, 0, |_| {});
    }

    fn write_sample_entry(&self, w: &mut BoxWriter) {
        w.boxed(b"xtst", |w| {
            w.zeros(6);
            w.u16(1);
        });
    }

    fn build(
        &self,
        points: Slotted<'_>,
        slots: usize,
        _sensors: &[SensorStream],
        options: &TrackOptions,
    ) -> Result<SensorTrack, TrackError> {
        let slotted: Vec<(usize, GpsPoint)> = points.collect();
        let ms = |slot: usize| (slot as f64 * 1000.0 / options.rate_hz).round() as u32;
        let mut track = TelemetryTrack {
            start_ms: 0,
            samples: Vec::new(),
            durations_ms: Vec::new(),
        };
        for (i, (slot, point)) in slotted.iter().enumerate() {
            let next = slotted.get(i + 1).map_or(slots, |(s, _)| *s);
            let mut sample = (*slot as u32).to_be_bytes().to_vec();
            sample.extend(point.latitude.to_be_bytes());
            track.samples.push(sample);
            track.durations_ms.push(ms(next) - ms(*slot));
        }
        Ok(SensorTrack {
            track,
            gps_points: slotted.len() as u64,
            written: Vec::new(),
            unsupported: Vec::new(),
            left_out: 0,
        })
    }

    fn existing_tracks(
        &self,
        mp4: &Mp4,
        _reader: &mut dyn ReadSeek,
    ) -> Result<Vec<usize>, Mp4Error> {
        let mut found = Vec::new();
        for track in mp4.tracks() {
            let track = track?;
            if track.stsd.entries.first().map(|e| *e.kind.as_bytes()) == Some(*b"xtst") {
                found.push(track.index);
            }
        }
        Ok(found)
    }
}

/// 2 Hz points over the whole 12-s ride.mp4 / 2-s clip, latitude 45 + slot / 1000.
fn dummy_track(path: &Path) -> TelemetryTrack {
    let mp4 = Mp4::open(&mut File::open(path).unwrap()).unwrap();
    let mvhd = mp4.mvhd().unwrap();
    let duration = mvhd.duration as f64 / f64::from(mvhd.timescale);
    let points = (0..(duration * 2.0 - 1e-9).ceil() as usize).map(|k| GpsPoint {
        media_time: Some(k as f64 / 2.0),
        ..GpsPoint::new(45.0 + k as f64 / 1000.0, 7.0)
    });
    let mut options = TrackOptions::default();
    options.rate_hz = 2.0;
    options.device_name = "dummy".into();
    options.gps9 = false;
    options.altitude_ref = AltitudeRef::MeanSeaLevel;
    options.default_dop = DEFAULT_DOP;
    build_format(&Dummy, points, &[], duration, &options)
        .unwrap()
        .track
}

/// Writes `track` into `input` as `target` says (into `input` itself for `--in-place`, else
/// into the returned file).
fn write(input: &Path, track: &TelemetryTrack, options: &RewriteOptions) -> PathBuf {
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(input)
        .unwrap();
    let mp4 = Mp4::open(&mut file).unwrap();
    let prepared = prepare_format(&mp4, &Dummy, track, options).unwrap();
    if options.target == Target::InPlace {
        prepared.write_in_place(&mut file).unwrap();
        return input.to_path_buf();
    }
    let out = input.with_extension("out.mp4");
    let mut out_file = File::create(&out).unwrap();
    prepared
        .write_copy(&mut file, &mut out_file, &mut |_| {})
        .unwrap();
    out
}

fn existing(path: &Path, format: &dyn TrackFormat) -> Vec<usize> {
    let mut file = File::open(path).unwrap();
    let mp4 = Mp4::open(&mut file).unwrap();
    format.existing_tracks(&mp4, &mut file).unwrap()
}

#[test]
fn a_second_format_gets_its_own_track_and_every_original_sample_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("ride.mp4", Target::Copy(MoovPlacement::Keep)),
        ("ride.mp4", Target::Copy(MoovPlacement::Front)),
        ("clip-faststart.mp4", Target::Copy(MoovPlacement::Keep)),
        ("clip.mov", Target::InPlace),
    ];
    for (name, target) in cases {
        let input = dir.path().join(name);
        std::fs::copy(fixture(name), &input).unwrap();
        let before = track_contents(&input);
        let track = dummy_track(&input);
        let slots = track.samples.len();
        assert_eq!(slots, if name == "ride.mp4" { 24 } else { 4 }, "{name}");
        let mut options = RewriteOptions::default();
        options.target = target;
        let out = write(&input, &track, &options);

        let after = track_contents(&out);
        assert_eq!(after.len(), before.len() + 1, "{name} {target:?}");
        assert_eq!(
            after[..before.len()],
            before[..],
            "{name} {target:?}: originals changed"
        );
        let TrackContent {
            handler,
            handler_name,
            entry,
            samples,
        } = &after[before.len()];
        assert_eq!(
            (handler.as_str(), handler_name.as_str(), entry.as_str()),
            ("meta", "Dummy handler", "xtst"),
            "{name} {target:?}"
        );
        // Read where the new chunk offsets point: slot k's bytes, lasting 500 ms.
        let expected: Vec<(Vec<u8>, u32)> = (0..slots)
            .map(|k| {
                let mut bytes = (k as u32).to_be_bytes().to_vec();
                bytes.extend((45.0 + k as f64 / 1000.0).to_be_bytes());
                (bytes, 500)
            })
            .collect();
        assert_eq!(samples, &expected, "{name} {target:?}");
        let bytes = std::fs::read(&out).unwrap();
        assert!(bytes.windows(4).any(|w| w == b"nmhd"), "{name}: no nmhd");
        assert!(
            !bytes.windows(4).any(|w| w == b"gpmd"),
            "{name}: GPMF boxes written"
        );

        // Each format recognises its own tracks only; a second write refuses, or replaces.
        let index = before.len();
        assert_eq!(existing(&out, &Dummy), [index], "{name}");
        assert_eq!(existing(&out, &Gpmf), Vec::<usize>::new(), "{name}");
        let mut file = File::open(&out).unwrap();
        let mp4 = Mp4::open(&mut file).unwrap();
        let mut again = RewriteOptions::default();
        again.target = Target::Copy(MoovPlacement::Keep);
        again.existing_tracks = vec![index];
        let err = prepare_format(&mp4, &Dummy, &track, &again).unwrap_err();
        assert!(matches!(err, RewriteError::HasTelemetry { index: i, .. } if i == index));
        assert!(
            err.to_string().starts_with("already has dummy telemetry"),
            "{err}"
        );
        let mut replace = again.clone();
        replace.replace = true;
        let replaced = write(&out, &track, &replace);
        assert_eq!(
            track_contents(&replaced),
            after,
            "{name}: replaced differently"
        );
    }
}
