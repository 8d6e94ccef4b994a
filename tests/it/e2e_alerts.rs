//! End-to-end: the real `lotwatch` in tmux against `lotwatch serve --site
//! sauda` playing a short day, with an alert rule, a mail server that is
//! not there and a real webhook endpoint (python's http.server). The alert
//! shows in the events pane with its rule's name; the failing mail channel
//! in the header with its cause and the count waiting; the webhook gets
//! its POST; `q` quits within a second and says on stderr what was not
//! delivered.

use crate::support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::http::free_port;
use support::process::{Killed, scratch_dir};
use support::server::{BIN, Server};
use support::tmux::Tmux;

const WAIT: Duration = Duration::from_secs(40);
const SINKS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/alert_sinks.py");
const DAY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/alerts-day.json"
);

fn http_sink(dir: &Path, port: u16) -> Killed {
    std::fs::create_dir_all(dir).unwrap();
    let python = if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    };
    let mut child = Command::new(python)
        .args([SINKS, "http", &dir.to_string_lossy(), &port.to_string()])
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs the http sink");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "ready");
    Killed(child)
}

#[test]
fn an_alert_on_screen_a_failing_mail_channel_and_q_says_what_was_not_delivered() {
    let dir = scratch_dir("alerts-e2e", "monitor");
    let (smtp_port, hook_port) = (free_port(), free_port());
    let _hook = http_sink(&dir.join("hook"), hook_port);
    let site = Server::start(&["--site", "sauda", "--speed", "10", "--scenario", DAY]);
    let cfg = dir.join("config.toml");
    std::fs::write(
        &cfg,
        format!(
            "[[rule]]\nname = \"gold, Karaganda\"\nfilter = \"mineral:gold region:Karaganda\"\non = [\"changed\", \"result\"]\n\n\
             [notify_to]\nsmtp = \"smtp://127.0.0.1:{smtp_port}\"\nfrom = \"lotwatch <a@example.kz>\"\n\
             email = [\"b@example.kz\"]\nwebhook = [\"http://127.0.0.1:{hook_port}/t\"]\n"
        ),
    )
    .unwrap();
    let sh = format!(
        "exec {BIN} --config {} --lang en --source sauda --url {} --poll 1000 --rates fixed --rate USD=519.53 --journal {} --log-file {} 2> {}",
        cfg.display(),
        site.url,
        dir.join("day.sqlite").display(),
        dir.join("monitor.log").display(),
        dir.join("stderr").display()
    );
    let t = Tmux::start("alerts", 150, 40, &["sh".into(), "-c".into(), sh]);
    // The moved start (~10 s), then the result (~25 s): two alerts waiting.
    t.wait_for("the alerts and the failing channel", WAIT, |s| {
        // Events wrap where the pane is narrow: the lot and rule on the first line.
        s.contains("!ALERT 900002 [gold, Karaganda] Gold")
            && s.contains("!ALERT 900001 [gold, Karaganda] Gold")
            && s.contains("✉ mail: connection refused · 2 waiting")
    });
    let deadline = Instant::now() + Duration::from_secs(5);
    while std::fs::read_dir(dir.join("hook")).unwrap().count() < 2 {
        assert!(Instant::now() < deadline, "the webhook got nothing");
        std::thread::sleep(Duration::from_millis(50));
    }

    let asked = Instant::now();
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(Duration::from_secs(5)), 0);
    let took = asked.elapsed();
    eprintln!("figure: q quit in {took:?} with two alerts waiting for the mail server");
    assert!(took < Duration::from_secs(1), "q took {took:?}");
    let stderr = std::fs::read_to_string(dir.join("stderr")).unwrap_or_default();
    assert!(
        stderr.contains("lotwatch: alerts not delivered: 2 by mail (connection refused)"),
        "stderr: {stderr:?}"
    );
    let log = std::fs::read_to_string(dir.join("monitor.log")).unwrap_or_default();
    assert!(log.contains("alerts: mail: connection refused"), "{log}");
    let _ = std::fs::remove_dir_all(dir);
}
