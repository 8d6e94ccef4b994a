//! Filter-line errors in Russian and Kazakh (English is the error's own
//! `Display`). Field names, statuses and flags are filter syntax and stay
//! as typed; only the words around them are translated.

use crate::app::filter::{FIELDS, FLAG_LIST, FilterError, FilterErrorKind, STATUS_LIST};

/// The words of one language.
struct W {
    or: &'static str,
    eg: &'static str,
    text: &'static str,
    whole: &'static str,
    term: fn(usize, usize) -> String,
    kind: fn(&FilterErrorKind, &W) -> String,
}

/// An `expected` text of the parser in the language's words.
fn expected(s: &str, w: &W) -> String {
    match s {
        "text (quote it to include spaces)" => w.text.to_string(),
        "a whole number" => w.whole.to_string(),
        _ => s.replace(" or ", w.or).replace("e.g.", w.eg),
    }
}

fn render(e: &FilterError, w: &W) -> String {
    format!(
        "{}: {}",
        (w.term)(e.term, e.column + 1),
        (w.kind)(&e.kind, w)
    )
}

fn ru_kind(k: &FilterErrorKind, w: &W) -> String {
    use FilterErrorKind as K;
    match k {
        K::TooLong { max } => format!("фильтр длиннее {max} символов"),
        K::TooManyTerms { max } => format!("больше {max} условий"),
        K::TooManyValues { max } => format!("больше {max} значений в одном условии"),
        K::UnclosedQuote => "незакрытая кавычка (нужна закрывающая \")".into(),
        K::EmptyNegation => "после - ничего нет (нужно исключаемое условие)".into(),
        K::MissingField => format!("оператор без поля (поля: {FIELDS})"),
        K::UnknownField(x) => {
            format!("неизвестное поле \"{x}\" (поля: {FIELDS}; текст с двоеточием — в кавычках)")
        }
        K::BadOperator { field, expected: e } => {
            format!("{field} принимает {}", expected(e, w))
        }
        K::MissingValue { field, expected: e } => {
            format!("{field}: нужно значение: {}", expected(e, w))
        }
        K::UnknownStatus(x) => format!("неизвестный статус \"{x}\" (статусы: {STATUS_LIST})"),
        K::AmbiguousStatus(x, c) => format!("статус \"{x}\" неоднозначен: {}", c.join(w.or)),
        K::UnknownFlag(x) => format!("неизвестный флаг \"{x}\" (флаги: {FLAG_LIST})"),
        K::BadMoney(x) => format!("\"{x}\" — не сумма (напр. 500k, 40m, 1.5bn)"),
        K::MoneyTooPrecise(x) => format!("\"{x}\" точнее тиына (0.01 ₸)"),
        K::MoneyTooLarge(x) => format!("\"{x}\" — слишком большая сумма"),
        K::BadDuration(x) => format!("\"{x}\" — не длительность (напр. 90s, 10m, 1h30m)"),
        K::BadCount(x) => format!("\"{x}\" — не количество (нужно целое число)"),
        K::DigitGroups => "без пробелов внутри числа (1000000 или 1m, не 1 000 000)".into(),
    }
}

fn kk_kind(k: &FilterErrorKind, w: &W) -> String {
    use FilterErrorKind as K;
    match k {
        K::TooLong { max } => format!("сүзгі {max} таңбадан ұзын"),
        K::TooManyTerms { max } => format!("шарттар {max}-ден көп"),
        K::TooManyValues { max } => format!("бір шартта {max}-ден көп мән"),
        K::UnclosedQuote => "тырнақша жабылмаған (жабатын \" керек)".into(),
        K::EmptyNegation => "- белгісінен кейін ештеңе жоқ (алып тасталатын шарт керек)".into(),
        K::MissingField => format!("операторда өріс жоқ (өрістер: {FIELDS})"),
        K::UnknownField(x) => format!(
            "белгісіз өріс \"{x}\" (өрістер: {FIELDS}; қос нүктелі мәтінді тырнақшаға алыңыз)"
        ),
        K::BadOperator { field, expected: e } => {
            format!("{field} өрісіне {} керек", expected(e, w))
        }
        K::MissingValue { field, expected: e } => {
            format!("{field}: мән керек: {}", expected(e, w))
        }
        K::UnknownStatus(x) => format!("белгісіз күй \"{x}\" (күйлер: {STATUS_LIST})"),
        K::AmbiguousStatus(x, c) => format!("\"{x}\" күйі бір мәнді емес: {}", c.join(w.or)),
        K::UnknownFlag(x) => format!("белгісіз белгі \"{x}\" (белгілер: {FLAG_LIST})"),
        K::BadMoney(x) => format!("\"{x}\" сома емес (мысалы 500k, 40m, 1.5bn)"),
        K::MoneyTooPrecise(x) => format!("\"{x}\" тиыннан (0.01 ₸) дәлірек"),
        K::MoneyTooLarge(x) => format!("\"{x}\" тым үлкен сома"),
        K::BadDuration(x) => format!("\"{x}\" ұзақтық емес (мысалы 90s, 10m, 1h30m)"),
        K::BadCount(x) => format!("\"{x}\" сан емес (бүтін сан керек)"),
        K::DigitGroups => {
            "сан ішінде бос орын болмауы керек (1000000 не 1m, 1 000 000 емес)".into()
        }
    }
}

static RU: W = W {
    or: " или ",
    eg: "напр.",
    text: "текст (в кавычках, если есть пробелы)",
    whole: "целое число",
    term: |t, c| format!("условие {t} (поз. {c})"),
    kind: ru_kind,
};

static KK: W = W {
    or: " немесе ",
    eg: "мысалы",
    text: "мәтін (бос орын болса, тырнақшада)",
    whole: "бүтін сан",
    term: |t, c| format!("{t}-шарт ({c}-орын)"),
    kind: kk_kind,
};

pub(super) fn ru(e: &FilterError) -> String {
    render(e, &RU)
}

pub(super) fn kk(e: &FilterError) -> String {
    render(e, &KK)
}
