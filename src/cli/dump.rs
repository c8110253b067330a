//! `telemux dump FILE`: what is inside a file. For MP4/MOV: the box tree, the tracks and the
//! KLV listing of chosen GPMF payloads; for raw GPMF: the KLV listing.

use std::fs::File;
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use telemux_read::gpmf::{self, PrintOptions};
use telemux_read::mp4::spherical::{self, Projection, Stereo, TrackSpherical};
use telemux_read::mp4::{BoxNode, TrailingKind};
use telemux_read::source::{open_mp4, SourceError};
use telemux_read::verify::Layout;
use telemux_read::Highlight;
use telemux_read::{camm, gopro};

use super::inputs;
use super::EXIT_UNREADABLE;

/// Show what is inside a video (box tree, tracks, CAMM packets, GPMF payloads) or a raw GPMF
/// file.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
For MP4/MOV: every box with its offset and size, a line per track (handler, sample entry,
samples, duration; a 360 video's Spherical Video V1 XML and V2 st3d/sv3d fields below it), the
packets of a CAMM track (one line each: sample, media time, byte offset, type and values; the
first 20 unless --all), then the KLV listing of the GPMF payloads asked for (the first by
default).
For raw GPMF files: the KLV listing. Each KLV line is KEY TYPE STRUCTSIZExREPEAT and the
values, divided by the stream's SCAL; nests are indented; GPSU times are shown as UTC.

Examples:
  telemux dump GX010042.MP4
  telemux dump GX010042.MP4 --payload 5 --payload 6
  telemux dump GX010042.MP4 --every-payload --all > klv.txt
  telemux dump GX010042.MP4 --global      # the camera's settings (udta GPMF)
  telemux dump pano.mp4 --all             # every CAMM packet
  telemux dump hero5.raw
  telemux dump clips/                     # every video in the folder, each under its name")]
pub struct DumpArgs {
    /// MP4/MOV files, raw GPMF (payloads back to back), or folders of videos
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Print every sample of every KLV (and every CAMM packet) instead of the first few and a
    /// count
    #[arg(long)]
    pub all: bool,

    /// GPMF payload (gpmd sample, from 0) to list; repeat for several [default: 0]
    #[arg(long)]
    pub payload: Vec<u32>,

    /// List every GPMF payload
    #[arg(long, conflicts_with = "payload")]
    pub every_payload: bool,

    /// Also list the camera's global settings (the udta `GPMF` payload of GoPro files)
    #[arg(long)]
    pub global: bool,
}

pub fn run(args: DumpArgs) -> anyhow::Result<ExitCode> {
    let paths = inputs::expand(&args.files)?;
    if let [path] = paths.as_slice() {
        dump_file(path, &args)?;
        return Ok(ExitCode::SUCCESS);
    }
    // Several files: each under its name, one that cannot be read reported and passed over.
    let mut failed = false;
    for (i, path) in paths.iter().enumerate() {
        let separator = if i == 0 { "" } else { "\n" };
        if !print(&format!("{separator}{}\n", path.display()))? {
            break;
        }
        if let Err(error) = dump_file(path, &args) {
            eprintln!("telemux: error: {error:#}");
            failed = true;
        }
    }
    Ok(ExitCode::from(if failed { EXIT_UNREADABLE } else { 0 }))
}

/// Writes `text` to stdout; false when the reader went away (a closed pipe).
fn print(text: &str) -> anyhow::Result<bool> {
    match io::stdout().lock().write_all(text.as_bytes()) {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(false),
        other => other.context("writing to stdout").map(|()| true),
    }
}

/// Prints what is inside one file; its error names the file.
fn dump_file(path: &Path, args: &DumpArgs) -> anyhow::Result<()> {
    let name = path.display().to_string();
    let mut file = File::open(path).with_context(|| name.clone())?;
    let mut head = [0u8; 8];
    let n = file.read(&mut head).with_context(|| name.clone())?;
    file.rewind().with_context(|| name.clone())?;
    let mut out = String::new();
    // The raw GPMF test of `source::is_raw_gpmf` without its validation, so that a damaged
    // track is still listed up to its damage.
    let result = if gopro::nest_len(&head[..n]).is_some() {
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).with_context(|| name.clone())?;
        // Print what decoded even when a later KLV is bad: the good part helps find the damage.
        let printed = gpmf::print(&bytes, PrintOptions::with_all(args.all), &mut out);
        let tags = gopro::RawPayloads::new(bytes.as_slice())
            .map_while(Result::ok)
            .flat_map(|p| gopro::gpmf_highlights(&p.bytes))
            .collect::<Vec<_>>();
        if !tags.is_empty() {
            highlight_lines(&tags, &mut out);
        }
        printed.map_err(anyhow::Error::from)
    } else {
        dump_mp4(&mut file, args, &mut out)
    };
    if !print(&out)? {
        return Ok(());
    }
    result.with_context(|| name)
}

fn dump_mp4(file: &mut File, args: &DumpArgs, out: &mut String) -> anyhow::Result<()> {
    use std::fmt::Write as _;
    let mp4 = match open_mp4(file) {
        Ok(mp4) => mp4,
        Err(error @ SourceError::Mp4(_)) => {
            damaged_top_level(file, out);
            return Err(error.into());
        }
        Err(error) => return Err(error.into()),
    };
    out.push_str("boxes (offset, size):\n");
    for header in mp4.top_level() {
        if header.offset == mp4.moov().root().header.offset {
            box_tree(mp4.moov().root(), 1, out);
        } else {
            let _ = writeln!(out, "  {} {} {}", header.kind, header.offset, header.size);
        }
    }
    if let Some(trailing) = mp4.trailing_data() {
        let what = match trailing.kind {
            TrailingKind::NotBoxes => "not a box".to_string(),
            TrailingKind::TornStaging { declared } => {
                format!("free box declaring {declared} bytes, cut short (interrupted --in-place)")
            }
            other => format!("{other:?}"),
        };
        let _ = writeln!(
            out,
            "  trailing data {} {} ({what})",
            trailing.offset, trailing.len
        );
    }
    out.push_str("tracks:\n");
    for (index, track) in mp4.tracks().enumerate() {
        let track = match track {
            Ok(track) => track,
            Err(error) => {
                let _ = writeln!(out, "  [{index}] damaged, skipped: {error}");
                continue;
            }
        };
        let entry = track
            .stsd
            .entries
            .first()
            .map(|e| e.kind.to_string())
            .unwrap_or_default();
        let seconds = track.mdhd.duration as f64 / f64::from(track.mdhd.timescale.max(1));
        let _ = writeln!(
            out,
            "  [{}] id {} {} {} {:?} {} samples {:.3} s",
            track.index,
            track.tkhd.track_id,
            track.hdlr.subtype,
            entry,
            track.hdlr.name,
            track.sample_count(),
            seconds
        );
        match spherical::read(mp4.moov(), &track) {
            Ok(found) => spherical_lines(&found, out),
            Err(error) => {
                let _ = writeln!(out, "      spherical metadata unreadable: {error}");
            }
        }
    }
    if let Some(global) = mp4.user_data().and_then(|u| u.get(b"GPMF")) {
        let _ = writeln!(out, "udta GPMF global settings: {} bytes", global.len());
        if args.global {
            gpmf::print(global, PrintOptions::with_all(args.all), out).context("udta GPMF")?;
        }
    }
    highlight_lines(&gopro::udta_highlights(&mp4), out);
    if let Some(track) = camm::find_track(&mp4) {
        camm::print(&mp4, &track, file, args.all, out)
            .with_context(|| format!("CAMM track [{}]", track.index))?;
    }
    let Some(track) = gopro::find_track(&mp4, file)? else {
        out.push_str("no GPMF track\n");
        return match args.payload.first() {
            Some(index) => bail!("--payload {index}: the file has no GPMF track"),
            None => Ok(()),
        };
    };
    let count = track.sample_count();
    if let Some(index) = args.payload.iter().find(|&&index| index >= count) {
        let range = match count {
            0 => String::new(),
            _ => format!(" (0 to {})", count - 1),
        };
        bail!(
            "--payload {index}: the GPMF track [{}] has {count} payloads{range}",
            track.index
        );
    }
    let mut buf = Vec::new();
    for sample in track.samples() {
        let sample = sample?;
        if !(args.every_payload
            || args.payload.contains(&sample.index)
            || (args.payload.is_empty() && sample.index == 0))
        {
            continue;
        }
        track.read_sample_into(file, &sample, &mut buf)?;
        let _ = writeln!(
            out,
            "GPMF payload {} (track [{}], at byte {}, {} bytes, {:.3} s):",
            sample.index, track.index, sample.offset, sample.size, sample.decode_seconds
        );
        gpmf::print(&buf, PrintOptions::with_all(args.all), out)
            .with_context(|| format!("GPMF payload {} at byte {}", sample.index, sample.offset))?;
    }
    Ok(())
}

/// What can be shown of a file whose moov cannot be read: the top-level boxes up to the
/// damage, then the damage, as `verify` walks them (the error follows on stderr).
fn damaged_top_level(file: &mut File, out: &mut String) {
    use std::fmt::Write as _;
    let Ok(layout) = file
        .seek(io::SeekFrom::End(0))
        .map_err(anyhow::Error::from)
        .and_then(|len| Ok(Layout::walk(file, len)?))
    else {
        return;
    };
    out.push_str("boxes (offset, size) up to the damage:\n");
    for header in &layout.boxes {
        let _ = writeln!(out, "  {} {} {}", header.kind, header.offset, header.size);
    }
    for damage in &layout.damage {
        let _ = writeln!(out, "  damage: {damage}");
    }
}

/// The Spherical Video metadata of a track: a line per version, each field as written.
fn spherical_lines(found: &TrackSpherical, out: &mut String) {
    use std::fmt::Write as _;
    let text = |v: &Option<String>| v.as_deref().map_or("-".to_owned(), |t| format!("{t:?}"));
    if let Some(xml) = &found.v1 {
        let _ = writeln!(
            out,
            "      spherical V1 ({} at byte {}): Spherical {}, Stitched {}, StitchingSoftware {}, \
             ProjectionType {}, StereoMode {}",
            xml.path,
            xml.offset,
            text(&xml.spherical),
            text(&xml.stitched),
            text(&xml.stitching_software),
            text(&xml.projection),
            text(&xml.stereo)
        );
    }
    for boxes in &found.v2 {
        let stereo = match boxes.stereo {
            None => "no st3d".to_owned(),
            Some(code) => Stereo::from_code(code).map_or_else(
                || format!("st3d mode {code}"),
                |s| format!("st3d {}", s.name()),
            ),
        };
        let projection = match &boxes.projection {
            Some(Projection::Equirectangular {
                bounds: [t, b, l, r],
            }) => {
                format!("equi bounds top {t} bottom {b} left {l} right {r}")
            }
            Some(other) => other.name().to_owned(),
            None if boxes.has_sv3d => "no projection telemux knows".to_owned(),
            None => "no sv3d".to_owned(),
        };
        let pose = boxes
            .pose
            .map_or("no prhd".to_owned(), |[yaw, pitch, roll]| {
                format!("pose yaw {yaw} pitch {pitch} roll {roll}")
            });
        let _ = writeln!(
            out,
            "      spherical V2 ({} at byte {}): {stereo}, svhd source {}, {pose}, {projection}",
            boxes.entry_path,
            boxes.offset,
            text(&boxes.metadata_source)
        );
    }
}

/// One line per HiLight tag: "HiLight 1: 0.800 s (HLMT MANL)".
fn highlight_lines(highlights: &[Highlight], out: &mut String) {
    use std::fmt::Write as _;
    let _ = writeln!(out, "HiLight tags: {}", highlights.len());
    for (i, h) in highlights.iter().enumerate() {
        let kind = h
            .kind
            .as_deref()
            .map(|k| format!(" {k}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  HiLight {}: {:.3} s ({}{kind})",
            i + 1,
            h.media_time,
            h.origin
        );
    }
}

fn box_tree(node: &BoxNode, depth: usize, out: &mut String) {
    use std::fmt::Write as _;
    let indent = "  ".repeat(depth);
    let _ = writeln!(
        out,
        "{indent}{} {} {}",
        node.kind(),
        node.header.offset,
        node.header.size
    );
    for child in node.children() {
        box_tree(child, depth + 1, out);
    }
}
