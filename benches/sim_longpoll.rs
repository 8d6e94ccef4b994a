//! The simulator's server under 1 000 concurrent long-polling clients on
//! loopback: the delay from an event to each client's answer (p50, p99,
//! max), and how many `/lots` 304 answers per second it gives.
//!
//! A plain `main` (harness = false) rather than divan: what is measured is a
//! latency distribution across many clients, not a function's run time.
//! Run: `cargo bench --bench sim_longpoll` (env CLIENTS, ROUNDS to change).

#![allow(clippy::unwrap_used)] // a test may stop at the first surprise

use lotwatch::sim::server::{SimOptions, start};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

fn raise_fd_limit(want: u64) {
    // SAFETY: getrlimit/setrlimit only read and write the struct passed in.
    #[allow(unsafe_code)]
    unsafe {
        let mut rl = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut rl) == 0 && rl.rlim_cur < want as libc::rlim_t
        {
            rl.rlim_cur = (want as libc::rlim_t).min(rl.rlim_max);
            if libc::setrlimit(libc::RLIMIT_NOFILE, &rl) != 0 {
                eprintln!("could not raise the open-files limit; {} may fail", want);
            }
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs us with no
    // such flag: then do a tiny smoke run so the suite stays fast.
    let bench_mode = std::env::args().any(|a| a == "--bench");
    let clients = if bench_mode {
        env_usize("CLIENTS", 1000)
    } else {
        20
    };
    let rounds = if bench_mode {
        env_usize("ROUNDS", 5)
    } else {
        1
    };
    let secs_304 = if bench_mode { 3 } else { 1 };
    raise_fd_limit(clients as u64 * 2 + 512);
    let _ = rustls::crypto::ring::default_provider().install_default();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    rt.block_on(async move {
        let opts = SimOptions {
            lead_ms: 3_600_000,
            max_long_polls: clients + 100,
            ..SimOptions::demo()
        };
        let sim = Arc::new(start(opts).await.expect("the simulator starts"));
        let base = sim.url();
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(clients + 100)
            .timeout(Duration::from_secs(60))
            .build()
            .expect("a client");

        let mut delays: Vec<Duration> = Vec::with_capacity(clients * rounds);
        for round in 0..rounds {
            let after = sim.last_seq();
            let tasks: Vec<_> = (0..clients)
                .map(|_| {
                    let c = client.clone();
                    let url = format!("{base}/api/v1/events?after={after}&wait=30");
                    tokio::spawn(async move {
                        let r = c.get(url).send().await.expect("long-poll sent");
                        assert!(r.status().is_success(), "status {}", r.status());
                        let body = r.bytes().await.expect("long-poll body");
                        (Instant::now(), body.len())
                    })
                })
                .collect();
            let wait_start = Instant::now();
            while sim.held_long_polls() < clients {
                assert!(
                    wait_start.elapsed() < Duration::from_secs(60),
                    "clients did not all connect"
                );
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            let t0 = Instant::now();
            sim.post_notice(&format!("bench round {round}"));
            for t in tasks {
                let (done, len) = t.await.expect("client task");
                assert!(len > 0);
                delays.push(done.duration_since(t0));
            }
        }
        delays.sort();
        println!(
            "long-poll wake-up, {clients} concurrent clients x {rounds} rounds ({} answers):",
            delays.len()
        );
        println!(
            "  event -> answer  p50 {:.2} ms   p99 {:.2} ms   max {:.2} ms",
            percentile(&delays, 0.50).as_secs_f64() * 1000.0,
            percentile(&delays, 0.99).as_secs_f64() * 1000.0,
            delays.last().copied().unwrap_or_default().as_secs_f64() * 1000.0
        );

        // `/lots` revalidation: 64 workers with If-None-Match.
        let url = format!("{base}/api/v1/lots");
        let etag = client
            .get(&url)
            .send()
            .await
            .expect("lots")
            .headers()
            .get("etag")
            .expect("an ETag")
            .clone();
        let count = Arc::new(AtomicU64::new(0));
        let stop_at = Instant::now() + Duration::from_secs(secs_304);
        let workers: Vec<_> = (0..64)
            .map(|_| {
                let (c, url, etag, count) =
                    (client.clone(), url.clone(), etag.clone(), count.clone());
                tokio::spawn(async move {
                    while Instant::now() < stop_at {
                        let r = c
                            .get(&url)
                            .header("if-none-match", etag.clone())
                            .send()
                            .await
                            .expect("304 request");
                        assert_eq!(r.status(), reqwest::StatusCode::NOT_MODIFIED);
                        count.fetch_add(1, Ordering::Relaxed);
                    }
                })
            })
            .collect();
        let t0 = Instant::now();
        for w in workers {
            w.await.expect("worker");
        }
        let n = count.load(Ordering::Relaxed);
        println!(
            "/lots 304 answers: {n} in {:.2} s = {:.0}/s (64 concurrent clients)",
            t0.elapsed().as_secs_f64(),
            n as f64 / t0.elapsed().as_secs_f64()
        );
    });
}
