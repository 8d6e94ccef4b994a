//! The lots filter. Today: free text, case-insensitive, every word must occur
//! in the lot's number, name, region or minerals. Kept apart so that a richer
//! language (`status:open bid>1bn`) can replace `Filter::parse` later.

use crate::domain::Lot;

/// Longest filter text accepted, in characters.
pub const FILTER_MAX: usize = 80;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Lower-cased words; a lot matches when it contains all of them.
    words: Vec<String>,
}

impl Filter {
    pub fn parse(text: &str) -> Filter {
        Filter {
            words: text.split_whitespace().map(|w| w.to_lowercase()).collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    pub fn matches(&self, lot: &Lot) -> bool {
        if self.words.is_empty() {
            return true;
        }
        let hay = haystack(lot);
        self.words.iter().all(|w| hay.contains(w.as_str()))
    }
}

fn haystack(lot: &Lot) -> String {
    let mut s = String::with_capacity(64);
    for part in [&lot.number, &lot.name, &lot.region] {
        s.push_str(&part.to_lowercase());
        s.push('\u{1f}');
    }
    for m in &lot.minerals {
        s.push_str(&m.to_lowercase());
        s.push('\u{1f}');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::test_lot;

    #[test]
    fn matches_words_anywhere_case_insensitive() {
        let mut lot = test_lot();
        lot.name = "Сарлы Южное крыло".into();
        lot.minerals = vec!["gold".into(), "copper".into()];
        assert!(Filter::parse("").matches(&lot));
        assert!(Filter::parse("сарлы").matches(&lot));
        assert!(Filter::parse("ЮЖНОЕ gold").matches(&lot));
        assert!(Filter::parse("karag").matches(&lot));
        assert!(Filter::parse("l1").matches(&lot));
        assert!(!Filter::parse("gold coal").matches(&lot));
        // words do not match across field boundaries
        assert!(!Filter::parse("goldcopper").matches(&lot));
    }
}
