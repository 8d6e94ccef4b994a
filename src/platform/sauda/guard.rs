//! What is checked before a page reaches the HTML parser: how deep its
//! elements nest (a page nested thousands deep makes html5ever's scope
//! checks and the selectors' walks quadratic: it is refused at
//! `MAX_DEPTH`, in one linear pass), and whether an error answer is the
//! site's throttling page.

use super::{MAX_DEPTH, SiteDown};
use crate::platform::PlatformError;

/// Elements that never hold others.
const VOID: [&str; 15] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param", "keygen",
];
/// Elements whose end tag may be left out: the parser closes them when a
/// sibling opens, so they do not nest by themselves.
const OPTIONAL_END: [&str; 14] = [
    "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "rb", "rt", "rp", "html", "body",
];
/// Elements whose content is text up to their own end tag.
const RAW_TEXT: [&str; 8] = [
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
];

/// `Err` when `html` nests elements deeper than `MAX_DEPTH`: the page is
/// refused before it is parsed. One pass, and at most `MAX_DEPTH` steps
/// per end tag (it closes up to the nearest open element of its name, as
/// the parser does), so the time is linear in the page's size.
pub(super) fn check_depth(html: &str, page: &str) -> Result<(), PlatformError> {
    match depth_over(html.as_bytes(), MAX_DEPTH) {
        false => Ok(()),
        true => Err(PlatformError::Layout {
            page: page.to_string(),
            what: format!("elements nested deeper than {MAX_DEPTH} levels (not the site's page)"),
        }),
    }
}

/// Whether the nesting of `b` goes over `limit`.
fn depth_over(b: &[u8], limit: usize) -> bool {
    let mut stack: Vec<Vec<u8>> = Vec::with_capacity(64);
    let mut i = 0;
    while let Some(off) = b[i..].iter().position(|&c| c == b'<') {
        i += off + 1;
        let rest = &b[i..];
        if rest.starts_with(b"!--") {
            i += find(rest, b"-->").map_or(rest.len(), |n| n + 3);
            continue;
        }
        if rest.first().is_some_and(|c| *c == b'!' || *c == b'?') {
            i += find(rest, b">").map_or(rest.len(), |n| n + 1);
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let start = usize::from(closing);
        let name_len = rest[start..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-' || **c == b':')
            .count();
        if name_len == 0 || !rest[start].is_ascii_alphabetic() {
            continue;
        }
        let name = rest[start..start + name_len].to_ascii_lowercase();
        i += start + name_len;
        i += tag_end(&b[i..]);
        let n = std::str::from_utf8(&name).unwrap_or("");
        if closing {
            if let Some(at) = stack.iter().rposition(|s| *s == name) {
                stack.truncate(at);
            }
            continue;
        }
        if RAW_TEXT.contains(&n) {
            let mut end = b"</".to_vec();
            end.extend_from_slice(&name);
            i += find_ci(&b[i..], &end).unwrap_or(b.len() - i);
            continue;
        }
        if VOID.contains(&n) || OPTIONAL_END.contains(&n) {
            continue;
        }
        stack.push(name);
        if stack.len() > limit {
            return true;
        }
    }
    false
}

/// Bytes up to and past the `>` that ends a tag; a quote opens a value only
/// after `=` (as the tokenizer reads it), so a stray quote cannot hide tags.
fn tag_end(b: &[u8]) -> usize {
    let mut i = 0;
    let mut after_eq = false;
    while i < b.len() {
        match b[i] {
            b'>' => return i + 1,
            b'=' => after_eq = true,
            q @ (b'"' | b'\'') if after_eq => {
                i += 1;
                i += b[i..].iter().position(|&c| c == q).unwrap_or(b.len() - i);
                after_eq = false;
            }
            c if c.is_ascii_whitespace() => {}
            _ => after_eq = false,
        }
        i += 1;
    }
    b.len()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// Whether an error answer's body is the site's throttling page
/// («Превышен лимит запросов»). The body is an error's, capped small.
pub fn is_throttle_page(body: &[u8]) -> bool {
    let cut = &body[..body.len().min(64 * 1024)];
    let text = String::from_utf8_lossy(cut);
    if depth_over(text.as_bytes(), MAX_DEPTH) {
        return false;
    }
    let doc = scraper::Html::parse_document(&text);
    match super::list::down_of(&doc) {
        Some(kind) => kind == SiteDown::Throttled,
        // Not HTML: the words themselves.
        None => super::text::down_words(&text) == Some(SiteDown::Throttled),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_is_counted_as_the_parser_nests() {
        let nested = |n: usize, open: &str, close: &str| {
            format!(
                "<html><body>{}x{}</body></html>",
                open.repeat(n),
                close.repeat(n)
            )
        };
        assert!(!depth_over(nested(200, "<div>", "</div>").as_bytes(), 256));
        assert!(depth_over(nested(300, "<div>", "</div>").as_bytes(), 256));
        // Unclosed: still nested.
        assert!(depth_over(nested(300, "<div class=c>", "").as_bytes(), 256));
        // `<div/>` opens a div in HTML.
        assert!(depth_over(nested(300, "<div/>", "").as_bytes(), 256));
        // Siblings, void elements and optional end tags do not nest.
        assert!(!depth_over("<div></div>".repeat(10_000).as_bytes(), 256));
        assert!(!depth_over(
            "<br><img src=x><li>a<p>b".repeat(10_000).as_bytes(),
            256
        ));
        // An end tag closes the unclosed elements inside it.
        assert!(!depth_over(
            "<div><span><b>x</div>".repeat(10_000).as_bytes(),
            256
        ));
        // Comments, scripts and quoted values hide no tags, and a stray
        // quote in a name does not hide the ones after it.
        assert!(!depth_over(
            "<!-- <div> --><script>'<div>'</script><a title='<div>'></a>"
                .repeat(1000)
                .as_bytes(),
            256
        ));
        assert!(depth_over(nested(300, "<div a'>", "").as_bytes(), 256));
    }

    #[test]
    fn the_throttling_page_is_known_whatever_its_status() {
        let page = include_str!("../../../tests/fixtures/sauda/throttled.html");
        assert!(is_throttle_page(page.as_bytes()));
        assert!(is_throttle_page("Превышен лимит запросов".as_bytes()));
        let maint = include_str!("../../../tests/fixtures/sauda/maintenance.html");
        assert!(!is_throttle_page(maint.as_bytes()));
        assert!(!is_throttle_page(b"<html><body>500</body></html>"));
    }
}
