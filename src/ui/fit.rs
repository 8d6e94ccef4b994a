//! Figures are shown whole or not at all. A text cut at a pane's or a
//! column's edge is cut before a figure rather than inside it: an amount, a
//! time, a bidder code or a lot number cut short reads as another figure
//! (`5 660 987` for 5 660 987 500 ₸, `21:5` for 21:59). A figure is a word
//! with a digit in it (`P-07`, `21:59:00`, `+1,5 с`), together with the
//! digit groups and the unit that follow it (`36 920 000 ₸`, `5,66 млрд ₸`).

/// Units that belong to the figure before them.
const UNITS: [&str; 26] = [
    "₸", "$", "€", "₽", "¥", "£", "%", "K₸", "M₸", "bn", "тыс.", "мың", "млн", "млрд", "с", "s",
    "мин", "ч", "сағ", "дн", "күн", "км²", "лет", "год", "года", "жыл",
];

fn has_digit(w: &str) -> bool {
    w.chars().any(|c| c.is_ascii_digit())
}

fn is_group(w: &str) -> bool {
    // `000`, `000.00`, `000,00`
    let int = w.split(['.', ',']).next().unwrap_or("");
    int.len() == 3
        && int.chars().all(|c| c.is_ascii_digit())
        && w.chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
}

fn is_unit(w: &str) -> bool {
    let w = w.trim_end_matches([',', ';', ')', '.']);
    UNITS.contains(&w) || (w.ends_with('₸') && w.chars().count() <= 4)
}

/// The figures of `text` as char ranges `[start, end)`.
pub fn figures(text: &str) -> Vec<(usize, usize)> {
    // Words split at ordinary spaces (a no-break space keeps a figure whole).
    let mut words = Vec::new();
    let mut start = None;
    let mut n = 0;
    for (i, c) in text.chars().enumerate() {
        if c == ' ' {
            if let Some(s) = start.take() {
                words.push((s, i));
            }
        } else if start.is_none() {
            start = Some(i);
        }
        n = i + 1;
    }
    if let Some(s) = start {
        words.push((s, n));
    }
    let word = |(s, e): (usize, usize)| -> String { text.chars().skip(s).take(e - s).collect() };
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = word(words[i]);
        if !has_digit(&w) {
            i += 1;
            continue;
        }
        let (s, mut e) = words[i];
        let mut j = i + 1;
        let mut grouping = w.chars().all(|c| c.is_ascii_digit() || "+-−".contains(c));
        while j < words.len() {
            let next = word(words[j]);
            if grouping && is_group(&next) {
                e = words[j].1;
            } else if is_unit(&next) {
                e = words[j].1;
                grouping = false;
            } else {
                break;
            }
            j += 1;
        }
        out.push((s, e));
        i = j;
    }
    out
}

/// Where to cut `text` to keep at most `room` chars without cutting a
/// figure: `room` itself, or the start of the figure it falls in or ends
/// at (the caller marks the dropped figure with `…` there). `None` when it
/// fits.
pub fn safe_cut(text: &str, room: usize) -> Option<usize> {
    // Nothing past `room`: it fits.
    text.chars().nth(room)?;
    // A figure ending right at the cut goes too: the text goes on, and a
    // figure against the edge reads as cut (`№ 1809│` for `№ 18090`).
    let goes_on = text.chars().skip(room).any(|c| c != ' ');
    let cut = figures(text)
        .into_iter()
        .find(|&(s, e)| s < room && (room < e || (room == e && goes_on)))
        .map_or(room, |(s, _)| s);
    Some(cut)
}

/// Splits `text` into lines of at most `width` chars at spaces, never
/// inside a figure; a word longer than a line is cut (figures excepted).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut rest: Vec<char> = text.chars().collect();
    while rest.len() > width && width > 0 {
        let s: String = rest.iter().collect();
        let figs = figures(&s);
        let inside = |p: usize| figs.iter().any(|&(a, e)| a < p && p < e);
        // The last space at or before `width` that is not inside a figure.
        let at = (1..=width)
            .rev()
            .find(|&p| rest.get(p) == Some(&' ') && !inside(p))
            .or_else(|| (1..=width).rev().find(|&p| !inside(p)));
        let Some(at) = at else {
            break;
        };
        lines.push(rest[..at].iter().collect::<String>().trim_end().to_string());
        rest.drain(..at);
        while rest.first() == Some(&' ') {
            rest.remove(0);
        }
    }
    if !rest.is_empty() || lines.is_empty() {
        lines.push(rest.into_iter().collect());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fig(text: &str) -> Vec<String> {
        figures(text)
            .into_iter()
            .map(|(s, e)| text.chars().skip(s).take(e - s).collect())
            .collect()
    }

    #[test]
    fn figures_hold_their_groups_and_units() {
        assert_eq!(
            fig("44 304 000 ₸ by P-07 at 10:15:00"),
            ["44 304 000 ₸", "P-07", "10:15:00"]
        );
        assert_eq!(fig("5,66\u{a0}млрд\u{a0}₸ zinc"), ["5,66\u{a0}млрд\u{a0}₸"]);
        assert_eq!(fig("36.9 M₸, lot 401102"), ["36.9 M₸,", "401102"]);
        assert_eq!(fig("no figure here"), Vec::<String>::new());
    }

    #[test]
    fn a_cut_never_falls_inside_a_figure() {
        let t = "now sold: 1 059 500 000 ₸, winner P-07";
        assert_eq!(safe_cut(t, 100), None);
        // Inside the amount: cut before it.
        assert_eq!(safe_cut(t, 20), Some(10));
        // Inside the bidder code.
        assert_eq!(safe_cut(t, 37), Some(34));
        // Between words: as asked.
        assert_eq!(safe_cut(t, 4), Some(4));
        // Right after a figure that the text goes on from: before it.
        assert_eq!(safe_cut("lot 1809 seen", 8), Some(4));
    }

    #[test]
    fn wrapping_keeps_figures_on_one_line() {
        let t = "extended +2, closes at 21:59:00";
        assert_eq!(wrap(t, 25), ["extended +2, closes at", "21:59:00"]);
        let t = "теперь состоялся: 1\u{a0}059\u{a0}500\u{a0}000\u{a0}₸, победитель P-07";
        for w in 10..60 {
            for line in wrap(t, w) {
                assert!(
                    line.chars().count() <= w || has_digit(&line),
                    "{w}: {line:?}"
                );
            }
        }
        assert_eq!(wrap("short", 10), ["short"]);
    }
}
