//! The sauda.e-qazyna.kz parser, with divan: a list page of 20 cards (the
//! site's page size, each card given twice as on the site) and a lot page,
//! both written by the simulator from the June day in the site's structure
//! (every non-ASCII character as a reference), and the mapping of the cards
//! onto domain lots. Run: `cargo bench --bench sauda` (figures in
//! BENCHMARKS.md).

use divan::Bencher;
use lotwatch::domain::Timestamp;
use lotwatch::platform::sauda::{SiteLang, lot_from, parse_list, parse_lot_page};
use lotwatch::sim::engine::Engine;
use lotwatch::sim::scenario::Scenario;
use lotwatch::sim::site::pages;

fn main() {
    divan::main();
}

const DAY: Timestamp = Timestamp(1_750_741_200_000);

fn engine() -> Engine {
    Engine::new(&Scenario::june_2025(), 7, DAY, 1.0)
}

fn list_html() -> String {
    let e = engine();
    let lots: Vec<_> = e.lots().iter().collect();
    pages::list_page(
        &lots,
        1,
        SiteLang::Ru,
        "SolidMinerals",
        "https://sauda.e-qazyna.kz",
    )
}

fn lot_html() -> String {
    let e = engine();
    pages::lot_page(&e.lots()[1], SiteLang::Kz)
}

#[divan::bench]
fn list_page_20_cards(b: Bencher) {
    let html = list_html();
    b.counter(divan::counter::BytesCount::new(html.len()))
        .bench(|| parse_list(divan::black_box(&html), "/ru/list").expect("parses"));
}

#[divan::bench]
fn lot_page(b: Bencher) {
    let html = lot_html();
    b.counter(divan::counter::BytesCount::new(html.len()))
        .bench(|| parse_lot_page(divan::black_box(&html), "/kz/list/1").expect("parses"));
}

#[divan::bench]
fn list_page_20_cards_to_lots(b: Bencher) {
    let html = list_html();
    b.bench(|| {
        let p = parse_list(divan::black_box(&html), "/ru/list").expect("parses");
        p.cards
            .iter()
            .map(|c| lot_from(c, None, String::new(), DAY))
            .collect::<Vec<_>>()
    });
}
