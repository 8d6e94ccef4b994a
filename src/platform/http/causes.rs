//! The transport's failures named: an error answer's status (with the
//! server's sanitized message, the token masked), and a connection's
//! failure by its innermost cause (refused, host not found, the
//! certificate's problem).

use super::{Raw, RedirectRefused, Token, parse_retry_after};
use crate::domain::TlsProblem;
use crate::platform::decode;
use crate::platform::error::PlatformError;
use crate::platform::sanitize::clean;
use reqwest::header;
use serde_json::Value;
use std::time::Duration;

pub(crate) fn status_error(raw: &Raw, token: Option<&Token>) -> PlatformError {
    let mut info = serde_json::from_slice::<Value>(&raw.body)
        .map(|v| decode::decode_error_body(&v))
        .unwrap_or_default();
    // A server that echoes the request back must not put the token on screen.
    if let Some(t) = token {
        for text in [&mut info.code, &mut info.message].into_iter().flatten() {
            if text.contains(&t.0) {
                *text = text.replace(&t.0, "***");
            }
        }
    }
    let retry_after = || {
        raw.headers
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, raw.date()))
    };
    match raw.status.as_u16() {
        401 => PlatformError::Unauthorized,
        404 => PlatformError::NotFound,
        410 => PlatformError::Gone,
        429 => PlatformError::RateLimited {
            retry_after: retry_after(),
        },
        503 => PlatformError::Unavailable {
            retry_after: retry_after(),
        },
        s => PlatformError::Http {
            status: s,
            code: info.code,
            message: info.message,
        },
    }
}

/// Maps a transport error to our kinds, describing it by its innermost cause
/// only (the outer texts repeat the URL). A timeout's seconds are filled in
/// by `get` (0 here), except a connect timeout's.
pub(super) fn classify(e: reqwest::Error, connect_timeout: Duration) -> PlatformError {
    let mut src: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(s) = src {
        if s.is::<RedirectRefused>() {
            return PlatformError::RedirectRefused;
        }
        src = s.source();
    }
    if e.is_timeout() {
        let secs = if e.is_connect() {
            connect_timeout.as_secs_f64().ceil() as u64
        } else {
            0
        };
        PlatformError::Timeout { secs }
    } else if e.is_redirect() {
        PlatformError::RedirectRefused
    } else if e.is_connect() {
        connect_failure(&e)
    } else if e.is_body() || e.is_decode() {
        PlatformError::Body(innermost(&e))
    } else {
        connect_failure(&e)
    }
}

/// A failure to connect, named: refused, host not found, the certificate's
/// problem, or else the innermost cause.
fn connect_failure(e: &(dyn std::error::Error + 'static)) -> PlatformError {
    let mut src: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = src {
        // rustls' error travels inside io::Errors (nested), whose source()
        // skips what they wrap: look inside each.
        let mut cand: Option<&(dyn std::error::Error + 'static)> = Some(s);
        while let Some(c) = cand {
            if let Some(t) = c.downcast_ref::<rustls::Error>() {
                return PlatformError::Tls(tls_problem(t));
            }
            let io = c.downcast_ref::<std::io::Error>();
            if io.is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionRefused) {
                return PlatformError::Refused;
            }
            cand = io
                .and_then(|io| io.get_ref())
                .map(|i| i as &(dyn std::error::Error + 'static));
        }
        src = s.source();
    }
    let text = innermost(e);
    let lower = text.to_ascii_lowercase();
    // getaddrinfo's texts (glibc, musl, macOS), as hyper passes them on.
    if [
        "failed to lookup address",
        "name or service not known",
        "no address associated",
        "nodename nor servname",
        "name does not resolve",
        "temporary failure in name resolution",
    ]
    .iter()
    .any(|m| lower.contains(m))
    {
        return PlatformError::NameNotFound;
    }
    PlatformError::Connect(text)
}

fn tls_problem(e: &rustls::Error) -> TlsProblem {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            C::UnknownIssuer => TlsProblem::UnknownIssuer,
            C::Expired | C::ExpiredContext { .. } => TlsProblem::Expired,
            C::NotValidYet | C::NotValidYetContext { .. } => TlsProblem::NotYetValid,
            C::NotValidForName | C::NotValidForNameContext { .. } => TlsProblem::WrongName,
            C::Revoked => TlsProblem::Revoked,
            other => TlsProblem::Other(clean(&format!("{other:?}"), 120)),
        },
        // A plain-HTTP server's answer read as TLS.
        rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType) => {
            TlsProblem::Other(
                "the server does not answer TLS on this port: try http:// instead of https://"
                    .into(),
            )
        }
        other => TlsProblem::Other(clean(&other.to_string(), 120)),
    }
}

pub(super) fn innermost(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(s) = cur.source() {
        cur = s;
    }
    clean(&cur.to_string(), 200)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_to_a_plain_http_port_says_to_use_http() {
        let e = rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType);
        assert!(tls_problem(&e).to_string().contains("try http://"));
    }

    #[test]
    fn connect_failures_are_named() {
        let dns = std::io::Error::other(
            "failed to lookup address information: Name or service not known",
        );
        assert_eq!(connect_failure(&dns), PlatformError::NameNotFound);
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        let wrapped = std::io::Error::other(refused);
        assert_eq!(connect_failure(&wrapped), PlatformError::Refused);
        let tls = std::io::Error::other(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::Expired),
        ));
        assert_eq!(
            connect_failure(&tls),
            PlatformError::Tls(TlsProblem::Expired)
        );
        let other = std::io::Error::other("network unreachable");
        assert_eq!(
            connect_failure(&other),
            PlatformError::Connect("network unreachable".into())
        );
    }
}
