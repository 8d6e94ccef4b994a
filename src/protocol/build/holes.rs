//! The holes of a day: seqs the journal lacks (and the snapshot that stands
//! for them), times nothing was recorded while events happened, and snapshot
//! changes no event explained.

use super::*;

/// The holes of the whole day: seqs the journal lacks (and the snapshot
/// that stands for them), and times nothing was recorded while events
/// happened (read from the feed afterwards).
pub(super) fn holes(
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
pub(super) fn touches(h: &Hole, l: &Lot, recs: &[&Recorded]) -> bool {
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
pub(super) fn change_detail(kind: &str, body: &str) -> String {
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
