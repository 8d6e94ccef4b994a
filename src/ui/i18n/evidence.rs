//! Anomaly evidence in Russian and Kazakh, and English (the evidence's own
//! `Display`, the journal's wording, with its times in Astana). Amounts and times in the language's
//! formats; bidder labels and error texts as received.

use super::{Lang, Texts};
use crate::app::anomaly::{AgainstHigh, Evidence, Mismatch, Seen};
use crate::domain::LotStatus;

fn status<'a>(s: &'a LotStatus, tx: &Texts) -> &'a str {
    match s {
        LotStatus::Unknown(w) => w,
        known => (tx.status)(known),
    }
}

/// `: <the cause in this language>`, or nothing.
fn cause_suffix(cause: Option<&crate::domain::LinkCause>, tx: &Texts) -> String {
    cause
        .map(|c| format!(": {}", (tx.link_cause)(c)))
        .unwrap_or_default()
}

/// English on screen: the journal's wording, its times in Astana as the
/// rest of the screen's (the journal keeps them in UTC; issue 28.11).
pub(super) fn en(e: &Evidence) -> String {
    let lang = Lang::En;
    let tx = lang.texts();
    let when = |t| format!("{} {}", lang.datetime(t), tx.astana);
    match e {
        Evidence::JournalWriting {
            cause,
            since,
            lost_events,
        } => format!(
            "the journal writes again after failing since {} ({cause}): {}",
            when(*since),
            match lost_events {
                0 => "nothing was lost".to_string(),
                n => format!("{n} events were lost"),
            }
        ),
        Evidence::Unreachable {
            since,
            down_s,
            threshold_s,
            cause,
        } => format!(
            "no answer from the platform since {} ({down_s} s, threshold {threshold_s} s){}",
            when(*since),
            cause.as_ref().map(|c| format!(": {c}")).unwrap_or_default()
        ),
        Evidence::BidAfterClose {
            amount,
            bidder,
            seq,
            at,
            closes_at,
            status,
        } => format!(
            "bid {} by {bidder} (seq {seq}) at {}, the lot closed at {} ({})",
            amount.to_wire(),
            when(*at),
            when(*closes_at),
            status.as_str()
        ),
        other => other.to_string(),
    }
}

pub(super) fn ru(e: &Evidence) -> String {
    let lang = Lang::Ru;
    let tx = lang.texts();
    let m = |x| lang.money(x);
    let seen = |s: &Seen| match s {
        Seen::Snapshot => "снимок данных".to_string(),
        Seen::StatusEvent(seq) => format!("событие статуса №\u{a0}{seq}"),
    };
    match e {
        Evidence::Text(t) => t.clone(),
        Evidence::JournalFailing { cause } => format!(
            "журнал не может писать ({}): записи хранятся в памяти и будут записаны, когда это станет возможно",
            (tx.journal_cause)(cause)
        ),
        Evidence::JournalWriting {
            cause,
            since,
            lost_events,
        } => format!(
            "журнал снова пишет после сбоя с {} ({}): {}",
            lang.datetime(*since),
            (tx.journal_cause)(cause),
            match lost_events {
                0 => "ничего не потеряно".to_string(),
                n => format!("потеряно событий: {n}"),
            }
        ),
        Evidence::ClockSkew {
            offset_ms,
            threshold_ms,
        } => format!(
            "часы сервера {} относительно этого компьютера (порог {})",
            lang.seconds(*offset_ms, 3, true),
            lang.seconds(*threshold_ms as i64, 3, false)
        ),
        Evidence::Unreachable {
            since,
            down_s,
            threshold_s,
            cause,
        } => format!(
            "платформа не отвечает с {} ({down_s} с, порог {threshold_s} с){}",
            lang.datetime(*since),
            cause_suffix(cause.as_ref(), tx)
        ),
        Evidence::HighVanished { old } => format!(
            "лучшая ставка {} исчезла в снимке данных",
            old.map(m).unwrap_or_default()
        ),
        Evidence::HighFell { old, new, seen: s } => format!(
            "лучшая ставка упала с {} до {} ({})",
            m(*old),
            m(*new),
            seen(s)
        ),
        Evidence::Forbidden { from, to, seen: s } => format!(
            "статус «{}» → «{}» ({})",
            status(from, tx),
            status(to, tx),
            seen(s)
        ),
        Evidence::TooManyExtensions {
            extensions,
            max,
            seq: Some(seq),
        } => format!("продление {extensions} (событие №\u{a0}{seq}) сверх максимума {max}"),
        Evidence::TooManyExtensions {
            extensions,
            max,
            seq: None,
        } => format!("продлений: {extensions}, максимум {max}"),
        Evidence::Result { why, seq } => {
            let mut s = match why {
                Mismatch::NoResult => "состоялся без итога".to_string(),
                Mismatch::NoHighBid { winner, amount } => {
                    format!(
                        "состоялся: победитель {winner}, {}, без единой ставки",
                        m(*amount)
                    )
                }
                Mismatch::Differs {
                    amount,
                    winner,
                    high,
                    bidder,
                    high_seq,
                } => format!(
                    "итог {}, победитель {winner}, но последняя лучшая ставка {} от {bidder} (событие №\u{a0}{high_seq})",
                    m(*amount),
                    m(*high)
                ),
            };
            if let Some(seq) = seq {
                s.push_str(&format!(" (событие №\u{a0}{seq})"));
            }
            s
        }
        Evidence::BidNotOpen {
            amount,
            bidder,
            seq,
            status: st,
        } => format!(
            "ставка {} от {bidder} (событие №\u{a0}{seq}) при статусе лота «{}»",
            m(*amount),
            status(st, tx)
        ),
        Evidence::BidBelowMinimum {
            amount,
            bidder,
            seq,
            min,
            high,
        } => {
            let tail = match high {
                AgainstHigh::Below(h) => {
                    format!(", ниже лучшей ставки {} — лучшая ставка снижается", m(*h))
                }
                AgainstHigh::Equal(h) => format!(", не выше лучшей ставки {}", m(*h)),
                AgainstHigh::Above(h) => format!(" (лучшая ставка {})", m(*h)),
                AgainstHigh::NoHigh => " (стартовый подписной бонус)".to_string(),
            };
            format!(
                "ставка {} от {bidder} (событие №\u{a0}{seq}) ниже минимума {}{tail}",
                m(*amount),
                m(*min)
            )
        }
        Evidence::BidAfterClose {
            amount,
            bidder,
            seq,
            at,
            closes_at,
            status: st,
        } => format!(
            "ставка {} от {bidder} (событие №\u{a0}{seq}) в {}, а лот закрылся в {} ({})",
            m(*amount),
            lang.datetime(*at),
            lang.datetime(*closes_at),
            status(st, tx)
        ),
    }
}

pub(super) fn kk(e: &Evidence) -> String {
    let lang = Lang::Kk;
    let tx = lang.texts();
    let m = |x| lang.money(x);
    let seen = |s: &Seen| match s {
        Seen::Snapshot => "толық тізім".to_string(),
        Seen::StatusEvent(seq) => format!("№\u{a0}{seq}\u{a0}күй оқиғасы"),
    };
    match e {
        Evidence::Text(t) => t.clone(),
        Evidence::JournalFailing { cause } => format!(
            "журнал жаза алмайды ({}): жазбалар жадта сақталып, мүмкін болғанда жазылады",
            (tx.journal_cause)(cause)
        ),
        Evidence::JournalWriting {
            cause,
            since,
            lost_events,
        } => format!(
            "журнал {} бастап болған ақаудан кейін қайта жазады ({}): {}",
            lang.datetime(*since),
            (tx.journal_cause)(cause),
            match lost_events {
                0 => "ештеңе жоғалмады".to_string(),
                n => format!("жоғалған оқиғалар: {n}"),
            }
        ),
        Evidence::ClockSkew {
            offset_ms,
            threshold_ms,
        } => format!(
            "сервер сағаты осы компьютерден {} ауытқыған (шегі {})",
            lang.seconds(*offset_ms, 3, true),
            lang.seconds(*threshold_ms as i64, 3, false)
        ),
        Evidence::Unreachable {
            since,
            down_s,
            threshold_s,
            cause,
        } => format!(
            "платформа жауап бермейді, басталуы {} ({down_s} с, шегі {threshold_s} с){}",
            lang.datetime(*since),
            cause_suffix(cause.as_ref(), tx)
        ),
        Evidence::HighVanished { old } => format!(
            "үздік ұсыныс {} толық тізімде жоқ",
            old.map(m).unwrap_or_default()
        ),
        Evidence::HighFell { old, new, seen: s } => format!(
            "үздік ұсыныс төмендеді: {} → {} ({})",
            m(*old),
            m(*new),
            seen(s)
        ),
        Evidence::Forbidden { from, to, seen: s } => format!(
            "күй «{}» → «{}» ({})",
            status(from, tx),
            status(to, tx),
            seen(s)
        ),
        Evidence::TooManyExtensions {
            extensions,
            max,
            seq: Some(seq),
        } => format!("ұзарту №{extensions} (№\u{a0}{seq}\u{a0}оқиға), ең көбі {max} болуы керек"),
        Evidence::TooManyExtensions {
            extensions,
            max,
            seq: None,
        } => format!("ұзартулар: {extensions}, ең көбі {max}"),
        Evidence::Result { why, seq } => {
            let mut s = match why {
                Mismatch::NoResult => "нәтижесіз өтті".to_string(),
                Mismatch::NoHighBid { winner, amount } => format!(
                    "өтті: {}, жеңімпаз {winner}, бірақ ұсыныс болмаған",
                    m(*amount)
                ),
                Mismatch::Differs {
                    amount,
                    winner,
                    high,
                    bidder,
                    high_seq,
                } => format!(
                    "нәтиже {}, жеңімпаз {winner}, бірақ соңғы үздік ұсыныс {}, қатысушы {bidder} (№\u{a0}{high_seq}\u{a0}оқиға)",
                    m(*amount),
                    m(*high)
                ),
            };
            if let Some(seq) = seq {
                s.push_str(&format!(" (№\u{a0}{seq}\u{a0}оқиға)"));
            }
            s
        }
        Evidence::BidNotOpen {
            amount,
            bidder,
            seq,
            status: st,
        } => format!(
            "ұсыныс {}, қатысушы {bidder} (№\u{a0}{seq}\u{a0}оқиға), лот күйі «{}»",
            m(*amount),
            status(st, tx)
        ),
        Evidence::BidBelowMinimum {
            amount,
            bidder,
            seq,
            min,
            high,
        } => {
            let tail = match high {
                AgainstHigh::Below(h) => {
                    format!(
                        ", үздік ұсыныстан ({}) төмен — үздік ұсыныс төмендейді",
                        m(*h)
                    )
                }
                AgainstHigh::Equal(h) => format!(", үздік ұсыныстан ({}) жоғары емес", m(*h)),
                AgainstHigh::Above(h) => format!(" (үздік ұсыныс {})", m(*h)),
                AgainstHigh::NoHigh => " (қол қою бонусының бастапқы мөлшері)".to_string(),
            };
            format!(
                "ұсыныс {}, қатысушы {bidder} (№\u{a0}{seq}\u{a0}оқиға), ең аз сомадан ({}) төмен{tail}",
                m(*amount),
                m(*min)
            )
        }
        Evidence::BidAfterClose {
            amount,
            bidder,
            seq,
            at,
            closes_at,
            status: st,
        } => format!(
            "ұсыныс {}, қатысушы {bidder} (№\u{a0}{seq}\u{a0}оқиға), уақыты {}, ал лот {} жабылған ({})",
            m(*amount),
            lang.datetime(*at),
            lang.datetime(*closes_at),
            status(st, tx)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Timestamp;

    /// Issue 28.11: an Astana screen says an anomaly's times in Astana; the
    /// journal's wording (the evidence's `Display`) keeps UTC.
    #[test]
    fn english_evidence_on_screen_is_in_astana_time() {
        // 2025-06-24T05:00:00Z is 10:00 in Astana.
        let e = Evidence::Unreachable {
            since: Timestamp(1_750_741_200_000),
            down_s: 45,
            threshold_s: 30,
            cause: None,
        };
        let shown = en(&e);
        assert!(shown.contains("2025-06-24 10:00:00 Astana"), "{shown}");
        assert!(!shown.contains("05:00:00"), "{shown}");
        assert!(e.to_string().contains("2025-06-24T05:00:00.000Z"));
        // Evidence without a time reads as the journal's.
        let skew = Evidence::ClockSkew {
            offset_ms: 2_500,
            threshold_ms: 2_000,
        };
        assert_eq!(en(&skew), skew.to_string());
    }
}
