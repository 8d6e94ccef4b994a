//! The platform API's routes of the simulator (`docs/api.md`): `/auction`,
//! `/lots` (ETag), a lot, its bids, the change feed (long-poll, 410 past the
//! history) and its push form (`/stream`, Server-Sent Events), the platform's rates and the National Bank mirror, and the
//! JSON error answers. The frame around every request (size caps, auth,
//! `Date`, the request log) is `server`'s.

use super::rates::{parse_fdate, render_nbk};
use super::server::{DEFAULT_LIMIT, MAX_LIMIT, MAX_WAIT_S, Shared};
use crate::domain::Event;
use crate::platform::wire::{
    AuctionBody, BidsBody, ErrorBody, EventsBody, LotBody, LotsBody, RatesBody, WireBid, WireError,
    WireEvent, WireLot,
};
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event as SseEvent, Sse};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;

// ---- responses ----

fn json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            bytes,
        )
            .into_response(),
        Err(e) => {
            tracing::error!("cannot encode a response: {e}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

pub(super) fn error(s: &Shared, status: StatusCode, code: &str, message: &str) -> Response {
    let body = ErrorBody {
        error: WireError {
            code: code.into(),
            message: message.into(),
        },
        server_time: Some(s.now().to_rfc3339()),
    };
    json(status, &body)
}

fn bad_request(s: &Shared, message: String) -> Response {
    error(s, StatusCode::BAD_REQUEST, "bad_request", &message)
}

pub(super) async fn not_found(State(s): State<Arc<Shared>>) -> Response {
    error(&s, StatusCode::NOT_FOUND, "not_found", "no such resource")
}

pub(super) async fn method_not_allowed(State(s): State<Arc<Shared>>) -> Response {
    let mut r = error(
        &s,
        StatusCode::METHOD_NOT_ALLOWED,
        "bad_request",
        "only GET is served",
    );
    r.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    r
}

fn etag_matches(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == etag)
}

fn not_modified(etag: &str) -> Response {
    let mut r = StatusCode::NOT_MODIFIED.into_response();
    if let Ok(v) = HeaderValue::from_str(etag) {
        r.headers_mut().insert(header::ETAG, v);
    }
    r
}

fn with_etag(mut r: Response, etag: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(etag) {
        r.headers_mut().insert(header::ETAG, v);
    }
    r
}

// ---- query parameters ----

/// The query's `name=value` pairs; a repeated name is an error.
fn query_pairs(raw: Option<&str>) -> Result<Vec<(&str, &str)>, String> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    for part in raw.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        if out.iter().any(|(seen, _)| *seen == k) {
            return Err(format!(
                "parameter {:?} is given twice",
                k.chars().take(32).collect::<String>()
            ));
        }
        out.push((k, v));
    }
    Ok(out)
}

/// An integer parameter within `range`, or `default` when absent.
fn int_param(
    pairs: &[(&str, &str)],
    name: &str,
    default: u64,
    range: std::ops::RangeInclusive<u64>,
) -> Result<u64, String> {
    let Some((_, v)) = pairs.iter().find(|(k, _)| *k == name) else {
        return Ok(default);
    };
    let short: String = v.chars().take(32).collect();
    if v.is_empty() || v.len() > 20 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{name}={short:?} is not a non-negative integer"));
    }
    let n: u64 = v
        .parse()
        .map_err(|_| format!("{name}={short:?} is out of range"))?;
    if !range.contains(&n) {
        return Err(format!(
            "{name}={n} is outside {}..={}",
            range.start(),
            range.end()
        ));
    }
    Ok(n)
}

// ---- handlers ----

pub(super) async fn auction(State(s): State<Arc<Shared>>) -> Response {
    let a = s.engine().auction();
    json(
        StatusCode::OK,
        &AuctionBody {
            server_time: s.now().to_rfc3339(),
            id: a.id,
            title: a.title,
            venue: a.venue,
            timezone: a.timezone,
            currency: a.currency,
            starts_at: a.starts_at.to_rfc3339(),
            ends_at: a.ends_at.to_rfc3339(),
            status: a.status.as_str().to_string(),
        },
    )
}

fn lots_etag(s: &Shared, seq: u64) -> String {
    format!("\"{:08x}-{seq}\"", s.run_id)
}

pub(super) async fn lots(State(s): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let seq = s.engine().last_seq();
    let etag = lots_etag(&s, seq);
    if etag_matches(&headers, &etag) {
        return not_modified(&etag);
    }
    // Encode outside the lock: copy the lots (cheap next to serializing).
    let (seq, lots) = {
        let e = s.engine();
        (
            e.last_seq(),
            e.lots().iter().map(WireLot::from).collect::<Vec<_>>(),
        )
    };
    let etag = lots_etag(&s, seq);
    with_etag(
        json(
            StatusCode::OK,
            &LotsBody {
                server_time: s.now().to_rfc3339(),
                seq,
                lots,
            },
        ),
        &etag,
    )
}

pub(super) async fn lot(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let found = s.engine().lot(&id).map(WireLot::from);
    match found {
        Some(lot) => json(
            StatusCode::OK,
            &LotBody {
                server_time: s.now().to_rfc3339(),
                lot,
            },
        ),
        None => error(&s, StatusCode::NOT_FOUND, "not_found", "no such lot"),
    }
}

pub(super) async fn bids(
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let after =
        match query_pairs(q.as_deref()).and_then(|p| int_param(&p, "after", 0, 0..=u64::MAX)) {
            Ok(a) => a,
            Err(m) => return bad_request(&s, m),
        };
    let found = s.engine().bids(&id, after);
    match found {
        Some(bids) => json(
            StatusCode::OK,
            &BidsBody {
                server_time: s.now().to_rfc3339(),
                lot_id: id,
                bids: bids
                    .iter()
                    .map(|b| WireBid {
                        seq: b.seq,
                        at: b.at.to_rfc3339(),
                        amount: b.amount.to_wire(),
                        bidder: b.bidder.clone(),
                    })
                    .collect(),
            },
        ),
        None => error(&s, StatusCode::NOT_FOUND, "not_found", "no such lot"),
    }
}

enum Page {
    Events(Vec<Event>, u64),
    Gone(u64),
}

fn read_page(s: &Shared, after: u64, limit: usize) -> Page {
    let e = s.engine();
    match e.events_after(after, limit) {
        Ok(evs) => Page::Events(evs, e.last_seq()),
        Err(g) => Page::Gone(g.oldest),
    }
}

pub(super) async fn events(State(s): State<Arc<Shared>>, RawQuery(q): RawQuery) -> Response {
    if !s.feed {
        return error(
            &s,
            StatusCode::NOT_FOUND,
            "not_found",
            "this server has no change feed",
        );
    }
    let params = query_pairs(q.as_deref()).and_then(|p| {
        Ok((
            int_param(&p, "after", 0, 0..=u64::MAX)?,
            int_param(&p, "wait", 0, 0..=MAX_WAIT_S)?,
            int_param(&p, "limit", DEFAULT_LIMIT as u64, 1..=MAX_LIMIT as u64)? as usize,
        ))
    });
    let (after, wait, limit) = match params {
        Ok(p) => p,
        Err(m) => return bad_request(&s, m),
    };
    // Subscribe before the first read, so an event between the two wakes us.
    let mut seq_rx = s.seq_tx.subscribe();
    let mut page = read_page(&s, after, limit);
    if matches!(&page, Page::Events(evs, _) if evs.is_empty()) && wait > 0 {
        let Ok(_permit) = s.long_polls.clone().try_acquire_owned() else {
            let mut r = error(
                &s,
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "too many long-polls are held; retry shortly",
            );
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return r;
        };
        let deadline = tokio::time::Instant::now() + Duration::from_secs(wait);
        let mut stop = s.shutdown_rx.clone();
        loop {
            tokio::select! {
                changed = seq_rx.changed() => if changed.is_err() { break },
                _ = tokio::time::sleep_until(deadline) => break,
                _ = stop.wait_for(|s| *s) => break,
            }
            page = read_page(&s, after, limit);
            if !matches!(&page, Page::Events(evs, _) if evs.is_empty()) {
                break;
            }
        }
        page = match page {
            Page::Events(evs, _) if evs.is_empty() => read_page(&s, after, limit),
            other => other,
        };
    }
    match page {
        Page::Gone(oldest) => error(
            &s,
            StatusCode::GONE,
            "gone",
            &format!(
                "events after {after} are no longer kept; the oldest kept is {oldest}: re-read /api/v1/lots"
            ),
        ),
        Page::Events(evs, last_seq) => json(StatusCode::OK, &events_body(&s, &evs, last_seq)),
    }
}

fn events_body(s: &Shared, evs: &[Event], last_seq: u64) -> EventsBody {
    EventsBody {
        server_time: s.now().to_rfc3339(),
        last_seq,
        events: evs.iter().map(WireEvent::from).collect(),
    }
}

/// One message of the push feed: the long-poll's page as its data, the
/// page's last seq as its id (`heartbeat` pages hold no events).
fn sse_message(kind: &'static str, body: &EventsBody) -> Result<SseEvent, serde_json::Error> {
    let data = serde_json::to_string(body)?;
    let ev = SseEvent::default().event(kind).data(data);
    Ok(match body.events.last() {
        Some(last) => ev.id(last.seq.to_string()),
        None => ev,
    })
}

/// What one open push feed has sent so far.
struct Pushing {
    s: Arc<Shared>,
    after: u64,
    seq_rx: tokio::sync::watch::Receiver<u64>,
    stop: tokio::sync::watch::Receiver<bool>,
    /// Held while the stream is open: streams count with the long-polls.
    _permit: tokio::sync::OwnedSemaphorePermit,
    greeted: bool,
}

/// `GET /api/v1/stream?after=SEQ`: the change feed pushed as Server-Sent
/// Events. The same pages as `/events`, each sent as soon as it exists; a
/// `heartbeat` page (no events, the server's time and last seq) at once and
/// after every `heartbeat` of silence. A client that falls behind the
/// history is cut off and gets 410 when it comes back, as with `/events`.
pub(super) async fn stream(State(s): State<Arc<Shared>>, RawQuery(q): RawQuery) -> Response {
    if !s.stream {
        return error(
            &s,
            StatusCode::NOT_FOUND,
            "not_found",
            "this server has no push feed: long-poll /api/v1/events",
        );
    }
    let after =
        match query_pairs(q.as_deref()).and_then(|p| int_param(&p, "after", 0, 0..=u64::MAX)) {
            Ok(a) => a,
            Err(m) => return bad_request(&s, m),
        };
    let seq_rx = s.seq_tx.subscribe();
    if let Page::Gone(oldest) = read_page(&s, after, 1) {
        return error(
            &s,
            StatusCode::GONE,
            "gone",
            &format!(
                "events after {after} are no longer kept; the oldest kept is {oldest}: re-read /api/v1/lots"
            ),
        );
    }
    let Ok(permit) = s.long_polls.clone().try_acquire_owned() else {
        let mut r = error(
            &s,
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "too many feeds are held; retry shortly",
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return r;
    };
    let pushing = Pushing {
        stop: s.shutdown_rx.clone(),
        s,
        after,
        seq_rx,
        _permit: permit,
        greeted: false,
    };
    let messages = futures_util::stream::unfold(pushing, |mut p| async move {
        loop {
            let (evs, last_seq) = match read_page(&p.s, p.after, MAX_LIMIT) {
                Page::Gone(_) => return None,
                Page::Events(evs, last) => (evs, last),
            };
            if let Some(newest) = evs.last() {
                p.after = newest.seq;
                p.greeted = true;
                let m = sse_message("events", &events_body(&p.s, &evs, last_seq));
                return Some((m, p));
            }
            if !p.greeted {
                p.greeted = true;
                let m = sse_message("heartbeat", &events_body(&p.s, &[], last_seq));
                return Some((m, p));
            }
            let heartbeat = p.s.heartbeat;
            let quiet = tokio::select! {
                changed = p.seq_rx.changed() => if changed.is_err() { return None } else { false },
                _ = p.stop.wait_for(|s| *s) => return None,
                _ = tokio::time::sleep(heartbeat) => true,
            };
            if quiet {
                let m = sse_message("heartbeat", &events_body(&p.s, &[], last_seq));
                return Some((m, p));
            }
        }
    });
    Sse::new(messages).into_response()
}

fn astana_today(s: &Shared) -> jiff::civil::Date {
    s.now()
        .astana_date()
        .unwrap_or(jiff::civil::Date::constant(2025, 6, 24))
}

pub(super) async fn rates(State(s): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let date = astana_today(&s);
    let etag = format!("\"rates-{date}\"");
    if etag_matches(&headers, &etag) {
        return not_modified(&etag);
    }
    let body = RatesBody {
        server_time: s.now().to_rfc3339(),
        source: "NBK".into(),
        date: date.to_string(),
        base: "KZT".into(),
        rates: s.rates.per_unit(date),
    };
    with_etag(json(StatusCode::OK, &body), &etag)
}

fn xml(body: String) -> Response {
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/xml; charset=utf-8"),
        )],
        Body::from(body),
    )
        .into_response()
}

pub(super) async fn nbk_rates(State(s): State<Arc<Shared>>, RawQuery(q): RawQuery) -> Response {
    let pairs = match query_pairs(q.as_deref()) {
        Ok(p) => p,
        Err(m) => return bad_request(&s, m),
    };
    let date = match pairs.iter().find(|(k, _)| *k == "fdate") {
        None => astana_today(&s),
        Some((_, v)) => match parse_fdate(v) {
            Some(d) => d,
            None => {
                let short: String = v.chars().take(32).collect();
                return bad_request(&s, format!("fdate={short:?} is not a date as DD.MM.YYYY"));
            }
        },
    };
    xml(render_nbk(&s.rates, date))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parsing_is_strict() {
        let p = query_pairs(Some("after=5&wait=30&x")).expect("test input is valid");
        assert_eq!(int_param(&p, "after", 0, 0..=u64::MAX), Ok(5));
        assert_eq!(int_param(&p, "wait", 0, 0..=30), Ok(30));
        assert_eq!(int_param(&p, "limit", 500, 1..=1000), Ok(500));
        for bad in [
            "limit=0",
            "limit=1001",
            "limit=-1",
            "limit=",
            "limit=1e3",
            "limit=99999999999999999999999",
        ] {
            let p = query_pairs(Some(bad)).expect("test input is valid");
            assert!(int_param(&p, "limit", 500, 1..=1000).is_err(), "{bad}");
        }
        assert!(query_pairs(Some("after=1&after=2")).is_err());
    }
}
