//! The configuration: the TOML file, the `LOTWATCH_*` variables and the
//! command line, merged with the precedence defaults < file < environment <
//! flags into one `Settings` the monitor runs with. Errors name the file,
//! line and key; the token never appears in them.

pub mod keyspec;
mod screens;
pub use screens::{ColumnsConfig, LayoutConfig};

use crate::app::Action;
use crate::app::lots::SortKey;
use crate::app::screens::{Column, Layouts};
use crate::domain::Currency;
use crate::platform::Token;
use crate::shell::cli::{MonitorArgs, RatesArg};
use crate::ui::i18n::Lang;
use crate::ui::keys::{Key, Keymap};
use crate::ui::theme::{Theme, ThemeName};
use clap::ArgMatches;
use clap::parser::ValueSource;
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The largest configuration file read (a config file is a few KB).
const MAX_CONFIG_BYTES: u64 = 256 * 1024;

/// The file's keys: every monitor option, plus the token and key bindings.
#[derive(Deserialize, Default, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub url: Option<String>,
    /// `api` or `sauda`, or a list of them, each perhaps `KIND=URL`
    /// (docs/sources.md).
    #[serde(default, deserialize_with = "crate::shell::source::de_source_list")]
    pub source: Option<Vec<crate::shell::source::SourceSpec>>,
    /// The sauda site's language: `ru`, `kz` or `en`.
    pub site_lang: Option<crate::shell::source::SiteLangArg>,
    /// Ms between two requests to the sauda site (at least 500 to a real host).
    pub site_gap: Option<u64>,
    #[serde(default, deserialize_with = "de_poll")]
    pub poll: Option<u64>,
    #[serde(default, deserialize_with = "de_currency")]
    pub currency: Option<Currency>,
    pub me: Option<String>,
    pub skew_threshold: Option<u64>,
    pub unreachable_after: Option<u64>,
    pub rates: Option<RatesArg>,
    pub rates_url: Option<String>,
    /// `[fixed_rates]` USD = "519.53"
    #[serde(default, deserialize_with = "de_fixed_rates")]
    pub fixed_rates: Option<BTreeMap<String, String>>,
    pub watchlist: Option<Vec<String>>,
    pub theme: Option<ThemeName>,
    pub language: Option<Lang>,
    /// The lots' sort at start: `"high_bid desc"`.
    #[serde(default, deserialize_with = "de_sort")]
    pub sort: Option<(SortKey, bool)>,
    // Merge point: the alerts branch adds `--alert-minutes`; resolve() fills
    // `Settings::alert_minutes` from here until that flag exists.
    pub alert_minutes: Option<u32>,
    pub ca_cert: Option<PathBuf>,
    pub insecure: Option<bool>,
    pub log_file: Option<PathBuf>,
    pub journal: Option<PathBuf>,
    pub no_journal: Option<bool>,
    pub mouse: Option<bool>,
    /// Terminal notifications for alerts: auto, osc9, osc777, bell or off.
    #[serde(default, deserialize_with = "de_notify")]
    pub notify: Option<crate::shell::notify::NotifyMode>,
    pub notify_always: Option<bool>,
    /// Serve Prometheus metrics on this address (`"127.0.0.1:9184"`).
    pub metrics: Option<std::net::SocketAddr>,
    pub token: Option<Secret>,
    pub keys: Option<BTreeMap<ActionName, KeyList>>,
    /// `layout = "official"`, or `[layout]` with `use = "NAME"` and the
    /// user's own `[layout.NAME]` tables.
    #[serde(default, deserialize_with = "screens::de_layout")]
    pub layout: Option<LayoutConfig>,
    /// `[columns] lots = [...]`: the lots pane's columns, in order.
    pub columns: Option<ColumnsConfig>,
    /// `[[rule]]` tables: alerts in the filter language (file only).
    pub rule: Option<Vec<crate::app::rules::Rule>>,
    /// `[notify_to]`: where alerts are delivered (file only).
    pub notify_to: Option<crate::shell::deliver::NotifyTo>,
}

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
pub fn load_file(path: &Path) -> Result<FileConfig, ConfigError> {
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
    pub alert_minutes: Option<u32>,
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

/// Every id `resolve_with` asks `given` about.
const GIVEN_IDS: [&str; 25] = [
    "url",
    "source",
    "site_lang",
    "poll",
    "currency",
    "me",
    "skew_threshold",
    "unreachable_after",
    "rates",
    "rates_url",
    "watchlist",
    "theme",
    "language",
    "ca_cert",
    "insecure",
    "log_file",
    "journal",
    "no_journal",
    "notify",
    "notify_always",
    "metrics",
    "no_mouse",
    "fixed_rates",
    "layout",
    "alert_minutes",
];

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
        let mut out = Vec::new();
        macro_rules! cmp {
            ($($f:ident => $name:literal),* $(,)?) => {
                $(if a.$f != b.$f { out.push($name); })*
            };
        }
        cmp!(
            url => "url",
            source => "source",
            site_lang => "site_lang",
            poll => "poll",
            currency => "currency",
            me => "me",
            skew_threshold => "skew_threshold",
            unreachable_after => "unreachable_after",
            rates => "rates",
            rates_url => "rates_url",
            fixed_rates => "fixed_rates",
            watchlist => "watchlist",
            ca_cert => "ca_cert",
            insecure => "insecure",
            log_file => "log_file",
            journal => "journal",
            no_journal => "no_journal",
            no_mouse => "mouse",
            metrics => "metrics",
            // The live monitor applies these (`Driver::applies_live`); the
            // screen applies `notify` and `notify_always` in every mode, the
            // live monitor also the rules and `[notify_to]`.
            alert_minutes => "alert_minutes",
            on_alert => "on_alert",
        );
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
        given: GIVEN_IDS.into_iter().filter(|id| given(id)).collect(),
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
        given: GIVEN_IDS.into_iter().filter(|id| given(id)).collect(),
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
    let envc = from_env(&env_nonempty)?;
    let layered = overlay(file.clone(), envc);
    let mut a = args;
    macro_rules! take {
        ($field:ident, $id:literal, $conv:expr) => {
            if !given($id) {
                if let Some(v) = layered.$field.clone() {
                    a.$field = $conv(v);
                }
            }
        };
    }
    take!(url, "url", Some);
    take!(source, "source", |v| v);
    take!(site_lang, "site_lang", |v| v);
    take!(site_gap, "site_gap", Some);
    take!(poll, "poll", |v| v);
    take!(currency, "currency", Some);
    take!(me, "me", Some);
    take!(skew_threshold, "skew_threshold", |v| v);
    take!(unreachable_after, "unreachable_after", |v| v);
    take!(rates, "rates", |v| v);
    take!(rates_url, "rates_url", Some);
    take!(watchlist, "watchlist", |v| v);
    take!(theme, "theme", Some);
    take!(language, "language", Some);
    take!(ca_cert, "ca_cert", Some);
    take!(insecure, "insecure", |v| v);
    take!(log_file, "log_file", Some);
    take!(journal, "journal", Some);
    take!(no_journal, "no_journal", |v| v);
    take!(notify, "notify", Some);
    take!(notify_always, "notify_always", |v| v);
    take!(metrics, "metrics", Some);
    if !given("no_mouse")
        && let Some(on) = layered.mouse
    {
        a.no_mouse = !on;
    }
    if !given("fixed_rates")
        && let Some(m) = &layered.fixed_rates
    {
        a.fixed_rates = m.iter().map(|(k, v)| format!("{k}={v}")).collect();
    }
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
        alert_minutes: layered.alert_minutes,
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

/// The `LOTWATCH_*` variables as a configuration layer.
fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Result<FileConfig, ConfigError> {
    fn conv<T, E: std::fmt::Display>(
        var: &str,
        v: Option<String>,
        f: impl Fn(&str) -> Result<T, E>,
    ) -> Result<Option<T>, ConfigError> {
        v.map(|s| {
            f(&s).map_err(|problem| ConfigError::Env {
                var: var.to_string(),
                problem: problem.to_string(),
            })
        })
        .transpose()
    }
    let list = |s: &str| -> Result<Vec<String>, String> {
        Ok(s.split(',')
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(String::from)
            .collect())
    };
    let boolean = |s: &str| match s.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(format!("{s:?} is not a boolean: expected true or false")),
    };
    let text = |s: &str| Ok::<_, String>(s.to_string());
    let whole = |s: &str| {
        s.trim()
            .parse::<u64>()
            .map_err(|_| format!("{s:?}: expected a whole number"))
    };
    let path = |s: &str| Ok::<_, String>(PathBuf::from(s));
    Ok(FileConfig {
        url: conv("LOTWATCH_URL", env("LOTWATCH_URL"), text)?,
        source: conv("LOTWATCH_SOURCE", env("LOTWATCH_SOURCE"), |s| {
            // Several sources: KIND[=URL] separated by commas.
            s.split(',')
                .map(crate::shell::source::parse_source_spec)
                .collect::<Result<Vec<_>, _>>()
        })?,
        site_lang: conv("LOTWATCH_SITE_LANG", env("LOTWATCH_SITE_LANG"), |s| {
            <crate::shell::source::SiteLangArg as clap::ValueEnum>::from_str(s, true)
                .map_err(|_| format!("{s:?}: expected ru, kz or en"))
        })?,
        site_gap: conv("LOTWATCH_SITE_GAP", env("LOTWATCH_SITE_GAP"), whole)?,
        poll: conv("LOTWATCH_POLL", env("LOTWATCH_POLL"), parse_poll)?,
        currency: conv(
            "LOTWATCH_CURRENCY",
            env("LOTWATCH_CURRENCY"),
            parse_currency,
        )?,
        me: conv("LOTWATCH_ME", env("LOTWATCH_ME"), text)?,
        skew_threshold: conv(
            "LOTWATCH_SKEW_THRESHOLD",
            env("LOTWATCH_SKEW_THRESHOLD"),
            whole,
        )?,
        unreachable_after: conv(
            "LOTWATCH_UNREACHABLE_AFTER",
            env("LOTWATCH_UNREACHABLE_AFTER"),
            whole,
        )?,
        rates: conv("LOTWATCH_RATES", env("LOTWATCH_RATES"), |s| {
            <RatesArg as clap::ValueEnum>::from_str(s, true)
                .map_err(|_| format!("{s:?}: expected platform, nbk or fixed"))
        })?,
        rates_url: conv("LOTWATCH_RATES_URL", env("LOTWATCH_RATES_URL"), text)?,
        fixed_rates: conv("LOTWATCH_RATE", env("LOTWATCH_RATE"), |s| {
            list(s)?
                .into_iter()
                .map(|kv| match kv.split_once('=') {
                    Some((k, v)) => Ok((k.trim().to_string(), v.trim().to_string())),
                    None => Err(format!("{kv:?}: expected CUR=RATE, comma-separated")),
                })
                .collect()
        })?,
        watchlist: conv("LOTWATCH_WATCH", env("LOTWATCH_WATCH"), list)?,
        language: conv("LOTWATCH_LANG", env("LOTWATCH_LANG"), Lang::parse)?,
        theme: conv("LOTWATCH_THEME", env("LOTWATCH_THEME"), |s| {
            <ThemeName as clap::ValueEnum>::from_str(s, true)
                .map_err(|_| format!("{s:?}: expected terminal, dark, light or high-contrast"))
        })?,
        alert_minutes: conv(
            "LOTWATCH_ALERT_MINUTES",
            env("LOTWATCH_ALERT_MINUTES"),
            |s| {
                s.trim()
                    .parse::<u32>()
                    .map_err(|_| format!("{s:?}: expected whole minutes"))
            },
        )?,
        sort: conv("LOTWATCH_SORT", env("LOTWATCH_SORT"), parse_sort)?,
        ca_cert: conv("LOTWATCH_CA_CERT", env("LOTWATCH_CA_CERT"), path)?,
        insecure: conv("LOTWATCH_INSECURE", env("LOTWATCH_INSECURE"), boolean)?,
        log_file: conv("LOTWATCH_LOG_FILE", env("LOTWATCH_LOG_FILE"), path)?,
        journal: conv("LOTWATCH_JOURNAL", env("LOTWATCH_JOURNAL"), path)?,
        no_journal: conv("LOTWATCH_NO_JOURNAL", env("LOTWATCH_NO_JOURNAL"), boolean)?,
        mouse: conv("LOTWATCH_MOUSE", env("LOTWATCH_MOUSE"), boolean)?,
        notify: conv(
            "LOTWATCH_NOTIFY",
            env("LOTWATCH_NOTIFY"),
            crate::shell::notify::NotifyMode::parse,
        )?,
        notify_always: conv(
            "LOTWATCH_NOTIFY_ALWAYS",
            env("LOTWATCH_NOTIFY_ALWAYS"),
            boolean,
        )?,
        metrics: conv("LOTWATCH_METRICS", env("LOTWATCH_METRICS"), |s| {
            s.trim()
                .parse::<std::net::SocketAddr>()
                .map_err(|_| format!("{s:?}: expected an address like 127.0.0.1:9184"))
        })?,
        // The token is read in resolve(), never through this layer.
        token: None,
        keys: None,
        layout: env("LOTWATCH_LAYOUT").map(|name| LayoutConfig {
            chosen: Some(name),
            user: Vec::new(),
        }),
        columns: None,
        rule: None,
        notify_to: None,
    })
}

/// `top` wins wherever it has a value.
fn overlay(base: FileConfig, top: FileConfig) -> FileConfig {
    FileConfig {
        url: top.url.or(base.url),
        source: top.source.or(base.source),
        site_lang: top.site_lang.or(base.site_lang),
        site_gap: top.site_gap.or(base.site_gap),
        poll: top.poll.or(base.poll),
        currency: top.currency.or(base.currency),
        me: top.me.or(base.me),
        skew_threshold: top.skew_threshold.or(base.skew_threshold),
        unreachable_after: top.unreachable_after.or(base.unreachable_after),
        rates: top.rates.or(base.rates),
        rates_url: top.rates_url.or(base.rates_url),
        fixed_rates: top.fixed_rates.or(base.fixed_rates),
        watchlist: top.watchlist.or(base.watchlist),
        theme: top.theme.or(base.theme),
        language: top.language.or(base.language),
        sort: top.sort.or(base.sort),
        alert_minutes: top.alert_minutes.or(base.alert_minutes),
        ca_cert: top.ca_cert.or(base.ca_cert),
        insecure: top.insecure.or(base.insecure),
        log_file: top.log_file.or(base.log_file),
        journal: top.journal.or(base.journal),
        no_journal: top.no_journal.or(base.no_journal),
        mouse: top.mouse.or(base.mouse),
        notify: top.notify.or(base.notify),
        notify_always: top.notify_always.or(base.notify_always),
        metrics: top.metrics.or(base.metrics),
        token: top.token.or(base.token),
        keys: top.keys.or(base.keys),
        // The environment names a layout; the file's own layouts stay.
        layout: match (top.layout, base.layout) {
            (Some(t), Some(b)) => Some(LayoutConfig {
                chosen: t.chosen.or(b.chosen),
                user: b.user,
            }),
            (t, b) => t.or(b),
        },
        columns: top.columns.or(base.columns),
        rule: top.rule.or(base.rule),
        notify_to: top.notify_to.or(base.notify_to),
    }
}

/// The commented default file `lotwatch config --default` prints. Keys with
/// a default are written out; the others are commented.
pub fn default_file() -> String {
    let d = MonitorArgs::default();
    let rates = match d.rates {
        RatesArg::Platform => "platform",
        RatesArg::Nbk => "nbk",
        RatesArg::Fixed => "fixed",
    };
    let mut s = format!(
        "# lotwatch configuration (TOML). Precedence: defaults < this file <
# LOTWATCH_* environment variables < command-line flags.
# See docs/configuration.md for every key.

# Base URL of the platform API; without it lotwatch runs the demo day
# (with source = \"sauda\": https://sauda.e-qazyna.kz).
# url = \"https://platform.example/\"

# What to read: api (the platform JSON API) or sauda (the e-auction site
# sauda.e-qazyna.kz, see docs/sources.md).
# source = \"api\"
# Several at once, each KIND or KIND=URL (docs/sources.md):
# source = [\"api=https://platform.example\", \"sauda\"]

# The sauda site's language: ru, kz or en (default: kz under language =
# \"kk\", else ru).
# site_lang = \"ru\"

# Ms at least between two requests to the sauda site (default 1000, at
# least 500; a loopback URL: 0).
# site_gap = 1000

# Interval polling period in ms (when the platform has no change feed), >= 250.
poll = {poll}

# Display currency beside tenge: KZT, USD, EUR or CNY (default: KZT, USD in the demo).
# currency = \"USD\"

# Your bidder label: marks the lots you lead and where you were outbid.
# me = \"P-07\"

# Clock skew (server vs this machine) in ms above which it is an anomaly.
skew_threshold = {skew}

# Seconds the platform may be unreachable before it is an anomaly.
unreachable_after = {unreach}

# Where exchange rates come from: platform, nbk or fixed.
rates = \"{rates}\"

# National Bank feed URL; {{date}} becomes DD.MM.YYYY (Astana date).
# rates_url = \"https://nationalbank.kz/rss/get_rates.cfm?fdate={{date}}\"

# Lots watched from the start.
watchlist = []

# Colour theme: terminal, dark, light or high-contrast. NO_COLOR turns colour off.
theme = \"terminal\"

# Interface language: en, ru or kk (default: from the locale, LC_ALL,
# LC_MESSAGES or LANG; ru_RU.UTF-8 -> ru, kk_KZ -> kk, anything else -> en).
# Lot data is always shown as the platform sends it.
# language = \"ru\"

# Sort of the lots pane at start: a column (number, name, region, minerals,
# licence, status, high_bid, next_min, bids, leader, time_left, extensions)
# and optionally asc or desc.
# sort = \"time_left\"

# The screen: default, bidder (lots, detail, bids), official (lots, summary,
# anomalies, events), wallboard (the supervision room's big screen), or one
# of your own. `v` cycles through them while running; --layout NAME.
# layout = \"official\"
# Your own: the first pane across the top (its size: percent of the height),
# the others side by side below it (sizes: their relative widths). Then
# choose with [layout] use = \"mine\" (not layout = \"...\" beside the tables).
# [layout.mine]
# panes = [\"lots\", \"bids\", \"events\"]
# sizes = [60, 50, 50]

# The lots pane's columns, in order; on a narrow terminal columns drop from
# the right. Names: the sort columns and deadline, start_bonus, guarantee,
# high_usd, high_fx, participants. The config is read again when it changes.
# [columns]
# lots = [\"number\", \"time_left\", \"high_bid\", \"name\"]

# Minutes before a watched lot closes to alert at.
# alert_minutes = 5

# Trust this PEM CA certificate in addition to the system's.
# ca_cert = \"/etc/ssl/private-ca.pem\"

# Accept any TLS certificate (a banner says so the whole time).
insecure = false

# Log file (default: lotwatch.log in the user's state directory).
# log_file = \"/var/log/lotwatch.log\"

# Journal file (default: named after the URL's host and port, in the user's
# data directory; `lotwatch info` prints it).
# journal = \"/srv/lotwatch/day.sqlite\"
no_journal = false

# Capture the mouse (click, wheel). `m` toggles it while running, so that the
# terminal can select and copy text; --no-mouse starts with it off.
mouse = true

# Terminal notifications for alerts while the window is not focused: auto
# (from TERM_PROGRAM and TERM), osc9, osc777, bell (the bell only) or off (not
# even the bell). Inside tmux they need `set -g allow-passthrough on`.
# notify = \"auto\"
notify_always = false

# Serve Prometheus metrics at http://ADDR/metrics (see docs/metrics.md).
# metrics = \"127.0.0.1:9184\"

# Bearer token for the platform. A file holding a token must be private
# (chmod 600); LOTWATCH_TOKEN overrides it.
# token = \"...\"

# Fixed rates, tenge per unit (used with rates = \"fixed\").
# [fixed_rates]
# USD = \"519.53\"

# Alert rules (docs/alerts-summary-replay.md): which lots, in the filter
# language (empty: all), and the events that alert: new, changed, deadline
# (within deadline_hours, default 24), closing, outbid, extension, result.
# [[rule]]
# name = \"gold, Karaganda\"
# filter = \"mineral:gold region:Karaganda\"
# on = [\"new\", \"changed\", \"deadline\", \"result\"]

# Where alerts go off the screen. smtp:// uses STARTTLS when offered (and
# requires it before sending a password to a host that is not loopback),
# smtps:// is TLS from the start. Webhooks get a JSON POST (an ntfy topic
# URL works as it is). A file holding a password must be private (chmod 600).
# [notify_to]
# smtp = \"smtp://user:password@mail.example.kz:587\"
# from = \"lotwatch <alerts@example.kz>\"
# email = [\"bidder@example.kz\"]
# webhook = [\"https://ntfy.sh/my-lotwatch-topic\"]

# Key bindings: action = [keys]; [] unbinds. Keys: one character, ctrl-<letter>,
# F1-F12, up, down, left, right, pgup, pgdn, home, end, enter, esc, tab,
# shift-tab, backspace, space.
[keys]
",
        poll = d.poll,
        skew = d.skew_threshold,
        unreach = d.unreachable_after,
    );
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
