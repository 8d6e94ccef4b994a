//! Hostile server text through the whole path: JSON bodies as a server would
//! send them (auction, lots, feed events, bid history), decoded by the
//! platform client's decoders (which sanitize), fed to the app through
//! `App::update(Msg::Sync(..))`, drawn by the real `ui::draw` through the real
//! crossterm backend into bytes, and those bytes replayed into a VT parser
//! (`vt100`). Nothing of the data's escape sequences may reach the bytes, the
//! parsed screen must be exactly what ratatui meant to draw, the terminal
//! title and clipboard stay untouched, and the normal lots beside the hostile
//! ones render in full.

use crate::support;
use lotwatch::app::{Action, App, AppOptions, Msg};
use lotwatch::domain::Timestamp;
use lotwatch::domain::clock::{ClockSample, Mono};
use lotwatch::platform::decode::{decode_auction, decode_bids, decode_events, decode_lots};
use lotwatch::platform::sanitize::{MAX_NAME, PLACEHOLDER};
use lotwatch::sync::{LinkState, SyncMsg};
use lotwatch::ui;
use ratatui::backend::CrosstermBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use serde_json::{Value, json};
use std::cell::RefCell;
use std::io::Write;
use std::num::NonZeroU16;
use std::rc::Rc;
use support::hostile::{MARK, hostile};

const COLS: u16 = 200;
const ROWS: u16 = 50;

/// The bytes the backend writes, kept where the test can read them (the
/// backend's own `writer()` is behind an unstable feature).
#[derive(Clone, Default)]
struct Sink(Rc<RefCell<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn vt_size() -> (NonZeroU16, NonZeroU16) {
    (
        NonZeroU16::new(ROWS).expect("rows > 0"),
        NonZeroU16::new(COLS).expect("cols > 0"),
    )
}

/// Normal lots: (name, region), all must be visible in full.
const NORMAL: [(&str, &str); 3] = [
    ("Сарлы Южное крыло", "Актобе"),
    ("Қарағанды көмір кен орны", "Қарағанды облысы"),
    ("金矿 东部区块", "Шығыс Қазақстан"),
];

fn wire_lot(i: usize, name: &str, region: &str, bidder: &str) -> serde_json::Value {
    json!({
        "id": format!("L{i:02}"), "number": format!("L{i:02}"), "name": name, "region": region,
        "minerals": ["gold"],
        "license": {"kind": "production", "term_years": 25, "area_km2": "0.66", "blocks": null},
        "reserves": region, "starting_bonus": "36920000.00", "min_increment": "1846000.00",
        "guarantee": "36920000.00", "participation_fee": "369200.00", "min_participants": 2,
        "participants": 4, "status": "open", "opens_at": "2025-06-24T05:00:00.000Z",
        "closes_at": "2025-06-24T05:30:00.000Z",
        "soft_close": {"window_s": 300, "extend_s": 300, "max_extensions": null}, "extensions": 0,
        "high_bid": {"amount": "44304000.00", "bidder": bidder, "at": "2025-06-24T05:09:41.530Z", "seq": 10},
        "bid_count": 5, "result": null
    })
}

/// The `/lots` body a hostile server sends, as bytes on the wire.
fn lots_json() -> Vec<u8> {
    let mut lots = Vec::new();
    for (i, (name, region)) in NORMAL.iter().enumerate() {
        lots.push(wire_lot(i, name, region, "P-01"));
    }
    for (i, (_, s)) in hostile().iter().enumerate() {
        lots.push(wire_lot(NORMAL.len() + i, s, s, s));
    }
    let body = json!({"server_time": "2025-06-24T05:10:00.000Z", "seq": 10, "lots": lots});
    serde_json::to_vec(&body).expect("json encodes")
}

fn value(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).expect("well-formed JSON")
}

/// The server's time in the test: the moment of the `/lots` body.
const SERVER_NOW: i64 = 1_750_741_800_000;
const NOW: Mono = Mono(10_000);

/// An app fed through `App::update` with what the platform client decodes
/// from hostile bodies: auction, lots, the selected lot's bids, feed events.
fn hostile_app() -> App {
    let mut app = App::new(AppOptions::default());
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
    let auction = json!({
        "server_time": "2025-06-24T05:10:00.000Z", "id": "kz-subsoil-2025-06",
        "title": format!("\x1b]0;{MARK}\x07Аукцион\u{9b}6n"), "venue": format!("\u{9d}2;{MARK}\u{9c}Платформа"),
        "timezone": "Asia/Almaty", "currency": "KZT",
        "starts_at": "2025-06-24T05:00:00.000Z", "ends_at": "2025-06-24T12:00:00.000Z", "status": "running"
    });
    let auction = decode_auction(&auction).expect("auction decodes");
    send(&mut app, SyncMsg::Auction(auction));
    let page = decode_lots(&value(&lots_json())).expect("lots decode");
    assert!(page.issues.is_empty(), "{:?}", page.issues);
    send(
        &mut app,
        SyncMsg::Snapshot {
            seq: page.seq,
            lots: page.lots,
            rejected: page.issues,
        },
    );
    app
}

/// Feed events after the snapshot: a hostile notice and a hostile bidder.
fn hostile_events() -> Vec<lotwatch::domain::Event> {
    let body = json!({
        "server_time": "2025-06-24T05:10:01.000Z", "last_seq": 12,
        "events": [
            {"seq": 11, "at": "2025-06-24T05:10:00.500Z", "type": "notice", "lot_id": null,
             "message": format!("\x1b]0;{MARK}\x07Торги продлены\x1b[2J\u{9b}6n\x1b]52;c;UFdORUQ=\x07")},
            {"seq": 12, "at": "2025-06-24T05:10:01.000Z", "type": "bid", "lot_id": "L00",
             "amount": "46150000.00", "bidder": format!("P-02\x1b]2;{MARK}\x1b\\\u{202e}"),
             "closes_at": "2025-06-24T05:35:00.000Z"}
        ]
    });
    let page = decode_events(&body).expect("events decode");
    assert!(page.issues.is_empty(), "{:?}", page.issues);
    page.events
}

/// Draws frames through the real crossterm backend: the first frame, then
/// one per step (each applied to the app first), as the monitor's loop does.
/// Returns every byte written and the buffer ratatui meant to show last.
/// One change to the app between two frames.
type Step = Box<dyn FnOnce(&mut App)>;

fn render(app: &mut App, steps: Vec<Step>) -> (Vec<u8>, Buffer) {
    app.update(Msg::Resize { w: COLS, h: ROWS }, NOW);
    let area = Rect::new(0, 0, COLS, ROWS);
    let sink = Sink::default();
    let backend = CrosstermBackend::new(sink.clone());
    let mut terminal = Terminal::with_options(
        backend,
        TerminalOptions {
            viewport: Viewport::Fixed(area),
        },
    )
    .expect("terminal");
    let mut last = terminal
        .draw(|f| ui::draw(f, app, NOW, &lotwatch::ui::View::default()))
        .expect("draw")
        .buffer
        .clone();
    for step in steps {
        step(app);
        last = terminal
            .draw(|f| ui::draw(f, app, NOW, &lotwatch::ui::View::default()))
            .expect("draw")
            .buffer
            .clone();
    }
    let bytes = sink.0.borrow().clone();
    (bytes, last)
}

/// What the VT parser was asked to do beyond drawing cells.
#[derive(Default, Debug)]
struct Seen {
    titles: Vec<Vec<u8>>,
    icon_names: Vec<Vec<u8>>,
    clipboard: Vec<Vec<u8>>,
    pastes: usize,
    bells: usize,
    resizes: usize,
    unhandled_osc: Vec<String>,
    unhandled_csi: Vec<String>,
    unhandled_esc: Vec<String>,
    unhandled_controls: Vec<u8>,
    unhandled_chars: Vec<char>,
}

impl vt100::Callbacks for Seen {
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.bells += 1;
    }
    fn visual_bell(&mut self, _: &mut vt100::Screen) {
        self.bells += 1;
    }
    fn resize(&mut self, _: &mut vt100::Screen, _: (u16, u16)) {
        self.resizes += 1;
    }
    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, name: &[u8]) {
        self.icon_names.push(name.to_vec());
    }
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.titles.push(title.to_vec());
    }
    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, _ty: &[u8], data: &[u8]) {
        self.clipboard.push(data.to_vec());
    }
    fn paste_from_clipboard(&mut self, _: &mut vt100::Screen, _: &[u8]) {
        self.pastes += 1;
    }
    fn unhandled_char(&mut self, _: &mut vt100::Screen, c: char) {
        self.unhandled_chars.push(c);
    }
    fn unhandled_control(&mut self, _: &mut vt100::Screen, b: u8) {
        self.unhandled_controls.push(b);
    }
    fn unhandled_escape(&mut self, _: &mut vt100::Screen, i1: Option<u8>, i2: Option<u8>, b: u8) {
        self.unhandled_esc
            .push(format!("{i1:?} {i2:?} {}", b as char));
    }
    fn unhandled_csi(
        &mut self,
        _: &mut vt100::Screen,
        i1: Option<u8>,
        i2: Option<u8>,
        params: &[&[u16]],
        c: char,
    ) {
        self.unhandled_csi
            .push(format!("{i1:?} {i2:?} {params:?} {c}"));
    }
    fn unhandled_osc(&mut self, _: &mut vt100::Screen, params: &[&[u8]]) {
        self.unhandled_osc.push(format!("{params:?}"));
    }
}

/// vt100 does not draw U+FFFD (it takes it for its own mark of undecodable
/// input and reports it as an unhandled char without moving the cursor),
/// where real terminals draw the glyph. The sanitizer's placeholder is
/// swapped for `?` before the VT parser sees it, and in the expected buffer.
const VT_PLACEHOLDER: &str = "?";

fn for_vt100(bytes: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(bytes).expect("the backend writes UTF-8");
    text.replace(PLACEHOLDER, VT_PLACEHOLDER).into_bytes()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The escape sequences in `bytes`, as (introducer, final) pairs; panics on
/// anything that is not a plain CSI, which ratatui never needs.
fn escape_finals(bytes: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0x1b {
            assert_eq!(
                bytes.get(i + 1),
                Some(&b'['),
                "non-CSI escape at byte {i}: {:?}",
                &bytes[i..(i + 8).min(bytes.len())]
            );
            let mut j = i + 2;
            while j < bytes.len() && (0x20..=0x3f).contains(&bytes[j]) {
                j += 1;
            }
            let seq = String::from_utf8_lossy(&bytes[i + 2..=j.min(bytes.len() - 1)]).into_owned();
            out.push(seq);
            i = j + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// The bid history of L00 as `/lots/L00/bids` would send it, hostile labels.
fn hostile_bids() -> SyncMsg {
    let bids: Vec<Value> = hostile()
        .iter()
        .enumerate()
        .map(|(i, (_, s))| {
            json!({"seq": i + 1, "at": "2025-06-24T05:05:00.000Z",
                   "amount": format!("{}.00", 36_920_000 + i * 1_846_000), "bidder": s})
        })
        .collect();
    let body = json!({"server_time": "2025-06-24T05:10:01.000Z", "lot_id": "L00", "bids": bids});
    let page = decode_bids(&body).expect("bids decode");
    assert!(page.issues.is_empty(), "{:?}", page.issues);
    SyncMsg::Bids {
        lot_id: page.lot_id,
        bids: page.bids,
    }
}

fn send(app: &mut App, m: SyncMsg) {
    app.update(Msg::Sync(m), NOW);
}

fn act(app: &mut App, a: Action) {
    app.update(Msg::Action(a), NOW);
}

/// Everything the test checks on one run: bytes, VT side effects, and the
/// parsed screen against ratatui's own buffer. Returns the parsed screen.
fn assert_no_injection(bytes: &[u8], intended: &Buffer) -> vt100::Screen {
    // 1. The bytes: only ratatui's own CSIs, none of the data's.
    assert!(
        !contains(bytes, MARK.as_bytes()),
        "marker leaked into the output"
    );
    for (what, needle) in [
        ("OSC (title, clipboard, any)", &b"\x1b]"[..]),
        ("DCS", b"\x1bP"),
        ("APC", b"\x1b_"),
        ("PM", b"\x1b^"),
        ("SOS", b"\x1bX"),
        ("cursor position query", b"[6n"),
        ("clear screen", b"[2J"),
        ("BEL", b"\x07"),
        ("RLO", "\u{202e}".as_bytes()),
        ("PDF", "\u{202c}".as_bytes()),
    ] {
        assert!(!contains(bytes, needle), "{what} in the output");
    }
    for c1 in 0x80u32..=0x9f {
        let c = char::from_u32(c1).expect("C1 is a char");
        assert!(
            !contains(bytes, c.to_string().as_bytes()),
            "C1 U+{c1:04X} in the output"
        );
    }
    for seq in escape_finals(bytes) {
        let last = seq.chars().last().unwrap_or(' ');
        assert!(
            matches!(last, 'H' | 'm' | 'h' | 'l'),
            "unexpected CSI {seq:?}"
        );
        if matches!(last, 'h' | 'l') {
            assert_eq!(
                &seq[..seq.len() - 1],
                "?25",
                "only cursor show/hide: {seq:?}"
            );
        }
    }

    // 2. The VT parser: no title, icon name, clipboard, bell, resize or query.
    let mut vt = vt100::Parser::new_with_callbacks(vt_size().0, vt_size().1, 0, Seen::default());
    vt.process(&for_vt100(bytes));
    let seen = vt.callbacks();
    assert!(seen.titles.is_empty(), "title set: {:?}", seen.titles);
    assert!(
        seen.icon_names.is_empty(),
        "icon name set: {:?}",
        seen.icon_names
    );
    assert!(
        seen.clipboard.is_empty(),
        "clipboard written: {:?}",
        seen.clipboard
    );
    assert_eq!((seen.pastes, seen.bells, seen.resizes), (0, 0, 0));
    assert!(seen.unhandled_osc.is_empty(), "{:?}", seen.unhandled_osc);
    // ratatui's own SGR 59 (reset underline colour) is unknown to vt100; any
    // other unhandled CSI would be the data's.
    assert!(
        seen.unhandled_csi.iter().all(|c| c.ends_with("[[59]] m")),
        "{:?}",
        seen.unhandled_csi
    );
    assert!(seen.unhandled_esc.is_empty(), "{:?}", seen.unhandled_esc);
    assert!(
        seen.unhandled_chars.is_empty(),
        "{:?}",
        seen.unhandled_chars
    );
    assert!(
        seen.unhandled_controls.is_empty(),
        "{:?}",
        seen.unhandled_controls
    );

    // 3. The parsed screen is exactly the buffer ratatui meant to draw: no
    //    cursor move, clear or reordering got in between.
    let screen = vt.screen().clone();
    for y in 0..ROWS {
        for x in 0..COLS {
            let cell = screen.cell(y, x).expect("cell in range");
            if cell.is_wide_continuation() {
                continue;
            }
            let got = if cell.contents().is_empty() {
                " "
            } else {
                cell.contents()
            };
            let want = intended[(x, y)]
                .symbol()
                .replace(PLACEHOLDER, VT_PLACEHOLDER);
            assert_eq!(
                got, want,
                "cell ({x}, {y}) differs: screen {got:?}, ratatui {want:?}"
            );
        }
    }
    let text = screen.contents();
    assert!(!text.contains(MARK));
    assert!(
        !text.contains("]0;") && !text.contains("]2;") && !text.contains("52;c"),
        "OSC residue on screen"
    );
    assert!(!text.contains('\u{202e}'));
    screen
}

fn row_with<'a>(rows: &'a [String], needle: &str) -> &'a str {
    rows.iter()
        .find(|r| r.contains(needle))
        .map(String::as_str)
        .unwrap_or_else(|| panic!("no row shows {needle:?}"))
}

#[test]
fn hostile_strings_leave_no_trace_and_normal_lots_render() {
    let mut app = hostile_app();
    let steps: Vec<Step> = vec![
        Box::new(|app: &mut App| send(app, SyncMsg::Events(hostile_events()))),
        Box::new(|app: &mut App| send(app, hostile_bids())),
    ];
    let (bytes, intended) = render(&mut app, steps);
    let screen = assert_no_injection(&bytes, &intended);
    let rows: Vec<String> = screen.rows(0, COLS).collect();

    // Normal lots beside the hostile ones, in full, name and region on the
    // lot's own row.
    for (i, (name, region)) in NORMAL.iter().enumerate() {
        let row = row_with(&rows, &format!("L{i:02} "));
        // A region of the closed list is named in the interface language.
        let region = lotwatch::ui::i18n::Lang::En.region_short(region);
        assert!(
            row.contains(name) && row.contains(region),
            "L{i:02}: {row:?}"
        );
    }
    // The legitimate text of each hostile lot survives, on its own row.
    let legit = [
        "Сарлы",
        "Жезказган",
        "Копа",
        "Актобе",
        "P-07",
        "Карачаганак",
        "Тенгиз",
        "Кашаган",
        "?exe.txt?",
        "Бозшаколь",
    ];
    for (i, want) in legit.iter().enumerate() {
        let row = row_with(&rows, &format!("L{:02} ", NORMAL.len() + i));
        assert!(row.contains(want), "{want}: {row:?}");
    }
    let text = screen.contents();
    assert!(
        text.contains("Аукцион") && text.contains("Платформа"),
        "auction title and venue"
    );
    assert!(text.contains("Торги продлены"), "the notice text survives");
    assert!(
        text.contains("P-02?"),
        "the bidder label keeps its text, the override is a placeholder"
    );
    assert!(
        text.contains("Карачаганак"),
        "hostile bidder labels in the bid history"
    );
}

#[test]
fn the_long_name_is_capped_and_keeps_its_row() {
    let page = decode_lots(&value(&lots_json())).expect("lots decode");
    let long = page.lots.last().expect("the long lot");
    assert_eq!(long.name.chars().count(), MAX_NAME);
    assert!(long.name.ends_with('…'));

    // Select it and open its detail: the name is drawn in the list and the
    // detail pane without breaking either.
    let mut app = hostile_app();
    let steps: Vec<Step> = vec![Box::new(|app: &mut App| {
        act(app, Action::Bottom);
        act(app, Action::OpenDetail);
    })];
    let (bytes, intended) = render(&mut app, steps);
    let screen = assert_no_injection(&bytes, &intended);
    let rows: Vec<String> = screen.rows(0, COLS).collect();
    let last = format!("L{:02} ", page.lots.len() - 1);
    let row = row_with(&rows, &last);
    assert!(row.contains("ЖЖЖЖ") && row.contains("prod 25y"), "{row:?}");
    // The name did not wrap: the next row is the lots pane's bottom border.
    let at = rows
        .iter()
        .position(|r| r.contains(&last))
        .expect("row shown");
    let below = rows.get(at + 1).map(|r| r.trim_start()).unwrap_or("");
    assert!(below.starts_with(['└', '┗']), "{below:?}");
    // Each lot shown has exactly one row.
    for i in 0..page.lots.len() {
        let n = rows
            .iter()
            .filter(|r| r.contains(&format!("L{i:02} ")) && r.contains("prod 25y"))
            .count();
        assert!(n <= 1, "L{i:02} on {n} rows");
    }
}
