//! `telemux dump FILE`: lists the KLV tree of a raw GPMF file.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use telemux_read::gpmf::{self, PrintOptions};

/// List the KLV tree of a raw GPMF file (keys, types, sizes, scaled values).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Each line is KEY TYPE STRUCTSIZExREPEAT and the values; nests are indented. Values are divided
by the stream's SCAL; strings are quoted; GPSU times are shown as UTC.

Examples:
  telemux dump hero5.raw
  telemux dump --all hero5.raw > hero5.txt")]
pub struct DumpArgs {
    /// Raw GPMF: one or more payloads back to back (as extracted from a gpmd track or udta/GPMF)
    pub file: PathBuf,

    /// Print every sample instead of the first few and a count
    #[arg(long)]
    pub all: bool,
}

pub fn run(args: DumpArgs) -> anyhow::Result<ExitCode> {
    let name = args.file.display().to_string();
    let bytes = read_raw(&args.file).with_context(|| name.clone())?;
    let mut listing = String::new();
    // Print what decoded even when a later KLV is bad: the good part helps find the damage.
    let result = gpmf::print(&bytes, PrintOptions { all: args.all }, &mut listing);
    match io::stdout().lock().write_all(listing.as_bytes()) {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
        other => other.context("writing to stdout")?,
    }
    result.with_context(|| name)?;
    Ok(ExitCode::SUCCESS)
}

/// The whole file, after checking it is not an MP4 (which would be read in full for nothing).
fn read_raw(path: &Path) -> anyhow::Result<Vec<u8>> {
    let mut file = File::open(path)?;
    let mut bytes = Vec::new();
    Read::by_ref(&mut file).take(8).read_to_end(&mut bytes)?;
    if bytes.get(4..8) == Some(b"ftyp") {
        bail!("this is an MP4 file; dump reads raw GPMF payloads");
    }
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}
