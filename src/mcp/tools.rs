//! The tools. Each returns `structuredContent` (the same JSON as the CLI's
//! `--json`) plus a readable Markdown block; a bad argument is a tool result
//! with `isError: true` and a message naming the field.
use super::AsyncSkillServer;
use super::args::{self, Args};
use crate::analysis::{self, DiagnoseOptions, Diagnosis, Runtime};
use crate::explain::{Detail, Explanation, render_markdown};
use crate::fix::{FixOutcome, suggest_fix_with};
use crate::project::{self, Config};
use rmcp::handler::server::common::{schema_for_output, schema_for_type};
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResult, ContentBlock, JsonObject};
use rmcp::{schemars, tool, tool_router};
use serde::Deserialize;
use std::sync::Arc;

// Each tool's input: its schema (tools/list) and its parser (args::parse).
// Aliases are names agents are seen to use; unknown arguments are refused,
// as a typo would otherwise silently change the answer. Limits (query and
// code size, the max_tokens range) are checked after parsing, by the code
// the CLI shares, with messages that name the field and the limit.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExplainInput {
    /// A concept name, a question, a pasted compiler/runtime error, or a code fragment.
    #[serde(alias = "concept", alias = "question", alias = "topic")]
    pub(crate) query: String,
    /// "brief" (default): the best sections; "full": every section of the concept.
    detail: Option<Detail>,
    /// Answer budget in tokens, 100..20000 (default 1200); cut at section boundaries.
    #[serde(default, deserialize_with = "args::lenient_u32")]
    pub(crate) max_tokens: Option<u32>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DiagnoseInput {
    /// Rust code: a whole file, an impl block, a function, or loose statements. Need not compile.
    #[serde(alias = "snippet", alias = "source")]
    pub(crate) code: String,
    /// "tokio" (default), "async-std", "smol" or "any".
    runtime: Option<String>,
    /// Only these rule ids (default: all; see the rust-async://rules/{id} resources).
    #[serde(default, alias = "rule", deserialize_with = "args::one_or_many")]
    pub(crate) rules: Option<Vec<String>>,
}

impl DiagnoseInput {
    fn into_options(self) -> Result<(String, DiagnoseOptions), String> {
        let mut opts = DiagnoseOptions::default();
        if let Some(runtime) = self.runtime {
            opts.runtime = runtime.parse::<Runtime>().map_err(|e| e.to_string())?;
        }
        opts.rules = self.rules;
        Ok((self.code, opts))
    }
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

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FixInput {
    /// Rust code to fix (as for diagnose_snippet).
    #[serde(alias = "snippet", alias = "source")]
    code: String,
    /// Only fix these rule ids (default: every fixable finding).
    #[serde(default, alias = "rule", deserialize_with = "args::one_or_many")]
    rules: Option<Vec<String>>,
}

impl FixInput {
    fn into_options(self) -> (String, DiagnoseOptions) {
        let opts = DiagnoseOptions {
            rules: self.rules,
            ..DiagnoseOptions::default()
        };
        (self.code, opts)
    }
}

/// The readable Markdown of a fix: the diff, then what was left.
pub fn render_fix(o: &FixOutcome) -> String {
    let mut out = if o.edits.is_empty() {
        "No machine-applicable fix applies.\n".to_string()
    } else {
        format!("{} edit(s):\n\n```diff\n{}```\n", o.edits.len(), o.diff)
    };
    for e in &o.edits {
        out.push_str(&format!(
            "- [{}] line {}: {} ({})\n",
            e.rule, e.span.start.line, e.description, e.safety
        ));
    }
    for f in &o.unfixed {
        out.push_str(&format!(
            "- not fixed [{}] line {}: {} Help: {}\n",
            f.rule, f.span.start.line, f.message, f.help
        ));
    }
    if !o.remaining.is_empty() {
        out.push_str(&format!(
            "{} finding(s) remain in the fixed code.\n",
            o.remaining.len()
        ));
    }
    out
}

/// A tool's schema with what agents need and nothing more: every agent pays
/// for tools/list in every session. References are inlined, enums of
/// documented constants become plain `enum`s, and titles, formats and the
/// `$schema` line go. Output schemas keep their shape to `OUTPUT_DEPTH`
/// levels of objects (deeper ones are just `object`) and lose descriptions.
fn compact<T: schemars::JsonSchema + std::any::Any>(output: bool) -> Arc<JsonObject> {
    compact_to::<T>(output, 2)
}

fn compact_to<T: schemars::JsonSchema + std::any::Any>(
    output: bool,
    output_depth: usize,
) -> Arc<JsonObject> {
    use serde_json::{Map, Value, json};

    fn simplify(
        v: &Value,
        defs: &Map<String, Value>,
        output: Option<usize>,
        depth: usize,
    ) -> Value {
        let Value::Object(map) = v else {
            return v.clone();
        };
        if let Some(Value::String(r)) = map.get("$ref") {
            let name = r.rsplit('/').next().unwrap_or_default();
            return defs
                .get(name)
                .map_or(json!({}), |d| simplify(d, defs, output, depth));
        }
        // `oneOf` of documented constants: a plain string enum.
        if let Some(Value::Array(options)) = map.get("oneOf") {
            let consts: Option<Vec<Value>> =
                options.iter().map(|o| o.get("const").cloned()).collect();
            if let Some(values) = consts {
                return json!({"type": "string", "enum": values});
            }
        }
        let is_object = map.get("type") == Some(&json!("object")) || map.contains_key("properties");
        if output.is_some_and(|max| depth >= max) && is_object {
            return json!({"type": "object"});
        }
        let mut out = Map::new();
        for (key, child) in map {
            match key.as_str() {
                "$schema" | "$defs" | "title" | "format" | "minimum" => {}
                "description" if output.is_some() || depth == 0 => {}
                // From `deny_unknown_fields`: the aliases are accepted too,
                // so a client validating against the schema must not refuse them.
                "additionalProperties" if output.is_none() && child == &json!(false) => {}
                // From `serde(default)` on optional arguments: says nothing.
                "default" if child.is_null() => {}
                "properties" => {
                    let props = child.as_object().map(|p| {
                        p.iter()
                            .map(|(k, v)| (k.clone(), simplify(v, defs, output, depth + 1)))
                            .collect::<Map<_, _>>()
                    });
                    out.insert(key.clone(), Value::Object(props.unwrap_or_default()));
                }
                "items" | "anyOf" | "allOf" => {
                    // Items and alternatives describe the same value: same depth.
                    let simplified = match child {
                        Value::Array(a) => Value::Array(
                            a.iter().map(|x| simplify(x, defs, output, depth)).collect(),
                        ),
                        other => simplify(other, defs, output, depth),
                    };
                    out.insert(key.clone(), simplified);
                }
                _ => {
                    out.insert(key.clone(), child.clone());
                }
            }
        }
        Value::Object(out)
    }

    let full = if output {
        schema_for_output::<T>()
    } else {
        schema_for_type::<T>()
    };
    let defs = full
        .get("$defs")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    match simplify(
        &Value::Object((*full).clone()),
        &defs,
        output.then_some(output_depth),
        0,
    ) {
        Value::Object(map) => Arc::new(map),
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

impl AsyncSkillServer {
    /// `Explainer::explain` on tokio's blocking pool: a search, and for
    /// pasted code a whole analysis (a few ms), must not hold an async
    /// worker (the `blocking-channel` rule would flag waiting on the
    /// analysis thread here).
    pub(crate) async fn explain_off_the_workers(
        &self,
        query: String,
        detail: Detail,
        max_tokens: Option<u32>,
    ) -> Result<Explanation, String> {
        let knowledge = self.knowledge;
        tokio::task::spawn_blocking(move || {
            knowledge
                .explainer()
                .explain(&query, detail, max_tokens)
                .map_err(|e| e.to_string())
        })
        .await
        .unwrap_or_else(|e| Err(format!("the explanation failed: {e}")))
    }
}

#[tool_router(vis = "pub(crate)")]
impl AsyncSkillServer {
    #[tool(
        name = "explain_concept",
        description = "Explain async Rust internals from the rust-async-internals skill (Future/poll, Pin, wakers, tokio tasks and runtime, blocking, select!/join!, cancellation, locks, channels, Send errors, tokio-console). Give a term, question, pasted compiler/panic message or code. Not for other languages or non-async Rust: answers not_covered.",
        title = "Explain an async Rust concept",
        input_schema = compact::<ExplainInput>(false),
        output_schema = compact::<Explanation>(true),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    pub async fn explain_concept(&self, Parameters(args): Parameters<Args>) -> CallToolResult {
        let input: ExplainInput = match args::parse(args) {
            Ok(input) => input,
            Err(e) => return error_result(e),
        };
        let detail = input.detail.unwrap_or_default();
        match self
            .explain_off_the_workers(input.query, detail, input.max_tokens)
            .await
        {
            Ok(answer) => structured_result(&answer, render_markdown(&answer)),
            Err(e) => error_result(e),
        }
    }

    #[tool(
        name = "diagnose_snippet",
        title = "Find async bugs in Rust code",
        description = "Find async Rust bugs without compiling: blocking calls in async, std Mutex/RefCell guards across .await, !Send values in tokio::spawn, unawaited futures, select! loops that reset timers or lose data, poll impls that lose or leak wakers, runtime misconfiguration. Takes files, fns or loose statements, even broken ones. Checks async semantics, not types.",
        input_schema = compact::<DiagnoseInput>(false),
        output_schema = compact::<Diagnosis>(true),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    pub async fn diagnose_snippet(&self, Parameters(args): Parameters<Args>) -> CallToolResult {
        let (code, opts) = match args::parse(args).and_then(DiagnoseInput::into_options) {
            Ok(p) => p,
            Err(e) => return error_result(e),
        };
        // Up to a few ms of CPU on big inputs: it runs on the analysis
        // threads, not on the async workers.
        let text = code.clone();
        let diagnosis = match analysis::diagnose_async(code, opts).await {
            Ok(d) => d,
            Err(e) => return error_result(e.to_string()),
        };
        // The code's own suppressions apply (no configuration: no path).
        // A lexer pass over up to the size limit: off the async workers too.
        match tokio::task::spawn_blocking(move || {
            project::post_process(&text, &Config::default(), diagnosis).diagnosis
        })
        .await
        {
            Ok(diagnosis) => structured_result(&diagnosis, render_diagnosis(&diagnosis)),
            Err(e) => error_result(format!("the diagnosis failed: {e}")),
        }
    }

    #[tool(
        name = "suggest_fix",
        title = "Fix async bugs in Rust code",
        description = "Apply the machine-applicable fixes for diagnose_snippet findings (fix_available); suppressed ones are left. Returns the fixed code, each edit with its safety, a diff, findings it could not fix (with help) and what remains. Text outside the edits is kept byte for byte.",
        input_schema = compact::<FixInput>(false),
        output_schema = compact_to::<FixOutcome>(true, 1),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    pub async fn suggest_fix(&self, Parameters(args): Parameters<Args>) -> CallToolResult {
        let (code, opts) = match args::parse(args).map(FixInput::into_options) {
            Ok(p) => p,
            Err(e) => return error_result(e),
        };
        // Suppressed findings are not reported, so not fixed either.
        let analyse = |text: &str, o: &DiagnoseOptions| {
            project::analyse_file(None, text, o)
                .map(|d| project::post_process(text, &Config::default(), d).diagnosis)
        };
        match tokio::task::spawn_blocking(move || suggest_fix_with(&code, &opts, &analyse)).await {
            Ok(Ok(outcome)) => structured_result(&outcome, render_fix(&outcome)),
            Ok(Err(e)) => error_result(e.to_string()),
            Err(e) => error_result(format!("the fix failed: {e}")),
        }
    }
}
