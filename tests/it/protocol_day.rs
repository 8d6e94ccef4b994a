//! `lotwatch protocol` of a small crafted day recorded through the real
//! journal writer: four lots (sold after an extension, suspended and resumed
//! and sold with a result that differs from the last bid seen, cancelled,
//! unsold), a gap the feed never filled (a snapshot stands for it), a time
//! the monitor was off (events read late), anomalies, notices, and hostile
//! text (HTML, Markdown links, table bars, spreadsheet formulas) in Kazakh,
//! Russian and English. Markdown and JSON are insta snapshots; the HTML is
//! checked by an HTML parser (well-formed, no script, nothing fetched).
//! Beside it, a day with a starting bonus the source showed in words.

use crate::support::journal_day;

use journal_day::temp_dir;
use lotwatch::domain::{
    Auction, AuctionStatus, Currency, Event, EventKind, License, LicenseKind, Lot, LotResult,
    LotStatus, Money, Rate, SoftClose, Timestamp,
};
use lotwatch::journal::{Journal, JournalRecord, Receipt};
use lotwatch::rates::{RateSource, RateTable};
use lotwatch::sync::SyncMsg;
use std::path::{Path, PathBuf};

const AUCTION: &str = "kz-crafted-2025-06";
/// 2025-06-24T05:00:00Z, 10:00 in Astana.
const T0: i64 = 1_750_741_200_000;
const MIN: i64 = 60_000;

fn t(min: i64, s: i64) -> Timestamp {
    Timestamp(T0 + min * MIN + s * 1000)
}

fn lot(id: &str, name: &str, start_tenge: i64) -> Lot {
    Lot {
        id: id.into(),
        number: id.into(),
        name: name.into(),
        region: "Karaganda".into(),
        minerals: vec!["copper".into()],
        license: License {
            kind: LicenseKind::Exploration,
            term_years: 6,
            area_km2: None,
            blocks: Some(12),
        },
        reserves: String::new(),
        starting_bonus: Money::from_tenge(start_tenge).into(),
        min_increment: Money::from_tenge(start_tenge / 20),
        guarantee: Money::from_tenge(start_tenge).into(),
        participation_fee: Money::from_tenge(393_200).into(),
        min_participants: 2,
        participants: 4,
        status: LotStatus::Scheduled,
        opens_at: t(0, 0),
        closes_at: t(30, 0),
        soft_close: SoftClose {
            window_s: 180,
            extend_s: 120,
            max_extensions: Some(8),
        },
        extensions: 0,
        high_bid: None,
        bid_count: 0,
        result: None,
        site: None,
    }
}

fn lots() -> Vec<Lot> {
    let mut a = lot("401102", "Ақшатау-2", 40_000_000);
    a.minerals = vec!["tungsten".into(), "molybdenum".into()];
    a.reserves = "WO3 12.4 kt".into();
    let mut b = lot(
        "401105",
        "Кемпірсай <script>alert(1)</script> | [site](http://evil.example) *bold*",
        1_200_000_000,
    );
    b.region = "Aktobe".into();
    b.minerals = vec!["copper".into(), "nickel".into()];
    b.license = License {
        kind: LicenseKind::Production,
        term_years: 25,
        area_km2: Some("13.21".parse().expect("decimal")),
        blocks: None,
    };
    let c = lot("401109", "Түбіқарған блогы", 79_000_000);
    let mut d = lot("5012025", "Текелі-Жоғарғы", 24_000_000);
    d.closes_at = t(40, 0);
    vec![a, b, c, d]
}

fn ev(seq: u64, at: Timestamp, lot: Option<&str>, kind: EventKind) -> Event {
    Event {
        seq,
        at,
        lot_id: lot.map(str::to_string),
        kind,
    }
}

fn status(seq: u64, at: Timestamp, lot: &str, s: LotStatus, closes: Timestamp) -> Event {
    ev(
        seq,
        at,
        Some(lot),
        EventKind::Status {
            status_text: None,
            status: s,
            closes_at: closes,
            result: None,
        },
    )
}

fn bid(seq: u64, at: Timestamp, lot: &str, tenge: i64, who: &str, closes: Timestamp) -> Event {
    ev(
        seq,
        at,
        Some(lot),
        EventKind::Bid {
            amount: Money::from_tenge(tenge),
            bidder: who.into(),
            closes_at: closes,
        },
    )
}

fn sold(seq: u64, at: Timestamp, lot: &str, tenge: i64, who: &str, closes: Timestamp) -> Event {
    ev(
        seq,
        at,
        Some(lot),
        EventKind::Status {
            status_text: None,
            status: LotStatus::Sold,
            closes_at: closes,
            result: Some(LotResult {
                winner: who.into(),
                amount: Money::from_tenge(tenge),
                protocol_at: at.plus_secs(120),
            }),
        },
    )
}

const FORMULA: &str = "=HYPERLINK(\"http://x\")";
const RU: &str = "Участник «Б»";

fn notice(seq: u64, at: Timestamp, text: &str) -> Event {
    ev(
        seq,
        at,
        None,
        EventKind::Notice {
            message: text.into(),
        },
    )
}

/// The feed of the day, seq 1..=22.
fn feed() -> Vec<Event> {
    let (a, b, c, d) = ("401102", "401105", "401109", "5012025");
    vec![
        status(1, t(0, 0), a, LotStatus::Open, t(30, 0)),
        status(2, t(0, 0), b, LotStatus::Open, t(30, 0)),
        status(3, t(0, 0), d, LotStatus::Open, t(40, 0)),
        bid(4, t(2, 10), a, 42_000_000, FORMULA, t(30, 0)),
        bid(5, t(3, 5), b, 1_260_000_000, RU, t(30, 0)),
        notice(6, t(5, 0), "Торги идут по расписанию | <b>все лоты</b>"),
        // 7..=9: never recorded (a feed gap); the snapshot at seq 9 stands.
        bid(7, t(6, 0), b, 1_300_000_000, "P-07", t(30, 0)),
        notice(8, t(6, 30), "Перерыв 5 минут"),
        bid(9, t(8, 0), a, 44_000_000, "P-07", t(30, 0)),
        status(10, t(10, 0), b, LotStatus::Suspended, t(30, 0)),
        status(11, t(17, 0), b, LotStatus::Open, t(37, 0)),
        bid(12, t(18, 0), b, 1_310_000_000, "P-07", t(37, 0)),
        bid(13, t(28, 30), a, 46_000_000, "P-07", t(32, 0)),
        ev(
            14,
            t(28, 30),
            Some(a),
            EventKind::Extended {
                closes_at: t(32, 0),
                extensions: 1,
            },
        ),
        // 15..=21 happen while the monitor is off; read late at 10:45.
        status(15, t(32, 0), a, LotStatus::Closed, t(32, 0)),
        sold(16, t(32, 1), a, 46_000_000, "P-07", t(32, 0)),
        status(17, t(33, 0), c, LotStatus::Cancelled, t(30, 0)),
        status(18, t(37, 0), b, LotStatus::Closed, t(37, 0)),
        sold(19, t(37, 1), b, 1_320_000_000, "P-07", t(37, 0)),
        status(20, t(40, 0), d, LotStatus::Closed, t(40, 0)),
        status(21, t(40, 1), d, LotStatus::Unsold, t(40, 0)),
        notice(22, t(45, 0), "Итоги дня будут опубликованы на площадке"),
    ]
}

fn receipt(at: Timestamp) -> Receipt {
    Receipt {
        local: at.plus_millis(300),
        server_est: Some(at.plus_millis(200)),
    }
}

fn state_at(seq: u64) -> Vec<Lot> {
    let mut ls = lots();
    for e in feed().iter().filter(|e| e.seq <= seq) {
        if let Some(l) = ls.iter_mut().find(|l| Some(&l.id) == e.lot_id.as_ref()) {
            l.apply(e);
        }
    }
    ls
}

/// Records the crafted day into `path` through the real writer.
fn record(path: &Path) {
    let f = feed();
    let pick = |r: std::ops::RangeInclusive<u64>| -> Vec<Event> {
        f.iter().filter(|e| r.contains(&e.seq)).cloned().collect()
    };
    let j = Journal::open(path).expect("open");
    let w = j.writer(AUCTION).expect("writer");
    w.append(
        JournalRecord::Auction(Auction {
            id: AUCTION.into(),
            title: "Аукцион на предоставление права недропользования, июнь 2025".into(),
            venue: "Unified Subsoil Use Platform (simulated)".into(),
            timezone: "Asia/Almaty".into(),
            currency: "KZT".into(),
            starts_at: t(0, 0),
            ends_at: t(60, 0),
            status: AuctionStatus::Running,
        }),
        receipt(t(-2, 0)),
    )
    .expect("auction");
    w.append(
        JournalRecord::Rates(RateTable {
            source: RateSource::Nbk,
            date: Some("2025-06-24".parse().expect("date")),
            rates: [
                (Currency::Usd, Rate("519.53".parse().expect("rate"))),
                (Currency::Eur, Rate("601.20".parse().expect("rate"))),
            ]
            .into_iter()
            .collect(),
            fetched_at: t(-2, 0),
            fallback: None,
        }),
        receipt(t(-2, 0)),
    )
    .expect("rates");
    w.record_sync_msg(
        &SyncMsg::Snapshot {
            seq: 0,
            lots: lots(),
            rejected: vec![],
        },
        receipt(t(-1, 0)),
    )
    .expect("snapshot 0");
    let live = |r: std::ops::RangeInclusive<u64>, at: Timestamp| {
        w.record_sync_msg(&SyncMsg::Events(pick(r)), receipt(at))
            .expect("events");
    };
    live(1..=3, t(0, 0));
    live(4..=4, t(2, 10));
    live(5..=5, t(3, 5));
    live(6..=6, t(5, 0));
    w.append(
        JournalRecord::Anomaly {
            lot_id: None,
            server_at: Some(t(5, 0)),
            kind: "clock_skew".into(),
            evidence: "server clock 5.2 s ahead of this machine's".into(),
        },
        receipt(t(5, 0)),
    )
    .expect("anomaly");
    w.append(
        JournalRecord::Anomaly {
            lot_id: None,
            server_at: Some(t(8, 5)),
            kind: "journal_gap".into(),
            evidence: "events 7..=9 not read from the feed: 410 Gone".into(),
        },
        receipt(t(8, 5)),
    )
    .expect("anomaly");
    w.record_sync_msg(
        &SyncMsg::Snapshot {
            seq: 9,
            lots: state_at(9),
            rejected: vec![],
        },
        receipt(t(8, 5)),
    )
    .expect("snapshot 9");
    live(10..=10, t(10, 0));
    live(11..=11, t(17, 0));
    live(12..=12, t(18, 0));
    live(13..=14, t(28, 30));
    // The monitor is off from 10:28:30 to 10:45: read late on restart.
    live(15..=21, t(45, 0));
    live(22..=22, t(45, 0));
    w.append(
        JournalRecord::Anomaly {
            lot_id: Some("401105".into()),
            server_at: Some(t(37, 1)),
            kind: "result_mismatch".into(),
            evidence: "result 1320000000.00 by P-07, last high bid 1310000000.00 by P-07 (seq 12)"
                .into(),
        },
        receipt(t(45, 1)),
    )
    .expect("anomaly");
    w.flush().expect("flush");
}

fn crafted(name: &str) -> (PathBuf, PathBuf) {
    let dir = temp_dir(name);
    let path = dir.join("crafted.sqlite");
    record(&path);
    (dir, path)
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn protocol(path: &Path, args: &[&str]) -> Out {
    let o = crate::support::server::lotwatch()
        .args(["protocol", "--journal"])
        .arg(path)
        .args(args)
        .output()
        .expect("run lotwatch protocol");
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// The chain head and its start time change with every recording (the
/// start is this machine's clock): replaced by placeholders in snapshots.
fn stable(text: &str, json: &serde_json::Value) -> String {
    let mut s = text.to_string();
    if let Some(h) = json["chain"]["head"].as_str() {
        s = s.replace(h, "[head]");
    }
    if let Some(started) = json["chain"]["started_at"].as_str() {
        s = s.replace(started, "[started]");
        let ts = Timestamp::parse(started).expect("rfc 3339");
        for lang in lotwatch::ui::i18n::Lang::ALL {
            s = s.replace(&lang.datetime(ts), "[started]");
        }
    }
    s
}

fn json_of(path: &Path) -> serde_json::Value {
    let o = protocol(path, &["--format", "json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    serde_json::from_str(&o.stdout).expect("the JSON protocol parses")
}

#[test]
fn markdown_and_json_of_the_crafted_day() {
    let (dir, path) = crafted("proto-snap");
    let json = json_of(&path);
    let pretty = serde_json::to_string_pretty(&json).expect("json");
    insta::assert_snapshot!("crafted_day_json", stable(&pretty, &json));
    for lang in ["en", "ru", "kk"] {
        let o = protocol(&path, &["--lang", lang]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        insta::assert_snapshot!(format!("crafted_day_md_{lang}"), stable(&o.stdout, &json));
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_json_says_what_the_day_was() {
    let (dir, path) = crafted("proto-json");
    let p = json_of(&path);
    assert_eq!(p["auction"]["id"], AUCTION);
    assert_eq!(p["rate"]["source"], "nbk");
    assert_eq!(p["rate"]["usd"], "519.53");
    assert_eq!(p["totals"]["lots"], 4);
    assert_eq!(p["totals"]["by_status"]["sold"], 2);
    assert_eq!(p["totals"]["by_status"]["cancelled"], 1);
    assert_eq!(p["totals"]["by_status"]["unsold"], 1);
    assert_eq!(p["totals"]["results_kzt"], "1366000000.00");
    assert_eq!(p["totals"]["sold_starting_kzt"], "1240000000.00");
    assert_eq!(p["totals"]["uplift_kzt"], "126000000.00");
    assert_eq!(p["totals"]["uplift_pct"], "10.2");
    let numbers: Vec<&str> = p["lots"]
        .as_array()
        .expect("lots")
        .iter()
        .map(|l| l["number"].as_str().expect("number"))
        .collect();
    assert_eq!(numbers, ["401102", "401105", "401109", "5012025"]);
    let a = &p["lots"][0];
    assert_eq!(a["status"], "sold");
    assert_eq!(a["result"]["winner"], "P-07");
    assert_eq!(a["result"]["amount_kzt"], "46000000.00");
    assert_eq!(a["cross_check"]["outcome"], "match");
    assert_eq!(a["extensions"], 1);
    // Seq 9 (P-07's winning bid) was never recorded: the snapshot stands.
    let seqs: Vec<u64> = a["bids"]
        .as_array()
        .expect("bids")
        .iter()
        .map(|b| b["seq"].as_u64().expect("seq"))
        .collect();
    assert_eq!(seqs, [4, 13]);
    let kinds: Vec<&str> = a["holes"]
        .as_array()
        .expect("holes")
        .iter()
        .map(|h| h["kind"].as_str().expect("kind"))
        .collect();
    assert!(
        kinds.contains(&"missing") && kinds.contains(&"snapshot") && kinds.contains(&"offline"),
        "{kinds:?}"
    );
    let b = &p["lots"][1];
    assert_eq!(b["cross_check"]["outcome"], "mismatch");
    assert_eq!(b["cross_check"]["difference_kzt"], "10000000.00");
    assert_eq!(b["anomalies"][0]["kind"], "result_mismatch");
    let steps: Vec<&str> = b["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|s| s["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(
        steps,
        [
            "opened",
            "bid",
            "suspended",
            "resumed",
            "bid",
            "closed",
            "sold"
        ]
    );
    assert_eq!(p["lots"][2]["status"], "cancelled");
    assert!(p["lots"][2]["result"].is_null());
    assert_eq!(p["lots"][3]["cross_check"]["outcome"], "none");
    let day: Vec<(&str, u64, u64)> = p["holes"]
        .as_array()
        .expect("holes")
        .iter()
        .map(|h| {
            (
                h["kind"].as_str().expect("kind"),
                h["from_seq"].as_u64().expect("from"),
                h["to_seq"].as_u64().expect("to"),
            )
        })
        .collect();
    assert_eq!(day, [("missing", 7, 9), ("offline", 15, 21)]);
    assert_eq!(p["holes"][0]["stands_for"]["snapshot_seq"], 9);
    assert_eq!(p["chain"]["verified"], true);
    assert!(p["chain"]["records"].as_u64().expect("records") > 50);
    assert_eq!(p["chain"]["head"].as_str().map(str::len), Some(64));
    // Amounts are exact decimal strings everywhere.
    assert_eq!(a["bids"][0]["amount_kzt"], "42000000.00");
    assert_eq!(a["bids"][0]["amount_usd"], "80842.30");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_html_is_one_clean_printable_document() {
    use scraper::{Html, Selector};
    let (dir, path) = crafted("proto-html");
    let json = json_of(&path);
    for lang in ["en", "ru", "kk"] {
        let out = dir.join(format!("protocol-{lang}.html"));
        let o = protocol(
            &path,
            &[
                "--format",
                "html",
                "--lang",
                lang,
                "--out",
                &out.to_string_lossy(),
            ],
        );
        assert_eq!(o.code, 0, "{}", o.stderr);
        assert!(o.stdout.is_empty(), "--out writes the file, not stdout");
        let text = std::fs::read_to_string(&out).expect("the file");
        let doc = Html::parse_document(&text);
        assert!(
            doc.errors.is_empty(),
            "{lang}: parse errors {:?}",
            doc.errors
        );
        let sel = |s: &str| Selector::parse(s).expect("selector");
        let count = |s: &str| doc.select(&sel(s)).count();
        assert_eq!(count("html[lang]"), 1);
        assert_eq!(
            doc.select(&sel("html"))
                .next()
                .and_then(|h| h.value().attr("lang")),
            Some(lang)
        );
        assert_eq!(count("meta[charset=utf-8]"), 1);
        // Nothing runs, nothing is fetched.
        for forbidden in [
            "script", "link", "img", "iframe", "object", "embed", "base", "audio", "video",
            "source", "form", "[src]", "[href]", "[srcset]",
        ] {
            assert_eq!(count(forbidden), 0, "{lang}: {forbidden}");
        }
        for el in doc
            .root_element()
            .descendants()
            .filter_map(scraper::ElementRef::wrap)
        {
            for (name, _) in el.value().attrs() {
                assert!(!name.starts_with("on"), "{lang}: event handler {name}");
            }
        }
        let style: String = doc.select(&sel("style")).map(|s| s.inner_html()).collect();
        assert!(
            !style.contains("url(") && !style.contains("@import"),
            "{style}"
        );
        assert!(style.contains("size: A4") && style.contains("break-before: page"));
        // A page per lot, the hostile name shown as text, Kazakh intact.
        assert_eq!(count("section.lot"), 4);
        let h2: Vec<String> = doc
            .select(&sel("section.lot h2"))
            .map(|h| h.text().collect())
            .collect();
        assert!(h2[0].ends_with("Ақшатау-2"), "{h2:?}");
        assert!(
            h2[1].contains("<script>alert(1)</script> | [site](http://evil.example)"),
            "{h2:?}"
        );
        assert!(h2[3].ends_with("Текелі-Жоғарғы"), "{h2:?}");
        let body: String = doc.root_element().text().collect();
        assert!(body.contains("'=HYPERLINK"), "formula neutralized");
        assert!(body.contains(RU));
        let holes: usize = json["lots"]
            .as_array()
            .expect("lots")
            .iter()
            .map(|l| l["holes"].as_array().map_or(0, Vec::len))
            .sum();
        assert!(holes >= 8, "{holes}");
        assert_eq!(count("tr.hole"), holes, "{lang}: holes in the timelines");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn bad_input_gives_clear_errors() {
    let (dir, path) = crafted("proto-bad");
    let missing = protocol(&dir.join("none.sqlite"), &[]);
    assert_eq!(missing.code, 3, "{}", missing.stderr);
    assert!(
        missing.stderr.contains("does not exist"),
        "{}",
        missing.stderr
    );
    let junk = dir.join("junk.sqlite");
    std::fs::write(&junk, b"not a database at all, just text".repeat(200)).expect("junk");
    let damaged = protocol(&junk, &[]);
    assert_eq!(damaged.code, 3, "{}", damaged.stderr);
    assert!(damaged.stderr.contains("damaged"), "{}", damaged.stderr);
    // A second auction in the same file: --auction is needed.
    {
        let j = Journal::open(&path).expect("open");
        let w = j.writer("kz-other-2025-07").expect("writer");
        w.record_sync_msg(
            &SyncMsg::Snapshot {
                seq: 0,
                lots: lots(),
                rejected: vec![],
            },
            receipt(t(100, 0)),
        )
        .expect("snapshot");
        w.flush().expect("flush");
    }
    let several = protocol(&path, &[]);
    assert_eq!(several.code, 2, "{}", several.stderr);
    assert!(
        several.stderr.contains(
            "2 auctions (kz-crafted-2025-06, kz-other-2025-07): choose one with --auction ID"
        ),
        "{}",
        several.stderr
    );
    let one = protocol(
        &path,
        &["--auction", "kz-other-2025-07", "--format", "json"],
    );
    assert_eq!(one.code, 0, "{}", one.stderr);
    let v: serde_json::Value = serde_json::from_str(&one.stdout).expect("json");
    assert_eq!(v["auction"]["id"], "kz-other-2025-07");
    let wrong = protocol(&path, &["--auction", "nope"]);
    assert_eq!(wrong.code, 2);
    assert!(
        wrong
            .stderr
            .contains("holds: kz-crafted-2025-06, kz-other-2025-07"),
        "{}",
        wrong.stderr
    );
    // One lot, by number.
    let lot = protocol(
        &path,
        &["--auction", AUCTION, "--lot", "401109", "--format", "json"],
    );
    assert_eq!(lot.code, 0, "{}", lot.stderr);
    let v: serde_json::Value = serde_json::from_str(&lot.stdout).expect("json");
    assert_eq!(v["lots"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["totals"]["lots"], 4, "the totals stay the auction's");
    let none = protocol(&path, &["--auction", AUCTION, "--lot", "999"]);
    assert_eq!(none.code, 2);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_tampered_journal_says_so_at_the_top_of_its_protocol() {
    let (dir, path) = crafted("proto-tamper");
    {
        let c = rusqlite::Connection::open(&path).expect("sqlite");
        c.execute_batch(
            "DROP TRIGGER events_no_update; UPDATE events SET bidder = 'P-01' WHERE seq = 4;",
        )
        .expect("tamper");
    }
    for (lang, word) in [
        ("en", "FAILED VERIFICATION"),
        ("ru", "НЕ ПРОШЁЛ ПРОВЕРКУ"),
        ("kk", "ТЕКСЕРУДЕН ӨТПЕДІ"),
    ] {
        let o = protocol(&path, &["--lang", lang]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        let top: String = o.stdout.lines().take(4).collect::<Vec<_>>().join("\n");
        assert!(
            top.contains(word) && top.contains("event seq 4"),
            "{lang}: {top}"
        );
    }
    let o = protocol(&path, &["--format", "html"]);
    let doc = scraper::Html::parse_document(&o.stdout);
    let banner = doc
        .select(&scraper::Selector::parse("main > div.banner").expect("selector"))
        .next()
        .map(|b| b.text().collect::<String>())
        .unwrap_or_default();
    assert!(banner.contains("FAILED VERIFICATION"), "{banner}");
    let v: serde_json::Value =
        serde_json::from_str(&protocol(&path, &["--format", "json"]).stdout).expect("json");
    assert_eq!(v["chain"]["verified"], false);
    let _ = std::fs::remove_dir_all(dir);
}

/// A day of two lots: 401201 with a known start, 402009 whose start the
/// source showed as «договорная» (words, not a number). Both are sold.
fn unreadable_day(path: &Path) {
    let mut known = lot("401201", "Known start", 1_000_000);
    let mut unreadable = lot("402009", "Договорная", 0);
    unreadable.starting_bonus = lotwatch::domain::Amount::Unreadable;
    for l in [&mut known, &mut unreadable] {
        l.status = LotStatus::Closed;
    }
    let j = Journal::open(path).expect("open");
    let w = j.writer(AUCTION).expect("writer");
    w.append(
        JournalRecord::Auction(Auction {
            id: AUCTION.into(),
            title: "Two lots".into(),
            venue: "sauda.e-qazyna.kz".into(),
            timezone: "Asia/Almaty".into(),
            currency: "KZT".into(),
            starts_at: t(0, 0),
            ends_at: t(60, 0),
            status: AuctionStatus::Running,
        }),
        receipt(t(-2, 0)),
    )
    .expect("auction");
    w.record_sync_msg(
        &SyncMsg::Snapshot {
            seq: 0,
            lots: vec![known, unreadable],
            rejected: vec![],
        },
        receipt(t(-1, 0)),
    )
    .expect("snapshot");
    let events = vec![
        sold(1, t(5, 0), "401201", 1_200_000, "P-01", t(5, 0)),
        sold(2, t(6, 0), "402009", 9_000_000, "P-02", t(6, 0)),
    ];
    w.record_sync_msg(&SyncMsg::Events(events), receipt(t(6, 0)))
        .expect("events");
    w.flush().expect("flush");
}

#[test]
fn an_unreadable_starting_bonus_is_said_left_out_of_the_totals_and_counted() {
    let dir = temp_dir("proto-unreadable");
    let path = dir.join("day.sqlite");
    unreadable_day(&path);
    // The journal stores the words' absence as such, never as 0.00.
    let db = rusqlite::Connection::open(&path).expect("open the journal");
    let bodies: Vec<String> = db
        .prepare("SELECT body FROM snapshot_lots")
        .expect("query")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("bodies");
    let stored = bodies
        .iter()
        .find(|b| b.contains("402009"))
        .expect("402009 stored");
    assert!(
        stored.contains(r#""starting_bonus":"unreadable""#),
        "{stored}"
    );
    drop(db);

    let p = json_of(&path);
    let lot = p["lots"]
        .as_array()
        .expect("lots")
        .iter()
        .find(|l| l["number"] == "402009")
        .expect("402009 in the protocol");
    assert_eq!(lot["starting_bonus_kzt"], "unreadable", "{lot}");
    assert!(lot["starting_bonus_usd"].is_null(), "{lot}");
    let totals = &p["totals"];
    assert_eq!(totals["starting_unreadable"], 1, "{totals}");
    // Only the known start is summed; both sales are results; the uplift
    // compares only the lot whose start is known.
    assert_eq!(totals["starting_kzt"], "1000000.00", "{totals}");
    assert_eq!(totals["results_kzt"], "10200000.00", "{totals}");
    assert_eq!(totals["sold_starting_kzt"], "1000000.00", "{totals}");
    assert_eq!(totals["uplift_kzt"], "200000.00", "{totals}");
    assert_eq!(totals["uplift_pct"], "20.0", "{totals}");

    for (lang, word, count) in [
        (
            "en",
            "unreadable (the source showed no number)",
            "Starting bonus unreadable",
        ),
        ("ru", "не читается", "Стартовый подписной бонус не читается"),
        (
            "kk",
            "оқылмайды",
            "Қол қою бонусының бастапқы мөлшері оқылмайды",
        ),
    ] {
        let o = protocol(&path, &["--lang", lang]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        assert!(o.stdout.contains(word), "{lang}: {}", o.stdout);
        assert!(o.stdout.contains(count), "{lang}: {}", o.stdout);
    }
    let _ = std::fs::remove_dir_all(dir);
}
