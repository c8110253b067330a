//! The files a command reads, from the files and folders given: the library's one expansion,
//! with what it left out said once.

use std::path::PathBuf;

use telemux_read::source::{self, Expansion};

/// The files to read; says on stderr, in one line, what folders held that is not read.
pub fn expand(inputs: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let expanded = source::expand(inputs, &Expansion::default())?;
    if !expanded.skipped.is_empty() {
        note!("{}", expanded.skipped);
    }
    Ok(expanded.files)
}
