//! The command line: `lotwatch [options]` runs the monitor (the demo day when
//! no `--url` is given); subcommands run the simulator and the tools.

use crate::domain::Currency;
use crate::shell::cli_lang::ValueProblem;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "lotwatch",
    version,
    about = "Terminal monitor for live auctions of subsoil-use rights",
    // The options below are the monitor's: before a subcommand they would
    // mean nothing there, so clap refuses them instead of dropping them.
    args_conflicts_with_subcommands = true
)]
#[command(
    after_help = "Settings come from defaults < the config file < LOTWATCH_* variables < these options (see docs/configuration.md).\nExit codes (every command): 0 done, 1 a failure outside the input (unreachable, cannot write), 2 usage or configuration error, 3 missing or damaged input, 4 verify: a check failed.\nThe options are the monitor's; a subcommand takes its own after its name (lotwatch watch --url URL, lotwatch replay --lang ru).\nEvery subcommand has its help (lotwatch serve --help) and its man page (lotwatch man serve; all of them: lotwatch man --out-dir DIR).\n\nExamples:\n  lotwatch                               run the demo auction day (embedded simulator)\n  lotwatch --url https://platform.example/ --currency USD\n  lotwatch --lang kk                     the interface in Kazakh (en, ru, kk; default: the locale)\n  lotwatch serve --addr 127.0.0.1:8080 --speed 20"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub monitor: MonitorArgs,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the auction simulator over HTTP (the platform API).
    #[command(after_help = "Example:\n  lotwatch serve --addr 127.0.0.1:8080 --speed 30 --seed 7")]
    Serve(ServeArgs),
    /// Write a journal's events to stdout as CSV or JSON (exit 3: journal missing or damaged).
    #[command(
        after_help = "Examples:\n  lotwatch export --journal day.sqlite --format csv > day.csv\n  lotwatch export --journal day.sqlite --format json --lot 401102"
    )]
    Export(ExportArgs),
    /// Read the platform once and print its lots as a table, JSON or CSV.
    #[command(after_help = SNAPSHOT_HELP)]
    Snapshot(SnapshotArgs),
    /// Configuration tools: print the commented default file.
    #[command(
        after_help = "Examples:\n  lotwatch config --default > ~/.config/lotwatch/config.toml\n  lotwatch config --path"
    )]
    Config(ConfigArgs),
    /// Print a shell completion script to stdout.
    #[command(
        after_help = "Examples:\n  lotwatch completions bash > ~/.local/share/bash-completion/completions/lotwatch\n  lotwatch completions zsh > ~/.zfunc/_lotwatch\n  lotwatch completions fish > ~/.config/fish/completions/lotwatch.fish"
    )]
    Completions(CompletionsArgs),
    /// Print the man page (roff) to stdout, or a subcommand's page, or write them all to a directory.
    #[command(
        after_help = "Examples:\n  lotwatch man > lotwatch.1 && man ./lotwatch.1\n  lotwatch man serve | man -l -\n  lotwatch man --out-dir ~/.local/share/man/man1   (lotwatch.1 and a page per subcommand)"
    )]
    Man(ManArgs),
    /// The officials' protocol of the day from a journal: Markdown, printable HTML or JSON (exit 3: journal missing or damaged).
    #[command(after_help = PROTOCOL_HELP)]
    Protocol(ProtocolArgs),
    /// Check a journal against tampering: its hash chain, SQLite's integrity check, the append-only triggers.
    #[command(after_help = VERIFY_HELP)]
    Verify(VerifyArgs),
    /// Play a recorded journal back into the monitor's panes.
    #[command(
        after_help = "Keys: space pause/resume, → next message, ← previous message (both pause), + faster, - slower.\nExample:\n  lotwatch replay --journal day.sqlite --speed 10"
    )]
    Replay(ReplayArgs),
    /// The monitor without the screen: events, alerts and anomalies as JSON
    /// lines, a status line for tmux, waybar JSON, or TSV.
    #[command(after_help = WATCH_HELP)]
    Watch(Box<WatchArgs>),
    /// Where everything is and what was detected of the terminal, one fact
    /// per line (for bug reports).
    #[command(after_help = "Example:\n  lotwatch info\n  lotwatch --config ~/lw.toml info")]
    Info,
}

const WATCH_HELP: &str = "Exit codes:\n  0  stopped by SIGINT, SIGTERM or SIGHUP, or the reader closed the pipe\n  1  the platform could not be reached at start (or the journal failed)\n  2  bad arguments or a bad --filter (the error says at which term and column)\n\nExamples:\n  lotwatch watch --format jsonl | jq -c 'select(.type == \"bid\")'\n  lotwatch watch --format status --me P-07\n  lotwatch watch --url https://platform.example/ --filter 'status:open bid>1bn' --format tsv\n  lotwatch watch --format jsonl --metrics 127.0.0.1:9184\n  lotwatch watch --format text --lang ru     one sentence per change, for a screen reader";

/// Arguments of `lotwatch watch`: the monitor's options, plus what to print.
#[derive(Args, Debug, Clone)]
pub struct WatchArgs {
    /// Only the lots this filter matches (the monitor's filter language).
    #[arg(long, value_name = "EXPR")]
    pub filter: Option<String>,
    /// What to print.
    #[arg(long, value_enum, default_value_t = WatchFormat::Jsonl)]
    pub format: WatchFormat,
    #[command(flatten)]
    pub monitor: MonitorArgs,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum WatchFormat {
    /// One JSON object per line: events, alerts, anomalies, link changes.
    Jsonl,
    /// One short line, printed again only when it changes (tmux status-right).
    Status,
    /// waybar's custom-module JSON (text, tooltip, class), one per change.
    Waybar,
    /// A header, then one tab-separated line per event.
    Tsv,
    /// One plain sentence per change, in the interface language, without
    /// symbols or box drawing (for screen readers).
    Text,
}

const SNAPSHOT_HELP: &str = "Exit codes:\n  0  the lots were printed\n  1  the platform is unreachable or answered with an error\n  2  usage error (bad option, no --url)\n  3  data error (the platform's answer could not be used)\n\nExamples:\n  lotwatch snapshot --url https://platform.example/ --format table\n  lotwatch snapshot --url http://127.0.0.1:8080 --format csv > lots.csv\n  LOTWATCH_TOKEN=... lotwatch snapshot --url https://platform.example/ --format json | jq '.lots[0]'";

const PROTOCOL_HELP: &str = "Exit codes:\n  0  the protocol was written\n  1  it could not be written\n  2  usage error (e.g. a journal of several auctions without --auction)\n  3  the journal is missing or damaged\n\nA journal that fails verification still gets its protocol, with a warning at its top.\n\nExamples:\n  lotwatch protocol --journal day.sqlite\n  lotwatch protocol --journal day.sqlite --format html --lang ru --out protocol.html\n  lotwatch protocol --journal day.sqlite --format json --lot 401102 | jq .lots[0].bids";

const VERIFY_HELP: &str = "Exit codes:\n  0  every check passed: prints the number of records and the chain head\n  1  the journal could not be read (PostgreSQL unreachable, an I/O error)\n  2  usage error\n  3  the file is missing or not a lotwatch journal\n  4  a check failed: names the first record (or trigger) that does not fit\n\nExamples:\n  lotwatch verify --journal day.sqlite\n  lotwatch verify --journal day.sqlite --head 3f5c...   (the head printed on a protocol)\n  lotwatch verify --journal old.sqlite --migrate      (start the chain of an older journal)";

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProtocolFormatArg {
    /// Markdown, for a terminal or a text file.
    Md,
    /// One self-contained printable HTML file (A4, a page per lot).
    Html,
    /// JSON, as docs/protocol.md describes it.
    Json,
}

#[derive(Args, Debug, Clone)]
pub struct ProtocolArgs {
    /// The journal to read.
    #[arg(long, value_name = "PATH")]
    pub journal: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ProtocolFormatArg::Md)]
    pub format: ProtocolFormatArg,
    /// Only this lot (its id or number); the totals stay the whole auction's.
    #[arg(long, value_name = "ID")]
    pub lot: Option<String>,
    /// The auction, when the journal holds several.
    #[arg(long, value_name = "ID")]
    pub auction: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Language of the protocol's own text (lot data is never translated).
    #[arg(long = "lang", value_enum, value_name = "LANG", default_value_t = crate::ui::i18n::Lang::En)]
    pub language: crate::ui::i18n::Lang,
}

impl ProtocolArgs {
    /// The library's plain options.
    pub fn options(&self) -> crate::protocol::ProtocolOptions {
        crate::protocol::ProtocolOptions {
            journal: self.journal.clone(),
            format: match self.format {
                ProtocolFormatArg::Md => crate::protocol::Format::Markdown,
                ProtocolFormatArg::Html => crate::protocol::Format::Html,
                ProtocolFormatArg::Json => crate::protocol::Format::Json,
            },
            lot: self.lot.clone(),
            auction: self.auction.clone(),
            out: self.out.clone(),
            lang: self.language,
        }
    }
}

#[derive(Args, Debug, Clone)]
pub struct VerifyArgs {
    /// The journal to check.
    #[arg(long, value_name = "PATH")]
    pub journal: PathBuf,
    /// Start the hash chain of a journal written before chains (writes to the file; the rows already there are counted, not covered).
    #[arg(long)]
    pub migrate: bool,
    /// A chain head printed on a protocol: the journal's chain must contain it.
    #[arg(long, value_name = "HEX")]
    pub head: Option<String>,
    /// Language of the messages (default: LOTWATCH_LANG, the config file's `language`, else the locale).
    #[arg(long = "lang", value_enum, value_name = "LANG")]
    pub language: Option<crate::ui::i18n::Lang>,
}

impl VerifyArgs {
    /// The library's plain options.
    pub fn options(&self) -> crate::journal::verify::VerifyOptions {
        crate::journal::verify::VerifyOptions {
            journal: self.journal.clone(),
            migrate: self.migrate,
            head: self.head.clone(),
        }
    }
}

#[derive(Args, Debug, Clone)]
pub struct SnapshotArgs {
    /// Base URL of the platform API (required: snapshot never starts the demo).
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SnapshotFormat::Table)]
    pub format: SnapshotFormat,
    /// What to read: the platform API, or the sauda.e-qazyna.kz site.
    #[arg(long, value_enum, default_value_t = crate::shell::source::SourceArg::Api)]
    pub source: crate::shell::source::SourceArg,
    /// The site's language (--source sauda).
    #[arg(long, value_enum, default_value_t = crate::shell::source::SiteLangArg::Ru)]
    pub site_lang: crate::shell::source::SiteLangArg,
    /// Trust this PEM CA certificate in addition to the system's.
    #[arg(long, value_name = "PATH")]
    pub ca_cert: Option<PathBuf>,
    /// At least this many ms between two requests to the site (--source
    /// sauda; default 1000, at least 500; 0 on a loopback URL).
    #[arg(long, value_name = "MS")]
    pub site_gap: Option<u64>,
    /// Language of the messages (default: LOTWATCH_LANG, the config file's `language`, else the locale).
    #[arg(long = "lang", value_enum, value_name = "LANG")]
    pub language: Option<crate::ui::i18n::Lang>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SnapshotFormat {
    Table,
    Json,
    Csv,
}

#[derive(Args, Debug, Clone)]
pub struct ConfigArgs {
    /// Print the default configuration file, commented.
    #[arg(long, conflicts_with = "path")]
    pub default: bool,
    /// Print where the configuration file is looked for.
    #[arg(long)]
    pub path: bool,
}

#[derive(Args, Debug, Clone)]
pub struct ManArgs {
    /// The page of this subcommand (lotwatch-SUBCOMMAND(1)) instead of the main page.
    #[arg(value_name = "SUBCOMMAND")]
    pub command: Option<String>,
    /// Write every page (lotwatch.1, lotwatch-serve.1, ...) into this directory.
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    pub out_dir: Option<std::path::PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Args, Debug, Clone, PartialEq)]
pub struct MonitorArgs {
    /// Configuration file (default: config.toml in the user's config
    /// directory, e.g. ~/.config/lotwatch/; env LOTWATCH_CONFIG).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Colour theme; NO_COLOR (non-empty) turns colour off in any theme.
    #[arg(long, value_enum, value_name = "THEME")]
    pub theme: Option<crate::ui::theme::ThemeName>,
    /// Interface language (default: from the locale, LC_ALL / LC_MESSAGES / LANG).
    #[arg(long = "lang", value_enum, value_name = "LANG")]
    pub language: Option<crate::ui::i18n::Lang>,
    /// Watch this lot from the start (repeatable).
    #[arg(long = "watch", value_name = "LOT_ID")]
    pub watchlist: Vec<String>,
    /// Base URL of the platform API; without it, lotwatch runs the demo day
    /// (with --source sauda: https://sauda.e-qazyna.kz).
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// What to read: `api` (the platform API, the default) or `sauda` (the
    /// sauda.e-qazyna.kz site), with its URL after `=` if not the default.
    /// Repeat it to read several sources at once: --source
    /// api=https://platform.example --source sauda.
    #[arg(long, value_name = "KIND[=URL]", value_parser = crate::shell::source::parse_source_spec)]
    pub source: Vec<crate::shell::source::SourceSpec>,
    /// The site's language (--source sauda; default: kz under --lang kk, else ru).
    #[arg(long, value_enum, default_value_t = crate::shell::source::SiteLangArg::Ru)]
    pub site_lang: crate::shell::source::SiteLangArg,
    /// At least this many ms between two requests to the site (--source
    /// sauda; default 1000, at least 500; 0 on a loopback URL).
    #[arg(long, value_name = "MS")]
    pub site_gap: Option<u64>,
    /// Interval polling period in ms, used when the platform has no change feed
    /// (--source sauda: the list's period, default 60 s, at least 15 s).
    #[arg(long, value_name = "MS", default_value_t = 1000, value_parser = parse_poll)]
    pub poll: u64,
    /// Display currency beside tenge.
    #[arg(long, value_name = "KZT|USD|EUR|CNY", value_parser = parse_currency)]
    pub currency: Option<Currency>,
    /// Your bidder label (e.g. P-07): marks the lots you lead and where you were outbid.
    #[arg(long, value_name = "LABEL")]
    pub me: Option<String>,
    /// Clock skew (server vs this machine) in ms above which it is an anomaly.
    #[arg(long, value_name = "MS", default_value_t = 2000)]
    pub skew_threshold: u64,
    /// Seconds the platform may be unreachable before it is an anomaly.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub unreachable_after: u64,
    /// Where exchange rates come from.
    #[arg(long, value_enum, default_value_t = RatesArg::Platform)]
    pub rates: RatesArg,
    /// URL of the National Bank feed; `{date}` becomes DD.MM.YYYY (Astana date).
    #[arg(long, value_name = "URL")]
    pub rates_url: Option<String>,
    /// A fixed rate, tenge per unit (repeatable): --rate USD=519.53
    #[arg(long = "rate", value_name = "CUR=RATE")]
    pub fixed_rates: Vec<String>,
    /// Trust this PEM CA certificate in addition to the system's.
    #[arg(long, value_name = "PATH")]
    pub ca_cert: Option<PathBuf>,
    /// Accept any TLS certificate (a banner says so the whole time).
    #[arg(long)]
    pub insecure: bool,
    /// Log file (default: lotwatch.log in the user's state directory).
    #[arg(long, value_name = "PATH")]
    pub log_file: Option<PathBuf>,
    /// Journal file (default: named after the URL's host and port, in the user's data directory, e.g. ~/.local/share/lotwatch/; `lotwatch info` prints it),
    /// or a shared journal in PostgreSQL: postgres://user@host:5432/db.
    #[arg(long, value_name = "PATH|URL", conflicts_with = "no_journal")]
    pub journal: Option<PathBuf>,
    /// Record nothing.
    #[arg(long)]
    pub no_journal: bool,
    /// This monitor's name on its own records in a shared journal
    /// (receipts, anomalies, alerts; default user@host).
    #[arg(long, value_name = "NAME", env = "LOTWATCH_NAME")]
    pub name: Option<String>,
    /// Follow a journal instead of the platform: a read-only screen fed by
    /// a shared journal (postgres://…) or a journal file; no request to the
    /// platform at all.
    #[arg(long, value_name = "JOURNAL", conflicts_with_all = ["journal", "no_journal", "backfill"])]
    pub follow: Option<PathBuf>,
    /// A new journal first reads the day's history the feed still holds
    /// (paced); without it, a new journal starts at the first snapshot.
    #[arg(long, conflicts_with = "no_journal")]
    pub backfill: bool,
    /// Leave the mouse to the terminal (select and copy text); `m` toggles it.
    #[arg(long)]
    pub no_mouse: bool,
    /// Alert when a watched lot enters its last this many minutes.
    #[arg(long, value_name = "MIN", default_value_t = 5, value_parser = alert_minutes)]
    pub alert_minutes: u64,
    /// Run this command on each alert with the arguments `kind lot_id lot_number message`
    /// (split like shell words, but never run through a shell).
    #[arg(long, value_name = "CMD")]
    pub on_alert: Option<String>,
    /// Terminal notifications for alerts: OSC 9, OSC 777, the bell only, or
    /// off (default auto: from TERM_PROGRAM and TERM).
    #[arg(long, value_enum, value_name = "MODE")]
    pub notify: Option<crate::shell::notify::NotifyMode>,
    /// Notify even while the monitor's window has the focus.
    #[arg(long)]
    pub notify_always: bool,
    /// Serve Prometheus metrics at http://ADDR/metrics (e.g. 127.0.0.1:9184).
    #[arg(long, value_name = "ADDR")]
    pub metrics: Option<SocketAddr>,
    /// The screen's layout: default, bidder, official, wallboard or one of
    /// the config's [layout.NAME] (env LOTWATCH_LAYOUT; `v` cycles them).
    #[arg(long, value_name = "NAME")]
    pub layout: Option<String>,
}

impl Default for MonitorArgs {
    /// The values the command line gives when no option is used.
    fn default() -> Self {
        use clap::FromArgMatches;
        let m = <Cli as clap::CommandFactory>::command().get_matches_from(["lotwatch"]);
        MonitorArgs::from_arg_matches(&m).expect("an empty command line always parses")
    }
}

#[derive(Args, Debug, Clone)]
pub struct ExportArgs {
    /// The journal to read.
    #[arg(long, value_name = "PATH")]
    pub journal: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    pub format: ExportFormat,
    /// Only the events of this lot.
    #[arg(long, value_name = "ID")]
    pub lot: Option<String>,
    /// Leave out the UTF-8 byte-order mark that spreadsheets need to read Cyrillic.
    #[arg(long)]
    pub no_bom: bool,
    /// Only this auction's events, when the journal holds several (each
    /// source is its own auction).
    #[arg(long, value_name = "ID")]
    pub auction: Option<String>,
    /// Language of the messages (default: LOTWATCH_LANG, the config file's `language`, else the locale).
    #[arg(long = "lang", value_enum, value_name = "LANG")]
    pub language: Option<crate::ui::i18n::Lang>,
}

pub use crate::journal::export::ExportFormat;

/// Arguments for `lotwatch replay` (for the monitor's replay mode to use).
#[derive(Args, Debug, Clone)]
pub struct ReplayArgs {
    /// The journal to play back.
    #[arg(long, value_name = "PATH")]
    pub journal: PathBuf,
    /// Playback speed: 1 is as recorded, 10 ten times faster.
    #[arg(long, default_value_t = 1.0, value_parser = parse_speed)]
    pub speed: f64,
    /// Interface language (default: LOTWATCH_LANG, else the locale).
    #[arg(long = "lang", value_enum, value_name = "LANG")]
    pub language: Option<crate::ui::i18n::Lang>,
}

fn parse_speed(s: &str) -> Result<f64, ValueProblem> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 1024.0 => Ok(v),
        _ => Err(ValueProblem::Speed(s.to_string())),
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RatesArg {
    Platform,
    Nbk,
    /// Only the rates given with --rate.
    Fixed,
}

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on (loopback unless you say otherwise).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Scenario file (default: the built-in June 2025 day).
    #[arg(long, value_name = "PATH")]
    pub scenario: Option<PathBuf>,
    /// Compress the day's schedule this many times (the clock stays real).
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
    /// Seed for the bidding agents.
    #[arg(long, default_value_t = 2025)]
    pub seed: u64,
    /// Require `Authorization: Bearer <TOKEN>`.
    #[arg(long, env = "LOTWATCH_SERVE_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Shift the server's clock by this many seconds (to test clients against skew).
    #[arg(long, default_value_t = 0, allow_hyphen_values = true)]
    pub clock_offset: i64,
    /// Serve a generated day of N lots instead of the built-in one (scale tests).
    #[arg(long, value_name = "N", conflicts_with = "scenario", value_parser = lots_range)]
    pub lots: Option<u32>,
    /// Serve no change feed: `/events` answers 404 and clients poll `/lots`.
    #[arg(long)]
    pub no_feed: bool,
    /// Serve no push feed: `/stream` answers 404 and clients long-poll `/events`.
    #[arg(long)]
    pub no_stream: bool,
    /// Events the feed keeps (older ones answer 410).
    #[arg(long, value_name = "N", default_value_t = crate::sim::engine::DEFAULT_HISTORY as u64, value_parser = history_range)]
    pub history: u64,
    /// Real milliseconds from start-up until the first lots open.
    #[arg(long, value_name = "MS", default_value_t = 2000)]
    pub lead_ms: i64,
    /// Also serve the day as this site's pages (`sauda`: /ru/list, /kz/list…).
    #[arg(long, value_name = "SITE")]
    pub site: Option<SiteArg>,
    /// A maintenance window of the site: START_S+LENGTH_S after start-up.
    #[arg(long, value_name = "START+LEN", value_parser = parse_window)]
    pub site_maintenance: Option<(u64, u64)>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SiteArg {
    Sauda,
}

fn parse_window(s: &str) -> Result<(u64, u64), ValueProblem> {
    let (a, b) = s
        .split_once('+')
        .ok_or_else(|| ValueProblem::WindowShape(s.to_string()))?;
    let n = |v: &str| {
        v.trim()
            .parse::<u64>()
            .map_err(|_| ValueProblem::Seconds(v.to_string()))
    };
    Ok((n(a)?, n(b)?))
}

fn parse_poll(s: &str) -> Result<u64, ValueProblem> {
    match s.trim().parse::<u64>() {
        Ok(ms) if ms >= 250 => Ok(ms),
        Ok(ms) => Err(ValueProblem::PollTooShort(ms)),
        Err(_) => Err(ValueProblem::PollNotNumber(s.to_string())),
    }
}

fn parse_currency(s: &str) -> Result<Currency, ValueProblem> {
    Currency::from_code(s).ok_or_else(|| ValueProblem::Currency(s.to_string()))
}

fn alert_minutes(s: &str) -> Result<u64, ValueProblem> {
    crate::shell::cli_lang::in_range(s, 1, 1440)
}

fn lots_range(s: &str) -> Result<u32, ValueProblem> {
    crate::shell::cli_lang::in_range(s, 1, 100_000).map(|v| v as u32)
}

fn history_range(s: &str) -> Result<u64, ValueProblem> {
    crate::shell::cli_lang::in_range(s, 1, 1_000_000)
}

/// A parse error with what to do where clap's own text does not say it: a
/// monitor option given before a subcommand belongs after its name.
pub fn with_tip(mut e: clap::Error) -> clap::Error {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() == ErrorKind::ArgumentConflict
        && let Some(ContextValue::String(sub)) = e.get(ContextKind::InvalidSubcommand).cloned()
        && let Some(ContextValue::String(arg)) = e.get(ContextKind::PriorArg).cloned()
    {
        let option = arg.split_whitespace().next().unwrap_or(&arg).to_string();
        e.insert(
            ContextKind::Suggested,
            ContextValue::StyledStrs(vec![
                format!(
                    "the options before a subcommand are the monitor's: give {option} after `{sub}` (lotwatch {sub} {arg}), if `lotwatch {sub} --help` lists it"
                )
                .into(),
            ]),
        );
    }
    e
}

/// A run that cannot start because of what it was given (an option, the
/// configuration, a busy `--metrics` port): exit 2, as every usage error.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Input that is missing or damaged (a journal that is not one): exit 3.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

/// The exit code of a failed run: 2 for a usage error, 3 for missing or
/// damaged input, else 1 (README, "Exit codes").
pub fn exit_code_of(e: &anyhow::Error) -> u8 {
    if e.downcast_ref::<UsageError>().is_some() {
        2
    } else if e.downcast_ref::<BadInput>().is_some() {
        3
    } else {
        1
    }
}
