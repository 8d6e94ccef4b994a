//! The words of a `[[rule]]` alert in the three interface languages: the
//! events pane's line, and the subject and body of the message delivered
//! off the screen (e-mail, webhook). Lot data stays as the source sent it.

use super::Lang;
use crate::app::rules::{RuleAlert, RuleChange, RuleEvent};
use crate::domain::{LotStatus, Timestamp};

struct AlertTexts {
    event: fn(RuleEvent) -> &'static str,
    new: &'static str,
    start_moved: &'static str,
    bonus: &'static str,
    deadline_moved: &'static str,
    status: &'static str,
    deadline_soon: &'static str,
    closing: &'static str,
    outbid: &'static str,
    extension: &'static str,
    sold: &'static str,
    unsold: &'static str,
    rule: &'static str,
    page: &'static str,
    time_note: &'static str,
    waiting: &'static str,
}

const EN: AlertTexts = AlertTexts {
    event: |e| match e {
        RuleEvent::New => "new lot",
        RuleEvent::Changed => "changed",
        RuleEvent::Deadline => "application deadline",
        RuleEvent::Closing => "closing",
        RuleEvent::Outbid => "outbid",
        RuleEvent::Extension => "extended",
        RuleEvent::Result => "result",
    },
    new: "new lot",
    start_moved: "start moved",
    bonus: "starting bonus",
    deadline_moved: "application deadline moved",
    status: "status",
    deadline_soon: "applications until",
    closing: "closes at",
    outbid: "outbid by",
    extension: "extended, closes at",
    sold: "sold for",
    unsold: "not sold",
    rule: "Rule",
    page: "Lot page",
    time_note: "Times are Astana time.",
    waiting: "waiting",
};

const RU: AlertTexts = AlertTexts {
    event: |e| match e {
        RuleEvent::New => "новый лот",
        RuleEvent::Changed => "изменение",
        RuleEvent::Deadline => "срок приёма заявок",
        RuleEvent::Closing => "закрытие",
        RuleEvent::Outbid => "ставка перебита",
        RuleEvent::Extension => "продление",
        RuleEvent::Result => "итог",
    },
    new: "новый лот",
    start_moved: "начало перенесено",
    bonus: "стартовый бонус",
    deadline_moved: "срок приёма заявок перенесён",
    status: "статус",
    deadline_soon: "заявки до",
    closing: "закрытие в",
    outbid: "перебита участником",
    extension: "продлён, закрытие в",
    sold: "продан за",
    unsold: "не продан",
    rule: "Правило",
    page: "Страница лота",
    time_note: "Время — астанинское.",
    waiting: "ждут отправки",
};

const KK: AlertTexts = AlertTexts {
    event: |e| match e {
        RuleEvent::New => "жаңа лот",
        RuleEvent::Changed => "өзгеріс",
        RuleEvent::Deadline => "өтінім мерзімі",
        RuleEvent::Closing => "жабылу",
        RuleEvent::Outbid => "бәс асырылды",
        RuleEvent::Extension => "ұзартылды",
        RuleEvent::Result => "қорытынды",
    },
    new: "жаңа лот",
    start_moved: "басталуы ауыстырылды",
    bonus: "бастапқы бонус",
    deadline_moved: "өтінім мерзімі ауыстырылды",
    status: "мәртебе",
    deadline_soon: "өтінімдер мерзімі",
    closing: "жабылады",
    outbid: "бәсті асырған",
    extension: "ұзартылды, жабылады",
    sold: "сатылды, бағасы",
    unsold: "сатылмады",
    rule: "Ереже",
    page: "Лот беті",
    time_note: "Уақыт — Астана уақыты.",
    waiting: "жіберуді күтуде",
};

fn texts(lang: Lang) -> &'static AlertTexts {
    match lang {
        Lang::En => &EN,
        Lang::Ru => &RU,
        Lang::Kk => &KK,
    }
}

/// `YYYY-MM-DD hh:mm` in Astana.
fn when(t: Timestamp) -> String {
    t.astana()
        .map(|z| z.strftime("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "—".into())
}

fn status(lang: Lang, s: &LotStatus) -> String {
    match s {
        LotStatus::Unknown(w) => w.clone(),
        known => (lang.texts().status)(known).to_string(),
    }
}

/// One item of an alert, e.g. `start moved 2025-06-12 10:00 → 2025-06-13 10:00`.
pub fn change(lang: Lang, c: &RuleChange) -> String {
    let t = texts(lang);
    match c {
        RuleChange::New => t.new.to_string(),
        RuleChange::StartMoved { from, to } => {
            format!("{} {} → {}", t.start_moved, when(*from), when(*to))
        }
        RuleChange::StartingBonus { from, to } => {
            format!("{} {} → {}", t.bonus, lang.money(*from), lang.money(*to))
        }
        RuleChange::DeadlineMoved { from, to } => {
            format!("{} {} → {}", t.deadline_moved, when(*from), when(*to))
        }
        RuleChange::Status { from, to } => {
            format!("{} {} → {}", t.status, status(lang, from), status(lang, to))
        }
        RuleChange::DeadlineSoon { deadline } => format!("{} {}", t.deadline_soon, when(*deadline)),
        RuleChange::Closing { closes_at } => format!("{} {}", t.closing, when(*closes_at)),
        RuleChange::Outbid { bidder, amount } => {
            format!("{} {bidder}: {}", t.outbid, lang.money(*amount))
        }
        RuleChange::Extension {
            extensions,
            closes_at,
        } => format!("{} ({extensions}) {}", t.extension, when(*closes_at)),
        RuleChange::Sold { amount, winner } if winner.is_empty() => {
            format!("{} {}", t.sold, lang.money(*amount))
        }
        RuleChange::Sold { amount, winner } => {
            format!("{} {} ({winner})", t.sold, lang.money(*amount))
        }
        RuleChange::Unsold => t.unsold.to_string(),
    }
}

/// The items joined: `start moved …; status scheduled → cancelled`.
pub fn changes(lang: Lang, changes: &[RuleChange]) -> String {
    changes
        .iter()
        .map(|c| change(lang, c))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The events pane's line: `[gold, Karaganda] Name: new lot`.
pub fn pane_line(lang: Lang, rule: &str, name: &str, items: &[RuleChange]) -> String {
    format!("[{rule}] {name}: {}", changes(lang, items))
}

/// A failing delivery channel: `mail: connection refused · 3 waiting`.
pub fn trouble(lang: Lang, d: &crate::app::rules::ChannelTrouble) -> String {
    format!(
        "{}: {} · {} {}",
        d.channel,
        d.cause,
        d.waiting,
        texts(lang).waiting
    )
}

/// The name of an event in the language.
fn event_word(lang: Lang, e: RuleEvent) -> &'static str {
    (texts(lang).event)(e)
}

/// A mail's subject, an ntfy notification's title:
/// `lotwatch: new lot · 12 Name`.
pub fn subject(lang: Lang, a: &RuleAlert) -> String {
    format!(
        "lotwatch: {} · {} {}",
        event_word(lang, a.event()),
        a.lot.number,
        a.lot.name
    )
}

/// The message: the lot, each item on a line, the rule, the page link.
pub fn body(lang: Lang, a: &RuleAlert) -> String {
    let t = texts(lang);
    let mut s = format!("{} {}\n", a.lot.number, a.lot.name);
    for c in &a.changes {
        s.push_str("• ");
        s.push_str(&change(lang, c));
        s.push('\n');
    }
    s.push_str(&format!("{}: {}\n", t.rule, a.rule));
    if let Some(url) = &a.lot.url {
        s.push_str(&format!("{}: {url}\n", t.page));
    }
    s.push_str(t.time_note);
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::rules::AlertLot;
    use crate::domain::Money;

    #[test]
    fn every_language_words_a_result_with_the_link() {
        let a = RuleAlert {
            rule: "gold".into(),
            lot: AlertLot {
                id: "1".into(),
                number: "12".into(),
                name: "Akbakai".into(),
                source: "sauda".into(),
                status: LotStatus::Sold,
                region: String::new(),
                minerals: Vec::new(),
                url: Some("https://sauda.example/lot/1".into()),
            },
            changes: vec![RuleChange::Sold {
                amount: Money::from_tenge(1_000_000),
                winner: String::new(),
            }],
            server_time: None,
        };
        for (lang, word) in [
            (Lang::En, "sold"),
            (Lang::Ru, "продан"),
            (Lang::Kk, "сатылды"),
        ] {
            let b = body(lang, &a);
            assert!(b.contains(word), "{b}");
            assert!(b.contains("https://sauda.example/lot/1"), "{b}");
            assert!(subject(lang, &a).contains("12 Akbakai"));
        }
    }
}
