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
    assert_eq!(lot.starting_bonus, Money::from_tenge(36_920_000).into());
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
    let page =
        decode_events(&events_body((1..=1500).map(one).collect())).expect("test input is valid");
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

    let e = decode_error_body(&json!({"error": {"code": "gone", "message": "too old\u{1b}[2J"}}));
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

/// A reader that gives at most `step` bytes a call, as a body arrives in
/// pieces over the network.
struct Trickle<'a> {
    bytes: &'a [u8],
    step: usize,
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.bytes.len());
        buf[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

#[test]
fn the_streamed_decode_gives_the_same_page_whatever_the_pieces() {
    let mut lots: Vec<Value> = (0..40).map(|i| lot_json(&format!("L{i}"))).collect();
    lots[7]["starting_bonus"] = json!("not money");
    lots[9] = json!(5);
    lots.push(lot_json("L3"));
    let whole = json!({"server_time": "2025-06-24T05:00:00Z", "seq": 7, "lots": lots});
    // `seq` after the lots, as a server may order its keys.
    let seq_last = json!({"lots": whole["lots"].clone(), "seq": 7});
    for v in [&whole, &seq_last] {
        let body = serde_json::to_vec(v).expect("encodes");
        let tree = decode_lots(v);
        let page = tree.as_ref().expect("usable");
        assert_eq!(page.lots.len(), 38, "{:?}", page.issues);
        assert_eq!(page.issues.len(), 3, "{:?}", page.issues);
        for step in [1, 2, 7, 64, 4096, body.len()] {
            let streamed = decode_lots_reader(Trickle { bytes: &body, step });
            assert_eq!(streamed, tree, "in pieces of {step}");
        }
    }
}

#[test]
fn the_streamed_decode_refuses_a_page_as_the_tree_does() {
    let lot = lot_json("L");
    let cases = [
        json!([1, 2]),
        json!("lots"),
        json!({"lots": []}),
        json!({"seq": -1, "lots": []}),
        json!({"seq": 1}),
        json!({"seq": 1, "lots": {"a": [lot]}}),
        json!({"seq": 1, "lots": "many"}),
        json!({"seq": 1, "lots": null}),
        json!({"seq": null, "lots": []}),
    ];
    for v in cases {
        let body = serde_json::to_vec(&v).expect("encodes");
        let tree = super::decode_lots(&v);
        assert!(tree.is_err(), "{v}");
        assert_eq!(decode_lots_reader(&body[..]), tree, "{v}");
    }
    // More lots than a snapshot may hold: counted, not decoded.
    let many = format!(
        r#"{{"seq":1,"lots":[{}]}}"#,
        vec!["{}"; MAX_SNAPSHOT_LOTS + 5].join(",")
    );
    assert_eq!(
        decode_lots_reader(many.as_bytes()),
        Err(DecodeError(format!(
            "{} lots in one snapshot (at most {MAX_SNAPSHOT_LOTS})",
            MAX_SNAPSHOT_LOTS + 5
        )))
    );
}

#[test]
fn a_lot_id_is_new_by_its_text_even_when_two_hashes_meet() {
    use std::hash::BuildHasher;
    let lot = |id: &str| {
        let mut l = crate::testing::test_lot();
        l.id = id.into();
        l
    };
    let lots = vec![lot("A"), lot("B")];
    let mut seen = FirstIds::default();
    // "C" made to meet "A"'s slot, as another id with the same hash would.
    let h = seen.hasher.hash_one("C");
    seen.by_hash.insert(h, 0);
    assert!(seen.is_new("C", &lots), "C is not A");
    let h = seen.hasher.hash_one("B");
    seen.by_hash.insert(h, 0);
    assert!(!seen.is_new("B", &lots), "B is there, in another slot");
    let mut seen = FirstIds::default();
    assert!(seen.is_new("A", &[]));
    assert!(!seen.is_new("A", &lots[..1]));
}
