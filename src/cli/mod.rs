//! Argument parsing and dispatch. Each subcommand lives in its own module; this file only
//! routes and turns errors into exit codes.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod convert;
mod dashcam_args;
mod dump;
mod embed;
mod extract;
mod inject;
mod sync;
mod text_output;
mod verify;

/// Put GPS telemetry into videos as GoPro GPMF, and read it back out.
#[derive(Debug, Parser)]
#[command(name = "telemux", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Convert(convert::ConvertArgs),
    Dump(dump::DumpArgs),
    Extract(extract::ExtractArgs),
    Inject(inject::InjectArgs),
    Verify(verify::VerifyArgs),
}

impl Command {
    fn execute(self) -> anyhow::Result<ExitCode> {
        match self {
            Command::Convert(args) => convert::run(args),
            Command::Dump(args) => dump::run(args),
            Command::Extract(args) => extract::run(args),
            Command::Inject(args) => inject::run(args),
            Command::Verify(args) => verify::run(args),
        }
    }
}

/// Exit code for input that cannot be read (bad file, bad arguments): 2, as the issues ask.
pub const EXIT_UNREADABLE: u8 = 2;

pub fn run(cli: Cli) -> ExitCode {
    match cli.command.execute() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("telemux: error: {err:#}");
            ExitCode::from(EXIT_UNREADABLE)
        }
    }
}
