//! `lotwatch replay`: plays a journal back into the same app state and panes
//! as live, through the same `SyncMsg`s, with a REPLAY badge. The server
//! clock is the recorded one (`Replay::server_now`), so countdowns read as
//! they did. Keys: space pauses, → delivers the next message, `+`/`-` change
//! speed, ← goes back one message (the state is rebuilt from the start:
//! replay is deterministic); a step pauses the playback, so one press is one
//! message. Every other key works as in the monitor, but for the ones that
//! mean nothing here (Ctrl-R: there is no server) or that the replay takes
//! (← →, which change panes live).
//!
//! The pure part (`deliver`, `status`, `replay_key`) is what the tests drive;
//! `run` puts it in the monitor's own terminal loop (`shell::screen`).

use crate::app::{App, Effect, Msg, ReplayStatus, Update};
use crate::domain::clock::{Mono, mono_now};
use crate::journal::Replay;
use crate::shell::cli::ReplayArgs;
use crate::shell::screen::{Driver, Screen};
use crate::sync::SyncMsg;
use crossterm::event::{KeyCode, KeyEvent};
use std::time::Duration;

/// How often the badge and the clocks move while playing.
const PLAY_TICK: Duration = Duration::from_millis(200);

/// A replay-only key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplayKey {
    TogglePause,
    Step,
    StepBack,
    Faster,
    Slower,
}

/// The replay keys, in normal mode only (typing a filter keeps its keys).
fn replay_key(key: &KeyEvent, app: &App) -> Option<ReplayKey> {
    if app.mode() != crate::app::Mode::Normal {
        return None;
    }
    match key.code {
        KeyCode::Char(' ') => Some(ReplayKey::TogglePause),
        KeyCode::Right => Some(ReplayKey::Step),
        KeyCode::Left => Some(ReplayKey::StepBack),
        KeyCode::Char('+') | KeyCode::Char('=') => Some(ReplayKey::Faster),
        KeyCode::Char('-') => Some(ReplayKey::Slower),
        _ => None,
    }
}

/// Where the playback stands, for the badge.
pub fn status(replay: &Replay) -> ReplayStatus {
    ReplayStatus {
        position: replay.position(),
        total: replay.len(),
        server_at: replay.server_now(),
        speed: replay.speed(),
        paused: replay.is_paused(),
    }
}

/// Feeds recorded messages to the app exactly as the live loop does, then
/// updates the badge. Effects for the sync engine are dropped (there is
/// none); the bell and alerts are kept for the caller.
/// `msgs` are the recording's last ones before the playback position;
/// a recording of several auctions plays each as its own source.
pub fn deliver(app: &mut App, replay: &Replay, msgs: Vec<SyncMsg>, now: Mono) -> Update {
    let mut out = app.set_replay(status(replay));
    if app.lots().sources().len() != replay.source_names().len() {
        app.set_sources(replay.source_names().to_vec());
    }
    let from = replay.position().saturating_sub(msgs.len());
    for (i, m) in msgs.into_iter().enumerate() {
        let up = app.update(tagged(replay, from + i, m), now);
        out.redraw |= up.redraw;
        out.effects.extend(
            up.effects
                .into_iter()
                .filter(|e| !matches!(e, Effect::Sync(_))),
        );
    }
    out
}

/// The `i`-th recorded message as the app takes it: its source's.
fn tagged(replay: &Replay, i: usize, m: SyncMsg) -> Msg {
    match replay.source_at(i) {
        crate::domain::SourceId::FIRST => Msg::Sync(m),
        src => Msg::Source(src, m),
    }
}

/// Replaces the state with one built from `msgs` alone (the recording's
/// first ones), keeping the options and the terminal size. Effects (bells,
/// alerts) of the rebuild are dropped: they happened before, not now.
fn rebuild(app: &mut App, replay: &Replay, msgs: Vec<SyncMsg>, now: Mono) {
    let (size, mouse) = (app.size, app.mouse);
    let (layouts, columns) = (app.layouts.clone(), app.columns.clone());
    *app = App::new(app.options().clone());
    app.mouse = mouse;
    app.set_layouts(layouts);
    app.set_columns(columns);
    if let Some((w, h)) = size {
        app.update(Msg::Resize { w, h }, now);
    }
    app.set_sources(replay.source_names().to_vec());
    for (i, m) in msgs.into_iter().enumerate() {
        app.update(tagged(replay, i, m), now);
    }
}

/// Applies a replay key; returns what to do.
pub fn on_replay_key(app: &mut App, replay: &mut Replay, key: ReplayKey, now: Mono) -> Update {
    let msgs = match key {
        ReplayKey::TogglePause => {
            replay.toggle_pause();
            Vec::new()
        }
        ReplayKey::Step => {
            replay.pause();
            replay.step().into_iter().collect()
        }
        ReplayKey::StepBack => {
            replay.pause();
            if let Some(msgs) = replay.step_back() {
                rebuild(app, replay, msgs, now);
            }
            Vec::new()
        }
        ReplayKey::Faster => {
            replay.faster();
            Vec::new()
        }
        ReplayKey::Slower => {
            replay.slower();
            Vec::new()
        }
    };
    let mut up = deliver(app, replay, msgs, now);
    up.redraw = true;
    up
}

/// Opens the journal and plays it until the user quits, with the key
/// bindings, theme, language and notifications the monitor would use (the
/// config file and the environment; `--lang` wins).
/// `lang` says its errors (`--lang`, else as found before parsing).
pub fn run(args: ReplayArgs, lang: crate::ui::i18n::Lang) -> anyhow::Result<()> {
    let mut replay = Replay::load(&args.journal).map_err(|e| {
        if e.is_bad_file() {
            anyhow::Error::new(crate::shell::cli::BadInput(
                crate::shell::cli_lang::journal_error(lang, &e),
            ))
        } else {
            anyhow::anyhow!("cannot replay: {e}")
        }
    })?;
    if replay.is_empty() {
        let shown = crate::journal::target::display(&args.journal);
        let m = crate::shell::cli_lang::Tool::NothingToReplay(shown);
        return Err(crate::shell::cli::BadInput(crate::shell::cli_lang::tool(lang, m)).into());
    }
    replay.set_speed(args.speed);
    let env = |k: &str| std::env::var(k).ok();
    let settings = crate::shell::config::resolve_for_replay(args.language, &env)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let mut app = App::new(settings.app_options(false));
        if let Some((key, desc)) = settings.sort {
            app.set_sort(key, desc);
        }
        settings.screen_into(&mut app);
        let mut screen = Screen::enter(app, settings.view(), settings.notifier(&env))?;
        screen.adjust_keys(crate::ui::keys::Keymap::for_replay);
        screen.watch_config(&settings);
        let mut driver = ReplayDriver {
            replay,
            last: tokio::time::Instant::now(),
        };
        deliver(&mut screen.app, &driver.replay, Vec::new(), mono_now());
        screen.run(&mut driver).await
    })
}

/// The replay's part of the loop: the recorded messages on the replay's
/// clock, and its keys. Its effects go nowhere: there is no engine to ask,
/// no command runs for a past day, and the anomalies are already in the
/// journal being replayed.
struct ReplayDriver {
    replay: Replay,
    /// When playback time was last counted.
    last: tokio::time::Instant,
}

impl ReplayDriver {
    /// Paused time does not count as playback time.
    fn mind_pause(&mut self) {
        if self.replay.is_paused() {
            self.last = tokio::time::Instant::now();
        }
    }
}

impl Driver for ReplayDriver {
    type Wake = ();

    /// Sleeps until a deadline counted from the last playback step, not
    /// from now: the loop drops this future whenever a key, a tick or a
    /// redraw comes first, and a sleep started afresh each time would never
    /// end while the screen ticks faster than the playback (it did: the
    /// replay stood still, then jumped by all the time it had missed).
    async fn wait(&mut self, _app: &App) -> anyhow::Result<()> {
        let wait = self
            .replay
            .until_next()
            .map_or(PLAY_TICK, |w| w.min(PLAY_TICK));
        tokio::time::sleep_until(self.last + wait).await;
        Ok(())
    }

    async fn handle(&mut self, (): (), app: &mut App) -> anyhow::Result<Update> {
        let now = tokio::time::Instant::now();
        let msgs = self.replay.advance(now - self.last);
        self.last = now;
        let mut up = deliver(app, &self.replay, msgs, mono_now());
        let tick = app.update(Msg::Tick, mono_now());
        up.redraw |= tick.redraw;
        up.effects.extend(tick.effects);
        self.mind_pause();
        Ok(up)
    }

    async fn ready(&mut self, _app: &mut App) -> anyhow::Result<Option<Update>> {
        Ok(None)
    }

    fn key(&mut self, key: &KeyEvent, app: &mut App) -> Option<Update> {
        let k = replay_key(key, app)?;
        let up = on_replay_key(app, &mut self.replay, k, mono_now());
        if k == ReplayKey::TogglePause {
            // Playback resumes from this moment, not from the last tick.
            self.last = tokio::time::Instant::now();
        }
        self.mind_pause();
        Some(up)
    }

    async fn effect(&mut self, _effect: Effect, _app: &App) -> anyhow::Result<()> {
        Ok(())
    }
}
