//! Where text outputs go: standard output, or a file that appears whole or not at all.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use telemux_write::output::AtomicOutput;

/// Runs `write` against `path` (`None` or `-` for standard output), which must not be one of
/// `inputs`. A file is written to a temporary name and renamed on success, so a failed export
/// leaves nothing behind.
pub fn write_text(
    path: Option<&Path>,
    force: bool,
    inputs: &[PathBuf],
    write: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    match path {
        None => write_stdout(write),
        Some(p) if p.as_os_str() == "-" => write_stdout(write),
        Some(p) => {
            let mut out = AtomicOutput::create(p, force, inputs)?;
            {
                let mut buffered = BufWriter::new(&mut out);
                write(&mut buffered)?;
                buffered
                    .flush()
                    .with_context(|| format!("{}: writing", p.display()))?;
            }
            out.commit()?;
            Ok(())
        }
    }
}

fn write_stdout(write: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>) -> anyhow::Result<()> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let result = write(&mut out).and_then(|()| Ok(out.flush()?));
    match result {
        // `telemux extract x.mp4 | head` is not an error.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<io::Error>()
                    .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
            }) =>
        {
            Ok(())
        }
        other => other,
    }
}
