use super::*;
use crate::domain::Timestamp;

fn env_of<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |k| {
        vars.iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.to_string())
    }
}

#[test]
fn locale_names_map_to_languages() {
    assert_eq!(Lang::of_locale("ru_RU.UTF-8"), Lang::Ru);
    assert_eq!(Lang::of_locale("ru"), Lang::Ru);
    assert_eq!(Lang::of_locale("kk_KZ.UTF-8"), Lang::Kk);
    assert_eq!(Lang::of_locale("kk_KZ@cyrillic"), Lang::Kk);
    assert_eq!(Lang::of_locale("en_US.UTF-8"), Lang::En);
    assert_eq!(Lang::of_locale("de_DE.UTF-8"), Lang::En);
    assert_eq!(Lang::of_locale("C"), Lang::En);
    assert_eq!(Lang::of_locale("C.UTF-8"), Lang::En);
    assert_eq!(Lang::of_locale("POSIX"), Lang::En);
    assert_eq!(Lang::of_locale(""), Lang::En);
}

#[test]
fn locale_variables_in_posix_order() {
    let d = |vars: &[(&str, &str)]| Lang::from_locale(&env_of(vars));
    assert_eq!(d(&[]), Lang::En);
    assert_eq!(d(&[("LANG", "ru_RU.UTF-8")]), Lang::Ru);
    assert_eq!(
        d(&[("LANG", "ru_RU.UTF-8"), ("LC_MESSAGES", "kk_KZ.UTF-8")]),
        Lang::Kk
    );
    assert_eq!(
        d(&[
            ("LANG", "ru_RU.UTF-8"),
            ("LC_MESSAGES", "kk_KZ.UTF-8"),
            ("LC_ALL", "C")
        ]),
        Lang::En
    );
    // An empty variable counts as unset.
    assert_eq!(d(&[("LC_ALL", ""), ("LANG", "kk_KZ.UTF-8")]), Lang::Kk);
}

#[test]
fn parse_names_the_accepted_values() {
    assert_eq!(Lang::parse("RU"), Ok(Lang::Ru));
    assert_eq!(Lang::parse(" kk "), Ok(Lang::Kk));
    let e = Lang::parse("xx").expect_err("xx is no language");
    assert!(e.to_string().contains("en, ru or kk"), "{e}");
}

#[test]
fn numbers_per_language() {
    assert_eq!(Lang::En.int(1_234_567), "1 234 567");
    assert_eq!(Lang::Ru.int(1_234_567), "1\u{a0}234\u{a0}567");
    assert_eq!(Lang::Kk.int(0), "0");
    let d = Decimal::new(52_057, 2);
    assert_eq!(Lang::En.decimal(d), "520.57");
    assert_eq!(Lang::Ru.decimal(d), "520,57");
    assert_eq!(Lang::Kk.decimal(d), "520,57");
    assert_eq!(Lang::En.percent("+20.0"), "+20.0%");
    assert_eq!(Lang::Ru.percent("+20.0"), "+20,0\u{a0}%");
}

#[test]
fn money_per_language() {
    let m = Money::from_tiyn(123_456_789);
    // English keeps its established form (the snapshots depend on it).
    assert_eq!(Lang::En.money(m), m.grouped());
    assert_eq!(Lang::En.money(m), "1 234 567.89 ₸");
    assert_eq!(Lang::Ru.money(m), "1\u{a0}234\u{a0}567,89\u{a0}₸");
    assert_eq!(Lang::Kk.money(m), "1\u{a0}234\u{a0}567,89\u{a0}₸");
    assert_eq!(
        Lang::Ru.money(Money::from_tenge(36_920_000)),
        "36\u{a0}920\u{a0}000\u{a0}₸"
    );
    assert_eq!(
        Lang::En.money_compact(Money::from_tenge(36_920_000)),
        "36.9 M₸"
    );
    assert_eq!(
        Lang::Ru.money_compact(Money::from_tenge(36_920_000)),
        "36,9\u{a0}млн\u{a0}₸"
    );
    assert_eq!(
        Lang::Kk.money_compact(Money::from_tenge(1_250_000_000)),
        "1,25\u{a0}млрд\u{a0}₸"
    );
    assert_eq!(
        Lang::Ru.money_compact(Money::from_tenge(950_000)),
        "950\u{a0}тыс.\u{a0}₸"
    );
    assert_eq!(
        Lang::Kk.money_compact(Money::from_tenge(950_000)),
        "950\u{a0}мың\u{a0}₸"
    );
    assert_eq!(Lang::Ru.money_compact(Money::from_tenge(950)), "950\u{a0}₸");
    let c = crate::domain::money::Converted {
        currency: Currency::Usd,
        amount: Decimal::new(8_980_050, 2),
    };
    assert_eq!(Lang::En.converted(&c), "$89 800.50");
    assert_eq!(Lang::Ru.converted(&c), "89\u{a0}800,50\u{a0}$");
    assert_eq!(Lang::Kk.converted_compact(&c), "89,8\u{a0}мың\u{a0}$");
}

#[test]
fn dates_per_language() {
    // 2026-11-27 05:30:00 in Astana (UTC+5).
    let t = Timestamp::parse("2026-11-27T00:30:00Z").expect("valid time");
    let d = t.astana_date().expect("in range");
    assert_eq!(Lang::En.date(d), "2026-11-27");
    assert_eq!(Lang::Ru.date(d), "27.11.2026");
    assert_eq!(Lang::Kk.date(d), "27.11.2026");
    assert_eq!(Lang::En.datetime(t), "2026-11-27 05:30:00");
    assert_eq!(Lang::Ru.datetime(t), "27.11.2026 05:30:00");
}

#[test]
fn ages_and_seconds() {
    assert_eq!(Lang::En.age(-5), "0s");
    assert_eq!(Lang::En.age(59_999), "59s");
    assert_eq!(Lang::En.age(120_000), "2m");
    assert_eq!(Lang::En.age(7_200_000), "2h");
    assert_eq!(Lang::En.age(200_000_000), "2d");
    assert_eq!(Lang::Ru.age(120_000), "2\u{a0}мин");
    assert_eq!(Lang::Kk.age(7_200_000), "2\u{a0}сағ");
    assert_eq!(Lang::En.seconds(1_500, 1, true), "+1.5s");
    assert_eq!(Lang::Ru.seconds(-1_500, 1, true), "-1,5\u{a0}с");
    assert_eq!(Lang::Kk.seconds(50, 2, false), "0,05\u{a0}с");
}

#[test]
fn russian_plurals() {
    let p = |n| ru_plural(n, "лот", "лота", "лотов");
    assert_eq!(
        [0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111].map(p),
        [
            "лотов",
            "лот",
            "лота",
            "лота",
            "лотов",
            "лотов",
            "лотов",
            "лотов",
            "лот",
            "лота",
            "лотов",
            "лот",
            "лотов"
        ]
    );
    assert_eq!((Lang::Ru.texts().lots_n)(21), "21 лот");
    assert_eq!((Lang::Ru.texts().anomalies_n)(3), "⚠ 3 аномалии");
    assert_eq!((Lang::Ru.texts().years)(25), "25 лет");
}

#[test]
fn english_texts_are_the_established_ones() {
    let tx = Lang::En.texts();
    assert_eq!((tx.anomalies_n)(1), "⚠ 1 anomaly");
    assert_eq!((tx.anomalies_n)(2), "⚠ 2 anomalies");
    assert_eq!((tx.action)(crate::app::Action::Help), "help");
}

#[test]
fn anomaly_evidence_in_each_language() {
    use crate::app::anomaly::{AgainstHigh, Evidence, Seen};
    use crate::domain::LotStatus;
    let low = Evidence::BidBelowMinimum {
        amount: Money::from_tenge(40_000_000),
        bidder: "P-09".into(),
        seq: 1807,
        min: Money::from_tenge(46_150_000),
        high: AgainstHigh::Below(Money::from_tenge(44_304_000)),
    };
    // English is the journal's wording, unchanged.
    assert_eq!(
        (Lang::En.texts().evidence)(&low),
        "bid 40000000.00 by P-09 (seq 1807) below the minimum 46150000.00, below the high bid 44304000.00, which falls"
    );
    let ru = (Lang::Ru.texts().evidence)(&low);
    assert!(
        ru.starts_with(
            "ставка 40\u{a0}000\u{a0}000\u{a0}₸ от P-09 (событие №\u{a0}1807) ниже минимума"
        ),
        "{ru}"
    );
    let bad = Evidence::Forbidden {
        from: LotStatus::Unsold,
        to: LotStatus::Open,
        seen: Seen::StatusEvent(6),
    };
    assert_eq!(
        bad.to_string(),
        "status unsold -> open (status event seq 6)"
    );
    assert_eq!(
        (Lang::Ru.texts().evidence)(&bad),
        "статус «не состоялся» → «открыт» (событие статуса №\u{a0}6)"
    );
    assert_eq!(
        (Lang::Kk.texts().evidence)(&bad),
        "күй «өтпеді» → «ашық» (№\u{a0}6\u{a0}күй оқиғасы)"
    );
    let skew = Evidence::ClockSkew {
        offset_ms: -4_200,
        threshold_ms: 2_000,
    };
    assert_eq!(
        skew.to_string(),
        "server clock -4.200 s behind this machine (threshold 2.000 s)"
    );
    assert_eq!(
        (Lang::Kk.texts().evidence)(&skew),
        "сервер сағаты осы компьютерден -4,200\u{a0}с ауытқыған (шегі 2,000\u{a0}с)"
    );
}

#[test]
fn filter_errors_in_each_language() {
    use crate::app::filter::Filter;
    let e = Filter::parse("gold bid>abc").expect_err("abc is no amount");
    let en = (Lang::En.texts().filter_error)(&e);
    assert_eq!(en, e.to_string());
    let ru = (Lang::Ru.texts().filter_error)(&e);
    assert!(
        ru.starts_with("условие 2 (поз. ") && ru.contains("\"abc\" — не сумма"),
        "{ru}"
    );
    let kk = (Lang::Kk.texts().filter_error)(&e);
    assert!(
        kk.starts_with("2-шарт (") && kk.contains("\"abc\" сома емес"),
        "{kk}"
    );
    let e = Filter::parse("status<open").expect_err("status takes :");
    assert!(
        (Lang::Ru.texts().filter_error)(&e).contains("status принимает \":\""),
        "{e}"
    );
}

#[test]
fn one_bid_one_lot_one_monitor_in_every_language() {
    let en = Lang::En.texts();
    assert_eq!(
        (en.by_at_bids)("P-07", "10:00", 1),
        "by P-07 at 10:00 · 1 bid"
    );
    assert_eq!(
        (en.by_at_bids)("P-07", "10:00", 2),
        "by P-07 at 10:00 · 2 bids"
    );
    assert_eq!((en.lots_n)(1), "1 lot");
    assert_eq!((en.writers_n)(1), "written by 1 monitor");
    assert_eq!((en.writers_n)(3), "written by 3 monitors");
    let ru = Lang::Ru.texts();
    assert_eq!((ru.writers_n)(1), "пишет 1 монитор");
    assert_eq!((ru.writers_n)(3), "пишут 3 монитора");
    assert_eq!((ru.writers_n)(5), "пишут 5 мониторов");
    assert!((ru.by_at_bids)("P-07", "10:00", 1).ends_with("1 ставка"));
    let kk = Lang::Kk.texts();
    assert_eq!((kk.writers_n)(1), "1 монитор жазады");
    assert!((kk.by_at_bids)("P-07", "10:00", 1).ends_with("1 ұсыныс"));
}

#[test]
fn the_restart_note_and_the_left_out_line_are_said_in_each_language() {
    let en = Lang::En.texts();
    for lang in [Lang::Ru, Lang::Kk] {
        let t = lang.texts();
        let note = (t.config_restart)("poll, url");
        assert!(note.starts_with("config: ") && note.ends_with("poll, url"));
        assert_ne!(note, (en.config_restart)("poll, url"), "{lang:?}");
        let line = (t.messages_left_out)(12);
        assert!(line.starts_with("12 "), "{line}");
        assert_ne!(line, (en.messages_left_out)(12), "{lang:?}");
    }
    assert_eq!(
        (Lang::Ru.texts().messages_left_out)(3),
        "3 сообщения пропущено: читатель не успевал."
    );
}
