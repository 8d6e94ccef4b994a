//! Rates with fallback, against a mock platform and a mock NBK feed: the
//! stated order (chosen source, the other source, fixed rates, last good
//! table), what each table says about itself, the feed URL's date, ETag reuse,
//! and that the platform's token never goes to the feed.

use crate::support::common;

use common::*;
use lotwatch::domain::{Currency, Rate, Timestamp};
use lotwatch::platform::{Client, ClientConfig, Token};
use lotwatch::rates::{RateSource, RatesConfig, RatesMode};
use lotwatch::sync::rates::{RatesState, fetch_with_fallback};
use lotwatch::sync::{SyncConfig, SyncMsg, spawn};
use rust_decimal::Decimal;
use serde_json::json;
use std::collections::BTreeMap;
use std::time::Duration;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const NBK_XML: &str = include_str!("../fixtures/nbk-get_rates-sample.xml");

fn rates_body() -> serde_json::Value {
    json!({"server_time": T0, "source": "NBK", "date": "2025-06-24", "base": "KZT",
           "rates": {"USD": "519.53", "EUR": "601.12", "CNY": "72.31"}})
}

fn cfg(server: &MockServer, mode: RatesMode, fixed: &[(Currency, &str)]) -> RatesConfig {
    RatesConfig {
        mode,
        nbk_url: format!("{}/nbk/rss/get_rates.cfm?fdate={{date}}", server.uri()),
        fixed: fixed
            .iter()
            .map(|(c, r)| (*c, Rate(r.parse::<Decimal>().expect("test rate"))))
            .collect::<BTreeMap<_, _>>(),
        ..RatesConfig::default()
    }
}

fn client(server: &MockServer) -> Client {
    let mut c = ClientConfig::new(server.uri());
    c.token = Token::new("canary-rates-token-5150");
    Client::new(c).expect("valid config")
}

async fn mount_platform_rates(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/api/v1/rates"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(rates_body())
                .insert_header("ETag", "\"r1\""),
        )
        .mount(server)
        .await;
}

async fn mount_nbk(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/nbk/rss/get_rates.cfm"))
        .and(query_param("fdate", "24.06.2025"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(NBK_XML, "application/xml"))
        .mount(server)
        .await;
}

async fn mount_failing(server: &MockServer, p: &str) {
    Mock::given(method("GET"))
        .and(path(p))
        .respond_with(ResponseTemplate::new(500))
        .mount(server)
        .await;
}

fn day() -> (jiff::civil::Date, Timestamp) {
    (
        jiff::civil::date(2025, 6, 24),
        Timestamp::parse(T0).expect("T0"),
    )
}

#[tokio::test]
async fn the_chosen_source_first() {
    let server = MockServer::start().await;
    mount_platform_rates(&server).await;
    mount_nbk(&server).await;
    let (d, now) = day();
    let mut st = RatesState::default();
    let t = fetch_with_fallback(
        &client(&server),
        &cfg(&server, RatesMode::Platform, &[]),
        &mut st,
        d,
        now,
    )
    .await
    .expect("a table");
    assert_eq!(
        (t.source.clone(), t.fallback.clone(), t.date),
        (RateSource::Platform, None, Some(d))
    );
    assert_eq!(t.get(Currency::Usd), Some(Rate(Decimal::new(51953, 2))));
    let t = fetch_with_fallback(
        &client(&server),
        &cfg(&server, RatesMode::Nbk, &[]),
        &mut st,
        d,
        now,
    )
    .await
    .expect("a table");
    assert_eq!(
        (t.source.clone(), t.fallback.clone(), t.date),
        (RateSource::Nbk, None, Some(d))
    );
    assert_eq!(t.get(Currency::Eur), Some(Rate(Decimal::new(60112, 2))));
    assert_eq!(t.get(Currency::Kzt), None);
}

#[tokio::test]
async fn then_the_other_source_then_fixed_then_the_last_good_table() {
    let server = MockServer::start().await;
    mount_failing(&server, "/api/v1/rates").await;
    mount_nbk(&server).await;
    let (d, now) = day();
    let mut st = RatesState::default();
    let c = client(&server);
    let fixed = [(Currency::Usd, "500")];
    let t = fetch_with_fallback(
        &c,
        &cfg(&server, RatesMode::Platform, &fixed),
        &mut st,
        d,
        now,
    )
    .await
    .expect("a table");
    assert_eq!(t.source, RateSource::Nbk);
    let why = t.fallback.expect("says it is a fallback").to_string();
    assert!(
        why.contains("platform rates failed") && why.contains("using NBK rates"),
        "{why}"
    );

    // Both sources down: the fixed rates, saying why.
    server.reset().await;
    mount_failing(&server, "/api/v1/rates").await;
    mount_failing(&server, "/nbk/rss/get_rates.cfm").await;
    let t = fetch_with_fallback(
        &c,
        &cfg(&server, RatesMode::Platform, &fixed),
        &mut st,
        d,
        now,
    )
    .await
    .expect("a table");
    assert_eq!((t.source.clone(), t.date), (RateSource::Fixed, None));
    assert_eq!(t.get(Currency::Usd), Some(Rate(Decimal::from(500))));
    assert!(
        t.fallback
            .as_ref()
            .map(ToString::to_string)
            .is_some_and(|w| w.contains("fixed rates")),
        "{:?}",
        t.fallback
    );

    // No fixed rates: the last good table (the NBK one), marked as such.
    let t = fetch_with_fallback(&c, &cfg(&server, RatesMode::Nbk, &[]), &mut st, d, now)
        .await
        .expect("a table");
    assert_eq!((t.source.clone(), t.date), (RateSource::Nbk, Some(d)));
    assert!(
        t.fallback
            .as_ref()
            .map(ToString::to_string)
            .is_some_and(|w| w.contains("last good")),
        "{:?}",
        t.fallback
    );

    // Nothing at all: nothing to show.
    let mut fresh = RatesState::default();
    assert_eq!(
        fetch_with_fallback(&c, &cfg(&server, RatesMode::Nbk, &[]), &mut fresh, d, now).await,
        None
    );
}

#[tokio::test]
async fn fixed_mode_uses_only_the_given_rates() {
    let server = MockServer::start().await;
    let (d, now) = day();
    let t = fetch_with_fallback(
        &client(&server),
        &cfg(&server, RatesMode::Fixed, &[(Currency::Cny, "72.5")]),
        &mut RatesState::default(),
        d,
        now,
    )
    .await
    .expect("a table");
    assert_eq!((t.source, t.fallback), (RateSource::Fixed, None));
    assert_eq!(count(&server, None).await, 0);
}

#[tokio::test]
async fn a_malformed_feed_falls_back_and_names_the_problem() {
    let server = MockServer::start().await;
    mount_platform_rates(&server).await;
    Mock::given(method("GET"))
        .and(path("/nbk/rss/get_rates.cfm"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw("<html><title>Maintenance</title></html>", "text/html"),
        )
        .mount(&server)
        .await;
    let (d, now) = day();
    let t = fetch_with_fallback(
        &client(&server),
        &cfg(&server, RatesMode::Nbk, &[]),
        &mut RatesState::default(),
        d,
        now,
    )
    .await
    .expect("a table");
    assert_eq!(t.source, RateSource::Platform);
    assert!(
        t.fallback
            .as_ref()
            .map(ToString::to_string)
            .is_some_and(|w| w.contains("NBK rates failed") && w.contains("HTML")),
        "{:?}",
        t.fallback
    );
}

#[tokio::test]
async fn the_platform_etag_is_sent_back_and_a_304_reuses_the_table() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/rates"))
        .and(header("If-None-Match", "\"r1\""))
        .respond_with(ResponseTemplate::new(304).insert_header("ETag", "\"r1\""))
        .with_priority(1)
        .mount(&server)
        .await;
    mount_platform_rates(&server).await;
    let (d, now) = day();
    let mut st = RatesState::default();
    let c = client(&server);
    let conf = cfg(&server, RatesMode::Platform, &[]);
    let first = fetch_with_fallback(&c, &conf, &mut st, d, now)
        .await
        .expect("a table");
    let later = now.plus_secs(3600);
    let second = fetch_with_fallback(&c, &conf, &mut st, d, later)
        .await
        .expect("a table");
    assert_eq!(second.rates, first.rates);
    assert_eq!(
        (second.source, second.fallback, second.fetched_at),
        (RateSource::Platform, None, later)
    );
    let reqs = server.received_requests().await.unwrap_or_default();
    assert_eq!(reqs.len(), 2);
    assert!(
        reqs[1]
            .headers
            .get("if-none-match")
            .is_some_and(|v| v == "\"r1\"")
    );
}

#[tokio::test]
async fn the_token_goes_to_the_platform_but_never_to_the_feed() {
    let server = MockServer::start().await;
    mount_failing(&server, "/api/v1/rates").await;
    mount_nbk(&server).await;
    let (d, now) = day();
    let t = fetch_with_fallback(
        &client(&server),
        &cfg(&server, RatesMode::Platform, &[]),
        &mut RatesState::default(),
        d,
        now,
    )
    .await
    .expect("a table");
    assert_eq!(t.source, RateSource::Nbk);
    for r in server.received_requests().await.unwrap_or_default() {
        let auth = r
            .headers
            .get("authorization")
            .map(|v| v.to_str().unwrap_or("").to_string());
        if r.url.path().starts_with("/nbk/") {
            assert_eq!(auth, None, "the token went to the feed");
        } else {
            assert_eq!(auth.as_deref(), Some("Bearer canary-rates-token-5150"));
        }
    }
}

/// Through the engine: the refresher waits for the server's clock, asks the
/// feed for the server's Astana date, and sends the table as a message.
#[tokio::test]
async fn the_engine_sends_rates_for_the_servers_astana_date() {
    let server = MockServer::start().await;
    mount_healthy(&server, 5, &["A"]).await;
    mount_nbk(&server).await; // only 24.06.2025 is served: the date of T0 in Astana
    let sync = SyncConfig {
        rates: Some(cfg(&server, RatesMode::Nbk, &[])),
        ..fast_sync()
    };
    let mut c = Collector::new(spawn(client(&server), sync));
    match c
        .until(Duration::from_secs(15), |m| matches!(m, SyncMsg::Rates(_)))
        .await
    {
        Some(SyncMsg::Rates(t)) => {
            assert_eq!((t.source, t.fallback), (RateSource::Nbk, None));
            assert_eq!(t.date, Some(jiff::civil::date(2025, 6, 24)));
        }
        other => panic!("{other:?}"),
    }
}

/// A platform whose clock reads 23:59:58.5 in Astana when the test starts.
struct NearMidnight {
    skew_ms: i64,
    body: serde_json::Value,
}

impl wiremock::Respond for NearMidnight {
    fn respond(&self, r: &wiremock::Request) -> ResponseTemplate {
        let now = Timestamp(now_wall().0 + self.skew_ms);
        let mut body = self.body.clone();
        body["server_time"] = json!(now.to_rfc3339());
        if r.url.path() == "/api/v1/events" {
            let after = after_param(r);
            body["last_seq"] = json!(after);
            return ResponseTemplate::new(200)
                .set_body_json(body)
                .set_delay(Duration::from_millis(200));
        }
        ResponseTemplate::new(200).set_body_json(body)
    }
}

#[tokio::test]
async fn rates_are_read_again_when_the_servers_astana_date_changes() {
    let server = MockServer::start().await;
    let midnight_minus = Timestamp::parse("2025-06-24T18:59:58.500Z").expect("time"); // 23:59:58.5 in Astana
    let skew_ms = midnight_minus.0 - now_wall().0;
    for (p, body) in [
        ("/api/v1/auction", auction_body()),
        ("/api/v1/lots", lots_body(5, &["A"])),
        ("/api/v1/events", events_body(5, vec![])),
    ] {
        Mock::given(method("GET"))
            .and(path(p))
            .respond_with(NearMidnight { skew_ms, body })
            .mount(&server)
            .await;
    }
    for fdate in ["24.06.2025", "25.06.2025"] {
        Mock::given(method("GET"))
            .and(path("/nbk/rss/get_rates.cfm"))
            .and(query_param("fdate", fdate))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_raw(NBK_XML.replace("24.06.2025", fdate), "application/xml"),
            )
            .mount(&server)
            .await;
    }
    let rates = RatesConfig {
        date_check: Duration::from_millis(200),
        ..cfg(&server, RatesMode::Nbk, &[])
    };
    let mut c = Collector::new(spawn(
        client(&server),
        SyncConfig {
            rates: Some(rates),
            ..fast_sync()
        },
    ));
    let mut dates = Vec::new();
    while dates.len() < 2 {
        match c
            .until(Duration::from_secs(10), |m| matches!(m, SyncMsg::Rates(_)))
            .await
        {
            Some(SyncMsg::Rates(t)) => dates.push(t.date.map(|d| d.to_string())),
            other => panic!("after {dates:?}: {other:?}"),
        }
    }
    assert_eq!(
        dates,
        [
            Some("2025-06-24".to_string()),
            Some("2025-06-25".to_string())
        ]
    );
    // Only the change of date made it read again (the hourly refresh is far off).
    assert_eq!(count(&server, Some("/nbk/rss/get_rates.cfm")).await, 2);
}
