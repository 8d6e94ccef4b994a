//! The one terminal loop, for the monitor and the replay alike. `Screen`
//! owns the app, the terminal and the frame pacing; a `Driver` brings the
//! mode's messages (the sync engine's, or the replay's clock) and carries
//! out the effects that belong to the mode (commands to the engine, the
//! journal, alert commands).
//!
//! The loop waits in one `tokio::select!` on terminal events, the driver,
//! the app's next visible tick and signals. It drains whatever the driver
//! already holds before it draws (so a burst of bids costs one frame), never
//! draws more often than every `FRAME_FLOOR`, and draws only when an update
//! said something visible changed.

use crate::app::{App, Effect, Msg, Update};
use crate::domain::clock::{Mono, mono_now};
use crate::shell::config::Settings;
use crate::shell::terminal::TerminalGuard;
use crate::ui;
use crossterm::event::{Event as TermEvent, EventStream, KeyEvent, KeyEventKind};
use futures_util::StreamExt;
use std::path::PathBuf;
use std::time::Duration;

/// The shortest time between two frames.
const FRAME_FLOOR: Duration = Duration::from_millis(10);
/// Messages applied before a frame at most, so a flood cannot starve the
/// keyboard.
const MAX_DRAIN: usize = 1024;

/// How one step of the loop ended.
pub(crate) enum Flow {
    Continue,
    Quit,
}

/// What a mode adds to the loop.
pub(crate) trait Driver {
    /// What woke the driver up; turned into an update by `handle`.
    type Wake;
    /// Waits for the mode's next input. Borrows the app only to read it
    /// (the server's time for the journal, the metrics).
    async fn wait(&mut self, app: &App) -> anyhow::Result<Self::Wake>;
    /// Applies what woke the driver to the app.
    async fn handle(&mut self, wake: Self::Wake, app: &mut App) -> anyhow::Result<Update>;
    /// One more input that is already waiting, applied; None when there is
    /// none (never blocks).
    async fn ready(&mut self, app: &mut App) -> anyhow::Result<Option<Update>>;
    /// A key the mode takes before the key bindings.
    fn key(&mut self, _key: &KeyEvent, _app: &mut App) -> Option<Update> {
        None
    }
    /// The effects the screen does not carry out itself: `Sync`, `Alert`
    /// (after its notification) and `Anomaly`.
    async fn effect(&mut self, effect: Effect, app: &App) -> anyhow::Result<()>;
    /// Whether alerts are announced now (bell, notification, the alert
    /// command); a follower catching up on the journal's history is quiet.
    fn announces(&self) -> bool {
        true
    }
    /// Called before each frame and wait; true when it changed something
    /// on screen (the follower's badge).
    fn idle(&mut self, _app: &mut App) -> bool {
        false
    }
    /// The configuration file changed and `new` passed its checks: what the
    /// mode itself applies of it (the screen has applied the theme, the
    /// language, the keys, the layouts, the columns and the sort). An error
    /// is shown on the screen as the config file's.
    fn reconfigure(&mut self, _new: &Settings, _app: &mut App) -> Result<(), String> {
        Ok(())
    }
    /// The settings of `Settings::needs_restart` that `reconfigure`
    /// applies, by their config names.
    fn applies_live(&self) -> &'static [&'static str] {
        &[]
    }
}

/// The configuration file under watch. Its metadata is polled every
/// `CONFIG_POLL` (a `stat` a second, no watcher thread or inotify handle to
/// keep, and an editor's save by rename is seen like any other); a change
/// is read, checked and applied whole, or shown and ignored.
struct ConfigWatch {
    path: PathBuf,
    /// Modification time and length when last read; None: absent.
    stamp: Option<(std::time::SystemTime, u64)>,
    /// The settings the mode started with (what needs a restart is judged
    /// against them).
    started: Settings,
    /// The last good settings.
    good: Settings,
}

/// How often the configuration file is looked at: a change shows within
/// two seconds.
const CONFIG_POLL: Duration = Duration::from_secs(1);

/// A regular file's modification time and length (None for anything else:
/// absent, or a device such as `/dev/null`, whose time moves with every
/// write to it).
fn stamp_of(path: &std::path::Path) -> Option<(std::time::SystemTime, u64)> {
    let m = std::fs::metadata(path).ok().filter(|m| m.is_file())?;
    Some((m.modified().ok()?, m.len()))
}

/// The app on the terminal.
pub(crate) struct Screen {
    pub app: App,
    guard: TerminalGuard,
    view: ui::View,
    dirty: bool,
    last_draw: Option<tokio::time::Instant>,
    /// The area of the last frame, which mouse events are hit-tested against.
    area: ratatui::layout::Rect,
    shown_lots: bool,
    /// Lot numbers of a web-site source link to their pages where the
    /// terminal shows OSC 8 links (off under NO_COLOR and when unknown).
    hyperlinks: bool,
    /// The configuration file read again when it changes (`watch_config`).
    config: Option<ConfigWatch>,
    /// What the mode changes in every key map it is given (the replay's).
    keys_for_mode: Option<fn(&mut crate::ui::keys::Keymap)>,
}

impl Screen {
    /// Takes the terminal (raw mode, alternate screen) for `app`.
    pub fn enter(
        mut app: App,
        view: ui::View,
        notifier: crate::shell::notify::Notifier,
    ) -> anyhow::Result<Screen> {
        let mut guard = TerminalGuard::enter(app.mouse()).map_err(|e| {
            let why = crate::shell::cli_lang::io_detail(view.lang, &e);
            let m = crate::shell::cli_lang::Tool::NoTerminal(why);
            anyhow::anyhow!(crate::shell::cli_lang::tool(view.lang, m))
        })?;
        guard.notifier = notifier;
        let size = guard.term.size()?;
        app.update(
            Msg::Resize {
                w: size.width,
                h: size.height,
            },
            mono_now(),
        );
        tracing::debug!("terminal ready");
        Ok(Screen {
            app,
            guard,
            view,
            dirty: true,
            last_draw: None,
            area: ratatui::layout::Rect::default(),
            shown_lots: false,
            hyperlinks: crate::shell::hyperlinks::supported(&|k| std::env::var(k).ok()),
            config: None,
            keys_for_mode: None,
        })
    }

    /// Changes the key map for the mode, now and after every reload of the
    /// configuration.
    pub fn adjust_keys(&mut self, f: fn(&mut crate::ui::keys::Keymap)) {
        f(&mut self.view.keys);
        self.keys_for_mode = Some(f);
    }

    /// Reads the configuration file again whenever it changes, and applies
    /// what it can without a restart (`settings`: what the mode runs with).
    pub fn watch_config(&mut self, settings: &Settings) {
        self.config = settings.watched_file().map(|path| ConfigWatch {
            stamp: stamp_of(&path),
            path,
            started: settings.clone(),
            good: settings.clone(),
        });
    }

    /// Looks at the configuration file; on a change, applies the new
    /// settings whole, or keeps the last good ones and says why.
    fn check_config<D: Driver>(&mut self, driver: &mut D) {
        let Some(w) = &mut self.config else {
            return;
        };
        let stamp = stamp_of(&w.path);
        if stamp == w.stamp {
            return;
        }
        w.stamp = stamp;
        let env = |k: &str| std::env::var(k).ok();
        let note = match w.good.reload(&env) {
            Ok(new) => {
                tracing::info!(file = %w.path.display(), "configuration reloaded");
                self.view = new.view();
                if let Some(f) = self.keys_for_mode {
                    f(&mut self.view.keys);
                }
                if new.layouts != w.good.layouts {
                    self.app.set_layouts(new.layouts.clone());
                }
                if new.columns != w.good.columns {
                    self.app.set_columns(new.columns.clone());
                }
                if new.sort != w.good.sort
                    && let Some((key, desc)) = new.sort
                {
                    self.app.set_sort(key, desc);
                }
                if (new.args.notify, new.args.notify_always)
                    != (w.good.args.notify, w.good.args.notify_always)
                {
                    self.guard.notifier = new.notifier(&env).with_focus_of(&self.guard.notifier);
                }
                let applied = driver.reconfigure(&new, &mut self.app);
                let mut restart = w.started.needs_restart(&new);
                restart.retain(|n| !driver.applies_live().contains(n));
                w.good = new;
                match applied {
                    Err(e) => Some(format!("config: {e}")),
                    Ok(()) => (!restart.is_empty())
                        .then(|| (self.view.lang.texts().config_restart)(&restart.join(", "))),
                }
            }
            Err(e) => {
                tracing::warn!("configuration not reloaded: {e}");
                Some(e.on_screen())
            }
        };
        self.app.set_config_note(note);
        self.dirty = true;
    }

    /// Runs until the user quits, a signal arrives, or the driver fails.
    pub async fn run<D: Driver>(&mut self, driver: &mut D) -> anyhow::Result<()> {
        let mut terminal_events = EventStream::new();
        let mut signals = Signals::new()?;
        // What the driver already has (on a quick start, the snapshot: it is
        // fetched while the terminal is set up) goes into the first frame
        // instead of waiting a render floor behind an empty one.
        if let Flow::Quit = self.drain(driver).await? {
            return Ok(());
        }
        let mut config_poll = tokio::time::interval(CONFIG_POLL);
        config_poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            self.dirty |= driver.idle(&mut self.app);
            if self.dirty
                && let Flow::Quit = self.frame(driver).await?
            {
                return Ok(());
            }
            let tick_at = self.app.next_tick(mono_now()).map(mono_to_instant);
            let flow = tokio::select! {
                ev = terminal_events.next() => match ev {
                    Some(Ok(ev)) => self.on_terminal_event(ev, driver).await?,
                    Some(Err(e)) => return Err(anyhow::anyhow!("reading the terminal failed: {e}")),
                    None => Flow::Quit,
                },
                wake = driver.wait(&self.app) => {
                    let up = driver.handle(wake?, &mut self.app).await?;
                    match self.carry_out(up, driver).await? {
                        Flow::Quit => Flow::Quit,
                        Flow::Continue => self.drain(driver).await?,
                    }
                }
                _ = sleep_until_opt(tick_at) => self.apply(Msg::Tick, driver).await?,
                _ = config_poll.tick(), if self.config.is_some() => {
                    self.check_config(driver);
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

    /// Draws, at most once every `FRAME_FLOOR`: what arrives during the
    /// wait goes into this frame too.
    async fn frame<D: Driver>(&mut self, driver: &mut D) -> anyhow::Result<Flow> {
        if let Some(t) = self.last_draw {
            let due = t + FRAME_FLOOR;
            if tokio::time::Instant::now() < due {
                tokio::time::sleep_until(due).await;
                if let Flow::Quit = self.drain(driver).await? {
                    return Ok(Flow::Quit);
                }
            }
        }
        let now = mono_now();
        let (app, view, area) = (&self.app, &self.view, &mut self.area);
        let links = self.hyperlinks;
        self.guard.draw_linked(|f| {
            *area = f.area();
            ui::draw(f, app, now, view);
            if links {
                ui::links::hyperlinks(app, f.area(), view.lang)
            } else {
                Vec::new()
            }
        })?;
        self.last_draw = Some(tokio::time::Instant::now());
        self.dirty = false;
        if !self.shown_lots && !self.app.lots().is_empty() {
            // The start-up figure of BENCHMARKS.md is read from this line.
            self.shown_lots = true;
            tracing::info!(lots = self.app.lots().len(), "first frame with lots drawn");
        }
        Ok(Flow::Continue)
    }

    /// Applies what the driver already holds, without blocking.
    async fn drain<D: Driver>(&mut self, driver: &mut D) -> anyhow::Result<Flow> {
        for _ in 0..MAX_DRAIN {
            let Some(up) = driver.ready(&mut self.app).await? else {
                break;
            };
            if let Flow::Quit = self.carry_out(up, driver).await? {
                return Ok(Flow::Quit);
            }
        }
        Ok(Flow::Continue)
    }

    async fn on_terminal_event<D: Driver>(
        &mut self,
        ev: TermEvent,
        driver: &mut D,
    ) -> anyhow::Result<Flow> {
        match ev {
            TermEvent::Key(key) if key.kind != KeyEventKind::Release => {
                if let Some(up) = driver.key(&key, &mut self.app) {
                    return self.carry_out(up, driver).await;
                }
                match self.view.keys.action(&key, self.app.mode()) {
                    Some(action) => self.apply(Msg::Action(action), driver).await,
                    None => Ok(Flow::Continue),
                }
            }
            TermEvent::Resize(w, h) => {
                let flow = self.apply(Msg::Resize { w, h }, driver).await?;
                self.dirty = true;
                Ok(flow)
            }
            TermEvent::Mouse(m) => {
                // Moves and drags mean nothing: no actions, no redraw.
                for action in ui::mouse::actions(&self.app, self.area, &m, self.view.lang) {
                    if let Flow::Quit = self.apply(Msg::Action(action), driver).await? {
                        return Ok(Flow::Quit);
                    }
                }
                Ok(Flow::Continue)
            }
            TermEvent::FocusGained => {
                self.guard.notifier.set_focus(true);
                self.dirty = true;
                Ok(Flow::Continue)
            }
            TermEvent::FocusLost => {
                self.guard.notifier.set_focus(false);
                Ok(Flow::Continue)
            }
            _ => Ok(Flow::Continue),
        }
    }

    /// One message through `App::update`, then its effects.
    async fn apply<D: Driver>(&mut self, msg: Msg, driver: &mut D) -> anyhow::Result<Flow> {
        let up = self.app.update(msg, mono_now());
        self.carry_out(up, driver).await
    }

    /// An update's redraw and effects.
    async fn carry_out<D: Driver>(&mut self, up: Update, driver: &mut D) -> anyhow::Result<Flow> {
        self.dirty |= up.redraw;
        for effect in up.effects {
            match effect {
                Effect::Quit => return Ok(Flow::Quit),
                Effect::Bell | Effect::Alert(_) | Effect::RuleAlert(_) if !driver.announces() => {}
                Effect::Bell => {
                    if let Some(bell) = self.guard.notifier.bell() {
                        let _ = self.guard.write_raw(bell);
                    }
                }
                Effect::Suspend => {
                    self.guard.suspend()?;
                    self.dirty = true;
                }
                Effect::MouseCapture(on) => self.guard.set_mouse(on)?,
                Effect::Alert(alert) => {
                    if let Some(escape) = self.guard.notifier.notification(&alert) {
                        let _ = self.guard.write_raw(&escape);
                    }
                    driver.effect(Effect::Alert(alert), &self.app).await?;
                }
                other @ (Effect::Sync(_) | Effect::Anomaly(_) | Effect::RuleAlert(_)) => {
                    driver.effect(other, &self.app).await?
                }
            }
        }
        Ok(Flow::Continue)
    }
}

pub(crate) fn mono_to_instant(at: Mono) -> tokio::time::Instant {
    let now = mono_now();
    tokio::time::Instant::now() + Duration::from_millis(at.0.saturating_sub(now.0))
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
