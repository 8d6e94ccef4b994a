//! The three glossaries in one table: each term of the domain as the
//! platform and the law write it in English, Russian and Kazakh, with the
//! wrong or misleading variants (calques, abbreviations a reader would
//! misread, another word for the same status) that no text may use. The
//! tests check the interface's and the protocol's texts against it.

/// One term: its words in English, Russian, Kazakh (lower case, as they
/// appear inside a text), and the variants each language must not use.
pub struct Term {
    pub concept: &'static str,
    pub words: [&'static str; 3],
    pub wrong: [&'static [&'static str]; 3],
}

const fn t(
    concept: &'static str,
    words: [&'static str; 3],
    wrong: [&'static [&'static str]; 3],
) -> Term {
    Term {
        concept,
        words,
        wrong,
    }
}

/// The glossary. A status's word is the same in the monitor, `watch`'s
/// human outputs and the protocol.
static GLOSSARY: [Term; 17] = [
    t(
        "signing bonus (its starting size)",
        ["start bonus", "подписной бонус", "қол қою бонусы"],
        [
            &[],
            &["старт. бонус", "стартовый бонус", "стартовые бонусы"],
            &["бастапқы бонус", "баст. бонус"],
        ],
    ),
    t(
        "guarantee fee",
        ["guarantee", "гарантийный взнос", "кепілдік жарна"],
        [&[], &["\"гарантия\""], &["\"кепілдік\""]],
    ),
    t(
        "participation fee",
        ["fee", "взнос за участие", "қатысу жарнасы"],
        [
            &[],
            &["\"взнос\"", "плата за участие"],
            &["\"жарна\"", "қатысу төлемі"],
        ],
    ),
    t(
        "auction held (sold)",
        ["sold", "состоялся", "өтті"],
        [&[], &["продан"], &["сатылды", "сатылған"]],
    ),
    t(
        "auction not held (unsold)",
        ["unsold", "не состоялся", "өтпеді"],
        [&[], &["не продан"], &["сатылмады"]],
    ),
    t(
        "cancelled",
        ["cancelled", "отменён", "жойылды"],
        [&[], &["\"снят\""], &["алынып тасталды"]],
    ),
    t(
        "suspended",
        ["suspended", "приостановлен", "тоқтатылды"],
        [&[], &["приостан."], &["кідірісте"]],
    ),
    t(
        "scheduled",
        ["scheduled", "ожидается", "жоспарда"],
        [&[], &["запланирован"], &["жоспарланды"]],
    ),
    t("open", ["open", "открыт", "ашық"], [&[], &[], &[]]),
    t("closed", ["closed", "закрыт", "жабық"], [&[], &[], &[]]),
    t(
        "soft close (automatic extension)",
        ["soft close", "автопродление", "автоұзарту"],
        [&[], &["мягк", "мягкое закрытие"], &["жұмсақ"]],
    ),
    t(
        "extension",
        ["ext", "продление", "ұзарту"],
        [&[], &["\"продл\"", "\"+продл\""], &[]],
    ),
    t(
        "National Bank of Kazakhstan",
        ["nbk", "нбрк", "қрұб"],
        [&[], &[], &["құб"]],
    ),
    t(
        "exploration licence",
        ["expl", "разведка", "барлау"],
        [&[], &["разв."], &["барл."]],
    ),
    t(
        "production licence",
        ["prod", "добыча", "өндіру"],
        [&[], &["доб."], &["өнд."]],
    ),
    t(
        "number of bids (column)",
        ["bids", "ставок", "ұсыныс"],
        [&[], &["\"ст.\""], &["\"ұс.\""]],
    ),
    t(
        "feed event number",
        ["seq", "событие №", "оқиға №"],
        [&[], &["seq"], &["seq"]],
    ),
];

/// The string literals of Rust source `src`, `{…}` placeholders removed,
/// each in quotes and lower case (so that `"взнос"` finds a text that is
/// exactly that word).
pub fn literals(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = src.chars().peekable();
    let mut prev = ' ';
    while let Some(c) = chars.next() {
        if c == '/' && chars.peek() == Some(&'/') {
            // A comment: to the end of the line.
            for d in chars.by_ref() {
                if d == '\n' {
                    break;
                }
            }
            prev = '\n';
            continue;
        }
        // A char literal ('"') is not the start of a string.
        if c == '"' && prev != '\'' {
            let mut lit = String::from("\"");
            let mut depth = 0u32;
            while let Some(d) = chars.next() {
                match d {
                    '\\' => {
                        chars.next();
                    }
                    '"' => break,
                    '{' => depth += 1,
                    '}' => depth = depth.saturating_sub(1),
                    _ if depth == 0 => lit.extend(d.to_lowercase()),
                    _ => {}
                }
            }
            lit.push('"');
            out.push(lit);
        }
        prev = c;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::LotStatus;
    use crate::ui::i18n::Lang;

    /// The part of `src` from `from` to `to` (or its end).
    fn part(src: &'static str, from: &str, to: Option<&str>) -> &'static str {
        let a = src
            .find(from)
            .unwrap_or_else(|| panic!("{from:?} not found"));
        let b = to
            .and_then(|t| src[a..].find(t))
            .map_or(src.len(), |b| a + b);
        &src[a..b]
    }

    /// Every source of the Russian and Kazakh texts, cut to each language's
    /// part where a file holds several.
    fn sources() -> Vec<(&'static str, &'static str, Lang)> {
        let evidence = include_str!("evidence.rs");
        let link = include_str!("link.rs");
        let filter = include_str!("filter.rs");
        let labels = include_str!("../../protocol/labels.rs");
        let usage = include_str!("../../shell/cli_lang/usage.rs");
        let tools = include_str!("../../shell/cli_lang/tools.rs");
        vec![
            ("texts/ru.rs", include_str!("texts/ru.rs"), Lang::Ru),
            ("texts/kk.rs", include_str!("texts/kk.rs"), Lang::Kk),
            (
                "evidence.rs ru",
                part(evidence, "fn ru(", Some("fn kk(")),
                Lang::Ru,
            ),
            ("evidence.rs kk", part(evidence, "fn kk(", None), Lang::Kk),
            ("link.rs ru", part(link, "fn ru(", Some("fn kk(")), Lang::Ru),
            ("link.rs kk", part(link, "fn kk(", None), Lang::Kk),
            (
                "filter.rs ru",
                part(filter, "fn ru_kind(", Some("fn kk_kind(")),
                Lang::Ru,
            ),
            (
                "filter.rs kk",
                part(filter, "fn kk_kind(", Some("fn ru(")),
                Lang::Kk,
            ),
            (
                "labels.rs ru",
                part(labels, "pub static RU", Some("pub static KK")),
                Lang::Ru,
            ),
            (
                "labels.rs kk",
                part(labels, "pub static KK", Some("\n};")),
                Lang::Kk,
            ),
            (
                "usage.rs ru",
                part(usage, "fn ru(", Some("fn kk(")),
                Lang::Ru,
            ),
            ("usage.rs kk", part(usage, "fn kk(", None), Lang::Kk),
            (
                "tools.rs ru",
                part(tools, "fn ru(", Some("fn kk(")),
                Lang::Ru,
            ),
            ("tools.rs kk", part(tools, "fn kk(", None), Lang::Kk),
        ]
    }

    /// A match key (`"seq_gap" =>`), not a text.
    fn is_key(lit: &str) -> bool {
        lit.trim_matches('"')
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '_')
    }

    #[test]
    fn no_text_uses_a_wrong_variant() {
        let mut bad = Vec::new();
        for (file, src, lang) in sources() {
            for lit in literals(src).into_iter().filter(|l| !is_key(l)) {
                for term in &GLOSSARY {
                    for w in term.wrong[lang.index()] {
                        if lit.contains(w) {
                            bad.push(format!("{file}: {lit} has {w:?} ({})", term.concept));
                        }
                    }
                }
            }
        }
        assert!(bad.is_empty(), "{}", bad.join("\n"));
    }

    #[test]
    fn the_interface_uses_the_glossarys_words() {
        let word = |concept: &str, lang: Lang| {
            GLOSSARY
                .iter()
                .find(|t| t.concept.starts_with(concept))
                .map(|t| t.words[lang.index()])
                .unwrap_or_default()
        };
        for lang in Lang::ALL {
            let tx = lang.texts();
            let lower = |s: &str| s.to_lowercase();
            for (status, concept) in [
                (LotStatus::Sold, "auction held"),
                (LotStatus::Unsold, "auction not held"),
                (LotStatus::Cancelled, "cancelled"),
                (LotStatus::Suspended, "suspended"),
                (LotStatus::Scheduled, "scheduled"),
                (LotStatus::Open, "open"),
                (LotStatus::Closed, "closed"),
            ] {
                assert_eq!(
                    (tx.status)(&status),
                    word(concept, lang),
                    "{lang:?} {status:?}"
                );
            }
            for (text, concept) in [
                (tx.start_bonus, "signing bonus"),
                (tx.guarantee, "guarantee fee"),
                (tx.fee, "participation fee"),
                (tx.soft_close, "soft close"),
            ] {
                assert_eq!(lower(text), word(concept, lang), "{lang:?} {concept}");
            }
            assert_eq!(lower(tx.feed_seq), word("feed event", lang));
            assert_eq!(
                lower((tx.rate_source)(&crate::rates::RateSource::Nbk)),
                word("National Bank", lang)
            );
            assert!(lower(tx.license_long[0]).starts_with(word("exploration", lang)));
        }
    }

    #[test]
    fn literals_are_read_as_written() {
        let src = r#"a: "Гарантия", b: format!("x {n} y"), c: '"', // "comment"
            d: "q\"r""#;
        assert_eq!(literals(src), ["\"гарантия\"", "\"x  y\"", "\"qr\""]);
    }
}
