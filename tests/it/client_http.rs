//! The platform client on the wire: what it sends (User-Agent, query
//! parameters, encoded ids, If-None-Match), what it accepts (gzip, 304) and
//! what it refuses (deep JSON, a 304 it did not ask for), with the clock
//! sample each answer yields.

use crate::support::common;

use common::*;
use lotwatch::platform::{Cached, PlatformError};
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn sends_user_agent_and_long_poll_parameters() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/events"))
        .and(query_param("after", "41"))
        .and(query_param("wait", "30"))
        .and(query_param("limit", "1000"))
        .and(header(
            "user-agent",
            concat!("lotwatch/", env!("CARGO_PKG_VERSION")),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(events_body(42, vec![bid_event(42, "A", "1.00")])),
        )
        .mount(&server)
        .await;
    // wait above 30 and limit above 1000 are clamped to the contract's range
    let f = fast_client(&server.uri())
        .events(41, 99, 5000)
        .await
        .expect("answer");
    assert_eq!(f.value.events.len(), 1);
    assert_eq!(f.value.last_seq, 42);
    let s = f.clock.expect("a clock sample");
    assert!(!s.from_date_header);
    assert_eq!(s.server.to_rfc3339(), T0);
    assert!(s.received >= s.sent);
}

#[tokio::test]
async fn lot_ids_are_encoded_in_paths() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/lots/a%2Fb%20c/bids"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"server_time": T0, "lot_id": "a/b c", "bids": []})),
        )
        .mount(&server)
        .await;
    let f = fast_client(&server.uri())
        .bids("a/b c", 0)
        .await
        .expect("answer");
    assert_eq!(f.value.lot_id, "a/b c");
    // an answer about another lot is refused
    Mock::given(method("GET"))
        .and(path("/api/v1/lots/X/bids"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"server_time": T0, "lot_id": "Y", "bids": []})),
        )
        .mount(&server)
        .await;
    assert!(matches!(
        fast_client(&server.uri()).bids("X", 0).await,
        Err(PlatformError::Decode(_))
    ));
}

#[tokio::test]
async fn gzip_bodies_are_decoded() {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(
        serde_json::to_string(&lots_body(3, &["A", "B"]))
            .expect("json")
            .as_bytes(),
    )
    .expect("gzip");
    let gz = enc.finish().expect("gzip");
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/lots"))
        .and(header("accept-encoding", "gzip"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Content-Encoding", "gzip")
                .set_body_raw(gz, "application/json"),
        )
        .mount(&server)
        .await;
    match fast_client(&server.uri())
        .lots(None)
        .await
        .expect("answer")
        .value
    {
        Cached::Fresh(p) => assert_eq!((p.seq, p.lots.len()), (3, 2)),
        Cached::NotModified => panic!("not asked conditionally"),
    }
}

#[tokio::test]
async fn conditional_lots_and_a_date_header_sample() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/lots"))
        .and(header("if-none-match", "\"v7\""))
        .respond_with(
            ResponseTemplate::new(304)
                .insert_header("ETag", "\"v7\"")
                .insert_header("Date", "Tue, 24 Jun 2025 05:10:00 GMT"),
        )
        .mount(&server)
        .await;
    let f = fast_client(&server.uri())
        .lots(Some("\"v7\""))
        .await
        .expect("answer");
    assert_eq!(f.value, Cached::NotModified);
    assert_eq!(f.etag.as_deref(), Some("\"v7\""));
    let s = f.clock.expect("a sample from the Date header");
    assert!(s.from_date_header);
    assert_eq!(s.server.to_rfc3339(), "2025-06-24T05:10:00.000Z");
    // A 304 to an unconditional request is not a snapshot.
    Mock::given(method("GET"))
        .and(path("/api/v1/auction"))
        .respond_with(ResponseTemplate::new(304))
        .mount(&server)
        .await;
    assert!(fast_client(&server.uri()).auction().await.is_err());
}

#[tokio::test]
async fn deep_json_is_refused_not_overflowed() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/lots"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(deep, "application/json"))
        .mount(&server)
        .await;
    match fast_client(&server.uri()).lots(None).await {
        Err(PlatformError::Decode(m)) => assert!(m.contains("recursion limit"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn error_bodies_are_parsed_and_sanitized() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/lots"))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            json!({"error": {"code": "bad_request", "message": "no\u{1b}]52;c;ZXZpbA==\u{7} way"}}),
        ))
        .mount(&server)
        .await;
    match fast_client(&server.uri()).lots(None).await {
        Err(e @ PlatformError::Http { status: 400, .. }) => {
            let t = e.to_string();
            assert!(t.starts_with("HTTP 400 bad_request: no"), "{t}");
            assert!(!t.contains('\u{1b}') && !t.contains('\u{7}'), "{t:?}");
        }
        other => panic!("{other:?}"),
    }
    Mock::given(method("GET"))
        .and(path("/api/v1/auction"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    assert_eq!(
        fast_client(&server.uri()).auction().await.err(),
        Some(PlatformError::Unauthorized)
    );
}
