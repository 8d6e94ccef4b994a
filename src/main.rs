use clap::{CommandFactory, FromArgMatches};
use lotwatch::cli::{Cli, Command};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let env = |k: &str| std::env::var(k).ok();
    let result = match cli.command {
        Some(Command::Serve(args)) => lotwatch::sim::server::run_cli(args),
        Some(Command::Export(args)) => return lotwatch::journal::export::run_cli(&args),
        Some(Command::Protocol(args)) => return lotwatch::protocol::run_cli(&args.options()),
        Some(Command::Verify(args)) => return lotwatch::journal::verify::run_cli(&args.options()),
        Some(Command::Snapshot(args)) => {
            return match lotwatch::config::tool_token(&env) {
                Ok(token) => lotwatch::snapshot::run_cli(&args, token),
                Err(e) => {
                    eprintln!("lotwatch snapshot: {e}");
                    ExitCode::from(lotwatch::snapshot::EXIT_USAGE)
                }
            };
        }
        Some(Command::Config(args)) => {
            if args.path {
                match lotwatch::config::default_path() {
                    Some(p) => println!("{}", p.display()),
                    None => println!("(no configuration directory on this system)"),
                }
            } else {
                print!("{}", lotwatch::config::default_file());
            }
            Ok(())
        }
        Some(Command::Completions(args)) => {
            let mut cmd = Cli::command();
            clap_complete::generate(args.shell, &mut cmd, "lotwatch", &mut std::io::stdout());
            Ok(())
        }
        Some(Command::Man) => clap_mangen::Man::new(Cli::command())
            .render(&mut std::io::stdout())
            .map_err(anyhow::Error::from),
        Some(Command::Replay(args)) => lotwatch::replay_mode::run(args),
        None => match lotwatch::config::resolve(&matches, cli.monitor, &env) {
            Ok(settings) => lotwatch::monitor::run_with(settings),
            Err(e) => {
                eprintln!("lotwatch: {e}");
                return ExitCode::from(2);
            }
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Not eprintln!: with the terminal hung up (SIGHUP, the pty gone)
            // writing fails, and that must not turn into a panic.
            let _ = writeln!(std::io::stderr(), "lotwatch: {e:#}");
            ExitCode::FAILURE
        }
    }
}
