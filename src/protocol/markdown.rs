//! The protocol as Markdown (CommonMark with GitHub tables), to read in a
//! terminal or keep as text. Every text is escaped so that data from the
//! platform cannot become a link, an image, HTML or a table break, and a
//! data cell that would start a spreadsheet formula gets a leading `'`.

use super::doc::{Block, Text};
use crate::platform::output::neutralize_formula;

/// Backslash-escapes what Markdown would read as markup.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '#' | '!' | '$'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn text(t: &Text) -> String {
    if t.code {
        // A code span: no escapes inside; hashes and commands never hold
        // backticks, but a fence longer than any run keeps it so.
        let longest = t.text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
        let fence = "`".repeat(longest + 1);
        return format!("{fence}{}{fence}", t.text);
    }
    let s = if t.data {
        neutralize_formula(&t.text)
    } else {
        t.text.clone()
    };
    let e = escape(&s);
    let core = e.trim();
    if t.warn && !core.is_empty() {
        let lead = &e[..e.len() - e.trim_start().len()];
        let trail = &e[e.trim_end().len()..];
        format!("{lead}**{core}**{trail}")
    } else {
        e
    }
}

fn texts(ts: &[Text]) -> String {
    ts.iter().map(text).collect()
}

/// Renders the blocks as one Markdown document.
pub fn render(blocks: &[Block]) -> String {
    let mut out = String::with_capacity(64 * 1024);
    for b in blocks {
        match b {
            Block::Heading(level, t) => {
                out.push_str(&"#".repeat(usize::from(*level)));
                out.push(' ');
                out.push_str(&texts(t));
                out.push_str("\n\n");
            }
            Block::Banner(s) => {
                out.push_str("> **⚠ ");
                out.push_str(&escape(s));
                out.push_str("**\n\n");
            }
            Block::Paragraph(t) => {
                out.push_str(&texts(t));
                out.push_str("\n\n");
            }
            Block::Fields(fields) => {
                out.push_str("| | |\n| --- | --- |\n");
                for (k, v) in fields {
                    out.push_str("| ");
                    out.push_str(&escape(k));
                    out.push_str(" | ");
                    out.push_str(&texts(v));
                    out.push_str(" |\n");
                }
                out.push('\n');
            }
            Block::Table { head, rows } => {
                out.push('|');
                for h in head {
                    out.push(' ');
                    out.push_str(&escape(h));
                    out.push_str(" |");
                }
                out.push_str("\n|");
                for _ in head {
                    out.push_str(" --- |");
                }
                out.push('\n');
                for r in rows {
                    out.push('|');
                    if r.hole {
                        // GitHub tables have no colspan: the hole fills
                        // the first cells and leaves the rest empty.
                        out.push(' ');
                        out.push_str(&texts(&r.cells));
                        out.push_str(" |");
                        for _ in 1..head.len() {
                            out.push_str(" |");
                        }
                    } else {
                        for c in &r.cells {
                            out.push(' ');
                            out.push_str(&text(c));
                            out.push_str(" |");
                        }
                    }
                    out.push('\n');
                }
                out.push('\n');
            }
            Block::List(items) => {
                for i in items {
                    out.push_str("- ");
                    out.push_str(&texts(i));
                    out.push('\n');
                }
                out.push('\n');
            }
            Block::LotStart => out.push_str("---\n\n"),
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_data_is_escaped() {
        let e = escape("[x](http://e) <b>|*_`#");
        assert_eq!(e, "\\[x\\](http://e) \\<b\\>\\|\\*\\_\\`\\#");
        assert_eq!(text(&Text::data("=HYPERLINK(1)")), "'=HYPERLINK(1)");
        assert_eq!(text(&Text::code("ab`c")), "``ab`c``");
    }
}
