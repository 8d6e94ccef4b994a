//! The default journal's name: after the source read, so that two
//! platforms, or a `serve` instance and the real platform, never write into
//! one file. The API at a URL is `api:HOST[:PORT]`, a web site is its
//! auction `site:HOST[:PORT]` (`domain::lot::site_auction_id`); the demo day
//! has none (it restarts at seq 1 on every run and is journaled only with
//! `--journal`), so its random loopback port never names a file. The
//! monitor, `watch` and `lotwatch info` all ask here.

use crate::shell::source::SourceArg;
use std::path::PathBuf;

/// What the default journal of a run is named after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JournalName {
    /// `api:HOST[:PORT]` or `site:HOST[:PORT]`; the file is
    /// `journal::default_path` of it.
    pub id: String,
    /// The API's journals were named after the auction before: such a
    /// file is resumed while no file of the new name exists.
    resumes_auction_file: bool,
}

/// What resolving the name for an auction gave: the file, and whether it is
/// an earlier lotwatch's `<auction-id>.sqlite` (the name it would have now).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chosen {
    pub path: PathBuf,
    pub instead_of: Option<PathBuf>,
}

/// `HOST[:PORT]` of a URL, the port only when it is not the scheme's; the
/// URL as given when it does not parse (the client refuses it first).
pub fn host_label(url: &str) -> String {
    match reqwest::Url::parse(url.trim()) {
        Ok(u) => {
            let host = u.host_str().unwrap_or("?");
            match u.port() {
                Some(p) => format!("{host}:{p}"),
                None => host.to_string(),
            }
        }
        Err(_) => url.trim().to_string(),
    }
}

/// The default journal's name for `source` at `url` (`source::url_for`:
/// None is the demo day, which has no default journal).
pub fn default_journal(source: SourceArg, url: Option<&str>) -> Option<JournalName> {
    let url = url?;
    Some(match source {
        SourceArg::Api => JournalName {
            id: format!("api:{}", host_label(url)),
            resumes_auction_file: true,
        },
        SourceArg::Site => JournalName {
            id: crate::domain::lot::site_auction_id(&host_label(url)),
            resumes_auction_file: false,
        },
    })
}

impl JournalName {
    /// The file, in the user's data directory (None: the system has none).
    pub fn path(&self) -> Option<PathBuf> {
        crate::journal::default_path(&self.id)
    }

    /// The file the journal of `auction_id` goes to: this name's, unless
    /// only an earlier lotwatch's `<auction-id>.sqlite` exists, which is
    /// resumed (the caller says so in the log).
    pub fn for_auction(&self, auction_id: &str) -> Option<Chosen> {
        let path = self.path()?;
        if self.resumes_auction_file && !path.exists() {
            let old = crate::journal::default_path(auction_id).filter(|p| p.is_file());
            if let Some(old) = old {
                return Some(Chosen {
                    path: old,
                    instead_of: Some(path),
                });
            }
        }
        Some(Chosen {
            path,
            instead_of: None,
        })
    }

    /// How `lotwatch info` tells it.
    pub fn shown(&self) -> String {
        let path = self.path().map_or_else(
            || "(none: no data directory)".into(),
            |p| p.display().to_string(),
        );
        if self.resumes_auction_file {
            format!(
                "{path} (named after {}; while only an earlier lotwatch's <auction-id>.sqlite is there, that one is resumed)",
                self.id
            )
        } else {
            format!("{path} (named after {})", self.id)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(source: SourceArg, url: Option<&str>) -> Option<String> {
        default_journal(source, url).map(|n| n.id)
    }

    #[test]
    fn named_after_the_url_s_host_and_port() {
        let api = |u| id(SourceArg::Api, Some(u));
        assert_eq!(
            api("https://platform.example/").unwrap(),
            "api:platform.example"
        );
        assert_eq!(
            api("https://platform.example:443/api/").unwrap(),
            "api:platform.example"
        );
        assert_eq!(
            api("https://platform.example:8443/").unwrap(),
            "api:platform.example:8443"
        );
        assert_eq!(api("http://127.0.0.1:8080").unwrap(), "api:127.0.0.1:8080");
        assert_eq!(api("http://[::1]:8080/").unwrap(), "api:[::1]:8080");
        // Two platforms, or a serve instance and the real one: two files.
        let file = |u| crate::journal::file_stem(&api(u).unwrap());
        assert_ne!(file("http://127.0.0.1:8080"), file("http://127.0.0.1:8081"));
        assert_ne!(file("https://a.example/"), file("https://b.example/"));
        assert_ne!(
            file("http://127.0.0.1:8080"),
            file("https://platform.example/")
        );
        // The demo day has no default journal: its random port names nothing.
        assert_eq!(id(SourceArg::Api, None), None);
    }

    #[test]
    fn the_site_is_named_as_its_auction() {
        let site = |u| id(SourceArg::Site, Some(u)).unwrap();
        assert_eq!(
            site("https://sauda.e-qazyna.kz"),
            crate::domain::lot::SITE_AUCTION_ID
        );
        assert_eq!(site("http://127.0.0.1:8080"), "site:127.0.0.1:8080");
        // As the site's poller names its auction.
        use crate::platform::sauda::urls::{SiteLang, SiteUrls};
        let base = reqwest::Url::parse("http://127.0.0.1:8080/").unwrap();
        let urls = SiteUrls::new(&base, SiteLang::Ru);
        assert_eq!(
            site("http://127.0.0.1:8080"),
            crate::domain::lot::site_auction_id(&urls.host_label())
        );
    }
}
