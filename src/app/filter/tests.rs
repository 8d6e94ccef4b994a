use super::*;
use crate::domain::{HighBid, LotResult};
use crate::testing::test_lot;
use proptest::prelude::*;

const MIN: i64 = 60_000;

fn meta() -> LotMeta {
    LotMeta::default()
}

fn env<'a>(now: i64, me: Option<&'a str>, watched: &'a HashSet<String>) -> MatchEnv<'a> {
    MatchEnv {
        now: Some(Timestamp(now)),
        me,
        watched,
        sources: &[],
    }
}

/// Whether `text` parses and matches `lot` at server time 0, nobody watching.
fn m(text: &str, lot: &Lot) -> bool {
    let none = HashSet::new();
    Filter::parse(text)
        .expect("test filter is valid")
        .matches(lot, &meta(), &env(0, None, &none))
}

fn err(text: &str) -> FilterError {
    match Filter::parse(text) {
        Err(e) => e,
        Ok(f) => panic!("{text:?} parsed as {f:?}"),
    }
}

fn bid(amount: Money) -> Option<HighBid> {
    Some(HighBid {
        amount,
        bidder: "P-03".into(),
        at: Timestamp(0),
        seq: 1,
    })
}

fn lot() -> Lot {
    let mut l = test_lot();
    l.number = "KZ-2026-014".into();
    l.name = "Сарлы Южное крыло".into();
    l.region = "North Kazakhstan".into();
    l.minerals = vec!["gold".into(), "Медь".into()];
    l
}

#[test]
fn free_words_match_anywhere_case_insensitive_not_across_fields() {
    let l = lot();
    assert!(m("", &l));
    assert!(m("сарлы", &l));
    assert!(m("ЮЖНОЕ gold", &l));
    assert!(m("north", &l));
    assert!(m("kz-2026", &l));
    assert!(m("медь", &l));
    assert!(!m("gold coal", &l));
    assert!(!m("goldмедь", &l));
    // a quoted phrase keeps its space
    assert!(!m("\"south kazakhstan\"", &l) && m("\"NORTH kaz\"", &l));
}

#[test]
fn text_fields_match_their_own_field_only() {
    let l = lot();
    assert!(m("mineral:gold", &l));
    assert!(m("mineral:МЕДЬ", &l));
    assert!(m("minerals:med,gold", &l), "a comma list is any of");
    assert!(!m("mineral:north", &l));
    assert!(m("region:\"North Kazakhstan\"", &l));
    assert!(m("region:north", &l));
    assert!(!m("region:\"South Kazakhstan\"", &l));
    assert!(m("lot:kz-2026-014", &l) && m("number:014", &l));
    assert!(!m("lot:015", &l));
    assert!(m("name:южное", &l) && !m("name:gold", &l));
    assert!(m("REGION:North", &l), "field names are case-insensitive");
}

#[test]
fn status_by_name_or_unambiguous_prefix() {
    let mut l = lot();
    assert!(m("status:open", &l) && m("status:o", &l) && m("status:OP", &l));
    assert!(!m("status:cancelled", &l) && !m("status:ca", &l));
    assert!(m("status:sold,open", &l));
    l.status = LotStatus::Suspended;
    assert!(m("status:susp", &l) && m("-status:open", &l));
    let e = err("status:s");
    assert_eq!(
        e.kind,
        FilterErrorKind::AmbiguousStatus("s".into(), vec!["scheduled", "suspended", "sold"])
    );
    assert_eq!((e.term, e.column), (1, 7));
    let e = err("mineral:gold status:open,won");
    assert_eq!(e.kind, FilterErrorKind::UnknownStatus("won".into()));
    assert_eq!((e.term, e.column), (2, 25));
}

#[test]
fn money_comparisons_are_exact_with_suffixes() {
    let mut l = lot();
    l.high_bid = bid(Money::from_tenge(1_500_000_000));
    assert!(m("bid>1bn", &l) && m("bid>=1.5bn", &l) && m("bid<=1.5bn", &l));
    assert!(!m("bid>1.5bn", &l) && !m("bid<1.5bn", &l));
    assert!(m("bid=1500m", &l) && m("bid:1500000k", &l) && m("bid=1500000000", &l));
    assert!(
        m("bid>1.49999999999bn", &l),
        "a fraction of a tenge still counts"
    );
    assert!(!m("bid<1.5млрд", &l));
    assert!(m("bid>=1500млн", &l) && m("bid>=1.5MLRD", &l) && m("bid<2000000тыс", &l));
    // no bid: a bid comparison does not hold, its negation does
    l.high_bid = None;
    assert!(!m("bid<1k", &l) && m("-bid>0", &l));
    // the next minimum bid of a lot without bids is its starting price
    assert!(m("next=1000", &l) && m("start=1k", &l));
    l.min_increment = Money::from_tenge(10);
    l.high_bid = bid(Money::from_tenge(2000));
    assert!(m("next=2010", &l) && m("next>2k", &l));
    // a sold lot compares its result, as the High bid column shows it
    l.status = LotStatus::Sold;
    l.result = Some(LotResult {
        winner: "P-01".into(),
        amount: Money::from_tenge(3000),
        protocol_at: Timestamp(0),
    });
    assert!(m("bid=3k", &l) && !m("next>0", &l));
}

#[test]
fn money_errors_say_what_is_wrong() {
    for (text, kind) in [
        ("bid>1x", FilterErrorKind::BadMoney("1x".into())),
        ("bid>1,5bn", FilterErrorKind::BadMoney("1,5bn".into())),
        ("bid>1.", FilterErrorKind::BadMoney("1.".into())),
        ("bid>.5", FilterErrorKind::BadMoney(".5".into())),
        ("bid>1..5", FilterErrorKind::BadMoney("1..5".into())),
        ("bid>-5", FilterErrorKind::BadMoney("-5".into())),
        (
            "bid>1.001",
            FilterErrorKind::MoneyTooPrecise("1.001".into()),
        ),
        (
            "bid>1.000000000001bn",
            FilterErrorKind::MoneyTooPrecise("1.000000000001bn".into()),
        ),
        (
            "bid>99999999999bn",
            FilterErrorKind::MoneyTooLarge("99999999999bn".into()),
        ),
    ] {
        let e = err(text);
        assert_eq!(e.kind, kind, "{text}");
        assert_eq!(e.column, 4, "{text}");
    }
    let e = err("bid>1 000 000");
    assert_eq!(
        (e.term, e.column, e.kind),
        (2, 6, FilterErrorKind::DigitGroups)
    );
    assert!(matches!(
        err("bid>").kind,
        FilterErrorKind::MissingValue { field: "bid", .. }
    ));
    assert!(matches!(err("bid:>5").kind, FilterErrorKind::BadMoney(_)));
}

#[test]
fn bid_counts() {
    let mut l = lot();
    l.bid_count = 3;
    assert!(m("bids=3", &l) && m("bids>2", &l) && m("bids<=3", &l) && !m("bids>3", &l));
    assert!(matches!(err("bids>1k").kind, FilterErrorKind::BadCount(_)));
    assert!(matches!(err("bids>+1").kind, FilterErrorKind::BadCount(_)));
}

#[test]
fn time_terms_use_the_server_clock() {
    let mut l = lot();
    l.closes_at = Timestamp(30 * MIN);
    let f = Filter::parse("closing<10m").expect("valid");
    let none = HashSet::new();
    let at = |l: &Lot, now: i64| f.matches(l, &meta(), &env(now, None, &none));
    assert!(!at(&l, 0) && !at(&l, 20 * MIN) && at(&l, 20 * MIN + 1) && at(&l, 31 * MIN));
    // no server time yet: nothing is closing
    let no_clock = MatchEnv {
        now: None,
        me: None,
        watched: &none,
        sources: &[],
    };
    assert!(!f.matches(&l, &meta(), &no_clock));
    assert_eq!(f.next_change(&l, Timestamp(0)), Some(Timestamp(20 * MIN)));
    assert_eq!(
        f.next_change(&l, Timestamp(20 * MIN)),
        Some(Timestamp(20 * MIN + 1))
    );
    assert_eq!(f.next_change(&l, Timestamp(21 * MIN)), None);
    assert!(f.has_time_terms() && !Filter::parse("bid>1").expect("valid").has_time_terms());
    // durations
    for (text, ms) in [
        ("closing>90s", 90_000),
        ("closing>10m", 10 * MIN),
        ("closing>1h30m", 90 * MIN),
        ("closing>1H30M15S", 90 * MIN + 15_000),
        ("closing>2d", 2 * 24 * 60 * MIN),
        ("closing>15", 15 * MIN),
        ("closing>5мин", 5 * MIN),
    ] {
        let f = Filter::parse(text).expect(text);
        assert_eq!(
            f.terms[0].test,
            Test::Time(TimeField::Closing, Cmp::Gt, ms),
            "{text}"
        );
    }
    for bad in [
        "closing<1m1h",
        "closing<10x",
        "closing<h",
        "closing<1.5h",
        "closing<999999d",
    ] {
        assert!(
            matches!(err(bad).kind, FilterErrorKind::BadDuration(_)),
            "{bad}"
        );
    }
    assert!(matches!(
        err("closing=10m").kind,
        FilterErrorKind::BadOperator { .. }
    ));
    // a suspended lot is judged on its frozen time; a scheduled one never closes soon
    l.status = LotStatus::Suspended;
    let frozen = LotMeta {
        frozen_left_ms: Some(5 * MIN),
        ..LotMeta::default()
    };
    assert!(f.matches(&l, &frozen, &env(0, None, &none)));
    l.status = LotStatus::Scheduled;
    l.opens_at = Timestamp(45 * MIN);
    assert!(!at(&l, 29 * MIN));
    assert!(m("opens>44m", &l) && !m("opens<44m", &l));
}

#[test]
fn flags_follow_the_watchlist_and_me() {
    let mut l = lot();
    l.high_bid = bid(Money::from_tenge(5));
    let watched: HashSet<String> = [l.id.clone()].into();
    let none = HashSet::new();
    let p = |t: &str| Filter::parse(t).expect("valid");
    let outbid_meta = LotMeta {
        me_bid: true,
        ..LotMeta::default()
    };
    assert!(p("is:watched").matches(&l, &meta(), &env(0, None, &watched)));
    assert!(!p("is:watched").matches(&l, &meta(), &env(0, None, &none)));
    assert!(p("is:leading is:mine").matches(&l, &meta(), &env(0, Some("P-03"), &none)));
    assert!(!p("is:outbid").matches(&l, &meta(), &env(0, Some("P-03"), &none)));
    assert!(p("is:outbid is:mine").matches(&l, &outbid_meta, &env(0, Some("P-09"), &none)));
    assert!(!p("is:mine").matches(&l, &meta(), &env(0, Some("P-09"), &none)));
    assert!(!p("is:mine").matches(&l, &outbid_meta, &env(0, None, &none)));
    assert_eq!(
        err("is:sold").kind,
        FilterErrorKind::UnknownFlag("sold".into())
    );
}

#[test]
fn negation_excludes() {
    let l = lot();
    assert!(!m("-gold", &l) && m("-coal", &l));
    assert!(!m("-status:open", &l) && m("-status:cancelled", &l));
    assert!(!m("-\"north kazakhstan\"", &l));
    assert!(!m("\"-north\"", &l), "a quoted dash is text");
    let e = err("gold - coal");
    assert_eq!(
        (e.term, e.column, e.kind),
        (2, 5, FilterErrorKind::EmptyNegation)
    );
}

#[test]
fn errors_name_the_term_and_column() {
    let e = err("gold staus:open");
    assert_eq!((e.term, e.column), (2, 5));
    assert_eq!(e.kind, FilterErrorKind::UnknownField("staus".into()));
    assert_eq!(
        e.to_string(),
        "term 2 (col 6): unknown field \"staus\" (expected one of status, mineral, region, \
         lot, name, bid, next, start, bids, closing, opens, deadline, is; quote text with a colon)"
    );
    let e = err("region:\"North");
    assert_eq!(
        (e.term, e.column, e.kind),
        (1, 7, FilterErrorKind::UnclosedQuote)
    );
    assert_eq!(err(":x").kind, FilterErrorKind::MissingField);
    assert_eq!(err(">5").kind, FilterErrorKind::MissingField);
    assert!(matches!(
        err("status:").kind,
        FilterErrorKind::MissingValue {
            field: "status",
            ..
        }
    ));
    assert!(matches!(
        err("region>5").kind,
        FilterErrorKind::BadOperator {
            field: "region",
            ..
        }
    ));
    // text with a colon is searchable when quoted
    let mut l = lot();
    l.name = "Участок 10:30".into();
    assert!(m("\"10:30\"", &l));
    assert!(matches!(
        err("10:30").kind,
        FilterErrorKind::UnknownField(_)
    ));
}

#[test]
fn limits_are_errors_not_truncation() {
    let long = "a".repeat(MAX_FILTER + 1);
    assert_eq!(
        err(&long).kind,
        FilterErrorKind::TooLong { max: MAX_FILTER }
    );
    assert!(Filter::parse(&"a".repeat(MAX_FILTER)).is_ok());
    let many = vec!["a"; MAX_TERMS + 1].join(" ");
    let e = err(&many);
    assert_eq!(
        (e.term, e.kind),
        (
            MAX_TERMS + 1,
            FilterErrorKind::TooManyTerms { max: MAX_TERMS }
        )
    );
    assert!(Filter::parse(&vec!["a"; MAX_TERMS].join(" ")).is_ok());
    let values = format!("mineral:{}", vec!["x"; MAX_VALUES + 1].join(","));
    assert_eq!(
        err(&values).kind,
        FilterErrorKind::TooManyValues { max: MAX_VALUES }
    );
}

fn arb_lot() -> impl Strategy<Value = (Lot, LotMeta)> {
    (
        0usize..7,
        proptest::option::of(0i64..5_000_000),
        0i64..(90 * MIN),
        proptest::option::of(0i64..(30 * MIN)),
        any::<bool>(),
        "[a-zA-Zа-я ]{0,12}",
    )
        .prop_map(|(st, amount, closes, frozen, me_bid, name)| {
            let mut l = lot();
            l.status = STATUSES[st].1.clone();
            l.high_bid = amount.and_then(|a| bid(Money::from_tenge(a)));
            l.closes_at = Timestamp(closes);
            l.name = name;
            let meta = LotMeta {
                frozen_left_ms: frozen,
                me_bid,
                ..LotMeta::default()
            };
            (l, meta)
        })
}

/// A valid term of every kind, for the consistency property.
fn arb_term() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zа-я]{1,4}",
        Just("status:open".to_string()),
        Just("status:sold,cancelled".to_string()),
        (0u32..6_000).prop_map(|k| format!("bid>{k}k")),
        (0u32..6_000).prop_map(|k| format!("bid<={}.{}m", k / 1000, k % 1000)),
        (0u32..90).prop_map(|m| format!("closing<{m}m")),
        (0u32..90).prop_map(|m| format!("closing>={m}m30s")),
        Just("is:leading".to_string()),
        Just("is:outbid".to_string()),
        Just("region:north".to_string()),
    ]
}

proptest! {
    /// Any input: a filter or an error, never a panic, and an error points
    /// inside the text (or just past it).
    #[test]
    fn parse_never_panics(text in "\\PC{0,200}") {
        match Filter::parse(&text) {
            Ok(_) => {}
            Err(e) => {
                prop_assert!(e.term >= 1);
                prop_assert!(e.column <= text.chars().count());
                prop_assert!(!e.to_string().is_empty());
            }
        }
    }

    /// Operator soup, quotes and dashes hit the parser's corners harder.
    #[test]
    fn parse_never_panics_on_filter_like_text(text in "[-a-z:<>=\"., 0-9kmbнлрд]{0,60}") {
        let _ = Filter::parse(&text);
    }

    /// AND of terms is the conjunction, `-t` the complement, at any time.
    #[test]
    fn matching_is_consistent(
        terms in proptest::collection::vec(arb_term(), 1..5),
        (lot, meta) in arb_lot(),
        now in 0i64..(90 * MIN),
    ) {
        let none = HashSet::new();
        let e = env(now, Some("P-03"), &none);
        let one = |t: &str| Filter::parse(t).expect("generated term is valid").matches(&lot, &meta, &e);
        let all = Filter::parse(&terms.join(" ")).expect("valid").matches(&lot, &meta, &e);
        prop_assert_eq!(all, terms.iter().all(|t| one(t)));
        for t in &terms {
            prop_assert_eq!(one(&format!("-{t}")), !one(t));
        }
        // The answer holds until `next_change`.
        let f = Filter::parse(&terms.join(" ")).expect("valid");
        if let Some(next) = f.next_change(&lot, Timestamp(now)) {
            prop_assert!(next.0 > now);
            let before = env(next.0 - 1, Some("P-03"), &none);
            prop_assert_eq!(f.matches(&lot, &meta, &before), all);
        } else {
            let later = env(now + 200 * MIN, Some("P-03"), &none);
            prop_assert_eq!(f.matches(&lot, &meta, &later), all);
        }
    }
}

#[test]
fn russian_and_kazakh_fields_statuses_and_flags() {
    let mut l = lot();
    l.status = LotStatus::Open;
    for f in ["статус:открыт", "статус:откр", "күйі:ашық", "STATUS:Открыт"]
    {
        assert!(m(f, &l), "{f}");
    }
    assert!(!m("-статус:открыт", &l));
    l.status = LotStatus::Sold;
    for f in ["статус:состоялся", "күйі:өтті", "status:sold"] {
        assert!(m(f, &l), "{f}");
    }
    l.status = LotStatus::Unsold;
    assert!(m("статус:\"не состоялся\"", &l));
    assert!(m("күйі:өтпеді", &l));
    l.status = LotStatus::Cancelled;
    // ё or е, as typed.
    assert!(m("статус:отменён", &l));
    assert!(m("статус:отменен", &l));
    assert!(m("күйі:жойылды", &l));
    // Fields by their Russian and Kazakh names.
    assert!(m("название:сарлы ископаемые:медь", &l));
    assert!(m("атауы:сарлы қазба:мыс", &l));
    assert!(m("ставок=0 бонус>=0", &l));
    assert!(matches!(
        err("статус:нечто").kind,
        FilterErrorKind::UnknownStatus(_)
    ));
}

#[test]
fn a_region_or_mineral_is_found_in_any_language_whatever_the_data_came_in() {
    let mut l = lot();
    for region in ["Karaganda", "Карагандинская область", "Қарағанды облысы"]
    {
        l.region = region.into();
        for f in [
            "region:Караганд",
            "регион:караганд",
            "аймақ:Қарағанды",
            "region:karag",
            "Карагандинская",
        ] {
            assert!(m(f, &l), "{f} on {region}");
        }
        assert!(!m("регион:Павлодар", &l));
    }
    l.minerals = vec!["gold".into()];
    assert!(m("золото", &l));
    assert!(m("алтын", &l));
    assert!(m("ископаемые:золот", &l));
    l.minerals = vec!["золото".into()];
    assert!(m("mineral:gold", &l));
    assert!(m("gold", &l));
    assert!(!m("медь", &l));
}

#[test]
fn russian_and_kazakh_amount_and_duration_units() {
    let mut l = lot();
    l.starting_bonus = crate::domain::money::Amount::Known(Money::from_tenge(2_000));
    assert!(m("старт>1мың", &l));
    assert!(!m("старт<2тыс", &l));
    l.status = LotStatus::Open;
    l.closes_at = Timestamp(90 * MIN);
    assert!(m("закрытие<2сағ", &l));
    assert!(m("жабылу>1ч", &l));
}

/// A lot of a web-site source, scheduled, opening at `opens` (ms), with
/// applications until `deadline` (ms).
fn site_lot(opens: i64, deadline: Option<i64>) -> Lot {
    let mut l = lot();
    l.status = LotStatus::Scheduled;
    l.opens_at = Timestamp(opens);
    l.closes_at = l.opens_at;
    l.site = Some(Box::new(crate::domain::SiteLot {
        deadline: deadline.map(Timestamp),
        ..crate::domain::SiteLot::default()
    }));
    l
}

#[test]
fn deadline_matches_the_time_left_to_apply() {
    const DAY: i64 = 86_400_000;
    let soon = site_lot(5 * DAY, Some(DAY));
    assert!(m("deadline<2d", &soon) && !m("deadline<1h", &soon));
    assert!(m("deadline>12h", &soon));
    // In the interface's languages: the time to apply.
    assert!(m("срок<2дн", &soon) && m("мерзім<2күн", &soon) && !m("срок<1ч", &soon));
    // A passed deadline, none given, or a lot of the API: no time to apply.
    assert!(!m("deadline<2d", &site_lot(5 * DAY, Some(-MIN))));
    assert!(!m("deadline<2d", &site_lot(5 * DAY, None)));
    assert!(!m("deadline<2d", &lot()));
    // Once trading is under way, applications are over.
    let mut open = soon.clone();
    open.status = LotStatus::Open;
    assert!(!m("deadline<2d", &open));
    assert!(m("-deadline<2d", &open));
}

#[test]
fn a_start_the_site_has_not_caught_up_with_matches_no_time_term() {
    // Server time 0; the start was a minute ago, the site still says
    // applications.
    let passed = site_lot(-MIN, None);
    assert!(passed.start_passed(Timestamp(0)));
    assert!(!m("opens<1h", &passed) && !m("opens>0m", &passed));
    assert!(!m("closing<1h", &passed));
    // A web-site lot under way has no close to count down to.
    let mut open = site_lot(-MIN, None);
    open.status = LotStatus::Open;
    assert!(!m("closing<1h", &open));
    // Before its start it opens as usual.
    let ahead = site_lot(30 * MIN, None);
    assert!(!ahead.start_passed(Timestamp(0)));
    assert!(m("opens<1h", &ahead));
}
