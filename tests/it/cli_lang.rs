//! The command line's own errors in the interface language (issue 29.6):
//! clap's usage errors, a value out of its range, `snapshot` against a
//! platform that is not there, `export` and `verify` on a file that is no
//! journal, in Russian and Kazakh, chosen by `--lang`, `LOTWATCH_LANG` or the
//! config file; English exactly as before.

use crate::support::server::BIN;
use std::process::{Command, Output, Stdio};

/// The binary with no config file and an English locale, plus `env`.
fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(BIN);
    c.args(args)
        .env("LOTWATCH_CONFIG", "/dev/null")
        .env_remove("LOTWATCH_LANG")
        .env("LC_ALL", "C")
        .stdin(Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `args` and checks the exit code and that stderr has each of `says`.
fn check(args: &[&str], env: &[(&str, &str)], code: i32, says: &[&str]) {
    let o = run(args, env);
    let e = err(&o);
    assert_eq!(o.status.code(), Some(code), "{args:?} {env:?}: {e}");
    for s in says {
        assert!(e.contains(s), "{args:?} {env:?}: {s:?} not in {e}");
    }
    // (`watch` prints its link records before it gives up.)
    if args.first() != Some(&"watch") {
        assert!(o.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn usage_and_range_errors_follow_the_language() {
    check(
        &["--lang", "ru", "--bogus"],
        &[],
        2,
        &[
            "ошибка: неизвестный параметр '--bogus'",
            "Подробнее: '--help'.",
        ],
    );
    check(
        &["--bogus", "--lang=kk"],
        &[],
        2,
        &["қате: белгісіз параметр '--bogus'", "Толығырақ: '--help'."],
    );
    check(
        &["--poll", "10"],
        &[("LOTWATCH_LANG", "ru")],
        2,
        &["недопустимое значение '10' для '--poll <MS>': 10 мс — слишком коротко"],
    );
    check(
        &["--lang", "kk", "--alert-minutes", "0"],
        &[],
        2,
        &[
            "'--alert-minutes <MIN>' үшін '0' мәні жарамсыз: 0 рұқсат етілген аралықтан тыс: 1-ден 1440-ге дейін",
        ],
    );
    check(
        &["serve", "--lang", "ru", "--lots", "0"],
        &[],
        2,
        &["ошибка: неизвестный параметр '--lang'"],
    );
    // The config file's language, under the environment's.
    let dir = crate::support::journal_day::temp_dir("cli-lang-config");
    let cfg = dir.join("config.toml");
    std::fs::write(&cfg, "language = \"kk\"\n").unwrap();
    let cfg = cfg.to_string_lossy();
    check(
        &["--theme", "xx"],
        &[("LOTWATCH_CONFIG", &cfg)],
        2,
        &[
            "қате: '--theme <THEME>' үшін 'xx' мәні жарамсыз",
            "[рұқсат етілген мәндер: ",
        ],
    );
    check(
        &["--theme", "xx"],
        &[("LOTWATCH_CONFIG", &cfg), ("LOTWATCH_LANG", "ru")],
        2,
        &["ошибка: недопустимое значение 'xx' для '--theme <THEME>'"],
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn snapshot_export_and_verify_say_their_errors_in_the_language() {
    // Port 1 on loopback: nothing listens.
    let url = "http://127.0.0.1:1";
    check(
        &["snapshot", "--url", url, "--lang", "ru"],
        &[],
        1,
        &["lotwatch snapshot: нет соединения: в соединении отказано (проверьте URL"],
    );
    check(
        &["snapshot", "--url", url],
        &[("LOTWATCH_LANG", "kk")],
        1,
        &["lotwatch snapshot: қосылу мүмкін емес: қосылудан бас тартылды"],
    );
    check(&["snapshot", "--lang", "kk"], &[], 2, &["--url URL қажет"]);
    let dir = crate::support::journal_day::temp_dir("cli-lang-journal");
    let text = dir.join("notes.txt");
    std::fs::write(&text, "not a journal, just some words of text\n".repeat(20)).unwrap();
    let text = text.to_string_lossy();
    check(
        &["export", "--journal", &text, "--lang", "ru"],
        &[],
        3,
        &[
            "повреждён или это не журнал lotwatch (файл не является базой данных SQLite): проверьте путь",
        ],
    );
    check(
        &["export", "--journal", &text],
        &[("LOTWATCH_LANG", "kk")],
        3,
        &["журналы бүлінген немесе lotwatch журналы емес (файл SQLite дерекқоры емес)"],
    );
    check(
        &["verify", "--journal", &text, "--lang", "ru"],
        &[],
        3,
        &["не читается как журнал: файл не является базой данных SQLite"],
    );
    check(
        &["verify", "--lang", "kk", "--journal", &text],
        &[],
        3,
        &["журнал ретінде оқылмайды: файл SQLite дерекқоры емес"],
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn english_is_as_it_was() {
    let o = run(&["--bogus"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        err(&o),
        "error: unexpected argument '--bogus' found\n\nUsage: lotwatch [OPTIONS]\n       lotwatch <COMMAND>\n\nFor more information, try '--help'.\n"
    );
    let o = run(
        &["--poll", "10", "--lang", "en"],
        &[("LOTWATCH_LANG", "ru")],
    );
    assert_eq!(
        err(&o),
        "error: invalid value '10' for '--poll <MS>': 10 ms is too short: give 250 or more (milliseconds, e.g. --poll 1000)\n\nFor more information, try '--help'.\n"
    );
    let o = run(&["--alert-minutes", "0"], &[]);
    assert_eq!(
        err(&o),
        "error: invalid value '0' for '--alert-minutes <MIN>': 0 is not in 1..=1440\n\nFor more information, try '--help'.\n"
    );
    let o = run(&["snapshot", "--url", "http://127.0.0.1:1"], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        err(&o),
        "lotwatch snapshot: cannot connect: connection refused (check the URL and that the platform is up)\n"
    );
    let o = run(&["verify", "--journal", "/nonexistent/day.sqlite"], &[]);
    assert_eq!(o.status.code(), Some(3));
    assert_eq!(
        err(&o),
        "lotwatch: journal /nonexistent/day.sqlite does not exist (check the path)\n"
    );
}

#[test]
fn the_detail_inside_a_said_line_is_said_too() {
    let dir = crate::support::journal_day::temp_dir("cli-lang-detail");
    let log = dir.join("l.log");
    let log = log.to_string_lossy();
    // A URL, a rate and a CA file the monitor cannot use: its own words in
    // the language, not the parser's English.
    check(
        &[
            "--lang",
            "ru",
            "--url",
            "localhost:8081",
            "--log-file",
            &log,
        ],
        &[],
        2,
        &[
            "lotwatch: настройки: неверный URL \"localhost:8081\": нужна схема: напишите http://localhost:8081",
        ],
    );
    check(
        &["--url", "http://x:99999", "--log-file", &log],
        &[("LOTWATCH_LANG", "kk")],
        2,
        &["баптаулар: URL қате \"http://x:99999\": порт нөмірі қате"],
    );
    check(
        &["--lang", "kk", "--rate", "USD=abc", "--log-file", &log],
        &[],
        2,
        &["--rate \"USD=abc\": \"abc\" 519.53 сияқты оң ондық сан емес"],
    );
    check(
        &[
            "snapshot",
            "--lang",
            "ru",
            "--url",
            "http://127.0.0.1:1",
            "--ca-cert",
            "/nonexistent/ca.pem",
        ],
        &[],
        2,
        &["настройки: сертификат центра /nonexistent/ca.pem не прочитан: файл не найден"],
    );
    // A journal's own detail inside the protocol's and the replay's line.
    let text = dir.join("notes.txt");
    std::fs::write(&text, "not a journal, just some words of text\n".repeat(20)).unwrap();
    let text = text.to_string_lossy();
    check(
        &["protocol", "--journal", &text, "--lang", "kk"],
        &[],
        3,
        &["журналы бүлінген немесе lotwatch журналы емес (файл SQLite дерекқоры емес)"],
    );
    // The protocol is English unless --lang says otherwise; its errors
    // follow the interface language.
    check(
        &["protocol", "--journal", &text],
        &[("LOTWATCH_LANG", "ru")],
        3,
        &["повреждён или это не журнал lotwatch"],
    );
    check(
        &["protocol", "--journal", &text, "--lang", "en"],
        &[("LOTWATCH_LANG", "ru")],
        3,
        &["is damaged or is not a lotwatch journal (file is not a database)"],
    );
    check(
        &["replay", "--journal", &text, "--lang", "ru"],
        &[],
        3,
        &["повреждён или это не журнал lotwatch (файл не является базой данных SQLite)"],
    );
    // A busy --metrics port, from the monitor and from watch.
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap().to_string();
    let url = "http://127.0.0.1:1";
    check(
        &[
            "--lang",
            "ru",
            "--url",
            url,
            "--metrics",
            &addr,
            "--log-file",
            &log,
        ],
        &[],
        2,
        &[&format!(
            "метрики не отдаются на {addr}: адрес уже занят (укажите другой --metrics ADDR)"
        )],
    );
    check(
        &[
            "watch",
            "--lang",
            "kk",
            "--url",
            url,
            "--metrics",
            &addr,
            "--log-file",
            &log,
        ],
        &[],
        2,
        &[&format!(
            "метрикалар {addr} мекенжайында берілмейді: мекенжай бос емес"
        )],
    );
    // A log file that cannot be made; a monitor without a terminal.
    check(
        &["--lang", "kk", "--log-file", "/proc/nonexistent/l.log"],
        &[],
        1,
        &[
            "lotwatch: лог каталогы /proc/nonexistent жасалмады: табылмады (--log-file арқылы басқасын беріңіз)",
        ],
    );
    check(
        &["watch", "--log-file", "/proc/nonexistent/l.log"],
        &[("LOTWATCH_LANG", "ru")],
        2,
        &["lotwatch watch: каталог лога /proc/nonexistent не создан: не найдено"],
    );
    check(
        &["--lang", "ru", "--url", url, "--log-file", &log],
        &[],
        1,
        &["lotwatch: этот терминал не подходит: "],
    );
    // watch: a filter that does not parse, a platform that is not there.
    check(
        &[
            "watch",
            "--lang",
            "ru",
            "--filter",
            "bid>abc",
            "--log-file",
            &log,
        ],
        &[],
        2,
        &["lotwatch watch: неверный --filter: условие 1 (поз. 5): \"abc\" — не сумма"],
    );
    check(
        &["watch", "--url", url, "--log-file", &log],
        &[("LOTWATCH_LANG", "kk")],
        1,
        &[
            "lotwatch watch: платформаға жету мүмкін болмады: қосылу мүмкін емес: қосылудан бас тартылды",
        ],
    );
    for (args, english) in [
        (
            vec!["protocol", "--journal", &*text],
            "(file is not a database)",
        ),
        (
            vec!["--url", url, "--metrics", &*addr, "--log-file", &*log],
            &*format!(
                "lotwatch: cannot serve metrics on {addr}: Address already in use (os error 98) (give another --metrics ADDR)\n"
            ),
        ),
        (
            vec!["--log-file", "/proc/nonexistent/l.log"],
            "lotwatch: cannot create the log directory /proc/nonexistent: No such file or directory (os error 2) (choose another with --log-file)\n",
        ),
        (
            vec!["--url", url, "--log-file", &*log],
            "lotwatch: cannot use this terminal: ",
        ),
        (
            vec!["watch", "--filter", "bid>abc", "--log-file", &*log],
            "lotwatch watch: bad --filter: term 1 (col 5): \"abc\" is not an amount",
        ),
        (
            vec!["watch", "--url", url, "--log-file", &*log],
            "lotwatch watch: cannot reach the platform: cannot connect: connection refused",
        ),
        (
            vec!["--url", "localhost:8081", "--log-file", &*log],
            "lotwatch: configuration: bad URL \"localhost:8081\": it needs a scheme",
        ),
    ] {
        let o = run(&args, &[]);
        assert!(err(&o).contains(english), "{args:?}: {}", err(&o));
    }
    let _ = std::fs::remove_dir_all(dir);
}
