//! Prompts: `explain` (a topic) and `review_async_code` (code).
use super::AsyncSkillServer;
use crate::analysis::{DiagnoseOptions, diagnose_async};
use crate::explain::{Detail, render_markdown};
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{PromptMessage, Role};
use rmcp::{prompt, prompt_router, schemars};
use serde::Deserialize;

#[derive(Deserialize, schemars::JsonSchema)]
pub struct ExplainPromptArgs {
    /// The async Rust topic or question to explain.
    pub topic: String,
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct ReviewPromptArgs {
    /// The async Rust code to review.
    pub code: String,
}

#[prompt_router(vis = "pub(crate)")]
impl AsyncSkillServer {
    /// Explain an async Rust topic, grounded in the rust-async-internals skill.
    #[prompt(name = "explain")]
    pub async fn explain_prompt(
        &self,
        Parameters(args): Parameters<ExplainPromptArgs>,
    ) -> Vec<PromptMessage> {
        let grounding = match self
            .explain_off_the_workers(args.topic.clone(), Detail::Brief, Some(2000))
            .await
        {
            Ok(answer) => render_markdown(&answer),
            Err(e) => format!("(explain_concept could not answer: {e})"),
        };
        vec![PromptMessage::new_text(
            Role::User,
            format!(
                "Explain this async Rust topic to me: {}\n\nGround the explanation in these sections of the rust-async-internals skill, \
                 show code that compiles, and name the common mistake and its fix:\n\n{grounding}",
                args.topic
            ),
        )]
    }

    /// Review async Rust code: the analyser's findings and the skill sections that explain them.
    #[prompt(name = "review_async_code")]
    pub async fn review_async_code(
        &self,
        Parameters(args): Parameters<ReviewPromptArgs>,
    ) -> Vec<PromptMessage> {
        let code = args.code;
        let findings = match diagnose_async(code.clone(), DiagnoseOptions::default()).await {
            Err(e) => format!("(diagnose_snippet could not run: {e})"),
            Ok(d) if d.findings.is_empty() => "diagnose_snippet found nothing; review the code by hand for the async mistakes the skill lists.".to_string(),
            Ok(d) => {
                let mut out = super::tools::render_diagnosis(&d);
                // The explanation of each concept involved, once.
                let mut seen = Vec::new();
                for f in &d.findings {
                    if seen.contains(&f.concept) {
                        continue;
                    }
                    seen.push(f.concept.clone());
                    if let Ok(answer) = self.explain_off_the_workers(f.concept.clone(), Detail::Brief, Some(800)).await {
                        out.push_str("\n---\n");
                        out.push_str(&render_markdown(&answer));
                    }
                }
                out
            }
        };
        vec![PromptMessage::new_text(
            Role::User,
            format!(
                "Review this async Rust code. For each finding of the analyser below, say whether it is a real bug here, why \
                 (using the linked sections of the rust-async-internals skill), and give the corrected code. Then look for \
                 async mistakes the analyser cannot see.\n\n```rust\n{code}\n```\n\n## Findings of diagnose_snippet\n\n{findings}"
            ),
        )]
    }
}
