//! A realistic auction moment for the view tests, built only through
//! `App::update` with real sync messages, and a fake clock: the server's time
//! is fixed by one clock sample, so `NOW` always reads 10:40:00 Astana.

#![allow(dead_code)]

use lotwatch::app::{Action, App, AppOptions, Msg};
use lotwatch::domain::clock::{ClockSample, Mono};
use lotwatch::domain::{
    Auction, AuctionStatus, Bid, Currency, Event, EventKind, HighBid, License, LicenseKind, Lot,
    LotResult, LotStatus, Money, Rate, SoftClose, Timestamp,
};
use lotwatch::rates::{RateSource, RateTable};
use lotwatch::sync::{LinkState, SyncMsg};
use lotwatch::ui::View;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::collections::BTreeMap;

/// 2025-06-24T05:00:00Z, 10:00 in Astana: the auction opens.
pub const T0: i64 = 1_750_741_200_000;
/// The server's time in every view test: T0 + 40 min (10:40:00 Astana).
pub const SERVER_NOW: i64 = T0 + 40 * 60_000;
/// The monotonic instant that reads as `SERVER_NOW`.
pub const NOW: Mono = Mono(10_000);

pub fn ts(offset_s: i64) -> Timestamp {
    Timestamp(SERVER_NOW + offset_s * 1000)
}

fn tenge(t: i64) -> Money {
    Money::from_tenge(t)
}

struct Spec {
    id: &'static str,
    name: &'static str,
    region: &'static str,
    minerals: &'static [&'static str],
    kind: LicenseKind,
    term: u32,
    area: Option<&'static str>,
    blocks: Option<u32>,
    reserves: &'static str,
    start: i64,
    status: LotStatus,
    opens: i64,
    closes: i64,
    extensions: u32,
    bids: &'static [(i64, &'static str)],
    participants: u32,
}

fn build(s: &Spec) -> Lot {
    let step = s.start / 20;
    let high_bid = s.bids.last().map(|(amt, who)| HighBid {
        amount: tenge(*amt),
        bidder: (*who).into(),
        at: ts(-95),
        seq: 1700,
    });
    Lot {
        id: s.id.into(),
        number: s.id.into(),
        name: s.name.into(),
        region: s.region.into(),
        minerals: s.minerals.iter().map(|m| m.to_string()).collect(),
        license: License {
            kind: s.kind.clone(),
            term_years: s.term,
            area_km2: s.area.map(|a| a.parse().expect("fixture area")),
            blocks: s.blocks,
        },
        reserves: s.reserves.into(),
        starting_bonus: tenge(s.start).into(),
        min_increment: tenge(step),
        guarantee: tenge(s.start).into(),
        participation_fee: tenge(s.start / 100).into(),
        min_participants: 2,
        participants: s.participants,
        status: s.status.clone(),
        opens_at: ts(s.opens),
        closes_at: ts(s.closes),
        soft_close: SoftClose {
            window_s: 300,
            extend_s: 300,
            max_extensions: Some(5),
        },
        extensions: s.extensions,
        high_bid,
        bid_count: s.bids.len() as u32,
        result: None,
        site: None,
    }
}

/// Twelve lots as of the snapshot (seq 1800), some changed afterwards by events.
fn lots() -> Vec<Lot> {
    specs().iter().map(build).collect()
}

fn specs() -> Vec<Spec> {
    use LicenseKind::*;
    use LotStatus::*;
    let specs = [
        Spec {
            id: "401102",
            name: "Сарлы Южное крыло",
            region: "Aktobe",
            minerals: &["gold", "copper"],
            kind: Production,
            term: 25,
            area: Some("0.66"),
            blocks: None,
            reserves: "Au 4.2 t (C1+C2)",
            start: 36_920_000,
            status: Open,
            opens: -2400,
            closes: 1500,
            extensions: 0,
            bids: &[
                (36_920_000, "P-03"),
                (38_766_000, "P-07"),
                (40_612_000, "P-02"),
                (42_458_000, "P-05"),
                (44_304_000, "P-07"),
            ],
            participants: 4,
        },
        Spec {
            id: "401117",
            name: "Жаксы-Коктенколь",
            region: "Karaganda",
            minerals: &["tungsten", "molybdenum"],
            kind: Exploration,
            term: 6,
            area: None,
            blocks: Some(12),
            reserves: "WO3 18 kt (P1)",
            start: 12_500_000,
            status: Open,
            opens: -2400,
            closes: 192,
            extensions: 0,
            bids: &[(12_500_000, "P-01"), (13_125_000, "P-04")],
            participants: 3,
        },
        Spec {
            id: "401125",
            name: "Бестау учаскесі",
            region: "Pavlodar",
            minerals: &["coal"],
            kind: Production,
            term: 20,
            area: Some("14.2"),
            blocks: None,
            reserves: "coal 120 Mt (B+C1)",
            start: 250_000_000,
            status: Open,
            opens: -2400,
            closes: 95,
            extensions: 1,
            bids: &[
                (250_000_000, "P-02"),
                (262_500_000, "P-06"),
                (275_000_000, "P-02"),
                (287_500_000, "P-06"),
                (300_000_000, "P-02"),
                (312_500_000, "P-09"),
                (325_000_000, "P-02"),
                (337_500_000, "P-06"),
            ],
            participants: 5,
        },
        Spec {
            id: "401131",
            name: "Кенгир Восточный",
            region: "Ulytau",
            minerals: &["copper"],
            kind: Production,
            term: 25,
            area: Some("3.1"),
            blocks: None,
            reserves: "Cu 210 kt",
            start: 1_180_000_000,
            status: Open,
            opens: -2400,
            closes: 42,
            extensions: 3,
            bids: &[
                (1_180_000_000, "P-01"),
                (1_239_000_000, "P-11"),
                (1_298_000_000, "P-01"),
                (1_357_000_000, "P-11"),
            ],
            participants: 2,
        },
        Spec {
            id: "401140",
            name: "Шалкия-2",
            region: "Kyzylorda",
            minerals: &["lead", "zinc"],
            kind: Exploration,
            term: 6,
            area: None,
            blocks: Some(4),
            reserves: "",
            start: 8_400_000,
            status: Scheduled,
            opens: 750,
            closes: 750 + 3600,
            extensions: 0,
            bids: &[],
            participants: 3,
        },
        Spec {
            id: "401152",
            name: "Алтынтау Северный",
            region: "East Kazakhstan",
            minerals: &["gold"],
            kind: Exploration,
            term: 6,
            area: Some("41.5"),
            blocks: None,
            reserves: "Au 1.1 t (P2)",
            start: 15_000_000,
            status: Scheduled,
            opens: 3900,
            closes: 3900 + 3600,
            extensions: 0,
            bids: &[],
            participants: 6,
        },
        Spec {
            id: "401163",
            name: "Майкаин учаскесі",
            region: "Pavlodar",
            minerals: &["gold", "silver"],
            kind: Production,
            term: 15,
            area: Some("2.05"),
            blocks: None,
            reserves: "Au 2.7 t",
            start: 54_000_000,
            status: Open,
            opens: -2400,
            closes: 225,
            extensions: 0,
            bids: &[(54_000_000, "P-08"), (56_700_000, "P-03")],
            participants: 3,
        },
        Spec {
            id: "401170",
            name: "Жезказган Западный",
            region: "Ulytau",
            minerals: &["copper"],
            kind: Production,
            term: 25,
            area: Some("7.8"),
            blocks: None,
            reserves: "Cu 95 kt",
            start: 96_000_000,
            status: Open,
            opens: -2400,
            closes: -30,
            extensions: 0,
            bids: &[
                (96_000_000, "P-04"),
                (100_800_000, "P-02"),
                (105_600_000, "P-04"),
                (110_400_000, "P-02"),
            ],
            participants: 4,
        },
        Spec {
            id: "401178",
            name: "Торгай литий",
            region: "Kostanay",
            minerals: &["lithium"],
            kind: Exploration,
            term: 6,
            area: None,
            blocks: Some(20),
            reserves: "",
            start: 22_000_000,
            status: Unsold,
            opens: -2400,
            closes: -2400,
            extensions: 0,
            bids: &[],
            participants: 1,
        },
        Spec {
            id: "401185",
            name: "Сырымбет редкие земли",
            region: "North Kazakhstan",
            minerals: &["rare-earths", "tin"],
            kind: Exploration,
            term: 6,
            area: Some("96"),
            blocks: None,
            reserves: "",
            start: 30_000_000,
            status: Cancelled,
            opens: 1800,
            closes: 5400,
            extensions: 0,
            bids: &[],
            participants: 0,
        },
        Spec {
            id: "401190",
            name: "Коктас",
            region: "Karaganda",
            minerals: &["manganese"],
            kind: Production,
            term: 10,
            area: Some("0.9"),
            blocks: None,
            reserves: "Mn 3 Mt",
            start: 6_000_000,
            status: Open,
            opens: -2400,
            closes: -2,
            extensions: 1,
            bids: &[(6_000_000, "P-05"), (6_300_000, "P-12")],
            participants: 2,
        },
        Spec {
            id: "401199",
            name: "Бозшаколь Южный",
            region: "Pavlodar",
            minerals: &["copper", "molybdenum"],
            kind: Production,
            term: 25,
            area: Some("11.4"),
            blocks: None,
            reserves: "Cu 310 kt",
            start: 410_000_000,
            status: Open,
            opens: -2400,
            closes: 4800,
            extensions: 0,
            bids: &[],
            participants: 3,
        },
    ];
    specs.into()
}

fn ev(seq: u64, at: i64, lot: Option<&str>, kind: EventKind) -> Event {
    Event {
        seq,
        at: ts(at),
        lot_id: lot.map(String::from),
        kind,
    }
}

/// What happened after the snapshot: an extension on 401125, a suspension
/// of 401163, the close and sale of 401170, a notice.
fn events() -> Vec<Event> {
    vec![
        ev(
            1801,
            -240,
            Some("401163"),
            EventKind::Status {
                status_text: None,
                status: LotStatus::Suspended,
                closes_at: ts(225),
                result: None,
            },
        ),
        ev(
            1802,
            -200,
            None,
            EventKind::Notice {
                message: "Торги по лоту 401163 приостановлены: технический перерыв".into(),
            },
        ),
        ev(
            1803,
            -29,
            Some("401170"),
            EventKind::Status {
                status_text: None,
                status: LotStatus::Closed,
                closes_at: ts(-30),
                result: None,
            },
        ),
        ev(
            1804,
            -12,
            Some("401170"),
            EventKind::Status {
                status_text: None,
                status: LotStatus::Sold,
                closes_at: ts(-30),
                result: Some(LotResult {
                    winner: "P-02".into(),
                    amount: tenge(110_400_000),
                    protocol_at: ts(-12),
                }),
            },
        ),
        ev(
            1805,
            -5,
            Some("401125"),
            EventKind::Bid {
                amount: tenge(350_000_000),
                bidder: "P-09".into(),
                closes_at: ts(295),
            },
        ),
        ev(
            1806,
            -5,
            Some("401125"),
            EventKind::Extended {
                closes_at: ts(295),
                extensions: 2,
            },
        ),
    ]
}

/// The bid history the platform returns for a lot of the fixture: the
/// snapshot's bids spread from the opening to the high bid's time, then the
/// feed's bids.
pub fn bids_of(id: &str) -> Vec<Bid> {
    let Some(spec) = specs().into_iter().find(|s| s.id == id) else {
        return vec![];
    };
    let lot = build(&spec);
    let first = lot.opens_at.plus_secs(70);
    let last = lot.high_bid.as_ref().map(|h| h.at).unwrap_or(first);
    let n = spec.bids.len() as i64;
    let span = first.until(last);
    let mut out: Vec<Bid> = spec
        .bids
        .iter()
        .enumerate()
        .map(|(i, (amount, who))| Bid {
            seq: 1200 + i as u64 * 37,
            at: first.plus_millis(span * i as i64 / (n - 1).max(1)),
            amount: tenge(*amount),
            bidder: (*who).into(),
        })
        .collect();
    for e in events() {
        if let (Some(lot_id), EventKind::Bid { amount, bidder, .. }) = (&e.lot_id, &e.kind)
            && lot_id == id
        {
            out.push(Bid {
                seq: e.seq,
                at: e.at,
                amount: *amount,
                bidder: bidder.clone(),
            });
        }
    }
    out
}

pub fn rates() -> RateTable {
    let r = |s: &str| Rate(s.parse().expect("fixture rate"));
    RateTable {
        source: RateSource::Nbk,
        date: Some(jiff::civil::date(2025, 6, 24)),
        rates: BTreeMap::from([
            (Currency::Usd, r("519.53")),
            (Currency::Eur, r("601.12")),
            (Currency::Cny, r("72.31")),
        ]),
        fetched_at: ts(-25 * 60),
        fallback: None,
    }
}

pub fn send(app: &mut App, m: SyncMsg) {
    app.update(Msg::Sync(m), NOW);
}

pub fn act(app: &mut App, a: Action) {
    app.update(Msg::Action(a), NOW);
}

/// A fresh app before anything arrived, in English whatever the machine's
/// locale (the snapshots are English).
pub fn empty(demo: bool) -> App {
    App::new(AppOptions {
        demo,
        me: Some("P-07".into()),
        currency: Currency::Kzt,
        ..AppOptions::default()
    })
}

/// The clock sample that makes `NOW` read `SERVER_NOW` (40 ms round trip).
pub fn clock_sample(local_skew_ms: i64) -> ClockSample {
    ClockSample {
        server: Timestamp(SERVER_NOW),
        sent: Mono(NOW.0 - 20),
        received: Mono(NOW.0 + 20),
        local_wall: Timestamp(SERVER_NOW - local_skew_ms),
        from_date_header: false,
    }
}

/// The auction in full swing, live, with the first lot selected and its
/// bid history loaded.
pub fn live(demo: bool) -> App {
    let mut app = empty(demo);
    send(&mut app, SyncMsg::Clock(clock_sample(0)));
    send(&mut app, SyncMsg::Link(LinkState::Live));
    send(
        &mut app,
        SyncMsg::Auction(Auction {
            id: "kz-subsoil-2025-06".into(),
            title: "Auction of subsoil use rights, June 2025".into(),
            venue: "Unified Subsoil Use Platform".into(),
            timezone: "Asia/Almaty".into(),
            currency: "KZT".into(),
            starts_at: Timestamp(T0),
            ends_at: Timestamp(T0 + 7 * 3_600_000),
            status: AuctionStatus::Running,
        }),
    );
    send(&mut app, SyncMsg::Rates(rates()));
    send(
        &mut app,
        SyncMsg::Snapshot {
            seq: 1800,
            lots: lots(),
            rejected: vec![],
        },
    );
    send(&mut app, SyncMsg::Events(events()));
    load_bids(&mut app);
    app
}

/// Answers the app's request for the selected lot's bids.
pub fn load_bids(app: &mut App) {
    if let Some(id) = app.selected_lot().map(|l| l.id.clone()) {
        let bids = bids_of(&id);
        send(app, SyncMsg::Bids { lot_id: id, bids });
    }
}

/// Moves the selection to lot `id` (with the keys, as a user would).
pub fn select(app: &mut App, id: &str) {
    act(app, Action::Top);
    for _ in 0..app.lots().view_len() {
        if app.selected_lot().is_some_and(|l| l.id == id) {
            break;
        }
        act(app, Action::Down);
    }
    load_bids(app);
}

/// Renders the app at `w`x`h` and returns the screen as text, one line per
/// row, trailing spaces trimmed.
pub fn render(app: &mut App, w: u16, h: u16) -> String {
    render_after(app, w, h, 0)
}

/// Renders as `render` does, in another interface language.
pub fn render_in(app: &mut App, lang: lotwatch::ui::i18n::Lang, w: u16, h: u16) -> String {
    render_view(app, &View::in_lang(lang), w, h, 0)
}

/// Renders as `render` does, `later_ms` after `NOW` on the fake clock.
pub fn render_after(app: &mut App, w: u16, h: u16, later_ms: u64) -> String {
    render_view(app, &View::default(), w, h, later_ms)
}

/// Renders with the given view settings, `later_ms` after `NOW`.
pub fn render_view(app: &mut App, view: &View, w: u16, h: u16, later_ms: u64) -> String {
    let now = Mono(NOW.0 + later_ms);
    app.update(Msg::Resize { w, h }, now);
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    term.draw(|f| lotwatch::ui::draw(f, app, now, view))
        .expect("draw");
    screen_text(term.backend().buffer())
}

pub fn screen_text(buf: &ratatui::buffer::Buffer) -> String {
    let mut out = String::new();
    let area = buf.area;
    for y in 0..area.height {
        let mut line = String::new();
        let mut skip = 0usize;
        for x in 0..area.width {
            let sym = buf[(x, y)].symbol();
            if skip > 0 {
                skip -= 1;
                continue;
            }
            line.push_str(sym);
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `n` plain lots (open, some scheduled) with staggered close times.
pub fn many_lots(n: usize) -> Vec<Lot> {
    (0..n)
        .map(|i| {
            let mut l = lotwatch::testing::test_lot();
            l.id = format!("L{i:05}");
            l.number = format!("{:06}", 400_000 + i);
            l.name = format!("Месторождение №{i}");
            l.status = if i % 7 == 0 {
                LotStatus::Scheduled
            } else {
                LotStatus::Open
            };
            l.opens_at = Timestamp(SERVER_NOW + (i as i64 % 90) * 60_000);
            l.closes_at = Timestamp(SERVER_NOW + (i as i64 % 3600) * 1000 + 1000);
            l.starting_bonus = Money::from_tenge(1_000_000 + i as i64 * 1000).into();
            l
        })
        .collect()
}
