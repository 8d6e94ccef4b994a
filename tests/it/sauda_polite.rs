//! The sauda source's manners, read from the simulator's request log: the
//! pages spaced `site_gap` apart and one at a time, a throttle (429 with and
//! without `Retry-After`, seconds or a date, the throttling page whatever
//! its status) waited out by a one-shot read and honoured by the poller, a
//! page that fails mid-read tried again twice and then named in words, and
//! the request budget of one read.

use lotwatch::domain::{LinkCause, SitePage};
use lotwatch::platform::sauda::SiteLang;
use lotwatch::platform::{Client, ClientConfig, PlatformError};
use lotwatch::sim::Scenario;
use lotwatch::sim::server::{LoggedRequest, RunningSim, SimOptions, start};
use lotwatch::sim::site::{SiteFault, SiteSim};
use lotwatch::sync::site::{Patience, SiteConfig, read_once, spawn};
use lotwatch::sync::{LinkState, SyncMsg};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The June day's read: 3 list pages of solid minerals, 1 of hydrocarbons
/// (requests 1-4), then the 50 lot pages (5-54).
const JUNE_READ: usize = 54;

async fn sim_with(faults: Vec<(u32, SiteFault)>) -> RunningSim {
    start(SimOptions {
        scenario: Scenario::june_2025(),
        speed: 1.0,
        seed: 7,
        site: Some(SiteSim {
            faults,
            ..SiteSim::default()
        }),
        record_requests: true,
        ..SimOptions::demo()
    })
    .await
    .expect("simulator starts on loopback")
}

fn client(sim: &RunningSim, gap: Duration) -> Client {
    let mut cfg = ClientConfig::new(sim.url());
    cfg.page_gap = gap;
    Client::new(cfg).expect("valid config")
}

fn quick() -> SiteConfig {
    SiteConfig {
        lang: SiteLang::Ru,
        retry_base: Duration::from_millis(50),
        throttle_wait: Duration::from_millis(300),
        ..SiteConfig::default()
    }
}

type Waits = Arc<Mutex<Vec<Duration>>>;

/// The one-shot patience (3 tries, 2 minutes) recording each wait.
fn patience() -> (Patience, Waits) {
    let waits: Waits = Arc::default();
    let seen = waits.clone();
    let p = Patience::one_shot(Box::new(move |d, e| {
        assert!(
            matches!(e.root(), PlatformError::RateLimited { .. }),
            "only a throttle is waited out: {e}"
        );
        seen.lock().expect("lock").push(d);
    }));
    (p, waits)
}

/// The client starts each page at least `gap` after the one before. The
/// simulator logs when a request reached it, late by however long a busy
/// machine held it (connecting, scheduling: 56 ms seen beside the other
/// tests), so one pair of arrivals can be nearer than `gap`; the whole read
/// still spans every gap but the first request's lateness (two gaps allowed).
fn assert_paced(reqs: &[LoggedRequest], gap: Duration) {
    let span = reqs[reqs.len() - 1].at - reqs[0].at;
    let gaps = u32::try_from(reqs.len() - 1).expect("a few requests");
    assert!(
        span >= gap * (gaps - 2),
        "{span:?} for {gaps} gaps of {gap:?}: {reqs:?}"
    );
}

fn site_requests(sim: &RunningSim) -> Vec<LoggedRequest> {
    sim.requests()
        .into_iter()
        .filter(|r| r.path().contains("/list"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_spaced_by_the_site_gap() {
    let sim = sim_with(Vec::new()).await;
    let gap = Duration::from_millis(60);
    let (p, _) = patience();
    let (lots, _) = read_once(&client(&sim, gap), quick(), p)
        .await
        .expect("reads the site");
    assert_eq!(lots.len(), 50);
    let reqs = site_requests(&sim);
    assert_eq!(reqs.len(), JUNE_READ);
    assert_paced(&reqs, gap);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_with_retry_after_in_seconds_is_waited_out_once_and_the_read_goes_on() {
    let sim = sim_with(vec![(
        3,
        SiteFault::TooManyRequests {
            retry_after: Some("1".into()),
        },
    )])
    .await;
    let (p, waits) = patience();
    let (lots, _) = read_once(&client(&sim, Duration::ZERO), quick(), p)
        .await
        .expect("the throttle is waited out");
    assert_eq!(lots.len(), 50);
    assert_eq!(*waits.lock().expect("lock"), vec![Duration::from_secs(1)]);
    let reqs = site_requests(&sim);
    assert_eq!(reqs.len(), JUNE_READ + 1, "the throttled page once more");
    assert_eq!(reqs[2].status, 429);
    assert_eq!(reqs[3].target, reqs[2].target, "the same page asked again");
    assert!(reqs[3].at - reqs[2].at >= Duration::from_millis(990));
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_with_retry_after_as_a_date_is_read_against_the_answers_date() {
    let sim = sim_with(vec![(5, SiteFault::TooManyRequestsFor { secs: 2 })]).await;
    let (p, waits) = patience();
    let (lots, _) = read_once(&client(&sim, Duration::ZERO), quick(), p)
        .await
        .expect("the throttle is waited out");
    assert_eq!(lots.len(), 50);
    let w = waits.lock().expect("lock").clone();
    assert_eq!(w.len(), 1);
    // The date has whole seconds: 1 to 2 s from the answer's own Date.
    assert!(
        w[0] >= Duration::from_secs(1) && w[0] <= Duration::from_secs(2),
        "{w:?}"
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_throttling_page_and_a_bare_429_stand_for_the_throttle_wait() {
    for fault in [
        SiteFault::ThrottlePage { status: 200 },
        SiteFault::ThrottlePage { status: 503 },
        SiteFault::TooManyRequests { retry_after: None },
    ] {
        let sim = sim_with(vec![(6, fault.clone())]).await;
        let (p, waits) = patience();
        let (lots, _) = read_once(&client(&sim, Duration::ZERO), quick(), p)
            .await
            .unwrap_or_else(|e| panic!("{fault:?}: {e}"));
        assert_eq!(lots.len(), 50, "{fault:?}");
        assert_eq!(
            *waits.lock().expect("lock"),
            vec![Duration::from_millis(300)],
            "{fault:?}: a throttle, never tried again at once"
        );
        assert_eq!(site_requests(&sim).len(), JUNE_READ + 1, "{fault:?}");
        sim.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_shot_read_gives_up_after_three_tries_or_a_wait_beyond_two_minutes() {
    let throttle = || SiteFault::TooManyRequests {
        retry_after: Some("1".into()),
    };
    let sim = sim_with(vec![(2, throttle()), (3, throttle()), (4, throttle())]).await;
    let (p, waits) = patience();
    let e = read_once(&client(&sim, Duration::ZERO), quick(), p)
        .await
        .expect_err("three throttles in a row");
    assert!(matches!(e.root(), PlatformError::RateLimited { .. }), "{e}");
    assert_eq!(
        waits.lock().expect("lock").len(),
        2,
        "two waits, three tries"
    );
    assert_eq!(site_requests(&sim).len(), 4);
    assert!(
        LinkCause::from(&e)
            .to_string()
            .starts_with("list page 2 of 3: rate limited (429)"),
        "{e}"
    );
    sim.shutdown().await;

    // A wait past the budget is not begun.
    let sim = sim_with(vec![(
        1,
        SiteFault::TooManyRequests {
            retry_after: Some("300".into()),
        },
    )])
    .await;
    let (p, waits) = patience();
    let e = read_once(&client(&sim, Duration::ZERO), quick(), p)
        .await
        .expect_err("five minutes asked");
    assert_eq!(e.retry_after(), Some(Duration::from_secs(300)));
    assert!(waits.lock().expect("lock").is_empty());
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_failing_once_is_tried_again_and_the_read_completes() {
    for fault in [
        SiteFault::Status(500),
        SiteFault::Status(502),
        SiteFault::CutBody,
        SiteFault::Maintenance,
    ] {
        // Request 2 is list page 2; request 10 a lot page.
        let sim = sim_with(vec![(2, fault.clone()), (10, fault.clone())]).await;
        let (p, waits) = patience();
        let (lots, _) = read_once(&client(&sim, Duration::ZERO), quick(), p)
            .await
            .unwrap_or_else(|e| panic!("{fault:?}: {e}"));
        assert_eq!(lots.len(), 50, "{fault:?}");
        assert!(waits.lock().expect("lock").is_empty());
        let reqs = site_requests(&sim);
        assert_eq!(reqs.len(), JUNE_READ + 2, "{fault:?}");
        assert_eq!(reqs[1].target, reqs[2].target, "{fault:?}");
        assert!(
            reqs[2].at - reqs[1].at >= Duration::from_millis(45),
            "{fault:?}: a backoff before the retry"
        );
        sim.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_failing_three_times_fails_the_read_named_in_words() {
    let sim = sim_with(vec![
        (2, SiteFault::Status(500)),
        (3, SiteFault::Status(500)),
        (4, SiteFault::Status(500)),
    ])
    .await;
    let (p, _) = patience();
    let e = read_once(&client(&sim, Duration::ZERO), quick(), p)
        .await
        .expect_err("the page fails three times");
    assert_eq!(
        LinkCause::from(&e).to_string(),
        "list page 2 of 3: server error 500"
    );
    assert!(matches!(
        LinkCause::from(&e),
        LinkCause::OnPage {
            page: SitePage::List {
                page: 2,
                of: Some(3),
                ..
            },
            ..
        }
    ));
    // Retried twice with backoff (50 ms, then 100 ms), then given up.
    let reqs = site_requests(&sim);
    assert_eq!(reqs.len(), 4);
    assert!(reqs[3].at - reqs[2].at >= Duration::from_millis(95));
    sim.shutdown().await;

    // A lot page: named by the lot's number, never by its URL.
    let sim = sim_with(vec![
        (5, SiteFault::Maintenance),
        (6, SiteFault::Maintenance),
        (7, SiteFault::Maintenance),
    ])
    .await;
    let (p, _) = patience();
    let e = read_once(&client(&sim, Duration::ZERO), quick(), p)
        .await
        .expect_err("maintenance three times");
    let text = LinkCause::from(&e).to_string();
    assert!(
        text.starts_with("the page of lot ")
            && text.ends_with(": the site shows a maintenance page"),
        "{text}"
    );
    assert!(!text.contains("/list"), "{text}");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_poller_waits_what_the_site_asked_even_past_its_poll_and_keeps_the_lots() {
    // The second read's first page is throttled for 2 s; the poll is 300 ms.
    let sim = sim_with(vec![(
        JUNE_READ as u32 + 1,
        SiteFault::TooManyRequests {
            retry_after: Some("2".into()),
        },
    )])
    .await;
    let mut h = spawn(
        client(&sim, Duration::ZERO),
        SiteConfig {
            poll: Duration::from_millis(300),
            backoff_base: Duration::from_millis(100),
            backoff_cap: Duration::from_millis(200),
            ..quick()
        },
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let mut lots = 0;
    let mut throttled = false;
    loop {
        let m = tokio::time::timeout_at(deadline, h.msgs.recv())
            .await
            .expect("a throttle and a read after it within 30 s")
            .expect("the poller runs");
        match m {
            SyncMsg::Snapshot { lots: l, .. } => lots = l.len(),
            SyncMsg::Link(LinkState::Retrying { cause, .. }) => {
                assert_eq!(
                    cause.root(),
                    &LinkCause::RateLimited { wait_s: 2 },
                    "{cause}"
                );
                assert_eq!(lots, 50, "the lots stay");
                throttled = true;
            }
            SyncMsg::Link(LinkState::Live) if throttled => break,
            _ => {}
        }
    }
    drop(h);
    let reqs = site_requests(&sim);
    let at = JUNE_READ;
    assert_eq!(reqs[at].status, 429);
    assert!(
        reqs[at + 1].at - reqs[at].at >= Duration::from_millis(1990),
        "{:?}",
        reqs[at + 1].at - reqs[at].at
    );
    sim.shutdown().await;
}

/// `lotwatch snapshot --source sauda` against `sim`, its stderr and code.
async fn snapshot_cli(sim: &RunningSim, extra: &[&str]) -> (Option<i32>, String, String) {
    let mut args: Vec<String> = ["snapshot", "--source", "sauda", "--url", &sim.url()]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    let out = tokio::task::spawn_blocking(move || {
        crate::support::server::lotwatch()
            .args(&args)
            .env_remove("LOTWATCH_CONFIG")
            .output()
            .expect("run lotwatch")
    })
    .await
    .expect("joined");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_survives_a_throttle_says_so_once_and_gives_up_after_three_tries() {
    let sim = sim_with(vec![(
        2,
        SiteFault::TooManyRequests {
            retry_after: Some("3".into()),
        },
    )])
    .await;
    let t = std::time::Instant::now();
    let (code, stdout, stderr) = snapshot_cli(&sim, &["--format", "json"]).await;
    let took = t.elapsed();
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        stderr.trim(),
        "lotwatch snapshot: waiting 3 s: the site asked to slow down (429)"
    );
    assert!(took >= Duration::from_secs(3), "{took:?}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(v["lots"].as_array().map(Vec::len), Some(50));
    sim.shutdown().await;

    // Three throttles in a row: two waits said, then exit 1 with the cause.
    let throttle = || SiteFault::TooManyRequests {
        retry_after: Some("1".into()),
    };
    let sim = sim_with(vec![(1, throttle()), (2, throttle()), (3, throttle())]).await;
    let (code, _, stderr) = snapshot_cli(&sim, &[]).await;
    assert_eq!(code, Some(1), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{stderr}");
    assert_eq!(
        lines[0],
        "lotwatch snapshot: waiting 1 s: the site asked to slow down (429)"
    );
    assert!(
        lines[2].starts_with("lotwatch snapshot: list page 1: rate limited (429)")
            && lines[2].contains("gave up"),
        "{stderr}"
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_keeps_the_site_gap_asked_for() {
    let sim = sim_with(Vec::new()).await;
    let (code, _, stderr) = snapshot_cli(&sim, &["--site-gap", "40"]).await;
    assert_eq!(code, Some(0), "{stderr}");
    let reqs = site_requests(&sim);
    assert_eq!(reqs.len(), JUNE_READ);
    assert_paced(&reqs, Duration::from_millis(40));
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_waits_out_a_throttle_before_its_first_read_and_says_so_once() {
    use std::io::{BufRead, BufReader};
    let sim = sim_with(vec![(
        1,
        SiteFault::TooManyRequests {
            retry_after: Some("1".into()),
        },
    )])
    .await;
    let url = sim.url();
    let dir = std::env::temp_dir().join(format!("lotwatch-polite-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let stderr = tokio::task::spawn_blocking(move || {
        let mut child = crate::support::server::lotwatch()
            .args([
                "watch", "--source", "sauda", "--url", &url, "--format", "jsonl",
            ])
            .arg("--no-journal")
            .arg("--log-file")
            .arg(dir.join("watch.log"))
            .env_remove("LOTWATCH_CONFIG")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run lotwatch watch");
        let out = child.stdout.take().expect("stdout");
        // Until the first read's snapshot record: the throttle was waited out.
        let snapshot = BufReader::new(out)
            .lines()
            .map_while(Result::ok)
            .find(|l| l.contains("\"snapshot\""));
        let _ = child.kill();
        let out = child.wait_with_output().expect("exits");
        let _ = std::fs::remove_dir_all(&dir);
        assert!(snapshot.is_some(), "no snapshot");
        String::from_utf8_lossy(&out.stderr).into_owned()
    })
    .await
    .expect("joined");
    let waits: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("the site asked to slow down (429)"))
        .collect();
    assert_eq!(waits.len(), 1, "{stderr}");
    assert!(waits[0].starts_with("lotwatch watch: waiting "), "{stderr}");
    assert_eq!(site_requests(&sim)[0].status, 429);
    sim.shutdown().await;
}
