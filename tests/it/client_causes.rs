//! The client names what went wrong, as typed errors the screen and the
//! one-shot commands word the same way: a refused connection, a URL that is
//! not a platform (404 on `/api/v1/auction`), an HTML page where JSON was
//! expected, a 5xx with the server's message, a timeout with its seconds.

use crate::support::common;

use common::*;
use lotwatch::platform::PlatformError;
use lotwatch::sync::LinkCause;
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_refused_connection_is_named() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let e = fast_client(&format!("http://127.0.0.1:{port}"))
        .auction()
        .await
        .expect_err("nothing listens");
    assert_eq!(e, PlatformError::Refused);
}

#[tokio::test]
async fn a_404_on_the_auction_is_not_a_platform() {
    let server = MockServer::start().await;
    let e = fast_client(&server.uri())
        .auction()
        .await
        .expect_err("wiremock answers 404 to what it does not know");
    assert_eq!(
        LinkCause::from(&e).to_string(),
        "not a lotwatch platform: /api/v1/auction answered 404 (check the URL)"
    );
}

#[tokio::test]
async fn an_html_page_where_json_was_expected() {
    let server = MockServer::start().await;
    // A proxy's login page, sent as 200 (once as text/html, once untyped).
    Mock::given(method("GET"))
        .and(path("/api/v1/auction"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw("<!DOCTYPE html><html>Sign in</html>", "text/html"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/lots"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            "\n  <html><body>Maintenance</body></html>",
            "application/octet-stream",
        ))
        .mount(&server)
        .await;
    let c = fast_client(&server.uri());
    let e = c.auction().await.expect_err("HTML");
    assert_eq!(
        e,
        PlatformError::Html {
            path: "/api/v1/auction".into()
        }
    );
    assert!(
        LinkCause::from(&e)
            .to_string()
            .contains("/api/v1/auction answered HTML where JSON was expected")
    );
    let e = c.lots(None).await.expect_err("HTML");
    assert_eq!(
        e,
        PlatformError::Html {
            path: "/api/v1/lots".into()
        }
    );
}

#[tokio::test]
async fn a_5xx_keeps_the_servers_sanitized_message() {
    let server = MockServer::start().await;
    let body =
        serde_json::json!({"error": {"code": "internal", "message": "db \u{1b}[31mdown\u{7}"}});
    Mock::given(method("GET"))
        .and(path("/api/v1/auction"))
        .respond_with(ResponseTemplate::new(500).set_body_json(body))
        .mount(&server)
        .await;
    let e = fast_client(&server.uri()).auction().await.expect_err("500");
    let text = LinkCause::from(&e).to_string();
    assert!(text.starts_with("server error 500: db"), "{text}");
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text:?}"
    );
}

#[tokio::test]
async fn a_timeout_says_after_how_long() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/auction"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(auction_body())
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    // fast_client allows 2 s for an ordinary request.
    let e = fast_client(&server.uri())
        .auction()
        .await
        .expect_err("slow");
    assert_eq!(e, PlatformError::Timeout { secs: 2 });
    assert_eq!(
        LinkCause::from(&e).to_string(),
        "the platform did not answer within 2 s"
    );
}
