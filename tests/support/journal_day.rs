//! A deterministic auction day for the journal tests: lots, and a feed of
//! events that obeys the auction rules (built with `domain::rules`), with
//! hostile and non-Latin text in labels and notices.
#![allow(dead_code)]

use lotwatch::domain::rules::{close_after_bid, next_min_bid};
use lotwatch::domain::{
    Auction, AuctionStatus, Event, EventKind, Lot, LotResult, LotStatus, Money, Timestamp,
};
use lotwatch::testing::test_lot;

pub const AUCTION: &str = "kz-subsoil-2025-06";
/// 2025-06-24T05:00:00Z
pub const T0: i64 = 1_750_741_200_000;

/// The day's auction, running for an hour from `T0`.
pub fn auction() -> Auction {
    Auction {
        id: AUCTION.into(),
        title: "Аукцион".into(),
        venue: "Платформа".into(),
        timezone: "Asia/Almaty".into(),
        currency: "KZT".into(),
        starts_at: Timestamp(T0),
        ends_at: Timestamp(T0 + 3_600_000),
        status: AuctionStatus::Running,
    }
}

pub const LABELS: [&str; 6] = [
    "P-07",
    "=HYPERLINK(\"http://x\")",
    "+P-01",
    "-P-02",
    "@P-03",
    "Участник \"Б\", 金",
];

pub struct Day {
    pub lots: Vec<Lot>,
    pub events: Vec<Event>,
}

/// `lots` lots and about `bids` bids, seq 1..=N gap-free, deterministic per seed.
pub fn day(seed: u64, lots: usize, bids: usize) -> Day {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut state: Vec<Lot> = (0..lots)
        .map(|i| {
            let mut l = test_lot();
            l.id = format!("4011{i:02}");
            l.number = l.id.clone();
            l.name = format!("Сарлы Южное крыло №{i}, \"участок\"; 金矿");
            l.opens_at = Timestamp(T0);
            l.closes_at = Timestamp(T0 + 30 * 60_000);
            l.status = LotStatus::Open;
            l
        })
        .collect();
    let initial = state.clone();
    let mut events = Vec::new();
    let mut seq = 0u64;
    let mut t = T0;
    let mut push = |events: &mut Vec<Event>, lot: Option<&str>, at: i64, kind: EventKind| {
        seq += 1;
        events.push(Event {
            seq,
            at: Timestamp(at),
            lot_id: lot.map(str::to_string),
            kind,
        });
    };
    for n in 0..bids {
        t += rng.i64(200..20_000);
        if n % 97 == 50 {
            let msg = format!("=Объявление {n}: торги, \"пауза\"; 暂停 -5 @all");
            push(&mut events, None, t, EventKind::Notice { message: msg });
        }
        let open: Vec<usize> = (0..state.len())
            .filter(|&i| state[i].status == LotStatus::Open && Timestamp(t) < state[i].closes_at)
            .collect();
        let Some(&i) = open.get(rng.usize(..open.len().max(1))) else {
            break;
        };
        let lot = &mut state[i];
        let amount = next_min_bid(lot)
            .expect("the test lots have a known start")
            .saturating_add(Money::from_tiyn(rng.i64(0..3) * lot.min_increment.tiyn()));
        let (closes_at, extended) = close_after_bid(lot, Timestamp(t));
        let bidder = LABELS[rng.usize(..LABELS.len())].to_string();
        let id = lot.id.clone();
        let e = Event {
            seq: 0,
            at: Timestamp(t),
            lot_id: Some(id.clone()),
            kind: EventKind::Bid {
                amount,
                bidder,
                closes_at,
            },
        };
        push(&mut events, Some(&id), t, e.kind.clone());
        let last = events.last().cloned().expect("just pushed");
        lot.apply(&last);
        if extended {
            let kind = EventKind::Extended {
                closes_at,
                extensions: lot.extensions + 1,
            };
            push(&mut events, Some(&id), t, kind);
            let last = events.last().cloned().expect("just pushed");
            lot.apply(&last);
        }
    }
    // Close every lot at the end: closed, then sold to the high bidder or unsold.
    for lot in &mut state {
        let at = lot.closes_at.0.max(t) + 1;
        let id = lot.id.clone();
        push(
            &mut events,
            Some(&id),
            at,
            EventKind::Status {
                status_text: None,
                status: LotStatus::Closed,
                closes_at: lot.closes_at,
                result: None,
            },
        );
        let last = events.last().cloned().expect("just pushed");
        lot.apply(&last);
        let kind = match &lot.high_bid {
            Some(h) => EventKind::Status {
                status_text: None,
                status: LotStatus::Sold,
                closes_at: lot.closes_at,
                result: Some(LotResult {
                    winner: h.bidder.clone(),
                    amount: h.amount,
                    protocol_at: Timestamp(at + 60_000),
                }),
            },
            None => EventKind::Status {
                status_text: None,
                status: LotStatus::Unsold,
                closes_at: lot.closes_at,
                result: None,
            },
        };
        push(&mut events, Some(&id), at, kind);
        let last = events.last().cloned().expect("just pushed");
        lot.apply(&last);
    }
    Day {
        lots: initial,
        events,
    }
}

/// Applies events to lots as the app does: by lot id; a `lot` event for a new id adds it.
pub fn apply(lots: &mut Vec<Lot>, events: &[Event]) {
    for e in events {
        match (&e.kind, &e.lot_id) {
            (EventKind::Lot(l), _) if !lots.iter().any(|x| x.id == l.id) => {
                lots.push((**l).clone())
            }
            (_, Some(id)) => {
                if let Some(l) = lots.iter_mut().find(|l| &l.id == id) {
                    l.apply(e);
                }
            }
            _ => {}
        }
    }
}

/// Splits events into batches of 1..=max, deterministically.
pub fn batches(events: &[Event], seed: u64, max: usize) -> Vec<Vec<Event>> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut out = Vec::new();
    let mut i = 0;
    while i < events.len() {
        let n = rng.usize(1..=max).min(events.len() - i);
        out.push(events[i..i + n].to_vec());
        i += n;
    }
    out
}

pub fn temp_dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "lotwatch-test-{name}-{}-{}",
        std::process::id(),
        fastrand::u64(..)
    ));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}
