//! `lotwatch` itself: wires the platform client, the sync engine, the
//! journal and the app state to the terminal loop (`shell::screen`), and
//! carries out the live mode's effects.

use crate::app::{App, Effect, Msg, Update};
use crate::domain::Timestamp;
use crate::domain::clock::mono_now;
use crate::journal::{self, Journal, JournalRecord, Receipt, Recorder};
use crate::platform::Client;
use crate::shell::alert_cmd::AlertCommand;
use crate::shell::cli::UsageError;
use crate::shell::screen::{Driver, Screen, sleep_until_opt};
use crate::sim::server::{RunningSim, SimOptions};
use crate::sync::{self, SyncCmd, SyncMsg};
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::mpsc;

/// Runs the monitor with resolved settings (config file, environment, flags)
/// until the user quits. Without `--url`, starts the demo simulator
/// in-process on a free loopback port first.
pub fn run_with(settings: crate::shell::config::Settings) -> anyhow::Result<()> {
    let args = settings.args.clone();
    let log_path = args
        .log_file
        .clone()
        .unwrap_or_else(crate::shell::logging::default_log_path);
    crate::shell::logging::init(&log_path)?;
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
    let (url, sim) = match &crate::shell::source::url_for(args.source, args.url.as_ref()) {
        Some(url) => (url.clone(), None),
        None => {
            let sim = crate::sim::server::start(SimOptions::demo())
                .await
                .map_err(|e| anyhow::anyhow!("could not start the demo simulator: {e:#}"))?;
            tracing::info!("demo simulator at {}", sim.url());
            (sim.url(), Some(sim))
        }
    };
    let mut demo_args = args.clone();
    if sim.is_some() && demo_args.rates_url.is_none() {
        // The demo reads dollar rates from the simulator's own NBK feed.
        demo_args.rates_url = Some(format!("{url}/nbk/rss/get_rates.cfm?fdate={{date}}"));
        if demo_args.rates == crate::shell::cli::RatesArg::Platform {
            demo_args.rates = crate::shell::cli::RatesArg::Nbk;
        }
    }
    let (client_cfg, mut sync_cfg) =
        crate::shell::engine_config::configs_from_args(&demo_args, &url, token)
            .map_err(|e| UsageError(e.to_string()))?;
    let client = Client::new(client_cfg).map_err(|e| UsageError(e.to_string()))?;
    tracing::debug!("HTTP client ready");
    // The demo day restarts at seq 1 on every run: it is journaled only when
    // the user names a file.
    let journal_on = !(args.no_journal || (sim.is_some() && args.journal.is_none()));
    // The journal's file is named after the auction: the engine learns its
    // cursor when it opens (SyncCmd::JournalOpened).
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
                .map_err(|e| UsageError(format!("{e:#}")))?;
            (Some(publisher), Some(server))
        }
        None => (None, None),
    };
    let notifier = settings.notifier(&|k: &str| std::env::var(k).ok());
    let handle =
        crate::shell::source::spawn(args.source, args.site_lang, args.poll, client, sync_cfg);
    let mut journal = if journal_on {
        JournalSink::Pending {
            path: args.journal.clone(),
            cmds: handle.cmds.clone(),
            waiting: Vec::new(),
            anomalies: Vec::new(),
        }
    } else {
        JournalSink::Off
    };
    tracing::debug!("sync engine started");

    let mut courier = crate::shell::deliver::Courier::start(
        settings.notify_to.as_ref(),
        settings.lang,
        args.ca_cert.as_deref(),
    )
    .map_err(|e| anyhow::anyhow!("[notify_to]: {e}"))?;
    let mut app = App::new(settings.app_options(sim.is_some()));
    if let Some((key, desc)) = settings.sort {
        app.set_sort(key, desc);
    }
    settings.screen_into(&mut app);
    let result = async {
        let mut screen = Screen::enter(app, settings.view(), notifier)?;
        screen.watch_config(&settings);
        let mut driver = LiveDriver {
            journal: &mut journal,
            sync_rx: handle.msgs,
            cmds: handle.cmds,
            on_alert: on_alert.as_ref(),
            metrics,
            health: None,
            courier: &mut courier,
        };
        screen.run(&mut driver).await
    }
    .await;
    handle.task.abort();
    let (undelivered, delivered) = courier.close_within(DELIVERY_CLOSE_WAIT, None).await;
    for r in delivered {
        let _ = journal.append(r, None).await;
    }
    if let Some(line) = undelivered {
        tracing::warn!("{line}");
        eprintln!("{line}");
    }
    journal.close().await;
    if let Some(sim) = sim {
        stop_sim(sim).await;
    }
    result
}

async fn stop_sim(sim: RunningSim) {
    let _ = tokio::time::timeout(Duration::from_millis(500), sim.shutdown()).await;
}

/// Where the sync messages are journaled. The journal file is named after the
/// auction, so it opens when the first `Auction` message arrives; messages
/// before that wait (bounded) and are written first. (`watch` journals
/// through it too.)
pub(crate) enum JournalSink {
    Off,
    Pending {
        path: Option<PathBuf>,
        /// Where the journal's cursor goes once it is open.
        cmds: mpsc::Sender<SyncCmd>,
        waiting: Vec<SyncMsg>,
        /// Anomalies the app raised meanwhile (e.g. skew on the first sample).
        anomalies: Vec<JournalRecord>,
    },
    On {
        recorder: Recorder,
        path: PathBuf,
    },
}

/// How long quitting waits for a delivery under way at most.
const DELIVERY_CLOSE_WAIT: Duration = Duration::from_millis(300);

/// How long quitting waits for the journal's disk at most, so that `q`
/// quits within a second even while the disk fails.
const JOURNAL_CLOSE_WAIT: Duration = Duration::from_millis(400);

impl JournalSink {
    /// Messages kept while waiting for the auction's id.
    const MAX_WAITING: usize = 4096;

    pub(crate) async fn record(
        &mut self,
        msg: &SyncMsg,
        server_now: Option<Timestamp>,
    ) -> anyhow::Result<()> {
        if let JournalSink::Pending {
            path,
            cmds,
            waiting,
            anomalies,
        } = self
        {
            if waiting.len() < Self::MAX_WAITING {
                waiting.push(msg.clone());
            }
            let SyncMsg::Auction(auction) = msg else {
                return Ok(());
            };
            let path = match path.take().or_else(|| journal::default_path(&auction.id)) {
                Some(p) => p,
                None => anyhow::bail!(
                    "no data directory for the journal: give --journal PATH or --no-journal"
                ),
            };
            let journal = Journal::open(&path).map_err(|e| {
                anyhow::anyhow!("{e}; or give another --journal PATH, or --no-journal")
            })?;
            let path = journal.path().to_path_buf();
            tracing::info!("journal: {}", path.display());
            let cursor = journal
                .cursor(&auction.id)
                .map_err(|e| anyhow::anyhow!("cannot read the journal {}: {e}", path.display()))?;
            let recorder = journal
                .recorder(&auction.id)
                .map_err(|e| anyhow::anyhow!("cannot start the journal {}: {e}", path.display()))?;
            // The engine waits for it before its first snapshot; its queue
            // is empty at start.
            let _ = cmds.try_send(SyncCmd::JournalOpened(cursor));
            let waiting = std::mem::take(waiting);
            let early = std::mem::take(anomalies);
            *self = JournalSink::On { recorder, path };
            for m in waiting {
                Box::pin(self.record(&m, server_now)).await?;
            }
            if let JournalSink::On { recorder, .. } = self {
                for a in early {
                    recorder
                        .append(a, Receipt::now(server_now))
                        .map_err(|e| anyhow::anyhow!("the journal stopped: {e}"))?;
                }
            }
            return Ok(());
        }
        if let JournalSink::On { recorder, .. } = self {
            // Never waits for the disk: the writer holds what it cannot
            // write yet, and counts what does not fit.
            recorder
                .record(msg, Receipt::now(server_now))
                .map_err(|e| anyhow::anyhow!("the journal stopped: {e}"))?;
        }
        Ok(())
    }

    /// Appends an anomaly the app raised, in order with the messages.
    pub(crate) async fn anomaly(
        &mut self,
        a: crate::app::Anomaly,
        server_now: Option<Timestamp>,
    ) -> anyhow::Result<()> {
        match self {
            JournalSink::On { recorder, .. } => recorder
                .append(JournalRecord::from(a), Receipt::now(server_now))
                .map_err(|e| anyhow::anyhow!("the journal stopped: {e}")),
            JournalSink::Pending { anomalies, .. } => {
                if anomalies.len() < Self::MAX_WAITING {
                    anomalies.push(JournalRecord::from(a));
                }
                Ok(())
            }
            JournalSink::Off => Ok(()),
        }
    }

    /// Appends a record of the shell's own (an alert queued or delivered).
    pub(crate) async fn append(
        &mut self,
        r: JournalRecord,
        server_now: Option<Timestamp>,
    ) -> anyhow::Result<()> {
        match self {
            JournalSink::On { recorder, .. } => recorder
                .append(r, Receipt::now(server_now))
                .map_err(|e| anyhow::anyhow!("the journal stopped: {e}")),
            JournalSink::Pending { anomalies, .. } => {
                if anomalies.len() < Self::MAX_WAITING {
                    anomalies.push(r);
                }
                Ok(())
            }
            JournalSink::Off => Ok(()),
        }
    }

    /// Reads the alerts the journal holds into the courier and the app,
    /// once the journal is open (at once when there is none).
    pub(crate) fn restore_alerts(
        &self,
        courier: &mut crate::shell::deliver::Courier,
        app: &mut App,
    ) {
        if courier.restored() {
            return;
        }
        let rows = match (self, app.auction()) {
            (JournalSink::Pending { .. }, _) | (JournalSink::On { .. }, None) => return,
            (JournalSink::Off, _) => Vec::new(),
            (JournalSink::On { path, .. }, Some(a)) => {
                crate::shell::deliver::journal_rows(path, &a.id).unwrap_or_else(|e| {
                    tracing::warn!("alerts sent before this run could not be read: {e}");
                    Vec::new()
                })
            }
        };
        let keys = courier.restore(rows.iter().map(|(k, e)| (k.as_str(), e.as_str())));
        app.mark_alerts_sent(keys);
    }

    /// The journal's health, once it is open.
    fn health(&self) -> Option<tokio::sync::watch::Receiver<journal::JournalHealth>> {
        match self {
            JournalSink::On { recorder, .. } => Some(recorder.writer().health()),
            _ => None,
        }
    }

    /// What the writer has done so far (None while off or pending).
    pub(crate) fn status(&self) -> Option<crate::journal::WriterStatus> {
        match self {
            JournalSink::On { recorder, .. } => Some(recorder.status()),
            _ => None,
        }
    }

    /// Writes what it can within `JOURNAL_CLOSE_WAIT`; what could not be
    /// written is said on stderr (the terminal is restored by then).
    pub(crate) async fn close(self) {
        if let JournalSink::On { recorder, path } = self {
            let status = recorder.close_within(JOURNAL_CLOSE_WAIT).await;
            tracing::info!(
                "journal closed: {} records written ({} events), {} given up",
                status.committed,
                status.events,
                status.failed
            );
            if let Some(line) = unwritten_line(&path, &status) {
                tracing::error!("{line}");
                eprintln!("{line}");
            }
        }
    }
}

/// The line that says what the journal did not record, if anything.
fn unwritten_line(path: &std::path::Path, s: &journal::WriterStatus) -> Option<String> {
    let records = s.unwritten_records + s.lost_records;
    if records == 0 {
        return None;
    }
    let events = s.unwritten_events + s.lost_events;
    let why = s
        .failing
        .as_ref()
        .map(|c| format!(" ({c})"))
        .unwrap_or_default();
    Some(format!(
        "lotwatch: the journal {} did not record {events} events ({records} records){why}",
        path.display()
    ))
}

/// The live mode's part of the loop: the sync engine's messages (journaled
/// as they arrive), the journal's health, the metrics, and the effects that
/// go to the engine, the journal and the alert command.
struct LiveDriver<'a> {
    journal: &'a mut JournalSink,
    sync_rx: mpsc::Receiver<SyncMsg>,
    cmds: mpsc::Sender<SyncCmd>,
    on_alert: Option<&'a AlertCommand>,
    metrics: Option<crate::shell::metrics::Publisher>,
    /// The journal's health, once the journal is open.
    health: Option<tokio::sync::watch::Receiver<journal::JournalHealth>>,
    /// Alerts off the screen (`[notify_to]`), journaled.
    courier: &'a mut crate::shell::deliver::Courier,
}

/// What woke the live loop.
enum LiveWake {
    Sync(SyncMsg),
    Journal(journal::JournalHealth),
    Metrics,
    Delivery(crate::shell::deliver::Report),
}

impl LiveDriver<'_> {
    async fn sync(&mut self, msg: SyncMsg, app: &mut App) -> anyhow::Result<Update> {
        self.journal
            .record(&msg, app.server_now(mono_now()))
            .await?;
        let up = app.update(Msg::Sync(msg), mono_now());
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
                Some(msg) => Ok(LiveWake::Sync(msg)),
                None => Err(anyhow::anyhow!("the sync engine stopped unexpectedly; see the log file")),
            },
            Some(h) = health_changed(&mut self.health) => Ok(LiveWake::Journal(h)),
            _ = sleep_until_opt(metrics_at) => Ok(LiveWake::Metrics),
            Some(r) = self.courier.next() => Ok(LiveWake::Delivery(r)),
        }
    }

    async fn handle(&mut self, wake: LiveWake, app: &mut App) -> anyhow::Result<Update> {
        match wake {
            LiveWake::Sync(msg) => self.sync(msg, app).await,
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
            Ok(msg) => Ok(Some(self.sync(msg, app).await?)),
            Err(_) => Ok(None),
        }
    }

    async fn effect(&mut self, effect: Effect, app: &App) -> anyhow::Result<()> {
        match effect {
            Effect::Sync(cmd) => {
                // The engine reads commands promptly; a full queue means it is
                // already busy with the same kind of work, so dropping is safe.
                let _ = self.cmds.try_send(cmd);
            }
            Effect::Alert(alert) => {
                tracing::info!(
                    "alert {} {}: {}",
                    alert.kind.as_str(),
                    alert.lot_number,
                    alert.message
                );
                if let Some(cmd) = self.on_alert {
                    // Fire and forget: bounded and timed out inside.
                    let _ = cmd.spawn(&alert);
                }
                let server = app.server_now(mono_now());
                if self.courier.has_channels()
                    && let Some(rec) = self.courier.default_alert(&alert, server)
                {
                    self.journal.append(rec, server).await?;
                }
            }
            Effect::RuleAlert(a) => {
                let rec = self.courier.rule_alert(&a);
                self.journal.append(rec, app.server_now(mono_now())).await?;
            }
            Effect::Anomaly(a) => self.journal.anomaly(a, app.server_now(mono_now())).await?,
            _ => {}
        }
        Ok(())
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
