//! End to end on loopback, in one process: the simulator, the real platform
//! client and sync engine, the app state and a 200x50 `TestBackend` frame.
//! Each event is timed from the instant the simulator publishes it (the
//! moment it wakes long-polls; see `RunningSim::published`) to the end of the
//! first frame whose state includes it. Reports p50, p99 and max for the
//! push feed (`/stream`), the long-poll feed and 1 s interval polling
//! (`/events` answering 404) side by side.
//!
//! The frame loop mirrors `monitor.rs`: apply a message, drain what else is
//! queued, respect the 10 ms render floor, draw. Nearly all events are bids
//! (the rest are the extensions and status changes that bids cause).
//!
//! A plain `main` (harness = false): what is measured is a distribution.
//! Run: `cargo bench --bench latency` (env SECS: seconds per mode, default 30;
//! LOTS and SPEED, default 300 and 60: `LOTS=10000 SPEED=600` is the heavy
//! feed of `scripts/measure.sh`'s scale scenario, ~190 events/s).

#![allow(clippy::unwrap_used)] // a test may stop at the first surprise

use lotwatch::app::{App, AppOptions, Msg};
use lotwatch::domain::clock::mono_now;
use lotwatch::platform::{Client, ClientConfig};
use lotwatch::sim::scenario::Scenario;
use lotwatch::sim::server::{SimOptions, start};
use lotwatch::sync::{self, SyncConfig};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::{Duration, Instant};

const FRAME_FLOOR: Duration = Duration::from_millis(10);

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

struct Result {
    mode: &'static str,
    delays: Vec<Duration>,
    frames: usize,
}

#[derive(Clone, Copy)]
enum Mode {
    Push,
    LongPoll,
    Polling,
}

/// One run: simulator (with the feed's forms the mode has), client, engine,
/// app, frames.
async fn run(mode: Mode, secs: u64, lots: usize, speed: f64) -> Result {
    let feed = !matches!(mode, Mode::Polling);
    let opts = SimOptions {
        // By default 300 lots opening together at 60x: a steady few bids per
        // second, with bursts when they open and close.
        scenario: Scenario::generated(lots, 11),
        speed,
        lead_ms: 300,
        feed,
        stream: matches!(mode, Mode::Push),
        ..SimOptions::demo()
    };
    let sim = start(opts).await.expect("the simulator starts");
    let mut published = sim.published();
    let client = Client::new(ClientConfig::new(sim.url())).expect("a client");
    let cfg = SyncConfig {
        poll: Duration::from_millis(1000),
        rates: None,
        ..SyncConfig::default()
    };
    let mut handle = sync::spawn(client, cfg);
    let mut app = App::new(AppOptions::default());
    app.update(Msg::Resize { w: 200, h: 50 }, mono_now());
    let mut term = Terminal::new(TestBackend::new(200, 50)).expect("a test terminal");
    let view = lotwatch::ui::View::default();

    let mut pubs: Vec<(u64, Instant)> = Vec::new();
    // (feed seq shown, when the frame was done)
    let mut frames: Vec<(u64, Instant)> = Vec::new();
    let mut last_draw: Option<Instant> = None;
    let end = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let mut dirty = false;
        tokio::select! {
            p = published.recv() => {
                if let Ok(p) = p { pubs.push(p) }
                continue;
            }
            m = handle.msgs.recv() => match m {
                Some(m) => dirty |= app.update(Msg::Sync(m), mono_now()).redraw,
                None => panic!("the sync engine stopped"),
            },
            _ = tokio::time::sleep_until(end) => break,
        }
        if let Some(t) = last_draw
            && t.elapsed() < FRAME_FLOOR
        {
            tokio::time::sleep(FRAME_FLOOR - t.elapsed()).await;
        }
        while let Ok(m) = handle.msgs.try_recv() {
            dirty |= app.update(Msg::Sync(m), mono_now()).redraw;
        }
        if dirty {
            let now = mono_now();
            term.draw(|f| lotwatch::ui::draw(f, &app, now, &view))
                .expect("draw");
            let done = Instant::now();
            last_draw = Some(done);
            frames.push((app.feed_seq(), done));
        }
    }
    while let Ok(p) = published.try_recv() {
        pubs.push(p);
    }
    handle.task.abort();
    sim.shutdown().await;

    // Only events published after the first frame with lots, and shown by a
    // later frame, count.
    let first = frames.iter().find(|(seq, _)| *seq > 0).map(|f| f.1);
    let mut delays = Vec::new();
    for (seq, at) in pubs {
        if first.is_none_or(|f| at < f) {
            continue;
        }
        if let Some((_, shown)) = frames.iter().find(|(s, t)| *s >= seq && *t >= at) {
            delays.push(shown.duration_since(at));
        }
    }
    delays.sort();
    Result {
        mode: match mode {
            Mode::Push => "push (SSE)",
            Mode::LongPoll => "long-poll",
            Mode::Polling => "1 s interval polling",
        },
        delays,
        frames: frames.len(),
    }
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs us without
    // it: then a short smoke run keeps the suite fast.
    let bench_mode = std::env::args().any(|a| a == "--bench");
    let secs = if bench_mode {
        std::env::var("SECS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(30)
    } else {
        3
    };
    let env = |k: &str| std::env::var(k).ok();
    let lots = env("LOTS").and_then(|v| v.parse().ok()).unwrap_or(300);
    let speed = env("SPEED").and_then(|v| v.parse().ok()).unwrap_or(60.0);
    lotwatch::platform::client::install_crypto_provider();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let results = rt.block_on(async {
        let a = run(Mode::Push, secs, lots, speed).await;
        let b = run(Mode::LongPoll, secs, lots, speed).await;
        let c = run(Mode::Polling, secs, lots, speed).await;
        [a, b, c]
    });
    println!(
        "event published by the simulator -> frame drawn (200x50, loopback), {lots} lots at {speed}x, {secs} s per mode:"
    );
    println!(
        "  {:<22} {:>7} {:>7} {:>9} {:>9} {:>9}",
        "mode", "events", "frames", "p50 ms", "p99 ms", "max ms"
    );
    for r in &results {
        println!(
            "  {:<22} {:>7} {:>7} {:>9.2} {:>9.2} {:>9.2}",
            r.mode,
            r.delays.len(),
            r.frames,
            ms(percentile(&r.delays, 0.50)),
            ms(percentile(&r.delays, 0.99)),
            ms(r.delays.last().copied().unwrap_or_default())
        );
        assert!(!r.delays.is_empty(), "{}: no event was timed", r.mode);
    }
}
