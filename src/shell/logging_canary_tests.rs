//! A canary token: it goes to the platform in the Authorization header, and
//! nowhere else: not into the log file (at trace level), not into any error
//! text, not into any message the engine sends, not to a redirect target, not
//! to the NBK feed, even when a hostile server echoes it back.

#[path = "../../tests/support/common.rs"]
mod common;

use crate::platform::{Client, ClientConfig, Token};
use crate::sync::{SyncConfig, spawn};
use common::*;
use std::time::Duration;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const CANARY: &str = "canary-7f3a9c-DO-NOT-LEAK";

/// Answers 500 with the request's Authorization header in the message.
struct Echo(u16);

impl Respond for Echo {
    fn respond(&self, r: &Request) -> ResponseTemplate {
        let auth = r
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        ResponseTemplate::new(self.0)
            .set_body_json(serde_json::json!({"error": {"code": auth.clone(), "message": format!("you sent {auth}")}}))
    }
}

#[tokio::test]
async fn the_token_reaches_the_platform_and_nothing_else() {
    let dir = std::env::temp_dir().join(format!("lotwatch-canary-{}", std::process::id()));
    let log = dir.join("canary.log");
    // The log at trace level, as LOTWATCH_LOG=trace sets it. The first
    // subscriber of the process stays: no other unit test installs one.
    super::logging::init_at(&log, tracing::Level::TRACE).expect("log file");

    let other = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(lots_body(1, &["A"])))
        .mount(&other)
        .await;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/auction"))
        .respond_with(ResponseTemplate::new(200).set_body_json(auction_body()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/lots"))
        .respond_with(Echo(500))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/events"))
        .respond_with(Echo(401))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/rates"))
        .respond_with(Echo(503))
        .mount(&server)
        .await;
    let to = format!(
        "http://localhost:{}/api/v1/lots/A/bids",
        other.address().port()
    );
    Mock::given(method("GET"))
        .and(path_regex("^/api/v1/lots/A/bids$"))
        .respond_with(ResponseTemplate::new(307).insert_header("Location", to.as_str()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/nbk/rss/get_rates.cfm"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("<rates></rates>", "application/xml"))
        .mount(&server)
        .await;

    let mut cfg = ClientConfig::new(server.uri());
    cfg.token = Token::new(CANARY);
    cfg.request_timeout = Duration::from_secs(2);
    let client = Client::new(cfg.clone()).expect("valid config");

    // Every call, every error: Display and Debug.
    let mut texts: Vec<String> = vec![format!("{cfg:?}"), format!("{client:?}")];
    let errors = vec![
        client.lots(None).await.err(),
        client.events(0, 0, 10).await.err(),
        client.rates(None).await.err(),
        client.bids("A", 0).await.err(),
        client.lot("A").await.err(),
    ];
    assert!(errors.iter().all(Option::is_some), "{errors:?}");
    for e in errors.into_iter().flatten() {
        texts.push(e.to_string());
        texts.push(format!("{e:?}"));
    }
    assert!(
        client
            .fetch_public_text(&format!(
                "{}/nbk/rss/get_rates.cfm?fdate=24.06.2025",
                server.uri()
            ))
            .await
            .is_ok()
    );

    // The engine and the rates refresher, failing for a while.
    let sync = SyncConfig {
        rates: Some(crate::rates::RatesConfig {
            nbk_url: format!("{}/nbk/rss/get_rates.cfm?fdate={{date}}", server.uri()),
            ..Default::default()
        }),
        ..fast_sync()
    };
    let mut c = Collector::new(spawn(client.clone(), sync));
    c.handle
        .cmds
        .send(crate::sync::SyncCmd::SelectLot(Some("A".into())))
        .await
        .expect("engine up");
    let msgs = c.drain_for(Duration::from_secs(3)).await;
    assert!(
        msgs.iter().any(is_offline)
            || msgs
                .iter()
                .any(|m| matches!(m, crate::sync::SyncMsg::Link(_)))
    );
    for m in &msgs {
        texts.push(format!("{m:?}"));
    }
    drop(c);

    // The token did go to the platform, so the checks below mean something...
    let reqs = server.received_requests().await.unwrap_or_default();
    let bearer = format!("Bearer {CANARY}");
    assert!(
        reqs.iter()
            .filter(|r| r.url.path().starts_with("/api/"))
            .all(|r| r
                .headers
                .get("authorization")
                .is_some_and(|v| v == bearer.as_str()))
    );
    // ...and never to the feed or the other host.
    assert!(
        reqs.iter()
            .filter(|r| r.url.path().starts_with("/nbk/"))
            .all(|r| r.headers.get("authorization").is_none())
    );
    assert!(reqs.iter().any(|r| r.url.path().starts_with("/nbk/")));
    assert_eq!(count(&other, None).await, 0);

    for t in &texts {
        assert!(!t.contains(CANARY), "the token leaked into: {t}");
    }
    // The echoed error names the masked token, proving the echo was seen.
    assert!(
        texts.iter().any(|t| t.contains("you sent Bearer ***")),
        "{texts:#?}"
    );

    let logged = std::fs::read_to_string(&log).expect("log written");
    assert!(
        logged.contains("platform request failed"),
        "the log has the failures"
    );
    assert!(!logged.contains(CANARY), "the token is in the log file");
    let _ = std::fs::remove_dir_all(&dir);
}
