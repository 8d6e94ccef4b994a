//! The one seam every source plugs into (`Source`: the platform's API engine,
//! the web-site poller), and what lives once around it (`Seam`): the
//! messages out and the commands in, the server-clock estimate every answer
//! feeds, the rates refresher, and the link (`Link`: failures in a row,
//! backoff, Retrying then Offline, and since when). A source only reads its
//! platform and says what it read, or why it could not.

use super::backoff::Backoff;
use super::{LinkState, SyncCmd, SyncHandle, SyncMsg};
use crate::domain::Timestamp;
use crate::domain::clock::{ClockSample, ServerClock, mono_now, wall_now};
use crate::platform::Client;
use crate::platform::error::PlatformError;
use crate::rates::RatesConfig;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, mpsc};
use tokio::time::Instant;

/// A source of lots: it runs until the app is gone, and reports everything
/// through the seam.
pub trait Source: Send + 'static {
    fn run(self, seam: Seam) -> impl Future<Output = ()> + Send;
}

/// When a failing link is called Offline, and how long to wait between
/// attempts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkPolicy {
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// No retry comes sooner than this.
    pub backoff_floor: Duration,
    /// Retrying becomes Offline after this many failures in a row...
    pub offline_after_attempts: u32,
    /// ...or after failing for this long.
    pub offline_after: Duration,
}

/// The link to a source: its state, and the failures that make it.
#[derive(Debug)]
pub struct Link {
    /// What is read, for the log: "platform request", "site read".
    what: &'static str,
    policy: LinkPolicy,
    state: LinkState,
    failures: u32,
    /// The first failure of the run of failures under way (monotonic, and
    /// the server's time): what `Offline { since }` says.
    failing_since: Option<(Instant, Timestamp)>,
    pub backoff: Backoff,
}

impl Link {
    pub fn new(policy: LinkPolicy, what: &'static str) -> Link {
        Link {
            what,
            backoff: Backoff::new(
                policy.backoff_base,
                policy.backoff_cap,
                policy.backoff_floor,
            ),
            policy,
            state: LinkState::Connecting,
            failures: 0,
            failing_since: None,
        }
    }

    pub fn state(&self) -> &LinkState {
        &self.state
    }

    /// A good answer: the new state when it was not Live. `reset_backoff`
    /// false keeps the backoff growing (a source that keeps contradicting
    /// itself while answering).
    pub fn succeeded(&mut self, reset_backoff: bool) -> Option<LinkState> {
        if reset_backoff {
            self.backoff.reset();
        }
        self.failures = 0;
        self.failing_since = None;
        if self.state == LinkState::Live {
            return None;
        }
        self.state = LinkState::Live;
        Some(LinkState::Live)
    }

    /// A failure at `now` (monotonic, server time): the new state, and how
    /// long to wait (the backoff, or the server's Retry-After if longer).
    /// Offline's `since` is the first failure of the run, not this one.
    pub fn failed(
        &mut self,
        e: &PlatformError,
        now: (Instant, Timestamp),
    ) -> (LinkState, Duration) {
        self.failures = self.failures.saturating_add(1);
        let (since_mono, since) = *self.failing_since.get_or_insert(now);
        let delay = self
            .backoff
            .next_delay()
            .max(e.retry_after().unwrap_or(Duration::ZERO));
        let cause = e.link_cause(delay);
        tracing::warn!(attempt = self.failures, error = %e, "{} failed: {cause}", self.what);
        let offline = self.failures >= self.policy.offline_after_attempts
            || now.0.saturating_duration_since(since_mono) >= self.policy.offline_after;
        self.state = if offline {
            LinkState::Offline { since, cause }
        } else {
            LinkState::Retrying {
                attempt: self.failures,
                cause,
            }
        };
        (self.state.clone(), delay)
    }
}

/// What a source has of the engine around it.
pub struct Seam {
    pub(crate) out: mpsc::Sender<SyncMsg>,
    pub(crate) cmds: mpsc::Receiver<SyncCmd>,
    clock: Arc<Mutex<ServerClock>>,
    /// Wakes the rates refresher (Ctrl-R).
    rates_now: Arc<Notify>,
    pub link: Link,
}

/// The app is gone.
#[derive(Debug)]
pub struct Closed;

impl Seam {
    /// Sends one message; Err when the app is gone.
    pub async fn send(&self, m: SyncMsg) -> Result<(), Closed> {
        self.out.send(m).await.map_err(|_| Closed)
    }

    /// The server's time as estimated from the answers so far, if any.
    pub fn clock_now(&self) -> Option<Timestamp> {
        self.clock
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .now(mono_now())
    }

    /// The server's time, else this machine's.
    pub fn server_now(&self) -> Timestamp {
        self.clock_now().unwrap_or_else(wall_now)
    }

    /// One answer's clock sample into the estimate, and to the app.
    pub async fn observe(&self, sample: Option<ClockSample>) -> Result<(), Closed> {
        if let Some(s) = sample {
            self.clock
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .observe(s);
            self.send(SyncMsg::Clock(s)).await?;
        }
        Ok(())
    }

    /// One answer's clock sample into the estimate, and to the app if it
    /// has room (never waits).
    pub fn note_clock(&self, s: ClockSample) {
        self.clock
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .observe(s);
        let _ = self.out.try_send(SyncMsg::Clock(s));
    }

    /// A seam to nothing, for a one-off read (`snapshot`): what it would
    /// send goes nowhere.
    pub fn detached() -> Seam {
        let (out, _) = mpsc::channel(1);
        let (_, cmds) = mpsc::channel(1);
        Seam {
            out,
            cmds,
            clock: Arc::new(Mutex::new(ServerClock::new())),
            rates_now: Arc::new(Notify::new()),
            link: Link::new(
                LinkPolicy {
                    backoff_base: Duration::ZERO,
                    backoff_cap: Duration::ZERO,
                    backoff_floor: Duration::ZERO,
                    offline_after_attempts: 1,
                    offline_after: Duration::ZERO,
                },
                "read",
            ),
        }
    }

    /// The source answered well: Live, said once.
    pub async fn succeeded(&mut self, reset_backoff: bool) -> Result<(), Closed> {
        match self.link.succeeded(reset_backoff) {
            Some(s) => self.send(SyncMsg::Link(s)).await,
            None => Ok(()),
        }
    }

    /// The source failed: the link's new state, said; the wait before the
    /// next attempt.
    pub async fn failed(&mut self, e: &PlatformError) -> Result<Duration, Closed> {
        let (state, delay) = self.link.failed(e, (Instant::now(), self.server_now()));
        self.send(SyncMsg::Link(state)).await?;
        Ok(delay)
    }

    /// Re-reads the rates now (the user asked for everything afresh).
    pub fn refresh_rates(&self) {
        self.rates_now.notify_one();
    }
}

/// What every source is started with.
#[derive(Clone, Debug)]
pub struct SeamConfig {
    /// Messages the app has not read yet, at most.
    pub channel_size: usize,
    /// None: no rates at all (tests of the feed alone).
    pub rates: Option<RatesConfig>,
    pub link: LinkPolicy,
    /// What the source reads, for the log ("platform request").
    pub what: &'static str,
}

/// Starts `source` (and the rates refresher, over `client`) on the current
/// runtime. Both stop when the handle's `msgs` is dropped.
pub fn spawn<S: Source>(source: S, client: &Client, cfg: SeamConfig) -> SyncHandle {
    let (out_tx, out_rx) = mpsc::channel(cfg.channel_size.max(8));
    let (cmd_tx, cmd_rx) = mpsc::channel(32);
    let clock = Arc::new(Mutex::new(ServerClock::new()));
    let rates_now = Arc::new(Notify::new());
    if let Some(rc) = cfg.rates {
        tokio::spawn(crate::sync::rates::run(
            client.clone(),
            rc,
            clock.clone(),
            out_tx.clone(),
            rates_now.clone(),
        ));
    }
    let seam = Seam {
        out: out_tx,
        cmds: cmd_rx,
        clock,
        rates_now,
        link: Link::new(cfg.link, cfg.what),
    };
    let task = tokio::spawn(source.run(seam));
    SyncHandle {
        msgs: out_rx,
        cmds: cmd_tx,
        task,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> LinkPolicy {
        LinkPolicy {
            backoff_base: Duration::from_millis(10),
            backoff_cap: Duration::from_millis(20),
            backoff_floor: Duration::ZERO,
            offline_after_attempts: 3,
            offline_after: Duration::from_secs(3600),
        }
    }

    #[test]
    fn offline_since_is_when_the_link_went_down_not_the_last_retry() {
        let mut link = Link::new(policy(), "test read");
        let t0 = Instant::now();
        let e = PlatformError::Connect("refused".into());
        let mut sinces = Vec::new();
        for i in 0..6u64 {
            let at = (
                t0 + Duration::from_secs(6 * i),
                Timestamp(1_000_000 + 6_000 * i as i64),
            );
            let (state, _) = link.failed(&e, at);
            match state {
                LinkState::Retrying { attempt, .. } => assert!(i < 2 && attempt == i as u32 + 1),
                LinkState::Offline { since, .. } => sinces.push(since),
                s => panic!("{s:?}"),
            }
        }
        assert_eq!(sinces, vec![Timestamp(1_000_000); 4]);
        // Back up, then down again: a new `since`.
        assert_eq!(link.succeeded(true), Some(LinkState::Live));
        assert_eq!(link.succeeded(true), None);
        for i in 0..3 {
            let at = (
                t0 + Duration::from_secs(100 + i),
                Timestamp(2_000_000 + i as i64),
            );
            link.failed(&e, at);
        }
        assert!(
            matches!(link.state(), LinkState::Offline { since, .. } if *since == Timestamp(2_000_000))
        );
    }

    #[test]
    fn failing_long_enough_is_offline_whatever_the_count() {
        let mut link = Link::new(
            LinkPolicy {
                offline_after: Duration::from_secs(10),
                ..policy()
            },
            "test read",
        );
        let t0 = Instant::now();
        let e = PlatformError::Connect("refused".into());
        assert!(matches!(
            link.failed(&e, (t0, Timestamp(0))).0,
            LinkState::Retrying { .. }
        ));
        let (s, _) = link.failed(&e, (t0 + Duration::from_secs(11), Timestamp(11_000)));
        assert!(matches!(s, LinkState::Offline { since, .. } if since == Timestamp(0)));
    }
}
