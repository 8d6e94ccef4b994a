//! `[notify_to]`: where alerts go off the screen (an SMTP server and its
//! recipients, webhooks), read once from the config file as a plain struct
//! and checked before the monitor starts: addresses that parse, credentials
//! never over a connection without TLS except to a loopback host.

use crate::platform::http::is_loopback;
use reqwest::Url;
use serde::Deserialize;
use std::path::PathBuf;

/// Recipients and webhooks kept at most.
const MAX_TARGETS: usize = 32;

/// The `[notify_to]` table. Its `Debug` masks the passwords.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyTo {
    /// `smtp://user:password@host:587` (STARTTLS when offered, required
    /// with credentials) or `smtps://…:465` (implicit TLS).
    pub smtp: Option<String>,
    /// The sender, `lotwatch <alerts@example.kz>`.
    pub from: Option<String>,
    #[serde(default)]
    pub email: Vec<String>,
    /// URLs that get a JSON POST per alert (an ntfy topic URL works).
    #[serde(default)]
    pub webhook: Vec<String>,
    /// A PEM CA certificate trusted beside the system's roots (default:
    /// the top-level `ca_cert`).
    pub ca_cert: Option<PathBuf>,
}

impl std::fmt::Debug for NotifyTo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mask = crate::journal::target::mask;
        f.debug_struct("NotifyTo")
            .field("smtp", &self.smtp.as_deref().map(mask))
            .field("from", &self.from)
            .field("email", &self.email)
            .field(
                "webhook",
                &self.webhook.iter().map(|w| mask(w)).collect::<Vec<_>>(),
            )
            .field("ca_cert", &self.ca_cert)
            .finish()
    }
}

impl NotifyTo {
    /// Whether the table holds a password or a URL's credentials (the
    /// config file must then be private).
    #[cfg(test)]
    fn has_secrets(&self) -> bool {
        !self.secrets().is_empty()
    }

    /// The credentials in its URLs (the SMTP password, a webhook's user and
    /// password), as written and decoded: what the config file's mode check
    /// and the secrets registry must know.
    pub fn secrets(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        for u in self.smtp.iter().chain(&self.webhook) {
            let Ok(u) = Url::parse(u) else { continue };
            let mut add = |raw: &str| {
                if raw.is_empty() {
                    return;
                }
                let decoded = percent_encoding::percent_decode_str(raw)
                    .decode_utf8_lossy()
                    .into_owned();
                out.push(("a delivery password", decoded));
                out.push(("a delivery password", raw.to_string()));
            };
            match u.password() {
                Some(p) => add(p),
                // A token written as the user alone.
                None => add(u.username()),
            }
        }
        out
    }

    /// The problems that make it unusable, in words that say what to do.
    pub fn check(&self) -> Result<(), String> {
        if self.email.len() > MAX_TARGETS || self.webhook.len() > MAX_TARGETS {
            return Err(format!(
                "at most {MAX_TARGETS} addresses and {MAX_TARGETS} webhooks"
            ));
        }
        if !self.email.is_empty() {
            let Some(smtp) = &self.smtp else {
                return Err("`email` needs `smtp = \"smtp://host:587\"`".into());
            };
            smtp_url(smtp)?;
            let from = self
                .from
                .as_deref()
                .ok_or("`email` needs `from = \"lotwatch <alerts@example.kz>\"`")?;
            from.parse::<lettre::message::Mailbox>()
                .map_err(|e| format!("from = {from:?} is not an e-mail address: {e}"))?;
            for to in &self.email {
                to.parse::<lettre::message::Mailbox>()
                    .map_err(|e| format!("email {to:?} is not an e-mail address: {e}"))?;
            }
        } else if self.smtp.is_some() {
            return Err("`smtp` is set but `email = [...]` names no recipient".into());
        }
        for w in &self.webhook {
            webhook_url(w)?;
        }
        Ok(())
    }
}

/// An SMTP server's URL, checked.
pub struct SmtpUrl {
    pub host: String,
    pub port: u16,
    /// `smtps://`: TLS from the first byte.
    pub implicit_tls: bool,
    pub user: Option<(String, String)>,
    pub loopback: bool,
}

pub fn smtp_url(s: &str) -> Result<SmtpUrl, String> {
    let masked = crate::journal::target::mask(s);
    let u = Url::parse(s).map_err(|e| format!("smtp = {masked:?} is not a URL: {e}"))?;
    let implicit_tls = match u.scheme() {
        "smtp" => false,
        "smtps" => true,
        other => {
            return Err(format!(
                "smtp = {masked:?}: {other}:// is not smtp:// (STARTTLS) or smtps:// (TLS)"
            ));
        }
    };
    let host = u
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| format!("smtp = {masked:?} names no host"))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let user = (!u.username().is_empty()).then(|| {
        let dec = |t: &str| percent_decode(t);
        (dec(u.username()), dec(u.password().unwrap_or("")))
    });
    Ok(SmtpUrl {
        port: u.port().unwrap_or(if implicit_tls { 465 } else { 587 }),
        loopback: is_loopback(&u),
        host,
        implicit_tls,
        user,
    })
}

fn percent_decode(s: &str) -> String {
    // The url crate keeps userinfo percent-encoded; form_urlencoded decodes
    // it the same way ('+' aside, which userinfo does not use for space).
    reqwest::Url::parse(&format!("x://h/?v={}", s.replace('+', "%2B")))
        .ok()
        .and_then(|u| u.query_pairs().next().map(|(_, v)| v.into_owned()))
        .unwrap_or_else(|| s.to_string())
}

/// A webhook's URL, checked: http(s), and credentials only over TLS or to
/// a loopback host.
pub fn webhook_url(s: &str) -> Result<Url, String> {
    let masked = crate::journal::target::mask(s);
    let u = Url::parse(s).map_err(|e| format!("webhook {masked:?} is not a URL: {e}"))?;
    match u.scheme() {
        "https" => {}
        "http" => {
            let creds = !u.username().is_empty() || u.password().is_some();
            if creds && !is_loopback(&u) {
                return Err(format!(
                    "webhook {masked:?} has credentials over plain http: use https:// (credentials are never sent without TLS except to a loopback host)"
                ));
            }
        }
        other => return Err(format!("webhook {masked:?}: {other}:// is not http(s)://")),
    }
    Ok(u)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(smtp: &str) -> NotifyTo {
        NotifyTo {
            smtp: Some(smtp.into()),
            from: Some("lotwatch <a@example.kz>".into()),
            email: vec!["b@example.kz".into()],
            ..NotifyTo::default()
        }
    }

    #[test]
    fn checks_say_what_is_wrong_without_the_password() {
        assert!(mail("smtp://u:pw@mail.example:587").check().is_ok());
        let e = mail("ftp://u:hunter2@mail.example").check().unwrap_err();
        assert!(e.contains("smtps://") && !e.contains("hunter2"), "{e}");
        let e = NotifyTo {
            webhook: vec!["http://u:hunter2@ntfy.example/t".into()],
            ..NotifyTo::default()
        }
        .check()
        .unwrap_err();
        assert!(e.contains("https://") && !e.contains("hunter2"), "{e}");
        assert!(
            NotifyTo {
                webhook: vec!["http://u:pw@127.0.0.1:8080/t".into()],
                ..NotifyTo::default()
            }
            .check()
            .is_ok()
        );
        let mut no_from = mail("smtp://mail.example");
        no_from.from = None;
        assert!(no_from.check().unwrap_err().contains("from"));
    }

    #[test]
    fn secrets_are_seen_and_decoded() {
        assert!(mail("smtp://u:p%40ss@mail.example").has_secrets());
        assert!(!mail("smtp://mail.example").has_secrets());
        let u = smtp_url("smtp://u%40x:p%40ss@mail.example").expect("valid");
        assert_eq!(u.user, Some(("u@x".into(), "p@ss".into())));
        assert_eq!(u.port, 587);
        assert!(
            smtp_url("smtps://mail.example")
                .expect("valid")
                .implicit_tls
        );
    }
}
