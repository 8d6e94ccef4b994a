//! `/events`: a page of the feed; an event that does not decode keeps its seq as `Unknown`.

use super::*;

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
                    status_text: None,
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
