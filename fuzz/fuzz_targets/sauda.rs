//! Fuzzes the sauda.e-qazyna.kz parser (`platform::sauda`): any bytes, as
//! HTML, to the list and lot page parsers and the amount and date readers;
//! every text they let through is sanitized, every result bounded.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lotwatch::platform::sanitize::{MAX_NOTICE, is_hidden_format};
use lotwatch::platform::sauda::amount::{parse_astana, parse_tenge};
use lotwatch::platform::sauda::{MAX_CARDS, lot_from, parse_list, parse_lot_page};

fn check(s: &str) {
    assert!(s.chars().count() <= MAX_NOTICE, "uncapped text");
    assert!(
        !s.chars().any(|c| c.is_control() || is_hidden_format(c)),
        "unsanitized {s:?}"
    );
}

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    if let Ok(p) = parse_list(&html, "/ru/list") {
        assert!(p.cards.len() <= MAX_CARDS);
        for c in &p.cards {
            for s in [&c.id, &c.number, &c.title, &c.auction_type, &c.region, &c.status] {
                check(s);
            }
            let l = lot_from(c, None, String::new(), lotwatch::domain::Timestamp(0));
            check(&l.name);
        }
    }
    if let Ok(p) = parse_lot_page(&html, "/ru/list/1") {
        for s in [&p.number, &p.heading, &p.auction_type, &p.status, &p.description] {
            check(s);
        }
        assert!(p.pairs.len() <= 64);
    }
    let _ = parse_tenge(&html);
    let _ = parse_astana(&html);
});
