//! Alerts by e-mail: lettre's SMTP client on the tokio runtime with rustls,
//! STARTTLS when the server offers it (required when credentials would be
//! sent to a host that is not loopback), `smtps://` for TLS from the first
//! byte; the system's roots (platform verifier) plus `ca_cert`.

use super::outgoing::Outgoing;
use super::target::{NotifyTo, smtp_url};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::path::Path;
use std::time::Duration;

/// One SMTP exchange at most this long.
const TIMEOUT: Duration = Duration::from_secs(20);

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    to: Vec<Mailbox>,
    /// Removed from any error text.
    password: Option<String>,
}

impl Mailer {
    pub fn new(cfg: &NotifyTo, ca_cert: Option<&Path>) -> Result<Option<Mailer>, String> {
        let (Some(smtp), Some(from)) = (&cfg.smtp, &cfg.from) else {
            return Ok(None);
        };
        if cfg.email.is_empty() {
            return Ok(None);
        }
        crate::platform::http::install_crypto_provider();
        let u = smtp_url(smtp)?;
        let mut tls = TlsParameters::builder(u.host.clone());
        if let Some(path) = ca_cert {
            let pem = std::fs::read(path)
                .map_err(|e| format!("cannot read CA certificate {}: {e}", path.display()))?;
            let cert = Certificate::from_pem(&pem)
                .map_err(|_| format!("{} is not a PEM certificate", path.display()))?;
            tls = tls.add_root_certificate(cert);
        }
        let tls = tls
            .build_rustls()
            .map_err(|e| format!("cannot set up TLS for {}: {e}", u.host))?;
        let tls = if u.implicit_tls {
            Tls::Wrapper(tls)
        } else if u.user.is_some() && !u.loopback {
            // Credentials never go out without TLS.
            Tls::Required(tls)
        } else {
            Tls::Opportunistic(tls)
        };
        let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(u.host.as_str())
            .port(u.port)
            .tls(tls)
            .timeout(Some(TIMEOUT));
        let password = u
            .user
            .as_ref()
            .map(|(_, p)| p.clone())
            .filter(|p| !p.is_empty());
        if let Some((user, pass)) = u.user {
            b = b.credentials(Credentials::new(user, pass));
        }
        let parse = |s: &str| {
            s.parse::<Mailbox>()
                .map_err(|e| format!("{s:?} is not an e-mail address: {e}"))
        };
        Ok(Some(Mailer {
            transport: b.build(),
            from: parse(from)?,
            to: cfg
                .email
                .iter()
                .map(|s| parse(s))
                .collect::<Result<_, _>>()?,
            password,
        }))
    }

    /// Sends one alert to every recipient, as one message.
    pub async fn send(&self, o: &Outgoing) -> Result<(), String> {
        let mut m = Message::builder()
            .from(self.from.clone())
            .subject(o.subject.clone())
            .header(ContentType::TEXT_PLAIN);
        for to in &self.to {
            m = m.to(to.clone());
        }
        let m = m.body(o.text.clone()).map_err(|e| e.to_string())?;
        self.transport
            .send(m)
            .await
            .map(drop)
            .map_err(|e| self.scrub(&cause(&e)))
    }

    fn scrub(&self, text: &str) -> String {
        match &self.password {
            Some(p) if text.contains(p.as_str()) => text.replace(p.as_str(), "***"),
            _ => text.to_string(),
        }
    }
}

/// The innermost cause, in a few words (`connection refused`).
fn cause(e: &lettre::transport::smtp::Error) -> String {
    let mut inner: &dyn std::error::Error = e;
    while let Some(s) = inner.source() {
        inner = s;
    }
    let text = inner.to_string();
    let lower = text.to_ascii_lowercase();
    if lower.contains("connection refused") {
        "connection refused".into()
    } else if e.is_timeout() || lower.contains("timed out") {
        "timed out".into()
    } else if e.is_permanent() {
        format!("refused by the server: {text}")
    } else {
        text
    }
}
