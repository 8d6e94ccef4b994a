//! Alerts by webhook: a POST of the alert as JSON, with ntfy's `Title`,
//! `Priority` and `Tags` headers so that an ntfy topic URL works as it is.
//! A URL's credentials go as basic auth, never in an error or the log.

use super::outgoing::Outgoing;
use reqwest::Url;
use std::path::Path;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(20);

pub struct Webhook {
    http: reqwest::Client,
    url: Url,
    auth: Option<(String, String)>,
    /// The URL as it may be shown (credentials masked).
    pub shown: String,
}

impl Webhook {
    pub fn new(url: &str, ca_cert: Option<&Path>) -> Result<Webhook, String> {
        crate::platform::http::install_crypto_provider();
        let mut url = super::target::webhook_url(url)?;
        let shown = crate::journal::target::mask(url.as_str());
        let auth = (!url.username().is_empty()).then(|| {
            (
                url.username().to_string(),
                url.password().unwrap_or("").to_string(),
            )
        });
        let _ = url.set_username("");
        let _ = url.set_password(None);
        let mut b = reqwest::Client::builder()
            .user_agent(concat!("lotwatch/", env!("CARGO_PKG_VERSION")))
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none());
        if let Some(path) = ca_cert {
            let pem = std::fs::read(path)
                .map_err(|e| format!("cannot read CA certificate {}: {e}", path.display()))?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|_| format!("{} is not a PEM certificate", path.display()))?;
            b = b.tls_certs_merge(certs);
        }
        let http = b
            .build()
            .map_err(|e| format!("cannot set up HTTP for webhooks: {e}"))?;
        Ok(Webhook {
            http,
            url,
            auth,
            shown,
        })
    }

    /// The host, for the screen (`webhook ntfy.sh`).
    pub fn label(&self) -> String {
        format!("webhook {}", self.url.host_str().unwrap_or("?"))
    }

    pub async fn send(&self, o: &Outgoing) -> Result<(), String> {
        let mut req = self
            .http
            .post(self.url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(serde_json::to_vec(&o.json).unwrap_or_default())
            .header("Priority", o.priority.to_string())
            .header("Tags", format!("lotwatch,{}", o.event));
        // ntfy reads a title in UTF-8; a header value may carry it as bytes.
        if let Ok(v) = reqwest::header::HeaderValue::from_bytes(o.subject.as_bytes()) {
            req = req.header("Title", v);
        }
        if let Some((u, p)) = &self.auth {
            req = req.basic_auth(u, Some(p));
        }
        let res = req.send().await.map_err(|e| cause(&e.without_url()))?;
        let status = res.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("HTTP {status}"))
        }
    }
}

fn cause(e: &reqwest::Error) -> String {
    let mut inner: &dyn std::error::Error = e;
    while let Some(s) = inner.source() {
        inner = s;
    }
    let text = inner.to_string().to_ascii_lowercase();
    if text.contains("connection refused") {
        "connection refused".into()
    } else if e.is_timeout() {
        "timed out".into()
    } else {
        inner.to_string()
    }
}
