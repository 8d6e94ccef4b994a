//! The closed lists of Kazakhstan's regions (the oblasts and the cities of
//! republican significance) and of the minerals the platforms auction, each
//! with its English, Russian and Kazakh names and the other spellings the
//! platform, the site and the simulator write (`Karaganda`, `Карагандинская
//! область`, `Қарағанды облысы`, `Область Абай`). The view shows a region or
//! a mineral in the interface language; the filter finds it by any of its
//! names. A name not in the lists is shown as the source wrote it.

use std::collections::HashMap;
use std::sync::LazyLock;

/// One region or mineral: `names` in English, Russian, Kazakh (the order
/// of the interface languages), `short` the same for a narrow column, and
/// `aliases` the other ways sources write it.
#[derive(Debug, PartialEq, Eq)]
pub struct Place {
    pub names: [&'static str; 3],
    pub short: [&'static str; 3],
    pub aliases: &'static [&'static str],
}

const fn p(
    names: [&'static str; 3],
    short: [&'static str; 3],
    aliases: &'static [&'static str],
) -> Place {
    Place {
        names,
        short,
        aliases,
    }
}

/// The regions: 17 oblasts and three cities of republican significance.
static REGIONS: [Place; 20] = [
    p(
        ["Abai", "Абайская область", "Абай облысы"],
        ["Abai", "Абайская", "Абай"],
        &["Область Абай", "Abay", "Abai Region"],
    ),
    p(
        ["Akmola", "Акмолинская область", "Ақмола облысы"],
        ["Akmola", "Акмолинская", "Ақмола"],
        &["Aqmola"],
    ),
    p(
        ["Aktobe", "Актюбинская область", "Ақтөбе облысы"],
        ["Aktobe", "Актюбинская", "Ақтөбе"],
        &["Aqtobe", "Aktyubinsk"],
    ),
    p(
        ["Almaty Region", "Алматинская область", "Алматы облысы"],
        ["Almaty Reg.", "Алматинская", "Алматы облысы"],
        &["Almaty Oblast"],
    ),
    p(
        ["Atyrau", "Атырауская область", "Атырау облысы"],
        ["Atyrau", "Атырауская", "Атырау"],
        &[],
    ),
    p(
        [
            "East Kazakhstan",
            "Восточно-Казахстанская область",
            "Шығыс Қазақстан облысы",
        ],
        [
            "East Kazakhstan",
            "Восточно-Казахстанская",
            "Шығыс Қазақстан",
        ],
        &["ВКО"],
    ),
    p(
        ["Jambyl", "Жамбылская область", "Жамбыл облысы"],
        ["Jambyl", "Жамбылская", "Жамбыл"],
        &["Zhambyl"],
    ),
    p(
        ["Jetisu", "Жетысуская область", "Жетісу облысы"],
        ["Jetisu", "Жетысуская", "Жетісу"],
        &["Область Жетісу", "Zhetysu", "Zhetisu"],
    ),
    p(
        ["Karaganda", "Карагандинская область", "Қарағанды облысы"],
        ["Karaganda", "Карагандинская", "Қарағанды"],
        &["Karagandy", "Qaraghandy"],
    ),
    p(
        ["Kostanay", "Костанайская область", "Қостанай облысы"],
        ["Kostanay", "Костанайская", "Қостанай"],
        &["Qostanay", "Kustanai"],
    ),
    p(
        ["Kyzylorda", "Кызылординская область", "Қызылорда облысы"],
        ["Kyzylorda", "Кызылординская", "Қызылорда"],
        &["Qyzylorda"],
    ),
    p(
        ["Mangystau", "Мангистауская область", "Маңғыстау облысы"],
        ["Mangystau", "Мангистауская", "Маңғыстау"],
        &["Mangistau", "Мангыстауская область"],
    ),
    p(
        [
            "North Kazakhstan",
            "Северо-Казахстанская область",
            "Солтүстік Қазақстан облысы",
        ],
        [
            "North Kazakhstan",
            "Северо-Казахстанская",
            "Солтүстік Қазақстан",
        ],
        &["СКО"],
    ),
    p(
        ["Pavlodar", "Павлодарская область", "Павлодар облысы"],
        ["Pavlodar", "Павлодарская", "Павлодар"],
        &[],
    ),
    p(
        ["Turkistan", "Туркестанская область", "Түркістан облысы"],
        ["Turkistan", "Туркестанская", "Түркістан"],
        &["Turkestan"],
    ),
    p(
        ["Ulytau", "Улытауская область", "Ұлытау облысы"],
        ["Ulytau", "Улытауская", "Ұлытау"],
        &["Область Ұлытау", "Область Улытау"],
    ),
    p(
        [
            "West Kazakhstan",
            "Западно-Казахстанская область",
            "Батыс Қазақстан облысы",
        ],
        [
            "West Kazakhstan",
            "Западно-Казахстанская",
            "Батыс Қазақстан",
        ],
        &["ЗКО"],
    ),
    p(
        ["Astana", "город Астана", "Астана қаласы"],
        ["Astana", "Астана", "Астана"],
        &["г. Астана", "Астана"],
    ),
    p(
        ["Almaty", "город Алматы", "Алматы қаласы"],
        ["Almaty", "Алматы", "Алматы"],
        &["г. Алматы"],
    ),
    p(
        ["Shymkent", "город Шымкент", "Шымкент қаласы"],
        ["Shymkent", "Шымкент", "Шымкент"],
        &["г. Шымкент"],
    ),
];

/// The minerals (and the site's kinds of subsoil use).
static MINERALS: [Place; 36] = [
    p(
        ["gold", "золото", "алтын"],
        ["gold", "золото", "алтын"],
        &["Au"],
    ),
    p(
        ["silver", "серебро", "күміс"],
        ["silver", "серебро", "күміс"],
        &["Ag"],
    ),
    p(
        ["copper", "медь", "мыс"],
        ["copper", "медь", "мыс"],
        &["Cu"],
    ),
    p(
        ["lead", "свинец", "қорғасын"],
        ["lead", "свинец", "қорғасын"],
        &["Pb"],
    ),
    p(
        ["zinc", "цинк", "мырыш"],
        ["zinc", "цинк", "мырыш"],
        &["Zn"],
    ),
    p(
        ["nickel", "никель", "никель"],
        ["nickel", "никель", "никель"],
        &["Ni"],
    ),
    p(
        ["cobalt", "кобальт", "кобальт"],
        ["cobalt", "кобальт", "кобальт"],
        &["Co"],
    ),
    p(
        ["tungsten", "вольфрам", "вольфрам"],
        ["tungsten", "вольфрам", "вольфрам"],
        &["W"],
    ),
    p(
        ["molybdenum", "молибден", "молибден"],
        ["molybdenum", "молибден", "молибден"],
        &["Mo"],
    ),
    p(
        ["lithium", "литий", "литий"],
        ["lithium", "литий", "литий"],
        &["Li"],
    ),
    p(
        ["tantalum", "тантал", "тантал"],
        ["tantalum", "тантал", "тантал"],
        &["Ta"],
    ),
    p(
        ["niobium", "ниобий", "ниобий"],
        ["niobium", "ниобий", "ниобий"],
        &["Nb"],
    ),
    p(
        ["zirconium", "цирконий", "цирконий"],
        ["zirconium", "цирконий", "цирконий"],
        &["Zr"],
    ),
    p(["boron", "бор", "бор"], ["boron", "бор", "бор"], &["B"]),
    p(
        ["tin", "олово", "қалайы"],
        ["tin", "олово", "қалайы"],
        &["Sn"],
    ),
    p(
        ["titanium", "титан", "титан"],
        ["titanium", "титан", "титан"],
        &["Ti"],
    ),
    p(
        ["vanadium", "ванадий", "ванадий"],
        ["vanadium", "ванадий", "ванадий"],
        &["V"],
    ),
    p(
        ["chromium", "хром", "хром"],
        ["chromium", "хром", "хром"],
        &["chrome", "Cr"],
    ),
    p(
        ["manganese", "марганец", "марганец"],
        ["manganese", "марганец", "марганец"],
        &["Mn"],
    ),
    p(
        ["iron ore", "железная руда", "темір кені"],
        ["iron ore", "железная руда", "темір кені"],
        &["iron", "железо"],
    ),
    p(
        ["bauxite", "бокситы", "боксит"],
        ["bauxite", "бокситы", "боксит"],
        &["боксит"],
    ),
    p(
        ["uranium", "уран", "уран"],
        ["uranium", "уран", "уран"],
        &["U"],
    ),
    p(
        ["beryllium", "бериллий", "бериллий"],
        ["beryllium", "бериллий", "бериллий"],
        &["Be"],
    ),
    p(
        ["bismuth", "висмут", "висмут"],
        ["bismuth", "висмут", "висмут"],
        &["Bi"],
    ),
    p(
        ["antimony", "сурьма", "сүрме"],
        ["antimony", "сурьма", "сүрме"],
        &["Sb"],
    ),
    p(
        ["barite", "барит", "барит"],
        ["barite", "барит", "барит"],
        &["baryte"],
    ),
    p(
        ["phosphorite", "фосфориты", "фосфорит"],
        ["phosphorite", "фосфориты", "фосфорит"],
        &["фосфорит"],
    ),
    p(
        [
            "rare-earths",
            "редкоземельные металлы",
            "сирек жер металдары",
        ],
        ["rare earths", "редкие земли", "сирек жер"],
        &[
            "rare earths",
            "rare earth metals",
            "редкоземельные элементы",
            "РЗМ",
        ],
    ),
    p(
        ["coal", "уголь", "көмір"],
        ["coal", "уголь", "көмір"],
        &["каменный уголь"],
    ),
    p(
        ["lignite", "бурый уголь", "қоңыр көмір"],
        ["lignite", "бурый уголь", "қоңыр көмір"],
        &["brown coal"],
    ),
    p(["oil", "нефть", "мұнай"], ["oil", "нефть", "мұнай"], &[]),
    p(
        ["gas", "газ", "газ"],
        ["gas", "газ", "газ"],
        &["natural gas", "природный газ"],
    ),
    p(
        ["groundwater", "подземные воды", "жерасты сулары"],
        ["groundwater", "подземные воды", "жерасты сулары"],
        &[],
    ),
    p(
        [
            "solid minerals",
            "твёрдые полезные ископаемые",
            "қатты пайдалы қазбалар",
        ],
        [
            "solid minerals",
            "твёрдые полезные ископаемые",
            "қатты пайдалы қазбалар",
        ],
        &["твердые полезные ископаемые", "SolidMinerals"],
    ),
    p(
        ["hydrocarbons", "углеводороды", "көмірсутектер"],
        ["hydrocarbons", "углеводороды", "көмірсутек"],
        &["углеводородное сырьё", "Hydrocarbon"],
    ),
    p(
        ["quartzite", "кварциты", "кварцит"],
        ["quartzite", "кварциты", "кварцит"],
        &["кварцит"],
    ),
];

/// The venues: the platform, as the simulator and the platform name it.
static VENUES: [Place; 2] = [
    p(
        [
            "Unified Subsoil Use Platform",
            "Единая платформа недропользования",
            "Жер қойнауын пайдаланудың бірыңғай платформасы",
        ],
        [
            "Subsoil Use Platform",
            "Платформа недропользования",
            "Жер қойнауы платформасы",
        ],
        &[],
    ),
    p(
        [
            "Unified Subsoil Use Platform (simulated)",
            "Единая платформа недропользования (симулятор)",
            "Жер қойнауын пайдаланудың бірыңғай платформасы (симулятор)",
        ],
        [
            "Subsoil Use Platform (simulated)",
            "Платформа недропользования (симулятор)",
            "Жер қойнауы платформасы (симулятор)",
        ],
        &[],
    ),
];

/// A name as compared: lower case, `ё` as `е`, spaces collapsed.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in w.chars().flat_map(char::to_lowercase) {
            out.push(if c == 'ё' { 'е' } else { c });
        }
    }
    out
}

/// A list's names folded once: folded name -> entry, and each entry's
/// folded names (the view and the filter look names up for every row).
struct Index {
    /// Names as listed: most sources write one of them, found without folding.
    exact: HashMap<&'static str, usize>,
    by_name: HashMap<String, usize>,
    names: Vec<Vec<String>>,
}

impl Index {
    fn of(list: &'static [Place]) -> Index {
        let mut exact = HashMap::new();
        let mut by_name = HashMap::new();
        let mut names = Vec::with_capacity(list.len());
        for (i, p) in list.iter().enumerate() {
            let mut mine: Vec<String> = p.all_names().map(fold).collect();
            mine.sort();
            mine.dedup();
            for n in &mine {
                by_name.entry(n.clone()).or_insert(i);
            }
            for n in p.all_names() {
                exact.entry(n).or_insert(i);
            }
            names.push(mine);
        }
        Index {
            exact,
            by_name,
            names,
        }
    }

    fn get(&self, name: &str) -> Option<usize> {
        if let Some(&i) = self.exact.get(name) {
            return Some(i);
        }
        self.by_name.get(&fold(name)).copied()
    }
}

static REGION_INDEX: LazyLock<Index> = LazyLock::new(|| Index::of(&REGIONS));
static MINERAL_INDEX: LazyLock<Index> = LazyLock::new(|| Index::of(&MINERALS));
static VENUE_INDEX: LazyLock<Index> = LazyLock::new(|| Index::of(&VENUES));

fn find(list: &'static [Place], index: &Index, name: &str) -> Option<&'static Place> {
    index.get(name).and_then(|i| list.get(i))
}

fn folded_names(index: &'static Index, name: &str) -> Option<&'static [String]> {
    let i = index.get(name)?;
    index.names.get(i).map(Vec::as_slice)
}

/// Every name (folded) of the region `name` stands for, in every language.
pub fn region_names(name: &str) -> Option<&'static [String]> {
    folded_names(&REGION_INDEX, name)
}

/// Every name (folded) of the mineral `name` stands for.
pub fn mineral_names(name: &str) -> Option<&'static [String]> {
    folded_names(&MINERAL_INDEX, name)
}

/// The region a source's name stands for (any language, any listed spelling).
pub fn region(name: &str) -> Option<&'static Place> {
    find(&REGIONS, &REGION_INDEX, name)
}

/// The venue a source's name stands for.
pub fn venue(name: &str) -> Option<&'static Place> {
    find(&VENUES, &VENUE_INDEX, name)
}

/// The mineral a source's name stands for.
pub fn mineral(name: &str) -> Option<&'static Place> {
    find(&MINERALS, &MINERAL_INDEX, name)
}

impl Place {
    /// Every name it goes by, folded (for the filter).
    fn all_names(&self) -> impl Iterator<Item = &'static str> + use<> {
        let (names, short, aliases) = (self.names, self.short, self.aliases);
        names
            .into_iter()
            .chain(short)
            .chain(aliases.iter().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_region_is_found_by_any_of_its_names() {
        for n in [
            "Karaganda",
            "Карагандинская область",
            "карагандинская  ОБЛАСТЬ",
            "Қарағанды облысы",
        ] {
            assert_eq!(region(n).map(|p| p.names[0]), Some("Karaganda"), "{n}");
        }
        assert_eq!(
            region("Область Абай").map(|p| p.names[1]),
            Some("Абайская область")
        );
        assert_eq!(
            region("Область Ұлытау").map(|p| p.names[2]),
            Some("Ұлытау облысы")
        );
        assert_eq!(region("Atlantis"), None);
        assert_eq!(region(""), None);
    }

    #[test]
    fn minerals_are_found_whatever_the_language() {
        assert_eq!(mineral("Золото").map(|p| p.names[2]), Some("алтын"));
        assert_eq!(
            mineral("твердые полезные ископаемые").map(|p| p.names[0]),
            Some("solid minerals")
        );
        assert_eq!(
            mineral("rare-earths").map(|p| p.names[1]),
            Some("редкоземельные металлы")
        );
    }

    #[test]
    fn no_name_stands_for_two_entries() {
        for list in [&REGIONS[..], &MINERALS[..]] {
            let mut seen = std::collections::HashMap::new();
            for (i, p) in list.iter().enumerate() {
                let mut mine = std::collections::HashSet::new();
                for n in p.all_names() {
                    mine.insert(fold(n));
                }
                for n in mine {
                    if let Some(j) = seen.insert(n.clone(), i) {
                        panic!("{n:?} names both {j} and {i}");
                    }
                }
            }
        }
    }
}
