//! Argument parsing and dispatch. Each subcommand lives in its own module; this file only
//! routes and turns errors into exit codes.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod batch;
mod convert;
mod dashcam_args;
mod dump;
mod embed;
mod extract;
mod inject;
mod inputs;
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
            eprintln!("telemux: error: {}", one_line(&err));
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
/// flag.
fn rewrite_advice(err: &telemux_write::mp4::RewriteError) -> Option<String> {
    use telemux_write::mp4::RewriteError as E;
    const NEW_FILE: &str = "write a new file with -o instead";
    Some(match err {
        E::HasTelemetry { .. } => format!("{err}; use --replace to replace it"),
        E::InPlaceAfterTrailingData { offset, len } => format!(
            "--in-place: the file ends with {len} bytes at byte {offset} that are no box (a \
             camera trailer such as Insta360's, or padding); readers would not see boxes \
             appended after them; {NEW_FILE} (it keeps them at the end)"
        ),
        E::InPlaceAfterTornStaging {
            offset,
            len,
            declared,
        } => format!(
            "--in-place: the file ends with a free box at byte {offset} declaring {declared} \
             bytes but only {len} are there, left by an interrupted --in-place run; {NEW_FILE} \
             (it leaves the torn box out)"
        ),
        E::InPlaceNeedsMoovAtEnd
        | E::InPlaceWouldCover { .. }
        | E::InPlaceNoRoomForLargeSize { .. }
        | E::InPlaceSizeToEndTooLarge { .. } => format!(
            "{}; {NEW_FILE}",
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
            "/dev/null: not a regular file (a device, FIFO, socket or folder); --force replaces \
             only regular files"
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
