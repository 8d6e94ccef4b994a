//! Hostile server text through the whole path: JSON as a server would send
//! it, decoded and sanitized as the client does, drawn through the real
//! crossterm backend into bytes, and those bytes replayed into a VT parser
//! (`vt100`). Nothing of the data's escape sequences may reach the bytes, the
//! parsed screen must be exactly what ratatui meant to draw, the terminal
//! title and clipboard stay untouched, and the normal lots beside the hostile
//! ones render in full.

use lotwatch::platform::sanitize::{NAME_MAX, NOTICE_MAX, PLACEHOLDER, clean};
use lotwatch::platform::wire::LotsBody;
use ratatui::backend::CrosstermBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Block, Borders, Row, Table};
use ratatui::{Terminal, TerminalOptions, Viewport};
use serde_json::json;
use std::cell::RefCell;
use std::io::Write;
use std::num::NonZeroU16;
use std::rc::Rc;

const COLS: u16 = 140;
const ROWS: u16 = 40;

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

/// Every payload hides this marker inside its escape sequences: it must never
/// reach the bytes or the screen.
const MARK: &str = "PWNED";

/// (what it tries, the string). Text outside the sequences is legitimate and
/// must survive.
fn hostile() -> Vec<(&'static str, String)> {
    vec![
        ("OSC 0 title set, BEL", format!("\x1b]0;{MARK}\x07Сарлы")),
        (
            "OSC 2 title set, ST",
            format!("\x1b]2;{MARK}\x1b\\Жезказган"),
        ),
        (
            "OSC 52 clipboard write",
            "\x1b]52;c;UFdORUQ=\x07Копа".to_string(),
        ),
        (
            "clear screen and cursor moves",
            "\x1b[2J\x1b[H\x1b[10;10HАктобе\x1b[5A\x1b[1K".to_string(),
        ),
        ("cursor position query", "\x1b[6nP-07".to_string()),
        (
            "8-bit CSI",
            "\u{9b}2J\u{9b}6n\u{9b}HКарачаганак".to_string(),
        ),
        ("8-bit OSC", format!("\u{9d}0;{MARK}\u{9c}Тенгиз")),
        (
            "DCS and APC",
            format!("\x1bP+q{MARK}\x1b\\\x1b_{MARK}\x1b\\Кашаган"),
        ),
        (
            "right-to-left override",
            "\u{202e}exe.txt\u{202c}".to_string(),
        ),
        (
            "unterminated OSC",
            format!("Бозшаколь\x1b]2;{MARK} and everything after"),
        ),
        (
            "20 000-character name",
            format!("{}\x1b]0;{MARK}\x07", "Ж".repeat(20_000)),
        ),
    ]
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

/// One row of what the screen shows per lot, sanitized where it enters.
struct Shown {
    number: String,
    name: String,
    region: String,
    bidder: String,
}

fn decode(bytes: &[u8]) -> Vec<Shown> {
    let body: LotsBody = serde_json::from_slice(bytes).expect("well-formed body");
    body.lots
        .iter()
        .map(|l| Shown {
            number: clean(&l.number, NAME_MAX),
            name: clean(&l.name, NAME_MAX),
            region: clean(&l.region, NAME_MAX),
            bidder: l
                .high_bid
                .as_ref()
                .map(|h| clean(&h.bidder, NAME_MAX))
                .unwrap_or_default(),
        })
        .collect()
}

/// Draws through the real crossterm backend; returns the bytes written and
/// the buffer ratatui meant to show.
fn render(rows: &[Shown], notice: &str) -> (Vec<u8>, Buffer) {
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
    let buffer = terminal
        .draw(|f| {
            let table = Table::new(
                rows.iter().map(|r| {
                    Row::new([
                        r.number.as_str(),
                        r.name.as_str(),
                        r.region.as_str(),
                        r.bidder.as_str(),
                    ])
                }),
                [
                    Constraint::Length(4),
                    Constraint::Length(60),
                    Constraint::Length(40),
                    Constraint::Length(30),
                ],
            )
            .block(Block::default().borders(Borders::ALL).title(notice));
            f.render_widget(table, f.area());
        })
        .expect("draw")
        .buffer
        .clone();
    let bytes = sink.0.borrow().clone();
    (bytes, buffer)
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

#[test]
fn hostile_strings_leave_no_trace_and_normal_lots_render() {
    let shown = decode(&lots_json());
    let notice = clean(
        &format!("\x1b]0;{MARK}\x07Торги продлены\x1b[2J\u{9b}6n"),
        NOTICE_MAX,
    );
    let (bytes, intended) = render(&shown, &notice);

    // 1. The bytes: only ratatui's own CSIs, none of the data's.
    assert!(
        !contains(&bytes, MARK.as_bytes()),
        "marker leaked into the output"
    );
    for (what, needle) in [
        ("OSC", &b"\x1b]"[..]),
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
        assert!(!contains(&bytes, needle), "{what} in the output");
    }
    for c1 in 0x80u32..=0x9f {
        let c = char::from_u32(c1).expect("C1 is a char");
        assert!(
            !contains(&bytes, c.to_string().as_bytes()),
            "C1 U+{c1:04X} in the output"
        );
    }
    for seq in escape_finals(&bytes) {
        let last = seq.chars().last().unwrap_or(' ');
        assert!(
            matches!(last, 'H' | 'm' | 'h' | 'l')
                && !seq.starts_with("?10")
                && !seq.contains("?2004"),
            "unexpected CSI {seq:?}"
        );
    }

    // 2. The VT parser: no title, icon name, clipboard, bell, resize or query.
    let mut vt = vt100::Parser::new_with_callbacks(vt_size().0, vt_size().1, 0, Seen::default());
    vt.process(&for_vt100(&bytes));
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
        seen.unhandled_csi.iter().all(|c| c.ends_with(" m")),
        "{:?}",
        seen.unhandled_csi
    );
    assert!(seen.unhandled_esc.is_empty(), "{:?}", seen.unhandled_esc);
    assert!(
        seen.unhandled_controls.is_empty(),
        "{:?}",
        seen.unhandled_controls
    );

    // 3. The parsed screen is exactly the buffer ratatui meant to draw: no
    //    cursor move, clear or reordering got in between.
    let screen = vt.screen();
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

    // 4. Normal lots beside them, in full, on their own rows.
    for (i, (name, region)) in NORMAL.iter().enumerate() {
        let row = screen.rows(0, COLS).nth(1 + i).expect("row exists");
        assert!(row.contains(&format!("L{i:02}")), "row {i}: {row:?}");
        assert!(row.contains(name), "{name} not shown: {row:?}");
        assert!(row.contains(region), "{region} not shown: {row:?}");
    }
    // The legitimate text of the hostile lots survives, in place.
    for (i, want) in [
        "Сарлы",
        "Жезказган",
        "Копа",
        "Актобе",
        "P-07",
        "Карачаганак",
        "Тенгиз",
        "Кашаган",
        "exe.txt",
        "Бозшаколь",
    ]
    .iter()
    .enumerate()
    {
        let row = screen
            .rows(0, COLS)
            .nth(1 + NORMAL.len() + i)
            .expect("row exists");
        assert!(
            row.contains(&format!("L{:02}", NORMAL.len() + i)) && row.contains(want),
            "{want}: {row:?}"
        );
    }
    assert!(text.contains("Торги продлены"), "the notice text survives");
    assert!(text.contains("?exe.txt?"), "the bidi override is shown as a placeholder");
}

#[test]
fn the_long_name_is_capped_and_keeps_its_row() {
    let shown = decode(&lots_json());
    let long = shown.last().expect("the long lot");
    assert_eq!(long.name.chars().count(), NAME_MAX);
    assert!(long.name.ends_with('…'));
    let (bytes, _) = render(&shown, "");
    let mut vt = vt100::Parser::new(vt_size().0, vt_size().1, 0);
    vt.process(&for_vt100(&bytes));
    let last_row = 1 + shown.len() - 1;
    let row = vt.screen().rows(0, COLS).nth(last_row).expect("row exists");
    assert!(
        row.contains(&format!("L{:02}", shown.len() - 1)) && row.contains("ЖЖЖЖ"),
        "{row:?}"
    );
    // The next row is the table's bottom border: the name did not wrap.
    let below = vt
        .screen()
        .rows(0, COLS)
        .nth(last_row + 1)
        .expect("row exists");
    assert!(!below.contains('Ж'), "{below:?}");
}
