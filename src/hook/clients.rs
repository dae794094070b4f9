//! One thin adapter per client: where its payload names the edited files
//! and the edit, and which channel carries feedback back to the agent.
//! Shapes: shared/research/agent-integration.md and the fixtures in
//! tests/data/hooks/.

use super::patch::{self, FileChange};
use super::{Answer, Edit, Report, Touched};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Client {
    ClaudeCode,
    Codex,
    Cursor,
    Windsurf,
}

type Edits = Result<Vec<Edit>, String>;

impl Client {
    pub fn parse(s: &str) -> Option<Client> {
        Some(match s {
            "claude-code" | "claude" => Client::ClaudeCode,
            "codex" => Client::Codex,
            "cursor" => Client::Cursor,
            "windsurf" => Client::Windsurf,
            _ => return None,
        })
    }

    /// The Rust-relevant edits of a payload; `Ok(vec![])` for another tool
    /// or event; `Err` for a payload that is not the client's shape.
    pub fn edits(self, v: &Value) -> Edits {
        if !v.is_object() {
            return Err("the payload is not a JSON object; not checked".into());
        }
        match self {
            Client::ClaudeCode => claude(v, false),
            Client::Codex => claude(v, true),
            Client::Cursor => cursor(v),
            Client::Windsurf => windsurf(v),
        }
    }

    /// The client's feedback for a report.
    pub fn answer(self, r: &Report) -> Answer {
        if r.is_clean() {
            return Answer::silent();
        }
        let text = r.text();
        let stdout = match self {
            Client::ClaudeCode | Client::Codex if r.has_errors() => {
                json!({"decision": "block", "reason": text})
            }
            Client::ClaudeCode | Client::Codex => json!({"hookSpecificOutput": {
                "hookEventName": "PostToolUse", "additionalContext": text}}),
            Client::Cursor => json!({"additional_context": text}),
            Client::Windsurf => {
                // Windsurf shows the agent stderr on exit 2; stdout is not read.
                return Answer {
                    stdout: String::new(),
                    stderr: text,
                    status: 2,
                };
            }
        };
        Answer {
            stdout: stdout.to_string() + "\n",
            stderr: String::new(),
            status: 0,
        }
    }
}

fn str_field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// `path` made absolute against the payload's folder.
fn resolve(path: &str, base: Option<&str>) -> PathBuf {
    let p = Path::new(path);
    match base {
        Some(b) if p.is_relative() => Path::new(b).join(p),
        _ => p.to_path_buf(),
    }
}

/// The `new_string` of each edit in an `edits` array.
fn new_strings(edits: &Value, what: &str) -> Result<Vec<String>, String> {
    let Some(list) = edits.as_array() else {
        return Err(format!("`{what}` is not an array; not checked"));
    };
    list.iter()
        .map(|e| {
            str_field(e, "new_string")
                .map(str::to_string)
                .ok_or_else(|| {
                    format!("an entry of `{what}` has no string `new_string`; not checked")
                })
        })
        .collect()
}

/// Claude Code's PostToolUse (Write, Edit, MultiEdit); Codex's is the same
/// plus `apply_patch`, whose `tool_input.command` is the patch.
fn claude(v: &Value, codex: bool) -> Edits {
    let Some(tool) = str_field(v, "tool_name") else {
        return Err("the payload has no string `tool_name`; not checked".into());
    };
    let cwd = str_field(v, "cwd");
    let input = v.get("tool_input");
    if codex && tool == "apply_patch" {
        let patch = match input.and_then(|i| i.get("command").or_else(|| i.get("patch"))) {
            Some(Value::String(s)) => s.clone(),
            // `["apply_patch", "*** Begin Patch ..."]`
            Some(Value::Array(parts)) => parts
                .iter()
                .filter_map(Value::as_str)
                .find(|s| s.contains("*** Begin Patch"))
                .unwrap_or_default()
                .to_string(),
            _ => {
                return Err(
                    "`tool_input.command` of apply_patch is not the patch text; not checked".into(),
                );
            }
        };
        return Ok(patch::parse(&patch)
            .into_iter()
            .map(|c| match c {
                FileChange::Added { path } => Edit {
                    path: resolve(&path, cwd),
                    touched: Touched::Whole,
                },
                FileChange::Updated { path, hunks } => Edit {
                    path: resolve(&path, cwd),
                    touched: Touched::Hunks(hunks),
                },
            })
            .collect());
    }
    if !matches!(tool, "Write" | "Edit" | "MultiEdit") {
        return Ok(Vec::new());
    }
    let Some(input) = input.filter(|i| i.is_object()) else {
        return Err(format!(
            "`tool_input` of {tool} is not an object; not checked"
        ));
    };
    let Some(path) = str_field(input, "file_path") else {
        return Err(format!(
            "`tool_input.file_path` of {tool} is not a string; not checked"
        ));
    };
    let touched = match tool {
        "Write" => Touched::Whole,
        "Edit" => match str_field(input, "new_string") {
            Some(s) => Touched::Snippets(vec![s.to_string()]),
            None => {
                return Err("`tool_input.new_string` of Edit is not a string; not checked".into());
            }
        },
        _ => Touched::Snippets(new_strings(
            input.get("edits").unwrap_or(&Value::Null),
            "tool_input.edits",
        )?),
    };
    Ok(vec![Edit {
        path: resolve(path, cwd),
        touched,
    }])
}

/// Cursor: `postToolUse` (`tool_input`, an object or a JSON string, with
/// the file's path) or `afterFileEdit` (`file_path`, `edits`).
fn cursor(v: &Value) -> Edits {
    let base = str_field(v, "cwd").or_else(|| {
        v.get("workspace_roots")
            .and_then(|r| r.get(0))
            .and_then(Value::as_str)
    });
    let parsed;
    let input = match v.get("tool_input") {
        Some(Value::String(s)) => {
            parsed = serde_json::from_str::<Value>(s).unwrap_or(Value::Null);
            &parsed
        }
        Some(i) => i,
        None => v,
    };
    let path = ["file_path", "path", "target_file"]
        .iter()
        .find_map(|k| str_field(input, k));
    let Some(path) = path else {
        return Ok(Vec::new()); // a tool that edits no file
    };
    let touched = if input
        .get("content")
        .or_else(|| input.get("contents"))
        .is_some()
    {
        Touched::Whole
    } else if let Some(s) = str_field(input, "new_string") {
        Touched::Snippets(vec![s.to_string()])
    } else if let Some(e) = input.get("edits") {
        Touched::Snippets(new_strings(e, "edits")?)
    } else {
        Touched::Whole
    };
    Ok(vec![Edit {
        path: resolve(path, base),
        touched,
    }])
}

/// Windsurf's `post_write_code`: `tool_info.file_path`, `tool_info.edits`.
fn windsurf(v: &Value) -> Edits {
    if let Some(action) = str_field(v, "agent_action_name")
        && action != "post_write_code"
    {
        return Ok(Vec::new());
    }
    let Some(info) = v.get("tool_info").filter(|i| i.is_object()) else {
        return Err("the payload has no object `tool_info`; not checked".into());
    };
    let Some(path) = str_field(info, "file_path") else {
        return Err("`tool_info.file_path` is not a string; not checked".into());
    };
    let touched = match info.get("edits") {
        Some(e) => Touched::Snippets(new_strings(e, "tool_info.edits")?),
        None => Touched::Whole,
    };
    Ok(vec![Edit {
        path: PathBuf::from(path),
        touched,
    }])
}
