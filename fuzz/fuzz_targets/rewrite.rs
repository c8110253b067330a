//! The MP4 rewrite end to end: a small video built from the fuzzer's description (tracks of
//! any handler, sample sizes and chunking, stco or co64, moov before or after the media, an
//! existing GPMF track or not, a dashcam's `gpmd` track that holds no GPMF), a telemetry
//! track added with `-o` (moov kept or moved to the
//! front) or `--in-place`, and the result re-opened. Every original sample must read back
//! byte-identical, the new track must hold exactly the telemetry, and nothing else may
//! change; the only refusals allowed are the documented ones. After the last box the input
//! may end in bytes that are no box (kept last by `-o`), a torn staging `free`, a size-0
//! `free`, a second `moov` or a movie fragment (both refused).

#![no_main]

#[path = "../../tests/common/synthetic.rs"]
mod synthetic;

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use synthetic::{SynthTrack, SynthVideo};
use telemux_read::mp4::Mp4;
use telemux_write::gpmf::Gpmf;
use telemux_write::mp4::{
    prepare, MoovPlacement, Prepared, RewriteError, RewriteOptions, Target, TelemetryTrack,
};
use telemux_write::track_format::TrackFormat;

const MAX_TRACKS: usize = 3;
const MAX_SAMPLES: usize = 12;
const MAX_SAMPLE_LEN: usize = 48;

#[derive(Debug, Arbitrary)]
struct Input {
    tracks: Vec<TrackInput>,
    moov_first: bool,
    telemetry: Vec<(Vec<u8>, u16)>,
    mode: Mode,
    replace: bool,
    make: Option<String>,
    tail: Tail,
}

/// What follows the synthetic video's last box.
#[derive(Debug, Arbitrary)]
enum Tail {
    None,
    /// Bytes that are no box: a non-printable type (like an Insta360 trailer), then these.
    NotBoxes(Vec<u8>),
    /// 1 to 64 zero bytes of padding.
    Zeros(u8),
    /// A `free` box declaring `extra` more bytes than the file holds (a killed `--in-place`).
    TornStaging {
        body: Vec<u8>,
        extra: u16,
    },
    /// A `free` box of size 0: to the end of the file.
    SizeZeroFree(Vec<u8>),
    /// A second `moov`: 15 junk bytes, or a copy of the first.
    SecondMoov {
        copy: bool,
    },
    /// A movie fragment: `moof` (with its `mfhd`) and an `mdat`.
    Fragment(Vec<u8>),
}

/// At most this many arbitrary bytes in a tail.
const MAX_TAIL: usize = 64;

fn capped(bytes: &[u8]) -> &[u8] {
    &bytes[..bytes.len().min(MAX_TAIL)]
}

impl Tail {
    fn bytes(&self, video: &[u8], moov: std::ops::Range<usize>) -> Vec<u8> {
        match self {
            Tail::None => Vec::new(),
            Tail::NotBoxes(rest) => [&[0xff; 8][..], capped(rest)].concat(),
            Tail::Zeros(n) => vec![0; 1 + usize::from(*n) % MAX_TAIL],
            Tail::TornStaging { body, extra } => {
                let body = capped(body);
                let declared = 8 + body.len() as u32 + 1 + u32::from(*extra);
                [&declared.to_be_bytes()[..], b"free", body].concat()
            }
            Tail::SizeZeroFree(body) => [&[0, 0, 0, 0][..], b"free", capped(body)].concat(),
            Tail::SecondMoov { copy: true } => video[moov].to_vec(),
            Tail::SecondMoov { copy: false } => b"\0\0\0\x0fmoovjunkjun".to_vec(),
            Tail::Fragment(data) => {
                let data = capped(data);
                let mut bytes = b"\0\0\0\x18moof\0\0\0\x10mfhd\0\0\0\0\0\0\0\x01".to_vec();
                bytes.extend((8 + data.len() as u32).to_be_bytes());
                bytes.extend(b"mdat");
                bytes.extend(data);
                bytes
            }
        }
    }
}

#[derive(Debug, Clone, Copy, Arbitrary)]
enum Mode {
    Keep,
    Front,
    InPlace,
}

#[derive(Debug, Arbitrary)]
struct TrackInput {
    kind: Kind,
    samples: Vec<Vec<u8>>,
    chunking: Vec<u8>,
    co64: bool,
    timescale: u16,
    sample_duration: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
enum Kind {
    Video,
    Audio,
    /// A `gpmd` track holding GPMF: every sample starts with `DEVC`.
    Gpmf,
    /// A `gpmd` track holding other data (some dashcams name theirs so): to be kept.
    GpmdData,
}

impl Kind {
    fn codes(self) -> ([u8; 4], [u8; 4]) {
        match self {
            Kind::Video => (*b"vide", *b"avc1"),
            Kind::Audio => (*b"soun", *b"mp4a"),
            Kind::Gpmf | Kind::GpmdData => (*b"meta", *b"gpmd"),
        }
    }

    /// Sample bytes as the kind holds them.
    fn sample(self, bytes: &[u8]) -> Vec<u8> {
        let bytes = &bytes[..bytes.len().min(MAX_SAMPLE_LEN)];
        match self {
            Kind::Gpmf => [&b"DEVC"[..], bytes].concat(),
            Kind::GpmdData if bytes.starts_with(b"DEVC") => [&b"data"[..], bytes].concat(),
            _ => bytes.to_vec(),
        }
    }
}

/// Whether the track holds GPMF as the read side defines it: a `gpmd` track whose first
/// sample starts with `DEVC`, so one without samples does not.
fn holds_gpmf(t: &TrackInput) -> bool {
    t.kind == Kind::Gpmf && !t.samples.is_empty()
}

fn synth_track(t: &TrackInput) -> SynthTrack {
    let (handler, sample_entry) = t.kind.codes();
    SynthTrack {
        handler,
        sample_entry,
        timescale: u32::from(t.timescale.max(1)),
        samples: t
            .samples
            .iter()
            .take(MAX_SAMPLES)
            .map(|s| t.kind.sample(s))
            .collect(),
        sample_duration: u32::from(t.sample_duration),
        // The builder cycles through the chunking; an empty one would leave samples unchunked.
        chunking: if t.chunking.is_empty() {
            vec![1]
        } else {
            t.chunking.iter().map(|&n| u32::from(n)).collect()
        },
        co64: t.co64,
    }
}

/// (handler, sample entry, sample bytes, sample durations) of every track of `file`.
type TrackContent = ([u8; 4], [u8; 4], Vec<Vec<u8>>, Vec<u32>);

fn contents(file: &mut File) -> Vec<TrackContent> {
    let mp4 = Mp4::open(file).expect("the output opens");
    let tracks: Vec<_> = mp4
        .tracks()
        .map(|t| t.expect("every output track parses"))
        .collect();
    tracks
        .iter()
        .map(|t| {
            let (mut bytes, mut durations) = (Vec::new(), Vec::new());
            for sample in t.samples() {
                let sample = sample.expect("every output sample is inside the file");
                bytes.push(t.read_sample(file, &sample).expect("samples read"));
                durations.push(sample.duration);
            }
            let entry = t
                .stsd
                .entries
                .first()
                .map_or(*b"none", |e| *e.kind.as_bytes());
            (*t.hdlr.subtype.as_bytes(), entry, bytes, durations)
        })
        .collect()
}

fn scratch_file(bytes: &[u8]) -> File {
    // tmpfs when there is one: the in-place writer fsyncs three times per run.
    let mut file = tempfile::tempfile_in("/dev/shm")
        .or_else(|_| tempfile::tempfile())
        .expect("a scratch file");
    file.write_all(bytes).expect("scratch write");
    file
}

fuzz_target!(|input: Input| {
    let video = SynthVideo {
        tracks: input
            .tracks
            .iter()
            .take(MAX_TRACKS)
            .map(synth_track)
            .collect(),
        moov_first: input.moov_first,
        creation_time: 3_600_000_000,
    };
    let mut original = video.build();
    let first_moov = {
        let mp4 =
            Mp4::open(&mut std::io::Cursor::new(&original)).expect("the synthetic video opens");
        let moov = mp4.moov().root().header;
        moov.offset as usize..moov.end() as usize
    };
    let tail = input.tail.bytes(&original, first_moov);
    original.extend_from_slice(&tail);
    let mut file = scratch_file(&original);
    let before = contents(&mut file);

    let telemetry = TelemetryTrack {
        start_ms: 0,
        samples: input
            .telemetry
            .iter()
            .take(MAX_SAMPLES)
            .map(|(s, _)| s.clone())
            .collect(),
        durations_ms: input
            .telemetry
            .iter()
            .take(MAX_SAMPLES)
            .map(|&(_, d)| u32::from(d))
            .collect(),
    };
    let mut options = RewriteOptions::default();
    options.target = match input.mode {
        Mode::Keep => Target::Copy(MoovPlacement::Keep),
        Mode::Front => Target::Copy(MoovPlacement::Front),
        Mode::InPlace => Target::InPlace,
    };
    options.replace = input.replace;
    options.user_data = input
        .make
        .iter()
        .map(|m| (*b"\xa9mak", m.clone()))
        .collect();
    let mp4 = Mp4::open(&mut file).expect("the synthetic input opens");
    let inputs: Vec<&TrackInput> = input.tracks.iter().take(MAX_TRACKS).collect();
    let gpmf: Vec<usize> = (0..inputs.len())
        .filter(|&i| holds_gpmf(inputs[i]))
        .collect();
    options.existing_tracks = Gpmf
        .existing_tracks(&mp4, &mut file)
        .expect("the synthetic tracks read");
    assert_eq!(options.existing_tracks, gpmf, "GPMF tracks misjudged");
    let gpmf_tracks = gpmf.len();
    let has_gpmf = gpmf_tracks > 0;
    let in_place = matches!(input.mode, Mode::InPlace);
    let trailer = matches!(input.tail, Tail::NotBoxes(_) | Tail::Zeros(_));
    let torn = matches!(input.tail, Tail::TornStaging { .. });
    let must_refuse = matches!(input.tail, Tail::SecondMoov { .. } | Tail::Fragment(_))
        || (in_place && (trailer || torn));
    let prepared = match prepare(&mp4, &telemetry, &options) {
        Ok(prepared) => prepared,
        Err(err) => {
            let documented = match err {
                RewriteError::HasTelemetry { .. } => has_gpmf && !input.replace,
                RewriteError::InPlaceNeedsMoovAtEnd => input.moov_first && in_place,
                RewriteError::InPlaceAfterTrailingData { .. } => in_place && trailer,
                RewriteError::InPlaceAfterTornStaging { .. } => in_place && torn,
                RewriteError::SecondMoov { .. } => matches!(input.tail, Tail::SecondMoov { .. }),
                RewriteError::Fragmented { .. } => matches!(input.tail, Tail::Fragment(_)),
                _ => false,
            };
            assert!(documented, "refused a valid rewrite: {err}");
            return;
        }
    };
    assert!(
        !must_refuse,
        "rewrote a file it must refuse ({:?})",
        input.tail
    );
    assert!(
        !has_gpmf || input.replace,
        "added a second GPMF track without --replace"
    );

    let mut output = match input.mode {
        Mode::InPlace => {
            prepared.write_in_place(&mut file).expect("in-place write");
            check_in_place_prefix(&mut file, &original, &prepared);
            file
        }
        Mode::Keep | Mode::Front => {
            let mut out = scratch_file(&[]);
            prepared
                .write_copy(&mut file, &mut out, &mut |_| {})
                .expect("copy write");
            out
        }
    };
    let len = output.seek(SeekFrom::End(0)).expect("seek");
    assert_eq!(
        len,
        prepared.output_size(),
        "output size differs from the plan"
    );

    let after = contents(&mut output);
    let mut expected: Vec<TrackContent> = before
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !gpmf.contains(i))
        .map(|(_, track)| track)
        .collect();
    expected.push((
        *b"meta",
        *b"gpmd",
        telemetry.samples.clone(),
        telemetry.durations_ms.clone(),
    ));
    assert_eq!(after, expected, "tracks changed by the rewrite");
    if trailer {
        let mut end = vec![0; tail.len()];
        output
            .seek(SeekFrom::End(-(tail.len() as i64)))
            .and_then(|_| output.read_exact(&mut end))
            .expect("read the end");
        assert!(end == tail, "the trailing bytes are not kept last");
    }
    assert_eq!(prepared.replaced, gpmf_tracks);
});

/// An in-place append keeps every original byte except the old moov's type, now `free`.
fn check_in_place_prefix(file: &mut File, original: &[u8], prepared: &Prepared) {
    let mut prefix = vec![0; original.len()];
    file.seek(SeekFrom::Start(0)).expect("seek");
    file.read_exact(&mut prefix)
        .expect("the original bytes are still there");
    let mut expected = original.to_vec();
    let exposure = prepared.exposure().expect("prepared in place");
    for (offset, bytes) in exposure.patches() {
        let at = offset as usize;
        expected[at..at + bytes.len()].copy_from_slice(&bytes);
    }
    assert!(
        prefix == expected,
        "in-place write changed other original bytes"
    );
}
