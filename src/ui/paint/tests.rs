use super::*;
use proptest::prelude::*;
use ratatui::style::{Color, Modifier};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthChar;

/// Every character the fast path takes.
fn simple_chars() -> impl Iterator<Item = char> {
    (0..=0x2FFFu32)
        .filter_map(char::from_u32)
        .filter(|&c| simple(c))
}

#[test]
fn every_simple_character_is_one_cell_and_a_grapheme_of_its_own() {
    let mut n = 0;
    for c in simple_chars() {
        assert_eq!(c.width(), Some(1), "{c:?} U+{:04X}", c as u32);
        for s in [format!("x{c}"), format!("{c}x"), format!("{c}{c}")] {
            assert_eq!(s.graphemes(true).count(), 2, "U+{:04X} in {s:?}", c as u32);
        }
        n += 1;
    }
    assert_eq!(n, 1762, "the fast path's characters");
}

/// A buffer filled with something to overwrite, so that a cell left alone
/// by one path and written by the other shows.
fn junk(area: Rect) -> Buffer {
    let mut b = Buffer::empty(area);
    for (i, c) in b.content.iter_mut().enumerate() {
        c.set_char(char::from(b'a' + (i % 26) as u8))
            .set_fg(Color::Red);
    }
    b
}

/// The buffer as the screen shows it: symbols and styles, not how the diff
/// measures the cells.
fn seen(mut b: Buffer) -> Buffer {
    for c in &mut b.content {
        c.set_diff_option(CellDiffOption::None);
    }
    b
}

/// Text of every kind a pane may hold: the fast path's characters and the
/// ones it leaves to ratatui (wide, combining, zero-width, emoji). No
/// digits: a figure is cut differently from ratatui on purpose (below).
fn text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "a", "Z", "%", " ", "·", "—", "…", "₸", "Қ", "ә", "ж", "▲", "▶", "★", "⚠", "┃", "⣀", "金",
        "⌛", "e\u{301}", "\u{200b}", "🙂", "ü", "Ω",
    ]);
    prop::collection::vec(pieces, 0..12).prop_map(|v| v.concat())
}

fn style() -> impl Strategy<Value = Style> {
    prop::sample::select(vec![
        Style::new(),
        Style::new().fg(Color::Yellow),
        Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED),
        Style::new().bg(Color::Blue).remove_modifier(Modifier::BOLD),
    ])
}

fn alignment() -> impl Strategy<Value = Alignment> {
    prop::sample::select(vec![Alignment::Left, Alignment::Center, Alignment::Right])
}

proptest! {
    #[test]
    fn put_str_writes_what_a_span_renders(t in text(), st in style(), x in 0u16..8, w in 0u16..14) {
        let area = Rect::new(0, 0, 16, 2);
        let right = (x + w).min(16);
        let mut fast = junk(area);
        let end = put_str(&mut fast, x, 1, right, &t, st);
        let mut slow = junk(area);
        let span = Span::styled(t.as_str(), st);
        if x < right {
            (&span).render(Rect::new(x, 1, right - x, 1), &mut slow);
        }
        prop_assert_eq!(seen(fast), slow);
        prop_assert_eq!(usize::from(end - x), span.width());
    }

    #[test]
    fn put_lines_writes_what_a_paragraph_renders(
        lines in prop::collection::vec(
            (prop::collection::vec((text(), style()), 0..4), prop::option::of(alignment())),
            0..5,
        ),
        w in 0u16..20,
        h in 0u16..5,
    ) {
        let lines: Vec<Line> = lines
            .into_iter()
            .map(|(spans, a)| {
                let l = Line::from(
                    spans.into_iter().map(|(t, s)| Span::styled(t, s)).collect::<Vec<_>>(),
                );
                match a {
                    Some(a) => l.alignment(a),
                    None => l,
                }
            })
            .collect();
        let area = Rect::new(1, 1, w, h);
        let mut fast = junk(Rect::new(0, 0, 22, 7));
        put_lines(&mut fast, area, &lines);
        let mut slow = junk(Rect::new(0, 0, 22, 7));
        Paragraph::new(lines.clone()).render(area, &mut slow);
        prop_assert_eq!(seen(fast), slow);
    }

    #[test]
    fn put_line_aligns_as_a_paragraph(
        spans in prop::collection::vec((text(), style()), 0..4),
        para in alignment(),
        x in 0u16..4,
        w in 0u16..20,
    ) {
        let line = Line::from(spans.into_iter().map(|(t, s)| Span::styled(t, s)).collect::<Vec<_>>());
        let area = Rect::new(x, 1, w, 1);
        let mut fast = junk(Rect::new(0, 0, 24, 3));
        put_line(&mut fast, area, &line, para);
        let mut slow = junk(Rect::new(0, 0, 24, 3));
        Paragraph::new(line).alignment(para).render(area, &mut slow);
        prop_assert_eq!(seen(fast), slow);
    }

    #[test]
    fn bordered_draws_what_a_block_draws(
        title in prop::collection::vec((text(), style()), 0..3),
        thick in any::<bool>(),
        w in 0u16..12,
        h in 0u16..5,
    ) {
        let title = Line::from(
            title.into_iter().map(|(t, s)| Span::styled(t, s)).collect::<Vec<_>>(),
        );
        let kind = if thick { BorderType::Thick } else { BorderType::Plain };
        let border = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
        let area = Rect::new(1, 1, w, h);
        let mut fast = junk(Rect::new(0, 0, 14, 7));
        let inner = bordered(&mut fast, area, kind, border, &title);
        let mut slow = junk(Rect::new(0, 0, 14, 7));
        let block = Block::bordered().border_type(kind).border_style(border).title(title);
        prop_assert_eq!(inner, block.inner(area));
        block.render(area, &mut slow);
        prop_assert_eq!(seen(fast), slow);
    }
}

#[test]
fn right_aligned_text_that_does_not_fit_loses_its_start_but_a_figure_goes_whole() {
    let mut b = Buffer::empty(Rect::new(0, 0, 5, 1));
    put_right(&mut b, Rect::new(0, 0, 5, 1), "1 234 567 ₸", Style::new());
    assert_eq!(seen(b), Buffer::with_lines(["    …"]));
    let mut b = Buffer::empty(Rect::new(0, 0, 5, 1));
    put_right(&mut b, Rect::new(0, 0, 5, 1), "abcdefg", Style::new());
    assert_eq!(seen(b), Buffer::with_lines(["cdefg"]));
    let mut b = Buffer::empty(Rect::new(0, 0, 8, 1));
    put_right(&mut b, Rect::new(0, 0, 8, 1), "42 ₸", Style::new());
    assert_eq!(seen(b), Buffer::with_lines(["    42 ₸"]));
}

#[test]
fn a_figure_cut_at_the_edge_is_left_out_whole() {
    let line = |text: &str, w: u16| {
        let mut b = Buffer::empty(Rect::new(0, 0, w, 1));
        put_lines(
            &mut b,
            Rect::new(0, 0, w, 1),
            &[Line::from(text.to_string())],
        );
        seen(b)
    };
    // Not `sold: 1 059 500 00`.
    assert_eq!(
        line("sold: 1 059 500 000 ₸ to P-02", 18),
        Buffer::with_lines(["sold: …           "])
    );
    // Nor `P-0`; nor a whole figure against the edge when the text goes on.
    assert_eq!(
        line("by P-0712 at 10:00", 7),
        Buffer::with_lines(["by …   "])
    );
    assert_eq!(line("lot 1809 seen", 8), Buffer::with_lines(["lot …   "]));
    // Words are cut as before.
    assert_eq!(line("closing soon", 7), Buffer::with_lines(["closing"]));
    let mut b = Buffer::empty(Rect::new(0, 0, 6, 1));
    put_str(&mut b, 0, 0, 6, "at 21:59:00", Style::new());
    assert_eq!(seen(b), Buffer::with_lines(["at …  "]));
}
