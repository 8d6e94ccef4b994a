//! The site's addresses, built from the URL the user gave (`--url`): list
//! pages from `p=N`, lot pages from the id. The site's own links (the
//! pager's are absolute, to the real host) are never followed: every address
//! is built here, on the user's host.

use reqwest::Url;

/// The language prefix of the site's paths.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SiteLang {
    #[default]
    Ru,
    Kz,
    En,
}

impl SiteLang {
    pub fn as_str(self) -> &'static str {
        match self {
            SiteLang::Ru => "ru",
            SiteLang::Kz => "kz",
            SiteLang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<SiteLang> {
        match s {
            "ru" => Some(SiteLang::Ru),
            "kz" | "kk" => Some(SiteLang::Kz),
            "en" => Some(SiteLang::En),
            _ => None,
        }
    }
}

/// Builds every address of one site from the user's base URL.
#[derive(Clone, Debug)]
pub struct SiteUrls {
    base: Url,
    pub lang: SiteLang,
}

impl SiteUrls {
    /// `base` is the client's base URL (with a trailing `/`).
    pub fn new(base: &Url, lang: SiteLang) -> SiteUrls {
        let mut base = base.clone();
        if !base.path().ends_with('/') {
            let p = format!("{}/", base.path());
            base.set_path(&p);
        }
        base.set_query(None);
        base.set_fragment(None);
        SiteUrls { base, lang }
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    /// The host as the header names the source (`sauda.e-qazyna.kz`,
    /// `127.0.0.1:8080`).
    pub fn host_label(&self) -> String {
        let host = self.base.host_str().unwrap_or("?");
        match self.base.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.to_string(),
        }
    }

    /// Page `page` of the list of one object type, every status.
    pub fn list(&self, object_type: &str, page: u32) -> Url {
        let mut u = self.join(&format!("{}/list", self.lang.as_str()));
        {
            let mut q = u.query_pairs_mut();
            for s in super::STATUSES {
                q.append_pair("searchStatus", s);
            }
            q.append_pair("objectType", object_type);
            if page > 1 {
                q.append_pair("p", &page.to_string());
            }
        }
        u
    }

    /// A lot's page.
    pub fn lot(&self, id: &str) -> Url {
        let id: String = id.chars().filter(char::is_ascii_digit).take(24).collect();
        self.join(&format!("{}/list/{id}", self.lang.as_str()))
    }

    fn join(&self, rel: &str) -> Url {
        let mut u = self.base.clone();
        let p = format!("{}{rel}", self.base.path());
        u.set_path(&p);
        u
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_link_stays_on_the_users_host() {
        let base = Url::parse("http://127.0.0.1:8080/").expect("test URL");
        let s = SiteUrls::new(&base, SiteLang::Ru);
        let l = s.list("Hydrocarbon", 3);
        assert_eq!(l.host_str(), Some("127.0.0.1"));
        assert!(l.as_str().ends_with("objectType=Hydrocarbon&p=3"), "{l}");
        assert_eq!(
            s.lot("27446/../0904").as_str(),
            "http://127.0.0.1:8080/ru/list/274460904"
        );
        let sub = SiteUrls::new(
            &Url::parse("https://proxy.example/sauda/").expect("url"),
            SiteLang::Kz,
        );
        assert_eq!(
            sub.lot("1").as_str(),
            "https://proxy.example/sauda/kz/list/1"
        );
        assert_eq!(sub.host_label(), "proxy.example");
    }
}
