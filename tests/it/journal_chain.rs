//! The journal's hash chain against tampering done through SQLite directly
//! (triggers dropped first where needed), each caught by the real `lotwatch
//! verify` with exit status 4 and the right record named; the chain
//! recomputed from its documented canonical form by an implementation of
//! this test's own; and the migration of a journal written before chains
//! (`tests/fixtures/journal-v1.sqlite`, made by the build before them).

use crate::support::journal_day;

use journal_day::{AUCTION, T0, batches, day, temp_dir};
use lotwatch::domain::{Auction, AuctionStatus, Currency, Rate, Timestamp};
use lotwatch::journal::{Journal, JournalRecord, Receipt};
use lotwatch::rates::{RateSource, RateTable};
use lotwatch::sync::SyncMsg;
use rusqlite::Connection;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

fn at(ms: i64) -> Receipt {
    Receipt {
        local: Timestamp(T0 + ms),
        server_est: Some(Timestamp(T0 + ms - 120)),
    }
}

/// A journal of a small day through the real writer: the auction, a rate,
/// a snapshot, event batches, bid histories and an anomaly.
fn recorded_day(dir: &Path) -> PathBuf {
    let path = dir.join("day.sqlite");
    let d = day(16, 3, 60);
    let j = Journal::open(&path).expect("open");
    let w = j.writer(AUCTION).expect("writer");
    w.append(
        JournalRecord::Auction(Auction {
            id: AUCTION.into(),
            title: "Аукцион, июнь 2025".into(),
            venue: "Simulated platform".into(),
            timezone: "Asia/Almaty".into(),
            currency: "KZT".into(),
            starts_at: Timestamp(T0),
            ends_at: Timestamp(T0 + 3_600_000),
            status: AuctionStatus::Running,
        }),
        at(0),
    )
    .expect("auction");
    w.append(
        JournalRecord::Rates(RateTable {
            source: RateSource::Nbk,
            date: Some("2025-06-24".parse().expect("date")),
            rates: [(Currency::Usd, Rate("519.53".parse().expect("rate")))]
                .into_iter()
                .collect(),
            fetched_at: Timestamp(T0),
            fallback: None,
        }),
        at(1),
    )
    .expect("rates");
    w.record_sync_msg(
        &SyncMsg::Snapshot {
            seq: 0,
            lots: d.lots.clone(),
            rejected: vec![],
        },
        at(2),
    )
    .expect("snapshot");
    for (i, b) in batches(&d.events, 5, 6).iter().enumerate() {
        w.record_sync_msg(&SyncMsg::Events(b.clone()), at(1000 * (i as i64 + 3)))
            .expect("events");
    }
    w.append(
        JournalRecord::Anomaly {
            lot_id: Some(d.lots[0].id.clone()),
            server_at: None,
            kind: "clock_skew".into(),
            evidence: "server 5.0 s ahead".into(),
        },
        at(500_000),
    )
    .expect("anomaly");
    w.flush().expect("flush");
    drop((w, j));
    // Everything into the main file, so that copying it copies the journal.
    let c = open(&path);
    let busy: i64 = c
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
        .expect("checkpoint");
    assert_eq!(busy, 0, "the checkpoint was blocked");
    path
}

struct Run {
    code: i32,
    out: String,
}

fn verify(path: &Path, extra: &[&str]) -> Run {
    let o = crate::support::server::lotwatch()
        .args(["verify", "--journal"])
        .arg(path)
        .args(extra)
        .output()
        .expect("run lotwatch verify");
    Run {
        code: o.status.code().unwrap_or(-1),
        out: format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    }
}

fn copy(src: &Path, dir: &Path, name: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::copy(src, &p).expect("copy journal");
    p
}

fn open(p: &Path) -> Connection {
    Connection::open(p).expect("sqlite")
}

/// The chain record of a row.
fn record_of(c: &Connection, table: &str, rowid: i64) -> i64 {
    c.query_row(
        "SELECT n FROM chain WHERE tbl = ?1 AND row_id = ?2",
        rusqlite::params![table, rowid],
        |r| r.get(0),
    )
    .expect("the row is chained")
}

fn event_rowid(c: &Connection, seq: i64) -> i64 {
    c.query_row("SELECT rowid FROM events WHERE seq = ?1", [seq], |r| {
        r.get(0)
    })
    .expect("event row")
}

// ---- an implementation of the canonical form from docs/protocol.md ----

const COLUMNS: [(&str, &str); 11] = [
    ("chain_start", "tbl, rows, max_rowid, started_at, migrated"),
    ("messages", "id, auction, kind, received_at, server_est"),
    (
        "events",
        "auction, seq, message_id, server_at, received_at, lot_id, type, amount, bidder, body",
    ),
    ("cursor", "message_id, auction, seq"),
    ("snapshots", "auction, seq, message_id, lot_count"),
    ("snapshot_lots", "auction, seq, ord, lot_id, body"),
    (
        "changes",
        "message_id, auction, snapshot_seq, lot_id, kind, server_at, amount, body",
    ),
    (
        "bids",
        "auction, seq, message_id, lot_id, at, amount, bidder",
    ),
    ("auction_info", "message_id, auction, body"),
    (
        "rates",
        "date, source, currency, rate, fetched_at, message_id",
    ),
    (
        "anomalies",
        "message_id, auction, lot_id, server_at, kind, evidence",
    ),
];

fn value(out: &mut Vec<u8>, v: rusqlite::types::Value) {
    use rusqlite::types::Value::*;
    match v {
        Null => out.push(0),
        Integer(i) => {
            out.push(1);
            out.extend(i.to_be_bytes());
        }
        Real(f) => {
            out.push(2);
            out.extend(f.to_bits().to_be_bytes());
        }
        Text(t) => {
            out.push(3);
            out.extend((t.len() as u32).to_be_bytes());
            out.extend(t.as_bytes());
        }
        Blob(b) => {
            out.push(4);
            out.extend((b.len() as u32).to_be_bytes());
            out.extend(b);
        }
    }
}

fn canonical(c: &Connection, table: &str, rowid: i64) -> Vec<u8> {
    let cols = COLUMNS.iter().find(|t| t.0 == table).expect("chained").1;
    let n = cols.split(',').count();
    let mut out = Vec::new();
    value(&mut out, rusqlite::types::Value::Text(table.into()));
    value(&mut out, rusqlite::types::Value::Integer(rowid));
    c.query_row(
        &format!("SELECT {cols} FROM {table} WHERE rowid = ?1"),
        [rowid],
        |r| {
            for i in 0..n {
                value(&mut out, r.get(i)?);
            }
            Ok(())
        },
    )
    .expect("row");
    out
}

/// Recomputes the chain; returns (records, head hex).
fn recompute(c: &Connection) -> (i64, String) {
    let mut stmt = c
        .prepare("SELECT n, tbl, row_id FROM chain ORDER BY n")
        .expect("chain");
    let rows: Vec<(i64, String, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    let mut prev = [0u8; 32];
    for (_, table, rowid) in &rows {
        let mut h = Sha256::new();
        h.update(prev);
        h.update(canonical(c, table, *rowid));
        prev = h.finalize().into();
    }
    let hex: String = prev.iter().map(|b| format!("{b:02x}")).collect();
    (rows.len() as i64, hex)
}

/// Every row after the chain's start, in every chained table, is a record.
fn rows_after_start(c: &Connection) -> i64 {
    COLUMNS
        .iter()
        .map(|(t, _)| {
            c.query_row(
                &format!(
                    "SELECT count(*) FROM {t} WHERE rowid > coalesce((SELECT max_rowid FROM chain_start WHERE tbl = '{t}'), 0)"
                ),
                [],
                |r| r.get::<_, i64>(0),
            )
            .expect("count")
        })
        .sum()
}

#[test]
fn a_recorded_day_verifies_and_its_head_is_the_documented_hash() {
    let dir = temp_dir("chain-ok");
    let path = recorded_day(&dir);
    let r = verify(&path, &[]);
    assert_eq!(r.code, 0, "{}", r.out);
    let c = open(&path);
    let (records, head) = recompute(&c);
    assert!(records > 100, "{records}");
    assert_eq!(records, rows_after_start(&c), "every row is a record");
    assert!(
        r.out.contains(&format!("records: {records}\n")),
        "{}",
        r.out
    );
    assert!(r.out.contains(&format!("head:    {head}\n")), "{}", r.out);
    assert!(
        r.out.contains("every record since the journal began"),
        "{}",
        r.out
    );
    // Every transaction stored its head with it (and so with its cursor).
    let (messages, heads, cursor_without_head): (i64, i64, i64) = c
        .query_row(
            "SELECT (SELECT count(*) FROM messages), \
                    (SELECT count(*) FROM chain_head WHERE message_id IS NOT NULL), \
                    (SELECT count(*) FROM cursor k WHERE NOT EXISTS \
                        (SELECT 1 FROM chain_head h WHERE h.message_id = k.message_id))",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("counts");
    assert_eq!(
        (messages, heads, cursor_without_head),
        (messages, messages, 0)
    );
    let last: String = c
        .query_row(
            "SELECT head FROM chain_head ORDER BY rowid DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("head");
    assert_eq!(last, head);
    // The printed head is found; a head of another journal is not.
    let r = verify(&path, &["--head", &head]);
    assert_eq!(r.code, 0, "{}", r.out);
    assert!(
        r.out.contains(&format!("record {records} of this chain")),
        "{}",
        r.out
    );
    let r = verify(&path, &["--head", &"ab".repeat(32)]);
    assert_eq!(r.code, 4, "{}", r.out);
    assert!(
        r.out
            .contains("no record of this journal's chain has the head"),
        "{}",
        r.out
    );
    let r = verify(&path, &["--head", "nothex"]);
    assert_eq!(r.code, 2, "{}", r.out);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_edited_amount_is_named_even_with_the_trigger_put_back() {
    let dir = temp_dir("chain-edit");
    let clean = recorded_day(&dir);
    for (name, restore) in [("edit.sqlite", false), ("edit-restored.sqlite", true)] {
        let path = copy(&clean, &dir, name);
        let c = open(&path);
        let (seq, rowid): (i64, i64) = c
            .query_row(
                "SELECT seq, rowid FROM events WHERE type = 'bid' ORDER BY seq LIMIT 1 OFFSET 7",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("a bid");
        let n = record_of(&c, "events", rowid);
        let sql: String = c
            .query_row(
                "SELECT sql FROM sqlite_master WHERE name = 'events_no_update'",
                [],
                |r| r.get(0),
            )
            .expect("trigger");
        // The append-only trigger refuses the edit until it is dropped.
        assert!(
            c.execute("UPDATE events SET amount = '1.00' WHERE seq = ?1", [seq])
                .is_err()
        );
        c.execute_batch("DROP TRIGGER events_no_update")
            .expect("drop");
        assert_eq!(
            c.execute(
                "UPDATE events SET amount = '999999999.00' WHERE seq = ?1",
                [seq]
            )
            .expect("update"),
            1
        );
        if restore {
            c.execute_batch(&sql).expect("trigger put back");
        }
        drop(c);
        let r = verify(&path, &[]);
        assert_eq!(r.code, 4, "{}", r.out);
        assert!(
            r.out.contains(&format!(
                "record {n} (events row {rowid}: event seq {seq}, bid on lot"
            )) && r.out.contains("does not match its hash"),
            "{}",
            r.out
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_deleted_row_is_named() {
    let dir = temp_dir("chain-delete");
    let path = copy(&recorded_day(&dir), &dir, "delete.sqlite");
    let c = open(&path);
    let rowid = event_rowid(&c, 20);
    let n = record_of(&c, "events", rowid);
    assert!(c.execute("DELETE FROM events WHERE seq = 20", []).is_err());
    c.execute_batch("DROP TRIGGER events_no_delete")
        .expect("drop");
    c.execute("DELETE FROM events WHERE seq = 20", [])
        .expect("delete");
    drop(c);
    let r = verify(&path, &[]);
    assert_eq!(r.code, 4, "{}", r.out);
    assert!(
        r.out.contains(&format!(
            "record {n} (events row {rowid}) is missing: the row was deleted"
        )),
        "{}",
        r.out
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_inserted_row_is_named_and_so_is_a_forged_record_for_it() {
    let dir = temp_dir("chain-insert");
    let clean = recorded_day(&dir);
    // A forged bid, as another program would add it (no trigger stops an
    // INSERT: the chain must).
    let forge = |c: &Connection| -> i64 {
        c.execute(
            "INSERT INTO events (auction, seq, message_id, server_at, received_at, lot_id, type, amount, bidder, body) \
             SELECT auction, 100000, message_id, server_at, received_at, lot_id, type, '5000000.00', 'P-99', body \
             FROM events WHERE type = 'bid' LIMIT 1",
            [],
        )
        .expect("insert");
        c.last_insert_rowid()
    };
    let path = copy(&clean, &dir, "insert.sqlite");
    let c = open(&path);
    let rowid = forge(&c);
    drop(c);
    let r = verify(&path, &[]);
    assert_eq!(r.code, 4, "{}", r.out);
    assert!(
        r.out
            .contains(&format!("events row {rowid}: event seq 100000, bid on lot"))
            && r.out
                .contains("is not in the chain: the row was added outside lotwatch"),
        "{}",
        r.out
    );

    // The forger also appends a correctly hashed record for it: the heads
    // stored with the cursor do not cover it.
    let path = copy(&clean, &dir, "insert-forged.sqlite");
    let c = open(&path);
    let rowid = forge(&c);
    let (records, head) = recompute(&c);
    let mut h = Sha256::new();
    h.update(
        (0..32)
            .map(|i| u8::from_str_radix(&head[2 * i..2 * i + 2], 16).expect("hex"))
            .collect::<Vec<u8>>(),
    );
    h.update(canonical(&c, "events", rowid));
    let forged: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    c.execute(
        "INSERT INTO chain (n, tbl, row_id, hash) VALUES (?1, 'events', ?2, ?3)",
        rusqlite::params![records + 1, rowid, forged],
    )
    .expect("forged record");
    drop(c);
    let r = verify(&path, &[]);
    assert_eq!(r.code, 4, "{}", r.out);
    assert!(
        r.out.contains(&format!(
            "record {} (the chain's last) is not covered by any head stored with the cursor",
            records + 1
        )),
        "{}",
        r.out
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_truncated_tail_is_named_and_a_consistent_cut_is_caught_by_the_printed_head() {
    let dir = temp_dir("chain-truncate");
    let clean = recorded_day(&dir);
    let full_head = recompute(&open(&clean)).1;
    // Cut the last five messages and everything they wrote, chain records
    // included, with every delete trigger dropped.
    let cut = |c: &Connection, heads_too: bool| -> i64 {
        let keep: i64 = c
            .query_row("SELECT max(id) - 5 FROM messages", [], |r| r.get(0))
            .expect("messages");
        let first_cut: i64 = c
            .query_row(
                "SELECT min(n) FROM chain WHERE tbl = 'messages' AND row_id > ?1",
                [keep],
                |r| r.get(0),
            )
            .expect("first cut record");
        for t in [
            "events",
            "cursor",
            "messages",
            "chain",
            "chain_head",
            "anomalies",
        ] {
            c.execute_batch(&format!("DROP TRIGGER {t}_no_delete"))
                .expect("drop");
        }
        for t in ["events", "cursor", "anomalies"] {
            c.execute(&format!("DELETE FROM {t} WHERE message_id > ?1"), [keep])
                .expect("cut rows");
        }
        c.execute("DELETE FROM messages WHERE id > ?1", [keep])
            .expect("cut messages");
        c.execute("DELETE FROM chain WHERE n >= ?1", [first_cut])
            .expect("cut records");
        if heads_too {
            c.execute("DELETE FROM chain_head WHERE message_id > ?1", [keep])
                .expect("cut heads");
        }
        first_cut
    };
    let path = copy(&clean, &dir, "cut.sqlite");
    let c = open(&path);
    let first_cut = cut(&c, false);
    let stored: i64 = c
        .query_row("SELECT max(records) FROM chain_head", [], |r| r.get(0))
        .expect("stored head");
    drop(c);
    let r = verify(&path, &[]);
    assert_eq!(r.code, 4, "{}", r.out);
    assert!(
        r.out.contains(&format!(
            "the head stored with the cursor says record {stored} but the chain ends at record {}: records {first_cut} to {stored} were cut off the tail",
            first_cut - 1
        )),
        "{}",
        r.out
    );

    // Cut with the heads too: the file is a consistent shorter journal, and
    // only the head printed on the day's protocol shows it.
    let path = copy(&clean, &dir, "cut-consistent.sqlite");
    let c = open(&path);
    c.execute_batch("SELECT 1").expect("open");
    cut(&c, true);
    for t in [
        "events",
        "cursor",
        "messages",
        "chain",
        "chain_head",
        "anomalies",
    ] {
        c.execute_batch(&lotwatch::journal::schema::trigger_sql(t, "DELETE"))
            .expect("trigger put back");
    }
    drop(c);
    let r = verify(&path, &[]);
    assert_eq!(r.code, 0, "{}", r.out);
    let r = verify(&path, &["--head", &full_head]);
    assert_eq!(r.code, 4, "{}", r.out);
    assert!(
        r.out.contains(&format!(
            "no record of this journal's chain has the head {full_head}"
        )),
        "{}",
        r.out
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn dropped_or_replaced_triggers_are_named() {
    let dir = temp_dir("chain-triggers");
    let clean = recorded_day(&dir);
    let path = copy(&clean, &dir, "dropped.sqlite");
    open(&path)
        .execute_batch("DROP TRIGGER bids_no_delete")
        .expect("drop");
    let r = verify(&path, &[]);
    assert_eq!(r.code, 4, "{}", r.out);
    assert!(
        r.out
            .contains("the append-only trigger bids_no_delete is missing"),
        "{}",
        r.out
    );
    let path = copy(&clean, &dir, "replaced.sqlite");
    open(&path)
        .execute_batch(
            "DROP TRIGGER events_no_update; \
             CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT 1; END;",
        )
        .expect("replace");
    let r = verify(&path, &[]);
    assert_eq!(r.code, 4, "{}", r.out);
    assert!(
        r.out
            .contains("the append-only trigger events_no_update is not the one lotwatch creates"),
        "{}",
        r.out
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn bad_files_exit_3_and_a_damaged_one_fails_the_integrity_check() {
    let dir = temp_dir("chain-bad");
    let r = verify(&dir.join("missing.sqlite"), &[]);
    assert_eq!(r.code, 3, "{}", r.out);
    let junk = dir.join("junk.sqlite");
    std::fs::write(&junk, vec![b'x'; 8192]).expect("junk");
    assert_eq!(verify(&junk, &[]).code, 3);
    let other = dir.join("other.sqlite");
    open(&other)
        .execute_batch("CREATE TABLE t (x)")
        .expect("other db");
    assert_eq!(verify(&other, &[]).code, 3);
    // A page of the file overwritten: SQLite's integrity check fails.
    let path = copy(&recorded_day(&dir), &dir, "damaged.sqlite");
    {
        let c = open(&path);
        c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;")
            .expect("checkpoint");
    }
    let mut bytes = std::fs::read(&path).expect("read");
    let page = 4096;
    assert!(bytes.len() > 4 * page);
    // Pages 2 and 3 (b-tree pages of the first tables) become garbage.
    for b in &mut bytes[page..3 * page] {
        *b = 0x5a;
    }
    std::fs::write(&path, bytes).expect("write");
    let r = verify(&path, &[]);
    assert!(
        r.code == 4 && (r.out.contains("integrity") || r.out.contains("does not match")),
        "{}: {}",
        r.code,
        r.out
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_journal_from_before_chains_is_migrated_and_its_cover_stated() {
    let dir = temp_dir("chain-migrate");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/journal-v1.sqlite");
    let path = copy(&fixture, &dir, "old.sqlite");
    // Not migrated yet: verify says so, and so does the protocol.
    let r = verify(&path, &[]);
    assert_eq!(r.code, 4, "{}", r.out);
    assert!(r.out.contains("has no hash chain"), "{}", r.out);
    let o = crate::support::server::lotwatch()
        .args(["protocol", "--format", "json", "--journal"])
        .arg(&path)
        .output()
        .expect("protocol");
    assert_eq!(o.status.code(), Some(0));
    let p: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(p["chain"]["verified"], false);
    assert!(
        p["chain"]["problem"]
            .as_str()
            .is_some_and(|s| s.contains("no hash chain"))
    );

    let before: i64 = {
        let c = open(&path);
        COLUMNS
            .iter()
            .skip(1)
            .map(|(t, _)| {
                c.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| {
                    r.get::<_, i64>(0)
                })
                .expect("count")
            })
            .sum()
    };
    let old_messages: i64 = open(&path)
        .query_row("SELECT max(id) FROM messages", [], |r| r.get(0))
        .expect("messages");
    // The monitor opens it: migrated, then it records more.
    {
        let j = Journal::open(&path).expect("migrate");
        let w = j.writer(AUCTION).expect("writer");
        let d = day(16, 3, 60);
        let more: Vec<_> = d.events.iter().skip(30).take(10).cloned().collect();
        w.record_sync_msg(&SyncMsg::Events(more), at(900_000))
            .expect("events");
        w.flush().expect("flush");
    }
    let c = open(&path);
    let version: String = c
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .expect("version");
    assert_eq!(version, "2");
    let (records, head) = recompute(&c);
    drop(c);
    let r = verify(&path, &[]);
    assert_eq!(r.code, 0, "{}", r.out);
    assert!(r.out.contains(&format!("head:    {head}")), "{}", r.out);
    assert!(r.out.contains(&format!("records: {records}")), "{}", r.out);
    assert!(
        r.out.contains(&format!("from record 11 (message {}) on; the {before} rows written before it ({old_messages} messages) are counted, not covered", old_messages + 1)),
        "{}",
        r.out
    );
    let o = crate::support::server::lotwatch()
        .args(["protocol", "--journal"])
        .arg(&path)
        .output()
        .expect("protocol");
    let md = String::from_utf8_lossy(&o.stdout);
    assert!(
        md.contains("covers the journal from its migration")
            && md.contains(&format!("from record 11 (message {})", old_messages + 1)),
        "{md}"
    );
    // A row from before the migration deleted: counted, so caught.
    let c = open(&path);
    c.execute_batch("DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq = 3;")
        .expect("delete an old row");
    drop(c);
    let r = verify(&path, &[]);
    assert_eq!(r.code, 4, "{}", r.out);
    assert!(
        r.out
            .contains("table events held 36 rows when the chain began and has 35 of them now"),
        "{}",
        r.out
    );
    // `verify --migrate` starts the chain of an old file that no monitor opened.
    let path = copy(&fixture, &dir, "old2.sqlite");
    let r = verify(&path, &["--migrate"]);
    assert_eq!(r.code, 0, "{}", r.out);
    assert!(r.out.contains("since the migration of"), "{}", r.out);
    let _ = std::fs::remove_dir_all(dir);
}

/// `BIN args...`: (exit code, stdout and stderr).
fn run(args: &[&str]) -> (i32, String) {
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

/// Issue 27.5, the review's reproduction: a tampered row's `type` of
/// `bid\r\e[1A\e[2K…OK` would, printed raw, paint "OK" over "FAILED". The
/// journal's text is outside text: verify, export and the protocol print
/// none of its escapes or controls (an anomaly's evidence and a lot id
/// tampered the same way), and the tampering is still named.
#[test]
fn a_tampered_row_with_escape_sequences_cannot_paint_over_failed() {
    let dir = temp_dir("chain-escape");
    let clean = recorded_day(&dir);
    let path = copy(&clean, &dir, "escape.sqlite");
    let c = open(&path);
    let hostile = "bid\r\x1b[1A\x1b[2Kjournal day.sqlite: OK\x1b]0;pwned\x07\u{9b}2J";
    c.execute_batch(
        "DROP TRIGGER events_no_update; DROP TRIGGER anomalies_no_update; \
         DROP TRIGGER snapshot_lots_no_update;",
    )
    .expect("drop");
    let seq: i64 = c
        .query_row(
            "SELECT seq FROM events WHERE type = 'bid' ORDER BY seq LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("a bid");
    c.execute(
        "UPDATE events SET type = ?1 WHERE seq = ?2",
        rusqlite::params![hostile, seq],
    )
    .expect("update");
    let anomalies = c
        .execute("UPDATE anomalies SET evidence = ?1", [hostile])
        .expect("update");
    assert!(anomalies > 0, "the day has an anomaly");
    drop(c);
    let p = path.to_string_lossy().to_string();
    let (code, out) = run(&["verify", "--journal", &p]);
    assert_eq!(code, 4, "{out}");
    assert!(
        out.contains("FAILED") && out.contains("does not match its hash"),
        "{out}"
    );
    assert!(
        out.contains("bidjournal day.sqlite: OK") || out.contains("bid journal"),
        "{out}"
    );
    for (name, args) in [
        ("verify", vec!["verify", "--journal", &p]),
        ("export", vec!["export", "--journal", &p]),
        (
            "export jsonl",
            vec!["export", "--journal", &p, "--format", "jsonl"],
        ),
        ("protocol", vec!["protocol", "--journal", &p]),
        (
            "protocol html",
            vec!["protocol", "--journal", &p, "--format", "html"],
        ),
    ] {
        let (code, out) = run(&args);
        assert_ne!(code, 101, "{name} panicked: {out}");
        // CSV's records end in CRLF; a bare CR is the row's.
        let bare_cr = out.replace("\r\n", "\n").contains('\r');
        assert!(
            !out.contains('\x1b') && !bare_cr && !out.contains('\x07') && !out.contains('\u{9b}'),
            "{name} printed the journal's escapes: {out:?}"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}
