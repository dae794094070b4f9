//! Windsurf (Cascade).
//!
//! - MCP servers: `~/.codeium/windsurf/mcp_config.json` only (Windsurf
//!   documents no project-level MCP file), Claude Desktop's schema.
//! - skills: `~/.codeium/windsurf/skills/` (user) or `./.windsurf/skills/`
//!   (project, a "workspace skill").
//!
//! - after-edit hook: `hooks.post_write_code` in
//!   `~/.codeium/windsurf/hooks.json` or `./.windsurf/hooks.json`, with
//!   `show_output` so the findings show in Cascade.
//!
//! Entry: `{"command": <binary>, "args": ["serve"]}`
//! (through the npm launcher: `npx -y rust-async-skill serve`, see [`super::launch`]).
use super::hooks::{self, HookSpec};
use super::{Client, Context, Scope, Target, json::Json, launch::Launch};

pub fn entry(launch: &Launch) -> Json {
    Json::object([
        ("command", Json::string(&launch.command)),
        ("args", launch.args_json()),
    ])
}

/// The MCP configuration file, the same for both scopes.
pub fn config_path(ctx: &Context) -> std::path::PathBuf {
    ctx.home
        .join(".codeium")
        .join("windsurf")
        .join("mcp_config.json")
}

pub fn target(scope: Scope, ctx: &Context) -> Target {
    let (config, skills_root, notes) = match scope {
        Scope::User => (
            Some(config_path(ctx)),
            ctx.home.join(".codeium").join("windsurf").join("skills"),
            vec![
                "press refresh in Cascade's MCP panel (or restart Windsurf) to start the server"
                    .to_string(),
            ],
        ),
        Scope::Project => (
            None,
            ctx.cwd.join(".windsurf").join("skills"),
            vec![format!(
                "Windsurf reads MCP servers only from {}: run `rust-async-skill install windsurf` (user scope) to register the server too",
                config_path(ctx).display()
            )],
        ),
    };
    Target {
        client: Client::Windsurf,
        scope,
        config,
        entry: entry(&ctx.launch),
        skills_root,
        notes,
    }
}

pub fn hook(scope: Scope, ctx: &Context) -> HookSpec {
    let path = match scope {
        Scope::User => ctx
            .home
            .join(".codeium")
            .join("windsurf")
            .join("hooks.json"),
        Scope::Project => ctx.cwd.join(".windsurf").join("hooks.json"),
    };
    HookSpec {
        client: Client::Windsurf.id(),
        path,
        event: "post_write_code",
        nested: false,
        entry: Json::object([
            (
                "command",
                Json::string(hooks::command(&ctx.launch, Client::Windsurf.id())),
            ),
            ("show_output", Json::Bool(true)),
        ]),
        scaffold: Vec::new(),
    }
}
