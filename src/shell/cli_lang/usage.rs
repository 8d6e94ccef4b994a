//! clap's usage errors in Russian and Kazakh, worded from the error's kind
//! and the context clap gives (the option, the value, the possible values,
//! a similar name, a monitor option before a subcommand), never from its
//! English; and the values lotwatch checks itself (`ValueProblem`), which
//! clap keeps as the error's source.

use crate::ui::i18n::Lang;
use clap::error::{ContextKind, ContextValue, ErrorKind};

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
    let say = |s: &Usage| match lang {
        Lang::Kk => kk(s),
        _ => ru(s),
    };
    let mut out = format!("{}: {}", say(&Usage::ErrorWord), say(&said));
    let mut tips = Vec::new();
    for (kind, what) in [
        (ContextKind::SuggestedSubcommand, Similar::Subcommand),
        (ContextKind::SuggestedArg, Similar::Arg),
        (ContextKind::SuggestedValue, Similar::Value),
    ] {
        match e.get(kind) {
            Some(ContextValue::String(s)) => tips.push(Usage::Similar(what, vec![s.clone()])),
            Some(ContextValue::Strings(v)) if !v.is_empty() => {
                tips.push(Usage::Similar(what, v.clone()))
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
        tips.push(Usage::AfterSubcommand {
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
        out.push_str(&format!("\n  {}: {}", say(&Usage::TipWord), say(t)));
    }
    if let Some(ContextValue::StyledStr(u)) = e.get(ContextKind::Usage) {
        // clap's heading, then the usage lines, aligned under the new one.
        let head = say(&Usage::Heading);
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
    out.push_str(&format!("\n\n{}\n", say(&Usage::MoreHelp)));
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
fn said_of(e: &clap::Error) -> Option<Usage> {
    let arg = || string(e, ContextKind::InvalidArg).unwrap_or_default();
    let value = || string(e, ContextKind::InvalidValue).unwrap_or_default();
    Some(match e.kind() {
        ErrorKind::UnknownArgument => Usage::UnknownArg(arg()),
        ErrorKind::InvalidValue if value().is_empty() => {
            Usage::NoValue(arg(), strings(e, ContextKind::ValidValue))
        }
        ErrorKind::InvalidValue => {
            Usage::BadValue(arg(), value(), strings(e, ContextKind::ValidValue))
        }
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e).map(why_of);
            Usage::Invalid(arg(), value(), why.map(Box::new))
        }
        ErrorKind::InvalidSubcommand => {
            Usage::UnknownSubcommand(string(e, ContextKind::InvalidSubcommand).unwrap_or_default())
        }
        ErrorKind::MissingRequiredArgument => Usage::Missing(strings(e, ContextKind::InvalidArg)),
        ErrorKind::MissingSubcommand => Usage::NoSubcommand(
            string(e, ContextKind::InvalidSubcommand).unwrap_or_default(),
            strings(e, ContextKind::ValidSubcommand),
        ),
        ErrorKind::NoEquals => Usage::NoEquals(arg()),
        ErrorKind::TooManyValues => Usage::ExtraValue(arg(), value()),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => Usage::ValueCount {
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
                (Some(a), _) if prior == [a.clone()] => Usage::Twice(a),
                (Some(a), _) => Usage::Conflict(a, prior),
                (None, Some(s)) => Usage::SubcommandConflict(s, prior),
                (None, None) => Usage::Conflict(String::new(), prior),
            }
        }
        ErrorKind::InvalidUtf8 => Usage::NotUtf8,
        _ => return None,
    })
}

/// Why a value was refused, from the parser's error.
fn why_of(source: &(dyn std::error::Error + 'static)) -> Usage {
    if let Some(p) = source.downcast_ref::<ValueProblem>() {
        return Usage::Value(p.clone());
    }
    if let Some(p) = source.downcast_ref::<std::num::ParseIntError>() {
        use std::num::IntErrorKind;
        return Usage::Value(match p.kind() {
            IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => ValueProblem::TooLarge,
            _ => ValueProblem::NotInteger(p.to_string()),
        });
    }
    if source.is::<std::num::ParseFloatError>() {
        return Usage::Value(ValueProblem::NotNumber);
    }
    if source.is::<std::net::AddrParseError>() {
        return Usage::Value(ValueProblem::NotAddress);
    }
    Usage::Verbatim(source.to_string())
}

/// A tip clap wrote in English, said again from the names it quotes
/// (clap 4's three templates); another tip is kept as clap wrote it.
fn clap_tip(text: &str) -> Usage {
    let quoted: Vec<String> = text
        .split('\'')
        .skip(1)
        .step_by(2)
        .map(String::from)
        .collect();
    match quoted.as_slice() {
        [a, b] if text.starts_with("to pass ") => Usage::PassAsValue(a.clone(), b.clone()),
        [a, dashes] if text.starts_with("subcommand ") && dashes == "--" => {
            Usage::RemoveDashes(a.clone())
        }
        [a] if text.ends_with("' exists") => Usage::Exists(a.clone()),
        _ => Usage::Verbatim(text.to_string()),
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

/// Which kind of name clap found a similar one of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Similar {
    Subcommand,
    Arg,
    Value,
}

/// What a usage error says, as data; `ru` and `kk` word it.
#[derive(Debug)]
enum Usage {
    ErrorWord,
    TipWord,
    Heading,
    MoreHelp,
    UnknownArg(String),
    /// The option, its possible values.
    NoValue(String, Vec<String>),
    /// The option, the value, its possible values.
    BadValue(String, String, Vec<String>),
    /// The option, the value, why.
    Invalid(String, String, Option<Box<Usage>>),
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

fn ru(s: &Usage) -> String {
    let why = |w: &Option<Box<Usage>>| {
        w.as_ref()
            .map(|w| format!(": {}", ru(w)))
            .unwrap_or_default()
    };
    match s {
        Usage::ErrorWord => "ошибка".into(),
        Usage::TipWord => "подсказка".into(),
        Usage::Heading => "Использование".into(),
        Usage::MoreHelp => "Подробнее: '--help'.".into(),
        Usage::UnknownArg(a) => format!("неизвестный параметр '{a}'"),
        Usage::NoValue(a, v) => format!(
            "для '{a}' нужно значение, но оно не задано{}",
            values("допустимые значения", v)
        ),
        Usage::BadValue(a, x, v) => format!(
            "недопустимое значение '{x}' для '{a}'{}",
            values("допустимые значения", v)
        ),
        Usage::Invalid(a, x, w) => format!("недопустимое значение '{x}' для '{a}'{}", why(w)),
        Usage::UnknownSubcommand(c) => format!("неизвестная подкоманда '{c}'"),
        Usage::Missing(v) => format!(
            "не заданы обязательные параметры:{}",
            v.iter().map(|a| format!("\n  {a}")).collect::<String>()
        ),
        Usage::NoSubcommand(c, v) => format!(
            "'{c}' требует подкоманду, но она не задана{}",
            values("подкоманды", v)
        ),
        Usage::NoEquals(a) => format!("значение '{a}' задаётся через знак '='"),
        Usage::ExtraValue(a, x) => format!("лишнее значение '{x}' для '{a}'"),
        Usage::ValueCount { arg, wanted, given } => {
            format!("для '{arg}' нужно значений: {wanted}, а задано: {given}")
        }
        Usage::Twice(a) => format!("параметр '{a}' нельзя задать дважды"),
        Usage::Conflict(a, v) => {
            format!("параметр '{a}' нельзя использовать вместе с {}", quoted(v))
        }
        Usage::SubcommandConflict(c, v) => {
            format!(
                "подкоманду '{c}' нельзя использовать вместе с {}",
                quoted(v)
            )
        }
        Usage::NotUtf8 => "аргумент не в кодировке UTF-8".into(),
        Usage::Similar(what, v) => format!(
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
        Usage::AfterSubcommand { option, sub, arg } => format!(
            "параметры перед подкомандой относятся к монитору: укажите {option} после `{sub}` (lotwatch {sub} {arg}), если `lotwatch {sub} --help` его называет"
        ),
        Usage::PassAsValue(a, b) => format!("чтобы передать '{a}' как значение, пишите '{b}'"),
        Usage::RemoveDashes(c) => format!("подкоманда '{c}' есть: уберите '--' перед ней"),
        Usage::Exists(c) => format!("есть '{c}'"),
        Usage::Value(p) => match p {
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
        Usage::Verbatim(t) => t.clone(),
    }
}

fn kk(s: &Usage) -> String {
    let why = |w: &Option<Box<Usage>>| {
        w.as_ref()
            .map(|w| format!(": {}", kk(w)))
            .unwrap_or_default()
    };
    match s {
        Usage::ErrorWord => "қате".into(),
        Usage::TipWord => "кеңес".into(),
        Usage::Heading => "Қолданылуы".into(),
        Usage::MoreHelp => "Толығырақ: '--help'.".into(),
        Usage::UnknownArg(a) => format!("белгісіз параметр '{a}'"),
        Usage::NoValue(a, v) => format!(
            "'{a}' үшін мән қажет, бірақ ол берілмеген{}",
            values("рұқсат етілген мәндер", v)
        ),
        Usage::BadValue(a, x, v) => format!(
            "'{a}' үшін '{x}' мәні жарамсыз{}",
            values("рұқсат етілген мәндер", v)
        ),
        Usage::Invalid(a, x, w) => format!("'{a}' үшін '{x}' мәні жарамсыз{}", why(w)),
        Usage::UnknownSubcommand(c) => format!("белгісіз ішкі команда '{c}'"),
        Usage::Missing(v) => format!(
            "міндетті параметрлер берілмеген:{}",
            v.iter().map(|a| format!("\n  {a}")).collect::<String>()
        ),
        Usage::NoSubcommand(c, v) => format!(
            "'{c}' ішкі команданы қажет етеді, бірақ ол берілмеген{}",
            values("ішкі командалар", v)
        ),
        Usage::NoEquals(a) => format!("'{a}' мәні '=' белгісі арқылы беріледі"),
        Usage::ExtraValue(a, x) => format!("'{a}' үшін артық '{x}' мәні"),
        Usage::ValueCount { arg, wanted, given } => {
            format!("'{arg}' үшін {wanted} мән қажет, берілгені: {given}")
        }
        Usage::Twice(a) => format!("'{a}' параметрін екі рет беруге болмайды"),
        Usage::Conflict(a, v) => {
            format!("'{a}' параметрін {} бірге қолдануға болмайды", with_kk(v))
        }
        Usage::SubcommandConflict(c, v) => {
            format!(
                "'{c}' ішкі командасын {} бірге қолдануға болмайды",
                with_kk(v)
            )
        }
        Usage::NotUtf8 => "аргумент UTF-8 кодтауында емес".into(),
        Usage::Similar(what, v) => format!(
            "{}: {}",
            match what {
                Similar::Subcommand => "ұқсас ішкі команда бар",
                Similar::Arg => "ұқсас параметр бар",
                Similar::Value => "ұқсас мән бар",
            },
            quoted(v)
        ),
        Usage::AfterSubcommand { option, sub, arg } => format!(
            "ішкі команда алдындағы параметрлер мониторға тиесілі: {option} параметрін `{sub}` сөзінен кейін жазыңыз (lotwatch {sub} {arg}), егер `lotwatch {sub} --help` оны атаса"
        ),
        Usage::PassAsValue(a, b) => format!("'{a}' мәнін беру үшін '{b}' деп жазыңыз"),
        Usage::RemoveDashes(c) => {
            format!("'{c}' ішкі командасы бар: оның алдындағы '--' алып тастаңыз")
        }
        Usage::Exists(c) => format!("'{c}' бар"),
        Usage::Value(p) => match p {
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
        Usage::Verbatim(t) => t.clone(),
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
