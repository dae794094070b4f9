//! rust-async-skill: an Agent Skill on Rust async internals, its search index,
//! a static analyser for async code, and the MCP server that serves them.
//!
//! See ARCHITECTURE.md for the map of modules and their invariants.

pub mod analysis;
pub mod cli;
pub mod explain;
pub mod fix;
pub mod fsio;
pub mod hook;
pub mod install;
pub mod limits;
pub mod mcp;
pub mod project;
pub mod retrieval_eval;
pub mod search;
pub mod skill;
pub mod textdiff;

/// The skill's version, reported in every explanation.
pub const SKILL_VERSION: &str = env!("CARGO_PKG_VERSION");
