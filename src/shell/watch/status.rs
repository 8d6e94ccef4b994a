//! The one-line status of `watch --format status` and its waybar form: the
//! link, how many lots are open, the next close and the highest open bid, of
//! the lots the filter shows (the watched ones for the next close, when
//! there are any), and with `--me` how many we lead and were outbid on. In
//! the interface language (`--lang`), as the screen says it; scripts match
//! the waybar classes, which stay English. A pure function of the app state.

use crate::app::App;
use crate::app::countdown::{Countdown, countdown};
use crate::app::lots::{LotStore, MeState};
use crate::domain::clock::Mono;
use crate::domain::{Lot, LotStatus};
use crate::sync::LinkState;
use crate::ui::i18n::Texts;
use serde_json::json;

/// Lots listed in the waybar tooltip.
const TOOLTIP_LOTS: usize = 5;

/// The status at one moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub tooltip: String,
    /// waybar classes: the link state, and `outbid` / `closing` when so.
    pub classes: Vec<&'static str>,
}

impl Status {
    /// waybar's custom-module JSON. waybar reads `text` and `tooltip` as
    /// Pango markup: `&`, `<` and `>` from lot names are escaped.
    pub fn waybar(&self) -> String {
        json!({
            "text": pango_escape(&self.text),
            "tooltip": pango_escape(&self.tooltip),
            "class": self.classes,
        })
        .to_string()
    }
}

fn pango_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn link_text(l: &LinkState, tx: &Texts) -> (String, &'static str) {
    match l {
        LinkState::Connecting => (tx.connecting.into(), "connecting"),
        LinkState::Live => (tx.live.into(), "live"),
        LinkState::Retrying { attempt, .. } => (format!("{} {attempt}", tx.retrying), "retrying"),
        LinkState::Offline { since, .. } => ((tx.offline)(&since.astana_hms()), "offline"),
    }
}

/// `mm:ss` under an hour, `h:mm:ss` above.
fn clock_text(ms: u64) -> String {
    let s = ms.div_ceil(1000);
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{:02}:{:02}", s / 60, s % 60)
    }
}

/// Time left of an open lot: running, or at zero (`closing…`).
fn left_ms(lot: &Lot, c: &Countdown) -> Option<u64> {
    match c {
        Countdown::Running { left_ms, .. } if lot.status == LotStatus::Open => Some(*left_ms),
        Countdown::Closing { .. } => Some(0),
        _ => None,
    }
}

/// The status of `app` at `now`; `alert_ms` is the alert window (a watched
/// lot inside it makes the class `closing`).
pub fn status(app: &App, now: Mono, alert_ms: u64, tx: &Texts) -> Status {
    let store = app.lots();
    let server = app.server_now(now);
    let me = app.options().me.as_deref();
    let (link, link_class) = link_text(app.link(), tx);
    let [open_w, high_w] = tx.status_words;
    let mut open = 0usize;
    let mut high = None;
    let (mut leading, mut outbid) = (0usize, 0usize);
    // (time left, watched, lot)
    let mut closing: Vec<(u64, bool, &Lot)> = Vec::new();
    for pos in 0..store.view_len() {
        let Some((lot, meta)) = store.row(pos) else {
            continue;
        };
        if lot.status == LotStatus::Open {
            open += 1;
            if let Some(h) = &lot.high_bid {
                high = high.max(Some(h.amount));
            }
        }
        match LotStore::me_state(lot, meta, me) {
            Some(MeState::Leading) if !lot.status.is_final() => leading += 1,
            Some(MeState::Outbid) if !lot.status.is_final() => outbid += 1,
            _ => {}
        }
        let c = countdown(lot, server, meta.frozen_left_ms);
        if let Some(ms) = left_ms(lot, &c) {
            closing.push((ms, store.is_watched(&lot.id), lot));
        }
    }
    closing.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.2.number.cmp(&b.2.number)));
    let any_watched = closing.iter().any(|c| c.1);
    let next = closing.iter().find(|c| c.1 || !any_watched);
    let mut parts = vec![link, format!("{open} {open_w}")];
    if let Some((ms, watched, lot)) = next {
        let star = if *watched { "★ " } else { "" };
        let lot = format!("{star}{}", lot.number);
        let when = if *ms == 0 {
            tx.closing.to_string()
        } else {
            clock_text(*ms)
        };
        parts.push((tx.next_close)(&lot, &when, *ms == 0));
    }
    if let Some(h) = high {
        parts.push(format!("{high_w} {}", h.compact()));
    }
    if me.is_some() {
        parts.push(format!("▲{leading} ▼{outbid}"));
    }
    let mut classes = vec![link_class];
    if outbid > 0 {
        classes.push("outbid");
    }
    if closing.iter().any(|(ms, w, _)| *w && *ms <= alert_ms) {
        classes.push("closing");
    }
    let tooltip = closing
        .iter()
        .take(TOOLTIP_LOTS)
        .map(|(ms, w, lot)| {
            let bid = lot
                .high_bid
                .as_ref()
                .map_or(tx.no_bids_yet.to_string(), |h| h.amount.compact());
            format!(
                "{}{} {}  {}  {bid}",
                if *w { "★ " } else { "" },
                lot.number,
                lot.name,
                clock_text(*ms)
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    Status {
        text: parts.join(" · "),
        tooltip,
        classes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waybar_escapes_markup() {
        let s = Status {
            text: "a <b> & c".into(),
            tooltip: "<span>".into(),
            classes: vec!["live"],
        };
        assert_eq!(
            s.waybar(),
            r#"{"class":["live"],"text":"a &lt;b&gt; &amp; c","tooltip":"&lt;span&gt;"}"#
        );
    }

    #[test]
    fn the_status_line_is_in_the_interface_language() {
        use crate::ui::i18n::Lang;
        let app = App::new(crate::app::AppOptions::default());
        let en = status(&app, Mono(0), 0, Lang::En.texts()).text;
        assert!(en.ends_with(" · 0 open"), "{en}");
        let ru = status(&app, Mono(0), 0, Lang::Ru.texts()).text;
        assert!(ru.ends_with(" · 0 открыто"), "{ru}");
        assert!(!ru.contains("CONNECTING"), "{ru}");
        let kk = status(&app, Mono(0), 0, Lang::Kk.texts()).text;
        assert!(kk.ends_with(" · 0 ашық"), "{kk}");
        assert_eq!(
            (Lang::Ru.texts().next_close)("401102", "00:58", false),
            "ближайшее закрытие 401102 через 00:58"
        );
    }

    #[test]
    fn clock_text_has_hours_only_above_an_hour() {
        assert_eq!(clock_text(252_000), "04:12");
        assert_eq!(clock_text(251_001), "04:12");
        assert_eq!(clock_text(3_723_000), "1:02:03");
        assert_eq!(clock_text(0), "00:00");
    }
}
