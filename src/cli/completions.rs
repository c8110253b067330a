//! `telemux completions SHELL`: the shell completion script, generated from the argument
//! definitions by clap_complete so that it never falls behind them.

use std::io::{self, Write};

use anyhow::Context;
use std::process::ExitCode;

use clap::CommandFactory;
use clap_complete::Shell;

/// Print a completion script for bash, zsh, fish, PowerShell or elvish.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  telemux completions bash > ~/.local/share/bash-completion/completions/telemux
  telemux completions zsh > ~/.zfunc/_telemux      # with fpath+=~/.zfunc before compinit
  telemux completions fish > ~/.config/fish/completions/telemux.fish
  telemux completions powershell >> $PROFILE")]
pub struct CompletionsArgs {
    /// The shell
    pub shell: Shell,
}

pub fn run(args: &CompletionsArgs) -> anyhow::Result<ExitCode> {
    let mut command = super::Cli::command();
    // Into memory first: clap_complete panics when its writer fails (`| head` closes the pipe).
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "telemux", &mut script);
    match io::stdout().lock().write_all(&script) {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        other => other
            .context("writing to stdout")
            .map(|()| ExitCode::SUCCESS),
    }
}
