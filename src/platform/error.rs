//! What can go wrong talking to the platform, as typed errors. Texts here may
//! reach the screen and the log: they carry sanitized server text at most,
//! never the token.

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
    Config(String),
}

/// What was wrong with the platform's certificate, named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsProblem {
    /// Not signed by a CA this machine trusts (a private CA: `--ca-cert`).
    UnknownIssuer,
    Expired,
    NotYetValid,
    /// Issued for another host name.
    WrongName,
    Revoked,
    /// Anything else, as rustls names it.
    Other(String),
}

impl std::fmt::Display for TlsProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TlsProblem::UnknownIssuer => {
                f.write_str("the certificate is not signed by a trusted CA (--ca-cert PATH trusts a private one)")
            }
            TlsProblem::Expired => f.write_str("the certificate has expired"),
            TlsProblem::NotYetValid => f.write_str("the certificate is not valid yet"),
            TlsProblem::WrongName => f.write_str("the certificate is for another host name"),
            TlsProblem::Revoked => f.write_str("the certificate was revoked"),
            TlsProblem::Other(m) => write!(f, "{m}"),
        }
    }
}

impl PlatformError {
    /// How long the server asked us to wait, if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            PlatformError::RateLimited { retry_after }
            | PlatformError::Unavailable { retry_after } => *retry_after,
            _ => None,
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

fn after(d: &Option<Duration>) -> String {
    d.map(|d| format!(", retry after {} s", d.as_secs()))
        .unwrap_or_default()
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
}
