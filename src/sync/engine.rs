//! The sync engine task: snapshot, then the long-poll feed from the
//! snapshot's seq (re-snapshot on a gap or a 410), or interval polling of
//! `/lots` with `If-None-Match` when there is no feed; the bid history of the
//! lot in view; backoff and link state on failures. It reports through
//! `SyncMsg` only, and sends nothing from an answer that failed.

use super::backoff::{Backoff, FeedFloor, Pacer};
use super::{DataIssue, LinkState, SeqGap, SyncCmd, SyncMsg};
use crate::domain::clock::{ClockSample, ServerClock, mono_now, wall_now};
use crate::domain::{Bid, Event, EventKind, Timestamp};
use crate::platform::client::{Cached, Client};
use crate::platform::decode::BidsPage;
use crate::platform::error::PlatformError;
use crate::rates::RatesConfig;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// A long-poll right after one that brought events is not paced by the
/// request-rate bound (4/s held a bid back up to 250 ms: measured p99 244 ms
/// bid-to-frame); it waits only this long after that answer while the feed is
/// light, so a burst of events still arrives in one page. An empty or failed
/// answer is paced.
///
/// A fixed 20 ms made the client ask ~40 times a second at 190 events/s (4-5
/// events per answer, a frame each): under a heavy feed the wait grows
/// towards `FEED_FLOOR_CAP` with the event rate (`FeedFloor`), so that each
/// answer carries more events. BENCHMARKS.md has the measurements.
pub const FEED_FLOOR: Duration = Duration::from_millis(20);
/// The longest wait after an answer with events, reached from
/// `FeedFloor::HEAVY_RATE` events/s on.
pub const FEED_FLOOR_CAP: Duration = Duration::from_millis(100);

/// Bids kept in the history of the watched lot (the newest).
pub const MAX_BID_HISTORY: usize = 2000;
/// Pause before the first history request of a newly watched lot.
const WATCH_SETTLE: Duration = Duration::from_millis(150);

/// How the engine behaves. `Default` is what the monitor uses.
#[derive(Clone, Debug)]
pub struct SyncConfig {
    /// Interval of `/lots` polling when there is no feed (at least 250 ms).
    pub poll: Duration,
    /// Long-poll `wait`, seconds (0 to 30).
    pub wait_s: u32,
    /// Events asked for per page.
    pub events_limit: u32,
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// No retry comes sooner than this.
    pub backoff_floor: Duration,
    /// Retrying becomes Offline after this many failures in a row...
    pub offline_after_attempts: u32,
    /// ...or after failing for this long.
    pub offline_after: Duration,
    /// Request rate bound: a burst of this many, refilled at this rate per second.
    pub max_burst: u32,
    pub max_per_sec: u32,
    /// `/auction` is re-read this often (it has no events).
    pub auction_every: Duration,
    /// Messages the app has not read yet, at most.
    pub channel_size: usize,
    /// None: no rates at all (tests of the feed alone).
    pub rates: Option<RatesConfig>,
}

impl Default for SyncConfig {
    fn default() -> Self {
        SyncConfig {
            poll: Duration::from_millis(1000),
            wait_s: 25,
            events_limit: 500,
            backoff_base: Duration::from_millis(500),
            backoff_cap: Duration::from_secs(30),
            backoff_floor: Duration::from_millis(250),
            offline_after_attempts: 3,
            offline_after: Duration::from_secs(10),
            max_burst: 4,
            max_per_sec: 4,
            auction_every: Duration::from_secs(300),
            channel_size: 256,
            rates: Some(RatesConfig::default()),
        }
    }
}

/// The running engine: its messages, its commands, and the task.
pub struct SyncHandle {
    pub msgs: mpsc::Receiver<SyncMsg>,
    pub cmds: mpsc::Sender<SyncCmd>,
    pub task: JoinHandle<()>,
}

/// Starts the engine (and the rates refresher) on the current tokio runtime.
/// Both stop when `msgs` is dropped.
pub fn spawn(client: Client, cfg: SyncConfig) -> SyncHandle {
    let (out_tx, out_rx) = mpsc::channel(cfg.channel_size.max(8));
    let (cmd_tx, cmd_rx) = mpsc::channel(32);
    let clock = Arc::new(Mutex::new(ServerClock::new()));
    let rates_now = Arc::new(Notify::new());
    if let Some(rc) = cfg.rates.clone() {
        tokio::spawn(crate::sync::rates::run(
            client.clone(),
            rc,
            clock.clone(),
            out_tx.clone(),
            rates_now.clone(),
        ));
    }
    let engine = Engine::new(client, cfg, out_tx, cmd_rx, clock, rates_now);
    let task = tokio::spawn(engine.run());
    SyncHandle {
        msgs: out_rx,
        cmds: cmd_tx,
        task,
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Mode {
    /// Long-poll `/events`.
    Feed,
    /// No feed (404): poll `/lots` with the ETag of the last answer.
    Poll { etag: Option<String> },
}

/// The history of the lot in view.
#[derive(Debug, Default)]
struct Watch {
    lot_id: Option<String>,
    /// Bumped on every change of lot: answers tagged with an older one are dropped.
    generation: u64,
    history: Vec<Bid>,
    /// Whether `history` holds a complete answer yet.
    loaded: bool,
    in_flight: bool,
    /// A bid arrived while a fetch was in flight: fetch again after it.
    stale: bool,
    task: Option<JoinHandle<()>>,
}

struct BidsAnswer {
    generation: u64,
    lot_id: String,
    after: u64,
    result: Result<BidsPage, PlatformError>,
    clock: Option<ClockSample>,
}

/// Why a wait was cut short.
enum Interrupt {
    Refresh,
    Shutdown,
}

struct Engine {
    client: Client,
    cfg: SyncConfig,
    out: mpsc::Sender<SyncMsg>,
    cmds: mpsc::Receiver<SyncCmd>,
    cmds_open: bool,
    clock: Arc<Mutex<ServerClock>>,
    rates_now: Arc<Notify>,
    mode: Mode,
    /// Feed position of what the app holds; None: a snapshot is needed.
    cursor: Option<u64>,
    /// ETag of the last `/lots` answer.
    lots_etag: Option<String>,
    auction_due: Instant,
    link: LinkState,
    failures: u32,
    failing_since: Option<(Instant, Timestamp)>,
    backoff: Backoff,
    pacer: Pacer,
    /// The event rate of the feed and the wait it calls for (see `FEED_FLOOR`).
    feed_floor: FeedFloor,
    /// When the next long-poll may go, set by an answer that brought events;
    /// None: it is paced like any request.
    feed_next: Option<Instant>,
    /// Re-snapshots (gap, 410) since the feed last gave a good page.
    resnapshots: u32,
    watch: Watch,
    bids_tx: mpsc::Sender<BidsAnswer>,
    bids_rx: mpsc::Receiver<BidsAnswer>,
}

/// The outcome of one step, for the failure accounting.
type Step = Result<(), PlatformError>;

impl Engine {
    fn new(
        client: Client,
        cfg: SyncConfig,
        out: mpsc::Sender<SyncMsg>,
        cmds: mpsc::Receiver<SyncCmd>,
        clock: Arc<Mutex<ServerClock>>,
        rates_now: Arc<Notify>,
    ) -> Engine {
        let (bids_tx, bids_rx) = mpsc::channel(4);
        Engine {
            backoff: Backoff::new(cfg.backoff_base, cfg.backoff_cap, cfg.backoff_floor),
            pacer: Pacer::new(cfg.max_burst, cfg.max_per_sec),
            feed_floor: FeedFloor::new(FEED_FLOOR, FEED_FLOOR_CAP),
            feed_next: None,
            client,
            out,
            cmds,
            cmds_open: true,
            clock,
            rates_now,
            mode: Mode::Feed,
            cursor: None,
            lots_etag: None,
            auction_due: Instant::now(),
            link: LinkState::Connecting,
            failures: 0,
            failing_since: None,
            resnapshots: 0,
            watch: Watch::default(),
            bids_tx,
            bids_rx,
            cfg,
        }
    }

    async fn run(mut self) {
        if self
            .send(SyncMsg::Link(LinkState::Connecting))
            .await
            .is_err()
        {
            return;
        }
        loop {
            // A second re-snapshot in a row without a good feed page between
            // means the server keeps contradicting itself: slow down.
            if self.resnapshots >= 2 && self.cursor.is_none() {
                let d = self.backoff.next_delay();
                tracing::warn!(
                    delay_ms = d.as_millis() as u64,
                    "repeated re-snapshots; slowing down"
                );
                match self.wait(tokio::time::sleep(d)).await {
                    Err(Interrupt::Shutdown) => return,
                    Err(Interrupt::Refresh) | Ok(()) => {}
                }
            }
            let step = match (&self.cursor, &self.mode) {
                (None, _) => self.snapshot().await,
                (Some(_), Mode::Feed) => self.long_poll().await,
                (Some(_), Mode::Poll { .. }) => self.poll().await,
            };
            match step {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    if self.fail(e).await.is_err() {
                        return;
                    }
                }
                Err(Interrupt::Refresh) => {}
                Err(Interrupt::Shutdown) => return,
            }
        }
    }

    /// Sends one message; Err when the app is gone.
    async fn send(&self, m: SyncMsg) -> Result<(), Interrupt> {
        self.out.send(m).await.map_err(|_| Interrupt::Shutdown)
    }

    fn server_now(&self) -> Timestamp {
        self.clock
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .now(mono_now())
            .unwrap_or_else(wall_now)
    }

    async fn observe(&self, sample: Option<ClockSample>) -> Result<(), Interrupt> {
        if let Some(s) = sample {
            self.clock
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .observe(s);
            self.send(SyncMsg::Clock(s)).await?;
        }
        Ok(())
    }

    /// Runs `fut` while serving commands and bid answers. A refresh request
    /// or shutdown cuts it short (dropping the request in flight).
    async fn wait<T>(&mut self, fut: impl Future<Output = T>) -> Result<T, Interrupt> {
        tokio::pin!(fut);
        loop {
            tokio::select! {
                r = &mut fut => return Ok(r),
                cmd = self.cmds.recv(), if self.cmds_open => match cmd {
                    None => self.cmds_open = false,
                    Some(SyncCmd::RefreshNow) => {
                        tracing::info!("refresh requested");
                        self.cursor = None;
                        self.mode = Mode::Feed;
                        self.auction_due = Instant::now();
                        self.resnapshots = 0;
                        self.rates_now.notify_one();
                        return Err(Interrupt::Refresh);
                    }
                    Some(SyncCmd::WatchLot(id)) => self.watch_lot(id),
                },
                Some(ans) = self.bids_rx.recv() => self.on_bids(ans).await?,
                _ = self.out.closed() => return Err(Interrupt::Shutdown),
            }
        }
    }

    /// Paces, then runs one request under `wait`.
    async fn request<T>(&mut self, fut: impl Future<Output = T>) -> Result<T, Interrupt> {
        let d = self.pacer.delay(Instant::now());
        if !d.is_zero() {
            self.wait(tokio::time::sleep(d)).await?;
        }
        self.wait(fut).await
    }

    /// Re-reads `/auction` (it has no events) when it is due.
    async fn auction_if_due(&mut self) -> Result<Step, Interrupt> {
        if Instant::now() < self.auction_due {
            return Ok(Ok(()));
        }
        let c = self.client.clone();
        match self.request(async move { c.auction().await }).await? {
            Ok(f) => {
                self.observe(f.clock).await?;
                self.send(SyncMsg::Auction(f.value)).await?;
                self.auction_due = Instant::now() + self.cfg.auction_every;
                Ok(Ok(()))
            }
            Err(e) => Ok(Err(e)),
        }
    }

    async fn snapshot(&mut self) -> Result<Step, Interrupt> {
        if let Err(e) = self.auction_if_due().await? {
            return Ok(Err(e));
        }
        let c = self.client.clone();
        let f = match self.request(async move { c.lots(None).await }).await? {
            Ok(f) => f,
            Err(e) => return Ok(Err(e)),
        };
        self.observe(f.clock).await?;
        let Cached::Fresh(page) = f.value else {
            return Ok(Err(PlatformError::Decode(
                "304 to an unconditional request".into(),
            )));
        };
        let seq = page.seq;
        self.send(SyncMsg::Snapshot {
            seq,
            lots: page.lots,
            rejected: page.issues,
        })
        .await?;
        self.cursor = Some(seq);
        self.lots_etag = f.etag;
        if let Mode::Poll { etag } = &mut self.mode {
            etag.clone_from(&self.lots_etag);
        }
        self.succeeded().await?;
        // The watched lot's history may have moved while we were away.
        self.refresh_watch();
        Ok(Ok(()))
    }

    async fn long_poll(&mut self) -> Result<Step, Interrupt> {
        let Some(cursor) = self.cursor else {
            return Ok(Ok(()));
        };
        // Between long-polls, not with a snapshot: a 10 000-lot `/lots` is
        // megabytes, and the feed already keeps the lots current.
        if let Err(e) = self.auction_if_due().await? {
            return Ok(Err(e));
        }
        let (c, wait_s, limit) = (self.client.clone(), self.cfg.wait_s, self.cfg.events_limit);
        let fut = async move { c.events(cursor, wait_s, limit).await };
        let answer = match self.feed_next.take() {
            Some(at) => {
                self.wait(tokio::time::sleep_until(at)).await?;
                self.wait(fut).await?
            }
            None => self.request(fut).await?,
        };
        let page = match answer {
            Ok(f) => {
                self.observe(f.clock).await?;
                f.value
            }
            Err(PlatformError::Gone) => {
                tracing::info!(after = cursor, "feed answered 410: re-reading the lots");
                self.resnapshot();
                return Ok(Ok(()));
            }
            Err(PlatformError::NotFound) => {
                tracing::info!("no change feed (404): polling /lots");
                // What the app holds is current as of the snapshot: go on
                // from its ETag.
                self.mode = Mode::Poll {
                    etag: self.lots_etag.clone(),
                };
                self.succeeded().await?;
                return Ok(Ok(()));
            }
            Err(e) => return Ok(Err(e)),
        };
        for i in page.issues {
            self.send(SyncMsg::DataIssue(i)).await?;
        }
        // Only a gap-free continuation of what the app holds is sent.
        let mut batch: Vec<Event> = Vec::with_capacity(page.events.len());
        let mut next = cursor.saturating_add(1);
        for ev in page.events {
            if ev.seq < next {
                continue; // already delivered
            }
            if ev.seq != next {
                tracing::warn!(
                    expected = next,
                    got = ev.seq,
                    "seq gap: re-reading the lots"
                );
                self.send(SyncMsg::SeqGap(SeqGap {
                    after: next - 1,
                    got: ev.seq,
                }))
                .await?;
                self.resnapshot();
                return Ok(Ok(()));
            }
            next = next.saturating_add(1);
            batch.push(ev);
        }
        if batch.is_empty() && page.last_seq != cursor {
            // Nothing new, yet the server's newest seq is elsewhere: it has
            // events it did not give us, or it started over.
            tracing::warn!(
                cursor,
                last_seq = page.last_seq,
                "feed position disagrees: re-reading the lots"
            );
            self.resnapshot();
            return Ok(Ok(()));
        }
        self.resnapshots = 0;
        let now = Instant::now();
        self.feed_floor.on_answer(batch.len(), now);
        if let Some(last) = batch.last() {
            self.feed_next = Some(now + self.feed_floor.floor());
            self.cursor = Some(last.seq);
            let watched_bid = self.watch.lot_id.as_deref().is_some_and(|w| {
                batch.iter().any(|e| {
                    matches!(e.kind, EventKind::Bid { .. }) && e.lot_id.as_deref() == Some(w)
                })
            });
            self.send(SyncMsg::Events(batch)).await?;
            if watched_bid {
                self.refresh_watch();
            }
        }
        self.succeeded().await?;
        Ok(Ok(()))
    }

    async fn poll(&mut self) -> Result<Step, Interrupt> {
        self.wait(tokio::time::sleep(
            self.cfg.poll.max(Duration::from_millis(250)),
        ))
        .await?;
        if let Err(e) = self.auction_if_due().await? {
            return Ok(Err(e));
        }
        let etag = match &self.mode {
            Mode::Poll { etag } => etag.clone(),
            Mode::Feed => return Ok(Ok(())),
        };
        let c = self.client.clone();
        let f = match self
            .request(async move { c.lots(etag.as_deref()).await })
            .await?
        {
            Ok(f) => f,
            Err(e) => return Ok(Err(e)),
        };
        self.observe(f.clock).await?;
        match f.value {
            Cached::NotModified => {}
            Cached::Fresh(page) => {
                let seq = page.seq;
                self.send(SyncMsg::Snapshot {
                    seq,
                    lots: page.lots,
                    rejected: page.issues,
                })
                .await?;
                self.cursor = Some(seq);
                self.lots_etag.clone_from(&f.etag);
                self.mode = Mode::Poll { etag: f.etag };
                self.refresh_watch();
            }
        }
        self.succeeded().await?;
        Ok(Ok(()))
    }

    fn resnapshot(&mut self) {
        self.cursor = None;
        self.resnapshots = self.resnapshots.saturating_add(1);
    }

    /// The platform answered well: back to Live if we were not.
    async fn succeeded(&mut self) -> Result<(), Interrupt> {
        if self.resnapshots == 0 {
            self.backoff.reset();
        }
        self.failures = 0;
        self.failing_since = None;
        if self.link != LinkState::Live {
            self.link = LinkState::Live;
            self.send(SyncMsg::Link(LinkState::Live)).await?;
        }
        Ok(())
    }

    /// A failed step: report the link state, wait (backoff or the server's
    /// Retry-After, whichever is longer), and start over with a snapshot.
    async fn fail(&mut self, e: PlatformError) -> Result<(), Interrupt> {
        self.failures = self.failures.saturating_add(1);
        let now = (Instant::now(), self.server_now());
        let (since_mono, since) = *self.failing_since.get_or_insert(now);
        let error = e.to_string();
        tracing::warn!(attempt = self.failures, error = %error, "platform request failed");
        let offline = self.failures >= self.cfg.offline_after_attempts
            || since_mono.elapsed() >= self.cfg.offline_after;
        self.link = if offline {
            LinkState::Offline { since, error }
        } else {
            LinkState::Retrying {
                attempt: self.failures,
                error,
            }
        };
        self.send(SyncMsg::Link(self.link.clone())).await?;
        // Whatever the app holds may be behind now: a fresh snapshot on recovery.
        self.cursor = None;
        let delay = self
            .backoff
            .next_delay()
            .max(e.retry_after().unwrap_or(Duration::ZERO));
        match self.wait(tokio::time::sleep(delay)).await {
            Err(Interrupt::Shutdown) => Err(Interrupt::Shutdown),
            Ok(()) | Err(Interrupt::Refresh) => Ok(()),
        }
    }

    fn watch_lot(&mut self, id: Option<String>) {
        if id == self.watch.lot_id {
            return;
        }
        // The superseded request is cancelled (its answer would be dropped
        // anyway), so moving through lots never piles up requests.
        if let Some(t) = self.watch.task.take() {
            t.abort();
        }
        self.watch = Watch {
            lot_id: id,
            generation: self.watch.generation.wrapping_add(1),
            ..Watch::default()
        };
        self.refresh_watch();
    }

    /// Fetches the watched lot's bids newer than what we hold (all of them
    /// the first time); one request in flight at most.
    fn refresh_watch(&mut self) {
        let Some(lot_id) = self.watch.lot_id.clone() else {
            return;
        };
        if self.watch.in_flight {
            self.watch.stale = true;
            return;
        }
        let after = if self.watch.loaded {
            self.watch.history.last().map_or(0, |b| b.seq)
        } else {
            0
        };
        self.watch.in_flight = true;
        self.watch.stale = false;
        let (c, tx, generation) = (
            self.client.clone(),
            self.bids_tx.clone(),
            self.watch.generation,
        );
        let settle = if after == 0 {
            WATCH_SETTLE
        } else {
            Duration::ZERO
        };
        self.watch.task = Some(tokio::spawn(async move {
            // A short pause first: while the user moves through the list,
            // each new lot cancels this before any request goes out.
            tokio::time::sleep(settle).await;
            let (result, clock) = match c.bids(&lot_id, after).await {
                Ok(f) => (Ok(f.value), f.clock),
                Err(e) => (Err(e), None),
            };
            // The engine may be gone; then nobody needs the answer.
            let _ = tx
                .send(BidsAnswer {
                    generation,
                    lot_id,
                    after,
                    result,
                    clock,
                })
                .await;
        }));
    }

    async fn on_bids(&mut self, ans: BidsAnswer) -> Result<(), Interrupt> {
        if ans.generation != self.watch.generation {
            tracing::debug!(lot = %ans.lot_id, "dropping the answer to a superseded bids request");
            return Ok(());
        }
        self.watch.in_flight = false;
        self.watch.task = None;
        self.observe(ans.clock).await?;
        match ans.result {
            Ok(page) => {
                if ans.after == 0 {
                    self.watch.history.clear();
                }
                let last = self.watch.history.last().map_or(0, |b| b.seq);
                self.watch
                    .history
                    .extend(page.bids.into_iter().filter(|b| b.seq > last));
                let excess = self.watch.history.len().saturating_sub(MAX_BID_HISTORY);
                self.watch.history.drain(..excess);
                self.watch.loaded = true;
                for i in page.issues {
                    self.send(SyncMsg::DataIssue(i)).await?;
                }
                self.send(SyncMsg::Bids {
                    lot_id: ans.lot_id,
                    bids: self.watch.history.clone(),
                })
                .await?;
            }
            Err(e) => {
                tracing::warn!(lot = %ans.lot_id, error = %e, "bid history request failed");
                if let PlatformError::NotFound = e {
                    self.send(SyncMsg::DataIssue(DataIssue {
                        lot_id: Some(ans.lot_id),
                        field: "bids".into(),
                        problem: "the platform does not know this lot".into(),
                    }))
                    .await?;
                    return Ok(());
                }
            }
        }
        if self.watch.stale {
            self.refresh_watch();
        }
        Ok(())
    }
}
