//! The interface in Russian.

use super::Texts;
use crate::app::alerts::AlertKind;
use crate::app::anomaly::AnomalyKind;
use crate::app::log::LogKind;
use crate::app::lots::SortKey;
use crate::app::{Action, Pane};
use crate::domain::LotStatus;
use crate::domain::journal_health::JournalCause;
use crate::rates::RateSource;
use crate::ui::i18n::ru_plural;

pub static RU: Texts = Texts {
    insecure: "⚠ НЕБЕЗОПАСНО: TLS НЕ ПРОВЕРЯЕТСЯ",
    demo: "ДЕМО",
    replay: "ПОВТОР",
    following: [
        "ПО ЖУРНАЛУ",
        "последняя запись",
        "назад",
        "мониторов пишут:",
        "",
        "УСТАРЕЛ",
    ],
    paused: "пауза",
    connecting: "◌ ПОДКЛЮЧЕНИЕ",
    live: "● ОНЛАЙН",
    retrying: "↻ ПОПЫТКА",
    offline: |t| format!("✖ НЕТ СВЯЗИ с {t}"),
    link_cause: crate::ui::i18n::link::ru,
    journal_cause: |c| match c {
        JournalCause::DiskFull => "диск заполнен".into(),
        JournalCause::ReadOnly => "файл только для чтения".into(),
        JournalCause::Deleted => "файл удалён".into(),
        JournalCause::Io(m) => format!("ошибка ввода-вывода: {m}"),
    },
    journal_failing: |cause, events, records, since| match events {
        0 => format!(
            "ЖУРНАЛ ✖ {cause} · {records} {} не записано с {since}",
            ru_plural(records, "запись", "записи", "записей")
        ),
        n => format!(
            "ЖУРНАЛ ✖ {cause} · {n} {} не записано с {since}",
            ru_plural(n, "событие", "события", "событий")
        ),
    },
    journal_lost: |events, records| match events {
        0 => format!(
            "ЖУРНАЛ ✖ потеряно {records} {}",
            ru_plural(records, "запись", "записи", "записей")
        ),
        n => format!(
            "ЖУРНАЛ ✖ потеряно {n} {}",
            ru_plural(n, "событие", "события", "событий")
        ),
    },
    journal_connecting: "ЖУРНАЛ ◌ подключение",
    astana: "Астана",
    waiting_auction: "lotwatch · ожидание аукциона…",
    currency: "Валюта",
    clock_skew: "⚠ расхождение часов",
    anomalies_n: |n| format!("⚠ {n} {}", ru_plural(n, "аномалия", "аномалии", "аномалий")),
    data_issues_n: |n| format!("✖ ошибок в данных: {n}"),
    no_rates: "курсов валют пока нет",
    no_rate: |c| format!("нет курса {c}"),
    rate_source: |s| match s {
        RateSource::Platform => "платформа",
        RateSource::Nbk => "НБРК",
        RateSource::Fixed => "фиксированный",
    },
    no_date: "без даты",
    read_ago: |a| format!("{a} назад"),
    stale: "⚠ УСТАРЕЛ",
    no_rate_cell: "н/д",
    fallback: "резерв",
    age_units: ["с", "мин", "ч", "дн"],

    pane: |p| match p {
        Pane::Lots => "Лоты",
        Pane::Detail => "Карточка лота",
        Pane::Bids => "Ставки",
        Pane::Events => "События",
        Pane::Summary => "Сводка",
        Pane::Anomalies => "Аномалии",
    },
    status: |s| match s {
        LotStatus::Scheduled => "ожидается",
        LotStatus::Open => "открыт",
        LotStatus::Suspended => "приостановлен",
        LotStatus::Closed => "закрыт",
        LotStatus::Sold => "состоялся",
        LotStatus::Unsold => "не состоялся",
        LotStatus::Cancelled => "отменён",
        LotStatus::Unknown(_) => "",
    },

    sort: "сортировка:",
    sort_key: |k| match k {
        SortKey::Number => "номер",
        SortKey::Name => "название",
        SortKey::Status => "статус",
        SortKey::HighBid => "ставка",
        SortKey::NextMin => "мин. ставка",
        SortKey::Bids => "число ставок",
        SortKey::TimeLeft => "время",
        SortKey::Region => "регион",
        SortKey::Minerals => "ископаемые",
        SortKey::License => "лицензия",
        SortKey::Leader => "лидер",
        SortKey::Extensions => "продления",
    },
    watched_only: "★ только избранные",
    data_as_of: "данные на",
    filter: "фильтр",
    esc_clears: "(Esc — сбросить)",
    filter_error: crate::ui::i18n::filter::ru,
    col_ext: " продл.",
    waiting_lots: "Ожидание лотов…",
    no_watched: "Нет избранных лотов: нажмите w на лоте, чтобы следить за ним",
    no_match: "Нет лотов, подходящих под фильтр",
    col_number: "№",
    col_name: "Название",
    col_region: "Регион",
    col_minerals: "Ископаемые",
    col_license: "Лицензия",
    col_status: "Статус",
    col_high: "Ставка ₸",
    col_high_fx: "Ставка ",
    col_next_min: "Мин. ставка",
    col_bids: "Ставок",
    col_leader: "Лидер",
    col_left: "Осталось",
    license_short: ["разведка", "добыча"],
    years_short: "л",
    opens_in: "до откр. ",
    days_short: "дн.",
    closing: "закрытие…",

    no_lot: "Лот не выбран",
    opens: "Открытие",
    closes: "Закрытие",
    high_bid: "Макс. ставка",
    next_min: "Мин. ставка",
    won_by: "Победитель",
    start_bonus: "Подписной бонус",
    increment: "Шаг ставки",
    guarantee: "Гарантийный взнос",
    fee: "Взнос за участие",
    participants: "Участники",
    region: "Регион",
    minerals: "Ископаемые",
    license: "Лицензия",
    reserves: "Запасы",
    opened: "Открыт",
    soft_close: "Автопродление",
    extensions: "Продления",
    by_at_bids: |b, t, n| {
        let w = ru_plural(u64::from(n), "ставка", "ставки", "ставок");
        format!("{b} в {t} · {n} {w}")
    },
    no_bids_yet: "ставок пока нет",
    participants_min: |n, m, short| format!("{n} (мин. {m}){}", if short { " ⚠ мало" } else { "" }),
    license_long: ["разведка", "добыча"],
    years: |n| format!("{n} {}", ru_plural(u64::from(n), "год", "года", "лет")),
    km2: "км²",
    blocks: |n| format!("{n} {}", ru_plural(u64::from(n), "блок", "блока", "блоков")),
    soft_close_terms: |w, e| format!("+{e} с при ставке за {w} с до закрытия"),
    of_max: |m| format!(" из макс. {m}"),

    no_bids_lot: "По лоту нет ставок",
    loading_bids: "Загрузка истории ставок…",
    col_time: "Время",
    col_bidder: "Участник",
    col_amount: "Сумма ₸",
    col_in: |c| format!("В {c}"),

    newer: |n| format!("↑ новее: {n}"),
    no_events: "Событий пока нет",
    log_kind: |k| match k {
        LogKind::Bid => "СТАВКА",
        LogKind::Extended => "ПРОДЛЕНИЕ",
        LogKind::Status => "СТАТУС",
        LogKind::Lot => "ЛОТ",
        LogKind::Notice => "СООБЩЕНИЕ",
        LogKind::Unknown => "???",
        LogKind::Issue => "ОШИБКА",
        LogKind::Alert => "СИГНАЛ",
    },
    ev_bid: |a, b| format!("{a} от {b}"),
    ev_extended: |n, t| format!("продлён +{n}, закрытие в {t}"),
    ev_status: |s| format!("теперь {s}"),
    ev_result: |a, w| format!(": {a}, победитель {w}"),
    ev_lot: |name| format!("лот обновлён: {name}"),
    ev_unknown: |t| format!("неизвестный тип события {t:?}"),
    alert_kind: |k| match k {
        AlertKind::Outbid => "ПЕРЕБИТА",
        AlertKind::Closing => "ЗАКРЫТИЕ",
        AlertKind::Extended => "ПРОДЛЁН",
        AlertKind::Notice => "СООБЩЕНИЕ",
    },
    alert_outbid: |name, b| format!("{name}: ставка {b}"),
    alert_outbid_at: |a| format!(", {a}"),
    alert_closing: |name, m, t| format!("{name}: закрытие в течение {m} мин (в {t})"),
    alert_extended: |name, n, t| format!("{name}: продлён ({n}), закрытие в {t}"),
    no_anomalies: "Аномалий не обнаружено",
    anomaly_kind: |k| match k {
        AnomalyKind::BidBelowMinimum => "низкая ставка",
        AnomalyKind::BidAfterClose => "поздняя ставка",
        AnomalyKind::BidNotOpen => "ставка вне торгов",
        AnomalyKind::HighBidFell => "ставка упала",
        AnomalyKind::ForbiddenTransition => "недопустимый статус",
        AnomalyKind::SeqGap => "пропуск событий",
        AnomalyKind::TooManyExtensions => "продления",
        AnomalyKind::ResultMismatch => "итог",
        AnomalyKind::ClockSkew => "расхождение часов",
        AnomalyKind::Unreachable => "нет связи",
        AnomalyKind::Journal => "журнал",
    },
    evidence: crate::ui::i18n::evidence::ru,

    lots_n: |n| format!("{n} {}", ru_plural(n as u64, "лот", "лота", "лотов")),
    by_status: "Лоты по статусам",
    high_bids: "Ставки и итоги",
    start_bonuses: "Подписные бонусы",
    uplift: "Прирост",
    closing_10: "Закроются за 10 мин",
    open_no_bid: "Открыты без ставок",
    start_unknown: |n| {
        format!(
            "не учтено {n} {}: подписной бонус не прочитан",
            ru_plural(n as u64, "лот", "лота", "лотов")
        )
    },
    by_mineral: "По ископаемым",
    by_region: "По регионам",
    other: "прочие",

    action: |a| match a {
        Action::FocusNext => "след. панель",
        Action::FocusPrev => "пред. панель",
        Action::FocusPane(1) => "лоты",
        Action::FocusPane(2) => "карточка лота",
        Action::FocusPane(3) => "ставки",
        Action::FocusPane(4) => "события",
        Action::FocusPane(5) => "аномалии",
        Action::FocusPane(6) => "сводка",
        Action::FocusPane(_) => "панель",
        Action::Up => "вверх",
        Action::Down => "вниз",
        Action::PageUp => "стр. вверх",
        Action::PageDown => "стр. вниз",
        Action::Top => "в начало",
        Action::Bottom => "в конец",
        Action::OpenDetail => "открыть лот",
        Action::Close => "закрыть / назад",
        Action::CycleCurrency => "валюта",
        Action::Refresh => "обновить",
        Action::Quit => "выход",
        Action::Help => "справка",
        Action::StartFilter => "фильтр",
        Action::FilterInput(_) => "ввод",
        Action::FilterBackspace => "стереть символ",
        Action::FilterCommit => "применить",
        Action::FilterCancel => "отменить",
        Action::ToggleWatched => "следить",
        Action::ToggleWatchedOnly => "только избранные",
        Action::SortNext => "сортировка",
        Action::SortReverse => "обратный порядок",
        Action::SortBy(k) => match k {
            SortKey::Number => "сорт. по номеру",
            SortKey::Name => "сорт. по названию",
            SortKey::Status => "сорт. по статусу",
            SortKey::HighBid => "сорт. по ставке",
            SortKey::NextMin => "сорт. по мин. ставке",
            SortKey::Bids => "сорт. по числу ставок",
            SortKey::TimeLeft => "сорт. по времени",
            SortKey::Region => "сорт. по региону",
            SortKey::Minerals => "сорт. по ископаемым",
            SortKey::License => "сорт. по лицензии",
            SortKey::Leader => "сорт. по лидеру",
            SortKey::Extensions => "сорт. по продлениям",
        },
        Action::Suspend => "приостановить",
        Action::ToggleMouse => "мышь вкл/выкл",
        Action::CycleLayout => "следующая раскладка",
        Action::SelectRow(_) => "выбрать строку",
        Action::Scroll(..) => "прокрутка",
    },
    type_to_filter: "введите фильтр",
    mouse_on: "мышь вкл",
    mouse_off: "мышь выкл",
    help_title: "Справка: клавиши",
    esc_closes: "Esc — закрыть",
    help_larger: "справка по фильтру и сортировке — в окне побольше",
    filter_title: "Фильтр (/)",
    filter_help: [
        (
            "золото сарлы",
            "слова в номере, названии, регионе, ископаемых",
        ),
        (
            "статус:открыт,приост",
            "статус или его начало; a,b — любой из",
        ),
        (
            "регион:\"Северо-Каз\"",
            "также ископаемые: лот: название:; пробелы — в кавычках",
        ),
        (
            "ставка>1млрд мин<=40млн",
            "также старт, ставок; тыс млн млрд",
        ),
        ("закрытие<10м", "осталось (часы сервера); открытие<1ч30м"),
        ("это:избранные", "также мои, лидирую, перебит"),
        ("источник:sauda", "также источник:api или адрес источника"),
        ("-статус:отменён", "- в начале исключает"),
        ("", "должны выполняться все условия; можно и по-английски"),
    ],
    sort_title: "Сортировка по столбцу (повторное нажатие — обратно)",
    replay_keys: [
        "пауза / продолжить",
        "повтор: следующее сообщение",
        "повтор: быстрее / медленнее",
        "повтор: предыдущее сообщение",
    ],
    too_small: "Терминал слишком мал",
    needs_size: |w, h| format!("lotwatch нужно не меньше {w}x{h}"),
    feed_seq: "событие №",
    fallback_why: |f| {
        use crate::rates::{FallbackTo, RateSource};
        let of = |s: &RateSource| match s {
            RateSource::Platform => "платформы",
            RateSource::Nbk => "НБРК",
            RateSource::Fixed => "фиксированные",
        };
        let failed: Vec<&str> = f.failed.iter().map(|(s, _)| of(s)).collect();
        let using = match &f.using {
            FallbackTo::Source(s) => format!("используются курсы {}", of(s)),
            FallbackTo::Fixed => "используются фиксированные курсы из настроек".into(),
            FallbackTo::LastGood => "показаны последние полученные курсы".into(),
        };
        format!("курсы {} не получены; {using}", failed.join(" и "))
    },
    now_size: |w, h| format!("сейчас {w}x{h}"),
    journal_unencrypted: "ЖУРНАЛ ⚠ UNENCRYPTED: БЕЗ ШИФРОВАНИЯ",
    status_words: ["открыто", "макс."],
    next_close: |lot, when, closing| {
        if closing {
            format!("ближайшее закрытие {lot} {when}")
        } else {
            format!("ближайшее закрытие {lot} через {when}")
        }
    },
    writers_n: |n| {
        let verb = if ru_plural(n, "1", "2", "5") == "1" {
            "пишет"
        } else {
            "пишут"
        };
        format!(
            "{verb} {n} {}",
            ru_plural(n, "монитор", "монитора", "мониторов")
        )
    },
    config_restart: |names| format!("config: применится после перезапуска: {names}"),
    messages_left_out: |n| {
        format!(
            "{n} {} пропущено: читатель не успевал.",
            ru_plural(n, "сообщение", "сообщения", "сообщений")
        )
    },
    col_source: "Источник",
};
