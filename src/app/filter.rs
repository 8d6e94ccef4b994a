//! The lots filter language: whitespace-separated terms that must all match
//! (AND). A term is a free word, `field:value`, a comparison (`bid>1bn`,
//! `closing<10m`) or a flag (`is:watched`); a leading `-` negates it and
//! double quotes keep spaces in a value (`region:"North Kazakhstan"`).
//! Parsing is total: any text gives a `Filter` or a `FilterError` saying
//! which term is wrong, where, and what was expected (README "Filter
//! language" is the user's reference).

use super::lots::{LotMeta, LotStore, MeState};
use crate::domain::places;
use crate::domain::rules::next_min_bid;
use crate::domain::{Lot, LotStatus, Money, Timestamp};
use std::collections::HashSet;
use std::fmt;

/// Longest filter text accepted, in characters.
pub const MAX_FILTER: usize = 160;
/// Most terms in one filter.
pub const MAX_TERMS: usize = 16;
/// Most comma-separated values in one `field:a,b,c` term.
const MAX_VALUES: usize = 16;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    terms: Vec<Term>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Term {
    negated: bool,
    test: Test,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Test {
    /// Lower-cased; occurs in the number, name, region or a mineral.
    Word(String),
    /// Any of the lower-cased values occurs in the field.
    Text(TextField, Vec<String>),
    Status(Vec<LotStatus>),
    Money(MoneyField, Cmp, Money),
    Bids(Cmp, u32),
    /// Milliseconds.
    Time(TimeField, Cmp, i64),
    Flag(Flag),
    /// The lot's source answers to one of the lower-cased names (its
    /// label, kind or host).
    Source(Vec<String>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TextField {
    Number,
    Name,
    Region,
    Mineral,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MoneyField {
    /// The high bid (the result for a sold lot), as the High bid column.
    Bid,
    /// The next minimum bid of an open or scheduled lot.
    Next,
    /// The starting price (starting bonus).
    Start,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TimeField {
    /// Time left of an open lot (frozen for a suspended one).
    Closing,
    /// Time until a scheduled lot opens.
    Opens,
    /// Time until a web-site lot's application deadline (while it takes
    /// applications).
    Deadline,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
}

impl Cmp {
    fn holds<T: Ord>(self, a: T, b: T) -> bool {
        match self {
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
            Cmp::Gt => a > b,
            Cmp::Ge => a >= b,
            Cmp::Eq => a == b,
        }
    }
}

/// `is:` flags: the watchlist and where `--me` stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flag {
    Watched,
    /// `--me` has bid on the lot (leading or outbid).
    Mine,
    Leading,
    Outbid,
}

/// What a lot is matched against besides its own fields.
#[derive(Clone, Copy, Debug)]
pub struct MatchEnv<'a> {
    /// Server time; time terms match nothing without it.
    pub now: Option<Timestamp>,
    pub me: Option<&'a str>,
    pub watched: &'a HashSet<String>,
    /// The configured sources' names, by `SourceId` (`source:`).
    pub sources: &'a [crate::domain::source::SourceName],
}

/// Why a filter text was refused: at which term (1-based) and character
/// column (0-based) of the text, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterError {
    pub term: usize,
    pub column: usize,
    pub kind: FilterErrorKind,
}

/// What is wrong with a term. The Display texts are the user-facing
/// messages (English; one place to translate).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FilterErrorKind {
    TooLong {
        max: usize,
    },
    TooManyTerms {
        max: usize,
    },
    TooManyValues {
        max: usize,
    },
    UnclosedQuote,
    /// A `-` with nothing after it.
    EmptyNegation,
    /// `:foo`, `>5`: an operator without a field name.
    MissingField,
    UnknownField(String),
    /// The field takes other operators: `expected` lists them.
    BadOperator {
        field: &'static str,
        expected: &'static str,
    },
    /// `status:` with nothing after the operator.
    MissingValue {
        field: &'static str,
        expected: &'static str,
    },
    UnknownStatus(String),
    /// A prefix of several statuses.
    AmbiguousStatus(String, Vec<&'static str>),
    UnknownFlag(String),
    BadMoney(String),
    /// More precise than a tiyn (1/100 tenge).
    MoneyTooPrecise(String),
    MoneyTooLarge(String),
    BadDuration(String),
    BadCount(String),
    /// `bid>1 000 000`: a number split by spaces into several terms.
    DigitGroups,
}

/// The field names, statuses and flags as the filter language spells them
/// (its error messages list them, in every interface language).
pub const FIELDS: &str =
    "status, mineral, region, lot, name, bid, next, start, bids, closing, opens, deadline, is";
/// Status names in English, Russian and Kazakh (the interface's words, and
/// the platform's: `состоялся`, `өтті`), `ё` written `е`.
const STATUSES: [(&str, LotStatus); 23] = [
    ("open", LotStatus::Open),
    ("scheduled", LotStatus::Scheduled),
    ("suspended", LotStatus::Suspended),
    ("closed", LotStatus::Closed),
    ("sold", LotStatus::Sold),
    ("unsold", LotStatus::Unsold),
    ("cancelled", LotStatus::Cancelled),
    ("открыт", LotStatus::Open),
    ("ожидается", LotStatus::Scheduled),
    ("приостановлен", LotStatus::Suspended),
    ("закрыт", LotStatus::Closed),
    ("состоялся", LotStatus::Sold),
    ("не состоялся", LotStatus::Unsold),
    ("несостоялся", LotStatus::Unsold),
    ("отменен", LotStatus::Cancelled),
    ("снят", LotStatus::Cancelled),
    ("ашық", LotStatus::Open),
    ("жоспарда", LotStatus::Scheduled),
    ("тоқтатылды", LotStatus::Suspended),
    ("жабық", LotStatus::Closed),
    ("өтті", LotStatus::Sold),
    ("өтпеді", LotStatus::Unsold),
    ("жойылды", LotStatus::Cancelled),
];
pub const STATUS_LIST: &str = "open, scheduled, suspended, closed, sold, unsold, cancelled";
pub const FLAG_LIST: &str = "watched, mine, leading, outbid";
const MONEY_HINT: &str = "e.g. 500k, 40m, 1.5bn";
const DURATION_HINT: &str = "e.g. 90s, 10m, 1h30m";

impl fmt::Display for FilterErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use FilterErrorKind as K;
        match self {
            K::TooLong { max } => write!(f, "filter longer than {max} characters"),
            K::TooManyTerms { max } => write!(f, "more than {max} terms"),
            K::TooManyValues { max } => write!(f, "more than {max} values in one term"),
            K::UnclosedQuote => write!(f, "unclosed quote (expected a closing \")"),
            K::EmptyNegation => write!(f, "nothing after - (expected a term to exclude)"),
            K::MissingField => write!(f, "operator without a field (expected one of {FIELDS})"),
            K::UnknownField(x) => {
                write!(
                    f,
                    "unknown field \"{x}\" (expected one of {FIELDS}; quote text with a colon)"
                )
            }
            K::BadOperator { field, expected } => write!(f, "{field} takes {expected}"),
            K::MissingValue { field, expected } => write!(f, "{field} needs a value: {expected}"),
            K::UnknownStatus(x) => write!(f, "unknown status \"{x}\" (expected {STATUS_LIST})"),
            K::AmbiguousStatus(x, c) => {
                write!(f, "status \"{x}\" is ambiguous: {}", c.join(" or "))
            }
            K::UnknownFlag(x) => write!(f, "unknown flag \"{x}\" (expected {FLAG_LIST})"),
            K::BadMoney(x) => write!(f, "\"{x}\" is not an amount (expected {MONEY_HINT})"),
            K::MoneyTooPrecise(x) => write!(f, "\"{x}\" is finer than a tiyn (0.01 ₸)"),
            K::MoneyTooLarge(x) => write!(f, "\"{x}\" is too large an amount"),
            K::BadDuration(x) => write!(f, "\"{x}\" is not a duration (expected {DURATION_HINT})"),
            K::BadCount(x) => write!(f, "\"{x}\" is not a count (expected a whole number)"),
            K::DigitGroups => write!(
                f,
                "no spaces inside a number (expected 1000000 or 1m, not 1 000 000)"
            ),
        }
    }
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "term {} (col {}): {}",
            self.term,
            self.column + 1,
            self.kind
        )
    }
}

impl std::error::Error for FilterError {}

/// One whitespace-separated term as typed: quotes removed.
struct Token {
    /// Character column where the term starts.
    column: usize,
    text: String,
    /// Index (in chars of `text`) where the first quoted part starts: field
    /// names and operators are only recognised before it.
    quoted_from: Option<usize>,
}

fn tokenize(text: &str) -> Result<Vec<Token>, FilterError> {
    let mut out: Vec<Token> = Vec::new();
    let mut cur: Option<Token> = None;
    let mut in_quote = false;
    let mut quote_col = 0;
    for (col, c) in text.chars().enumerate() {
        if c == '"' {
            let tok = cur.get_or_insert_with(|| Token {
                column: col,
                text: String::new(),
                quoted_from: None,
            });
            if !in_quote {
                quote_col = col;
                if tok.quoted_from.is_none() {
                    tok.quoted_from = Some(tok.text.chars().count());
                }
            }
            in_quote = !in_quote;
        } else if c.is_whitespace() && !in_quote {
            if let Some(t) = cur.take() {
                out.push(t);
            }
        } else {
            cur.get_or_insert_with(|| Token {
                column: col,
                text: String::new(),
                quoted_from: None,
            })
            .text
            .push(c);
        }
        if out.len() >= MAX_TERMS && cur.is_some() {
            return Err(FilterError {
                term: out.len() + 1,
                column: col,
                kind: FilterErrorKind::TooManyTerms { max: MAX_TERMS },
            });
        }
    }
    if in_quote {
        return Err(FilterError {
            term: out.len() + 1,
            column: quote_col,
            kind: FilterErrorKind::UnclosedQuote,
        });
    }
    out.extend(cur);
    Ok(out)
}

impl Filter {
    /// Parses filter text. Never panics; an error names the term at fault.
    pub fn parse(text: &str) -> Result<Filter, FilterError> {
        if text.chars().count() > MAX_FILTER {
            return Err(FilterError {
                term: 1,
                column: MAX_FILTER,
                kind: FilterErrorKind::TooLong { max: MAX_FILTER },
            });
        }
        let tokens = tokenize(text)?;
        let mut terms: Vec<Term> = Vec::with_capacity(tokens.len());
        for (i, tok) in tokens.iter().enumerate() {
            let after_number = i > 0
                && terms
                    .last()
                    .is_some_and(|t| matches!(t.test, Test::Money(..) | Test::Bids(..)))
                && tokens[i - 1].text.ends_with(|c: char| c.is_ascii_digit());
            if after_number
                && tok.quoted_from.is_none()
                && tok.text.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(FilterError {
                    term: i + 1,
                    column: tok.column,
                    kind: FilterErrorKind::DigitGroups,
                });
            }
            let term = parse_term(tok).map_err(|(offset, kind)| FilterError {
                term: i + 1,
                column: tok.column + offset,
                kind,
            })?;
            terms.push(term);
        }
        Ok(Filter { terms })
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether any term depends on the clock (its matches change as time
    /// passes).
    pub fn has_time_terms(&self) -> bool {
        self.terms.iter().any(|t| matches!(t.test, Test::Time(..)))
    }

    pub fn matches(&self, lot: &Lot, meta: &LotMeta, env: &MatchEnv<'_>) -> bool {
        self.terms
            .iter()
            .all(|t| t.test.matches(lot, meta, env) != t.negated)
    }

    /// The first server time after `now` at which a time term may change its
    /// answer for this lot; None if none will (the lot's own changes come
    /// as events).
    pub fn next_change(&self, lot: &Lot, now: Timestamp) -> Option<Timestamp> {
        self.terms
            .iter()
            .filter_map(|t| match t.test {
                Test::Time(field, _, ms) => {
                    let target = match (field, &lot.status) {
                        // A web-site lot has no close (`closes_at` stands in).
                        (TimeField::Closing, LotStatus::Open) if lot.site.is_none() => {
                            lot.closes_at
                        }
                        (TimeField::Opens, LotStatus::Scheduled) => lot.opens_at,
                        (TimeField::Deadline, _) => lot.open_deadline()?,
                        _ => return None,
                    };
                    // left = target - now crosses `ms` between these instants.
                    let edge = target.0.saturating_sub(ms);
                    [edge, edge.saturating_add(1)]
                        .into_iter()
                        .find(|&e| e > now.0)
                        .map(Timestamp)
                }
                _ => None,
            })
            .min()
    }
}

impl Test {
    fn matches(&self, lot: &Lot, meta: &LotMeta, env: &MatchEnv<'_>) -> bool {
        match self {
            Test::Word(w) => {
                contains(&lot.number, w)
                    || contains(&lot.name, w)
                    || region_has(&lot.region, w)
                    || lot.minerals.iter().any(|m| mineral_has(m, w))
            }
            Test::Text(field, values) => values.iter().any(|v| match field {
                TextField::Number => contains(&lot.number, v),
                TextField::Name => contains(&lot.name, v),
                TextField::Region => region_has(&lot.region, v),
                TextField::Mineral => lot.minerals.iter().any(|m| mineral_has(m, v)),
            }),
            Test::Status(list) => list.contains(&lot.status),
            Test::Source(names) => env
                .sources
                .get(meta.source.index())
                .is_some_and(|s| names.iter().any(|n| s.answers_to(n))),
            Test::Money(field, cmp, v) => {
                let have = match field {
                    MoneyField::Bid => match (&lot.status, &lot.result) {
                        (LotStatus::Sold, Some(r)) => Some(r.amount),
                        _ => lot.high_bid.as_ref().map(|h| h.amount),
                    },
                    MoneyField::Next => {
                        matches!(lot.status, LotStatus::Open | LotStatus::Scheduled)
                            .then(|| next_min_bid(lot))
                            .flatten()
                    }
                    MoneyField::Start => lot.starting_bonus.known(),
                };
                have.is_some_and(|h| cmp.holds(h, *v))
            }
            Test::Bids(cmp, n) => cmp.holds(lot.bid_count, *n),
            Test::Time(field, cmp, ms) => {
                let left = match (field, &lot.status, env.now) {
                    // A web-site lot has no close (`closes_at` stands in),
                    // and one whose start passed while the site still says
                    // applications does not open in 0 (`Lot::start_passed`).
                    (TimeField::Closing, _, _) if lot.site.is_some() => None,
                    (TimeField::Opens, _, Some(now)) if lot.start_passed(now) => None,
                    (TimeField::Closing, LotStatus::Open, Some(now)) => {
                        Some(now.until(lot.closes_at).max(0))
                    }
                    (TimeField::Closing, LotStatus::Suspended, _) => {
                        meta.frozen_left_ms.map(|l| l.max(0))
                    }
                    (TimeField::Opens, LotStatus::Scheduled, Some(now)) => {
                        Some(now.until(lot.opens_at).max(0))
                    }
                    // A passed deadline is no time left: it matches nothing.
                    (TimeField::Deadline, _, Some(now)) => lot
                        .open_deadline()
                        .map(|d| now.until(d))
                        .filter(|left| *left > 0),
                    _ => None,
                };
                left.is_some_and(|l| cmp.holds(l, *ms))
            }
            Test::Flag(Flag::Watched) => env.watched.contains(&lot.id),
            Test::Flag(flag) => {
                let state = LotStore::me_state(lot, meta, env.me);
                match flag {
                    Flag::Mine => state.is_some(),
                    Flag::Leading => state == Some(MeState::Leading),
                    Flag::Outbid => state == Some(MeState::Outbid),
                    Flag::Watched => false,
                }
            }
        }
    }
}

/// Case-insensitive (Unicode, so Cyrillic too) substring test; `needle` is
/// already lower-case.
/// `needle` (lower-cased, `ё` as `е`) occurs in `hay`, case aside.
fn contains(hay: &str, needle: &str) -> bool {
    if hay.is_ascii() && needle.is_ascii() {
        // No allocation on the common path.
        let (h, n) = (hay.as_bytes(), needle.as_bytes());
        n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
    } else {
        hay.to_lowercase().replace('ё', "е").contains(needle)
    }
}

/// A filter value as compared: lower case, `ё` as `е`.
fn needle(v: &str) -> String {
    v.to_lowercase().replace('ё', "е")
}

/// `needle` occurs in the region as sent or in any of its names in the
/// closed list (`region:Караганд` finds `Karaganda` and `Қарағанды облысы`).
fn region_has(region: &str, needle: &str) -> bool {
    contains(region, needle)
        || places::region_names(region).is_some_and(|ns| ns.iter().any(|n| n.contains(needle)))
}

/// As `region_has`, for a mineral (`золото` finds `gold`).
fn mineral_has(mineral: &str, needle: &str) -> bool {
    contains(mineral, needle)
        || places::mineral_names(mineral).is_some_and(|ns| ns.iter().any(|n| n.contains(needle)))
}

/// A field's name in Russian or Kazakh, as its English name (the filter
/// speaks the interface language; errors name the English field).
fn field_key(key: &str) -> &str {
    match key {
        "статус" | "күй" | "күйі" => "status",
        "ископаемые" | "ископаемое" | "минерал" | "қазба" | "қазбалар" => {
            "mineral"
        }
        "регион" | "область" | "аймақ" | "облыс" => "region",
        "лот" | "номер" | "нөмір" => "lot",
        "название" | "атауы" | "атау" => "name",
        "ставка" | "ұсыныс" => "bid",
        "мин" | "келесі" => "next",
        "старт" | "бонус" => "start",
        "ставок" | "ұсыныстар" => "bids",
        "закрытие" | "жабылу" => "closing",
        "открытие" | "ашылу" => "opens",
        "срок" | "прием" | "приём" | "мерзім" | "қабылдау" => {
            "deadline"
        }
        "это" | "бұл" => "is",
        "источник" | "дереккөз" | "көз" => "source",
        k => k,
    }
}

type TermError = (usize, FilterErrorKind);

fn parse_term(tok: &Token) -> Result<Term, TermError> {
    let mut text = tok.text.as_str();
    let mut offset = 0;
    let mut quoted_from = tok.quoted_from;
    let negated = text.starts_with('-') && quoted_from != Some(0);
    if negated {
        text = &text[1..];
        offset = 1;
        quoted_from = quoted_from.map(|q| q - 1);
        if text.is_empty() && quoted_from.is_none() {
            return Err((0, FilterErrorKind::EmptyNegation));
        }
    }
    let plain: String = match quoted_from {
        Some(q) => text.chars().take(q).collect(),
        None => text.to_string(),
    };
    let Some(op_at) = plain.find([':', '<', '>', '=']) else {
        return Ok(Term {
            negated,
            test: Test::Word(needle(text)),
        });
    };
    let key = field_key(&plain[..op_at].to_lowercase()).to_string();
    let rest = &text[op_at..];
    let (op, value) = split_op(rest);
    let key_cols = plain[..op_at].chars().count();
    let value_col = offset + key_cols + op.chars().count();
    if key.is_empty() {
        return Err((offset, FilterErrorKind::MissingField));
    }
    let op_err = |field: &'static str, expected: &'static str| {
        Err((
            offset + key_cols,
            FilterErrorKind::BadOperator { field, expected },
        ))
    };
    let missing = |field: &'static str, expected: &'static str| {
        Err((value_col, FilterErrorKind::MissingValue { field, expected }))
    };
    let test = match key.as_str() {
        "status" | "mineral" | "minerals" | "region" | "lot" | "number" | "name" | "is"
        | "source" => {
            let field: &'static str = match key.as_str() {
                "source" => "source",
                "status" => "status",
                "mineral" | "minerals" => "mineral",
                "region" => "region",
                "lot" | "number" => "lot",
                "name" => "name",
                _ => "is",
            };
            if op != ":" {
                return op_err(field, "\":\"");
            }
            let values = split_values(value).map_err(|k| (value_col, k))?;
            if values.is_empty() {
                let expected = match field {
                    "status" => STATUS_LIST,
                    "is" => FLAG_LIST,
                    "source" => "api, sauda or a source's host",
                    _ => "text (quote it to include spaces)",
                };
                return missing(field, expected);
            }
            match field {
                "status" => Test::Status(
                    values
                        .iter()
                        .map(|(col, v)| status_of(v).map_err(|k| (value_col + col, k)))
                        .collect::<Result<_, _>>()?,
                ),
                "source" => Test::Source(values.iter().map(|(_, v)| v.to_lowercase()).collect()),
                "is" => {
                    let [(_, v)] = values.as_slice() else {
                        return Err((value_col, FilterErrorKind::UnknownFlag(value.to_string())));
                    };
                    Test::Flag(match v.to_lowercase().as_str() {
                        "watched" | "избранный" | "избранные" | "таңдаулы" => {
                            Flag::Watched
                        }
                        "mine" | "мои" | "мой" | "менікі" => Flag::Mine,
                        "leading" | "лидирую" | "алдамын" => Flag::Leading,
                        "outbid" | "перебит" | "перебиты" | "асылды" => {
                            Flag::Outbid
                        }
                        _ => {
                            return Err((value_col, FilterErrorKind::UnknownFlag(v.to_string())));
                        }
                    })
                }
                _ => Test::Text(
                    match field {
                        "mineral" => TextField::Mineral,
                        "region" => TextField::Region,
                        "lot" => TextField::Number,
                        _ => TextField::Name,
                    },
                    values.iter().map(|(_, v)| needle(v)).collect(),
                ),
            }
        }
        "bid" | "next" | "start" => {
            let field: &'static str = match key.as_str() {
                "bid" => "bid",
                "next" => "next",
                _ => "start",
            };
            let Some(cmp) = cmp_of(op, true) else {
                return op_err(field, "<, <=, >, >= or =");
            };
            if value.is_empty() {
                return missing(field, MONEY_HINT);
            }
            let m = parse_money(value).map_err(|k| (value_col, k))?;
            let f = match field {
                "bid" => MoneyField::Bid,
                "next" => MoneyField::Next,
                _ => MoneyField::Start,
            };
            Test::Money(f, cmp, m)
        }
        "bids" => {
            let Some(cmp) = cmp_of(op, true) else {
                return op_err("bids", "<, <=, >, >= or =");
            };
            if value.is_empty() {
                return missing("bids", "a whole number");
            }
            match value.parse::<u32>() {
                Ok(n) if value.bytes().all(|b| b.is_ascii_digit()) => Test::Bids(cmp, n),
                _ => {
                    return Err((value_col, FilterErrorKind::BadCount(value.to_string())));
                }
            }
        }
        "closing" | "opens" | "deadline" => {
            let field: &'static str = match key.as_str() {
                "closing" => "closing",
                "opens" => "opens",
                _ => "deadline",
            };
            let Some(cmp) = cmp_of(op, false) else {
                return op_err(field, "<, <=, > or >=");
            };
            if value.is_empty() {
                return missing(field, DURATION_HINT);
            }
            let ms = parse_duration(value)
                .ok_or_else(|| (value_col, FilterErrorKind::BadDuration(value.to_string())))?;
            let f = match field {
                "closing" => TimeField::Closing,
                "opens" => TimeField::Opens,
                _ => TimeField::Deadline,
            };
            Test::Time(f, cmp, ms)
        }
        _ => {
            return Err((
                offset,
                FilterErrorKind::UnknownField(plain[..op_at].to_string()),
            ));
        }
    };
    Ok(Term { negated, test })
}

/// The operator at the start of `rest` and what follows it.
fn split_op(rest: &str) -> (&str, &str) {
    for op in [">=", "<=", ":", "<", ">", "="] {
        if let Some(v) = rest.strip_prefix(op) {
            return (op, v);
        }
    }
    // `find` stopped at one of the four operator characters.
    rest.split_at(rest.chars().next().map_or(0, char::len_utf8))
}

fn cmp_of(op: &str, eq: bool) -> Option<Cmp> {
    Some(match op {
        "<" => Cmp::Lt,
        "<=" => Cmp::Le,
        ">" => Cmp::Gt,
        ">=" => Cmp::Ge,
        "=" | ":" if eq => Cmp::Eq,
        _ => return None,
    })
}

/// `a,b,c` with the column of each value; empty values are dropped.
fn split_values(value: &str) -> Result<Vec<(usize, &str)>, FilterErrorKind> {
    let mut out = Vec::new();
    let mut col = 0;
    for part in value.split(',') {
        if !part.is_empty() {
            if out.len() >= MAX_VALUES {
                return Err(FilterErrorKind::TooManyValues { max: MAX_VALUES });
            }
            out.push((col, part));
        }
        col += part.chars().count() + 1;
    }
    Ok(out)
}

/// A status by name or unambiguous prefix.
fn status_of(v: &str) -> Result<LotStatus, FilterErrorKind> {
    let v = needle(v);
    if let Some((_, s)) = STATUSES.iter().find(|(n, _)| *n == v) {
        return Ok(s.clone());
    }
    let hits: Vec<&(&str, LotStatus)> =
        STATUSES.iter().filter(|(n, _)| n.starts_with(&v)).collect();
    match hits.as_slice() {
        [(_, s), rest @ ..] if rest.iter().all(|(_, r)| r == s) => Ok(s.clone()),
        [] => Err(FilterErrorKind::UnknownStatus(v)),
        many => Err(FilterErrorKind::AmbiguousStatus(
            v,
            many.iter().map(|(n, _)| *n).collect(),
        )),
    }
}

/// An amount in tenge: digits, an optional dot and fraction, an optional
/// suffix (k, m, bn, mln, mlrd, тыс, млн, млрд). Exact: the suffix shifts the
/// decimal point and `Money::parse` does the rest.
fn parse_money(v: &str) -> Result<Money, FilterErrorKind> {
    let lower = v.to_lowercase();
    let digits_end = lower
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(lower.len());
    let (num, suffix) = lower.split_at(digits_end);
    let shift = match suffix {
        "" => 0,
        "k" | "тыс" | "мың" => 3,
        "m" | "mln" | "млн" => 6,
        "bn" | "b" | "mlrd" | "млрд" => 9,
        _ => return Err(FilterErrorKind::BadMoney(v.to_string())),
    };
    let (int, frac) = match num.split_once('.') {
        Some((i, f)) => (i, f),
        None => (num, ""),
    };
    if int.is_empty() || frac.contains('.') || (num.contains('.') && frac.is_empty()) {
        return Err(FilterErrorKind::BadMoney(v.to_string()));
    }
    let moved = frac.len().min(shift);
    let mut plain = String::with_capacity(num.len() + shift + 1);
    plain.push_str(int);
    plain.push_str(&frac[..moved]);
    plain.extend(std::iter::repeat_n('0', shift - moved));
    if moved < frac.len() {
        plain.push('.');
        plain.push_str(&frac[moved..]);
    }
    Money::parse(&plain).map_err(|e| match e {
        crate::domain::money::MoneyError::TooPrecise(_) => {
            FilterErrorKind::MoneyTooPrecise(v.to_string())
        }
        crate::domain::money::MoneyError::TooLarge(_) => {
            FilterErrorKind::MoneyTooLarge(v.to_string())
        }
        _ => FilterErrorKind::BadMoney(v.to_string()),
    })
}

/// `90s`, `10m`, `1h30m`, `2d`: units in decreasing order, each at most
/// once; a bare number is minutes. Milliseconds, at most a year.
fn parse_duration(v: &str) -> Option<i64> {
    const YEAR_MS: i64 = 366 * 86_400_000;
    let lower = v.to_lowercase();
    if let Ok(mins) = lower.parse::<i64>() {
        return mins.checked_mul(60_000).filter(|ms| *ms <= YEAR_MS);
    }
    let mut total: i64 = 0;
    let mut last_unit = i64::MAX;
    let mut rest = lower.as_str();
    while !rest.is_empty() {
        let n_end = rest.find(|c: char| !c.is_ascii_digit())?;
        if n_end == 0 || n_end > 9 {
            return None;
        }
        let n: i64 = rest[..n_end].parse().ok()?;
        rest = &rest[n_end..];
        let u_end = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit = match &rest[..u_end] {
            "d" | "д" | "дн" | "күн" => 86_400_000,
            "h" | "ч" | "сағ" => 3_600_000,
            "m" | "min" | "м" | "мин" => 60_000,
            "s" | "с" => 1000,
            _ => return None,
        };
        if unit >= last_unit {
            return None;
        }
        last_unit = unit;
        total = total.checked_add(n.checked_mul(unit)?)?;
        rest = &rest[u_end..];
    }
    (total <= YEAR_MS).then_some(total)
}

#[cfg(test)]
mod tests;

/// The keys of the filter language, for `ends_in_key_prefix`.
const KEYS: [&str; 15] = [
    "status", "mineral", "minerals", "region", "lot", "number", "name", "is", "bid", "next",
    "start", "closing", "opens", "deadline", "source",
];

/// Whether the text's last word is a key being typed: letters only, the
/// start of a key (`st`, `closing`), no operator yet. A filter ending so is
/// half-typed, not a search for that word.
pub fn ends_in_key_prefix(text: &str) -> bool {
    let Some(word) = text.split_whitespace().last() else {
        return false;
    };
    let word = word.trim_start_matches('-').to_lowercase();
    !word.is_empty()
        && word.chars().all(|c| c.is_ascii_alphabetic())
        && KEYS.iter().any(|k| k.starts_with(&word))
}
