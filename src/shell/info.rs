//! `lotwatch info`: where everything is and what was detected of the
//! terminal, one fact per line, for bug reports. It never fails: a broken
//! configuration is itself a fact (and the rest is told from the defaults).

use crate::shell::config::{ConfigError, Settings};
use crate::shell::notify::{Channel, detect};
use std::path::PathBuf;

/// What `info` says of the demo day's journal.
const DEMO_HAS_NONE: &str =
    "none for the demo day (it restarts on every run; --journal PATH records it)";

/// The facts, one per line, for `settings` (or the error reading them) in
/// the environment `env`; `args_config` is `--config`, if given.
pub fn lines(
    settings: &Result<Settings, ConfigError>,
    args_config: Option<PathBuf>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Vec<String> {
    let set = |k: &str| env(k).filter(|v| !v.is_empty());
    let mut out = vec![format!("version: lotwatch {}", env!("CARGO_PKG_VERSION"))];
    let shown = |p: Option<PathBuf>| {
        p.map_or_else(
            || "(none: this system has no such directory)".to_string(),
            |p| p.display().to_string(),
        )
    };
    let named = args_config.or_else(|| set("LOTWATCH_CONFIG").map(PathBuf::from));
    match settings {
        Ok(s) => out.push(
            match (&s.config_file, crate::shell::config::default_path()) {
                (Some(p), _) => format!("config file: {} (in use)", p.display()),
                (None, Some(p)) => format!(
                    "config file: {} (absent: the defaults are in force)",
                    p.display()
                ),
                (None, None) => {
                    "config file: none (no configuration directory on this system)".into()
                }
            },
        ),
        Err(e) => {
            let at = named.or_else(crate::shell::config::default_path);
            out.push(format!("config file: {} (not usable)", shown(at)));
            out.push(format!("config error: {e}"));
        }
    }
    let log = match settings {
        Ok(s) => s.args.log_file.clone(),
        Err(_) => None,
    }
    .unwrap_or_else(crate::shell::logging::default_log_path);
    out.push(format!("log file: {}", log.display()));
    out.push(format!(
        "data directory: {}",
        shown(dirs::data_dir().map(|d| d.join("lotwatch")))
    ));
    out.push(format!(
        "state directory: {}",
        shown(dirs::state_dir().map(|d| d.join("lotwatch")))
    ));
    let journal = match settings {
        Ok(s) if s.args.no_journal => "off (no_journal)".to_string(),
        Ok(s) if s.args.journal.is_some() => {
            shown(s.args.journal.clone()) + " (from the configuration)"
        }
        // As the monitor and `watch` name it (`journal_name`).
        // One per source (each source is its own auction).
        Ok(s) => match crate::shell::source::sources(&s.args.source, s.args.url.as_ref()) {
            Ok(specs) => specs
                .iter()
                .map(|spec| {
                    let name =
                        crate::shell::journal_name::default_journal(spec.kind, spec.url.as_deref());
                    name.map_or_else(|| DEMO_HAS_NONE.to_string(), |n| n.shown())
                })
                .collect::<Vec<_>>()
                .join("; "),
            Err(e) => format!("(the sources are not usable: {e})"),
        },
        Err(_) => format!(
            "named after the source, in {} (the configuration is not usable)",
            shown(dirs::data_dir().map(|d| d.join("lotwatch")))
        ),
    };
    out.push(format!("default journal: {journal}"));
    if let Ok(s) = settings {
        out.push(format!(
            "layout: {} (of {})",
            s.layouts.current().name,
            s.layouts.names().join(", ")
        ));
        out.push(format!("language: {}", s.lang.code()));
    }
    out.push(format!(
        "terminal: TERM={} COLORTERM={} TERM_PROGRAM={}",
        set("TERM").unwrap_or_else(|| "(unset)".into()),
        set("COLORTERM").unwrap_or_else(|| "(unset)".into()),
        set("TERM_PROGRAM").unwrap_or_else(|| "(unset)".into()),
    ));
    out.push(format!("colours: {}", colours(&set)));
    let links = crate::shell::hyperlinks::supported(env);
    out.push(format!(
        "hyperlinks: {}",
        if links {
            "yes (OSC 8 on the lot numbers of a web-site source)"
        } else {
            "no (LOTWATCH_HYPERLINKS=1 turns them on)"
        }
    ));
    let mode = match settings {
        Ok(s) => s.args.notify.unwrap_or_default(),
        Err(_) => Default::default(),
    };
    let notifier = crate::shell::notify::Notifier::new(mode, false, env);
    let channel = match notifier.channel() {
        Channel::Osc9 => "OSC 9",
        Channel::Osc777 => "OSC 777",
        Channel::Bell => "the bell only",
        Channel::Off => "off",
    };
    let auto = match detect(env) {
        Channel::Osc9 => "OSC 9",
        Channel::Osc777 => "OSC 777",
        Channel::Bell => "the bell only",
        Channel::Off => "off",
    };
    out.push(format!(
        "notifications: {channel} (detected: {auto}){}",
        if notifier.in_tmux() {
            "; inside tmux, passed through (needs set -g allow-passthrough on)"
        } else {
            ""
        }
    ));
    out
}

/// What the environment says of colours: none, 16, 256 or 24-bit.
fn colours(set: &dyn Fn(&str) -> Option<String>) -> &'static str {
    if set("NO_COLOR").is_some() {
        return "none (NO_COLOR is set)";
    }
    let term = set("TERM").unwrap_or_default();
    if term == "dumb" {
        return "none (TERM=dumb)";
    }
    if let Some("truecolor" | "24bit") = set("COLORTERM").as_deref() {
        return "24-bit (COLORTERM)";
    }
    if term.contains("256color") {
        "256 (TERM)"
    } else {
        "16"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn with(vars: &[(&str, &str)]) -> Vec<String> {
        let m: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let env = |k: &str| m.get(k).cloned();
        let err = Err(ConfigError::Env {
            var: "LOTWATCH_POLL".into(),
            problem: "\"x\": expected milliseconds".into(),
        });
        lines(&err, Some(PathBuf::from("/etc/lw.toml")), &env)
    }

    #[test]
    fn one_fact_per_line_and_a_broken_config_is_one_of_them() {
        let l = with(&[("TERM", "xterm-256color"), ("TERM_PROGRAM", "WezTerm")]);
        let starts = [
            "version: lotwatch ",
            "config file: /etc/lw.toml (not usable)",
            "config error: environment variable LOTWATCH_POLL",
            "log file: ",
            "data directory: ",
            "state directory: ",
            "default journal: ",
            "terminal: TERM=xterm-256color COLORTERM=(unset) TERM_PROGRAM=WezTerm",
            "colours: 256 (TERM)",
            "hyperlinks: yes",
            "notifications: OSC 9 (detected: OSC 9)",
        ];
        assert_eq!(l.len(), starts.len(), "{l:#?}");
        for (line, start) in l.iter().zip(starts) {
            assert!(
                line.starts_with(start),
                "{line:?} should start with {start:?}"
            );
            assert!(!line.contains('\n'));
        }
    }

    #[test]
    fn colours_from_no_color_colorterm_and_term() {
        assert!(
            with(&[("NO_COLOR", "1"), ("TERM", "xterm-256color")])[8].contains("none (NO_COLOR")
        );
        assert!(with(&[("COLORTERM", "truecolor"), ("TERM", "xterm")])[8].contains("24-bit"));
        assert!(with(&[("TERM", "dumb")])[8].contains("none (TERM=dumb)"));
        assert!(with(&[("TERM", "xterm")])[8].ends_with("16"));
        let tmux = with(&[("TERM", "screen"), ("TMUX", "/tmp/t,1,0")]);
        assert!(tmux[9].starts_with("hyperlinks: no"), "{tmux:?}");
        assert!(tmux[10].contains("inside tmux"), "{tmux:?}");
    }
}
