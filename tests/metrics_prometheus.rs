//! `--metrics`: the exposition of `lotwatch watch` passes `promtool check
//! metrics`, and a real Prometheus (Debian's `prometheus` package, started
//! here on loopback with a temporary data dir and a 1 s scrape interval)
//! scrapes the monitor running in tmux: its `lotwatch_lot_high_bid_kzt`, read
//! back through Prometheus's HTTP API, equals the simulator's high bid for
//! that lot. Each test says it is skipped when its program is missing
//! (`bash .ci/run` installs the package).

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::http;
use support::server::{BIN, Server};
use support::tmux::Tmux;

fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("lotwatch-metrics-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// A child process killed when dropped.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Polls `url` until `ok` accepts the body (or panics after `within`).
fn poll(url: &str, within: Duration, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + within;
    loop {
        if let Ok((200, body)) = http::get(url)
            && ok(&body)
        {
            return body;
        }
        assert!(Instant::now() < deadline, "{url} not ready in {within:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Every metric the documentation promises (docs/metrics.md).
const METRICS: [&str; 13] = [
    "lotwatch_lot_high_bid_kzt{",
    "lotwatch_lot_seconds_to_close{",
    "lotwatch_lot_extensions{",
    "lotwatch_lot_bids{",
    "lotwatch_lot_watched{",
    "lotwatch_lot_leading{",
    "lotwatch_link_up ",
    "lotwatch_clock_offset_seconds ",
    "lotwatch_clock_uncertainty_seconds ",
    "lotwatch_data_age_seconds ",
    "lotwatch_requests_total{path=\"/api/v1/events\",status=\"200\"} ",
    "lotwatch_journal_records_total ",
    "lotwatch_anomalies_total{kind=\"seq_gap\"} ",
];

#[test]
fn the_exposition_of_watch_passes_promtool() {
    if !have("promtool") {
        eprintln!("SKIPPED: promtool is missing (apt-get install prometheus; bash .ci/run does)");
        return;
    }
    let sim = Server::start(&["--speed", "60"]);
    let dir = temp_dir("promtool");
    let port = http::free_port();
    let journal = dir.join("day.sqlite");
    let _watch = Killed(
        Command::new(BIN)
            .args(["watch", "--url", &sim.url, "--format", "jsonl"])
            .args(["--metrics", &format!("127.0.0.1:{port}")])
            .args(["--me", "P-07", "--watch", "401102"])
            .arg("--journal")
            .arg(&journal)
            .arg("--log-file")
            .arg(dir.join("lotwatch.log"))
            .env("LOTWATCH_CONFIG", "/dev/null")
            .env_remove("LOTWATCH_TOKEN")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start watch"),
    );
    let url = format!("http://127.0.0.1:{port}/metrics");
    let body = poll(&url, Duration::from_secs(60), |b| {
        METRICS.iter().all(|m| b.contains(m)) && !b.contains("lotwatch_journal_records_total 0\n")
    });
    let mut check = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start promtool");
    std::io::Write::write_all(check.stdin.as_mut().expect("stdin"), body.as_bytes())
        .expect("write to promtool");
    drop(check.stdin.take());
    let out = check.wait_with_output().expect("promtool");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "promtool: {said}\n{body}");
    assert_eq!(said.trim(), "", "promtool has remarks: {said}");
    eprintln!(
        "promtool check metrics: ok, {} lines, {} bytes",
        body.lines().count(),
        body.len()
    );
}

/// The indented YAML block under "Example alert rules" in docs/metrics.md.
fn documented_rules() -> String {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/metrics.md"))
        .expect("docs/metrics.md");
    let after = doc
        .split_once("## Example alert rules\n")
        .expect("the section")
        .1;
    let mut out = String::new();
    for line in after.lines().skip_while(|l| l.trim().is_empty()) {
        if !line.is_empty() && !line.starts_with("    ") {
            break;
        }
        out.push_str(line.strip_prefix("    ").unwrap_or(line));
        out.push('\n');
    }
    out
}

#[test]
fn the_documented_alert_rules_pass_promtool() {
    if !have("promtool") {
        eprintln!("SKIPPED: promtool is missing (apt-get install prometheus; bash .ci/run does)");
        return;
    }
    let dir = temp_dir("rules");
    let rules = documented_rules();
    assert!(rules.contains("lotwatch_lot_leading == 0"), "{rules}");
    assert!(rules.contains("lotwatch_link_up == 0"), "{rules}");
    let path = dir.join("rules.yml");
    std::fs::write(&path, &rules).expect("write rules");
    let out = Command::new("promtool")
        .args(["check", "rules"])
        .arg(&path)
        .output()
        .expect("promtool");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("SUCCESS: 2 rules found"), "{said}");

    // And they fire when they should: lot A is watched, led by someone
    // else and 200 s from its close; B is the same but we lead it; C is not
    // watched. The link is down from the first minute.
    let tests = format!(
        r#"rule_files: ['{rules}']
evaluation_interval: 15s
tests:
  - interval: 15s
    input_series:
      - series: 'lotwatch_lot_seconds_to_close{{lot="A",number="1",status="open"}}'
        values: '200x8'
      - series: 'lotwatch_lot_seconds_to_close{{lot="B",number="2",status="open"}}'
        values: '200x8'
      - series: 'lotwatch_lot_seconds_to_close{{lot="C",number="3",status="open"}}'
        values: '200x8'
      - series: 'lotwatch_lot_watched{{lot="A",number="1",status="open"}}'
        values: '1x8'
      - series: 'lotwatch_lot_watched{{lot="B",number="2",status="open"}}'
        values: '1x8'
      - series: 'lotwatch_lot_leading{{lot="A",number="1",status="open"}}'
        values: '0x8'
      - series: 'lotwatch_lot_leading{{lot="B",number="2",status="open"}}'
        values: '1x8'
      - series: 'lotwatch_lot_leading{{lot="C",number="3",status="open"}}'
        values: '0x8'
      - series: 'lotwatch_link_up'
        values: '1 1 1 1 0 0 0 0 0'
    alert_rule_test:
      - eval_time: 1m
        alertname: WatchedLotClosingNotLeading
        exp_alerts:
          - exp_labels: {{severity: page, lot: "A", number: "1", status: "open"}}
            exp_annotations:
              summary: "Lot 1 closes in 3m 20s and we are not leading"
      - eval_time: 1m30s
        alertname: PlatformLinkDown
        exp_alerts: []
      - eval_time: 2m
        alertname: PlatformLinkDown
        exp_alerts:
          - exp_labels: {{severity: page}}
            exp_annotations:
              summary: "lotwatch has not reached the platform for a minute"
"#,
        rules = path.display()
    );
    let test_path = dir.join("rules_test.yml");
    std::fs::write(&test_path, tests).expect("write the rule tests");
    let out = Command::new("promtool")
        .args(["test", "rules"])
        .arg(&test_path)
        .output()
        .expect("promtool");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn prometheus_config(dir: &Path, target: &str) -> PathBuf {
    let p = dir.join("prometheus.yml");
    std::fs::write(
        &p,
        format!(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: lotwatch\n    static_configs:\n      - targets: ['{target}']\n"
        ),
    )
    .expect("write prometheus.yml");
    p
}

/// The simulator's high bid for `lot`, as the High bid column shows it.
fn sim_high_bid(sim: &str, lot: &str) -> Option<lotwatch::domain::Money> {
    let v = http::get_json(&format!("{sim}/api/v1/lots/{}", http::encode(lot)));
    let l = &v["lot"];
    let amount = match l["status"].as_str() {
        Some("sold") => l["result"]["amount"].as_str(),
        _ => l["high_bid"]["amount"].as_str(),
    }?;
    lotwatch::domain::Money::parse(amount).ok()
}

#[test]
fn a_real_prometheus_scrapes_the_monitor_and_agrees_with_the_simulator() {
    if !have("prometheus") {
        eprintln!("SKIPPED: prometheus is missing (apt-get install prometheus; bash .ci/run does)");
        return;
    }
    let sim = Server::start(&["--speed", "10"]);
    let dir = temp_dir("prometheus");
    let port = http::free_port();
    let monitor = Tmux::start(
        "metrics",
        120,
        40,
        &[
            BIN.to_string(),
            "--url".into(),
            sim.url.clone(),
            "--metrics".into(),
            format!("127.0.0.1:{port}"),
            "--no-journal".into(),
            "--config".into(),
            "/dev/null".into(),
            "--log-file".into(),
            dir.join("monitor.log").to_string_lossy().into_owned(),
        ],
    );
    monitor.wait_for("the monitor LIVE", Duration::from_secs(30), |s| {
        s.contains("LIVE")
    });
    let prom_port = http::free_port();
    let config = prometheus_config(&dir, &format!("127.0.0.1:{port}"));
    let log = std::fs::File::create(dir.join("prometheus.log")).expect("log");
    let _prom = Killed(
        Command::new("prometheus")
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{prom_port}"))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start prometheus"),
    );
    let api = format!("http://127.0.0.1:{prom_port}");
    poll(&format!("{api}/-/ready"), Duration::from_secs(60), |_| true);
    let query = |q: &str| -> Vec<Value> {
        let v = http::get_json(&format!("{api}/api/v1/query?query={}", http::encode(q)));
        assert_eq!(v["status"], "success", "{v}");
        v["data"]["result"].as_array().cloned().unwrap_or_default()
    };
    // Bids keep coming: a lot agrees when the simulator shows the same high
    // bid just before and just after Prometheus was asked.
    let deadline = Instant::now() + Duration::from_secs(90);
    let (mut agreed, mut compared) = (Vec::new(), 0);
    while agreed.is_empty() {
        assert!(
            Instant::now() < deadline,
            "no lot agreed in 90 s ({compared} compared); prometheus.log: {}",
            std::fs::read_to_string(dir.join("prometheus.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_secs(1));
        let series = query("lotwatch_lot_high_bid_kzt");
        for s in series.iter().take(20) {
            let lot = s["metric"]["lot"].as_str().expect("lot label").to_string();
            let before = sim_high_bid(&sim.url, &lot);
            let now = query(&format!("lotwatch_lot_high_bid_kzt{{lot=\"{lot}\"}}"));
            let value = now
                .first()
                .and_then(|s| s["value"][1].as_str())
                .map(str::to_string);
            let after = sim_high_bid(&sim.url, &lot);
            compared += 1;
            let prom = value
                .as_deref()
                .and_then(|v| rust_decimal::Decimal::from_str_exact(v).ok());
            if before.is_some() && before == after && prom == before.map(|m| m.as_decimal()) {
                agreed.push((lot, value.unwrap_or_default()));
            }
        }
    }
    eprintln!(
        "Prometheus agrees with the simulator on {} of {compared} lots compared, e.g. {:?}",
        agreed.len(),
        agreed[0]
    );
    let up = query("lotwatch_link_up");
    assert_eq!(up.first().and_then(|s| s["value"][1].as_str()), Some("1"));
    let job_up = query("up{job=\"lotwatch\"}");
    assert_eq!(
        job_up.first().and_then(|s| s["value"][1].as_str()),
        Some("1")
    );
    // The screen kept running throughout.
    let screen = monitor.screen();
    assert!(screen.contains("LIVE"), "{screen}");
}
