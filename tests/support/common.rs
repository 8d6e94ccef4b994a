//! Helpers shared by the client, sync and fault-injection tests: contract
//! JSON builders, fast engine settings, a message collector, a request
//! recorder and a TCP proxy that can reset or cut connections.

#![allow(dead_code)]

use lotwatch::domain::Timestamp;
use lotwatch::platform::{Client, ClientConfig};
use lotwatch::sync::{LinkState, SyncConfig, SyncHandle, SyncMsg};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const T0: &str = "2025-06-24T05:10:00.000Z";

pub fn lot_json(id: &str, high: Option<&str>) -> Value {
    json!({
        "id": id, "number": id, "name": format!("Lot {id}"), "region": "Aktobe",
        "minerals": ["gold"],
        "license": {"kind": "production", "term_years": 25, "area_km2": "0.66", "blocks": null},
        "reserves": "Au 4.2 t",
        "starting_bonus": "36920000.00", "min_increment": "1846000.00",
        "guarantee": "36920000.00", "participation_fee": "369200.00",
        "min_participants": 2, "participants": 4, "status": "open",
        "opens_at": "2025-06-24T05:00:00.000Z", "closes_at": "2025-06-24T05:30:00.000Z",
        "soft_close": {"window_s": 300, "extend_s": 300, "max_extensions": null},
        "extensions": 0,
        "high_bid": high.map(|a| json!({"amount": a, "bidder": "P-07", "at": "2025-06-24T05:09:41.530Z", "seq": 1})),
        "bid_count": if high.is_some() { 1 } else { 0 },
        "result": null
    })
}

pub fn lots_body(seq: u64, ids: &[&str]) -> Value {
    json!({"server_time": T0, "seq": seq, "lots": ids.iter().map(|i| lot_json(i, Some("40000000.00"))).collect::<Vec<_>>()})
}

pub fn auction_body() -> Value {
    json!({"server_time": T0, "id": "kz-2025-06", "title": "Auction June 2025", "venue": "Platform",
           "timezone": "Asia/Almaty", "currency": "KZT", "starts_at": "2025-06-24T05:00:00.000Z",
           "ends_at": "2025-06-24T12:00:00.000Z", "status": "running"})
}

pub fn bid_event(seq: u64, lot: &str, amount: &str) -> Value {
    json!({"seq": seq, "at": T0, "type": "bid", "lot_id": lot, "amount": amount, "bidder": "P-02",
           "closes_at": "2025-06-24T05:35:00.000Z"})
}

pub fn events_body(last_seq: u64, events: Vec<Value>) -> Value {
    json!({"server_time": T0, "last_seq": last_seq, "events": events})
}

/// Client settings with short timeouts.
pub fn fast_client(url: &str) -> Client {
    fast_client_within(url, Duration::from_secs(2))
}

/// `fast_client` whose requests may take `request_timeout` (one that reads
/// many megabytes, on a busy machine).
pub fn fast_client_within(url: &str, request_timeout: Duration) -> Client {
    let mut cfg = ClientConfig::new(url);
    cfg.connect_timeout = Duration::from_secs(1);
    cfg.request_timeout = request_timeout;
    cfg.long_poll_margin = Duration::from_secs(2);
    Client::new(cfg).expect("test client config is valid")
}

/// Engine settings that fail and recover quickly; the rate bound is the real one.
pub fn fast_sync() -> SyncConfig {
    SyncConfig {
        poll: Duration::from_millis(250),
        wait_s: 1,
        backoff_base: Duration::from_millis(100),
        backoff_cap: Duration::from_millis(800),
        backoff_floor: Duration::from_millis(50),
        offline_after_attempts: 3,
        offline_after: Duration::from_secs(10),
        rates: None,
        ..SyncConfig::default()
    }
}

/// A platform that answers well: auction, lots at `seq`, an empty feed page
/// after a short hold (a long-poll that times out).
pub async fn mount_healthy(server: &MockServer, seq: u64, ids: &[&str]) {
    Mock::given(method("GET"))
        .and(path("/api/v1/auction"))
        .respond_with(ResponseTemplate::new(200).set_body_json(auction_body()))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/lots"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(lots_body(seq, ids))
                .insert_header("ETag", "\"v1\""),
        )
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/events"))
        .respond_with(EmptyFeed)
        .mount(server)
        .await;
}

/// The `after` of a feed request (0 when absent or not a number).
pub fn after_param(r: &Request) -> u64 {
    r.url
        .query_pairs()
        .find(|(k, _)| k == "after")
        .and_then(|(_, v)| v.parse::<u64>().ok())
        .unwrap_or(0)
}

/// A feed with nothing new: answers `after=N` with no events and
/// `last_seq` N after holding the request a little, like a long-poll.
pub struct EmptyFeed;

impl Respond for EmptyFeed {
    fn respond(&self, r: &Request) -> ResponseTemplate {
        let after = after_param(r);
        ResponseTemplate::new(200)
            .set_body_json(events_body(after, vec![]))
            .set_delay(Duration::from_millis(300))
    }
}

/// Everything the engine said, as it said it.
pub struct Collector {
    pub handle: SyncHandle,
    pub seen: Vec<SyncMsg>,
}

impl Collector {
    pub fn new(handle: SyncHandle) -> Collector {
        Collector {
            handle,
            seen: Vec::new(),
        }
    }

    /// Reads messages until `pred` holds for one (returned) or `within` runs out.
    pub async fn until(
        &mut self,
        within: Duration,
        pred: impl Fn(&SyncMsg) -> bool,
    ) -> Option<SyncMsg> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match tokio::time::timeout_at(deadline, self.handle.msgs.recv()).await {
                Ok(Some(m)) => {
                    self.seen.push(m.clone());
                    if pred(&m) {
                        return Some(m);
                    }
                }
                Ok(None) | Err(_) => return None,
            }
        }
    }

    /// Reads everything that arrives for `d`.
    pub async fn drain_for(&mut self, d: Duration) -> Vec<SyncMsg> {
        let start = self.seen.len();
        let _ = self.until(d, |_| false).await;
        self.seen[start..].to_vec()
    }

    pub async fn live(&mut self, within: Duration) -> bool {
        self.until(within, |m| matches!(m, SyncMsg::Link(LinkState::Live)))
            .await
            .is_some()
    }

    pub async fn snapshot(&mut self, within: Duration) -> Option<(u64, usize)> {
        match self
            .until(within, |m| matches!(m, SyncMsg::Snapshot { .. }))
            .await
        {
            Some(SyncMsg::Snapshot { seq, lots, .. }) => Some((seq, lots.len())),
            _ => None,
        }
    }
}

pub fn is_snapshot(m: &SyncMsg) -> bool {
    matches!(m, SyncMsg::Snapshot { .. })
}

pub fn is_data(m: &SyncMsg) -> bool {
    matches!(
        m,
        SyncMsg::Snapshot { .. } | SyncMsg::Events(_) | SyncMsg::Bids { .. }
    )
}

pub fn is_offline(m: &SyncMsg) -> bool {
    matches!(m, SyncMsg::Link(LinkState::Offline { .. }))
}

/// Requests the server received on `path` (all paths if None).
pub async fn count(server: &MockServer, p: Option<&str>) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| p.is_none_or(|p| r.url.path() == p))
        .count()
}

/// Answers with a fixed template and records when each request came.
#[derive(Clone)]
pub struct Recorder {
    pub template: ResponseTemplate,
    pub times: Arc<Mutex<Vec<Instant>>>,
}

impl Recorder {
    pub fn new(template: ResponseTemplate) -> Recorder {
        Recorder {
            template,
            times: Arc::new(Mutex::new(Vec::new())),
        }
    }

    pub fn times(&self) -> Vec<Instant> {
        self.times.lock().expect("recorder lock").clone()
    }
}

impl Respond for Recorder {
    fn respond(&self, _r: &Request) -> ResponseTemplate {
        self.times
            .lock()
            .expect("recorder lock")
            .push(Instant::now());
        self.template.clone()
    }
}

/// The `Date` header form of a timestamp.
pub fn http_date(t: Timestamp) -> String {
    let ts = jiff::Timestamp::from_millisecond(t.0).expect("valid test time");
    jiff::fmt::rfc2822::DateTimePrinter::new()
        .timestamp_to_rfc9110_string(&ts)
        .expect("printable test time")
}

pub fn now_wall() -> Timestamp {
    lotwatch::domain::clock::wall_now()
}

/// What the fault proxy does with connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ProxyMode {
    /// Forward both ways.
    Pass = 0,
    /// Accept and reset at once.
    Reset = 1,
    /// Forward the request, then send back only the first bytes of the answer.
    CutShort = 2,
}

/// A TCP proxy in front of a server, whose mode tests switch. Switching
/// closes the connections already open so that pooled ones see the fault.
pub struct FaultProxy {
    pub url: String,
    mode: Arc<AtomicU8>,
    generation: tokio::sync::watch::Sender<u64>,
}

impl FaultProxy {
    pub async fn start(upstream: std::net::SocketAddr) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let url = format!("http://{}", listener.local_addr().expect("proxy addr"));
        let mode = Arc::new(AtomicU8::new(ProxyMode::Pass as u8));
        let (generation, gen_rx) = tokio::sync::watch::channel(0u64);
        let m = mode.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let mode = m.load(Ordering::SeqCst);
                let mut gen_rx = gen_rx.clone();
                gen_rx.mark_unchanged();
                tokio::spawn(async move {
                    if mode == ProxyMode::Reset as u8 {
                        reset(&client);
                        drop(client);
                        return;
                    }
                    let Ok(up) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    if mode == ProxyMode::CutShort as u8 {
                        cut_short(client, up).await;
                        return;
                    }
                    let (mut c, mut u) = (client, up);
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut c, &mut u) => {}
                        _ = gen_rx.changed() => {
                            reset(&c);
                        }
                    }
                });
            }
        });
        FaultProxy {
            url,
            mode,
            generation,
        }
    }

    pub fn set(&self, mode: ProxyMode) {
        self.mode.store(mode as u8, Ordering::SeqCst);
        self.generation.send_modify(|g| *g += 1);
    }
}

/// Forwards one request, then relays only the head and 40 bytes of the body
/// of the answer before closing: a body cut short.
async fn cut_short(mut client: TcpStream, mut up: TcpStream) {
    use tokio::io::AsyncReadExt;
    let mut buf = vec![0u8; 64 * 1024];
    let Ok(n) = client.read(&mut buf).await else {
        return;
    };
    if up.write_all(&buf[..n]).await.is_err() {
        return;
    }
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_millis(500), async {
        loop {
            match up.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(k) => {
                    answer.extend_from_slice(&buf[..k]);
                    if let Some(p) = find(&answer, b"\r\n\r\n")
                        && answer.len() >= p + 4 + 40
                    {
                        break;
                    }
                }
            }
        }
    })
    .await;
    let keep = find(&answer, b"\r\n\r\n")
        .map(|p| (p + 4 + 40).min(answer.len()))
        .unwrap_or(answer.len());
    let _ = client.write_all(&answer[..keep]).await;
    let _ = client.shutdown().await;
}

fn find(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).position(|w| w == n)
}

/// Makes the close of `s` a reset (RST) rather than an orderly FIN.
#[allow(deprecated)] // SO_LINGER 0 is the point here: the drop does not block.
fn reset(s: &TcpStream) {
    let _ = s.set_linger(Some(Duration::ZERO));
}
