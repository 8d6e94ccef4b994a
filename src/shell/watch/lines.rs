//! The records `watch` prints, as JSON lines and as TSV rows: feed events
//! (the fields of the JSON export, plus `lot_number`, with the rate in use),
//! alerts, anomalies, data issues, link changes, snapshots and dropped-line
//! counts. Text comes from the app's state, sanitized where it entered.

use crate::app::alerts::Alert;
use crate::app::{Anomaly, App};
use crate::domain::clock::wall_now;
use crate::domain::money::convert;
use crate::domain::{Currency, Event, EventKind, Timestamp};
use crate::journal::StoredEvent;
use crate::journal::export::Row;
use crate::sync::{DataIssue, LinkState};
use serde_json::{Value, json};

const FOREIGN: [Currency; 3] = [Currency::Usd, Currency::Eur, Currency::Cny];

/// The TSV header.
pub const TSV_COLUMNS: [&str; 13] = [
    "seq",
    "type",
    "lot_id",
    "lot_number",
    "server_time",
    "astana_time",
    "amount_kzt",
    "amount_usd",
    "bidder",
    "status",
    "closes_at",
    "extensions",
    "message",
];

/// One record, before it is written in a format.
#[derive(Clone, Debug, PartialEq)]
pub struct Record(pub Value);

fn lot_number(app: &App, lot_id: Option<&str>) -> Option<String> {
    lot_id
        .and_then(|id| app.lots().find(id))
        .map(|(l, _)| l.number.clone())
}

fn time(t: Option<Timestamp>) -> Value {
    t.map(|t| Value::String(t.to_rfc3339()))
        .unwrap_or(Value::Null)
}

/// A feed event: the export's row, `lot_number`, and amounts at the rate in
/// use (its date and source; fixed rates have no date).
pub fn event(app: &App, ev: &Event) -> Record {
    let lot_id = ev.lot_id.clone().or(match &ev.kind {
        EventKind::Lot(l) => Some(l.id.clone()),
        _ => None,
    });
    let stored = StoredEvent {
        auction: app.auction().map(|a| a.id.clone()).unwrap_or_default(),
        seq: ev.seq,
        server_at: ev.at,
        received_at: wall_now(),
        event: ev.clone(),
    };
    let mut row = Row::from_event(&stored, &Default::default());
    if let Some(table) = app.rates() {
        row.rate_date = table.date.map(|d| d.to_string());
        row.rate_source = Some(table.source.label().to_ascii_lowercase());
        let amount = row
            .amount_kzt
            .as_deref()
            .and_then(|a| crate::domain::Money::parse(a).ok());
        for (i, cur) in FOREIGN.iter().enumerate() {
            let rate = table.get(*cur);
            let conv = rate
                .zip(amount)
                .and_then(|(r, a)| convert(a, *cur, r))
                .map(|c| format!("{:.2}", c.amount));
            row.converted[i] = (rate.map(|r| r.0.to_string()), conv);
        }
    }
    let mut v = row.json();
    if let Value::Object(m) = &mut v {
        m.insert(
            "lot_id".into(),
            lot_id.clone().map_or(Value::Null, Value::String),
        );
        m.insert(
            "lot_number".into(),
            lot_number(app, lot_id.as_deref()).map_or(Value::Null, Value::String),
        );
        let src = lot_id
            .as_deref()
            .and_then(|id| app.lots().find(id))
            .map_or(crate::domain::SourceId::FIRST, |(_, meta)| meta.source);
        let source = app.lots().source_label(src);
        if !source.is_empty() {
            m.insert("source".into(), Value::String(source.to_string()));
        }
    }
    Record(v)
}

/// An event a snapshot showed had happened (see `App::seen`): the event's
/// record, marked `"observed": true` (a bid has its own seq, the others the
/// snapshot's).
pub fn seen_event(app: &App, ev: &Event) -> Record {
    let mut r = event(app, ev);
    if let Value::Object(m) = &mut r.0 {
        m.insert("observed".into(), Value::Bool(true));
    }
    r
}

pub fn alert(a: &Alert, server_now: Option<Timestamp>) -> Record {
    let id = (!a.lot_id.is_empty()).then(|| a.lot_id.clone());
    Record(json!({
        "type": "alert",
        "kind": a.kind.as_str(),
        "lot_id": id,
        "lot_number": (!a.lot_number.is_empty()).then(|| a.lot_number.clone()),
        "server_time": time(server_now),
        "message": a.message,
    }))
}

/// A `[[rule]]` alert: type `alert` with the rule's name, its event as the
/// kind, and each change.
pub fn rule_alert(a: &crate::app::rules::RuleAlert, lang: crate::ui::i18n::Lang) -> Record {
    use crate::ui::i18n::alerts as words;
    Record(json!({
        "type": "alert",
        "kind": a.event().as_str(),
        "rule": a.rule,
        "lot_id": a.lot.id,
        "lot_number": a.lot.number,
        "server_time": time(a.server_time),
        "status": a.lot.status.as_str(),
        "url": a.lot.url,
        "changes": a.changes.iter().map(|c| json!({
            "event": c.event().as_str(),
            "value": c.value(),
        })).collect::<Vec<_>>(),
        "message": words::pane_line(lang, &a.rule, &a.lot.name, &a.changes),
    }))
}

pub fn anomaly(app: &App, a: &Anomaly) -> Record {
    Record(json!({
        "type": "anomaly",
        "kind": a.kind.as_str(),
        "lot_id": a.lot_id,
        "lot_number": lot_number(app, a.lot_id.as_deref()),
        "server_time": a.server_at.to_rfc3339(),
        "evidence": a.evidence,
    }))
}

/// The journal's `journal_gap` anomaly: feed events it could not read
/// (the snapshot stands for them), worded as the journal stores it.
pub fn journal_gap(from: u64, to: u64, why: &str, server_now: Option<Timestamp>) -> Record {
    Record(json!({
        "type": "anomaly",
        "kind": crate::journal::writer::JOURNAL_GAP,
        "lot_id": null,
        "lot_number": null,
        "server_time": time(server_now),
        "evidence": crate::sync::Backfill::lost_evidence(from, to, why),
    }))
}

pub fn data_issue(app: &App, i: &DataIssue, server_now: Option<Timestamp>) -> Record {
    Record(json!({
        "type": "data_issue",
        "lot_id": i.lot_id,
        "lot_number": lot_number(app, i.lot_id.as_deref()),
        "server_time": time(server_now),
        "field": i.field,
        "problem": i.problem,
    }))
}

/// `{"type":"link","state":"retrying","cause":"…"}`. The cause is the
/// link's `LinkCause` in the log's English words.
pub fn link(l: &LinkState, server_now: Option<Timestamp>) -> Record {
    let (state, cause, attempt, since) = match l {
        LinkState::Connecting => ("connecting", None, None, None),
        LinkState::Live => ("live", None, None, None),
        LinkState::Retrying { attempt, cause } => {
            ("retrying", Some(cause.to_string()), Some(*attempt), None)
        }
        LinkState::Offline { since, cause } => {
            ("offline", Some(cause.to_string()), None, Some(*since))
        }
    };
    Record(json!({
        "type": "link",
        "state": state,
        "cause": cause,
        "attempt": attempt,
        "since": time(since),
        "server_time": time(server_now),
    }))
}

/// A snapshot replaced the lots: events follow from `seq + 1`. A snapshot
/// past the last event printed declares a gap (the events between are in
/// the journal, not in this stream).
pub fn snapshot(seq: u64, lots: usize, server_now: Option<Timestamp>) -> Record {
    Record(json!({
        "type": "snapshot",
        "seq": seq,
        "lots": lots,
        "server_time": time(server_now),
    }))
}

/// `{"type":"dropped","count":N}`: N lines a slow reader did not get.
pub fn dropped_json(count: u64) -> String {
    json!({"type": "dropped", "count": count}).to_string()
}

/// The TSV row for a dropped-lines count.
pub fn dropped_tsv(count: u64) -> String {
    let mut cells = vec![String::new(); TSV_COLUMNS.len()];
    cells[1] = "dropped".into();
    cells[12] = count.to_string();
    cells.join("\t")
}

impl Record {
    pub fn jsonl(&self) -> String {
        self.0.to_string()
    }

    /// The row in `TSV_COLUMNS` order: tabs and line breaks become spaces,
    /// and a cell a spreadsheet would run as a formula is neutralized as the
    /// CSV writers do (`platform::output`).
    pub fn tsv(&self) -> String {
        let get = |k: &str| -> String {
            match self.0.get(k) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
            }
        };
        let kind = get("type");
        let (status, message) = match kind.as_str() {
            "alert" => (get("kind"), get("message")),
            "anomaly" => (get("kind"), get("evidence")),
            "data_issue" => (get("field"), get("problem")),
            "link" => (get("state"), get("cause")),
            "snapshot" => (String::new(), format!("{} lots", get("lots"))),
            _ => (get("status"), get("message")),
        };
        let cells = [
            get("seq"),
            kind,
            get("lot_id"),
            get("lot_number"),
            get("server_time"),
            get("astana_time"),
            get("amount_kzt"),
            get("amount_usd"),
            get("bidder"),
            status,
            get("closes_at"),
            get("extensions"),
            message,
        ];
        cells
            .iter()
            .map(|c| {
                crate::platform::output::neutralize_formula(&c.replace(['\t', '\n', '\r'], " "))
            })
            .collect::<Vec<_>>()
            .join("\t")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::AppOptions;
    use crate::domain::{Money, Rate};
    use crate::rates::{RateSource, RateTable};
    use std::collections::BTreeMap;

    #[test]
    fn an_event_has_the_exports_fields_lot_number_and_the_rate_in_use() {
        let mut app = App::new(AppOptions::default());
        let mut rates = BTreeMap::new();
        rates.insert(Currency::Usd, Rate("520.00".parse().expect("rate")));
        let table = RateTable {
            source: RateSource::Nbk,
            date: Some(jiff::civil::date(2025, 6, 24)),
            rates,
            fetched_at: Timestamp(0),
            fallback: None,
        };
        app.update(
            crate::app::Msg::Sync(crate::sync::SyncMsg::Rates(table)),
            crate::domain::clock::Mono(0),
        );
        let ev = Event {
            seq: 7,
            at: Timestamp(1_750_741_800_000),
            lot_id: Some("L1".into()),
            kind: EventKind::Bid {
                amount: Money::parse("5200.00").expect("money"),
                bidder: "P-07".into(),
                closes_at: Timestamp(1_750_741_900_000),
            },
        };
        let r = event(&app, &ev);
        let keys: Vec<&str> =
            r.0.as_object()
                .expect("object")
                .keys()
                .map(|k| k.as_str())
                .collect();
        for c in crate::journal::export::COLUMNS {
            assert!(keys.contains(&c), "{c} in {keys:?}");
        }
        assert!(keys.contains(&"lot_number"));
        assert_eq!(r.0["amount_kzt"], "5200.00");
        assert_eq!(r.0["amount_usd"], "10.00");
        assert_eq!(r.0["rate_date"], "2025-06-24");
        assert_eq!(r.0["rate_source"], "nbk");
        let tsv = r.tsv();
        let cells: Vec<&str> = tsv.split('\t').collect();
        assert_eq!(cells.len(), TSV_COLUMNS.len());
        assert_eq!(&cells[..3], ["7", "bid", "L1"]);
        assert_eq!((cells[6], cells[7], cells[8]), ("5200.00", "10.00", "P-07"));
        let link = link(
            &LinkState::Retrying {
                attempt: 2,
                cause: crate::domain::LinkCause::Refused,
            },
            None,
        );
        assert_eq!(
            (&link.0["type"], &link.0["state"], &link.0["cause"]),
            (
                &json!("link"),
                &json!("retrying"),
                &json!(crate::domain::LinkCause::Refused.to_string())
            )
        );
        assert_eq!(dropped_json(3), r#"{"count":3,"type":"dropped"}"#);
    }

    #[test]
    fn tsv_cells_never_run_as_formulas() {
        let app = App::new(AppOptions::default());
        let ev = Event {
            seq: 7,
            at: Timestamp(1_750_741_800_000),
            lot_id: Some("=HYPERLINK(\"http://evil.example\")".into()),
            kind: EventKind::Bid {
                amount: Money::parse("5200.00").expect("money"),
                bidder: "@SUM(A1)".into(),
                closes_at: Timestamp(1_750_741_900_000),
            },
        };
        let tsv = event(&app, &ev).tsv();
        let cells: Vec<&str> = tsv.split('\t').collect();
        assert_eq!(cells[2], "'=HYPERLINK(\"http://evil.example\")");
        assert_eq!(cells[8], "'@SUM(A1)");
        assert_eq!(cells[6], "5200.00");
        let note = journal_gap(1, 2, "-1+1", None).tsv();
        assert!(
            note.split('\t')
                .all(|c| !c.starts_with(['=', '+', '-', '@'])),
            "{note}"
        );
    }

    #[test]
    fn a_journal_gap_is_an_anomaly_in_words() {
        let r = journal_gap(1, 16, "the feed skipped them", None);
        assert_eq!(r.0["type"], "anomaly");
        assert_eq!(r.0["kind"], "journal_gap");
        let tsv = r.tsv();
        let cells: Vec<&str> = tsv.split('\t').collect();
        assert_eq!(cells[9], "journal_gap");
        assert_eq!(
            cells[12],
            "events 1–16 not read from the feed: the feed skipped them"
        );
    }
}
