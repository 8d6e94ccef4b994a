//! Which source the monitor, `watch` and `snapshot` read: the platform API
//! (`--source api`, the default) or the sauda.e-qazyna.kz site (`--source
//! sauda`): its default URL, the client's timeout and body cap for it, the
//! polling period, and which poller to start. One place for all three.
//! `--source` may be repeated (`--source api=https://platform.example
//! --source sauda`): the monitor then reads every source at once.

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

    #[test]
    fn a_source_is_a_kind_and_perhaps_its_url() {
        let api = parse_source_spec("api=https://platform.example").unwrap();
        assert_eq!(api.kind, SourceArg::Api);
        assert_eq!(api.url.as_deref(), Some("https://platform.example"));
        let sauda = parse_source_spec("sauda").unwrap();
        assert_eq!((sauda.kind, sauda.url), (SourceArg::Site, None));
        assert_eq!(parse_source_spec("SAUDA").unwrap().kind, SourceArg::Site);
        let bad = parse_source_spec("site").unwrap_err();
        assert!(
            bad.contains("`site` is not a source: write api or sauda"),
            "{bad}"
        );
        let bad = parse_source_spec("api=platform.example").unwrap_err();
        assert!(
            bad.contains("`platform.example` is not an http(s) URL")
                && bad.contains("--source api=https://"),
            "{bad}"
        );
        assert!(parse_source_spec("api=ftp://x.example").is_err());
        assert!(parse_source_spec("api=").is_err());
    }

    #[test]
    fn url_sets_the_only_source_and_is_refused_beside_several() {
        let url = "http://127.0.0.1:9".to_string();
        let one = sources(&[], Some(&url)).unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].url.as_deref(), Some("http://127.0.0.1:9"));
        let demo = sources(&[], None).unwrap();
        assert_eq!((demo[0].kind, demo[0].url.clone()), (SourceArg::Api, None));
        let sauda = sources(&[parse_source_spec("sauda").unwrap()], None).unwrap();
        assert_eq!(sauda[0].url.as_deref(), Some(SAUDA_URL));
        let two = [
            parse_source_spec("api=https://platform.example").unwrap(),
            parse_source_spec("sauda").unwrap(),
        ];
        let both = sources(&two, None).unwrap();
        assert_eq!(both[1].url.as_deref(), Some(SAUDA_URL));
        let e = sources(&two, Some(&url)).unwrap_err();
        assert!(e.contains("give each its own"), "{e}");
        let twice = [
            parse_source_spec("sauda").unwrap(),
            parse_source_spec(&format!("sauda={SAUDA_URL}")).unwrap(),
        ];
        let e = sources(&twice, None).unwrap_err();
        assert!(e.contains("is given twice"), "{e}");
        // Two demo days (no URL) are two simulators: allowed.
        let demos = [
            parse_source_spec("api").unwrap(),
            parse_source_spec("api").unwrap(),
        ];
        assert_eq!(sources(&demos, None).unwrap().len(), 2);
        let urls: Vec<String> = both.iter().filter_map(|s| s.url.clone()).collect();
        let labels: Vec<String> = names(&both, &urls).into_iter().map(|n| n.label).collect();
        assert_eq!(labels, ["api", "sauda"]);
        let two_sites = [
            parse_source_spec("sauda").unwrap(),
            parse_source_spec("sauda=http://127.0.0.1:8081").unwrap(),
        ];
        let specs = sources(&two_sites, None).unwrap();
        let urls: Vec<String> = specs.iter().filter_map(|s| s.url.clone()).collect();
        let labels: Vec<String> = names(&specs, &urls).into_iter().map(|n| n.label).collect();
        assert_eq!(labels, ["sauda.e-qazyna.kz", "127.0.0.1:8081"]);
    }
}

/// One `--source`: a kind, and the URL it reads if given (`KIND=URL`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceSpec {
    pub kind: SourceArg,
    pub url: Option<String>,
}

impl SourceSpec {
    /// The kind's name, as `--source` spells it.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            SourceArg::Api => "api",
            SourceArg::Site => "sauda",
        }
    }
}

/// Reads `KIND[=URL]` (`api`, `sauda`, `api=https://platform.example`).
/// The errors say what to write instead.
pub fn parse_source_spec(text: &str) -> Result<SourceSpec, String> {
    let (kind_text, url) = match text.split_once('=') {
        Some((k, u)) => (k.trim(), Some(u.trim())),
        None => (text.trim(), None),
    };
    let kind = match kind_text.to_ascii_lowercase().as_str() {
        "api" => SourceArg::Api,
        "sauda" => SourceArg::Site,
        _ => {
            return Err(format!(
                "`{kind_text}` is not a source: write api or sauda, with its URL after `=` if \
                 it is not the default (e.g. --source api=https://platform.example --source sauda)"
            ));
        }
    };
    let url = match url {
        None => None,
        Some(u) => {
            let ok = reqwest::Url::parse(u)
                .ok()
                .filter(|p| matches!(p.scheme(), "http" | "https") && p.host_str().is_some());
            if ok.is_none() {
                return Err(format!(
                    "`{u}` is not an http(s) URL: write the source's address in full after \
                     `=`, e.g. --source {kind_text}=https://platform.example"
                ));
            }
            Some(u.to_string())
        }
    };
    Ok(SourceSpec { kind, url })
}

/// The config file's `source`: one (`"sauda"`) or a list (`["api=https://
/// platform.example", "sauda"]`).
pub fn de_source_list<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<SourceSpec>>, D::Error> {
    use serde::Deserialize;
    // Text first, then read: the error says what to write (an untagged
    // enum of specs would only say that nothing matched).
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    let texts = match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    };
    texts
        .iter()
        .map(|t| parse_source_spec(t).map_err(serde::de::Error::custom))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// The sources the monitor reads, each with its URL (None: the API's demo
/// simulator), from `--source` (none: the API) and `--url` (the URL of the
/// only source; with several, each names its own).
pub fn sources(given: &[SourceSpec], url: Option<&String>) -> Result<Vec<SourceSpec>, String> {
    let mut out: Vec<SourceSpec> = given.to_vec();
    if out.is_empty() {
        out.push(SourceSpec {
            kind: SourceArg::Api,
            url: None,
        });
    }
    if out.len() > crate::domain::SourceId::MAX {
        return Err(format!(
            "{} sources given: one monitor reads at most {}; run a second lotwatch for the others",
            out.len(),
            crate::domain::SourceId::MAX
        ));
    }
    match (out.as_mut_slice(), url) {
        ([only], Some(u)) => only.url = Some(u.clone()),
        (_, Some(_)) => {
            return Err(
                "--url names the URL of a single source; with several --source, \
                        give each its own: --source api=https://platform.example --source sauda"
                    .to_string(),
            );
        }
        _ => {}
    }
    for s in &mut out {
        s.url = url_for(s.kind, s.url.as_ref());
    }
    // The same source twice would show every lot twice under one label.
    for (i, s) in out.iter().enumerate() {
        if s.url.is_some() && out[..i].contains(s) {
            return Err(format!(
                "--source {}={} is given twice: name each source once",
                s.kind_name(),
                s.url.as_deref().unwrap_or_default()
            ));
        }
    }
    Ok(out)
}

/// What the screen calls each source: its kind, or its host when another
/// source has the same kind (`urls`: each source's URL as read).
pub fn names(specs: &[SourceSpec], urls: &[String]) -> Vec<crate::domain::source::SourceName> {
    let pairs: Vec<(String, String)> = specs
        .iter()
        .zip(urls)
        .map(|(s, u)| (s.kind_name().to_string(), host_label(u)))
        .collect();
    crate::domain::source::SourceName::label_all(&pairs)
}

/// `host` or `host:port` of a URL (the port when it is not the scheme's).
pub fn host_label(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(u) => match (u.host_str(), u.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            _ => String::new(),
        },
        Err(_) => String::new(),
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
