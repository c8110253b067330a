//! Output files that appear whole or not at all: written to a temporary file in the target
//! folder, fsynced, then renamed over the target. An existing file is replaced only when the
//! caller allows it, and an abandoned output leaves nothing behind.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use tempfile::NamedTempFile;

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{0}: already exists (use --force to overwrite)")]
    Exists(PathBuf),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

impl OutputError {
    fn io(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
        move |source| OutputError::Io {
            path: path.to_owned(),
            source,
        }
    }
}

/// A file being written; call [`AtomicOutput::commit`] to make it appear at its path.
#[derive(Debug)]
pub struct AtomicOutput {
    temp: NamedTempFile,
    target: PathBuf,
    overwrite: bool,
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
    /// Starts writing `target`. Fails early when it exists and `overwrite` is false, so no
    /// work is wasted; the check is repeated atomically at commit.
    pub fn create(target: &Path, overwrite: bool) -> Result<AtomicOutput, OutputError> {
        if !overwrite && target.exists() {
            return Err(OutputError::Exists(target.to_owned()));
        }
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let name = target.file_name().map_or_else(
            || ".telemux".into(),
            |n| format!(".{}", n.to_string_lossy()),
        );
        let mut builder = tempfile::Builder::new();
        builder.prefix(&name).suffix(".tmp");
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
        })
    }

    pub fn file(&mut self) -> &mut File {
        self.temp.as_file_mut()
    }

    pub fn path(&self) -> &Path {
        &self.target
    }

    /// Flushes the data to disk and moves the file into place.
    pub fn commit(self) -> Result<(), OutputError> {
        let target = self.target;
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
pub fn sync_parent(path: &Path) -> io::Result<()> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => File::open(dir)?.sync_all(),
        _ => File::open(".")?.sync_all(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use telemux_read::testkit::file_names as entries;

    #[test]
    fn appears_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.gpx");
        let mut out = AtomicOutput::create(&target, false).unwrap();
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
        let mut out = AtomicOutput::create(&target, false).unwrap();
        out.write_all(b"partial").unwrap();
        drop(out);
        assert!(entries(dir.path()).is_empty());
    }

    #[test]
    fn existing_file_is_kept_without_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.mp4");
        std::fs::write(&target, b"precious").unwrap();
        let err = AtomicOutput::create(&target, false).unwrap_err();
        assert!(
            err.to_string().contains("already exists (use --force"),
            "{err}"
        );

        // Created while we were writing: still not clobbered.
        let dir2 = tempfile::tempdir().unwrap();
        let late = dir2.path().join("late.mp4");
        let mut out = AtomicOutput::create(&late, false).unwrap();
        out.write_all(b"new").unwrap();
        std::fs::write(&late, b"precious").unwrap();
        assert!(matches!(out.commit(), Err(OutputError::Exists(_))));
        assert_eq!(std::fs::read(&late).unwrap(), b"precious");
        assert_eq!(entries(dir2.path()), ["late.mp4"]);

        let mut out = AtomicOutput::create(&target, true).unwrap();
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
        AtomicOutput::create(&target, false)
            .unwrap()
            .commit()
            .unwrap();
        assert_eq!(mode(&target), mode(&plain));
        // Not the temporary file's private 0600 (unless the umask asks for it).
        assert_ne!(mode(&plain), 0o600);
    }

    #[test]
    fn unwritable_folder_is_a_clear_error() {
        let err = AtomicOutput::create(Path::new("/nonexistent-dir/x/out.mp4"), false).unwrap_err();
        assert!(
            err.to_string().starts_with("/nonexistent-dir/x/out.mp4: "),
            "{err}"
        );
    }
}
