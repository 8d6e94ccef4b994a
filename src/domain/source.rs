//! Which of the configured sources a lot came from (`--source` may be given
//! several times): the API and the site share lot ids, so a lot is known by
//! its source and its id.

/// The index of a source in the order the user configured them; the first
/// (`SourceId::FIRST`) gives the server clock shown on screen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceId(pub u8);

impl SourceId {
    pub const FIRST: SourceId = SourceId(0);
    /// Sources one monitor reads at most.
    pub const MAX: usize = 8;

    pub fn index(self) -> usize {
        usize::from(self.0)
    }

    /// The id of the `i`-th source; None past `MAX`.
    pub fn nth(i: usize) -> Option<SourceId> {
        u8::try_from(i)
            .ok()
            .filter(|_| i < SourceId::MAX)
            .map(SourceId)
    }
}

/// How the screen and the filter name a source: its kind (`api`, `sauda`),
/// its host (`platform.example`, `127.0.0.1:8080`), and the label the
/// Source column shows (the kind, or the host when two sources share a kind).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceName {
    pub kind: String,
    pub host: String,
    pub label: String,
}

impl SourceName {
    /// Whether `word` (the filter's `source:` value) names this source: its
    /// label, kind or host, in any case.
    pub fn answers_to(&self, word: &str) -> bool {
        [&self.label, &self.kind, &self.host]
            .iter()
            .any(|n| !n.is_empty() && n.eq_ignore_ascii_case(word))
    }

    /// The names of several sources: each labelled by its kind, or by its
    /// host when another source has the same kind.
    pub fn label_all(kinds_hosts: &[(String, String)]) -> Vec<SourceName> {
        kinds_hosts
            .iter()
            .map(|(kind, host)| {
                let shared = kinds_hosts.iter().filter(|(k, _)| k == kind).count() > 1;
                SourceName {
                    kind: kind.clone(),
                    host: host.clone(),
                    label: if shared && !host.is_empty() {
                        host.clone()
                    } else {
                        kind.clone()
                    },
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_is_labelled_by_its_kind_unless_another_shares_it() {
        let names = SourceName::label_all(&[
            ("api".into(), "platform.example".into()),
            ("sauda".into(), "sauda.e-qazyna.kz".into()),
            ("api".into(), "127.0.0.1:8080".into()),
        ]);
        let labels: Vec<_> = names.iter().map(|n| n.label.as_str()).collect();
        assert_eq!(labels, ["platform.example", "sauda", "127.0.0.1:8080"]);
        assert!(names[0].answers_to("API"));
        assert!(names[0].answers_to("platform.example"));
        assert!(!names[0].answers_to("sauda"));
        assert!(names[1].answers_to("sauda.e-qazyna.kz"));
        assert_eq!(SourceId::nth(8), None);
        assert_eq!(SourceId::nth(7), Some(SourceId(7)));
    }
}
