//! Output files that appear whole or not at all: written to a temporary file in the target
//! folder, fsynced, then renamed over the target. An existing file is replaced only when the
//! caller allows it (never a device, a FIFO or a file the command reads), and an abandoned
//! output leaves nothing behind.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use tempfile::NamedTempFile;

/// Why an output file cannot be created or put in place.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutputError {
    /// The target exists, and overwriting was not asked for.
    #[error("{0}: already exists")]
    Exists(PathBuf),
    /// The target is one of the command's inputs (also through a link).
    #[error(
        "{output}: this is the input {input} (the same file); telemux never writes over its inputs"
    )]
    IsInput {
        /// The target asked for.
        output: PathBuf,
        /// The input it is.
        input: PathBuf,
    },
    /// The target is a folder: never replaced, whatever `overwrite` says.
    #[error("{0}: is a folder; give a file name inside it")]
    IsFolder(PathBuf),
    /// The target exists and is no regular file (a device, FIFO or socket).
    #[error("{0}: not a regular file (a device, FIFO or socket)")]
    NotRegular(PathBuf),
    /// A file-system call failed.
    #[error("{path}: {source}")]
    Io {
        /// The file it was about.
        path: PathBuf,
        /// The call's error.
        source: io::Error,
    },
}

impl OutputError {
    fn io(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
        move |source| OutputError::Io {
            path: path.to_owned(),
            source,
        }
    }
}

/// How the temporary files of outputs start (hidden, and recognisably telemux's).
pub const TEMP_PREFIX: &str = ".tmx-";

/// A file being written; call [`AtomicOutput::commit`] to make it appear at its path.
#[derive(Debug)]
pub struct AtomicOutput {
    temp: NamedTempFile,
    target: PathBuf,
    overwrite: bool,
    inputs: Vec<PathBuf>,
    _unfinished: Unfinished,
}

/// The temporary files of outputs neither committed nor dropped yet, with their targets. A
/// process killed by a signal runs no destructors, so without this an interrupted `-o` would
/// leave a hidden temporary file as large as the video.
static UNFINISHED: Mutex<Vec<(PathBuf, PathBuf)>> = Mutex::new(Vec::new());

/// Removes the temporary file of every output still being written and returns their targets.
/// Meant for a SIGINT/SIGTERM handler that exits right after; the outputs must not be used
/// afterwards.
pub fn remove_unfinished() -> Vec<PathBuf> {
    let unfinished = UNFINISHED.lock().unwrap_or_else(PoisonError::into_inner);
    unfinished
        .iter()
        // A file committed a moment ago is no longer at its temporary path.
        .filter(|(temp, _)| std::fs::remove_file(temp).is_ok())
        .map(|(_, target)| target.clone())
        .collect()
}

/// An entry of [`UNFINISHED`] for as long as its output lives.
#[derive(Debug)]
struct Unfinished(PathBuf);

impl Unfinished {
    fn register(temp: &Path, target: &Path) -> Unfinished {
        UNFINISHED
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((temp.to_owned(), target.to_owned()));
        Unfinished(temp.to_owned())
    }
}

impl Drop for Unfinished {
    fn drop(&mut self) {
        UNFINISHED
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|(temp, _)| *temp != self.0);
    }
}

impl AtomicOutput {
    /// Starts writing `target`, which must not be any of `inputs` (the files the command
    /// reads). Fails early when it may not be replaced, so no work is wasted; the checks are
    /// repeated at commit (the refusal to replace without `overwrite` atomically).
    pub fn create(
        target: &Path,
        overwrite: bool,
        inputs: &[PathBuf],
    ) -> Result<AtomicOutput, OutputError> {
        check_replaceable(target, overwrite, inputs)?;
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let mut builder = tempfile::Builder::new();
        // A fixed short name (15 bytes), not one derived from the target's: a legal name of
        // up to 255 bytes must not become an illegal temporary one.
        builder.prefix(TEMP_PREFIX).rand_bytes(6).suffix(".tmp");
        // Temporary files are private (0600) by default; an output is an ordinary file, so it
        // gets the mode `File::create` would give it (0666 less the umask, 0644 usually).
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let temp = builder.tempfile_in(dir).map_err(|e| OutputError::Io {
            path: target.to_owned(),
            source: cannot_create_in(dir, e),
        })?;
        Ok(AtomicOutput {
            _unfinished: Unfinished::register(temp.path(), target),
            temp,
            target: target.to_owned(),
            overwrite,
            inputs: inputs.to_vec(),
        })
    }

    /// The temporary file, to write the output into.
    pub fn file(&mut self) -> &mut File {
        self.temp.as_file_mut()
    }

    /// The final path the output gets on `commit`.
    pub fn path(&self) -> &Path {
        &self.target
    }

    /// Flushes the data to disk and moves the file into place.
    pub fn commit(self) -> Result<(), OutputError> {
        let target = self.target;
        // The target may have changed while the output was written.
        check_replaceable(&target, self.overwrite, &self.inputs)?;
        self.temp
            .as_file()
            .sync_all()
            .map_err(OutputError::io(&target))?;
        let persisted = if self.overwrite {
            self.temp.persist(&target)
        } else {
            self.temp.persist_noclobber(&target)
        };
        persisted.map_err(|e| {
            if e.error.kind() == io::ErrorKind::AlreadyExists {
                OutputError::Exists(target.clone())
            } else {
                OutputError::io(&target)(e.error)
            }
        })?;
        sync_parent(&target).map_err(OutputError::io(&target))
    }
}

impl Write for AtomicOutput {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.temp.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.temp.flush()
    }
}

/// Whether `target` may be (re)placed by an output: never when it is one of `inputs` (same
/// device and inode, which catches hard links, symlinks and other spellings of the path),
/// never when it is not a regular file (renaming over `/dev/null` or a FIFO would replace it
/// with a regular file), and only with `overwrite` when it exists.
pub fn check_replaceable(
    target: &Path,
    overwrite: bool,
    inputs: &[PathBuf],
) -> Result<(), OutputError> {
    // A path that cannot be examined (missing, or in a folder we cannot search) is left to
    // the creation of the file, which reports why.
    let Ok(existing) = std::fs::metadata(target) else {
        return Ok(());
    };
    if let Some(input) = inputs
        .iter()
        .find(|input| std::fs::metadata(input).is_ok_and(|m| same_file(&m, &existing)))
    {
        return Err(OutputError::IsInput {
            output: target.to_owned(),
            input: input.clone(),
        });
    }
    // Before the --force hint: no --force ever replaces a folder.
    if existing.is_dir() {
        return Err(OutputError::IsFolder(target.to_owned()));
    }
    if !overwrite {
        return Err(OutputError::Exists(target.to_owned()));
    }
    if !existing.is_file() {
        return Err(OutputError::NotRegular(target.to_owned()));
    }
    Ok(())
}

fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

/// The error of creating the temporary file, told about the folder: tempfile's message ends
/// with ` at path "…"`, the random name of a file the user never asked for.
fn cannot_create_in(dir: &Path, err: io::Error) -> io::Error {
    let text = err.to_string();
    let reason = text.split(" at path ").next().unwrap_or(&text);
    io::Error::new(
        err.kind(),
        format!("cannot create a file in {}: {reason}", dir.display()),
    )
}

/// Makes the rename itself durable.
pub(crate) fn sync_parent(path: &Path) -> io::Result<()> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => File::open(dir)?.sync_all(),
        _ => File::open(".")?.sync_all(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::FileTypeExt;
    use telemux_testkit::file_names as entries;

    #[test]
    fn appears_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.gpx");
        let mut out = AtomicOutput::create(&target, false, &[]).unwrap();
        out.write_all(b"hello").unwrap();
        assert!(!target.exists());
        out.commit().unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"hello");
        assert_eq!(entries(dir.path()), ["out.gpx"]);
    }

    #[test]
    fn abandoned_output_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.mp4");
        let mut out = AtomicOutput::create(&target, false, &[]).unwrap();
        out.write_all(b"partial").unwrap();
        drop(out);
        assert!(entries(dir.path()).is_empty());
    }

    #[test]
    fn existing_file_is_kept_without_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.mp4");
        std::fs::write(&target, b"precious").unwrap();
        let err = AtomicOutput::create(&target, false, &[]).unwrap_err();
        assert!(
            matches!(&err, OutputError::Exists(path) if *path == target),
            "{err}"
        );
        assert_eq!(
            err.to_string(),
            format!("{}: already exists", target.display())
        );

        // Created while we were writing: still not clobbered.
        let dir2 = tempfile::tempdir().unwrap();
        let late = dir2.path().join("late.mp4");
        let mut out = AtomicOutput::create(&late, false, &[]).unwrap();
        out.write_all(b"new").unwrap();
        std::fs::write(&late, b"precious").unwrap();
        assert!(matches!(out.commit(), Err(OutputError::Exists(_))));
        assert_eq!(std::fs::read(&late).unwrap(), b"precious");
        assert_eq!(entries(dir2.path()), ["late.mp4"]);

        let mut out = AtomicOutput::create(&target, true, &[]).unwrap();
        out.write_all(b"new").unwrap();
        out.commit().unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
    }

    #[cfg(unix)]
    #[test]
    fn outputs_get_the_mode_of_an_ordinary_new_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        let plain = dir.path().join("plain");
        File::create(&plain).unwrap();
        let target = dir.path().join("out.mp4");
        AtomicOutput::create(&target, false, &[])
            .unwrap()
            .commit()
            .unwrap();
        assert_eq!(mode(&target), mode(&plain));
        // Not the temporary file's private 0600 (unless the umask asks for it).
        assert_ne!(mode(&plain), 0o600);
    }

    #[test]
    fn an_input_is_never_replaced_whatever_its_spelling() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("ride.mp4");
        std::fs::write(&input, b"video").unwrap();
        let hard = dir.path().join("hard.mp4");
        std::fs::hard_link(&input, &hard).unwrap();
        let soft = dir.path().join("soft.mp4");
        std::os::unix::fs::symlink(&input, &soft).unwrap();
        let dotted = dir.path().join(".").join("ride.mp4");
        let inputs = [PathBuf::from("other.gpx"), input.clone()];
        for target in [&input, &hard, &soft, &dotted] {
            for overwrite in [false, true] {
                let err = AtomicOutput::create(target, overwrite, &inputs).unwrap_err();
                assert_eq!(
                    err.to_string(),
                    format!(
                        "{}: this is the input {} (the same file); telemux never writes over \
                         its inputs",
                        target.display(),
                        input.display()
                    )
                );
            }
        }
        assert_eq!(std::fs::read(&input).unwrap(), b"video");
        assert_eq!(entries(dir.path()), ["hard.mp4", "ride.mp4", "soft.mp4"]);
    }

    fn mkfifo(path: &Path) {
        let status = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .unwrap();
        assert!(status.success());
    }

    #[test]
    fn devices_and_fifos_are_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        mkfifo(&fifo);
        // A folder has its own error (issue 16), with or without --force.
        for overwrite in [false, true] {
            let err = AtomicOutput::create(dir.path(), overwrite, &[]).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "{}: is a folder; give a file name inside it",
                    dir.path().display()
                )
            );
        }
        for target in [fifo.as_path(), Path::new("/dev/null")] {
            let err = AtomicOutput::create(target, true, &[]).unwrap_err();
            assert!(
                matches!(&err, OutputError::NotRegular(path) if path == target),
                "{err}"
            );
            assert_eq!(
                err.to_string(),
                format!(
                    "{}: not a regular file (a device, FIFO or socket)",
                    target.display()
                )
            );
        }
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
        assert!(std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device());
    }

    #[test]
    fn a_fifo_put_at_the_target_while_writing_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.gpx");
        std::fs::write(&target, b"old").unwrap();
        let mut out = AtomicOutput::create(&target, true, &[]).unwrap();
        out.write_all(b"new").unwrap();
        std::fs::remove_file(&target).unwrap();
        mkfifo(&target);
        assert!(matches!(out.commit(), Err(OutputError::NotRegular(_))));
        assert!(std::fs::metadata(&target).unwrap().file_type().is_fifo());
        assert_eq!(entries(dir.path()), ["out.gpx"]);
    }

    #[test]
    fn names_of_255_bytes_are_written() {
        let dir = tempfile::tempdir().unwrap();
        let name = format!("{}.mp4", "é".repeat(125)); // 250 + 4 bytes: legal on Linux
        let target = dir.path().join(format!("x{name}"));
        assert_eq!(target.file_name().unwrap().len(), 255);
        let mut out = AtomicOutput::create(&target, false, &[]).unwrap();
        out.write_all(b"long").unwrap();
        out.commit().unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"long");
    }

    #[test]
    fn unwritable_folder_is_a_clear_error() {
        let err =
            AtomicOutput::create(Path::new("/nonexistent-dir/x/out.mp4"), false, &[]).unwrap_err();
        assert!(
            err.to_string().starts_with("/nonexistent-dir/x/out.mp4: "),
            "{err}"
        );
    }
}
