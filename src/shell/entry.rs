//! What the binary does: parse the command line and run the command (the
//! monitor without one). `src/main.rs` only calls `lotwatch::main`.

use crate::shell::cli::{Cli, Command};
use clap::{CommandFactory, FromArgMatches};
use std::io::Write;
use std::process::ExitCode;

/// Runs `lotwatch` with the process's arguments and environment.
pub fn main() -> ExitCode {
    let env = |k: &str| std::env::var(k).ok();
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // Known before clap parses, so that its errors are said in it.
    let lang = crate::shell::cli_lang::lang_before_parse(&argv, &env);
    let matches = match Cli::command().try_get_matches_from(&argv) {
        Ok(m) => m,
        Err(e) => crate::shell::cli_lang::exit(e, lang),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => crate::shell::cli_lang::exit(e, lang),
    };
    let name = match &cli.command {
        Some(Command::Watch(w)) => w.monitor.name.clone(),
        _ => cli.monitor.name.clone(),
    };
    if let Some(n) = name {
        crate::journal::set_monitor_name(&n);
    }
    let result = match cli.command {
        Some(Command::Serve(args)) => crate::shell::serve::run_cli(args),
        Some(Command::Export(args)) => {
            return crate::shell::export::run_cli(&args, args.language.unwrap_or(lang));
        }
        Some(Command::Protocol(args)) => {
            // The protocol is English unless --lang says otherwise; its
            // errors follow the interface language then.
            let given = matches
                .subcommand_matches("protocol")
                .and_then(|m| m.value_source("language"))
                == Some(clap::parser::ValueSource::CommandLine);
            let says = if given { args.language } else { lang };
            return crate::shell::protocol::run_cli(&args, says);
        }
        Some(Command::Verify(args)) => {
            return crate::shell::verify::run_cli(&args, args.language.unwrap_or(lang));
        }
        Some(Command::Snapshot(args)) => {
            let lang = args.language.unwrap_or(lang);
            return match crate::shell::config::tool_token(&env) {
                Ok(token) => crate::shell::snapshot::run_cli(&args, token, lang),
                Err(e) => {
                    eprintln!("lotwatch snapshot: {}", e.message(lang));
                    ExitCode::from(crate::shell::snapshot::EXIT_USAGE)
                }
            };
        }
        Some(Command::Config(args)) => {
            if args.path {
                match crate::shell::config::default_path() {
                    Some(p) => println!("{}", p.display()),
                    None => println!("(no configuration directory on this system)"),
                }
            } else {
                print!("{}", crate::shell::config::default_file());
            }
            Ok(())
        }
        Some(Command::Completions(args)) => return crate::shell::man::completions(args.shell),
        Some(Command::Man(args)) => return crate::shell::man::run_cli(&args),
        Some(Command::Replay(args)) => {
            let lang = args.language.unwrap_or(lang);
            crate::shell::replay_mode::run(args, lang)
        }
        Some(Command::Watch(args)) => {
            let sub = matches.subcommand_matches("watch").cloned();
            return crate::shell::watch::run_cli(&sub.unwrap_or_default(), *args, &env);
        }
        Some(Command::Info) => {
            let config = cli.monitor.config.clone();
            let settings = crate::shell::config::resolve(&matches, cli.monitor, &env);
            for line in crate::shell::info::lines(&settings, config, &env) {
                println!("{line}");
            }
            Ok(())
        }
        None => {
            let lang = crate::shell::config::early_lang(cli.monitor.language, &env);
            match crate::shell::config::resolve(&matches, cli.monitor, &env) {
                Ok(settings) => crate::shell::monitor::run_with(settings),
                Err(e) => {
                    eprintln!("lotwatch: {}", e.message(lang));
                    return ExitCode::from(2);
                }
            }
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Not eprintln!: with the terminal hung up (SIGHUP, the pty gone)
            // writing fails, and that must not turn into a panic.
            let _ = writeln!(std::io::stderr(), "lotwatch: {e:#}");
            ExitCode::from(crate::shell::cli::exit_code_of(&e))
        }
    }
}
