//! The configuration: the TOML file, the `LOTWATCH_*` variables and the
//! command line, merged with the precedence defaults < file < environment <
//! flags into one `Settings` the monitor runs with. Errors name the file,
//! line and key; the token never appears in them.

mod screens;
mod settings;
pub use settings::FileConfig;
pub(crate) use settings::SETTINGS;

use crate::app::Action;
use crate::app::lots::SortKey;
use crate::app::screens::{Column, Layouts};
use crate::domain::Currency;
use crate::platform::Token;
use crate::shell::cli::MonitorArgs;
use crate::ui::i18n::Lang;
use crate::ui::keys::{Key, Keymap};
use crate::ui::keyspec;
use crate::ui::theme::{Theme, ThemeName};
use clap::ArgMatches;
use clap::parser::ValueSource;
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The largest configuration file read (a config file is a few KB).
const MAX_CONFIG_BYTES: u64 = 256 * 1024;

/// A secret read from the file (the token; delivery passwords): `Debug`
/// never shows it.
#[derive(Deserialize, Clone, PartialEq, Eq, Default)]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(hidden)")
    }
}

impl FileConfig {
    /// The secrets this file holds, each with what it is: the token, the
    /// journal URL's password. Merge point: the alerts' `[notify_to]`
    /// delivery credentials (SMTP password, webhook token) join here, and
    /// so are checked (a file holding one must be private) and registered
    /// (`shell::secrets`) like the others.
    pub fn secrets(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(t) = self.token.as_ref().filter(|t| !t.0.trim().is_empty()) {
            out.push(("a token", t.0.clone()));
        }
        if let Some(j) = self.journal.as_ref().and_then(|p| p.to_str()) {
            for p in crate::journal::target::passwords(j) {
                out.push(("a database password", p.decoded));
                out.push(("a database password", p.raw));
            }
        }
        if let Some(n) = &self.notify_to {
            out.extend(n.secrets());
        }
        out
    }
}

/// An action's configuration name, checked as the file is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ActionName(usize);

impl ActionName {
    pub fn action(self) -> Action {
        Action::BINDABLE[self.0]
    }
}

impl<'de> Deserialize<'de> for ActionName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Action::BINDABLE
            .iter()
            .position(|a| a.name() == s)
            .map(ActionName)
            .ok_or_else(|| {
                let names: Vec<String> = Action::BINDABLE
                    .iter()
                    .map(|a| a.name().into_owned())
                    .collect();
                serde::de::Error::custom(format!(
                    "unknown action {s:?}, expected one of: {}",
                    names.join(", ")
                ))
            })
    }
}

/// The keys bound to one action (an empty list unbinds it).
#[derive(Clone, Debug, PartialEq)]
pub struct KeyList(pub Vec<Key>);

impl<'de> Deserialize<'de> for KeyList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let specs = Vec::<String>::deserialize(d)?;
        specs
            .iter()
            .map(|s| keyspec::parse(s).map_err(serde::de::Error::custom))
            .collect::<Result<Vec<_>, _>>()
            .map(KeyList)
    }
}

fn de_poll<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let v = u64::deserialize(d)?;
    parse_poll(&v.to_string())
        .map(Some)
        .map_err(serde::de::Error::custom)
}

fn de_alert_minutes<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    let v = u64::deserialize(d)?;
    parse_alert_minutes(&v.to_string())
        .map(Some)
        .map_err(serde::de::Error::custom)
}

/// Minutes before a close to alert at: 1 to 1440, as the flag takes them.
fn parse_alert_minutes(s: &str) -> Result<u32, String> {
    match s.trim().parse::<u32>() {
        Ok(v) if (1..=1440).contains(&v) => Ok(v),
        _ => Err(format!("{s:?}: expected whole minutes, 1 to 1440")),
    }
}

fn de_currency<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Currency>, D::Error> {
    let s = String::deserialize(d)?;
    parse_currency(&s)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

fn de_notify<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<crate::shell::notify::NotifyMode>, D::Error> {
    let s = String::deserialize(d)?;
    crate::shell::notify::NotifyMode::parse(&s)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

fn de_sort<'de, D: Deserializer<'de>>(d: D) -> Result<Option<(SortKey, bool)>, D::Error> {
    let s = String::deserialize(d)?;
    parse_sort(&s).map(Some).map_err(serde::de::Error::custom)
}

fn parse_sort(s: &str) -> Result<(SortKey, bool), String> {
    SortKey::parse_spec(s).ok_or_else(|| {
        let names: Vec<&str> = SortKey::ALL.iter().map(|k| k.name()).collect();
        format!(
            "{s:?} is not a sort: expected a column ({}) and optionally asc or desc",
            names.join(", ")
        )
    })
}

fn de_fixed_rates<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<BTreeMap<String, String>>, D::Error> {
    let m = BTreeMap::<String, String>::deserialize(d)?;
    let as_args: Vec<String> = m.iter().map(|(k, v)| format!("{k}={v}")).collect();
    crate::rates::parse_fixed_rates(&as_args).map_err(serde::de::Error::custom)?;
    Ok(Some(m))
}

fn parse_poll(s: &str) -> Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(v) if v >= 250 => Ok(v),
        _ => Err(format!(
            "{s:?} is not a poll period: expected milliseconds, at least 250"
        )),
    }
}

fn parse_currency(s: &str) -> Result<Currency, String> {
    Currency::from_code(s)
        .ok_or_else(|| format!("unknown currency {s:?}: expected KZT, USD, EUR or CNY"))
}

/// The interface language before the configuration is read (to say why it
/// could not be): `--lang`, else `LOTWATCH_LANG` when valid, else the locale.
pub fn early_lang(flag: Option<Lang>, env: &dyn Fn(&str) -> Option<String>) -> Lang {
    flag.or_else(|| env("LOTWATCH_LANG").and_then(|v| Lang::parse(&v).ok()))
        .unwrap_or_else(|| Lang::from_locale(env))
}

/// What went wrong reading the configuration.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ConfigError {
    /// The file could not be read (missing when named explicitly, too large...).
    #[error("{}: {problem}", path.display())]
    Io { path: PathBuf, problem: String },
    /// The file is not valid: where, which key, and what was expected.
    #[error("{}:{line}: key `{key}`: {problem}", path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        key: String,
        problem: String,
    },
    /// A secret (token, password) in a file others can read.
    #[error(
        "{} holds {what} but its mode is {mode:o}: others can read it. Fix it with: chmod 600 {}",
        path.display(),
        path.display()
    )]
    Exposed {
        path: PathBuf,
        mode: u32,
        what: &'static str,
    },
    /// A `LOTWATCH_*` variable with an unusable value.
    #[error("environment variable {var}: {problem}")]
    Env { var: String, problem: String },
    /// A flag whose value only the configuration can check (`--layout`).
    #[error("{flag}: {problem}")]
    Flag { flag: String, problem: String },
}

impl ConfigError {
    /// The error as the screen shows it while the last good configuration
    /// stays in force: `config: line N: ...`.
    pub fn on_screen(&self) -> String {
        match self {
            ConfigError::Invalid {
                line, key, problem, ..
            } if key.is_empty() => format!("config: line {line}: {problem}"),
            ConfigError::Invalid {
                line, key, problem, ..
            } => format!("config: line {line}: key `{key}`: {problem}"),
            other => format!("config: {other}"),
        }
    }
}

impl ConfigError {
    /// The error in the interface language (`Display` is English). The
    /// problem's detail (a parser's words, the value expected) follows as
    /// the parser gives it.
    pub fn message(&self, lang: Lang) -> String {
        match (lang, self) {
            (Lang::En, e) => e.to_string(),
            (Lang::Ru, ConfigError::Io { path, problem }) => {
                format!("{}: не прочитан: {problem}", path.display())
            }
            (Lang::Kk, ConfigError::Io { path, problem }) => {
                format!("{}: оқылмады: {problem}", path.display())
            }
            (
                Lang::Ru,
                ConfigError::Invalid {
                    path,
                    line,
                    key,
                    problem,
                },
            ) => {
                format!("{}:{line}: ключ `{key}`: {problem}", path.display())
            }
            (
                Lang::Kk,
                ConfigError::Invalid {
                    path,
                    line,
                    key,
                    problem,
                },
            ) => {
                format!("{}:{line}: `{key}` кілті: {problem}", path.display())
            }
            (Lang::Ru, ConfigError::Exposed { path, mode, .. }) => format!(
                "{p} содержит секрет (токен или пароль), но его права {mode:o}: его могут прочитать другие. Исправьте: chmod 600 {p}",
                p = path.display()
            ),
            (Lang::Kk, ConfigError::Exposed { path, mode, .. }) => format!(
                "{p} ішінде құпия (токен не құпиясөз) бар, бірақ рұқсаттары {mode:o}: оны басқалар оқи алады. Түзету: chmod 600 {p}",
                p = path.display()
            ),
            (Lang::Ru, ConfigError::Env { var, problem }) => {
                format!("переменная окружения {var}: {problem}")
            }
            (Lang::Kk, ConfigError::Env { var, problem }) => {
                format!("{var} орта айнымалысы: {problem}")
            }
            // `--layout: ...`: the flag and the layouts' own words.
            (_, e @ ConfigError::Flag { .. }) => e.to_string(),
        }
    }

    /// An invalid-file error located at byte `span` of `text`.
    fn invalid(
        path: &Path,
        text: &str,
        span: Option<std::ops::Range<usize>>,
        problem: String,
    ) -> ConfigError {
        let (line, key) = match span {
            Some(r) => locate(text, r.start),
            None => (0, String::new()),
        };
        // Type errors quote the value they saw: never let a token through.
        let problem = if key == "token" || key.ends_with(".token") {
            "expected a string".to_string()
        } else {
            problem
        };
        ConfigError::Invalid {
            path: path.to_path_buf(),
            line,
            key,
            problem,
        }
    }
}

/// The 1-based line of byte `at`, and the dotted key written on that line
/// (with the `[table]` it sits in).
fn locate(text: &str, at: usize) -> (usize, String) {
    let at = at.min(text.len());
    let before = text.get(..at).unwrap_or("");
    let line_no = before.matches('\n').count() + 1;
    let mut table = String::new();
    for l in before.lines() {
        let t = l.trim();
        if t.starts_with('[')
            && !t.starts_with("[[")
            && let Some(end) = t.find(']')
        {
            table = t[1..end].trim().to_string();
        }
    }
    let line = text.lines().nth(line_no - 1).unwrap_or("");
    let t = line.trim();
    let key = if t.starts_with('[') {
        t.trim_start_matches('[')
            .split(']')
            .next()
            .unwrap_or("")
            .trim()
            .to_string()
    } else {
        let k = t.split('=').next().unwrap_or("").trim().trim_matches('"');
        if table.is_empty() {
            k.to_string()
        } else if k.is_empty() {
            table
        } else {
            format!("{table}.{k}")
        }
    };
    (line_no, key)
}

/// Reads and checks one configuration file.
fn load_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let io = |problem: String| ConfigError::Io {
        path: path.to_path_buf(),
        problem,
    };
    let meta = std::fs::metadata(path).map_err(|e| io(format!("cannot read: {e}")))?;
    if meta.len() > MAX_CONFIG_BYTES {
        return Err(io(format!(
            "larger than {MAX_CONFIG_BYTES} bytes: not a configuration file"
        )));
    }
    let text = std::fs::read_to_string(path).map_err(|e| io(format!("cannot read: {e}")))?;
    let cfg = parse(path, &text)?;
    check_alerts(path, &text, &cfg)?;
    let secrets = cfg.secrets();
    if let Some((what, _)) = secrets.first() {
        check_private(path, &meta, what)?;
    }
    for (_, s) in &secrets {
        crate::shell::secrets::register(s);
    }
    Ok(cfg)
}

/// The `[[rule]]` tables and `[notify_to]`: names given once, filters that
/// parse, events named, delivery targets usable (no secret in the message).
fn check_alerts(path: &Path, text: &str, cfg: &FileConfig) -> Result<(), ConfigError> {
    // The line of the table the problem is in (the first that names it).
    let line_of = |needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .map_or(0, |i| i + 1)
    };
    let bad = |key: &str, problem: String| {
        let needle = match key {
            "notify_to" => "[notify_to]".to_string(),
            _ => problem
                .split('"')
                .nth(1)
                .map(|n| format!("\"{n}\""))
                .unwrap_or_else(|| "[[rule]]".into()),
        };
        ConfigError::Invalid {
            path: path.to_path_buf(),
            line: line_of(&needle),
            key: key.to_string(),
            problem,
        }
    };
    let rules = cfg.rule.as_deref().unwrap_or_default();
    if rules.len() > crate::app::rules::MAX_RULES {
        return Err(bad(
            "rule",
            format!("at most {} rules", crate::app::rules::MAX_RULES),
        ));
    }
    let mut names = std::collections::HashSet::new();
    for r in rules {
        if r.name.trim().is_empty() || r.name.chars().count() > 64 {
            return Err(bad(
                "rule.name",
                "a rule needs a name of 1 to 64 characters".into(),
            ));
        }
        if !names.insert(r.name.as_str()) {
            return Err(bad("rule.name", format!("{:?} names two rules", r.name)));
        }
        if r.on.is_empty() {
            return Err(bad(
                "rule.on",
                format!(
                    "rule {:?}: `on` names no event (new, changed, deadline, closing, outbid, extension, result)",
                    r.name
                ),
            ));
        }
        if let Err(e) = crate::app::filter::Filter::parse(&r.filter) {
            return Err(bad("rule.filter", format!("rule {:?}: {e}", r.name)));
        }
    }
    if let Some(n) = &cfg.notify_to {
        n.check().map_err(|p| bad("notify_to", p))?;
    }
    Ok(())
}

/// Parses configuration text; `path` is only for the messages.
pub fn parse(path: &Path, text: &str) -> Result<FileConfig, ConfigError> {
    toml::from_str::<FileConfig>(text)
        .map_err(|e| ConfigError::invalid(path, text, e.span(), e.message().to_string()))
}

#[cfg(unix)]
fn check_private(
    path: &Path,
    meta: &std::fs::Metadata,
    what: &'static str,
) -> Result<(), ConfigError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(ConfigError::Exposed {
            path: path.to_path_buf(),
            mode,
            what,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_: &Path, _: &std::fs::Metadata, _: &'static str) -> Result<(), ConfigError> {
    Ok(())
}

/// Where the configuration file is looked for when none is named.
pub fn default_path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("lotwatch").join("config.toml"))
}

/// Everything the monitor runs with, after merging all sources.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The monitor options with every source applied.
    pub args: MonitorArgs,
    pub token: Option<Token>,
    pub keymap: Keymap,
    pub theme_name: ThemeName,
    pub no_color: bool,
    /// The interface language: flag, file, `LOTWATCH_LANG`, else the locale.
    pub lang: Lang,
    /// The lots' sort at start (column, descending).
    pub sort: Option<(SortKey, bool)>,
    /// The file that was read, if any.
    pub config_file: Option<PathBuf>,
    /// The layouts to cycle through, with the one chosen in force.
    pub layouts: Layouts,
    /// The lots pane's columns (`[columns] lots`); None: chosen by width.
    pub columns: Option<Vec<Column>>,
    /// What a reload starts from: the command line as given.
    reload: Reload,
    /// The `[[rule]]` alerts.
    pub rules: Vec<crate::app::rules::Rule>,
    /// Where alerts are delivered off the screen.
    pub notify_to: Option<crate::shell::deliver::NotifyTo>,
}

/// The command line's part of the settings, kept so that a reload of the
/// file merges it again with the same precedence.
#[derive(Debug, Clone, Default)]
struct Reload {
    args: MonitorArgs,
    given: Vec<&'static str>,
}

/// Where settings came from is not part of their value: two equal
/// configurations compare equal whichever command line produced them.
impl PartialEq for Reload {
    fn eq(&self, _: &Reload) -> bool {
        true
    }
}

impl Settings {
    /// The settings again from the file as it is now, with the same
    /// environment and command line: what a live reload applies.
    pub fn reload(&self, env: &dyn Fn(&str) -> Option<String>) -> Result<Settings, ConfigError> {
        let given = |id: &str| self.reload.given.contains(&id);
        let mut s = resolve_with(&given, self.reload.args.clone(), env)?;
        s.reload = self.reload.clone();
        Ok(s)
    }

    /// The file a reload reads: the one in use, else the default one
    /// (which may appear later).
    pub fn watched_file(&self) -> Option<PathBuf> {
        self.config_file.clone().or_else(default_path)
    }

    /// The settings that changed from `self` to `new` but apply only at the
    /// next start (the link, the journal, the metrics endpoint...), by
    /// their config names.
    pub fn needs_restart(&self, new: &Settings) -> Vec<&'static str> {
        let (a, b) = (&self.args, &new.args);
        // The live monitor applies `alert_minutes` and `on_alert`
        // (`Driver::applies_live`); the screen applies `notify` and
        // `notify_always` in every mode, the live monitor also the rules and
        // `[notify_to]`.
        let mut out: Vec<&'static str> = SETTINGS
            .iter()
            .filter(|s| s.restart.is_some_and(|changed| changed(a, b)))
            .map(|s| s.key)
            .collect();
        if a.on_alert != b.on_alert {
            out.push("on_alert");
        }
        if self.token != new.token {
            out.push("token");
        }
        out
    }

    /// Puts the screen the user chose (layouts, columns) into `app`.
    pub fn screen_into(&self, app: &mut crate::app::App) {
        app.set_layouts(self.layouts.clone());
        app.set_columns(self.columns.clone());
    }

    /// The theme to draw with.
    pub fn theme(&self) -> Theme {
        Theme::named(self.theme_name, self.no_color)
    }

    /// What the view draws with: key bindings, theme and language.
    pub fn view(&self) -> crate::ui::View {
        crate::ui::View {
            keys: self.keymap.clone(),
            theme: self.theme(),
            lang: self.lang,
        }
    }

    /// The app's start-up options; `demo` for the embedded simulator's day
    /// (shown in dollars unless the user chose a currency).
    pub fn app_options(&self, demo: bool) -> crate::app::AppOptions {
        let a = &self.args;
        crate::app::AppOptions {
            demo,
            insecure: a.insecure,
            me: a.me.clone(),
            currency: a
                .currency
                .unwrap_or(if demo { Currency::Usd } else { Currency::Kzt }),
            watchlist: a.watchlist.clone(),
            skew_threshold_ms: a.skew_threshold,
            unreachable_after_ms: a.unreachable_after.saturating_mul(1000),
            alert_minutes: a.alert_minutes,
            mouse: !a.no_mouse,
            collation: self.lang.collation(),
            rules: self.rules.clone(),
        }
    }

    /// What alerts write to the terminal.
    pub fn notifier(&self, env: &dyn Fn(&str) -> Option<String>) -> crate::shell::notify::Notifier {
        crate::shell::notify::Notifier::new(
            self.args.notify.unwrap_or_default(),
            self.args.notify_always,
            env,
        )
    }
}

/// The flags of the table's keys that `given` says the command line set.
fn flags_given(given: &dyn Fn(&str) -> bool) -> Vec<&'static str> {
    SETTINGS
        .iter()
        .filter_map(|s| s.flag)
        .filter(|id| given(id))
        .collect()
}

/// Merges defaults < file < environment < flags. `matches` are the parsed
/// top-level arguments (to tell flags given from defaults), `args` the
/// monitor options they hold, `env` looks up an environment variable.
pub fn resolve(
    matches: &ArgMatches,
    args: MonitorArgs,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Settings, ConfigError> {
    let given = |id: &str| matches!(matches.value_source(id), Some(ValueSource::CommandLine));
    let reload = Reload {
        args: args.clone(),
        given: flags_given(&given),
    };
    let mut s = resolve_with(&given, args, env)?;
    s.reload = reload;
    Ok(s)
}

/// The settings a replay draws with (key bindings, theme, language and
/// notifications from the config file and the environment, as the monitor
/// has them); `lang` is `replay --lang`, which wins.
pub fn resolve_for_replay(
    lang: Option<Lang>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Settings, ConfigError> {
    let args = MonitorArgs {
        language: lang,
        ..MonitorArgs::default()
    };
    let given = |id: &str| id == "language" && lang.is_some();
    let reload = Reload {
        args: args.clone(),
        given: flags_given(&given),
    };
    let mut s = resolve_with(&given, args, env)?;
    s.reload = reload;
    Ok(s)
}

/// `resolve`, where `given(id)` says whether the command line set `id`.
fn resolve_with(
    given: &dyn Fn(&str) -> bool,
    args: MonitorArgs,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Settings, ConfigError> {
    let env_nonempty = |k: &str| env(k).filter(|v| !v.is_empty());
    let explicit_path = args
        .config
        .clone()
        .or_else(|| env_nonempty("LOTWATCH_CONFIG").map(PathBuf::from));
    let (file, config_file) = match explicit_path {
        Some(p) => (load_file(&p)?, Some(p)),
        None => match default_path().filter(|p| p.is_file()) {
            Some(p) => (load_file(&p)?, Some(p)),
            None => (FileConfig::default(), None),
        },
    };
    let envc = settings::from_env(&env_nonempty)?;
    let layered = settings::overlay(file.clone(), envc);
    let mut a = args;
    settings::take(&layered, &mut a, given);
    if a.journal.is_some() && a.no_journal && given("journal") {
        a.no_journal = false;
    }
    a.theme = Some(a.theme.unwrap_or_default());
    let lang = a
        .language
        .unwrap_or_else(|| Lang::from_locale(&env_nonempty));
    // The site in the user's language unless `site_lang` says otherwise.
    if !given("site_lang") && layered.site_lang.is_none() && lang == Lang::Kk {
        a.site_lang = crate::shell::source::SiteLangArg::Kz;
    }
    let mut keymap = Keymap::default();
    if let Some(keys) = &file.keys {
        for (name, list) in keys {
            keymap.bind(name.action(), &list.0);
        }
    }
    let token = env("LOTWATCH_TOKEN")
        .and_then(Token::new)
        .or_else(|| file.token.clone().and_then(|t| Token::new(t.0)));
    register_secrets(&a, env, &file);
    let user_layouts = layered.layout.clone().unwrap_or_default();
    let chosen = if given("layout") {
        a.layout.clone()
    } else {
        user_layouts.chosen.clone()
    };
    let layouts = Layouts::new(user_layouts.user, chosen.as_deref()).map_err(|problem| {
        if given("layout") {
            ConfigError::Flag {
                flag: "--layout".into(),
                problem,
            }
        } else {
            ConfigError::Env {
                var: "LOTWATCH_LAYOUT".into(),
                problem,
            }
        }
    })?;
    Ok(Settings {
        layouts,
        columns: file.columns.as_ref().and_then(|c| c.lots.clone()),
        reload: Reload {
            args: MonitorArgs::default(),
            given: Vec::new(),
        },
        theme_name: a.theme.unwrap_or_default(),
        no_color: crate::ui::theme::no_color_requested(env("NO_COLOR").as_deref()),
        lang,
        sort: layered.sort,
        args: a,
        token,
        keymap,
        rules: file.rule.clone().unwrap_or_default(),
        notify_to: file.notify_to.clone(),
        config_file,
    })
}

/// Tells the secrets registry (`shell::secrets`) what this run holds: the
/// token, and the passwords of the journal's and the follower's URLs.
fn register_secrets(a: &MonitorArgs, env: &dyn Fn(&str) -> Option<String>, file: &FileConfig) {
    use crate::shell::secrets;
    if let Some(t) = env("LOTWATCH_TOKEN") {
        secrets::register(&t);
    }
    for (_, s) in file.secrets() {
        secrets::register(&s);
    }
    for p in [a.journal.as_ref(), a.follow.as_ref()]
        .into_iter()
        .flatten()
    {
        if let Some(s) = p.to_str() {
            secrets::register_url(s);
        }
    }
}

/// The token for the one-shot commands: `LOTWATCH_TOKEN`, else the config
/// file's (`LOTWATCH_CONFIG` or the default file), checked as for the monitor.
pub fn tool_token(env: &dyn Fn(&str) -> Option<String>) -> Result<Option<Token>, ConfigError> {
    if let Some(raw) = env("LOTWATCH_TOKEN") {
        crate::shell::secrets::register(&raw);
    }
    if let Some(t) = env("LOTWATCH_TOKEN").and_then(Token::new) {
        return Ok(Some(t));
    }
    let path = env("LOTWATCH_CONFIG")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| default_path().filter(|p| p.is_file()));
    match path {
        Some(p) => {
            // load_file registered it.
            Ok(load_file(&p)?.token.and_then(|t| Token::new(t.0)))
        }
        None => Ok(None),
    }
}

/// The commented default file `lotwatch config --default` prints. Keys with
/// a default are written out; the others are commented.
pub fn default_file() -> String {
    let mut s = String::from(
        "# lotwatch configuration (TOML). Precedence: defaults < this file <
# LOTWATCH_* environment variables < command-line flags.
# See docs/configuration.md for every key.
",
    );
    s.push_str(&settings::default_lines());
    let km = Keymap::default();
    for a in Action::BINDABLE {
        let keys: Vec<String> = km
            .keys_for(a)
            .map(|k| format!("{:?}", keyspec::format(k)))
            .collect();
        s.push_str(&format!("{} = [{}]\n", a.name(), keys.join(", ")));
    }
    s
}

#[cfg(test)]
mod tests;
