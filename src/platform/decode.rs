//! Decoding the platform's JSON into domain values: from a parsed
//! `serde_json::Value` (whose recursion limit bounds the depth), or for the
//! big `/lots` snapshot from its bytes through the typed wire structs, with
//! the `Value` path naming whatever the typed path does not take. Strict where the
//! contract is strict (money, times, ids), tolerant where it asks for
//! tolerance (unknown fields, statuses, event types). A malformed lot or event
//! becomes a precise `DataIssue` instead of failing the whole page. Every
//! server string is sanitized here, once.

use super::DataIssue;
use crate::domain::money::plain_decimal;
use crate::domain::{
    Auction, AuctionStatus, Bid, Currency, Event, EventKind, HighBid, License, LicenseKind, Lot,
    LotResult, LotStatus, Money, Rate, SoftClose, Timestamp,
};
use crate::platform::sanitize::{MAX_NAME, MAX_NOTICE, clean};
use crate::platform::wire::WireLot;
use rust_decimal::Decimal;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashSet};

/// Lots in one snapshot above this make the snapshot unusable.
pub const MAX_SNAPSHOT_LOTS: usize = 10_000;
/// Events kept from one feed page (the contract's `limit` is at most 1000).
pub const MAX_EVENTS_PER_PAGE: usize = 1000;
/// Bids kept from one history page; the rest come with the next `after=`.
pub const MAX_BIDS_PER_PAGE: usize = 5000;
/// Minerals kept per lot.
pub const MAX_MINERALS: usize = 32;
/// Data issues reported per page; more are counted in one last issue.
pub const MAX_ISSUES_PER_PAGE: usize = 100;
/// Ids are opaque strings of at most this many characters.
pub const MAX_ID: usize = 64;

/// Why a whole page could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DecodeError(pub String);

/// `GET /lots`: every lot that decoded, and what did not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LotsPage {
    pub server_time: Option<Timestamp>,
    pub seq: u64,
    pub lots: Vec<Lot>,
    pub issues: Vec<DataIssue>,
}

/// `GET /events`: the events in the order the server sent them. An event that
/// did not decode but has a seq is kept as `EventKind::Unknown` (so the seq
/// stays gap-free) and reported in `issues`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventsPage {
    pub server_time: Option<Timestamp>,
    pub last_seq: u64,
    pub events: Vec<Event>,
    pub issues: Vec<DataIssue>,
}

/// `GET /lots/{id}/bids`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BidsPage {
    pub server_time: Option<Timestamp>,
    pub lot_id: String,
    pub bids: Vec<Bid>,
    pub issues: Vec<DataIssue>,
}

/// `GET /rates`: tenge per unit of the currencies this build knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlatformRates {
    pub server_time: Option<Timestamp>,
    pub source: String,
    pub date: jiff::civil::Date,
    pub rates: BTreeMap<Currency, Rate>,
    pub issues: Vec<DataIssue>,
}

/// The `error` object of a non-2xx body, sanitized.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorInfo {
    pub code: Option<String>,
    pub message: Option<String>,
}

/// `server_time` of any body, if present and valid.
pub fn server_time(v: &Value) -> Option<Timestamp> {
    v.get("server_time")
        .and_then(Value::as_str)
        .and_then(|s| Timestamp::parse(s).ok())
}

pub fn decode_error_body(v: &Value) -> ErrorInfo {
    let e = v.get("error");
    let field = |name: &str, max: usize| {
        e.and_then(|e| e.get(name))
            .and_then(Value::as_str)
            .map(|s| clean(s, max))
    };
    ErrorInfo {
        code: field("code", 40),
        message: field("message", MAX_NOTICE),
    }
}

pub fn decode_auction(v: &Value) -> Result<Auction, DecodeError> {
    let o = Obj::root(v).map_err(page_error)?;
    let a = (|| {
        Ok::<_, DataIssue>(Auction {
            id: o.text("id", MAX_NAME)?,
            title: o.text("title", MAX_NAME)?,
            venue: o.text("venue", MAX_NAME)?,
            timezone: o.text("timezone", 64)?,
            currency: o.text("currency", 8)?,
            starts_at: o.time("starts_at")?,
            ends_at: o.time("ends_at")?,
            status: AuctionStatus::parse(&clean(o.str("status")?, 32)),
        })
    })();
    a.map_err(page_error)
}

pub fn decode_lots(v: &Value) -> Result<LotsPage, DecodeError> {
    let o = Obj::root(v).map_err(page_error)?;
    let seq = o.u64("seq").map_err(page_error)?;
    let arr = o.array("lots").map_err(page_error)?;
    if arr.len() > MAX_SNAPSHOT_LOTS {
        return Err(DecodeError(format!(
            "{} lots in one snapshot (at most {MAX_SNAPSHOT_LOTS})",
            arr.len()
        )));
    }
    let mut issues = Issues::default();
    let mut lots = Vec::with_capacity(arr.len());
    let mut seen = HashSet::new();
    for (i, item) in arr.iter().enumerate() {
        keep_first(
            decode_lot_at(item, &format!("lots[{i}]")),
            &mut seen,
            &mut lots,
            &mut issues,
        );
    }
    Ok(LotsPage {
        server_time: server_time(v),
        seq,
        lots,
        issues: issues.finish(),
    })
}

/// `GET /lots` from the body's bytes, as the client decodes it. Each lot goes
/// straight into the typed `WireLot` and on to the domain (`lot_from_wire`);
/// no JSON tree of the whole snapshot is built, so a 10 000-lot body costs its
/// bytes and the lots, not a tree several times the body's size. Anything the
/// fast path does not take (a wrong type, a missing field, a bad amount) is
/// decoded again through the `Value` path, which names the problem: the
/// result is the same as `decode_lots` on the parsed body.
pub fn decode_lots_bytes(body: &[u8]) -> Result<LotsPage, DecodeError> {
    #[derive(serde::Deserialize)]
    struct Top<'a> {
        #[serde(default)]
        server_time: Value,
        seq: u64,
        #[serde(borrow)]
        lots: Vec<&'a RawValue>,
    }
    let top: Top<'_> = match serde_json::from_slice(body) {
        Ok(top) => top,
        // Not the expected shape: the `Value` path says what is wrong.
        Err(_) => {
            let v: Value = serde_json::from_slice(body)
                .map_err(|e| DecodeError(format!("invalid JSON: {e}")))?;
            return decode_lots(&v);
        }
    };
    if top.lots.len() > MAX_SNAPSHOT_LOTS {
        return Err(DecodeError(format!(
            "{} lots in one snapshot (at most {MAX_SNAPSHOT_LOTS})",
            top.lots.len()
        )));
    }
    let mut issues = Issues::default();
    let mut lots = Vec::with_capacity(top.lots.len());
    let mut seen = HashSet::with_capacity(top.lots.len());
    for (i, raw) in top.lots.iter().enumerate() {
        let decoded = serde_json::from_str::<WireLot>(raw.get())
            .ok()
            .and_then(lot_from_wire)
            .map_or_else(
                || match serde_json::from_str::<Value>(raw.get()) {
                    Ok(v) => decode_lot_at(&v, &format!("lots[{i}]")),
                    Err(e) => Err(issue(None, &format!("lots[{i}]"), &e.to_string())),
                },
                Ok,
            );
        keep_first(decoded, &mut seen, &mut lots, &mut issues);
    }
    Ok(LotsPage {
        server_time: top
            .server_time
            .as_str()
            .and_then(|s| Timestamp::parse(s).ok()),
        seq: top.seq,
        lots,
        issues: issues.finish(),
    })
}

/// The fast path of one lot: the same rules as `decode_lot_at`, on the typed
/// wire struct. `None` if any rule fails; the caller then asks
/// `decode_lot_at`, which names the problem.
fn lot_from_wire(w: WireLot) -> Option<Lot> {
    let money = |s: &str| Money::parse(s).ok();
    let time = |s: &str| Timestamp::parse(s).ok();
    let decimal = |s: &Option<String>| match s {
        None => Some(None),
        Some(s) => plain_decimal(s).map(Some),
    };
    let high_bid = match &w.high_bid {
        None => None,
        Some(h) => Some(HighBid {
            amount: money(&h.amount)?,
            bidder: clean(&h.bidder, MAX_NAME),
            at: time(&h.at)?,
            seq: h.seq,
        }),
    };
    let result = match &w.result {
        None => None,
        Some(r) => Some(LotResult {
            winner: clean(&r.winner, MAX_NAME),
            amount: money(&r.amount)?,
            protocol_at: time(&r.protocol_at)?,
        }),
    };
    Some(Lot {
        id: check_id(&w.id).ok()?,
        number: clean(&w.number, MAX_NAME),
        name: clean(&w.name, MAX_NAME),
        region: clean(&w.region, MAX_NAME),
        minerals: w
            .minerals
            .iter()
            .take(MAX_MINERALS)
            .map(|m| clean(m, MAX_NAME))
            .collect(),
        license: License {
            kind: LicenseKind::parse(&clean(&w.license.kind, 32)),
            term_years: w.license.term_years,
            area_km2: decimal(&w.license.area_km2)?,
            blocks: w.license.blocks,
        },
        reserves: clean(&w.reserves, MAX_NAME),
        starting_bonus: money(&w.starting_bonus)?,
        min_increment: money(&w.min_increment)?,
        guarantee: money(&w.guarantee)?,
        participation_fee: money(&w.participation_fee)?,
        min_participants: w.min_participants,
        participants: w.participants,
        status: LotStatus::parse(&clean(&w.status, 32)),
        opens_at: time(&w.opens_at)?,
        closes_at: time(&w.closes_at)?,
        soft_close: SoftClose {
            window_s: w.soft_close.window_s,
            extend_s: w.soft_close.extend_s,
            max_extensions: w.soft_close.max_extensions,
        },
        extensions: w.extensions,
        high_bid,
        bid_count: w.bid_count,
        result,
    })
}

/// `GET /lots/{id}`: `{"lot": Lot}`.
pub fn decode_lot_body(v: &Value) -> Result<Lot, DataIssue> {
    let o = Obj::root(v)?;
    let lot = o.get("lot").ok_or_else(|| o.issue("lot", "missing"))?;
    decode_lot_at(lot, "lot")
}

/// One lot object. `at` names where it sits (for issues about a lot without a
/// usable id).
pub fn decode_lot_at(v: &Value, at: &str) -> Result<Lot, DataIssue> {
    let map = v
        .as_object()
        .ok_or_else(|| issue(None, at, "not an object"))?;
    let id = match map.get("id") {
        Some(Value::String(s)) => {
            check_id(s).map_err(|p| issue(Some(&clean(s, MAX_ID)), "id", p))?
        }
        Some(_) => return Err(issue(None, &format!("{at}.id"), "not a string")),
        None => return Err(issue(None, &format!("{at}.id"), "missing")),
    };
    let o = Obj {
        map,
        lot_id: Some(&id),
        prefix: String::new(),
    };
    let license = o.obj("license")?;
    let soft = o.obj("soft_close")?;
    let high_bid = match o.opt_obj("high_bid")? {
        None => None,
        Some(h) => Some(HighBid {
            amount: h.money("amount")?,
            bidder: h.text("bidder", MAX_NAME)?,
            at: h.time("at")?,
            seq: h.u64("seq")?,
        }),
    };
    let result = match o.opt_obj("result")? {
        None => None,
        Some(r) => Some(decode_result(&r)?),
    };
    let minerals = o
        .array("minerals")?
        .iter()
        .take(MAX_MINERALS)
        .enumerate()
        .map(|(i, m)| {
            m.as_str()
                .map(|s| clean(s, MAX_NAME))
                .ok_or_else(|| o.issue(&format!("minerals[{i}]"), "not a string"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Lot {
        number: o.text("number", MAX_NAME)?,
        name: o.text("name", MAX_NAME)?,
        region: o.text("region", MAX_NAME)?,
        minerals,
        license: License {
            kind: LicenseKind::parse(&clean(license.str("kind")?, 32)),
            term_years: license.u32("term_years")?,
            area_km2: license.opt_decimal("area_km2")?,
            blocks: license.opt_u32("blocks")?,
        },
        reserves: o.text("reserves", MAX_NAME)?,
        starting_bonus: o.money("starting_bonus")?,
        min_increment: o.money("min_increment")?,
        guarantee: o.money("guarantee")?,
        participation_fee: o.money("participation_fee")?,
        min_participants: o.u32("min_participants")?,
        participants: o.u32("participants")?,
        status: LotStatus::parse(&clean(o.str("status")?, 32)),
        opens_at: o.time("opens_at")?,
        closes_at: o.time("closes_at")?,
        soft_close: SoftClose {
            window_s: soft.u32("window_s")?,
            extend_s: soft.u32("extend_s")?,
            max_extensions: soft.opt_u32("max_extensions")?,
        },
        extensions: o.u32("extensions")?,
        high_bid,
        bid_count: o.u32("bid_count")?,
        result,
        id,
    })
}

fn decode_result(r: &Obj<'_>) -> Result<LotResult, DataIssue> {
    Ok(LotResult {
        winner: r.text("winner", MAX_NAME)?,
        amount: r.money("amount")?,
        protocol_at: r.time("protocol_at")?,
    })
}

pub fn decode_events(v: &Value) -> Result<EventsPage, DecodeError> {
    let o = Obj::root(v).map_err(page_error)?;
    let last_seq = o.u64("last_seq").map_err(page_error)?;
    let arr = o.array("events").map_err(page_error)?;
    let mut issues = Issues::default();
    if arr.len() > MAX_EVENTS_PER_PAGE {
        issues.push(issue(
            None,
            "events",
            &format!(
                "{} events in one page; the first {MAX_EVENTS_PER_PAGE} are kept",
                arr.len()
            ),
        ));
    }
    let st = server_time(v);
    let mut events = Vec::with_capacity(arr.len().min(MAX_EVENTS_PER_PAGE));
    for (i, item) in arr.iter().take(MAX_EVENTS_PER_PAGE).enumerate() {
        match decode_event(item, i, st) {
            Ok((ev, None)) => events.push(ev),
            Ok((ev, Some(problem))) => {
                issues.push(problem);
                events.push(ev);
            }
            Err(problem) => issues.push(problem),
        }
    }
    Ok(EventsPage {
        server_time: st,
        last_seq,
        events,
        issues: issues.finish(),
    })
}

/// One event. Err: not even a seq (the event is lost, and the engine sees a
/// gap). Ok with an issue: kept as `Unknown` so the seq stays gap-free.
fn decode_event(
    v: &Value,
    index: usize,
    fallback_at: Option<Timestamp>,
) -> Result<(Event, Option<DataIssue>), DataIssue> {
    let at_name = format!("events[{index}]");
    let map = v
        .as_object()
        .ok_or_else(|| issue(None, &at_name, "not an object"))?;
    let seq = map
        .get("seq")
        .and_then(Value::as_u64)
        .ok_or_else(|| issue(None, &format!("{at_name}.seq"), "missing or not an integer"))?;
    let type_name = match map.get("type") {
        Some(Value::String(s)) => clean(s, 32),
        _ => String::new(),
    };
    // A lot id that is not usable as an id is reported under its cleaned form.
    let raw_lot = map.get("lot_id");
    let lot_id_clean = raw_lot.and_then(Value::as_str).map(|s| clean(s, MAX_ID));
    let o = Obj {
        map,
        lot_id: lot_id_clean.as_deref(),
        prefix: format!("event {seq} "),
    };
    let decoded = (|| {
        let lot_id = match raw_lot {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(check_id(s).map_err(|p| o.issue("lot_id", p))?),
            Some(_) => return Err(o.issue("lot_id", "not a string or null")),
        };
        let need_lot = |lot_id: &Option<String>| {
            lot_id
                .clone()
                .ok_or_else(|| o.issue("lot_id", "missing for a lot event"))
        };
        let at = o.time("at")?;
        let kind = match type_name.as_str() {
            "bid" => {
                need_lot(&lot_id)?;
                EventKind::Bid {
                    amount: o.money("amount")?,
                    bidder: o.text("bidder", MAX_NAME)?,
                    closes_at: o.time("closes_at")?,
                }
            }
            "extended" => {
                need_lot(&lot_id)?;
                EventKind::Extended {
                    closes_at: o.time("closes_at")?,
                    extensions: o.u32("extensions")?,
                }
            }
            "status" => {
                need_lot(&lot_id)?;
                let result = match o.opt_obj("result")? {
                    None => None,
                    Some(r) => Some(decode_result(&r)?),
                };
                EventKind::Status {
                    status: LotStatus::parse(&clean(o.str("status")?, 32)),
                    closes_at: o.time("closes_at")?,
                    result,
                }
            }
            "lot" => {
                let lot = decode_lot_at(
                    o.get("lot").ok_or_else(|| o.issue("lot", "missing"))?,
                    "lot",
                )?;
                if let Some(id) = &lot_id
                    && *id != lot.id
                {
                    return Err(o.issue("lot_id", "differs from the id of the lot it carries"));
                }
                EventKind::Lot(Box::new(lot))
            }
            "notice" => EventKind::Notice {
                message: o.text("message", MAX_NOTICE)?,
            },
            "" => return Err(o.issue("type", "missing or not a string")),
            _ => EventKind::Unknown {
                type_name: type_name.clone(),
            },
        };
        // A `lot` event names its lot through the lot it carries.
        let lot_id = match &kind {
            EventKind::Lot(l) => Some(l.id.clone()),
            _ => lot_id,
        };
        Ok(Event {
            seq,
            at,
            lot_id,
            kind,
        })
    })();
    match decoded {
        Ok(ev) => Ok((ev, None)),
        Err(problem) => {
            let at = map
                .get("at")
                .and_then(Value::as_str)
                .and_then(|s| Timestamp::parse(s).ok())
                .or(fallback_at)
                .unwrap_or_default();
            let name = if type_name.is_empty() {
                "invalid".to_string()
            } else {
                format!("invalid {type_name}")
            };
            Ok((
                Event {
                    seq,
                    at,
                    lot_id: None,
                    kind: EventKind::Unknown { type_name: name },
                },
                Some(problem),
            ))
        }
    }
}

pub fn decode_bids(v: &Value) -> Result<BidsPage, DecodeError> {
    let o = Obj::root(v).map_err(page_error)?;
    let lot_id = check_id(o.str("lot_id").map_err(page_error)?)
        .map_err(|p| DecodeError(format!("lot_id: {p}")))?;
    let arr = o.array("bids").map_err(page_error)?;
    let mut issues = Issues::default();
    if arr.len() > MAX_BIDS_PER_PAGE {
        issues.push(issue(
            Some(&lot_id),
            "bids",
            &format!(
                "{} bids in one page; the first {MAX_BIDS_PER_PAGE} are kept",
                arr.len()
            ),
        ));
    }
    let mut bids = Vec::with_capacity(arr.len().min(MAX_BIDS_PER_PAGE));
    for (i, item) in arr.iter().take(MAX_BIDS_PER_PAGE).enumerate() {
        let one = (|| {
            let map = item
                .as_object()
                .ok_or_else(|| issue(Some(&lot_id), &format!("bids[{i}]"), "not an object"))?;
            let b = Obj {
                map,
                lot_id: Some(&lot_id),
                prefix: format!("bids[{i}]."),
            };
            Ok::<_, DataIssue>(Bid {
                seq: b.u64("seq")?,
                at: b.time("at")?,
                amount: b.money("amount")?,
                bidder: b.text("bidder", MAX_NAME)?,
            })
        })();
        match one {
            Ok(b) => bids.push(b),
            Err(e) => issues.push(e),
        }
    }
    Ok(BidsPage {
        server_time: server_time(v),
        lot_id,
        bids,
        issues: issues.finish(),
    })
}

pub fn decode_rates(v: &Value) -> Result<PlatformRates, DecodeError> {
    let o = Obj::root(v).map_err(page_error)?;
    let date_s = o.str("date").map_err(page_error)?;
    let date: jiff::civil::Date = date_s.parse().map_err(|_| {
        DecodeError(format!(
            "date: not a YYYY-MM-DD date: {:?}",
            clean(date_s, 20)
        ))
    })?;
    let source = o.text("source", 40).map_err(page_error)?;
    let base = o.str("base").map_err(page_error)?;
    if base != "KZT" {
        return Err(DecodeError(format!(
            "base: expected KZT, got {:?}",
            clean(base, 8)
        )));
    }
    let map = o
        .map
        .get("rates")
        .and_then(Value::as_object)
        .ok_or_else(|| DecodeError("rates: missing or not an object".into()))?;
    let mut issues = Issues::default();
    let mut rates = BTreeMap::new();
    for (code, val) in map.iter() {
        let Some(cur) = Currency::from_code(code) else {
            continue;
        };
        if cur == Currency::Kzt {
            continue;
        }
        match val
            .as_str()
            .ok_or("not a decimal string")
            .and_then(|s| Rate::parse(s).ok_or("not a positive decimal string"))
        {
            Ok(r) => {
                rates.insert(cur, r);
            }
            Err(p) => issues.push(issue(None, &format!("rates.{}", cur.code()), p)),
        }
    }
    Ok(PlatformRates {
        server_time: server_time(v),
        source,
        date,
        rates,
        issues: issues.finish(),
    })
}

/// An id as the contract has it: 1 to 64 characters, nothing to sanitize.
fn check_id(s: &str) -> Result<String, &'static str> {
    if s.is_empty() {
        return Err("empty");
    }
    if s.chars().count() > MAX_ID {
        return Err("longer than 64 characters");
    }
    if clean(s, MAX_ID) != s {
        return Err("contains control or formatting characters");
    }
    Ok(s.to_string())
}

fn issue(lot_id: Option<&str>, field: &str, problem: &str) -> DataIssue {
    DataIssue {
        lot_id: lot_id.map(|s| clean(s, MAX_ID)),
        field: clean(field, MAX_NAME),
        problem: clean(problem, MAX_NAME),
    }
}

/// Adds a decoded lot to `lots`, or its problem to `issues`; a second lot
/// with an id already seen is an issue too (the first is kept).
fn keep_first(
    decoded: Result<Lot, DataIssue>,
    seen: &mut HashSet<String>,
    lots: &mut Vec<Lot>,
    issues: &mut Issues,
) {
    match decoded {
        Ok(lot) if !seen.insert(lot.id.clone()) => issues.push(issue(
            Some(&lot.id),
            "id",
            "the same lot id appears twice in the snapshot; the first is kept",
        )),
        Ok(lot) => lots.push(lot),
        Err(e) => issues.push(e),
    }
}

fn page_error(i: DataIssue) -> DecodeError {
    DecodeError(format!("{}: {}", i.field, i.problem))
}

/// A bounded list of issues; what does not fit is counted.
#[derive(Default)]
struct Issues {
    list: Vec<DataIssue>,
    dropped: usize,
}

impl Issues {
    fn push(&mut self, i: DataIssue) {
        if self.list.len() < MAX_ISSUES_PER_PAGE {
            self.list.push(i)
        } else {
            self.dropped += 1
        }
    }

    fn finish(mut self) -> Vec<DataIssue> {
        if self.dropped > 0 {
            self.list.push(issue(
                None,
                "page",
                &format!("{} more issues not listed", self.dropped),
            ));
        }
        self.list
    }
}

/// A JSON object being read, with what to name in issues.
struct Obj<'a> {
    map: &'a Map<String, Value>,
    lot_id: Option<&'a str>,
    /// Prepended to field names: `license.`, `event 12 `.
    prefix: String,
}

impl<'a> Obj<'a> {
    fn root(v: &'a Value) -> Result<Obj<'a>, DataIssue> {
        v.as_object()
            .map(|map| Obj {
                map,
                lot_id: None,
                prefix: String::new(),
            })
            .ok_or_else(|| issue(None, "body", "not a JSON object"))
    }

    fn issue(&self, field: &str, problem: &str) -> DataIssue {
        issue(self.lot_id, &format!("{}{field}", self.prefix), problem)
    }

    /// The value of `f`; JSON null counts as absent.
    fn get(&self, f: &str) -> Option<&'a Value> {
        self.map.get(f).filter(|v| !v.is_null())
    }

    fn str(&self, f: &str) -> Result<&'a str, DataIssue> {
        match self.get(f) {
            Some(Value::String(s)) => Ok(s),
            Some(_) => Err(self.issue(f, "not a string")),
            None => Err(self.issue(f, "missing")),
        }
    }

    fn text(&self, f: &str, max: usize) -> Result<String, DataIssue> {
        self.str(f).map(|s| clean(s, max))
    }

    fn money(&self, f: &str) -> Result<Money, DataIssue> {
        match self.get(f) {
            Some(Value::String(s)) => Money::parse(s).map_err(|e| self.issue(f, &e.to_string())),
            Some(Value::Number(_)) => Err(self.issue(f, "a JSON number, not a decimal string")),
            Some(_) => Err(self.issue(f, "not a decimal string")),
            None => Err(self.issue(f, "missing")),
        }
    }

    fn time(&self, f: &str) -> Result<Timestamp, DataIssue> {
        Timestamp::parse(self.str(f)?).map_err(|e| self.issue(f, &e.to_string()))
    }

    fn u64(&self, f: &str) -> Result<u64, DataIssue> {
        match self.get(f) {
            Some(v) => v
                .as_u64()
                .ok_or_else(|| self.issue(f, "not a non-negative integer")),
            None => Err(self.issue(f, "missing")),
        }
    }

    fn u32(&self, f: &str) -> Result<u32, DataIssue> {
        u32::try_from(self.u64(f)?).map_err(|_| self.issue(f, "out of range"))
    }

    fn opt_u32(&self, f: &str) -> Result<Option<u32>, DataIssue> {
        if self.get(f).is_none() {
            Ok(None)
        } else {
            self.u32(f).map(Some)
        }
    }

    fn opt_decimal(&self, f: &str) -> Result<Option<Decimal>, DataIssue> {
        match self.get(f) {
            None => Ok(None),
            Some(Value::String(s)) => plain_decimal(s)
                .map(Some)
                .ok_or_else(|| self.issue(f, "not a plain decimal string")),
            Some(_) => Err(self.issue(f, "not a decimal string")),
        }
    }

    fn array(&self, f: &str) -> Result<&'a Vec<Value>, DataIssue> {
        match self.get(f) {
            Some(Value::Array(a)) => Ok(a),
            Some(_) => Err(self.issue(f, "not an array")),
            None => Err(self.issue(f, "missing")),
        }
    }

    fn obj(&self, f: &str) -> Result<Obj<'a>, DataIssue> {
        self.opt_obj(f)?.ok_or_else(|| self.issue(f, "missing"))
    }

    fn opt_obj(&self, f: &str) -> Result<Option<Obj<'a>>, DataIssue> {
        match self.get(f) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(Obj {
                map,
                lot_id: self.lot_id,
                prefix: format!("{}{f}.", self.prefix),
            })),
            Some(_) => Err(self.issue(f, "not an object")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Every `/lots` test here runs both paths, the tree and the bytes (the
    /// client's), and checks that they agree to the last issue.
    fn decode_lots(v: &Value) -> Result<LotsPage, DecodeError> {
        let tree = super::decode_lots(v);
        let bytes = decode_lots_bytes(&serde_json::to_vec(v).expect("a Value encodes"));
        assert_eq!(tree, bytes, "the typed path differs from the tree path");
        tree
    }

    #[test]
    fn the_bytes_path_agrees_with_the_tree_on_every_broken_field() {
        let base = lot_json("L");
        let fields = |v: &Value| -> Vec<String> {
            v.as_object()
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default()
        };
        let bad = [
            json!(null),
            json!(5),
            json!(-1),
            json!(1.5),
            json!(4_294_967_296u64),
            json!("x"),
            json!(""),
            json!("a\u{1b}[31mb"),
            json!({}),
            json!([]),
            json!(["a", 1]),
        ];
        let mut checked = 0;
        for f in fields(&base) {
            let mut targets = vec![vec![f.clone()]];
            for g in fields(&base[&f]) {
                targets.push(vec![f.clone(), g]);
            }
            for path in targets {
                for b in bad.iter().map(Some).chain([None]) {
                    let mut l = base.clone();
                    let slot = match path.as_slice() {
                        [a] => l.as_object_mut().expect("an object").remove(a),
                        [a, g] => l[a].as_object_mut().and_then(|m| m.remove(g)),
                        _ => None,
                    };
                    if slot.is_none() {
                        continue;
                    }
                    if let Some(b) = b {
                        match path.as_slice() {
                            [a] => l[a] = b.clone(),
                            [a, g] => l[a][g] = b.clone(),
                            _ => {}
                        }
                    }
                    let _ = decode_lots(&lots_body(vec![lot_json("A"), l]));
                    checked += 1;
                }
            }
        }
        assert!(checked > 300, "{checked} cases");
    }

    #[test]
    fn the_bytes_path_handles_what_a_tree_cannot_show() {
        // A duplicate key: the tree keeps the last; so does the bytes path.
        let lot = serde_json::to_string(&lot_json("D")).expect("encodes");
        let dup = lot.replacen("{", r#"{"name":"first","#, 1);
        let body = format!(r#"{{"seq":1,"lots":[{dup}],"seq":2}}"#);
        let tree: Value = serde_json::from_str(&body).expect("valid JSON");
        assert_eq!(
            decode_lots_bytes(body.as_bytes()),
            super::decode_lots(&tree)
        );
        // Nesting past the tree's recursion limit in an unknown field: the
        // typed path skips it without recursing (the tree path would refuse
        // the whole page), and keeps both lots.
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let bomb = lot.replacen("{", &format!(r#"{{"extra":{deep},"#), 1);
        let good = serde_json::to_string(&lot_json("G")).expect("encodes");
        let body = format!(r#"{{"seq":1,"lots":[{bomb},{good}]}}"#);
        let page = decode_lots_bytes(body.as_bytes()).expect("the page is usable");
        assert_eq!(page.lots.len(), 2, "{:?}", page.issues);
        assert!(page.issues.is_empty());
        // The same nesting in a known field: that lot is reported, the other
        // kept.
        let bomb = lot.replacen(r#""region":"Aktobe""#, &format!(r#""region":{deep}"#), 1);
        assert_ne!(bomb, lot);
        let body = format!(r#"{{"seq":1,"lots":[{bomb},{good}]}}"#);
        let page = decode_lots_bytes(body.as_bytes()).expect("the page is usable");
        assert_eq!(page.lots.len(), 1);
        assert_eq!(page.issues.len(), 1);
        assert_eq!(page.issues[0].field, "lots[0]");
        // Not JSON at all: the same message as the tree path's caller gives.
        assert!(
            decode_lots_bytes(b"{\"seq\": 1, \"lots\": [")
                .unwrap_err()
                .0
                .starts_with("invalid JSON")
        );
    }

    fn lot_json(id: &str) -> Value {
        json!({
            "id": id, "number": id, "name": "Сарлы Южное крыло", "region": "Aktobe",
            "minerals": ["gold", "copper"],
            "license": {"kind": "production", "term_years": 25, "area_km2": "0.66", "blocks": null},
            "reserves": "Au 4.2 t (C1+C2)",
            "starting_bonus": "36920000.00", "min_increment": "1846000.00",
            "guarantee": "36920000.00", "participation_fee": "369200.00",
            "min_participants": 2, "participants": 4, "status": "open",
            "opens_at": "2025-06-24T05:00:00.000Z", "closes_at": "2025-06-24T05:30:00.000Z",
            "soft_close": {"window_s": 300, "extend_s": 300, "max_extensions": null},
            "extensions": 2,
            "high_bid": {"amount": "44304000.00", "bidder": "P-07", "at": "2025-06-24T05:09:41.530Z", "seq": 1830},
            "bid_count": 5, "result": null, "some_future_field": {"x": 1}
        })
    }

    fn lots_body(lots: Vec<Value>) -> Value {
        json!({"server_time": "2025-06-24T05:10:00.000Z", "seq": 1832, "lots": lots})
    }

    #[test]
    fn decodes_the_contract_example() {
        let page = decode_lots(&lots_body(vec![lot_json("401102")])).expect("test input is valid");
        assert_eq!(page.seq, 1832);
        assert!(page.issues.is_empty(), "{:?}", page.issues);
        let lot = &page.lots[0];
        assert_eq!(lot.id, "401102");
        assert_eq!(lot.name, "Сарлы Южное крыло");
        assert_eq!(lot.starting_bonus, Money::from_tenge(36_920_000));
        assert_eq!(lot.license.area_km2, Some(Decimal::new(66, 2)));
        assert_eq!(lot.license.blocks, None);
        assert_eq!(lot.soft_close.max_extensions, None);
        assert_eq!(lot.high_bid.as_ref().map(|h| h.seq), Some(1830));
        assert_eq!(lot.status, LotStatus::Open);
        assert_eq!(
            page.server_time,
            Timestamp::parse("2025-06-24T05:10:00.000Z").ok()
        );
    }

    #[test]
    fn bad_money_names_lot_and_field_and_keeps_the_rest() {
        let cases: Vec<(Value, &str)> = vec![
            (json!(36920000), "a JSON number"),
            (json!("NaN"), "not a plain decimal"),
            (json!("-5.00"), "not a plain decimal"),
            (json!("1e9"), "not a plain decimal"),
            (json!("1.234"), "more than two fraction digits"),
            (json!(null), "missing"),
        ];
        for (bad, problem) in cases {
            let mut broken = lot_json("BAD-1");
            broken["high_bid"]["amount"] = bad.clone();
            let page = decode_lots(&lots_body(vec![lot_json("A"), broken, lot_json("B")]))
                .expect("test input is valid");
            assert_eq!(
                page.lots.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(),
                ["A", "B"],
                "{bad}"
            );
            assert_eq!(page.issues.len(), 1);
            let i = &page.issues[0];
            assert_eq!(i.lot_id.as_deref(), Some("BAD-1"));
            assert_eq!(i.field, "high_bid.amount");
            assert!(i.problem.contains(problem), "{bad}: {}", i.problem);
        }
    }

    #[test]
    fn tolerates_unknown_values_and_sanitizes_text() {
        let mut l = lot_json("X");
        l["status"] = json!("paused-by-operator");
        l["license"]["kind"] = json!("mystery");
        l["name"] = json!("Evil\u{1b}]0;pwned\u{7}Name");
        let page = decode_lots(&lots_body(vec![l])).expect("test input is valid");
        let lot = &page.lots[0];
        assert_eq!(lot.status, LotStatus::Unknown("paused-by-operator".into()));
        assert_eq!(lot.license.kind, LicenseKind::Unknown("mystery".into()));
        assert!(!lot.name.contains('\u{1b}'));
        assert!(!lot.name.contains('\u{7}'));
    }

    #[test]
    fn bad_ids_and_duplicates() {
        let long = "x".repeat(65);
        let page = decode_lots(&lots_body(vec![
            lot_json(&long),
            lot_json("A"),
            lot_json("A"),
            json!(5),
            lot_json("a\u{1b}b"),
        ]))
        .expect("test input is valid");
        assert_eq!(page.lots.len(), 1);
        let fields: Vec<_> = page
            .issues
            .iter()
            .map(|i| (i.field.as_str(), i.problem.as_str()))
            .collect();
        assert_eq!(fields[0], ("id", "longer than 64 characters"));
        assert_eq!(fields[1].0, "id");
        assert!(fields[1].1.contains("twice"));
        assert_eq!(fields[2], ("lots[3]", "not an object"));
        assert_eq!(
            fields[3],
            ("id", "contains control or formatting characters")
        );
    }

    #[test]
    fn page_errors_are_precise() {
        assert_eq!(
            decode_lots(&json!([])).unwrap_err().0,
            "body: not a JSON object"
        );
        assert_eq!(
            decode_lots(&json!({"seq": -1, "lots": []})).unwrap_err().0,
            "seq: not a non-negative integer"
        );
        assert_eq!(
            decode_lots(&json!({"seq": 1})).unwrap_err().0,
            "lots: missing"
        );
        let many = Value::Array(vec![json!({}); MAX_SNAPSHOT_LOTS + 1]);
        assert!(
            decode_lots(&json!({"seq": 1, "lots": many}))
                .unwrap_err()
                .0
                .contains("lots in one snapshot")
        );
    }

    fn events_body(events: Vec<Value>) -> Value {
        json!({"server_time": "2025-06-24T05:10:00.000Z", "last_seq": 1835, "events": events})
    }

    #[test]
    fn decodes_every_event_type() {
        let page = decode_events(&events_body(vec![
            json!({"seq": 1833, "at": "2025-06-24T05:10:00.000Z", "type": "bid", "lot_id": "401102",
                   "amount": "46150000.00", "bidder": "P-02", "closes_at": "2025-06-24T05:35:00.000Z"}),
            json!({"seq": 1834, "at": "2025-06-24T05:10:00.000Z", "type": "extended", "lot_id": "401102",
                   "closes_at": "2025-06-24T05:35:00.000Z", "extensions": 3}),
            json!({"seq": 1835, "at": "2025-06-24T05:10:00.000Z", "type": "status", "lot_id": "401102",
                   "status": "sold", "closes_at": "2025-06-24T05:35:00.000Z",
                   "result": {"winner": "P-02", "amount": "46150000.00", "protocol_at": "2025-06-24T05:36:00.000Z"}}),
            json!({"seq": 1836, "at": "2025-06-24T05:10:00.000Z", "type": "lot", "lot_id": "9", "lot": lot_json("9")}),
            json!({"seq": 1837, "at": "2025-06-24T05:10:00.000Z", "type": "notice", "lot_id": null, "message": "hi\u{9b}2J"}),
            json!({"seq": 1838, "at": "2025-06-24T05:10:00.000Z", "type": "fireworks", "lot_id": null}),
        ]))
        .expect("test input is valid");
        assert!(page.issues.is_empty(), "{:?}", page.issues);
        let kinds: Vec<_> = page
            .events
            .iter()
            .map(|e| e.kind.type_name().to_string())
            .collect();
        assert_eq!(
            kinds,
            ["bid", "extended", "status", "lot", "notice", "fireworks"]
        );
        assert_eq!(
            page.events.iter().map(|e| e.seq).collect::<Vec<_>>(),
            (1833..=1838).collect::<Vec<_>>()
        );
        match &page.events[2].kind {
            EventKind::Status { status, result, .. } => {
                assert_eq!(*status, LotStatus::Sold);
                assert_eq!(
                    result.as_ref().map(|r| r.amount),
                    Some(Money::from_tenge(46_150_000))
                );
            }
            k => panic!("unexpected {k:?}"),
        }
        match &page.events[4].kind {
            EventKind::Notice { message } => assert!(!message.contains('\u{9b}')),
            k => panic!("unexpected {k:?}"),
        }
        assert_eq!(page.events[3].lot_id.as_deref(), Some("9"));
    }

    #[test]
    fn a_broken_event_keeps_its_seq_and_is_reported() {
        let page = decode_events(&events_body(vec![
            json!({"seq": 10, "at": "2025-06-24T05:10:00.000Z", "type": "bid", "lot_id": "L1",
                   "amount": 4.5, "bidder": "P-02", "closes_at": "2025-06-24T05:35:00.000Z"}),
            json!({"seq": 11, "at": "nope", "type": "notice", "lot_id": null, "message": "m"}),
            json!({"at": "2025-06-24T05:10:00.000Z", "type": "notice", "message": "no seq"}),
            json!({"seq": 13, "at": "2025-06-24T05:10:00.000Z", "type": "bid", "lot_id": null,
                   "amount": "1.00", "bidder": "P", "closes_at": "2025-06-24T05:35:00.000Z"}),
        ]))
        .expect("test input is valid");
        assert_eq!(
            page.events.iter().map(|e| e.seq).collect::<Vec<_>>(),
            [10, 11, 13]
        );
        assert!(
            page.events
                .iter()
                .all(|e| matches!(e.kind, EventKind::Unknown { .. }))
        );
        assert_eq!(page.issues.len(), 4);
        assert_eq!(page.issues[0].lot_id.as_deref(), Some("L1"));
        assert_eq!(page.issues[0].field, "event 10 amount");
        assert_eq!(page.issues[1].field, "event 11 at");
        assert_eq!(page.issues[2].field, "events[2].seq");
        assert_eq!(page.issues[3].field, "event 13 lot_id");
    }

    #[test]
    fn caps_events_per_page() {
        let one = |s: u64| json!({"seq": s, "at": "2025-06-24T05:10:00.000Z", "type": "notice", "lot_id": null, "message": "m"});
        let page = decode_events(&events_body((1..=1500).map(one).collect()))
            .expect("test input is valid");
        assert_eq!(page.events.len(), MAX_EVENTS_PER_PAGE);
        assert_eq!(page.events.last().map(|e| e.seq), Some(1000));
        assert_eq!(page.issues.len(), 1);
    }

    #[test]
    fn issues_are_bounded() {
        let page = decode_lots(&lots_body(vec![json!(1); 500])).expect("test input is valid");
        assert_eq!(page.issues.len(), MAX_ISSUES_PER_PAGE + 1);
        assert!(
            page.issues
                .last()
                .expect("test input is valid")
                .problem
                .contains("400 more")
        );
    }

    #[test]
    fn decodes_bids_and_rates_and_errors() {
        let b = decode_bids(&json!({"server_time": "2025-06-24T05:10:00.000Z", "lot_id": "401102",
            "bids": [{"seq": 1201, "at": "2025-06-24T05:01:10.002Z", "amount": "36920000.00", "bidder": "P-03"},
                     {"seq": 1202, "at": "2025-06-24T05:01:10.002Z", "amount": "1e3", "bidder": "P-03"}]}))
        .expect("test input is valid");
        assert_eq!(b.bids.len(), 1);
        assert_eq!(b.issues[0].field, "bids[1].amount");

        let r = decode_rates(&json!({"server_time": "2025-06-24T05:10:00.000Z", "source": "NBK", "date": "2025-06-24",
            "base": "KZT", "rates": {"USD": "519.53", "EUR": "601.12", "CNY": "-1", "GBP": "700.1", "KZT": "1"}}))
        .expect("test input is valid");
        assert_eq!(r.date.to_string(), "2025-06-24");
        assert_eq!(
            r.rates.get(&Currency::Usd),
            Some(&Rate(Decimal::new(51953, 2)))
        );
        assert!(!r.rates.contains_key(&Currency::Cny));
        assert!(!r.rates.contains_key(&Currency::Kzt));
        assert_eq!(r.issues[0].field, "rates.CNY");
        assert!(
            decode_rates(&json!({"source": "x", "date": "24.06.2025", "base": "KZT", "rates": {}}))
                .is_err()
        );

        let e =
            decode_error_body(&json!({"error": {"code": "gone", "message": "too old\u{1b}[2J"}}));
        assert_eq!(e.code.as_deref(), Some("gone"));
        assert!(!e.message.expect("test input is valid").contains('\u{1b}'));
        assert_eq!(decode_error_body(&json!("x")), ErrorInfo::default());
    }

    #[test]
    fn rates_are_strict() {
        assert_eq!(Rate::parse("519.53"), Some(Rate(Decimal::new(51953, 2))));
        assert_eq!(
            Rate::parse("0.0123456"),
            Some(Rate(Decimal::new(123456, 7)))
        );
        for bad in ["0", "0.00", "-1", "1e3", "1,5", " 1", "", "NaN", "."] {
            assert_eq!(Rate::parse(bad), None, "{bad}");
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_arbitrary_lots(s in "\\PC{0,64}", n in proptest::num::i64::ANY, f in proptest::num::f64::ANY) {
            let mut l = lot_json("P");
            l["name"] = json!(s.clone());
            l["starting_bonus"] = json!(s.clone());
            l["participants"] = json!(n);
            l["extensions"] = json!(f);
            let _ = decode_lots(&lots_body(vec![l]));
            let _ = decode_events(&events_body(vec![json!({"seq": n, "at": s, "type": "bid", "amount": f})]));
        }
    }
}
