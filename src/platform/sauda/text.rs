//! Reading text out of the parsed tree: every string is decoded by the
//! parser, collapsed to single spaces and sanitized here, once.

use crate::platform::sanitize::{MAX_NAME, clean};
use scraper::{ElementRef, Selector};

/// A CSS selector known at compile time (checked by the tests).
pub fn sel(css: &'static str) -> Selector {
    // The selectors are literals of this module; a typo fails every test.
    #[allow(clippy::expect_used)]
    Selector::parse(css).expect("a valid selector literal")
}

/// The raw text of an element (entities decoded), capped in characters
/// before anything is cleaned, so a huge node costs one bounded copy.
pub fn raw_text(el: ElementRef<'_>, max_chars: usize) -> String {
    let mut out = String::new();
    let mut n = 0;
    for piece in el.text() {
        for c in piece.chars() {
            if n >= max_chars {
                return out;
            }
            out.push(c);
            n += 1;
        }
    }
    out
}

/// Whitespace collapsed (no-break spaces included), then sanitized.
pub fn tidy(s: &str, max_chars: usize) -> String {
    let mut joined = String::with_capacity(s.len().min(max_chars * 4));
    for w in s.split_whitespace() {
        if !joined.is_empty() {
            joined.push(' ');
        }
        joined.push_str(w);
    }
    clean(&joined, max_chars)
}

/// An element's text, collapsed and sanitized (names, labels, statuses).
pub fn text_of(el: ElementRef<'_>) -> String {
    tidy(&raw_text(el, MAX_NAME * 8), MAX_NAME)
}

/// The text of the element's own text nodes (not its children's), e.g. the
/// label of `<p>Начало торгов<br><span>…</span></p>`.
pub fn own_text(el: ElementRef<'_>) -> String {
    let mut s = String::new();
    for child in el.children() {
        if let Some(t) = child.value().as_text() {
            s.extend(t.chars().take(MAX_NAME * 4));
        }
    }
    tidy(&s, MAX_NAME)
}

/// Latin letters that look Cyrillic, as the site mixes them into words
/// («Недвижимоcть» with a Latin c), folded for matching labels and keys.
pub fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'c' => 'с',
            'o' => 'о',
            'a' => 'а',
            'e' => 'е',
            'p' => 'р',
            'x' => 'х',
            'y' => 'у',
            'C' => 'С',
            'O' => 'О',
            'A' => 'А',
            'E' => 'Е',
            'P' => 'Р',
            'X' => 'Х',
            'K' => 'К',
            'M' => 'М',
            'H' => 'Н',
            'T' => 'Т',
            'B' => 'В',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether the folded `label` is one of `known` (folded too).
pub fn label_is(label: &str, known: &[&str]) -> bool {
    let l = fold(label.trim().trim_end_matches(':').trim());
    known.iter().any(|k| fold(k) == l)
}

/// Which way the site's page failed, from its words (Russian, Kazakh,
/// English); None when the text says none of them.
pub fn down_words(text: &str) -> Option<super::SiteDown> {
    let t = fold(text);
    const THROTTLED: [&str; 3] = [
        "превышен лимит запросов",
        "сұраныстар лимиті",
        "too many requests",
    ];
    const MAINTENANCE: [&str; 5] = [
        "технические работы",
        "техническое обслуживание",
        "техникалық жұмыстар",
        "maintenance",
        "временно недоступен",
    ];
    const FAILED: [&str; 2] = ["ошибка исполнения", "орындау қатесі"];
    if THROTTLED.iter().any(|w| t.contains(&fold(w))) {
        Some(super::SiteDown::Throttled)
    } else if MAINTENANCE.iter().any(|w| t.contains(&fold(w))) {
        Some(super::SiteDown::Maintenance)
    } else if FAILED.iter().any(|w| t.contains(&fold(w))) {
        Some(super::SiteDown::Failed)
    } else {
        None
    }
}
