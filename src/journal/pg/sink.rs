//! The PostgreSQL side of the journal's writer: one connection, made again
//! when it breaks (the writer's loop waits with backoff meanwhile and holds
//! the records in memory), and one record written as one transaction:
//! platform rows stored once (`ON CONFLICT DO NOTHING`), this monitor's
//! receipts and anomalies under its name, the platform chain's checkpoint
//! when new events came, and last the message row sealed into this
//! monitor's chain. A notification on the auction's channel follows the
//! commit, for the followers.

use super::super::chain::{Hash, ZERO, hex, parse_hex};
use super::super::health::JournalCause;
use super::super::record::{JournalRecord, Receipt};
use super::super::view::View;
use super::super::writer::{Failure, Sink};
use super::chain::{ChainMessage, link_message};
use super::rows::write_rows;
use super::tx::{Cache, Tx};
use super::{PgError, Remote};
use tokio::runtime::Runtime;
use tokio_postgres::Client;

/// The writer's connection to a shared journal, for one auction.
pub struct PgSink {
    rt: Runtime,
    remote: Remote,
    client: Option<Client>,
    auction: String,
    view: Option<View>,
    /// This monitor's chain: its last message number and hash.
    n: i64,
    prev: Hash,
    /// The statements prepared on this connection.
    cache: Cache,
}

fn unreachable(e: &PgError) -> Failure {
    Failure::Disk(JournalCause::Io(format!("database: {}", e.short())))
}

impl PgSink {
    /// The sink for `auction`; it connects, and reads this monitor's chain
    /// end and the journal's view, on the writer's thread.
    pub fn open(remote: &Remote, auction: &str) -> Result<PgSink, PgError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| PgError::Other {
                url: remote.masked.clone(),
                detail: e.to_string(),
            })?;
        let sink = PgSink {
            rt,
            remote: remote.clone(),
            client: None,
            auction: auction.to_string(),
            view: None,
            n: 0,
            prev: ZERO,
            cache: Cache::default(),
        };
        // Connected on the writer's thread, before its first record (this
        // may run inside the monitor's runtime, where it must not block).
        Ok(sink)
    }

    /// A fresh connection, and this monitor's chain end and view read again
    /// (a transaction whose commit was lost with the connection may have
    /// landed).
    fn connect(&mut self) -> Result<(), PgError> {
        self.client = None;
        self.cache.borrow_mut().clear();
        let remote = self.remote.clone();
        let client = self.rt.block_on(remote.connect())?;
        let (n, prev, view) = self
            .rt
            .block_on(load(&client, &remote.monitor, &self.auction))
            .map_err(|e| remote.query_error(&e))?;
        self.n = n;
        self.prev = prev;
        self.view = view;
        self.client = Some(client);
        Ok(())
    }
}

/// This monitor's chain end, and the view of the auction's lots.
async fn load(
    c: &Client,
    monitor: &str,
    auction: &str,
) -> Result<(i64, Hash, Option<View>), tokio_postgres::Error> {
    let last = c
        .query_opt(
            "SELECT n, hash FROM messages WHERE monitor = $1 ORDER BY n DESC LIMIT 1",
            &[&monitor],
        )
        .await?;
    let (n, prev) = match last {
        Some(r) => (
            r.try_get::<_, i64>(0)?,
            parse_hex(r.try_get(1)?).unwrap_or(ZERO),
        ),
        None => (0, ZERO),
    };
    let seq: Option<i64> = c
        .query_one(
            "SELECT max(seq) FROM snapshots WHERE auction = $1",
            &[&auction],
        )
        .await?
        .try_get(0)?;
    let view = match seq {
        None => None,
        Some(seq) => {
            let lots: Vec<String> = c
                .query(
                    "SELECT body FROM snapshot_lots WHERE auction = $1 AND seq = $2 ORDER BY ord",
                    &[&auction, &seq],
                )
                .await?
                .iter()
                .map(|r| r.try_get(0))
                .collect::<Result<_, _>>()?;
            let events: Vec<String> = c
                .query(
                    "SELECT body FROM events WHERE auction = $1 AND seq > $2 ORDER BY seq",
                    &[&auction, &seq],
                )
                .await?
                .iter()
                .map(|r| r.try_get(0))
                .collect::<Result<_, _>>()?;
            View::from_stored(seq, &lots, &events).ok()
        }
    };
    Ok((n, prev, view))
}

impl Sink for PgSink {
    fn label(&self) -> String {
        self.remote.masked.clone()
    }

    fn check(&mut self) -> Result<(), Failure> {
        if self.client.as_ref().is_some_and(|c| !c.is_closed()) {
            return Ok(());
        }
        self.connect().map_err(|e| unreachable(&e))
    }

    fn write(&mut self, record: &JournalRecord, r: Receipt) -> Result<Option<u64>, Failure> {
        let Some(client) = self.client.as_mut() else {
            return Err(Failure::Disk(JournalCause::Io(
                "database: not connected".into(),
            )));
        };
        let n = self.n + 1;
        let (monitor, auction) = (self.remote.monitor.clone(), self.auction.clone());
        let view = self.view.clone();
        let prev = self.prev;
        let cache = &self.cache;
        let out = self.rt.block_on(async {
            let txn = client.transaction().await?;
            let tx = Tx { tx: &txn, cache };
            if matches!(record, JournalRecord::Events(v) if !v.is_empty()) {
                // One writer of an auction's events at a time, and the
                // message ids of their transactions in the order they
                // commit: the newest checkpoint is the one with the highest.
                tx.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&auction]).await?;
            }
            let mid: i64 = tx
                .query_one("SELECT nextval(pg_get_serial_sequence('messages', 'id'))", &[])
                .await?
                .try_get(0)?;
            let w = write_rows(&tx, mid, &auction, record, r, &view).await?;
            if w.rows == 0 {
                txn.rollback().await?;
                return Ok(None);
            }
            let rows = tx.query(super::chain::own_rows_of_one(), &[&mid]).await?;
            let digest = super::chain::digest_rows(&rows)?;
            let m = ChainMessage {
                monitor: &monitor,
                n,
                auction: &auction,
                kind: record.kind(),
                received_at: r.local.0,
                server_est: r.server_est.map(|t| t.0),
                digest,
            };
            let hash = link_message(&prev, &m);
            tx.execute(
                "INSERT INTO messages (id, monitor, n, auction, kind, received_at, server_est, hash) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                &[&mid, &monitor, &n, &auction, &m.kind, &m.received_at, &m.server_est, &hex(&hash)],
            )
            .await?;
            tx.execute(
                "SELECT pg_notify($1, $2)",
                &[&super::channel(&auction), &mid.to_string()],
            )
            .await?;
            txn.commit().await?;
            Ok::<_, tokio_postgres::Error>(Some((w, hash)))
        });
        match out {
            Ok(None) => Ok(None),
            Ok(Some((w, hash))) => {
                self.n = n;
                self.prev = hash;
                self.view = w.view;
                Ok(Some(w.new_events))
            }
            Err(e) => {
                let closed = self.client.as_ref().is_none_or(|c| c.is_closed());
                if closed || super::is_transient(&e) {
                    Err(unreachable(&self.remote.classify(&e, false)))
                } else {
                    Err(Failure::Record(self.remote.clean(&e.to_string())))
                }
            }
        }
    }

    fn recover(&mut self, _cause: &JournalCause) {
        if self.client.as_ref().is_some_and(|c| c.is_closed()) {
            self.client = None;
        }
    }

    fn unencrypted(&self) -> bool {
        self.remote.unencrypted()
    }
}
