//! Properties of the sauda parser: no input makes it panic (arbitrary text,
//! arbitrary edits of the real fixture pages, hostile references in every
//! field), every text it returns is clean, amounts round-trip exactly, and
//! what it returns stays bounded whatever the page holds.

use lotwatch::domain::Money;
use lotwatch::platform::sauda::amount::{format_tenge, parse_astana, parse_tenge};
use lotwatch::platform::sauda::{MAX_CARDS, lot_from, parse_list, parse_lot_page};
use proptest::prelude::*;

const LIST: &str = include_str!("../fixtures/sauda/list-solid-minerals.html");
const KZ: &str = include_str!("../fixtures/sauda/lot-401102-kz.html");
const SOLD: &str = include_str!("../fixtures/sauda/lot-sold-ru.html");

fn clean_text(s: &str) -> bool {
    !s.chars()
        .any(|c| c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
}

/// Text with markup, references (control characters among them) and
/// Cyrillic, as a hostile page would hold.
fn hostile() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("<".to_string()),
            Just("</div>".to_string()),
            Just("<div class=\"d-none d-sm-block\">".to_string()),
            Just("&#x1B;[2J".to_string()),
            Just("&#x9B;".to_string()),
            Just("&#x202E;".to_string()),
            Just("&#xD800;".to_string()),
            Just("&#x110000;".to_string()),
            Just("&#0;".to_string()),
            Just("&amp".to_string()),
            Just("№".to_string()),
            Just("\u{a0}".to_string()),
            Just(",".to_string()),
            "[0-9]{1,4}".prop_map(|s| s),
            "[а-яА-Я ]{1,6}".prop_map(|s| s),
            any::<char>().prop_map(|c| c.to_string()),
        ],
        0..24,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn arbitrary_text_never_panics(s in ".{0,400}") {
        let _ = parse_list(&s, "/ru/list");
        let _ = parse_lot_page(&s, "/ru/list/1");
        let _ = parse_tenge(&s);
        let _ = parse_astana(&s);
    }

    #[test]
    fn edited_fixture_pages_never_panic_and_stay_clean(
        at in 0usize..40_000,
        cut in 0usize..2_000,
        insert in hostile(),
        which in 0usize..3,
    ) {
        let page = [LIST, KZ, SOLD][which];
        let mut at = at.min(page.len());
        while !page.is_char_boundary(at) { at -= 1; }
        let mut end = (at + cut).min(page.len());
        while !page.is_char_boundary(end) { end -= 1; }
        let html = format!("{}{insert}{}", &page[..at], &page[end..]);
        if let Ok(p) = parse_list(&html, "/ru/list") {
            prop_assert!(p.cards.len() <= MAX_CARDS);
            for c in &p.cards {
                prop_assert!(clean_text(&c.title) && clean_text(&c.status) && clean_text(&c.region));
                prop_assert!(!c.number.is_empty());
                let lot = lot_from(c, None, "u".into(), lotwatch::domain::Timestamp(0));
                prop_assert!(clean_text(&lot.name));
            }
        }
        if let Ok(p) = parse_lot_page(&html, "/ru/list/1") {
            prop_assert!(clean_text(&p.heading) && clean_text(&p.status) && clean_text(&p.description));
            prop_assert!(p.pairs.len() <= 64);
        }
    }

    #[test]
    fn hostile_text_in_every_card_field_is_cleaned(t in hostile()) {
        let html = LIST
            .replace("&#x421;&#x430;&#x440;&#x44B;&#x430;&#x434;&#x44B;&#x440;", &t)
            .replace("&#x41E;&#x431;&#x43B;&#x430;&#x441;&#x442;&#x44C; &#x4B0;&#x43B;&#x44B;&#x442;&#x430;&#x443;", &t);
        if let Ok(p) = parse_list(&html, "/ru/list") {
            for c in &p.cards {
                prop_assert!(clean_text(&c.title), "{:?}", c.title);
                prop_assert!(clean_text(&c.region), "{:?}", c.region);
            }
        }
    }

    #[test]
    fn amounts_round_trip_exactly(tiyn in 0i64..=999_999_999_999_999) {
        let m = Money::from_tiyn(tiyn);
        prop_assert_eq!(parse_tenge(&format_tenge(m)), Some(m));
        prop_assert_eq!(parse_tenge(&format!("₸ {}", format_tenge(m))), Some(m));
    }
}

#[test]
fn a_page_of_thousands_of_cards_keeps_at_most_max_cards() {
    let start = LIST
        .find("<div class=\"d-none d-sm-block\">\n    <div class=\"row\">")
        .expect("card");
    let end = LIST.find("    <hr>").expect("first separator");
    let card = &LIST[start..end];
    let mut many = String::new();
    for i in 0..1000 {
        many.push_str(&card.replace("273126912481000000", &format!("{:018}", i)));
    }
    let html = format!("{}{many}{}", &LIST[..start], &LIST[end..]);
    let p = parse_list(&html, "/ru/list").expect("parses");
    assert_eq!(p.cards.len(), MAX_CARDS);
}

/// The list fixture with `inner` put where its cards are.
fn list_with(inner: &str) -> String {
    let start = LIST
        .find("<div class=\"d-none d-sm-block\">\n    <div class=\"row\">")
        .expect("card");
    format!("{}{inner}{}", &LIST[..start], &LIST[start..])
}

/// `n` card divs, each inside the one before (the review's hostile page:
/// 16 000 of them and the page around are about 650 KB).
fn nested_cards(n: usize) -> String {
    let open = "<div class=\"d-none d-sm-block\">";
    let mut s = open.repeat(n);
    s.push_str(&"</div>".repeat(n));
    s
}

#[test]
fn a_page_of_16000_nested_cards_is_refused_in_under_a_second() {
    let html = list_with(&nested_cards(16_000));
    assert!(
        html.len() > 600_000 && html.len() < 700_000,
        "{}",
        html.len()
    );
    let t = std::time::Instant::now();
    let list = parse_list(&html, "/ru/list");
    let lot = parse_lot_page(&html, "/ru/list/1");
    let took = t.elapsed();
    eprintln!(
        "16 000-deep page ({} bytes): both parsers in {took:?}",
        html.len()
    );
    assert!(took < std::time::Duration::from_secs(1), "{took:?}");
    for r in [list.map(|_| ()), lot.map(|_| ())] {
        match r {
            Err(lotwatch::platform::PlatformError::Layout { what, .. }) => {
                assert!(what.contains("nested deeper than 256"), "{what}")
            }
            other => panic!("{other:?}"),
        }
    }
    // Just under the depth: read, the fixture's cards inside the nest.
    let html = list_with(&nested_cards(200));
    let t = std::time::Instant::now();
    let r = parse_list(&html, "/ru/list").expect("read under the depth");
    assert!(t.elapsed() < std::time::Duration::from_secs(1));
    assert!(!r.cards.is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10))]

    /// Time grows with the page's size, not its square: a page of the same
    /// shape (nests of any depth, side by side) four times as large takes
    /// about four times the CPU time (measured alongside); the quadratic
    /// parser took 16 times as long. Nesting
    /// past `MAX_DEPTH` is refused at once, whatever the size.
    #[test]
    fn parsing_time_is_linear_in_the_pages_size(
        depth in 1usize..20_000,
        siblings in 1usize..25,
    ) {
        // At most about 400 KB of cards (37 bytes a card) at four times.
        let depth = depth.min(2_700 / siblings).max(1);
        let small = list_with(&nested_cards(depth).repeat(siblings));
        let large = list_with(&nested_cards(depth).repeat(siblings * 4));
        // The CPU time of this thread, the least of three rounds taken in
        // turn: a busy machine (other tests beside this one) stretches the
        // wall-clock time of a parse several times, its CPU time hardly.
        let (mut once, mut four) = (std::time::Duration::MAX, std::time::Duration::MAX);
        for _ in 0..3 {
            for (html, best) in [(&small, &mut once), (&large, &mut four)] {
                let t = thread_cpu_time();
                let _ = parse_list(html, "/ru/list");
                *best = (*best).min(thread_cpu_time().saturating_sub(t));
            }
        }
        prop_assert!(
            four <= once * 6 + std::time::Duration::from_millis(60),
            "{depth} deep x {siblings}: {} bytes in {once:?}, {} bytes in {four:?}",
            small.len(),
            large.len()
        );
    }
}

/// The CPU time the calling thread has used (`CLOCK_THREAD_CPUTIME_ID`).
fn thread_cpu_time() -> std::time::Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec it is given, which
    // lives on this stack frame for the whole call.
    #[allow(unsafe_code)]
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    std::time::Duration::new(
        u64::try_from(ts.tv_sec).unwrap_or(0),
        u32::try_from(ts.tv_nsec).unwrap_or(0),
    )
}
