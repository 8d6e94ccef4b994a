//! How domain values are stored in the journal: the contract's own JSON form
//! (`platform::wire`), so amounts and times stay the exact wire strings. On the
//! way back out every text field is sanitized again, because a journal may
//! come from an older build with a weaker sanitizer.

use crate::domain::{
    Amount, Event, EventKind, HighBid, License, LicenseKind, Lot, LotResult, LotStatus, Money,
    SiteLot, SoftClose, Timestamp,
};
use crate::platform::sanitize::{MAX_NAME, MAX_NOTICE, clean};
use crate::platform::wire::{WireEvent, WireLot, WireResult};

/// A stored value that could not be decoded, named precisely.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct DecodeError {
    pub field: String,
    pub problem: String,
}

fn err(field: &str, problem: impl ToString) -> DecodeError {
    DecodeError {
        field: field.to_string(),
        problem: problem.to_string(),
    }
}

pub fn encode_event(e: &Event) -> String {
    // Serializing plain structs of strings and integers cannot fail.
    serde_json::to_string(&WireEvent::from(e)).expect("wire structs always serialize")
}

pub fn encode_lot(l: &Lot) -> String {
    serde_json::to_string(&WireLot::from(l)).expect("wire structs always serialize")
}

pub fn decode_event(body: &str) -> Result<Event, DecodeError> {
    let w: WireEvent = serde_json::from_str(body).map_err(|e| err("event", e))?;
    event_from_wire(&w)
}

pub fn decode_lot(body: &str) -> Result<Lot, DecodeError> {
    let w: WireLot = serde_json::from_str(body).map_err(|e| err("lot", e))?;
    lot_from_wire(&w)
}

/// The lot's fields that are an `Amount` (older journals listed them in
/// `site.invalid`).
const AMOUNT_FIELDS: [&str; 3] = ["starting_bonus", "guarantee", "participation_fee"];

fn money(field: &str, s: &str) -> Result<Money, DecodeError> {
    Money::parse(s).map_err(|e| err(field, e))
}

/// A lot's amount: a decimal or `unreadable`. Journals written before the
/// amount had a type stored `0.00` and named the field in `site.invalid`.
fn amount(field: &str, s: &str, w: &WireLot) -> Result<Amount, DecodeError> {
    let old_unreadable = w
        .site
        .as_ref()
        .is_some_and(|site| site.invalid.iter().any(|f| f == field));
    if old_unreadable {
        return Ok(Amount::Unreadable);
    }
    Amount::parse(s).map_err(|e| err(field, e))
}

fn time(field: &str, s: &str) -> Result<Timestamp, DecodeError> {
    Timestamp::parse(s).map_err(|e| err(field, e))
}

fn need<'a, T>(field: &str, v: &'a Option<T>) -> Result<&'a T, DecodeError> {
    v.as_ref().ok_or_else(|| err(field, "missing"))
}

fn result_from_wire(r: &WireResult) -> Result<LotResult, DecodeError> {
    Ok(LotResult {
        winner: clean(&r.winner, MAX_NAME),
        amount: money("result.amount", &r.amount)?,
        protocol_at: time("result.protocol_at", &r.protocol_at)?,
    })
}

fn event_from_wire(w: &WireEvent) -> Result<Event, DecodeError> {
    let at = time("at", &w.at)?;
    let kind = match w.kind.as_str() {
        "bid" => EventKind::Bid {
            amount: money("amount", need("amount", &w.amount)?)?,
            bidder: clean(need("bidder", &w.bidder)?, MAX_NAME),
            closes_at: time("closes_at", need("closes_at", &w.closes_at)?)?,
        },
        "extended" => EventKind::Extended {
            closes_at: time("closes_at", need("closes_at", &w.closes_at)?)?,
            extensions: *need("extensions", &w.extensions)?,
        },
        "status" => EventKind::Status {
            status: LotStatus::parse(&clean(need("status", &w.status)?, MAX_NAME)),
            closes_at: time("closes_at", need("closes_at", &w.closes_at)?)?,
            result: w.result.as_ref().map(result_from_wire).transpose()?,
            status_text: w.status_text.as_deref().map(|t| clean(t, MAX_NAME)),
        },
        "lot" => EventKind::Lot(Box::new(lot_from_wire(need("lot", &w.lot)?)?)),
        "notice" => EventKind::Notice {
            message: clean(need("message", &w.message)?, MAX_NOTICE),
        },
        other => EventKind::Unknown {
            type_name: clean(other, 64),
        },
    };
    Ok(Event {
        seq: w.seq,
        at,
        lot_id: w.lot_id.as_deref().map(|s| clean(s, 64)),
        kind,
    })
}

/// A web-site lot's extras, cleaned again (the journal is read back).
fn site_from_wire(w: &crate::platform::wire::WireSite) -> Result<Box<SiteLot>, DecodeError> {
    Ok(Box::new(SiteLot {
        url: clean(&w.url, MAX_NOTICE),
        object_type: clean(&w.object_type, MAX_NAME),
        auction_type: clean(&w.auction_type, MAX_NAME),
        status_text: clean(&w.status_text, MAX_NAME),
        deadline: w
            .deadline
            .as_deref()
            .map(|d| time("site.deadline", d))
            .transpose()?,
        page_read: w.page_read,
        // The amounts say so themselves now (see `amount`).
        invalid: w
            .invalid
            .iter()
            .filter(|f| !AMOUNT_FIELDS.contains(&f.as_str()))
            .take(8)
            .map(|f| clean(f, 32))
            .collect(),
        description: clean(&w.description, MAX_NOTICE),
    }))
}

pub fn lot_from_wire(w: &WireLot) -> Result<Lot, DecodeError> {
    let area_km2 = match &w.license.area_km2 {
        None => None,
        Some(s) => Some(
            s.parse()
                .map_err(|_| err("license.area_km2", format!("not a decimal: {s:?}")))?,
        ),
    };
    Ok(Lot {
        id: clean(&w.id, 64),
        number: clean(&w.number, MAX_NAME),
        name: clean(&w.name, MAX_NAME),
        region: clean(&w.region, MAX_NAME),
        minerals: w
            .minerals
            .iter()
            .take(64)
            .map(|m| clean(m, MAX_NAME))
            .collect(),
        license: License {
            kind: LicenseKind::parse(&clean(&w.license.kind, MAX_NAME)),
            term_years: w.license.term_years,
            area_km2,
            blocks: w.license.blocks,
        },
        reserves: clean(&w.reserves, MAX_NAME),
        starting_bonus: amount("starting_bonus", &w.starting_bonus, w)?,
        min_increment: money("min_increment", &w.min_increment)?,
        guarantee: amount("guarantee", &w.guarantee, w)?,
        participation_fee: amount("participation_fee", &w.participation_fee, w)?,
        min_participants: w.min_participants,
        participants: w.participants,
        status: LotStatus::parse(&clean(&w.status, MAX_NAME)),
        opens_at: time("opens_at", &w.opens_at)?,
        closes_at: time("closes_at", &w.closes_at)?,
        soft_close: SoftClose {
            window_s: w.soft_close.window_s,
            extend_s: w.soft_close.extend_s,
            max_extensions: w.soft_close.max_extensions,
        },
        extensions: w.extensions,
        high_bid: match &w.high_bid {
            None => None,
            Some(h) => Some(HighBid {
                amount: money("high_bid.amount", &h.amount)?,
                bidder: clean(&h.bidder, MAX_NAME),
                at: time("high_bid.at", &h.at)?,
                seq: h.seq,
            }),
        },
        bid_count: w.bid_count,
        result: w.result.as_ref().map(result_from_wire).transpose()?,
        site: w.site.as_ref().map(site_from_wire).transpose()?,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::testing::test_lot;

    #[test]
    fn an_older_journals_zero_beside_a_field_name_reads_back_unreadable() {
        let mut lot = test_lot();
        lot.site = Some(Box::new(SiteLot::default()));
        let mut w = WireLot::from(&lot);
        w.starting_bonus = "0.00".into();
        if let Some(site) = w.site.as_mut() {
            site.invalid = vec!["starting_bonus".into(), "sale_price".into()];
        }
        let back = lot_from_wire(&w).expect("decodes");
        assert_eq!(back.starting_bonus, Amount::Unreadable);
        assert!(back.field_invalid("sale_price"));
        assert!(!back.field_invalid("starting_bonus"));
        // Written today: the word itself.
        lot.starting_bonus = Amount::Unreadable;
        let body = encode_lot(&lot);
        assert!(body.contains(r#""starting_bonus":"unreadable""#), "{body}");
        assert_eq!(decode_lot(&body).expect("decodes"), lot);
    }

    /// One event of every kind, with text a spreadsheet or terminal would
    /// choke on, Cyrillic and Chinese.
    fn sample_events() -> Vec<Event> {
        let mut lot = test_lot();
        lot.name = "Сарлы Южное крыло, \"North\"; 金矿".into();
        lot.license.area_km2 = Some("0.66".parse().expect("decimal literal"));
        lot.high_bid = Some(HighBid {
            amount: Money::from_tiyn(123_456),
            bidder: "=cmd|' /C calc'!A0".into(),
            at: Timestamp(5),
            seq: 2,
        });
        vec![
            Event {
                seq: 1,
                at: Timestamp(1_750_741_200_000),
                lot_id: Some("L1".into()),
                kind: EventKind::Lot(Box::new(lot.clone())),
            },
            Event {
                seq: 2,
                at: Timestamp(1_750_741_201_000),
                lot_id: Some("L1".into()),
                kind: EventKind::Bid {
                    amount: Money::from_tiyn(123_456),
                    bidder: "@P-07".into(),
                    closes_at: Timestamp(9),
                },
            },
            Event {
                seq: 3,
                at: Timestamp(1_750_741_202_000),
                lot_id: Some("L1".into()),
                kind: EventKind::Extended {
                    closes_at: Timestamp(10),
                    extensions: 1,
                },
            },
            Event {
                seq: 4,
                at: Timestamp(1_750_741_203_000),
                lot_id: Some("L1".into()),
                kind: EventKind::Status {
                    status_text: None,
                    status: LotStatus::Sold,
                    closes_at: Timestamp(10),
                    result: Some(LotResult {
                        winner: "+P-07".into(),
                        amount: Money::from_tiyn(123_456),
                        protocol_at: Timestamp(11),
                    }),
                },
            },
            Event {
                seq: 5,
                at: Timestamp(1_750_741_204_000),
                lot_id: None,
                kind: EventKind::Notice {
                    message: "-Торги приостановлены, \"кавычки\", запятые; 暂停".into(),
                },
            },
            Event {
                seq: 6,
                at: Timestamp(1_750_741_205_000),
                lot_id: Some("L1".into()),
                kind: EventKind::Unknown {
                    type_name: "pause".into(),
                },
            },
        ]
    }

    #[test]
    fn events_round_trip_through_storage() {
        for e in sample_events() {
            assert_eq!(decode_event(&encode_event(&e)), Ok(e));
        }
    }

    #[test]
    fn stored_control_codes_are_removed_on_the_way_out() {
        let mut e = sample_events().remove(1);
        if let EventKind::Bid { bidder, .. } = &mut e.kind {
            *bidder = "P-\u{1b}[2J07".into();
        }
        let back = decode_event(&encode_event(&e)).expect("decodes");
        match back.kind {
            EventKind::Bid { bidder, .. } => assert!(!bidder.contains('\u{1b}'), "{bidder:?}"),
            other => panic!("kind changed: {other:?}"),
        }
    }

    proptest::proptest! {
        #[test]
        fn any_clean_bid_or_notice_round_trips(
            text in "\\PC{0,40}",
            tiyn in 0i64..1_000_000_000_000_000,
            at in 0i64..4_000_000_000_000,
            seq in 0u64..u64::MAX / 2,
        ) {
            let text = clean(&text, MAX_NAME);
            let bid = Event {
                seq,
                at: Timestamp(at),
                lot_id: Some(text.chars().take(64).collect()),
                kind: EventKind::Bid { amount: Money::from_tiyn(tiyn), bidder: text.clone(), closes_at: Timestamp(at + 1) },
            };
            let notice = Event { seq, at: Timestamp(at), lot_id: None, kind: EventKind::Notice { message: text } };
            for e in [bid, notice] {
                proptest::prop_assert_eq!(decode_event(&encode_event(&e)), Ok(e));
            }
        }

        #[test]
        fn decoding_never_panics(body in "\\PC{0,200}") {
            let _ = decode_event(&body);
            let _ = decode_lot(&body);
        }
    }

    #[test]
    fn damaged_bodies_are_named() {
        assert_eq!(decode_event("{").map_err(|e| e.field), Err("event".into()));
        let bad = r#"{"seq":1,"at":"2025-06-24T05:00:00.000Z","type":"bid","lot_id":"L1","amount":"1.234","bidder":"P","closes_at":"2025-06-24T05:00:00.000Z"}"#;
        assert_eq!(decode_event(bad).map_err(|e| e.field), Err("amount".into()));
    }
}
