//! The integration tests, in one binary: each file is a module (linking one
//! binary instead of forty is most of a cold `cargo test` on two cores).
//! The end-to-end tests (`e2e_*`: the real binary in tmux) are modules here
//! too, so that they wait side by side rather than one binary after another.
//! The parser's scale test (its counting allocator) has a binary of its own.
//! The shell is private to the crate: its parts are tested by the unit
//! tests beside them (`src/shell/*_tests.rs`, with these same helpers).

#![allow(clippy::unwrap_used)] // a test may stop at the first surprise

#[path = "../support/mod.rs"]
mod support;

mod alerts_delivery;
mod anomaly_clean_day;
mod anomaly_faults;
mod anomaly_journal;
mod anomaly_live_sim;
mod cli_first_use;
mod cli_lang;
mod client_causes;
mod client_http;
mod client_tls;
mod e2e_alerts;
mod e2e_follow;
mod e2e_journal_crash;
mod e2e_journal_disk;
mod e2e_journal_pg;
mod e2e_outputs;
mod e2e_protocol_day;
mod e2e_readme;
mod e2e_replay;
mod e2e_sauda;
mod e2e_sources;
mod e2e_tmux;
mod faults_feed;
mod faults_network;
mod hostile_decode;
mod hostile_render;
mod journal_chain;
mod journal_crash;
mod journal_disk_faults;
mod journal_export;
mod journal_follow_file;
mod journal_live_crash;
mod journal_names;
mod journal_pg;
mod journal_replay;
mod journal_store;
mod journal_whole;
mod layers;
mod metrics_prometheus;
mod nbk_parse;
mod nbk_sim;
mod private_files;
mod protocol_day;
mod push_feed;
mod sauda_parse;
mod sauda_polite;
mod sauda_props;
mod sauda_sim;
mod sim_api;
mod sim_engine;
mod sim_perf_hooks;
mod snapshot_cli;
mod sync_feed;
mod sync_journal_fill;
mod sync_rates;
mod sync_sim;
mod ui_anomalies;
mod ui_figures;
mod ui_filter;
mod ui_journal_badge;
mod ui_keys;
mod ui_lang;
mod ui_layouts;
mod ui_link_causes;
mod ui_mouse;
mod ui_panes;
mod ui_rule_alerts;
mod ui_sauda;
mod ui_sizes;
mod ui_snapshots;
mod ui_sources;
mod ui_styles;
mod ui_summary_replay;
mod ui_theme;
mod ui_ticks;
mod watch_cli;
