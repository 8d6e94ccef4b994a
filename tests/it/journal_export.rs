//! `lotwatch export` run as the real binary: CSV and JSON parse back to the
//! journal's events exactly (hostile text and Cyrillic included), formula
//! cells are neutralized, rates of the day apply, `--lot` filters, and the
//! exit codes say what went wrong.

use crate::support::journal_day;

use journal_day::{AUCTION, T0, day, temp_dir};
use lotwatch::domain::{Currency, Event, EventKind, LotResult, LotStatus, Money, Rate, Timestamp};
use lotwatch::journal::codec::lot_from_wire;
use lotwatch::journal::{Journal, Receipt};
use lotwatch::platform::wire::WireLot;
use lotwatch::rates::{RateSource, RateTable};
use lotwatch::sync::SyncMsg;
use lotwatch::testing::test_lot;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Output;

const DAY2: i64 = T0 + 24 * 3_600_000;

/// The day's events plus one of every other kind, a known amount, and an
/// event on a day without rates.
fn events() -> Vec<Event> {
    let mut ev = day(11, 3, 120).events;
    let mut seq = ev.last().map(|e| e.seq).unwrap_or(0);
    let mut next = |at: i64, lot: Option<&str>, kind: EventKind| {
        seq += 1;
        Event {
            seq,
            at: Timestamp(at),
            lot_id: lot.map(Into::into),
            kind,
        }
    };
    let mut lot = test_lot();
    lot.id = "401199".into();
    lot.name = "=Лот \"Жаңа\", 新; -1+1".into();
    lot.region = "@Aktobe".into();
    lot.license.area_km2 = Some("0.66".parse().expect("decimal"));
    let extra = vec![
        next(
            T0 + 3_600_000,
            Some("401199"),
            EventKind::Lot(Box::new(lot)),
        ),
        next(
            T0 + 3_600_001,
            Some("401199"),
            EventKind::Bid {
                amount: Money::from_tenge(36_920_000),
                bidder: "P-07".into(),
                closes_at: Timestamp(T0 + 7_200_000),
            },
        ),
        next(
            T0 + 3_600_002,
            Some("401199"),
            EventKind::Status {
                status_text: None,
                status: LotStatus::Sold,
                closes_at: Timestamp(T0 + 7_200_000),
                result: Some(LotResult {
                    winner: "P-07".into(),
                    amount: Money::from_tenge(36_920_000),
                    protocol_at: Timestamp(T0 + 7_300_000),
                }),
            },
        ),
        next(
            DAY2,
            None,
            EventKind::Notice {
                message: "Завтра: \"новые\" лоты, запятые, 'кавычки'".into(),
            },
        ),
        next(
            DAY2 + 1,
            Some("401199"),
            EventKind::Unknown {
                type_name: "pause".into(),
            },
        ),
        next(
            DAY2 + 2,
            Some("401199"),
            EventKind::Status {
                status_text: None,
                status: LotStatus::Unknown("frozen".into()),
                closes_at: Timestamp(1),
                result: None,
            },
        ),
    ];
    ev.extend(extra);
    ev
}

fn write_journal(path: &Path, events: &[Event]) {
    let j = Journal::open(path).expect("open");
    let w = j.writer(AUCTION).expect("writer");
    let mut t = RateTable {
        source: RateSource::Nbk,
        date: Some("2025-06-24".parse().expect("date")),
        rates: Default::default(),
        fetched_at: Timestamp(T0),
        fallback: None,
    };
    for (c, r) in [
        (Currency::Usd, "519.53"),
        (Currency::Eur, "601.12"),
        (Currency::Cny, "72.31"),
    ] {
        t.rates.insert(c, Rate(r.parse().expect("rate")));
    }
    w.record_sync_msg(&SyncMsg::Rates(t.clone()), Receipt::now(None))
        .expect("rates");
    // The platform's table of the same day ranks below the National Bank's.
    t.source = RateSource::Platform;
    t.rates
        .insert(Currency::Usd, Rate("1".parse().expect("rate")));
    w.record_sync_msg(&SyncMsg::Rates(t), Receipt::now(None))
        .expect("rates");
    for chunk in events.chunks(7) {
        w.record_sync_msg(
            &SyncMsg::Events(chunk.to_vec()),
            Receipt::now(Some(Timestamp(T0))),
        )
        .expect("events");
    }
    w.flush().expect("flush");
}

fn lotwatch(args: &[&str]) -> Output {
    crate::support::server::lotwatch()
        .args(args)
        .output()
        .expect("run lotwatch")
}

fn setup(name: &str) -> (PathBuf, PathBuf, Vec<Event>) {
    let dir = temp_dir(name);
    let path = dir.join("day.sqlite");
    let ev = events();
    write_journal(&path, &ev);
    (dir, path, ev)
}

/// Undoes the documented formula rule: one leading `'` goes from a cell
/// matching `'+[=+\-@]`.
fn unquote(cell: &str) -> String {
    let rest = cell.trim_start_matches('\'');
    if rest.len() < cell.len() && rest.starts_with(['=', '+', '-', '@']) {
        cell[1..].to_string()
    } else {
        cell.to_string()
    }
}

/// Rebuilds an event from export fields (the same names in CSV and JSON).
fn event_from_fields(f: &dyn Fn(&str) -> Option<String>) -> Event {
    let t = |k: &str| Timestamp::parse(&f(k).expect(k)).expect(k);
    let m = |k: &str| Money::parse(&f(k).expect(k)).expect(k);
    let kind = match f("type").expect("type").as_str() {
        "bid" => EventKind::Bid {
            amount: m("amount_kzt"),
            bidder: f("bidder").expect("bidder"),
            closes_at: t("closes_at"),
        },
        "extended" => EventKind::Extended {
            closes_at: t("closes_at"),
            extensions: f("extensions").expect("ext").parse().expect("ext"),
        },
        "status" => EventKind::Status {
            status_text: None,
            status: LotStatus::parse(&f("status").expect("status")),
            closes_at: t("closes_at"),
            result: f("winner").map(|w| LotResult {
                winner: w,
                amount: m("amount_kzt"),
                protocol_at: t("protocol_at"),
            }),
        },
        "lot" => {
            let w: WireLot = serde_json::from_str(&f("lot").expect("lot")).expect("lot json");
            EventKind::Lot(Box::new(lot_from_wire(&w).expect("lot")))
        }
        "notice" => EventKind::Notice {
            message: f("message").expect("message"),
        },
        other => EventKind::Unknown {
            type_name: other.to_string(),
        },
    };
    Event {
        seq: f("seq").expect("seq").parse().expect("seq"),
        at: t("server_time"),
        lot_id: f("lot_id"),
        kind,
    }
}

struct Csv {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn parse_csv(stdout: &[u8]) -> Csv {
    let text = std::str::from_utf8(stdout).expect("UTF-8");
    let body = text
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark first");
    assert!(body.contains("\r\n"), "RFC 4180 line ends");
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(body.as_bytes());
    let header = r
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let rows = r
        .records()
        .map(|rec| rec.expect("record").iter().map(String::from).collect())
        .collect();
    Csv { header, rows }
}

impl Csv {
    fn events(&self) -> Vec<Event> {
        let idx: HashMap<&str, usize> = self
            .header
            .iter()
            .enumerate()
            .map(|(i, h)| (h.as_str(), i))
            .collect();
        self.rows
            .iter()
            .map(|row| {
                let f = |k: &str| Some(unquote(&row[idx[k]])).filter(|s| !s.is_empty());
                event_from_fields(&f)
            })
            .collect()
    }

    fn cell(&self, row: usize, col: &str) -> &str {
        let i = self.header.iter().position(|h| h == col).expect(col);
        &self.rows[row][i]
    }
}

#[test]
fn csv_parses_back_to_the_journals_events() {
    let (dir, path, ev) = setup("csv");
    let out = lotwatch(&[
        "export",
        "--journal",
        path.to_str().expect("utf-8 path"),
        "--format",
        "csv",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = parse_csv(&out.stdout);
    assert_eq!(csv.header, lotwatch::journal::export::COLUMNS);
    assert_eq!(csv.events(), ev);
    assert_eq!(
        Journal::read_events(&path, None)
            .expect("read")
            .into_iter()
            .map(|s| s.event)
            .collect::<Vec<_>>(),
        ev
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn json_parses_back_to_the_journals_events() {
    let (dir, path, ev) = setup("json");
    let out = lotwatch(&[
        "export",
        "--journal",
        path.to_str().expect("utf-8 path"),
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    let rows = v.as_array().expect("an array");
    let back: Vec<Event> = rows
        .iter()
        .map(|o| {
            let f = |k: &str| match &o[k] {
                serde_json::Value::Null => None,
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Object(_) => Some(o[k].to_string()),
                other => Some(other.to_string()),
            };
            event_from_fields(&f)
        })
        .collect();
    assert_eq!(back, ev);
    assert!(
        rows.iter()
            .all(|o| o["seq"].is_u64() && o["auction"] == AUCTION)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn formula_cells_are_shown_as_text() {
    let (dir, path, ev) = setup("formula");
    let out = lotwatch(&["export", "--journal", path.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(0));
    let csv = parse_csv(&out.stdout);
    for row in &csv.rows {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "formula cell {cell:?}"
            );
        }
    }
    let hyper = ev
        .iter()
        .position(|e| matches!(&e.kind, EventKind::Bid { bidder, .. } if bidder.starts_with("=HYPERLINK")))
        .expect("the day has a hostile bidder");
    assert_eq!(csv.cell(hyper, "bidder"), "'=HYPERLINK(\"http://x\")");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn amounts_are_converted_at_the_national_banks_rate_of_the_events_day() {
    let (dir, path, ev) = setup("rates");
    let out = lotwatch(&[
        "export",
        "--journal",
        path.to_str().expect("utf-8 path"),
        "--no-bom",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(!out.stdout.starts_with("\u{feff}".as_bytes()));
    let mut with_bom = "\u{feff}".as_bytes().to_vec();
    with_bom.extend(&out.stdout);
    let csv = parse_csv(&with_bom);
    let big = ev.iter().position(|e| matches!(e.kind, EventKind::Bid { amount, .. } if amount == Money::from_tenge(36_920_000))).expect("known bid");
    assert_eq!(csv.cell(big, "amount_kzt"), "36920000.00");
    assert_eq!(csv.cell(big, "astana_time"), "2025-06-24 11:00:00.001");
    assert_eq!(
        (csv.cell(big, "rate_date"), csv.cell(big, "rate_source")),
        ("2025-06-24", "nbk")
    );
    // 36 920 000 / 519.53 = 71 064.2311..., / 601.12 = 61 418.6851... (half up), / 72.31 = 510 579.4495...
    assert_eq!(
        (csv.cell(big, "usd_rate"), csv.cell(big, "amount_usd")),
        ("519.53", "71064.23")
    );
    assert_eq!(csv.cell(big, "amount_eur"), "61418.69");
    assert_eq!(csv.cell(big, "amount_cny"), "510579.45");
    // The sold status carries the result amount, converted the same way.
    assert_eq!(csv.cell(big + 1, "amount_usd"), "71064.23");
    // A day without known rates leaves the columns empty.
    let next_day = ev.iter().position(|e| e.at.0 >= DAY2).expect("next day");
    for col in ["rate_date", "rate_source", "usd_rate", "amount_usd"] {
        assert_eq!(csv.cell(next_day, col), "", "{col}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn lot_filter_keeps_one_lot_in_seq_order() {
    let (dir, path, ev) = setup("lot");
    let out = lotwatch(&[
        "export",
        "--journal",
        path.to_str().expect("utf-8 path"),
        "--lot",
        "401199",
        "--format",
        "csv",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let want: Vec<Event> = ev
        .iter()
        .filter(|e| e.lot_id.as_deref() == Some("401199"))
        .cloned()
        .collect();
    assert_eq!(want.len(), 5);
    assert_eq!(parse_csv(&out.stdout).events(), want);
    let out = lotwatch(&[
        "export",
        "--journal",
        path.to_str().expect("utf-8 path"),
        "--lot",
        "nope",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("json"),
        serde_json::json!([])
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn control_codes_from_an_older_journal_never_reach_the_export() {
    let dir = temp_dir("ctl");
    let path = dir.join("old.sqlite");
    let hostile = "P-\u{1b}]52;c;ZWNobyBoaQ==\u{7}07\u{1b}[2J\r\n\u{9b}31m";
    let e = Event {
        seq: 1,
        at: Timestamp(T0),
        lot_id: Some("L\u{1b}[1m1".into()),
        kind: EventKind::Bid {
            amount: Money::from_tenge(5),
            bidder: hostile.into(),
            closes_at: Timestamp(T0),
        },
    };
    write_journal(&path, &[e]);
    for format in ["csv", "json"] {
        let out = lotwatch(&[
            "export",
            "--journal",
            path.to_str().expect("utf-8 path"),
            "--format",
            format,
        ]);
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8(out.stdout).expect("utf-8");
        let body = text.replace("\r\n", "").replace('\n', "");
        assert!(!body.chars().any(|c| c.is_control()), "{format}: {body:?}");
        assert!(
            !body.contains("\\u001b") && !body.contains("\\u0007"),
            "{format}: {body:?}"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn exit_codes_name_the_problem() {
    let dir = temp_dir("exit");
    let missing = dir.join("missing.sqlite");
    let out = lotwatch(&["export", "--journal", missing.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(3));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
    let garbage = dir.join("garbage.sqlite");
    std::fs::write(
        &garbage,
        b"not a database at all, just text that is long enough to be a header......",
    )
    .expect("write");
    let out = lotwatch(&["export", "--journal", garbage.to_str().expect("path")]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("damaged"));
    let out = lotwatch(&[
        "export",
        "--journal",
        garbage.to_str().expect("path"),
        "--format",
        "xml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = lotwatch(&["export"]);
    assert_eq!(out.status.code(), Some(2));
    let out = lotwatch(&["--journal", "x.sqlite", "--no-journal"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "--journal and --no-journal exclude each other"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn auction_keeps_one_auctions_events_and_an_unknown_one_is_named() {
    let (dir, path, ev) = setup("auction");
    // A second source recorded as its own auction in the same file.
    {
        let j = Journal::open(&path).expect("open");
        let w = j
            .writer(lotwatch::domain::lot::SITE_AUCTION_ID)
            .expect("writer");
        w.record_sync_msg(
            &SyncMsg::Events(ev[..3].to_vec()),
            Receipt::now(Some(Timestamp(T0))),
        )
        .expect("events");
        w.flush().expect("flush");
    }
    let p = path.to_str().expect("utf-8 path");
    let all = parse_csv(&lotwatch(&["export", "--journal", p]).stdout);
    assert_eq!(all.events().len(), ev.len() + 3, "both auctions");
    let out = lotwatch(&["export", "--journal", p, "--auction", AUCTION]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(parse_csv(&out.stdout).events(), ev);
    let out = lotwatch(&[
        "export",
        "--journal",
        p,
        "--auction",
        lotwatch::domain::lot::SITE_AUCTION_ID,
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let rows = serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("json");
    assert_eq!(rows.as_array().map(Vec::len), Some(3));
    let out = lotwatch(&["export", "--journal", p, "--auction", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("holds no auction \"nope\"") && err.contains(AUCTION),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
