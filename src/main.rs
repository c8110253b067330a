//! The `telemux` command line: parses arguments and calls the read and write crates.

mod cli;
mod stats;

fn main() -> std::process::ExitCode {
    cli::remove_unfinished_outputs_on_interrupt();
    let code = cli::run(cli::Cli::parse_args());
    stats::report_if_asked();
    code
}
