//! `lotwatch` itself: wires the platform client, the sync engine, the
//! journal and the app state to the terminal loop (`shell::screen`), and
//! carries out the live mode's effects.

use crate::app::{App, Effect, Msg, Update};
use crate::domain::SourceId;
use crate::domain::clock::mono_now;
use crate::journal;
use crate::platform::Client;
use crate::shell::alert_cmd::AlertCommand;
use crate::shell::cli::UsageError;
use crate::shell::screen::{Driver, Screen, sleep_until_opt};
use crate::sim::server::{RunningSim, SimOptions};
use crate::sync::{self, SyncCmd, SyncMsg};
use std::time::Duration;
use tokio::sync::mpsc;

pub(crate) use crate::shell::journal_sink::JournalSink;
use crate::shell::journal_sink::OpenNews;

/// Runs the monitor with resolved settings (config file, environment, flags)
/// until the user quits. Without `--url`, starts the demo simulator
/// in-process on a free loopback port first.
pub fn run_with(settings: crate::shell::config::Settings) -> anyhow::Result<()> {
    crate::shell::malloc::tune();
    let args = settings.args.clone();
    let log_path = args
        .log_file
        .clone()
        .unwrap_or_else(crate::shell::logging::default_log_path);
    crate::shell::logging::init(&log_path)
        .map_err(|e| anyhow::anyhow!(crate::shell::cli_lang::log_error(settings.lang, &e)))?;
    tracing::info!("lotwatch {} starting", env!("CARGO_PKG_VERSION"));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let result = rt.block_on(run_async(settings));
    if let Err(e) = &result {
        tracing::error!("exiting on error: {e:#}");
    }
    // Background tasks (sync, simulator) end with the runtime.
    rt.shutdown_timeout(Duration::from_millis(500));
    result
}

async fn run_async(settings: crate::shell::config::Settings) -> anyhow::Result<()> {
    let args = &settings.args;
    let token = settings.token.clone();
    let on_alert = match &args.on_alert {
        Some(cmd) => Some(AlertCommand::parse(cmd).map_err(|e| anyhow::anyhow!(e))?),
        None => None,
    };
    if args.follow.is_some() {
        // A read-only screen fed by a journal: no platform, no engine.
        return crate::shell::follow_mode::run(&settings, on_alert.as_ref()).await;
    }
    let specs =
        crate::shell::source::sources(&args.source, args.url.as_ref()).map_err(UsageError)?;
    // Each source: its URL (an API source without one: a demo simulator
    // of its own), its client and its engine settings.
    let mut sims = Vec::new();
    let mut started = Vec::new();
    let mut urls = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let (url, demo) = match &spec.url {
            Some(url) => (url.clone(), false),
            None => {
                let sim = crate::sim::server::start(SimOptions::demo())
                    .await
                    .map_err(|e| anyhow::anyhow!("could not start the demo simulator: {e:#}"))?;
                tracing::info!("demo simulator at {}", sim.url());
                let url = sim.url();
                sims.push(sim);
                (url, true)
            }
        };
        let mut demo_args = args.clone();
        if demo && demo_args.rates_url.is_none() {
            // The demo reads dollar rates from the simulator's own NBK feed.
            demo_args.rates_url = Some(format!("{url}/nbk/rss/get_rates.cfm?fdate={{date}}"));
            if demo_args.rates == crate::shell::cli::RatesArg::Platform {
                demo_args.rates = crate::shell::cli::RatesArg::Nbk;
            }
        }
        let (client_cfg, mut sync_cfg) = crate::shell::engine_config::configs_from_args(
            &demo_args,
            spec.kind,
            &url,
            token.clone(),
        )
        .map_err(|e| UsageError(crate::shell::cli_lang::engine_error(settings.lang, &e)))?;
        if i > 0 {
            // The rates are read once, with the first source's.
            sync_cfg.rates = None;
        }
        let client = Client::new(client_cfg)
            .map_err(|e| UsageError(crate::shell::cli_lang::platform_error(settings.lang, &e)))?;
        urls.push(url);
        started.push((spec.kind, client, sync_cfg, demo));
    }
    tracing::debug!("HTTP clients ready");
    let first_demo = started.first().is_some_and(|s| s.3);
    // The demo day restarts at seq 1 on every run: it is journaled only when
    // the user names a file. Each source is its own auction in it.
    let journal_on = !(args.no_journal || (first_demo && args.journal.is_none()));
    let Some(client) = started.first().map(|s| s.1.clone()) else {
        return Err(UsageError("no source to read".into()).into());
    };
    let (metrics, _metrics_server) = match args.metrics {
        Some(addr) => {
            let (publisher, rx) = crate::shell::metrics::Publisher::new(client.clone());
            let server = crate::shell::metrics::server::start(addr, rx)
                .await
                .map_err(|e| {
                    UsageError(crate::shell::cli_lang::metrics_error(settings.lang, &e))
                })?;
            (Some(publisher), Some(server))
        }
        None => (None, None),
    };
    let notifier = settings.notifier(&|k: &str| std::env::var(k).ok());
    let mut handles = Vec::new();
    for (i, (kind, client, mut sync_cfg, _)) in started.into_iter().enumerate() {
        // The journal opens once the auction is known (its file is named
        // after the source, `journal_name`, or resumes the auction's): the
        // engine learns its cursor when it opens (SyncCmd::JournalOpened).
        sync_cfg.journal = if journal_on && (i == 0 || !demo_of(&specs, i)) {
            sync::JournalStart::Later
        } else {
            sync::JournalStart::Off
        };
        handles.push(crate::shell::source::spawn(
            kind,
            args.site_lang,
            args.poll,
            client,
            sync_cfg,
        ));
    }
    let names = crate::shell::source::names(&specs, &urls);
    let (sync_rx, cmds, tasks) = merge(handles);
    // One sink per source, the first's with the alerts and the anomalies;
    // with --journal all write the same file or database, each its own
    // auction (without it, each its source's default file).
    let mut sinks: Vec<JournalSink> = cmds
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if journal_on && (i == 0 || !demo_of(&specs, i)) {
                JournalSink::Pending {
                    path: args.journal.clone(),
                    name: specs.get(i).and_then(|s| {
                        crate::shell::journal_name::default_journal(s.kind, s.url.as_deref())
                    }),
                    cmds: c.clone(),
                    waiting: Vec::new(),
                    anomalies: Vec::new(),
                }
            } else {
                JournalSink::Off
            }
        })
        .collect();
    let mut others = sinks.split_off(1.min(sinks.len()));
    let Some(mut journal) = sinks.pop() else {
        return Err(UsageError("no source to read".into()).into());
    };
    tracing::debug!("sync engine started");

    let mut courier = crate::shell::deliver::Courier::start(
        settings.notify_to.as_ref(),
        settings.lang,
        args.ca_cert.as_deref(),
    )
    .map_err(|e| anyhow::anyhow!("[notify_to]: {e}"))?;
    let mut app = App::new(settings.app_options(!sims.is_empty()));
    // With one source the screen is as it was; its name is still on every
    // lot (the metrics' `source` label, the filter's `source:`).
    app.set_sources(names);
    if let Some((key, desc)) = settings.sort {
        app.set_sort(key, desc);
    }
    settings.screen_into(&mut app);
    let result = async {
        let mut screen = Screen::enter(app, settings.view(), notifier)?;
        screen.watch_config(&settings);
        let mut driver = LiveDriver {
            journal: &mut journal,
            others: &mut others,
            sync_rx,
            cmds,
            on_alert: on_alert.clone(),
            metrics,
            health: None,
            other_health: Vec::new(),
            courier: &mut courier,
            ca_cert: args.ca_cert.clone(),
        };
        screen.run(&mut driver).await
    }
    .await;
    for t in tasks {
        t.abort();
    }
    let (undelivered, delivered) = courier.close_within(DELIVERY_CLOSE_WAIT, None).await;
    for r in delivered {
        let _ = journal.append(r, None).await;
    }
    if let Some(line) = undelivered {
        tracing::warn!("{line}");
        eprintln!("{line}");
    }
    journal.close().await;
    for sink in others {
        sink.close().await;
    }
    for sim in sims {
        stop_sim(sim).await;
    }
    result
}

/// Every source's messages on one channel, each tagged with its source,
/// their command senders by `SourceId`, and their tasks.
type Merged = (
    mpsc::Receiver<(SourceId, SyncMsg)>,
    Vec<mpsc::Sender<SyncCmd>>,
    Vec<tokio::task::JoinHandle<()>>,
);

/// The sources' messages on one channel, each tagged with its source
/// (`SourceId`: the order given); their command senders; their tasks.
fn merge(handles: Vec<sync::SyncHandle>) -> Merged {
    let (tx, rx) = mpsc::channel(256);
    let mut cmds = Vec::new();
    let mut tasks = Vec::new();
    for (i, h) in handles.into_iter().enumerate() {
        let Some(id) = SourceId::nth(i) else { break };
        let (tx, mut msgs) = (tx.clone(), h.msgs);
        tasks.push(tokio::spawn(async move {
            while let Some(m) = msgs.recv().await {
                if tx.send((id, m)).await.is_err() {
                    break;
                }
            }
        }));
        cmds.push(h.cmds);
        tasks.push(h.task);
    }
    (rx, cmds, tasks)
}

async fn stop_sim(sim: RunningSim) {
    let _ = tokio::time::timeout(Duration::from_millis(500), sim.shutdown()).await;
}

/// How long quitting waits for a delivery under way at most.
const DELIVERY_CLOSE_WAIT: Duration = Duration::from_millis(300);

/// The live mode's part of the loop: the sync engine's messages (journaled
/// as they arrive), the journal's health, the metrics, and the effects that
/// go to the engine, the journal and the alert command.
struct LiveDriver<'a> {
    journal: &'a mut JournalSink,
    /// The other sources' journals, by `SourceId` less one (their
    /// messages only).
    others: &'a mut Vec<JournalSink>,
    /// Every source's messages, tagged with the source.
    sync_rx: mpsc::Receiver<(SourceId, SyncMsg)>,
    /// Each source's commands, by `SourceId`.
    cmds: Vec<mpsc::Sender<SyncCmd>>,
    on_alert: Option<AlertCommand>,
    metrics: Option<crate::shell::metrics::Publisher>,
    /// The journal's health, once the journal is open.
    health: Option<tokio::sync::watch::Receiver<journal::JournalHealth>>,
    /// The other sources' journals' health, once open (`others`' index).
    other_health: Vec<Option<tokio::sync::watch::Receiver<journal::JournalHealth>>>,
    /// Alerts off the screen (`[notify_to]`), journaled.
    courier: &'a mut crate::shell::deliver::Courier,
    /// The command line's extra CA, for the channels of a reloaded
    /// `[notify_to]`.
    ca_cert: Option<std::path::PathBuf>,
}

/// What woke the live loop.
enum LiveWake {
    Sync(SourceId, SyncMsg),
    Opening(OpenNews),
    /// The journal of another source (`others`' index) opened, or not yet.
    OtherOpening(usize, OpenNews),
    Journal(journal::JournalHealth),
    /// The health of another source's journal (`others`' index).
    OtherJournal(usize, journal::JournalHealth),
    Metrics,
    Delivery(crate::shell::deliver::Report),
}

impl LiveDriver<'_> {
    async fn sync(&mut self, src: SourceId, msg: SyncMsg, app: &mut App) -> anyhow::Result<Update> {
        let server = app.server_now(mono_now());
        let msg = if src == SourceId::FIRST {
            self.journal.record(&msg, server).await?;
            Msg::Sync(msg)
        } else {
            if let Some(sink) = self.others.get_mut(src.index().wrapping_sub(1)) {
                sink.record(&msg, server).await?;
            }
            Msg::Source(src, msg)
        };
        let mut up = app.update(msg, mono_now());
        // Another source's journal still opening: its badge too.
        if let Some(h) = self
            .others
            .get(src.index().wrapping_sub(1))
            .and_then(JournalSink::opening_health)
        {
            let more = app.update(Msg::JournalOf(src, h), mono_now());
            up.redraw |= more.redraw;
            up.effects.extend(more.effects);
        }
        // The badge of a journal still opening (its backlog grows).
        if let Some(h) = self.journal.opening_health()
            && h != *app.journal()
        {
            let more = app.update(Msg::Journal(h), mono_now());
            up.redraw |= more.redraw;
            up.effects.extend(more.effects);
        }
        self.journal.restore_alerts(self.courier, app);
        Ok(up)
    }

    /// The journal opened, or is still being reached, or cannot be used.
    async fn opening(&mut self, news: OpenNews, app: &mut App) -> anyhow::Result<Update> {
        self.journal
            .opened(news, app.server_now(mono_now()))
            .await?;
        let h = match self.journal.opening_health() {
            Some(h) => h,
            None => {
                self.health = self.journal.health();
                self.health
                    .as_mut()
                    .map(|r| r.borrow_and_update().clone())
                    .unwrap_or_default()
            }
        };
        let up = app.update(Msg::Journal(h), mono_now());
        self.journal.restore_alerts(self.courier, app);
        Ok(up)
    }
}

impl Driver for LiveDriver<'_> {
    type Wake = LiveWake;

    async fn wait(&mut self, _app: &App) -> anyhow::Result<LiveWake> {
        let metrics_at = self.metrics.as_ref().and_then(|m| m.due());
        tokio::select! {
            msg = self.sync_rx.recv() => match msg {
                Some((src, msg)) => Ok(LiveWake::Sync(src, msg)),
                None => Err(anyhow::anyhow!("the sync engine stopped unexpectedly; see the log file")),
            },
            Some(h) = health_changed(&mut self.health) => Ok(LiveWake::Journal(h)),
            (i, Some(h)) = others_health_changed(&mut self.other_health) => {
                Ok(LiveWake::OtherJournal(i, h))
            }
            Some(news) = self.journal.opening() => Ok(LiveWake::Opening(news)),
            (i, Some(news)) = others_opening(self.others) => Ok(LiveWake::OtherOpening(i, news)),
            _ = sleep_until_opt(metrics_at) => Ok(LiveWake::Metrics),
            Some(r) = self.courier.next() => Ok(LiveWake::Delivery(r)),
        }
    }

    async fn handle(&mut self, wake: LiveWake, app: &mut App) -> anyhow::Result<Update> {
        match wake {
            LiveWake::Sync(src, msg) => self.sync(src, msg, app).await,
            LiveWake::Opening(news) => self.opening(news, app).await,
            LiveWake::OtherOpening(i, news) => {
                let (Some(sink), Some(src)) = (self.others.get_mut(i), SourceId::nth(i + 1)) else {
                    return Ok(Update::default());
                };
                sink.opened(news, app.server_now(mono_now())).await?;
                let h = match sink.opening_health() {
                    Some(h) => h,
                    None => {
                        let mut rx = sink.health();
                        let h = rx
                            .as_mut()
                            .map(|r| r.borrow_and_update().clone())
                            .unwrap_or_default();
                        if self.other_health.len() <= i {
                            self.other_health.resize_with(i + 1, || None);
                        }
                        self.other_health[i] = rx;
                        h
                    }
                };
                Ok(app.update(Msg::JournalOf(src, h), mono_now()))
            }
            LiveWake::OtherJournal(i, h) => match SourceId::nth(i + 1) {
                Some(src) => Ok(app.update(Msg::JournalOf(src, h), mono_now())),
                None => Ok(Update::default()),
            },
            LiveWake::Journal(h) => Ok(app.update(Msg::Journal(h), mono_now())),
            LiveWake::Metrics => {
                if let Some(m) = self.metrics.as_mut() {
                    m.publish(app, mono_now(), self.journal.status().as_ref());
                }
                Ok(Update::default())
            }
            LiveWake::Delivery(r) => {
                let server = app.server_now(mono_now());
                let (record, status) = self.courier.on_report(r, server);
                if let Some(rec) = record {
                    self.journal.append(rec, server).await?;
                }
                Ok(app.update(Msg::Delivery(status), mono_now()))
            }
        }
    }

    async fn ready(&mut self, app: &mut App) -> anyhow::Result<Option<Update>> {
        match self.sync_rx.try_recv() {
            Ok((src, msg)) => Ok(Some(self.sync(src, msg, app).await?)),
            Err(_) => Ok(None),
        }
    }

    async fn effect(&mut self, effect: Effect, app: &App) -> anyhow::Result<()> {
        match effect {
            Effect::Sync(cmd) => {
                // The engine reads commands promptly; a full queue means it is
                // already busy with the same kind of work, so dropping is safe.
                // The selected lot's bid history is asked of its own source only.
                let owner = app.selected_synced().map_or(SourceId::FIRST, |w| w.0);
                for (i, tx) in self.cmds.iter().enumerate() {
                    let cmd = match &cmd {
                        SyncCmd::SelectLot(_) if SourceId::nth(i) != Some(owner) => {
                            SyncCmd::SelectLot(None)
                        }
                        c => c.clone(),
                    };
                    let _ = tx.try_send(cmd);
                }
            }
            Effect::Alert(alert) => {
                tracing::info!(
                    "alert {} {}: {}",
                    alert.kind.as_str(),
                    alert.lot_number,
                    alert.message
                );
                if let Some(cmd) = &self.on_alert {
                    // Fire and forget: bounded and timed out inside.
                    let _ = cmd.spawn(&alert);
                }
                let server = app.server_now(mono_now());
                if self.courier.has_channels()
                    && let Some(rec) = self.courier.default_alert(&alert, server)
                {
                    self.sink_of(alert.source).append(rec, server).await?;
                }
            }
            // Alerts and anomalies with their source's auction.
            Effect::RuleAlert(a) => {
                let rec = self.courier.rule_alert(&a);
                let server = app.server_now(mono_now());
                self.sink_of(a.source).append(rec, server).await?;
            }
            Effect::Anomaly(a) => {
                let server = app.server_now(mono_now());
                self.sink_of(a.source).anomaly(a, server).await?;
            }
            _ => {}
        }
        Ok(())
    }

    /// Rules and delivery apply live: the rules replace the app's (what
    /// was sent stays sent), the courier takes the new channels.
    fn reconfigure(
        &mut self,
        new: &crate::shell::config::Settings,
        app: &mut App,
    ) -> Result<(), String> {
        let on_alert = match &new.args.on_alert {
            Some(cmd) => Some(AlertCommand::parse(cmd).map_err(|e| format!("on_alert: {e}"))?),
            None => None,
        };
        self.on_alert = on_alert;
        app.set_alert_minutes(new.args.alert_minutes);
        app.set_rules(&new.rules);
        self.courier
            .retarget(new.notify_to.as_ref(), new.lang, self.ca_cert.as_deref())
            .map_err(|e| format!("[notify_to]: {e}"))
    }

    fn applies_live(&self) -> &'static [&'static str] {
        &["alert_minutes", "on_alert"]
    }

    fn idle(&mut self, app: &mut App) -> bool {
        if let Some(m) = self.metrics.as_mut() {
            m.changed(app, mono_now(), self.journal.status().as_ref());
        }
        if self.health.is_none() {
            self.health = self.journal.health();
        }
        false
    }
}

impl LiveDriver<'_> {
    /// The journal of source `src`'s auction (the first's past the others).
    fn sink_of(&mut self, src: SourceId) -> &mut JournalSink {
        match src.index().checked_sub(1) {
            Some(i) if i < self.others.len() => &mut self.others[i],
            _ => self.journal,
        }
    }
}

/// The next news of another source's journal being opened, with its index;
/// never while none is being opened.
async fn others_opening(others: &mut [JournalSink]) -> (usize, Option<OpenNews>) {
    if others.is_empty() {
        return std::future::pending().await;
    }
    let all = others
        .iter_mut()
        .enumerate()
        .map(|(i, s)| Box::pin(async move { (i, s.opening().await) }));
    futures_util::future::select_all(all).await.0
}

/// Whether source `i` reads a demo simulator (it has no URL of its own):
/// the demo day restarts at seq 1 on every run and is not journaled beside
/// the others.
fn demo_of(specs: &[crate::shell::source::SourceSpec], i: usize) -> bool {
    specs.get(i).is_some_and(|s| s.url.is_none())
}

/// The next health of another source's journal, with its index; never
/// while none is open.
async fn others_health_changed(
    rxs: &mut [Option<tokio::sync::watch::Receiver<journal::JournalHealth>>],
) -> (usize, Option<journal::JournalHealth>) {
    let all: Vec<_> = rxs
        .iter_mut()
        .enumerate()
        .filter(|(_, r)| r.is_some())
        .map(|(i, r)| Box::pin(async move { (i, health_changed(r).await) }))
        .collect();
    if all.is_empty() {
        return std::future::pending().await;
    }
    futures_util::future::select_all(all).await.0
}

/// The journal's next health, when it changes; never while there is none.
async fn health_changed(
    rx: &mut Option<tokio::sync::watch::Receiver<journal::JournalHealth>>,
) -> Option<journal::JournalHealth> {
    if let Some(r) = rx
        && r.changed().await.is_ok()
    {
        return Some(r.borrow_and_update().clone());
    }
    std::future::pending().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Auction, AuctionStatus, Event, EventKind, Money, Timestamp};
    use crate::journal::Journal;

    fn bid(seq: u64) -> SyncMsg {
        SyncMsg::Events(vec![Event {
            seq,
            at: Timestamp(1_750_741_800_000),
            lot_id: Some("A".into()),
            kind: EventKind::Bid {
                amount: Money::from_tenge(41_000_000),
                bidder: "P-02".into(),
                closes_at: Timestamp(1_750_743_300_000),
            },
        }])
    }

    #[tokio::test]
    async fn what_did_not_fit_while_the_journal_opened_is_a_gap_in_it() {
        let dir = std::env::temp_dir().join(format!("lotwatch-sink-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("j.sqlite");
        let (cmds, mut told) = mpsc::channel(4);
        let mut sink = JournalSink::Pending {
            path: Some(path.clone()),
            name: None,
            cmds,
            waiting: Vec::new(),
            anomalies: Vec::new(),
        };
        let auction = Auction {
            id: "kz-2025-06".into(),
            title: "t".into(),
            venue: "v".into(),
            timezone: "Asia/Almaty".into(),
            currency: "KZT".into(),
            starts_at: Timestamp(0),
            ends_at: Timestamp(0),
            status: AuctionStatus::Running,
        };
        sink.record(&SyncMsg::Auction(auction), None).await.unwrap();
        // More than memory holds arrives before the news is taken (link
        // states, which the journal does not keep, to fill it quickly).
        for _ in 0..JournalSink::MAX_WAITING - 2 {
            sink.record(&SyncMsg::Link(crate::domain::LinkState::Live), None)
                .await
                .unwrap();
        }
        let n = 11;
        for seq in 1..=n {
            sink.record(&bid(seq), None).await.unwrap();
        }
        let health = sink.opening_health().unwrap();
        assert!(health.connecting);
        assert_eq!(health.lost_records, 10);
        let news = tokio::time::timeout(Duration::from_secs(10), sink.opening())
            .await
            .unwrap()
            .unwrap();
        sink.opened(news, None).await.unwrap();
        assert_eq!(told.try_recv().ok(), Some(SyncCmd::JournalOpened(None)));
        assert!(sink.opening_health().is_none());
        // All of it written (quitting would wait 400 ms at most).
        let JournalSink::On { recorder, .. } = sink else {
            panic!("the journal is on");
        };
        recorder.close().await.unwrap();
        let j = Journal::open_existing(&path).unwrap();
        let events = j.events(None).unwrap();
        assert_eq!(events.len(), 1, "what was kept is written");
        let gaps: Vec<_> = j
            .anomalies()
            .unwrap()
            .into_iter()
            .filter(|a| a.kind == "journal_gap")
            .collect();
        assert_eq!(gaps.len(), 1, "{gaps:?}");
        assert_eq!(
            gaps[0].evidence,
            crate::sync::Backfill::lost_evidence(
                2,
                n,
                "more came than memory holds while the journal was opening"
            )
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}
