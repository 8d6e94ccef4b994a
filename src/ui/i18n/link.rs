//! Why the platform could not be used (`LinkCause`), in Russian and Kazakh
//! (English is the cause's own `Display`). Names the user types (the
//! variable, the config key, the flags) and texts from the server or the
//! system are kept as they are.

use crate::domain::link::{Misconfig, UrlFault};
use crate::domain::{LinkCause, SiteDown, SitePage, TlsProblem};

/// ` (page)`, or nothing when the page is named around the cause.
fn paren(page: &str) -> String {
    if page.is_empty() {
        String::new()
    } else {
        format!(" ({page})")
    }
}

fn page_ru(p: &SitePage) -> String {
    match p {
        SitePage::List {
            hydrocarbons,
            page,
            of,
        } => format!(
            "{} {page}{}",
            if *hydrocarbons {
                "страница списка углеводородов"
            } else {
                "страница списка"
            },
            of.map(|n| format!(" из {n}")).unwrap_or_default()
        ),
        SitePage::Lot { number } => format!("страница лота {number}"),
    }
}

fn page_kk(p: &SitePage) -> String {
    match p {
        SitePage::List {
            hydrocarbons,
            page,
            of,
        } => format!(
            "{}{} бет{}",
            if *hydrocarbons {
                "көмірсутектер тізімінің "
            } else {
                "тізімнің "
            },
            page,
            of.map(|n| format!(" ({n} беттің)")).unwrap_or_default()
        ),
        SitePage::Lot { number } => format!("{number} лотының беті"),
    }
}

fn tls_ru(p: &TlsProblem) -> String {
    match p {
        TlsProblem::UnknownIssuer => {
            "сертификат подписан не доверенным центром (--ca-cert PATH добавляет частный)".into()
        }
        TlsProblem::Expired => "срок действия сертификата истёк".into(),
        TlsProblem::NotYetValid => "сертификат ещё не действует".into(),
        TlsProblem::WrongName => "сертификат выдан для другого имени хоста".into(),
        TlsProblem::Revoked => "сертификат отозван".into(),
        TlsProblem::Other(m) => m.clone(),
    }
}

fn tls_kk(p: &TlsProblem) -> String {
    match p {
        TlsProblem::UnknownIssuer => {
            "сертификатқа сенімді орталық қол қоймаған (--ca-cert PATH жеке орталықты қосады)"
                .into()
        }
        TlsProblem::Expired => "сертификаттың мерзімі өткен".into(),
        TlsProblem::NotYetValid => "сертификат әлі күшіне енбеген".into(),
        TlsProblem::WrongName => "сертификат басқа хост атауына берілген".into(),
        TlsProblem::Revoked => "сертификат кері қайтарылған".into(),
        TlsProblem::Other(m) => m.clone(),
    }
}

fn with(m: &Option<String>) -> String {
    m.as_ref().map(|m| format!(": {m}")).unwrap_or_default()
}

pub(super) fn ru(c: &LinkCause) -> String {
    match c {
        LinkCause::Unauthorized => {
            "нет доступа (401): задайте LOTWATCH_TOKEN или token в файле настроек".into()
        }
        LinkCause::Refused => {
            "нет соединения: в соединении отказано (проверьте URL и работает ли платформа)".into()
        }
        LinkCause::NameNotFound => "нет соединения: имя хоста не найдено (проверьте URL)".into(),
        LinkCause::Tls(p) => format!("нет соединения: TLS: {}", tls_ru(p)),
        LinkCause::Connect(m) => format!("нет соединения: {m}"),
        LinkCause::Timeout { secs } => format!("платформа не ответила за {secs} с"),
        LinkCause::Server { status, message } => {
            format!("ошибка сервера {status}{}", with(message))
        }
        LinkCause::RateLimited { wait_s } => {
            format!("слишком много запросов (429): следующая попытка через {wait_s} с")
        }
        LinkCause::Unavailable { wait_s } => {
            format!("платформа недоступна (503): следующая попытка через {wait_s} с")
        }
        LinkCause::NotPlatform { path, status } => {
            format!("это не платформа lotwatch: {path} ответил {status} (проверьте URL)")
        }
        LinkCause::Html { path } => format!(
            "это не платформа lotwatch: {path} ответил HTML вместо JSON (неверный URL, страница входа или техработ)"
        ),
        LinkCause::BrokenOff(m) => format!("ответ оборвался: {m}"),
        LinkCause::TooLarge { limit } => format!("ответ больше {limit} байт"),
        LinkCause::Unusable(m) => format!("непригодный ответ: {m}"),
        LinkCause::Http { status, message } => format!("HTTP {status}{}", with(message)),
        LinkCause::RedirectRefused => "перенаправление на другой хост отклонено".into(),
        LinkCause::Config(m) => format!("настройки: {}", misconfig_ru(m)),
        LinkCause::Layout { page, what } => {
            format!("страница не распознана: {what}{}", paren(page))
        }
        LinkCause::OnPage { page, cause } => format!("{}: {}", page_ru(page), ru(cause)),
        LinkCause::SiteDown { page, kind } => format!(
            "сайт показывает {}{}",
            match kind {
                SiteDown::Maintenance => "страницу технических работ",
                SiteDown::Throttled => "«превышен лимит запросов»",
                SiteDown::Failed => "страницу ошибки",
            },
            paren(page)
        ),
    }
}

fn misconfig_ru(m: &Misconfig) -> String {
    let fault = |f: &UrlFault| match f {
        UrlFault::EmptyHost => "не указан хост".to_string(),
        UrlFault::InvalidPort => "неверный номер порта".into(),
        UrlFault::InvalidIpv4 => "неверный адрес IPv4".into(),
        UrlFault::InvalidIpv6 => "неверный адрес IPv6".into(),
        UrlFault::InvalidCharacter => "недопустимый символ в имени хоста".into(),
        UrlFault::Other(m) => m.clone(),
    };
    match m {
        Misconfig::NoScheme { url } => {
            format!("неверный URL {url:?}: нужна схема: напишите http://{url} (или https://)")
        }
        Misconfig::BadUrl { url, fault: f } => format!(
            "неверный URL {url:?}: {} (пишите http://ХОСТ:ПОРТ/ или https://ХОСТ/)",
            fault(f)
        ),
        Misconfig::WrongScheme { url, scheme } => format!(
            "неверный URL {url:?}: URL должен начинаться с http:// или https://, а не {scheme}:"
        ),
        Misconfig::Credentials => "укажите учётные данные в LOTWATCH_TOKEN, а не в URL".into(),
        Misconfig::TokenCharacters => {
            "в токене есть символы, которые нельзя передать в заголовке".into()
        }
        Misconfig::CaUnreadable {
            path,
            detail,
            missing,
        } => {
            if *missing {
                format!("сертификат центра {path} не прочитан: файл не найден")
            } else {
                format!("сертификат центра {path} не прочитан: {detail}")
            }
        }
        Misconfig::CaNotPem { path } => format!("{path} — не сертификат PEM"),
        Misconfig::CaEmpty { path } => format!("в {path} нет ни одного сертификата"),
        Misconfig::Other(m) => m.clone(),
    }
}

pub(super) fn kk(c: &LinkCause) -> String {
    match c {
        LinkCause::Unauthorized => {
            "рұқсат жоқ (401): LOTWATCH_TOKEN немесе баптау файлындағы token мәнін беріңіз".into()
        }
        LinkCause::Refused => {
            "қосылу мүмкін емес: қосылудан бас тартылды (URL мен платформаның жұмысын тексеріңіз)"
                .into()
        }
        LinkCause::NameNotFound => {
            "қосылу мүмкін емес: хост атауы табылмады (URL-ді тексеріңіз)".into()
        }
        LinkCause::Tls(p) => format!("қосылу мүмкін емес: TLS: {}", tls_kk(p)),
        LinkCause::Connect(m) => format!("қосылу мүмкін емес: {m}"),
        LinkCause::Timeout { secs } => format!("платформа {secs} с ішінде жауап бермеді"),
        LinkCause::Server { status, message } => {
            format!("сервер қатесі {status}{}", with(message))
        }
        LinkCause::RateLimited { wait_s } => {
            format!("сұраулар тым көп (429): келесі әрекет {wait_s} с кейін")
        }
        LinkCause::Unavailable { wait_s } => {
            format!("платформа қолжетімсіз (503): келесі әрекет {wait_s} с кейін")
        }
        LinkCause::NotPlatform { path, status } => {
            format!(
                "бұл lotwatch платформасы емес: {path} {status} деп жауап берді (URL-ді тексеріңіз)"
            )
        }
        LinkCause::Html { path } => format!(
            "бұл lotwatch платформасы емес: {path} JSON орнына HTML берді (қате URL, кіру немесе техникалық жұмыс беті)"
        ),
        LinkCause::BrokenOff(m) => format!("жауап үзіліп қалды: {m}"),
        LinkCause::TooLarge { limit } => format!("жауап {limit} байттан үлкен"),
        LinkCause::Unusable(m) => format!("жарамсыз жауап: {m}"),
        LinkCause::Http { status, message } => format!("HTTP {status}{}", with(message)),
        LinkCause::RedirectRefused => "басқа хостқа бағыттау қабылданбады".into(),
        LinkCause::Config(m) => format!("баптаулар: {}", misconfig_kk(m)),
        LinkCause::Layout { page, what } => format!("бет танылмады: {what}{}", paren(page)),
        LinkCause::OnPage { page, cause } => format!("{}: {}", page_kk(page), kk(cause)),
        LinkCause::SiteDown { page, kind } => format!(
            "сайт {} көрсетеді{}",
            match kind {
                SiteDown::Maintenance => "техникалық жұмыстар бетін",
                SiteDown::Throttled => "«сұраныстар лимиті асты» бетін",
                SiteDown::Failed => "қате бетін",
            },
            paren(page)
        ),
    }
}

fn misconfig_kk(m: &Misconfig) -> String {
    let fault = |f: &UrlFault| match f {
        UrlFault::EmptyHost => "хост көрсетілмеген".to_string(),
        UrlFault::InvalidPort => "порт нөмірі қате".into(),
        UrlFault::InvalidIpv4 => "IPv4 мекенжайы қате".into(),
        UrlFault::InvalidIpv6 => "IPv6 мекенжайы қате".into(),
        UrlFault::InvalidCharacter => "хост атауында рұқсат етілмеген таңба бар".into(),
        UrlFault::Other(m) => m.clone(),
    };
    match m {
        Misconfig::NoScheme { url } => {
            format!("URL қате {url:?}: схема керек: http://{url} деп жазыңыз (немесе https://)")
        }
        Misconfig::BadUrl { url, fault: f } => format!(
            "URL қате {url:?}: {} (http://ХОСТ:ПОРТ/ не https://ХОСТ/ түрінде жазыңыз)",
            fault(f)
        ),
        Misconfig::WrongScheme { url, scheme } => format!(
            "URL қате {url:?}: URL {scheme}: емес, http:// не https:// арқылы басталуы керек"
        ),
        Misconfig::Credentials => {
            "тіркелгі деректерін URL-де емес, LOTWATCH_TOKEN ішінде беріңіз".into()
        }
        Misconfig::TokenCharacters => "токенде тақырыпқа (header) сыймайтын таңбалар бар".into(),
        Misconfig::CaUnreadable {
            path,
            detail,
            missing,
        } => {
            if *missing {
                format!("{path} орталық сертификаты оқылмады: файл табылмады")
            } else {
                format!("{path} орталық сертификаты оқылмады: {detail}")
            }
        }
        Misconfig::CaNotPem { path } => format!("{path} PEM сертификаты емес"),
        Misconfig::CaEmpty { path } => format!("{path} ішінде бірде-бір сертификат жоқ"),
        Misconfig::Other(m) => m.clone(),
    }
}
