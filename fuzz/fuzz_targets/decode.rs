//! Fuzzes the platform client's JSON decoders (`platform::decode`): any body
//! is refused or decoded without a panic, and every string a decoder lets
//! through is already sanitized (no control or bidi character, capped).
#![no_main]

use libfuzzer_sys::fuzz_target;
use lotwatch::domain::{EventKind, Lot};
use lotwatch::platform::decode;
use lotwatch::platform::sanitize::{MAX_NOTICE, is_hidden_format};
use lotwatch::sync::DataIssue;

fn check(s: &str) {
    assert!(s.chars().count() <= MAX_NOTICE, "uncapped text");
    assert!(
        !s.chars().any(|c| c.is_control() || is_hidden_format(c)),
        "unsanitized {s:?}"
    );
}

fn check_lot(l: &Lot) {
    for s in [&l.id, &l.number, &l.name, &l.region, &l.reserves] {
        check(s);
    }
    l.minerals.iter().for_each(|m| check(m));
    if let Some(h) = &l.high_bid {
        check(&h.bidder);
    }
    if let Some(r) = &l.result {
        check(&r.winner);
    }
    check(l.status.as_str());
    check(l.license.kind.as_str());
}

fn check_issues(issues: &[DataIssue]) {
    for i in issues {
        if let Some(id) = &i.lot_id {
            check(id);
        }
        check(&i.field);
        check(&i.problem);
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    if let Ok(p) = decode::decode_lots(&v) {
        p.lots.iter().for_each(check_lot);
        check_issues(&p.issues);
    }
    if let Ok(l) = decode::decode_lot_body(&v) {
        check_lot(&l);
    }
    if let Ok(p) = decode::decode_events(&v) {
        for e in &p.events {
            if let Some(id) = &e.lot_id {
                check(id);
            }
            match &e.kind {
                EventKind::Bid { bidder, .. } => check(bidder),
                EventKind::Status { status, result, .. } => {
                    check(status.as_str());
                    if let Some(r) = result {
                        check(&r.winner);
                    }
                }
                EventKind::Lot(l) => check_lot(l),
                EventKind::Notice { message } => check(message),
                EventKind::Unknown { type_name } => check(type_name),
                EventKind::Extended { .. } => {}
            }
        }
        check_issues(&p.issues);
    }
    if let Ok(p) = decode::decode_bids(&v) {
        check(&p.lot_id);
        p.bids.iter().for_each(|b| check(&b.bidder));
        check_issues(&p.issues);
    }
    if let Ok(a) = decode::decode_auction(&v) {
        for s in [&a.id, &a.title, &a.venue, &a.timezone, &a.currency] {
            check(s);
        }
    }
    if let Ok(r) = decode::decode_rates(&v) {
        check(&r.source);
        check_issues(&r.issues);
    }
    let e = decode::decode_error_body(&v);
    for s in e.code.iter().chain(e.message.iter()) {
        check(s);
    }
    let _ = decode::server_time(&v);
});
