//! Builds the protocol from a journal: the lots' final state (each lot's
//! newest snapshot plus the events after it, as the writer's own view), the
//! timeline of every lot from its events, the holes (seqs the journal lacks,
//! times nothing was recorded, snapshot changes no event explained), the
//! anomalies, the totals at the day's rate, and the chain's verdict.

use super::model::*;
use crate::domain::money::convert;
use crate::domain::{Currency, Event, EventKind, Lot, LotStatus, Money, Rate, Timestamp};
use crate::journal::chain;
use crate::journal::codec;
use crate::journal::store::{Journal, JournalError};
use crate::journal::verify;
use crate::platform::sanitize::{MAX_NAME, MAX_NOTICE, clean};
use rusqlite::OptionalExtension;
use std::collections::{BTreeMap, HashMap};

/// Events received this long after their server time were not seen live:
/// the monitor was not running, or not connected, when they happened.
pub const LATE_MS: i64 = 30_000;

/// What to build.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    /// The auction, when the journal holds several.
    pub auction: Option<String>,
    /// Only this lot (id or number).
    pub lot: Option<String>,
}

/// Why no protocol could be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error("the journal holds {} auctions ({}): choose one with --auction ID", .0.len(), .0.join(", "))]
    SeveralAuctions(Vec<String>),
    #[error("the journal holds no auction {wanted:?}; it holds: {}", if .held.is_empty() { "none".to_string() } else { .held.join(", ") })]
    NoSuchAuction { wanted: String, held: Vec<String> },
    #[error("the journal has recorded nothing yet")]
    Empty,
    #[error("the auction has no lot {0:?} in this journal")]
    NoSuchLot(String),
}

impl BuildError {
    /// Exit status: 3 for a missing or damaged journal, 2 for a wrong choice.
    pub fn exit_code(&self) -> u8 {
        match self {
            BuildError::Journal(e) if e.is_bad_file() => 3,
            BuildError::Journal(_) => 1,
            BuildError::Empty => 3,
            _ => 2,
        }
    }
}

type Result<T> = std::result::Result<T, BuildError>;

struct Message {
    id: i64,
    kind: String,
    /// The server time at receipt (the estimate, else the local clock).
    at: Timestamp,
}

struct Recorded {
    seq: u64,
    message_id: i64,
    event: Event,
}

struct Snapshot {
    seq: u64,
    message_id: i64,
}

fn sql(j: &Journal) -> impl Fn(rusqlite::Error) -> BuildError + '_ {
    move |source| {
        BuildError::Journal(JournalError::Sqlite {
            path: j.path().to_path_buf(),
            source,
        })
    }
}

fn damaged(j: &Journal, detail: String) -> BuildError {
    BuildError::Journal(JournalError::Corrupt {
        path: j.path().to_path_buf(),
        detail,
    })
}

fn rfc(t: Timestamp) -> String {
    t.to_rfc3339()
}

/// The day's rate: the National Bank's of the auction's date, else the
/// platform's, else the newest earlier day's (flagged).
fn pick_rate(
    rates: &BTreeMap<(String, String), BTreeMap<String, String>>,
    day: Option<String>,
) -> Option<(RatePart, Rate)> {
    let usd = |date: &str, src: &str| {
        rates
            .get(&(date.to_string(), src.to_string()))
            .and_then(|t| t.get("USD"))
            .and_then(|r| Some((r.clone(), Rate(r.parse().ok()?))))
    };
    let make = |date: &str, src: &str, exact: bool| {
        usd(date, src).map(|(s, r)| {
            (
                RatePart {
                    source: src.to_string(),
                    date: date.to_string(),
                    usd: s,
                    auction_day: exact,
                },
                r,
            )
        })
    };
    if let Some(d) = &day {
        for src in ["nbk", "platform"] {
            if let Some(r) = make(d, src, true) {
                return Some(r);
            }
        }
    }
    // The newest earlier (or, without a day, any) date, NBK before platform.
    let mut dates: Vec<&String> = rates.keys().map(|k| &k.0).collect();
    dates.sort();
    dates.dedup();
    for date in dates.into_iter().rev() {
        if day.as_ref().is_some_and(|d| date > d) {
            continue;
        }
        for src in ["nbk", "platform"] {
            if let Some(r) = make(date, src, false) {
                return Some(r);
            }
        }
    }
    None
}

fn usd(m: Money, rate: Option<Rate>) -> Option<String> {
    rate.and_then(|r| convert(m, Currency::Usd, r))
        .map(|c| format!("{:.2}", c.amount))
}

/// Lot numbers in number order: numerically when both are numbers.
fn number_order(a: &Lot, b: &Lot) -> std::cmp::Ordering {
    match (a.number.parse::<u64>(), b.number.parse::<u64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        _ => a.number.cmp(&b.number),
    }
    .then_with(|| a.id.cmp(&b.id))
}

/// Builds the protocol of `journal` (opened read-only by the caller).
pub fn build(j: &Journal, opts: &BuildOptions) -> Result<Protocol> {
    let auctions = j.auctions()?;
    let auction = match (&opts.auction, auctions.as_slice()) {
        (Some(a), held) if held.contains(a) => a.clone(),
        (Some(a), held) => {
            return Err(BuildError::NoSuchAuction {
                wanted: a.clone(),
                held: held.to_vec(),
            });
        }
        (None, []) => return Err(BuildError::Empty),
        (None, [one]) => one.clone(),
        (None, many) => return Err(BuildError::SeveralAuctions(many.to_vec())),
    };
    let conn = j.connection();
    let e = sql(j);

    let messages: Vec<Message> = conn
        .prepare(
            "SELECT id, kind, received_at, server_est FROM messages WHERE auction = ?1 ORDER BY id",
        )
        .and_then(|mut s| {
            s.query_map([&auction], |r| {
                let local: i64 = r.get(2)?;
                let est: Option<i64> = r.get(3)?;
                Ok(Message {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    at: Timestamp(est.unwrap_or(local)),
                })
            })?
            .collect()
        })
        .map_err(&e)?;
    let message_at: HashMap<i64, usize> = messages
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id, i))
        .collect();

    let raw: Vec<(i64, i64, String)> = conn
        .prepare("SELECT seq, message_id, body FROM events WHERE auction = ?1 ORDER BY seq")
        .and_then(|mut s| {
            s.query_map([&auction], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect()
        })
        .map_err(&e)?;
    let mut events = Vec::with_capacity(raw.len());
    for (seq, message_id, body) in raw {
        let event = codec::decode_event(&body)
            .map_err(|err| damaged(j, format!("event seq {seq}: {err}")))?;
        events.push(Recorded {
            seq: u64::try_from(seq).unwrap_or(0),
            message_id,
            event,
        });
    }

    let snapshots: Vec<Snapshot> = conn
        .prepare("SELECT seq, message_id FROM snapshots WHERE auction = ?1 ORDER BY seq")
        .and_then(|mut s| {
            s.query_map([&auction], |r| {
                Ok(Snapshot {
                    seq: u64::try_from(r.get::<_, i64>(0)?).unwrap_or(0),
                    message_id: r.get(1)?,
                })
            })?
            .collect()
        })
        .map_err(&e)?;

    // Each lot's newest snapshot body, and its oldest status (for telling a
    // first opening from a resumption).
    let mut newest: HashMap<String, (u64, String)> = HashMap::new();
    let mut oldest_status: HashMap<String, LotStatus> = HashMap::new();
    {
        let mut stmt = conn
            .prepare("SELECT lot_id, seq, body FROM snapshot_lots WHERE auction = ?1 ORDER BY seq DESC, ord DESC")
            .map_err(&e)?;
        let mut rows = stmt.query([&auction]).map_err(&e)?;
        #[derive(serde::Deserialize)]
        struct StatusOnly {
            status: String,
        }
        while let Some(r) = rows.next().map_err(&e)? {
            let id: String = r.get(0).map_err(&e)?;
            let seq: i64 = r.get(1).map_err(&e)?;
            let body: String = r.get(2).map_err(&e)?;
            if let Ok(s) = serde_json::from_str::<StatusOnly>(&body) {
                oldest_status.insert(id.clone(), LotStatus::parse(&clean(&s.status, MAX_NAME)));
            }
            newest
                .entry(id)
                .or_insert_with(|| (u64::try_from(seq).unwrap_or(0), body));
        }
    }
    let mut lots: BTreeMap<String, (u64, Lot)> = BTreeMap::new();
    for (id, (seq, body)) in newest {
        let lot = codec::decode_lot(&body)
            .map_err(|err| damaged(j, format!("lot {id} of the snapshot at seq {seq}: {err}")))?;
        lots.insert(lot.id.clone(), (seq, lot));
    }
    for r in &events {
        let ev = &r.event;
        match (&ev.kind, &ev.lot_id) {
            (EventKind::Lot(l), _) if !lots.contains_key(&l.id) => {
                lots.insert(l.id.clone(), (r.seq, (**l).clone()));
            }
            (_, Some(id)) => {
                if let Some((base, lot)) = lots.get_mut(id)
                    && r.seq > *base
                {
                    lot.apply(ev);
                }
            }
            _ => {}
        }
    }

    // The auction description, newest first.
    let auction_body: Option<String> = conn
        .query_row(
            "SELECT body FROM auction_info WHERE auction = ?1 ORDER BY rowid DESC LIMIT 1",
            [&auction],
            |r| r.get(0),
        )
        .optional()
        .map_err(&e)?;
    let info = auction_body.and_then(|b| crate::journal::replay::auction_from_json(&b).ok());
    let day = info
        .as_ref()
        .map(|a| a.starts_at)
        .or_else(|| events.first().map(|r| r.event.at))
        .and_then(|t| t.astana_date())
        .map(|d| d.to_string());
    let picked = pick_rate(&j.rates()?, day);
    let rate = picked.as_ref().map(|p| p.1);

    // Anomalies, by lot.
    let mut lot_anomalies: HashMap<String, Vec<AnomalyPart>> = HashMap::new();
    let mut day_anomalies = Vec::new();
    for a in j.anomalies()? {
        if a.auction != auction {
            continue;
        }
        let part = AnomalyPart {
            kind: clean(&a.kind, 64),
            at: a.server_at.map(rfc),
            evidence: clean(&a.evidence, MAX_NOTICE),
        };
        match a.lot_id {
            Some(id) => lot_anomalies.entry(clean(&id, 64)).or_default().push(part),
            None => day_anomalies.push(part),
        }
    }

    let snapshot_at = |s: &Snapshot| {
        message_at
            .get(&s.message_id)
            .map(|&i| messages[i].at)
            .unwrap_or_default()
    };
    let day_holes = holes(&events, &snapshots, &messages, &message_at, &snapshot_at);

    // Snapshot changes no event explained, by lot.
    let mut changes: HashMap<String, Vec<Hole>> = HashMap::new();
    {
        let mut stmt = conn
            .prepare("SELECT snapshot_seq, lot_id, kind, server_at, body, message_id FROM changes WHERE auction = ?1 ORDER BY rowid")
            .map_err(&e)?;
        let rows: Vec<(i64, String, String, Option<i64>, String, i64)> = stmt
            .query_map([&auction], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .and_then(|r| r.collect())
            .map_err(&e)?;
        for (seq, lot_id, kind, server_at, body, mid) in rows {
            let seq = u64::try_from(seq).unwrap_or(0);
            let at = message_at
                .get(&mid)
                .map(|&i| messages[i].at)
                .or(server_at.map(Timestamp))
                .unwrap_or_default();
            changes.entry(clean(&lot_id, 64)).or_default().push(Hole {
                kind: "snapshot".into(),
                from_seq: None,
                to_seq: None,
                from: None,
                to: None,
                stands_for: Some(StandsFor {
                    snapshot_seq: seq,
                    at: rfc(at),
                }),
                detail: Some(change_detail(&clean(&kind, 32), &body)),
                at_seq: seq + 1,
            });
        }
    }

    // Timelines.
    let mut by_lot: HashMap<&str, Vec<&Recorded>> = HashMap::new();
    let mut notices = Vec::new();
    for r in &events {
        match r.event.lot_id.as_deref() {
            Some(id) => by_lot.entry(id).or_default().push(r),
            None => {
                if let EventKind::Notice { message } = &r.event.kind {
                    notices.push(Step {
                        seq: r.seq,
                        at: rfc(r.event.at),
                        kind: "notice".into(),
                        status: None,
                        bidder: None,
                        amount_kzt: None,
                        amount_usd: None,
                        closes_at: None,
                        extensions: None,
                        message: Some(message.clone()),
                    });
                }
            }
        }
    }

    let mut ordered: Vec<&Lot> = lots.values().map(|(_, l)| l).collect();
    ordered.sort_by(|a, b| number_order(a, b));
    let mut totals = TotalsAcc::default();
    for l in &ordered {
        totals.add(l);
    }
    if let Some(want) = &opts.lot {
        ordered.retain(|l| &l.id == want || &l.number == want);
        if ordered.is_empty() {
            return Err(BuildError::NoSuchLot(want.clone()));
        }
    }
    let lot_parts = ordered
        .iter()
        .map(|l| {
            let recs = by_lot.get(l.id.as_str()).map(Vec::as_slice).unwrap_or(&[]);
            let mut holes: Vec<Hole> = day_holes
                .iter()
                .filter(|h| touches(h, l, recs))
                .cloned()
                .collect();
            holes.extend(changes.remove(&l.id).unwrap_or_default());
            holes.sort_by_key(|h| h.at_seq);
            lot_part(
                l,
                recs,
                oldest_status.get(&l.id),
                rate,
                lot_anomalies.remove(&l.id).unwrap_or_default(),
                holes,
            )
        })
        .collect();

    let span = Span {
        first_event_at: events.iter().map(|r| r.event.at).min().map(rfc),
        last_event_at: events.iter().map(|r| r.event.at).max().map(rfc),
        first_seq: events.first().map(|r| r.seq),
        last_seq: events.last().map(|r| r.seq),
        events: events.len() as u64,
        messages: messages.len() as u64,
    };
    let journal_name = j
        .path()
        .file_name()
        .map(|n| clean(&n.to_string_lossy(), MAX_NAME))
        .unwrap_or_default();
    Ok(Protocol {
        format_version: FORMAT_VERSION,
        generated_by: format!("lotwatch {}", env!("CARGO_PKG_VERSION")),
        journal: journal_name,
        auction: AuctionPart {
            id: clean(&auction, 64),
            title: info.as_ref().map(|a| a.title.clone()),
            venue: info.as_ref().map(|a| a.venue.clone()),
            timezone: info.as_ref().map(|a| a.timezone.clone()),
            starts_at: info.as_ref().map(|a| rfc(a.starts_at)),
            ends_at: info.as_ref().map(|a| rfc(a.ends_at)),
            status: info.as_ref().map(|a| a.status.as_str().to_string()),
        },
        span,
        rate: picked.map(|p| p.0),
        totals: totals.finish(rate),
        holes: day_holes,
        anomalies: day_anomalies,
        notices,
        lots: lot_parts,
        chain: chain_part(j)?,
    })
}

/// The holes of the whole day: seqs the journal lacks (and the snapshot
/// that stands for them), and times nothing was recorded while events
/// happened (read from the feed afterwards).
fn holes(
    events: &[Recorded],
    snapshots: &[Snapshot],
    messages: &[Message],
    message_at: &HashMap<i64, usize>,
    snapshot_at: &dyn Fn(&Snapshot) -> Timestamp,
) -> Vec<Hole> {
    let mut out = Vec::new();
    let known_max = events
        .last()
        .map(|r| r.seq)
        .into_iter()
        .chain(snapshots.iter().map(|s| s.seq))
        .max()
        .unwrap_or(0);
    let mut missing = Vec::new();
    let mut next = 1u64;
    let mut prev_at: Option<Timestamp> = None;
    for r in events {
        if r.seq > next {
            missing.push((next, r.seq - 1, prev_at, Some(r.event.at)));
        }
        next = r.seq.saturating_add(1);
        prev_at = Some(r.event.at);
    }
    if known_max >= next {
        missing.push((next, known_max, prev_at, None));
    }
    for (a, b, from, to) in missing {
        let stands = snapshots.iter().find(|s| s.seq >= b);
        out.push(Hole {
            kind: "missing".into(),
            from_seq: Some(a),
            to_seq: Some(b),
            from: from.map(rfc),
            to: to.or_else(|| stands.map(snapshot_at)).map(rfc),
            stands_for: stands.map(|s| StandsFor {
                snapshot_seq: s.seq,
                at: rfc(snapshot_at(s)),
            }),
            detail: None,
            at_seq: a,
        });
    }
    // Events read late: group the late events of each message.
    let mut late: BTreeMap<usize, (u64, u64)> = BTreeMap::new();
    for r in events {
        let Some(&i) = message_at.get(&r.message_id) else {
            continue;
        };
        if r.event.at.until(messages[i].at) > LATE_MS {
            let e = late.entry(i).or_insert((r.seq, r.seq));
            e.0 = e.0.min(r.seq);
            e.1 = e.1.max(r.seq);
        }
    }
    for (i, (a, b)) in late {
        let before = messages[..i].iter().rev().find(|m| m.kind != "anomaly");
        out.push(Hole {
            kind: "offline".into(),
            from_seq: Some(a),
            to_seq: Some(b),
            from: before.map(|m| rfc(m.at)),
            to: Some(rfc(messages[i].at)),
            stands_for: None,
            detail: None,
            at_seq: a,
        });
    }
    out.sort_by_key(|h| h.at_seq);
    out
}

/// Whether a day's hole concerns a lot: one of its events is in the range,
/// or the lot was open at some time the hole covers.
fn touches(h: &Hole, l: &Lot, recs: &[&Recorded]) -> bool {
    if let (Some(a), Some(b)) = (h.from_seq, h.to_seq)
        && recs.iter().any(|r| (a..=b).contains(&r.seq))
    {
        return true;
    }
    let parse = |s: &Option<String>| s.as_deref().and_then(|s| Timestamp::parse(s).ok());
    let from = parse(&h.from).unwrap_or(Timestamp(i64::MIN));
    let to = parse(&h.to).unwrap_or(Timestamp(i64::MAX));
    let end = recs
        .iter()
        .rev()
        .find(|r| matches!(&r.event.kind, EventKind::Status { status, .. } if status.is_final()))
        .map_or(
            if l.status.is_final() {
                l.closes_at
            } else {
                Timestamp(i64::MAX)
            },
            |r| r.event.at,
        );
    from <= end && to >= l.opens_at
}

/// A snapshot change in words (English data; the renderers label it).
fn change_detail(kind: &str, body: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let s = |k: &str| {
        v.get(k)
            .and_then(|x| {
                x.as_str()
                    .map(str::to_string)
                    .or_else(|| (!x.is_null()).then(|| x.to_string()))
            })
            .map(|x| clean(&x, MAX_NAME))
            .unwrap_or_default()
    };
    let text = match kind {
        "bid" => format!(
            "high bid {} by {} (seq {}), {} bids, {} not seen",
            s("amount"),
            s("bidder"),
            s("seq"),
            s("bid_count"),
            s("new_bids")
        ),
        "extended" => format!(
            "extended to {}, closing {}",
            s("extensions"),
            s("closes_at")
        ),
        "status" => format!("status {} -> {}", s("from"), s("to")),
        "terms" => "terms changed".to_string(),
        "added" => "the lot appeared".to_string(),
        "removed" => "the lot disappeared".to_string(),
        other => other.to_string(),
    };
    format!("{kind}: {text}")
}

#[derive(Default)]
struct TotalsAcc {
    lots: usize,
    by_status: BTreeMap<String, usize>,
    starting: Money,
    results: Money,
    sold_starting: Money,
}

impl TotalsAcc {
    fn add(&mut self, l: &Lot) {
        self.lots += 1;
        *self
            .by_status
            .entry(l.status.as_str().to_string())
            .or_default() += 1;
        self.starting = self.starting.saturating_add(l.starting_bonus);
        if l.status == LotStatus::Sold
            && let Some(r) = &l.result
        {
            self.results = self.results.saturating_add(r.amount);
            self.sold_starting = self.sold_starting.saturating_add(l.starting_bonus);
        }
    }

    fn finish(self, rate: Option<Rate>) -> Totals {
        let uplift = self.results.saturating_sub(self.sold_starting);
        Totals {
            lots: self.lots,
            by_status: self.by_status,
            starting_kzt: self.starting.to_wire(),
            results_kzt: self.results.to_wire(),
            sold_starting_kzt: self.sold_starting.to_wire(),
            uplift_kzt: uplift.to_wire(),
            uplift_pct: self
                .results
                .uplift_percent(self.sold_starting)
                .map(|p| format!("{p:.1}")),
            starting_usd: usd(self.starting, rate),
            results_usd: usd(self.results, rate),
            uplift_usd: usd(uplift, rate),
        }
    }
}

fn step(r: &Recorded, kind: &str, rate: Option<Rate>) -> Step {
    let mut s = Step {
        seq: r.seq,
        at: rfc(r.event.at),
        kind: kind.to_string(),
        status: None,
        bidder: None,
        amount_kzt: None,
        amount_usd: None,
        closes_at: None,
        extensions: None,
        message: None,
    };
    match &r.event.kind {
        EventKind::Bid {
            amount,
            bidder,
            closes_at,
        } => {
            s.bidder = Some(bidder.clone());
            s.amount_kzt = Some(amount.to_wire());
            s.amount_usd = usd(*amount, rate);
            s.closes_at = Some(rfc(*closes_at));
        }
        EventKind::Extended {
            closes_at,
            extensions,
        } => {
            s.closes_at = Some(rfc(*closes_at));
            s.extensions = Some(*extensions);
        }
        EventKind::Status {
            status,
            closes_at,
            result,
        } => {
            s.status = Some(status.as_str().to_string());
            s.closes_at = Some(rfc(*closes_at));
            if let Some(res) = result {
                s.bidder = Some(res.winner.clone());
                s.amount_kzt = Some(res.amount.to_wire());
                s.amount_usd = usd(res.amount, rate);
            }
        }
        EventKind::Notice { message } => s.message = Some(message.clone()),
        EventKind::Lot(l) => s.message = Some(l.name.clone()),
        EventKind::Unknown { type_name } => s.message = Some(type_name.clone()),
    }
    s
}

fn lot_part(
    l: &Lot,
    recs: &[&Recorded],
    first_status: Option<&LotStatus>,
    rate: Option<Rate>,
    anomalies: Vec<AnomalyPart>,
    holes: Vec<Hole>,
) -> LotPart {
    let mut timeline = Vec::with_capacity(recs.len());
    let mut bids = Vec::new();
    let mut prev = first_status.cloned();
    let mut last_bid: Option<(&Recorded, Money, &str)> = None;
    for r in recs {
        let kind = match &r.event.kind {
            EventKind::Bid { amount, bidder, .. } => {
                last_bid = Some((r, *amount, bidder.as_str()));
                "bid"
            }
            EventKind::Extended { .. } => "extended",
            EventKind::Status { status, .. } => {
                let k = match status {
                    LotStatus::Open if prev == Some(LotStatus::Suspended) => "resumed",
                    LotStatus::Open => "opened",
                    LotStatus::Suspended => "suspended",
                    LotStatus::Closed => "closed",
                    LotStatus::Sold => "sold",
                    LotStatus::Unsold => "unsold",
                    LotStatus::Cancelled => "cancelled",
                    LotStatus::Scheduled => "scheduled",
                    LotStatus::Unknown(_) => "status",
                };
                prev = Some(status.clone());
                k
            }
            EventKind::Lot(_) => "terms",
            EventKind::Notice { .. } => "notice",
            EventKind::Unknown { .. } => "unknown",
        };
        let s = step(r, kind, rate);
        if kind == "bid" {
            bids.push(BidPart {
                seq: s.seq,
                at: s.at.clone(),
                bidder: s.bidder.clone().unwrap_or_default(),
                amount_kzt: s.amount_kzt.clone().unwrap_or_default(),
                amount_usd: s.amount_usd.clone(),
                closes_at: s.closes_at.clone().unwrap_or_default(),
            });
        }
        timeline.push(s);
    }
    let result = l.result.as_ref().filter(|_| l.status == LotStatus::Sold);
    let final_amount = result
        .map(|r| r.amount)
        .or(l.high_bid.as_ref().map(|h| h.amount));
    // The last high bid the monitor saw: its newest bid event, or the high
    // bid a snapshot showed when that is newer.
    let seen = match (&last_bid, &l.high_bid) {
        (Some((r, a, b)), Some(h)) if h.seq <= r.seq => Some((Some(r.seq), *a, b.to_string())),
        (_, Some(h)) => Some((Some(h.seq), h.amount, h.bidder.clone())),
        (Some((r, a, b)), None) => Some((Some(r.seq), *a, b.to_string())),
        (None, None) => None,
    };
    let cross_check = {
        let (outcome, diff) = match (result, &seen) {
            (Some(r), Some((_, a, b))) if r.amount == *a && &r.winner == b => ("match", None),
            (Some(r), Some((_, a, _))) => (
                "mismatch",
                (r.amount != *a).then(|| {
                    let d = r.amount.tiyn() - a.tiyn();
                    let m = Money::from_tiyn(d.abs()).to_wire();
                    if d < 0 { format!("-{m}") } else { m }
                }),
            ),
            (Some(_), None) => ("no_bid_seen", None),
            (None, Some(_)) => ("no_result", None),
            (None, None) => ("none", None),
        };
        CrossCheck {
            outcome: outcome.into(),
            result_kzt: result.map(|r| r.amount.to_wire()),
            winner: result.map(|r| r.winner.clone()),
            last_high_kzt: seen.as_ref().map(|s| s.1.to_wire()),
            last_bidder: seen.as_ref().map(|s| s.2.clone()),
            last_seq: seen.as_ref().and_then(|s| s.0),
            difference_kzt: diff,
        }
    };
    LotPart {
        id: l.id.clone(),
        number: l.number.clone(),
        name: l.name.clone(),
        region: l.region.clone(),
        minerals: l.minerals.clone(),
        license: LicensePart {
            kind: l.license.kind.as_str().to_string(),
            term_years: l.license.term_years,
            area_km2: l.license.area_km2.map(|a| a.to_string()),
            blocks: l.license.blocks,
        },
        reserves: l.reserves.clone(),
        status: l.status.as_str().to_string(),
        starting_bonus_kzt: l.starting_bonus.to_wire(),
        starting_bonus_usd: usd(l.starting_bonus, rate),
        min_increment_kzt: l.min_increment.to_wire(),
        guarantee_kzt: l.guarantee.to_wire(),
        participation_fee_kzt: l.participation_fee.to_wire(),
        participants: l.participants,
        min_participants: l.min_participants,
        opens_at: rfc(l.opens_at),
        closes_at: rfc(l.closes_at),
        soft_close: SoftClosePart {
            window_s: l.soft_close.window_s,
            extend_s: l.soft_close.extend_s,
            max_extensions: l.soft_close.max_extensions,
        },
        bid_count: l.bid_count,
        bids_seen: bids.len(),
        final_kzt: final_amount.map(Money::to_wire),
        final_usd: final_amount.and_then(|m| usd(m, rate)),
        result: result.map(|r| ResultPart {
            winner: r.winner.clone(),
            amount_kzt: r.amount.to_wire(),
            amount_usd: usd(r.amount, rate),
            protocol_at: rfc(r.protocol_at),
        }),
        bids,
        extensions: l.extensions,
        timeline,
        anomalies,
        holes,
        cross_check,
    }
}

/// The chain's verdict, with what the journal claims when it fails.
fn chain_part(j: &Journal) -> Result<ChainPart> {
    if let Some(remote) = j.remote() {
        return Ok(super::shared::chain_part(remote));
    }
    let conn = j.connection();
    let e = sql(j);
    let outcome = verify::verify_checked(conn).map_err(&e)?;
    Ok(match outcome {
        Ok(v) => ChainPart {
            records: v.records,
            head: Some(v.head),
            verified: true,
            problem: None,
            migrated: v.coverage.migrated,
            rows_before: v.coverage.rows_before(),
            covered_from_record: v.coverage.first_record,
            covered_from_message: v.coverage.first_message,
            started_at: Some(rfc(v.coverage.started_at)),
        },
        Err(f) => {
            let stored: Option<(i64, String)> = if chain::has_chain(conn).map_err(&e)? {
                conn.query_row(
                    "SELECT records, head FROM chain_head ORDER BY rowid DESC LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .map_err(&e)?
            } else {
                None
            };
            ChainPart {
                records: stored
                    .as_ref()
                    .map_or(0, |s| u64::try_from(s.0).unwrap_or(0)),
                head: stored.map(|s| clean(&s.1, 64)),
                verified: false,
                problem: Some(f.to_string()),
                migrated: false,
                rows_before: 0,
                covered_from_record: None,
                covered_from_message: None,
                started_at: None,
            }
        }
    })
}
