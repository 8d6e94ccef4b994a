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
use std::collections::BTreeMap;

mod bids;
mod events;
mod lots;
mod rates;

pub use bids::decode_bids;
pub use events::decode_events;
use lots::decode_result;
pub use lots::{
    decode_lot_at, decode_lot_body, decode_lots, decode_lots_bytes, decode_lots_reader,
};
pub use rates::decode_rates;

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
    seen: &mut FirstIds,
    lots: &mut Vec<Lot>,
    issues: &mut Issues,
) {
    match decoded {
        Ok(lot) if !seen.is_new(&lot.id, lots) => issues.push(issue(
            Some(&lot.id),
            "id",
            "the same lot id appears twice in the snapshot; the first is kept",
        )),
        Ok(lot) => lots.push(lot),
        Err(e) => issues.push(e),
    }
}

/// The ids of the lots kept so far, by the hash of each id and the lot's
/// index (the ids themselves are the lots' own: not copied for 10 000 lots).
#[derive(Default)]
struct FirstIds {
    by_hash: std::collections::HashMap<u64, usize>,
    hasher: foldhash::fast::RandomState,
}

impl FirstIds {
    /// Whether no lot in `lots` has `id`; if so, the lot about to be
    /// pushed (at `lots.len()`) is noted under it.
    fn is_new(&mut self, id: &str, lots: &[Lot]) -> bool {
        use std::collections::hash_map::Entry;
        use std::hash::BuildHasher;
        match self.by_hash.entry(self.hasher.hash_one(id)) {
            Entry::Vacant(e) => {
                e.insert(lots.len());
                true
            }
            Entry::Occupied(e) => {
                if lots.get(*e.get()).is_some_and(|l| l.id == id) {
                    false
                } else {
                    // Another id with the same 64-bit hash: look at them all.
                    !lots.iter().any(|l| l.id == id)
                }
            }
        }
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
mod tests;
