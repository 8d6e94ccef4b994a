//! Writing text and pane borders straight into the frame's buffer.
//!
//! ratatui's general path (a grapheme segmentation and a width lookup per
//! grapheme, a style pass over the whole area per widget layer, the diff
//! measuring every multi-byte cell again) was most of a frame. The panes'
//! text is nearly all characters that are one cell wide and a grapheme of
//! their own (ASCII, Latin, Cyrillic, box drawing, arrows): those are written
//! a character at a time, and their cells carry their width so the diff need
//! not measure them. Any other text goes through ratatui's `Span` rendering,
//! so the screen is the same either way (the tests compare both paths).

use super::fit;
use ratatui::buffer::{Buffer, CellDiffOption};
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::symbols::border;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Widget};
use std::num::NonZeroU16;

const ONE: CellDiffOption = CellDiffOption::ForcedWidth(NonZeroU16::MIN);

/// One cell wide and never joined into a grapheme with its neighbours: no
/// control, combining, joining, prepended or wide character is in these
/// ranges (checked for every one of them by the tests below).
fn simple(c: char) -> bool {
    matches!(c,
        ' '..='~'
        | '\u{A0}'..='\u{AC}'
        | '\u{AE}'..='\u{24F}'
        | '\u{400}'..='\u{482}'
        | '\u{48A}'..='\u{4FF}'
        | '\u{2010}'..='\u{2027}'
        | '\u{2030}'..='\u{205E}'
        | '\u{20A0}'..='\u{20C0}'
        | '\u{2190}'..='\u{21FF}'
        | '\u{2200}'..='\u{22FF}'
        | '\u{2500}'..='\u{25FC}'
        | '\u{2800}'..='\u{28FF}'
        | '★' | '⚠' | '✉' | '✔' | '✘' | '⏸'
    )
}

/// Writes `text` in `style` on row `y` from `x`, up to `right` (exclusive),
/// as `Span::styled(text, style)` rendered there would; returns the column
/// after the text (as if nothing had been cut).
pub fn put_str(buf: &mut Buffer, x: u16, y: u16, right: u16, text: &str, style: Style) -> u16 {
    if text.chars().all(simple) {
        let right = right.min(buf.area.right());
        let on_buffer = (buf.area.top()..buf.area.bottom()).contains(&y) && x >= buf.area.left();
        if on_buffer && x < right {
            let at = buf.index_of(x, y);
            let room = usize::from(right - x);
            // A figure that does not fit is left out whole, marked `…`.
            let keep = fit::safe_cut(text, room).unwrap_or(room);
            let cells = buf.content[at..].iter_mut();
            for (cell, c) in cells.zip(text.chars().take(keep).chain(cut_mark(keep, room))) {
                cell.set_char(c).set_diff_option(ONE).set_style(style);
            }
        }
        return x.saturating_add(count_u16(text));
    }
    let span = Span::styled(text, style);
    if x < right {
        (&span).render(Rect::new(x, y, right - x, 1), buf);
    }
    x.saturating_add(u16::try_from(span.width()).unwrap_or(u16::MAX))
}

/// `…` where a figure was left out (`keep` short of `room`).
fn cut_mark(keep: usize, room: usize) -> Option<char> {
    (keep < room).then_some('…')
}

fn count_u16(text: &str) -> u16 {
    u16::try_from(text.chars().count()).unwrap_or(u16::MAX)
}

/// Writes `text` right-aligned into `area` (its first row), as a
/// right-aligned `Line` does (too wide, it loses its start).
pub fn put_right(buf: &mut Buffer, area: Rect, text: &str, style: Style) {
    let w = if text.chars().all(simple) {
        count_u16(text)
    } else {
        u16::try_from(unicode_width::UnicodeWidthStr::width(text)).unwrap_or(u16::MAX)
    };
    if w > area.width && text.chars().any(|c| c.is_ascii_digit()) {
        // A figure is never shown with its start cut off.
        put_str(
            buf,
            area.right().saturating_sub(1),
            area.y,
            area.right(),
            "…",
            style,
        );
    } else if w <= area.width {
        put_str(
            buf,
            area.x + (area.width - w),
            area.y,
            area.right(),
            text,
            style,
        );
    } else {
        Line::from(Span::styled(text, style))
            .right_aligned()
            .render(area, buf);
    }
}

/// Writes `lines` into `area` one per row, as `Paragraph::new(lines)` (no
/// wrapping) does.
pub fn put_lines(buf: &mut Buffer, area: Rect, lines: &[Line<'_>]) {
    for (line, y) in lines.iter().zip(area.top()..area.bottom()) {
        put_line(
            buf,
            Rect {
                y,
                height: 1,
                ..area
            },
            line,
            Alignment::Left,
        );
    }
}

/// `text` in the first row of `area`, as a one-line paragraph.
pub fn message(buf: &mut Buffer, area: Rect, text: &str, style: Style) {
    if area.height > 0 {
        let row = Rect { height: 1, ..area };
        put_line(
            buf,
            row,
            &Line::from(Span::styled(text, style)),
            Alignment::Left,
        );
    }
}

/// Writes `line` into `area` (its first row), as a one-line
/// `Paragraph` with `alignment` does; the line's own alignment wins.
pub fn put_line(buf: &mut Buffer, area: Rect, line: &Line<'_>, alignment: Alignment) {
    let alignment = line.alignment.unwrap_or(alignment);
    let w = u16::try_from(line.width()).unwrap_or(u16::MAX);
    if !all_simple(line) || (w > area.width && alignment != Alignment::Left) {
        // Wide characters (a paragraph skips one that does not fit and goes
        // on), or a cut on the left: rare, and the paragraph does it.
        Paragraph::new(line.clone())
            .alignment(alignment)
            .render(area, buf);
        return;
    }
    let offset = match alignment {
        Alignment::Left => 0,
        Alignment::Center => (area.width / 2).saturating_sub(w / 2),
        Alignment::Right => area.width.saturating_sub(w),
    };
    write_line(buf, area.x.saturating_add(offset), area, line);
}

fn all_simple(line: &Line<'_>) -> bool {
    line.spans.iter().all(|s| s.content.chars().all(simple))
}

/// Writes the spans of `line` on `area`'s row from `x`, cut at its right
/// (before a figure that does not fit, marked `…`).
fn write_line(buf: &mut Buffer, mut x: u16, area: Rect, line: &Line<'_>) {
    let room = usize::from(area.right().saturating_sub(x));
    if line.width() >= room && room > 0 {
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        // A figure never touches the edge either: it would read as cut.
        let touches = text
            .chars()
            .nth(room - 1)
            .is_some_and(|c| c.is_ascii_digit());
        let cut = if touches {
            fit::safe_cut(&text, room - 1)
        } else {
            fit::safe_cut(&text, room)
        };
        if let Some(keep) = cut.filter(|&k| k < room) {
            let end = x.saturating_add(u16::try_from(keep).unwrap_or(u16::MAX));
            let kept = Rect {
                width: end.saturating_sub(area.x),
                ..area
            };
            write_line(buf, x, kept, line);
            let style = line
                .spans
                .last()
                .map_or(line.style, |s| line.style.patch(s.style));
            put_str(buf, end, area.y, area.right(), "…", style);
            return;
        }
    }
    for s in &line.spans {
        if x >= area.right() {
            break;
        }
        x = put_str(
            buf,
            x,
            area.y,
            area.right(),
            &s.content,
            line.style.patch(s.style),
        );
    }
}

/// Draws a bordered frame of `kind` in `style` around `area` with `title`
/// in its top edge (left-aligned, after the corner), as a `Block::bordered()`
/// with that title does; returns the area inside the borders.
pub fn bordered(
    buf: &mut Buffer,
    area: Rect,
    kind: BorderType,
    style: Style,
    title: &Line<'_>,
) -> Rect {
    let block = Block::bordered().border_type(kind).border_style(style);
    let inner = block.inner(area);
    let area = area.intersection(buf.area);
    if area.width < 2 || area.height < 2 {
        block.title(title.clone()).render(area, buf);
        return inner;
    }
    let set = match kind {
        BorderType::Thick => border::THICK,
        _ => border::PLAIN,
    };
    let (left, right) = (area.left(), area.right() - 1);
    let (top, bottom) = (area.top(), area.bottom() - 1);
    let mut edge = |x: u16, y: u16, s: &str| {
        buf[(x, y)]
            .set_symbol(s)
            .set_diff_option(ONE)
            .set_style(style);
    };
    for x in left + 1..right {
        edge(x, top, set.horizontal_top);
        edge(x, bottom, set.horizontal_bottom);
    }
    for y in top + 1..bottom {
        edge(left, y, set.vertical_left);
        edge(right, y, set.vertical_right);
    }
    edge(left, top, set.top_left);
    edge(right, top, set.top_right);
    edge(left, bottom, set.bottom_left);
    edge(right, bottom, set.bottom_right);
    put_title(buf, area, top, title);
    inner
}

/// Writes `title` into the edge row `y` of a bordered `area`, between the
/// corners, as a block's left-aligned title.
pub fn put_title(buf: &mut Buffer, area: Rect, y: u16, title: &Line<'_>) {
    let row = Rect::new(area.x + 1, y, area.width.saturating_sub(2), 1);
    let w = u16::try_from(title.width())
        .unwrap_or(u16::MAX)
        .min(row.width);
    let row = Rect { width: w, ..row };
    if all_simple(title) {
        write_line(buf, row.x, row, title);
    } else {
        title.render(row, buf);
    }
}

#[cfg(test)]
mod tests;
