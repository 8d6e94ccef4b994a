//! Where a journal is: a SQLite file, or a PostgreSQL database named by a
//! `postgres://` or `postgresql://` URL. Anything that looks like a URL (a
//! scheme and `://`) but is neither is refused, never taken for a file name.
//! The URL's password is never shown: [`mask`] is what logs, errors and the
//! screen get.

use std::path::{Path, PathBuf};

/// A journal's place, from `--journal`, `--follow`, `LOTWATCH_JOURNAL` or
/// `journal =`.
#[derive(Clone, PartialEq, Eq)]
pub enum Target {
    File(PathBuf),
    /// The URL as given (with its password: never print it; `masked` is the
    /// printable form).
    Postgres {
        url: String,
        masked: String,
    },
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::File(p) => write!(f, "File({})", p.display()),
            Target::Postgres { masked, .. } => write!(f, "Postgres({masked})"),
        }
    }
}

/// A `--journal` that looks like a URL of another kind.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "--journal {masked} looks like a URL but is not postgres:// or postgresql:// \
     (give a postgres://user@host/db URL, or a file path without a scheme)"
)]
pub struct NotAJournalUrl {
    pub masked: String,
}

/// The scheme of `s` when it starts like a URL (`letters://`).
fn scheme(s: &str) -> Option<&str> {
    let (scheme, _) = s.split_once("://")?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(scheme)
}

impl Target {
    /// Reads a journal argument.
    pub fn parse(path: &Path) -> Result<Target, NotAJournalUrl> {
        let Some(s) = path.to_str() else {
            return Ok(Target::File(path.to_path_buf()));
        };
        match scheme(s) {
            None => Ok(Target::File(path.to_path_buf())),
            Some(sc)
                if sc.eq_ignore_ascii_case("postgres") || sc.eq_ignore_ascii_case("postgresql") =>
            {
                Ok(Target::Postgres {
                    url: s.to_string(),
                    masked: mask(s),
                })
            }
            Some(_) => Err(NotAJournalUrl { masked: mask(s) }),
        }
    }

    /// What may be shown: the path, or the URL with its password masked.
    pub fn display(&self) -> String {
        match self {
            Target::File(p) => p.display().to_string(),
            Target::Postgres { masked, .. } => masked.clone(),
        }
    }
}

/// `path` as it may be shown: a URL with its password masked.
pub fn display(path: &Path) -> String {
    match path.to_str() {
        Some(s) if scheme(s).is_some() => mask(s),
        _ => path.display().to_string(),
    }
}

/// A URL's password, read as the PostgreSQL driver reads it: the user part
/// runs from `://` to the first `@` (a `/`, `?` or `#` before it is part
/// of the password), the password from its first `:`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Password {
    /// As written in the URL (percent-encoded, if it was).
    pub raw: String,
    /// Percent-decoded: what is sent to the server.
    pub decoded: String,
}

/// Splits `url` into scheme, the user part (without its `@`) and the rest,
/// as the driver does: the user part ends at the first `@`. When the host
/// that leaves holds an `@` too (a password with an unencoded `@`, which
/// the driver would misread: [`stray_at`]), the user part runs to the
/// last `@` of it, so that all of the password is masked.
fn parts(url: &str) -> Option<(&str, Option<&str>, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    let Some(first) = rest.find('@') else {
        return Some((scheme, None, rest));
    };
    let after = &rest[first + 1..];
    let host_end = after.find(['/', '?']).unwrap_or(after.len());
    let end = match after[..host_end].rfind('@') {
        Some(i) => first + 1 + i,
        None => first,
    };
    Some((scheme, Some(&rest[..end]), &rest[end + 1..]))
}

/// True when `url`'s user part holds more than one unencoded `@` (the
/// driver would take the password's tail for the host).
pub fn stray_at(url: &str) -> bool {
    parts(url).is_some_and(|(_, user, _)| user.is_some_and(|u| u.contains('@')))
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// The passwords `url` holds: its user part's, and any `password=` in its
/// query (both as written and decoded).
pub fn passwords(url: &str) -> Vec<Password> {
    let Some((_, user, rest)) = parts(url) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some((_, raw)) = user.and_then(|u| u.split_once(':')) {
        out.push(Password {
            raw: raw.to_string(),
            decoded: decode(raw),
        });
    }
    if let Some((_, query)) = rest.split_once('?') {
        for kv in query.split('&') {
            if let Some((k, v)) = kv.split_once('=')
                && decode(k).eq_ignore_ascii_case("password")
            {
                out.push(Password {
                    raw: v.to_string(),
                    decoded: decode(v),
                });
            }
        }
    }
    out.retain(|p| !p.raw.is_empty());
    out
}

/// The user part's password of `url`, if it has one.
pub fn password(url: &str) -> Option<Password> {
    let (_, user, _) = parts(url)?;
    let (_, raw) = user?.split_once(':')?;
    (!raw.is_empty()).then(|| Password {
        raw: raw.to_string(),
        decoded: decode(raw),
    })
}

/// `text` with every password of `url` (as written or decoded) replaced by
/// `***`: for any message that may echo the URL or the password.
pub fn scrub(text: &str, url: &str) -> String {
    scrub_longer(text, url, 1)
}

/// `scrub` of the passwords at least `min` characters long.
fn scrub_longer(text: &str, url: &str, min: usize) -> String {
    let mut secrets: Vec<String> = passwords(url)
        .into_iter()
        .flat_map(|p| [p.raw, p.decoded])
        .filter(|s| s.chars().count() >= min)
        .collect();
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let mut out = text.to_string();
    for s in secrets {
        out = out.replace(&s, "***");
    }
    out
}

/// The URL with the password of its user part, and any `password=` query
/// parameter, replaced by `***`; read as the driver reads it, so a
/// password holding `/ ? # @ %` is masked whole.
pub fn mask(url: &str) -> String {
    let Some((scheme, user, rest)) = parts(url) else {
        return url.to_string();
    };
    let user = match user {
        Some(u) => match u.split_once(':') {
            Some((name, _)) => format!("{name}:***@"),
            None => format!("{u}@"),
        },
        None => String::new(),
    };
    let rest = match rest.split_once('?') {
        Some((path, query)) => {
            let q: Vec<String> = query
                .split('&')
                .map(|kv| match kv.split_once('=') {
                    Some((k, _)) if decode(k).eq_ignore_ascii_case("password") => {
                        format!("{k}=***")
                    }
                    _ => kv.to_string(),
                })
                .collect();
            format!("{path}?{}", q.join("&"))
        }
        None => rest.to_string(),
    };
    // What the structure cannot place (a password written again elsewhere)
    // goes too, unless it is so short it would hit the host or port.
    scrub_longer(&format!("{scheme}://{user}{rest}"), url, 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_files() {
        let t = |s: &str| Target::parse(Path::new(s));
        assert_eq!(t("day.sqlite"), Ok(Target::File("day.sqlite".into())));
        assert_eq!(t("./a:b/c"), Ok(Target::File("./a:b/c".into())));
        assert!(matches!(
            t("postgres://u:p@h/db"),
            Ok(Target::Postgres { .. })
        ));
        assert!(matches!(
            t("PostgreSQL://h/db"),
            Ok(Target::Postgres { .. })
        ));
        let e = t("mysql://root:hunter2@h/db").unwrap_err();
        assert!(!e.to_string().contains("hunter2"), "{e}");
        assert!(e.to_string().contains("mysql://root:***@h/db"), "{e}");
        assert!(t("http://x/y").is_err());
    }

    #[test]
    fn passwords_are_masked() {
        assert_eq!(
            mask("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(mask("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(
            mask("postgres://h/db?sslmode=require&password=x"),
            "postgres://h/db?sslmode=require&password=***"
        );
        assert_eq!(mask("postgres://u:p@ss@h/db"), "postgres://u:***@h/db");
        assert!(stray_at("postgres://u:p@ss@h/db"));
        assert!(!stray_at("postgres://u:p%40ss@h/db?application_name=a@b"));
        assert!(!mask("postgresql://a:b%40c@h").contains("b%40c"));
    }

    /// Awkward passwords, written into a URL as a user would (raw where the
    /// driver reads them whole, percent-encoded where it needs it): the
    /// driver's parser reads the password we expect, the mask hides it
    /// whole (as written and decoded), and keeps the rest of the URL.
    #[test]
    fn awkward_passwords_are_masked_whole() {
        let table: &[(&str, &str)] = &[
            ("pa/ss", "pa/ss"),
            ("q?uery=1", "q?uery=1"),
            ("frag#ment", "frag#ment"),
            ("co:lon:s", "co:lon:s"),
            ("p%40ssword", "p@ssword"),
            ("pct%25sign", "pct%sign"),
            ("100%", "100%"),
            ("%2F%3F%23%40%25", "/?#@%"),
            ("sl/ash?and#all", "sl/ash?and#all"),
            ("k3Vq/8Zr+Yt2w==", "k3Vq/8Zr+Yt2w=="),
            ("пароль/ключ", "пароль/ключ"),
            ("sp%20ace", "sp ace"),
        ];
        for (written, meant) in table {
            let url = format!("postgres://bob:{written}@db.example:5433/day?sslmode=require");
            let cfg: tokio_postgres::Config = url.parse().expect(&url);
            assert_eq!(
                cfg.get_password(),
                Some(meant.as_bytes()),
                "the driver reads {written:?} otherwise"
            );
            let m = mask(&url);
            assert_eq!(
                m, "postgres://bob:***@db.example:5433/day?sslmode=require",
                "{written:?}"
            );
            let p = password(&url).expect("a password");
            assert_eq!((p.raw.as_str(), p.decoded.as_str()), (*written, *meant));
            let err = format!("failed for {url}: password {meant} rejected");
            let s = scrub(&err, &url);
            assert!(!s.contains(written) && !s.contains(meant), "{s}");
        }
        // In the query too, whatever the key's case or encoding.
        let m = mask("postgres://h/db?PassWord=pa/ss%40x&pass%77ord=y/z");
        assert_eq!(m, "postgres://h/db?PassWord=***&pass%77ord=***");
    }
}
