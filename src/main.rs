use clap::Parser;
use lotwatch::cli::{Cli, Command};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Serve(args)) => lotwatch::sim::server::run_cli(args),
        Some(Command::Export(args)) => return lotwatch::journal::export::run_cli(&args),
        Some(Command::Replay(args)) => lotwatch::replay_mode::run(args),
        None => lotwatch::monitor::run(cli.monitor),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lotwatch: {e:#}");
            ExitCode::FAILURE
        }
    }
}
