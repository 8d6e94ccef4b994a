//! Replay: the recorded messages of a journal, played back as the same
//! `SyncMsg`s the live sync engine sends, with their original spacing scaled
//! by a speed. Pure and steppable: the caller passes elapsed real time in.

use super::store::{Journal, JournalError, Result};
use super::writer::SEQ_GAP_FIELD;
use crate::domain::source::SourceName;
use crate::domain::{Auction, AuctionStatus, Bid, Currency, Money, Rate, SourceId, Timestamp};
use crate::platform::sanitize::{MAX_NAME, clean};
use crate::platform::wire::AuctionBody;
use crate::rates::{RateSource, RateTable};
use crate::sync::{DataIssue, SeqGap, SyncMsg};
use std::path::Path;
use std::time::Duration;

/// Slowest and fastest playback.
const MIN_SPEED: f64 = 1.0 / 64.0;
const MAX_SPEED: f64 = 1024.0;
/// A recorded silence longer than this is cut to this length (the monitor may
/// have been off overnight).
const IDLE_CAP_MS: i64 = 60_000;

/// One recorded message and when it arrived.
#[derive(Clone, Debug)]
pub struct ReplayItem {
    /// When it was received, by the recording machine's wall clock.
    pub received_at: Timestamp,
    /// The server clock estimate at receipt, when the recorder had one.
    pub server_est: Option<Timestamp>,
    /// The auction it was recorded for (a monitor of several sources
    /// records each as its own auction).
    pub auction: String,
    pub msg: SyncMsg,
}

/// A playback position over recorded messages.
#[derive(Clone, Debug)]
pub struct Replay {
    items: Vec<ReplayItem>,
    /// Each item's source: its auction's place among the recording's
    /// auctions, in the order they first appear.
    sources: Vec<SourceId>,
    /// The recording's auctions as sources (one each).
    names: Vec<SourceName>,
    pos: usize,
    /// The recorded time the playback has reached.
    clock: Option<Timestamp>,
    speed: f64,
    paused: bool,
}

impl Replay {
    /// Reads every message of a journal (read-only).
    pub fn load(path: &Path) -> Result<Replay> {
        let j = Journal::open_existing(path)?;
        Ok(Replay::new(read_items(&j)?))
    }

    /// A replay of `items`, at speed 1, not paused, before the first item.
    /// Arrival times that go backwards (a wall-clock step on the recording
    /// machine) are held at the previous one so the order is kept.
    pub fn new(mut items: Vec<ReplayItem>) -> Replay {
        let mut last = i64::MIN;
        for it in &mut items {
            last = last.max(it.received_at.0);
            it.received_at = Timestamp(last);
        }
        let mut auctions: Vec<&str> = Vec::new();
        let sources = items
            .iter()
            .map(|it| {
                let i = match auctions.iter().position(|a| *a == it.auction) {
                    Some(i) => i,
                    None => {
                        auctions.push(&it.auction);
                        auctions.len() - 1
                    }
                };
                // Past the most sources a monitor reads: the last one's.
                SourceId::nth(i).unwrap_or(SourceId((SourceId::MAX - 1) as u8))
            })
            .collect();
        let names = source_names(&auctions);
        Replay {
            sources,
            names,
            items,
            pos: 0,
            clock: None,
            speed: 1.0,
            paused: false,
        }
    }

    /// The source of the `i`-th message (its auction's).
    pub fn source_at(&self, i: usize) -> SourceId {
        self.sources.get(i).copied().unwrap_or_default()
    }

    /// The recording's auctions as the sources the screen names.
    pub fn source_names(&self) -> &[SourceName] {
        &self.names
    }

    /// Number of messages in the recording.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Messages delivered so far.
    pub fn position(&self) -> usize {
        self.pos
    }

    pub fn is_finished(&self) -> bool {
        self.pos >= self.items.len()
    }

    /// Recorded arrival time of the next message.
    pub fn next_at(&self) -> Option<Timestamp> {
        self.items.get(self.pos).map(|i| i.received_at)
    }

    /// The recorded time playback has reached (None before the start).
    pub fn now(&self) -> Option<Timestamp> {
        self.clock
    }

    /// The server's time at the playback position, from the last delivered
    /// message's clock estimate (or its arrival time when it had none).
    pub fn server_now(&self) -> Option<Timestamp> {
        let clock = self.clock?;
        let last = self.items.get(self.pos.checked_sub(1)?)?;
        let base = last.server_est.unwrap_or(last.received_at);
        Some(base.plus_millis(last.received_at.until(clock).max(0)))
    }

    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// Sets the speed, kept within [`MIN_SPEED`, `MAX_SPEED`]; a non-finite
    /// or non-positive value leaves it unchanged.
    pub fn set_speed(&mut self, speed: f64) {
        if speed.is_finite() && speed > 0.0 {
            self.speed = speed.clamp(MIN_SPEED, MAX_SPEED);
        }
    }

    pub fn faster(&mut self) {
        self.set_speed(self.speed * 2.0);
    }

    pub fn slower(&mut self) {
        self.set_speed(self.speed / 2.0);
    }

    pub fn is_paused(&self) -> bool {
        self.paused
    }

    pub fn pause(&mut self) {
        self.paused = true;
    }

    pub fn toggle_pause(&mut self) {
        self.paused = !self.paused;
    }

    /// Real time to wait before the next message is due at the current
    /// speed; None when paused or finished.
    pub fn until_next(&self) -> Option<Duration> {
        if self.paused {
            return None;
        }
        let next = self.next_at()?;
        let gap = match self.clock {
            None => 0,
            Some(c) => c.until(next).clamp(0, IDLE_CAP_MS),
        };
        Some(Duration::from_secs_f64(gap as f64 / 1000.0 / self.speed))
    }

    /// Delivers the next message at once (arrow key), paused or not, and
    /// moves the playback clock to its time.
    pub fn step(&mut self) -> Option<SyncMsg> {
        let item = self.items.get(self.pos)?;
        self.clock = Some(item.received_at);
        self.pos += 1;
        Some(item.msg.clone())
    }

    /// Goes back one message (arrow key): the playback position and clock
    /// move to before it, and the messages up to there are returned, to be
    /// played into a fresh state (replay is deterministic, so that state is
    /// the one the recording had there). None at the start.
    pub fn step_back(&mut self) -> Option<Vec<SyncMsg>> {
        if self.pos == 0 {
            return None;
        }
        self.pos -= 1;
        self.clock = self.pos.checked_sub(1).map(|i| self.items[i].received_at);
        Some(
            self.items[..self.pos]
                .iter()
                .map(|i| i.msg.clone())
                .collect(),
        )
    }

    /// Lets `real` time pass at the current speed and returns the messages
    /// that fell due, in order. Nothing moves while paused.
    pub fn advance(&mut self, real: Duration) -> Vec<SyncMsg> {
        let mut out = Vec::new();
        if self.paused {
            return out;
        }
        let Some(first) = self.next_at() else {
            return out;
        };
        let clock = self.clock.get_or_insert(first);
        // Idle cap: never wait longer than IDLE_CAP_MS of recorded time.
        if clock.until(first) > IDLE_CAP_MS {
            *clock = first.plus_millis(-IDLE_CAP_MS);
        }
        let ms = (real.as_secs_f64() * 1000.0 * self.speed).min(i64::MAX as f64 / 2.0) as i64;
        *clock = clock.plus_millis(ms);
        let now = *clock;
        while let Some(next) = self.next_at() {
            if next > now {
                break;
            }
            if let Some(m) = self.step() {
                out.push(m);
            }
        }
        self.clock = Some(now.max(self.clock.unwrap_or(now)));
        out
    }
}

/// The recorded auctions as the sources the screen names: a site's
/// (`site:host`) as `sauda`, another as `api`; by its host or id when two
/// are of one kind.
pub fn source_names(auctions: &[&str]) -> Vec<SourceName> {
    SourceName::label_all(
        &auctions
            .iter()
            .take(SourceId::MAX)
            .map(|a| match a.strip_prefix("site:") {
                Some(host) => ("sauda".to_string(), host.to_string()),
                None => ("api".to_string(), a.to_string()),
            })
            .collect::<Vec<_>>(),
    )
}

/// Rebuilds the recorded messages of a journal in arrival order.
pub fn read_items(j: &Journal) -> Result<Vec<ReplayItem>> {
    items_of(j, j.messages()?)
}

/// The items of some of the journal's messages, in the order given
/// (messages without a row to play are skipped).
pub fn items_of(j: &Journal, messages: Vec<super::StoredMessage>) -> Result<Vec<ReplayItem>> {
    let mut items = Vec::new();
    for m in messages {
        let msg = match m.kind.as_str() {
            "events" => {
                let events: Vec<_> = j
                    .events_of_message(m.id)?
                    .into_iter()
                    .map(|s| s.event)
                    .collect();
                if events.is_empty() {
                    continue;
                }
                SyncMsg::Events(events)
            }
            "snapshot" => match j.snapshot_of_message(m.id)? {
                Some((seq, lots)) => {
                    let rejected = j
                        .anomalies_of_message(m.id)?
                        .into_iter()
                        .map(data_issue)
                        .collect();
                    SyncMsg::Snapshot {
                        seq,
                        lots,
                        rejected,
                    }
                }
                None => continue,
            },
            "auction" => match j.auction_of_message(m.id)? {
                Some(body) => SyncMsg::Auction(auction_from_json(&body).map_err(|e| {
                    JournalError::Corrupt {
                        path: j.path().to_path_buf(),
                        detail: format!("auction message {}: {e}", m.id),
                    }
                })?),
                None => continue,
            },
            "rates" => match rates_from_rows(j.rates_of_message(m.id)?, m.received_at) {
                Some(t) => SyncMsg::Rates(t),
                None => continue,
            },
            "bids" => {
                let (lot_id, bids) = j.bids_of_message(m.id)?;
                match lot_id {
                    Some(lot_id) => SyncMsg::Bids { lot_id, bids },
                    None => continue,
                }
            }
            "data_issue" => match j.anomalies_of_message(m.id)?.into_iter().next() {
                Some(a) => {
                    let d = data_issue(a);
                    match SeqGap::parse(&d.problem) {
                        Some(g) if d.field == SEQ_GAP_FIELD => SyncMsg::SeqGap(g),
                        _ => SyncMsg::DataIssue(d),
                    }
                }
                None => continue,
            },
            // Anomalies are derived by the app; replay derives them again.
            _ => continue,
        };
        items.push(ReplayItem {
            received_at: m.received_at,
            server_est: m.server_est,
            auction: m.auction,
            msg,
        });
    }
    Ok(items)
}

/// A stored data issue (evidence `field: problem`) back as the message's value.
fn data_issue(a: super::store::StoredAnomaly) -> DataIssue {
    let (field, problem) = a.evidence.split_once(": ").unwrap_or(("", &a.evidence));
    DataIssue {
        lot_id: a.lot_id,
        field: clean(field, MAX_NAME),
        problem: clean(problem, MAX_NAME),
    }
}

fn rates_from_rows(
    rows: Vec<(String, String, String, String)>,
    fetched_at: Timestamp,
) -> Option<RateTable> {
    let (date, source) = rows.first().map(|r| (r.0.clone(), r.1.clone()))?;
    let rates = rows
        .iter()
        .filter_map(|(_, _, cur, rate)| Some((Currency::from_code(cur)?, Rate(rate.parse().ok()?))))
        .collect();
    Some(RateTable {
        source: if source == "nbk" {
            RateSource::Nbk
        } else {
            RateSource::Platform
        },
        date: date.parse().ok(),
        rates,
        fetched_at,
        fallback: None,
    })
}

/// Why a stored auction description does not read back.
#[derive(Debug, thiserror::Error)]
pub enum AuctionBodyError {
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error("{field}: {source}")]
    Time {
        field: &'static str,
        source: crate::domain::time::TimeError,
    },
}

/// The stored auction description back as a domain value (text sanitized).
pub fn auction_from_json(body: &str) -> std::result::Result<Auction, AuctionBodyError> {
    let b: AuctionBody = serde_json::from_str(body)?;
    let t = |field: &'static str, s: &str| {
        Timestamp::parse(s).map_err(|source| AuctionBodyError::Time { field, source })
    };
    Ok(Auction {
        id: clean(&b.id, 64),
        title: clean(&b.title, MAX_NAME),
        venue: clean(&b.venue, MAX_NAME),
        timezone: clean(&b.timezone, 64),
        currency: clean(&b.currency, 8),
        starts_at: t("starts_at", &b.starts_at)?,
        ends_at: t("ends_at", &b.ends_at)?,
        status: AuctionStatus::parse(&clean(&b.status, 32)),
    })
}

/// Bids of one lot a follower sends at most (the screen keeps as many).
const MAX_LOT_BIDS: usize = 1000;

impl Journal {
    /// Every bid the journal knows of one lot, up to message `up_to`: the
    /// bid histories its writers fetched and the feed's bid events, one per
    /// seq, oldest first, the last [`MAX_LOT_BIDS`] at most. A
    /// follower's answer for the lot in view (issue 28.5).
    pub fn bids_of_lot(&self, lot_id: &str, up_to: i64) -> Result<Vec<Bid>> {
        let sql = "SELECT seq, at, amount, bidder FROM bids WHERE lot_id = ?1 AND message_id <= ?2 \
                   UNION ALL \
                   SELECT seq, server_at, amount, bidder FROM events \
                   WHERE lot_id = ?1 AND type = 'bid' AND amount IS NOT NULL AND message_id <= ?2 \
                   ORDER BY 1";
        let err = |source| JournalError::Sqlite {
            path: self.path().to_path_buf(),
            source,
        };
        let mut stmt = self.connection().prepare(sql).map_err(err)?;
        let rows: Vec<(i64, i64, String, Option<String>)> = stmt
            .query_map(rusqlite::params![lot_id, up_to], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .and_then(|r| r.collect())
            .map_err(err)?;
        let mut bids: Vec<Bid> = Vec::with_capacity(rows.len());
        for (seq, at, amount, bidder) in rows {
            let seq = u64::try_from(seq).unwrap_or(0);
            if bids.last().is_some_and(|b| b.seq == seq) {
                continue;
            }
            let amount = Money::parse(&amount).map_err(|e| JournalError::Corrupt {
                path: self.path().to_path_buf(),
                detail: format!("bid seq {seq}: {e}"),
            })?;
            bids.push(Bid {
                seq,
                at: Timestamp(at),
                amount,
                bidder: clean(bidder.as_deref().unwrap_or(""), MAX_NAME),
            });
        }
        let skip = bids.len().saturating_sub(MAX_LOT_BIDS);
        Ok(bids.split_off(skip))
    }

    /// The bids one message wrote: the lot and its bids in seq order.
    fn bids_of_message(&self, message_id: i64) -> Result<(Option<String>, Vec<Bid>)> {
        let mut stmt = self
            .connection()
            .prepare("SELECT lot_id, seq, at, amount, bidder FROM bids WHERE message_id = ?1 ORDER BY seq")
            .map_err(|source| JournalError::Sqlite { path: self.path().to_path_buf(), source })?;
        let rows: Vec<(String, i64, i64, String, String)> = stmt
            .query_map([message_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .and_then(|r| r.collect())
            .map_err(|source| JournalError::Sqlite {
                path: self.path().to_path_buf(),
                source,
            })?;
        let lot = rows.first().map(|r| r.0.clone());
        let mut bids = Vec::with_capacity(rows.len());
        for (_, seq, at, amount, bidder) in rows {
            let amount = Money::parse(&amount).map_err(|e| JournalError::Corrupt {
                path: self.path().to_path_buf(),
                detail: format!("bid seq {seq}: {e}"),
            })?;
            bids.push(Bid {
                seq: u64::try_from(seq).unwrap_or(0),
                at: Timestamp(at),
                amount,
                bidder: clean(&bidder, MAX_NAME),
            });
        }
        Ok((lot, bids))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(at: i64, seq: u64) -> ReplayItem {
        let msg = SyncMsg::Snapshot {
            seq,
            lots: Vec::new(),
            rejected: Vec::new(),
        };
        ReplayItem {
            received_at: Timestamp(at),
            server_est: Some(Timestamp(at + 500)),
            auction: "a".into(),
            msg,
        }
    }

    fn seqs(msgs: &[SyncMsg]) -> Vec<u64> {
        msgs.iter()
            .map(|m| {
                if let SyncMsg::Snapshot { seq, .. } = m {
                    *seq
                } else {
                    0
                }
            })
            .collect()
    }

    #[test]
    fn plays_with_recorded_spacing_scaled_by_speed() {
        let mut r = Replay::new(vec![
            item(1_000, 1),
            item(3_000, 2),
            item(3_000, 3),
            item(13_000, 4),
        ]);
        assert_eq!(r.len(), 4);
        assert_eq!(r.until_next(), Some(Duration::ZERO));
        assert_eq!(seqs(&r.advance(Duration::ZERO)), [1]);
        assert_eq!(r.until_next(), Some(Duration::from_secs(2)));
        assert!(r.advance(Duration::from_millis(1_999)).is_empty());
        assert_eq!(seqs(&r.advance(Duration::from_millis(1))), [2, 3]);
        assert_eq!(r.server_now(), Some(Timestamp(3_500)));
        r.set_speed(4.0);
        assert_eq!(r.until_next(), Some(Duration::from_millis(2_500)));
        assert_eq!(seqs(&r.advance(Duration::from_millis(2_500))), [4]);
        assert!(r.is_finished());
        assert_eq!(r.position(), 4);
        assert_eq!(r.until_next(), None);
    }

    #[test]
    fn pause_stops_the_clock_but_step_still_works() {
        let mut r = Replay::new(vec![item(0, 1), item(1_000, 2), item(2_000, 3)]);
        r.advance(Duration::ZERO);
        r.toggle_pause();
        assert!(r.advance(Duration::from_secs(60)).is_empty());
        assert_eq!(r.until_next(), None);
        assert_eq!(r.step().map(|m| seqs(&[m])), Some(vec![2]));
        assert_eq!(r.now(), Some(Timestamp(1_000)));
        r.toggle_pause();
        assert_eq!(seqs(&r.advance(Duration::from_secs(1))), [3]);
    }

    #[test]
    fn long_silences_are_cut_and_clock_steps_back_keep_order() {
        let mut r = Replay::new(vec![item(0, 1), item(10 * 3_600_000, 2), item(5, 3)]);
        r.advance(Duration::ZERO);
        assert_eq!(
            r.until_next(),
            Some(Duration::from_millis(IDLE_CAP_MS as u64))
        );
        assert_eq!(
            seqs(&r.advance(Duration::from_millis(IDLE_CAP_MS as u64))),
            [2, 3]
        );
    }

    #[test]
    fn speed_stays_in_bounds() {
        let mut r = Replay::new(Vec::new());
        for _ in 0..20 {
            r.faster();
        }
        assert_eq!(r.speed(), MAX_SPEED);
        for _ in 0..40 {
            r.slower();
        }
        assert_eq!(r.speed(), MIN_SPEED);
        r.set_speed(f64::NAN);
        r.set_speed(-1.0);
        assert_eq!(r.speed(), MIN_SPEED);
        assert!(r.advance(Duration::from_secs(1)).is_empty());
        assert!(r.step().is_none());
    }
}
