//! One alert as it leaves: its words in the interface language (subject,
//! text with the lot's page link), the webhook's JSON body, and the
//! journal's records of it (`alert` when queued, `alert_delivered` per
//! channel), from which a restart rebuilds the outbox and what was sent.

use crate::app::alerts::Alert;
use crate::app::rules::{RuleAlert, RuleEvent};
use crate::domain::Timestamp;
use crate::journal::JournalRecord;
use crate::ui::i18n::{Lang, alerts as words};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The anomalies-table kinds the journal keeps alerts under.
pub const QUEUED: &str = "alert";
const DELIVERED: &str = "alert_delivered";
/// The name of the rule today's options make (`alert_minutes`, `--me`,
/// watched lots).
const DEFAULT_RULE: &str = "default";

/// An alert ready to deliver.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outgoing {
    /// Unique per alert (a digest of its keys).
    pub id: String,
    /// Its (rule, lot, event, value) keys.
    pub keys: Vec<String>,
    pub rule: String,
    pub event: String,
    pub lot_id: Option<String>,
    pub subject: String,
    pub text: String,
    /// The webhook's body.
    pub json: serde_json::Value,
    /// ntfy's priority, 1..=5.
    pub priority: u8,
}

fn digest(keys: &[String]) -> String {
    let mut h = Sha256::new();
    for k in keys {
        h.update(k.as_bytes());
        h.update([0u8]);
    }
    h.finalize()
        .iter()
        .take(12)
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn priority(event: &str) -> u8 {
    match event {
        "outbid" | "closing" => 4,
        _ => 3,
    }
}

impl Outgoing {
    pub fn of_rule(a: &RuleAlert, lang: Lang) -> Outgoing {
        let keys = a.keys();
        let event = a.event().as_str().to_string();
        let text = words::body(lang, a);
        let lot = &a.lot;
        let json = serde_json::json!({
            "rule": a.rule,
            "event": event,
            "lot": {
                "id": lot.id,
                "number": lot.number,
                "name": lot.name,
                "source": lot.source,
                "status": lot.status.as_str(),
                "region": lot.region,
                "minerals": lot.minerals,
                "url": lot.url,
            },
            "changes": a.changes.iter().map(|c| serde_json::json!({
                "event": c.event().as_str(),
                "value": c.value(),
                "text": words::change(lang, c),
            })).collect::<Vec<_>>(),
            "message": text,
            "server_time": a.server_time.map(Timestamp::to_rfc3339),
        });
        Outgoing {
            id: digest(&keys),
            subject: words::subject(lang, a),
            priority: priority(&event),
            keys,
            rule: a.rule.clone(),
            event,
            lot_id: Some(lot.id.clone()),
            text,
            json,
        }
    }

    /// Today's alerts (outbid, closing, extension of watched lots, notices)
    /// as the default rule's, worded in `lang` (their keys stay the alert
    /// command's fixed English, so a restart in another language still
    /// knows what was sent).
    pub fn of_default(a: &Alert, server_time: Option<Timestamp>, lang: Lang) -> Outgoing {
        let event = match a.kind.as_str() {
            "extended" => RuleEvent::Extension.as_str(),
            other => other,
        }
        .to_string();
        // The message names the occurrence (the bid, the extension count).
        let keys = vec![format!(
            "{DEFAULT_RULE}\u{1f}{}\u{1f}{event}\u{1f}{}",
            a.lot_id, a.message
        )];
        let text = match &a.what {
            Some(w) => crate::ui::plain::alert_words(a.kind, w, lang),
            None => a.message.clone(),
        };
        let json = serde_json::json!({
            "rule": DEFAULT_RULE,
            "event": event,
            "lot": { "id": a.lot_id, "number": a.lot_number },
            "message": text,
            "server_time": server_time.map(Timestamp::to_rfc3339),
        });
        Outgoing {
            id: digest(&keys),
            subject: format!("lotwatch: {event} · {}", a.lot_number),
            priority: priority(&event),
            keys,
            rule: DEFAULT_RULE.into(),
            lot_id: (!a.lot_id.is_empty()).then(|| a.lot_id.clone()),
            event,
            text,
            json,
        }
    }

    /// The journal's record of it, queued.
    pub fn queued_record(&self, server_at: Option<Timestamp>) -> JournalRecord {
        JournalRecord::Anomaly {
            lot_id: self.lot_id.clone(),
            server_at,
            kind: QUEUED.into(),
            evidence: serde_json::to_string(self).unwrap_or_default(),
        }
    }
}

/// The journal's record that `channel` delivered alert `id`.
pub fn delivered_record(id: &str, channel: &str, server_at: Option<Timestamp>) -> JournalRecord {
    JournalRecord::Anomaly {
        lot_id: None,
        server_at,
        kind: DELIVERED.into(),
        evidence: serde_json::json!({ "id": id, "channel": channel }).to_string(),
    }
}

/// What the journal says of the alerts so far: every key sent or queued,
/// and the alerts some channel has not delivered (oldest first).
#[derive(Debug, Default)]
pub struct Restored {
    pub keys: Vec<String>,
    /// Each alert with the channels that delivered it.
    pub alerts: Vec<(Outgoing, Vec<String>)>,
}

pub fn restore<'a>(rows: impl IntoIterator<Item = (&'a str, &'a str)>) -> Restored {
    let mut r = Restored::default();
    let mut delivered: Vec<(String, String)> = Vec::new();
    for (kind, evidence) in rows {
        match kind {
            QUEUED => {
                if let Ok(o) = serde_json::from_str::<Outgoing>(evidence) {
                    r.keys.extend(o.keys.iter().cloned());
                    r.alerts.push((o, Vec::new()));
                }
            }
            DELIVERED => {
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(evidence)
                    && let (Some(id), Some(ch)) = (v["id"].as_str(), v["channel"].as_str())
                {
                    delivered.push((id.to_string(), ch.to_string()));
                }
            }
            _ => {}
        }
    }
    for (id, ch) in delivered {
        for (o, done) in r.alerts.iter_mut().filter(|(o, _)| o.id == id) {
            let _ = o;
            done.push(ch.clone());
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::alerts::AlertKind;
    use crate::app::log::AlertText;
    use crate::domain::Money;

    /// Today's alerts leave in the interface language, and are known as
    /// sent whatever the language of the run that sent them.
    #[test]
    fn a_default_alert_is_delivered_in_the_interface_language() {
        let a = Alert {
            kind: AlertKind::Outbid,
            lot_id: "L1".into(),
            lot_number: "401102".into(),
            message: "outbid on 401102 Ақшатау-2 by P-07 at 46 725 000 KZT".into(),
            what: Some(AlertText::Outbid {
                name: "Ақшатау-2".into(),
                bidder: "P-07".into(),
                amount: Some(Money::from_tenge(46_725_000)),
            }),
        };
        let en = Outgoing::of_default(&a, None, Lang::En);
        let ru = Outgoing::of_default(&a, None, Lang::Ru);
        let kk = Outgoing::of_default(&a, None, Lang::Kk);
        for o in [&en, &ru, &kk] {
            assert!(
                o.text.contains("P-07") && o.text.contains("46"),
                "{}",
                o.text
            );
            assert_eq!(o.json["message"], o.text.as_str());
        }
        assert_ne!(ru.text, en.text);
        assert_ne!(kk.text, en.text);
        assert!(
            ru.text.chars().any(|c| ('а'..='я').contains(&c)),
            "{}",
            ru.text
        );
        assert_eq!((en.id.as_str(), &en.keys), (ru.id.as_str(), &ru.keys));
        assert_eq!(en.keys, kk.keys);
    }
}
