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
