//! The client over real TLS on loopback (a throwaway CA in tests/fixtures/tls):
//! the private CA is refused by default, trusted with `--ca-cert`, and any
//! certificate passes with `--insecure`; the token goes over https.

use lotwatch::platform::{Client, ClientConfig, PlatformError, Token};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tls")
        .join(name)
}

/// An https server answering every request with an auction body; it keeps the
/// request heads it saw.
async fn https_server() -> (String, Arc<Mutex<Vec<String>>>) {
    let certs = CertificateDer::pem_file_iter(fixture("server.pem"))
        .expect("server.pem")
        .collect::<Result<Vec<_>, _>>()
        .expect("certificates");
    let key = PrivateKeyDer::from_pem_file(fixture("server.key")).expect("server.key");
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("protocol versions")
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .expect("server certificate");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!(
        "https://localhost:{}",
        listener.local_addr().expect("addr").port()
    );
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let seen = seen2.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut buf = vec![0u8; 8192];
                let Ok(n) = tls.read(&mut buf).await else {
                    return;
                };
                seen.lock()
                    .expect("lock")
                    .push(String::from_utf8_lossy(&buf[..n]).into_owned());
                let body = serde_json::json!({"server_time": "2025-06-24T05:10:00.000Z", "id": "kz", "title": "T",
                    "venue": "V", "timezone": "Asia/Almaty", "currency": "KZT", "starts_at": "2025-06-24T05:00:00.000Z",
                    "ends_at": "2025-06-24T12:00:00.000Z", "status": "running"})
                .to_string();
                let resp = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(resp.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (url, seen)
}

fn client(url: &str, ca: Option<PathBuf>, insecure: bool) -> Client {
    let mut c = ClientConfig::new(url);
    c.ca_cert = ca;
    c.insecure = insecure;
    c.token = Token::new("tls-token-1");
    c.request_timeout = Duration::from_secs(5);
    Client::new(c).expect("valid config")
}

#[tokio::test]
async fn a_private_ca_is_refused_unless_trusted() {
    let (url, seen) = https_server().await;
    match client(&url, None, false).auction().await {
        Err(PlatformError::Tls(p)) => assert_eq!(p, lotwatch::platform::TlsProblem::UnknownIssuer),
        other => panic!("an unknown CA must be refused: {other:?}"),
    }
    assert!(
        seen.lock().expect("lock").is_empty(),
        "no request may go over an untrusted connection"
    );

    let a = client(&url, Some(fixture("ca.pem")), false)
        .auction()
        .await
        .expect("trusted with --ca-cert");
    assert_eq!(a.value.title, "T");
    let head = seen
        .lock()
        .expect("lock")
        .last()
        .cloned()
        .unwrap_or_default()
        .to_lowercase();
    assert!(
        head.contains("authorization: bearer tls-token-1"),
        "the token goes over https: {head}"
    );

    let a = client(&url, None, true)
        .auction()
        .await
        .expect("accepted with --insecure");
    assert_eq!(a.value.id, "kz");
}

#[test]
fn a_ca_file_that_is_not_pem_is_a_clear_error() {
    let mut c = ClientConfig::new("https://localhost:1/");
    c.ca_cert = Some(fixture("README.md"));
    match Client::new(c) {
        Err(PlatformError::Config(m)) => assert!(m.to_string().contains("README.md"), "{m}"),
        other => panic!("{other:?}"),
    }
}

/// Issue 27.8: `--insecure` is for the platform's host only. The National
/// Bank's feed on another host, served with a certificate no one trusts
/// (the hostile input: a man in the middle of the rates), is refused even
/// with `--insecure`, while the platform on the same untrusted certificate
/// is accepted.
#[tokio::test]
async fn insecure_never_applies_to_the_national_bank_feed() {
    let (url, seen) = https_server().await;
    let c = client(&url, None, true);
    c.auction()
        .await
        .expect("the platform, accepted with --insecure");
    let before = seen.lock().expect("lock").len();
    // The same server under another name: another origin, as the feed is.
    let feed = url.replace("localhost", "127.0.0.1") + "/rss/get_rates.cfm?fdate=24.06.2025";
    match c.fetch_public_text(&feed).await {
        Err(PlatformError::Tls(p)) => {
            assert_eq!(p, lotwatch::platform::TlsProblem::UnknownIssuer)
        }
        other => panic!("the feed over an untrusted certificate was accepted: {other:?}"),
    }
    assert_eq!(
        seen.lock().expect("lock").len(),
        before,
        "a request went over the untrusted connection"
    );
    // The platform's own origin stays --insecure's.
    c.fetch_public_text(&format!("{url}/doc"))
        .await
        .expect("the platform's host, accepted with --insecure");
}
