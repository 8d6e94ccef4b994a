//! A supervision room on one shared journal: three real `lotwatch watch`
//! monitors write one simulated day (`lotwatch serve`) into a real
//! PostgreSQL, starting at different times; the database is stopped for
//! 10 s and started again mid-day; one monitor is SIGKILLed. Afterwards the
//! journal holds every event of the day exactly once, equal to the
//! simulator's history read through its API; `lotwatch verify` passes; and
//! `lotwatch protocol` of the shared journal equals the protocol of a
//! single SQLite journal of the same day. The password appears in no log
//! and no output.

use crate::support;
use crate::support::pg;

use lotwatch::journal::Journal;
use lotwatch::platform::{Client, ClientConfig};
use pg::{PASSWORD, Pg};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::history::read_history;
use support::server::Server;

/// The day (about 4 h) compressed 400 times: about 37 s.
const SPEED: &str = "400";
const DAY_LIMIT: Duration = Duration::from_secs(240);
/// How long the first monitor may take to record anything.
const FIRST_LIMIT: Duration = Duration::from_secs(30);

struct Monitor {
    child: Child,
    log: PathBuf,
}

impl Drop for Monitor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn monitor(dir: &Path, name: &str, url: &str, journal: &str, backfill: bool) -> Monitor {
    let log = dir.join(format!("{name}.log"));
    let mut cmd = crate::support::server::lotwatch();
    cmd.args([
        "watch",
        "--format",
        "status",
        "--url",
        url,
        "--journal",
        journal,
        "--name",
        name,
    ])
    .arg("--log-file")
    .arg(&log)
    .env("LOTWATCH_LOG", "debug")
    .stdin(Stdio::null())
    .stdout(Stdio::null())
    .stderr(std::fs::File::create(dir.join(format!("{name}.err"))).unwrap());
    if backfill {
        cmd.arg("--backfill");
    }
    Monitor {
        child: cmd.spawn().expect("lotwatch watch"),
        log,
    }
}

fn pg_cursor(pg: &Pg) -> u64 {
    let out = Command::new(pg.bin.join("psql"))
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &pg.port.to_string(),
            "-U",
            "postgres",
            "-d",
            "room",
            "-At",
            "-c",
        ])
        .arg("SELECT coalesce(max(seq), 0) FROM cursor")
        .env("PGPASSWORD", PASSWORD)
        .output();
    out.ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(0)
}

fn sqlite_cursor(path: &Path) -> u64 {
    Journal::open_existing(path)
        .ok()
        .and_then(|j| j.cursor("kz-subsoil-2025-06").ok().flatten())
        .unwrap_or(0)
}

fn dump(dir: &Path) -> String {
    let mut out = String::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "log" || x == "err") {
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            let tail: Vec<&str> = text.lines().rev().take(15).collect();
            out.push_str(&format!("--- {}\n", p.display()));
            for l in tail.iter().rev() {
                out.push_str(l);
                out.push('\n');
            }
        }
    }
    out
}

fn wait_until(what: &str, start: Instant, dir: &Path, mut ok: impl FnMut() -> bool) {
    while !ok() {
        assert!(
            start.elapsed() < DAY_LIMIT,
            "{what}: not in time\n{}",
            dump(dir)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn sigterm(m: &mut Monitor) -> i32 {
    Command::new("kill")
        .args(["-TERM", &m.child.id().to_string()])
        .status()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(s) = m.child.try_wait().unwrap() {
            return s.code().unwrap_or(-1);
        }
        assert!(
            Instant::now() < deadline,
            "the monitor did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A protocol's lots without what differs between monitors by nature:
/// receipt times, the monitors' own anomalies, and what they missed.
fn comparable(protocol: &Value) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                m.retain(|k, _| {
                    !k.contains("received") && k != "anomalies" && k != "holes" && k != "seen_at"
                });
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut lots = protocol["lots"].clone();
    strip(&mut lots);
    lots
}

fn protocol(journal: &str) -> Value {
    let out = crate::support::server::lotwatch()
        .args(["protocol", "--format", "json", "--journal", journal])
        .output()
        .expect("lotwatch protocol");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains(PASSWORD) && !String::from_utf8_lossy(&out.stdout).contains(PASSWORD));
    serde_json::from_slice(&out.stdout).expect("JSON protocol")
}

#[test]
fn three_monitors_an_outage_and_a_kill_leave_one_exact_journal() {
    let Some(pg) = Pg::start("room") else { return };
    let url = pg.create_db("room");
    let server = Server::start(&["--speed", SPEED, "--lead-ms", "1500"]);
    let dir = pg.dir.join("monitors");
    std::fs::create_dir_all(&dir).unwrap();
    let single = dir.join("single.sqlite");
    let start = Instant::now();

    // The reference: one monitor alone on a SQLite file, the whole day.
    let mut alone = monitor(&dir, "alone", &server.url, &single.to_string_lossy(), true);
    // The room: the first from the day's start, the others later.
    let mut a = monitor(&dir, "room-a", &server.url, &url, true);
    wait_until("room-a records", start, &dir, || {
        assert!(
            start.elapsed() < FIRST_LIMIT,
            "room-a recorded nothing\n{}",
            dump(&dir)
        );
        pg_cursor(&pg) >= 30
    });
    let mut b = monitor(&dir, "room-b", &server.url, &url, false);
    std::thread::sleep(Duration::from_secs(2));
    let mut c = monitor(&dir, "room-c", &server.url, &url, false);
    let before = pg_cursor(&pg) + 40;
    wait_until("the room records", start, &dir, || pg_cursor(&pg) >= before);

    // The database goes away for 10 s mid-day, and comes back.
    let stopped_at = pg_cursor(&pg);
    pg.stop();
    std::thread::sleep(Duration::from_secs(10));
    pg.start_again();
    let after = sqlite_cursor(&single) + 20;
    wait_until(
        "the backlog is written and the room goes on",
        start,
        &dir,
        || pg_cursor(&pg) >= after,
    );
    eprintln!("outage: the journal was at seq {stopped_at}, caught up past {after}");

    // One monitor dies without a word.
    b.child.kill().unwrap();
    b.child.wait().unwrap();

    // The day ends; everyone records its last event.
    let client = Client::new(ClientConfig::new(&server.url)).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut last = 0;
    wait_until("the day ends", start, &dir, || {
        let lots = rt.block_on(client.lots(None)).map(|l| l.value);
        let Ok(lotwatch::platform::Cached::Fresh(lots)) = lots else {
            return false;
        };
        let done = lots.lots.iter().all(|l| l.status.is_final());
        last = lots.seq;
        done
    });
    wait_until("the journals reach the day's end", start, &dir, || {
        pg_cursor(&pg) >= last && sqlite_cursor(&single) >= last
    });
    for m in [&mut a, &mut c, &mut alone] {
        assert_eq!(sigterm(m), 0, "a clean stop");
    }

    // Every event of the day, exactly once, equal to the simulator's.
    let history = rt.block_on(read_history(&client, 0, last)).unwrap();
    assert_eq!(
        history.len() as u64,
        last,
        "the simulator kept the whole day"
    );
    let shared = Journal::open_existing(Path::new(&url)).expect("the shared journal");
    let stored: Vec<_> = shared
        .events(None)
        .unwrap()
        .into_iter()
        .map(|s| s.event)
        .collect();
    assert_eq!(stored.len(), history.len(), "every event once");
    assert_eq!(stored, history, "equal to the simulator's history");

    // verify passes, and says who wrote.
    let out = crate::support::server::lotwatch()
        .args(["verify", "--journal", &url])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for name in ["room-a", "room-b", "room-c"] {
        assert!(text.contains(&format!("monitor {name}:")), "{text}");
    }
    assert!(!text.contains(PASSWORD), "{text}");

    // The protocol of the room equals that of one SQLite journal of the day.
    let p_room = protocol(&url);
    let p_alone = protocol(&single.to_string_lossy());
    let lots = comparable(&p_room);
    assert!(
        lots.as_array().is_some_and(|l| l.len() >= 10),
        "a protocol with the day's lots"
    );
    assert!(lots.to_string().contains("\"bids\""), "with their bids");
    assert_eq!(lots, comparable(&p_alone), "the same protocol");
    eprintln!(
        "room: {} events, {} lots, in {:.1} s",
        stored.len(),
        lots.as_array().map_or(0, Vec::len),
        start.elapsed().as_secs_f64()
    );

    // The password is nowhere in the logs.
    for name in ["room-a", "room-b", "room-c"] {
        for ext in ["log", "err"] {
            let text =
                std::fs::read_to_string(dir.join(format!("{name}.{ext}"))).unwrap_or_default();
            assert!(!text.contains(PASSWORD), "{name}.{ext} holds the password");
        }
    }
    let log_a = std::fs::read_to_string(&a.log).unwrap_or_default();
    assert!(
        log_a.contains("journal cannot write"),
        "the outage was logged:\n{log_a}"
    );
    assert!(
        log_a.contains("journal writing again"),
        "and its end:\n{log_a}"
    );
}
