//! The layer order, written once, and kept: every `crate::` path in `src/`
//! is checked against it. Data flows platform -> sync -> app -> view; the
//! journal sits beside the messages; the shell is on top. Each top-level
//! module may import only the layers listed for it (`docs/architecture.md`
//! draws the same table), and no two import each other in a circle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each top-level module of `src/` and what it may import.
const LAYERS: &[(&str, &[&str])] = &[
    // The auction's vocabulary: imports nothing of the crate.
    ("domain", &[]),
    // The platform's API from the client side.
    ("platform", &["domain"]),
    // Rate tables and the National Bank's feed format.
    ("rates", &["domain", "platform"]),
    // The simulator: serves the platform's API.
    ("sim", &["domain", "platform", "rates"]),
    // The engine: what to ask and when; reports messages.
    ("sync", &["domain", "platform", "rates"]),
    // Storage, beside the messages: never the state, view or shell.
    ("journal", &["domain", "platform", "rates", "sync"]),
    // The state: updated by messages; never the view, storage or shell.
    ("app", &["domain", "rates", "sync"]),
    // The view: a pure function of the state; no network, no storage.
    ("ui", &["domain", "rates", "app"]),
    // The officials' report: reads the journal, words it in the view's
    // languages; never the state, the network or the shell.
    ("protocol", &["domain", "platform", "journal", "ui"]),
    // Fixtures for the tests (hidden from the docs).
    ("testing", &["domain"]),
    // On top: the command line, the config, the terminal, the modes.
    (
        "shell",
        &[
            "domain", "platform", "rates", "sim", "sync", "journal", "app", "ui", "protocol",
        ],
    ),
];

/// The top-level modules each file of `src/` names through `crate::`.
/// `//` comments are skipped; `crate::{a, b}` groups count each name. A unit
/// test module (`#[cfg(test)] mod tests`, to the end of its file, as this
/// project writes them) may build its state from messages as the app's users
/// do, and is not counted.
fn imports_of(source: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let code_end = test_module_start(source).unwrap_or(source.len());
    for line in source[..code_end].lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            // `lotwatch_crate::` or `some_crate::` are not ours.
            let before = rest[..i].chars().next_back();
            rest = &rest[i + "crate::".len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            if let Some(group) = rest.strip_prefix('{') {
                let end = group.find('}').unwrap_or(group.len());
                for item in group[..end].split(',') {
                    out.insert(ident(item.trim()));
                }
            } else {
                out.insert(ident(rest));
            }
        }
    }
    out.retain(|m| !m.is_empty());
    out
}

/// Where the file's inline unit-test module starts: `#[cfg(test)]` followed
/// by `mod NAME {` (any visibility).
fn test_module_start(source: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = source[from..].find("#[cfg(test)]") {
        let at = from + i;
        let next = source[at..].lines().nth(1).unwrap_or("").trim();
        let item = next
            .strip_prefix("pub(crate) ")
            .or_else(|| next.strip_prefix("pub "))
            .unwrap_or(next);
        if item.starts_with("mod ") && item.ends_with('{') {
            return Some(at);
        }
        from = at + "#[cfg(test)]".len();
    }
    None
}

fn ident(s: &str) -> String {
    s.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// A file that is a unit-test module as a whole (`app/tests.rs`,
/// `app/alert_tests.rs`, declared `#[cfg(test)] mod tests;`).
fn is_test_file(path: &str) -> bool {
    let stem = path
        .rsplit('/')
        .next()
        .unwrap_or(path)
        .trim_end_matches(".rs");
    stem == "tests" || stem.ends_with("_tests")
}

/// Every forbidden import of a tree given as (path under `src/`, source).
fn violations(files: &[(String, String)]) -> Vec<String> {
    let allowed: BTreeMap<&str, &[&str]> = LAYERS.iter().copied().collect();
    let mut bad = Vec::new();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, source) in files {
        let top = path
            .split('/')
            .next()
            .unwrap_or("")
            .trim_end_matches(".rs")
            .to_string();
        if top == "lib" || top == "main" || is_test_file(path) {
            continue;
        }
        let Some(may) = allowed.get(top.as_str()) else {
            bad.push(format!(
                "src/{path}: module `{top}` is in no layer (add it to LAYERS and docs/architecture.md)"
            ));
            continue;
        };
        for m in imports_of(source) {
            if m == top || m == "self" || m == "super" {
                continue;
            }
            graph.entry(top.clone()).or_default().insert(m.clone());
            if !may.contains(&m.as_str()) {
                bad.push(format!(
                    "src/{path}: `{top}` imports `crate::{m}`, above or beside it (it may import: {})",
                    may.join(", ")
                ));
            }
        }
    }
    if let Some(cycle) = find_cycle(&graph) {
        bad.push(format!("a circle of imports: {}", cycle.join(" -> ")));
    }
    bad
}

/// A circle in the module graph, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == n) {
            let mut c = path[i..].to_vec();
            c.push(n.to_string());
            return Some(c);
        }
        if done.contains(n) {
            return None;
        }
        path.push(n.to_string());
        for m in graph.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

fn read_tree(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read src")
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            read_tree(&p, root, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            let rel = p.strip_prefix(root).expect("under src");
            let source = std::fs::read_to_string(&p).expect("read source");
            out.push((rel.to_string_lossy().replace('\\', "/"), source));
        }
    }
}

#[test]
fn every_module_imports_only_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    read_tree(&src, &src, &mut files);
    assert!(files.len() > 50, "read {} files of src/", files.len());
    let bad = violations(&files);
    assert!(bad.is_empty(), "layer violations:\n{}", bad.join("\n"));
}

// The test of the test: each rule of the issue, broken on purpose, is caught.

fn one(path: &str, source: &str) -> Vec<String> {
    violations(&[(path.to_string(), source.to_string())])
}

#[test]
fn the_state_importing_the_view_storage_or_shell_is_caught() {
    for bad in [
        "use crate::ui::layout::lots_rows;",
        "let j: crate::journal::JournalRecord;",
        "use crate::shell::cli::MonitorArgs;",
        "use crate::{domain::Money, ui::View};",
    ] {
        assert_eq!(one("app/mod.rs", bad).len(), 1, "{bad}");
    }
    assert!(
        one(
            "app/mod.rs",
            "use crate::sync::SyncMsg; use crate::domain::Lot;"
        )
        .is_empty()
    );
}

#[test]
fn the_view_importing_the_network_or_storage_is_caught() {
    for bad in [
        "use crate::sync::LinkState;",
        "use crate::platform::Client;",
        "use crate::journal::Journal;",
    ] {
        assert_eq!(one("ui/header.rs", bad).len(), 1, "{bad}");
    }
}

#[test]
fn the_domain_importing_anything_is_caught() {
    assert_eq!(
        one("domain/lot.rs", "use crate::rates::RateTable;").len(),
        1
    );
    assert!(one("domain/lot.rs", "use super::money::Money;").is_empty());
}

#[test]
fn a_unit_test_module_may_use_the_messages() {
    let src = "use crate::app::App;\n#[cfg(test)]\nmod tests {\n    use crate::sync::SyncMsg;\n}\n";
    assert!(one("ui/mouse.rs", src).is_empty());
    assert_eq!(
        one("ui/mouse.rs", &src.replace("#[cfg(test)]\n", "")).len(),
        1
    );
}

#[test]
fn a_unit_test_file_may_use_the_fixtures_and_messages() {
    assert!(one("app/alert_tests.rs", "use crate::testing::test_lot;").is_empty());
    assert!(one("app/anomaly/tests.rs", "use crate::sync::SyncMsg;").is_empty());
    assert_eq!(
        one("app/alerts.rs", "use crate::testing::test_lot;").len(),
        1
    );
}

#[test]
fn comments_and_other_crates_are_not_imports() {
    assert!(one("domain/lot.rs", "// see crate::ui::View").is_empty());
    assert!(one("domain/lot.rs", "use my_crate::ui::View;").is_empty());
}

#[test]
fn a_circle_is_caught_even_between_allowed_modules() {
    // shell may import app; app importing shell is both a violation and a circle.
    let bad = violations(&[
        ("shell/a.rs".into(), "use crate::app::App;".into()),
        ("app/b.rs".into(), "use crate::shell::cli::Cli;".into()),
    ]);
    assert!(bad.iter().any(|b| b.starts_with("a circle")), "{bad:?}");
}

#[test]
fn a_new_top_level_module_must_be_placed() {
    let bad = one("metrics.rs", "use crate::app::App;");
    assert!(bad[0].contains("in no layer"), "{bad:?}");
}
