//! `/lots` and `/lots/{id}`: a snapshot from the tree or, for the big one, from its bytes through the typed wire structs; one lot; a sale's result.

use super::*;

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
    let mut seen = FirstIds::default();
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

/// `GET /lots` from the body's bytes (see `decode_lots_reader`).
pub fn decode_lots_bytes(body: &[u8]) -> Result<LotsPage, DecodeError> {
    decode_lots_reader(body)
}

/// `GET /lots` decoded as a stream, as the client decodes it while the body
/// arrives: the body is read once, front to back, and never held whole.
/// Each lot's text is taken alone (`RawValue`, a few hundred bytes), goes
/// into the typed `WireLot` and on to the domain (`lot_from_wire`), and is
/// dropped; no JSON tree of the snapshot is built. Anything the fast path
/// does not take (a wrong type, a missing field, a bad amount) is decoded
/// again from that lot's text through the `Value` path, which names the
/// problem; the page's own fields (`seq`, `server_time`, `lots` not an
/// array, the body not an object) are judged by the `Value` path's words
/// too: the result is the same as `decode_lots` on the parsed body.
pub fn decode_lots_reader(body: impl std::io::Read) -> Result<LotsPage, DecodeError> {
    use serde::de::Deserializer as _;
    let mut de =
        serde_json::Deserializer::from_reader(std::io::BufReader::with_capacity(16 * 1024, body));
    let top = de
        .deserialize_any(stream::TopVisitor)
        .and_then(|top| de.end().map(|()| top))
        .map_err(|e| DecodeError(format!("invalid JSON: {e}")))?;
    // The page's own fields, judged on a small stand-in of the body (the
    // lots array left empty) so that the words are the `Value` path's.
    let mut stand_in = Map::new();
    let lots = match top {
        stream::Top::NotObject => {
            return Err(page_error(issue(None, "body", "not a JSON object")));
        }
        stream::Top::Object {
            seq,
            server_time,
            lots,
        } => {
            if let Some(seq) = seq {
                stand_in.insert("seq".into(), seq);
            }
            if let Some(t) = server_time {
                stand_in.insert("server_time".into(), t);
            }
            match &lots {
                Some(stream::Lots::Array { .. }) => {
                    stand_in.insert("lots".into(), Value::Array(Vec::new()));
                }
                Some(stream::Lots::NotArray) => {
                    stand_in.insert("lots".into(), Value::Bool(false));
                }
                Some(stream::Lots::Null) => {
                    stand_in.insert("lots".into(), Value::Null);
                }
                None => {}
            }
            lots
        }
    };
    let stand_in = Value::Object(stand_in);
    let head = decode_lots(&stand_in)?;
    let Some(stream::Lots::Array {
        count,
        mut lots,
        issues,
    }) = lots
    else {
        // `decode_lots` refused the stand-in already (lots missing or not an
        // array); this is not reached.
        return Ok(head);
    };
    if count > MAX_SNAPSHOT_LOTS {
        return Err(DecodeError(format!(
            "{count} lots in one snapshot (at most {MAX_SNAPSHOT_LOTS})"
        )));
    }
    // The vector grew by doubling as the lots came: give back the rest.
    lots.shrink_to_fit();
    Ok(LotsPage {
        server_time: head.server_time,
        seq: head.seq,
        lots,
        issues: issues.finish(),
    })
}

/// One lot's text from the snapshot, at index `i`.
fn decode_raw_lot(raw: &str, i: usize) -> Result<Lot, DataIssue> {
    serde_json::from_str::<WireLot>(raw)
        .ok()
        .and_then(lot_from_wire)
        .map_or_else(
            || match serde_json::from_str::<Value>(raw) {
                Ok(v) => decode_lot_at(&v, &format!("lots[{i}]")),
                Err(e) => Err(issue(None, &format!("lots[{i}]"), &e.to_string())),
            },
            Ok,
        )
}

/// The serde visitors of the streamed snapshot: the page's object, and its
/// `lots` array decoded one lot at a time.
mod stream {
    use super::*;
    use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use std::fmt;

    pub(super) enum Top {
        NotObject,
        /// Each field as the body gave it (a repeated key: the last, as the
        /// `Value` path keeps it).
        Object {
            seq: Option<Value>,
            server_time: Option<Value>,
            lots: Option<Lots>,
        },
    }

    pub(super) enum Lots {
        NotArray,
        /// `null` (which the `Value` path reads as missing).
        Null,
        /// `count` elements; the lots and issues of the first
        /// `MAX_SNAPSHOT_LOTS` (the rest only counted).
        Array {
            count: usize,
            lots: Vec<Lot>,
            issues: Issues,
        },
    }

    /// Any JSON value other than the one a visitor wants: consumed and
    /// reported as `other`.
    macro_rules! other_values {
        ($other:expr) => {
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok($other)
            }
            other_values!($other, unit);
        };
        ($other:expr, unit) => {
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok($other)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok($other)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok($other)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok($other)
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok($other)
            }
        };
    }

    /// A value read and dropped within `serde_json`'s recursion limit, as
    /// the `Value` path reads it (where that path would refuse a page for
    /// its depth, so does this one), without building it.
    struct Skip;

    impl<'de> de::Deserialize<'de> for Skip {
        fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Skip, D::Error> {
            d.deserialize_any(SkipVisitor)
        }
    }

    struct SkipVisitor;

    impl<'de> Visitor<'de> for SkipVisitor {
        type Value = Skip;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON value")
        }

        other_values!(Skip);

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Skip, A::Error> {
            while seq.next_element::<Skip>()?.is_some() {}
            Ok(Skip)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Skip, A::Error> {
            while map.next_entry::<IgnoredAny, Skip>()?.is_some() {}
            Ok(Skip)
        }
    }

    pub(super) struct TopVisitor;

    impl<'de> Visitor<'de> for TopVisitor {
        type Value = Top;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON value")
        }

        other_values!(Top::NotObject);

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Top, A::Error> {
            while seq.next_element::<Skip>()?.is_some() {}
            Ok(Top::NotObject)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
            let (mut seq, mut server_time, mut lots) = (None, None, None);
            while let Some(key) = map.next_key::<String>()? {
                match key.as_str() {
                    "seq" => seq = Some(map.next_value::<Value>()?),
                    "server_time" => server_time = Some(map.next_value::<Value>()?),
                    "lots" => lots = Some(map.next_value_seed(LotsSeed)?),
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            Ok(Top::Object {
                seq,
                server_time,
                lots,
            })
        }
    }

    struct LotsSeed;

    impl<'de> de::DeserializeSeed<'de> for LotsSeed {
        type Value = Lots;

        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Lots, D::Error> {
            d.deserialize_any(LotsVisitor)
        }
    }

    struct LotsVisitor;

    impl<'de> Visitor<'de> for LotsVisitor {
        type Value = Lots;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON value")
        }

        other_values!(Lots::NotArray, unit);

        fn visit_unit<E: de::Error>(self) -> Result<Lots, E> {
            Ok(Lots::Null)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Lots, A::Error> {
            while map.next_entry::<IgnoredAny, Skip>()?.is_some() {}
            Ok(Lots::NotArray)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Lots, A::Error> {
            let mut issues = Issues::default();
            let mut lots = Vec::new();
            let mut seen = FirstIds::default();
            let mut count = 0;
            loop {
                if count >= MAX_SNAPSHOT_LOTS {
                    // Too many: counted for the message, not decoded.
                    if seq.next_element::<IgnoredAny>()?.is_none() {
                        break;
                    }
                } else {
                    let Some(raw) = seq.next_element::<Box<RawValue>>()? else {
                        break;
                    };
                    let decoded = decode_raw_lot(raw.get(), count);
                    keep_first(decoded, &mut seen, &mut lots, &mut issues);
                }
                count += 1;
            }
            Ok(Lots::Array {
                count,
                lots,
                issues,
            })
        }
    }
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
        starting_bonus: money(&w.starting_bonus)?.into(),
        min_increment: money(&w.min_increment)?,
        guarantee: money(&w.guarantee)?.into(),
        participation_fee: money(&w.participation_fee)?.into(),
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
        site: None,
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
        starting_bonus: o.money("starting_bonus")?.into(),
        min_increment: o.money("min_increment")?,
        guarantee: o.money("guarantee")?.into(),
        participation_fee: o.money("participation_fee")?.into(),
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
        site: None,
        id,
    })
}

pub(super) fn decode_result(r: &Obj<'_>) -> Result<LotResult, DataIssue> {
    Ok(LotResult {
        winner: r.text("winner", MAX_NAME)?,
        amount: r.money("amount")?,
        protocol_at: r.time("protocol_at")?,
    })
}
