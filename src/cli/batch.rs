//! One command over several clips (`inject`, `convert`): where each result goes, one progress
//! bar over the clips, and the exit code the run ends with.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressStyle};
use telemux_write::output::AtomicOutput;

use super::embed::NotCovered;
use super::EXIT_UNREADABLE;

/// Where each clip's result goes.
pub enum Destination {
    /// `-o FILE`: the one clip's result.
    File(PathBuf),
    /// `--out-dir DIR`: `DIR/<the clip's file name>`.
    Folder(PathBuf),
    /// `--in-place`: the clip itself.
    InPlace,
}

impl Destination {
    /// Checks the destination fits `clips` before any is written: `-o` takes one clip, and
    /// two clips of one name cannot share a folder. The folder is created (with its parents)
    /// when missing.
    pub fn new(
        output: Option<&Path>,
        out_dir: Option<&Path>,
        clips: &[PathBuf],
    ) -> anyhow::Result<Destination> {
        match (output, out_dir) {
            (Some(file), _) => {
                if clips.len() != 1 {
                    bail!(
                        "-o takes one video ({} given); use --out-dir DIR (or --in-place) for \
                         several",
                        clips.len()
                    );
                }
                Ok(Destination::File(file.to_owned()))
            }
            (None, Some(dir)) => {
                let mut named: HashMap<&std::ffi::OsStr, &Path> = HashMap::new();
                for clip in clips {
                    let name = clip
                        .file_name()
                        .with_context(|| format!("{}: not a file", clip.display()))?;
                    if let Some(other) = named.insert(name, clip) {
                        bail!(
                            "{} and {} would both be written as {}: give them separate runs",
                            other.display(),
                            clip.display(),
                            dir.join(name).display()
                        );
                    }
                }
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("{}: cannot create the folder", dir.display()))?;
                Ok(Destination::Folder(dir.to_owned()))
            }
            (None, None) => Ok(Destination::InPlace),
        }
    }

    /// The output of `clip` (`None`: in place), refused early when it exists without
    /// `force` or is one of `inputs`.
    pub fn output(
        &self,
        clip: &Path,
        force: bool,
        inputs: &[PathBuf],
    ) -> anyhow::Result<Option<AtomicOutput>> {
        let target = match self {
            Destination::File(file) => file.clone(),
            // `new` checked every clip has a file name.
            Destination::Folder(dir) => dir.join(clip.file_name().unwrap_or_default()),
            Destination::InPlace => return Ok(None),
        };
        Ok(Some(AtomicOutput::create(&target, force, inputs)?))
    }
}

/// What a run over several clips did.
pub struct Finished<T> {
    /// What each written clip returned, in order.
    pub results: Vec<T>,
    /// 0 when at least one clip was written and every other was only not covered by the
    /// track; 2 when a clip failed otherwise or none was written.
    pub code: ExitCode,
}

/// Runs `one` on each clip. One clip: its error is the command's, as for a single video.
/// Several: a clip not covered by the track is listed and skipped, any other failure is
/// reported and the next clip goes on; one progress bar counts the clips.
pub fn each_clip<T>(
    clips: &[PathBuf],
    mut one: impl FnMut(&Path) -> anyhow::Result<T>,
) -> anyhow::Result<Finished<T>> {
    if let [clip] = clips {
        return Ok(Finished {
            results: vec![one(clip)?],
            code: ExitCode::SUCCESS,
        });
    }
    let bar = clips_bar(clips.len());
    let mut results = Vec::new();
    let mut not_covered = Vec::new();
    let mut failed = 0;
    for (i, clip) in clips.iter().enumerate() {
        let name = clip.display().to_string();
        bar.set_message(name.clone());
        // Heads the clip's lines, some of which (the alignment) do not name it.
        bar.suspend(|| note!("clip {} of {}: {name}", i + 1, clips.len()));
        // The clip's own lines go above the bar, not through it.
        match bar.suspend(|| one(clip)) {
            Ok(result) => results.push(result),
            Err(error) if error.downcast_ref::<NotCovered>().is_some() => {
                bar.suspend(|| note!("{name}: skipped: {error:#}"));
                not_covered.push(name);
            }
            Err(error) => {
                bar.suspend(|| eprintln!("{name}: error: {error:#}"));
                failed += 1;
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    note!("{} of {} clips written", results.len(), clips.len());
    if !not_covered.is_empty() {
        eprintln!(
            "{} not covered by the track, skipped: {}",
            not_covered.len(),
            not_covered.join(", ")
        );
    }
    if failed > 0 {
        eprintln!("{failed} failed (see above)");
    }
    let code = if failed > 0 || results.is_empty() {
        ExitCode::from(EXIT_UNREADABLE)
    } else {
        ExitCode::SUCCESS
    };
    Ok(Finished { results, code })
}

/// A bar counting clips, drawn only on a terminal.
fn clips_bar(clips: usize) -> ProgressBar {
    let bar = ProgressBar::new(clips as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} clips {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}
