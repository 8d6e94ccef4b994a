//! `lotwatch export`: the journal's events to standard output, with the
//! exit status scripts rely on.

use crate::journal::Journal;
use crate::journal::export::{ExportError, ExportOptions, export};
use crate::shell::cli::ExportArgs;
use crate::shell::cli_lang::{self, Tool};
use crate::ui::i18n::Lang;
use std::process::ExitCode;

/// `lotwatch export`: 0 on success, 3 when the journal is missing or damaged,
/// 1 when writing fails (a closed pipe is not a failure).
pub fn run_cli(args: &ExportArgs, lang: Lang) -> ExitCode {
    let journal = match Journal::open_existing(&args.journal) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("lotwatch: {}", cli_lang::journal_error(lang, &e));
            return ExitCode::from(if e.is_bad_file() { 3 } else { 1 });
        }
    };
    if let Some(wanted) = &args.auction {
        let held = journal.auctions().unwrap_or_default();
        if !held.contains(wanted) {
            let m = Tool::NoSuchAuction {
                wanted: wanted.clone(),
                held,
            };
            eprintln!("lotwatch: {}", cli_lang::tool(lang, m));
            return ExitCode::from(2);
        }
    }
    let opts = ExportOptions {
        format: args.format,
        lot: args.lot.clone(),
        bom: !args.no_bom,
        auction: args.auction.clone(),
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match export(&journal, &opts, &mut out) {
        Ok(_) => ExitCode::SUCCESS,
        Err(ExportError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(ExportError::Csv(e)) if matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe) => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            let said = match &e {
                ExportError::Journal(j) => cli_lang::journal_error(lang, j),
                ExportError::Io(io) => {
                    cli_lang::tool(lang, Tool::CannotWrite(cli_lang::io_detail(lang, io)))
                }
                ExportError::Csv(c) => cli_lang::tool(lang, Tool::CannotWrite(c.to_string())),
            };
            eprintln!("lotwatch: {said}");
            let bad = matches!(&e, ExportError::Journal(j) if j.is_bad_file());
            ExitCode::from(if bad { 3 } else { 1 })
        }
    }
}
