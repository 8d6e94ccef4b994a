//! `lotwatch export`: a journal's events to stdout as CSV or JSON, text
//! sanitized again, amounts in exact tenge and at the official rate of the
//! event's Astana date.
//!
//! - **CSV**: RFC 4180 (fields quoted when needed, CRLF line ends), a header
//!   row, and a UTF-8 byte-order mark first so that spreadsheet programs read
//!   Cyrillic correctly (`--no-bom` leaves it out for other tools). A cell
//!   starting with `=`, `+`, `-`, `@`, a tab or a carriage return (after any
//!   apostrophes) gets one more leading `'`, so a spreadsheet shows it as
//!   text and never runs it; a plain negative number stays a number
//!   (`platform::output`). To read the original back, drop one leading `'`
//!   from a cell that matches `'+[=+\-@\t\r]`.
//! - **JSON**: one array, one object per line, with the CSV's field names;
//!   `seq` and `extensions` are numbers, amounts and rates decimal strings,
//!   empty fields `null`, and `lot` the whole lot in the API's form.

use super::store::{Journal, JournalError, StoredEvent};
use crate::domain::money::convert;
use crate::domain::{Currency, EventKind, Money, Rate, Timestamp};
use crate::platform::output::neutralize_formula;
use crate::platform::sanitize::clean;
use crate::platform::wire::WireLot;
use std::collections::BTreeMap;
use std::io::Write;

/// The columns, in order; also the JSON field names.
pub const COLUMNS: [&str; 24] = [
    "auction",
    "seq",
    "type",
    "lot_id",
    "server_time",
    "astana_time",
    "received_at",
    "amount_kzt",
    "bidder",
    "closes_at",
    "extensions",
    "status",
    "winner",
    "protocol_at",
    "message",
    "lot",
    "rate_date",
    "rate_source",
    "usd_rate",
    "amount_usd",
    "eur_rate",
    "amount_eur",
    "cny_rate",
    "amount_cny",
];

/// Rate sources in order of preference for "the official rate of the day".
const SOURCES: [&str; 2] = ["nbk", "platform"];
const FOREIGN: [Currency; 3] = [Currency::Usd, Currency::Eur, Currency::Cny];

/// The output format of an export.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Json,
}

#[derive(Clone, Debug)]
pub struct ExportOptions {
    pub format: ExportFormat,
    pub lot: Option<String>,
    pub bom: bool,
    /// Only this auction's events (a journal records each source as its
    /// own auction); None: every auction's.
    pub auction: Option<String>,
}

/// One output row; `None` is an empty cell (CSV) or `null` (JSON).
#[derive(Clone, Debug, Default)]
pub struct Row {
    pub auction: String,
    pub seq: u64,
    pub kind: String,
    pub lot_id: Option<String>,
    pub server_time: String,
    pub astana_time: String,
    pub received_at: String,
    pub amount_kzt: Option<String>,
    pub bidder: Option<String>,
    pub closes_at: Option<String>,
    pub extensions: Option<u32>,
    pub status: Option<String>,
    pub winner: Option<String>,
    pub protocol_at: Option<String>,
    pub message: Option<String>,
    pub lot: Option<WireLot>,
    pub rate_date: Option<String>,
    pub rate_source: Option<String>,
    /// (rate, converted amount) for USD, EUR, CNY.
    pub converted: [(Option<String>, Option<String>); 3],
}

type Rates = BTreeMap<(String, String), BTreeMap<String, String>>;

impl Row {
    pub fn from_event(s: &StoredEvent, rates: &Rates) -> Row {
        let e = &s.event;
        let mut row = Row {
            auction: clean(&s.auction, 64),
            seq: s.seq,
            kind: e.kind.type_name().to_string(),
            lot_id: e.lot_id.clone(),
            server_time: e.at.to_rfc3339(),
            astana_time: astana(e.at),
            received_at: s.received_at.to_rfc3339(),
            ..Row::default()
        };
        let mut amount: Option<Money> = None;
        match &e.kind {
            EventKind::Bid {
                amount: a,
                bidder,
                closes_at,
            } => {
                amount = Some(*a);
                row.bidder = Some(bidder.clone());
                row.closes_at = Some(closes_at.to_rfc3339());
            }
            EventKind::Extended {
                closes_at,
                extensions,
            } => {
                row.closes_at = Some(closes_at.to_rfc3339());
                row.extensions = Some(*extensions);
            }
            EventKind::Status {
                status_text: _,
                status,
                closes_at,
                result,
            } => {
                row.status = Some(status.as_str().to_string());
                row.closes_at = Some(closes_at.to_rfc3339());
                if let Some(r) = result {
                    amount = Some(r.amount);
                    row.winner = Some(r.winner.clone());
                    row.protocol_at = Some(r.protocol_at.to_rfc3339());
                }
            }
            EventKind::Lot(l) => row.lot = Some(WireLot::from(l.as_ref())),
            EventKind::Notice { message } => row.message = Some(message.clone()),
            EventKind::Unknown { .. } => {}
        }
        row.amount_kzt = amount.map(|a| a.to_wire());
        let date = e.at.astana_date().map(|d| d.to_string());
        let day = date.as_ref().and_then(|d| {
            SOURCES
                .iter()
                .find_map(|src| rates.get(&(d.clone(), src.to_string())).map(|t| (*src, t)))
        });
        if let (Some(d), Some((src, table))) = (date, day) {
            row.rate_date = Some(d);
            row.rate_source = Some(src.to_string());
            for (i, cur) in FOREIGN.iter().enumerate() {
                let rate = table.get(cur.code());
                let conv = rate
                    .and_then(|r| r.parse().ok())
                    .zip(amount)
                    .and_then(|(r, a)| convert(a, *cur, Rate(r)))
                    .map(|c| format!("{:.2}", c.amount));
                row.converted[i] = (rate.cloned(), conv);
            }
        }
        row
    }

    /// The row as CSV cells, formula-neutralized, in `COLUMNS` order.
    pub fn csv_cells(&self) -> Vec<String> {
        let o = |v: &Option<String>| v.clone().unwrap_or_default();
        let mut cells = vec![
            self.auction.clone(),
            self.seq.to_string(),
            self.kind.clone(),
            o(&self.lot_id),
            self.server_time.clone(),
            self.astana_time.clone(),
            self.received_at.clone(),
            o(&self.amount_kzt),
            o(&self.bidder),
            o(&self.closes_at),
            self.extensions.map(|x| x.to_string()).unwrap_or_default(),
            o(&self.status),
            o(&self.winner),
            o(&self.protocol_at),
            o(&self.message),
            self.lot
                .as_ref()
                .map(|l| serde_json::to_string(l).expect("wire structs always serialize"))
                .unwrap_or_default(),
            o(&self.rate_date),
            o(&self.rate_source),
        ];
        for (rate, amount) in &self.converted {
            cells.push(o(rate));
            cells.push(o(amount));
        }
        cells.into_iter().map(|c| neutralize_formula(&c)).collect()
    }

    pub fn json(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        let s = |v: &Option<String>| {
            v.clone()
                .map(serde_json::Value::String)
                .unwrap_or(serde_json::Value::Null)
        };
        m.insert("auction".into(), self.auction.clone().into());
        m.insert("seq".into(), self.seq.into());
        m.insert("type".into(), self.kind.clone().into());
        m.insert("lot_id".into(), s(&self.lot_id));
        m.insert("server_time".into(), self.server_time.clone().into());
        m.insert("astana_time".into(), self.astana_time.clone().into());
        m.insert("received_at".into(), self.received_at.clone().into());
        m.insert("amount_kzt".into(), s(&self.amount_kzt));
        m.insert("bidder".into(), s(&self.bidder));
        m.insert("closes_at".into(), s(&self.closes_at));
        m.insert(
            "extensions".into(),
            self.extensions
                .map(Into::into)
                .unwrap_or(serde_json::Value::Null),
        );
        m.insert("status".into(), s(&self.status));
        m.insert("winner".into(), s(&self.winner));
        m.insert("protocol_at".into(), s(&self.protocol_at));
        m.insert("message".into(), s(&self.message));
        m.insert(
            "lot".into(),
            self.lot
                .as_ref()
                .map(|l| serde_json::to_value(l).expect("wire structs always serialize"))
                .unwrap_or_default(),
        );
        m.insert("rate_date".into(), s(&self.rate_date));
        m.insert("rate_source".into(), s(&self.rate_source));
        for (i, cur) in FOREIGN.iter().enumerate() {
            let code = cur.code().to_ascii_lowercase();
            m.insert(format!("{code}_rate"), s(&self.converted[i].0));
            m.insert(format!("amount_{code}"), s(&self.converted[i].1));
        }
        serde_json::Value::Object(m)
    }
}

/// `2025-06-24 10:00:00.000`, Astana wall clock.
fn astana(t: Timestamp) -> String {
    t.astana()
        .map(|z| z.strftime("%Y-%m-%d %H:%M:%S%.3f").to_string())
        .unwrap_or_default()
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error("writing the export: {0}")]
    Io(#[from] std::io::Error),
    #[error("writing the export: {0}")]
    Csv(#[from] csv::Error),
}

/// Writes the export of `journal` to `out`; returns the number of rows.
pub fn export(
    journal: &Journal,
    opts: &ExportOptions,
    out: &mut dyn Write,
) -> Result<usize, ExportError> {
    let mut events = journal.events(opts.lot.as_deref())?;
    if let Some(a) = &opts.auction {
        events.retain(|e| e.auction == *a);
    }
    let rates = journal.rates()?;
    let rows = events.iter().map(|e| Row::from_event(e, &rates));
    let mut n = 0;
    match opts.format {
        ExportFormat::Csv => {
            if opts.bom {
                out.write_all("\u{feff}".as_bytes())?;
            }
            let mut w = csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .from_writer(&mut *out);
            w.write_record(COLUMNS)?;
            for r in rows {
                w.write_record(r.csv_cells())?;
                n += 1;
            }
            w.flush()?;
        }
        ExportFormat::Json => {
            out.write_all(b"[")?;
            for r in rows {
                out.write_all(if n == 0 { b"\n" } else { b",\n" })?;
                serde_json::to_writer(&mut *out, &r.json()).map_err(std::io::Error::from)?;
                n += 1;
            }
            out.write_all(b"\n]\n")?;
        }
    }
    out.flush()?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_never_run_as_formulas() {
        let row = Row {
            kind: "bid".into(),
            bidder: Some("=HYPERLINK(\"http://evil.example\")".into()),
            message: Some("@SUM(A1)".into()),
            winner: Some("+7 700".into()),
            status: Some("\rx".into()),
            amount_kzt: Some("-1250.50".into()),
            ..Row::default()
        };
        let cells = row.csv_cells();
        let at = |name: &str| {
            let i = COLUMNS.iter().position(|c| *c == name).expect("a column");
            cells[i].as_str()
        };
        assert_eq!(at("bidder"), "'=HYPERLINK(\"http://evil.example\")");
        assert_eq!(at("message"), "'@SUM(A1)");
        assert_eq!(at("winner"), "'+7 700");
        assert_eq!(at("status"), "'\rx");
        assert_eq!(
            at("amount_kzt"),
            "-1250.50",
            "a plain negative number stays"
        );
    }

    #[test]
    fn an_unreadable_amount_is_exported_as_such_and_read_back() {
        let mut lot = crate::testing::test_lot();
        lot.starting_bonus = crate::domain::Amount::Unreadable;
        let stored = StoredEvent {
            auction: "a".into(),
            seq: 3,
            server_at: Timestamp(0),
            received_at: Timestamp(0),
            event: crate::domain::Event {
                seq: 3,
                at: Timestamp(0),
                lot_id: Some(lot.id.clone()),
                kind: EventKind::Lot(Box::new(lot.clone())),
            },
        };
        let row = Row::from_event(&stored, &Rates::new());
        assert_eq!(row.json()["lot"]["starting_bonus"], "unreadable");
        let i = COLUMNS
            .iter()
            .position(|c| *c == "lot")
            .expect("lot column");
        let cell = &row.csv_cells()[i];
        assert!(cell.contains(r#""starting_bonus":"unreadable""#), "{cell}");
        let back = crate::journal::codec::decode_lot(cell).expect("the lot reads back");
        assert_eq!(back, lot);
    }

    #[test]
    fn columns_match_json_fields() {
        let row = Row {
            kind: "bid".into(),
            ..Row::default()
        };
        let v = row.json();
        let keys: Vec<&str> = v
            .as_object()
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let mut cols = COLUMNS.to_vec();
        cols.sort_unstable();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(keys, cols);
        assert_eq!(row.csv_cells().len(), COLUMNS.len());
    }
}
