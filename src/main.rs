//! The `telemux` command line: parses arguments and calls the read and write crates.

use clap::Parser;

mod cli;

fn main() -> std::process::ExitCode {
    cli::run(cli::Cli::parse())
}
