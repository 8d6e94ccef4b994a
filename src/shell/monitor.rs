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
            on_alert: on_alert.clone(),
            metrics,
            health: None,
            courier: &mut courier,
            ca_cert: args.ca_cert.clone(),
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
/// auction, so it opens when the first `Auction` message arrives, on a
/// thread of its own (a database that never answers never holds the screen
/// up); messages meanwhile wait (bounded) and are written first. (`watch`
/// journals through it too.)
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
    /// Being opened (`opening` brings the news).
    Opening {
        shown: String,
        cmds: mpsc::Sender<SyncCmd>,
        waiting: Vec<SyncMsg>,
        anomalies: Vec<JournalRecord>,
        /// Messages past `MAX_WAITING`, not kept, and the seqs of the
        /// feed's events among them.
        dropped: u64,
        dropped_seqs: Option<(u64, u64)>,
        updates: mpsc::UnboundedReceiver<OpenNews>,
        /// Since when the database is found unreachable, and why (short).
        failing: Option<(Timestamp, String)>,
    },
    On {
        recorder: Recorder,
        path: PathBuf,
        /// The alerts the journal held when it opened (read on the opening
        /// thread), until the courier takes them.
        alerts: Vec<(String, String)>,
    },
}

/// The journal, open.
pub(crate) struct Opened {
    recorder: Recorder,
    path: PathBuf,
    cursor: Option<u64>,
    alerts: Vec<(String, String)>,
}

/// What the thread that opens the journal says.
pub(crate) enum OpenNews {
    /// The database is not reachable now; it is tried again.
    Unreachable(String),
    Opened(Box<Opened>),
    /// It cannot be used (what to do is in the text).
    Failed(String),
}

/// How long quitting waits for a delivery under way at most.
const DELIVERY_CLOSE_WAIT: Duration = Duration::from_millis(300);

/// How long quitting waits for the journal's disk at most, so that `q`
/// quits within a second even while the disk fails.
const JOURNAL_CLOSE_WAIT: Duration = Duration::from_millis(400);
/// Between two attempts to reach a journal database that did not answer.
const JOURNAL_OPEN_RETRY: Duration = Duration::from_secs(5);

/// Opens the journal at `path` for `auction` on a thread of its own, trying
/// an unreachable database again until the receiver is dropped.
fn open_in_background(path: PathBuf, auction: String) -> mpsc::UnboundedReceiver<OpenNews> {
    let (tx, rx) = mpsc::unbounded_channel();
    let spawned = std::thread::Builder::new()
        .name("journal-open".into())
        .spawn(move || {
            loop {
                let news = match open_journal(&path, &auction) {
                    Ok(news) => news,
                    Err((why, Some(short))) => {
                        tracing::warn!("{why}; trying again");
                        if tx.send(OpenNews::Unreachable(short)).is_err() {
                            return;
                        }
                        std::thread::sleep(JOURNAL_OPEN_RETRY);
                        if tx.is_closed() {
                            return;
                        }
                        continue;
                    }
                    Err((why, None)) => OpenNews::Failed(why),
                };
                let _ = tx.send(news);
                return;
            }
        });
    if let Err(e) = spawned {
        let (tx, rx) = mpsc::unbounded_channel();
        let _ = tx.send(OpenNews::Failed(format!("cannot start a thread: {e}")));
        return rx;
    }
    rx
}

/// Opens the journal and its recorder; Err says why, and, when trying
/// again later may help, why in a few words (for the badge).
fn open_journal(
    path: &std::path::Path,
    auction: &str,
) -> Result<OpenNews, (String, Option<String>)> {
    let journal = Journal::open(path).map_err(|e| {
        let again = match &e {
            journal::JournalError::Postgres(
                pg @ (journal::pg::PgError::Refused { .. } | journal::pg::PgError::Timeout { .. }),
            ) => Some(pg.short()),
            _ => None,
        };
        (
            format!("{e}; or give another --journal PATH, or --no-journal"),
            again,
        )
    })?;
    let path = journal.path().to_path_buf();
    tracing::info!("journal: {}", path.display());
    let cursor = journal.cursor(auction).map_err(|e| {
        (
            format!("cannot read the journal {}: {e}", path.display()),
            None,
        )
    })?;
    // Read here, off the screen's task: a database read may be slow.
    let alerts = crate::shell::deliver::journal_rows(&journal, auction).unwrap_or_else(|e| {
        tracing::warn!("alerts sent before this run could not be read: {e}");
        Vec::new()
    });
    let recorder = journal.recorder(auction).map_err(|e| {
        (
            format!("cannot start the journal {}: {e}", path.display()),
            None,
        )
    })?;
    Ok(OpenNews::Opened(Box::new(Opened {
        recorder,
        path,
        cursor,
        alerts,
    })))
}

impl JournalSink {
    /// Messages kept while waiting for the auction's id and the journal.
    const MAX_WAITING: usize = 4096;

    pub(crate) async fn record(
        &mut self,
        msg: &SyncMsg,
        server_now: Option<Timestamp>,
    ) -> anyhow::Result<()> {
        match self {
            JournalSink::Off => Ok(()),
            JournalSink::Pending {
                path,
                cmds,
                waiting,
                anomalies,
            } => {
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
                *self = JournalSink::Opening {
                    shown: journal::target::display(&path),
                    updates: open_in_background(path, auction.id.clone()),
                    cmds: cmds.clone(),
                    waiting: std::mem::take(waiting),
                    anomalies: std::mem::take(anomalies),
                    dropped: 0,
                    dropped_seqs: None,
                    failing: None,
                };
                Ok(())
            }
            JournalSink::Opening {
                waiting,
                dropped,
                dropped_seqs,
                ..
            } => {
                if waiting.len() < Self::MAX_WAITING {
                    waiting.push(msg.clone());
                } else {
                    *dropped += 1;
                    if let SyncMsg::Events(v) = msg
                        && let (Some(a), Some(b)) = (v.first(), v.last())
                    {
                        let (lo, hi) = dropped_seqs.unwrap_or((a.seq, b.seq));
                        *dropped_seqs = Some((lo.min(a.seq), hi.max(b.seq)));
                    }
                }
                Ok(())
            }
            JournalSink::On { recorder, .. } => {
                // Never waits for the disk: the writer holds what it cannot
                // write yet, and counts what does not fit.
                recorder
                    .record(msg, Receipt::now(server_now))
                    .map_err(|e| anyhow::anyhow!("the journal stopped: {e}"))
            }
        }
    }

    /// The next news of the journal being opened; never while it is not.
    pub(crate) async fn opening(&mut self) -> Option<OpenNews> {
        if let JournalSink::Opening { updates, .. } = self {
            return updates.recv().await;
        }
        std::future::pending().await
    }

    /// What the header shows of a journal not open yet (None once it is,
    /// or when there is none).
    pub(crate) fn opening_health(&self) -> Option<journal::JournalHealth> {
        match self {
            JournalSink::Opening {
                waiting,
                dropped,
                failing,
                ..
            } => {
                let events = |m: &SyncMsg| match m {
                    SyncMsg::Events(v) => v.len() as u64,
                    _ => 0,
                };
                let cause = failing.as_ref().map(|(since, why)| {
                    crate::domain::journal_health::JournalFailure {
                        cause: crate::domain::journal_health::JournalCause::Io(why.clone()),
                        since: *since,
                    }
                });
                Some(journal::JournalHealth {
                    connecting: true,
                    unwritten_records: waiting.len() as u64,
                    unwritten_events: waiting.iter().map(events).sum(),
                    lost_records: *dropped,
                    failing: cause,
                    ..Default::default()
                })
            }
            _ => None,
        }
    }

    /// Takes the news of the journal being opened: the journal is on (its
    /// cursor told to the engine, what waited written), or not reachable
    /// yet, or unusable (the error to quit with).
    pub(crate) async fn opened(
        &mut self,
        news: OpenNews,
        server_now: Option<Timestamp>,
    ) -> anyhow::Result<()> {
        let JournalSink::Opening {
            cmds,
            waiting,
            anomalies,
            dropped,
            dropped_seqs,
            failing,
            ..
        } = self
        else {
            return Ok(());
        };
        match news {
            OpenNews::Failed(why) => Err(anyhow::anyhow!(why)),
            OpenNews::Unreachable(why) => {
                let since = failing
                    .as_ref()
                    .map(|f| f.0)
                    .or(server_now)
                    .unwrap_or_else(crate::domain::clock::wall_now);
                *failing = Some((since, why));
                Ok(())
            }
            OpenNews::Opened(opened) => {
                let Opened {
                    recorder,
                    path,
                    cursor,
                    alerts,
                } = *opened;
                // The engine fills the journal's gap once told.
                let _ = cmds.try_send(SyncCmd::JournalOpened(cursor));
                let waiting = std::mem::take(waiting);
                let early = std::mem::take(anomalies);
                let (dropped, dropped_seqs) = (*dropped, *dropped_seqs);
                *self = JournalSink::On {
                    recorder,
                    path,
                    alerts,
                };
                for m in waiting {
                    self.record(&m, server_now).await?;
                }
                if let JournalSink::On { recorder, path, .. } = self {
                    for a in early {
                        recorder
                            .append(a, Receipt::now(server_now))
                            .map_err(|e| anyhow::anyhow!("the journal stopped: {e}"))?;
                    }
                    if dropped > 0 {
                        let line = format!(
                            "lotwatch: the journal {} opened late: {dropped} messages received before were not recorded",
                            path.display()
                        );
                        tracing::error!("{line}");
                        // Said in the journal itself, as any other gap.
                        let evidence = match dropped_seqs {
                            Some((from, to)) => crate::sync::Backfill::lost_evidence(
                                from,
                                to,
                                "more came than memory holds while the journal was opening",
                            ),
                            None => {
                                format!("{dropped} messages not kept while the journal was opening")
                            }
                        };
                        recorder
                            .append(
                                JournalRecord::Anomaly {
                                    lot_id: None,
                                    server_at: None,
                                    kind: journal::writer::JOURNAL_GAP.into(),
                                    evidence,
                                },
                                Receipt::now(server_now),
                            )
                            .map_err(|e| anyhow::anyhow!("the journal stopped: {e}"))?;
                    }
                }
                Ok(())
            }
        }
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
            JournalSink::Pending { anomalies, .. } | JournalSink::Opening { anomalies, .. } => {
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
            JournalSink::Pending { anomalies, .. } | JournalSink::Opening { anomalies, .. } => {
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
        &mut self,
        courier: &mut crate::shell::deliver::Courier,
        app: &mut App,
    ) {
        if courier.restored() {
            return;
        }
        let rows = match (self, app.auction()) {
            (JournalSink::Pending { .. } | JournalSink::Opening { .. }, _)
            | (JournalSink::On { .. }, None) => return,
            (JournalSink::Off, _) => Vec::new(),
            (JournalSink::On { alerts, .. }, Some(_)) => std::mem::take(alerts),
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
    pub(crate) async fn close(mut self) {
        let deadline = tokio::time::Instant::now() + JOURNAL_CLOSE_WAIT;
        // A journal about to open (a quick quit) is let open and written.
        while let JournalSink::Opening { updates, .. } = &mut self {
            match tokio::time::timeout_at(deadline, updates.recv()).await {
                Ok(Some(news @ OpenNews::Opened(_))) => {
                    if let Err(e) = self.opened(news, None).await {
                        tracing::error!("{e:#}");
                    }
                }
                Ok(Some(OpenNews::Unreachable(_))) => continue,
                _ => break,
            }
        }
        if let JournalSink::Opening {
            shown,
            waiting,
            dropped,
            ..
        } = &self
        {
            // Its thread ends on its own once it sees nobody listens.
            let n = waiting.len() as u64 + dropped;
            say(&format!(
                "lotwatch: the journal {shown} never opened: {n} messages were not recorded"
            ));
        }
        if let JournalSink::On { recorder, path, .. } = self {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let status = recorder
                .close_within(left.max(JOURNAL_CLOSE_WAIT / 4))
                .await;
            tracing::info!(
                "journal closed: {} records written ({} events), {} given up",
                status.committed,
                status.events,
                status.failed
            );
            if let Some(line) = unwritten_line(&path, &status) {
                say(&line);
            }
        }
    }
}

/// An error line in the log and on stderr (which may be gone with the
/// terminal: never a panic for it).
fn say(line: &str) {
    use std::io::Write;
    tracing::error!("{line}");
    let _ = writeln!(std::io::stderr(), "{line}");
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
    on_alert: Option<AlertCommand>,
    metrics: Option<crate::shell::metrics::Publisher>,
    /// The journal's health, once the journal is open.
    health: Option<tokio::sync::watch::Receiver<journal::JournalHealth>>,
    /// Alerts off the screen (`[notify_to]`), journaled.
    courier: &'a mut crate::shell::deliver::Courier,
    /// The command line's extra CA, for the channels of a reloaded
    /// `[notify_to]`.
    ca_cert: Option<std::path::PathBuf>,
}

/// What woke the live loop.
enum LiveWake {
    Sync(SyncMsg),
    Opening(OpenNews),
    Journal(journal::JournalHealth),
    Metrics,
    Delivery(crate::shell::deliver::Report),
}

impl LiveDriver<'_> {
    async fn sync(&mut self, msg: SyncMsg, app: &mut App) -> anyhow::Result<Update> {
        self.journal
            .record(&msg, app.server_now(mono_now()))
            .await?;
        let mut up = app.update(Msg::Sync(msg), mono_now());
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
                Some(msg) => Ok(LiveWake::Sync(msg)),
                None => Err(anyhow::anyhow!("the sync engine stopped unexpectedly; see the log file")),
            },
            Some(h) = health_changed(&mut self.health) => Ok(LiveWake::Journal(h)),
            Some(news) = self.journal.opening() => Ok(LiveWake::Opening(news)),
            _ = sleep_until_opt(metrics_at) => Ok(LiveWake::Metrics),
            Some(r) = self.courier.next() => Ok(LiveWake::Delivery(r)),
        }
    }

    async fn handle(&mut self, wake: LiveWake, app: &mut App) -> anyhow::Result<Update> {
        match wake {
            LiveWake::Sync(msg) => self.sync(msg, app).await,
            LiveWake::Opening(news) => self.opening(news, app).await,
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
                if let Some(cmd) = &self.on_alert {
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
    use crate::domain::{Auction, AuctionStatus, Event, EventKind, Money};

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
