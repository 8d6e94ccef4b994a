//! `lotwatch man` and `lotwatch completions`: text for other programs,
//! written whole to stdout, where a reader that stops early (`| head`) ends
//! the command quietly with status 0. The man page's SEE ALSO names a page
//! per subcommand; `lotwatch man SUBCOMMAND` prints each of them and
//! `--out-dir` writes them all, so every page named exists.

use crate::shell::cli::{Cli, ManArgs};
use clap::CommandFactory;
use std::io::Write;
use std::process::ExitCode;

/// Writes `bytes` to stdout; a closed pipe is the reader's choice, not an
/// error.
fn write_stdout(bytes: &[u8]) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// The command as the pages describe it (subcommand pages are named
/// `lotwatch-serve` and so on once built).
fn command() -> clap::Command {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    cmd
}

/// `lotwatch man [SUBCOMMAND] [--out-dir DIR]`.
pub fn run_cli(args: &ManArgs) -> ExitCode {
    let cmd = command();
    if let Some(dir) = &args.out_dir {
        return match clap_mangen::generate_to(cmd, dir) {
            Ok(()) => {
                println!("man pages written to {}", dir.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!(
                    "lotwatch man: cannot write to {}: {e} (give a directory that exists and is writable)",
                    dir.display()
                );
                ExitCode::FAILURE
            }
        };
    }
    let page = match &args.command {
        None => cmd,
        Some(name) => match cmd.find_subcommand(name) {
            Some(sub) => sub.clone(),
            None => {
                let names: Vec<&str> = cmd.get_subcommands().map(|s| s.get_name()).collect();
                eprintln!(
                    "lotwatch man: no subcommand {name:?}: give one of {}",
                    names.join(", ")
                );
                return ExitCode::from(2);
            }
        },
    };
    let mut buf = Vec::new();
    if let Err(e) = clap_mangen::Man::new(page).render(&mut buf) {
        eprintln!("lotwatch man: {e}");
        return ExitCode::FAILURE;
    }
    finish(write_stdout(&buf))
}

/// `lotwatch completions SHELL`.
pub fn completions(shell: clap_complete::Shell) -> ExitCode {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "lotwatch", &mut buf);
    finish(write_stdout(&buf))
}

fn finish(written: std::io::Result<()>) -> ExitCode {
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "lotwatch: cannot write to stdout: {e}");
            ExitCode::FAILURE
        }
    }
}
