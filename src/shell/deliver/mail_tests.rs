//! SMTP delivery against a real SMTP server (`tests/support/alert_sinks.py`):
//! a password goes without TLS only to a loopback host.

#[path = "../../../tests/support/http.rs"]
mod http;
#[path = "../../../tests/support/process.rs"]
mod process;
#[path = "../../../tests/support/sinks.rs"]
mod sinks;

use http::free_port;
use process::scratch_dir;
use serde_json::Value;
use sinks::{received, sink, sink_on};
use std::time::Duration;

/// This machine's address on its default route (no packet is sent), if
/// it has one that is not loopback.
fn outside_address() -> Option<std::net::IpAddr> {
    let s = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    s.connect("192.0.2.1:9").ok()?;
    let ip = s.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

fn mailer(url: &str) -> crate::shell::deliver::mail::Mailer {
    let cfg = crate::shell::deliver::NotifyTo {
        smtp: Some(url.into()),
        from: Some("lotwatch <alerts@example.kz>".into()),
        email: vec!["bidder@example.kz".into()],
        ..Default::default()
    };
    crate::shell::deliver::mail::Mailer::new(&cfg, None)
        .expect("a valid [notify_to]")
        .expect("a mailer")
}

fn outgoing() -> crate::shell::deliver::Outgoing {
    crate::shell::deliver::Outgoing {
        id: "t1".into(),
        keys: vec!["k".into()],
        rule: "r".into(),
        event: "new".into(),
        lot_id: None,
        subject: "lotwatch: new lot · 1 Test".into(),
        text: "1 Test\n".into(),
        json: Value::Null,
        priority: 3,
    }
}

#[test]
fn a_password_goes_without_tls_only_to_a_loopback_host() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = scratch_dir("alerts", "plain-auth");
    // Loopback: the server offers no STARTTLS; AUTH and the mail go plain.
    let port = free_port();
    let _local = sink("smtp", &dir.join("local"), port);
    let m = mailer(&format!("smtp://alice:CANARY-pw@127.0.0.1:{port}"));
    rt.block_on(m.send(&outgoing()))
        .expect("delivered to loopback");
    let got = received(&dir.join("local"));
    assert!(
        got.iter().any(|(_, r)| r["auth"].is_string()),
        "AUTH was used: {got:?}"
    );
    assert!(got.iter().any(|(_, r)| r["data"].is_string()));

    // Not loopback: STARTTLS is required, so nothing is sent.
    let Some(ip) = outside_address() else {
        eprintln!(
            "alerts: no address outside loopback on this machine: the non-loopback half is skipped"
        );
        return;
    };
    let port = free_port();
    let _outside = sink_on("smtp", &dir.join("outside"), port, &ip.to_string());
    let m = mailer(&format!("smtp://alice:CANARY-pw@{ip}:{port}"));
    let err = rt
        .block_on(m.send(&outgoing()))
        .expect_err("refused without TLS");
    assert!(!err.contains("CANARY"), "{err}");
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        received(&dir.join("outside")).is_empty(),
        "neither AUTH nor the mail went out in the clear: {err}"
    );
    eprintln!("alerts: to {ip} without STARTTLS: {err}");
}
