//! What `snapshot`, `export`, `verify`, `protocol`, `replay`, `watch` and
//! the monitor say when they cannot go on, in Russian and Kazakh (English is
//! each error's own text): the journal's errors with SQLite's words for a
//! damaged file, the link cause, the rates given, the log file, the
//! metrics port, and the messages that have no error type (`Tool`).

use crate::domain::LinkCause;
use crate::journal::JournalError;
use crate::journal::verify::VerifyError;
use crate::rates::FixedRateError;
use crate::shell::engine_config::EngineConfigError;
use crate::ui::i18n::Lang;
use std::path::Path;

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

/// What the commands say, as data; `ru` and `kk` word it.
#[derive(Debug)]
enum Said<'a> {
    Journal(&'a JournalError),
    Verify(&'a VerifyError),
    Engine(&'a EngineConfigError),
    Metrics(&'a crate::shell::metrics::server::BindError),
    Log(&'a crate::shell::logging::LogFileError),
    Tool(Tool),
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
    match s {
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
    match s {
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
