//! The tools. Each returns `structuredContent` (the same JSON as the CLI's
//! `--json`) plus a readable Markdown block; a bad argument is a tool result
//! with `isError: true` and a message naming the field.
use super::AsyncSkillServer;
use super::args::{self, Args};
use crate::explain::{Detail, Explanation, render_markdown};
use rmcp::handler::server::common::{schema_for_output, schema_for_type};
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResult, ContentBlock};
use rmcp::{schemars, tool, tool_router};
use serde::Deserialize;

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
        input_schema = schema_for_type::<ExplainInput>(),
        output_schema = schema_for_output::<Explanation>(),
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
}
