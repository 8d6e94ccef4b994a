use super::*;
use crate::shell::cli::{Cli, RatesArg};
use clap::{CommandFactory, FromArgMatches};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::HashMap;

/// A private temporary directory for one test's files.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!(
            "lotwatch-cfg-{name}-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::create_dir_all(&p).expect("create temp dir");
        TempDir(p)
    }

    fn write(&self, name: &str, text: &str, mode: u32) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, text).expect("write config");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).expect("chmod");
        }
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Resolves a command line with the given environment (no process env).
fn resolve_with(argv: &[&str], env: &[(&str, &str)]) -> Result<Settings, ConfigError> {
    let env: HashMap<String, String> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let matches = Cli::command()
        .try_get_matches_from(std::iter::once("lotwatch").chain(argv.iter().copied()))
        .expect("test command line parses");
    let cli = Cli::from_arg_matches(&matches).expect("matches convert");
    // Never read the developer's own config file: point at an empty one
    // unless the test names a file.
    resolve(&matches, cli.monitor, &|k| env.get(k).cloned())
}

fn with_file(
    dir: &TempDir,
    text: &str,
    argv: &[&str],
    env: &[(&str, &str)],
) -> Result<Settings, ConfigError> {
    let p = dir.write("config.toml", text, 0o600);
    let ps = p.to_string_lossy().into_owned();
    let mut args = vec!["--config", ps.as_str()];
    args.extend_from_slice(argv);
    resolve_with(&args, env)
}

fn expect_invalid(
    r: Result<Settings, ConfigError>,
    path: &Path,
    line: usize,
    key: &str,
    expected: &str,
) {
    match r {
        Err(ConfigError::Invalid {
            path: p,
            line: l,
            key: k,
            problem,
        }) => {
            assert_eq!(p, path);
            assert_eq!(l, line, "line of {k}: {problem}");
            assert_eq!(k, key, "{problem}");
            assert!(problem.contains(expected), "{problem:?} lacks {expected:?}");
        }
        other => panic!("expected an invalid-file error, got {other:?}"),
    }
}

#[test]
fn precedence_default_file_env_flag() {
    let dir = TempDir::new("prec");
    let file = "poll = 2000\nme = \"P-01\"\ncurrency = \"EUR\"\ntheme = \"dark\"\nurl = \"http://file.example/\"\n";
    // File over defaults.
    let s = with_file(&dir, file, &[], &[]).expect("ok");
    assert_eq!(s.args.poll, 2000);
    assert_eq!(s.args.me.as_deref(), Some("P-01"));
    assert_eq!(s.args.currency, Some(Currency::Eur));
    assert_eq!(s.theme_name, ThemeName::Dark);
    assert_eq!(s.args.url.as_deref(), Some("http://file.example/"));
    // Environment over file.
    let env = [
        ("LOTWATCH_POLL", "3000"),
        ("LOTWATCH_ME", "P-02"),
        ("LOTWATCH_THEME", "light"),
    ];
    let s = with_file(&dir, file, &[], &env).expect("ok");
    assert_eq!(s.args.poll, 3000);
    assert_eq!(s.args.me.as_deref(), Some("P-02"));
    assert_eq!(s.theme_name, ThemeName::Light);
    assert_eq!(s.args.currency, Some(Currency::Eur), "untouched by env");
    let s = with_file(
        &dir,
        "unreachable_after = 90\n",
        &[],
        &[("LOTWATCH_SKEW_THRESHOLD", "500")],
    )
    .expect("ok");
    assert_eq!((s.args.unreachable_after, s.args.skew_threshold), (90, 500));
    // Flags over environment, even when the flag repeats the default value.
    let s = with_file(
        &dir,
        file,
        &["--poll", "1000", "--me", "P-03", "--theme", "high-contrast"],
        &env,
    )
    .expect("ok");
    assert_eq!(s.args.poll, 1000);
    assert_eq!(s.args.me.as_deref(), Some("P-03"));
    assert_eq!(s.theme_name, ThemeName::HighContrast);
    // No file, no env: the defaults.
    let s = resolve_with(&["--config", "/dev/null"], &[]).expect("empty file");
    assert_eq!(s.args.poll, 1000);
    assert_eq!(s.theme_name, ThemeName::Terminal);
}

#[test]
fn mouse_default_file_env_flag() {
    let dir = TempDir::new("mouse");
    let on = |s: Settings| !s.args.no_mouse;
    assert!(on(
        resolve_with(&["--config", "/dev/null"], &[]).expect("ok")
    ));
    assert!(!on(
        with_file(&dir, "mouse = false\n", &[], &[]).expect("ok")
    ));
    let env_on = [("LOTWATCH_MOUSE", "on")];
    assert!(on(
        with_file(&dir, "mouse = false\n", &[], &env_on).expect("ok")
    ));
    assert!(!on(with_file(
        &dir,
        "mouse = true\n",
        &["--no-mouse"],
        &env_on
    )
    .expect("ok")));
    let bad = with_file(&dir, "mouse = \"yes\"\n", &[], &[]);
    let p = dir.0.join("config.toml");
    expect_invalid(bad, &p, 1, "mouse", "bool");
}

#[test]
fn lists_tables_and_paths_come_through() {
    let dir = TempDir::new("lists");
    let file = "watchlist = [\"401102\", \"401103\"]\nrates = \"fixed\"\njournal = \"/tmp/j.sqlite\"\nalert_minutes = 7\n[fixed_rates]\nUSD = \"519.53\"\n";
    let s = with_file(&dir, file, &[], &[]).expect("ok");
    assert_eq!(s.args.watchlist, vec!["401102", "401103"]);
    assert_eq!(s.args.rates, RatesArg::Fixed);
    assert_eq!(s.args.fixed_rates, vec!["USD=519.53"]);
    assert_eq!(s.args.journal.as_deref(), Some(Path::new("/tmp/j.sqlite")));
    assert_eq!(
        s.args.alert_minutes, 7,
        "the file's alert_minutes reaches the monitor"
    );
    let s = with_file(
        &dir,
        file,
        &["--watch", "9"],
        &[("LOTWATCH_RATE", "EUR=601.12,CNY=72.31")],
    )
    .expect("ok");
    assert_eq!(s.args.watchlist, vec!["9"]);
    assert_eq!(s.args.fixed_rates, vec!["CNY=72.31", "EUR=601.12"]);
}

#[test]
fn config_path_from_env_and_missing_named_file_is_an_error() {
    let dir = TempDir::new("envpath");
    let p = dir.write("c.toml", "poll = 4000\n", 0o600);
    let s = resolve_with(&[], &[("LOTWATCH_CONFIG", &p.to_string_lossy())]).expect("ok");
    assert_eq!(s.args.poll, 4000);
    assert_eq!(s.config_file.as_deref(), Some(p.as_path()));
    let missing = dir.0.join("nope.toml");
    match resolve_with(&["--config", &missing.to_string_lossy()], &[]) {
        Err(ConfigError::Io { path, .. }) => assert_eq!(path, missing),
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_error_names_file_line_and_key() {
    let dir = TempDir::new("errs");
    let cases: [(&str, usize, &str, &str); 10] = [
        ("[fixed_rates]\nUSD = \"abc\"\n", 1, "fixed_rates", "abc"),
        ("url = \"x\"\npoll = 100\n", 2, "poll", "at least 250"),
        ("pol = 1000\n", 1, "pol", "unknown field"),
        (
            "currency = \"GBP\"\n",
            1,
            "currency",
            "KZT, USD, EUR or CNY",
        ),
        ("theme = \"neon\"\n", 1, "theme", "high-contrast"),
        ("rates = \"bank\"\n", 1, "rates", "platform"),
        ("watchlist = \"401102\"\n", 1, "watchlist", "sequence"),
        (
            "# c\n[keys]\nrefrsh = [\"r\"]\n",
            3,
            "keys.refrsh",
            "unknown action",
        ),
        (
            "[keys]\nquit = [\"q\", \"hyper-q\"]\n",
            2,
            "keys.quit",
            "unknown key \"hyper-q\"",
        ),
        ("insecure = \"yes\"\n", 1, "insecure", "bool"),
    ];
    for (text, line, key, expected) in cases {
        let p = dir.write("config.toml", text, 0o600);
        let r = with_file(&dir, text, &[], &[]);
        expect_invalid(r, &p, line, key, expected);
    }
    // Bad TOML syntax: still the file and line.
    let text = "url = \"x\"\nme = \n";
    let p = dir.write("config.toml", text, 0o600);
    match with_file(&dir, text, &[], &[]) {
        Err(ConfigError::Invalid { path, line, .. }) => {
            assert_eq!(path, p);
            assert_eq!(line, 2);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn bad_environment_values_name_the_variable() {
    for (var, val) in [
        ("LOTWATCH_POLL", "fast"),
        ("LOTWATCH_CURRENCY", "GBP"),
        ("LOTWATCH_THEME", "neon"),
        ("LOTWATCH_RATES", "bank"),
        ("LOTWATCH_INSECURE", "maybe"),
        ("LOTWATCH_RATE", "USD"),
    ] {
        match resolve_with(&["--config", "/dev/null"], &[(var, val)]) {
            Err(ConfigError::Env { var: v, .. }) => assert_eq!(v, var),
            other => panic!("{var}: {other:?}"),
        }
    }
}

/// Issue 27.4: a file holding a database password (in the journal's URL,
/// even one with `/` in it) is refused when others can read it, naming the
/// chmod, before anything else; private, it is read. `FileConfig`'s Debug
/// never shows the token (27.8).
#[test]
fn readable_file_with_a_database_password_is_refused_and_debug_hides_the_token() {
    let dir = TempDir::new("dbpw");
    let text = "journal = \"postgres://bob:pa/ss-CANARY@db.example/day?sslmode=require\"\n";
    for mode in [0o644, 0o640, 0o604] {
        let p = dir.write("config.toml", text, mode);
        let err = resolve_with(&["--config", &p.to_string_lossy()], &[]).expect_err("refused");
        let msg = err.to_string();
        assert!(msg.contains("holds a database password"), "{msg}");
        assert!(msg.contains(&format!("chmod 600 {}", p.display())), "{msg}");
        assert!(!msg.contains("CANARY"), "{msg}");
    }
    let p = dir.write("config.toml", text, 0o600);
    assert!(resolve_with(&["--config", &p.to_string_lossy()], &[]).is_ok());
    // A URL without a password is no secret.
    let p = dir.write(
        "config.toml",
        "journal = \"postgres://bob@db/day\"\n",
        0o644,
    );
    assert!(resolve_with(&["--config", &p.to_string_lossy()], &[]).is_ok());
    let cfg = parse(Path::new("x.toml"), "token = \"CANARY-debug-1\"\n").expect("parses");
    assert!(!format!("{cfg:?}").contains("CANARY-debug-1"), "{cfg:?}");
    assert!(!format!("{cfg:#?}").contains("CANARY-debug-1"));
}

#[test]
fn readable_token_file_is_refused_with_the_chmod_and_token_never_shown() {
    let dir = TempDir::new("tok");
    let canary = "CANARY-7f3a9";
    let p = dir.write("config.toml", &format!("token = \"{canary}\"\n"), 0o644);
    let err = resolve_with(&["--config", &p.to_string_lossy()], &[]).expect_err("refused");
    let msg = err.to_string();
    assert!(msg.contains(&format!("chmod 600 {}", p.display())), "{msg}");
    assert!(!msg.contains(canary), "{msg}");
    // Private: accepted, and the token is used; LOTWATCH_TOKEN wins over it.
    let p = dir.write("config.toml", &format!("token = \"{canary}\"\n"), 0o600);
    let s = resolve_with(&["--config", &p.to_string_lossy()], &[]).expect("ok");
    assert_eq!(s.token, Token::new(canary));
    assert!(!format!("{s:?}").contains(canary));
    let s = resolve_with(
        &["--config", &p.to_string_lossy()],
        &[("LOTWATCH_TOKEN", "other")],
    )
    .expect("ok");
    assert_eq!(s.token, Token::new("other"));
    // A readable file without a token is fine.
    let p = dir.write("config.toml", "poll = 2000\n", 0o644);
    assert!(resolve_with(&["--config", &p.to_string_lossy()], &[]).is_ok());
    // A wrongly typed or misspelt token never echoes its value.
    for text in [
        format!("token = [\"{canary}\"]\n"),
        format!("token = {{ v = \"{canary}\" }}\n"),
        format!("tokn = \"{canary}\"\n"),
    ] {
        let p = dir.write("config.toml", &text, 0o600);
        let err = resolve_with(&["--config", &p.to_string_lossy()], &[]).expect_err("invalid");
        assert!(!err.to_string().contains(canary), "{err}");
    }
}

#[test]
fn default_file_parses_back_to_the_defaults() {
    let dir = TempDir::new("default");
    let text = default_file();
    let from_file = with_file(&dir, &text, &[], &[]).expect("the default file is valid");
    let mut defaults = resolve_with(&["--config", "/dev/null"], &[]).expect("ok");
    defaults.config_file = from_file.config_file.clone();
    let mut from_file_args = from_file.clone();
    // The --config flag itself differs; everything else must be equal.
    from_file_args.args.config = None;
    defaults.args.config = None;
    assert_eq!(from_file_args, defaults);
    // And it really lists every action and every key of the file.
    for a in Action::BINDABLE {
        assert!(
            text.contains(&format!("\n{} = [", a.name())),
            "{}",
            a.name()
        );
    }
    for key in [
        "url",
        "poll",
        "currency",
        "me",
        "rates",
        "rates_url",
        "fixed_rates",
        "watchlist",
        "theme",
        "language",
        "sort",
        "alert_minutes",
        "ca_cert",
        "insecure",
        "log_file",
        "journal",
        "no_journal",
        "mouse",
        "notify",
        "notify_always",
        "metrics",
        "token",
    ] {
        assert!(
            text.contains(&format!("{key} =")) || text.contains(&format!("[{key}]")),
            "{key}"
        );
    }
}

fn press(km: &Keymap, code: KeyCode, mods: KeyModifiers) -> Option<Action> {
    km.action(&KeyEvent::new(code, mods), crate::app::Mode::Normal)
}

#[test]
fn keys_table_rebinds_and_unbinds() {
    let dir = TempDir::new("keys");
    let text = "[keys]\nrefresh = [\"ctrl-r\", \"F5\"]\nquit = []\nhelp = [\"F1\", \"?\"]\n";
    let s = with_file(&dir, text, &[], &[]).expect("ok");
    let km = &s.keymap;
    assert_eq!(
        press(km, KeyCode::F(5), KeyModifiers::NONE),
        Some(Action::Refresh)
    );
    assert_eq!(
        press(km, KeyCode::Char('r'), KeyModifiers::CONTROL),
        Some(Action::Refresh)
    );
    assert_eq!(press(km, KeyCode::Char('q'), KeyModifiers::NONE), None);
    // Ctrl-C quits whatever `quit` is bound to.
    assert_eq!(
        press(km, KeyCode::Char('c'), KeyModifiers::CONTROL),
        Some(Action::Quit)
    );
    assert_eq!(
        press(km, KeyCode::F(1), KeyModifiers::NONE),
        Some(Action::Help)
    );
    assert_eq!(km.label(Action::Quit), None);
    assert_eq!(km.label(Action::Refresh).as_deref(), Some("Ctrl-R/F5"));
    let help = km.help_entries();
    assert!(
        !help
            .iter()
            .any(|(_, d)| *d == (crate::ui::i18n::Lang::En.texts().action)(Action::Quit))
    );
    assert!(help.iter().any(
        |(l, d)| l == "F1/?" && *d == (crate::ui::i18n::Lang::En.texts().action)(Action::Help)
    ));
    // Binding a key taken by another action moves it.
    let s = with_file(&dir, "[keys]\nsort_next = [\"j\"]\n", &[], &[]).expect("ok");
    assert_eq!(
        press(&s.keymap, KeyCode::Char('j'), KeyModifiers::NONE),
        Some(Action::SortNext)
    );
    assert_eq!(s.keymap.label(Action::Down).as_deref(), Some("↓"));
}

#[test]
fn no_color_needs_a_non_empty_value() {
    let s = resolve_with(&["--config", "/dev/null"], &[("NO_COLOR", "1")]).expect("ok");
    assert!(s.no_color);
    let s = resolve_with(&["--config", "/dev/null"], &[("NO_COLOR", "")]).expect("ok");
    assert!(!s.no_color);
}

#[test]
fn language_precedence_file_env_flag_then_locale() {
    let dir = TempDir::new("lang");
    let none = ["--config", "/dev/null"];
    // Nothing set: English, whatever this machine's locale is.
    assert_eq!(resolve_with(&none, &[]).expect("ok").lang, Lang::En);
    // The locale: LC_ALL, then LC_MESSAGES, then LANG.
    let s = resolve_with(&none, &[("LANG", "ru_RU.UTF-8")]).expect("ok");
    assert_eq!(s.lang, Lang::Ru);
    let s = resolve_with(
        &none,
        &[("LANG", "ru_RU.UTF-8"), ("LC_MESSAGES", "kk_KZ.UTF-8")],
    )
    .expect("ok");
    assert_eq!(s.lang, Lang::Kk);
    let s = resolve_with(&none, &[("LANG", "kk_KZ.UTF-8"), ("LC_ALL", "C")]).expect("ok");
    assert_eq!(s.lang, Lang::En);
    // The file over the locale, the environment over the file, the flag over all.
    let locale = ("LC_ALL", "en_US.UTF-8");
    let s = with_file(&dir, "language = \"kk\"\n", &[], &[locale]).expect("ok");
    assert_eq!(s.lang, Lang::Kk);
    let s = with_file(
        &dir,
        "language = \"kk\"\n",
        &[],
        &[locale, ("LOTWATCH_LANG", "ru")],
    )
    .expect("ok");
    assert_eq!(s.lang, Lang::Ru);
    let s = with_file(
        &dir,
        "language = \"kk\"\n",
        &["--lang", "en"],
        &[("LANG", "ru_RU.UTF-8"), ("LOTWATCH_LANG", "ru")],
    )
    .expect("ok");
    assert_eq!(s.lang, Lang::En);
}

#[test]
fn a_bad_language_names_the_accepted_values() {
    let dir = TempDir::new("badlang");
    let r = with_file(&dir, "theme = \"dark\"\nlanguage = \"de\"\n", &[], &[]);
    let p = dir.0.join("config.toml");
    expect_invalid(r, &p, 2, "language", "`en`, `ru`, `kk`");
    match resolve_with(&["--config", "/dev/null"], &[("LOTWATCH_LANG", "xx")]) {
        Err(ConfigError::Env { var, problem }) => {
            assert_eq!(var, "LOTWATCH_LANG");
            assert!(problem.contains("en, ru or kk"), "{problem}");
        }
        other => panic!("expected an environment error, got {other:?}"),
    }
    let e = Cli::command()
        .try_get_matches_from(["lotwatch", "--lang", "xx"])
        .expect_err("xx is not a language")
        .to_string();
    assert!(
        e.contains("--lang") && e.contains("[possible values: en, ru, kk]"),
        "{e}"
    );
}

#[test]
fn locate_finds_line_and_dotted_key() {
    let text = "a = 1\n[keys]\nquit = [\"x\"]\n";
    let at = text.find("[\"x\"]").expect("present");
    assert_eq!(locate(text, at), (3, "keys.quit".to_string()));
    assert_eq!(locate(text, 0), (1, "a".to_string()));
}

#[test]
fn sort_from_file_and_environment() {
    let dir = TempDir::new("sort");
    let s = with_file(&dir, "sort = \"bid desc\"\n", &[], &[]).expect("ok");
    assert_eq!(s.sort, Some((SortKey::HighBid, true)));
    let s = with_file(
        &dir,
        "sort = \"bid desc\"\n",
        &[],
        &[("LOTWATCH_SORT", "time_left")],
    )
    .expect("ok");
    assert_eq!(s.sort, Some((SortKey::TimeLeft, false)));
    let text = "me = \"P-01\"\nsort = \"price up\"\n";
    let p = dir.write("config.toml", text, 0o600);
    expect_invalid(with_file(&dir, text, &[], &[]), &p, 2, "sort", "high_bid");
    // sort_by_* actions are bindable by name
    let s = with_file(&dir, "[keys]\nsort_by_region = [\"F5\"]\n", &[], &[]).expect("ok");
    assert_eq!(
        s.keymap.label(Action::SortBy(SortKey::Region)).as_deref(),
        Some("F5")
    );
}

#[test]
fn config_errors_in_the_interface_language() {
    let env_err = ConfigError::Env {
        var: "LOTWATCH_LANG".into(),
        problem: "\"xx\"".into(),
    };
    assert_eq!(env_err.message(Lang::En), env_err.to_string());
    assert!(
        env_err
            .message(Lang::Ru)
            .starts_with("переменная окружения LOTWATCH_LANG")
    );
    assert!(env_err.message(Lang::Kk).contains("орта айнымалысы"));
    let exposed = ConfigError::Exposed {
        path: "/tmp/c.toml".into(),
        mode: 0o644,
        what: "a token",
    };
    assert!(exposed.message(Lang::Ru).contains("chmod 600 /tmp/c.toml"));
    assert!(!exposed.message(Lang::Kk).contains("others"));
    // The language is known before the configuration is read.
    let env = |k: &str| match k {
        "LOTWATCH_LANG" => Some("kk".to_string()),
        "LANG" => Some("ru_RU.UTF-8".to_string()),
        _ => None,
    };
    assert_eq!(early_lang(None, &env), Lang::Kk);
    assert_eq!(early_lang(Some(Lang::En), &env), Lang::En);
    let bad = |k: &str| match k {
        "LOTWATCH_LANG" => Some("xx".to_string()),
        "LANG" => Some("ru_RU.UTF-8".to_string()),
        _ => None,
    };
    assert_eq!(early_lang(None, &bad), Lang::Ru);
}

#[test]
fn a_reload_reads_the_file_again_with_the_same_flags_and_names_what_needs_a_restart() {
    let dir = TempDir::new("reload");
    let s = with_file(
        &dir,
        "url = \"http://a.example\"\ntheme = \"dark\"\n",
        &[
            "--log-file",
            "/tmp/x.log",
            "--journal",
            "/tmp/j.sqlite",
            "--lang",
            "kk",
        ],
        &[],
    )
    .unwrap();
    dir.write(
        "config.toml",
        "url = \"http://b.example\"\ntheme = \"light\"\nlanguage = \"ru\"\nlayout = \"official\"\n[columns]\nlots = [\"bids\"]\n",
        0o600,
    );
    let new = s.reload(&|_| None).unwrap();
    assert_eq!(new.theme_name, ThemeName::Light);
    // The flag still wins over the file.
    assert_eq!(new.lang, Lang::Kk);
    assert_eq!(new.layouts.current().name, "official");
    assert_eq!(new.columns, Some(vec![Column::Bids]));
    assert_eq!(s.needs_restart(&new), ["url"]);
    // A reload of the reloaded settings reads the same file with the same flags.
    dir.write("config.toml", "url = \"http://a.example\"\n", 0o600);
    let again = new.reload(&|_| None).unwrap();
    assert_eq!(again.config_file, s.config_file);
    assert_eq!(
        (again.theme_name, again.lang),
        (ThemeName::Terminal, Lang::Kk)
    );
    assert!(s.needs_restart(&again).is_empty());
    dir.write("config.toml", "theme = \"neon\"\n", 0o600);
    let e = new.reload(&|_| None).unwrap_err();
    assert!(
        e.on_screen()
            .starts_with("config: line 1: key `theme`: unknown variant `neon`"),
        "{e}"
    );
}

#[test]
fn layouts_and_columns_in_the_file_are_checked_where_they_are_written() {
    let dir = TempDir::new("layouts");
    let r = with_file(
        &dir,
        "# mine\n[columns]\nlots = [\"number\", \"colour\"]\n",
        &[],
        &[],
    );
    let e = r.unwrap_err().on_screen();
    assert!(e.starts_with("config: line 3: key `columns.lots`: unknown column \"colour\", expected one of number, name"), "{e}");
    let r = with_file(&dir, "layout = \"kiosk\"\n", &[], &[]);
    let e = r.unwrap_err().on_screen();
    assert!(
        e.contains("line 1")
            && e.contains(
                "unknown layout \"kiosk\", expected one of default, bidder, official, wallboard"
            ),
        "{e}"
    );
    let ok = with_file(
        &dir,
        "[layout]\nuse = \"mine\"\n[layout.mine]\npanes = [\"lots\", \"events\"]\nsizes = [70, 1]\n",
        &[],
        &[],
    )
    .unwrap();
    assert_eq!(ok.layouts.current().name, "mine");
    let r = with_file(
        &dir,
        "[layout.mine]\npanes = [\"lots\", \"chart\"]\nsizes = [70, 1]\n",
        &[],
        &[],
    );
    let e = r.unwrap_err().on_screen();
    assert!(e.contains("unknown pane \"chart\""), "{e}");
    // The flag picks among the file's layouts too; an unknown one is named.
    let text = "[layout.mine]\npanes = [\"lots\"]\nsizes = [100]\n";
    assert_eq!(
        with_file(&dir, text, &["--layout", "mine"], &[])
            .unwrap()
            .layouts
            .current()
            .name,
        "mine"
    );
    let e = with_file(&dir, text, &["--layout", "nope"], &[])
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("--layout: unknown layout \"nope\"") && e.ends_with("wallboard, mine"),
        "{e}"
    );
    let e = with_file(&dir, text, &[], &[("LOTWATCH_LAYOUT", "nope")])
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("environment variable LOTWATCH_LAYOUT"), "{e}");
}

#[test]
fn the_site_is_read_in_kazakh_under_lang_kk_unless_site_lang_says() {
    use crate::shell::source::SiteLangArg;
    let site = |argv: &[&str], env: &[(&str, &str)]| {
        let mut a = vec!["--config", "/dev/null", "--source", "sauda"];
        a.extend_from_slice(argv);
        resolve_with(&a, env).expect("ok").args.site_lang
    };
    assert_eq!(site(&["--lang", "kk"], &[]), SiteLangArg::Kz);
    assert_eq!(site(&[], &[("LOTWATCH_LANG", "kk")]), SiteLangArg::Kz);
    assert_eq!(site(&["--lang", "ru"], &[]), SiteLangArg::Ru);
    assert_eq!(site(&["--lang", "en"], &[]), SiteLangArg::Ru);
    // `site_lang` said otherwise: the flag, the variable, the file.
    assert_eq!(
        site(&["--lang", "kk", "--site-lang", "ru"], &[]),
        SiteLangArg::Ru
    );
    assert_eq!(
        site(&["--lang", "kk"], &[("LOTWATCH_SITE_LANG", "ru")]),
        SiteLangArg::Ru
    );
    let dir = TempDir::new("site-lang");
    let s = with_file(&dir, "site_lang = \"ru\"\nlanguage = \"kk\"\n", &[], &[]).expect("ok");
    assert_eq!(s.args.site_lang, SiteLangArg::Ru);
    // The gap: flag over the file over the default (None: 1 s, or 0 on loopback).
    let s = with_file(&dir, "site_gap = 1500\n", &[], &[]).expect("ok");
    assert_eq!(s.args.site_gap, Some(1500));
    let s = with_file(&dir, "site_gap = 1500\n", &["--site-gap", "700"], &[]).expect("ok");
    assert_eq!(s.args.site_gap, Some(700));
}

#[test]
fn rules_and_delivery_come_through_checked_and_masked() {
    let dir = TempDir::new("rules");
    let text = r#"
[[rule]]
name = "gold, Karaganda"
filter = "mineral:gold region:Karaganda"
on = ["new", "changed", "deadline", "result"]

[[rule]]
name = "all results"
on = ["result"]
deadline_hours = 48

[notify_to]
smtp = "smtp://alerts:CANARY-pw@mail.example.kz:587"
from = "lotwatch <alerts@example.kz>"
email = ["a@example.kz"]
webhook = ["https://u:CANARY-hook@ntfy.example/topic"]
"#;
    let s = with_file(&dir, text, &[], &[]).expect("valid");
    assert_eq!(s.rules.len(), 2);
    assert_eq!(s.rules[0].deadline_hours, 24);
    assert_eq!(s.rules[1].filter, "");
    assert_eq!(s.app_options(false).rules, s.rules);
    assert!(s.notify_to.is_some());
    let debug = format!("{s:?}");
    assert!(!debug.contains("CANARY"), "{debug}");
    // Readable by others while it holds a password: refused.
    let p = dir.write("config.toml", text, 0o644);
    let err = resolve_with(&["--config", &p.to_string_lossy()], &[]).expect_err("refused");
    assert!(err.to_string().contains("chmod 600"), "{err}");
    assert!(!err.to_string().contains("CANARY"), "{err}");
    // A filter that does not parse names the rule and its line.
    let p = dir.write(
        "config.toml",
        "[[rule]]\nname = \"bad one\"\nfilter = \"bid>\"\non = [\"new\"]\n",
        0o600,
    );
    let r = with_file(&dir, &std::fs::read_to_string(&p).expect("read"), &[], &[]);
    expect_invalid(r, &p, 2, "rule.filter", "rule \"bad one\"");
    // An unknown event is refused by name.
    let p = dir.write(
        "config.toml",
        "[[rule]]\nname = \"x\"\non = [\"sometimes\"]\n",
        0o600,
    );
    let err = resolve_with(&["--config", &p.to_string_lossy()], &[]).expect_err("invalid");
    assert!(err.to_string().contains("sometimes"), "{err}");
    // Two rules of one name.
    let p = dir.write(
        "config.toml",
        "[[rule]]\nname = \"x\"\non = [\"new\"]\n[[rule]]\nname = \"x\"\non = [\"result\"]\n",
        0o600,
    );
    let err = resolve_with(&["--config", &p.to_string_lossy()], &[]).expect_err("invalid");
    assert!(err.to_string().contains("names two rules"), "{err}");
    // Credentials over plain http to a host that is not loopback.
    let p = dir.write(
        "config.toml",
        "[notify_to]\nwebhook = [\"http://u:CANARY-x@ntfy.example/t\"]\n",
        0o600,
    );
    let err = resolve_with(&["--config", &p.to_string_lossy()], &[]).expect_err("invalid");
    assert!(err.to_string().contains("https://"), "{err}");
    assert!(!err.to_string().contains("CANARY"), "{err}");
}

#[test]
fn default_file_is_the_snapshot() {
    insta::assert_snapshot!("config_default", default_file());
}

#[test]
fn every_flag_of_the_table_is_a_flag_of_the_command_line() {
    let cmd = Cli::command();
    let ids: Vec<&str> = cmd.get_arguments().map(|a| a.get_id().as_str()).collect();
    for s in SETTINGS {
        if let Some(flag) = s.flag {
            assert!(ids.contains(&flag), "{}: no flag with id {flag:?}", s.key);
        }
    }
    // And every flag the table names is one key's.
    let mut flags: Vec<&str> = SETTINGS.iter().filter_map(|s| s.flag).collect();
    flags.sort_unstable();
    let n = flags.len();
    flags.dedup();
    assert_eq!(flags.len(), n, "a flag named by two keys");
}

#[test]
fn every_key_and_variable_of_the_table_is_documented() {
    let doc = include_str!("../../../docs/configuration.md");
    for s in SETTINGS {
        assert!(
            [
                format!("| `{}` |", s.key),
                format!("| `[{}]` |", s.key),
                format!("| `[[{}]]` |", s.key)
            ]
            .iter()
            .any(|row| doc.contains(row.as_str())),
            "docs/configuration.md has no row for the key {:?}",
            s.key
        );
        if let Some(var) = s.env {
            assert!(
                doc.contains(&format!("`{var}`")) || doc.contains(&format!("`{var}=")),
                "docs/configuration.md does not name {var} (key {:?})",
                s.key
            );
        }
    }
}

#[test]
fn the_default_file_has_every_key_of_the_table() {
    let text = default_file();
    for s in SETTINGS {
        let k = s.key;
        assert!(
            text.contains(&format!("\n{k} = "))
                || text.contains(&format!("\n# {k} = "))
                || text.contains(&format!("\n# [{k}]"))
                || text.contains(&format!("\n# [[{k}]]"))
                || text.contains(&format!("\n[{k}]")),
            "{k}"
        );
    }
}

#[test]
fn alert_minutes_from_the_file_or_the_environment_are_checked_as_the_flag() {
    let dir = TempDir::new("alert-minutes");
    let s = with_file(&dir, "alert_minutes = 30\n", &[], &[]).expect("ok");
    assert_eq!(s.args.alert_minutes, 30);
    let s = with_file(
        &dir,
        "alert_minutes = 30\n",
        &[],
        &[("LOTWATCH_ALERT_MINUTES", "12")],
    )
    .expect("ok");
    assert_eq!(s.args.alert_minutes, 12, "the variable beats the file");
    let s = with_file(
        &dir,
        "alert_minutes = 30\n",
        &["--alert-minutes", "3"],
        &[("LOTWATCH_ALERT_MINUTES", "12")],
    )
    .expect("ok");
    assert_eq!(s.args.alert_minutes, 3, "the flag beats both");
    let err = with_file(&dir, "alert_minutes = 0\n", &[], &[]).expect_err("0 minutes");
    assert!(err.to_string().contains("1 to 1440"), "{err}");
    let err =
        with_file(&dir, "", &[], &[("LOTWATCH_ALERT_MINUTES", "2000")]).expect_err("too many");
    assert!(err.to_string().contains("LOTWATCH_ALERT_MINUTES"), "{err}");
}

#[test]
fn several_sources_from_the_flags_the_file_and_the_environment() {
    use crate::shell::source::SourceArg;
    let kinds = |s: &Settings| -> Vec<(SourceArg, Option<String>)> {
        s.args
            .source
            .iter()
            .map(|x| (x.kind, x.url.clone()))
            .collect()
    };
    let flags = resolve_with(
        &[
            "--config",
            "/dev/null",
            "--source",
            "api=https://platform.example",
            "--source",
            "sauda",
        ],
        &[],
    )
    .expect("ok");
    assert_eq!(
        kinds(&flags),
        [
            (SourceArg::Api, Some("https://platform.example".into())),
            (SourceArg::Site, None)
        ]
    );
    let dir = TempDir::new("sources");
    let list = "source = [\"api=https://platform.example\", \"sauda\"]\n";
    let s = with_file(&dir, list, &[], &[]).expect("ok");
    assert_eq!(kinds(&s), kinds(&flags));
    // One, as before.
    let s = with_file(&dir, "source = \"sauda\"\n", &[], &[]).expect("ok");
    assert_eq!(kinds(&s), [(SourceArg::Site, None)]);
    // The flags win over the file.
    let s = with_file(&dir, list, &["--source", "sauda"], &[]).expect("ok");
    assert_eq!(kinds(&s), [(SourceArg::Site, None)]);
    let env = resolve_with(
        &["--config", "/dev/null"],
        &[("LOTWATCH_SOURCE", "sauda,api=http://127.0.0.1:8080")],
    )
    .expect("ok");
    assert_eq!(
        kinds(&env),
        [
            (SourceArg::Site, None),
            (SourceArg::Api, Some("http://127.0.0.1:8080".into()))
        ]
    );
    // A bad kind in the file names the key and what to write.
    let e = with_file(&dir, "source = [\"site\"]\n", &[], &[])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("`site` is not a source: write api or sauda"),
        "{e}"
    );
}
