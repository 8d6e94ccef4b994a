//! The transport under both sources: reqwest on rustls, gzip, timeouts, the
//! bearer token (https or loopback only), a same-host redirect policy, a
//! body size cap enforced while streaming, the User-Agent naming lotwatch
//! and its version, error causes, and a clock sample from every answer. The
//! API's resources are in `client`; the web site's pages (HTML, no JSON
//! content-type check, `If-Modified-Since`/ETag) are fetched by `page`.

use crate::domain::Timestamp;
use crate::domain::clock::{ClockSample, Mono, mono_now, wall_now};
use crate::domain::link::{Misconfig, UrlFault};
use crate::platform::error::PlatformError;
use crate::platform::sanitize::clean;
pub(super) use causes::status_error;
use causes::{classify, innermost};
pub use page::{Page, Validators};

mod causes;
mod page;
mod push;
mod streamed;
pub use push::{PushFeed, SseFrame, SseFrames};
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{StatusCode, Url, redirect};
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Default cap on a decoded response body (the lots snapshot, decoded as it
/// arrives; a web site's pages).
pub const DEFAULT_MAX_BODY: usize = 16 * 1024 * 1024;
/// Cap on the answers the contract keeps small: the auction, one lot, the
/// rates (a few kB each). Such a body is held whole while it is decoded, so
/// its cap is what an attack through it can cost.
pub const MAX_SMALL_BODY: usize = 1024 * 1024;
/// Cap on a page of the feed (at most 1000 events) or of a lot's bids (the
/// monitor keeps 5000 a page): held whole while decoded, like the small ones.
pub const MAX_PAGE_BODY: usize = 4 * 1024 * 1024;
/// Cap on the body of an error answer (only its error object is read).
const MAX_ERROR_BODY: usize = 64 * 1024;
/// Cap on the National Bank's XML.
pub const MAX_FEED_BODY: usize = 2 * 1024 * 1024;
/// `Retry-After` is honoured up to this long (a longer one is read as this).
pub const RETRY_AFTER_CAP: Duration = Duration::from_secs(600);
/// Redirects followed at most (same host only).
const MAX_REDIRECTS: usize = 5;

/// The bearer token. It has no `Display`, and `Debug` hides it, so it cannot
/// slip into a log line or an error message by formatting.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// None for an empty or whitespace-only value.
    pub fn new(s: impl Into<String>) -> Option<Token> {
        let s = s.into();
        if s.trim().is_empty() {
            None
        } else {
            Some(Token(s.trim().to_string()))
        }
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(hidden)")
    }
}

/// How to reach the platform.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// Base URL; the API lives under `<base>/api/v1/`.
    pub base_url: String,
    pub token: Option<Token>,
    /// A PEM CA certificate to trust besides the system's roots.
    pub ca_cert: Option<PathBuf>,
    /// Accept any certificate (the UI says so the whole time).
    pub insecure: bool,
    pub connect_timeout: Duration,
    /// Total time for an ordinary request, body included.
    pub request_timeout: Duration,
    /// A long-poll may take its `wait` plus this.
    pub long_poll_margin: Duration,
    /// Cap on a decoded body, in bytes.
    pub max_body: usize,
    /// At least this long between the starts of two requests for a web
    /// site's pages (`page`), which also go one at a time (0: no gap).
    pub page_gap: Duration,
}

impl ClientConfig {
    pub fn new(base_url: impl Into<String>) -> ClientConfig {
        ClientConfig {
            base_url: base_url.into(),
            token: None,
            ca_cert: None,
            insecure: false,
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(15),
            long_poll_margin: Duration::from_secs(10),
            max_body: DEFAULT_MAX_BODY,
            page_gap: Duration::ZERO,
        }
    }
}

/// A decoded answer with what came with it.
#[derive(Clone, Debug)]
pub struct Fetched<T> {
    pub value: T,
    /// The server's clock as this answer showed it.
    pub clock: Option<ClockSample>,
    pub etag: Option<String>,
}

/// A conditional GET's outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cached<T> {
    Fresh(T),
    /// 304: what the caller has is still current.
    NotModified,
}

/// The platform client. Cheap to clone (one connection pool).
#[derive(Clone)]
pub struct Client {
    pub(super) inner: Arc<Inner>,
}

pub(super) struct Inner {
    pub(super) http: reqwest::Client,
    /// With `--insecure`: a client that verifies, for every host but the
    /// platform's.
    pub(super) verified: Option<reqwest::Client>,
    pub(super) base: Url,
    pub(super) token: Option<Token>,
    /// False when the base URL is plain http to a non-loopback host.
    pub(super) token_allowed: bool,
    pub(super) cfg: ClientConfig,
    pub(super) requests: super::requests::RequestStats,
    /// When the last page request started; held across a page request, so
    /// pages go one at a time (`page`).
    pub(super) pace: tokio::sync::Mutex<Option<tokio::time::Instant>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.inner.base.as_str())
            .field("token", &self.inner.token)
            .finish()
    }
}

/// Installs the ring crypto provider for rustls once per process.
pub fn install_crypto_provider() {
    // An Err means a provider is already installed, which is what we want.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Marker error for a redirect the policy refused.
#[derive(Debug)]
pub(super) struct RedirectRefused;

impl fmt::Display for RedirectRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("redirect to another host refused")
    }
}

impl std::error::Error for RedirectRefused {}

/// Follow a redirect only to the same host and port with the same scheme,
/// or from http to https on the same host.
pub fn redirect_allowed(from: &Url, to: &Url) -> bool {
    if from.host_str() != to.host_str() {
        return false;
    }
    match (from.scheme(), to.scheme()) {
        (a, b) if a == b => from.port_or_known_default() == to.port_or_known_default(),
        ("http", "https") => true,
        _ => false,
    }
}

/// Loopback: 127.0.0.0/8, ::1 or `localhost`.
pub fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

/// `Retry-After` as seconds or an HTTP date; a date is read against the
/// answer's own `Date` header (not this machine's clock, which may be off).
/// Capped at `RETRY_AFTER_CAP`. None when it cannot be interpreted.
pub fn parse_retry_after(value: &str, date_header: Option<Timestamp>) -> Option<Duration> {
    let v = value.trim();
    let d = if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        Duration::from_secs(v.parse::<u64>().unwrap_or(u64::MAX))
    } else {
        let at = parse_http_date(v)?;
        let now = date_header?;
        Duration::from_millis(u64::try_from(now.until(at)).unwrap_or(0))
    };
    Some(d.min(RETRY_AFTER_CAP))
}

/// An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`).
pub fn parse_http_date(s: &str) -> Option<Timestamp> {
    if s.len() > 64 {
        return None;
    }
    static P: jiff::fmt::rfc2822::DateTimeParser = jiff::fmt::rfc2822::DateTimeParser::new();
    P.parse_timestamp(s)
        .ok()
        .map(|t| Timestamp(t.as_millisecond()))
}

/// A raw answer, body read within the cap.
pub(super) struct Raw {
    /// The request's path, for errors that name it.
    pub(super) path: String,
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    pub(super) body: Vec<u8>,
    pub(super) sent: crate::domain::clock::Mono,
    pub(super) received: crate::domain::clock::Mono,
    pub(super) wall: Timestamp,
}

impl Raw {
    pub(super) fn date(&self) -> Option<Timestamp> {
        self.headers
            .get(header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_http_date)
    }

    pub(super) fn etag(&self) -> Option<String> {
        // Kept verbatim (it is sent back exactly), but only if it is short
        // and printable.
        self.headers
            .get(header::ETAG)
            .and_then(|v| v.to_str().ok())
            .filter(|s| s.len() <= 256 && s.bytes().all(|b| (0x20..0x7f).contains(&b)))
            .map(str::to_string)
    }

    /// From the body's `server_time` when there is one, else the `Date` header.
    pub(super) fn clock(&self, body_time: Option<Timestamp>) -> Option<ClockSample> {
        let (server, from_date_header) = match body_time {
            Some(t) => (t, false),
            None => (self.date()?, true),
        };
        Some(ClockSample {
            server,
            sent: self.sent,
            received: self.received,
            local_wall: self.wall,
            from_date_header,
        })
    }
}

/// An answer whose headers are in and whose body is still to read.
pub(super) struct Opened {
    pub(super) resp: reqwest::Response,
    pub(super) sent: Mono,
    pub(super) received: Mono,
    pub(super) wall: Timestamp,
}

/// Options of one request.
pub(super) struct Req<'a> {
    pub(super) auth: bool,
    pub(super) if_none_match: Option<&'a str>,
    pub(super) if_modified_since: Option<&'a str>,
    pub(super) total: Duration,
    pub(super) cap: usize,
}

/// What is wrong with a URL that does not parse, and how to write it.
fn url_problem(raw: &str, e: &url::ParseError) -> Misconfig {
    let url = raw.to_string();
    if raw.contains("://") {
        let fault = match e {
            url::ParseError::EmptyHost => UrlFault::EmptyHost,
            url::ParseError::InvalidPort => UrlFault::InvalidPort,
            url::ParseError::InvalidIpv4Address => UrlFault::InvalidIpv4,
            url::ParseError::InvalidIpv6Address => UrlFault::InvalidIpv6,
            url::ParseError::InvalidDomainCharacter => UrlFault::InvalidCharacter,
            other => UrlFault::Other(other.to_string()),
        };
        Misconfig::BadUrl { url, fault }
    } else {
        Misconfig::NoScheme { url }
    }
}

/// A URL whose scheme is not http or https: `localhost:8081` parses as the
/// scheme `localhost`.
fn scheme_problem(raw: &str, scheme: &str) -> Misconfig {
    let rest = raw.get(scheme.len() + 1..).unwrap_or("");
    if !rest.starts_with("//")
        && rest
            .split('/')
            .next()
            .is_some_and(|p| p.parse::<u16>().is_ok())
    {
        Misconfig::NoScheme {
            url: raw.to_string(),
        }
    } else {
        Misconfig::WrongScheme {
            url: raw.to_string(),
            scheme: scheme.to_string(),
        }
    }
}

impl Client {
    pub fn new(cfg: ClientConfig) -> Result<Client, PlatformError> {
        install_crypto_provider();
        let raw = cfg.base_url.trim();
        let mut base = Url::parse(raw).map_err(|e| PlatformError::Config(url_problem(raw, &e)))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(PlatformError::Config(scheme_problem(raw, base.scheme())));
        }
        if !base.username().is_empty() || base.password().is_some() {
            return Err(PlatformError::Config(Misconfig::Credentials));
        }
        if !base.path().ends_with('/') {
            let p = format!("{}/", base.path());
            base.set_path(&p);
        }
        base.set_query(None);
        base.set_fragment(None);
        let token_allowed = base.scheme() == "https" || is_loopback(&base);
        if cfg.token.is_some() && !token_allowed {
            tracing::warn!(
                "a token is configured but the platform URL is plain http to a non-loopback host: not sending it"
            );
        }
        // The library never relies on its caller to have installed the
        // provider: reqwest panics without one (`rustls-no-provider`).
        install_crypto_provider();
        let http = http_client(&cfg, cfg.insecure)?;
        // --insecure is for the platform's host only: a document elsewhere
        // (the National Bank's feed) is always verified.
        let verified = if cfg.insecure {
            Some(http_client(&cfg, false)?)
        } else {
            None
        };
        let token = cfg.token.clone();
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                verified,
                base,
                token,
                token_allowed,
                cfg,
                requests: Default::default(),
                pace: tokio::sync::Mutex::new(None),
            }),
        })
    }

    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }

    pub fn config(&self) -> &ClientConfig {
        &self.inner.cfg
    }

    /// Requests so far by route and status (for the metrics).
    pub fn request_counts(&self) -> Vec<(&'static str, String, u64)> {
        self.inner.requests.snapshot()
    }

    pub(super) fn url(&self, path: &str) -> Result<Url, PlatformError> {
        self.inner
            .base
            .join(path)
            .map_err(|e| PlatformError::Config(Misconfig::Other(format!("bad URL: {e}"))))
    }

    pub(super) fn normal(&self) -> Req<'static> {
        Req {
            auth: true,
            if_none_match: None,
            if_modified_since: None,
            total: self.inner.cfg.request_timeout,
            cap: self.inner.cfg.max_body,
        }
    }

    /// `normal`, for an answer the contract keeps small.
    pub(super) fn small(&self) -> Req<'static> {
        Req {
            cap: MAX_SMALL_BODY.min(self.inner.cfg.max_body),
            ..self.normal()
        }
    }

    /// `normal`, for a page of the feed or of a lot's bids.
    pub(super) fn paged(&self) -> Req<'static> {
        Req {
            cap: MAX_PAGE_BODY.min(self.inner.cfg.max_body),
            ..self.normal()
        }
    }

    /// A 2xx or 304 answer; any other status as its error.
    pub(super) async fn get(&self, url: Url, req: Req<'_>) -> Result<Raw, PlatformError> {
        let raw = self.get_any(url, req).await?;
        if raw.status == StatusCode::NOT_MODIFIED || raw.status.is_success() {
            Ok(raw)
        } else {
            Err(status_error(&raw, self.inner.token.as_ref()))
        }
    }

    /// An answer whatever its status (an error's body capped); only a
    /// transport failure is an error.
    pub(super) async fn get_any(&self, url: Url, req: Req<'_>) -> Result<Raw, PlatformError> {
        let total = req.total;
        // reqwest's own total timeout covers the body too; this outer one is a
        // backstop so that nothing here can hang for longer.
        let secs = total.as_secs_f64().ceil() as u64;
        let counted = url.clone();
        let r = match tokio::time::timeout(total + Duration::from_secs(1), self.get_inner(url, req))
            .await
        {
            Ok(Err(PlatformError::Timeout { secs: 0 })) => Err(PlatformError::Timeout { secs }),
            Ok(r) => r,
            Err(_) => Err(PlatformError::Timeout { secs }),
        };
        let outcome = r.as_ref().map(|raw| raw.status.as_u16());
        self.inner
            .requests
            .record(&self.inner.base, &counted, outcome);
        r
    }

    /// Sends a GET with the token (where it may go) and the validators, and
    /// returns the answer once its headers are in; `total` bounds the whole
    /// exchange, or nothing with `None` (a push feed, bounded by the
    /// client's read timeout between chunks instead).
    pub(super) async fn open(
        &self,
        url: Url,
        req: &Req<'_>,
        total: Option<Duration>,
    ) -> Result<Opened, PlatformError> {
        // --insecure is for the platform's host only (never the National
        // Bank's feed).
        let http = match &self.inner.verified {
            Some(v) if !same_origin(&url, &self.inner.base) => v,
            _ => &self.inner.http,
        };
        let mut rb = http.get(url);
        if let Some(total) = total {
            rb = rb.timeout(total);
        }
        if req.auth
            && self.inner.token_allowed
            && let Some(t) = &self.inner.token
        {
            let mut v = HeaderValue::from_str(&format!("Bearer {}", t.0))
                .map_err(|_| PlatformError::Config(Misconfig::TokenCharacters))?;
            v.set_sensitive(true);
            rb = rb.header(header::AUTHORIZATION, v);
        }
        if let Some(since) = req.if_modified_since
            && let Ok(v) = HeaderValue::from_str(since)
        {
            rb = rb.header(header::IF_MODIFIED_SINCE, v);
        }
        if let Some(tag) = req.if_none_match
            && let Ok(v) = HeaderValue::from_str(tag)
        {
            rb = rb.header(header::IF_NONE_MATCH, v);
        }
        let sent = mono_now();
        let resp = rb
            .send()
            .await
            .map_err(|e| classify(e, self.inner.cfg.connect_timeout))?;
        Ok(Opened {
            resp,
            sent,
            received: mono_now(),
            wall: wall_now(),
        })
    }

    async fn get_inner(&self, url: Url, req: Req<'_>) -> Result<Raw, PlatformError> {
        let path = url.path().to_string();
        let Opened {
            mut resp,
            sent,
            received,
            wall,
        } = self.open(url, &req, Some(req.total)).await?;
        let status = resp.status();
        let headers = std::mem::take(resp.headers_mut());
        let body = self.read_body(&mut resp, status, req.cap).await?;
        tracing::debug!(path = %path, status = status.as_u16(), bytes = body.len(), rtt_ms = received.0.saturating_sub(sent.0), "answer");
        Ok(Raw {
            path: clean(&path, 200),
            status,
            headers,
            body,
            sent,
            received,
            wall,
        })
    }
}

impl Client {
    /// The body of an answer whose headers are in, within the cap: a 2xx
    /// over it is `TooLarge` (refused by its Content-Length before any of
    /// it is read), an error body is cut at `MAX_ERROR_BODY`. The buffer is
    /// reserved once, at the Content-Length or else the cap, and trimmed to
    /// the body at the end: it never grows by copying, so no byte of the
    /// body is held twice (the pages of the reserve a body does not fill
    /// are never touched, and cost no memory).
    pub(super) async fn read_body(
        &self,
        resp: &mut reqwest::Response,
        status: StatusCode,
        cap: usize,
    ) -> Result<Vec<u8>, PlatformError> {
        let cap = if status.is_success() {
            cap
        } else {
            MAX_ERROR_BODY.min(cap)
        };
        if resp.content_length().is_some_and(|n| n > cap as u64) && status.is_success() {
            return Err(PlatformError::TooLarge { limit: cap });
        }
        let mut body = Vec::with_capacity(
            resp.content_length()
                .map_or(cap, |n| n.min(cap as u64) as usize),
        );
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > cap {
                        if status.is_success() {
                            return Err(PlatformError::TooLarge { limit: cap });
                        }
                        // An oversized error body: its status is enough.
                        break;
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(classify(e, self.inner.cfg.connect_timeout)),
            }
        }
        body.shrink_to_fit();
        Ok(body)
    }
}

/// Whether an answer is a web page: said by its Content-Type, or a body
/// that opens with `<` (a login or maintenance page sent as anything).
fn is_html(raw: &Raw) -> bool {
    let body = raw.body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&raw.body);
    is_html_type(&raw.headers) || body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
}

/// Whether the Content-Type says a web page.
pub(super) fn is_html_type(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| {
            let t = t.trim_start().to_ascii_lowercase();
            t.starts_with("text/html") || t.starts_with("application/xhtml")
        })
}

/// Only a 2xx answer with a JSON body is decoded.
pub(super) fn check_ok(raw: &Raw) -> Result<(), PlatformError> {
    if !raw.status.is_success() || raw.status == StatusCode::NO_CONTENT {
        return Err(PlatformError::Http {
            status: raw.status.as_u16(),
            code: None,
            message: None,
        });
    }
    if is_html(raw) {
        return Err(PlatformError::Html {
            path: raw.path.clone(),
        });
    }
    Ok(())
}

/// The HTTP client for `cfg`; `insecure` accepts any certificate.
fn http_client(cfg: &ClientConfig, insecure: bool) -> Result<reqwest::Client, PlatformError> {
    let mut b = reqwest::Client::builder()
        .user_agent(concat!("lotwatch/", env!("CARGO_PKG_VERSION")))
        .gzip(true)
        .connect_timeout(cfg.connect_timeout)
        // Idle time between reads; a long-poll is bounded by its total.
        .read_timeout(
            cfg.request_timeout
                .max(Duration::from_secs(30) + cfg.long_poll_margin),
        )
        .pool_max_idle_per_host(4)
        .redirect(redirect::Policy::custom(|attempt| {
            let from = attempt.previous().last().cloned();
            if attempt.previous().len() > MAX_REDIRECTS {
                attempt.error(RedirectRefused)
            } else if from.is_some_and(|f| redirect_allowed(&f, attempt.url())) {
                attempt.follow()
            } else {
                attempt.error(RedirectRefused)
            }
        }));
    if let Some(path) = &cfg.ca_cert {
        let pem = std::fs::read(path).map_err(|e| {
            PlatformError::Config(Misconfig::CaUnreadable {
                path: path.display().to_string(),
                detail: e.to_string(),
                missing: e.kind() == std::io::ErrorKind::NotFound,
            })
        })?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|_| {
            PlatformError::Config(Misconfig::CaNotPem {
                path: path.display().to_string(),
            })
        })?;
        if certs.is_empty() {
            return Err(PlatformError::Config(Misconfig::CaEmpty {
                path: path.display().to_string(),
            }));
        }
        b = b.tls_certs_merge(certs);
    }
    if insecure {
        tracing::warn!("TLS certificate verification is off (--insecure)");
        b = b.tls_danger_accept_invalid_certs(true);
    }
    b.build().map_err(|e| {
        PlatformError::Config(Misconfig::Other(format!(
            "cannot set up HTTP: {}",
            innermost(&e)
        )))
    })
}

/// True when `a` and `b` are the same scheme, host and port.
fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).expect("test input is valid")
    }

    #[test]
    fn redirect_policy() {
        assert!(redirect_allowed(&u("https://a.kz/x"), &u("https://a.kz/y")));
        assert!(redirect_allowed(&u("http://a.kz/x"), &u("https://a.kz/y")));
        assert!(!redirect_allowed(&u("https://a.kz/x"), &u("http://a.kz/y")));
        assert!(!redirect_allowed(
            &u("https://a.kz/x"),
            &u("https://evil.kz/y")
        ));
        assert!(!redirect_allowed(
            &u("https://a.kz/x"),
            &u("https://a.kz.evil.kz/y")
        ));
        assert!(!redirect_allowed(
            &u("http://127.0.0.1:8080/x"),
            &u("http://127.0.0.1:9090/y")
        ));
        assert!(redirect_allowed(
            &u("http://127.0.0.1:8080/x"),
            &u("http://127.0.0.1:8080/y")
        ));
    }

    #[test]
    fn loopback() {
        assert!(is_loopback(&u("http://127.0.0.1:1/")));
        assert!(is_loopback(&u("http://127.3.4.5/")));
        assert!(is_loopback(&u("http://[::1]:8080/")));
        assert!(is_loopback(&u("http://LOCALHOST/")));
        assert!(!is_loopback(&u("http://10.0.0.1/")));
        assert!(!is_loopback(&u("http://localhost.evil.kz/")));
    }

    #[test]
    fn retry_after_both_forms() {
        let date = parse_http_date("Tue, 24 Jun 2025 05:00:00 GMT");
        assert_eq!(date, Timestamp::parse("2025-06-24T05:00:00Z").ok());
        assert_eq!(parse_retry_after("7", date), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after(" 0 ", None), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("99999999999999999999999", None),
            Some(RETRY_AFTER_CAP)
        );
        assert_eq!(
            parse_retry_after("Tue, 24 Jun 2025 05:00:09 GMT", date),
            Some(Duration::from_secs(9))
        );
        // In the past: no wait.
        assert_eq!(
            parse_retry_after("Tue, 24 Jun 2025 04:00:00 GMT", date),
            Some(Duration::ZERO)
        );
        // Far future: capped.
        assert_eq!(
            parse_retry_after("Wed, 25 Jun 2025 05:00:00 GMT", date),
            Some(RETRY_AFTER_CAP)
        );
        // A date without the answer's Date header cannot be read safely.
        assert_eq!(
            parse_retry_after("Tue, 24 Jun 2025 05:00:09 GMT", None),
            None
        );
        for bad in ["", "-5", "soon", "1.5", "Tue, 99 Jun 2025 05:00:09 GMT"] {
            assert_eq!(parse_retry_after(bad, date), None, "{bad}");
        }
    }

    #[test]
    fn token_never_shows_in_debug() {
        let t = Token::new("canary-SECRET-123").expect("test input is valid");
        assert!(!format!("{t:?}").contains("canary"));
        let mut cfg = ClientConfig::new("https://platform.example/");
        cfg.token = Some(t);
        assert!(!format!("{cfg:?}").contains("canary"));
        let c = Client::new(cfg).expect("test input is valid");
        assert!(!format!("{c:?}").contains("canary"));
        assert_eq!(Token::new("  "), None);
    }

    #[test]
    fn config_errors() {
        assert!(matches!(
            Client::new(ClientConfig::new("ftp://x/")),
            Err(PlatformError::Config(_))
        ));
        assert!(matches!(
            Client::new(ClientConfig::new("not a url")),
            Err(PlatformError::Config(_))
        ));
        assert!(matches!(
            Client::new(ClientConfig::new("https://u:p@x/")),
            Err(PlatformError::Config(_))
        ));
        let mut cfg = ClientConfig::new("https://x/");
        cfg.ca_cert = Some(PathBuf::from("/nonexistent/ca.pem"));
        assert!(matches!(Client::new(cfg), Err(PlatformError::Config(_))));
        let c =
            Client::new(ClientConfig::new("https://x.kz/platform")).expect("test input is valid");
        assert_eq!(
            c.url("api/v1/lots").expect("test input is valid").as_str(),
            "https://x.kz/platform/api/v1/lots"
        );
    }

    #[test]
    fn token_only_over_https_or_loopback() {
        let mk = |u: &str| {
            let mut cfg = ClientConfig::new(u);
            cfg.token = Token::new("t");
            Client::new(cfg)
                .expect("test input is valid")
                .inner
                .token_allowed
        };
        assert!(mk("https://x.kz/"));
        assert!(mk("http://127.0.0.1:9/"));
        assert!(mk("http://localhost:9/"));
        assert!(!mk("http://x.kz/"));
    }
}

#[cfg(test)]
mod url_tests {
    use super::*;

    #[test]
    fn a_url_without_its_scheme_is_told_to_add_http() {
        for raw in ["127.0.0.1:8081", "localhost:8081"] {
            let e = Client::new(ClientConfig::new(raw))
                .err()
                .map(|e| e.to_string());
            assert!(
                e.as_deref()
                    .is_some_and(|e| e.contains(&format!("write http://{raw}"))),
                "{raw}: {e:?}"
            );
        }
        let e = Client::new(ClientConfig::new("ftp://host/"))
            .err()
            .map(|e| e.to_string());
        assert!(
            e.as_deref()
                .is_some_and(|e| e.contains("must start with http://")),
            "{e:?}"
        );
    }
}
