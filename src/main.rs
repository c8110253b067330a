//! The `telemux` command line: parses arguments and calls the read and write crates.

// The doc comments of the clap arguments are the `--help` text, printed as written: `<hdop>`
// there is text for the terminal, not an HTML tag.
#![allow(rustdoc::invalid_html_tags)]

mod cli;
mod stats;

fn main() -> std::process::ExitCode {
    cli::remove_unfinished_outputs_on_interrupt();
    let code = cli::run(cli::Cli::parse_args());
    stats::report_if_asked();
    code
}
