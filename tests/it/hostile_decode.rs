//! Hostile text through the platform client's decoders: every string a
//! decoder lets through is exactly the sanitized form of what the server sent
//! (cleaned once, where it enters, with the field's cap), and an id that
//! would need cleaning is refused with the lot skipped, not altered.

use lotwatch::domain::EventKind;
use lotwatch::platform::decode::{decode_events, decode_lots, decode_lots_bytes};
use lotwatch::platform::sanitize::{MAX_NAME, MAX_NOTICE, clean, is_hidden_format};
use proptest::prelude::*;
use serde_json::{Value, json};

/// Text with escape sequences, controls and bidi characters mixed in.
fn hostile() -> impl Strategy<Value = String> {
    let frag = prop_oneof![
        any::<char>().prop_map(String::from),
        "[a-zа-яәғқңөұүһі金矿 -]{1,12}",
        Just("\x1b]0;PWNED\x07".to_string()),
        Just("\x1b]52;c;UFdORUQ=\x1b\\".to_string()),
        Just("\x1b[2J\x1b[H".to_string()),
        Just("\x1b[6n".to_string()),
        Just("\u{9b}2J".to_string()),
        Just("\u{9d}2;PWNED\u{9c}".to_string()),
        Just("\x1b]2;unterminated".to_string()),
        Just("\u{202e}".to_string()),
        Just("\n\t\r".to_string()),
        Just("Ж".repeat(300)),
    ];
    proptest::collection::vec(frag, 0..12).prop_map(|v| v.concat())
}

fn lot(id: &str, t: &[String; 6]) -> Value {
    json!({
        "id": id, "number": t[0], "name": t[1], "region": t[2], "minerals": ["gold", t[3]],
        "license": {"kind": "production", "term_years": 25, "area_km2": "0.66", "blocks": null},
        "reserves": t[4], "starting_bonus": "36920000.00", "min_increment": "1846000.00",
        "guarantee": "36920000.00", "participation_fee": "369200.00", "min_participants": 2,
        "participants": 4, "status": "open", "opens_at": "2025-06-24T05:00:00.000Z",
        "closes_at": "2025-06-24T05:30:00.000Z",
        "soft_close": {"window_s": 300, "extend_s": 300, "max_extensions": null}, "extensions": 0,
        "high_bid": {"amount": "44304000.00", "bidder": t[5], "at": "2025-06-24T05:09:41.530Z", "seq": 10},
        "bid_count": 5, "result": null
    })
}

fn is_clean(s: &str) -> bool {
    !s.chars().any(|c| c.is_control() || is_hidden_format(c)) && !s.contains("PWNED")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn lot_text_is_sanitized_once_with_the_name_cap(
        t in proptest::array::uniform6(hostile()),
        bad_id in hostile(),
    ) {
        let body = json!({
            "server_time": "2025-06-24T05:10:00.000Z", "seq": 10,
            "lots": [lot("L1", &t), lot(&bad_id, &t), lot("L3", &t)]
        });
        let page = decode_lots(&body).expect("the page itself is well-formed");
        // The client's path (bytes through the typed wire structs) agrees.
        let bytes = serde_json::to_vec(&body).expect("a Value encodes");
        prop_assert_eq!(decode_lots_bytes(&bytes), Ok(page.clone()));
        let bad_id_is_clean = !bad_id.is_empty() && bad_id.chars().count() <= 64 && clean(&bad_id, 64) == bad_id;
        let expect_lots = if bad_id_is_clean { 3 } else { 2 };
        prop_assert_eq!(page.lots.len(), expect_lots, "issues: {:?}", page.issues);
        prop_assert_eq!(page.issues.len(), 3 - expect_lots);
        for l in &page.lots {
            prop_assert_eq!(&l.number, &clean(&t[0], MAX_NAME));
            prop_assert_eq!(&l.name, &clean(&t[1], MAX_NAME));
            prop_assert_eq!(&l.region, &clean(&t[2], MAX_NAME));
            prop_assert_eq!(&l.minerals[1], &clean(&t[3], MAX_NAME));
            prop_assert_eq!(&l.reserves, &clean(&t[4], MAX_NAME));
            let bidder = &l.high_bid.as_ref().expect("high bid").bidder;
            prop_assert_eq!(bidder, &clean(&t[5], MAX_NAME));
            for s in [&l.id, &l.number, &l.name, &l.region, &l.reserves, bidder] {
                prop_assert!(is_clean(s), "{:?}", s);
            }
        }
        for i in &page.issues {
            prop_assert!(i.lot_id.as_deref().is_none_or(is_clean), "{:?}", i);
            prop_assert!(is_clean(&i.field) && is_clean(&i.problem), "{:?}", i);
        }
    }

    #[test]
    fn notices_and_bidders_in_the_feed_are_sanitized(msg in hostile(), bidder in hostile()) {
        let body = json!({
            "server_time": "2025-06-24T05:10:00.000Z", "last_seq": 2,
            "events": [
                {"seq": 1, "at": "2025-06-24T05:10:00.000Z", "type": "notice", "lot_id": null, "message": msg},
                {"seq": 2, "at": "2025-06-24T05:10:00.000Z", "type": "bid", "lot_id": "L1",
                 "amount": "46150000.00", "bidder": bidder, "closes_at": "2025-06-24T05:35:00.000Z"}
            ]
        });
        let page = decode_events(&body).expect("the page itself is well-formed");
        prop_assert_eq!(page.events.len(), 2);
        match &page.events[0].kind {
            EventKind::Notice { message } => {
                prop_assert_eq!(message, &clean(&msg, MAX_NOTICE));
                prop_assert!(is_clean(message));
            }
            other => prop_assert!(false, "not a notice: {:?}", other),
        }
        match &page.events[1].kind {
            EventKind::Bid { bidder: b, .. } => {
                prop_assert_eq!(b, &clean(&bidder, MAX_NAME));
                prop_assert!(is_clean(b));
            }
            other => prop_assert!(false, "not a bid: {:?}", other),
        }
    }
}
