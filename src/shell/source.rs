//! Which source the monitor, `watch` and `snapshot` read: the platform API
//! (`--source api`, the default) or the sauda.e-qazyna.kz site (`--source
//! sauda`): its default URL, the client's timeout and body cap for it, the
//! polling period, and which poller to start. One place for all three.

use crate::platform::ClientConfig;
use crate::platform::sauda::SiteLang;
use crate::sync::{self, SyncConfig, SyncHandle};
use std::time::Duration;

/// The real site.
const SAUDA_URL: &str = "https://sauda.e-qazyna.kz";
/// The site answers slowly (25-90 s have been seen).
const SITE_TIMEOUT: Duration = Duration::from_secs(90);
/// `--poll` for the site when none is given, and its floor.
const SITE_POLL: Duration = Duration::from_secs(60);
/// `--site-gap` when none is given, and its floor, to a host not loopback.
const SITE_GAP: Duration = Duration::from_millis(1000);
const MIN_SITE_GAP: Duration = Duration::from_millis(500);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polling_keeps_to_the_budget() {
        assert_eq!(site_poll(1000, false), SITE_POLL);
        assert_eq!(site_poll(250, false), Duration::from_secs(15));
        assert_eq!(site_poll(120_000, false), Duration::from_secs(120));
        assert_eq!(site_poll(1000, true), Duration::from_secs(1));
        assert_eq!(site_poll(250, true), Duration::from_secs(1));
        assert_eq!(url_for(SourceArg::Site, None).as_deref(), Some(SAUDA_URL));
        assert_eq!(site_gap(None, false), SITE_GAP);
        assert_eq!(site_gap(Some(100), false), MIN_SITE_GAP);
        assert_eq!(site_gap(Some(2500), false), Duration::from_millis(2500));
        assert_eq!(site_gap(None, true), Duration::ZERO);
        assert_eq!(site_gap(Some(100), true), Duration::from_millis(100));
        assert_eq!(url_for(SourceArg::Api, None), None);
    }
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceArg {
    /// The platform JSON API (docs/api.md).
    #[default]
    Api,
    /// The public e-auction site sauda.e-qazyna.kz (HTML): the site source,
    /// named on the command line and in the config by the site.
    #[value(name = "sauda")]
    #[serde(rename = "sauda")]
    Site,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SiteLangArg {
    #[default]
    Ru,
    Kz,
    En,
}

impl SiteLangArg {
    pub fn lang(self) -> SiteLang {
        match self {
            SiteLangArg::Ru => SiteLang::Ru,
            SiteLangArg::Kz => SiteLang::Kz,
            SiteLangArg::En => SiteLang::En,
        }
    }
}

/// The URL to read: the one given, else the site's for sauda (None: the
/// API source without a URL, which runs the demo).
pub fn url_for(source: SourceArg, url: Option<&String>) -> Option<String> {
    match (url, source) {
        (Some(u), _) => Some(u.clone()),
        (None, SourceArg::Site) => Some(SAUDA_URL.to_string()),
        (None, SourceArg::Api) => None,
    }
}

/// The gap between two requests to the site: `--site-gap` in ms, else 1 s,
/// never under 0.5 s to a host that is not loopback; a loopback URL (the
/// simulator, a test) takes any value, and 0 by default.
pub fn site_gap(ms: Option<u64>, loopback: bool) -> Duration {
    match (ms.map(Duration::from_millis), loopback) {
        (Some(g), true) => g,
        (None, true) => Duration::ZERO,
        (Some(g), false) => {
            if g < MIN_SITE_GAP {
                tracing::warn!("--site-gap {g:?} is under the site's floor: {MIN_SITE_GAP:?}");
            }
            g.max(MIN_SITE_GAP)
        }
        (None, false) => SITE_GAP,
    }
}

/// The client's settings for the source (`site_gap_ms`: `--site-gap`).
pub fn adjust_client(source: SourceArg, cfg: &mut ClientConfig, site_gap_ms: Option<u64>) {
    if source == SourceArg::Site {
        let loopback = reqwest::Url::parse(cfg.base_url.trim())
            .is_ok_and(|u| crate::platform::client::is_loopback(&u));
        cfg.page_gap = site_gap(site_gap_ms, loopback);
        cfg.request_timeout = SITE_TIMEOUT;
        cfg.max_body = crate::platform::sauda::MAX_PAGE_BYTES;
        // The site has no token; none is sent to it.
        cfg.token = None;
    }
}

/// The list-polling period: `--poll` in ms (1000 is its default, which
/// means 60 s for the site), never under 15 s for the site. A loopback URL
/// (the simulator, a test) is no one's site to spare: any `--poll` from
/// 1 s on is taken as given there.
fn site_poll(poll_ms: u64, loopback: bool) -> Duration {
    let floor = if loopback {
        Duration::from_secs(1)
    } else {
        sync::site::MIN_POLL
    };
    if poll_ms == 1000 && !loopback {
        SITE_POLL
    } else {
        Duration::from_millis(poll_ms).max(floor)
    }
}

/// Starts the poller of the source.
pub fn spawn(
    source: SourceArg,
    lang: SiteLangArg,
    poll_ms: u64,
    client: crate::platform::Client,
    cfg: SyncConfig,
) -> SyncHandle {
    match source {
        SourceArg::Api => sync::spawn(client, cfg),
        SourceArg::Site => {
            let loopback = crate::platform::client::is_loopback(client.base_url());
            sync::site::spawn(
                client,
                sync::site::SiteConfig {
                    lang: lang.lang(),
                    poll: site_poll(poll_ms, loopback),
                    rates: cfg.rates,
                    ..Default::default()
                },
            )
        }
    }
}
