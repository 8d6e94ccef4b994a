//! `lotwatch serve --site sauda`: the simulated day also served as the
//! sauda.e-qazyna.kz site's pages, at `/{ru,kz,en}/list?…` (20 cards a page,
//! filtered by `objectType`) and `/{lang}/list/{id}`, changing as the day
//! goes (statuses, postponed starts, sale prices). A maintenance window can
//! be scheduled: the pages are then the site's maintenance page, with 200.
//! Single requests can be made to fail (`SiteSim::faults`: a throttle as a
//! 429 with or without `Retry-After` or as the throttling page, a server
//! error, a body cut short, the maintenance page), counted over the site's
//! requests, so a test reads the client's retries and pacing from the
//! request log.

pub mod pages;

use super::server::Shared;
use crate::platform::sauda::SiteLang;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// How one request of the site fails.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SiteFault {
    /// 429, with this `Retry-After` value as written (seconds or an HTTP
    /// date), or none.
    TooManyRequests { retry_after: Option<String> },
    /// 429 with `Retry-After` as an HTTP date this many seconds after the
    /// simulator's now (its `Date` header's clock).
    TooManyRequestsFor { secs: u64 },
    /// The throttling page («Превышен лимит запросов») with this status.
    ThrottlePage { status: u16 },
    /// This status (a 5xx) with a short error page.
    Status(u16),
    /// A 200 whose body breaks off halfway (the connection drops).
    CutBody,
    /// The maintenance page, with 200.
    Maintenance,
}

/// How the site is simulated.
#[derive(Clone, Debug, Default)]
pub struct SiteSim {
    /// The origin the pager's absolute links name (`http://host:port`);
    /// None: the served host, from the request's `Host`, as the real site
    /// names its own.
    pub link_host: Option<String>,
    /// Maintenance from this long after start-up, for this long.
    pub maintenance: Option<(Duration, Duration)>,
    /// The site's `n`th request (from 1, list and lot pages alike) fails so.
    pub faults: Vec<(u32, SiteFault)>,
    /// The site's requests so far (shared by the clones of the options).
    pub served: Arc<AtomicU32>,
}

impl SiteSim {
    fn in_maintenance(&self, started: Instant) -> bool {
        self.maintenance.is_some_and(|(from, len)| {
            let t = started.elapsed();
            t >= from && t < from + len
        })
    }
}

impl SiteSim {
    /// This request's fault, if the plan has one for it.
    fn fault(&self, now: crate::domain::Timestamp) -> Option<Response> {
        let n = self.served.fetch_add(1, Ordering::SeqCst).saturating_add(1);
        let (_, f) = self.faults.iter().find(|(at, _)| *at == n)?;
        Some(match f {
            SiteFault::TooManyRequests { retry_after } => {
                let mut r = (StatusCode::TOO_MANY_REQUESTS, "Too Many Requests").into_response();
                if let Some(v) = retry_after
                    .as_deref()
                    .and_then(|v| HeaderValue::from_str(v).ok())
                {
                    r.headers_mut().insert(header::RETRY_AFTER, v);
                }
                r
            }
            SiteFault::TooManyRequestsFor { secs } => {
                let mut r = (StatusCode::TOO_MANY_REQUESTS, "Too Many Requests").into_response();
                let at = crate::sim::server::http_date(now.plus_secs(*secs as i64));
                if let Ok(v) = HeaderValue::from_str(&at) {
                    r.headers_mut().insert(header::RETRY_AFTER, v);
                }
                r
            }
            SiteFault::ThrottlePage { status } => {
                let mut r = html(pages::throttled_page());
                *r.status_mut() = StatusCode::from_u16(*status).unwrap_or(StatusCode::OK);
                r
            }
            SiteFault::Status(status) => {
                let mut r = html(format!(
                    "<html><body><h1>{status}</h1><p>Internal Server Error</p></body></html>"
                ));
                *r.status_mut() =
                    StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                r
            }
            SiteFault::CutBody => {
                let head =
                    "<!DOCTYPE html>\n<html><body class=\"saudamodule_mnuauctionlist\"><div>"
                        .repeat(4);
                let chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![
                    Ok(head.into_bytes()),
                    Err(std::io::Error::other("connection dropped")),
                ];
                let mut r = Response::new(axum::body::Body::from_stream(
                    futures_util::stream::iter(chunks),
                ));
                r.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                );
                r
            }
            SiteFault::Maintenance => html(pages::maintenance_page()),
        })
    }
}

fn html(body: String) -> Response {
    let mut r = (StatusCode::OK, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}

fn not_found() -> Response {
    let mut r = (StatusCode::NOT_FOUND, "<html><body>404</body></html>").into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
    r
}

/// The query's values for `name` (repeated names allowed, as forms send).
fn values<'a>(q: &'a str, name: &str) -> Vec<&'a str> {
    q.split('&')
        .filter_map(|kv| kv.split_once('='))
        .filter(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .collect()
}

fn etag_of(s: &Shared, lang: &str, q: &str) -> String {
    let seq = s.engine().last_seq();
    let h = q
        .bytes()
        .chain(lang.bytes())
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
    format!("\"s{seq}-{:x}\"", h & 0xffff_ffff)
}

pub(super) async fn list(
    State(s): State<Arc<Shared>>,
    Path(lang): Path<String>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> Response {
    let (Some(site), Some(lang_v)) = (&s.site, SiteLang::parse(&lang)) else {
        return not_found();
    };
    if let Some(r) = site.fault(s.now()) {
        return r;
    }
    if site.in_maintenance(s.started) {
        return html(pages::maintenance_page());
    }
    let q = q.unwrap_or_default();
    let etag = etag_of(&s, &lang, &q);
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == etag)
    {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        if let Ok(v) = HeaderValue::from_str(&etag) {
            r.headers_mut().insert(header::ETAG, v);
        }
        return r;
    }
    let host = match &site.link_host {
        Some(h) => h.clone(),
        None => {
            let h = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .filter(|h| {
                    h.len() <= 255
                        && h.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
                })
                .unwrap_or("127.0.0.1");
            format!("http://{h}")
        }
    };
    let types = values(&q, "objectType");
    let page: u32 = values(&q, "p")
        .first()
        .and_then(|p| p.parse().ok())
        .unwrap_or(1)
        .max(1);
    let body = {
        let e = s.engine();
        let lots: Vec<&crate::domain::Lot> = e
            .lots()
            .iter()
            .filter(|l| types.is_empty() || types.contains(&pages::object_type(l)))
            .collect();
        pages::list_page(
            &lots,
            page,
            lang_v,
            types.first().copied().unwrap_or("SolidMinerals"),
            &host,
        )
    };
    let mut r = html(body);
    if let Ok(v) = HeaderValue::from_str(&etag) {
        r.headers_mut().insert(header::ETAG, v);
    }
    r
}

pub(super) async fn lot(
    State(s): State<Arc<Shared>>,
    Path((lang, id)): Path<(String, String)>,
) -> Response {
    let (Some(site), Some(lang)) = (&s.site, SiteLang::parse(&lang)) else {
        return not_found();
    };
    if let Some(r) = site.fault(s.now()) {
        return r;
    }
    if site.in_maintenance(s.started) {
        return html(pages::maintenance_page());
    }
    let body = {
        let e = s.engine();
        e.lots()
            .iter()
            .find(|l| pages::site_id(l) == id)
            .map(|l| pages::lot_page(l, lang))
    };
    match body {
        Some(b) => html(b),
        None => not_found(),
    }
}
