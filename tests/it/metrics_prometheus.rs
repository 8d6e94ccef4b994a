//! `--metrics`: the exposition of `lotwatch watch` passes `promtool check
//! metrics`, and the alert rules of `docs/metrics.md` pass `promtool check
//! rules` and fire as described (`promtool test rules`). A real Prometheus
//! scraping the monitor is in `tests/e2e_outputs.rs`. Each test says it is
//! skipped when `promtool` is missing (`bash .ci/run` installs Debian's
//! `prometheus` package).

use crate::support;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;
use support::http;
use support::process::{Killed, have, poll, scratch_dir};
use support::server::Server;

fn temp_dir(name: &str) -> PathBuf {
    scratch_dir("metrics", name)
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
    "lotwatch_requests_total{path=\"/api/v1/stream\",status=\"200\"} ",
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
        crate::support::server::lotwatch()
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
    // Every lot's series says its source (issue 23.2).
    assert!(
        body.lines()
            .filter(|l| l.starts_with("lotwatch_lot_"))
            .all(|l| l.contains(",source=\"api\"}")),
        "{body}"
    );
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
