//! `lotwatch serve --site sauda`: the simulated day also served as the
//! sauda.e-qazyna.kz site's pages, at `/{ru,kz,en}/list?…` (20 cards a page,
//! filtered by `objectType`) and `/{lang}/list/{id}`, changing as the day
//! goes (statuses, postponed starts, sale prices). A maintenance window can
//! be scheduled: the pages are then the site's maintenance page, with 200.

pub mod pages;

use super::server::Shared;
use crate::platform::sauda::SiteLang;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How the site is simulated.
#[derive(Clone, Debug, Default)]
pub struct SiteSim {
    /// The origin the pager's absolute links name (`http://host:port`);
    /// None: the served host, from the request's `Host`, as the real site
    /// names its own.
    pub link_host: Option<String>,
    /// Maintenance from this long after start-up, for this long.
    pub maintenance: Option<(Duration, Duration)>,
}

impl SiteSim {
    fn in_maintenance(&self, started: Instant) -> bool {
        self.maintenance.is_some_and(|(from, len)| {
            let t = started.elapsed();
            t >= from && t < from + len
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
