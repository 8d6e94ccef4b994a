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

/// True when `path` names a database rather than a file.
pub fn is_url(path: &Path) -> bool {
    path.to_str().and_then(scheme).is_some()
}

/// `path` as it may be shown: a URL with its password masked.
pub fn display(path: &Path) -> String {
    match path.to_str() {
        Some(s) if scheme(s).is_some() => mask(s),
        _ => path.display().to_string(),
    }
}

/// The URL with the password of its user part, and any `password=` query
/// parameter, replaced by `***`.
pub fn mask(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let authority = match authority.rsplit_once('@') {
        Some((user, host)) => match user.split_once(':') {
            Some((name, _)) => format!("{name}:***@{host}"),
            None => format!("{user}@{host}"),
        },
        None => authority.to_string(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let q: Vec<String> = query
                .split('&')
                .map(|kv| match kv.split_once('=') {
                    Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                    _ => kv.to_string(),
                })
                .collect();
            format!("{path}?{}", q.join("&"))
        }
        None => tail.to_string(),
    };
    format!("{scheme}://{authority}{tail}")
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
        assert!(!mask("postgresql://a:b%40c@h").contains("b%40c"));
    }
}
