//! The follower: a read-only screen's source of messages, fed by a journal
//! instead of the platform (`--follow postgres://…` or `--follow
//! day.sqlite`). It turns the journal's records into the same `SyncMsg`s
//! the sync engine sends (through replay's reader, `replay::items_of`) and
//! never talks to the platform. A shared journal tells it of new records by
//! `LISTEN`/`NOTIFY` on the auction's channel; it also looks every
//! [`FollowOptions::poll`] (the only way for a file, and the fallback when
//! a notification is lost). It publishes the journal's freshness: when the
//! newest record was written and by how many monitors.
//!
//! The sync engine may not import the journal (the journal imports it), so
//! the follower lives here and the shell wires it where the engine would be.

use super::pg::{self, Remote, read::Copied};
use super::replay::{ReplayItem, items_of};
use super::store::{Journal, JournalError, Result};
use super::target::Target;
use crate::domain::clock::{ClockSample, mono_now};
use crate::domain::{LinkState, Timestamp};
use crate::sync::SyncMsg;
use std::path::Path;
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// How the follower looks for new records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowOptions {
    /// A look at the journal at least this often.
    pub poll: Duration,
    /// Messages waiting for the screen at most (the follower waits past it).
    pub queue: usize,
}

impl Default for FollowOptions {
    fn default() -> Self {
        FollowOptions {
            poll: Duration::from_secs(2),
            queue: MAX_QUEUE,
        }
    }
}

/// Messages waiting for the screen, at most, by default.
const MAX_QUEUE: usize = 4096;

/// How fresh the followed journal is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Freshness {
    /// The newest record's receipt time (the writer's wall clock).
    pub last_record: Option<Timestamp>,
    /// The monitors that wrote to it (1 for a file).
    pub writers: u64,
    /// Why the journal cannot be read now, while it cannot.
    pub failing: Option<String>,
    /// The shared journal's database is read in plain text over the
    /// network (the header's `UNENCRYPTED`).
    pub unencrypted: bool,
}

/// One message the follower sends, with its auction (a journal of a
/// monitor of several sources holds each as its own auction).
pub type Followed = (String, SyncMsg);

/// A running follower: its messages and its freshness.
pub struct Follower {
    /// Each message with the auction it was recorded for (empty: the
    /// follower's own, of no auction: the clock, the link, bids).
    pub msgs: mpsc::Receiver<Followed>,
    pub freshness: watch::Receiver<Freshness>,
    /// What is shown of the journal (the path, or the masked URL).
    pub shown: String,
    /// The lot in view, told by the screen: the follower answers with its
    /// bids as the journal knows them (a new number each time it is told).
    pub view: watch::Sender<(u64, Option<String>)>,
}

/// The lot in view as the follower receives it.
type View = watch::Receiver<(u64, Option<String>)>;

/// Starts following the journal at `target` on a thread of its own.
/// Checks that it can be read first (a missing file, a wrong password... are
/// errors here, with their own messages).
pub fn start(target: &Path, opts: FollowOptions) -> Result<Follower> {
    let t = Target::parse(target)?;
    let shown = t.display();
    let (tx, msgs) = mpsc::channel(opts.queue.max(1));
    let (fresh_tx, freshness) = watch::channel(Freshness::default());
    let (view, view_rx) = watch::channel((0, None));
    let (ready_tx, ready_rx) = std::sync::mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("journal-follow".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = ready_tx.send(Err(JournalError::WriterGone(e.to_string())));
                    return;
                }
            };
            rt.block_on(async move {
                match t {
                    Target::File(path) => {
                        follow_file(&path, opts, tx, fresh_tx, view_rx, ready_tx).await
                    }
                    Target::Postgres { url, masked } => {
                        follow_pg(&url, &masked, opts, tx, fresh_tx, view_rx, ready_tx).await
                    }
                }
            });
        })
        .map_err(|e| JournalError::WriterGone(format!("cannot start the follower: {e}")))?;
    ready_rx
        .recv()
        .map_err(|_| JournalError::WriterGone("the follower stopped at start".into()))??;
    Ok(Follower {
        msgs,
        freshness,
        shown,
        view,
    })
}

/// The newest recorded server time, for the clock samples the follower
/// sends: the server's time now is taken as that estimate plus the time
/// since it was recorded (the writers' wall clocks are taken to agree with
/// this one's). A sample goes with each look at the journal, new records or
/// not, so the screen's clock and the badge's age keep going.
#[derive(Default)]
struct Clocked {
    /// (when it was received, the server time estimate then).
    last: Option<(Timestamp, Timestamp)>,
}

impl Clocked {
    fn note(&mut self, items: &[ReplayItem]) {
        if let Some(it) = items.iter().rev().find(|i| i.server_est.is_some()) {
            self.last = it.server_est.map(|s| (it.received_at, s));
        }
    }

    fn sample(&self) -> Option<SyncMsg> {
        let (received, server) = self.last?;
        let now = super::Receipt::now(None).local;
        let age = now.0.saturating_sub(received.0).max(0);
        let m = mono_now();
        Some(SyncMsg::Clock(ClockSample {
            server: Timestamp(server.0.saturating_add(age)),
            sent: m,
            received: m,
            local_wall: now,
            from_date_header: false,
        }))
    }
}

/// Sends the items, then a clock sample; false when the screen is gone.
/// The bid histories the writers fetched are left out: they are of the
/// writers' lots in view, and the follower answers for its own
/// ([`answer_view`]).
async fn send(tx: &mpsc::Sender<Followed>, clock: &mut Clocked, items: Vec<ReplayItem>) -> bool {
    clock.note(&items);
    for it in items {
        if matches!(it.msg, SyncMsg::Bids { .. }) {
            continue;
        }
        if tx.send((it.auction, it.msg)).await.is_err() {
            return false;
        }
    }
    match clock.sample() {
        Some(c) => tx.send((String::new(), c)).await.is_ok(),
        None => !tx.is_closed(),
    }
}

/// After the first read of the journal (its history so far): the link
/// goes live, which tells the screen that what comes next is new, so that
/// the history's alerts are not rung again. False when the screen is gone.
async fn caught_up(tx: &mpsc::Sender<Followed>, live: &mut bool) -> bool {
    if *live {
        return true;
    }
    *live = true;
    tx.send((String::new(), SyncMsg::Link(LinkState::Live)))
        .await
        .is_ok()
}

type Ready = std::sync::mpsc::SyncSender<Result<()>>;

/// Answers the screen's lot in view, when it changed since the last answer,
/// with every bid of that lot the journal holds up to message `up_to`
/// (what the screen has been sent): the feed's bids that follow extend it.
/// False when the screen is gone.
async fn answer_view(
    tx: &mpsc::Sender<Followed>,
    j: &Journal,
    view: &View,
    answered: &mut u64,
    up_to: i64,
) -> bool {
    let (n, lot) = view.borrow().clone();
    if n == *answered {
        return true;
    }
    *answered = n;
    let Some(lot_id) = lot else {
        return true;
    };
    match j.bids_of_lot(&lot_id, up_to) {
        Ok(bids) => tx
            .send((String::new(), SyncMsg::Bids { lot_id, bids }))
            .await
            .is_ok(),
        Err(e) => {
            tracing::warn!("the bids of lot {lot_id} cannot be read from the journal: {e}");
            true
        }
    }
}

/// Waits `poll`, or less when the screen's lot in view changes.
async fn pause(poll: Duration, view: &mut View, open: &mut bool) {
    tokio::select! {
        _ = tokio::time::sleep(poll) => {}
        r = view.changed(), if *open => *open = r.is_ok(),
    }
}

async fn follow_file(
    path: &Path,
    opts: FollowOptions,
    tx: mpsc::Sender<Followed>,
    fresh: watch::Sender<Freshness>,
    mut view: View,
    ready: Ready,
) {
    let j = match Journal::open_existing(path) {
        Ok(j) => {
            let _ = ready.send(Ok(()));
            j
        }
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let mut last = i64::MIN;
    let mut clock = Clocked::default();
    let mut live = false;
    let (mut answered, mut view_open) = (0, true);
    loop {
        let got = j.messages_after(last).and_then(|m| {
            let newest = m.last().map(|m| (m.id, m.received_at));
            Ok((items_of(&j, m)?, newest))
        });
        match got {
            Ok((items, newest)) => {
                if let Some((id, at)) = newest {
                    last = id;
                    fresh.send_replace(Freshness {
                        last_record: Some(at),
                        writers: 1,
                        failing: None,
                        unencrypted: false,
                    });
                }
                if !send(&tx, &mut clock, items).await || !caught_up(&tx, &mut live).await {
                    return;
                }
            }
            Err(e) => {
                fresh.send_modify(|f| f.failing = Some(e.to_string()));
                if !send(&tx, &mut clock, Vec::new()).await {
                    return;
                }
            }
        }
        if !answer_view(&tx, &j, &view, &mut answered, last).await {
            return;
        }
        pause(opts.poll, &mut view, &mut view_open).await;
        if tx.is_closed() {
            return;
        }
    }
}

async fn follow_pg(
    url: &str,
    masked: &str,
    opts: FollowOptions,
    tx: mpsc::Sender<Followed>,
    fresh: watch::Sender<Freshness>,
    mut view: View,
    ready: Ready,
) {
    let remote = match Remote::new(url, masked, &super::monitor_name()) {
        Ok(r) => r,
        Err(e) => {
            let _ = ready.send(Err(e.into()));
            return;
        }
    };
    let copy = match pg::read::memory_copy() {
        Ok(c) => c,
        Err(e) => {
            let _ = ready.send(Err(JournalError::WriterGone(e.to_string())));
            return;
        }
    };
    let j = Journal::from_copy(copy, masked, remote.clone());
    let mut copied = Copied::default();
    let mut first = Some(ready);
    let mut delay = Duration::from_millis(250);
    let mut clock = Clocked::default();
    let mut live = false;
    let (mut answered, mut view_open) = (0, true);
    loop {
        // One connection until it breaks; then again, with backoff.
        let (client, mut notes) = match remote.connect_listening().await {
            Ok(c) => c,
            Err(e) => {
                if let Some(r) = first.take() {
                    let _ = r.send(Err(e.into()));
                    return;
                }
                fresh.send_modify(|f| f.failing = Some(e.short()));
                // The screen wakes to say so.
                if !send(&tx, &mut clock, Vec::new()).await {
                    return;
                }
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
                if tx.is_closed() {
                    return;
                }
                continue;
            }
        };
        if let Some(r) = first.take() {
            let _ = r.send(Ok(()));
        }
        delay = Duration::from_millis(250);
        let mut listening: Option<String> = None;
        loop {
            match pull(&client, &j, &mut copied).await {
                Ok(items) => {
                    if let Ok((last, writers)) = pg::read::freshness(&client).await {
                        fresh.send_replace(Freshness {
                            last_record: last.map(Timestamp),
                            writers,
                            failing: None,
                            unencrypted: remote.unencrypted(),
                        });
                    }
                    if !send(&tx, &mut clock, items).await || !caught_up(&tx, &mut live).await {
                        return;
                    }
                }
                Err(e) => {
                    fresh.send_modify(|f| f.failing = Some(e));
                    if !send(&tx, &mut clock, Vec::new()).await {
                        return;
                    }
                    break;
                }
            }
            // LISTEN on the auction's channel once it is known.
            if listening.is_none()
                && let Some(a) = j.auctions().ok().and_then(|a| a.into_iter().next())
            {
                let ch = pg::channel(&a);
                if client.batch_execute(&format!("LISTEN {ch}")).await.is_ok() {
                    listening = Some(ch);
                }
            }
            // The memory copy holds only what the screen was sent.
            if !answer_view(&tx, &j, &view, &mut answered, i64::MAX).await {
                return;
            }
            tokio::select! {
                n = notes.recv() => if n.is_none() { break },
                _ = pause(opts.poll, &mut view, &mut view_open) => {}
            }
            if tx.is_closed() {
                return;
            }
        }
    }
}

/// Copies the new messages and turns them into items.
async fn pull(
    client: &tokio_postgres::Client,
    j: &Journal,
    copied: &mut Copied,
) -> std::result::Result<Vec<ReplayItem>, String> {
    let ids = pg::read::copy_new(client, j.connection(), copied).await?;
    let Some(&low) = ids.first() else {
        return Ok(Vec::new());
    };
    let wanted: std::collections::BTreeSet<i64> = ids.iter().copied().collect();
    let msgs: Vec<_> = j
        .messages_after(low - 1)
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|m| wanted.contains(&m.id))
        .collect();
    items_of(j, msgs).map_err(|e| e.to_string())
}
