//! Argument parsing and dispatch. Each subcommand lives in its own module; this file only
//! routes and turns errors into exit codes.

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

/// `eprintln!` for what telemux reports on the way (alignment, coverage, what was written,
/// warnings); `-q` silences it, errors stay.
macro_rules! note {
    ($($arg:tt)*) => {
        if !$crate::cli::quiet() {
            eprintln!($($arg)*);
        }
    };
}

mod batch;
mod completions;
mod convert;
mod dashcam_args;
mod dump;
mod embed;
mod extract;
mod inject;
mod inputs;
mod sync;
mod text_output;
mod values;
mod verify;

/// Put GPS telemetry into videos as GoPro GPMF, and read it back out.
#[derive(Debug, Parser)]
#[command(name = "telemux", version, about, long_about = None, after_help = "\
Exit codes: 0 success, 1 verify found a failing check, 2 an input cannot be read or an argument
is wrong (one line on stderr naming the file, box or line, and byte offset), 130 interrupted.

Examples:
  telemux inject ride.mp4 --gpx ride.gpx -o ride-gps.mp4
  telemux extract GX010042.MP4 -o track.gpx
  telemux verify --street-view ride-gps.mp4
  telemux -q convert DCIM/Movie/ --out-dir converted/
  telemux completions bash > ~/.local/share/bash-completion/completions/telemux")]
pub struct Cli {
    /// Print only errors: no report of the alignment, coverage or what was written, no
    /// warnings, no progress bar
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,

    /// Colour in help and error messages; auto colours a terminal unless NO_COLOR is set
    #[arg(long, value_enum, global = true, default_value_t = Color::Auto, value_name = "WHEN")]
    pub color: Color,

    #[command(subcommand)]
    pub command: Command,
}

/// When telemux colours its output (only clap's help and usage errors are coloured).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// When standard error is a terminal and NO_COLOR is not set
    Auto,
    Always,
    Never,
}

impl Color {
    /// The `--color` of `args`, read before clap parses them because clap colours its own
    /// usage errors (`--color=never --rate 0` prints the error without colour).
    fn asked(args: &[std::ffi::OsString]) -> Color {
        let mut asked = Color::Auto;
        let mut words = args.iter().skip(1).map(|a| a.to_string_lossy());
        while let Some(word) = words.next() {
            let value = match word.strip_prefix("--color") {
                Some("") => words.next().map(|w| w.into_owned()),
                Some(rest) => rest.strip_prefix('=').map(str::to_owned),
                None if word == "--" => break,
                None => continue,
            };
            if let Some(color) = value.and_then(|v| Color::from_str(&v, false).ok()) {
                asked = color;
            }
        }
        asked
    }

    fn choice(self) -> clap::ColorChoice {
        match self {
            // clap's auto honours NO_COLOR and the terminal test.
            Color::Auto => clap::ColorChoice::Auto,
            Color::Always => clap::ColorChoice::Always,
            Color::Never => clap::ColorChoice::Never,
        }
    }
}

impl Cli {
    /// Parses the process's arguments with the colour they ask for; exits as clap does on a
    /// usage error (code 2) or after `--help`/`--version`.
    pub fn parse_args() -> Cli {
        let args: Vec<_> = std::env::args_os().collect();
        let command = Cli::command().color(Color::asked(&args).choice());
        let matches = command.clone().get_matches_from(args);
        Cli::from_arg_matches(&matches).unwrap_or_else(|err| err.with_cmd(&command).exit())
    }
}

static QUIET: AtomicBool = AtomicBool::new(false);

/// Whether `-q` asked for errors only.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Completions(completions::CompletionsArgs),
    Convert(convert::ConvertArgs),
    Dump(dump::DumpArgs),
    Extract(extract::ExtractArgs),
    Inject(inject::InjectArgs),
    Verify(verify::VerifyArgs),
}

impl Command {
    fn execute(self) -> anyhow::Result<ExitCode> {
        match self {
            Command::Completions(args) => completions::run(&args),
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
    QUIET.store(cli.quiet, Ordering::Relaxed);
    // extract scans an unfinalised recording for a dashcam's GPS itself; its error comes
    // after that scan, so the hint is for the other commands.
    let extract = matches!(cli.command, Command::Extract(_));
    match cli.command.execute() {
        Ok(code) => code,
        Err(err) => {
            let hint = if !extract && unfinalised(&err) {
                "; telemux extract can still recover a dashcam's GPS from it by scanning"
            } else {
                ""
            };
            eprintln!("telemux: error: {}{hint}", one_line(&err));
            ExitCode::from(EXIT_UNREADABLE)
        }
    }
}

/// Exit code after Ctrl-C, SIGTERM or SIGHUP: 128 + SIGINT, as shells report an interrupt.
const EXIT_INTERRUPTED: i32 = 130;

/// On Ctrl-C, SIGTERM or SIGHUP, removes the temporary files of outputs being written and
/// exits. A file modified `--in-place` needs nothing: it is valid at every instant.
pub fn remove_unfinished_outputs_on_interrupt() {
    // Without a handler (it fails only when one is already set) the default action stands:
    // the process dies, and a temporary file may stay behind.
    let _ = ctrlc::set_handler(|| {
        let removed = telemux_write::output::remove_unfinished();
        if removed.is_empty() {
            eprintln!("telemux: interrupted");
        }
        for target in removed {
            eprintln!("telemux: interrupted; {} was not written", target.display());
        }
        std::process::exit(EXIT_INTERRUPTED);
    });
}

/// Whether `err` is about a recording whose moov was never written.
fn unfinalised(err: &anyhow::Error) -> bool {
    use telemux_read::mp4::{ErrorKind, Mp4Error};
    use telemux_read::source::SourceError;
    use telemux_write::jobs::JobError;
    // The readers wrap the MP4 error transparently: it is not a cause of its own in the chain.
    err.chain().any(|cause| {
        let mp4 = cause.downcast_ref::<Mp4Error>().or_else(|| {
            match (cause.downcast_ref(), cause.downcast_ref()) {
                (Some(SourceError::Mp4(e)), _)
                | (_, Some(JobError::Mp4(e) | JobError::Source(SourceError::Mp4(e)))) => Some(e),
                _ => None,
            }
        });
        // Not NoMoov alone: that file may be no video at all.
        mp4.is_some_and(|e| matches!(e.kind, ErrorKind::Unfinalised { .. }))
    })
}

/// The error and its causes on one line, like anyhow's `{:#}`, but a cause whose text the line
/// already holds is not repeated: library errors show their cause in their own message and
/// also return it as `source()`.
fn one_line(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = with_flag_advice(cause).unwrap_or_else(|| cause.to_string());
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

/// The command line's words for a library error that a flag resolves. The libraries say what
/// happened and carry the data (they know no flags); naming the flag is the CLI's part.
fn with_flag_advice(cause: &(dyn std::error::Error + 'static)) -> Option<String> {
    use telemux_write::file_lock::LockError;
    use telemux_write::output::OutputError;
    match cause.downcast_ref::<OutputError>() {
        Some(err @ OutputError::Exists(_)) => {
            return Some(format!("{err} (use --force to overwrite)"))
        }
        Some(err @ OutputError::NotRegular(_)) => {
            return Some(format!("{err}; --force replaces only regular files"))
        }
        _ => {}
    }
    if let Some(err) = cause.downcast_ref::<telemux_write::mp4::RewriteError>() {
        return rewrite_advice(err);
    }
    match cause.downcast_ref::<LockError>() {
        Some(LockError::BeingWritten { path }) => Some(format!(
            "{path}: another telemux is writing this file (--in-place); try again when it is done"
        )),
        _ => None,
    }
}

/// The flags that resolve a refused rewrite: `--replace`, or `-o` instead of `--in-place`.
/// The library's in-place refusals all begin "writing in place", which the CLI names by its
/// flag, so the facts are worded once, in the library.
fn rewrite_advice(err: &telemux_write::mp4::RewriteError) -> Option<String> {
    use telemux_write::mp4::RewriteError as E;
    Some(match err {
        E::HasTelemetry { .. } => format!("{err}; use --replace to replace it"),
        E::InPlaceNeedsMoovAtEnd
        | E::InPlaceWouldCover { .. }
        | E::InPlaceNoRoomForLargeSize { .. }
        | E::InPlaceSizeToEndTooLarge { .. }
        | E::InPlaceAfterTrailingData { .. }
        | E::InPlaceAfterTornStaging { .. } => format!(
            "{}; write a new file with -o instead",
            err.to_string()
                .replacen("writing in place", "--in-place", 1)
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_are_joined_once() {
        let io = || std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied");
        // OutputError::Io shows its source and returns it.
        let shows_its_source = telemux_write::output::OutputError::Io {
            path: "out.mp4".into(),
            source: io(),
        };
        let err = anyhow::Error::new(shows_its_source).context("writing");
        assert_eq!(one_line(&err), "writing: out.mp4: denied");
        let err = anyhow::Error::new(io()).context("b.gpx").context("extract");
        assert_eq!(one_line(&err), "extract: b.gpx: denied");
    }

    #[test]
    fn a_refused_rewrite_is_worded_with_its_flags() {
        use telemux_write::mp4::RewriteError;
        let moov_first = anyhow::Error::new(RewriteError::InPlaceNeedsMoovAtEnd).context("a.mp4");
        assert_eq!(
            one_line(&moov_first),
            "a.mp4: --in-place needs the moov box after the media (this file starts with it, \
             for streaming); write a new file with -o instead"
        );
        let trailer = RewriteError::InPlaceAfterTrailingData { offset: 10, len: 4 };
        assert!(one_line(&anyhow::Error::new(trailer))
            .starts_with("--in-place: the file ends with 4 bytes at byte 10 that are no box"));
    }

    #[test]
    fn flag_advice_is_added_to_the_library_error() {
        use telemux_write::file_lock::LockError;
        use telemux_write::output::OutputError;
        let exists = anyhow::Error::new(OutputError::Exists("out.mp4".into())).context("inject");
        assert_eq!(
            one_line(&exists),
            "inject: out.mp4: already exists (use --force to overwrite)"
        );
        let device = anyhow::Error::new(OutputError::NotRegular("/dev/null".into()));
        assert_eq!(
            one_line(&device),
            "/dev/null: not a regular file (a device, FIFO or socket); --force replaces only \
             regular files"
        );
        let locked = anyhow::Error::new(LockError::BeingWritten {
            path: "a.mp4".into(),
        });
        assert_eq!(
            one_line(&locked),
            "a.mp4: another telemux is writing this file (--in-place); try again when it is done"
        );
        // Errors no flag resolves keep the library's words.
        let in_use = anyhow::Error::new(LockError::InUse {
            path: "a.mp4".into(),
        });
        assert_eq!(
            one_line(&in_use),
            "a.mp4: another telemux is reading or writing this file; try again when it is done"
        );
    }
}
