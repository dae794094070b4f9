//! Prompts: `explain` (a topic) and `review_async_code` (code).
use super::AsyncSkillServer;
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

#[prompt_router(vis = "pub(crate)")]
impl AsyncSkillServer {
    /// Explain an async Rust topic, grounded in the rust-async-internals skill.
    #[prompt(name = "explain")]
    pub async fn explain_prompt(
        &self,
        Parameters(args): Parameters<ExplainPromptArgs>,
    ) -> Vec<PromptMessage> {
        let grounding =
            match self
                .knowledge
                .explainer()
                .explain(&args.topic, Detail::Brief, Some(2000))
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
}
