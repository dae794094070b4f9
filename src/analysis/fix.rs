//! Machine-applicable fixes, attached to findings internally (not part of
//! the `diagnose_snippet` JSON; `suggest_fix` applies them).
//!
//! Edits are byte ranges of the code exactly as the user sent it, so a fix
//! never reformats text outside its edits.

use std::ops::Range;

/// How far a fix can be trusted (ruff's notion of fix safety).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixSafety {
    /// Keeps the program's meaning; apply without review.
    Safe,
    /// Compiles in the common case but may change behaviour or need an
    /// import or a dependency; review it.
    MaybeIncorrect,
}

/// Replace `range` of the original text with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub replacement: String,
}

#[derive(Clone, Debug)]
pub struct Fix {
    pub edits: Vec<Edit>,
    pub safety: FixSafety,
    pub description: String,
}
