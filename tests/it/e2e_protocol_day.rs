//! A whole simulated day end to end: `lotwatch serve` plays the June day
//! compressed, the real monitor journals it in tmux (killed with SIGKILL
//! once and restarted, as a power cut would), and `lotwatch protocol` of the
//! journal must give every lot the final status and result of the
//! simulator's own final `/lots`. The two are compared independently: the
//! raw `/lots` body is read over a plain TCP socket and both it and the JSON
//! protocol are parsed with serde_json, not through lotwatch's decoders.
//! `lotwatch verify` must pass and agree with the protocol's chain head.

use crate::support;

use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use support::server::{BIN, Server};
use support::tmux::Tmux;

/// The day (about 4 h) compressed 600 times: about 25 s.
const SPEED: &str = "600";
const DAY_LIMIT: Duration = Duration::from_secs(120);

/// `GET path` on the simulator, the body as text (HTTP/1.1 by hand).
fn get(url: &str, path: &str) -> String {
    let host = url.trim_start_matches("http://").trim_end_matches('/');
    let mut s = TcpStream::connect(host).expect("connect to the simulator");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
    )
    .expect("request");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("response");
    let text = String::from_utf8(raw).expect("utf-8");
    let (head, body) = text.split_once("\r\n\r\n").expect("headers end");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        let mut out = String::new();
        let mut rest = body;
        loop {
            let (size, after) = rest.split_once("\r\n").expect("chunk size");
            let n = usize::from_str_radix(size.trim(), 16).expect("hex size");
            if n == 0 {
                break;
            }
            out.push_str(&after[..n]);
            rest = &after[n + 2..];
        }
        out
    } else {
        body.to_string()
    }
}

fn lots(url: &str) -> Value {
    serde_json::from_str(&get(url, "/api/v1/lots")).expect("/lots is JSON")
}

fn is_final(status: &str) -> bool {
    matches!(status, "sold" | "unsold" | "cancelled")
}

fn cursor(path: &Path) -> u64 {
    if !path.exists() {
        return 0;
    }
    rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|c| {
            c.query_row("SELECT coalesce(max(seq), 0) FROM cursor", [], |r| {
                r.get::<_, i64>(0)
            })
        })
        .map_or(0, |v| v as u64)
}

fn monitor(name: &str, url: &str, journal: &Path) -> Tmux {
    let cmd = [
        BIN.to_string(),
        "--url".into(),
        url.into(),
        "--journal".into(),
        journal.to_string_lossy().into_owned(),
        "--log-file".into(),
        journal.with_extension("log").to_string_lossy().into_owned(),
        "--rates".into(),
        "nbk".into(),
        "--rates-url".into(),
        format!("{url}/nbk/rss/get_rates.cfm?fdate={{date}}"),
    ];
    Tmux::start(name, 120, 40, &cmd)
}

fn decimal(v: &Value) -> rust_decimal::Decimal {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not a decimal string: {v}"))
}

#[test]
fn the_protocol_of_a_whole_day_matches_the_simulators_final_lots() {
    let server = Server::start(&["--speed", SPEED, "--lead-ms", "1500"]);
    let dir = std::env::temp_dir().join(format!("lotwatch-protocol-live-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let journal = dir.join("day.sqlite");
    let start = Instant::now();

    // A first run, killed with SIGKILL a third of the way into the day.
    let t = monitor("proto-live-1", &server.url, &journal);
    while cursor(&journal) < 150 {
        assert!(
            start.elapsed() < DAY_LIMIT,
            "the journal did not grow; screen:\n{}",
            t.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let pid = t.program_pid();
    assert!(
        Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .expect("kill")
            .success()
    );
    assert_eq!(t.wait_exit(Duration::from_secs(10)), 128 + 9);
    std::thread::sleep(Duration::from_millis(500));

    // The restarted monitor records the rest of the day.
    let t = monitor("proto-live-2", &server.url, &journal);
    let final_lots = loop {
        let v = lots(&server.url);
        let all_final = v["lots"]
            .as_array()
            .expect("lots")
            .iter()
            .all(|l| is_final(l["status"].as_str().unwrap_or("")));
        if all_final {
            break v;
        }
        assert!(start.elapsed() < DAY_LIMIT, "the day did not end in time");
        std::thread::sleep(Duration::from_millis(200));
    };
    let final_seq = final_lots["seq"].as_u64().expect("seq");
    while cursor(&journal) < final_seq {
        assert!(
            start.elapsed() < DAY_LIMIT,
            "the journal stopped at {} of {final_seq}; screen:\n{}",
            cursor(&journal),
            t.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(Duration::from_secs(20)), 0);
    eprintln!(
        "day of {} lots, {final_seq} events, recorded in {:.1} s",
        final_lots["lots"].as_array().map_or(0, Vec::len),
        start.elapsed().as_secs_f64()
    );

    let out = crate::support::server::lotwatch()
        .args(["protocol", "--format", "json", "--journal"])
        .arg(&journal)
        .output()
        .expect("lotwatch protocol");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let protocol: Value = serde_json::from_slice(&out.stdout).expect("JSON protocol");

    let sim: BTreeMap<&str, &Value> = final_lots["lots"]
        .as_array()
        .expect("lots")
        .iter()
        .map(|l| (l["id"].as_str().expect("id"), l))
        .collect();
    let ours: BTreeMap<&str, &Value> = protocol["lots"]
        .as_array()
        .expect("protocol lots")
        .iter()
        .map(|l| (l["id"].as_str().expect("id"), l))
        .collect();
    assert_eq!(
        sim.keys().collect::<Vec<_>>(),
        ours.keys().collect::<Vec<_>>(),
        "the same lots"
    );
    let mut by_status: BTreeMap<String, u64> = BTreeMap::new();
    let mut results = rust_decimal::Decimal::ZERO;
    for (id, s) in &sim {
        let p = ours[id];
        assert_eq!(p["status"], s["status"], "lot {id}: status");
        assert_eq!(p["number"], s["number"], "lot {id}: number");
        assert_eq!(p["name"], s["name"], "lot {id}: name");
        assert_eq!(
            decimal(&p["starting_bonus_kzt"]),
            decimal(&s["starting_bonus"]),
            "lot {id}: starting bonus"
        );
        assert_eq!(p["bid_count"], s["bid_count"], "lot {id}: bid count");
        assert_eq!(p["extensions"], s["extensions"], "lot {id}: extensions");
        match (&s["result"], &p["result"]) {
            (Value::Null, Value::Null) => {}
            (sr, pr) => {
                assert_eq!(pr["winner"], sr["winner"], "lot {id}: winner");
                assert_eq!(
                    decimal(&pr["amount_kzt"]),
                    decimal(&sr["amount"]),
                    "lot {id}: result"
                );
                let at = |v: &Value| {
                    v.as_str()
                        .and_then(|s| s.parse::<jiff::Timestamp>().ok())
                        .unwrap_or_else(|| panic!("lot {id}: not a time: {v}"))
                };
                assert_eq!(at(&pr["protocol_at"]), at(&sr["protocol_at"]), "lot {id}");
                results += decimal(&sr["amount"]);
            }
        }
        // Every bid the platform counted was seen, live or by the restart.
        assert_eq!(
            p["bids_seen"], s["bid_count"],
            "lot {id}: bids seen (holes: {})",
            p["holes"]
        );
        *by_status
            .entry(s["status"].as_str().expect("status").to_string())
            .or_default() += 1;
    }
    let totals: BTreeMap<String, u64> = protocol["totals"]["by_status"]
        .as_object()
        .expect("by_status")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().expect("count")))
        .collect();
    assert_eq!(totals, by_status);
    assert_eq!(decimal(&protocol["totals"]["results_kzt"]), results);
    assert!(
        by_status.get("sold").copied().unwrap_or(0) > 10,
        "{by_status:?}"
    );
    assert_eq!(protocol["rate"]["source"], "nbk", "{}", protocol["rate"]);
    assert_eq!(protocol["rate"]["auction_day"], true);
    assert_eq!(protocol["span"]["last_seq"].as_u64(), Some(final_seq));
    assert_eq!(protocol["holes"], Value::Array(vec![]), "nothing was lost");

    // verify agrees with the protocol's chain.
    let v = crate::support::server::lotwatch()
        .args(["verify", "--journal"])
        .arg(&journal)
        .output()
        .expect("lotwatch verify");
    let text = String::from_utf8_lossy(&v.stdout);
    assert_eq!(v.status.code(), Some(0), "{text}");
    assert_eq!(protocol["chain"]["verified"], true);
    let head = protocol["chain"]["head"].as_str().expect("head");
    assert!(text.contains(&format!("head:    {head}")), "{text}");
    assert!(
        text.contains(&format!("records: {}", protocol["chain"]["records"])),
        "{text}"
    );
    // The other formats of the same day render too.
    for format in ["md", "html"] {
        let o = crate::support::server::lotwatch()
            .args(["protocol", "--lang", "kk", "--format", format, "--journal"])
            .arg(&journal)
            .output()
            .expect("protocol");
        assert!(o.status.success() && o.stdout.len() > 10_000, "{format}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
