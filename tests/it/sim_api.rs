//! The simulator's server on loopback, checked endpoint by endpoint against
//! the platform contract (field names and types, money as strings, ETag/304,
//! long-poll timing, 410 and re-snapshot, auth, `Date` everywhere, the NBK
//! feed).

use lotwatch::domain::{Money, Timestamp};
use lotwatch::platform::wire::{EventsBody, LotsBody};
use lotwatch::sim::Scenario;
use lotwatch::sim::server::{RunningSim, SimOptions, start};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;
use std::time::{Duration, Instant};

fn opts(speed: f64, lead_ms: i64) -> SimOptions {
    SimOptions {
        scenario: Scenario::test_small(),
        speed,
        lead_ms,
        seed: 11,
        ..SimOptions::demo()
    }
}

/// A server on which nothing happens for a minute unless the test posts it.
async fn quiet(f: impl FnOnce(&mut SimOptions)) -> RunningSim {
    let mut o = opts(1.0, 60_000);
    f(&mut o);
    start(o).await.unwrap()
}

fn client() -> reqwest::Client {
    // reqwest is built without a default TLS provider; it wants one even for http.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(40))
        .build()
        .unwrap()
}

async fn get_with(
    c: &reqwest::Client,
    url: &str,
    hdr: &[(&str, &str)],
) -> (StatusCode, HeaderMap, Value) {
    let mut rb = c.get(url);
    for (k, v) in hdr {
        rb = rb.header(*k, *v);
    }
    let r = rb.send().await.unwrap();
    let status = r.status();
    let headers = r.headers().clone();
    let bytes = r.bytes().await.unwrap();
    let v = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()))
    };
    assert_date(&headers, url);
    (status, headers, v)
}

async fn get(c: &reqwest::Client, url: &str) -> (StatusCode, HeaderMap, Value) {
    get_with(c, url, &[]).await
}

fn assert_date(h: &HeaderMap, what: &str) {
    let d = h
        .get("date")
        .unwrap_or_else(|| panic!("no Date header on {what}"))
        .to_str()
        .unwrap();
    assert!(d.ends_with(" GMT") && d.len() == 29, "Date {d:?} on {what}");
}

/// RFC 3339 UTC with exactly three fraction digits.
fn assert_time(v: &Value, what: &str) -> Timestamp {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("{what} is not a string: {v}"));
    assert!(
        s.len() == 24 && s.ends_with('Z') && s.as_bytes()[19] == b'.',
        "{what} = {s:?}"
    );
    Timestamp::parse(s).unwrap()
}

fn assert_money(v: &Value, what: &str) -> Money {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("{what} is not a string: {v}"));
    Money::parse(s).unwrap_or_else(|e| panic!("{what}: {e}"))
}

fn assert_error(v: &Value, code: &str) {
    assert_eq!(v["error"]["code"], code, "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{v}"
    );
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

fn check_lot(l: &Value) {
    let mut want = vec![
        "id",
        "number",
        "name",
        "region",
        "minerals",
        "license",
        "reserves",
        "starting_bonus",
        "min_increment",
        "guarantee",
        "participation_fee",
        "min_participants",
        "participants",
        "status",
        "opens_at",
        "closes_at",
        "soft_close",
        "extensions",
        "high_bid",
        "bid_count",
        "result",
    ];
    want.sort();
    assert_eq!(keys(l), want);
    for m in [
        "starting_bonus",
        "min_increment",
        "guarantee",
        "participation_fee",
    ] {
        assert_money(&l[m], m);
    }
    assert_time(&l["opens_at"], "opens_at");
    assert_time(&l["closes_at"], "closes_at");
    assert!(
        l["minerals"]
            .as_array()
            .unwrap()
            .iter()
            .all(Value::is_string)
    );
    let lic = &l["license"];
    assert!(["exploration", "production"].contains(&lic["kind"].as_str().unwrap()));
    assert!(lic["term_years"].is_u64());
    assert!(lic["area_km2"].is_null() || lic["area_km2"].is_string());
    assert!(lic["blocks"].is_null() || lic["blocks"].is_u64());
    for k in ["window_s", "extend_s"] {
        assert!(l["soft_close"][k].is_u64());
    }
    assert!(
        l["soft_close"]["max_extensions"].is_null() || l["soft_close"]["max_extensions"].is_u64()
    );
    for k in [
        "min_participants",
        "participants",
        "extensions",
        "bid_count",
    ] {
        assert!(l[k].is_u64(), "{k}");
    }
    if !l["high_bid"].is_null() {
        let h = &l["high_bid"];
        assert_money(&h["amount"], "high_bid.amount");
        assert_time(&h["at"], "high_bid.at");
        assert!(h["bidder"].is_string() && h["seq"].is_u64());
    }
    if !l["result"].is_null() {
        assert_money(&l["result"]["amount"], "result.amount");
        assert_time(&l["result"]["protocol_at"], "result.protocol_at");
        assert!(l["result"]["winner"].is_string());
    }
}

fn check_event(e: &Value) {
    assert!(e["seq"].is_u64());
    assert_time(&e["at"], "event.at");
    match e["type"].as_str().unwrap() {
        "bid" => {
            assert_money(&e["amount"], "bid.amount");
            assert!(e["bidder"].is_string() && e["lot_id"].is_string());
            assert_time(&e["closes_at"], "bid.closes_at");
        }
        "extended" => {
            assert_time(&e["closes_at"], "extended.closes_at");
            assert!(e["extensions"].is_u64());
        }
        "status" => {
            assert!(e["status"].is_string() && e["lot_id"].is_string());
            assert_time(&e["closes_at"], "status.closes_at");
            if e["status"] == "sold" {
                assert_money(&e["result"]["amount"], "result.amount");
            }
        }
        "notice" => assert!(e["lot_id"].is_null() && e["message"].is_string()),
        "lot" => {
            check_lot(&e["lot"]);
            assert_eq!(e["lot"]["id"], e["lot_id"]);
        }
        other => panic!("unexpected event type {other}"),
    }
}

#[tokio::test]
async fn a_whole_fast_day_over_http_follows_the_contract() {
    let sim = start(opts(300.0, 200)).await.unwrap();
    let c = client();
    let base = sim.url();
    let (st, _, a) = get(&c, &format!("{base}/api/v1/auction")).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        keys(&a),
        [
            "currency",
            "ends_at",
            "id",
            "server_time",
            "starts_at",
            "status",
            "timezone",
            "title",
            "venue"
        ]
    );
    assert_eq!(a["timezone"], "Asia/Almaty");
    assert_eq!(a["currency"], "KZT");
    for k in ["server_time", "starts_at", "ends_at"] {
        assert_time(&a[k], k);
    }

    // follow the feed with long-polls until the day is over
    let mut after = 0u64;
    let mut events: Vec<Value> = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        assert!(Instant::now() < deadline, "the day did not finish");
        let (st, _, body) = get(
            &c,
            &format!("{base}/api/v1/events?after={after}&wait=2&limit=7"),
        )
        .await;
        assert_eq!(st, StatusCode::OK, "{body}");
        assert_eq!(keys(&body), ["events", "last_seq", "server_time"]);
        assert_time(&body["server_time"], "server_time");
        let page = body["events"].as_array().unwrap();
        assert!(page.len() <= 7);
        assert!(body["last_seq"].as_u64().unwrap() >= after);
        for e in page {
            check_event(e);
            let seq = e["seq"].as_u64().unwrap();
            assert_eq!(seq, after + 1, "gap-free feed");
            after = seq;
            events.push(e.clone());
        }
        let (_, _, a) = get(&c, &format!("{base}/api/v1/auction")).await;
        if a["status"] == "finished"
            && after == body["last_seq"].as_u64().unwrap()
            && page.is_empty()
        {
            break;
        }
    }
    let kinds = |t: &str| events.iter().filter(|e| e["type"] == t).count();
    assert!(
        kinds("bid") > 0 && kinds("notice") >= 3 && kinds("status") > 0,
        "{} events",
        events.len()
    );
    let statuses: Vec<&str> = events.iter().filter_map(|e| e["status"].as_str()).collect();
    for s in ["open", "closed", "sold", "unsold", "cancelled", "suspended"] {
        assert!(statuses.contains(&s), "no {s} in the feed");
    }

    // the snapshot decodes into the wire types, matches the feed's position,
    // and every lot has the contract's fields
    let (st, h, lots) = get(&c, &format!("{base}/api/v1/lots")).await;
    assert_eq!(st, StatusCode::OK);
    assert!(h.get("etag").is_some());
    assert_eq!(lots["seq"].as_u64().unwrap(), after);
    for l in lots["lots"].as_array().unwrap() {
        check_lot(l);
    }
    let decoded: LotsBody = serde_json::from_value(lots.clone()).unwrap();
    let sold = decoded
        .lots
        .iter()
        .find(|l| l.status == "sold")
        .expect("a sold lot");
    assert_eq!(
        sold.result.as_ref().unwrap().amount,
        sold.high_bid.as_ref().unwrap().amount
    );

    // one lot, its bids
    let (st, _, one) = get(&c, &format!("{base}/api/v1/lots/{}", sold.id)).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(keys(&one), ["lot", "server_time"]);
    check_lot(&one["lot"]);
    let (st, _, bids) = get(&c, &format!("{base}/api/v1/lots/{}/bids", sold.id)).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(keys(&bids), ["bids", "lot_id", "server_time"]);
    let list = bids["bids"].as_array().unwrap();
    assert_eq!(list.len() as u32, sold.bid_count);
    for b in list {
        assert_eq!(keys(b), ["amount", "at", "bidder", "seq"]);
        assert_money(&b["amount"], "bid.amount");
        assert_time(&b["at"], "bid.at");
    }
    assert_eq!(
        list.last().unwrap()["amount"],
        sold.result.as_ref().unwrap().amount.as_str()
    );
    let first_seq = list[0]["seq"].as_u64().unwrap();
    let (_, _, later) = get(
        &c,
        &format!("{base}/api/v1/lots/{}/bids?after={first_seq}", sold.id),
    )
    .await;
    assert_eq!(later["bids"].as_array().unwrap().len(), list.len() - 1);
    let (st, _, e) = get(&c, &format!("{base}/api/v1/lots/no-such-lot")).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_error(&e, "not_found");
    let (st, _, e) = get(&c, &format!("{base}/api/v1/lots/no-such-lot/bids")).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_error(&e, "not_found");
    sim.shutdown().await;
}

#[tokio::test]
async fn lots_etag_gives_304_until_something_changes() {
    let sim = quiet(|_| {}).await;
    let c = client();
    let url = format!("{}/api/v1/lots", sim.url());
    let (st, h, _) = get(&c, &url).await;
    assert_eq!(st, StatusCode::OK);
    let etag = h.get("etag").unwrap().to_str().unwrap().to_string();
    let (st, h, body) = get_with(&c, &url, &[("if-none-match", &etag)]).await;
    assert_eq!(st, StatusCode::NOT_MODIFIED);
    assert_eq!(body, Value::Null);
    assert_eq!(h.get("etag").unwrap().to_str().unwrap(), etag);
    let (st, _, _) = get_with(&c, &url, &[("if-none-match", "\"something-else\"")]).await;
    assert_eq!(st, StatusCode::OK);
    sim.post_notice("Технический перерыв 5 минут");
    let (st, h, _) = get_with(&c, &url, &[("if-none-match", &etag)]).await;
    assert_eq!(st, StatusCode::OK);
    assert_ne!(h.get("etag").unwrap().to_str().unwrap(), etag);
    sim.shutdown().await;
}

#[tokio::test]
async fn rates_and_their_etag() {
    let sim = quiet(|_| {}).await;
    let c = client();
    let url = format!("{}/api/v1/rates", sim.url());
    let (st, h, v) = get(&c, &url).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(keys(&v), ["base", "date", "rates", "server_time", "source"]);
    assert_eq!(
        (v["source"].as_str(), v["base"].as_str()),
        (Some("NBK"), Some("KZT"))
    );
    let today = assert_time(&v["server_time"], "server_time")
        .astana_date()
        .unwrap()
        .to_string();
    assert_eq!(v["date"], today.as_str());
    let usd: rust_decimal::Decimal = v["rates"]["USD"].as_str().unwrap().parse().unwrap();
    assert!(usd > rust_decimal::Decimal::from(100));
    assert!(
        v["rates"]
            .as_object()
            .unwrap()
            .values()
            .all(Value::is_string)
    );
    let etag = h.get("etag").unwrap().to_str().unwrap().to_string();
    let (st, h, _) = get_with(&c, &url, &[("if-none-match", &etag)]).await;
    assert_eq!(st, StatusCode::NOT_MODIFIED);
    assert_eq!(h.get("etag").unwrap().to_str().unwrap(), etag);
    sim.shutdown().await;
}

#[tokio::test]
async fn long_poll_answers_soon_after_an_event_and_after_wait_without_one() {
    let sim = std::sync::Arc::new(quiet(|_| {}).await);
    let c = client();
    let base = sim.url();
    let last = sim.last_seq();

    // nothing happens: the answer comes after `wait`, empty
    let t0 = Instant::now();
    let (st, _, v) = get(&c, &format!("{base}/api/v1/events?after={last}&wait=1")).await;
    let held = t0.elapsed();
    assert_eq!(st, StatusCode::OK);
    assert!(v["events"].as_array().unwrap().is_empty());
    assert!(
        held >= Duration::from_millis(950) && held < Duration::from_secs(5),
        "held {held:?}"
    );

    // an event comes 300 ms into the poll: the answer follows it at once
    let poster = {
        let sim = sim.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            let at = Instant::now();
            sim.post_notice("Лот № 401102: торги возобновлены");
            at
        })
    };
    let (st, _, v) = get(&c, &format!("{base}/api/v1/events?after={last}&wait=10")).await;
    let answered = Instant::now();
    let posted = poster.await.unwrap();
    assert_eq!(st, StatusCode::OK);
    let body: EventsBody = serde_json::from_value(v).unwrap();
    assert_eq!(body.events.len(), 1);
    assert_eq!(body.events[0].kind, "notice");
    assert_eq!(
        body.events[0].message.as_deref(),
        Some("Лот № 401102: торги возобновлены")
    );
    let delay = answered.duration_since(posted);
    eprintln!("long-poll answered {delay:?} after the event");
    assert!(
        delay < Duration::from_millis(500),
        "answered {delay:?} after the event (target ~100 ms)"
    );

    // wait=0 answers at once
    let t0 = Instant::now();
    let (st, _, _) = get(&c, &format!("{base}/api/v1/events?after={}", last + 1)).await;
    assert_eq!(st, StatusCode::OK);
    assert!(t0.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn old_cursor_gets_410_then_resnapshot_continues_gap_free() {
    let sim = quiet(|o| o.history = 5).await;
    let c = client();
    let base = sim.url();
    for i in 0..10 {
        sim.post_notice(&format!("notice {i}"));
    }
    let (st, _, v) = get(&c, &format!("{base}/api/v1/events?after=0")).await;
    assert_eq!(st, StatusCode::GONE);
    assert_error(&v, "gone");
    assert_eq!(
        get(&c, &format!("{base}/api/v1/events?after=4")).await.0,
        StatusCode::GONE
    );
    assert_eq!(
        get(&c, &format!("{base}/api/v1/events?after=5")).await.0,
        StatusCode::OK
    );
    let (_, _, lots) = get(&c, &format!("{base}/api/v1/lots")).await;
    let seq = lots["seq"].as_u64().unwrap();
    assert_eq!(seq, 10);
    sim.post_notice("after the snapshot");
    let (st, _, v) = get(&c, &format!("{base}/api/v1/events?after={seq}&wait=5")).await;
    assert_eq!(st, StatusCode::OK);
    let evs = v["events"].as_array().unwrap();
    assert_eq!(evs.len(), 1);
    assert_eq!(evs[0]["seq"].as_u64().unwrap(), seq + 1);
    assert_eq!(v["last_seq"].as_u64().unwrap(), seq + 1);
    sim.shutdown().await;
}

#[tokio::test]
async fn token_required_on_the_api_but_not_the_nbk_feed() {
    let sim = quiet(|o| o.token = Some("s3cret".into())).await;
    let c = client();
    let base = sim.url();
    for path in [
        "/api/v1/auction",
        "/api/v1/lots",
        "/api/v1/events",
        "/api/v1/rates",
        "/api/v1/lots/T1",
    ] {
        let (st, h, v) = get(&c, &format!("{base}{path}")).await;
        assert_eq!(st, StatusCode::UNAUTHORIZED, "{path}");
        assert_error(&v, "unauthorized");
        assert!(h.get("www-authenticate").is_some());
        let (st, _, _) = get_with(
            &c,
            &format!("{base}{path}"),
            &[("authorization", "Bearer wrong!")],
        )
        .await;
        assert_eq!(st, StatusCode::UNAUTHORIZED, "{path}");
        let (st, _, _) = get_with(
            &c,
            &format!("{base}{path}"),
            &[("authorization", "Bearer s3cret")],
        )
        .await;
        assert_eq!(st, StatusCode::OK, "{path}");
    }
    let (st, _, _) = get(
        &c,
        &format!("{base}/nbk/rss/get_rates.cfm?fdate=24.06.2025"),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    sim.shutdown().await;
}

#[tokio::test]
async fn bad_parameters_and_unknown_routes_get_json_errors() {
    let sim = quiet(|_| {}).await;
    let c = client();
    let base = sim.url();
    for q in [
        "limit=0",
        "limit=1001",
        "limit=ten",
        "wait=31",
        "wait=-1",
        "after=-1",
        "after=1.5",
        "after=1&after=2",
    ] {
        let (st, _, v) = get(&c, &format!("{base}/api/v1/events?{q}")).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{q}");
        assert_error(&v, "bad_request");
        assert_time(&v["server_time"], "server_time");
    }
    let (st, _, v) = get(&c, &format!("{base}/api/v1/lots/T1/bids?after=x")).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_error(&v, "bad_request");
    for path in ["/", "/api/v2/lots", "/api/v1/nothing"] {
        let (st, _, v) = get(&c, &format!("{base}{path}")).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{path}");
        assert_error(&v, "not_found");
    }
    let r = c.post(format!("{base}/api/v1/lots")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_date(r.headers(), "POST");
    let long = "x".repeat(5000);
    let (st, _, v) = get(&c, &format!("{base}/api/v1/lots?{long}")).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_error(&v, "bad_request");
    let (st, _, _) = get(
        &c,
        &format!("{base}/api/v1/events?limit=1000&wait=0&after=0"),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    sim.shutdown().await;
}

#[tokio::test]
async fn nbk_feed_by_date_today_and_malformed() {
    let sim = quiet(|_| {}).await;
    let c = client();
    let base = sim.url();
    let r = c
        .get(format!("{base}/nbk/rss/get_rates.cfm?fdate=24.06.2025"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_date(r.headers(), "nbk");
    let xml = r.text().await.unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "rates");
    let text = |n: roxmltree::Node, t: &str| {
        n.children()
            .find(|c| c.has_tag_name(t))
            .and_then(|c| c.text())
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(text(root, "date"), "24.06.2025");
    let items: Vec<_> = root.children().filter(|c| c.has_tag_name("item")).collect();
    let usd = items.iter().find(|i| text(**i, "title") == "USD").unwrap();
    assert_eq!(
        (text(*usd, "description"), text(*usd, "quant")),
        ("519.53".into(), "1".into())
    );
    for i in &items {
        for t in [
            "fullname",
            "title",
            "description",
            "quant",
            "index",
            "change",
        ] {
            assert!(
                i.children().any(|c| c.has_tag_name(t)),
                "item without <{t}>"
            );
        }
    }

    // the monitor's own NBK parser reads what the simulator serves
    let parsed = lotwatch::rates::nbk::parse_nbk(&xml).unwrap();
    assert_eq!(parsed.date, jiff::civil::Date::new(2025, 6, 24).unwrap());
    assert_eq!(
        parsed.rates[&lotwatch::domain::Currency::Usd].0,
        "519.53".parse().unwrap()
    );

    let (st, _, v) = get(&c, &format!("{base}/api/v1/rates")).await;
    assert_eq!(st, StatusCode::OK);
    let today = v["date"].as_str().unwrap().to_string();
    let xml = c
        .get(format!("{base}/nbk/rss/get_rates.cfm"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let (y, m, d) = (&today[0..4], &today[5..7], &today[8..10]);
    assert!(
        xml.contains(&format!("<date>{d}.{m}.{y}</date>")),
        "missing fdate gives today's ({today}) rates"
    );

    for bad in ["2025-06-24", "32.01.2025", "24.06.25", "abc"] {
        let (st, _, v) = get(&c, &format!("{base}/nbk/rss/get_rates.cfm?fdate={bad}")).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{bad}");
        assert_error(&v, "bad_request");
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn clock_offset_shifts_bodies_and_date() {
    let sim = quiet(|o| o.clock_offset_s = 3600).await;
    let c = client();
    let (_, h, v) = get(&c, &format!("{}/api/v1/auction", sim.url())).await;
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let server = assert_time(&v["server_time"], "server_time");
    assert!(
        (server.0 - now_ms - 3_600_000).abs() < 5_000,
        "server_time {server}"
    );
    let date = h.get("date").unwrap().to_str().unwrap();
    let parsed = jiff::fmt::rfc2822::parse(date)
        .unwrap()
        .timestamp()
        .as_millisecond();
    assert!((parsed - now_ms - 3_600_000).abs() < 5_000, "Date {date}");
    sim.shutdown().await;
}

#[tokio::test]
async fn long_polls_beyond_the_cap_get_503_and_shutdown_answers_held_ones() {
    let sim = quiet(|o| o.max_long_polls = 1).await;
    let c = client();
    let base = sim.url();
    let held = {
        let c = c.clone();
        let url = format!("{base}/api/v1/events?after=0&wait=30");
        tokio::spawn(async move {
            let t0 = Instant::now();
            let r = c.get(url).send().await.unwrap();
            (r.status(), t0.elapsed())
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (st, h, v) = get(&c, &format!("{base}/api/v1/events?after=0&wait=30")).await;
    assert_eq!(st, StatusCode::SERVICE_UNAVAILABLE);
    assert_error(&v, "unavailable");
    assert_eq!(h.get("retry-after").unwrap(), "1");
    // a poll that need not wait is not held, so it is not capped
    assert_eq!(
        get(&c, &format!("{base}/api/v1/events?after=0")).await.0,
        StatusCode::OK
    );
    sim.shutdown().await;
    let (st, took) = held.await.unwrap();
    assert_eq!(st, StatusCode::OK);
    assert!(
        took < Duration::from_secs(10),
        "the held poll was answered at shutdown, after {took:?}"
    );
}
