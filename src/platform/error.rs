//! What can go wrong talking to the platform, as typed errors. Texts here may
//! reach the screen and the log: they carry sanitized server text at most,
//! never the token.

use crate::domain::{LinkCause, SiteDown, SitePage, TlsProblem};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlatformError {
    /// A non-2xx answer not covered by a more specific variant.
    #[error("HTTP {status}{}", describe(code, message))]
    Http {
        status: u16,
        code: Option<String>,
        message: Option<String>,
    },
    /// No answer within `secs` (the request's whole time allowed).
    #[error("the platform did not answer within {secs} s")]
    Timeout { secs: u64 },
    /// Another failure to connect, by its innermost cause.
    #[error("cannot connect: {0}")]
    Connect(String),
    #[error("cannot connect: connection refused")]
    Refused,
    /// The platform's host name does not resolve.
    #[error("cannot connect: host name not found")]
    NameNotFound,
    /// The TLS handshake failed on the platform's certificate.
    #[error("cannot connect: TLS: {0}")]
    Tls(TlsProblem),
    /// The answer is not the platform API's: `path` answered `status`
    /// (a wrong URL, another server).
    #[error("not a lotwatch platform: {path} answered {status}")]
    NotPlatform { path: String, status: u16 },
    /// HTML where JSON was expected (a proxy's login page, a maintenance
    /// page, a web site).
    #[error("{path} answered HTML where JSON was expected")]
    Html { path: String },
    /// The answer ended early or broke off (connection reset, body cut short).
    #[error("the answer broke off: {0}")]
    Body(String),
    #[error("the answer is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("unusable answer: {0}")]
    Decode(String),
    /// 410: the feed no longer holds the events asked for.
    #[error("the feed no longer has those events (410)")]
    Gone,
    #[error("not found (404)")]
    NotFound,
    #[error("not authorized (401): check LOTWATCH_TOKEN")]
    Unauthorized,
    #[error("rate limited (429){}", after(retry_after))]
    RateLimited { retry_after: Option<Duration> },
    #[error("unavailable (503){}", after(retry_after))]
    Unavailable { retry_after: Option<Duration> },
    #[error("a redirect to another host was refused")]
    RedirectRefused,
    /// Bad local configuration (URL, CA file, TLS setup).
    #[error("configuration: {0}")]
    Config(crate::domain::link::Misconfig),
    /// A web site's page was not laid out as expected: `what` was missing
    /// on `page` (a path).
    #[error("page not understood: {what}{}", paren(page))]
    Layout { page: String, what: String },
    /// A web site answered with a maintenance, throttling or error page.
    #[error("the site shows a {} page{}", kind.as_str(), paren(page))]
    SiteDown { page: String, kind: SiteDown },
    /// A web site's page failed: which one, in words (`list page 3 of 7`),
    /// and why (its own path left out of `cause`).
    #[error("{page}: {cause}")]
    OnPage {
        page: SitePage,
        cause: Box<PlatformError>,
    },
}

impl PlatformError {
    /// How long the server asked us to wait, if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            PlatformError::RateLimited { retry_after }
            | PlatformError::Unavailable { retry_after } => *retry_after,
            PlatformError::OnPage { cause, .. } => cause.retry_after(),
            _ => None,
        }
    }

    /// The error under any page it names.
    pub fn root(&self) -> &PlatformError {
        match self {
            PlatformError::OnPage { cause, .. } => cause.root(),
            e => e,
        }
    }

    /// The error named by `page` in words; its own path (a query string of
    /// hundreds of characters) is left out.
    pub fn on_page(self, page: SitePage) -> PlatformError {
        let cause = match self {
            PlatformError::OnPage { cause, .. } => *cause,
            PlatformError::Layout { what, .. } => PlatformError::Layout {
                page: String::new(),
                what,
            },
            PlatformError::SiteDown { kind, .. } => PlatformError::SiteDown {
                page: String::new(),
                kind,
            },
            e => e,
        };
        PlatformError::OnPage {
            page,
            cause: Box::new(cause),
        }
    }
}

fn describe(code: &Option<String>, message: &Option<String>) -> String {
    match (code, message) {
        (Some(c), Some(m)) => format!(" {c}: {m}"),
        (Some(c), None) => format!(" {c}"),
        (None, Some(m)) => format!(": {m}"),
        (None, None) => String::new(),
    }
}

fn paren(page: &str) -> String {
    if page.is_empty() {
        String::new()
    } else {
        format!(" ({page})")
    }
}

fn after(d: &Option<Duration>) -> String {
    d.map(|d| format!(", retry after {} s", d.as_secs()))
        .unwrap_or_default()
}

impl PlatformError {
    /// Why the link failed, for the user: `wait` is how long the engine
    /// waits before the next try (shown for 429 and 503).
    pub fn link_cause(&self, wait: Duration) -> LinkCause {
        let e = self;
        let wait_s = wait.as_secs_f64().ceil() as u64;
        match e {
            PlatformError::Unauthorized => LinkCause::Unauthorized,
            PlatformError::Refused => LinkCause::Refused,
            PlatformError::NameNotFound => LinkCause::NameNotFound,
            PlatformError::Tls(p) => LinkCause::Tls(p.clone()),
            PlatformError::Connect(m) => LinkCause::Connect(m.clone()),
            PlatformError::Timeout { secs } => LinkCause::Timeout { secs: *secs },
            PlatformError::Http {
                status, message, ..
            } if *status >= 500 => LinkCause::Server {
                status: *status,
                message: message.clone(),
            },
            PlatformError::Http {
                status, message, ..
            } => LinkCause::Http {
                status: *status,
                message: message.clone(),
            },
            PlatformError::RateLimited { .. } => LinkCause::RateLimited { wait_s },
            PlatformError::Unavailable { .. } => LinkCause::Unavailable { wait_s },
            PlatformError::NotPlatform { path, status } => LinkCause::NotPlatform {
                path: path.clone(),
                status: *status,
            },
            PlatformError::Html { path } => LinkCause::Html { path: path.clone() },
            PlatformError::Body(m) => LinkCause::BrokenOff(m.clone()),
            PlatformError::TooLarge { limit } => LinkCause::TooLarge { limit: *limit },
            PlatformError::Decode(m) => LinkCause::Unusable(m.clone()),
            // The engine handles 410 and 404 of the feed itself; elsewhere
            // they are an answer the monitor cannot use.
            PlatformError::Gone | PlatformError::NotFound => LinkCause::Http {
                status: if *e == PlatformError::Gone { 410 } else { 404 },
                message: None,
            },
            PlatformError::RedirectRefused => LinkCause::RedirectRefused,
            PlatformError::Config(m) => LinkCause::Config(m.clone()),
            PlatformError::Layout { page, what } => LinkCause::Layout {
                page: page.clone(),
                what: what.clone(),
            },
            PlatformError::SiteDown { page, kind } => LinkCause::SiteDown {
                page: page.clone(),
                kind: *kind,
            },
            PlatformError::OnPage { page, cause } => LinkCause::OnPage {
                page: page.clone(),
                cause: Box::new(cause.link_cause(wait)),
            },
        }
    }
}

impl From<&PlatformError> for LinkCause {
    /// The cause with the server's own Retry-After as the wait.
    fn from(e: &PlatformError) -> LinkCause {
        e.link_cause(e.retry_after().unwrap_or(Duration::ZERO))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_well() {
        let e = PlatformError::Http {
            status: 500,
            code: Some("internal".into()),
            message: Some("boom".into()),
        };
        assert_eq!(e.to_string(), "HTTP 500 internal: boom");
        let e = PlatformError::RateLimited {
            retry_after: Some(Duration::from_secs(7)),
        };
        assert_eq!(e.to_string(), "rate limited (429), retry after 7 s");
        assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
        assert_eq!(PlatformError::Gone.retry_after(), None);
    }

    mod link_causes {
        use super::*;

        #[test]
        fn each_error_has_its_cause() {
            let s = |e: PlatformError| LinkCause::from(&e).to_string();
            assert_eq!(
                s(PlatformError::Unauthorized),
                "not authorized (401): set LOTWATCH_TOKEN or token in the config file"
            );
            assert_eq!(
                s(PlatformError::Timeout { secs: 15 }),
                "the platform did not answer within 15 s"
            );
            assert_eq!(
                s(PlatformError::Http {
                    status: 502,
                    code: Some("bad_gateway".into()),
                    message: Some("upstream down".into())
                }),
                "server error 502: upstream down"
            );
            assert_eq!(
                s(PlatformError::NotPlatform {
                    path: "/api/v1/auction".into(),
                    status: 404
                }),
                "not a lotwatch platform: /api/v1/auction answered 404 (check the URL)"
            );
            assert!(
                s(PlatformError::Html {
                    path: "/api/v1/auction".into()
                })
                .contains("answered HTML where JSON was expected")
            );
            assert!(
                s(PlatformError::Tls(TlsProblem::UnknownIssuer))
                    .contains("not signed by a trusted CA")
            );
            let wait = PlatformError::RateLimited {
                retry_after: Some(Duration::from_secs(7)),
            }
            .link_cause(Duration::from_millis(7200));
            assert_eq!(wait, LinkCause::RateLimited { wait_s: 8 });
            assert_eq!(wait.to_string(), "rate limited (429): next try in 8 s");
        }
    }
}
