//! The MCP server: tools, resources (the skill's files, its sections, the
//! rules' docs), prompts, completions and the Skills extension.

pub mod args;
pub mod http;
pub mod prompts;
pub mod resources;
pub mod tools;

use crate::explain::Explainer;
use crate::skill::Skill;
use rmcp::handler::server::router::{prompt::PromptRouter, tool::ToolRouter};
use rmcp::model::*;
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler, prompt_handler, tool_handler};
use std::sync::OnceLock;

/// What the server knows: a skill and, built on first use, its explainer.
///
/// Nothing is parsed at start-up: the first request that needs the skill
/// loads it, so the `initialize` answer goes out as fast as the transport allows.
pub struct Knowledge {
    custom: Option<&'static Skill>,
    explainer: OnceLock<Explainer>,
}

impl Knowledge {
    /// The skill embedded in the binary (shared by every session).
    pub fn embedded() -> &'static Knowledge {
        static K: OnceLock<Knowledge> = OnceLock::new();
        K.get_or_init(|| Knowledge {
            custom: None,
            explainer: OnceLock::new(),
        })
    }

    /// Another skill, loaded from disk, kept for the life of the process.
    pub fn custom(skill: Skill) -> &'static Knowledge {
        Box::leak(Box::new(Knowledge {
            custom: Some(Box::leak(Box::new(skill))),
            explainer: OnceLock::new(),
        }))
    }

    pub fn skill(&self) -> &'static Skill {
        self.custom.unwrap_or_else(Skill::embedded)
    }

    /// The explainer, built on first use (a few milliseconds).
    pub fn explainer(&self) -> &Explainer {
        match self.custom {
            None => Explainer::embedded(),
            Some(skill) => self.explainer.get_or_init(|| {
                Explainer::for_skill(skill).expect("a loaded skill can be indexed")
            }),
        }
    }
}

/// One MCP session's server (cheap to create: all state is shared).
#[derive(Clone)]
pub struct AsyncSkillServer {
    pub knowledge: &'static Knowledge,
    tool_router: ToolRouter<Self>,
    prompt_router: PromptRouter<Self>,
}

const INSTRUCTIONS: &str = "Rust async internals (Future, Pin, wakers, tokio tasks, blocking, select!, cancellation, locks, channels). \
explain_concept answers questions and pasted errors from the rust-async-internals skill; \
diagnose_snippet finds async bugs in Rust code without compiling it; suggest_fix applies the fixable ones. \
The skill's files are resources under skill://rust-async-internals/.";

impl AsyncSkillServer {
    pub fn new(knowledge: &'static Knowledge) -> Self {
        Self {
            knowledge,
            tool_router: Self::tool_router(),
            prompt_router: Self::prompt_router(),
        }
    }
}

#[tool_handler(router = self.tool_router)]
#[prompt_handler(router = self.prompt_router)]
impl ServerHandler for AsyncSkillServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_prompts()
                .enable_resources()
                .enable_completions()
                .enable_skills()
                .build(),
        )
        .with_server_info(Implementation::new(
            "rust-async-skill",
            env!("CARGO_PKG_VERSION"),
        ))
        .with_instructions(INSTRUCTIONS)
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        Ok(ListResourcesResult::with_all_items(resources::list(
            self.knowledge.skill(),
        )))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, McpError> {
        Ok(ListResourceTemplatesResult::with_all_items(
            resources::templates(),
        ))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        resources::read(self.knowledge.skill(), &request.uri).map(Into::into)
    }

    async fn complete(
        &self,
        request: CompleteRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CompleteResult, McpError> {
        let values = resources::complete(
            self.knowledge.skill(),
            &request.r#ref,
            &request.argument.name,
            &request.argument.value,
        );
        let total = values.len();
        let shown: Vec<String> = values
            .into_iter()
            .take(CompletionInfo::MAX_VALUES)
            .collect();
        let more = total > shown.len();
        let info = CompletionInfo::with_pagination(shown, Some(total as u32), more)
            .map_err(|e| McpError::internal_error(e, None))?;
        Ok(CompleteResult::new(info))
    }

    /// A request rmcp could not type: wrong params of a known method (-32602) or an unknown method (-32601).
    async fn on_custom_request(
        &self,
        request: CustomRequest,
        _context: RequestContext<RoleServer>,
    ) -> Result<CustomResult, McpError> {
        Err(http::untyped_request_error(
            &request.method,
            request.params.as_ref(),
        ))
    }

    async fn list_skills(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListSkillsResult, McpError> {
        let mut result = ListSkillsResult::with_all_items(vec![resources::skill_manifest(
            self.knowledge.skill(),
        )]);
        result.ttl_ms = Some(resources::CACHE_TTL_MS);
        result.cache_scope = Some(CacheScope::Public);
        Ok(result)
    }

    async fn get_skill(
        &self,
        request: GetSkillRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetSkillResult, McpError> {
        let manifest = resources::skill_manifest(self.knowledge.skill());
        if request.uri != manifest.uri {
            return Err(McpError::invalid_params(
                format!(
                    "no skill at `{}`; this server serves `{}`",
                    request.uri, manifest.uri
                ),
                None,
            ));
        }
        Ok(GetSkillResult::new(manifest)
            .with_ttl_ms(resources::CACHE_TTL_MS)
            .with_cache_scope(CacheScope::Public))
    }
}
