//! The platform API's resources on the shared transport (`http`): the
//! auction, the lots (with ETag), one lot, the change feed (long-poll), a
//! lot's bids, the platform's rates, and public documents (the National
//! Bank's feed). Returns domain values or typed errors.

use crate::domain::link::Misconfig;
use crate::domain::{Auction, Lot, Timestamp};
use crate::platform::decode::{self, BidsPage, EventsPage, LotsPage, PlatformRates};
use crate::platform::error::PlatformError;
use crate::platform::http::{Raw, Req, check_ok, status_error};
use reqwest::{StatusCode, Url};
use serde_json::Value;
use std::time::Duration;

pub use crate::platform::http::{
    Cached, Client, ClientConfig, DEFAULT_MAX_BODY, Fetched, MAX_FEED_BODY, MAX_PAGE_BODY,
    MAX_SMALL_BODY, Page, PushFeed, RETRY_AFTER_CAP, Token, Validators, install_crypto_provider,
    is_loopback, parse_http_date, parse_retry_after, redirect_allowed,
};

fn json_of(body: &[u8]) -> Result<Value, PlatformError> {
    serde_json::from_slice(body).map_err(|e| PlatformError::Decode(format!("invalid JSON: {e}")))
}

impl Client {
    pub async fn auction(&self) -> Result<Fetched<Auction>, PlatformError> {
        let raw = self
            .get(self.url("api/v1/auction")?, self.small())
            .await
            .map_err(|e| not_platform(e, "/api/v1/auction"))?;
        let v = ok_json(&raw)?;
        let a = decode::decode_auction(&v).map_err(|e| PlatformError::Decode(e.0))?;
        Ok(Fetched {
            value: a,
            clock: raw.clock(decode::server_time(&v)),
            etag: None,
        })
    }

    /// All lots; with `etag`, a 304 gives `NotModified`. The body is
    /// decoded as it arrives (`get_streamed`): a 10 000-lot snapshot costs
    /// its lots, not its 6 MB of text besides.
    pub async fn lots(
        &self,
        etag: Option<&str>,
    ) -> Result<Fetched<Cached<LotsPage>>, PlatformError> {
        let req = Req {
            if_none_match: etag,
            ..self.normal()
        };
        let url = self.url("api/v1/lots")?;
        let (raw, page) = self
            .get_streamed(url, req, |body| {
                decode::decode_lots_reader(body).map_err(|e| PlatformError::Decode(e.0))
            })
            .await
            .map_err(|e| not_platform(e, "/api/v1/lots"))?;
        let etag = raw.etag();
        Ok(match page {
            None => Fetched {
                value: Cached::NotModified,
                clock: raw.clock(None),
                etag,
            },
            Some(page) => Fetched {
                clock: raw.clock(page.server_time),
                value: Cached::Fresh(page),
                etag,
            },
        })
    }

    /// One lot.
    pub async fn lot(&self, id: &str) -> Result<Fetched<Lot>, PlatformError> {
        let mut url = self.url("api/v1/lots")?;
        url.path_segments_mut()
            .map_err(|_| PlatformError::Config(Misconfig::Other("bad base URL".into())))?
            .push(id);
        let raw = self.get(url, self.small()).await?;
        let v = ok_json(&raw)?;
        let lot = decode::decode_lot_body(&v)
            .map_err(|i| PlatformError::Decode(format!("{}: {}", i.field, i.problem)))?;
        Ok(Fetched {
            value: lot,
            clock: raw.clock(decode::server_time(&v)),
            etag: None,
        })
    }

    /// Feed events after `after`; the server may hold the request `wait_s`.
    pub async fn events(
        &self,
        after: u64,
        wait_s: u32,
        limit: u32,
    ) -> Result<Fetched<EventsPage>, PlatformError> {
        let wait_s = wait_s.min(30);
        let mut url = self.url("api/v1/events")?;
        url.query_pairs_mut()
            .append_pair("after", &after.to_string())
            .append_pair("wait", &wait_s.to_string())
            .append_pair("limit", &limit.clamp(1, 1000).to_string());
        let total = self
            .inner
            .cfg
            .request_timeout
            .max(Duration::from_secs(u64::from(wait_s)) + self.inner.cfg.long_poll_margin);
        let raw = self
            .get(
                url,
                Req {
                    total,
                    ..self.paged()
                },
            )
            .await?;
        let v = ok_json(&raw)?;
        let page = decode::decode_events(&v).map_err(|e| PlatformError::Decode(e.0))?;
        Ok(Fetched {
            value: page,
            clock: raw.clock(decode::server_time(&v)),
            etag: None,
        })
    }

    /// Accepted bids of one lot with seq above `after`.
    pub async fn bids(&self, lot_id: &str, after: u64) -> Result<Fetched<BidsPage>, PlatformError> {
        let mut url = self.url("api/v1/lots")?;
        url.path_segments_mut()
            .map_err(|_| PlatformError::Config(Misconfig::Other("bad base URL".into())))?
            .push(lot_id)
            .push("bids");
        url.query_pairs_mut()
            .append_pair("after", &after.to_string());
        let raw = self.get(url, self.paged()).await?;
        let v = ok_json(&raw)?;
        let page = decode::decode_bids(&v).map_err(|e| PlatformError::Decode(e.0))?;
        if page.lot_id != lot_id {
            return Err(PlatformError::Decode(
                "bids: the answer is for another lot".into(),
            ));
        }
        Ok(Fetched {
            value: page,
            clock: raw.clock(decode::server_time(&v)),
            etag: None,
        })
    }

    /// The platform's rates; with `etag`, a 304 gives `NotModified`.
    pub async fn rates(
        &self,
        etag: Option<&str>,
    ) -> Result<Fetched<Cached<PlatformRates>>, PlatformError> {
        self.get_cached(
            "api/v1/rates",
            etag,
            |body| {
                let v = json_of(body)?;
                decode::decode_rates(&v).map_err(|e| PlatformError::Decode(e.0))
            },
            |rates| rates.server_time,
        )
        .await
    }

    /// A GET of a resource with an ETag: 304 gives `NotModified`, anything
    /// else is decoded whole or not at all.
    async fn get_cached<T>(
        &self,
        path: &str,
        etag: Option<&str>,
        parse: impl FnOnce(&[u8]) -> Result<T, PlatformError>,
        server_time: impl FnOnce(&T) -> Option<Timestamp>,
    ) -> Result<Fetched<Cached<T>>, PlatformError> {
        let req = Req {
            if_none_match: etag,
            ..self.small()
        };
        let raw = self.get(self.url(path)?, req).await?;
        if raw.status == StatusCode::NOT_MODIFIED && etag.is_some() {
            return Ok(Fetched {
                value: Cached::NotModified,
                clock: raw.clock(None),
                etag: raw.etag(),
            });
        }
        check_ok(&raw)?;
        let value = parse(&raw.body)?;
        Ok(Fetched {
            clock: raw.clock(server_time(&value)),
            value: Cached::Fresh(value),
            etag: raw.etag(),
        })
    }

    /// A public document outside the platform (the National Bank's feed), as
    /// text. The token is never sent with it.
    pub async fn fetch_public_text(&self, url: &str) -> Result<Fetched<String>, PlatformError> {
        let url = Url::parse(url)
            .map_err(|e| PlatformError::Config(Misconfig::Other(format!("bad URL: {e}"))))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(PlatformError::Config(Misconfig::Other(
                "the URL must be http or https".into(),
            )));
        }
        let raw = self
            .get(
                url,
                Req {
                    auth: false,
                    if_none_match: None,
                    if_modified_since: None,
                    total: self.inner.cfg.request_timeout,
                    cap: MAX_FEED_BODY,
                },
            )
            .await?;
        if !raw.status.is_success() {
            return Err(status_error(&raw, None));
        }
        let text = String::from_utf8_lossy(&raw.body).into_owned();
        Ok(Fetched {
            value: text,
            clock: raw.clock(None),
            etag: None,
        })
    }
}

/// A 2xx body as JSON; a 304 where none was asked for is an error.
fn ok_json(raw: &Raw) -> Result<Value, PlatformError> {
    check_ok(raw)?;
    json_of(&raw.body)
}

/// A 404 from one of the paths every platform serves means the URL is not a
/// platform's.
fn not_platform(e: PlatformError, path: &str) -> PlatformError {
    match e {
        PlatformError::NotFound => PlatformError::NotPlatform {
            path: path.to_string(),
            status: 404,
        },
        e => e,
    }
}
