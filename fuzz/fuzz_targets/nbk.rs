//! Fuzzes the National Bank XML parser: never panics, and a feed it accepts
//! always has a positive USD rate.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lotwatch::domain::Currency;
use lotwatch::rates::nbk::parse_nbk;
use rust_decimal::Decimal;

fuzz_target!(|data: &[u8]| {
    let Ok(xml) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(rates) = parse_nbk(xml) {
        assert!(rates.rates.contains_key(&Currency::Usd));
        assert!(rates.rates.values().all(|r| r.0 > Decimal::ZERO));
    }
});
