//! Terminal notifications through a VT parser (`vt100`): hostile server text
//! (the strings of `tests/support/hostile.rs`) is decoded by the platform
//! client's decoders, fed to the app, raises real alerts (closing, outbid,
//! notice), and the bytes the notifier makes of them are replayed into a
//! terminal. The escape is there only when notifications are on and the
//! window is not focused, it is wrapped for tmux inside tmux, it is one
//! well-formed OSC whose text is the alert's, bounded, and nothing of the
//! hostile sequences reaches the terminal: no title, no clipboard, no
//! screen change, no marker.

#[path = "../../tests/support/hostile.rs"]
mod hostile;

use crate::app::alerts::Alert;
use crate::app::{App, AppOptions, Effect, Msg};
use crate::domain::Timestamp;
use crate::domain::clock::{ClockSample, Mono};
use crate::platform::decode::{decode_events, decode_lots};
use crate::shell::notify::{MAX_NOTIFY_TEXT, Notifier, NotifyMode, body};
use crate::sync::{LinkState, SyncMsg};
use hostile::{MARK, hostile};
use serde_json::json;

const SERVER_NOW: i64 = 1_750_741_800_000;
const NOW: Mono = Mono(10_000);

fn wire_lot(i: usize, name: &str, bidder: &str) -> serde_json::Value {
    json!({
        "id": format!("L{i:02}"), "number": format!("L{i:02}"), "name": name, "region": name,
        "minerals": ["gold"],
        "license": {"kind": "production", "term_years": 25, "area_km2": "0.66", "blocks": null},
        "reserves": "", "starting_bonus": "36920000.00", "min_increment": "1846000.00",
        "guarantee": "36920000.00", "participation_fee": "369200.00", "min_participants": 2,
        "participants": 4, "status": "open", "opens_at": "2025-06-24T05:00:00.000Z",
        "closes_at": "2025-06-24T05:30:00.000Z",
        "soft_close": {"window_s": 300, "extend_s": 300, "max_extensions": null}, "extensions": 0,
        "high_bid": {"amount": "44304000.00", "bidder": bidder, "at": "2025-06-24T05:09:41.530Z", "seq": 10},
        "bid_count": 5, "result": null
    })
}

/// The alerts the app raises from hostile lots (watched, closing within the
/// alert window), a hostile notice and a hostile bidder outbidding `--me`.
fn hostile_alerts() -> Vec<Alert> {
    let strings = hostile();
    let watch: Vec<String> = (0..strings.len()).map(|i| format!("L{i:02}")).collect();
    let mut app = App::new(AppOptions {
        me: Some("P-01".into()),
        watchlist: watch,
        alert_minutes: 30,
        ..AppOptions::default()
    });
    let mut alerts = Vec::new();
    let mut send = |app: &mut App, m: SyncMsg| {
        for e in app.update(Msg::Sync(m), NOW).effects {
            if let Effect::Alert(a) = e {
                alerts.push(a);
            }
        }
    };
    send(
        &mut app,
        SyncMsg::Clock(ClockSample {
            server: Timestamp(SERVER_NOW),
            sent: Mono(NOW.0 - 20),
            received: Mono(NOW.0 + 20),
            local_wall: Timestamp(SERVER_NOW),
            from_date_header: false,
        }),
    );
    send(&mut app, SyncMsg::Link(LinkState::Live));
    let lots: Vec<_> = strings
        .iter()
        .enumerate()
        .map(|(i, (_, s))| wire_lot(i, s, "P-01"))
        .collect();
    let body = json!({"server_time": "2025-06-24T05:10:00.000Z", "seq": 10, "lots": lots});
    let page = decode_lots(&body).expect("lots decode");
    send(
        &mut app,
        SyncMsg::Snapshot {
            seq: page.seq,
            lots: page.lots,
            rejected: page.issues,
        },
    );
    let events: Vec<_> = strings
        .iter()
        .enumerate()
        .flat_map(|(i, (_, s))| {
            [
                json!({"seq": 11 + 2 * i, "at": "2025-06-24T05:10:00.500Z", "type": "notice",
                       "lot_id": null, "message": s}),
                json!({"seq": 12 + 2 * i, "at": "2025-06-24T05:10:01.000Z", "type": "bid",
                       "lot_id": format!("L{i:02}"), "amount": "46150000.00", "bidder": s,
                       "closes_at": "2025-06-24T05:35:00.000Z"}),
            ]
        })
        .collect();
    let last = 10 + events.len();
    let page = decode_events(
        &json!({"server_time": "2025-06-24T05:10:01.000Z", "last_seq": last, "events": events}),
    )
    .expect("events decode");
    send(&mut app, SyncMsg::Events(page.events));
    alerts
}

/// What the terminal was asked to do beyond drawing.
#[derive(Default, Debug)]
struct Seen {
    osc: Vec<Vec<Vec<u8>>>,
    titles: usize,
    clipboard: usize,
    bells: usize,
    other: Vec<String>,
}

impl vt100::Callbacks for Seen {
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.bells += 1;
    }
    fn set_window_title(&mut self, _: &mut vt100::Screen, _: &[u8]) {
        self.titles += 1;
    }
    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, _: &[u8]) {
        self.titles += 1;
    }
    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, _: &[u8], _: &[u8]) {
        self.clipboard += 1;
    }
    fn unhandled_osc(&mut self, _: &mut vt100::Screen, params: &[&[u8]]) {
        self.osc.push(params.iter().map(|p| p.to_vec()).collect());
    }
    fn unhandled_csi(
        &mut self,
        _: &mut vt100::Screen,
        _: Option<u8>,
        _: Option<u8>,
        p: &[&[u16]],
        c: char,
    ) {
        self.other.push(format!("CSI {p:?} {c}"));
    }
    fn unhandled_escape(&mut self, _: &mut vt100::Screen, _: Option<u8>, _: Option<u8>, b: u8) {
        self.other.push(format!("ESC {}", b as char));
    }
    fn unhandled_control(&mut self, _: &mut vt100::Screen, b: u8) {
        self.other.push(format!("control {b:#x}"));
    }
}

/// Replays `bytes` into an 80x24 terminal; returns what it saw and the screen.
fn replay(bytes: &[u8]) -> (Seen, String, (u16, u16)) {
    let rows = std::num::NonZeroU16::new(24).expect("rows");
    let cols = std::num::NonZeroU16::new(80).expect("cols");
    let mut p = vt100::Parser::new_with_callbacks(rows, cols, 0, Seen::default());
    p.process(bytes);
    let screen = p.screen().contents();
    let cursor = p.screen().cursor_position();
    (std::mem::take(p.callbacks_mut()), screen, cursor)
}

/// The checks every notification escape passes; returns the OSC's
/// parameters as the terminal parsed them.
fn assert_clean_osc(bytes: &[u8], what: &str) -> Vec<String> {
    assert!(
        !String::from_utf8_lossy(bytes).contains(MARK),
        "{what}: {bytes:?}"
    );
    assert_eq!(
        bytes.iter().filter(|b| **b == 0x1b).count(),
        1,
        "{what}: one ESC, the introducer: {bytes:?}"
    );
    assert_eq!(
        bytes.iter().filter(|b| **b == 0x07).count(),
        1,
        "{what}: one BEL, the terminator: {bytes:?}"
    );
    assert!(
        bytes.starts_with(b"\x1b]") && bytes.ends_with(b"\x07"),
        "{what}"
    );
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    assert!(
        !text[2..text.len() - 1].chars().any(|c| c.is_control()),
        "{what}: {text:?}"
    );
    let (seen, screen, cursor) = replay(bytes);
    assert_eq!(seen.osc.len(), 1, "{what}: one OSC: {seen:?}");
    assert_eq!(
        (seen.titles, seen.clipboard, seen.bells),
        (0, 0, 0),
        "{what}: {seen:?}"
    );
    assert!(seen.other.is_empty(), "{what}: {seen:?}");
    assert_eq!(screen.trim(), "", "{what}: nothing drawn");
    assert_eq!(cursor, (0, 0), "{what}: the cursor did not move");
    seen.osc[0]
        .iter()
        .map(|p| String::from_utf8(p.clone()).expect("UTF-8 params"))
        .collect()
}

#[test]
fn hostile_alerts_become_clean_bounded_osc_notifications() {
    let alerts = hostile_alerts();
    let n = hostile().len();
    let kinds = |k: &str| alerts.iter().filter(|a| a.kind.as_str() == k).count();
    assert_eq!(kinds("closing"), n, "{alerts:#?}");
    assert_eq!(kinds("notice"), n, "{alerts:#?}");
    assert_eq!(kinds("outbid"), n, "{alerts:#?}");

    let osc9 = Notifier::new(NotifyMode::Osc9, false, &|_| None);
    let osc777 = Notifier::new(NotifyMode::Osc777, false, &|_| None);
    for a in &alerts {
        let what = format!("{} {:?}", a.kind.as_str(), a.message);
        let text = body(a);
        assert!(text.chars().count() <= MAX_NOTIFY_TEXT, "{what}");
        assert!(!text.contains(MARK), "{what}");

        let bytes = osc9
            .notification(a)
            .expect("osc9 notifies when not focused");
        let params = assert_clean_osc(&bytes, &what);
        assert_eq!(params[0], "9", "{what}");
        assert_eq!(params[1..].join(";"), format!("lotwatch: {text}"), "{what}");

        let bytes = osc777.notification(a).expect("osc777 notifies");
        let params = assert_clean_osc(&bytes, &what);
        assert_eq!(params.len(), 4, "{what}: notify;title;body: {params:?}");
        assert_eq!(params[..2], ["777", "notify"], "{what}");
        assert_eq!(params[2], format!("lotwatch: {}", a.kind.as_str()));
        assert_eq!(params[3], text.replace(';', ","), "{what}");
    }
}

#[test]
fn inside_tmux_the_escape_is_wrapped_for_passthrough() {
    let alerts = hostile_alerts();
    let tmux = Notifier::new(NotifyMode::Osc9, false, &|k| {
        (k == "TMUX").then(|| "/tmp/tmux-0/default,1,0".to_string())
    });
    for a in &alerts {
        let bytes = tmux.notification(a).expect("notifies");
        let inner = bytes
            .strip_prefix(b"\x1bPtmux;")
            .and_then(|b| b.strip_suffix(b"\x1b\\"))
            .unwrap_or_else(|| panic!("not a tmux passthrough: {bytes:?}"));
        // Inside, every ESC is doubled; undoubled it is the plain escape.
        let mut plain = Vec::new();
        let mut i = 0;
        while i < inner.len() {
            if inner[i] == 0x1b {
                assert_eq!(inner.get(i + 1), Some(&0x1b), "an undoubled ESC: {inner:?}");
                i += 1;
            }
            plain.push(inner[i]);
            i += 1;
        }
        let params = assert_clean_osc(&plain, a.kind.as_str());
        assert_eq!(params[0], "9");
        // The wrapped form as a whole is one DCS: nothing reaches the screen.
        let (seen, screen, _) = replay(&bytes);
        assert_eq!(screen.trim(), "");
        assert_eq!((seen.titles, seen.clipboard), (0, 0));
    }
}

#[test]
fn the_escape_is_there_only_when_enabled_and_not_focused() {
    let alerts = hostile_alerts();
    let a = &alerts[0];
    // Off: nothing at all, not even the bell.
    let off = Notifier::new(NotifyMode::Off, true, &|_| Some("x".into()));
    assert_eq!((off.bell(), off.notification(a)), (None, None));
    // Bell: the bell only, whatever the focus.
    let bell = Notifier::new(NotifyMode::Bell, true, &|_| None);
    assert_eq!(bell.notification(a), None);
    let (seen, screen, _) = replay(bell.bell().expect("a bell"));
    assert_eq!((seen.bells, seen.osc.len(), screen.trim()), (1, 0, ""));
    // Auto in a terminal without notifications: the bell.
    let plain = Notifier::new(NotifyMode::Auto, false, &|k| {
        (k == "TERM").then(|| "xterm-256color".to_string())
    });
    assert_eq!(plain.notification(a), None);
    assert!(plain.bell().is_some());
    // Auto in WezTerm: OSC 9 while unfocused, the bell while focused.
    let mut wez = Notifier::new(NotifyMode::Auto, false, &|k| {
        (k == "TERM_PROGRAM").then(|| "WezTerm".to_string())
    });
    assert!(wez.notification(a).is_some());
    assert_eq!(wez.bell(), None);
    wez.set_focus(true);
    assert_eq!(wez.notification(a), None);
    assert!(wez.bell().is_some());
    wez.set_focus(false);
    assert!(wez.notification(a).is_some());
    // notify_always: even while focused.
    let mut always = Notifier::new(NotifyMode::Osc777, true, &|_| None);
    always.set_focus(true);
    assert!(always.notification(a).is_some());
}
