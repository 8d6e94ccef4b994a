//! A page of the site's HTML at the page cap (2 MB) parses in linear time
//! with memory proportional to the input: measured by size ratio (256 KB
//! against 2 MB), never by a
//! wall-clock threshold. Its own binary, so that its counting allocator sees
//! only this test.

#![allow(clippy::unwrap_used)] // a test may stop at the first surprise

use lotwatch::platform::sauda::{MAX_CARDS, parse_list, parse_lot_page};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Counts the bytes live and their peak (the system allocator underneath).
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// An allocator must be `unsafe impl`: it only forwards to System and counts.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        // SAFETY: forwarded as given.
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            let now = LIVE.fetch_add(l.size(), Ordering::Relaxed) + l.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        // SAFETY: forwarded as given.
        unsafe { System.dealloc(p, l) };
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static A: Counting = Counting;

const LIST: &str = include_str!("fixtures/sauda/list-solid-minerals.html");
const SOLD: &str = include_str!("fixtures/sauda/lot-sold-ru.html");

/// A list page of about `bytes`, its cards repeated with distinct ids.
fn list_of(bytes: usize) -> String {
    let start = LIST
        .find("<div class=\"d-none d-sm-block\">\n    <div class=\"row\">")
        .unwrap();
    let end = LIST
        .find("</div><div class=\"d-flex justify-content-center mt-4\">")
        .unwrap();
    let cards = &LIST[start..end];
    let mut body = String::with_capacity(bytes + LIST.len());
    let mut i = 0u64;
    while body.len() < bytes {
        body.push_str(&cards.replace("000000\"", &format!("{:06}\"", i % 1_000_000)));
        i += 1;
    }
    format!("{}{body}{}", &LIST[..start], &LIST[end..])
}

/// A lot page with a description of about `bytes`.
fn lot_of(bytes: usize) -> String {
    let pair = "Площадь, кв. км.: 0.66; ";
    let desc = pair.repeat(bytes / pair.len());
    SOLD.replacen(
        "Земельный участок:",
        &format!("{desc}Земельный участок:"),
        1,
    )
}

/// Best of two: the time and the peak bytes above what was live before.
fn measure(f: impl Fn()) -> (f64, usize) {
    let mut best = f64::MAX;
    let mut peak = 0;
    for _ in 0..2 {
        let base = LIVE.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        let t = Instant::now();
        f();
        best = best.min(t.elapsed().as_secs_f64());
        peak = peak.max(PEAK.load(Ordering::Relaxed) - base);
    }
    (best, peak)
}

#[test]
fn a_page_at_the_cap_parses_in_linear_time_and_memory() {
    for (name, small, large) in [
        ("list", list_of(1 << 18), list_of(2 << 20)),
        ("lot", lot_of(1 << 18), lot_of(2 << 20)),
    ] {
        let parse = |html: &str| {
            if name == "list" {
                let p = parse_list(html, "/ru/list").unwrap();
                assert!(!p.cards.is_empty() && p.cards.len() <= MAX_CARDS);
            } else {
                let p = parse_lot_page(html, "/ru/list/1").unwrap();
                assert!(p.pairs.len() <= 64);
            }
        };
        let (t1, m1) = measure(|| parse(&small));
        let (t10, m10) = measure(|| parse(&large));
        let size = large.len() as f64 / small.len() as f64;
        let (tr, mr) = (t10 / t1, m10 as f64 / m1 as f64);
        println!(
            "{name}: {:.1} MB in {:.0} ms, peak {:.0} MB; {:.1} MB in {:.0} ms, peak {:.0} MB; size x{size:.1}, time x{tr:.1}, memory x{mr:.1}",
            small.len() as f64 / 1e6,
            t1 * 1e3,
            m1 as f64 / 1e6,
            large.len() as f64 / 1e6,
            t10 * 1e3,
            m10 as f64 / 1e6,
        );
        // Linear: eight times the input costs about eight times, far from
        // the sixty-four a quadratic step would give (2.5x slack for noise).
        assert!(
            tr < size * 2.5,
            "{name}: time grew x{tr:.1} for x{size:.1} input"
        );
        // The tree's vectors grow by doubling, so a peak may be up to twice
        // the proportional size: linear memory stays under twice the ratio.
        assert!(
            mr < size * 2.0,
            "{name}: memory grew x{mr:.1} for x{size:.1} input"
        );
        // Bounded: the tree costs a fixed multiple of the page, at most.
        assert!(
            (m10 as f64) < large.len() as f64 * 40.0,
            "{name}: peak {m10} B for {} B",
            large.len()
        );
    }
}
