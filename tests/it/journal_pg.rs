//! The journal in a real PostgreSQL (tests/support/pg.rs starts one): several
//! writers store each event once, the platform chain does not depend on
//! which writer came first, the per-monitor chains and `verify` hold, the
//! triggers refuse changes, export and replay read it like a file, and each
//! way of failing to connect has its own message without the password.

use crate::support::journal_day;
use crate::support::pg::{PASSWORD, Pg};

use journal_day::{AUCTION, batches, day};
use lotwatch::domain::Timestamp;
use lotwatch::journal::pg::{PgError, Remote, chain};
use lotwatch::journal::{Journal, JournalError, JournalRecord, Receipt};
use lotwatch::sync::SyncMsg;
use std::path::Path;

fn at(ms: i64) -> Receipt {
    Receipt {
        local: Timestamp(ms),
        server_est: Some(Timestamp(ms - 120)),
    }
}

fn verified(url: &str) -> chain::SharedVerified {
    let r = Remote::new(url, "masked", "tester").unwrap();
    chain::verify_blocking(&r).unwrap().unwrap()
}

#[test]
fn three_writers_store_each_event_once_and_the_chain_is_the_same_as_one_writers() {
    let Some(pg) = Pg::start("three-writers") else {
        return;
    };
    let shared = pg.create_db("shared");
    let single = pg.create_db("single");
    let d = day(3, 5, 400);
    let lots_at_0 = d.lots.clone();

    // One writer alone.
    let j = Journal::open(Path::new(&single)).expect("open single");
    let w = j.writer_named(AUCTION, "alone").expect("writer");
    w.record_sync_msg(
        &SyncMsg::Snapshot {
            seq: 0,
            lots: lots_at_0.clone(),
            rejected: vec![],
        },
        at(1),
    )
    .unwrap();
    for (i, b) in batches(&d.events, 4, 7).iter().enumerate() {
        w.record_sync_msg(&SyncMsg::Events(b.clone()), at(10 + i as i64))
            .unwrap();
    }
    w.flush().unwrap();
    assert_eq!(w.status().failed, 0, "{:?}", w.status());

    // Three writers, each with its own batches of the same events, each
    // starting at another point, interleaved.
    let mut writers = Vec::new();
    for (k, name) in ["room-a", "room-b", "room-c"].iter().enumerate() {
        let remote_url = shared.clone();
        let j = Journal::open(Path::new(&remote_url)).expect("open shared");
        let w = j.writer_named(AUCTION, name).expect("writer");
        let from = k * d.events.len() / 5;
        writers.push((w, batches(&d.events[from..], 10 + k as u64, 9)));
    }
    for (w, _) in &writers {
        w.record_sync_msg(
            &SyncMsg::Snapshot {
                seq: 0,
                lots: lots_at_0.clone(),
                rejected: vec![],
            },
            at(1),
        )
        .unwrap();
    }
    let longest = writers.iter().map(|(_, b)| b.len()).max().unwrap();
    for i in 0..longest {
        for (w, bs) in &writers {
            if let Some(b) = bs.get(i) {
                w.record_sync_msg(&SyncMsg::Events(b.clone()), at(100 + i as i64))
                    .unwrap();
            }
        }
    }
    for (w, _) in &writers {
        w.append(
            JournalRecord::Anomaly {
                lot_id: None,
                server_at: None,
                kind: "clock_skew".into(),
                evidence: "5 s".into(),
            },
            at(9_999),
        )
        .unwrap();
        w.flush().unwrap();
        assert_eq!(w.status().failed, 0, "{:?}", w.status());
    }
    let total: u64 = writers.iter().map(|(w, _)| w.status().events).sum();
    assert_eq!(
        total as usize,
        d.events.len(),
        "each event stored once among the writers"
    );

    let back = Journal::open_existing(Path::new(&shared)).expect("read shared");
    let stored: Vec<_> = back
        .events(None)
        .unwrap()
        .into_iter()
        .map(|s| s.event)
        .collect();
    assert_eq!(stored, d.events);
    assert_eq!(
        back.cursor(AUCTION).unwrap(),
        d.events.last().map(|e| e.seq)
    );
    assert_eq!(
        back.anomalies().unwrap().len(),
        3,
        "each monitor's own anomaly"
    );

    // Export and replay read it as they read a file.
    let opts = lotwatch::journal::export::ExportOptions {
        format: lotwatch::journal::export::ExportFormat::Json,
        lot: None,
        bom: false,
        auction: None,
    };
    let mut out = Vec::new();
    let rows = lotwatch::journal::export::export(&back, &opts, &mut out).unwrap();
    assert_eq!(rows, d.events.len());
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let seqs: Vec<u64> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, d.events.iter().map(|e| e.seq).collect::<Vec<_>>());
    assert!(lotwatch::journal::Replay::load(Path::new(&shared)).is_ok_and(|r| !r.is_empty()));
    let replayed: usize = lotwatch::journal::replay::read_items(&back)
        .unwrap()
        .iter()
        .map(|it| match &it.msg {
            SyncMsg::Events(v) => v.len(),
            _ => 0,
        })
        .sum();
    assert_eq!(replayed, d.events.len(), "replay plays each event once");

    let one = verified(&single);
    let three = verified(&shared);
    assert_eq!(
        one.platform, three.platform,
        "the platform chain does not depend on the writers"
    );
    assert_eq!(three.platform[0].1 as usize, d.events.len());
    let names: Vec<&str> = three.monitors.iter().map(|(m, _, _)| m.as_str()).collect();
    assert_eq!(names, ["room-a", "room-b", "room-c"]);

    // Append-only, in the database itself.
    for sql in [
        "UPDATE events SET amount = '1' WHERE seq = 3",
        "DELETE FROM messages",
        "TRUNCATE receipts",
    ] {
        let out = std::process::Command::new(pg.bin.join("psql"))
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &pg.port.to_string(),
                "-U",
                "postgres",
                "-d",
                "shared",
                "-c",
                sql,
            ])
            .env("PGPASSWORD", PASSWORD)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && err.contains("append-only"),
            "{sql}: {err}"
        );
    }

    // A row changed behind the triggers' back is found by verify.
    pg.psql(
        "shared",
        "ALTER TABLE events DISABLE TRIGGER events_append_only; \
         UPDATE events SET amount = '1.00' WHERE seq = (SELECT min(seq) FROM events WHERE type = 'bid'); \
         ALTER TABLE events ENABLE TRIGGER events_append_only;",
    );
    let r = Remote::new(&shared, "masked", "tester").unwrap();
    let f = chain::verify_blocking(&r).unwrap().unwrap_err();
    assert!(matches!(f, chain::SharedFailure::Platform { .. }), "{f}");
}

#[test]
fn each_connection_failure_has_its_own_message_and_never_the_password() {
    let Some(pg) = Pg::start("errors") else {
        return;
    };
    let good = pg.create_db("day");
    let cases = [
        (
            good.replace(PASSWORD, "wrong-Pa55"),
            "password authentication failed",
        ),
        (pg.url("nosuchdb"), "does not exist"),
        (
            format!(
                "postgres://postgres:{PASSWORD}@127.0.0.1:{}/day",
                free_port()
            ),
            "connection refused",
        ),
    ];
    for (url, expected) in &cases {
        let e = Journal::open(Path::new(url)).err().expect("an error");
        let text = e.to_string();
        assert!(text.contains(expected), "{url}: {text}");
        assert!(
            !text.contains(PASSWORD) && !text.contains("wrong-Pa55"),
            "{text}"
        );
        assert!(text.contains("postgres:***@127.0.0.1"), "{text}");
    }
    // A server that is not PostgreSQL: an HTTP server.
    let http = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = http.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in http.incoming().flatten() {
            use std::io::{Read, Write};
            let mut s = s;
            let mut buf = [0u8; 512];
            let _ = s.read(&mut buf);
            let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        }
    });
    let url = format!("postgresql://postgres:{PASSWORD}@127.0.0.1:{port}/day");
    let e = Journal::open(Path::new(&url)).err().expect("an error");
    assert!(
        matches!(e, JournalError::Postgres(PgError::NotPostgres { .. })),
        "{e}"
    );
    assert!(!e.to_string().contains(PASSWORD), "{e}");
    // Not postgres:// at all: an error, never a file named after it.
    let e = Journal::open(Path::new("mysql://root:hunter2@db/day"))
        .err()
        .expect("an error");
    assert!(e.to_string().contains("not postgres://"), "{e}");
    assert!(!Path::new("mysql:").exists());
    // A database from a newer lotwatch is refused.
    drop(Journal::open(Path::new(&good)).expect("open"));
    pg.psql(
        "day",
        "INSERT INTO lotwatch_schema (version, build) VALUES (99, 'lotwatch 9')",
    );
    let e = Journal::open(Path::new(&good)).err().expect("an error");
    assert!(e.to_string().contains("newer lotwatch (schema 99"), "{e}");
}

use crate::support::http::free_port;

#[test]
fn a_database_outage_is_said_held_in_memory_and_written_once_after() {
    use lotwatch::journal::WriterOptions;
    use std::time::{Duration, Instant};
    let Some(pg) = Pg::start("outage") else {
        return;
    };
    let url = pg.create_db("day");
    let d = day(5, 3, 200);
    let j = Journal::open(Path::new(&url)).expect("open");
    let opts = WriterOptions {
        retry_first: Duration::from_millis(50),
        retry_max: Duration::from_millis(300),
        ..WriterOptions::default()
    };
    let w = j.writer_with(AUCTION, opts).expect("writer");
    let bs = batches(&d.events, 1, 6);
    let half = bs.len() / 2;
    for (i, b) in bs[..half].iter().enumerate() {
        w.record_sync_msg(&SyncMsg::Events(b.clone()), at(i as i64))
            .unwrap();
    }
    w.flush().unwrap();

    pg.stop();
    for (i, b) in bs[half..].iter().enumerate() {
        w.record_sync_msg(&SyncMsg::Events(b.clone()), at(1000 + i as i64))
            .unwrap();
        // A re-read sends some again.
        if i % 3 == 0 {
            w.record_sync_msg(&SyncMsg::Events(b.clone()), at(1000 + i as i64))
                .unwrap();
        }
    }
    let health = w.health();
    let deadline = Instant::now() + Duration::from_secs(10);
    let said = |h: &lotwatch::journal::JournalHealth| {
        h.failing
            .as_ref()
            .is_some_and(|f| f.cause.to_string().contains("connection refused"))
    };
    while !said(&health.borrow()) {
        assert!(
            Instant::now() < deadline,
            "the outage is never said: {:?}",
            health.borrow()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let cause = health.borrow().failing.clone().unwrap().cause.to_string();
    assert_eq!(cause, "I/O error: database: connection refused");
    assert!(!cause.contains(PASSWORD), "{cause}");
    assert!(health.borrow().unwritten_events > 0);

    // Quitting meanwhile takes well under a second and says what is left.
    let t = Instant::now();
    assert!(!w.flush_within(Duration::from_millis(400)).unwrap());
    assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
    let st = w.status();
    assert!(
        st.unwritten_records > 0 && st.unwritten_events > 0,
        "{st:?}"
    );

    // The database comes back: the backlog is written, nothing twice.
    pg.start_again();
    w.flush().unwrap();
    assert!(w.health().borrow().failing.is_none());
    let st = w.status();
    assert_eq!(st.events as usize, d.events.len(), "{st:?}");
    assert_eq!((st.failed, st.lost_records), (0, 0), "{st:?}");
    let back = Journal::open_existing(Path::new(&url)).unwrap();
    let stored: Vec<_> = back
        .events(None)
        .unwrap()
        .into_iter()
        .map(|s| s.event)
        .collect();
    assert_eq!(stored, d.events);
    assert!(verified(&url).platform[0].1 as usize == d.events.len());
}

/// The high bids the lots have after `events` (from the day's first lots).
fn high_bids(lots: &[lotwatch::domain::Lot]) -> Vec<(String, Option<String>)> {
    let mut v: Vec<_> = lots
        .iter()
        .map(|l| {
            (
                l.id.clone(),
                l.high_bid.as_ref().map(|h| h.amount.to_wire()),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_follower_started_mid_day_shows_the_high_bids_within_a_second_of_the_writer() {
    use lotwatch::app::{App, AppOptions, Msg};
    use lotwatch::domain::clock::mono_now;
    use lotwatch::journal::follow::{self, FollowOptions};
    use std::time::{Duration, Instant};
    let Some(pg) = Pg::start("follow") else {
        return;
    };
    let url = pg.create_db("day");
    let d = day(9, 4, 240);
    let j = Journal::open(Path::new(&url)).expect("open");
    let w = j.writer_named(AUCTION, "room-a").expect("writer");
    w.record_sync_msg(
        &SyncMsg::Snapshot {
            seq: 0,
            lots: d.lots.clone(),
            rejected: vec![],
        },
        at(1),
    )
    .unwrap();
    let bs = batches(&d.events, 2, 4);
    let half = bs.len() / 2;
    for (i, b) in bs[..half].iter().enumerate() {
        w.record_sync_msg(&SyncMsg::Events(b.clone()), at(10 + i as i64))
            .unwrap();
    }
    w.flush().unwrap();

    // Mid-day: the follower catches up with what is recorded.
    let opts = FollowOptions {
        poll: Duration::from_secs(3),
        ..FollowOptions::default()
    };
    let mut f = follow::start(Path::new(&url), opts).expect("follow");
    assert!(!f.shown.contains(PASSWORD), "{}", f.shown);
    let mut app = App::new(AppOptions::default());
    let mut seen = 0u64;
    let mut take = |app: &mut App, until_seq: u64, within: Duration| {
        let deadline = Instant::now() + within;
        while seen < until_seq {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "the follower did not reach seq {until_seq} (at {seen})"
            );
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let m = rt.block_on(async { tokio::time::timeout(left, f.msgs.recv()).await });
            if let Ok(Some((_, m))) = m {
                if let SyncMsg::Events(v) = &m {
                    seen = seen.max(v.iter().map(|e| e.seq).max().unwrap_or(0));
                }
                app.update(Msg::Sync(m), mono_now());
            }
        }
    };
    let mid_seq = bs[half - 1].iter().map(|e| e.seq).max().unwrap();
    take(&mut app, mid_seq, Duration::from_secs(5));
    let mut expected = d.lots.clone();
    journal_day::apply(&mut expected, &d.events[..mid_seq as usize]);
    let shown: Vec<_> = app.lots().iter().cloned().collect();
    assert_eq!(
        high_bids(&shown),
        high_bids(&expected),
        "the current high bids at mid-day"
    );

    // Then each batch reaches the screen's state soon after it is recorded.
    let mut latencies = Vec::new();
    for (i, b) in bs[half..].iter().enumerate() {
        w.record_sync_msg(&SyncMsg::Events(b.clone()), at(1000 + i as i64))
            .unwrap();
        w.flush().unwrap();
        let t = Instant::now();
        take(
            &mut app,
            b.iter().map(|e| e.seq).max().unwrap(),
            Duration::from_secs(2),
        );
        latencies.push(t.elapsed());
    }
    latencies.sort();
    let p = |q: f64| latencies[((latencies.len() as f64 - 1.0) * q) as usize];
    eprintln!(
        "follower latency, record to state: p50 {:?}, p99 {:?} ({} batches)",
        p(0.5),
        p(0.99),
        latencies.len()
    );
    assert!(
        p(0.99) < Duration::from_secs(1),
        "p99 {:?}: LISTEN/NOTIFY, not the 3 s poll",
        p(0.99)
    );
    let shown: Vec<_> = app.lots().iter().cloned().collect();
    let mut expected = d.lots.clone();
    journal_day::apply(&mut expected, &d.events);
    assert_eq!(
        high_bids(&shown),
        high_bids(&expected),
        "the final high bids"
    );
    let fresh = f.freshness.borrow().clone();
    assert_eq!(fresh.writers, 1);
    assert!(
        fresh.last_record.is_some() && fresh.failing.is_none(),
        "{fresh:?}"
    );
}

/// BENCHMARKS.md: single-event transactions from three writers at once on
/// loopback (each writer records every event, as a supervision room does:
/// one of the three stores it, the others add their receipts). Run with
/// `cargo test --test it journal_pg::throughput -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement for BENCHMARKS.md"]
fn throughput_of_single_event_transactions_with_three_writers() {
    use std::time::Instant;
    let Some(pg) = Pg::start("bench") else { return };
    let url = pg.create_db("bench");
    if std::env::var("SYNC_COMMIT").is_ok_and(|v| v == "off") {
        // For comparison only: commits not waiting for the WAL's fsync.
        pg.psql("bench", "ALTER DATABASE bench SET synchronous_commit = off");
    }
    let n: usize = std::env::var("EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let d = day(11, 10, n);
    let events = d.events.clone();
    let j = Journal::open(Path::new(&url)).expect("open");
    let writers: Vec<_> = ["room-a", "room-b", "room-c"]
        .iter()
        .map(|name| j.writer_named(AUCTION, name).expect("writer"))
        .collect();
    let t = Instant::now();
    let threads: Vec<_> = writers
        .iter()
        .cloned()
        .map(|w| {
            let events = events.clone();
            std::thread::spawn(move || {
                for (i, e) in events.iter().enumerate() {
                    w.record_sync_msg(&SyncMsg::Events(vec![e.clone()]), at(i as i64))
                        .unwrap();
                }
                w.flush().unwrap();
            })
        })
        .collect();
    for th in threads {
        th.join().unwrap();
    }
    let secs = t.elapsed().as_secs_f64();
    let committed: u64 = writers.iter().map(|w| w.status().committed).sum();
    let stored: u64 = writers.iter().map(|w| w.status().events).sum();
    assert_eq!(stored as usize, events.len());
    eprintln!(
        "3 writers x {} single-event records: {committed} transactions in {secs:.2} s = {:.0} tx/s; \
         {} events stored once = {:.0} events/s",
        events.len(),
        committed as f64 / secs,
        stored,
        stored as f64 / secs
    );
    assert_eq!(verified(&url).platform[0].1 as usize, events.len());
}

#[test]
fn sslmode_require_speaks_tls_through_rustls_and_verifies_the_server() {
    let Some(pg) = Pg::start("tls") else { return };
    pg.create_db("day");
    let ca = pg.enable_tls();
    let base = format!(
        "postgres://postgres:{PASSWORD}@localhost:{}/day?sslmode=require",
        pg.port
    );
    // Verified against the CA the URL names: the connection is TLS.
    let url = format!("{base}&sslrootcert={}", ca.display());
    let j = Journal::open(Path::new(&url)).expect("TLS with the test CA");
    let w = j.writer_named(AUCTION, "tls").unwrap();
    let d = day(2, 2, 20);
    w.record_sync_msg(&SyncMsg::Events(d.events.clone()), at(1))
        .unwrap();
    w.flush().unwrap();
    assert_eq!(
        w.status().events as usize,
        d.events.len(),
        "{:?}",
        w.status()
    );
    let ssl = pg.psql(
        "day",
        "SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) \
         WHERE a.application_name = 'lotwatch' AND s.ssl",
    );
    assert_ne!(ssl, "0", "the writer's connection uses TLS");
    // Against the system's roots, the test CA is unknown: refused, said.
    let e = Journal::open(Path::new(&base))
        .err()
        .expect("an unknown CA is refused");
    let text = e.to_string();
    assert!(text.to_lowercase().contains("certificate"), "{text}");
    assert!(!text.contains(PASSWORD), "{text}");
}

/// An IPv4 address of this machine that is not loopback, if it has one.
fn outside_address() -> Option<String> {
    let out = std::process::Command::new("hostname")
        .arg("-I")
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .filter_map(|a| a.parse::<std::net::Ipv4Addr>().ok())
        .find(|a| !a.is_loopback())
        .map(|a| a.to_string())
}

/// Connections of `app` that use TLS, and all of them.
fn ssl_counts(pg: &Pg, app: &str) -> (String, String) {
    let q = |cond: &str| {
        pg.psql(
            "day",
            &format!(
                "SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) \
                 WHERE a.application_name = '{app}'{cond}"
            ),
        )
    };
    (q(" AND s.ssl"), q(""))
}

/// Writes one record through `url` and returns the writer's health after.
fn write_one(url: &str, name: &str) -> (lotwatch::journal::writer::JournalWriter, bool) {
    let j = Journal::open(Path::new(url)).expect(name);
    let w = j.writer_named(AUCTION, name).unwrap();
    let d = day(1, 1, 3);
    w.record_sync_msg(&SyncMsg::Events(d.events.clone()), at(1))
        .unwrap();
    w.flush().unwrap();
    assert!(w.status().committed >= 1, "{name}: {:?}", w.status());
    let unencrypted = w.health().borrow().unencrypted;
    (w, unencrypted)
}

/// Issue 27.3, against a real server with TLS on (a self-signed CA made for
/// the test): with no sslmode (libpq's default, prefer) the connection is
/// TLS; it falls back to plain text only when the server refuses TLS, and
/// plain text to a host that is not loopback is `UNENCRYPTED` in the
/// journal's health (the header's badge), never to loopback.
#[test]
fn sslmode_prefer_is_tls_first_and_plain_text_to_another_host_is_unencrypted() {
    let Some(pg) = Pg::start("prefer") else {
        return;
    };
    pg.create_db("day");
    let outside = outside_address();
    if let Some(ip) = &outside {
        pg.listen_also(ip);
    } else {
        eprintln!("no address but loopback on this machine: the remote half is skipped");
    }
    let url_at = |host: &str, app: &str, extra: &str| {
        format!(
            "postgres://postgres:{PASSWORD}@{host}:{}/day?application_name={app}{extra}",
            pg.port
        )
    };
    // The server without TLS: plain text, said only when it leaves the machine.
    let (_w, unencrypted) = write_one(&url_at("127.0.0.1", "plain_lo", ""), "plain_lo");
    assert!(!unencrypted, "loopback is not on the wire");
    assert_eq!(ssl_counts(&pg, "plain_lo").0, "0");
    if let Some(ip) = &outside {
        let (_w, unencrypted) = write_one(&url_at(ip, "plain_out", ""), "plain_out");
        assert!(unencrypted, "plain text to {ip} is not said");
        // A follower reading it says so too.
        let f = lotwatch::journal::follow::start(
            Path::new(&url_at(ip, "follow_out", "")),
            lotwatch::journal::follow::FollowOptions::default(),
        )
        .expect("follow");
        let mut fresh = f.freshness.clone();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !fresh.borrow().unencrypted && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert!(
            fresh.borrow_and_update().unencrypted,
            "the follower's plain text is not said"
        );
    }
    // TLS on: prefer encrypts (the certificate is not the system's: prefer
    // does not ask it to be), everywhere.
    let ca = pg.enable_tls();
    let (_w, unencrypted) = write_one(&url_at("localhost", "prefer_lo", ""), "prefer_lo");
    assert!(!unencrypted);
    let (tls, all) = ssl_counts(&pg, "prefer_lo");
    assert_ne!(all, "0");
    assert_eq!(tls, all, "sslmode=prefer spoke plain text to a TLS server");
    if let Some(ip) = &outside {
        let (_w, unencrypted) = write_one(&url_at(ip, "prefer_out", ""), "prefer_out");
        assert!(!unencrypted, "TLS to {ip} said unencrypted");
        let (tls, all) = ssl_counts(&pg, "prefer_out");
        assert_eq!(tls, all, "sslmode=prefer spoke plain text to {ip}");
        // sslmode=disable, the user's choice, still shows.
        let (_w, unencrypted) = write_one(
            &url_at(ip, "disable_out", "&sslmode=disable"),
            "disable_out",
        );
        assert!(unencrypted, "sslmode=disable to {ip} is not said");
        assert_eq!(ssl_counts(&pg, "disable_out").0, "0");
    }
    // prefer with the CA named verifies it: a wrong CA is refused.
    let wrong_ca =
        std::env::temp_dir().join(format!("lotwatch-wrong-ca-{}.pem", std::process::id()));
    std::fs::copy("tests/fixtures/tls/ca.pem", &wrong_ca).unwrap();
    let url = url_at(
        "localhost",
        "prefer_ca",
        &format!("&sslrootcert={}", wrong_ca.display()),
    );
    let e = Journal::open(Path::new(&url))
        .err()
        .expect("a CA that did not sign the server's certificate");
    assert!(e.to_string().to_lowercase().contains("certificate"), "{e}");
    assert!(!e.to_string().contains(PASSWORD), "{e}");
    let url = url_at(
        "localhost",
        "prefer_ca",
        &format!("&sslrootcert={}", ca.display()),
    );
    drop(write_one(&url, "prefer_ca"));
    let _ = std::fs::remove_file(wrong_ca);
}

/// Issue 27.2, the review's reproduction against a real server: a
/// password with `/` (a third of `openssl rand -base64 16` have one), `?`,
/// `#` and `%` connects as written, and a wrong one of the same shape
/// never shows in the error, whole or in part.
#[test]
fn a_password_with_a_slash_connects_and_is_never_shown() {
    let Some(pg) = Pg::start("slash") else { return };
    pg.create_db("day");
    let pw = "pa/ss?Qx#9%zz";
    pg.psql("day", &format!("CREATE ROLE bob LOGIN PASSWORD '{pw}'; GRANT ALL ON DATABASE day TO bob; GRANT ALL ON SCHEMA public TO bob"));
    let url = format!("postgres://bob:{pw}@127.0.0.1:{}/day", pg.port);
    drop(write_one(&url, "bob"));
    for wrong in ["pa/ss", "pa/ss?Qx#9%zy", "p%2Fss"] {
        let url = format!("postgres://bob:{wrong}@127.0.0.1:{}/day", pg.port);
        let e = Journal::open(Path::new(&url))
            .err()
            .expect("a wrong password");
        let text = e.to_string();
        assert!(text.contains("password authentication failed"), "{text}");
        assert!(text.contains("postgres://bob:***@127.0.0.1:"), "{text}");
        assert!(
            !text.contains("pa/") && !text.contains("ss?") && !text.contains("2Fss"),
            "{text}"
        );
        assert!(!text.contains("PGPASSWORD"), "{text}");
    }
}

/// `lotwatch args...`: (exit code, stdout and stderr).
fn run_bin(args: &[&str]) -> (i32, String) {
    let o = crate::support::server::lotwatch()
        .args(args)
        .env("LOTWATCH_CONFIG", "/dev/null")
        .output()
        .expect("run lotwatch");
    (
        o.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

/// Issue 27.5 on PostgreSQL: a row tampered with escape sequences behind
/// the triggers' back reaches no terminal raw (verify, export), and a
/// column whose type was altered is reported, never a panic (`try_get`).
#[test]
fn a_tampered_shared_journal_is_reported_never_raw_never_a_panic() {
    let Some(pg) = Pg::start("tamper") else {
        return;
    };
    let url = pg.create_db("day");
    drop(write_one(&url, "w1"));
    pg.psql(
        "day",
        "ALTER TABLE messages DISABLE TRIGGER messages_append_only; \
         UPDATE messages SET kind = E'events\\r\\x1b[1A\\x1b[2Kjournal: OK', monitor = E'w1\\x1b]0;pwned\\x07'; \
         ALTER TABLE messages ENABLE TRIGGER messages_append_only;",
    );
    for args in [
        vec!["verify", "--journal", &url],
        vec!["export", "--journal", &url],
        vec!["export", "--journal", &url, "--format", "json"],
    ] {
        let (code, out) = run_bin(&args);
        assert_ne!(code, 101, "{:?} panicked: {out}", args[0]);
        assert!(
            !out.contains('\x1b')
                && !out.contains('\x07')
                && !out.replace("\r\n", "\n").contains('\r'),
            "{:?} printed the journal's escapes: {out:?}",
            args[0]
        );
        assert!(!out.contains(PASSWORD), "{out}");
    }
    // A column altered to another type: every reader says so and exits.
    pg.psql(
        "day",
        "ALTER TABLE messages ALTER COLUMN received_at TYPE text USING 'not a time'",
    );
    let (code, out) = run_bin(&["verify", "--journal", &url]);
    assert!(code != 0 && code != 101, "verify exited {code}: {out}");
    assert!(out.contains("received_at") || out.contains("type"), "{out}");
    for args in [
        vec!["export", "--journal", &url],
        vec!["protocol", "--journal", &url],
    ] {
        let (code, out) = run_bin(&args);
        assert_ne!(code, 101, "{:?} panicked: {out}", args[0]);
        assert!(!out.contains("panicked"), "{out}");
    }
}
