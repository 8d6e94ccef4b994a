//! Builds the protocol from a journal: the lots' final state (each lot's
//! newest snapshot plus the events after it, as the writer's own view), the
//! timeline of every lot from its events, the holes (seqs the journal lacks,
//! times nothing was recorded, snapshot changes no event explained), the
//! anomalies, the totals at the day's rate, and the chain's verdict.

mod holes;
mod lots;

use holes::{change_detail, holes, touches};
use lots::{TotalsAcc, lot_part};

use super::model::*;
use crate::domain::money::convert;
use crate::domain::{Currency, Event, EventKind, Lot, LotStatus, Money, Rate, Timestamp};
use crate::journal::chain;
use crate::journal::codec;
use crate::journal::store::{Journal, JournalError};
use crate::journal::verify;
use crate::platform::sanitize::{MAX_NAME, MAX_NOTICE, clean};
use crate::ui::i18n::Lang;
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
    /// The error in the protocol's language (`Display` is English). A
    /// journal error keeps its own (English) detail after a translated lead.
    pub fn message(&self, lang: Lang) -> String {
        let list = |v: &[String], none: &str| {
            if v.is_empty() {
                none.to_string()
            } else {
                v.join(", ")
            }
        };
        match (lang, self) {
            (Lang::En, e) => e.to_string(),
            (Lang::Ru, BuildError::Journal(e)) => format!("журнал не прочитан: {e}"),
            (Lang::Kk, BuildError::Journal(e)) => format!("журнал оқылмады: {e}"),
            (Lang::Ru, BuildError::SeveralAuctions(a)) => format!(
                "в журнале {} аукциона(ов) ({}): выберите один через --auction ID",
                a.len(),
                a.join(", ")
            ),
            (Lang::Kk, BuildError::SeveralAuctions(a)) => format!(
                "журналда {} аукцион бар ({}): --auction ID арқылы біреуін таңдаңыз",
                a.len(),
                a.join(", ")
            ),
            (Lang::Ru, BuildError::NoSuchAuction { wanted, held }) => format!(
                "в журнале нет аукциона {wanted:?}; в нём: {}",
                list(held, "ничего")
            ),
            (Lang::Kk, BuildError::NoSuchAuction { wanted, held }) => format!(
                "журналда {wanted:?} аукционы жоқ; онда бары: {}",
                list(held, "ештеңе")
            ),
            (Lang::Ru, BuildError::Empty) => "журнал пока ничего не записал".to_string(),
            (Lang::Kk, BuildError::Empty) => "журнал әзірге ештеңе жазбаған".to_string(),
            (Lang::Ru, BuildError::NoSuchLot(l)) => format!("в журнале у аукциона нет лота {l:?}"),
            (Lang::Kk, BuildError::NoSuchLot(l)) => format!("журналда аукционның {l:?} лоты жоқ"),
        }
    }

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
        // The decoder may quote the row.
        detail: clean(&detail, crate::platform::sanitize::MAX_NOTICE),
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
                    kind: clean(&r.get::<_, String>(1)?, MAX_NAME),
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
            // Journal text is outside text: cleaned as it is read.
            let id = clean(&r.get::<_, String>(0).map_err(&e)?, 64);
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
        // Alerts delivered to people are kept beside the anomalies, not among them.
        if a.auction != auction || a.kind.starts_with("alert") {
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
                    clean(&r.get::<_, String>(1)?, 64),
                    clean(&r.get::<_, String>(2)?, MAX_NAME),
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
                    |r| Ok((r.get(0)?, clean(&r.get::<_, String>(1)?, 64))),
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

#[cfg(test)]
mod error_lang_tests {
    use super::*;

    #[test]
    fn errors_are_said_in_the_protocols_language() {
        let errors = [
            BuildError::SeveralAuctions(vec!["a".into(), "b".into()]),
            BuildError::NoSuchAuction {
                wanted: "x".into(),
                held: vec![],
            },
            BuildError::Empty,
            BuildError::NoSuchLot("401102".into()),
        ];
        for e in &errors {
            assert_eq!(e.message(Lang::En), e.to_string());
            for lang in [Lang::Ru, Lang::Kk] {
                let m = e.message(lang).replace("--auction ID", "");
                for english in ["journal", "auction", "choose", "holds", "nothing", "lot "] {
                    assert!(!m.contains(english), "{lang:?}: {m}");
                }
            }
        }
        assert!(errors[0].message(Lang::Ru).contains("--auction ID"));
        assert!(errors[3].message(Lang::Kk).contains("401102"));
    }
}
