//! What lotwatch writes for other programs to read: the formula-safe cell
//! that every delimited writer (CSV, TSV, the protocol's tables) passes its
//! cells through.
//!
//! A cell a spreadsheet would take for a formula (starting with `=`, `+`,
//! `-`, `@`, a tab or a carriage return, after any apostrophes) gets one more
//! leading `'`, so it shows as text and never runs. A plain negative number
//! (`-12`, `-0.50`) stays a number. To read the original back, drop one
//! leading `'` from a cell that matches `'+[=+\-@\t\r]`.

const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `-` followed by digits, with at most one `.` or `,` between digits.
fn plain_negative_number(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('-') else {
        return false;
    };
    let (int, frac) = match rest.split_once(['.', ',']) {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    digits(int) && frac.is_none_or(digits)
}

/// The cell, safe to open in a spreadsheet (see the module doc).
pub fn neutralize_formula(cell: &str) -> String {
    let rest = cell.trim_start_matches('\'');
    let quoted = rest.len() < cell.len();
    if rest.starts_with(FORMULA_START) && (quoted || !plain_negative_number(cell)) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// Undoes [`neutralize_formula`].
pub fn restore_formula(cell: &str) -> String {
    let rest = cell.trim_start_matches('\'');
    if rest.len() < cell.len() && rest.starts_with(FORMULA_START) {
        cell[1..].to_string()
    } else {
        cell.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralized_reversibly() {
        for (raw, shown) in [
            ("=1+1", "'=1+1"),
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+7 700", "'+7 700"),
            ("-2", "-2"),
            ("-1250.50", "-1250.50"),
            ("-2+3", "'-2+3"),
            ("-", "'-"),
            ("-.5", "'-.5"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'=x", "''=x"),
            ("'-2", "''-2"),
            ("'plain", "'plain"),
            ("P-07", "P-07"),
            ("Сарлы", "Сарлы"),
            ("", ""),
            ("'", "'"),
        ] {
            assert_eq!(neutralize_formula(raw), shown, "{raw:?}");
            assert_eq!(restore_formula(shown), raw, "{shown:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn neutralizing_is_undone_exactly(s in "['=+@\t\r0-9.a-]{0,4}\\PC{0,6}") {
            let n = neutralize_formula(&s);
            proptest::prop_assert!(
                !n.starts_with(FORMULA_START) || plain_negative_number(&n),
                "{n:?}"
            );
            proptest::prop_assert_eq!(restore_formula(&n), s);
        }
    }
}
