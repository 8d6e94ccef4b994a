//! The simulator's National Bank feed, read back by the monitor's parser: the
//! demo's dollar figures come from exactly the rates the simulator serves.

use jiff::civil::date;
use lotwatch::domain::Currency;
use lotwatch::rates::nbk::parse_nbk;
use lotwatch::sim::rates::{RateBook, render_nbk};

#[test]
fn simulator_feed_parses_to_the_simulators_own_rates() {
    let book = RateBook::embedded();
    for d in [
        date(2025, 6, 23),
        date(2025, 6, 24),
        date(2025, 6, 25),
        date(2025, 6, 28),
    ] {
        let xml = render_nbk(&book, d);
        let parsed = parse_nbk(&xml).unwrap_or_else(|e| panic!("{d}: {e}"));
        assert_eq!(parsed.date, d);
        let served = book.per_unit(d);
        assert!(parsed.rates.contains_key(&Currency::Usd));
        for (c, rate) in &parsed.rates {
            assert_eq!(
                Some(&rate.0.to_string()),
                served.get(c.code()),
                "{d} {}",
                c.code()
            );
        }
    }
}
