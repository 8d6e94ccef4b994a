//! The command line's own messages in the interface language: the language
//! chosen before clap parses (`--lang` anywhere on the line, else
//! `LOTWATCH_LANG`, the config file's `language`, the locale), clap's usage
//! errors worded from their kind and the context clap gives (never from its
//! English), the option values lotwatch checks itself (`ValueProblem`), and
//! the errors of `snapshot`, `export` and `verify`. English is clap's and
//! the errors' own text, unchanged. Names the user types (options, values,
//! paths) are kept as typed.

use crate::domain::LinkCause;
use crate::journal::JournalError;
use crate::journal::verify::VerifyError;
use crate::rates::FixedRateError;
use crate::shell::engine_config::EngineConfigError;
use crate::ui::i18n::Lang;
use clap::error::{ContextKind, ContextValue, ErrorKind};
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
    if std::fs::metadata(path).ok()?.len() > MAX_CONFIG_BYTES {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let table: toml::Table = toml::from_str(&text).ok()?;
    Lang::parse(table.get("language")?.as_str()?).ok()
}

/// Ends the process on a parse error: clap's own words in English (with
/// `cli::with_tip`), the same error worded here in Russian and Kazakh. Help
/// and version are clap's. The exit code is clap's: 2 for a usage error.
pub fn exit(e: clap::Error, lang: Lang) -> ! {
    match usage_error(&e, lang) {
        Some(text) => {
            use std::io::Write;
            let _ = std::io::stderr().write_all(text.as_bytes());
            std::process::exit(e.exit_code());
        }
        None => crate::shell::cli::with_tip(e).exit(),
    }
}

/// A parse error in `lang`, as the lines clap would print; None where
/// clap's own text stands (English, help, version, I/O).
pub fn usage_error(e: &clap::Error, lang: Lang) -> Option<String> {
    if lang == Lang::En {
        return None;
    }
    let said = said_of(e)?;
    let say = |s: &Said| match lang {
        Lang::Kk => kk(s),
        _ => ru(s),
    };
    let mut out = format!("{}: {}", say(&Said::ErrorWord), say(&said));
    let mut tips = Vec::new();
    for (kind, what) in [
        (ContextKind::SuggestedSubcommand, Similar::Subcommand),
        (ContextKind::SuggestedArg, Similar::Arg),
        (ContextKind::SuggestedValue, Similar::Value),
    ] {
        match e.get(kind) {
            Some(ContextValue::String(s)) => tips.push(Said::Similar(what, vec![s.clone()])),
            Some(ContextValue::Strings(v)) if !v.is_empty() => {
                tips.push(Said::Similar(what, v.clone()))
            }
            _ => {}
        }
    }
    if let (Some(sub), Some(prior)) = (
        string(e, ContextKind::InvalidSubcommand),
        string(e, ContextKind::PriorArg),
    ) && e.kind() == ErrorKind::ArgumentConflict
    {
        let option = prior
            .split_whitespace()
            .next()
            .unwrap_or(&prior)
            .to_string();
        tips.push(Said::AfterSubcommand {
            option,
            sub,
            arg: prior,
        });
    }
    if let Some(ContextValue::StyledStrs(v)) = e.get(ContextKind::Suggested) {
        tips.extend(v.iter().map(|s| clap_tip(&s.to_string())));
    }
    if !tips.is_empty() {
        out.push('\n');
    }
    for t in &tips {
        out.push_str(&format!("\n  {}: {}", say(&Said::TipWord), say(t)));
    }
    if let Some(ContextValue::StyledStr(u)) = e.get(ContextKind::Usage) {
        // clap's heading, then the usage lines, aligned under the new one.
        let head = say(&Said::UsageWord);
        let pad = " ".repeat(head.chars().count() + 2);
        let u = u.to_string();
        for (i, line) in u.lines().enumerate() {
            if i == 0 {
                let body = line.split_once(": ").map_or(line, |(_, b)| b);
                out.push_str(&format!("\n\n{head}: {body}"));
            } else {
                out.push_str(&format!("\n{pad}{}", line.trim_start()));
            }
        }
    }
    out.push_str(&format!("\n\n{}\n", say(&Said::MoreHelp)));
    Some(out)
}

fn string(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        _ => None,
    }
}

fn strings(e: &clap::Error, kind: ContextKind) -> Vec<String> {
    match e.get(kind) {
        Some(ContextValue::Strings(v)) => v.clone(),
        Some(ContextValue::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

fn number(e: &clap::Error, kind: ContextKind) -> Option<isize> {
    match e.get(kind) {
        Some(ContextValue::Number(n)) => Some(*n),
        _ => None,
    }
}

/// What a clap error says, from its kind and context.
fn said_of(e: &clap::Error) -> Option<Said<'static>> {
    let arg = || string(e, ContextKind::InvalidArg).unwrap_or_default();
    let value = || string(e, ContextKind::InvalidValue).unwrap_or_default();
    Some(match e.kind() {
        ErrorKind::UnknownArgument => Said::UnknownArg(arg()),
        ErrorKind::InvalidValue if value().is_empty() => {
            Said::NoValue(arg(), strings(e, ContextKind::ValidValue))
        }
        ErrorKind::InvalidValue => {
            Said::BadValue(arg(), value(), strings(e, ContextKind::ValidValue))
        }
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e).map(why_of);
            Said::Invalid(arg(), value(), why.map(Box::new))
        }
        ErrorKind::InvalidSubcommand => {
            Said::UnknownSubcommand(string(e, ContextKind::InvalidSubcommand).unwrap_or_default())
        }
        ErrorKind::MissingRequiredArgument => Said::Missing(strings(e, ContextKind::InvalidArg)),
        ErrorKind::MissingSubcommand => Said::NoSubcommand(
            string(e, ContextKind::InvalidSubcommand).unwrap_or_default(),
            strings(e, ContextKind::ValidSubcommand),
        ),
        ErrorKind::NoEquals => Said::NoEquals(arg()),
        ErrorKind::TooManyValues => Said::ExtraValue(arg(), value()),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => Said::ValueCount {
            arg: arg(),
            wanted: number(e, ContextKind::MinValues)
                .or_else(|| number(e, ContextKind::ExpectedNumValues))
                .unwrap_or(0),
            given: number(e, ContextKind::ActualNumValues).unwrap_or(0),
        },
        ErrorKind::ArgumentConflict => {
            let prior = strings(e, ContextKind::PriorArg);
            match (
                string(e, ContextKind::InvalidArg),
                string(e, ContextKind::InvalidSubcommand),
            ) {
                (Some(a), _) if prior == [a.clone()] => Said::Twice(a),
                (Some(a), _) => Said::Conflict(a, prior),
                (None, Some(s)) => Said::SubcommandConflict(s, prior),
                (None, None) => Said::Conflict(String::new(), prior),
            }
        }
        ErrorKind::InvalidUtf8 => Said::NotUtf8,
        _ => return None,
    })
}

/// Why a value was refused, from the parser's error.
fn why_of(source: &(dyn std::error::Error + 'static)) -> Said<'static> {
    if let Some(p) = source.downcast_ref::<ValueProblem>() {
        return Said::Value(p.clone());
    }
    if let Some(p) = source.downcast_ref::<std::num::ParseIntError>() {
        use std::num::IntErrorKind;
        return Said::Value(match p.kind() {
            IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => ValueProblem::TooLarge,
            _ => ValueProblem::NotInteger(p.to_string()),
        });
    }
    if source.is::<std::num::ParseFloatError>() {
        return Said::Value(ValueProblem::NotNumber);
    }
    if source.is::<std::net::AddrParseError>() {
        return Said::Value(ValueProblem::NotAddress);
    }
    Said::Verbatim(source.to_string())
}

/// A tip clap wrote in English, said again from the names it quotes
/// (clap 4's three templates); another tip is kept as clap wrote it.
fn clap_tip(text: &str) -> Said<'static> {
    let quoted: Vec<String> = text
        .split('\'')
        .skip(1)
        .step_by(2)
        .map(String::from)
        .collect();
    match quoted.as_slice() {
        [a, b] if text.starts_with("to pass ") => Said::PassAsValue(a.clone(), b.clone()),
        [a, dashes] if text.starts_with("subcommand ") && dashes == "--" => {
            Said::RemoveDashes(a.clone())
        }
        [a] if text.ends_with("' exists") => Said::Exists(a.clone()),
        _ => Said::Verbatim(text.to_string()),
    }
}

/// A value lotwatch checks itself (`cli.rs`'s value parsers): clap keeps it
/// as the error's source, and its words are said in each language.
/// `Display` is the English clap prints.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueProblem {
    #[error("{0} ms is too short: give 250 or more (milliseconds, e.g. --poll 1000)")]
    PollTooShort(u64),
    #[error("{0:?} is not a number of milliseconds: give e.g. --poll 1000")]
    PollNotNumber(String),
    #[error("unknown currency {0:?}: use KZT, USD, EUR or CNY")]
    Currency(String),
    #[error("{0:?} is not a speed between 0 and 1024")]
    Speed(String),
    #[error("{0:?}: write START+LENGTH in seconds, e.g. 20+15")]
    WindowShape(String),
    #[error("{0:?} is not a number of seconds")]
    Seconds(String),
    /// A whole number outside its bounds (clap's wording).
    #[error("{value} is not in {min}..={max}")]
    OutOfRange { value: u64, min: u64, max: u64 },
    /// Not a whole number: the parser's words.
    #[error("{0}")]
    NotInteger(String),
    #[error("number too large to fit in target type")]
    TooLarge,
    #[error("invalid float literal")]
    NotNumber,
    #[error("invalid socket address syntax")]
    NotAddress,
}

/// `s` as a whole number in `min..=max` (the bounded options).
pub fn in_range(s: &str, min: u64, max: u64) -> Result<u64, ValueProblem> {
    let v: u64 = s.parse().map_err(|e: std::num::ParseIntError| {
        use std::num::IntErrorKind;
        match e.kind() {
            IntErrorKind::PosOverflow => ValueProblem::TooLarge,
            _ => ValueProblem::NotInteger(e.to_string()),
        }
    })?;
    if (min..=max).contains(&v) {
        Ok(v)
    } else {
        Err(ValueProblem::OutOfRange { value: v, min, max })
    }
}

/// The errors of the one-shot commands, in `lang` (English: their own text).
pub fn journal_error(lang: Lang, e: &JournalError) -> String {
    say(lang, &Said::Journal(e), || e.to_string())
}

/// `verify`'s errors before any check ran.
pub fn verify_error(lang: Lang, e: &VerifyError) -> String {
    say(lang, &Said::Verify(e), || e.to_string())
}

/// A client that could not be set up or a read that failed, as the
/// monitor's link badge says it (English: the error's own text).
pub fn platform_error(lang: Lang, e: &crate::platform::PlatformError) -> String {
    match lang {
        Lang::En => e.to_string(),
        _ => link_cause(lang, &LinkCause::from(e)),
    }
}

/// The rates given on the command line that cannot be used.
pub fn engine_error(lang: Lang, e: &EngineConfigError) -> String {
    say(lang, &Said::Engine(e), || e.to_string())
}

/// Why the log file cannot be written (English: as it always read).
pub fn log_error(lang: Lang, e: &anyhow::Error) -> String {
    match (
        lang,
        e.downcast_ref::<crate::shell::logging::LogFileError>(),
    ) {
        (Lang::En, _) | (_, None) => format!("{e:#}"),
        (_, Some(l)) => say(lang, &Said::Log(l), String::new),
    }
}

/// Why `--metrics` could not be served (English: as it always read).
pub fn metrics_error(lang: Lang, e: &anyhow::Error) -> String {
    match (
        lang,
        e.downcast_ref::<crate::shell::metrics::server::BindError>(),
    ) {
        (Lang::En, _) | (_, None) => format!("{e:#}"),
        (_, Some(b)) => say(lang, &Said::Metrics(b), String::new),
    }
}

/// Why the platform could not be read (`snapshot`), as the monitor says it.
pub fn link_cause(lang: Lang, c: &LinkCause) -> String {
    (lang.texts().link_cause)(c)
}

/// A system error in `lang`: by its kind where it has words for it.
pub fn io_detail(lang: Lang, e: &std::io::Error) -> String {
    match lang {
        Lang::En => e.to_string(),
        _ => io_error(e, lang),
    }
}

/// A message of the one-shot commands with no error value behind it.
pub fn tool(lang: Lang, m: Tool) -> String {
    say(lang, &Said::Tool(m.clone()), || en_tool(&m))
}

/// The messages of the one-shot commands that have no error type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tool {
    /// `snapshot` without `--url`.
    SnapshotNeedsUrl,
    /// After a 429 the command gave up on.
    GaveUp,
    /// `--auction ID` the journal does not hold; the ones it holds.
    NoSuchAuction { wanted: String, held: Vec<String> },
    /// `verify --head` that is not 64 hex digits.
    BadHead(String),
    /// Writing the output failed: why (already in the language).
    CannotWrite(String),
    /// `replay` of a journal with no messages (its path as shown).
    NothingToReplay(String),
    /// A one-shot command waits out a throttle (None: the site's 429), or
    /// the site's failure (already in the language).
    Waiting { secs: u64, cause: Option<String> },
    /// The screen cannot take the terminal: why (already in the language).
    NoTerminal(String),
    /// `watch --filter` that does not parse: why (already in the language).
    BadFilter(String),
    /// `watch` could not reach the platform at start: why (already in the
    /// language), and whether it gave up waiting out a throttle.
    Unreachable { cause: String, gave_up: bool },
    /// `verify`: records only in the `-wal` beside the file (English:
    /// `journal::verify::wal_warning`).
    OnlyInWal {
        path: String,
        only: u64,
        records: u64,
    },
}

fn en_tool(m: &Tool) -> String {
    match m {
        Tool::SnapshotNeedsUrl => "--url URL is required (snapshot reads a real platform; run `lotwatch serve` for a simulator)".into(),
        Tool::GaveUp => " (gave up: 3 tries or 2 minutes of waiting at most; try again later)".into(),
        Tool::NoSuchAuction { wanted, held } => format!(
            "the journal holds no auction {wanted:?}; it holds: {}",
            if held.is_empty() { "none".to_string() } else { held.join(", ") }
        ),
        Tool::BadHead(h) => format!("--head {h:?} is not a SHA-256 head (64 hex digits)"),
        Tool::CannotWrite(e) => format!("writing the export: {e}"),
        Tool::NothingToReplay(p) => {
            format!("{p} holds no recorded messages: nothing to replay (check the path)")
        }
        Tool::Waiting { secs, cause } => format!(
            "waiting {secs} s: {}",
            cause.as_deref().unwrap_or("the site asked to slow down (429)")
        ),
        Tool::OnlyInWal {
            path,
            only,
            records,
        } => crate::journal::verify::wal_warning(Path::new(path), *only, *records),
        Tool::BadFilter(why) => format!("bad --filter: {why}"),
        Tool::NoTerminal(why) => {
            format!("cannot use this terminal: {why} (is stdout a terminal?)")
        }
        Tool::Unreachable { cause, gave_up } => format!(
            "cannot reach the platform: {cause}{}",
            if *gave_up {
                " (gave up: 2 minutes of waiting at most; try again later)"
            } else {
                ""
            }
        ),
    }
}

fn say(lang: Lang, s: &Said, en: impl FnOnce() -> String) -> String {
    match lang {
        Lang::En => en(),
        Lang::Ru => ru(s),
        Lang::Kk => kk(s),
    }
}

/// Which kind of name clap found a similar one of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Similar {
    Subcommand,
    Arg,
    Value,
}

/// Everything this module says, as data; `ru` and `kk` word it.
#[derive(Debug)]
enum Said<'a> {
    ErrorWord,
    TipWord,
    UsageWord,
    MoreHelp,
    UnknownArg(String),
    /// The option, its possible values.
    NoValue(String, Vec<String>),
    /// The option, the value, its possible values.
    BadValue(String, String, Vec<String>),
    /// The option, the value, why.
    Invalid(String, String, Option<Box<Said<'a>>>),
    UnknownSubcommand(String),
    Missing(Vec<String>),
    NoSubcommand(String, Vec<String>),
    NoEquals(String),
    ExtraValue(String, String),
    ValueCount {
        arg: String,
        wanted: isize,
        given: isize,
    },
    Twice(String),
    Conflict(String, Vec<String>),
    SubcommandConflict(String, Vec<String>),
    NotUtf8,
    Similar(Similar, Vec<String>),
    AfterSubcommand {
        option: String,
        sub: String,
        arg: String,
    },
    PassAsValue(String, String),
    RemoveDashes(String),
    Exists(String),
    Value(ValueProblem),
    /// Words from elsewhere, kept as they are.
    Verbatim(String),
    Journal(&'a JournalError),
    Verify(&'a VerifyError),
    Engine(&'a EngineConfigError),
    Metrics(&'a crate::shell::metrics::server::BindError),
    Log(&'a crate::shell::logging::LogFileError),
    Tool(Tool),
}

/// `'a', 'b'`.
fn quoted(v: &[String]) -> String {
    v.iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `\n  [label: a, b]`, or nothing without values.
fn values(label: &str, v: &[String]) -> String {
    if v.is_empty() {
        String::new()
    } else {
        format!("\n  [{label}: {}]", v.join(", "))
    }
}

/// SQLite's own words (`sqlite3_errstr`) for a damaged file, by language
/// (ru, kk); other words are kept.
fn sqlite_words(detail: &str, lang: Lang) -> String {
    let table: [(&str, [&str; 2]); 2] = [
        (
            "file is not a database",
            [
                "файл не является базой данных SQLite",
                "файл SQLite дерекқоры емес",
            ],
        ),
        (
            "database disk image is malformed",
            ["файл базы данных повреждён", "дерекқор файлы бүлінген"],
        ),
    ];
    let i = usize::from(lang == Lang::Kk);
    table
        .iter()
        .find(|(en, _)| detail.trim() == *en)
        .map_or_else(|| detail.to_string(), |(_, w)| w[i].to_string())
}

/// What SQLite or the system said, by its code where it has one (ru, kk).
fn sqlite_error(e: &rusqlite::Error, lang: Lang) -> String {
    use rusqlite::ffi::ErrorCode;
    let i = usize::from(lang == Lang::Kk);
    let w: Option<[&str; 2]> = match e.sqlite_error_code() {
        Some(ErrorCode::CannotOpen) => Some(["файл не открывается", "файл ашылмайды"]),
        Some(ErrorCode::PermissionDenied) => Some(["нет прав доступа", "қол жеткізу құқығы жоқ"]),
        Some(ErrorCode::ReadOnly) => Some(["только для чтения", "тек оқуға арналған"]),
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => Some([
            "файл занят другой программой",
            "файлды басқа бағдарлама ұстап тұр",
        ]),
        Some(ErrorCode::DiskFull) => Some(["диск заполнен", "диск толы"]),
        Some(ErrorCode::SystemIoFailure) => Some(["ошибка ввода-вывода", "енгізу-шығару қатесі"]),
        Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => {
            return sqlite_words(&e.to_string(), lang);
        }
        _ => None,
    };
    w.map_or_else(|| e.to_string(), |w| w[i].to_string())
}

/// A system error by its kind (ru, kk); the system's words otherwise.
fn io_error(e: &std::io::Error, lang: Lang) -> String {
    use std::io::ErrorKind as K;
    let i = usize::from(lang == Lang::Kk);
    if e.raw_os_error() == Some(libc::ENXIO) {
        return ["нет управляющего терминала", "басқарушы терминал жоқ"][i].to_string();
    }
    let w: Option<[&str; 2]> = match e.kind() {
        K::PermissionDenied => Some(["нет прав доступа", "қол жеткізу құқығы жоқ"]),
        K::NotFound => Some(["не найдено", "табылмады"]),
        K::AlreadyExists => Some(["уже существует", "бұрыннан бар"]),
        K::ReadOnlyFilesystem => Some([
            "файловая система только для чтения",
            "файлдық жүйе тек оқуға арналған",
        ]),
        K::StorageFull => Some(["диск заполнен", "диск толы"]),
        K::AddrInUse => Some(["адрес уже занят", "мекенжай бос емес"]),
        K::AddrNotAvailable => Some([
            "такого адреса нет на этой машине",
            "бұл компьютерде ондай мекенжай жоқ",
        ]),
        K::NotADirectory => Some([
            "путь проходит через файл, а не каталог",
            "жол каталог емес, файл арқылы өтеді",
        ]),
        _ => None,
    };
    w.map_or_else(|| e.to_string(), |w| w[i].to_string())
}

fn ru(s: &Said) -> String {
    let why = |w: &Option<Box<Said>>| {
        w.as_ref()
            .map(|w| format!(": {}", ru(w)))
            .unwrap_or_default()
    };
    match s {
        Said::ErrorWord => "ошибка".into(),
        Said::TipWord => "подсказка".into(),
        Said::UsageWord => "Использование".into(),
        Said::MoreHelp => "Подробнее: '--help'.".into(),
        Said::UnknownArg(a) => format!("неизвестный параметр '{a}'"),
        Said::NoValue(a, v) => format!(
            "для '{a}' нужно значение, но оно не задано{}",
            values("допустимые значения", v)
        ),
        Said::BadValue(a, x, v) => format!(
            "недопустимое значение '{x}' для '{a}'{}",
            values("допустимые значения", v)
        ),
        Said::Invalid(a, x, w) => format!("недопустимое значение '{x}' для '{a}'{}", why(w)),
        Said::UnknownSubcommand(c) => format!("неизвестная подкоманда '{c}'"),
        Said::Missing(v) => format!(
            "не заданы обязательные параметры:{}",
            v.iter().map(|a| format!("\n  {a}")).collect::<String>()
        ),
        Said::NoSubcommand(c, v) => format!(
            "'{c}' требует подкоманду, но она не задана{}",
            values("подкоманды", v)
        ),
        Said::NoEquals(a) => format!("значение '{a}' задаётся через знак '='"),
        Said::ExtraValue(a, x) => format!("лишнее значение '{x}' для '{a}'"),
        Said::ValueCount { arg, wanted, given } => {
            format!("для '{arg}' нужно значений: {wanted}, а задано: {given}")
        }
        Said::Twice(a) => format!("параметр '{a}' нельзя задать дважды"),
        Said::Conflict(a, v) => {
            format!("параметр '{a}' нельзя использовать вместе с {}", quoted(v))
        }
        Said::SubcommandConflict(c, v) => {
            format!("подкоманду '{c}' нельзя использовать вместе с {}", quoted(v))
        }
        Said::NotUtf8 => "аргумент не в кодировке UTF-8".into(),
        Said::Similar(what, v) => format!(
            "{}: {}",
            match (what, v.len()) {
                (Similar::Subcommand, 1) => "есть похожая подкоманда",
                (Similar::Subcommand, _) => "есть похожие подкоманды",
                (Similar::Arg, 1) => "есть похожий параметр",
                (Similar::Arg, _) => "есть похожие параметры",
                (Similar::Value, 1) => "есть похожее значение",
                (Similar::Value, _) => "есть похожие значения",
            },
            quoted(v)
        ),
        Said::AfterSubcommand { option, sub, arg } => format!(
            "параметры перед подкомандой относятся к монитору: укажите {option} после `{sub}` (lotwatch {sub} {arg}), если `lotwatch {sub} --help` его называет"
        ),
        Said::PassAsValue(a, b) => format!("чтобы передать '{a}' как значение, пишите '{b}'"),
        Said::RemoveDashes(c) => format!("подкоманда '{c}' есть: уберите '--' перед ней"),
        Said::Exists(c) => format!("есть '{c}'"),
        Said::Value(p) => match p {
            ValueProblem::PollTooShort(ms) => format!(
                "{ms} мс — слишком коротко: нужно 250 или больше (миллисекунды, например --poll 1000)"
            ),
            ValueProblem::PollNotNumber(v) => {
                format!("{v:?} — не число миллисекунд: укажите, например, --poll 1000")
            }
            ValueProblem::Currency(v) => {
                format!("неизвестная валюта {v:?}: укажите KZT, USD, EUR или CNY")
            }
            ValueProblem::Speed(v) => format!("{v:?} — не скорость от 0 до 1024"),
            ValueProblem::WindowShape(v) => {
                format!("{v:?}: пишите НАЧАЛО+ДЛИНА в секундах, например 20+15")
            }
            ValueProblem::Seconds(v) => format!("{v:?} — не число секунд"),
            ValueProblem::OutOfRange { value, min, max } => {
                format!("{value} — вне допустимого: от {min} до {max}")
            }
            ValueProblem::NotInteger(_) => "это не целое неотрицательное число".into(),
            ValueProblem::TooLarge => "слишком большое число".into(),
            ValueProblem::NotNumber => "это не число".into(),
            ValueProblem::NotAddress => {
                "это не адрес вида ХОСТ:ПОРТ (например 127.0.0.1:9184)".into()
            }
        },
        Said::Verbatim(t) => t.clone(),
        Said::Journal(e) => ru_journal(e),
        Said::Verify(e) => match e {
            VerifyError::Missing(p) => format!("журнал {} не найден (проверьте путь)", p.display()),
            VerifyError::Unreadable { path, detail } => format!(
                "{} не читается как журнал: {}",
                path.display(),
                sqlite_words(detail, Lang::Ru)
            ),
            VerifyError::NotAJournal(p) => {
                format!("{} — не журнал lotwatch (в нём другие таблицы)", p.display())
            }
            VerifyError::NewerSchema { path, found } => ru_newer(path, *found),
            VerifyError::Sqlite { path, source } => {
                format!("журнал {}: {}", path.display(), sqlite_error(source, Lang::Ru))
            }
        },
        Said::Log(l) => format!(
            "{} {} не {}: {} (укажите другой через --log-file)",
            if l.dir { "каталог лога" } else { "лог-файл" },
            l.path.display(),
            if l.dir { "создан" } else { "открыт" },
            io_error(&l.io, Lang::Ru)
        ),
        Said::Metrics(b) => format!(
            "метрики не отдаются на {}: {} (укажите другой --metrics ADDR)",
            b.addr,
            io_error(&b.io, Lang::Ru)
        ),
        Said::Engine(e) => match e {
            EngineConfigError::FixedWithoutRate => {
                "--rates fixed требует хотя бы один --rate ВАЛЮТА=КУРС".into()
            }
            EngineConfigError::Rate(r) => match r {
                FixedRateError::Shape(a) => {
                    format!("--rate {a:?}: ожидается ВАЛЮТА=КУРС, например USD=519.53")
                }
                FixedRateError::UnknownCurrency { arg, code } => {
                    format!("--rate {arg:?}: неизвестная валюта {code:?} (USD, EUR или CNY)")
                }
                FixedRateError::Base(a) => {
                    format!("--rate {a:?}: тенге — базовая валюта, курс для неё не нужен")
                }
                FixedRateError::Value { arg, value } => format!(
                    "--rate {arg:?}: {value:?} — не положительное десятичное число вида 519.53"
                ),
                FixedRateError::Twice(c) => format!("--rate: {c} задан дважды"),
            },
        },
        Said::Tool(t) => match t {
            Tool::SnapshotNeedsUrl => "нужен --url URL (snapshot читает настоящую платформу; симулятор запускает `lotwatch serve`)".into(),
            Tool::GaveUp => " (попытки прекращены: не больше 3 попыток или 2 минут ожидания; повторите позже)".into(),
            Tool::NoSuchAuction { wanted, held } => format!(
                "в журнале нет аукциона {wanted:?}; в нём: {}",
                if held.is_empty() { "ничего".to_string() } else { held.join(", ") }
            ),
            Tool::BadHead(h) => format!(
                "--head {h:?} — не голова цепочки SHA-256 (64 шестнадцатеричные цифры)"
            ),
            Tool::CannotWrite(e) => format!("выгрузка не записана: {e}"),
            Tool::NothingToReplay(p) => {
                format!("в {p} нет записанных сообщений: воспроизводить нечего (проверьте путь)")
            }
            Tool::Waiting { secs, cause } => format!(
                "ожидание {secs} с: {}",
                cause.as_deref().unwrap_or("сайт просит реже обращаться к нему (429)")
            ),
            Tool::BadFilter(why) => format!("неверный --filter: {why}"),
            Tool::NoTerminal(why) => format!(
                "этот терминал не подходит: {why} (стандартный вывод — точно терминал?)"
            ),
            Tool::Unreachable { cause, gave_up } => format!(
                "платформа недоступна: {cause}{}",
                if *gave_up {
                    " (попытки прекращены: не больше 2 минут ожидания; повторите позже)"
                } else {
                    ""
                }
            ),
            Tool::OnlyInWal {
                path,
                only,
                records,
            } => format!(
                "предупреждение: {only} из {records} записей есть только в {path}-wal, а не в самом файле: копия одного {path} их не содержала бы (и всё равно прошла бы проверку). Храните файл -wal вместе с ним; lotwatch переносит его в файл, когда монитор или `watch`, который в него пишет, завершается"
            ),
        },
    }
}

fn ru_newer(path: &Path, found: i64) -> String {
    format!(
        "журнал {} записан более новой версией lotwatch (схема {found}, эта версия читает {}): обновите lotwatch",
        path.display(),
        crate::journal::schema::SCHEMA_VERSION
    )
}

fn ru_journal(e: &JournalError) -> String {
    match e {
        JournalError::Missing(p) => format!(
            "журнал {} не найден (проверьте путь или запишите журнал монитором с --journal)",
            p.display()
        ),
        JournalError::Corrupt { path, detail } => format!(
            "журнал {} повреждён или это не журнал lotwatch ({}): проверьте путь; чтобы записать туда новый журнал, сначала уберите этот файл",
            path.display(),
            sqlite_words(detail, Lang::Ru)
        ),
        JournalError::NotAFile { path, what } => format!(
            "{} — {}, а не файл журнала: укажите путь к файлу .sqlite журнала",
            path.display(),
            if what.contains("directory") {
                "каталог"
            } else {
                "устройство или канал"
            }
        ),
        JournalError::NotAJournal(p) => format!(
            "{} — не журнал lotwatch (в нём другие таблицы); укажите в --journal другой путь",
            p.display()
        ),
        JournalError::NewerSchema { path, found } => ru_newer(path, *found),
        JournalError::Sqlite { path, source } => {
            format!(
                "журнал {}: {}",
                path.display(),
                sqlite_error(source, Lang::Ru)
            )
        }
        JournalError::Dir { path, source } => format!(
            "журнал {}: не создан его каталог: {}",
            path.display(),
            io_error(source, Lang::Ru)
        ),
        JournalError::Create { path, source } => format!(
            "журнал {}: файл не создан: {}",
            path.display(),
            io_error(source, Lang::Ru)
        ),
        JournalError::NotAJournalUrl(u) => format!(
            "--journal {} похож на URL, но это не postgres:// и не postgresql:// (укажите URL вида postgres://user@host/db или путь к файлу без схемы)",
            u.masked
        ),
        other => other.to_string(),
    }
}

fn kk(s: &Said) -> String {
    let why = |w: &Option<Box<Said>>| {
        w.as_ref()
            .map(|w| format!(": {}", kk(w)))
            .unwrap_or_default()
    };
    match s {
        Said::ErrorWord => "қате".into(),
        Said::TipWord => "кеңес".into(),
        Said::UsageWord => "Қолданылуы".into(),
        Said::MoreHelp => "Толығырақ: '--help'.".into(),
        Said::UnknownArg(a) => format!("белгісіз параметр '{a}'"),
        Said::NoValue(a, v) => format!(
            "'{a}' үшін мән қажет, бірақ ол берілмеген{}",
            values("рұқсат етілген мәндер", v)
        ),
        Said::BadValue(a, x, v) => format!(
            "'{a}' үшін '{x}' мәні жарамсыз{}",
            values("рұқсат етілген мәндер", v)
        ),
        Said::Invalid(a, x, w) => format!("'{a}' үшін '{x}' мәні жарамсыз{}", why(w)),
        Said::UnknownSubcommand(c) => format!("белгісіз ішкі команда '{c}'"),
        Said::Missing(v) => format!(
            "міндетті параметрлер берілмеген:{}",
            v.iter().map(|a| format!("\n  {a}")).collect::<String>()
        ),
        Said::NoSubcommand(c, v) => format!(
            "'{c}' ішкі команданы қажет етеді, бірақ ол берілмеген{}",
            values("ішкі командалар", v)
        ),
        Said::NoEquals(a) => format!("'{a}' мәні '=' белгісі арқылы беріледі"),
        Said::ExtraValue(a, x) => format!("'{a}' үшін артық '{x}' мәні"),
        Said::ValueCount { arg, wanted, given } => {
            format!("'{arg}' үшін {wanted} мән қажет, берілгені: {given}")
        }
        Said::Twice(a) => format!("'{a}' параметрін екі рет беруге болмайды"),
        Said::Conflict(a, v) => {
            format!("'{a}' параметрін {} бірге қолдануға болмайды", with_kk(v))
        }
        Said::SubcommandConflict(c, v) => {
            format!("'{c}' ішкі командасын {} бірге қолдануға болмайды", with_kk(v))
        }
        Said::NotUtf8 => "аргумент UTF-8 кодтауында емес".into(),
        Said::Similar(what, v) => format!(
            "{}: {}",
            match what {
                Similar::Subcommand => "ұқсас ішкі команда бар",
                Similar::Arg => "ұқсас параметр бар",
                Similar::Value => "ұқсас мән бар",
            },
            quoted(v)
        ),
        Said::AfterSubcommand { option, sub, arg } => format!(
            "ішкі команда алдындағы параметрлер мониторға тиесілі: {option} параметрін `{sub}` сөзінен кейін жазыңыз (lotwatch {sub} {arg}), егер `lotwatch {sub} --help` оны атаса"
        ),
        Said::PassAsValue(a, b) => format!("'{a}' мәнін беру үшін '{b}' деп жазыңыз"),
        Said::RemoveDashes(c) => {
            format!("'{c}' ішкі командасы бар: оның алдындағы '--' алып тастаңыз")
        }
        Said::Exists(c) => format!("'{c}' бар"),
        Said::Value(p) => match p {
            ValueProblem::PollTooShort(ms) => format!(
                "{ms} мс тым қысқа: 250 не одан көп беріңіз (миллисекунд, мысалы --poll 1000)"
            ),
            ValueProblem::PollNotNumber(v) => {
                format!("{v:?} миллисекунд саны емес: мысалы --poll 1000 беріңіз")
            }
            ValueProblem::Currency(v) => {
                format!("белгісіз валюта {v:?}: KZT, USD, EUR не CNY беріңіз")
            }
            ValueProblem::Speed(v) => format!("{v:?} 0 мен 1024 аралығындағы жылдамдық емес"),
            ValueProblem::WindowShape(v) => {
                format!("{v:?}: БАСЫ+ҰЗАҚТЫҒЫ түрінде секундпен жазыңыз, мысалы 20+15")
            }
            ValueProblem::Seconds(v) => format!("{v:?} секунд саны емес"),
            ValueProblem::OutOfRange { value, min, max } => {
                format!("{value} рұқсат етілген аралықтан тыс: {min}-ден {max}-ге дейін")
            }
            ValueProblem::NotInteger(_) => "бұл теріс емес бүтін сан емес".into(),
            ValueProblem::TooLarge => "сан тым үлкен".into(),
            ValueProblem::NotNumber => "бұл сан емес".into(),
            ValueProblem::NotAddress => {
                "бұл ХОСТ:ПОРТ түріндегі мекенжай емес (мысалы 127.0.0.1:9184)".into()
            }
        },
        Said::Verbatim(t) => t.clone(),
        Said::Journal(e) => kk_journal(e),
        Said::Verify(e) => match e {
            VerifyError::Missing(p) => {
                format!("{} журналы табылмады (жолды тексеріңіз)", p.display())
            }
            VerifyError::Unreadable { path, detail } => format!(
                "{} журнал ретінде оқылмайды: {}",
                path.display(),
                sqlite_words(detail, Lang::Kk)
            ),
            VerifyError::NotAJournal(p) => {
                format!("{} lotwatch журналы емес (онда басқа кестелер бар)", p.display())
            }
            VerifyError::NewerSchema { path, found } => kk_newer(path, *found),
            VerifyError::Sqlite { path, source } => {
                format!("{} журналы: {}", path.display(), sqlite_error(source, Lang::Kk))
            }
        },
        Said::Log(l) => format!(
            "{} {} {}: {} (--log-file арқылы басқасын беріңіз)",
            if l.dir { "лог каталогы" } else { "лог файлы" },
            l.path.display(),
            if l.dir { "жасалмады" } else { "ашылмады" },
            io_error(&l.io, Lang::Kk)
        ),
        Said::Metrics(b) => format!(
            "метрикалар {} мекенжайында берілмейді: {} (басқа --metrics ADDR беріңіз)",
            b.addr,
            io_error(&b.io, Lang::Kk)
        ),
        Said::Engine(e) => match e {
            EngineConfigError::FixedWithoutRate => {
                "--rates fixed кемінде бір --rate ВАЛЮТА=БАҒАМ қажет етеді".into()
            }
            EngineConfigError::Rate(r) => match r {
                FixedRateError::Shape(a) => {
                    format!("--rate {a:?}: ВАЛЮТА=БАҒАМ күтіледі, мысалы USD=519.53")
                }
                FixedRateError::UnknownCurrency { arg, code } => {
                    format!("--rate {arg:?}: белгісіз валюта {code:?} (USD, EUR не CNY)")
                }
                FixedRateError::Base(a) => {
                    format!("--rate {a:?}: теңге — негізгі валюта, оған бағам керек емес")
                }
                FixedRateError::Value { arg, value } => format!(
                    "--rate {arg:?}: {value:?} 519.53 сияқты оң ондық сан емес"
                ),
                FixedRateError::Twice(c) => format!("--rate: {c} екі рет берілген"),
            },
        },
        Said::Tool(t) => match t {
            Tool::SnapshotNeedsUrl => "--url URL қажет (snapshot нақты платформаны оқиды; симуляторды `lotwatch serve` іске қосады)".into(),
            Tool::GaveUp => " (әрекет тоқтатылды: ең көбі 3 әрекет не 2 минут күту; кейінірек қайталаңыз)".into(),
            Tool::NoSuchAuction { wanted, held } => format!(
                "журналда {wanted:?} аукционы жоқ; онда бары: {}",
                if held.is_empty() { "ештеңе".to_string() } else { held.join(", ") }
            ),
            Tool::BadHead(h) => format!(
                "--head {h:?} SHA-256 тізбегінің басы емес (64 он алтылық цифр)"
            ),
            Tool::CannotWrite(e) => format!("экспорт жазылмады: {e}"),
            Tool::NothingToReplay(p) => format!(
                "{p} ішінде жазылған хабар жоқ: қайта ойнататын ештеңе жоқ (жолды тексеріңіз)"
            ),
            Tool::Waiting { secs, cause } => format!(
                "{secs} с күту: {}",
                cause
                    .as_deref()
                    .unwrap_or("сайт сұрауларды сиретуді сұрады (429)")
            ),
            Tool::BadFilter(why) => format!("--filter қате: {why}"),
            Tool::NoTerminal(why) => format!(
                "бұл терминалды қолдану мүмкін емес: {why} (стандартты шығыс терминал ма?)"
            ),
            Tool::Unreachable { cause, gave_up } => format!(
                "платформаға жету мүмкін болмады: {cause}{}",
                if *gave_up {
                    " (әрекет тоқтатылды: ең көбі 2 минут күту; кейінірек қайталаңыз)"
                } else {
                    ""
                }
            ),
            Tool::OnlyInWal {
                path,
                only,
                records,
            } => format!(
                "ескерту: {records} жазбаның {only} жазбасы файлдың өзінде емес, тек {path}-wal ішінде: {path} файлының жалғыз көшірмесінде олар болмас еді (бәрібір тексеруден өтер еді). -wal файлын онымен бірге сақтаңыз; оған жазатын монитор немесе `watch` жабылғанда lotwatch оны файлға қосады"
            ),
        },
    }
}

/// `'--a' параметрімен` / `'--a', '--b' параметрлерімен`.
fn with_kk(v: &[String]) -> String {
    format!(
        "{} {}",
        quoted(v),
        if v.len() == 1 {
            "параметрімен"
        } else {
            "параметрлерімен"
        }
    )
}

fn kk_newer(path: &Path, found: i64) -> String {
    format!(
        "{} журналын lotwatch-тың жаңарақ нұсқасы жазған (схема {found}, бұл нұсқа {} оқиды): lotwatch-ты жаңартыңыз",
        path.display(),
        crate::journal::schema::SCHEMA_VERSION
    )
}

fn kk_journal(e: &JournalError) -> String {
    match e {
        JournalError::Missing(p) => format!(
            "{} журналы табылмады (жолды тексеріңіз немесе журналды мониторда --journal арқылы жазыңыз)",
            p.display()
        ),
        JournalError::Corrupt { path, detail } => format!(
            "{} журналы бүлінген немесе lotwatch журналы емес ({}): жолды тексеріңіз; онда жаңа журнал жазу үшін алдымен бұл файлды басқа жерге жылжытыңыз",
            path.display(),
            sqlite_words(detail, Lang::Kk)
        ),
        JournalError::NotAFile { path, what } => format!(
            "{} — {}, журнал файлы емес: журналдың .sqlite файлының жолын беріңіз",
            path.display(),
            if what.contains("directory") {
                "каталог"
            } else {
                "құрылғы не арна"
            }
        ),
        JournalError::NotAJournal(p) => format!(
            "{} lotwatch журналы емес (онда басқа кестелер бар); --journal арқылы басқа жол беріңіз",
            p.display()
        ),
        JournalError::NewerSchema { path, found } => kk_newer(path, *found),
        JournalError::Sqlite { path, source } => {
            format!(
                "{} журналы: {}",
                path.display(),
                sqlite_error(source, Lang::Kk)
            )
        }
        JournalError::Dir { path, source } => format!(
            "{} журналы: оның каталогы жасалмады: {}",
            path.display(),
            io_error(source, Lang::Kk)
        ),
        JournalError::Create { path, source } => format!(
            "{} журналы: файл жасалмады: {}",
            path.display(),
            io_error(source, Lang::Kk)
        ),
        JournalError::NotAJournalUrl(u) => format!(
            "--journal {} URL-ге ұқсайды, бірақ postgres:// не postgresql:// емес (postgres://user@host/db URL-ін немесе схемасыз файл жолын беріңіз)",
            u.masked
        ),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests;
