//! Sorting names as a reader of the interface language expects: Kazakh
//! letters in the Kazakh alphabet's order (`Ақбақай-Батыс` before
//! `Ащысай`, not after `я` as their code points would put them), `ё` with
//! `е` in Russian, case aside. Comparison walks both names once without
//! allocating (the lots are re-sorted as events arrive).

use std::cmp::Ordering;

/// Whose alphabet orders names; also which of a closed list's names
/// (`domain::places`) a lot is sorted by: English, Russian, Kazakh.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Collation {
    #[default]
    En,
    Ru,
    Kk,
}

/// The Kazakh Cyrillic alphabet (42 letters), the order every Cyrillic
/// letter is ranked by; Russian is its subset in the same order.
const KAZAKH: &str = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя";

impl Collation {
    /// The position of this language in the name tables.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The primary weight of a (lower-case) char: Latin and other
    /// characters by code point, Cyrillic letters after them by the
    /// alphabet (in Russian `ё` weighs as `е`).
    fn weight(self, c: char) -> u32 {
        let c = if self != Collation::Kk && c == 'ё' {
            'е'
        } else {
            c
        };
        match KAZAKH.chars().position(|k| k == c) {
            Some(i) => 0x11_0000 + i as u32,
            None => c as u32,
        }
    }

    /// `a` against `b` in this language's order; names equal but for case
    /// or `ё` fall back to code points so that the order is total.
    pub fn cmp(self, a: &str, b: &str) -> Ordering {
        self.weights(a).cmp(self.weights(b)).then_with(|| a.cmp(b))
    }

    fn weights(self, s: &str) -> impl Iterator<Item = u32> + '_ {
        s.chars()
            .flat_map(char::to_lowercase)
            .map(move |c| self.weight(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(c: Collation, names: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        v.sort_by(|a, b| c.cmp(a, b));
        v
    }

    #[test]
    fn kazakh_letters_in_kazakh_order() {
        let names = [
            "Ащысай",
            "Ақбақай-Батыс",
            "Алтынтөбе",
            "Әулиетас",
            "Бестөбе",
        ];
        assert_eq!(
            sorted(Collation::Kk, &names),
            [
                "Ақбақай-Батыс",
                "Алтынтөбе",
                "Ащысай",
                "Әулиетас",
                "Бестөбе"
            ]
        );
        // Russian readers see the Kazakh letters beside their base letters too.
        assert_eq!(
            sorted(Collation::Ru, &names),
            [
                "Ақбақай-Батыс",
                "Алтынтөбе",
                "Ащысай",
                "Әулиетас",
                "Бестөбе"
            ]
        );
        assert_eq!(Collation::Kk.cmp("Үлкен", "Ұйғыртас"), Ordering::Greater);
        assert_eq!(Collation::Kk.cmp("Іздеңіс", "Ыстық"), Ordering::Greater);
    }

    #[test]
    fn yo_sorts_with_ye_in_russian_and_after_it_in_kazakh() {
        let names = ["Ёлкино", "Ежовое", "Жалын"];
        assert_eq!(sorted(Collation::Ru, &names), ["Ежовое", "Ёлкино", "Жалын"]);
        assert_eq!(
            Collation::Ru.cmp("Приозёрное", "Приозерный"),
            Ordering::Less
        );
        assert_eq!(Collation::Kk.cmp("Ёлкино", "Ежовое"), Ordering::Greater);
    }

    #[test]
    fn latin_before_cyrillic_and_case_aside() {
        assert_eq!(Collation::En.cmp("zinc", "алтын"), Ordering::Less);
        assert_eq!(Collation::En.cmp("Gold", "copper"), Ordering::Greater);
        assert_eq!(Collation::Ru.cmp("абай", "Абай"), Ordering::Greater);
        assert_ne!(Collation::Ru.cmp("Ёж", "Еж"), Ordering::Equal);
    }
}
