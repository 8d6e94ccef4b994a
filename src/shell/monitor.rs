//! `lotwatch` itself: wires the platform client, the sync engine, the app
//! state and the view around one event loop that owns the terminal.
//!
//! The loop waits in one `tokio::select!` on terminal events, sync messages,
//! the app's next visible tick and signals. It drains whatever else is
//! already queued before it draws (so a burst of bids costs one frame), never
//! draws more often than every `FRAME_FLOOR`, and draws only when an update
//! said something visible changed.

use crate::app::{App, AppOptions, Effect, Msg};
use crate::domain::clock::{Mono, mono_now};
use crate::domain::{Currency, Timestamp};
use crate::journal::{self, Journal, JournalRecord, Receipt, Recorder};
use crate::platform::Client;
use crate::shell::alert_cmd::AlertCommand;
use crate::shell::terminal::TerminalGuard;
use crate::sim::server::{RunningSim, SimOptions};
use crate::sync::{self, SyncCmd, SyncMsg};
use crate::ui;
use crossterm::event::{Event as TermEvent, EventStream, KeyEventKind};
use futures_util::StreamExt;
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::mpsc;

/// The shortest time between two frames.
const FRAME_FLOOR: Duration = Duration::from_millis(10);

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
    let (url, sim) = match &args.url {
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
            .map_err(|e| anyhow::anyhow!(e))?;
    let client = Client::new(client_cfg).map_err(|e| anyhow::anyhow!("{e}"))?;
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
            let server = crate::shell::metrics::server::start(addr, rx).await?;
            (Some(publisher), Some(server))
        }
        None => (None, None),
    };
    let env = |k: &str| std::env::var(k).ok();
    let notifier = crate::shell::notify::Notifier::new(
        args.notify.unwrap_or_default(),
        args.notify_always,
        &env,
    );
    let handle = sync::spawn(client, sync_cfg);
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

    let mut app = App::new(AppOptions {
        demo: sim.is_some(),
        insecure: args.insecure,
        me: args.me.clone(),
        currency: args.currency.unwrap_or(if sim.is_some() {
            Currency::Usd
        } else {
            Currency::Kzt
        }),
        watchlist: args.watchlist.clone(),
        skew_threshold_ms: args.skew_threshold,
        unreachable_after_ms: args.unreachable_after.saturating_mul(1000),
        alert_minutes: args.alert_minutes,
        mouse: !args.no_mouse,
    });
    if let Some((key, desc)) = settings.sort {
        app.set_sort(key, desc);
    }
    let result = event_loop(
        &mut app,
        &mut journal,
        handle.msgs,
        handle.cmds,
        ui::View {
            keys: settings.keymap.clone(),
            theme: settings.theme(),
            lang: settings.lang,
        },
        on_alert.as_ref(),
        (notifier, metrics),
    )
    .await;
    handle.task.abort();
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
    /// `--follow`: nothing is recorded; the followed journal's freshness.
    Following(tokio::sync::watch::Receiver<journal::follow::Freshness>),
    On {
        recorder: Recorder,
        path: PathBuf,
    },
}

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
                anyhow::anyhow!("cannot open the journal {}: {e} (give another --journal PATH, or --no-journal)", journal::target::display(&path))
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
            JournalSink::Off | JournalSink::Following(_) => Ok(()),
        }
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
            tracing::info!("journal closed: {status:?}");
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

/// How one loop iteration ended.
enum Flow {
    Continue,
    Quit,
}

pub(crate) async fn event_loop(
    app: &mut App,
    journal: &mut JournalSink,
    mut sync_rx: mpsc::Receiver<SyncMsg>,
    cmds: mpsc::Sender<SyncCmd>,
    view: ui::View,
    on_alert: Option<&AlertCommand>,
    (notifier, mut metrics): (
        crate::shell::notify::Notifier,
        Option<crate::shell::metrics::Publisher>,
    ),
) -> anyhow::Result<()> {
    let mut guard = TerminalGuard::enter(app.mouse())
        .map_err(|e| anyhow::anyhow!("cannot use this terminal: {e} (is stdout a terminal?)"))?;
    guard.notifier = notifier;
    let mut terminal_events = EventStream::new();
    let mut signals = Signals::new()?;

    tracing::debug!("terminal ready");
    let size = guard.term.size()?;
    app.update(
        Msg::Resize {
            w: size.width,
            h: size.height,
        },
        mono_now(),
    );
    let mut dirty = true;
    // What the engine already has (on a quick start, the snapshot: it is
    // fetched while the terminal is set up) goes into the first frame
    // instead of waiting a render floor behind an empty one.
    if let Flow::Quit = drain(
        app,
        journal,
        &mut sync_rx,
        &cmds,
        &mut guard,
        &mut dirty,
        on_alert,
    )
    .await?
    {
        return Ok(());
    }
    let mut shown_lots = false;
    let mut last_draw: Option<tokio::time::Instant> = None;
    // The journal's health, once the journal is open.
    let mut health: Option<tokio::sync::watch::Receiver<journal::JournalHealth>> = None;
    // The area of the last frame, which mouse events are hit-tested against.
    let mut area = ratatui::layout::Rect::default();

    loop {
        if dirty {
            // Render floor: coalesce bursts into one frame every FRAME_FLOOR.
            if let Some(t) = last_draw {
                let due = t + FRAME_FLOOR;
                if tokio::time::Instant::now() < due {
                    tokio::time::sleep_until(due).await;
                    // Take what arrived meanwhile into this frame too.
                    if let Flow::Quit = drain(
                        app,
                        journal,
                        &mut sync_rx,
                        &cmds,
                        &mut guard,
                        &mut dirty,
                        on_alert,
                    )
                    .await?
                    {
                        return Ok(());
                    }
                }
            }
            let now = mono_now();
            guard.draw(|f| {
                area = f.area();
                ui::draw(f, app, now, &view)
            })?;
            last_draw = Some(tokio::time::Instant::now());
            dirty = false;
            if !shown_lots && !app.lots().is_empty() {
                // The start-up figure of BENCHMARKS.md is read from this line.
                shown_lots = true;
                tracing::info!(lots = app.lots().len(), "first frame with lots drawn");
            }
        }
        if let Some(m) = metrics.as_mut() {
            m.changed(app, mono_now(), journal.status().as_ref());
        }
        if let JournalSink::Following(f) = journal {
            dirty |= crate::shell::follow_mode::show(app, &f.borrow());
        }
        let tick_at = app.next_tick(mono_now()).map(mono_to_instant);
        if health.is_none() {
            health = journal.health();
        }
        let metrics_at = metrics.as_ref().and_then(|m| m.due());
        let flow = tokio::select! {
            ev = terminal_events.next() => match ev {
                Some(Ok(ev)) => on_terminal_event(app, journal, (ev, area), &view, &cmds, &mut guard, &mut dirty, on_alert).await?,
                Some(Err(e)) => return Err(anyhow::anyhow!("reading the terminal failed: {e}")),
                None => Flow::Quit,
            },
            msg = sync_rx.recv() => match msg {
                Some(msg) => {
                    journal.record(&msg, app.server_now(mono_now())).await?;
                    let f = apply(app, journal, Msg::Sync(msg), &cmds, &mut guard, &mut dirty, on_alert).await?;
                    match f {
                        Flow::Quit => Flow::Quit,
                        Flow::Continue => drain(app, journal, &mut sync_rx, &cmds, &mut guard, &mut dirty, on_alert).await?,
                    }
                }
                None => return Err(anyhow::anyhow!("the sync engine stopped unexpectedly; see the log file")),
            },
            _ = sleep_until_opt(tick_at) => apply(app, journal, Msg::Tick, &cmds, &mut guard, &mut dirty, on_alert).await?,
            Some(h) = health_changed(&mut health) => apply(app, journal, Msg::Journal(h), &cmds, &mut guard, &mut dirty, on_alert).await?,
            _ = sleep_until_opt(metrics_at) => {
                if let Some(m) = metrics.as_mut() {
                    m.publish(app, mono_now(), journal.status().as_ref());
                }
                Flow::Continue
            }
            sig = signals.recv() => {
                tracing::info!("{sig}: quitting");
                Flow::Quit
            }
        };
        if let Flow::Quit = flow {
            return Ok(());
        }
    }
}

/// Applies every sync message already waiting, without blocking.
async fn drain(
    app: &mut App,
    journal: &mut JournalSink,
    rx: &mut mpsc::Receiver<SyncMsg>,
    cmds: &mpsc::Sender<SyncCmd>,
    guard: &mut TerminalGuard,
    dirty: &mut bool,
    on_alert: Option<&AlertCommand>,
) -> anyhow::Result<Flow> {
    // Bounded, so a flood of messages cannot starve the keyboard.
    for _ in 0..1024 {
        match rx.try_recv() {
            Ok(msg) => {
                journal.record(&msg, app.server_now(mono_now())).await?;
                if let Flow::Quit =
                    apply(app, journal, Msg::Sync(msg), cmds, guard, dirty, on_alert).await?
                {
                    return Ok(Flow::Quit);
                }
            }
            Err(_) => break,
        }
    }
    Ok(Flow::Continue)
}

// The loop's parts are passed by argument, as for `apply`; grouping them is for the loop's owner.
#[allow(clippy::too_many_arguments)]
async fn on_terminal_event(
    app: &mut App,
    journal: &mut JournalSink,
    (ev, area): (TermEvent, ratatui::layout::Rect),
    view: &ui::View,
    cmds: &mpsc::Sender<SyncCmd>,
    guard: &mut TerminalGuard,
    dirty: &mut bool,
    on_alert: Option<&AlertCommand>,
) -> anyhow::Result<Flow> {
    match ev {
        TermEvent::Key(key) if key.kind != KeyEventKind::Release => {
            match view.keys.action(&key, app.mode()) {
                Some(action) => {
                    apply(
                        app,
                        journal,
                        Msg::Action(action),
                        cmds,
                        guard,
                        dirty,
                        on_alert,
                    )
                    .await
                }
                None => Ok(Flow::Continue),
            }
        }
        TermEvent::Resize(w, h) => {
            apply(
                app,
                journal,
                Msg::Resize { w, h },
                cmds,
                guard,
                dirty,
                on_alert,
            )
            .await?;
            *dirty = true;
            Ok(Flow::Continue)
        }
        TermEvent::Mouse(m) => {
            // Moves and drags mean nothing: no actions, no redraw.
            for action in ui::mouse::actions(app, area, &m, view.lang) {
                let msg = Msg::Action(action);
                if let Flow::Quit = apply(app, journal, msg, cmds, guard, dirty, on_alert).await? {
                    return Ok(Flow::Quit);
                }
            }
            Ok(Flow::Continue)
        }
        TermEvent::FocusGained => {
            guard.notifier.set_focus(true);
            *dirty = true;
            Ok(Flow::Continue)
        }
        TermEvent::FocusLost => {
            guard.notifier.set_focus(false);
            Ok(Flow::Continue)
        }
        _ => Ok(Flow::Continue),
    }
}

/// One message through `App::update`, then its effects.
async fn apply(
    app: &mut App,
    journal: &mut JournalSink,
    msg: Msg,
    cmds: &mpsc::Sender<SyncCmd>,
    guard: &mut TerminalGuard,
    dirty: &mut bool,
    on_alert: Option<&AlertCommand>,
) -> anyhow::Result<Flow> {
    let update = app.update(msg, mono_now());
    *dirty |= update.redraw;
    for effect in update.effects {
        match effect {
            Effect::Quit => return Ok(Flow::Quit),
            Effect::Sync(cmd) => {
                // The engine reads commands promptly; a full queue means it is
                // already busy with the same kind of work, so dropping is safe.
                let _ = cmds.try_send(cmd);
            }
            Effect::Bell => {
                if let Some(bell) = guard.notifier.bell() {
                    let _ = guard.write_raw(bell);
                }
            }
            Effect::Suspend => {
                guard.suspend()?;
                *dirty = true;
            }
            Effect::Alert(alert) => {
                tracing::info!(
                    "alert {} {}: {}",
                    alert.kind.as_str(),
                    alert.lot_number,
                    alert.message
                );
                if let Some(escape) = guard.notifier.notification(&alert) {
                    let _ = guard.write_raw(&escape);
                }
                if let Some(cmd) = on_alert {
                    // Fire and forget: bounded and timed out inside.
                    let _ = cmd.spawn(&alert);
                }
            }
            Effect::Anomaly(a) => journal.anomaly(a, app.server_now(mono_now())).await?,
            Effect::MouseCapture(on) => guard.set_mouse(on)?,
        }
    }
    Ok(Flow::Continue)
}

pub(crate) fn mono_to_instant(at: Mono) -> tokio::time::Instant {
    let now = mono_now();
    tokio::time::Instant::now() + Duration::from_millis(at.0.saturating_sub(now.0))
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

pub(crate) async fn sleep_until_opt(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// SIGTERM, SIGHUP and SIGINT (when sent by `kill`: in raw mode the keyboard's
/// Ctrl-C arrives as a key) end the loop cleanly, so the terminal is restored.
pub(crate) struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    hup: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl Signals {
    pub(crate) fn new() -> anyhow::Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Signals {
                term: signal(SignalKind::terminate())?,
                hup: signal(SignalKind::hangup())?,
                int: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    pub(crate) async fn recv(&mut self) -> &'static str {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.term.recv() => "SIGTERM",
                _ = self.hup.recv() => "SIGHUP",
                _ = self.int.recv() => "SIGINT",
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        }
    }
}
