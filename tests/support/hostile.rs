//! Hostile server text: strings hiding escape sequences (title sets,
//! clipboard writes, screen clears, 8-bit controls, bidi overrides, an
//! unterminated OSC, a 20 000-character name), shared by the tests that
//! push them through the rendering and the notifications.

#![allow(dead_code)]

/// Every payload hides this marker inside its escape sequences: it must never
/// reach the bytes or the screen.
pub const MARK: &str = "PWNED";

/// (what it tries, the string). Text outside the sequences is legitimate and
/// must survive.
pub fn hostile() -> Vec<(&'static str, String)> {
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
