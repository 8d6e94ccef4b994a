//! The sauda source end to end on loopback, through the real HTTP path: the
//! simulator serving the June day as the site's pages (`serve --site
//! sauda`), the real client and the site poller. Lots appear, a status
//! change and a sale price arrive as the feed's messages, a maintenance
//! window is survived with the lots kept, and no request ever leaves the
//! `--url`'s host although the pager's links name another one.

use lotwatch::domain::{EventKind, LinkCause, LotStatus, SiteDown};
use lotwatch::platform::sauda::SiteLang;
use lotwatch::platform::{Client, ClientConfig};
use lotwatch::sim::Scenario;
use lotwatch::sim::server::{RunningSim, SimOptions, start};
use lotwatch::sim::site::{SiteFault, SiteSim};
use lotwatch::sync::site::{Patience, SiteConfig, read_once, spawn};
use lotwatch::sync::{LinkState, SyncHandle, SyncMsg};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// The June day's whole read: 3 list pages of solid minerals, 1 of
/// hydrocarbons, then the 50 lot pages.
const JUNE_READ: u32 = 54;

async fn site_sim(speed: f64, site: SiteSim) -> RunningSim {
    site_sim_from(speed, SimOptions::demo().lead_ms, site).await
}

/// Nothing on the site changes for a minute: what a test reads does not
/// depend on how fast a busy machine reads it.
const STILL_MS: i64 = 60_000;

async fn site_sim_from(speed: f64, lead_ms: i64, site: SiteSim) -> RunningSim {
    start(SimOptions {
        scenario: Scenario::june_2025(),
        speed,
        seed: 7,
        lead_ms,
        site: Some(site),
        record_requests: true,
        ..SimOptions::demo()
    })
    .await
    .expect("simulator starts on loopback")
}

fn poller(url: &str, lang: SiteLang) -> SyncHandle {
    let client = Client::new(ClientConfig::new(url)).expect("valid config");
    spawn(
        client,
        SiteConfig {
            lang,
            poll: Duration::from_millis(300),
            backoff_base: Duration::from_millis(200),
            backoff_cap: Duration::from_millis(400),
            retry_base: Duration::from_millis(100),
            ..SiteConfig::default()
        },
    )
}

/// The whole site once, with the default settings in `lang` and no waiting
/// for throttles.
async fn read(
    client: &Client,
    lang: SiteLang,
) -> Result<
    (
        Vec<lotwatch::domain::Lot>,
        Option<lotwatch::domain::Timestamp>,
    ),
    lotwatch::platform::PlatformError,
> {
    let cfg = SiteConfig {
        lang,
        ..SiteConfig::default()
    };
    let impatient = Patience {
        tries: 1,
        budget: Duration::ZERO,
        on_wait: Box::new(|_, _| {}),
    };
    read_once(client, cfg, impatient).await
}

/// A server that only counts the connections it is offered.
async fn decoy() -> (String, Arc<AtomicUsize>) {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", l.local_addr().expect("addr"));
    let n = Arc::new(AtomicUsize::new(0));
    let seen = n.clone();
    tokio::spawn(async move {
        while let Ok((_s, _)) = l.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
        }
    });
    (url, n)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_once_gives_every_lot_with_its_page() {
    let sim = site_sim_from(1.0, STILL_MS, SiteSim::default()).await;
    let client = Client::new(ClientConfig::new(sim.url())).expect("config");
    for lang in [SiteLang::Ru, SiteLang::Kz, SiteLang::En] {
        let (lots, at) = read(&client, lang).await.expect("reads the site");
        assert_eq!(lots.len(), 50, "{lang:?}");
        assert!(at.is_some(), "the Date header gives the server's time");
        let engine_lots = Scenario::june_2025().lots.len();
        assert_eq!(lots.len(), engine_lots);
        let l = lots
            .iter()
            .find(|l| l.number == "401102")
            .expect("lot 401102");
        assert_eq!(l.name, "Ақшатау-2");
        // The demo day is written as the platform writes it: in Russian.
        assert_eq!(l.region, "Карагандинская область");
        // It opens a minute after the simulator's start.
        assert_eq!(l.status, LotStatus::Scheduled);
        assert!(
            l.minerals.contains(&"вольфрам".to_string()),
            "{:?}",
            l.minerals
        );
        let site = l.site.as_deref().expect("site extras");
        assert!(site.page_read);
        assert!(site.url.starts_with(&sim.url()), "{}", site.url);
        assert!(site.invalid.is_empty());
    }
    // Per read (three languages here): 3 list pages of solid minerals (50 cards), 1 of
    // hydrocarbons (none in the June day), and the 50 lot pages.
    let reqs = sim.requests();
    let lists = reqs.iter().filter(|r| r.path().ends_with("/list")).count();
    let pages = reqs.iter().filter(|r| r.path().contains("/list/")).count();
    assert_eq!((lists, pages), (12, 150));
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_status_change_and_a_sale_price_arrive_and_no_request_leaves_the_host() {
    let (decoy_url, offered) = decoy().await;
    let sim = site_sim(
        240.0,
        SiteSim {
            link_host: Some(decoy_url.clone()),
            ..SiteSim::default()
        },
    )
    .await;
    let mut h = poller(&sim.url(), SiteLang::Ru);
    let mut snapshot = 0;
    let mut opened = false;
    let mut sold = None;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !(opened && sold.is_some()) {
        let m = tokio::time::timeout_at(deadline, h.msgs.recv())
            .await
            .expect("a status change and a sale within a minute")
            .expect("the poller runs");
        match m {
            SyncMsg::Snapshot { lots, .. } => snapshot = lots.len(),
            SyncMsg::Events(evs) => {
                for e in evs {
                    match &e.kind {
                        EventKind::Status {
                            status: LotStatus::Open,
                            ..
                        } => opened = true,
                        EventKind::Lot(l) if l.status == LotStatus::Sold => {
                            sold = l.result.as_ref().map(|r| r.amount)
                        }
                        EventKind::Status {
                            status: LotStatus::Sold,
                            result,
                            ..
                        } => sold = result.as_ref().map(|r| r.amount),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    // 50 lots at 20 a page: pages 2 and 3 were read, from p=N on the
    // user's host.
    assert_eq!(snapshot, 50);
    let reqs = sim.requests();
    let pages: std::collections::HashSet<&str> = reqs
        .iter()
        .filter(|r| r.path().ends_with("/list"))
        .map(|r| r.param("p").unwrap_or("1"))
        .collect();
    assert_eq!(pages.len(), 3, "{pages:?}");
    assert!(sold.is_some_and(|m| m.tiyn() > 0));
    // Even asked directly, the client refuses a URL on another host.
    let client = Client::new(ClientConfig::new(sim.url())).expect("config");
    let foreign = reqwest::Url::parse(&format!("{}/ru/list?p=2", decoy_url)).expect("url");
    assert!(matches!(
        client.page(foreign, &Default::default()).await,
        Err(lotwatch::platform::PlatformError::Config(_))
    ));
    // The pager named the decoy on every list page; nothing went there.
    assert_eq!(offered.load(Ordering::SeqCst), 0);
    let reqs = sim.requests();
    assert!(
        reqs.iter().all(|r| r.status == 200 || r.status == 304),
        "{reqs:?}"
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_maintenance_window_is_named_and_survived_with_the_lots_kept() {
    // The window opens right after the first whole read (its 54 requests),
    // however long a busy machine takes over it, and lasts five requests
    // (the first try and four retries). `--site-maintenance`'s window in
    // seconds is e2e_sauda's.
    let window = (JUNE_READ + 1..=JUNE_READ + 5).map(|n| (n, SiteFault::Maintenance));
    let sim = site_sim(
        1.0,
        SiteSim {
            faults: window.collect(),
            ..SiteSim::default()
        },
    )
    .await;
    let mut h = poller(&sim.url(), SiteLang::Kz);
    let mut lots = 0;
    let mut down = false;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let m = tokio::time::timeout_at(deadline, h.msgs.recv())
            .await
            .expect("maintenance and recovery within 30 s")
            .expect("the poller runs");
        match m {
            SyncMsg::Snapshot { lots: l, .. } => {
                assert!(!l.is_empty(), "never an empty list");
                lots = l.len()
            }
            SyncMsg::Link(LinkState::Retrying { cause, .. } | LinkState::Offline { cause, .. }) => {
                assert!(
                    matches!(
                        cause.root(),
                        LinkCause::SiteDown {
                            kind: SiteDown::Maintenance,
                            ..
                        }
                    ),
                    "{cause:?}"
                );
                down = true;
            }
            SyncMsg::Link(LinkState::Live) if down => break,
            _ => {}
        }
    }
    assert_eq!(lots, 50, "the lots read before the window stay");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unchanged_list_is_not_read_again() {
    // Nothing changes for a minute: the list pages answer 304 to their
    // ETag and no lot page is read a second time.
    let sim = site_sim_from(0.001, STILL_MS, SiteSim::default()).await;
    let mut h = poller(&sim.url(), SiteLang::Ru);
    let mut polls = 0;
    while polls < 3 {
        match tokio::time::timeout(Duration::from_secs(20), h.msgs.recv()).await {
            Ok(Some(SyncMsg::Snapshot { .. } | SyncMsg::Events(_))) => polls += 1,
            Ok(Some(_)) => {}
            other => panic!("{other:?}"),
        }
    }
    drop(h);
    let reqs = sim.requests();
    let pages = reqs.iter().filter(|r| r.path().contains("/list/")).count();
    let not_modified = reqs.iter().filter(|r| r.status == 304).count();
    let mut per_lot = std::collections::HashMap::<&str, usize>::new();
    for r in reqs.iter().filter(|r| r.path().contains("/list/")) {
        *per_lot.entry(r.path()).or_default() += 1;
    }
    assert_eq!(per_lot.len(), 50);
    assert_eq!(pages, 50, "each lot page once");
    // After the first read, the 4 list pages of each later poll.
    assert!(
        reqs.iter()
            .skip(JUNE_READ as usize)
            .all(|r| r.status == 304),
        "{reqs:?}"
    );
    assert!(not_modified >= 8, "{not_modified} answers 304");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hydrocarbon_lots_are_served_and_read_under_their_object_type() {
    let mut scenario = Scenario::june_2025();
    scenario.lots[0].minerals = vec!["oil".into(), "gas".into()];
    let sim = start(SimOptions {
        scenario,
        site: Some(SiteSim::default()),
        record_requests: true,
        ..SimOptions::demo()
    })
    .await
    .expect("simulator starts");
    let client = Client::new(ClientConfig::new(sim.url())).expect("config");
    let (lots, _) = read(&client, SiteLang::Ru).await.expect("reads");
    assert_eq!(lots.len(), 50);
    let oil = lots
        .iter()
        .find(|l| l.minerals.contains(&"oil".to_string()))
        .expect("the oil lot");
    let site = oil.site.as_deref().expect("extras");
    assert_eq!(site.object_type, "Hydrocarbon");
    assert_eq!(site.auction_type, "Аукцион на повышение по углеводородам");
    let solid = lots
        .iter()
        .filter(|l| {
            l.site
                .as_deref()
                .is_some_and(|s| s.object_type == "SolidMinerals")
        })
        .count();
    assert_eq!(solid, 49);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pager_names_the_served_host_by_default() {
    let sim = site_sim(1.0, SiteSim::default()).await;
    let url = format!("{}/ru/list?objectType=SolidMinerals", sim.url());
    let body = reqwest::get(&url)
        .await
        .expect("get")
        .text()
        .await
        .expect("body");
    let host = sim.url().trim_start_matches("http://").to_string();
    assert!(
        body.contains(&format!("href=\"http://{host}/ru/list?")),
        "{body}"
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_numbers_its_messages_after_the_first() {
    // The journal keeps one row per seq: a later run must not reuse them.
    let sim = site_sim(1.0, SiteSim::default()).await;
    let mut seqs = Vec::new();
    for _ in 0..2 {
        let mut h = poller(&sim.url(), SiteLang::Ru);
        loop {
            match tokio::time::timeout(Duration::from_secs(20), h.msgs.recv()).await {
                Ok(Some(SyncMsg::Snapshot { seq, .. })) => {
                    seqs.push(seq);
                    break;
                }
                Ok(Some(_)) => {}
                other => panic!("{other:?}"),
            }
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(seqs[1] > seqs[0], "{seqs:?}");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sold_lot_makes_one_event_not_one_per_poll() {
    let sim = site_sim(480.0, SiteSim::default()).await;
    let mut h = poller(&sim.url(), SiteLang::Ru);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let mut sold_id = None;
    let mut later = 0;
    while later < 4 {
        let m = tokio::time::timeout_at(deadline, h.msgs.recv())
            .await
            .expect("within a minute")
            .expect("the poller runs");
        let SyncMsg::Events(evs) = m else { continue };
        if sold_id.is_some() {
            later += 1;
        }
        for e in evs {
            if let EventKind::Lot(l) = &e.kind {
                match &sold_id {
                    None if l.status == LotStatus::Sold => sold_id = Some(l.id.clone()),
                    Some(id) if *id == l.id => panic!("the sold lot {id} again: {l:?}"),
                    _ => {}
                }
            }
        }
    }
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_since_is_when_the_site_went_down_and_stays_through_the_retries() {
    // A port nobody listens on: every read fails at once.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let mut h = poller(&format!("http://127.0.0.1:{port}"), SiteLang::Ru);
    let mut since = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while since.len() < 4 {
        let m = tokio::time::timeout_at(deadline, h.msgs.recv())
            .await
            .expect("four Offline reports within 20 s")
            .expect("the poller runs");
        if let SyncMsg::Link(LinkState::Offline { since: s, .. }) = m {
            since.push(s);
        }
    }
    // The retries are 200-400 ms apart: a `since` taken per retry would move.
    assert!(since.windows(2).all(|w| w[0] == w[1]), "{since:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulated_site_is_its_own_auction_and_journal_not_the_real_sites() {
    let sim = site_sim(60.0, SiteSim::default()).await;
    let mut h = poller(&sim.url(), SiteLang::Ru);
    let first = tokio::time::timeout(Duration::from_secs(30), h.msgs.recv())
        .await
        .expect("the poller's first message")
        .expect("the poller runs");
    let SyncMsg::Auction(a) = first else {
        panic!("the first message is the auction: {first:?}")
    };
    let port = sim.url().rsplit(':').next().unwrap().to_string();
    assert_eq!(a.id, format!("site:127.0.0.1:{port}"));
    assert!(lotwatch::domain::lot::is_site_auction(&a.id));
    assert_ne!(
        lotwatch::journal::default_path(&a.id),
        lotwatch::journal::default_path(lotwatch::domain::lot::SITE_AUCTION_ID),
        "the offline recipe writes into its own journal"
    );
    assert_eq!(
        lotwatch::domain::lot::site_auction_id("sauda.e-qazyna.kz"),
        lotwatch::domain::lot::SITE_AUCTION_ID,
        "the real site's journal keeps its name"
    );
}
