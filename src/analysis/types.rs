//! The serialized output of `diagnose_snippet`: field names are a public
//! contract (shared/spec/tools.md), so this file changes only additively.

use super::fix::Fix;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(
    Serialize, Deserialize, JsonSchema, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// One step less severe: used for "maybe async" contexts.
    pub fn lower(self) -> Self {
        match self {
            Severity::Error => Severity::Warning,
            _ => Severity::Info,
        }
    }
}

/// A 1-based line and a 1-based column counted in characters.
#[derive(
    Serialize, Deserialize, JsonSchema, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord,
)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// A region of the code as sent. `end` is exclusive: the column just after
/// the last character (as rustc's JSON and SARIF count it).
#[derive(Serialize, Deserialize, JsonSchema, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: Position,
    pub end: Position,
}

/// One problem found in the code.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug)]
pub struct Finding {
    /// The rule id (`rust-async-skill rules` lists them).
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    /// One line saying what to do instead.
    pub help: String,
    /// The concept id (see the concept catalogue) that explains the problem.
    pub concept: String,
    pub span: Span,
    /// Whether `suggest_fix` has a machine-applicable fix for this finding.
    pub fix_available: bool,
    /// `rust-async://rules/<id>`: the rule's documentation.
    pub doc_uri: String,
    /// What the analyser assumed when a name was not resolved by a `use` line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumption: Option<String>,
    /// Whole-crate analysis (`check` inside a Cargo package): the chain of
    /// calls from another file that makes this a bug, entry first
    /// (absent for findings the file shows on its own).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub via: Vec<ViaStep>,
    /// Byte range of `span` in the code as sent (for fixes and rendering).
    #[serde(skip)]
    #[schemars(skip)]
    pub range: Range<usize>,
    /// The machine-applicable fix, when a rule computed one (not serialized:
    /// `suggest_fix` applies it).
    #[serde(skip)]
    #[schemars(skip)]
    pub fix: Option<Fix>,
}

/// One step of a call chain: the entry (`async fn handle`, a spawn, a
/// runtime entry point) or a call on the way, with where it is written.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq, Eq)]
pub struct ViaStep {
    /// What is there: "async fn handle", "`audit::record`".
    pub name: String,
    /// The file, as `check` names it.
    pub path: String,
    /// 1-based line.
    pub line: usize,
}

/// How the code was understood.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ParseMode {
    /// A whole file (items at the top level).
    File,
    /// Associated items (methods without their `impl` line).
    Items,
    /// Loose statements, analysed as the body of an `async fn`.
    Statements,
    /// A single expression.
    Expression,
    /// Nothing parsed as a whole: parts were parsed where possible and the
    /// rest scanned token by token (fewer rules can fire there).
    Tokens,
}

impl ParseMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ParseMode::File => "file",
            ParseMode::Items => "items",
            ParseMode::Statements => "statements",
            ParseMode::Expression => "expression",
            ParseMode::Tokens => "tokens",
        }
    }
}

/// A syntax error met while parsing.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug)]
pub struct ParseErrorInfo {
    pub message: String,
    pub span: Span,
}

#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug)]
pub struct ParseInfo {
    pub mode: ParseMode,
    pub errors: Vec<ParseErrorInfo>,
}

/// The result of `diagnose_snippet`.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug)]
pub struct Diagnosis {
    /// Sorted by position.
    pub findings: Vec<Finding>,
    pub parse: ParseInfo,
    /// E.g. "1 error, 2 warnings", or "no findings".
    pub summary: String,
}

impl Diagnosis {
    /// Counts of (errors, warnings, infos).
    pub fn counts(&self) -> (usize, usize, usize) {
        count(&self.findings)
    }

    /// True when some finding is a warning or an error (the CLI exits 1).
    pub fn has_problems(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity >= Severity::Warning)
    }
}

pub(crate) fn count(findings: &[Finding]) -> (usize, usize, usize) {
    let mut c = (0, 0, 0);
    for f in findings {
        match f.severity {
            Severity::Error => c.0 += 1,
            Severity::Warning => c.1 += 1,
            Severity::Info => c.2 += 1,
        }
    }
    c
}

/// "1 error, 2 warnings, 1 info", or "no findings".
pub fn summarize(errors: usize, warnings: usize, infos: usize) -> String {
    let mut parts = Vec::new();
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("1 {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    if errors > 0 {
        parts.push(plural(errors, "error"));
    }
    if warnings > 0 {
        parts.push(plural(warnings, "warning"));
    }
    if infos > 0 {
        parts.push(if infos == 1 {
            "1 info".to_string()
        } else {
            format!("{infos} infos")
        });
    }
    if parts.is_empty() {
        "no findings".to_string()
    } else {
        parts.join(", ")
    }
}
