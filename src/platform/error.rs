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
    #[error("the platform did not answer in time")]
    Timeout,
    #[error("cannot connect: {0}")]
    Connect(String),
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
