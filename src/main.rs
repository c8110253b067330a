//! The `telemux` command line: parses arguments and calls the read and write crates.

use clap::Parser;

mod cli;

#[allow(unreachable_code)] // until the first subcommand lands; remove with it
fn main() -> std::process::ExitCode {
    cli::run(cli::Cli::parse())
}
