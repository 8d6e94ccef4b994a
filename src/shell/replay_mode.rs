//! `lotwatch replay`: plays a journal back into the same app state and panes
//! as live, through the same `SyncMsg`s, with a REPLAY badge. The server
//! clock is the recorded one (`Replay::server_now`), so countdowns read as
//! they did. Keys: space pauses, → delivers the next message, `+`/`-` change
//! speed, ← goes back one message (the state is rebuilt from the start:
//! replay is deterministic); every other key works as in the monitor.
//!
//! The pure part (`deliver`, `status`, `replay_key`) is what the tests drive;
//! `run` wraps it in a terminal loop shaped like the monitor's.

use crate::app::{App, AppOptions, Effect, Msg, ReplayStatus, Update};
use crate::domain::clock::{Mono, mono_now};
use crate::journal::Replay;
use crate::shell::cli::ReplayArgs;
use crate::shell::terminal::TerminalGuard;
use crate::sync::SyncMsg;
use crate::ui;
use crossterm::event::{Event as TermEvent, EventStream, KeyCode, KeyEvent, KeyEventKind};
use futures_util::StreamExt;
use std::time::Duration;

/// How often the badge and the clocks move while playing.
const PLAY_TICK: Duration = Duration::from_millis(200);
/// The shortest time between two frames.
const FRAME_FLOOR: Duration = Duration::from_millis(10);

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
pub fn replay_key(key: &KeyEvent, app: &App) -> Option<ReplayKey> {
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
pub fn deliver(app: &mut App, replay: &Replay, msgs: Vec<SyncMsg>, now: Mono) -> Update {
    let mut out = app.set_replay(status(replay));
    for m in msgs {
        let up = app.update(Msg::Sync(m), now);
        out.redraw |= up.redraw;
        out.effects.extend(
            up.effects
                .into_iter()
                .filter(|e| !matches!(e, Effect::Sync(_))),
        );
    }
    out
}

/// Replaces the state with one built from `msgs` alone, keeping the options
/// and the terminal size. Effects (bells, alerts) of the rebuild are dropped:
/// they happened before, not now.
fn rebuild(app: &mut App, msgs: Vec<SyncMsg>, now: Mono) {
    let (size, mouse) = (app.size, app.mouse);
    *app = App::new(app.options().clone());
    app.mouse = mouse;
    if let Some((w, h)) = size {
        app.update(Msg::Resize { w, h }, now);
    }
    for m in msgs {
        app.update(Msg::Sync(m), now);
    }
}

/// Applies a replay key; returns what to do.
pub fn on_replay_key(app: &mut App, replay: &mut Replay, key: ReplayKey, now: Mono) -> Update {
    let msgs = match key {
        ReplayKey::TogglePause => {
            replay.toggle_pause();
            Vec::new()
        }
        ReplayKey::Step => replay.step().into_iter().collect(),
        ReplayKey::StepBack => {
            if let Some(msgs) = replay.step_back() {
                rebuild(app, msgs, now);
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

/// Opens the journal and plays it until the user quits.
pub fn run(args: ReplayArgs) -> anyhow::Result<()> {
    let mut replay = Replay::load(&args.journal)
        .map_err(|e| anyhow::anyhow!("cannot replay {}: {e}", args.journal.display()))?;
    if replay.is_empty() {
        anyhow::bail!("{} holds no recorded messages", args.journal.display());
    }
    replay.set_speed(args.speed);
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let lang = match args.language {
        Some(l) => l,
        None => match env("LOTWATCH_LANG") {
            Some(v) => crate::ui::i18n::Lang::parse(&v)
                .map_err(|e| anyhow::anyhow!("environment variable LOTWATCH_LANG: {e}"))?,
            None => crate::ui::i18n::Lang::from_locale(&env),
        },
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(event_loop(replay, lang))
}

async fn event_loop(mut replay: Replay, lang: crate::ui::i18n::Lang) -> anyhow::Result<()> {
    let mut app = App::new(AppOptions::default());
    let mut guard = TerminalGuard::enter(app.mouse())
        .map_err(|e| anyhow::anyhow!("cannot use this terminal: {e} (is stdout a terminal?)"))?;
    let mut terminal_events = EventStream::new();
    let view = ui::View {
        theme: ui::theme::Theme::default(),
        ..ui::View::in_lang(lang)
    };
    let size = guard.term.size()?;
    app.update(
        Msg::Resize {
            w: size.width,
            h: size.height,
        },
        mono_now(),
    );
    deliver(&mut app, &replay, Vec::new(), mono_now());
    let mut dirty = true;
    let mut last = tokio::time::Instant::now();
    let mut area = ratatui::layout::Rect::default();
    loop {
        if dirty {
            let now = mono_now();
            guard.draw(|f| {
                area = f.area();
                ui::draw(f, &app, now, &view)
            })?;
            dirty = false;
            tokio::time::sleep(FRAME_FLOOR).await;
        }
        let mut wait = replay.until_next().map_or(PLAY_TICK, |w| w.min(PLAY_TICK));
        if let Some(at) = app.next_tick(mono_now()) {
            wait = wait.min(Duration::from_millis(at.0.saturating_sub(mono_now().0)));
        }
        let up = tokio::select! {
            ev = terminal_events.next() => match ev {
                Some(Ok(TermEvent::Key(key))) if key.kind != KeyEventKind::Release => {
                    match replay_key(&key, &app) {
                        Some(k) => on_replay_key(&mut app, &mut replay, k, mono_now()),
                        None => match view.keys.action(&key, app.mode()) {
                            Some(a) => app.update(Msg::Action(a), mono_now()),
                            None => Update::default(),
                        },
                    }
                }
                Some(Ok(TermEvent::Resize(w, h))) => {
                    let mut up = app.update(Msg::Resize { w, h }, mono_now());
                    up.redraw = true;
                    up
                }
                Some(Ok(TermEvent::Mouse(m))) => {
                    let mut up = Update::default();
                    for a in ui::mouse::actions(&app, area, &m, view.lang) {
                        let u = app.update(Msg::Action(a), mono_now());
                        up.redraw |= u.redraw;
                        up.effects.extend(u.effects);
                    }
                    up
                }
                Some(Ok(_)) => Update::default(),
                Some(Err(e)) => return Err(anyhow::anyhow!("reading the terminal failed: {e}")),
                None => return Ok(()),
            },
            _ = tokio::time::sleep(wait) => {
                let now = tokio::time::Instant::now();
                let msgs = replay.advance(now - last);
                last = now;
                let mut up = deliver(&mut app, &replay, msgs, mono_now());
                let tick = app.update(Msg::Tick, mono_now());
                up.redraw |= tick.redraw;
                up.effects.extend(tick.effects);
                up
            }
        };
        // Paused time does not count as playback time.
        if replay.is_paused() {
            last = tokio::time::Instant::now();
        }
        dirty |= up.redraw;
        for e in up.effects {
            match e {
                Effect::Quit => return Ok(()),
                Effect::Suspend => {
                    guard.suspend()?;
                    dirty = true;
                }
                Effect::Bell => {
                    use std::io::Write;
                    let mut out = std::io::stdout();
                    let _ = out.write_all(b"\x07");
                    let _ = out.flush();
                }
                // No engine to ask, no commands run for a past day, and the
                // anomalies are already in the journal being replayed.
                Effect::Sync(_) | Effect::Alert(_) | Effect::Anomaly(_) => {}
                Effect::MouseCapture(on) => guard.set_mouse(on)?,
            }
        }
    }
}
