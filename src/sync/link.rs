//! How the connection to the platform stands (`LinkState`), and, for every
//! state but LIVE, why (`LinkCause`): a typed cause built from the client's
//! `PlatformError`, which the view words in the user's language and the
//! one-shot commands print. English here is the log's and the journal's
//! wording (`Display`).

use crate::domain::Timestamp;
use crate::platform::{PlatformError, TlsProblem};
use std::fmt;
use std::time::Duration;

/// How the connection to the platform stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkState {
    /// No answer yet: the first requests are under way.
    Connecting,
    Live,
    /// Failing; `attempt` counts consecutive failures.
    Retrying {
        attempt: u32,
        cause: LinkCause,
    },
    /// Failing for long enough to say so, since this server time.
    Offline {
        since: Timestamp,
        cause: LinkCause,
    },
}

impl LinkState {
    /// Why the link is not LIVE, when it failed.
    pub fn cause(&self) -> Option<&LinkCause> {
        match self {
            LinkState::Retrying { cause, .. } | LinkState::Offline { cause, .. } => Some(cause),
            LinkState::Connecting | LinkState::Live => None,
        }
    }
}

/// Why the platform could not be used, in terms a user can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkCause {
    /// 401: no token, or the platform refused it.
    Unauthorized,
    /// Nothing listens at the URL's host and port.
    Refused,
    /// The URL's host name does not resolve.
    NameNotFound,
    /// The TLS handshake failed on the platform's certificate.
    Tls(TlsProblem),
    /// Another failure to connect, as the system named it.
    Connect(String),
    /// No answer within this many seconds.
    Timeout {
        secs: u64,
    },
    /// 5xx, with the server's (sanitized) message.
    Server {
        status: u16,
        message: Option<String>,
    },
    /// 429: the next try comes in `wait_s` seconds.
    RateLimited {
        wait_s: u64,
    },
    /// 503: the next try comes in `wait_s` seconds.
    Unavailable {
        wait_s: u64,
    },
    /// A path every platform serves answered `status` (a wrong URL).
    NotPlatform {
        path: String,
        status: u16,
    },
    /// HTML where JSON was expected: a proxy's login page, a maintenance page.
    Html {
        path: String,
    },
    /// The answer broke off (connection reset, body cut short).
    BrokenOff(String),
    TooLarge {
        limit: usize,
    },
    /// The answer could not be used (not the API's JSON).
    Unusable(String),
    /// Another 4xx answer, with the server's message.
    Http {
        status: u16,
        message: Option<String>,
    },
    RedirectRefused,
    /// The local settings are wrong (URL, CA file).
    Config(String),
}

impl LinkCause {
    /// The cause of a failed request; `wait` is how long the engine waits
    /// before the next try (shown for 429 and 503).
    pub fn of(e: &PlatformError, wait: Duration) -> LinkCause {
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
        }
    }
}

impl From<&PlatformError> for LinkCause {
    /// The cause with the server's own Retry-After as the wait.
    fn from(e: &PlatformError) -> LinkCause {
        LinkCause::of(e, e.retry_after().unwrap_or(Duration::ZERO))
    }
}

impl fmt::Display for LinkCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkCause::Unauthorized => {
                f.write_str("not authorized (401): set LOTWATCH_TOKEN or token in the config file")
            }
            LinkCause::Refused => f.write_str(
                "cannot connect: connection refused (check the URL and that the platform is up)",
            ),
            LinkCause::NameNotFound => {
                f.write_str("cannot connect: host name not found (check the URL)")
            }
            LinkCause::Tls(p) => write!(f, "cannot connect: TLS: {p}"),
            LinkCause::Connect(m) => write!(f, "cannot connect: {m}"),
            LinkCause::Timeout { secs } => {
                write!(f, "the platform did not answer within {secs} s")
            }
            LinkCause::Server {
                status,
                message: Some(m),
            } => write!(f, "server error {status}: {m}"),
            LinkCause::Server {
                status,
                message: None,
            } => write!(f, "server error {status}"),
            LinkCause::RateLimited { wait_s } => {
                write!(f, "rate limited (429): next try in {wait_s} s")
            }
            LinkCause::Unavailable { wait_s } => {
                write!(f, "unavailable (503): next try in {wait_s} s")
            }
            LinkCause::NotPlatform { path, status } => {
                write!(
                    f,
                    "not a lotwatch platform: {path} answered {status} (check the URL)"
                )
            }
            LinkCause::Html { path } => write!(
                f,
                "not a lotwatch platform: {path} answered HTML where JSON was expected (a wrong URL, a login or maintenance page)"
            ),
            LinkCause::BrokenOff(m) => write!(f, "the answer broke off: {m}"),
            LinkCause::TooLarge { limit } => write!(f, "the answer is larger than {limit} bytes"),
            LinkCause::Unusable(m) => write!(f, "unusable answer: {m}"),
            LinkCause::Http {
                status,
                message: Some(m),
            } => write!(f, "HTTP {status}: {m}"),
            LinkCause::Http {
                status,
                message: None,
            } => write!(f, "HTTP {status}"),
            LinkCause::RedirectRefused => f.write_str("a redirect to another host was refused"),
            LinkCause::Config(m) => write!(f, "configuration: {m}"),
        }
    }
}

#[cfg(test)]
mod tests {
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
            s(PlatformError::Tls(TlsProblem::UnknownIssuer)).contains("not signed by a trusted CA")
        );
        let wait = LinkCause::of(
            &PlatformError::RateLimited {
                retry_after: Some(Duration::from_secs(7)),
            },
            Duration::from_millis(7200),
        );
        assert_eq!(wait, LinkCause::RateLimited { wait_s: 8 });
        assert_eq!(wait.to_string(), "rate limited (429): next try in 8 s");
    }
}
