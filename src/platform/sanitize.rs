//! The one sanitizer for server text: every string from the platform passes
//! here before it is stored, so nothing downstream can emit its control codes.
//! Also the display-width helpers the view uses to fit that text in cells.
//!
//! What [`clean`] does, in one pass over the input:
//!
//! - Removes whole escape sequences: CSI, OSC, DCS, SOS, PM and APC, both in
//!   the 7-bit form (`ESC [`, `ESC ]`, `ESC P`, `ESC X`, `ESC ^`, `ESC _`) and
//!   the 8-bit form (the C1 code points U+009B, U+009D, U+0090, U+0098,
//!   U+009E, U+009F). A CSI ends at its final byte (0x40–0x7E). OSC ends at BEL
//!   or ST (`ESC \` or U+009C); DCS, SOS, PM and APC end at ST only, as in
//!   xterm. An unterminated sequence swallows the rest of the input. Other
//!   escapes (`ESC` + intermediates + one final character, e.g. `ESC c`,
//!   `ESC ( B`) are removed too. CAN and SUB cancel a sequence, as in a
//!   terminal.
//! - Turns line breaks and tabs (LF, CR, TAB, VT, FF, NEL, U+2028, U+2029)
//!   into a space: every field is shown on one line.
//! - Replaces every other control character (C0, DEL, C1) and the invisible
//!   format characters that can reorder or disguise text with the placeholder
//!   [`PLACEHOLDER`] (U+FFFD `�`), so tampering stays visible instead of
//!   vanishing: bidi embeddings, overrides and isolates (U+202A–U+202E,
//!   U+2066–U+2069), the marks U+200E, U+200F, U+061C, zero-width characters
//!   (U+200B–U+200D, U+2060–U+2064, U+FEFF, U+180E), deprecated format
//!   controls (U+206A–U+206F), interlinear annotations (U+FFF9–U+FFFB) and
//!   tag characters (U+E0000–U+E007F). Zero-width joiners go too: labels such
//!   as `P-07` must not have invisible look-alikes, and terminals disagree on
//!   the width of joined emoji.
//! - Drops the invisible look-alikes that would let one label pass for
//!   another ([`is_invisible_lookalike`]: U+00AD, U+115F, U+1160, U+3164,
//!   U+FFA0, U+1BCA0–U+1BCA3, U+1D173–U+1D17A).
//! - Caps the result at `max_chars` characters; a cut string ends with `…`.
//!
//! Why not the `vte` crate: vte parses bytes and recognises 8-bit C1
//! controls only as raw bytes 0x80–0x9F, which cannot occur in a `&str`. The
//! same controls written as code points (U+009B is `C2 9B` in UTF-8, which is
//! how they arrive in JSON) reach its `print` callback as ordinary
//! characters, so `U+009B 2J` would not be seen as a CSI. Its OSC buffer also
//! grows with the input. The state machine below is small, follows the same
//! DEC/ECMA-48 transitions, and works on `char`s with O(1) state.
//!
//! Cost: linear in the input consumed, no intermediate allocation beyond the
//! output (at most `max_chars` characters); the scan stops as soon as the
//! output is known to be cut. A 10 MB unterminated OSC is one linear scan
//! that allocates nothing.

use std::borrow::Cow;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Cap for names, regions, labels and other short fields, in characters.
pub const MAX_NAME: usize = 200;
/// Cap for notices and error messages, in characters.
pub const MAX_NOTICE: usize = 2000;
/// What replaces a control or invisible format character.
pub const PLACEHOLDER: char = '\u{FFFD}';
/// What ends a string that was cut short.
const ELLIPSIS: char = '…';

const ESC: char = '\u{1b}';
const BEL: char = '\u{07}';
const CAN: char = '\u{18}';
const SUB: char = '\u{1a}';
const C1_DCS: char = '\u{90}';
const C1_SOS: char = '\u{98}';
const C1_CSI: char = '\u{9b}';
const C1_ST: char = '\u{9c}';
const C1_OSC: char = '\u{9d}';
const C1_PM: char = '\u{9e}';
const C1_APC: char = '\u{9f}';

/// Where the scanner is: in text, or inside a sequence being removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Ground,
    /// After ESC.
    Esc,
    /// After ESC and one or more intermediates (0x20–0x2F).
    EscIntermediate,
    /// Inside a control sequence (params and intermediates).
    Csi,
    /// Inside a control string (OSC ends at BEL too; the others at ST only).
    Str {
        osc: bool,
    },
    /// An ESC inside a control string: `\` makes ST, anything else starts a
    /// new escape.
    StrEsc,
}

/// Cleans untrusted text for display: escape sequences removed, other control
/// characters replaced, length capped at `max_chars` (see the module doc).
pub fn clean(s: &str, max_chars: usize) -> String {
    if max_chars == 0 {
        return String::new();
    }
    let mut out = String::with_capacity(s.len().min(max_chars.saturating_mul(4)));
    let mut count = 0usize;
    let mut state = State::Ground;
    for c in s.chars() {
        if state != State::Ground {
            match in_sequence(state, c) {
                Some(next) => {
                    state = next;
                    continue;
                }
                // The sequence was abandoned: `c` is text again.
                None => state = State::Ground,
            }
        }
        if let Some(next) = introducer(c) {
            state = next;
            continue;
        }
        if is_invisible_lookalike(c) {
            continue;
        }
        if count == max_chars {
            out.pop();
            out.push(ELLIPSIS);
            return out;
        }
        out.push(visible(c));
        count += 1;
    }
    out
}

/// The sequence a character opens in text, if any.
fn introducer(c: char) -> Option<State> {
    match c {
        ESC => Some(State::Esc),
        C1_CSI => Some(State::Csi),
        C1_OSC => Some(State::Str { osc: true }),
        C1_DCS | C1_SOS | C1_PM | C1_APC => Some(State::Str { osc: false }),
        _ => None,
    }
}

/// One character inside a sequence: the next state, or None when the
/// sequence is abandoned and `c` must be read as text.
fn in_sequence(state: State, c: char) -> Option<State> {
    let ground = Some(State::Ground);
    match state {
        State::Ground => None,
        State::Esc | State::EscIntermediate | State::Csi => match c {
            ESC => Some(State::Esc),
            CAN | SUB => ground,
            C1_CSI | C1_OSC | C1_DCS | C1_SOS | C1_PM | C1_APC => introducer(c),
            // A terminal executes C0 controls inside a sequence and goes on
            // with it; they are dropped here, and DEL is ignored.
            '\u{00}'..='\u{1f}' | '\u{7f}' => Some(state),
            _ => match state {
                State::Esc => match c {
                    '[' => Some(State::Csi),
                    ']' => Some(State::Str { osc: true }),
                    'P' | 'X' | '^' | '_' => Some(State::Str { osc: false }),
                    ' '..='/' => Some(State::EscIntermediate),
                    '0'..='~' => ground,
                    _ => None,
                },
                State::EscIntermediate => match c {
                    ' '..='/' => Some(state),
                    '0'..='~' => ground,
                    _ => None,
                },
                _ => match c {
                    ' '..='?' => Some(state),
                    '@'..='~' => ground,
                    _ => None,
                },
            },
        },
        State::Str { osc } => match c {
            ESC => Some(State::StrEsc),
            C1_ST | CAN | SUB => ground,
            BEL if osc => ground,
            _ => Some(state),
        },
        State::StrEsc => match c {
            '\\' => ground,
            // ESC then anything else: the string ended and a new escape began.
            _ => in_sequence(State::Esc, c),
        },
    }
}

/// How a text character is shown: itself, a space for a line break or tab,
/// or the placeholder for a control or an invisible format character.
fn visible(c: char) -> char {
    match c {
        '\t' | '\n' | '\u{0b}' | '\u{0c}' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}' => ' ',
        _ if c.is_control() || is_hidden_format(c) => PLACEHOLDER,
        _ => c,
    }
}

/// Invisible format characters that can reorder, hide or disguise text.
pub fn is_hidden_format(c: char) -> bool {
    matches!(
        c,
        '\u{061c}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{e0000}'..='\u{e007f}'
    )
}

/// Characters that draw as nothing (or as a blank) and so let one label pass
/// for another: the soft hyphen, the Hangul fillers, the shorthand format
/// controls and the musical symbols' invisible format controls. They are
/// dropped, not replaced: a soft hyphen is common in honest text, and a
/// filler has no meaning a reader could miss.
fn is_invisible_lookalike(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}'
            | '\u{115f}'
            | '\u{1160}'
            | '\u{3164}'
            | '\u{ffa0}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
    )
}

/// Display width in terminal cells, counted the way ratatui places text
/// (per grapheme cluster; control characters take no cell).
pub fn display_width(s: &str) -> usize {
    s.graphemes(true).map(grapheme_width).sum()
}

/// `s` cut to at most `width` cells, ending with `…` when it was cut. A wide
/// character that does not fit whole is left out.
pub fn truncate_to_width(s: &str, width: usize) -> Cow<'_, str> {
    if display_width(s) <= width {
        return Cow::Borrowed(s);
    }
    let Some(room) = width.checked_sub(1) else {
        return Cow::Borrowed("");
    };
    let mut used = 0;
    let mut end = 0;
    for (i, g) in s.grapheme_indices(true) {
        let w = grapheme_width(g);
        if used + w > room {
            break;
        }
        used += w;
        end = i + g.len();
    }
    let mut out = String::with_capacity(end + ELLIPSIS.len_utf8());
    out.push_str(&s[..end]);
    out.push(ELLIPSIS);
    Cow::Owned(out)
}

/// Cells one grapheme takes, as ratatui 0.30 counts them (`Buffer::set_stringn`
/// drops graphemes with control characters, and halfwidth katakana sound
/// marks take a cell of their own).
fn grapheme_width(g: &str) -> usize {
    if g.chars().any(char::is_control) {
        return 0;
    }
    if g.len() == 1 {
        return 1;
    }
    g.width()
        + g.chars()
            .filter(|c| matches!(c, '\u{ff9e}' | '\u{ff9f}'))
            .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn c(s: &str) -> String {
        clean(s, MAX_NAME)
    }

    #[test]
    fn removes_whole_7bit_sequences() {
        assert_eq!(c("a\x1b]0;pwned\x07b"), "ab", "OSC 0 title, BEL");
        assert_eq!(c("a\x1b]2;pwned\x1b\\b"), "ab", "OSC 2 title, ST");
        assert_eq!(c("a\x1b]52;c;SGVsbG8=\x07b"), "ab", "OSC 52 clipboard");
        assert_eq!(c("a\x1b[2J\x1b[Hb"), "ab", "clear screen, home");
        assert_eq!(
            c("a\x1b[10;20Hb\x1b[6n"),
            "ab",
            "cursor move, position query"
        );
        assert_eq!(
            c("a\x1b[?1049h\x1b[38;2;255;0;0mb"),
            "ab",
            "private mode, truecolour"
        );
        assert_eq!(c("a\x1bP1$tqx\x1b\\b"), "ab", "DCS");
        assert_eq!(c("a\x1b_Gf=100;AAAA\x1b\\b"), "ab", "APC (kitty graphics)");
        assert_eq!(c("a\x1b^pm\x1b\\b\x1bXsos\x1b\\"), "ab", "PM, SOS");
        assert_eq!(
            c("a\x1bcb\x1b(B\x1b#8\x1b7"),
            "ab",
            "reset, charset, DECALN, save"
        );
    }

    #[test]
    fn removes_whole_8bit_sequences() {
        assert_eq!(c("a\u{9b}2Jb"), "ab", "C1 CSI");
        assert_eq!(c("a\u{9b}6nb"), "ab", "C1 CSI 6n");
        assert_eq!(c("a\u{9d}0;pwned\u{9c}b"), "ab", "C1 OSC, C1 ST");
        assert_eq!(c("a\u{9d}2;pwned\x07b"), "ab", "C1 OSC, BEL");
        assert_eq!(c("a\u{90}q#0;2;0;0;0\u{9c}b"), "ab", "C1 DCS (sixel)");
        assert_eq!(
            c("a\u{9f}x\u{9c}b\u{9e}y\u{9c}\u{98}z\u{9c}"),
            "ab",
            "C1 APC, PM, SOS"
        );
        assert_eq!(
            c("a\u{9d}52;c;QUJD\x1b\\b"),
            "ab",
            "C1 OSC ended by 7-bit ST"
        );
    }

    #[test]
    fn unterminated_sequences_swallow_the_rest() {
        assert_eq!(c("name\x1b]0;title set and the rest"), "name");
        assert_eq!(c("name\u{9d}0;never ends"), "name");
        assert_eq!(c("name\x1bPnever ends \x07 even after BEL"), "name");
        assert_eq!(c("name\x1b[1;2;3"), "name");
        assert_eq!(c("name\x1b"), "name");
    }

    #[test]
    fn esc_inside_a_string_ends_it_and_starts_a_new_escape() {
        // As in a terminal: the OSC ends at ESC, then ESC [ 2J is a CSI.
        assert_eq!(c("a\x1b]0;t\x1b[2Jb"), "ab");
        assert_eq!(c("a\x1b]0;t\x1bcb"), "ab");
        assert_eq!(c("a\x1b]0;t\x1bйb"), "aйb");
    }

    #[test]
    fn can_and_sub_cancel_and_text_ends_a_broken_sequence() {
        assert_eq!(c("a\x1b[12\x18b"), "ab");
        assert_eq!(c("a\x1b]0;x\x1ab"), "ab");
        // Non-ASCII text cannot be part of a CSI: the CSI is abandoned there.
        assert_eq!(c("a\x1b[12Жb"), "aЖb");
        assert_eq!(c("a\x1bЖb"), "aЖb");
    }

    #[test]
    fn remaining_controls_become_placeholders() {
        assert_eq!(c("a\x07b\x00c\x7fd\u{9c}e\u{80}f"), "a�b�c�d�e�f");
        assert_eq!(c("P-0\u{200b}7"), "P-0�7");
        assert_eq!(c("\u{202e}txt.exe"), "�txt.exe");
        for bidi in [
            '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{2066}', '\u{2067}', '\u{2068}',
            '\u{2069}',
        ] {
            assert_eq!(c(&format!("x{bidi}y")), "x�y", "{:?}", bidi);
        }
        for mark in ['\u{200e}', '\u{200f}', '\u{061c}', '\u{feff}', '\u{e0041}'] {
            assert_eq!(c(&format!("x{mark}y")), "x�y", "{:?}", mark);
        }
    }

    #[test]
    fn line_breaks_and_tabs_become_spaces() {
        assert_eq!(
            c("Сарлы\nЮжное\r\nкрыло\tАктобе\u{2028}."),
            "Сарлы Южное  крыло Актобе ."
        );
    }

    #[test]
    fn caps_length_with_an_ellipsis() {
        let long = "ж".repeat(20_000);
        let out = c(&long);
        assert_eq!(out.chars().count(), MAX_NAME);
        assert!(out.ends_with('…'));
        assert!(out.starts_with("жжж"));
        assert_eq!(clean("abcdef", 6), "abcdef");
        assert_eq!(clean("abcdefg", 6), "abcde…");
        assert_eq!(clean("a", 1), "a");
        assert_eq!(clean("abcd", 1), "…");
        assert_eq!(clean("abc", 0), "");
        // Removed sequences do not count towards the cap.
        assert_eq!(clean("\x1b[2Jabc\x1b]0;t\x07", 3), "abc");
    }

    #[test]
    fn big_hostile_inputs_are_handled() {
        let mut osc = String::from("lot\x1b]0;");
        osc.push_str(&"A".repeat(10 * 1024 * 1024));
        assert_eq!(c(&osc), "lot");
        let big = "\u{9b}1;".repeat(1_000_000) + "mx";
        assert_eq!(c(&big), "x");
        let plain = "Қ".repeat(5 * 1024 * 1024);
        let out = clean(&plain, MAX_NOTICE);
        assert_eq!(out.chars().count(), MAX_NOTICE);
        assert!(
            out.capacity() <= MAX_NOTICE * 4,
            "no intermediate the size of the input"
        );
    }

    #[test]
    fn widths_match_the_terminal() {
        assert_eq!(display_width("Сарлы Южное"), 11);
        assert_eq!(display_width("Қарағанды өңірі"), 15);
        assert_eq!(display_width("金矿"), 4);
        assert_eq!(display_width("🔥ok"), 4);
        assert_eq!(display_width("e\u{301}"), 1, "combining accent");
        assert_eq!(display_width(""), 0);
    }

    #[test]
    fn truncates_to_width() {
        assert_eq!(truncate_to_width("Актобе", 6), "Актобе");
        assert!(matches!(truncate_to_width("Актобе", 6), Cow::Borrowed(_)));
        assert_eq!(truncate_to_width("Актобе", 5), "Акто…");
        assert_eq!(truncate_to_width("金矿金矿", 5), "金矿…");
        // A wide character that does not fit whole is left out.
        assert_eq!(truncate_to_width("金矿金矿", 4), "金…");
        assert_eq!(truncate_to_width("abc", 1), "…");
        assert_eq!(truncate_to_width("abc", 0), "");
        assert_eq!(
            truncate_to_width("e\u{301}e\u{301}e\u{301}", 2),
            "e\u{301}…"
        );
    }

    /// Fragments that make sequences, mixed with arbitrary characters.
    fn hostile() -> impl Strategy<Value = String> {
        let frag = prop_oneof![
            any::<char>().prop_map(String::from),
            "[a-zа-яәғқңөұүһі金矿 ]{1,8}",
            Just("\x1b".to_string()),
            Just("\x1b[".to_string()),
            Just("\x1b]".to_string()),
            Just("\x1b]0;".to_string()),
            Just("\x1b\\".to_string()),
            Just("\x1bP".to_string()),
            Just("\x1b_".to_string()),
            Just("\x07".to_string()),
            Just("\x18".to_string()),
            Just("2J".to_string()),
            Just("6n".to_string()),
            Just("\u{9b}".to_string()),
            Just("\u{9d}".to_string()),
            Just("\u{9c}".to_string()),
            Just("\u{90}".to_string()),
            Just("\u{202e}".to_string()),
            Just("\u{200d}".to_string()),
            Just("\r\n\t".to_string()),
            Just("\u{7f}".to_string()),
            Just("\u{ad}".to_string()),
            Just("\u{3164}".to_string()),
        ];
        proptest::collection::vec(frag, 0..40).prop_map(|v| v.concat())
    }

    fn forbidden(ch: char) -> bool {
        ch.is_control() || is_hidden_format(ch) || is_invisible_lookalike(ch)
    }

    /// Hostile input: a bidder label spelt with every invisible look-alike
    /// between its letters reads as the label itself.
    #[test]
    fn invisible_lookalikes_are_dropped() {
        let hidden = [
            '\u{00ad}',
            '\u{115f}',
            '\u{1160}',
            '\u{3164}',
            '\u{ffa0}',
            '\u{1bca0}',
            '\u{1bca1}',
            '\u{1bca2}',
            '\u{1bca3}',
            '\u{1d173}',
            '\u{1d174}',
            '\u{1d175}',
            '\u{1d176}',
            '\u{1d177}',
            '\u{1d178}',
            '\u{1d179}',
            '\u{1d17a}',
        ];
        for h in hidden {
            assert_eq!(c(&format!("P{h}-0{h}7")), "P-07", "U+{:04X}", h as u32);
            assert_eq!(c(&h.to_string()), "", "U+{:04X}", h as u32);
        }
        // Their neighbours stay.
        assert_eq!(
            c("\u{00ac}\u{1d172}\u{1d17b}"),
            "\u{00ac}\u{1d172}\u{1d17b}"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn output_has_no_controls_or_bidi(s in hostile(), max in 0usize..64) {
            let out = clean(&s, max);
            prop_assert!(!out.chars().any(forbidden), "{:?} -> {:?}", s, out);
        }

        #[test]
        fn arbitrary_strings_have_no_controls(s in any::<String>()) {
            prop_assert!(!clean(&s, MAX_NOTICE).chars().any(forbidden));
        }

        #[test]
        fn idempotent(s in hostile(), max in 0usize..64) {
            let once = clean(&s, max);
            prop_assert_eq!(clean(&once, max), once.clone());
        }

        #[test]
        fn length_cap_holds(s in hostile(), max in 0usize..64) {
            prop_assert!(clean(&s, max).chars().count() <= max);
        }

        #[test]
        fn plain_text_passes_unchanged(
            s in "[а-яА-ЯёЁәғқңөұүһіӘҒҚҢӨҰҮҺІ\u{4e00}-\u{9fff}0-9a-zA-Z ,.()«»№-]{0,200}"
        ) {
            prop_assert_eq!(clean(&s, MAX_NAME), s);
        }

        #[test]
        fn sequences_between_text_vanish_whole(
            a in "[а-яәқ金 ]{0,20}",
            b in "[а-яәқ金 ]{0,20}",
            seq in prop_oneof![
                Just("\x1b]0;evil\x07"), Just("\x1b]52;c;ZXZpbA==\x1b\\"), Just("\u{9d}2;x\u{9c}"),
                Just("\x1b[6n"), Just("\u{9b}2J"), Just("\x1bPq#1\x1b\\"), Just("\x1b(B"),
            ],
        ) {
            prop_assert_eq!(clean(&format!("{a}{seq}{b}"), MAX_NAME), format!("{a}{b}"));
        }

        #[test]
        fn truncation_fits(s in "\\PC{0,40}", w in 0usize..30) {
            let t = truncate_to_width(&s, w);
            prop_assert!(display_width(&t) <= w);
            if display_width(&s) <= w {
                prop_assert_eq!(t.as_ref(), s.as_str());
            } else {
                prop_assert!(w == 0 || t.ends_with('…'));
            }
        }
    }
}
