//! The simulator's HTTP server: the platform API (see docs/api.md) and the
//! National Bank feed around one engine. A driver task advances the engine
//! exactly when its next thing is due and wakes long-polls through a watch
//! channel; handlers only read. Every answer carries `Date`, every JSON body
//! `server_time`, every error the contract's JSON error body.

use super::api;
use super::engine::{DEFAULT_HISTORY, Engine};
use super::rates::RateBook;
use super::scenario::Scenario;
use crate::domain::Timestamp;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::{Notify, Semaphore, broadcast, watch};
use tokio::task::JoinHandle;

/// A speed at which a newcomer sees bids within seconds and closes and
/// extensions within a couple of minutes (a 30-minute lot lasts 1 minute).
const DEMO_SPEED: f64 = 30.0;
/// Longest `wait` a long-poll may ask for, seconds.
pub const MAX_WAIT_S: u64 = 30;
/// Most events one answer carries, and the default.
pub const MAX_LIMIT: usize = 1000;
pub const DEFAULT_LIMIT: usize = 500;
/// Longest request target and total header size accepted, bytes.
const MAX_URI: usize = 2048;
const MAX_HEADERS: usize = 16 * 1024;

/// How to run the simulator.
#[derive(Clone, Debug)]
pub struct SimOptions {
    pub scenario: Scenario,
    pub seed: u64,
    /// Compresses the day's schedule this many times (the clock stays real).
    pub speed: f64,
    /// Require `Authorization: Bearer <token>` on the API (not the NBK feed).
    pub token: Option<String>,
    /// Shifts the server clock (bodies and `Date`) by this many seconds.
    pub clock_offset_s: i64,
    pub addr: SocketAddr,
    /// One line per request on stderr (for `lotwatch serve`; the embedded
    /// demo must keep the terminal clean).
    pub log_requests: bool,
    /// Events kept for the feed.
    pub history: usize,
    /// Long-polls held at once; beyond it, 503 with Retry-After.
    pub max_long_polls: usize,
    /// Real milliseconds from start-up to the first lots opening.
    pub lead_ms: i64,
    /// Serve the change feed; without it `/events` answers 404 (a platform
    /// that clients must poll).
    pub feed: bool,
    /// Serve the push feed (`/stream`, Server-Sent Events) beside the
    /// long-poll; without it `/stream` answers 404 and clients long-poll.
    pub stream: bool,
    /// Silence after which the push feed sends a heartbeat.
    pub heartbeat: Duration,
    /// Keep a log of the requests served (`RunningSim::requests`), for tests
    /// that count what a client asked; at most `MAX_REQUEST_LOG` entries.
    pub record_requests: bool,
    /// Also serve the day as the sauda.e-qazyna.kz site's pages.
    pub site: Option<super::site::SiteSim>,
}

/// The push feed's heartbeat: at most this long without a message.
const DEFAULT_HEARTBEAT: Duration = Duration::from_secs(10);

/// Entries kept by the request log (the oldest go first).
const MAX_REQUEST_LOG: usize = 100_000;

/// One request the simulator served: its target (path and query, up to
/// 512 characters), status, and when it arrived (from the simulator's
/// start), so a test can read the client's pacing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedRequest {
    pub target: String,
    pub status: u16,
    pub at: std::time::Duration,
}

impl LoggedRequest {
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// The value of query parameter `name`, if present.
    pub fn param(&self, name: &str) -> Option<&str> {
        let query = self.target.split_once('?')?.1;
        query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
    }
}

impl SimOptions {
    /// The demo day on a free loopback port, quiet.
    pub fn demo() -> SimOptions {
        SimOptions {
            scenario: Scenario::june_2025(),
            seed: 2025,
            speed: DEMO_SPEED,
            token: None,
            clock_offset_s: 0,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            log_requests: false,
            history: DEFAULT_HISTORY,
            max_long_polls: 4096,
            lead_ms: 2000,
            feed: true,
            stream: true,
            heartbeat: DEFAULT_HEARTBEAT,
            record_requests: false,
            site: None,
        }
    }
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions::demo()
    }
}

pub(crate) struct Shared {
    pub(crate) engine: Mutex<Engine>,
    pub(crate) seq_tx: watch::Sender<u64>,
    pub(crate) shutdown_rx: watch::Receiver<bool>,
    pub(crate) wake: Notify,
    pub(crate) offset_ms: i64,
    pub(crate) token: Option<String>,
    pub(crate) long_polls: Arc<Semaphore>,
    pub(crate) max_long_polls: usize,
    pub(crate) log_requests: bool,
    /// Distinguishes this run's ETags from another run's at the same seq.
    pub(crate) run_id: u64,
    pub(crate) rates: RateBook,
    /// Each new last seq with the instant it was published (see
    /// `RunningSim::published`); sending costs nothing without receivers.
    pub(crate) published: broadcast::Sender<(u64, Instant)>,
    pub(crate) feed: bool,
    pub(crate) stream: bool,
    pub(crate) heartbeat: Duration,
    pub(crate) request_log: Option<Mutex<std::collections::VecDeque<LoggedRequest>>>,
    pub(crate) site: Option<super::site::SiteSim>,
    pub(crate) started: Instant,
}

impl Shared {
    pub(crate) fn now(&self) -> Timestamp {
        server_now(self.offset_ms)
    }

    pub(crate) fn engine(&self) -> MutexGuard<'_, Engine> {
        // The engine holds no invariant a panicking reader could break.
        self.engine.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn server_now(offset_ms: i64) -> Timestamp {
    let wall = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    Timestamp(wall.saturating_add(offset_ms))
}

/// A simulator that is serving.
pub struct RunningSim {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown_tx: watch::Sender<bool>,
    server: Option<JoinHandle<()>>,
    driver: Option<JoinHandle<()>>,
}

impl RunningSim {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL, e.g. `http://127.0.0.1:8080`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Posts a platform-wide notice now (tests and benchmarks use it to make
    /// an event happen at a known instant). Returns its seq.
    pub fn post_notice(&self, message: &str) -> u64 {
        let now = self.shared.now();
        let seq = {
            let mut e = self.shared.engine();
            e.advance_to(now);
            e.post_notice(message)
        };
        self.shared.seq_tx.send_replace(seq);
        let _ = self.shared.published.send((seq, Instant::now()));
        self.shared.wake.notify_one();
        seq
    }

    /// Every new last seq with the instant the simulator published it (the
    /// moment long-polls are woken): the end-to-end latency harness times
    /// bids from here to the frame that shows them. A slow receiver lags.
    pub fn published(&self) -> broadcast::Receiver<(u64, Instant)> {
        self.shared.published.subscribe()
    }

    /// The highest seq so far.
    pub fn last_seq(&self) -> u64 {
        self.shared.engine().last_seq()
    }

    /// Long-polls being held right now.
    pub fn held_long_polls(&self) -> usize {
        self.shared.max_long_polls - self.shared.long_polls.available_permits()
    }

    /// Stops accepting, answers held long-polls, waits for the tasks.
    /// The requests served so far, oldest first (empty unless
    /// `SimOptions::record_requests`).
    pub fn requests(&self) -> Vec<LoggedRequest> {
        match &self.shared.request_log {
            Some(log) => log
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .iter()
                .cloned()
                .collect(),
            None => Vec::new(),
        }
    }

    pub async fn shutdown(mut self) {
        let _ = self.shutdown_tx.send(true);
        if let Some(s) = self.server.take() {
            let _ = s.await;
        }
        if let Some(d) = self.driver.take() {
            let _ = d.await;
        }
    }
}

impl Drop for RunningSim {
    fn drop(&mut self) {
        let _ = self.shutdown_tx.send(true);
    }
}

/// Binds, starts the engine and serves until `shutdown`.
pub async fn start(opts: SimOptions) -> anyhow::Result<RunningSim> {
    if !(opts.speed.is_finite() && opts.speed > 0.0 && opts.speed <= 1e6) {
        anyhow::bail!(
            "speed must be above 0 and at most 1000000, not {}",
            opts.speed
        );
    }
    let offset_ms = opts.clock_offset_s.saturating_mul(1000);
    let now = server_now(offset_ms);
    let first_open_ms =
        (f64::from(opts.scenario.first_open_s()) * 1000.0 / opts.speed).round() as i64;
    let day_start = now.plus_millis(opts.lead_ms.max(0) - first_open_ms);
    let engine = Engine::new(&opts.scenario, opts.seed, day_start, opts.speed)
        .with_history_cap(opts.history);
    let listener = tokio::net::TcpListener::bind(opts.addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", opts.addr))?;
    let addr = listener.local_addr()?;
    let (seq_tx, _) = watch::channel(0u64);
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let shared = Arc::new(Shared {
        engine: Mutex::new(engine),
        seq_tx,
        shutdown_rx: shutdown_rx.clone(),
        wake: Notify::new(),
        offset_ms,
        token: opts.token.filter(|t| !t.is_empty()),
        long_polls: Arc::new(Semaphore::new(opts.max_long_polls.max(1))),
        max_long_polls: opts.max_long_polls.max(1),
        log_requests: opts.log_requests,
        run_id: fastrand::u64(..) & 0xffff_ffff,
        rates: RateBook::embedded(),
        published: broadcast::channel(1024).0,
        feed: opts.feed,
        stream: opts.feed && opts.stream,
        heartbeat: opts.heartbeat.max(Duration::from_millis(10)),
        request_log: opts
            .record_requests
            .then(|| Mutex::new(std::collections::VecDeque::new())),
        site: opts.site.clone(),
        started: Instant::now(),
    });
    let driver = tokio::spawn(drive(shared.clone(), shutdown_rx.clone()));
    let app = router(shared.clone());
    let mut stop = shutdown_rx;
    let server = tokio::spawn(async move {
        let signal = async move {
            let _ = stop.wait_for(|s| *s).await;
        };
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(signal)
            .await
        {
            tracing::error!("simulator server failed: {e}");
        }
    });
    tracing::info!(%addr, "simulator serving");
    Ok(RunningSim {
        addr,
        shared,
        shutdown_tx,
        server: Some(server),
        driver: Some(driver),
    })
}

/// Advances the engine when its next thing is due and publishes the seq.
async fn drive(shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    loop {
        let now = shared.now();
        let (last, due) = {
            let mut e = shared.engine();
            e.advance_to(now);
            (e.last_seq(), e.next_due())
        };
        let changed = shared.seq_tx.send_if_modified(|v| {
            let changed = *v != last;
            *v = last;
            changed
        });
        if changed {
            let _ = shared.published.send((last, Instant::now()));
        }
        let sleep_ms = due.map_or(60_000, |d| now.until(d).clamp(1, 60_000));
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(sleep_ms as u64)) => {}
            _ = shared.wake.notified() => {}
            _ = stop.wait_for(|s| *s) => return,
        }
    }
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/api/v1/auction", get(api::auction))
        .route("/api/v1/lots", get(api::lots))
        .route("/api/v1/lots/{id}", get(api::lot))
        .route("/api/v1/lots/{id}/bids", get(api::bids))
        .route("/api/v1/events", get(api::events))
        .route("/api/v1/stream", get(api::stream))
        .route("/api/v1/rates", get(api::rates))
        .route("/nbk/rss/get_rates.cfm", get(api::nbk_rates))
        .route("/{lang}/list", get(super::site::list))
        .route("/{lang}/list/{id}", get(super::site::lot))
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(middleware::from_fn_with_state(shared.clone(), frame))
        .with_state(shared)
}

// ---- the frame around every request: size caps, auth, Date, log ----

async fn frame(State(s): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let target: String = req.uri().to_string().chars().take(512).collect();
    let headers_len: usize = req
        .headers()
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len())
        .sum();
    let has_body = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .is_some_and(|v| v.as_bytes() != b"0")
        || req.headers().contains_key(header::TRANSFER_ENCODING);
    let mut resp = if req.uri().to_string().len() > MAX_URI || headers_len > MAX_HEADERS {
        api::error(
            &s,
            StatusCode::BAD_REQUEST,
            "bad_request",
            "the request is too large",
        )
    } else if has_body {
        api::error(
            &s,
            StatusCode::BAD_REQUEST,
            "bad_request",
            "requests to this API have no body",
        )
    } else if req.uri().path().starts_with("/api/") && !authorized(&s, req.headers()) {
        let mut r = api::error(
            &s,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a bearer token is required",
        );
        r.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        r
    } else {
        next.run(req).await
    };
    if let Ok(v) = HeaderValue::from_str(&http_date(s.now())) {
        resp.headers_mut().insert(header::DATE, v);
    }
    if let Some(log) = &s.request_log {
        let mut log = log.lock().unwrap_or_else(|e| e.into_inner());
        if log.len() >= MAX_REQUEST_LOG {
            log.pop_front();
        }
        log.push_back(LoggedRequest {
            target: target.clone(),
            status: resp.status().as_u16(),
            at: started.saturating_duration_since(s.started),
        });
    }
    if s.log_requests {
        // Body bytes (0 for 304), so a platform's load per monitor can be counted.
        let bytes = axum::body::HttpBody::size_hint(resp.body())
            .exact()
            .unwrap_or(0);
        eprintln!(
            "{} {method} {} {} {}ms {bytes}B",
            s.now(),
            crate::platform::sanitize::clean(&target, 200),
            resp.status().as_u16(),
            started.elapsed().as_millis()
        );
    }
    resp
}

fn authorized(s: &Shared, headers: &HeaderMap) -> bool {
    let Some(token) = &s.token else { return true };
    let Some(got) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let Some(got) = got.strip_prefix("Bearer ") else {
        return false;
    };
    // Compare in time independent of where the first difference is.
    got.len() == token.len()
        && got
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// RFC 9110 IMF-fixdate: `Tue, 24 Jun 2025 05:00:00 GMT`.
pub fn http_date(t: Timestamp) -> String {
    match jiff::Timestamp::from_millisecond(t.0) {
        Ok(ts) => ts.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string(),
        Err(_) => "Thu, 01 Jan 1970 00:00:00 GMT".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates() {
        let t = Timestamp::parse("2025-06-24T05:00:00.999Z").expect("test input is valid");
        assert_eq!(http_date(t), "Tue, 24 Jun 2025 05:00:00 GMT");
    }
}
