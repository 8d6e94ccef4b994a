//! Fuzzes the sanitizer: never panics, and whatever comes in, what comes out
//! has no control or bidi character, respects the cap, and is a fixed point.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lotwatch::platform::sanitize::{clean, display_width, is_hidden_format, truncate_to_width};

fuzz_target!(|data: &[u8]| {
    let Some((&cap, rest)) = data.split_first() else {
        return;
    };
    let max = usize::from(cap);
    let input = String::from_utf8_lossy(rest);
    let out = clean(&input, max);
    assert!(out.chars().count() <= max, "cap {max} exceeded");
    assert!(
        !out.chars().any(|c| c.is_control() || is_hidden_format(c)),
        "control left in {out:?}"
    );
    assert_eq!(clean(&out, max), out, "not idempotent");
    let width = usize::from(cap % 64);
    assert!(display_width(&truncate_to_width(&out, width)) <= width);
});
