//! Advisory locks (flock) that keep two telemux runs from writing one file at once: an
//! `--in-place` run holds an exclusive lock for its whole run, an `-o` run a shared lock on
//! its input while it reads, so neither sees the other's half-written state. The lock goes
//! with the open file and is released when it closes, also when the process is killed.

use std::fs::File;
use std::io;
use std::path::Path;

use rustix::fs::{flock, FlockOperation};

/// Which advisory lock to take: shared among readers, exclusive for the writer. Exhaustive:
/// flock has these two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockMode {
    /// Reading the file (`-o` input).
    Shared,
    /// Writing the file (`--in-place`).
    Exclusive,
}

/// The lock is taken by another process.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LockError {
    /// Another run holds the exclusive lock: it is writing the file in place.
    #[error("{path}: another telemux is writing this file in place; try again when it is done")]
    BeingWritten {
        /// The locked file.
        path: String,
    },
    /// Another run holds a lock, shared or exclusive, and this one needs the exclusive lock.
    #[error("{path}: another telemux is reading or writing this file; try again when it is done")]
    InUse {
        /// The locked file.
        path: String,
    },
}

/// Takes the lock without waiting. A file system without flock support (some network file
/// systems) gives no lock and no error: the run goes on as it did before locks existed.
pub fn lock(file: &File, path: &Path, mode: LockMode) -> Result<(), LockError> {
    let operation = match mode {
        LockMode::Shared => FlockOperation::NonBlockingLockShared,
        LockMode::Exclusive => FlockOperation::NonBlockingLockExclusive,
    };
    match flock(file, operation) {
        Err(e) if io::Error::from(e).kind() == io::ErrorKind::WouldBlock => {
            let path = path.display().to_string();
            Err(match mode {
                LockMode::Shared => LockError::BeingWritten { path },
                LockMode::Exclusive => LockError::InUse { path },
            })
        }
        _ => Ok(()),
    }
}
