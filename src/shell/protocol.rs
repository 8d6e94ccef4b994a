//! `lotwatch protocol`: the officials' report of a day, written to standard
//! output or a file, with the exit status scripts rely on.

use crate::protocol::protocol_text;
use crate::shell::cli::ProtocolArgs;
use crate::ui::i18n::Lang;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// `lotwatch protocol`: 0 written, 3 journal missing or damaged, 2 a wrong
/// choice (several auctions, no such lot), 1 could not write. A journal
/// that fails verification still gets its protocol, which says so first.
/// `says` is the language of its errors: `--lang` when given, else the
/// interface language (the protocol itself defaults to English).
pub fn run_cli(args: &ProtocolArgs, says: Lang) -> ExitCode {
    let opts = args.options();
    let text = match protocol_text(&opts) {
        Ok(t) => t,
        Err(e) => {
            // A journal's error with its detail in the language too.
            let said = match &e {
                crate::protocol::BuildError::Journal(j) => {
                    crate::shell::cli_lang::journal_error(says, j)
                }
                other => other.message(says),
            };
            eprintln!("lotwatch: {said}");
            return ExitCode::from(e.exit_code());
        }
    };
    let written = match &opts.out {
        Some(path) => crate::journal::private_file::open(path, false)
            .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
            .map_err(|e| (path.clone(), e)),
        None => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err((PathBuf::from("standard output"), e))
                }
                _ => Ok(()),
            }
        }
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err((path, e)) => {
            let path = path.display();
            match says {
                Lang::En => eprintln!("lotwatch: cannot write the protocol to {path}: {e}"),
                Lang::Ru => eprintln!("lotwatch: протокол не записан в {path}: {e}"),
                Lang::Kk => eprintln!("lotwatch: хаттама {path} ішіне жазылмады: {e}"),
            }
            ExitCode::FAILURE
        }
    }
}
