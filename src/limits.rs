//! Input limits shared by the CLI and the MCP tools.

/// Largest `code` argument accepted by `diagnose_snippet` and `suggest_fix`
/// by default (1 MiB). Overridable with `RUST_ASYNC_SKILL_MAX_CODE_BYTES`.
pub const DEFAULT_MAX_CODE_BYTES: usize = 1 << 20;

/// Largest `query` accepted by `explain_concept` (a pasted error or fragment
/// can be long, but not a whole file).
pub const MAX_QUERY_BYTES: usize = 64 * 1024;

/// `max_tokens` bounds of `explain_concept`.
pub const MIN_MAX_TOKENS: u32 = 100;
pub const MAX_MAX_TOKENS: u32 = 20_000;
pub const DEFAULT_MAX_TOKENS: u32 = 1200;

/// The code size limit in force: the environment override if it parses, else the default.
pub fn max_code_bytes() -> usize {
    std::env::var("RUST_ASYNC_SKILL_MAX_CODE_BYTES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .filter(|&n: &usize| n > 0)
        .unwrap_or(DEFAULT_MAX_CODE_BYTES)
}
