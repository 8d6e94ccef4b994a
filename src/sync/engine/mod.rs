//! The sync engine task: snapshot, then the long-poll feed from the
//! snapshot's seq (re-snapshot on a gap or a 410), or interval polling of
//! `/lots` with `If-None-Match` when there is no feed; the bid history of the
//! lot in view; backoff and link state on failures. It reports through
//! `SyncMsg` only, and sends nothing from an answer that failed.

mod feed;
mod journal_fill;
mod selected;

use super::backfill::{Backfill, JournalStart};
use super::backoff::{FeedFloor, Pacer};
use super::seam::{LinkPolicy, Seam, SeamConfig, Source};
use super::{DataIssue, LinkState, SeqGap, SyncCmd, SyncMsg};
use crate::domain::clock::ClockSample;
use crate::domain::{Bid, Event, EventKind};
use crate::platform::client::{Cached, Client, PushFeed};
use crate::platform::decode::{BidsPage, EventsPage};
use crate::platform::error::PlatformError;
use crate::rates::RatesConfig;
use std::future::Future;
use std::time::Duration;
use tokio::sync::mpsc;
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
const FEED_FLOOR: Duration = Duration::from_millis(20);
/// The longest wait after an answer with events, reached from
/// `FeedFloor::HEAVY_RATE` events/s on.
pub const FEED_FLOOR_CAP: Duration = Duration::from_millis(100);

/// A push feed that is missing, failed or stalled is tried again after this
/// long; the long-poll follows the feed meanwhile.
pub const PUSH_RETRY: Duration = Duration::from_secs(60);

/// Bids kept in the history of the selected lot (the newest).
pub const MAX_BID_HISTORY: usize = 2000;
/// Pause before the first history request of a newly selected lot.
const WATCH_SETTLE: Duration = Duration::from_millis(150);
/// Events asked for per page while filling the journal's gap.
const CATCH_UP_LIMIT: u32 = 1000;

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
    /// Where the journal stands, so that the engine fills its gaps.
    pub journal: JournalStart,
    /// A new journal first reads the history the feed holds (`after=0`).
    pub backfill: bool,
    /// Without a feed (404), `/events` is tried again this often, once.
    pub feed_retry: Duration,
    /// Follow the push feed (`/stream`) when the platform has one.
    pub push: bool,
    /// Silence on the push feed after which it counts as stalled (the
    /// platform sends a heartbeat every 10 s).
    pub push_stall: Duration,
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
            journal: JournalStart::Off,
            backfill: false,
            feed_retry: Duration::from_secs(300),
            push: true,
            push_stall: Duration::from_secs(25),
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
    let seam_cfg = SeamConfig {
        channel_size: cfg.channel_size,
        rates: cfg.rates.clone(),
        link: LinkPolicy {
            backoff_base: cfg.backoff_base,
            backoff_cap: cfg.backoff_cap,
            backoff_floor: cfg.backoff_floor,
            offline_after_attempts: cfg.offline_after_attempts,
            offline_after: cfg.offline_after,
        },
        what: "platform request",
    };
    super::seam::spawn(
        ApiSource {
            client: client.clone(),
            cfg,
        },
        &client,
        seam_cfg,
    )
}

/// The platform's API as a source.
struct ApiSource {
    client: Client,
    cfg: SyncConfig,
}

impl Source for ApiSource {
    async fn run(self, seam: Seam) {
        Engine::new(self.client, self.cfg, seam).run().await
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
struct Selected {
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

/// What the engine knows of the journal's position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum JournalPos {
    /// No journal: nothing to fill.
    Off,
    /// Not known yet (`JournalStart::Later`); `Some` once told.
    Awaiting(Option<Option<u64>>),
    /// The journal holds every event up to here, or knows it lost.
    At(u64),
}

/// Why a step ended early.
enum Stop {
    /// The platform failed: counted, backed off and reported as the link.
    Failed(PlatformError),
    /// The user asked for a refresh: start over from a snapshot.
    Refresh,
    /// The app is gone.
    Shutdown,
}

impl From<PlatformError> for Stop {
    fn from(e: PlatformError) -> Stop {
        Stop::Failed(e)
    }
}

struct Engine {
    client: Client,
    cfg: SyncConfig,
    /// Messages, commands, the clock, the rates and the link.
    seam: Seam,
    cmds_open: bool,
    mode: Mode,
    /// Feed position of what the app holds; None: a snapshot is needed.
    cursor: Option<u64>,
    /// ETag of the last `/lots` answer.
    lots_etag: Option<String>,
    auction_due: Instant,
    pacer: Pacer,
    /// The event rate of the feed and the wait it calls for (see `FEED_FLOOR`).
    feed_floor: FeedFloor,
    /// When the next long-poll may go, set by an answer that brought events;
    /// None: it is paced like any request.
    feed_next: Option<Instant>,
    /// Re-snapshots (gap, 410) since the feed last gave a good page.
    resnapshots: u32,
    journal: JournalPos,
    /// The feed answered 410 to `after` = this: nothing at or below it is
    /// asked for again (the feed only forgets more).
    gone_upto: Option<u64>,
    /// Without a feed: when `/events` may be tried once more.
    feed_retry_at: Option<Instant>,
    /// The open push feed, with the cursor it continues from.
    push: Option<(PushFeed, u64)>,
    /// The push feed is off (missing, failed) until then.
    push_retry_at: Option<Instant>,
    selected: Selected,
    /// The seq of the snapshot the app got while the journal was still
    /// opening: its gap is filled once the journal says its cursor.
    deferred: Option<u64>,
    bids_tx: mpsc::Sender<BidsAnswer>,
    bids_rx: mpsc::Receiver<BidsAnswer>,
}

/// Why a catch-up stopped without a feed.
const NO_FEED: &str = "the platform has no change feed (404)";

/// The outcome of one step.
type Step = Result<(), Stop>;

impl Engine {
    fn new(client: Client, cfg: SyncConfig, seam: Seam) -> Engine {
        let (bids_tx, bids_rx) = mpsc::channel(4);
        Engine {
            pacer: Pacer::new(cfg.max_burst, cfg.max_per_sec),
            feed_floor: FeedFloor::new(FEED_FLOOR, FEED_FLOOR_CAP),
            feed_next: None,
            client,
            seam,
            cmds_open: true,
            mode: Mode::Feed,
            cursor: None,
            lots_etag: None,
            auction_due: Instant::now(),
            resnapshots: 0,
            journal: match &cfg.journal {
                JournalStart::Off => JournalPos::Off,
                JournalStart::Cursor(c) => JournalPos::Awaiting(Some(*c)),
                JournalStart::Later => JournalPos::Awaiting(None),
            },
            gone_upto: None,
            feed_retry_at: None,
            push: None,
            push_retry_at: None,
            selected: Selected::default(),
            deferred: None,
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
                let d = self.seam.link.backoff.next_delay();
                tracing::warn!(
                    delay_ms = d.as_millis() as u64,
                    "repeated re-snapshots; slowing down"
                );
                if let Err(Stop::Shutdown) = self.wait(tokio::time::sleep(d)).await {
                    return;
                }
            }
            let step = match (&self.cursor, &self.mode) {
                _ if self.fill_due() => self.fill_deferred().await,
                (None, _) => self.snapshot().await,
                (Some(_), Mode::Feed) => self.follow().await,
                (Some(_), Mode::Poll { .. }) => self.poll().await,
            };
            match step {
                Ok(()) | Err(Stop::Refresh) => {}
                Err(Stop::Failed(e)) => {
                    if self.fail(e).await.is_err() {
                        return;
                    }
                }
                Err(Stop::Shutdown) => return,
            }
        }
    }

    /// Sends one message; Err when the app is gone.
    async fn send(&self, m: SyncMsg) -> Result<(), Stop> {
        self.seam.send(m).await.map_err(|_| Stop::Shutdown)
    }

    async fn observe(&self, sample: Option<ClockSample>) -> Result<(), Stop> {
        self.seam.observe(sample).await.map_err(|_| Stop::Shutdown)
    }

    /// Runs `fut` while serving commands and bid answers. A refresh request
    /// or shutdown cuts it short (dropping the request in flight).
    async fn wait<T>(&mut self, fut: impl Future<Output = T>) -> Result<T, Stop> {
        tokio::pin!(fut);
        loop {
            tokio::select! {
                r = &mut fut => return Ok(r),
                cmd = self.seam.cmds.recv(), if self.cmds_open => match cmd {
                    None => self.cmds_open = false,
                    Some(SyncCmd::RefreshNow) => {
                        tracing::info!("refresh requested");
                        self.cursor = None;
                        self.mode = Mode::Feed;
                        self.auction_due = Instant::now();
                        self.resnapshots = 0;
                        self.seam.refresh_rates();
                        return Err(Stop::Refresh);
                    }
                    Some(SyncCmd::SelectLot(id)) => self.select_lot(id),
                    Some(SyncCmd::JournalOpened(c)) => {
                        if let JournalPos::Awaiting(None) = self.journal {
                            self.journal = JournalPos::Awaiting(Some(c));
                            if self.deferred.is_some() {
                                // The journal waits for its gap: cut the
                                // long-poll short (nothing of it was used).
                                return Err(Stop::Refresh);
                            }
                        }
                    }
                },
                Some(ans) = self.bids_rx.recv() => self.on_bids(ans).await?,
                _ = self.seam.out.closed() => return Err(Stop::Shutdown),
            }
        }
    }

    /// Paces, then runs one request under `wait`.
    async fn request<T>(&mut self, fut: impl Future<Output = T>) -> Result<T, Stop> {
        let d = self.pacer.delay(Instant::now());
        if !d.is_zero() {
            self.wait(tokio::time::sleep(d)).await?;
        }
        self.wait(fut).await
    }

    /// Re-reads `/auction` (it has no events) when it is due.
    async fn auction_if_due(&mut self) -> Step {
        if Instant::now() < self.auction_due {
            return Ok(());
        }
        let c = self.client.clone();
        let f = self.request(async move { c.auction().await }).await??;
        self.observe(f.clock).await?;
        self.send(SyncMsg::Auction(f.value)).await?;
        self.auction_due = Instant::now() + self.cfg.auction_every;
        Ok(())
    }

    async fn snapshot(&mut self) -> Step {
        self.auction_if_due().await?;
        let c = self.client.clone();
        let f = self.request(async move { c.lots(None).await }).await??;
        self.observe(f.clock).await?;
        let Cached::Fresh(page) = f.value else {
            return Err(PlatformError::Decode("304 to an unconditional request".into()).into());
        };
        let seq = page.seq;
        let gap = self.journal_gap_before(seq).await?;
        if let Some(after) = gap {
            self.send(SyncMsg::Backfill(Backfill::Start { after, until: seq }))
                .await?;
        }
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
        // The selected lot's history may have moved while we were away.
        self.refresh_selected();
        match gap {
            Some(after) => self.catch_up(after, seq).await,
            None => Ok(()),
        }
    }

    /// The platform answered well: back to Live if we were not.
    async fn succeeded(&mut self) -> Result<(), Stop> {
        let reset = self.resnapshots == 0;
        self.seam.succeeded(reset).await.map_err(|_| Stop::Shutdown)
    }

    /// A failed step: report the link state, wait (backoff or the server's
    /// Retry-After, whichever is longer), and start over with a snapshot.
    async fn fail(&mut self, e: PlatformError) -> Result<(), Stop> {
        let delay = self.seam.failed(&e).await.map_err(|_| Stop::Shutdown)?;
        // Whatever the app holds may be behind now: a fresh snapshot on recovery.
        self.cursor = None;
        match self.wait(tokio::time::sleep(delay)).await {
            Ok(()) | Err(Stop::Refresh) => Ok(()),
            Err(stop) => Err(stop),
        }
    }
}
