//! `lotwatch verify`: checks a journal against tampering and reports, with
//! the exit status scripts rely on; `--migrate` first starts the chain of a
//! journal written before chains.

use crate::journal::Journal;
use crate::journal::chain;
use crate::journal::verify::{
    EXIT_BAD_FILE, VerifyError, find_head, records_only_in_wal, report, verify_path, wal_warning,
};
use crate::shell::cli::VerifyArgs;
use crate::shell::cli_lang::{self, Tool};
use crate::ui::i18n::Lang;
use rusqlite::{Connection, OpenFlags};
use std::process::ExitCode;

/// `lotwatch verify`: 0 when every check passes, 4 naming the first thing
/// that does not fit, 3 when the file cannot be read as a journal.
pub fn run_cli(args: &VerifyArgs, lang: Lang) -> ExitCode {
    let opts = args.options();
    match crate::journal::target::Target::parse(&opts.journal) {
        Err(e) => {
            let e = crate::journal::JournalError::NotAJournalUrl(e);
            eprintln!("lotwatch: {}", cli_lang::journal_error(lang, &e));
            return ExitCode::from(2);
        }
        Ok(crate::journal::target::Target::Postgres { url, masked }) => {
            return shared(&url, &masked);
        }
        Ok(_) => {}
    }
    if opts.migrate {
        if !opts.journal.is_file() {
            let e = VerifyError::Missing(opts.journal.clone());
            eprintln!("lotwatch: {}", cli_lang::verify_error(lang, &e));
            return ExitCode::from(EXIT_BAD_FILE);
        }
        if let Err(e) = Journal::open(&opts.journal) {
            eprintln!("lotwatch: {}", cli_lang::journal_error(lang, &e));
            return ExitCode::from(if e.is_bad_file() { EXIT_BAD_FILE } else { 1 });
        }
    }
    let outcome = match verify_path(&opts.journal) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("lotwatch: {}", cli_lang::verify_error(lang, &e));
            let code = match e {
                VerifyError::Sqlite { .. } => 1,
                _ => EXIT_BAD_FILE,
            };
            return ExitCode::from(code);
        }
    };
    let mut head_found = None;
    if let (Some(h), Ok(_)) = (&opts.head, &outcome) {
        if chain::parse_hex(h).is_none() {
            eprintln!(
                "lotwatch: {}",
                cli_lang::tool(lang, Tool::BadHead(h.clone()))
            );
            return ExitCode::from(2);
        }
        let found = Connection::open_with_flags(&opts.journal, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .and_then(|c| find_head(&c, h));
        match found {
            Ok(f) => head_found = Some((h.as_str(), f)),
            Err(e) => {
                eprintln!("lotwatch: journal {}: {e}", opts.journal.display());
                return ExitCode::from(1);
            }
        }
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let code = report(&opts.journal, &outcome, head_found, &mut out).unwrap_or(1);
    if let Some((only, records)) = records_only_in_wal(&opts.journal) {
        let said = match lang {
            Lang::En => wal_warning(&opts.journal, only, records),
            _ => cli_lang::tool(
                lang,
                Tool::OnlyInWal {
                    path: opts.journal.display().to_string(),
                    only,
                    records,
                },
            ),
        };
        eprintln!("lotwatch: {said}");
    }
    ExitCode::from(code)
}

/// `lotwatch verify --journal postgres://…`: both kinds of chain of the
/// shared journal (`journal::pg::chain`).
fn shared(url: &str, masked: &str) -> ExitCode {
    use crate::journal::pg;
    let outcome = pg::Remote::new(url, masked, &crate::journal::monitor_name())
        .and_then(|r| pg::chain::verify_blocking(&r));
    match outcome {
        Ok(o) => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            ExitCode::from(pg::chain::report(masked, &o, &mut out).unwrap_or(1))
        }
        Err(e) => {
            eprintln!("lotwatch: journal {e}");
            ExitCode::from(if matches!(e, pg::PgError::NoDatabase { .. }) {
                EXIT_BAD_FILE
            } else {
                1
            })
        }
    }
}
