//! Replay mode: a recorded day played through the replay loop's pure part
//! ends in the same app state as the live run (lots, feed position, events
//! pane including the alerts), and the replay keys move the playback.

#[path = "../../tests/support/journal_day.rs"]
mod journal_day;

use crate::app::log::LogKind;
use crate::app::{App, AppOptions, Msg};
use crate::domain::clock::Mono;
use crate::domain::{Lot, Timestamp};
use crate::journal::{Journal, Receipt, Replay};
use crate::shell::replay_mode::{ReplayKey, deliver, on_replay_key};
use crate::sync::SyncMsg;
use journal_day::{AUCTION, T0, batches, day, temp_dir};
use std::path::Path;

fn opts() -> AppOptions {
    AppOptions {
        me: Some("P-07".into()),
        ..AppOptions::default()
    }
}

/// A live session with its arrival times: auction, snapshot, feed batches,
/// a re-snapshot in the middle (as after a 410), more batches.
fn session() -> Vec<(Receipt, SyncMsg)> {
    let d = day(7, 5, 300);
    let mut t = T0;
    let mut at = |dt: i64| {
        t += dt;
        Receipt {
            local: Timestamp(t),
            server_est: Some(Timestamp(t - 120)),
        }
    };
    let mut out = vec![(at(0), SyncMsg::Auction(journal_day::auction()))];
    out.push((
        at(50),
        SyncMsg::Snapshot {
            seq: 0,
            lots: d.lots.clone(),
            rejected: Vec::new(),
        },
    ));
    let bs = batches(&d.events, 3, 5);
    let mid = bs.len() / 2;
    let mut state = d.lots.clone();
    for (i, b) in bs.iter().enumerate() {
        journal_day::apply(&mut state, b);
        out.push((at(700), SyncMsg::Events(b.clone())));
        if i == mid {
            let seq = b.last().map(|e| e.seq).expect("non-empty batch");
            out.push((
                at(300),
                SyncMsg::Snapshot {
                    seq,
                    lots: state.clone(),
                    rejected: Vec::new(),
                },
            ));
        }
    }
    out
}

fn record(path: &Path, live: &[(Receipt, SyncMsg)]) {
    let j = Journal::open(path).expect("open");
    let w = j.writer(AUCTION).expect("writer");
    for (r, m) in live {
        w.record_sync_msg(m, *r).expect("record");
    }
    w.flush().expect("flush");
}

/// What must match: every lot, the feed position and the events pane
/// (alert entries are stamped with the local server-clock reading, so only
/// their text is compared).
type LogRow = (Option<u64>, LogKind, String, crate::app::log::LogText);

fn state(app: &App) -> (Vec<Lot>, u64, Vec<LogRow>) {
    let mut lots: Vec<Lot> = app.lots().iter().cloned().collect();
    lots.sort_by(|a, b| a.id.cmp(&b.id));
    let log = (0..app.log().len())
        .filter_map(|i| app.log().newest(i))
        .map(|e| (e.seq, e.kind, e.lot.clone(), e.text.clone()))
        .collect();
    (lots, app.feed_seq(), log)
}

#[test]
fn a_replayed_day_ends_in_the_same_state_as_the_live_run() {
    let dir = temp_dir("replay-mode");
    let path = dir.join("day.sqlite");
    let live_msgs = session();
    record(&path, &live_msgs);

    let mut live = App::new(opts());
    for (i, (_, m)) in live_msgs.iter().enumerate() {
        live.update(Msg::Sync(m.clone()), Mono(i as u64));
    }
    let want = state(&live);
    let alerts = want.2.iter().filter(|e| e.1 == LogKind::Alert).count();
    assert!(alerts > 0, "the day should outbid P-07 at least once");

    let mut replay = Replay::load(&path).expect("load");
    replay.set_speed(64.0);
    let mut app = App::new(opts());
    let mut mono = 0;
    while let Some(wait) = replay.until_next() {
        mono += wait.as_millis() as u64 + 1;
        let msgs = replay.advance(wait);
        deliver(&mut app, &replay, msgs, Mono(mono));
    }
    assert!(replay.is_finished());
    assert_eq!(state(&app), want);
    let badge = app.replay().expect("badge");
    assert_eq!(
        (badge.position, badge.total),
        (live_msgs.len(), live_msgs.len())
    );
    assert_eq!(
        badge.server_at,
        live_msgs.last().and_then(|(r, _)| r.server_est)
    );
    // Countdowns read the recorded server time, not this machine's clock.
    assert_eq!(app.server_now(Mono(u64::MAX / 2)), badge.server_at);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn replay_keys_pause_step_and_change_speed() {
    let dir = temp_dir("replay-keys");
    let path = dir.join("day.sqlite");
    let live_msgs = session();
    record(&path, &live_msgs);
    let mut replay = Replay::load(&path).expect("load");
    let mut app = App::new(opts());
    on_replay_key(&mut app, &mut replay, ReplayKey::TogglePause, Mono(0));
    assert!(app.replay().expect("badge").paused);
    assert!(
        replay
            .advance(std::time::Duration::from_secs(3600))
            .is_empty()
    );
    for n in 1..=3 {
        let up = on_replay_key(&mut app, &mut replay, ReplayKey::Step, Mono(0));
        assert!(up.redraw);
        assert_eq!(app.replay().expect("badge").position, n);
    }
    // The auction and the snapshot arrived through the steps.
    assert!(!app.lots().is_empty());
    on_replay_key(&mut app, &mut replay, ReplayKey::Faster, Mono(0));
    assert_eq!(app.replay().expect("badge").speed, 2.0);
    on_replay_key(&mut app, &mut replay, ReplayKey::Slower, Mono(0));
    on_replay_key(&mut app, &mut replay, ReplayKey::Slower, Mono(0));
    assert_eq!(app.replay().expect("badge").speed, 0.5);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn stepping_back_gives_the_state_the_recording_had_there() {
    let dir = temp_dir("replay-back");
    let path = dir.join("day.sqlite");
    let live_msgs = session();
    record(&path, &live_msgs);
    let mut replay = Replay::load(&path).expect("load");
    let mut app = App::new(opts());
    on_replay_key(&mut app, &mut replay, ReplayKey::TogglePause, Mono(0));
    let mut forward = vec![(state(&app).0, state(&app).1)];
    for _ in 0..live_msgs.len() {
        on_replay_key(&mut app, &mut replay, ReplayKey::Step, Mono(0));
        let s = state(&app);
        forward.push((s.0, s.1));
    }
    for pos in (0..live_msgs.len()).rev() {
        let up = on_replay_key(&mut app, &mut replay, ReplayKey::StepBack, Mono(0));
        assert!(up.redraw);
        assert_eq!(app.replay().expect("badge").position, pos);
        let s = state(&app);
        assert_eq!((s.0, s.1), forward[pos], "state at position {pos}");
    }
    // At the start, ← does nothing.
    on_replay_key(&mut app, &mut replay, ReplayKey::StepBack, Mono(0));
    assert_eq!(app.replay().expect("badge").position, 0);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_step_while_playing_pauses_so_one_press_is_one_message_both_ways() {
    let dir = temp_dir("replay-step-pauses");
    let path = dir.join("day.sqlite");
    let live_msgs = session();
    record(&path, &live_msgs);
    let mut replay = Replay::load(&path).expect("load");
    replay.set_speed(10.0);
    let mut app = App::new(opts());
    let msgs = replay.advance(std::time::Duration::ZERO);
    deliver(&mut app, &replay, msgs, Mono(0));
    let at = app.replay().expect("badge").position;
    on_replay_key(&mut app, &mut replay, ReplayKey::Step, Mono(0));
    assert_eq!(app.replay().expect("badge").position, at + 1);
    assert!(app.replay().expect("badge").paused);
    // Time passing after the step moves nothing: the step paused playback.
    let later = replay.advance(std::time::Duration::from_secs(600));
    assert!(later.is_empty(), "{} messages played after →", later.len());
    on_replay_key(&mut app, &mut replay, ReplayKey::StepBack, Mono(0));
    assert_eq!(app.replay().expect("badge").position, at);
    assert!(
        replay
            .advance(std::time::Duration::from_secs(600))
            .is_empty()
    );
    // Space plays on from there.
    on_replay_key(&mut app, &mut replay, ReplayKey::TogglePause, Mono(0));
    assert!(
        !replay
            .advance(std::time::Duration::from_secs(600))
            .is_empty()
    );
    let _ = std::fs::remove_dir_all(dir);
}
