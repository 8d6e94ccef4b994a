//! `lotwatch watch`: the monitor without the screen. The same sync engine,
//! journal, app state (driven by the same `Msg`s as the monitor: sync
//! messages, ticks, the filter typed in as actions), alerts and anomalies;
//! what changes is printed to stdout as JSON lines, a status line, waybar
//! JSON or TSV, through a bounded queue (`output`).
//!
//! Exit codes: 0 on SIGINT, SIGTERM, SIGHUP or a closed pipe; 1 when the
//! platform cannot be reached at start (or the journal fails); 2 for bad
//! arguments or a bad filter.

pub mod lines;
pub mod output;
pub mod status;

use crate::app::filter::Filter;
use crate::app::{Action, App, AppOptions, Effect, Msg, Update};
use crate::domain::clock::mono_now;
use crate::domain::{Currency, SourceId};
use crate::platform::Client;
use crate::shell::alert_cmd::AlertCommand;
use crate::shell::cli::{WatchArgs, WatchFormat};
use crate::shell::cli_lang;
use crate::shell::config::Settings;
use crate::shell::monitor::JournalSink;
use crate::shell::screen::{Signals, mono_to_instant, sleep_until_opt};
use crate::sim::server::SimOptions;
use crate::sync::{self, LinkState, SyncCmd, SyncMsg};
use lines::Record;
use output::{Output, Policy};
use std::collections::HashSet;
use std::process::ExitCode;
use std::time::Duration;
use tokio::sync::mpsc;

pub const EXIT_OK: u8 = 0;
const EXIT_UNREACHABLE: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

/// Why `watch` stopped with an error.
#[derive(Debug)]
enum Failure {
    /// Bad arguments: exit 2.
    Usage(String),
    /// The platform could not be reached at start, or the run failed: exit 1.
    Run(String),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Run(format!("{e:#}"))
    }
}

/// `lotwatch watch`. `matches` are the subcommand's, for the precedence of
/// flags over the config file.
pub fn run_cli(
    matches: &clap::ArgMatches,
    args: WatchArgs,
    env: &dyn Fn(&str) -> Option<String>,
) -> ExitCode {
    let settings = match crate::shell::config::resolve(matches, args.monitor.clone(), env) {
        Ok(s) => s,
        Err(e) => {
            let lang = crate::shell::config::early_lang(args.monitor.language, env);
            return usage(&e.message(lang));
        }
    };
    let filter = args.filter.clone().unwrap_or_default();
    if let Err(e) = Filter::parse(&filter) {
        let caret = " ".repeat(e.column);
        let why = (settings.lang.texts().filter_error)(&e);
        let said = cli_lang::tool(settings.lang, cli_lang::Tool::BadFilter(why));
        return usage(&format!("{said}\n  {filter}\n  {caret}^"));
    }
    let log_path = settings
        .args
        .log_file
        .clone()
        .unwrap_or_else(crate::shell::logging::default_log_path);
    if let Err(e) = crate::shell::logging::init(&log_path) {
        return usage(&cli_lang::log_error(settings.lang, &e));
    }
    tracing::info!("lotwatch {} watch starting", env!("CARGO_PKG_VERSION"));
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return failure(&format!("cannot start: {e}")),
    };
    let result = rt.block_on(run(settings, filter, args.format));
    rt.shutdown_timeout(Duration::from_millis(500));
    match result {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(Failure::Usage(m)) => usage(&m),
        Err(Failure::Run(m)) => {
            tracing::error!("exiting on error: {m}");
            failure(&m)
        }
    }
}

fn usage(m: &str) -> ExitCode {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "lotwatch watch: {m}");
    ExitCode::from(EXIT_USAGE)
}

fn failure(m: &str) -> ExitCode {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "lotwatch watch: {m}");
    ExitCode::from(EXIT_UNREACHABLE)
}

async fn run(settings: Settings, filter: String, format: WatchFormat) -> Result<(), Failure> {
    let args = &settings.args;
    let on_alert = match &args.on_alert {
        Some(cmd) => Some(AlertCommand::parse(cmd).map_err(Failure::Usage)?),
        None => None,
    };
    let specs =
        crate::shell::source::sources(&args.source, args.url.as_ref()).map_err(Failure::Usage)?;
    let [spec] = specs.as_slice() else {
        return Err(Failure::Usage(
            "watch reads one source: give one --source (run one watch per source)".into(),
        ));
    };
    let kind = spec.kind;
    let given = spec.url.clone();
    let sim = match &given {
        Some(_) => None,
        None => Some(
            crate::sim::server::start(SimOptions::demo())
                .await
                .map_err(|e| Failure::Run(format!("could not start the demo simulator: {e:#}")))?,
        ),
    };
    let url = sim.as_ref().map(|s| s.url()).or(given).unwrap_or_default();
    let mut engine_args = args.clone();
    if sim.is_some() && engine_args.rates_url.is_none() {
        engine_args.rates_url = Some(format!("{url}/nbk/rss/get_rates.cfm?fdate={{date}}"));
        if engine_args.rates == crate::shell::cli::RatesArg::Platform {
            engine_args.rates = crate::shell::cli::RatesArg::Nbk;
        }
    }
    let (client_cfg, mut sync_cfg) = crate::shell::engine_config::configs_from_args(
        &engine_args,
        kind,
        &url,
        settings.token.clone(),
    )
    .map_err(|e| Failure::Usage(crate::shell::cli_lang::engine_error(settings.lang, &e)))?;
    let client = Client::new(client_cfg)
        .map_err(|e| Failure::Usage(crate::shell::cli_lang::platform_error(settings.lang, &e)))?;
    let journal_on = !(args.no_journal || (sim.is_some() && args.journal.is_none()));
    // As in the monitor: the engine learns the journal's cursor when it opens.
    sync_cfg.journal = if journal_on {
        sync::JournalStart::Later
    } else {
        sync::JournalStart::Off
    };
    let (metrics, _metrics_server) = match args.metrics {
        Some(addr) => {
            let (publisher, rx) = crate::shell::metrics::Publisher::new(client.clone());
            let server = crate::shell::metrics::server::start(addr, rx)
                .await
                .map_err(|e| {
                    Failure::Usage(crate::shell::cli_lang::metrics_error(settings.lang, &e))
                })?;
            (Some(publisher), Some(server))
        }
        None => (None, None),
    };
    let handle = crate::shell::source::spawn(kind, args.site_lang, args.poll, client, sync_cfg);
    let journal = if journal_on {
        JournalSink::Pending {
            path: args.journal.clone(),
            name: crate::shell::journal_name::default_journal(kind, spec.url.as_deref()),
            cmds: handle.cmds.clone(),
            waiting: Vec::new(),
            anomalies: Vec::new(),
        }
    } else {
        JournalSink::Off
    };
    let courier = crate::shell::deliver::Courier::start(
        settings.notify_to.as_ref(),
        settings.lang,
        args.ca_cert.as_deref(),
    )
    .map_err(|e| Failure::Usage(format!("[notify_to]: {e}")))?;
    let mut app = App::new(AppOptions {
        demo: sim.is_some(),
        insecure: args.insecure,
        me: args.me.clone(),
        currency: args.currency.unwrap_or(Currency::Usd),
        watchlist: args.watchlist.clone(),
        skew_threshold_ms: args.skew_threshold,
        unreachable_after_ms: args.unreachable_after.saturating_mul(1000),
        alert_minutes: args.alert_minutes,
        mouse: false,
        collation: Default::default(),
        rules: settings.rules.clone(),
    });
    // Its one source's name, on every lot's record (and `source:`).
    app.set_sources(crate::shell::source::names(
        std::slice::from_ref(spec),
        std::slice::from_ref(&url),
    ));
    // The filter goes in as the monitor's keys would type it.
    let now = mono_now();
    app.update(Msg::Action(Action::StartFilter), now);
    for c in filter.chars() {
        app.update(Msg::Action(Action::FilterInput(c)), now);
    }
    app.update(Msg::Action(Action::FilterCommit), now);

    let policy = match format {
        WatchFormat::Jsonl => Policy::stream(lines::dropped_json),
        WatchFormat::Text => Policy::stream(settings.lang.texts().messages_left_out),
        WatchFormat::Tsv => Policy::stream(lines::dropped_tsv),
        WatchFormat::Status | WatchFormat::Waybar => Policy::latest(),
    };
    let out = Output::start(Box::new(std::io::stdout()), Some(1), policy);
    if format == WatchFormat::Tsv {
        out.push(lines::TSV_COLUMNS.join("\t"));
    }
    let mut w = Watcher {
        app,
        journal,
        out,
        format,
        filtered: !filter.trim().is_empty(),
        on_alert,
        metrics,
        cmds: handle.cmds.clone(),
        last_status: None,
        link: None,
        started: false,
        lang: settings.lang,
        said: None,
        throttled: None,
        courier,
    };
    let result = w.run(handle.msgs).await;
    handle.task.abort();
    let Watcher {
        mut journal,
        out,
        courier,
        ..
    } = w;
    let (undelivered, delivered) = courier.close_within(Duration::from_millis(300), None).await;
    for r in delivered {
        let _ = journal.append(r, None).await;
    }
    if let Some(line) = undelivered {
        tracing::warn!("{line}");
        eprintln!("{line}");
    }
    journal.close().await;
    out.finish(Duration::from_millis(500));
    if let Some(sim) = sim {
        let _ = tokio::time::timeout(Duration::from_millis(500), sim.shutdown()).await;
    }
    result
}

/// The headless loop's state.
struct Watcher {
    app: App,
    journal: JournalSink,
    out: Output,
    format: WatchFormat,
    /// A filter is set: only its lots' records are printed.
    filtered: bool,
    on_alert: Option<AlertCommand>,
    metrics: Option<crate::shell::metrics::Publisher>,
    cmds: mpsc::Sender<SyncCmd>,
    last_status: Option<String>,
    /// The link state last printed.
    link: Option<LinkState>,
    /// A snapshot has arrived: the platform was reached.
    started: bool,
    /// The interface language (`--format text`, the status line).
    lang: crate::ui::i18n::Lang,
    /// The newest entry of the events log said (`--format text`).
    said: Option<crate::app::log::LogEntry>,
    /// Before the first read: when the first throttle was met, and the
    /// waiting it asked for so far (given up past `THROTTLE_BUDGET`).
    throttled: Option<(std::time::Instant, Duration)>,
    /// Alerts off the screen (`[notify_to]`), journaled.
    courier: crate::shell::deliver::Courier,
}

/// The waiting for throttles `watch` bears before its first read.
const THROTTLE_BUDGET: Duration = Duration::from_secs(120);

impl Watcher {
    async fn run(&mut self, mut msgs: mpsc::Receiver<SyncMsg>) -> Result<(), Failure> {
        let mut signals = Signals::new()?;
        loop {
            self.print_status();
            self.say_news();
            if let Some(m) = self.metrics.as_mut() {
                m.changed(&self.app, mono_now(), self.journal.status().as_ref());
            }
            let tick_at = self.app.next_tick(mono_now()).map(mono_to_instant);
            let metrics_at = self.metrics.as_ref().and_then(|m| m.due());
            tokio::select! {
                msg = msgs.recv() => match msg {
                    Some(msg) => self.on_sync(msg).await?,
                    None => return Err(Failure::Run("the sync engine stopped unexpectedly; see the log file".into())),
                },
                Some(news) = self.journal.opening() => {
                    let server_now = self.app.server_now(mono_now());
                    self.journal.opened(news, server_now).await?;
                    self.journal
                        .restore_alerts(&mut self.courier, &mut self.app);
                }
                _ = sleep_until_opt(tick_at) => {
                    let up = self.app.update(Msg::Tick, mono_now());
                    self.effects(up).await?;
                }
                _ = sleep_until_opt(metrics_at) => {
                    if let Some(m) = self.metrics.as_mut() {
                        m.publish(&self.app, mono_now(), self.journal.status().as_ref());
                    }
                }
                _ = self.out.closed() => {
                    tracing::info!("the reader closed the pipe: quitting");
                    return Ok(());
                }
                Some(r) = self.courier.next() => {
                    let server = self.app.server_now(mono_now());
                    let (record, status) = self.courier.on_report(r, server);
                    if let Some(rec) = record {
                        self.journal.append(rec, server).await?;
                    }
                    self.app.update(Msg::Delivery(status), mono_now());
                }
                sig = signals.recv() => {
                    tracing::info!("{sig}: quitting");
                    return Ok(());
                }
            }
        }
    }

    fn shown(&self, lot_id: Option<&str>) -> bool {
        match lot_id {
            Some(id) if self.filtered => self.app.lots().position_of(SourceId::FIRST, id).is_some(),
            _ => true,
        }
    }

    fn emit(&self, r: Record) {
        match self.format {
            WatchFormat::Jsonl => self.out.push(r.jsonl()),
            WatchFormat::Tsv => self.out.push(r.tsv()),
            WatchFormat::Status | WatchFormat::Waybar | WatchFormat::Text => {}
        }
    }

    /// `--format text`: the events log's entries (feed events, alerts, data
    /// issues) added since the last said, oldest first, as sentences.
    fn say_news(&mut self) {
        if self.format != WatchFormat::Text {
            return;
        }
        let log = self.app.log();
        let mut new = Vec::new();
        for i in 0..log.len() {
            match log.newest(i) {
                Some(e) if Some(e) != self.said.as_ref() => new.push(e),
                _ => break,
            }
        }
        let lots = self.app.lots();
        let shown = |number: &str| {
            !self.filtered
                || number.is_empty()
                || (0..lots.view_len())
                    .any(|p| lots.row(p).is_some_and(|(l, _)| l.number == number))
        };
        for e in new.iter().rev().filter(|e| shown(&e.lot)) {
            self.out.push(crate::ui::plain::log_entry(e, self.lang));
        }
        if let Some(e) = new.first() {
            self.said = Some((*e).clone());
        }
    }

    fn print_status(&mut self) {
        let line = match self.format {
            WatchFormat::Status | WatchFormat::Waybar => {
                let window = self.app.options().alert_minutes.saturating_mul(60_000);
                let s = status::status(&self.app, mono_now(), window, self.lang.texts());
                if self.format == WatchFormat::Status {
                    s.text
                } else {
                    s.waybar()
                }
            }
            _ => return,
        };
        if self.last_status.as_deref() != Some(line.as_str()) {
            self.out.push(line.clone());
            self.last_status = Some(line);
        }
    }

    async fn on_sync(&mut self, msg: SyncMsg) -> Result<(), Failure> {
        let now = mono_now();
        let server_now = self.app.server_now(now);
        self.journal.record(&msg, server_now).await?;
        match &msg {
            SyncMsg::Snapshot { .. } | SyncMsg::Events(_) => self.started = true,
            SyncMsg::Link(LinkState::Offline { cause, .. }) if !self.started => {
                let cause = cli_lang::link_cause(self.lang, cause);
                let m = cli_lang::Tool::Unreachable {
                    cause,
                    gave_up: false,
                };
                return Err(Failure::Run(cli_lang::tool(self.lang, m)));
            }
            SyncMsg::Link(LinkState::Retrying { cause, .. }) if !self.started => {
                if let crate::domain::LinkCause::RateLimited { wait_s } = cause.root() {
                    let wait = Duration::from_secs(*wait_s);
                    let (first, asked) = self
                        .throttled
                        .get_or_insert((std::time::Instant::now(), Duration::ZERO));
                    *asked += wait;
                    if first.elapsed() + wait > THROTTLE_BUDGET || *asked > THROTTLE_BUDGET {
                        let cause = cli_lang::link_cause(self.lang, cause);
                        let m = cli_lang::Tool::Unreachable {
                            cause,
                            gave_up: true,
                        };
                        return Err(Failure::Run(cli_lang::tool(self.lang, m)));
                    }
                    use std::io::Write;
                    let m = cli_lang::Tool::Waiting {
                        secs: *wait_s,
                        cause: None,
                    };
                    let _ = writeln!(
                        std::io::stderr(),
                        "lotwatch watch: {}",
                        cli_lang::tool(self.lang, m)
                    );
                }
            }
            _ => {}
        }
        let seq_before = self.app.feed_seq();
        // Lots the filter showed before the batch: an event that takes its
        // lot out of the filter (a close under `status:open`) is printed too.
        let shown_before: HashSet<String> = match &msg {
            SyncMsg::Events(evs) if self.filtered => evs
                .iter()
                .filter_map(|e| e.lot_id.as_deref())
                .filter(|id| self.shown(Some(id)))
                .map(str::to_string)
                .collect(),
            _ => HashSet::new(),
        };
        let up = self.app.update(Msg::Sync(msg.clone()), now);
        self.journal
            .restore_alerts(&mut self.courier, &mut self.app);
        let server_now = self.app.server_now(now);
        match &msg {
            SyncMsg::Events(evs) => {
                for ev in evs.iter().filter(|e| e.seq > seq_before) {
                    let id = ev.lot_id.as_deref();
                    if self.shown(id) || id.is_some_and(|i| shown_before.contains(i)) {
                        self.emit(lines::event(&self.app, ev));
                    }
                }
            }
            SyncMsg::Snapshot { lots, .. } if self.format == WatchFormat::Text => {
                let n = (self.lang.texts().lots_n)(lots.len());
                self.out.push(format!("{n}."));
            }
            SyncMsg::Snapshot { seq, lots, .. } => {
                self.emit(lines::snapshot(*seq, lots.len(), server_now));
                // What the snapshot shows happened since the one before (no
                // change feed, or a gap in it), as the feed's events.
                let seen: Vec<_> = self
                    .app
                    .seen()
                    .iter()
                    .filter(|e| self.shown(e.lot_id.as_deref()))
                    .map(|e| lines::seen_event(&self.app, e))
                    .collect();
                for r in seen {
                    self.emit(r);
                }
            }
            SyncMsg::Link(l) if self.link.as_ref() != Some(l) => {
                self.link = Some(l.clone());
                if self.format == WatchFormat::Text {
                    self.out
                        .push(crate::ui::plain::link(l, server_now, self.lang));
                }
                self.emit(lines::link(l, server_now));
            }
            SyncMsg::DataIssue(i) if self.shown(i.lot_id.as_deref()) => {
                self.emit(lines::data_issue(&self.app, i, server_now));
            }
            // The journal records this loss as its `journal_gap` anomaly.
            SyncMsg::Backfill(crate::sync::Backfill::Lost { from, to, why }) => {
                self.emit(lines::journal_gap(*from, *to, why, server_now));
            }
            _ => {}
        }
        self.effects(up).await
    }

    async fn effects(&mut self, up: Update) -> Result<(), Failure> {
        for effect in up.effects {
            match effect {
                Effect::Sync(cmd) => {
                    let _ = self.cmds.try_send(cmd);
                }
                Effect::Alert(a) => {
                    tracing::info!("alert {} {}: {}", a.kind.as_str(), a.lot_number, a.message);
                    let id = (!a.lot_id.is_empty()).then_some(a.lot_id.as_str());
                    if self.shown(id) {
                        self.emit(lines::alert(&a, self.app.server_now(mono_now())));
                    }
                    if let Some(cmd) = &self.on_alert {
                        let _ = cmd.spawn(&a);
                    }
                    let server = self.app.server_now(mono_now());
                    if self.courier.has_channels()
                        && let Some(rec) = self.courier.default_alert(&a, server)
                    {
                        self.journal.append(rec, server).await?;
                    }
                }
                Effect::RuleAlert(a) => {
                    let server = self.app.server_now(mono_now());
                    self.emit(lines::rule_alert(&a, self.lang));
                    let rec = self.courier.rule_alert(&a);
                    self.journal.append(rec, server).await?;
                }
                Effect::Anomaly(a) => {
                    if self.shown(a.lot_id.as_deref()) {
                        if self.format == WatchFormat::Text {
                            self.out
                                .push(crate::ui::plain::anomaly(&self.app, &a, self.lang));
                        }
                        self.emit(lines::anomaly(&self.app, &a));
                    }
                    let server_now = self.app.server_now(mono_now());
                    self.journal.anomaly(a, server_now).await?;
                }
                Effect::Bell | Effect::Quit | Effect::Suspend | Effect::MouseCapture(_) => {}
            }
        }
        Ok(())
    }
}
