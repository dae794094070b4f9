//! The tools. Each returns `structuredContent` (the same JSON as the CLI's
//! `--json`) plus a readable Markdown block; a bad argument is a tool result
//! with `isError: true` and a message naming the field.
use super::AsyncSkillServer;
use super::args::{self, Args};
use crate::analysis::{self, DiagnoseOptions, Diagnosis, Runtime};
use crate::explain::{Detail, Explanation, render_markdown};
use rmcp::handler::server::common::{schema_for_output, schema_for_type};
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResult, ContentBlock, JsonObject};
use rmcp::{schemars, tool, tool_router};
use serde::Deserialize;
use std::sync::Arc;

// The documented input of explain_concept: the tool reads its arguments by
// hand (args.rs) to name the field in every error; this type only describes them.
#[derive(Deserialize, schemars::JsonSchema)]
#[allow(dead_code)]
pub struct ExplainInput {
    /// A concept name, a question, a pasted compiler/runtime error, or a code fragment.
    query: String,
    /// "brief" (default): the best sections; "full": every section of the concept.
    detail: Option<Detail>,
    /// Answer budget in tokens, 100..20000 (default 1200); cut at section boundaries.
    max_tokens: Option<u32>,
}

// The documented input of diagnose_snippet (read by hand, like explain's).
#[derive(Deserialize, schemars::JsonSchema)]
#[allow(dead_code)]
pub struct DiagnoseInput {
    /// Rust code: a whole file, an impl block, a function, or loose statements. Need not compile.
    code: String,
    /// "tokio" (default), "async-std", "smol" or "any".
    runtime: Option<String>,
    /// Only these rule ids (default: all; see the rust-async://rules/{id} resources).
    rules: Option<Vec<String>>,
}

/// The readable Markdown of a diagnosis: one line per finding, with its help.
pub fn render_diagnosis(d: &Diagnosis) -> String {
    let mut out = format!(
        "{} (parsed as {})\n",
        d.summary,
        serde_json::to_value(d.parse.mode)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    );
    for f in &d.findings {
        let severity = serde_json::to_value(f.severity)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        out.push_str(&format!(
            "\n- **{severity}[{}]** line {}:{}: {}\n  help: {}\n  explained in: {} (concept `{}`)\n",
            f.rule, f.span.start.line, f.span.start.column, f.message, f.help, f.doc_uri, f.concept
        ));
    }
    if !d.parse.errors.is_empty() {
        out.push_str(&format!("\nThe code did not parse fully ({} syntax errors); findings come from what could be read.\n", d.parse.errors.len()));
    }
    out
}

/// Reads diagnose_snippet's arguments; also used by suggest_fix and the review prompt.
pub fn diagnose_options(args: &Args) -> Result<(String, DiagnoseOptions), String> {
    let code = args::required_string(args, &["code", "snippet", "source"])?;
    let mut opts = DiagnoseOptions::default();
    if let Some(runtime) = args::optional_string(args, &["runtime"])? {
        opts.runtime = runtime.parse::<Runtime>().map_err(|e| e.to_string())?;
    }
    opts.rules = args::optional_strings(args, &["rules", "rule"])?;
    Ok((code, opts))
}

/// A tool's schema with what agents need and nothing more: every agent pays
/// for tools/list in every session. Output schemas lose descriptions too.
fn compact<T: schemars::JsonSchema + std::any::Any>(output: bool) -> Arc<JsonObject> {
    fn strip(v: &mut serde_json::Value, drop_descriptions: bool, top: bool) {
        match v {
            serde_json::Value::Object(map) => {
                for key in ["title", "format", "minimum", "$schema"] {
                    map.remove(key);
                }
                if drop_descriptions || top {
                    map.remove("description");
                }
                for (key, child) in map.iter_mut() {
                    // Property names are data, not schema keywords: keep "properties" maps whole.
                    strip(child, drop_descriptions, false);
                    let _ = key;
                }
            }
            serde_json::Value::Array(items) => items
                .iter_mut()
                .for_each(|i| strip(i, drop_descriptions, false)),
            _ => {}
        }
    }
    let full = if output {
        schema_for_output::<T>()
    } else {
        schema_for_type::<T>()
    };
    let mut value = serde_json::Value::Object((*full).clone());
    strip(&mut value, output, true);
    match value {
        serde_json::Value::Object(map) => Arc::new(map),
        _ => full,
    }
}

pub fn error_result(message: impl Into<String>) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(message.into())])
}

pub fn structured_result<T: serde::Serialize>(value: &T, markdown: String) -> CallToolResult {
    let mut result = CallToolResult::success(vec![ContentBlock::text(markdown)]);
    result.structured_content = Some(serde_json::to_value(value).expect("tool outputs serialize"));
    result
}

fn parse_detail(args: &Args) -> Result<Detail, String> {
    match args::optional_string(args, &["detail"])?
        .as_deref()
        .map(str::trim)
    {
        None | Some("") | Some("brief") => Ok(Detail::Brief),
        Some("full") => Ok(Detail::Full),
        Some(other) => Err(format!(
            "`detail` must be \"brief\" or \"full\", got {other:?}"
        )),
    }
}

#[tool_router(vis = "pub(crate)")]
impl AsyncSkillServer {
    #[tool(
        name = "explain_concept",
        description = "Explain an async Rust concept from the rust-async-internals skill: Future/poll, Pin, wakers, the tokio runtime and tasks, blocking, select!/join!, cancellation, locks, channels, Send errors, tokio-console, debugging. Call it with a term, a question, a pasted compiler/panic message or code. Not for other languages' async or general Rust questions (the answer says not_covered).",
        title = "Explain an async Rust concept",
        input_schema = compact::<ExplainInput>(false),
        output_schema = compact::<Explanation>(true),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    pub async fn explain_concept(&self, Parameters(args): Parameters<Args>) -> CallToolResult {
        let parsed = (|| {
            args::reject_unknown(
                &args,
                &[
                    "query",
                    "concept",
                    "question",
                    "topic",
                    "detail",
                    "max_tokens",
                ],
            )?;
            let query = args::required_string(&args, &["query", "concept", "question", "topic"])?;
            let detail = parse_detail(&args)?;
            let max_tokens = args::optional_u32(&args, &["max_tokens"])?;
            Ok::<_, String>((query, detail, max_tokens))
        })();
        let (query, detail, max_tokens) = match parsed {
            Ok(p) => p,
            Err(e) => return error_result(e),
        };
        match self
            .knowledge
            .explainer()
            .explain(&query, detail, max_tokens)
        {
            Ok(answer) => structured_result(&answer, render_markdown(&answer)),
            Err(e) => error_result(e.to_string()),
        }
    }

    #[tool(
        name = "diagnose_snippet",
        title = "Find async bugs in Rust code",
        description = "Find async Rust bugs in code without compiling it: blocking calls in async (thread::sleep, std::fs, block_on), std Mutex/RefCell guards held across .await, !Send values in tokio::spawn, futures never awaited, select! loops that recreate timers or lose data, poll impls that lose or leak wakers, runtime misconfiguration. Accepts whole files, fns or loose statements, even with syntax errors. Each finding links to its explanation. Checks async semantics only, not types.",
        input_schema = compact::<DiagnoseInput>(false),
        output_schema = compact::<Diagnosis>(true),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    pub async fn diagnose_snippet(&self, Parameters(args): Parameters<Args>) -> CallToolResult {
        let known = ["code", "snippet", "source", "runtime", "rules", "rule"];
        let (code, opts) =
            match args::reject_unknown(&args, &known).and_then(|_| diagnose_options(&args)) {
                Ok(p) => p,
                Err(e) => return error_result(e),
            };
        // Up to a few ms of CPU on big inputs: keep it off the async workers.
        match tokio::task::spawn_blocking(move || analysis::diagnose(&code, &opts)).await {
            Ok(Ok(diagnosis)) => structured_result(&diagnosis, render_diagnosis(&diagnosis)),
            Ok(Err(e)) => error_result(e.to_string()),
            Err(e) => error_result(format!("the analysis failed: {e}")),
        }
    }
}
