//! `[[rule]]` alerts delivered off the screen, end to end: the real
//! `lotwatch watch` against `lotwatch serve --site sauda` playing a short
//! day (a lot sold, a lot whose start moves, a lot no rule asks for, a lot
//! the site lists only during the day), a
//! real SMTP server (aiosmtpd, Debian's python3-aiosmtpd) and a real HTTP
//! endpoint (python's http.server), both writing what they receive to a
//! folder. Checked: each alert arrives once by mail and by webhook with
//! the lot's page link and ntfy's headers; the time from the change on
//! the site to the mail and to the webhook; a mail server that is down
//! while alerts fire and comes back after a restart gets every alert
//! once (the outbox is in the journal), and `watch` says on stderr what
//! it could not deliver when it quits.

use crate::support;

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use support::http::{free_port, get};
use support::process::scratch_dir;
use support::server::{BIN, Server};
use support::sinks::{received, sink};

const DAY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/alerts-day.json"
);
const MOVED: &str = "900002";
const SOLD: &str = "900001";
const ELSEWHERE: &str = "900003";
/// Listed by the site ~5 s after its start (speed 10): a `new` alert.
const NEW: &str = "900004";

/// The lot numbers and events of the mails (from their subject).
fn mail_alerts(dir: &Path) -> Vec<(String, String)> {
    received(dir)
        .iter()
        .map(|(_, m)| {
            let data = m["data"].as_str().unwrap_or("");
            let event = [
                ("changed", "changed"),
                ("result", "result"),
                ("new lot", "new"),
            ]
            .into_iter()
            .find(|(s, _)| data.contains(&format!("Subject: lotwatch: {s}")))
            .map_or("?", |(_, e)| e);
            let lot = [MOVED, SOLD, ELSEWHERE, NEW]
                .into_iter()
                .find(|n| data.contains(&format!("\r\n{n} ")))
                .unwrap_or("?");
            (lot.to_string(), event.to_string())
        })
        .collect()
}

fn wait_until(what: &str, within: Duration, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !ok() {
        assert!(Instant::now() < deadline, "{what}: not within {within:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn config(dir: &Path, smtp_port: u16, hook_port: u16) -> PathBuf {
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        format!(
            r#"
[[rule]]
name = "gold, Karaganda"
filter = "mineral:gold region:Karaganda"
on = ["new", "changed", "deadline", "result"]

[notify_to]
smtp = "smtp://127.0.0.1:{smtp_port}"
from = "lotwatch <alerts@example.kz>"
email = ["bidder@example.kz", "partner@example.kz"]
webhook = ["http://alice:s3cret-hook@127.0.0.1:{hook_port}/lotwatch-topic"]
"#
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    path
}

struct Watch {
    child: Child,
    lines: mpsc::Receiver<String>,
    stderr: std::process::ChildStderr,
}

fn watch(dir: &Path, cfg: &Path, site: &Server) -> Watch {
    let mut child = crate::support::server::lotwatch()
        .args([
            "watch", "--format", "jsonl", "--source", "sauda", "--url", &site.url,
        ])
        .args(["--poll", "1000", "--rates", "fixed", "--rate", "USD=519.53"])
        .arg("--journal")
        .arg(dir.join("journal.sqlite"))
        .arg("--log-file")
        .arg(dir.join("lotwatch.log"))
        .env_remove("LOTWATCH_TOKEN")
        .env("LOTWATCH_CONFIG", cfg)
        .env("LOTWATCH_LANG", "en")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start lotwatch watch");
    let out = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for l in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(l).is_err() {
                return;
            }
        }
    });
    Watch {
        child,
        lines,
        stderr,
    }
}

impl Watch {
    /// Alert records (lot number, event) seen so far, into `seen`.
    fn alerts(&self, seen: &mut Vec<(String, String)>) {
        while let Ok(l) = self.lines.try_recv() {
            let v: Value = serde_json::from_str(&l).unwrap_or_else(|e| panic!("{e}: {l}"));
            if v["type"] == "alert" {
                assert_eq!(v["rule"], "gold, Karaganda", "{l}");
                seen.push((
                    v["lot_number"].as_str().unwrap_or("").to_string(),
                    v["kind"].as_str().unwrap_or("").to_string(),
                ));
            }
        }
    }

    /// SIGTERM, as a service manager stops it; its stderr.
    fn stop(mut self) -> String {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.child.try_wait().unwrap().is_none() {
            assert!(
                Instant::now() < deadline,
                "watch did not quit within 5 s of SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut self.stderr, &mut s);
        s
    }
}

/// The site's first list page (as the poller reads it).
fn list(site: &Server) -> String {
    get(&format!("{}/ru/list?objectType=SolidMinerals", site.url))
        .map(|(_, b)| b)
        .unwrap_or_default()
}

/// The JSON bodies the webhook received, oldest first.
fn hook_bodies(dir: &Path) -> Vec<Value> {
    received(dir)
        .iter()
        .filter_map(|(_, h)| serde_json::from_str(h["body"].as_str()?).ok())
        .collect()
}

/// The site's page of a lot (as the poller reads it).
fn page(site: &Server, lot: &str) -> String {
    let list = get(&format!("{}/ru/list?objectType=SolidMinerals", site.url))
        .map(|(_, b)| b)
        .unwrap_or_default();
    // The page link of the lot, as the list gives it.
    let id = list
        .split("/ru/list/")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .find(|id| id.ends_with(lot))
        .unwrap_or(lot)
        .to_string();
    get(&format!("{}/ru/list/{id}", site.url))
        .map(|(_, b)| b)
        .unwrap_or_default()
}

fn now_s() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

#[test]
fn a_moved_start_and_a_result_reach_mail_and_webhook_once_each() {
    let dir = scratch_dir("alerts", "deliver");
    let (smtp_port, hook_port) = (free_port(), free_port());
    let _smtp = sink("smtp", &dir.join("mail"), smtp_port);
    let _hook = sink("http", &dir.join("hook"), hook_port);
    // Speed 10: the start of 900002 moves ~10 s after start; 900001 and
    // 900003 close ~20 s after start and are sold ~2 s later.
    let site = Server::start(&["--site", "sauda", "--speed", "10", "--scenario", DAY]);
    let before = page(&site, MOVED);
    assert!(
        !list(&site).contains(NEW),
        "the new lot is not listed at the first read"
    );
    let cfg = config(&dir, smtp_port, hook_port);
    let w = watch(&dir, &cfg, &site);

    // The moment the site lists the new lot (read every 50 ms).
    let deadline = Instant::now() + Duration::from_secs(40);
    while !list(&site).contains(NEW) {
        assert!(
            Instant::now() < deadline,
            "the site never listed the new lot"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let listed_at = now_s();
    wait_until(
        "the new lot by mail and webhook",
        Duration::from_secs(15),
        || {
            mail_alerts(&dir.join("mail")).contains(&(NEW.into(), "new".into()))
                && !hook_bodies(&dir.join("hook")).is_empty()
        },
    );
    eprintln!(
        "alerts: new lot on the site -> mail {:.0} ms, -> webhook {:.0} ms (poll 1 s)",
        (received(&dir.join("mail"))[0].0 - listed_at) * 1000.0,
        (received(&dir.join("hook"))[0].0 - listed_at) * 1000.0
    );
    let new_hook = &hook_bodies(&dir.join("hook"))[0];
    assert_eq!(new_hook["event"], "new", "{new_hook}");
    assert_eq!(new_hook["lot"]["number"], NEW);

    // The moment the site shows the moved start (read every 50 ms).
    let mut changed_at = None;
    let deadline = Instant::now() + Duration::from_secs(40);
    while changed_at.is_none() {
        assert!(Instant::now() < deadline, "the site never moved the start");
        if page(&site, MOVED) != before {
            changed_at = Some(now_s());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let changed_at = changed_at.unwrap();
    wait_until(
        "the moved start by mail and webhook",
        Duration::from_secs(15),
        || {
            mail_alerts(&dir.join("mail")).contains(&(MOVED.into(), "changed".into()))
                && received(&dir.join("hook")).len() >= 2
        },
    );
    let mail_at = received(&dir.join("mail"))[1].0;
    let hook_at = received(&dir.join("hook"))[1].0;
    eprintln!(
        "alerts: change on the site -> mail {:.0} ms, -> webhook {:.0} ms (poll 1 s)",
        (mail_at - changed_at) * 1000.0,
        (hook_at - changed_at) * 1000.0
    );
    assert!(mail_at - changed_at < 5.0 && hook_at - changed_at < 5.0);

    wait_until("the result by mail", Duration::from_secs(40), || {
        mail_alerts(&dir.join("mail")).contains(&(SOLD.into(), "result".into()))
    });
    // A few more reads: nothing repeats, nothing for the lot no rule asks for.
    std::thread::sleep(Duration::from_secs(3));
    let mut seen = Vec::new();
    w.alerts(&mut seen);
    let stderr = w.stop();
    let mails = mail_alerts(&dir.join("mail"));
    assert_eq!(
        mails,
        vec![
            (NEW.into(), "new".into()),
            (MOVED.into(), "changed".into()),
            (SOLD.into(), "result".into())
        ],
        "each alert once, by one mail to both recipients; no lot of the first read is new"
    );
    assert_eq!(seen, mails, "watch's jsonl carries the same alerts");
    let first = &received(&dir.join("mail"))[0].1;
    assert_eq!(first["to"].as_array().map(Vec::len), Some(2));
    let data = first["data"].as_str().unwrap();
    assert!(data.contains("Lot page: http://127.0.0.1"), "{data}");

    let hooks = received(&dir.join("hook"));
    assert_eq!(hooks.len(), 3, "one webhook per alert: {hooks:?}");
    let h = &hooks[2].1;
    assert_eq!(h["path"], "/lotwatch-topic");
    let headers = &h["headers"];
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(headers["tags"], "lotwatch,result");
    assert_eq!(headers["priority"], "3");
    // http.server reads header bytes as Latin-1.
    let title: Vec<u8> = headers["title"]
        .as_str()
        .unwrap()
        .chars()
        .map(|c| c as u8)
        .collect();
    assert_eq!(
        String::from_utf8(title).unwrap(),
        format!("lotwatch: result · {SOLD} Gold Sold")
    );
    // The URL's credentials went as basic auth, to a loopback host.
    assert_eq!(headers["authorization"], "Basic YWxpY2U6czNjcmV0LWhvb2s=");
    let body: Value = serde_json::from_str(h["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["rule"], "gold, Karaganda");
    assert_eq!(body["event"], "result");
    assert_eq!(body["lot"]["number"], SOLD);
    assert_eq!(body["lot"]["source"], "sauda");
    assert_eq!(body["lot"]["status"], "sold");
    assert!(body["lot"]["url"].as_str().unwrap().contains("/ru/list/"));
    assert!(body["message"].as_str().unwrap().contains("sold for"));
    assert!(body["server_time"].as_str().is_some());
    // The webhook's password is nowhere: log, stderr.
    let log = std::fs::read_to_string(dir.join("lotwatch.log")).unwrap();
    assert!(!log.contains("s3cret-hook") && !stderr.contains("s3cret-hook"));
    assert!(
        stderr.is_empty(),
        "everything delivered, nothing to say: {stderr}"
    );
}

#[test]
fn a_mail_server_down_across_a_restart_gets_every_alert_once() {
    let dir = scratch_dir("alerts", "outbox");
    let (smtp_port, hook_port) = (free_port(), free_port());
    let _hook = sink("http", &dir.join("hook"), hook_port);
    let site = Server::start(&["--site", "sauda", "--speed", "10", "--scenario", DAY]);
    let cfg = config(&dir, smtp_port, hook_port);

    // Run 1: no mail server. The moved start alerts; its mail waits.
    let w = watch(&dir, &cfg, &site);
    let mut seen = Vec::new();
    wait_until("the moved start alerts", Duration::from_secs(40), || {
        w.alerts(&mut seen);
        seen.contains(&(MOVED.into(), "changed".into()))
    });
    // A retry or two fail (1 s, then 2 s).
    std::thread::sleep(Duration::from_millis(1500));
    let quit_at = Instant::now();
    let stderr = w.stop();
    eprintln!(
        "alerts: quit with the mail server down in {:?}",
        quit_at.elapsed()
    );
    assert!(
        quit_at.elapsed() < Duration::from_secs(2),
        "q quits promptly"
    );
    assert!(
        stderr.contains("alerts not delivered: 2 by mail (connection refused)"),
        "stderr says what was not delivered: {stderr:?}"
    );
    let log = std::fs::read_to_string(dir.join("lotwatch.log")).unwrap();
    assert!(
        log.contains("mail: connection refused"),
        "the log names the cause"
    );

    // Run 2, mail server up: the outbox from the journal drains at once,
    // and the result, live, follows; the moved start is not alerted again.
    let _smtp = sink("smtp", &dir.join("mail"), smtp_port);
    let up_at = now_s();
    let w = watch(&dir, &cfg, &site);
    wait_until("the restored mail", Duration::from_secs(15), || {
        mail_alerts(&dir.join("mail")).contains(&(MOVED.into(), "changed".into()))
    });
    eprintln!(
        "alerts: outbox survived a restart: its mail {:.0} ms after the second start",
        (received(&dir.join("mail"))[0].0 - up_at) * 1000.0
    );
    wait_until("the result by mail", Duration::from_secs(40), || {
        mail_alerts(&dir.join("mail")).contains(&(SOLD.into(), "result".into()))
    });
    std::thread::sleep(Duration::from_secs(3));
    let mut seen2 = Vec::new();
    w.alerts(&mut seen2);
    let stderr = w.stop();
    assert_eq!(
        mail_alerts(&dir.join("mail")),
        vec![
            (NEW.into(), "new".into()),
            (MOVED.into(), "changed".into()),
            (SOLD.into(), "result".into())
        ],
        "nothing twice"
    );
    // The new lot was in run 2's first read, but alerted in run 1: not again.
    assert_eq!(seen2, vec![(SOLD.into(), "result".into())]);
    // The webhook delivered the new lot and the moved start in run 1: not again.
    assert_eq!(received(&dir.join("hook")).len(), 3);
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn a_mail_server_that_comes_back_gets_its_mail_within_the_backoff() {
    let dir = scratch_dir("alerts", "backoff");
    let (smtp_port, hook_port) = (free_port(), free_port());
    let _hook = sink("http", &dir.join("hook"), hook_port);
    let site = Server::start(&["--site", "sauda", "--speed", "10", "--scenario", DAY]);
    let cfg = config(&dir, smtp_port, hook_port);
    let w = watch(&dir, &cfg, &site);
    let mut seen = Vec::new();
    wait_until("the moved start alerts", Duration::from_secs(40), || {
        w.alerts(&mut seen);
        seen.contains(&(MOVED.into(), "changed".into()))
    });
    // Down for a while (retries at 1, 2, 4 s...), then up.
    std::thread::sleep(Duration::from_secs(5));
    let _smtp = sink("smtp", &dir.join("mail"), smtp_port);
    let up_at = now_s();
    wait_until(
        "the mail after the server came back",
        Duration::from_secs(31),
        || !received(&dir.join("mail")).is_empty(),
    );
    eprintln!(
        "alerts: mail server back -> mail delivered in {:.0} ms",
        (received(&dir.join("mail"))[0].0 - up_at) * 1000.0
    );
    std::thread::sleep(Duration::from_secs(2));
    let stderr = w.stop();
    // On a busy machine the short day can reach its sale before the stop:
    // that alert's mail may follow, once.
    let held: Vec<(String, String)> =
        vec![(NEW.into(), "new".into()), (MOVED.into(), "changed".into())];
    let mut and_sale = held.clone();
    and_sale.push((SOLD.into(), "result".into()));
    let mails = mail_alerts(&dir.join("mail"));
    assert!(mails == held || mails == and_sale, "once: {mails:?}");
    assert!(!stderr.contains("not delivered"), "{stderr}");
}

#[test]
fn todays_alerts_go_out_as_the_default_rule() {
    let dir = scratch_dir("alerts", "default-rule");
    let hook_port = free_port();
    let _hook = sink("http", &dir.join("hook"), hook_port);
    let cfg = dir.join("config.toml");
    std::fs::write(
        &cfg,
        format!("[notify_to]\nwebhook = [\"http://127.0.0.1:{hook_port}/t\"]\n"),
    )
    .unwrap();
    // The API simulator's day; lot 401102 is watched and closes within
    // the 30 minutes: its closing alert, as today.
    let api = Server::start(&["--speed", "60"]);
    let mut child = crate::support::server::lotwatch()
        .args([
            "watch",
            "--format",
            "jsonl",
            "--url",
            &api.url,
            "--no-journal",
        ])
        .args(["--watch", "401102", "--alert-minutes", "30"])
        .args(["--rates", "fixed", "--rate", "USD=519.53"])
        .arg("--log-file")
        .arg(dir.join("lotwatch.log"))
        .env_remove("LOTWATCH_TOKEN")
        .env("LOTWATCH_CONFIG", &cfg)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_until(
        "the default rule's webhook",
        Duration::from_secs(40),
        || !received(&dir.join("hook")).is_empty(),
    );
    std::thread::sleep(Duration::from_secs(2));
    let _ = child.kill();
    let _ = child.wait();
    let hooks = received(&dir.join("hook"));
    let bodies: Vec<Value> = hooks
        .iter()
        .map(|(_, h)| serde_json::from_str(h["body"].as_str().unwrap()).unwrap())
        .collect();
    let closing: Vec<&Value> = bodies.iter().filter(|b| b["event"] == "closing").collect();
    assert_eq!(closing.len(), 1, "once: {bodies:?}");
    assert_eq!(closing[0]["rule"], "default");
    assert_eq!(closing[0]["lot"]["number"], "401102");
    assert_eq!(hooks[0].1["headers"]["priority"], "4");
}

/// The webhook bodies' (lot number, event), oldest first.
fn hook_alerts(dir: &Path) -> Vec<(String, String)> {
    hook_bodies(dir)
        .iter()
        .map(|b| {
            (
                b["lot"]["number"].as_str().unwrap_or("").to_string(),
                b["event"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn rules_and_webhooks_written_under_a_running_monitor_apply_live() {
    let dir = scratch_dir("alerts", "live-config");
    let (first_port, added_port) = (free_port(), free_port());
    let _first = sink("http", &dir.join("first"), first_port);
    let _added = sink("http", &dir.join("added"), added_port);
    // Speed 5: the start of 900002 moves ~20 s after start, 900001 is sold
    // ~44 s after.
    let site = Server::start(&["--site", "sauda", "--speed", "5", "--scenario", DAY]);
    let cfg = dir.join("config.toml");
    let write = |text: String| {
        std::fs::write(&cfg, text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&cfg, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
    };
    let first = format!("[notify_to]\nwebhook = [\"http://127.0.0.1:{first_port}/first\"]\n");
    write(first.clone());
    let cmd: Vec<String> = [
        BIN,
        "--source",
        "sauda",
        "--url",
        &site.url,
        "--poll",
        "1000",
        "--rates",
        "fixed",
        "--rate",
        "USD=519.53",
        "--config",
        &cfg.to_string_lossy(),
        "--log-file",
        &dir.join("lotwatch.log").to_string_lossy(),
        "--journal",
        &dir.join("journal.sqlite").to_string_lossy(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let t = support::tmux::Tmux::start("alerts-live-cfg", 140, 45, &cmd);
    t.wait_for("lots on screen", Duration::from_secs(20), |s| {
        s.contains(SOLD)
    });

    // A rule and a second webhook, written while it runs (before the start
    // moves): both webhooks hear of the moved start.
    let rule = "[[rule]]\nname = \"gold, Karaganda\"\nfilter = \"mineral:gold region:Karaganda\"\non = [\"changed\", \"result\"]\n";
    write(format!(
        "{rule}[notify_to]\nwebhook = [\"http://127.0.0.1:{first_port}/first\", \"http://127.0.0.1:{added_port}/added\"]\n"
    ));
    let screen = t.wait_for("the moved start alerted", Duration::from_secs(40), |s| {
        s.contains("gold, Karaganda")
    });
    assert!(!screen.contains("restart to apply"), "{screen}");
    wait_until("both webhooks", Duration::from_secs(10), || {
        hook_alerts(&dir.join("first")).len() == 1 && hook_alerts(&dir.join("added")).len() == 1
    });
    let moved = vec![(MOVED.to_string(), "changed".to_string())];
    assert_eq!(hook_alerts(&dir.join("first")), moved);
    assert_eq!(hook_alerts(&dir.join("added")), moved);

    // The same rule written again (a theme, the notifications and the
    // closing window changed beside it: all applied live), and the first
    // webhook taken out: nothing alerts twice, the result reaches only the
    // webhook still named.
    write(format!(
        "theme = \"light\"\nnotify = \"bell\"\nalert_minutes = 7\n{rule}[notify_to]\nwebhook = [\"http://127.0.0.1:{added_port}/added\"]\n"
    ));
    wait_until("the result", Duration::from_secs(60), || {
        hook_alerts(&dir.join("added")).len() >= 2
    });
    std::thread::sleep(Duration::from_secs(3));
    let screen = t.screen();
    assert!(!screen.contains("restart to apply"), "{screen}");
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(Duration::from_secs(10)), 0);
    assert_eq!(
        hook_alerts(&dir.join("added")),
        vec![
            (MOVED.to_string(), "changed".to_string()),
            (SOLD.to_string(), "result".to_string())
        ]
    );
    assert_eq!(hook_alerts(&dir.join("first")), moved, "no longer named");
}
