//! The journal file: exactly once per seq, the cursor, append-only triggers,
//! damaged files, snapshot diffs, restart, and nothing lost under a burst.

use crate::support::journal_day;

use journal_day::{AUCTION, apply, batches, day, temp_dir};
use lotwatch::domain::{Currency, HighBid, Money, Rate, Timestamp};
use lotwatch::journal::{Journal, JournalError, JournalRecord, Receipt};
use lotwatch::rates::{RateSource, RateTable};
use lotwatch::sync::{DataIssue, SyncMsg};

fn at(ms: i64) -> Receipt {
    Receipt {
        local: Timestamp(ms),
        server_est: Some(Timestamp(ms - 120)),
    }
}

#[test]
fn every_event_once_in_seq_order_and_the_cursor_follows() {
    let dir = temp_dir("once");
    let path = dir.join("j.sqlite");
    let d = day(1, 4, 300);
    let j = Journal::open(&path).expect("open");
    assert_eq!(j.cursor(AUCTION).expect("cursor"), None);
    let w = j.writer(AUCTION).expect("writer");
    let bs = batches(&d.events, 2, 9);
    for (i, b) in bs.iter().enumerate() {
        w.record_sync_msg(&SyncMsg::Events(b.clone()), at(i as i64))
            .expect("append");
        // A re-read after a reconnect sends some events again.
        if i % 5 == 0 {
            w.record_sync_msg(&SyncMsg::Events(b.clone()), at(i as i64))
                .expect("append");
        }
    }
    w.flush().expect("flush");
    let stored = j.events(None).expect("read");
    assert_eq!(
        stored.iter().map(|s| s.event.clone()).collect::<Vec<_>>(),
        d.events
    );
    assert!(
        stored
            .iter()
            .all(|s| s.auction == AUCTION && s.seq == s.event.seq && s.server_at == s.event.at)
    );
    assert_eq!(
        j.cursor(AUCTION).expect("cursor"),
        d.events.last().map(|e| e.seq)
    );
    let st = w.status();
    assert_eq!(st.events as usize, d.events.len());
    assert_eq!(
        st.committed as usize,
        bs.len(),
        "duplicate batches add no transaction"
    );
    assert_eq!(st.failed, 0);
    // The same file read by the path-based helper, for one lot.
    let lot = d.lots[1].id.clone();
    let one = Journal::read_events(&path, Some(&lot)).expect("read one lot");
    assert!(!one.is_empty());
    assert!(
        one.iter()
            .all(|s| s.event.lot_id.as_deref() == Some(lot.as_str()))
    );
    let _ = std::fs::remove_dir_all(dir);
}

fn full_journal(path: &std::path::Path) -> Journal {
    let d = day(3, 2, 40);
    let j = Journal::open(path).expect("open");
    let w = j.writer(AUCTION).expect("writer");
    w.record_sync_msg(
        &SyncMsg::Snapshot {
            seq: 0,
            lots: d.lots.clone(),
            rejected: Vec::new(),
        },
        at(1),
    )
    .expect("snap");
    w.record_sync_msg(&SyncMsg::Events(d.events.clone()), at(2))
        .expect("events");
    let mut rates = RateTable {
        source: RateSource::Nbk,
        date: Some("2025-06-24".parse().expect("date")),
        rates: Default::default(),
        fetched_at: Timestamp(5),
        fallback: None,
    };
    rates
        .rates
        .insert(Currency::Usd, Rate("519.53".parse().expect("rate")));
    w.record_sync_msg(&SyncMsg::Rates(rates), at(3))
        .expect("rates");
    let bids = vec![lotwatch::domain::Bid {
        seq: 2,
        at: Timestamp(9),
        amount: Money::from_tenge(1000),
        bidder: "P-1".into(),
    }];
    w.record_sync_msg(
        &SyncMsg::Bids {
            lot_id: d.lots[0].id.clone(),
            bids,
        },
        at(4),
    )
    .expect("bids");
    let issue = DataIssue {
        lot_id: Some("X".into()),
        field: "amount".into(),
        problem: "not money".into(),
    };
    w.record_sync_msg(&SyncMsg::DataIssue(issue), at(5))
        .expect("issue");
    let anomaly = JournalRecord::Anomaly {
        lot_id: Some(d.lots[0].id.clone()),
        server_at: Some(Timestamp(77)),
        kind: "high_bid_fell".into(),
        evidence: "44304000.00 -> 42000000.00".into(),
    };
    w.append(anomaly, at(6)).expect("anomaly");
    let a = lotwatch::domain::Auction {
        id: AUCTION.into(),
        title: "Аукцион".into(),
        venue: "V".into(),
        timezone: "Asia/Almaty".into(),
        currency: "KZT".into(),
        starts_at: Timestamp(0),
        ends_at: Timestamp(1),
        status: lotwatch::domain::AuctionStatus::Running,
    };
    w.record_sync_msg(&SyncMsg::Auction(a), at(7))
        .expect("auction");
    // A later snapshot with a bid no event explained: recorded as a change.
    let mut later = d.lots.clone();
    apply(&mut later, &d.events);
    later[0].high_bid = Some(HighBid {
        amount: Money::from_tenge(9_999_999),
        bidder: "P-9".into(),
        at: Timestamp(8),
        seq: 999,
    });
    later[0].bid_count += 1;
    w.record_sync_msg(
        &SyncMsg::Snapshot {
            seq: 999,
            lots: later,
            rejected: Vec::new(),
        },
        at(8),
    )
    .expect("snap");
    w.flush().expect("flush");
    assert_eq!(w.status().failed, 0, "{:?}", w.status());
    j
}

#[test]
fn update_and_delete_are_refused_on_every_table() {
    let dir = temp_dir("triggers");
    let j = full_journal(&dir.join("j.sqlite"));
    let c = j.connection();
    for t in lotwatch::journal::schema::GUARDED {
        let count = |c: &rusqlite::Connection| {
            c.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| {
                r.get::<_, i64>(0)
            })
        };
        let before = count(c).expect("count");
        assert!(before > 0, "table {t} has rows to protect");
        let del = c.execute(&format!("DELETE FROM {t}"), []);
        assert!(
            del.as_ref()
                .is_err_and(|e| e.to_string().contains("append-only")),
            "DELETE on {t}: {del:?}"
        );
        let first_col: String = c
            .query_row(
                &format!("SELECT name FROM pragma_table_info('{t}') LIMIT 1"),
                [],
                |r| r.get(0),
            )
            .expect("col");
        let upd = c.execute(&format!("UPDATE {t} SET {first_col} = {first_col}"), []);
        assert!(
            upd.as_ref()
                .is_err_and(|e| e.to_string().contains("append-only")),
            "UPDATE on {t}: {upd:?}"
        );
        assert_eq!(count(c).expect("count"), before);
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn snapshots_rates_bids_anomalies_and_changes_are_kept() {
    let dir = temp_dir("kinds");
    let j = full_journal(&dir.join("j.sqlite"));
    // The first snapshot has no baseline; after the events the view matches
    // except for the one unexplained bid of the second snapshot.
    let changes = j.changes().expect("changes");
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].1, "bid");
    assert!(changes[0].2.contains("\"9999999.00\""), "{}", changes[0].2);
    assert_eq!(j.cursor(AUCTION).expect("cursor"), Some(999));
    let rates = j.rates().expect("rates");
    assert_eq!(
        rates[&("2025-06-24".to_string(), "nbk".to_string())]["USD"],
        "519.53"
    );
    let an = j.anomalies().expect("anomalies");
    assert_eq!(an.len(), 2);
    assert_eq!(
        (an[0].kind.as_str(), an[0].evidence.as_str()),
        ("data_issue", "amount: not money")
    );
    assert_eq!(an[0].server_at, Some(Timestamp(5 - 120)));
    assert_eq!(
        (an[1].kind.as_str(), an[1].server_at),
        ("high_bid_fell", Some(Timestamp(77)))
    );
    assert_eq!(j.auctions().expect("auctions"), [AUCTION]);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn after_a_restart_the_view_is_rebuilt_so_a_consistent_snapshot_adds_no_changes() {
    let dir = temp_dir("restart");
    let path = dir.join("j.sqlite");
    let d = day(4, 3, 60);
    let half = d.events.len() / 2;
    {
        let j = Journal::open(&path).expect("open");
        let w = j.writer(AUCTION).expect("writer");
        w.record_sync_msg(
            &SyncMsg::Snapshot {
                seq: 0,
                lots: d.lots.clone(),
                rejected: Vec::new(),
            },
            at(1),
        )
        .expect("snap");
        w.record_sync_msg(&SyncMsg::Events(d.events[..half].to_vec()), at(2))
            .expect("events");
        w.flush().expect("flush");
    }
    let j = Journal::open(&path).expect("reopen");
    assert_eq!(
        j.cursor(AUCTION).expect("cursor"),
        Some(d.events[half - 1].seq)
    );
    let w = j.writer(AUCTION).expect("writer");
    let mut now = d.lots.clone();
    apply(&mut now, &d.events);
    let last = d.events.last().map(|e| e.seq).expect("events");
    // The gap is filled from the feed after the cursor, then the snapshot.
    w.record_sync_msg(&SyncMsg::Events(d.events[half - 3..].to_vec()), at(3))
        .expect("events");
    w.record_sync_msg(
        &SyncMsg::Snapshot {
            seq: last,
            lots: now,
            rejected: Vec::new(),
        },
        at(4),
    )
    .expect("snap");
    w.flush().expect("flush");
    assert!(j.changes().expect("changes").is_empty());
    assert_eq!(j.events(None).expect("events").len(), d.events.len());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_burst_larger_than_the_queue_loses_nothing() {
    let dir = temp_dir("burst");
    let d = day(5, 5, 700);
    let j = Journal::open(&dir.join("j.sqlite")).expect("open");
    let w = j.writer(AUCTION).expect("writer");
    let started = std::time::Instant::now();
    for (i, e) in d.events.iter().enumerate() {
        w.append(JournalRecord::Events(vec![e.clone()]), at(i as i64))
            .expect("append");
    }
    w.flush().expect("flush");
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "{} one-event transactions in {secs:.2} s ({:.0}/s)",
        d.events.len(),
        d.events.len() as f64 / secs
    );
    // More than the old 1024-record channel: handing over never blocks now.
    assert!(d.events.len() > 1024);
    assert_eq!(j.events(None).expect("read").len(), d.events.len());
    assert_eq!(w.status().events as usize, d.events.len());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn damaged_missing_and_foreign_files_are_named_with_what_to_do() {
    let dir = temp_dir("bad");
    let garbage = dir.join("garbage.sqlite");
    std::fs::write(&garbage, vec![0x5au8; 8192]).expect("write");
    for r in [
        Journal::open(&garbage).err(),
        Journal::open_existing(&garbage).err(),
    ] {
        let e = r.expect("a garbage file is refused");
        assert!(matches!(e, JournalError::Corrupt { .. }), "{e:?}");
        let msg = e.to_string();
        assert!(
            msg.contains(&garbage.display().to_string())
                && msg.contains("check the path")
                && msg.contains("move this file aside"),
            "{msg}"
        );
        assert!(e.is_bad_file());
    }

    // A real journal with a page overwritten.
    let damaged = dir.join("damaged.sqlite");
    {
        let j = Journal::open(&damaged).expect("open");
        let w = j.writer(AUCTION).expect("writer");
        w.record_sync_msg(&SyncMsg::Events(day(6, 4, 400).events), at(1))
            .expect("events");
        w.flush().expect("flush");
        j.connection()
            .pragma_update(None, "wal_checkpoint", "TRUNCATE")
            .expect("checkpoint");
    }
    let mut bytes = std::fs::read(&damaged).expect("read");
    assert!(bytes.len() > 5 * 4096, "journal has pages to damage");
    for b in &mut bytes[3 * 4096..5 * 4096] {
        *b = 0xff;
    }
    std::fs::write(&damaged, bytes).expect("write");
    let e = Journal::open_existing(&damaged)
        .err()
        .expect("a damaged journal is refused");
    assert!(matches!(e, JournalError::Corrupt { .. }), "{e:?}");

    let missing = dir.join("nope.sqlite");
    let e = Journal::open_existing(&missing).err().expect("missing");
    assert!(matches!(e, JournalError::Missing(_)) && e.is_bad_file());
    assert!(!missing.exists(), "reading never creates a journal");

    let foreign = dir.join("foreign.sqlite");
    rusqlite::Connection::open(&foreign)
        .expect("db")
        .execute_batch("CREATE TABLE t (x);")
        .expect("table");
    for r in [
        Journal::open(&foreign).err(),
        Journal::open_existing(&foreign).err(),
    ] {
        assert!(matches!(r, Some(JournalError::NotAJournal(_))), "{r:?}");
    }
    let _ = std::fs::remove_dir_all(dir);
}
