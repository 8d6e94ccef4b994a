//! The command line's own messages in the interface language: the language
//! chosen before clap parses (`--lang` anywhere on the line, else
//! `LOTWATCH_LANG`, the config file's `language`, the locale), clap's usage
//! errors worded from their kind and the context clap gives (never from its
//! English; `usage.rs`), the option values lotwatch checks itself
//! (`ValueProblem`), and what the commands say when they cannot go on
//! (`tools.rs`). English is clap's and the errors' own text, unchanged.
//! Names the user types (options, values, paths) are kept as typed.

mod tools;
mod usage;

pub use tools::{
    Tool, engine_error, io_detail, journal_error, link_cause, log_error, metrics_error,
    platform_error, tool, verify_error,
};
pub use usage::{ValueProblem, exit, in_range};

use crate::ui::i18n::Lang;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The largest config file read for its `language` alone.
const MAX_CONFIG_BYTES: u64 = 256 * 1024;

/// The interface language before clap parses the line (so that its errors
/// can be said in it): the first `--lang VALUE` or `--lang=VALUE` that names
/// a language, wherever it is on the line; else `LOTWATCH_LANG` when valid;
/// else the config file's `language` (`--config`, `LOTWATCH_CONFIG`, the
/// default file; a file that cannot be read says nothing here: the command
/// reports it); else the locale. The same precedence as the monitor's.
pub fn lang_before_parse(argv: &[OsString], env: &dyn Fn(&str) -> Option<String>) -> Lang {
    let args: Vec<&str> = argv
        .iter()
        .skip(1)
        .map(|a| a.to_str().unwrap_or(""))
        .take_while(|a| *a != "--")
        .collect();
    let option = |name: &str| -> Vec<&str> {
        let eq = format!("{name}=");
        let mut found = Vec::new();
        for (i, a) in args.iter().enumerate() {
            if *a == name {
                if let Some(v) = args.get(i + 1) {
                    found.push(*v);
                }
            } else if let Some(v) = a.strip_prefix(&eq) {
                found.push(v);
            }
        }
        found
    };
    if let Some(l) = option("--lang")
        .into_iter()
        .find_map(|v| Lang::parse(v).ok())
    {
        return l;
    }
    let set = |k: &str| env(k).filter(|v| !v.is_empty());
    if let Some(l) = set("LOTWATCH_LANG").and_then(|v| Lang::parse(&v).ok()) {
        return l;
    }
    let config = option("--config")
        .first()
        .map(PathBuf::from)
        .or_else(|| set("LOTWATCH_CONFIG").map(PathBuf::from))
        .or_else(|| crate::shell::config::default_path().filter(|p| p.is_file()));
    config
        .and_then(|p| config_language(&p))
        .unwrap_or_else(|| Lang::from_locale(env))
}

/// The `language` key of a config file, read leniently: any problem is the
/// command's to report once it reads the file.
fn config_language(path: &Path) -> Option<Lang> {
    // Not a pipe or a device: nothing here may wait for a writer.
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_CONFIG_BYTES {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let table: toml::Table = toml::from_str(&text).ok()?;
    Lang::parse(table.get("language")?.as_str()?).ok()
}

#[cfg(test)]
mod tests;
