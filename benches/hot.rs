//! The monitor's hot paths, with divan: one full frame at 200x50 (50 and
//! 10 000 lots), applying bid events to the state, a clock tick with and
//! without a time term in the filter, decoding a 10 000-lot
//! `/lots` snapshot, and the sanitizer on long hostile strings.
//!
//! Every state is built the way the monitor builds it: the simulator's engine
//! plays a generated day, its lots and events go through the wire encoders
//! or straight into `App::update` as real `SyncMsg`s.
//! Run: `cargo bench --bench hot` (figures in BENCHMARKS.md).

#![allow(clippy::unwrap_used)] // a test may stop at the first surprise

use divan::counter::{BytesCount, ItemsCount};
use divan::{Bencher, black_box};
use lotwatch::app::{Action, App, AppOptions, Msg};
use lotwatch::domain::clock::{ClockSample, Mono};
use lotwatch::domain::{Currency, Event, EventKind, LotStatus, Money, Rate, Timestamp};
use lotwatch::platform::wire::{LotsBody, WireLot};
use lotwatch::rates::{RateSource, RateTable};
use lotwatch::sim::engine::Engine;
use lotwatch::sim::scenario::Scenario;
use lotwatch::sync::{LinkState, SyncMsg};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::cell::Cell;
use std::collections::BTreeMap;

fn main() {
    divan::main();
}

/// The monotonic instant every frame is drawn at.
const NOW: Mono = Mono(10_000);
/// 2025-06-24T05:00:00Z: the generated day starts.
const DAY: Timestamp = Timestamp(1_750_741_200_000);

/// An engine `minutes` into a generated day of `n` lots (speed 1).
fn engine(n: usize, minutes: i64) -> Engine {
    let mut e = Engine::new(&Scenario::generated(n, 7), 7, DAY, 1.0);
    e.advance_to(DAY.plus_millis(minutes * 60_000));
    e
}

/// An app fed as the monitor feeds it: clock, auction, rates, a snapshot of
/// `n` lots 25 minutes in, then the feed's events of the next 3 minutes.
fn app(n: usize) -> App {
    let mut e = engine(n, 25);
    let mut app = App::new(AppOptions {
        currency: Currency::Usd,
        me: Some("P-03".into()),
        ..AppOptions::default()
    });
    let up = |app: &mut App, m: SyncMsg| {
        app.update(Msg::Sync(m), NOW);
    };
    app.update(Msg::Resize { w: 200, h: 50 }, NOW);
    up(&mut app, SyncMsg::Link(LinkState::Live));
    up(&mut app, SyncMsg::Auction(e.auction()));
    let rate = |s: &str| Rate(s.parse().expect("a rate"));
    up(
        &mut app,
        SyncMsg::Rates(RateTable {
            source: RateSource::Nbk,
            date: Some(jiff::civil::date(2025, 6, 24)),
            rates: BTreeMap::from([
                (Currency::Usd, rate("519.53")),
                (Currency::Eur, rate("601.12")),
                (Currency::Cny, rate("72.31")),
            ]),
            fetched_at: e.now(),
            fallback: None,
        }),
    );
    let seq = e.last_seq();
    up(
        &mut app,
        SyncMsg::Snapshot {
            seq,
            lots: e.lots().to_vec(),
            rejected: vec![],
        },
    );
    e.advance_to(DAY.plus_millis(28 * 60_000));
    let evs = e.events_after(seq, 1000).expect("history kept");
    up(&mut app, SyncMsg::Events(evs));
    up(
        &mut app,
        SyncMsg::Clock(ClockSample {
            server: e.now(),
            sent: NOW,
            received: NOW,
            local_wall: e.now(),
            from_date_header: false,
        }),
    );
    app
}

#[divan::bench(args = [50, 10_000])]
fn frame_200x50(bencher: Bencher, lots: usize) {
    let app = app(lots);
    let mut term = Terminal::new(TestBackend::new(200, 50)).expect("a test terminal");
    let view = lotwatch::ui::View::default();
    bencher.bench_local(|| {
        term.draw(|f| lotwatch::ui::draw(f, &app, NOW, &view))
            .expect("draw");
    });
}

/// One clock tick per second of server time on 10 000 lots, without a filter
/// and with a time term (`closing<10m`): with the term the index is rebuilt
/// on the ticks where some lot crosses the threshold (1 000 ticks, ~17 min of
/// the generated day, so most ticks see a crossing).
#[divan::bench(args = ["", "closing<10m"], sample_count = 100, sample_size = 10)]
fn tick_10k(bencher: Bencher, filter: &str) {
    let mut app = app(10_000);
    app.update(Msg::Action(Action::StartFilter), NOW);
    for c in filter.chars() {
        app.update(Msg::Action(Action::FilterInput(c)), NOW);
    }
    app.update(Msg::Action(Action::FilterCommit), NOW);
    let t = Cell::new(NOW.0);
    bencher.bench_local(|| {
        t.set(t.get() + 1000);
        black_box(app.update(Msg::Tick, Mono(t.get())));
    });
}

/// The open lots of `app`: id, close, the next minimum bid and the increment.
fn open_lots(app: &App) -> Vec<(String, Timestamp, Money, Money)> {
    let open: Vec<_> = (0..app.lots().view_len())
        .filter_map(|p| app.lots().row(p))
        .filter(|(l, _)| l.status == LotStatus::Open)
        .filter_map(|(l, _)| {
            Some((
                l.id.clone(),
                l.closes_at,
                lotwatch::domain::rules::next_min_bid(l)?,
                l.min_increment,
            ))
        })
        .collect();
    assert!(!open.is_empty(), "the fixture has open lots");
    open
}

/// Bid events `first..first + n` of a feed that bids round robin on the open
/// lots, each bid the lot's next minimum (as the platform accepts them: no
/// anomaly is raised), seqs from `seq`.
fn bids(
    open: &[(String, Timestamp, Money, Money)],
    seq: u64,
    first: usize,
    n: usize,
) -> Vec<Event> {
    (first..first + n)
        .map(|k| {
            let (id, closes, next, inc) = &open[k % open.len()];
            let round = (k / open.len()) as i64;
            Event {
                seq: seq + (k - first) as u64,
                at: DAY.plus_millis(28 * 60_000),
                lot_id: Some(id.clone()),
                kind: EventKind::Bid {
                    amount: Money::from_tiyn(next.tiyn() + round * inc.tiyn()),
                    bidder: BIDDERS[k % BIDDERS.len()].to_string(),
                    closes_at: *closes,
                },
            }
        })
        .collect()
}

const BIDDERS: [&str; 7] = ["P-01", "P-02", "P-03", "P-04", "P-05", "P-06", "P-07"];

/// Bid events through `App::update`, in feed pages of 500 (the engine's page
/// size); the throughput line is events per second. Every bid is valid (the
/// lot's next minimum), as a real feed's are: an invalid one would measure
/// the anomaly detector's reports instead.
#[divan::bench(args = [50, 10_000])]
fn apply_bid_events(bencher: Bencher, lots: usize) {
    const PAGE: usize = 500;
    let mut app = app(lots);
    let open = open_lots(&app);
    let next = Cell::new((app.feed_seq() + 1, 0usize));
    let anomalies = app.anomalies().count();
    bencher
        .counter(ItemsCount::new(PAGE))
        .with_inputs(|| {
            let (seq, first) = next.get();
            next.set((seq + PAGE as u64, first + PAGE));
            bids(&open, seq, first, PAGE)
        })
        .bench_local_values(|evs| app.update(Msg::Sync(SyncMsg::Events(evs)), NOW));
    assert_eq!(app.anomalies().count(), anomalies, "the bids are all valid");
}

/// Bytes of a `/lots` answer for `n` lots 25 minutes into the day.
fn lots_body(n: usize) -> Vec<u8> {
    let e = engine(n, 25);
    let body = LotsBody {
        server_time: e.now().to_rfc3339(),
        seq: e.last_seq(),
        lots: e.lots().iter().map(WireLot::from).collect(),
    };
    serde_json::to_vec(&body).expect("encodes")
}

/// Bytes -> typed wire lots -> domain lots, as the client decodes `/lots`.
#[divan::bench]
fn decode_lots_10k(bencher: Bencher) {
    let bytes = lots_body(10_000);
    bencher.counter(BytesCount::of_slice(&bytes)).bench(|| {
        let page =
            lotwatch::platform::decode::decode_lots_bytes(black_box(&bytes)).expect("decodes");
        assert_eq!(page.lots.len(), 10_000);
        page
    });
}

/// Bytes -> `serde_json::Value` tree -> domain lots: the path the client took
/// before (and still takes for a body of the wrong shape), for comparison.
#[divan::bench]
fn decode_lots_10k_tree(bencher: Bencher) {
    let bytes = lots_body(10_000);
    bencher.counter(BytesCount::of_slice(&bytes)).bench(|| {
        let v: serde_json::Value = serde_json::from_slice(black_box(&bytes)).expect("JSON");
        let page = lotwatch::platform::decode::decode_lots(&v).expect("decodes");
        assert_eq!(page.lots.len(), 10_000);
        page
    });
}

/// Long strings an unfriendly server might send: escape sequences, C1
/// controls, bidi overrides, zero-width and combining marks, mixed scripts.
fn hostile(len: usize) -> String {
    let parts = [
        "\x1b[31mКрасный\x1b[0m ",
        "\x1b]0;pwned\x07",
        "\u{202e}evil\u{202c} ",
        "a\u{200b}b\u{feff}c ",
        "e\u{301}\u{301}\u{301} ",
        "\u{9b}2J ",
        "金矿 ",
        "Қаратау ",
        "\r\n\t",
        "\x1bP+q544e\x1b\\ ",
    ];
    let mut s = String::with_capacity(len + 32);
    let mut i = 0;
    while s.len() < len {
        s.push_str(parts[i % parts.len()]);
        i += 1;
    }
    s
}

#[divan::bench(args = [1_000, 64_000])]
fn sanitize_hostile(bencher: Bencher, len: usize) {
    let s = hostile(len);
    bencher
        .counter(BytesCount::of_str(&s))
        .bench(|| lotwatch::platform::sanitize::clean(black_box(&s), 1_000_000));
}
