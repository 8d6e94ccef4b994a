//! Countdowns on the server's clock, pure: what a lot's time-left cell says
//! at a given server time, how urgent it is, and when that text next changes.
//! A lot is never shown closed from the local clock: at zero it is `closing…`
//! until the server reports the close.

use crate::domain::{Lot, LotStatus, Timestamp};

/// How pressing a countdown is; each level has a symbol, not only a colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    /// Nothing running: final, scheduled far off, unknown.
    Calm,
    Normal,
    /// Inside the soft-close window: a bid now extends the lot.
    Window,
    /// Under a minute left.
    LastMinute,
}

impl Urgency {
    pub fn symbol(self) -> &'static str {
        match self {
            Urgency::Calm | Urgency::Normal => "",
            Urgency::Window => "⚠",
            Urgency::LastMinute => "‼",
        }
    }
}

/// What the time-left cell of a lot shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Countdown {
    /// Server time not known yet.
    NoClock,
    /// Scheduled: time until it opens (0 once the opening is due but the
    /// server has not opened it yet).
    Opens { in_ms: u64 },
    /// Open and running.
    Running {
        left_ms: u64,
        urgency: Urgency,
        extensions: u32,
    },
    /// Open, its close time reached on the server's clock, the server has not
    /// said closed yet.
    Closing { extensions: u32 },
    /// Suspended: the time left as of the suspension, if known.
    Frozen {
        left_ms: Option<u64>,
        extensions: u32,
    },
    /// The server says it is over (closed, sold, unsold, cancelled) or its
    /// status is unknown: the status speaks.
    Over,
}

/// The countdown of `lot` at server time `now`. `frozen_left_ms` is the time
/// left when the lot was suspended, as the app recorded it.
pub fn countdown(lot: &Lot, now: Option<Timestamp>, frozen_left_ms: Option<i64>) -> Countdown {
    match lot.status {
        LotStatus::Scheduled => match now {
            None => Countdown::NoClock,
            Some(now) => Countdown::Opens {
                in_ms: now.until(lot.opens_at).max(0) as u64,
            },
        },
        LotStatus::Open => {
            let Some(now) = now else {
                return Countdown::NoClock;
            };
            let left = now.until(lot.closes_at);
            if left <= 0 {
                return Countdown::Closing {
                    extensions: lot.extensions,
                };
            }
            // Judged on the displayed whole seconds so that the symbol changes
            // together with the digits, on the same tick.
            let secs = (left as u64).div_ceil(1000);
            let urgency = if secs <= 60 {
                Urgency::LastMinute
            } else if secs <= u64::from(lot.soft_close.window_s) {
                Urgency::Window
            } else {
                Urgency::Normal
            };
            Countdown::Running {
                left_ms: left as u64,
                urgency,
                extensions: lot.extensions,
            }
        }
        LotStatus::Suspended => Countdown::Frozen {
            left_ms: frozen_left_ms.map(|l| l.max(0) as u64),
            extensions: lot.extensions,
        },
        _ => Countdown::Over,
    }
}

impl Countdown {
    pub fn urgency(&self) -> Urgency {
        match self {
            Countdown::Running { urgency, .. } => *urgency,
            Countdown::Closing { .. } => Urgency::LastMinute,
            _ => Urgency::Calm,
        }
    }

    pub fn extensions(&self) -> u32 {
        match self {
            Countdown::Running { extensions, .. }
            | Countdown::Closing { extensions }
            | Countdown::Frozen { extensions, .. } => *extensions,
            _ => 0,
        }
    }

    /// The cell text without the badge: `12:30`, `1:02:03`, `opens in 4:00`,
    /// `closing…`, `⏸ 3:10`; empty for `Over` (the status column says it).
    pub fn text(&self) -> String {
        self.text_in("opens in ", "closing…", "d")
    }

    /// `text` with the words of another language: what comes before the
    /// time to opening, the word for a lot at zero, and the days' unit.
    pub fn text_in(&self, opens_in: &str, closing: &str, days: &str) -> String {
        match self {
            Countdown::NoClock => "--:--".into(),
            // A day or more ahead (a site's lots open days later): days,
            // hours and minutes, `opens in 1 d 02:14`.
            Countdown::Opens { in_ms } if *in_ms >= DAY_MS => {
                let m = in_ms.div_ceil(60_000);
                let (d, h, m) = (m / 1440, (m / 60) % 24, m % 60);
                format!("{opens_in}{d} {days} {h:02}:{m:02}")
            }
            Countdown::Opens { in_ms } => format!("{opens_in}{}", hms(*in_ms)),
            Countdown::Running {
                left_ms, urgency, ..
            } => {
                let sym = urgency.symbol();
                if sym.is_empty() {
                    hms(*left_ms)
                } else {
                    format!("{sym} {}", hms(*left_ms))
                }
            }
            Countdown::Closing { .. } => closing.into(),
            Countdown::Frozen {
                left_ms: Some(l), ..
            } => format!("⏸ {}", hms(*l)),
            Countdown::Frozen { left_ms: None, .. } => "⏸ --:--".into(),
            Countdown::Over => String::new(),
        }
    }

    /// `+N` when the lot has been extended.
    pub fn badge(&self) -> Option<String> {
        match self.extensions() {
            0 => None,
            n => Some(format!("+{n}")),
        }
    }

    /// Milliseconds of server time until the text changes by time alone;
    /// None when it cannot change without news from the server.
    pub fn next_change_ms(&self) -> Option<u64> {
        match self {
            Countdown::Opens { in_ms } if *in_ms > 0 => Some(next_second_change(*in_ms)),
            Countdown::Running { left_ms, .. } => Some(next_second_change(*left_ms)),
            _ => None,
        }
    }
}

/// Remaining time shown in whole seconds rounded up (so `0:00` is never shown
/// while time remains): it changes when `ms` reaches the next multiple of 1000
/// below it.
fn next_second_change(ms: u64) -> u64 {
    if ms == 0 { 0 } else { (ms - 1) % 1000 + 1 }
}

/// A day, in ms: from here on a time to opening drops its seconds.
const DAY_MS: u64 = 86_400_000;

/// `mm:ss` under an hour, `h:mm:ss` above; whole seconds, rounded up.
pub fn hms(ms: u64) -> String {
    let s = ms.div_ceil(1000);
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::test_lot;
    use proptest::prelude::*;

    #[test]
    fn formats() {
        assert_eq!(hms(0), "00:00");
        assert_eq!(hms(1), "00:01");
        assert_eq!(hms(59_000), "00:59");
        assert_eq!(hms(750_000), "12:30");
        assert_eq!(hms(3_599_001), "1:00:00");
        assert_eq!(hms(3_723_000), "1:02:03");
        let opens = |in_ms| Countdown::Opens { in_ms }.text();
        assert_eq!(opens(86_399_000), "opens in 23:59:59");
        assert_eq!(
            opens(DAY_MS + 2 * 3_600_000 + 14 * 60_000),
            "opens in 1 d 02:14"
        );
        // The days' unit in the interface's language.
        let days = Countdown::Opens {
            in_ms: 3 * DAY_MS + 60_000,
        };
        assert_eq!(days.text_in("до откр. ", "", "дн."), "до откр. 3 дн. 00:01");
        assert_eq!(days.text_in("ашылуға ", "", "күн"), "ашылуға 3 күн 00:01");
    }

    #[test]
    fn urgency_levels_and_badge() {
        let mut lot = test_lot(); // closes at 30 min, window 300 s
        let at = |s: i64| Some(Timestamp(lot_close() - s * 1000));
        fn lot_close() -> i64 {
            30 * 60 * 1000
        }
        assert_eq!(countdown(&lot, at(600), None).urgency(), Urgency::Normal);
        assert_eq!(countdown(&lot, at(301), None).urgency(), Urgency::Normal);
        assert_eq!(countdown(&lot, at(299), None).urgency(), Urgency::Window);
        assert_eq!(countdown(&lot, at(61), None).urgency(), Urgency::Window);
        assert_eq!(countdown(&lot, at(59), None).urgency(), Urgency::LastMinute);
        assert_eq!(countdown(&lot, at(299), None).text(), "⚠ 04:59");
        assert_eq!(countdown(&lot, at(5), None).text(), "‼ 00:05");
        assert_eq!(
            countdown(&lot, at(0), None),
            Countdown::Closing { extensions: 0 }
        );
        lot.extensions = 2;
        assert_eq!(
            countdown(&lot, at(-40), None).badge().as_deref(),
            Some("+2")
        );
        assert_eq!(countdown(&lot, at(-40), None).text(), "closing…");
    }

    #[test]
    fn scheduled_suspended_and_final() {
        let mut lot = test_lot();
        lot.status = LotStatus::Scheduled;
        lot.opens_at = Timestamp(750_000);
        assert_eq!(
            countdown(&lot, Some(Timestamp(0)), None).text(),
            "opens in 12:30"
        );
        assert_eq!(countdown(&lot, None, None), Countdown::NoClock);
        lot.status = LotStatus::Suspended;
        assert_eq!(
            countdown(&lot, Some(Timestamp(0)), Some(190_000)).text(),
            "⏸ 03:10"
        );
        assert_eq!(
            countdown(&lot, Some(Timestamp(0)), Some(190_000)).next_change_ms(),
            None
        );
        lot.status = LotStatus::Sold;
        assert_eq!(countdown(&lot, Some(Timestamp(0)), None), Countdown::Over);
    }

    #[test]
    fn next_change_lands_on_the_next_displayed_second() {
        assert_eq!(next_second_change(1_500), 500);
        assert_eq!(next_second_change(2_000), 1_000);
        assert_eq!(next_second_change(1), 1);
        // after waiting that long the displayed second has changed
        for ms in [1u64, 999, 1000, 1001, 61_234] {
            let wait = next_second_change(ms);
            assert_ne!(hms(ms), hms(ms - wait), "{ms}");
            if wait > 1 {
                assert_eq!(hms(ms), hms(ms - wait + 1), "{ms}");
            }
        }
    }

    fn status() -> impl Strategy<Value = LotStatus> {
        prop_oneof![
            Just(LotStatus::Scheduled),
            Just(LotStatus::Open),
            Just(LotStatus::Suspended),
            Just(LotStatus::Closed),
            Just(LotStatus::Sold),
            Just(LotStatus::Unsold),
            Just(LotStatus::Cancelled),
        ]
    }

    proptest! {
        #[test]
        fn never_negative_never_closed_early(
            st in status(),
            close in -10_000_000i64..10_000_000,
            now in -10_000_000i64..10_000_000,
            frozen in proptest::option::of(-1_000_000i64..1_000_000),
        ) {
            let mut lot = test_lot();
            lot.status = st.clone();
            lot.closes_at = Timestamp(close);
            lot.opens_at = Timestamp(close - 1_000_000);
            let c = countdown(&lot, Some(Timestamp(now)), frozen);
            let text = c.text();
            prop_assert!(!text.contains('-') || text.contains("--:--"), "negative: {text}");
            prop_assert!(!text.contains("closed"), "says closed: {text}");
            // only the server's status ends a countdown: an open lot is never Over
            if st == LotStatus::Open {
                prop_assert!(c != Countdown::Over);
                prop_assert_eq!(matches!(c, Countdown::Closing { .. }), now >= close);
            }
            if let Some(wait) = c.next_change_ms() {
                prop_assert!((1..=1000).contains(&wait));
                let later = countdown(&lot, Some(Timestamp(now + wait as i64)), frozen);
                prop_assert_ne!(later.text(), text);
            }
        }
    }
}
