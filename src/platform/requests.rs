//! Counts of the client's requests by API route and outcome, for the
//! metrics (`lotwatch_requests_total{path,status}`). Routes are templates
//! (`/api/v1/lots/{id}/bids`), never raw paths, so the number of series
//! stays fixed whatever ids the platform uses.

use super::error::PlatformError;
use reqwest::Url;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// Requests so far, by (route, status).
#[derive(Debug, Default)]
pub struct RequestStats {
    counts: Mutex<BTreeMap<(&'static str, String), u64>>,
}

impl RequestStats {
    /// Counts one request to `url` (under `base`) that ended with `outcome`.
    pub fn record(&self, base: &Url, url: &Url, outcome: Result<u16, &PlatformError>) {
        let key = (route(base, url), status_label(outcome));
        if let Ok(mut m) = self.counts.lock() {
            *m.entry(key).or_insert(0) += 1;
        }
    }

    /// Every (route, status, count), in order.
    pub fn snapshot(&self) -> Vec<(&'static str, String, u64)> {
        self.counts
            .lock()
            .map(|m| m.iter().map(|((r, s), n)| (*r, s.clone(), *n)).collect())
            .unwrap_or_default()
    }
}

/// The route template of `url`: one of the API's paths, or `external` (the
/// National Bank feed, anything outside the platform's base URL).
pub fn route(base: &Url, url: &Url) -> &'static str {
    if url.origin() != base.origin() {
        return "external";
    }
    let Some(rest) = url.path().strip_prefix(base.path()) else {
        return "external";
    };
    let segs: Vec<&str> = rest.split('/').collect();
    match segs.as_slice() {
        ["api", "v1", "auction"] => "/api/v1/auction",
        ["api", "v1", "lots"] => "/api/v1/lots",
        ["api", "v1", "lots", _] => "/api/v1/lots/{id}",
        ["api", "v1", "lots", _, "bids"] => "/api/v1/lots/{id}/bids",
        ["api", "v1", "events"] => "/api/v1/events",
        ["api", "v1", "stream"] => "/api/v1/stream",
        ["api", "v1", "rates"] => "/api/v1/rates",
        _ => "external",
    }
}

/// The HTTP status as a number, or `timeout`, `connect_error` or `error`
/// when no usable status came back.
fn status_label(outcome: Result<u16, &PlatformError>) -> String {
    let code = match outcome {
        Ok(s) => s,
        Err(PlatformError::Http { status, .. }) => *status,
        Err(PlatformError::Gone) => 410,
        Err(PlatformError::NotFound) => 404,
        Err(PlatformError::Unauthorized) => 401,
        Err(PlatformError::RateLimited { .. }) => 429,
        Err(PlatformError::Unavailable { .. }) => 503,
        Err(PlatformError::Timeout { .. }) => return "timeout".into(),
        Err(
            PlatformError::Connect(_)
            | PlatformError::Refused
            | PlatformError::NameNotFound
            | PlatformError::Tls(_),
        ) => return "connect_error".into(),
        Err(_) => return "error".into(),
    };
    code.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_templates_and_outcomes_labels() {
        let base = Url::parse("http://127.0.0.1:8080/p/").expect("url");
        let at = |p: &str| Url::parse(&format!("http://127.0.0.1:8080{p}")).expect("url");
        assert_eq!(route(&base, &at("/p/api/v1/auction")), "/api/v1/auction");
        assert_eq!(route(&base, &at("/p/api/v1/lots")), "/api/v1/lots");
        assert_eq!(
            route(&base, &at("/p/api/v1/lots/L%20x")),
            "/api/v1/lots/{id}"
        );
        assert_eq!(
            route(&base, &at("/p/api/v1/lots/401102/bids")),
            "/api/v1/lots/{id}/bids"
        );
        assert_eq!(route(&base, &at("/p/api/v1/events")), "/api/v1/events");
        assert_eq!(route(&base, &at("/nbk/rss/get_rates.cfm")), "external");
        let other = Url::parse("https://nationalbank.kz/rss/x").expect("url");
        assert_eq!(route(&base, &other), "external");
        assert_eq!(status_label(Ok(304)), "304");
        assert_eq!(status_label(Err(&PlatformError::Gone)), "410");
        assert_eq!(
            status_label(Err(&PlatformError::Timeout { secs: 15 })),
            "timeout"
        );
        assert_eq!(
            status_label(Err(&PlatformError::Decode("x".into()))),
            "error"
        );
        let stats = RequestStats::default();
        stats.record(&base, &at("/p/api/v1/lots/a"), Ok(200));
        stats.record(&base, &at("/p/api/v1/lots/b"), Ok(200));
        assert_eq!(
            stats.snapshot(),
            vec![("/api/v1/lots/{id}", "200".to_string(), 2)]
        );
    }
}
