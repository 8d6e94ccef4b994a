//! The secrets this process holds, registered by the shell as it reads them:
//! the platform token, the journal database's password, `serve`'s token, and
//! any delivery credential a later part of the shell adds (an SMTP password,
//! a webhook's token: call [`register`] where it is read). What is
//! registered never reaches the alert command's environment (nor does a
//! variable whose value holds it) and is scrubbed from the log.

use std::ffi::{OsStr, OsString};
use std::sync::Mutex;

/// Variables that hold a secret by their name alone: never passed on.
const SECRET_VARS: &[&str] = &[
    "LOTWATCH_TOKEN",
    "LOTWATCH_JOURNAL",
    "LOTWATCH_SERVE_TOKEN",
    "PGPASSWORD",
];

/// A secret shorter than this is not looked for inside other variables'
/// values or the log (a two-letter password would match half the
/// environment); the variables named in [`SECRET_VARS`] still go.
const MIN_MATCH: usize = 4;

/// At most this many secrets are kept (a process holds a handful).
const MAX_SECRETS: usize = 64;

/// What replaces a secret in text.
const MASK: &str = "***";

static REGISTRY: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Adds `secret` (ignored when blank or already known).
pub fn register(secret: &str) {
    let secret = secret.trim();
    if secret.is_empty() {
        return;
    }
    let mut r = REGISTRY.lock().unwrap_or_else(|p| p.into_inner());
    if r.len() < MAX_SECRETS && !r.iter().any(|s| s == secret) {
        r.push(secret.to_string());
        // Longest first: a secret holding another is scrubbed whole.
        r.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }
}

/// Registers the password of a `scheme://` URL (as written, and
/// percent-decoded), and the URL itself.
pub fn register_url(url: &str) {
    if let Some(p) = crate::journal::target::password(url) {
        register(&p.decoded);
        register(&p.raw);
    }
}

/// Every registered secret long enough to be looked for.
fn known() -> Vec<String> {
    let r = REGISTRY.lock().unwrap_or_else(|p| p.into_inner());
    r.iter()
        .filter(|s| s.chars().count() >= MIN_MATCH)
        .cloned()
        .collect()
}

/// `text` with every registered secret replaced by `***`.
pub fn scrub(text: &str) -> String {
    scrub_with(text, &known())
}

fn scrub_with(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    for s in secrets {
        if out.contains(s.as_str()) {
            out = out.replace(s.as_str(), MASK);
        }
    }
    out
}

/// True when a variable must not be passed on to a child process: its name
/// says it holds a secret, or its value holds a registered one.
fn withheld(name: &OsStr, value: &OsStr, secrets: &[String]) -> bool {
    let name = name.to_string_lossy();
    if SECRET_VARS.iter().any(|v| name.eq_ignore_ascii_case(v)) {
        return true;
    }
    let value = value.to_string_lossy();
    secrets.iter().any(|s| value.contains(s.as_str()))
}

/// This process's environment without its secrets: what a child gets.
pub fn child_env() -> Vec<(OsString, OsString)> {
    let secrets = known();
    std::env::vars_os()
        .filter(|(k, v)| !withheld(k, v, &secrets))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn withholds_by_name_and_by_value() {
        let secrets = vec!["s3cr/et+pw".to_string()];
        let w = |k: &str, v: &str| withheld(OsStr::new(k), OsStr::new(v), &secrets);
        assert!(w("LOTWATCH_TOKEN", "anything"));
        assert!(w("LOTWATCH_JOURNAL", "postgres://h/db"));
        assert!(w("LOTWATCH_SERVE_TOKEN", "x"));
        assert!(w("DATABASE_URL", "postgres://u:s3cr/et+pw@h/db"));
        assert!(w("MY_SMTP", "s3cr/et+pw"));
        assert!(!w("HOME", "/home/u"));
        assert!(!w("PATH", "/usr/bin:/bin"));
    }

    #[test]
    fn scrubs_every_occurrence_longest_first() {
        let secrets = vec!["hunter2hunter2".to_string(), "hunter2".to_string()];
        assert_eq!(
            scrub_with("a hunter2hunter2 b hunter2 c", &secrets),
            "a *** b *** c"
        );
    }

    #[test]
    fn registered_secrets_are_scrubbed_short_ones_are_not_looked_for() {
        register("zq9-Registered-Secret");
        register("ab");
        assert_eq!(scrub("x zq9-Registered-Secret y"), "x *** y");
        assert_eq!(scrub("tab table"), "tab table");
    }
}
