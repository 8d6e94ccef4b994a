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

use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, Config, NoTls};

/// How long a connection attempt waits for the server.
pub const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Why the database could not be used. Never holds the password.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PgError {
    #[error(
        "{url}: password authentication failed for user {user:?} (check the password in the URL, or PGPASSWORD)"
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

    /// True when the server is not reachable now (the writer waits and tries
    /// again rather than giving the record up).
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            PgError::Refused { .. } | PgError::Timeout { .. } | PgError::Other { .. }
        )
    }
}

/// One shared journal: where it is and who writes to it.
#[derive(Clone)]
pub struct Remote {
    config: Config,
    /// TLS through rustls, when the URL says `sslmode=require`.
    tls: Option<tls::RustlsConnect>,
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
        let (url, root_cert) = tls::take_root_cert(url);
        let mut config: Config =
            url.parse()
                .map_err(|e: tokio_postgres::Error| PgError::Other {
                    url: masked.to_string(),
                    detail: format!(
                        "not a valid PostgreSQL URL: {}",
                        scrub(&e.to_string(), &url)
                    ),
                })?;
        config.connect_timeout(CONNECT_TIMEOUT);
        if config.get_application_name().is_none() {
            config.application_name("lotwatch");
        }
        let tls = match config.get_ssl_mode() {
            tokio_postgres::config::SslMode::Require => Some(
                tls::RustlsConnect::new(root_cert.as_deref()).map_err(|detail| PgError::Other {
                    url: masked.to_string(),
                    detail,
                })?,
            ),
            _ => None,
        };
        Ok(Remote {
            config,
            tls,
            masked: masked.to_string(),
            monitor: monitor.to_string(),
        })
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
        let client = match &self.tls {
            Some(t) => {
                // `connect_timeout` bounds the TCP connect only: a server
                // that accepts and never answers is bounded here.
                let (c, conn) =
                    tokio::time::timeout(CONNECT_TIMEOUT, self.config.connect(t.clone()))
                        .await
                        .map_err(|_| self.timed_out())?
                        .map_err(|e| self.classify(&e, true))?;
                tokio::spawn(drive(conn, tx));
                c
            }
            None => {
                let (c, conn) = tokio::time::timeout(CONNECT_TIMEOUT, self.config.connect(NoTls))
                    .await
                    .map_err(|_| self.timed_out())?
                    .map_err(|e| self.classify(&e, true))?;
                tokio::spawn(drive(conn, tx));
                c
            }
        };
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
                detail: db.message().to_string(),
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
            return PgError::NotPostgres { url, detail: text };
        }
        PgError::Other {
            url,
            detail: scrub(&text, &self.masked),
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

/// Removes anything of `secret` that an error message might echo.
fn scrub(text: &str, secret: &str) -> String {
    if secret.is_empty() || !text.contains(secret) {
        text.to_string()
    } else {
        text.replace(secret, "***")
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
pub const MAX_MONITOR_NAME: usize = 64;

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

/// The LISTEN/NOTIFY channel of every auction (the follower listens to it
/// before it knows the auction).
pub const CHANNEL_ALL: &str = "lotwatch_journal";
