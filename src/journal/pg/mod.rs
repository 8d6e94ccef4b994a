//! The journal in PostgreSQL, shared by several monitors: connecting (each
//! way it can fail has its own message, and none shows the password), the
//! versioned schema (`schema`), the writer's side (`sink`), reading it back
//! into the same form the SQLite journal has (`read`), and the two hash
//! chains and their check (`chain`).
//!
//! The rest of the crate is async; the journal's API is blocking, like
//! SQLite's. Each blocking call here runs on a thread of its own with a
//! small runtime ([`blocking`]), so it may be called from inside the
//! monitor's runtime as the SQLite calls are.

pub mod chain;
pub mod read;
mod rows;
pub mod schema;
pub mod sink;
pub mod tls;
mod tx;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio_postgres::config::{Host, SslMode};
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, Config, NoTls};

/// How long a connection attempt waits for the server.
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Why the database could not be used. Never holds the password.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PgError {
    #[error(
        "{url}: password authentication failed for user {user:?} (check the user and the password in the URL)"
    )]
    WrongPassword { url: String, user: String },
    #[error(
        "{url}: database {db:?} does not exist (create it: createdb {db}, or CREATE DATABASE in psql)"
    )]
    NoDatabase { url: String, db: String },
    #[error(
        "{url}: connection refused (is PostgreSQL running and listening on that host and port?)"
    )]
    Refused { url: String },
    #[error("{url}: the server did not answer within {}s", CONNECT_TIMEOUT.as_secs())]
    Timeout { url: String },
    #[error("{url}: the server there is not PostgreSQL (it answered something else: {detail})")]
    NotPostgres { url: String, detail: String },
    #[error(
        "{url}: the journal was written by a newer lotwatch (schema {found}, this build knows {}); upgrade lotwatch",
        schema::VERSION
    )]
    NewerSchema { url: String, found: i32 },
    #[error("{url}: {detail}")]
    Other { url: String, detail: String },
}

impl PgError {
    /// The cause in a few words, for the journal's badge (no URL).
    pub fn short(&self) -> String {
        match self {
            PgError::WrongPassword { .. } => "password refused".into(),
            PgError::NoDatabase { db, .. } => format!("database {db:?} missing"),
            PgError::Refused { .. } => "connection refused".into(),
            PgError::Timeout { .. } => format!("no answer within {} s", CONNECT_TIMEOUT.as_secs()),
            PgError::NotPostgres { .. } => "not a PostgreSQL server".into(),
            PgError::NewerSchema { found, .. } => {
                format!("schema {found} is newer than this build")
            }
            PgError::Other { detail, .. } => crate::platform::sanitize::clean(detail, 100),
        }
    }
}

/// One shared journal: where it is and who writes to it.
#[derive(Clone)]
pub struct Remote {
    config: Config,
    /// TLS through rustls unless the URL says `sslmode=disable`
    /// (`prefer`, the default, falls back to plain text only when the
    /// server refuses TLS).
    tls: Option<tls::RustlsConnect>,
    /// Every host of the URL is this machine (loopback or a socket).
    loopback: bool,
    /// The last connection was plain text to a host that is not loopback
    /// (shared by the clones: they reach the same server).
    unencrypted: Arc<AtomicBool>,
    /// The URL's passwords (as written and decoded), scrubbed from every
    /// error text.
    secrets: Vec<String>,
    /// The URL with its password masked: the only form ever shown.
    pub masked: String,
    /// This monitor's name (`--name`), on its own records.
    pub monitor: String,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Remote({}, monitor {})", self.masked, self.monitor)
    }
}

impl Remote {
    /// Reads the URL (tokio-postgres's own parser: host, port, user,
    /// password, dbname, sslmode...).
    pub fn new(url: &str, masked: &str, monitor: &str) -> Result<Remote, PgError> {
        let mut secrets: Vec<String> = super::target::passwords(url)
            .into_iter()
            .flat_map(|p| [p.raw, p.decoded])
            .filter(|s| !s.is_empty())
            .collect();
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        if super::target::stray_at(url) {
            return Err(PgError::Other {
                url: masked.to_string(),
                detail: "the password holds an '@': write it as %40 in the URL                          (percent-encoding; '/', '?' and '#' may stay as they are)"
                    .into(),
            });
        }
        let (url, root_cert) = tls::take_root_cert(url);
        let mut config: Config =
            url.parse()
                .map_err(|e: tokio_postgres::Error| PgError::Other {
                    url: masked.to_string(),
                    detail: format!(
                        "not a valid PostgreSQL URL: {}",
                        clean_with(&e.to_string(), &secrets)
                    ),
                })?;
        config.connect_timeout(CONNECT_TIMEOUT);
        if config.get_application_name().is_none() {
            config.application_name("lotwatch");
        }
        let tls_err = |detail| PgError::Other {
            url: masked.to_string(),
            detail,
        };
        let tls = match config.get_ssl_mode() {
            SslMode::Disable => None,
            // Verified, always: against sslrootcert or the system's roots.
            SslMode::Require => {
                Some(tls::RustlsConnect::new(root_cert.as_deref()).map_err(tls_err)?)
            }
            // libpq's prefer: encrypted whenever the server can, its
            // certificate checked only against a CA the URL names.
            _ => Some(match root_cert.as_deref() {
                Some(ca) => tls::RustlsConnect::new(Some(ca)).map_err(tls_err)?,
                None => tls::RustlsConnect::unverified(),
            }),
        };
        let loopback = config.get_hosts().iter().all(is_loopback)
            && config.get_hostaddrs().iter().all(|a| a.is_loopback());
        Ok(Remote {
            config,
            tls,
            loopback,
            unencrypted: Arc::new(AtomicBool::new(false)),
            secrets,
            masked: masked.to_string(),
            monitor: monitor.to_string(),
        })
    }

    /// True while the last connection made was plain text to a host that
    /// is not this machine (the journal's badge says `UNENCRYPTED`).
    pub fn unencrypted(&self) -> bool {
        self.unencrypted.load(Ordering::Relaxed)
    }

    /// Server or driver text as it may be shown: the passwords scrubbed,
    /// escape sequences and controls removed, bounded.
    pub fn clean(&self, text: &str) -> String {
        clean_with(text, &self.secrets)
    }

    fn user(&self) -> String {
        self.config.get_user().unwrap_or("").to_string()
    }

    fn db(&self) -> String {
        self.config
            .get_dbname()
            .map(str::to_string)
            .unwrap_or_else(|| self.user())
    }

    /// A connection; its driver runs on the current runtime until the
    /// client is dropped.
    pub async fn connect(&self) -> Result<Client, PgError> {
        Ok(self.connect_listening().await?.0)
    }

    /// A connection, and a signal for each notification it receives (the
    /// receiver ends when the connection does).
    pub async fn connect_listening(
        &self,
    ) -> Result<(Client, tokio::sync::mpsc::UnboundedReceiver<()>), PgError> {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let (client, encrypted) = match &self.tls {
            Some(t) => {
                let t = t.fresh();
                // `connect_timeout` bounds the TCP connect only: a server
                // that accepts and never answers is bounded here.
                let (c, conn) =
                    tokio::time::timeout(CONNECT_TIMEOUT, self.config.connect(t.clone()))
                        .await
                        .map_err(|_| self.timed_out())?
                        .map_err(|e| self.classify(&e, true))?;
                tokio::spawn(drive(conn, tx));
                (c, t.encrypted())
            }
            None => {
                let (c, conn) = tokio::time::timeout(CONNECT_TIMEOUT, self.config.connect(NoTls))
                    .await
                    .map_err(|_| self.timed_out())?
                    .map_err(|e| self.classify(&e, true))?;
                tokio::spawn(drive(conn, tx));
                (c, false)
            }
        };
        let exposed = !encrypted && !self.loopback;
        if exposed && !self.unencrypted.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                journal = %self.masked,
                "the journal's database connection is NOT ENCRYPTED (the server refused TLS, \
                 or the URL says sslmode=disable): turn ssl on in the server, and say \
                 sslmode=require to make TLS a must"
            );
        }
        if !exposed {
            self.unencrypted.store(false, Ordering::Relaxed);
        }
        Ok((client, rx))
    }

    fn timed_out(&self) -> PgError {
        PgError::Timeout {
            url: self.masked.clone(),
        }
    }

    /// An error in words (its own for each cause). `connecting`: it came
    /// while the connection was being made, where a server that breaks off
    /// the start-up exchange is not PostgreSQL.
    pub fn classify(&self, e: &tokio_postgres::Error, connecting: bool) -> PgError {
        let url = self.masked.clone();
        if let Some(db) = e.as_db_error() {
            let code = db.code();
            if *code == SqlState::INVALID_PASSWORD
                || *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
            {
                return PgError::WrongPassword {
                    url,
                    user: self.user(),
                };
            }
            if *code == SqlState::INVALID_CATALOG_NAME {
                return PgError::NoDatabase { url, db: self.db() };
            }
            return PgError::Other {
                url,
                detail: self.clean(db.message()),
            };
        }
        let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
        while let Some(s) = source {
            if let Some(io) = s.downcast_ref::<std::io::Error>() {
                match io.kind() {
                    std::io::ErrorKind::ConnectionRefused => return PgError::Refused { url },
                    std::io::ErrorKind::TimedOut => return PgError::Timeout { url },
                    _ => break,
                }
            }
            source = s.source();
        }
        // The whole chain of causes (a TLS failure says what is wrong
        // with the certificate only at its end).
        let mut text = e.to_string();
        let mut cause: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
        while let Some(c) = cause {
            let t = c.to_string();
            if !text.contains(&t) {
                text = format!("{text}: {t}");
            }
            cause = c.source();
        }
        if text.contains("timed out") {
            return PgError::Timeout { url };
        }
        if text.contains("unexpected message")
            || text.contains("parsing")
            || text.contains("connection closed")
            || text.contains("invalid message")
            || text.contains("bytes remaining")
            || text.contains("unexpected EOF")
            || (connecting && text.contains("communicating"))
        {
            return PgError::NotPostgres {
                url,
                detail: self.clean(&text),
            };
        }
        PgError::Other {
            url,
            detail: self.clean(&text),
        }
    }

    /// A query error (not at connection time) in words.
    pub fn query_error(&self, e: &tokio_postgres::Error) -> PgError {
        self.classify(e, false)
    }
}

/// True for an error of the server's state rather than the statement's
/// (shutting down, connection lost, out of resources, a conflict to try
/// again): the record waits and is tried again, never given up.
pub fn is_transient(e: &tokio_postgres::Error) -> bool {
    if e.is_closed() {
        return true;
    }
    match e.code() {
        None => true,
        Some(c) => {
            let code = c.code();
            ["08", "53", "57", "58"].iter().any(|p| code.starts_with(p))
                || code == "40001"
                || code == "40P01"
        }
    }
}

/// Runs a connection, signalling its notifications.
async fn drive<S, T>(
    mut conn: tokio_postgres::Connection<S, T>,
    tx: tokio::sync::mpsc::UnboundedSender<()>,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    loop {
        match std::future::poll_fn(|cx| conn.poll_message(cx)).await {
            Some(Ok(tokio_postgres::AsyncMessage::Notification(_))) => {
                let _ = tx.send(());
            }
            Some(Ok(_)) => {}
            Some(Err(e)) => {
                tracing::debug!("journal database connection ended: {e}");
                return;
            }
            None => return,
        }
    }
}

/// `text` without the passwords (longest first), sanitized as outside text
/// and bounded.
fn clean_with(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    for s in secrets {
        if out.contains(s.as_str()) {
            out = out.replace(s.as_str(), "***");
        }
    }
    crate::platform::sanitize::clean(&out, crate::platform::sanitize::MAX_NOTICE)
}

/// A host that is this machine: a socket directory, `localhost`, or a
/// loopback address.
fn is_loopback(h: &Host) -> bool {
    match h {
        Host::Tcp(name) => {
            let name = name.trim_start_matches('[').trim_end_matches(']');
            name.eq_ignore_ascii_case("localhost")
                || name
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|a| a.is_loopback())
        }
        #[cfg(unix)]
        Host::Unix(_) => true,
    }
}

/// Runs `f` on a thread of its own with a current-thread runtime, and waits
/// for it: the journal's blocking API over async PostgreSQL, callable from
/// inside another runtime.
pub fn blocking<T, F, Fut>(f: F) -> Result<T, String>
where
    T: Send + 'static,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = T>,
{
    std::thread::Builder::new()
        .name("journal-pg".into())
        .spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map(|rt| rt.block_on(f()))
                .map_err(|e| format!("cannot start a runtime: {e}"))
        })
        .map_err(|e| format!("cannot start a thread: {e}"))?
        .join()
        .map_err(|_| "the journal's database thread panicked".to_string())?
}

/// The name a monitor records under by default: `user@host`.
pub fn default_monitor_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|s| s.trim().to_string())
        .ok()
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "host".into());
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "user".into());
    clean_name(&format!("{user}@{host}"))
}

/// At most this many characters in a monitor's name.
const MAX_MONITOR_NAME: usize = 64;

/// A monitor's name as stored: sanitized and bounded.
pub fn clean_name(s: &str) -> String {
    let c = crate::platform::sanitize::clean(s.trim(), MAX_MONITOR_NAME);
    if c.is_empty() { "monitor".into() } else { c }
}

/// The LISTEN/NOTIFY channel of an auction: `lotwatch_` and a stable hash
/// of its id (an identifier, whatever the id holds).
pub fn channel(auction: &str) -> String {
    let h = auction.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    format!("lotwatch_{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 27.3: a server's message is outside text (a role or database
    /// name in it is the attacker's to choose), and may echo the password.
    #[test]
    fn server_messages_are_sanitized_and_scrubbed() {
        let secrets = vec!["pa/ss%2Fx".to_string(), "pa/ss/x".to_string()];
        let hostile =
            "FATAL: role \"x\r\x1b[1A\x1b[2Kjournal: OK\x1b]0;t\x07\" for pa/ss/x does not exist";
        let c = clean_with(hostile, &secrets);
        assert!(
            !c.contains('\x1b') && !c.contains('\r') && !c.contains('\x07'),
            "{c:?}"
        );
        assert!(!c.contains("pa/ss"), "{c}");
        assert!(c.contains("FATAL: role") && c.contains("***"), "{c}");
    }

    #[test]
    fn loopback_hosts() {
        assert!(is_loopback(&Host::Tcp("localhost".into())));
        assert!(is_loopback(&Host::Tcp("127.0.0.1".into())));
        assert!(is_loopback(&Host::Tcp("::1".into())));
        assert!(!is_loopback(&Host::Tcp("db.room".into())));
        assert!(!is_loopback(&Host::Tcp("192.0.2.7".into())));
    }
}
