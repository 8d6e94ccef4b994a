//! The platform's JSON, field for field (see docs/api.md). The simulator
//! encodes these; the client decodes them and turns them into domain values
//! (`decode`). Money and times are strings on the wire.

use crate::domain::{self, Event, EventKind, Lot};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct WireError {
    pub code: String,
    pub message: String,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct ErrorBody {
    pub error: WireError,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_time: Option<String>,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct AuctionBody {
    pub server_time: String,
    pub id: String,
    pub title: String,
    pub venue: String,
    pub timezone: String,
    pub currency: String,
    pub starts_at: String,
    pub ends_at: String,
    pub status: String,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct WireLicense {
    pub kind: String,
    pub term_years: u32,
    pub area_km2: Option<String>,
    pub blocks: Option<u32>,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct WireSoftClose {
    pub window_s: u32,
    pub extend_s: u32,
    pub max_extensions: Option<u32>,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct WireHighBid {
    pub amount: String,
    pub bidder: String,
    pub at: String,
    pub seq: u64,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct WireResult {
    pub winner: String,
    pub amount: String,
    pub protocol_at: String,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct WireLot {
    pub id: String,
    pub number: String,
    pub name: String,
    pub region: String,
    pub minerals: Vec<String>,
    pub license: WireLicense,
    pub reserves: String,
    pub starting_bonus: String,
    pub min_increment: String,
    pub guarantee: String,
    pub participation_fee: String,
    pub min_participants: u32,
    pub participants: u32,
    pub status: String,
    pub opens_at: String,
    pub closes_at: String,
    pub soft_close: WireSoftClose,
    pub extensions: u32,
    pub high_bid: Option<WireHighBid>,
    pub bid_count: u32,
    pub result: Option<WireResult>,
    /// Only for lots of a web-site source (never sent by the API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<WireSite>,
}

/// `domain::SiteLot` on the wire (the journal and `snapshot --format json`).
#[derive(Serialize, Deserialize, Debug, Clone, Default)]
pub struct WireSite {
    pub url: String,
    pub object_type: String,
    pub auction_type: String,
    pub status_text: String,
    pub deadline: Option<String>,
    pub page_read: bool,
    #[serde(default)]
    pub invalid: Vec<String>,
    /// The site's «Описание» (absent in journals written before it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

impl From<&domain::SiteLot> for WireSite {
    fn from(s: &domain::SiteLot) -> Self {
        WireSite {
            url: s.url.clone(),
            object_type: s.object_type.clone(),
            auction_type: s.auction_type.clone(),
            status_text: s.status_text.clone(),
            deadline: s.deadline.map(|d| d.to_rfc3339()),
            page_read: s.page_read,
            invalid: s.invalid.clone(),
            description: s.description.clone(),
        }
    }
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct LotsBody {
    pub server_time: String,
    pub seq: u64,
    pub lots: Vec<WireLot>,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct LotBody {
    pub server_time: String,
    pub lot: WireLot,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct WireBid {
    pub seq: u64,
    pub at: String,
    pub amount: String,
    pub bidder: String,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct BidsBody {
    pub server_time: String,
    pub lot_id: String,
    pub bids: Vec<WireBid>,
}

/// One feed event; the fields present depend on `type`.
#[derive(Serialize, Deserialize, Debug, Clone, Default)]
pub struct WireEvent {
    pub seq: u64,
    pub at: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub lot_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bidder: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closes_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extensions: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<WireResult>,
    /// A web-site source's own words for the new status (never from the API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lot: Option<WireLot>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct EventsBody {
    pub server_time: String,
    pub last_seq: u64,
    pub events: Vec<WireEvent>,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct RatesBody {
    pub server_time: String,
    pub source: String,
    pub date: String,
    pub base: String,
    pub rates: std::collections::BTreeMap<String, String>,
}

impl From<&domain::LotResult> for WireResult {
    fn from(r: &domain::LotResult) -> Self {
        WireResult {
            winner: r.winner.clone(),
            amount: r.amount.to_wire(),
            protocol_at: r.protocol_at.to_rfc3339(),
        }
    }
}

impl From<&Lot> for WireLot {
    fn from(l: &Lot) -> Self {
        WireLot {
            id: l.id.clone(),
            number: l.number.clone(),
            name: l.name.clone(),
            region: l.region.clone(),
            minerals: l.minerals.clone(),
            license: WireLicense {
                kind: l.license.kind.as_str().to_string(),
                term_years: l.license.term_years,
                area_km2: l.license.area_km2.map(|a| a.to_string()),
                blocks: l.license.blocks,
            },
            reserves: l.reserves.clone(),
            starting_bonus: l.starting_bonus.to_wire(),
            min_increment: l.min_increment.to_wire(),
            guarantee: l.guarantee.to_wire(),
            participation_fee: l.participation_fee.to_wire(),
            min_participants: l.min_participants,
            participants: l.participants,
            status: l.status.as_str().to_string(),
            opens_at: l.opens_at.to_rfc3339(),
            closes_at: l.closes_at.to_rfc3339(),
            soft_close: WireSoftClose {
                window_s: l.soft_close.window_s,
                extend_s: l.soft_close.extend_s,
                max_extensions: l.soft_close.max_extensions,
            },
            extensions: l.extensions,
            high_bid: l.high_bid.as_ref().map(|h| WireHighBid {
                amount: h.amount.to_wire(),
                bidder: h.bidder.clone(),
                at: h.at.to_rfc3339(),
                seq: h.seq,
            }),
            bid_count: l.bid_count,
            result: l.result.as_ref().map(WireResult::from),
            site: l.site.as_deref().map(WireSite::from),
        }
    }
}

impl From<&Event> for WireEvent {
    fn from(e: &Event) -> Self {
        let mut w = WireEvent {
            seq: e.seq,
            at: e.at.to_rfc3339(),
            kind: e.kind.type_name().to_string(),
            lot_id: e.lot_id.clone(),
            ..WireEvent::default()
        };
        match &e.kind {
            EventKind::Bid {
                amount,
                bidder,
                closes_at,
            } => {
                w.amount = Some(amount.to_wire());
                w.bidder = Some(bidder.clone());
                w.closes_at = Some(closes_at.to_rfc3339());
            }
            EventKind::Extended {
                closes_at,
                extensions,
            } => {
                w.closes_at = Some(closes_at.to_rfc3339());
                w.extensions = Some(*extensions);
            }
            EventKind::Status {
                status,
                closes_at,
                result,
                status_text,
            } => {
                w.status = Some(status.as_str().to_string());
                w.closes_at = Some(closes_at.to_rfc3339());
                w.result = result.as_ref().map(WireResult::from);
                w.status_text.clone_from(status_text);
            }
            EventKind::Lot(lot) => w.lot = Some(WireLot::from(lot.as_ref())),
            EventKind::Notice { message } => w.message = Some(message.clone()),
            EventKind::Unknown { .. } => {}
        }
        w
    }
}
