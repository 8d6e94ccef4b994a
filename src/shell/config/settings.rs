//! Every key of the configuration, declared once: its type in the file, its
//! `LOTWATCH_*` variable, its flag, how a file or variable value lands in
//! the monitor options, whether a change waits for a restart, and its lines
//! in `lotwatch config --default`. `FileConfig`, the environment layer, the
//! overlay of layers, the flags a reload keeps and the default file are all
//! made from this one list.

use super::screens::{self, ColumnsConfig, LayoutConfig};
use super::{
    ActionName, ConfigError, KeyList, Secret, de_alert_minutes, de_currency, de_fixed_rates,
    de_notify, de_poll, de_sort, parse_alert_minutes, parse_currency, parse_poll, parse_sort,
};
use crate::app::lots::SortKey;
use crate::domain::Currency;
use crate::shell::cli::{MonitorArgs, RatesArg};
use crate::shell::notify::NotifyMode;
use crate::shell::source::{SiteLangArg, SourceSpec, parse_source_spec};
use crate::ui::i18n::Lang;
use crate::ui::theme::ThemeName;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;

/// One key of the configuration, as the table declares it.
pub(crate) struct Setting {
    /// The key in the file (also its name where a change waits for a restart).
    pub key: &'static str,
    /// Its `LOTWATCH_*` variable (the environment layer reads it from the
    /// declaration; the table keeps it for the test that it is documented).
    #[cfg_attr(not(test), allow(dead_code))]
    pub env: Option<&'static str>,
    /// The clap id of its flag (`--lang` is `language`).
    pub flag: Option<&'static str>,
    /// Whether the monitor options changed by it between `a` and `b` (a
    /// change applies at the next start); None: it applies live, or is not
    /// an option of the monitor.
    pub restart: Option<fn(&MonitorArgs, &MonitorArgs) -> bool>,
    /// Its comment in `config --default` (empty: its lines follow the
    /// previous key's without a blank line).
    pub doc: &'static str,
    /// What `config --default` writes after the comment.
    pub shown: Shown,
}

/// A key's line(s) in `config --default`.
pub(crate) enum Shown {
    /// `key = VALUE`, the value the built-in default (TOML).
    Value(fn(&MonitorArgs) -> String),
    /// A commented example, written as it is.
    Example(&'static str),
}

/// The value of one key in every layer, with its conversions.
macro_rules! settings {
    ($(
        $(#[$attr:meta])*
        $field:ident: $ty:ty {
            env: $env:expr,
            flag: $flag:expr,
            parse: $parse:expr,
            take: $take:expr,
            restart: $restart:expr,
            doc: $doc:expr,
            shown: $shown:expr $(,)?
        }
    )*) => {
        /// The file's keys: every monitor option, plus the token, key
        /// bindings, screens, rules and delivery.
        #[derive(Deserialize, Default, Debug, Clone, PartialEq)]
        #[serde(deny_unknown_fields)]
        pub struct FileConfig {
            $( $(#[$attr])* pub $field: Option<$ty>, )*
        }

        /// The table: every key of the file, in the order `config --default`
        /// writes them.
        pub(crate) const SETTINGS: &[Setting] = &[$(
            Setting {
                key: stringify!($field),
                env: $env,
                flag: $flag,
                restart: $restart,
                doc: $doc,
                shown: $shown,
            },
        )*];

        /// The `LOTWATCH_*` variables as a configuration layer.
        pub(super) fn from_env(
            env: &dyn Fn(&str) -> Option<String>,
        ) -> Result<FileConfig, ConfigError> {
            let mut cfg = FileConfig {
                $( $field: {
                    let parse: fn(&str) -> Result<$ty, String> = $parse;
                    env_value($env, env, parse)?
                }, )*
            };
            // The token is read in resolve(), never through this layer.
            cfg.token = None;
            Ok(cfg)
        }

        /// `top` wins wherever it has a value.
        pub(super) fn overlay(base: FileConfig, top: FileConfig) -> FileConfig {
            // The environment names a layout; the file's own layouts stay.
            let layout = match (top.layout.clone(), base.layout.clone()) {
                (Some(t), Some(b)) => Some(LayoutConfig {
                    chosen: t.chosen.or(b.chosen),
                    user: b.user,
                }),
                (t, b) => t.or(b),
            };
            FileConfig {
                $( $field: top.$field.or(base.$field), )*
            }
            .with_layout(layout)
        }

        /// Puts the file's and the environment's values into the monitor
        /// options, except where `given(flag)` says the command line set it.
        pub(super) fn take(layered: &FileConfig, a: &mut MonitorArgs, given: &dyn Fn(&str) -> bool) {
            $(
                let flag: Option<&str> = $flag;
                if !flag.is_some_and(given)
                    && let Some(v) = layered.$field.clone()
                {
                    let take: fn(&mut MonitorArgs, $ty) = $take;
                    take(a, v);
                }
            )*
        }
    };
}

impl FileConfig {
    fn with_layout(mut self, layout: Option<LayoutConfig>) -> FileConfig {
        self.layout = layout;
        self
    }
}

/// A variable's value through `parse`, the error naming the variable.
fn env_value<T>(
    var: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
    parse: fn(&str) -> Result<T, String>,
) -> Result<Option<T>, ConfigError> {
    let Some(var) = var else {
        return Ok(None);
    };
    env(var)
        .map(|s| {
            parse(&s).map_err(|problem| ConfigError::Env {
                var: var.to_string(),
                problem,
            })
        })
        .transpose()
}

/// For the keys that have no variable.
fn file_only<T>(_: &str) -> Result<T, String> {
    Err("set in the config file only".into())
}

fn text(s: &str) -> Result<String, String> {
    Ok(s.to_string())
}

fn path(s: &str) -> Result<PathBuf, String> {
    Ok(PathBuf::from(s))
}

fn whole(s: &str) -> Result<u64, String> {
    s.trim()
        .parse::<u64>()
        .map_err(|_| format!("{s:?}: expected a whole number"))
}

fn boolean(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(format!("{s:?} is not a boolean: expected true or false")),
    }
}

fn list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(String::from)
        .collect()
}

fn value_enum<T: clap::ValueEnum>(s: &str, expected: &str) -> Result<T, String> {
    T::from_str(s, true).map_err(|_| format!("{s:?}: expected {expected}"))
}

/// A value's name on the command line, as a TOML string.
fn value_name<T: clap::ValueEnum>(v: &T) -> String {
    let name = v.to_possible_value().map(|p| p.get_name().to_string());
    format!("{:?}", name.unwrap_or_default())
}

/// `Some` of the option's field changed between two runs' options.
macro_rules! changed {
    ($f:ident) => {
        Some(|a: &MonitorArgs, b: &MonitorArgs| a.$f != b.$f)
    };
}

settings! {
    url: String {
        env: Some("LOTWATCH_URL"),
        flag: Some("url"),
        parse: text,
        take: |a, v| a.url = Some(v),
        restart: changed!(url),
        doc: "# Base URL of the platform API; without it lotwatch runs the demo day
# (with source = \"sauda\": https://sauda.e-qazyna.kz).",
        shown: Shown::Example("# url = \"https://platform.example/\""),
    }
    /// `api` or `sauda`, or a list of them, each perhaps `KIND=URL`
    /// (docs/sources.md).
    #[serde(default, deserialize_with = "crate::shell::source::de_source_list")]
    source: Vec<SourceSpec> {
        env: Some("LOTWATCH_SOURCE"),
        flag: Some("source"),
        // Several sources: KIND[=URL] separated by commas.
        parse: |s| s.split(',').map(parse_source_spec).collect(),
        take: |a, v| a.source = v,
        restart: changed!(source),
        doc: "# What to read: api (the platform JSON API) or sauda (the e-auction site
# sauda.e-qazyna.kz, see docs/sources.md).",
        shown: Shown::Example(
            "# source = \"api\"
# Several at once, each KIND or KIND=URL (docs/sources.md):
# source = [\"api=https://platform.example\", \"sauda\"]",
        ),
    }
    /// The sauda site's language: `ru`, `kz` or `en`.
    site_lang: SiteLangArg {
        env: Some("LOTWATCH_SITE_LANG"),
        flag: Some("site_lang"),
        parse: |s| value_enum(s, "ru, kz or en"),
        take: |a, v| a.site_lang = v,
        restart: changed!(site_lang),
        doc: "# The sauda site's language: ru, kz or en (default: kz under language =
# \"kk\", else ru).",
        shown: Shown::Example("# site_lang = \"ru\""),
    }
    /// Ms between two requests to the sauda site (at least 500 to a real host).
    site_gap: u64 {
        env: Some("LOTWATCH_SITE_GAP"),
        flag: Some("site_gap"),
        parse: whole,
        take: |a, v| a.site_gap = Some(v),
        restart: changed!(site_gap),
        doc: "# Ms at least between two requests to the sauda site (default 1000, at
# least 500; a loopback URL: 0).",
        shown: Shown::Example("# site_gap = 1000"),
    }
    #[serde(default, deserialize_with = "de_poll")]
    poll: u64 {
        env: Some("LOTWATCH_POLL"),
        flag: Some("poll"),
        parse: parse_poll,
        take: |a, v| a.poll = v,
        restart: changed!(poll),
        doc: "# Interval polling period in ms (when the platform has no change feed), >= 250.",
        shown: Shown::Value(|d| d.poll.to_string()),
    }
    #[serde(default, deserialize_with = "de_currency")]
    currency: Currency {
        env: Some("LOTWATCH_CURRENCY"),
        flag: Some("currency"),
        parse: parse_currency,
        take: |a, v| a.currency = Some(v),
        restart: changed!(currency),
        doc: "# Display currency beside tenge: KZT, USD, EUR or CNY (default: KZT, USD in the demo).",
        shown: Shown::Example("# currency = \"USD\""),
    }
    me: String {
        env: Some("LOTWATCH_ME"),
        flag: Some("me"),
        parse: text,
        take: |a, v| a.me = Some(v),
        restart: changed!(me),
        doc: "# Your bidder label: marks the lots you lead and where you were outbid.",
        shown: Shown::Example("# me = \"P-07\""),
    }
    skew_threshold: u64 {
        env: Some("LOTWATCH_SKEW_THRESHOLD"),
        flag: Some("skew_threshold"),
        parse: whole,
        take: |a, v| a.skew_threshold = v,
        restart: changed!(skew_threshold),
        doc: "# Clock skew (server vs this machine) in ms above which it is an anomaly.",
        shown: Shown::Value(|d| d.skew_threshold.to_string()),
    }
    unreachable_after: u64 {
        env: Some("LOTWATCH_UNREACHABLE_AFTER"),
        flag: Some("unreachable_after"),
        parse: whole,
        take: |a, v| a.unreachable_after = v,
        restart: changed!(unreachable_after),
        doc: "# Seconds the platform may be unreachable before it is an anomaly.",
        shown: Shown::Value(|d| d.unreachable_after.to_string()),
    }
    rates: RatesArg {
        env: Some("LOTWATCH_RATES"),
        flag: Some("rates"),
        parse: |s| value_enum(s, "platform, nbk or fixed"),
        take: |a, v| a.rates = v,
        restart: changed!(rates),
        doc: "# Where exchange rates come from: platform, nbk or fixed.",
        shown: Shown::Value(|d| value_name(&d.rates)),
    }
    rates_url: String {
        env: Some("LOTWATCH_RATES_URL"),
        flag: Some("rates_url"),
        parse: text,
        take: |a, v| a.rates_url = Some(v),
        restart: changed!(rates_url),
        doc: "# National Bank feed URL; {date} becomes DD.MM.YYYY (Astana date).",
        shown: Shown::Example("# rates_url = \"https://nationalbank.kz/rss/get_rates.cfm?fdate={date}\""),
    }
    watchlist: Vec<String> {
        env: Some("LOTWATCH_WATCH"),
        flag: Some("watchlist"),
        parse: |s| Ok(list(s)),
        take: |a, v| a.watchlist = v,
        restart: changed!(watchlist),
        doc: "# Lots watched from the start.",
        shown: Shown::Value(|d| format!("{:?}", d.watchlist)),
    }
    theme: ThemeName {
        env: Some("LOTWATCH_THEME"),
        flag: Some("theme"),
        parse: |s| value_enum(s, "terminal, dark, light or high-contrast"),
        take: |a, v| a.theme = Some(v),
        restart: None,
        doc: "# Colour theme: terminal, dark, light or high-contrast. NO_COLOR turns colour off.",
        shown: Shown::Value(|d| value_name(&d.theme.unwrap_or_default())),
    }
    language: Lang {
        env: Some("LOTWATCH_LANG"),
        flag: Some("language"),
        parse: |s| Lang::parse(s).map_err(|e| e.to_string()),
        take: |a, v| a.language = Some(v),
        restart: None,
        doc: "# Interface language: en, ru or kk (default: from the locale, LC_ALL,
# LC_MESSAGES or LANG; ru_RU.UTF-8 -> ru, kk_KZ -> kk, anything else -> en).
# Lot data is always shown as the platform sends it.",
        shown: Shown::Example("# language = \"ru\""),
    }
    /// The lots' sort at start: `"high_bid desc"`.
    #[serde(default, deserialize_with = "de_sort")]
    sort: (SortKey, bool) {
        env: Some("LOTWATCH_SORT"),
        flag: None,
        parse: parse_sort,
        take: |_, _| {},
        restart: None,
        doc: "# Sort of the lots pane at start: a column (number, name, region, minerals,
# licence, status, high_bid, next_min, bids, leader, time_left, extensions)
# and optionally asc or desc.",
        shown: Shown::Example("# sort = \"time_left\""),
    }
    /// `layout = "official"`, or `[layout]` with `use = "NAME"` and the
    /// user's own `[layout.NAME]` tables.
    #[serde(default, deserialize_with = "screens::de_layout")]
    layout: LayoutConfig {
        env: Some("LOTWATCH_LAYOUT"),
        flag: Some("layout"),
        parse: |s| Ok(LayoutConfig {
            chosen: Some(s.to_string()),
            user: Vec::new(),
        }),
        take: |_, _| {},
        restart: None,
        doc: "# The screen: default, bidder (lots, detail, bids), official (lots, summary,
# anomalies, events), wallboard (the supervision room's big screen), or one
# of your own. `v` cycles through them while running; --layout NAME.",
        shown: Shown::Example("# layout = \"official\"
# Your own: the first pane across the top (its size: percent of the height),
# the others side by side below it (sizes: their relative widths). Then
# choose with [layout] use = \"mine\" (not layout = \"...\" beside the tables).
# [layout.mine]
# panes = [\"lots\", \"bids\", \"events\"]
# sizes = [60, 50, 50]"),
    }
    /// `[columns] lots = [...]`: the lots pane's columns, in order.
    columns: ColumnsConfig {
        env: None,
        flag: None,
        parse: file_only,
        take: |_, _| {},
        restart: None,
        doc: "# The lots pane's columns, in order; on a narrow terminal columns drop from
# the right. Names: the sort columns and deadline, start_bonus, guarantee,
# high_usd, high_fx, participants. The config is read again when it changes.",
        shown: Shown::Example("# [columns]
# lots = [\"number\", \"time_left\", \"high_bid\", \"name\"]"),
    }
    /// Minutes, 1 to 1440, as `--alert-minutes` takes them.
    #[serde(default, deserialize_with = "de_alert_minutes")]
    alert_minutes: u32 {
        env: Some("LOTWATCH_ALERT_MINUTES"),
        flag: Some("alert_minutes"),
        parse: parse_alert_minutes,
        take: |a, v| a.alert_minutes = u64::from(v),
        restart: changed!(alert_minutes),
        doc: "# Minutes before a watched lot closes to alert at.",
        shown: Shown::Example("# alert_minutes = 5"),
    }
    ca_cert: PathBuf {
        env: Some("LOTWATCH_CA_CERT"),
        flag: Some("ca_cert"),
        parse: path,
        take: |a, v| a.ca_cert = Some(v),
        restart: changed!(ca_cert),
        doc: "# Trust this PEM CA certificate in addition to the system's.",
        shown: Shown::Example("# ca_cert = \"/etc/ssl/private-ca.pem\""),
    }
    insecure: bool {
        env: Some("LOTWATCH_INSECURE"),
        flag: Some("insecure"),
        parse: boolean,
        take: |a, v| a.insecure = v,
        restart: changed!(insecure),
        doc: "# Accept any TLS certificate (a banner says so the whole time).",
        shown: Shown::Value(|d| d.insecure.to_string()),
    }
    log_file: PathBuf {
        env: Some("LOTWATCH_LOG_FILE"),
        flag: Some("log_file"),
        parse: path,
        take: |a, v| a.log_file = Some(v),
        restart: changed!(log_file),
        doc: "# Log file (default: lotwatch.log in the user's state directory).",
        shown: Shown::Example("# log_file = \"/var/log/lotwatch.log\""),
    }
    journal: PathBuf {
        env: Some("LOTWATCH_JOURNAL"),
        flag: Some("journal"),
        parse: path,
        take: |a, v| a.journal = Some(v),
        restart: changed!(journal),
        doc: "# Journal file (default: named after the source's host and port, in the\n# user's data directory; `lotwatch info` prints it).",
        shown: Shown::Example("# journal = \"/srv/lotwatch/day.sqlite\""),
    }
    no_journal: bool {
        env: Some("LOTWATCH_NO_JOURNAL"),
        flag: Some("no_journal"),
        parse: boolean,
        take: |a, v| a.no_journal = v,
        restart: changed!(no_journal),
        doc: "",
        shown: Shown::Value(|d| d.no_journal.to_string()),
    }
    mouse: bool {
        env: Some("LOTWATCH_MOUSE"),
        flag: Some("no_mouse"),
        parse: boolean,
        take: |a, on| a.no_mouse = !on,
        restart: changed!(no_mouse),
        doc: "# Capture the mouse (click, wheel). `m` toggles it while running, so that the
# terminal can select and copy text; --no-mouse starts with it off.",
        shown: Shown::Value(|d| (!d.no_mouse).to_string()),
    }
    /// Terminal notifications for alerts: auto, osc9, osc777, bell or off.
    #[serde(default, deserialize_with = "de_notify")]
    notify: NotifyMode {
        env: Some("LOTWATCH_NOTIFY"),
        flag: Some("notify"),
        parse: |s| NotifyMode::parse(s).map_err(|e| e.to_string()),
        take: |a, v| a.notify = Some(v),
        restart: None,
        doc: "# Terminal notifications for alerts while the window is not focused: auto
# (from TERM_PROGRAM and TERM), osc9, osc777, bell (the bell only) or off (not
# even the bell). Inside tmux they need `set -g allow-passthrough on`.",
        shown: Shown::Example("# notify = \"auto\""),
    }
    notify_always: bool {
        env: Some("LOTWATCH_NOTIFY_ALWAYS"),
        flag: Some("notify_always"),
        parse: boolean,
        take: |a, v| a.notify_always = v,
        restart: None,
        doc: "",
        shown: Shown::Value(|d| d.notify_always.to_string()),
    }
    /// Serve Prometheus metrics on this address (`"127.0.0.1:9184"`).
    metrics: SocketAddr {
        env: Some("LOTWATCH_METRICS"),
        flag: Some("metrics"),
        parse: |s| {
            s.trim()
                .parse::<SocketAddr>()
                .map_err(|_| format!("{s:?}: expected an address like 127.0.0.1:9184"))
        },
        take: |a, v| a.metrics = Some(v),
        restart: changed!(metrics),
        doc: "# Serve Prometheus metrics at http://ADDR/metrics (see docs/metrics.md).",
        shown: Shown::Example("# metrics = \"127.0.0.1:9184\""),
    }
    token: Secret {
        env: Some("LOTWATCH_TOKEN"),
        flag: None,
        parse: |s| Ok(Secret(s.to_string())),
        take: |_, _| {},
        restart: None,
        doc: "# Bearer token for the platform. A file holding a token must be private
# (chmod 600); LOTWATCH_TOKEN overrides it.",
        shown: Shown::Example("# token = \"...\""),
    }
    /// `[fixed_rates]` USD = "519.53"
    #[serde(default, deserialize_with = "de_fixed_rates")]
    fixed_rates: BTreeMap<String, String> {
        env: Some("LOTWATCH_RATE"),
        flag: Some("fixed_rates"),
        parse: |s| {
            list(s)
                .into_iter()
                .map(|kv| match kv.split_once('=') {
                    Some((k, v)) => Ok((k.trim().to_string(), v.trim().to_string())),
                    None => Err(format!("{kv:?}: expected CUR=RATE, comma-separated")),
                })
                .collect()
        },
        take: |a, m| a.fixed_rates = m.iter().map(|(k, v)| format!("{k}={v}")).collect(),
        restart: changed!(fixed_rates),
        doc: "# Fixed rates, tenge per unit (used with rates = \"fixed\").",
        shown: Shown::Example("# [fixed_rates]
# USD = \"519.53\""),
    }
    /// `[[rule]]` tables: alerts in the filter language (file only).
    rule: Vec<crate::app::rules::Rule> {
        env: None,
        flag: None,
        parse: file_only,
        take: |_, _| {},
        restart: None,
        doc: "# Alert rules (docs/alerts-summary-replay.md): which lots, in the filter
# language (empty: all), and the events that alert: new, changed, deadline
# (within deadline_hours, default 24), closing, outbid, extension, result.",
        shown: Shown::Example("# [[rule]]
# name = \"gold, Karaganda\"
# filter = \"mineral:gold region:Karaganda\"
# on = [\"new\", \"changed\", \"deadline\", \"result\"]"),
    }
    /// `[notify_to]`: where alerts are delivered (file only).
    notify_to: crate::shell::deliver::NotifyTo {
        env: None,
        flag: None,
        parse: file_only,
        take: |_, _| {},
        restart: None,
        doc: "# Where alerts go off the screen. smtp:// uses STARTTLS when offered (and
# requires it before sending a password to a host that is not loopback),
# smtps:// is TLS from the start. Webhooks get a JSON POST (an ntfy topic
# URL works as it is). A file holding a password must be private (chmod 600).",
        shown: Shown::Example("# [notify_to]
# smtp = \"smtp://user:password@mail.example.kz:587\"
# from = \"lotwatch <alerts@example.kz>\"
# email = [\"bidder@example.kz\"]
# webhook = [\"https://ntfy.sh/my-lotwatch-topic\"]"),
    }
    /// `[keys]`: action = [keys].
    keys: BTreeMap<ActionName, KeyList> {
        env: None,
        flag: None,
        parse: file_only,
        take: |_, _| {},
        restart: None,
        doc: "# Key bindings: action = [keys]; [] unbinds. Keys: one character, ctrl-<letter>,
# F1-F12, up, down, left, right, pgup, pgdn, home, end, enter, esc, tab,
# shift-tab, backspace, space.",
        shown: Shown::Example("[keys]"),
    }
}

/// The keys' part of `lotwatch config --default`: each key's comment and
/// line, a blank line between keys (none before a key without a comment).
pub(super) fn default_lines() -> String {
    let d = MonitorArgs::default();
    let mut s = String::new();
    for set in SETTINGS {
        if !set.doc.is_empty() {
            s.push('\n');
            s.push_str(set.doc);
            s.push('\n');
        }
        match &set.shown {
            Shown::Value(v) => s.push_str(&format!("{} = {}\n", set.key, v(&d))),
            Shown::Example(e) => {
                s.push_str(e);
                s.push('\n');
            }
        }
    }
    s
}
