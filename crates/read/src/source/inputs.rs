//! Which files a command reads: the files it was given, and the files inside the folders it
//! was given whose name ending is one a format of the registry reads.

use std::path::{Path, PathBuf};

use super::registry::FORMATS;

/// How folders are expanded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Expansion {}

/// A folder that cannot be listed, or holds no input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputsError {
    /// Listing the folder failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The folder.
        path: PathBuf,
        /// Why it could not be listed.
        source: std::io::Error,
    },
    /// The folder holds no file with an input extension.
    #[error("{}: no video files ({}) in this folder", path.display(), listed_extensions())]
    Empty {
        /// The folder.
        path: PathBuf,
    },
}

/// The lower-case file name endings of inputs, from the registry, each once, in its order.
pub fn input_extensions() -> Vec<&'static str> {
    let mut found: Vec<&'static str> = Vec::new();
    for extension in FORMATS.iter().flat_map(|f| f.extensions.iter().copied()) {
        if !found.contains(&extension) {
            found.push(extension);
        }
    }
    found
}

fn listed_extensions() -> String {
    input_extensions()
        .iter()
        .map(|e| format!(".{e}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The inputs as given, each folder replaced by the inputs directly inside it (sorted by
/// name). A folder without any is an error: the user meant something else.
pub fn expand(inputs: &[PathBuf], _how: &Expansion) -> Result<Vec<PathBuf>, InputsError> {
    let mut files = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found = inputs_in(input)?;
            if found.is_empty() {
                return Err(InputsError::Empty {
                    path: input.clone(),
                });
            }
            found.sort();
            files.extend(found);
        } else {
            files.push(input.clone());
        }
    }
    Ok(files)
}

/// The files directly in `folder` whose name ends in an input extension (any case).
fn inputs_in(folder: &Path) -> Result<Vec<PathBuf>, InputsError> {
    let io_error = |source| InputsError::Io {
        path: folder.to_path_buf(),
        source,
    };
    let extensions = input_extensions();
    let mut found = Vec::new();
    // An entry that vanished while the folder was listed is no input.
    for entry in std::fs::read_dir(folder).map_err(io_error)?.flatten() {
        let path = entry.path();
        let wanted = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| extensions.contains(&e.to_ascii_lowercase().as_str()));
        if wanted {
            found.push(path);
        }
    }
    Ok(found)
}
