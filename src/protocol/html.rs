//! The protocol as one self-contained HTML file: inline CSS, no script,
//! nothing fetched (no links to styles, fonts or images), laid out for A4
//! with a page break before each lot. Every text is HTML-escaped, and a data
//! cell that would start a spreadsheet formula gets a leading `'` (a table
//! pasted into a spreadsheet must not run).

use super::doc::{Block, Text};
use crate::platform::output::neutralize_formula;
use crate::ui::i18n::Lang;

/// `&`, `<`, `>`, `"` and `'` as entities.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "\
@page { size: A4; margin: 16mm 14mm; }
* { box-sizing: border-box; }
body { font-family: 'DejaVu Sans', 'Noto Sans', 'Liberation Sans', Arial, sans-serif; font-size: 10pt; line-height: 1.35; color: #111; margin: 0 auto; max-width: 190mm; padding: 8mm 0; }
h1 { font-size: 16pt; margin: 0 0 4mm; }
h2 { font-size: 13pt; margin: 6mm 0 2mm; border-bottom: 1px solid #999; padding-bottom: 1mm; }
h3 { font-size: 11pt; margin: 4mm 0 1.5mm; }
p { margin: 1.5mm 0; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 3mm; }
th, td { border: 1px solid #bbb; padding: 1mm 1.6mm; text-align: left; vertical-align: top; }
th { background: #eee; }
table.fields th { width: 34%; font-weight: normal; color: #333; }
td.num, td.time { white-space: nowrap; }
code { font-family: 'DejaVu Sans Mono', 'Liberation Mono', monospace; font-size: 8.5pt; word-break: break-all; }
.warn { color: #a00; font-weight: bold; }
tr.hole td { background: #fff3cd; }
.banner { border: 2px solid #a00; color: #a00; font-weight: bold; padding: 2mm 3mm; margin: 2mm 0 4mm; }
section.lot { break-before: page; page-break-before: always; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
footer { margin-top: 6mm; color: #444; font-size: 8.5pt; }
@media screen { body { padding: 8mm; } }
";

fn text(t: &Text) -> String {
    let s = if t.data {
        neutralize_formula(&t.text)
    } else {
        t.text.clone()
    };
    let e = escape(&s);
    match (t.code, t.warn) {
        (true, _) => format!("<code>{e}</code>"),
        (false, true) => format!("<span class=\"warn\">{e}</span>"),
        (false, false) => e,
    }
}

fn texts(ts: &[Text]) -> String {
    ts.iter().map(text).collect()
}

/// Renders the blocks as one HTML document in `lang`.
pub fn render(blocks: &[Block], lang: Lang) -> String {
    let mut out = String::with_capacity(128 * 1024);
    let title = blocks
        .iter()
        .find_map(|b| match b {
            Block::Heading(1, t) => Some(t.iter().map(|x| x.text.as_str()).collect::<String>()),
            _ => None,
        })
        .unwrap_or_default();
    out.push_str("<!DOCTYPE html>\n<html lang=\"");
    out.push_str(lang.code());
    out.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str(
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
    );
    out.push_str(&escape(&title));
    out.push_str("</title>\n<style>\n");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n<main>\n");
    let mut in_lot = false;
    let last_paragraphs = blocks
        .iter()
        .rev()
        .take_while(|b| matches!(b, Block::Paragraph(_)))
        .count();
    let footer_from = blocks.len() - last_paragraphs;
    for (i, b) in blocks.iter().enumerate() {
        if i == footer_from {
            if in_lot {
                out.push_str("</section>\n");
                in_lot = false;
            }
            out.push_str("<footer>\n");
        }
        match b {
            Block::Heading(level, t) => {
                out.push_str(&format!("<h{level}>{}</h{level}>\n", texts(t)));
            }
            Block::Banner(s) => {
                out.push_str("<div class=\"banner\">⚠ ");
                out.push_str(&escape(s));
                out.push_str("</div>\n");
            }
            Block::Paragraph(t) => {
                out.push_str("<p>");
                out.push_str(&texts(t));
                out.push_str("</p>\n");
            }
            Block::Fields(fields) => {
                out.push_str("<table class=\"fields\">\n<tbody>\n");
                for (k, v) in fields {
                    out.push_str("<tr><th scope=\"row\">");
                    out.push_str(&escape(k));
                    out.push_str("</th><td>");
                    out.push_str(&texts(v));
                    out.push_str("</td></tr>\n");
                }
                out.push_str("</tbody>\n</table>\n");
            }
            Block::Table { head, rows } => {
                out.push_str("<table class=\"timeline\">\n<thead>\n<tr>");
                for h in head {
                    out.push_str("<th scope=\"col\">");
                    out.push_str(&escape(h));
                    out.push_str("</th>");
                }
                out.push_str("</tr>\n</thead>\n<tbody>\n");
                for r in rows {
                    if r.hole {
                        out.push_str(&format!(
                            "<tr class=\"hole\"><td colspan=\"{}\">{}</td></tr>\n",
                            head.len(),
                            texts(&r.cells)
                        ));
                        continue;
                    }
                    out.push_str("<tr>");
                    for (i, c) in r.cells.iter().enumerate() {
                        let class = match i {
                            0 => " class=\"time\"",
                            1 | 4 => " class=\"num\"",
                            _ => "",
                        };
                        out.push_str(&format!("<td{class}>{}</td>", text(c)));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table>\n");
            }
            Block::List(items) => {
                out.push_str("<ul>\n");
                for i in items {
                    out.push_str("<li>");
                    out.push_str(&texts(i));
                    out.push_str("</li>\n");
                }
                out.push_str("</ul>\n");
            }
            Block::LotStart => {
                if in_lot {
                    out.push_str("</section>\n");
                }
                out.push_str("<section class=\"lot\">\n");
                in_lot = true;
            }
        }
    }
    if in_lot {
        out.push_str("</section>\n");
    }
    if footer_from < blocks.len() {
        out.push_str("</footer>\n");
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(text(&Text::data("=cmd")), "&#39;=cmd");
    }
}
