//! `lotwatch snapshot` against the real simulator in each format, its exit
//! codes when the platform is down or the URL is missing, and the other
//! one-shot commands (config --default, completions, man).

use crate::support;

use std::net::TcpListener;
use std::process::Output;
use support::server::Server;

fn run(args: &[&str]) -> Output {
    crate::support::server::lotwatch()
        .args(args)
        .env_remove("LOTWATCH_TOKEN")
        .env_remove("LOTWATCH_CONFIG")
        .output()
        .expect("run lotwatch")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 stdout")
}

#[test]
fn snapshot_in_each_format_against_the_simulator() {
    let sim = Server::start(&[]);
    let json = run(&["snapshot", "--url", &sim.url, "--format", "json"]);
    assert_eq!(
        json.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&json.stderr)
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).expect("valid JSON");
    let lots = v["lots"].as_array().expect("lots array");
    assert!(!lots.is_empty());
    for l in lots {
        assert_eq!(l["source"], "api", "every lot says its source: {l}");
        for field in [
            "id",
            "number",
            "name",
            "region",
            "status",
            "starting_bonus",
            "closes_at",
        ] {
            assert!(l[field].is_string(), "{field} in {l}");
        }
        // Money exact: a decimal string with at most two fraction digits.
        let bonus = l["starting_bonus"].as_str().unwrap_or("");
        assert!(lotwatch::domain::Money::parse(bonus).is_ok(), "{bonus}");
    }
    assert!(v["auction"]["id"].is_string());
    assert!(v["seq"].is_u64());
    let ids: Vec<&str> = lots.iter().filter_map(|l| l["id"].as_str()).collect();

    let csv = run(&["snapshot", "--url", &sim.url, "--format", "csv"]);
    assert_eq!(csv.status.code(), Some(0));
    let text = stdout(&csv);
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let header = rdr.headers().expect("header").clone();
    assert_eq!(&header[0], "id");
    assert!(header.iter().any(|h| h == "high_bid"));
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), ids.len());
    for (r, id) in rows.iter().zip(&ids) {
        assert_eq!(&r[0], *id);
        assert_eq!(r.len(), header.len());
    }

    let table = run(&["snapshot", "--url", &sim.url, "--format", "table"]);
    assert_eq!(table.status.code(), Some(0));
    let text = stdout(&table);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[1].starts_with("id"), "{text}");
    assert_eq!(lines.len(), ids.len() + 2, "{text}");
    for id in &ids {
        assert!(lines.iter().any(|l| l.starts_with(id)), "{id} in {text}");
    }
    assert!(!text.contains('\x1b'));
}

#[test]
fn snapshot_needs_a_token_when_the_platform_does() {
    let sim = Server::start(&["--token", "s3cret-canary"]);
    let o = run(&["snapshot", "--url", &sim.url, "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "401 is a platform error");
    // The words the monitor shows for it.
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).trim_end(),
        format!(
            "lotwatch snapshot: {}",
            lotwatch::sync::LinkCause::Unauthorized
        )
    );
    let o = crate::support::server::lotwatch()
        .args(["snapshot", "--url", &sim.url, "--format", "json"])
        .env("LOTWATCH_TOKEN", "s3cret-canary")
        .output()
        .expect("run");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!String::from_utf8_lossy(&o.stderr).contains("s3cret-canary"));
    // From a private config file named by LOTWATCH_CONFIG; refused when readable.
    let dir = std::env::temp_dir().join(format!("lotwatch-snaptok-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let p = dir.join("config.toml");
    std::fs::write(&p, "token = \"s3cret-canary\"\n").expect("write");
    for (mode, code) in [(0o600, 0), (0o644, 2)] {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).expect("chmod");
        let o = crate::support::server::lotwatch()
            .args(["snapshot", "--url", &sim.url, "--format", "csv"])
            .env_remove("LOTWATCH_TOKEN")
            .env("LOTWATCH_CONFIG", &p)
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(code), "mode {mode:o}: {err}");
        assert!(!err.contains("s3cret-canary"));
        if code == 2 {
            assert!(err.contains(&format!("chmod 600 {}", p.display())), "{err}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn snapshot_exit_codes_when_down_and_without_url() {
    // A port that was free a moment ago and has nothing listening.
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let url = format!("http://127.0.0.1:{port}");
    let o = run(&["snapshot", "--url", &url, "--format", "csv"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty(), "nothing printed on failure");
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).trim_end(),
        format!("lotwatch snapshot: {}", lotwatch::sync::LinkCause::Refused)
    );
    let o = run(&["snapshot", "--format", "csv"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--url"));
    let o = run(&["snapshot", "--url", &url, "--format", "xml"]);
    assert_eq!(o.status.code(), Some(2), "clap usage error");
}

#[test]
fn snapshot_data_error_is_exit_3() {
    // A server that answers 200 with something that is not the contract.
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", l.local_addr().expect("addr"));
    let t = std::thread::spawn(move || {
        use std::io::{Read, Write};
        for stream in l.incoming().take(1) {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let body = "{\"server_time\": \"2025-06-24T05:00:00.000Z\", \"id\": 7}";
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nDate: Tue, 24 Jun 2025 05:00:00 GMT\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let o = run(&["snapshot", "--url", &url, "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let _ = t.join();
}

#[test]
fn config_default_completions_and_man_print_to_stdout() {
    let o = run(&["config", "--default"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    let parsed: toml::Table = toml::from_str(&text).expect("the default file is TOML");
    assert!(parsed.contains_key("keys"));
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = run(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}");
        assert!(stdout(&o).contains("snapshot"), "{shell}");
    }
    let o = run(&["man"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains(".TH lotwatch"));
}

#[test]
fn every_subcommand_help_has_examples() {
    for sub in [
        "serve",
        "export",
        "snapshot",
        "config",
        "completions",
        "man",
    ] {
        let o = run(&[sub, "--help"]);
        assert_eq!(o.status.code(), Some(0), "{sub}");
        assert!(
            stdout(&o).contains("Example"),
            "{sub} --help lacks examples"
        );
    }
    let o = run(&["snapshot", "--help"]);
    let text = stdout(&o);
    for code in ["0 ", "1 ", "2 ", "3 "] {
        assert!(
            text.contains(&format!("  {code}")),
            "exit code {code} in {text}"
        );
    }
}

#[test]
fn bad_config_file_exits_2_naming_file_and_line() {
    let dir = std::env::temp_dir().join(format!("lotwatch-cfgcli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let p = dir.join("config.toml");
    std::fs::write(&p, "url = \"http://x\"\ntheme = \"neon\"\n").expect("write");
    let o = run(&["--config", &p.to_string_lossy()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("{}:2: key `theme`", p.display())),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn snapshot_of_the_sauda_site_carries_every_field_of_the_issue() {
    let sim = Server::start(&["--site", "sauda"]);
    let out = run(&[
        "snapshot",
        "--source",
        "sauda",
        "--url",
        &sim.url,
        "--site-lang",
        "kz",
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("valid JSON");
    let lots = v["lots"].as_array().expect("lots array");
    assert_eq!(lots.len(), 50);
    for l in lots {
        assert_eq!(l["source"], "sauda", "every lot says its source: {l}");
        for field in [
            "number",
            "name",
            "region",
            "minerals",
            "license_kind",
            "area_km2",
            "blocks",
            "starting_bonus",
            "guarantee",
            "participation_fee",
            "opens_at",
            "status",
            "sale_price",
        ] {
            assert!(l.get(field).is_some(), "{field} missing in {l}");
        }
        let site = &l["site"];
        for field in [
            "url",
            "deadline",
            "status_text",
            "auction_type",
            "object_type",
            "invalid",
        ] {
            assert!(site.get(field).is_some(), "site.{field} missing in {l}");
        }
        assert!(
            site["url"]
                .as_str()
                .is_some_and(|u| u.starts_with(&format!("{}/kz/list/", sim.url))),
            "{l}"
        );
    }
    // The table names the source's host.
    let table = run(&["snapshot", "--source", "sauda", "--url", &sim.url]);
    assert_eq!(table.status.code(), Some(0));
    assert!(
        stdout(&table).contains("subsoil lots"),
        "{}",
        stdout(&table)
    );
    // Issue 28.10: CSV carries the sale price column too (the unit test
    // in shell::snapshot checks a sold lot's price in it).
    let csv = run(&[
        "snapshot", "--source", "sauda", "--url", &sim.url, "--format", "csv",
    ]);
    assert_eq!(csv.status.code(), Some(0));
    let text = stdout(&csv);
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    assert!(
        rdr.headers()
            .expect("header")
            .iter()
            .any(|h| h == "sale_price")
    );
    // An API lot's sale price cell is empty (its winning bid is high_bid).
    let api = Server::start(&[]);
    let csv = run(&["snapshot", "--url", &api.url, "--format", "csv"]);
    let text = stdout(&csv);
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    // ...and every lot says its source (issue 23.2), after it.
    let header: Vec<String> = rdr
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(
        header.iter().rev().take(2).collect::<Vec<_>>(),
        ["source", "sale_price"]
    );
    assert!(
        rdr.records()
            .all(|r| r.is_ok_and(|r| r.iter().rev().take(2).collect::<Vec<_>>() == ["api", ""]))
    );
    // Not a site: a named layout error, exit 1, never an empty list.
    let wrong = run(&["snapshot", "--source", "sauda", "--url", &api.url]);
    assert_eq!(wrong.status.code(), Some(1), "{}", stdout(&wrong));
    let err = String::from_utf8_lossy(&wrong.stderr);
    assert!(
        err.contains("lotwatch snapshot: list page 1: page not understood")
            && !err.contains("searchStatus"),
        "{err}"
    );
}
