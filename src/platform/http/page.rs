//! A page of a web-site source through the shared transport: HTML, no JSON
//! content-type check, no token, the held copy's `ETag`/`Last-Modified`
//! sent back, and never a URL on another host than the base URL's. Pages go
//! one at a time, the starts of two at least `page_gap` apart; a throttling
//! page («Превышен лимит запросов»), whatever its status, is a 429.

use super::{Cached, Client, Fetched, Req};
use crate::domain::link::Misconfig;
use crate::platform::error::PlatformError;
use crate::platform::sanitize::clean;
use reqwest::header;
use reqwest::{StatusCode, Url};

/// What identifies the copy of a page held: sent back as `If-None-Match`
/// and `If-Modified-Since`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A web page as read.
#[derive(Clone, Debug)]
pub struct Page {
    pub body: String,
    pub validators: Validators,
    /// Its path and query, sanitized, for errors that name it.
    pub path: String,
}

impl Client {
    /// A page of a web-site source, as text: no token, no JSON check, the
    /// `ETag`/`Last-Modified` of the copy held sent back (a 304 gives
    /// `NotModified`). Refuses a URL on another host than the base URL's,
    /// so a link of the site can never take the client elsewhere.
    pub async fn page(
        &self,
        url: Url,
        known: &Validators,
    ) -> Result<Fetched<Cached<Page>>, PlatformError> {
        let base = &self.inner.base;
        if url.scheme() != base.scheme()
            || url.host_str() != base.host_str()
            || url.port_or_known_default() != base.port_or_known_default()
        {
            return Err(PlatformError::Config(Misconfig::Other(format!(
                "refusing to leave {} for {}",
                base.host_str().unwrap_or("?"),
                clean(url.host_str().unwrap_or("?"), 200)
            ))));
        }
        let path = clean(
            &match url.query() {
                Some(q) => format!("{}?{q}", url.path()),
                None => url.path().to_string(),
            },
            200,
        );
        let req = Req {
            auth: false,
            if_none_match: known.etag.as_deref(),
            if_modified_since: known.last_modified.as_deref(),
            total: self.inner.cfg.request_timeout,
            cap: self.inner.cfg.max_body,
        };
        let asked = known.etag.is_some() || known.last_modified.is_some();
        let raw = {
            // Held across the request: one page at a time, and the next
            // starts no sooner than `page_gap` after this one started.
            let mut last = self.inner.pace.lock().await;
            if let Some(t) = *last {
                tokio::time::sleep_until(t + self.inner.cfg.page_gap).await;
            }
            *last = Some(tokio::time::Instant::now());
            self.get_any(url, req).await?
        };
        let retry_after = || {
            raw.headers
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| super::parse_retry_after(v, raw.date()))
        };
        if raw.status != StatusCode::NOT_MODIFIED
            && !raw.status.is_success()
            && crate::platform::sauda::is_throttle_page(&raw.body)
        {
            // Without a Retry-After the poller reads it as THROTTLE_WAIT.
            return Err(PlatformError::RateLimited {
                retry_after: retry_after(),
            });
        }
        if raw.status != StatusCode::NOT_MODIFIED && !raw.status.is_success() {
            return Err(super::status_error(&raw, None));
        }
        let validators = Validators {
            etag: raw.etag(),
            last_modified: raw
                .headers
                .get(header::LAST_MODIFIED)
                .and_then(|v| v.to_str().ok())
                .filter(|s| s.len() <= 64 && s.bytes().all(|b| (0x20..0x7f).contains(&b)))
                .map(str::to_string),
        };
        if raw.status == StatusCode::NOT_MODIFIED && asked {
            return Ok(Fetched {
                value: Cached::NotModified,
                clock: raw.clock(None),
                etag: validators.etag,
            });
        }
        if !raw.status.is_success() || raw.status == StatusCode::NO_CONTENT {
            return Err(PlatformError::Http {
                status: raw.status.as_u16(),
                code: None,
                message: None,
            });
        }
        let body = String::from_utf8_lossy(&raw.body).into_owned();
        Ok(Fetched {
            clock: raw.clock(None),
            etag: validators.etag.clone(),
            value: Cached::Fresh(Page {
                body,
                validators,
                path,
            }),
        })
    }
}
