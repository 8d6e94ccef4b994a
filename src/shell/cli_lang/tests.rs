use super::usage::usage_error;
use super::*;
use crate::journal::JournalError;
use crate::journal::verify::VerifyError;
use crate::shell::cli::Cli;
use clap::CommandFactory;

fn argv(line: &str) -> Vec<OsString> {
    std::iter::once("lotwatch")
        .chain(line.split_whitespace())
        .map(OsString::from)
        .collect()
}

fn env_of<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |k| {
        vars.iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.to_string())
    }
}

/// No config file, an English locale: only what the test sets counts.
const BARE: [(&str, &str); 2] = [("LOTWATCH_CONFIG", "/nonexistent/lw.toml"), ("LC_ALL", "C")];

fn parse_error(line: &str) -> clap::Error {
    Cli::command()
        .try_get_matches_from(argv(line))
        .expect_err("the line is refused")
}

#[test]
fn the_language_is_found_before_clap_parses() {
    let lang = |line: &str, vars: &[(&str, &str)]| lang_before_parse(&argv(line), &env_of(vars));
    assert_eq!(lang("--bogus", &BARE), Lang::En);
    assert_eq!(lang("--lang ru --bogus", &BARE), Lang::Ru);
    // Anywhere on the line, before or after a subcommand, with `=` or not.
    assert_eq!(lang("export --journal x --lang=kk", &BARE), Lang::Kk);
    assert_eq!(lang("--poll 10 --lang kk", &BARE), Lang::Kk);
    // A value that is no language leaves the choice to the rest.
    let env = [BARE[0], BARE[1], ("LOTWATCH_LANG", "ru")];
    assert_eq!(lang("--lang xx", &env), Lang::Ru);
    assert_eq!(lang("--lang", &env), Lang::Ru);
    assert_eq!(lang("--lang kk", &env), Lang::Kk);
    // After `--` nothing is an option.
    assert_eq!(lang("man -- --lang kk", &BARE), Lang::En);
    // The locale last.
    assert_eq!(
        lang("--bogus", &[BARE[0], ("LANG", "kk_KZ.UTF-8")]),
        Lang::Kk
    );
}

#[test]
fn the_config_files_language_counts_below_the_environment() {
    let dir = std::env::temp_dir().join(format!("lotwatch-cli-lang-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("config.toml");
    std::fs::write(&file, "language = \"kk\"\npoll = 10\n").unwrap();
    let f = file.to_str().unwrap();
    let lang = |line: &str, vars: &[(&str, &str)]| lang_before_parse(&argv(line), &env_of(vars));
    assert_eq!(lang("--bogus", &[("LOTWATCH_CONFIG", f)]), Lang::Kk);
    assert_eq!(lang(&format!("--config {f} --bogus"), &[]), Lang::Kk);
    assert_eq!(
        lang(
            "--bogus",
            &[("LOTWATCH_CONFIG", f), ("LOTWATCH_LANG", "ru")]
        ),
        Lang::Ru
    );
    // A file that does not parse says nothing here.
    std::fs::write(&file, "language = \n").unwrap();
    assert_eq!(
        lang("--bogus", &[("LOTWATCH_CONFIG", f), ("LC_ALL", "C")]),
        Lang::En
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn english_is_clap_s_own_text() {
    for line in [
        "--bogus",
        "--poll 10",
        "--theme xx",
        "--url",
        "--lang ru snapshot",
    ] {
        assert_eq!(usage_error(&parse_error(line), Lang::En), None, "{line}");
    }
    // The values lotwatch checks itself read as they did.
    let e = parse_error("--poll 10").render().to_string();
    assert!(
        e.starts_with("error: invalid value '10' for '--poll <MS>': 10 ms is too short: give 250 or more (milliseconds, e.g. --poll 1000)\n"),
        "{e}"
    );
    let e = parse_error("--alert-minutes 0").render().to_string();
    assert!(
        e.starts_with(
            "error: invalid value '0' for '--alert-minutes <MIN>': 0 is not in 1..=1440\n"
        ),
        "{e}"
    );
    let e = parse_error("serve --lots abc").render().to_string();
    assert!(e.contains(": invalid digit found in string\n"), "{e}");
    let e = parse_error("--currency XYZ").render().to_string();
    assert!(
        e.contains(": unknown currency \"XYZ\": use KZT, USD, EUR or CNY\n"),
        "{e}"
    );
}

fn said(line: &str, lang: Lang) -> String {
    usage_error(&parse_error(line), lang).expect("said in the language")
}

#[test]
fn usage_errors_in_russian_and_kazakh() {
    let ru = said("--bogus", Lang::Ru);
    assert!(
        ru.starts_with("ошибка: неизвестный параметр '--bogus'\n"),
        "{ru}"
    );
    assert!(ru.contains("\n\nИспользование: lotwatch"), "{ru}");
    assert!(ru.ends_with("\n\nПодробнее: '--help'.\n"), "{ru}");
    let kk = said("--bogus", Lang::Kk);
    assert!(
        kk.starts_with("қате: белгісіз параметр '--bogus'\n"),
        "{kk}"
    );
    assert!(kk.contains("\n\nҚолданылуы: lotwatch"), "{kk}");
    // A similar option is named.
    let ru = said("--pol 1000", Lang::Ru);
    assert!(
        ru.contains("подсказка: есть похожий параметр: '--poll'"),
        "{ru}"
    );
    // Missing and invalid values, with the values there are.
    let ru = said("--url", Lang::Ru);
    assert!(
        ru.starts_with("ошибка: для '--url <URL>' нужно значение, но оно не задано"),
        "{ru}"
    );
    let kk = said("--theme xx", Lang::Kk);
    assert!(
        kk.starts_with("қате: '--theme <THEME>' үшін 'xx' мәні жарамсыз\n  [рұқсат етілген мәндер: terminal, dark, light, high-contrast]"),
        "{kk}"
    );
    // A monitor option before a subcommand: where it goes.
    let ru = said("--lang ru snapshot", Lang::Ru);
    assert!(
        ru.starts_with(
            "ошибка: подкоманду 'snapshot' нельзя использовать вместе с '--lang <LANG>'"
        ),
        "{ru}"
    );
    assert!(ru.contains("укажите --lang после `snapshot`"), "{ru}");
    assert!(!ru.contains("the options"), "{ru}");
    let kk = said("export --journal a --journal b", Lang::Kk);
    assert!(
        kk.contains("'--journal <PATH>' параметрін екі рет беруге болмайды"),
        "{kk}"
    );
    let ru = said("export", Lang::Ru);
    assert!(
        ru.contains("не заданы обязательные параметры:\n  --journal <PATH>"),
        "{ru}"
    );
    // Two usage lines, both under the heading.
    let ru = said("--url x watch", Lang::Ru);
    assert!(
        ru.contains("Использование: lotwatch [OPTIONS]\n               lotwatch <COMMAND>"),
        "{ru}"
    );
}

#[test]
fn values_lotwatch_checks_are_said_in_the_language() {
    let ru = said("--poll 10", Lang::Ru);
    assert!(
        ru.starts_with("ошибка: недопустимое значение '10' для '--poll <MS>': 10 мс — слишком коротко: нужно 250 или больше"),
        "{ru}"
    );
    let kk = said("--poll 10", Lang::Kk);
    assert!(
        kk.contains("10 мс тым қысқа: 250 не одан көп беріңіз"),
        "{kk}"
    );
    let ru = said("--alert-minutes 0", Lang::Ru);
    assert!(ru.contains("0 — вне допустимого: от 1 до 1440"), "{ru}");
    let kk = said("serve --history 0", Lang::Kk);
    assert!(
        kk.contains("0 рұқсат етілген аралықтан тыс: 1-ден 1000000-ге дейін"),
        "{kk}"
    );
    // The parser's English never shows through.
    let ru = said("--skew-threshold abc", Lang::Ru);
    assert!(
        ru.ends_with("это не целое неотрицательное число\n\nПодробнее: '--help'.\n"),
        "{ru}"
    );
    let kk = said("--metrics nowhere", Lang::Kk);
    assert!(kk.contains("ХОСТ:ПОРТ түріндегі мекенжай емес"), "{kk}");
    let ru = said("replay --journal j --speed 0", Lang::Ru);
    assert!(ru.contains("\"0\" — не скорость от 0 до 1024"), "{ru}");
}

#[test]
fn journal_errors_in_each_language() {
    let corrupt = JournalError::Corrupt {
        path: "day.txt".into(),
        detail: "file is not a database".into(),
    };
    assert_eq!(journal_error(Lang::En, &corrupt), corrupt.to_string());
    let ru = journal_error(Lang::Ru, &corrupt);
    assert!(
        ru.starts_with("журнал day.txt повреждён или это не журнал lotwatch (файл не является базой данных SQLite)"),
        "{ru}"
    );
    let kk = journal_error(Lang::Kk, &corrupt);
    assert!(kk.contains("(файл SQLite дерекқоры емес)"), "{kk}");
    let foreign = VerifyError::NotAJournal("other.db".into());
    assert_eq!(verify_error(Lang::En, &foreign), foreign.to_string());
    assert_eq!(
        verify_error(Lang::Kk, &foreign),
        "other.db lotwatch журналы емес (онда басқа кестелер бар)"
    );
    let none = Tool::NoSuchAuction {
        wanted: "x".into(),
        held: vec![],
    };
    assert_eq!(
        tool(Lang::En, none.clone()),
        "the journal holds no auction \"x\"; it holds: none"
    );
    assert_eq!(
        tool(Lang::Ru, none),
        "в журнале нет аукциона \"x\"; в нём: ничего"
    );
}
