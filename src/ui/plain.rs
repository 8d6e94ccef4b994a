//! The screen's news as plain sentences, for screen readers (`lotwatch
//! watch --format text`): one sentence per change, in the interface
//! language, with the words the panes use and none of their symbols, boxes
//! or columns.

use crate::app::log::LogEntry;
use crate::app::{Anomaly, App};
use crate::domain::{LinkState, Timestamp};
use crate::ui::i18n::Lang;

/// A label without its leading symbol: `● LIVE` -> `LIVE`.
fn bare(label: &str) -> &str {
    label.trim_start_matches(|c: char| !c.is_alphanumeric())
}

/// `hh:mm:ss` Astana, or nothing before the first clock sample.
fn at(t: Option<Timestamp>) -> String {
    t.map(|t| format!("{}, ", t.astana_hms()))
        .unwrap_or_default()
}

/// Ends a sentence with a full stop unless it already ends with one.
fn sentence(mut s: String) -> String {
    let s_trim = s.trim_end();
    if !s_trim.ends_with(['.', '!', '?', '…']) {
        s.truncate(s_trim.len());
        s.push('.');
    }
    s
}

/// What an alert says, in `lang`, without time or lot (an alert's
/// delivered text).
pub fn alert_words(
    kind: crate::app::alerts::AlertKind,
    what: &crate::app::log::AlertText,
    lang: Lang,
) -> String {
    let text = crate::app::log::LogText::Alert {
        kind,
        what: what.clone(),
    };
    super::events::words_in(&text, lang.texts(), lang)
}

/// An entry of the events pane (a feed event or an alert).
pub fn log_entry(e: &LogEntry, lang: Lang) -> String {
    let words = super::events::words_in(&e.text, lang.texts(), lang);
    let lot = if e.lot.is_empty() {
        String::new()
    } else {
        format!("{}: ", e.lot)
    };
    sentence(format!("{}{lot}{words}", at(e.at)))
}

/// An anomaly, with its lot's number and name and the evidence.
pub fn anomaly(app: &App, a: &Anomaly, lang: Lang) -> String {
    let tx = lang.texts();
    let lot = a.lot_id.as_deref().map(|id| match app.lots().find(id) {
        Some((l, _)) => format!("{} {}, ", l.number, l.name),
        None => format!("{id}, "),
    });
    sentence(format!(
        "{}{}: {}{}",
        at(Some(a.server_at)),
        (tx.anomaly_kind)(a.kind),
        lot.unwrap_or_default(),
        (tx.evidence)(&a.detail)
    ))
}

/// The link to the platform changed.
pub fn link(l: &LinkState, now: Option<Timestamp>, lang: Lang) -> String {
    let tx = lang.texts();
    let what = match l {
        LinkState::Connecting => bare(tx.connecting).to_string(),
        LinkState::Live => bare(tx.live).to_string(),
        LinkState::Retrying { cause, .. } => {
            format!("{}: {}", bare(tx.retrying), (tx.link_cause)(cause))
        }
        LinkState::Offline { since, cause } => format!(
            "{}: {}",
            bare(&(tx.offline)(&since.astana_hms())),
            (tx.link_cause)(cause)
        ),
    };
    sentence(format!("{}{what}", at(now)))
}

/// Whether `s` holds anything a screen reader would spell out as a symbol:
/// box drawing, block elements, geometric shapes.
pub fn is_plain(s: &str) -> bool {
    !s.chars()
        .any(|c| ('\u{2500}'..='\u{25FF}').contains(&c) || ('\u{2580}'..='\u{259F}').contains(&c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::log::{LogKind, LogText};
    use crate::domain::LinkCause;
    use crate::domain::Money;

    #[test]
    fn sentences_in_each_language_without_symbols() {
        let e = LogEntry {
            source: crate::domain::SourceId::FIRST,
            seq: Some(7),
            at: Some(Timestamp(1_750_740_000_000)),
            kind: LogKind::Bid,
            lot: "401125".into(),
            text: LogText::Bid {
                amount: Money::from_tenge(350_000_000),
                bidder: "P-09".into(),
            },
        };
        let en = log_entry(&e, Lang::En);
        assert!(en.ends_with("401125: 350 000 000 ₸ by P-09."), "{en}");
        let ru = log_entry(&e, Lang::Ru);
        assert!(
            ru.contains("401125: ") && ru != en && ru.ends_with('.'),
            "{ru}"
        );
        for lang in Lang::ALL {
            let l = link(
                &LinkState::Offline {
                    since: Timestamp(1_750_740_000_000),
                    cause: LinkCause::Refused,
                },
                None,
                lang,
            );
            assert!(is_plain(&l) && !l.starts_with('✖'), "{l}");
            assert!(is_plain(&link(&LinkState::Live, None, lang)));
        }
        assert!(!is_plain("┃ 401102"));
    }
}
