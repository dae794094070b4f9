//! The integration tests, in one binary (one link of tantivy, rmcp, axum,
//! syn and tokio instead of one per file). Each module is one former
//! `tests/<name>.rs`; the slow end-to-end checks are under `slow`. Data
//! and fixtures stay in `tests/data/` and `tests/fixtures/`.
//!
//! Run one module: `cargo test --test it mcp_stdio::`.

mod common;
mod file_tree;
mod http_support;
mod sandbox;

mod adopt_cli;
mod analysis_api;
mod analysis_cli;
mod analysis_docs;
mod analysis_eval;
mod analysis_robustness;
mod analysis_skill_examples;
mod analysis_snapshots;
mod blocking_sleep_fix;
mod bundle_cli;
mod claude_plugin;
mod crate_analysis;
mod explain_cli;
mod fix_cli;
mod fix_shapes;
mod fix_verify;
mod hook_cli;
mod hostile_http;
mod hostile_stdio;
mod index_fresh;
mod install_cli;
mod install_diff;
mod install_hooks;
mod install_launcher;
mod mcp_http;
mod mcp_stdio;
mod readme_rules;
mod retrieval;
mod rule_doc_examples;
mod self_check;
mod skill_structure;
mod slow;
