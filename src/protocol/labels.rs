//! The protocol's own words in English, Russian and Kazakh (a table checked
//! by the compiler, like `i18n::Texts`), and the formatting of its amounts
//! and times in each language. Lot data is never translated.

use crate::domain::{Converted, Currency, LotStatus, Money, Timestamp};
use crate::ui::i18n::Lang;
use rust_decimal::Decimal;

pub struct Labels {
    pub title: &'static str,
    pub independent: &'static str,
    pub failed: fn(&str) -> String,
    pub auction: &'static str,
    pub auction_id: &'static str,
    pub venue: &'static str,
    pub span: &'static str,
    pub span_text: fn(&str, &str, u64, u64, &str) -> String,
    pub no_events: &'static str,
    pub journal_file: &'static str,
    pub rate: &'static str,
    pub rate_text: fn(&str, &str, &str) -> String,
    pub rate_not_of_day: &'static str,
    pub no_rate: &'static str,
    pub source: fn(&str) -> &'static str,
    pub chain: &'static str,
    pub chain_text: fn(&str, &str) -> String,
    pub verified: &'static str,
    pub not_verified: &'static str,
    pub covers_all: fn(&str) -> String,
    pub covers_migrated: fn(&str, &str, &str, &str) -> String,
    pub totals: &'static str,
    pub lots: &'static str,
    pub by_status: &'static str,
    pub starting_sum: &'static str,
    pub results_sum: &'static str,
    pub uplift: &'static str,
    pub holes: &'static str,
    pub no_holes: &'static str,
    pub hole: &'static str,
    pub hole_missing: fn(&str, &str, Option<(&str, &str)>) -> String,
    pub hole_offline: fn(Option<&str>, &str, &str, &str) -> String,
    pub hole_snapshot: fn(&str, &str, &str) -> String,
    pub day_anomalies: &'static str,
    pub notices: &'static str,
    pub lot: &'static str,
    pub number: &'static str,
    pub name: &'static str,
    pub region: &'static str,
    pub minerals: &'static str,
    pub license: &'static str,
    pub area: &'static str,
    pub reserves: &'static str,
    pub starting_bonus: &'static str,
    pub min_increment: &'static str,
    pub guarantee: &'static str,
    pub participation_fee: &'static str,
    pub participants: &'static str,
    pub participants_text: fn(u32, u32) -> String,
    pub schedule: &'static str,
    pub schedule_text: fn(&str, &str) -> String,
    pub soft_close: &'static str,
    pub timeline: &'static str,
    pub col_time: &'static str,
    pub col_seq: &'static str,
    pub col_event: &'static str,
    pub col_bidder: &'static str,
    pub col_amount: &'static str,
    pub col_closes: &'static str,
    pub step: fn(&str) -> &'static str,
    pub extension_n: fn(u32) -> String,
    pub no_steps: &'static str,
    pub result: &'static str,
    pub sold_to: fn(&str, &str, &str) -> String,
    pub no_result: fn(&str) -> String,
    pub bids: &'static str,
    pub bids_line: fn(u32, usize) -> String,
    pub final_amount: &'static str,
    pub cross_check: &'static str,
    pub cc_match: fn(&str, &str, &str) -> String,
    pub cc_mismatch: fn(&str, &str, &str, &str) -> String,
    pub cc_no_bid_seen: &'static str,
    pub cc_no_result: &'static str,
    pub cc_none: &'static str,
    pub anomalies: &'static str,
    pub none: &'static str,
    pub journal_gap: &'static str,
    pub data_issue: &'static str,
    pub check_line: &'static str,
    pub anomaly_kind: fn(&str) -> Option<&'static str>,
    pub generated: fn(&str) -> String,
    /// An amount the source showed in words (never a zero).
    pub unreadable: &'static str,
    /// Totals: lots whose starting bonus is unreadable, left out of the sums.
    pub starting_unreadable: &'static str,
}

pub static EN: Labels = Labels {
    title: "Protocol of the auction day",
    independent: "An independent record of what lotwatch saw, taken from its journal. The platform's own signed protocol is the official one; this is what to hold it against.",
    failed: |p| {
        format!(
            "THIS JOURNAL FAILED VERIFICATION: {p}. What follows is what the file holds now; it cannot be vouched for."
        )
    },
    auction: "Auction",
    auction_id: "Auction id",
    venue: "Venue",
    span: "Covered",
    span_text: |a, b, s1, s2, n| {
        format!("{a} to {b} (Astana), events {s1}–{s2}, {n} in the journal")
    },
    no_events: "no event recorded",
    journal_file: "Journal",
    rate: "Exchange rate",
    rate_text: |usd, src, date| format!("1 USD = {usd} ({src}, {date})"),
    rate_not_of_day: "not the auction day's: the journal has none of that day",
    no_rate: "none in the journal: amounts in tenge only",
    source: |s| match s {
        "nbk" => "National Bank of Kazakhstan",
        "platform" => "the platform",
        _ => "other",
    },
    chain: "Hash chain",
    chain_text: |n, h| format!("{n} records, head {h}"),
    verified: "verified: the file is as it was written",
    not_verified: "NOT VERIFIED",
    covers_all: |t| format!("covers every record since the journal began ({t})"),
    covers_migrated: |t, n, m, r| {
        format!(
            "covers the journal from its migration ({t}) on, from record {n} (message {m}); the {r} rows written before it are counted but not covered"
        )
    },
    totals: "Totals",
    lots: "Lots",
    by_status: "By final status",
    starting_sum: "Starting bonuses, all lots",
    results_sum: "Results of the sold lots",
    uplift: "Uplift over the sold lots' starting bonuses",
    holes: "Holes in the journal",
    no_holes: "None: the journal holds every event the feed numbered, each seen live.",
    hole: "HOLE",
    hole_missing: |a, b, s| match s {
        Some((seq, t)) => {
            format!("events {a}–{b} not seen; the snapshot at {t} (seq {seq}) stands for them")
        }
        None => format!("events {a}–{b} not seen, and no snapshot stands for them"),
    },
    hole_offline: |from, to, a, b| match from {
        Some(f) => format!(
            "nothing recorded from {f} to {to} (the monitor was not running or not connected); events {a}–{b} of that time were read from the feed afterwards"
        ),
        None => format!(
            "nothing recorded before {to} (the monitor was not running yet); events {a}–{b} of that time were read from the feed afterwards"
        ),
    },
    hole_snapshot: |t, seq, d| {
        format!("the snapshot at {t} (seq {seq}) showed a change no recorded event explains: {d}")
    },
    day_anomalies: "Anomalies not tied to a lot",
    notices: "Notices of the platform",
    lot: "Lot",
    number: "Number",
    name: "Name",
    region: "Region",
    minerals: "Minerals",
    license: "Licence",
    area: "Area or blocks",
    reserves: "Reserves",
    starting_bonus: "Starting bonus",
    min_increment: "Minimum increment",
    guarantee: "Guarantee",
    participation_fee: "Participation fee",
    participants: "Participants",
    participants_text: |n, m| format!("{n} (minimum {m})"),
    schedule: "Schedule",
    schedule_text: |o, c| format!("opens {o}, closes {c}"),
    soft_close: "Soft close",
    timeline: "Timeline",
    col_time: "Time",
    col_seq: "Seq",
    col_event: "Event",
    col_bidder: "Bidder",
    col_amount: "Amount",
    col_closes: "Closes at",
    step: |k| match k {
        "opened" => "opened",
        "resumed" => "resumed",
        "suspended" => "suspended",
        "closed" => "closed",
        "sold" => "sold",
        "unsold" => "unsold",
        "cancelled" => "cancelled",
        "scheduled" => "scheduled",
        "bid" => "bid",
        "extended" => "extended",
        "terms" => "terms re-sent",
        "notice" => "notice",
        "unknown" => "unknown event",
        _ => "status",
    },
    extension_n: |n| format!("extension {n}"),
    no_steps: "The monitor saw no event of this lot.",
    result: "Result",
    sold_to: |w, a, t| format!("sold to {w} for {a}, protocol of {t}"),
    no_result: |s| format!("no result: the lot is {s}"),
    bids: "Bids",
    bids_line: |n, seen| {
        format!(
            "{n} {} ({seen} seen by the monitor)",
            if n == 1 { "bid" } else { "bids" }
        )
    },
    final_amount: "Final amount",
    cross_check: "Cross-check",
    cc_match: |a, b, seq| {
        format!("the result equals the last high bid the monitor saw: {a} by {b} (seq {seq})")
    },
    cc_mismatch: |r, w, a, b| {
        format!(
            "DIFFERS: the result is {r} to {w}, the last high bid the monitor saw is {a} by {b}"
        )
    },
    cc_no_bid_seen: "a result, but the monitor saw no bid on this lot",
    cc_no_result: "the monitor saw a bid, but the lot has no result",
    cc_none: "no bid and no result",
    anomalies: "Anomalies",
    none: "none",
    journal_gap: "journal gap",
    data_issue: "unusable data",
    check_line: "To check this protocol against its file:",
    anomaly_kind: |k| {
        Some(match k {
            "bid_below_minimum" => "bid below the minimum",
            "bid_after_close" => "bid after the close",
            "bid_not_open" => "bid on a lot that was not open",
            "high_bid_fell" => "the high bid fell",
            "forbidden_transition" => "a forbidden status change",
            "seq_gap" => "a gap in the feed's numbering",
            "too_many_extensions" => "more extensions than allowed",
            "result_mismatch" => "the result is not the last high bid",
            "clock_skew" => "clock skew",
            "unreachable" => "the platform unreachable",
            _ => return None,
        })
    },
    generated: |by| {
        format!(
            "Made by {by} from the journal. Times are the server's, in Astana; amounts exact to the tiyn, dollars at the rate above."
        )
    },
    unreadable: "unreadable (the source showed no number)",
    starting_unreadable: "Starting bonus unreadable (left out of the sums), lots",
};

pub static RU: Labels = Labels {
    title: "Протокол аукционного дня",
    independent: "Независимая запись того, что видел lotwatch, по его журналу. Официальным остаётся протокол площадки с электронной подписью; этот протокол служит для сверки с ним.",
    failed: |p| {
        format!(
            "ЖУРНАЛ НЕ ПРОШЁЛ ПРОВЕРКУ: {p}. Ниже — то, что файл содержит сейчас; ручаться за это нельзя."
        )
    },
    auction: "Аукцион",
    auction_id: "Идентификатор аукциона",
    venue: "Площадка",
    span: "Охват",
    span_text: |a, b, s1, s2, n| format!("с {a} по {b} (Астана), события {s1}–{s2}, в журнале {n}"),
    no_events: "событий не записано",
    journal_file: "Журнал",
    rate: "Курс",
    rate_text: |usd, src, date| format!("1 USD = {usd} ({src}, {date})"),
    rate_not_of_day: "не дня аукциона: курса того дня в журнале нет",
    no_rate: "в журнале нет: суммы только в тенге",
    source: |s| match s {
        "nbk" => "Национальный банк РК",
        "platform" => "площадка",
        _ => "другой",
    },
    chain: "Цепочка хешей",
    chain_text: |n, h| format!("записей: {n}, вершина {h}"),
    verified: "проверена: файл таков, каким был записан",
    not_verified: "НЕ ПРОВЕРЕНА",
    covers_all: |t| format!("охватывает все записи с начала журнала ({t})"),
    covers_migrated: |t, n, m, r| {
        format!(
            "охватывает журнал с миграции ({t}), с записи {n} (сообщение {m}); {r} строк, записанных до неё, сосчитаны, но не защищены"
        )
    },
    totals: "Итоги",
    lots: "Лотов",
    by_status: "По итоговому статусу",
    starting_sum: "Стартовые подписные бонусы, все лоты",
    results_sum: "Итоги состоявшихся торгов",
    uplift: "Прирост к стартовым подписным бонусам состоявшихся торгов",
    holes: "Пробелы в журнале",
    no_holes: "Нет: журнал содержит каждое пронумерованное событие ленты, каждое увидено вживую.",
    hole: "ПРОБЕЛ",
    hole_missing: |a, b, s| match s {
        Some((seq, t)) => {
            format!("события {a}–{b} не видены; за них отвечает снимок в {t} (событие № {seq})")
        }
        None => format!("события {a}–{b} не видены, и снимка за них нет"),
    },
    hole_offline: |from, to, a, b| match from {
        Some(f) => format!(
            "с {f} по {to} ничего не записано (монитор не работал или не был на связи); события {a}–{b} этого времени прочитаны из ленты позже"
        ),
        None => format!(
            "до {to} ничего не записано (монитор ещё не работал); события {a}–{b} этого времени прочитаны из ленты позже"
        ),
    },
    hole_snapshot: |t, seq, d| {
        format!(
            "снимок в {t} (событие № {seq}) показал изменение, которое не объясняет ни одно записанное событие: {d}"
        )
    },
    day_anomalies: "Аномалии вне лотов",
    notices: "Объявления площадки",
    lot: "Лот",
    number: "Номер",
    name: "Наименование",
    region: "Регион",
    minerals: "Полезные ископаемые",
    license: "Лицензия",
    area: "Площадь или блоки",
    reserves: "Запасы",
    starting_bonus: "Стартовый размер подписного бонуса",
    min_increment: "Минимальный шаг",
    guarantee: "Гарантийный взнос",
    participation_fee: "Взнос за участие",
    participants: "Участники",
    participants_text: |n, m| format!("{n} (минимум {m})"),
    schedule: "Расписание",
    schedule_text: |o, c| format!("открытие {o}, закрытие {c}"),
    soft_close: "Автопродление торгов",
    timeline: "Ход торгов",
    col_time: "Время",
    col_seq: "№ события",
    col_event: "Событие",
    col_bidder: "Участник",
    col_amount: "Сумма",
    col_closes: "Закрытие",
    step: |k| match k {
        "opened" => "открыт",
        "resumed" => "возобновлён",
        "suspended" => "приостановлен",
        "closed" => "закрыт",
        "sold" => "состоялся",
        "unsold" => "не состоялся",
        "cancelled" => "отменён",
        "scheduled" => "ожидается",
        "bid" => "ставка",
        "extended" => "продлён",
        "terms" => "условия переданы заново",
        "notice" => "объявление",
        "unknown" => "неизвестное событие",
        _ => "статус",
    },
    extension_n: |n| format!("продление {n}"),
    no_steps: "Монитор не видел ни одного события этого лота.",
    result: "Итог",
    sold_to: |w, a, t| format!("состоялся: победитель {w}, {a}, протокол от {t}"),
    no_result: |s| format!("итога нет: лот {s}"),
    bids: "Ставки",
    bids_line: |n, seen| format!("ставок: {n} (монитор видел {seen})"),
    final_amount: "Итоговая сумма",
    cross_check: "Сверка",
    cc_match: |a, b, seq| {
        format!(
            "итог равен последней высшей ставке, которую видел монитор: {a}, участник {b} (событие № {seq})"
        )
    },
    cc_mismatch: |r, w, a, b| {
        format!(
            "РАСХОЖДЕНИЕ: итог {r}, победитель {w}; последняя высшая ставка, которую видел монитор, {a}, участник {b}"
        )
    },
    cc_no_bid_seen: "итог есть, но монитор не видел ни одной ставки по лоту",
    cc_no_result: "монитор видел ставку, но итога у лота нет",
    cc_none: "ни ставок, ни итога",
    anomalies: "Аномалии",
    none: "нет",
    journal_gap: "пробел журнала",
    data_issue: "негодные данные",
    check_line: "Сверить протокол с файлом:",
    anomaly_kind: |k| {
        Some(match k {
            "bid_below_minimum" => "ставка ниже минимальной",
            "bid_after_close" => "ставка после закрытия",
            "bid_not_open" => "ставка по неоткрытому лоту",
            "high_bid_fell" => "высшая ставка снизилась",
            "forbidden_transition" => "запрещённая смена статуса",
            "seq_gap" => "разрыв в нумерации ленты",
            "too_many_extensions" => "продлений больше допустимого",
            "result_mismatch" => "итог не равен последней высшей ставке",
            "clock_skew" => "расхождение часов",
            "unreachable" => "площадка недоступна",
            _ => return None,
        })
    },
    generated: |by| {
        format!(
            "Составлен {by} по журналу. Время — сервера, по Астане; суммы точны до тиына, доллары по курсу выше."
        )
    },
    unreadable: "не читается (источник показал не число)",
    starting_unreadable: "Стартовый подписной бонус не читается (не в суммах), лотов",
};

pub static KK: Labels = Labels {
    title: "Аукцион күнінің хаттамасы",
    independent: "lotwatch көргенінің оның журналы бойынша тәуелсіз жазбасы. Ресми хаттама — алаңның электрондық қолтаңбасы бар хаттамасы; бұл онымен салыстыруға арналған.",
    failed: |p| {
        format!(
            "ЖУРНАЛ ТЕКСЕРУДЕН ӨТПЕДІ: {p}. Төменде файлда қазір бар деректер; оларға кепілдік беруге болмайды."
        )
    },
    auction: "Аукцион",
    auction_id: "Аукцион идентификаторы",
    venue: "Алаң",
    span: "Қамту",
    span_text: |a, b, s1, s2, n| {
        format!("{a} бастап {b} дейін (Астана), {s1}–{s2} оқиғалар, журналда {n}")
    },
    no_events: "оқиға жазылмаған",
    journal_file: "Журнал",
    rate: "Бағам",
    rate_text: |usd, src, date| format!("1 USD = {usd} ({src}, {date})"),
    rate_not_of_day: "аукцион күнінікі емес: журналда ол күннің бағамы жоқ",
    no_rate: "журналда жоқ: сомалар тек теңгемен",
    source: |s| match s {
        "nbk" => "Қазақстан Ұлттық Банкі",
        "platform" => "алаң",
        _ => "басқа",
    },
    chain: "Хэш тізбегі",
    chain_text: |n, h| format!("{n} жазба, басы {h}"),
    verified: "тексерілді: файл жазылған күйінде",
    not_verified: "ТЕКСЕРІЛМЕДІ",
    covers_all: |t| format!("журнал басталғаннан бергі барлық жазбаны қамтиды ({t})"),
    covers_migrated: |t, n, m, r| {
        format!(
            "журналды көшіруден ({t}) бастап, {n} жазбадан ({m} хабарлама) қамтиды; оған дейін жазылған {r} жол саналған, бірақ қорғалмаған"
        )
    },
    totals: "Қорытынды",
    lots: "Лоттар",
    by_status: "Соңғы күйі бойынша",
    starting_sum: "Қол қою бонустарының бастапқы мөлшері, барлық лот",
    results_sum: "Өткен сауда-саттықтың нәтижелері",
    uplift: "Өткен сауда-саттықта қол қою бонустарының бастапқы мөлшерінен өсім",
    holes: "Журналдағы олқылықтар",
    no_holes: "Жоқ: журналда таспаның нөмірленген әр оқиғасы бар, әрқайсысы тікелей көрілген.",
    hole: "ОЛҚЫЛЫҚ",
    hole_missing: |a, b, s| match s {
        Some((seq, t)) => {
            format!("{a}–{b} оқиғалар көрілмеді; олардың орнына {t} суреті (№ {seq} оқиға) тұр")
        }
        None => format!("{a}–{b} оқиғалар көрілмеді, олардың орнына сурет жоқ"),
    },
    hole_offline: |from, to, a, b| match from {
        Some(f) => format!(
            "{f} бастап {to} дейін ештеңе жазылмады (монитор жұмыс істемеді немесе байланыста болмады); сол уақыттың {a}–{b} оқиғалары кейін таспадан оқылды"
        ),
        None => format!(
            "{to} дейін ештеңе жазылмады (монитор әлі іске қосылмаған); сол уақыттың {a}–{b} оқиғалары кейін таспадан оқылды"
        ),
    },
    hole_snapshot: |t, seq, d| {
        format!(
            "{t} суреті (№ {seq} оқиға) ешбір жазылған оқиға түсіндірмейтін өзгерісті көрсетті: {d}"
        )
    },
    day_anomalies: "Лотқа қатысы жоқ аномалиялар",
    notices: "Алаң хабарламалары",
    lot: "Лот",
    number: "Нөмірі",
    name: "Атауы",
    region: "Аймақ",
    minerals: "Пайдалы қазбалар",
    license: "Лицензия",
    area: "Аумағы немесе блоктар",
    reserves: "Қорлар",
    starting_bonus: "Қол қою бонусының бастапқы мөлшері",
    min_increment: "Ең аз қадам",
    guarantee: "Кепілдік жарна",
    participation_fee: "Қатысу жарнасы",
    participants: "Қатысушылар",
    participants_text: |n, m| format!("{n} (ең азы {m})"),
    schedule: "Кесте",
    schedule_text: |o, c| format!("ашылуы {o}, жабылуы {c}"),
    soft_close: "Сауданы автоұзарту",
    timeline: "Сауда барысы",
    col_time: "Уақыт",
    col_seq: "Оқиға №",
    col_event: "Оқиға",
    col_bidder: "Қатысушы",
    col_amount: "Сома",
    col_closes: "Жабылуы",
    step: |k| match k {
        "opened" => "ашылды",
        "resumed" => "жалғасты",
        "suspended" => "тоқтатылды",
        "closed" => "жабық",
        "sold" => "өтті",
        "unsold" => "өтпеді",
        "cancelled" => "жойылды",
        "scheduled" => "жоспарда",
        "bid" => "ұсыныс",
        "extended" => "ұзартылды",
        "terms" => "шарттар қайта жіберілді",
        "notice" => "хабарлама",
        "unknown" => "белгісіз оқиға",
        _ => "күй",
    },
    extension_n: |n| format!("{n}-ұзарту"),
    no_steps: "Монитор бұл лоттың бірде-бір оқиғасын көрмеді.",
    result: "Нәтиже",
    sold_to: |w, a, t| format!("өтті: жеңімпаз {w}, {a}, хаттама {t}"),
    no_result: |s| format!("нәтиже жоқ: лот {s}"),
    bids: "Ұсыныстар",
    bids_line: |n, seen| format!("{n} ұсыныс (монитор {seen} көрді)"),
    final_amount: "Соңғы сома",
    cross_check: "Салыстыру",
    cc_match: |a, b, seq| {
        format!(
            "нәтиже монитор көрген соңғы жоғары ұсынысқа тең: {a}, қатысушы {b} (№ {seq} оқиға)"
        )
    },
    cc_mismatch: |r, w, a, b| {
        format!(
            "СӘЙКЕС ЕМЕС: нәтиже {r}, жеңімпаз {w}; монитор көрген соңғы жоғары ұсыныс {a}, қатысушы {b}"
        )
    },
    cc_no_bid_seen: "нәтиже бар, бірақ монитор бұл лот бойынша ұсыныс көрмеді",
    cc_no_result: "монитор ұсыныс көрді, бірақ лоттың нәтижесі жоқ",
    cc_none: "ұсыныс та, нәтиже де жоқ",
    anomalies: "Аномалиялар",
    none: "жоқ",
    journal_gap: "журнал олқылығы",
    data_issue: "жарамсыз деректер",
    check_line: "Хаттаманы файлмен салыстыру:",
    anomaly_kind: |k| {
        Some(match k {
            "bid_below_minimum" => "ұсыныс ең аз сомадан төмен",
            "bid_after_close" => "жабылғаннан кейінгі ұсыныс",
            "bid_not_open" => "ашылмаған лот бойынша ұсыныс",
            "high_bid_fell" => "ең жоғары ұсыныс төмендеді",
            "forbidden_transition" => "рұқсат етілмеген күй өзгерісі",
            "seq_gap" => "таспа нөмірленуіндегі үзіліс",
            "too_many_extensions" => "ұзартулар рұқсаттан көп",
            "result_mismatch" => "нәтиже соңғы жоғары ұсынысқа тең емес",
            "clock_skew" => "сағат айырмасы",
            "unreachable" => "алаң қолжетімсіз",
            _ => return None,
        })
    },
    generated: |by| {
        format!(
            "{by} журнал бойынша жасады. Уақыт — сервердікі, Астана бойынша; сомалар тиынға дейін дәл, доллар жоғарыдағы бағам бойынша."
        )
    },
    unreadable: "оқылмайды (дереккөз сан көрсетпеді)",
    starting_unreadable: "Қол қою бонусының бастапқы мөлшері оқылмайды (сомаларда жоқ), лот",
};

/// The labels and formats of one language.
#[derive(Clone, Copy)]
pub struct Words {
    pub lang: Lang,
    pub l: &'static Labels,
}

impl Words {
    pub fn of(lang: Lang) -> Words {
        let l = match lang {
            Lang::En => &EN,
            Lang::Ru => &RU,
            Lang::Kk => &KK,
        };
        Words { lang, l }
    }

    /// An exact tenge string (`36920000.00`) in this language.
    pub fn kzt(&self, wire: &str) -> String {
        if wire == crate::domain::Amount::UNREADABLE {
            return self.l.unreadable.to_string();
        }
        match Money::parse(wire.trim_start_matches('-')) {
            Ok(m) if wire.starts_with('-') => format!("−{}", self.lang.money(m)),
            Ok(m) => self.lang.money(m),
            Err(_) => wire.to_string(),
        }
    }

    /// A dollar string (`71066.15`) in this language.
    pub fn usd(&self, s: &str) -> String {
        match s.parse::<Decimal>() {
            Ok(amount) => self.lang.converted(&Converted {
                currency: Currency::Usd,
                amount,
            }),
            Err(_) => s.to_string(),
        }
    }

    /// Tenge, and dollars beside when there are.
    pub fn kzt_usd(&self, kzt: &str, usd: Option<&str>) -> String {
        match usd {
            Some(u) => format!("{} ({})", self.kzt(kzt), self.usd(u)),
            None => self.kzt(kzt),
        }
    }

    /// An RFC 3339 time as an Astana date and time.
    pub fn datetime(&self, rfc: &str) -> String {
        Timestamp::parse(rfc).map_or_else(|_| rfc.to_string(), |t| self.lang.datetime(t))
    }

    /// An RFC 3339 time as Astana `hh:mm:ss`.
    pub fn time(&self, rfc: &str) -> String {
        Timestamp::parse(rfc).map_or_else(|_| rfc.to_string(), |t| t.astana_hms())
    }

    /// A lot status in this language.
    pub fn status(&self, s: &str) -> String {
        let st = LotStatus::parse(s);
        let word = (self.lang.texts().status)(&st);
        if word.is_empty() {
            s.to_string()
        } else {
            word.to_string()
        }
    }

    /// An anomaly kind as the journal names it, in this language.
    pub fn anomaly(&self, kind: &str) -> String {
        match kind {
            "journal_gap" => self.l.journal_gap.to_string(),
            "data_issue" => self.l.data_issue.to_string(),
            _ => (self.l.anomaly_kind)(kind).map_or_else(|| kind.to_string(), str::to_string),
        }
    }

    /// A licence kind in this language.
    pub fn license(&self, kind: &str, years: u32) -> String {
        let t = self.lang.texts();
        let k = match kind {
            "exploration" => t.license_long[0],
            "production" => t.license_long[1],
            other => other,
        };
        format!("{k}, {}", (t.years)(years))
    }

    /// Area in km², or blocks.
    pub fn area(&self, area: Option<&str>, blocks: Option<u32>) -> String {
        let t = self.lang.texts();
        match (area, blocks) {
            (Some(a), _) => {
                let a = a
                    .parse::<Decimal>()
                    .map_or_else(|_| a.to_string(), |d| self.lang.decimal(d));
                format!("{a} {}", t.km2)
            }
            (None, Some(b)) => (t.blocks)(b),
            (None, None) => "—".into(),
        }
    }

    /// The soft-close terms.
    pub fn soft_close(&self, window_s: u32, extend_s: u32, max: Option<u32>) -> String {
        let t = self.lang.texts();
        let mut s = (t.soft_close_terms)(window_s, extend_s);
        if let Some(m) = max {
            s.push_str(&(t.of_max)(m));
        }
        s
    }

    /// A rate, tenge per unit (`519.53` -> `519.53 ₸`, `519,53 ₸`).
    pub fn rate(&self, s: &str) -> String {
        match s.parse::<Decimal>() {
            Ok(d) if self.lang == Lang::En => format!("{} ₸", self.lang.decimal(d)),
            Ok(d) => format!("{}\u{a0}₸", self.lang.decimal(d)),
            Err(_) => s.to_string(),
        }
    }

    /// A whole number, grouped.
    pub fn int(&self, n: u64) -> String {
        self.lang.int(n)
    }

    /// A percentage from `20.0`.
    pub fn percent(&self, p: &str) -> String {
        let signed = if p.starts_with('-') {
            p.to_string()
        } else {
            format!("+{p}")
        };
        self.lang.percent(&signed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_words_the_same_things() {
        for lang in Lang::ALL {
            let w = Words::of(lang);
            assert!(!w.l.title.is_empty());
            assert!((w.l.failed)("x").contains('x'));
            assert!((w.l.hole_missing)("5", "9", Some(("10", "10:00:00"))).contains("10:00:00"));
            assert_ne!((w.l.step)("bid"), (w.l.step)("sold"));
        }
        assert_eq!(Words::of(Lang::En).kzt("1234567.50"), "1 234 567.50 ₸");
        assert_eq!(
            Words::of(Lang::Ru).kzt("36920000.00"),
            "36\u{a0}920\u{a0}000\u{a0}₸"
        );
        assert_eq!(Words::of(Lang::En).usd("71066.15"), "$71 066.15");
        assert_eq!(Words::of(Lang::Kk).status("sold"), "өтті");
        assert_eq!(Words::of(Lang::En).anomaly("journal_gap"), "journal gap");
    }
}
