//! How the connection to the platform stands (`LinkState`): reported by the
//! sync engine, held in the app's model, shown by the view; and, for every
//! state but LIVE, why (`LinkCause`, built from the client's `PlatformError`
//! by `platform::error`), which the view words in the user's language and
//! the one-shot commands print. English here is the log's and the journal's
//! wording (`Display`).

use super::time::Timestamp;
use std::fmt;

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

impl LinkCause {
    /// The cause under any page it names.
    pub fn root(&self) -> &LinkCause {
        match self {
            LinkCause::OnPage { cause, .. } => cause.root(),
            c => c,
        }
    }
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

/// Why the local settings cannot be used to reach the platform: the URL,
/// the CA file, the token. `Display` is the English the monitor has always
/// shown; `ui/i18n/link.rs` says it in Russian and Kazakh.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Misconfig {
    /// No `scheme://` (`localhost:8081`, `127.0.0.1:8081`).
    NoScheme {
        url: String,
    },
    /// A URL with a scheme that does not parse, and why.
    BadUrl {
        url: String,
        fault: UrlFault,
    },
    /// A scheme other than http or https.
    WrongScheme {
        url: String,
        scheme: String,
    },
    /// A user or password in the URL.
    Credentials,
    /// The token cannot be sent in a header.
    TokenCharacters,
    /// `--ca-cert` cannot be read (`missing`: no such file).
    CaUnreadable {
        path: String,
        detail: String,
        missing: bool,
    },
    CaNotPem {
        path: String,
    },
    CaEmpty {
        path: String,
    },
    /// Anything else, in the words of the library that refused it.
    Other(String),
}

/// Why a URL did not parse (the URL library's kinds; its English words).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UrlFault {
    EmptyHost,
    InvalidPort,
    InvalidIpv4,
    InvalidIpv6,
    InvalidCharacter,
    Other(String),
}

impl fmt::Display for UrlFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UrlFault::EmptyHost => "empty host",
            UrlFault::InvalidPort => "invalid port number",
            UrlFault::InvalidIpv4 => "invalid IPv4 address",
            UrlFault::InvalidIpv6 => "invalid IPv6 address",
            UrlFault::InvalidCharacter => "invalid domain character",
            UrlFault::Other(m) => m,
        })
    }
}

impl fmt::Display for Misconfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Misconfig::NoScheme { url } => write!(
                f,
                "bad URL {url:?}: it needs a scheme: write http://{url} (or https://)"
            ),
            Misconfig::BadUrl { url, fault } => write!(
                f,
                "bad URL {url:?}: {fault} (write it as http://HOST:PORT/ or https://HOST/)"
            ),
            Misconfig::WrongScheme { url, scheme } => write!(
                f,
                "bad URL {url:?}: the URL must start with http:// or https://, not {scheme}:"
            ),
            Misconfig::Credentials => {
                f.write_str("put credentials in LOTWATCH_TOKEN, not in the URL")
            }
            Misconfig::TokenCharacters => {
                f.write_str("the token has characters a header cannot carry")
            }
            Misconfig::CaUnreadable { path, detail, .. } => {
                write!(f, "cannot read CA certificate {path}: {detail}")
            }
            Misconfig::CaNotPem { path } => write!(f, "{path} is not a PEM certificate"),
            Misconfig::CaEmpty { path } => write!(f, "{path} holds no certificate"),
            Misconfig::Other(m) => f.write_str(m),
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
    Config(Misconfig),
    /// A web-site source's page was not laid out as expected: what was
    /// missing, and on which page (the last good lots stay on screen).
    Layout {
        page: String,
        what: String,
    },
    /// A web-site source answered with a maintenance, throttling or error
    /// page instead of lots.
    SiteDown {
        page: String,
        kind: SiteDown,
    },
    /// A web-site source's page failed: which page, in words, and why.
    OnPage {
        page: SitePage,
        cause: Box<LinkCause>,
    },
}

/// A page of a web-site source, named as a user counts them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SitePage {
    /// Page `page` of a list (of `of`, once the first page told), of the
    /// hydrocarbon lots or else the solid-mineral ones.
    List {
        hydrocarbons: bool,
        page: u32,
        of: Option<u32>,
    },
    /// A lot's own page, by the lot's number.
    Lot { number: String },
}

impl fmt::Display for SitePage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SitePage::List {
                hydrocarbons, page, ..
            } => {
                if *hydrocarbons {
                    f.write_str("hydrocarbon ")?;
                }
                write!(f, "list page {page}")?;
                if let SitePage::List { of: Some(n), .. } = self {
                    write!(f, " of {n}")?;
                }
                Ok(())
            }
            SitePage::Lot { number } => write!(f, "the page of lot {number}"),
        }
    }
}

/// ` (page)`, or nothing when the page is named around the cause.
fn paren(page: &str) -> String {
    if page.is_empty() {
        String::new()
    } else {
        format!(" ({page})")
    }
}

/// What a page of the site showed instead of lots: said by the page's text
/// (served with status 200, or as an error page).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SiteDown {
    /// A maintenance page («технические работы»).
    Maintenance,
    /// «превышен лимит запросов»: requests are throttled.
    Throttled,
    /// «ошибка исполнения»: the site's own error page.
    Failed,
}

impl SiteDown {
    pub fn as_str(self) -> &'static str {
        match self {
            SiteDown::Maintenance => "maintenance",
            SiteDown::Throttled => "throttled",
            SiteDown::Failed => "error page",
        }
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
            LinkCause::Layout { page, what } => {
                write!(f, "page not understood: {what}{}", paren(page))
            }
            LinkCause::SiteDown { page, kind } => {
                write!(f, "the site shows a {} page{}", kind.as_str(), paren(page))
            }
            LinkCause::OnPage { page, cause } => write!(f, "{page}: {cause}"),
        }
    }
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

impl fmt::Display for TlsProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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
