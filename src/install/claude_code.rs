//! Claude Code: what `claude mcp add -s user|project` writes.
//!
//! - user scope: the top-level `mcpServers` of `~/.claude.json`
//!   (`$CLAUDE_CONFIG_DIR/.claude.json` when that is set); skills in
//!   `~/.claude/skills/` (`$CLAUDE_CONFIG_DIR/skills/`).
//! - project scope: `./.mcp.json`; skills in `./.claude/skills/`.
//! - after-edit hook: `hooks.PostToolUse` in `~/.claude/settings.json` or
//!   `./.claude/settings.json`.
//!
//! Entry: `{"type": "stdio", "command": <binary>, "args": ["serve"], "env": {}}`
//! (through the npm launcher: `npx -y rust-async-skill serve`, see [`super::launch`]).
use super::hooks::{self, HookSpec};
use super::{Client, Context, Scope, Target, json::Json, launch::Launch};

/// Our entry as `claude mcp add` writes a stdio server.
pub fn entry(launch: &Launch) -> Json {
    Json::object([
        ("type", Json::string("stdio")),
        ("command", Json::string(&launch.command)),
        ("args", launch.args_json()),
        ("env", Json::Object(Vec::new())),
    ])
}

pub fn target(scope: Scope, ctx: &Context) -> Target {
    let (config, skills_root, notes) = match scope {
        Scope::User => {
            let (config, skills) = match &ctx.claude_config_dir {
                Some(dir) => (dir.join(".claude.json"), dir.join("skills")),
                None => (ctx.home.join(".claude.json"), ctx.home.join(".claude").join("skills")),
            };
            let notes = vec![
                "check it with `claude mcp list`: rust-async-skill should show \"Connected\"".to_string(),
                "the skill loads in Claude Code sessions started from now on".to_string(),
            ];
            (config, skills, notes)
        }
        Scope::Project => (
            ctx.cwd.join(".mcp.json"),
            ctx.cwd.join(".claude").join("skills"),
            vec![
                "Claude Code asks once to approve the servers of .mcp.json when it starts in this folder".to_string(),
                if ctx.launch.is_npx() {
                    "commit .mcp.json and .claude/skills/ to share them (the entry runs npx, on any machine with Node.js)".to_string()
                } else {
                    "commit .mcp.json and .claude/skills/ to share them; the binary path is this machine's".to_string()
                },
            ],
        ),
    };
    Target {
        client: Client::ClaudeCode,
        scope,
        config: Some(config),
        entry: entry(&ctx.launch),
        skills_root,
        notes,
    }
}

/// What the hook runs after: the tools that write files.
pub const HOOK_MATCHER: &str = "Write|Edit|MultiEdit";

/// The after-edit hook: `hooks.PostToolUse` of `~/.claude/settings.json`
/// (`$CLAUDE_CONFIG_DIR/settings.json`), or `./.claude/settings.json`.
pub fn hook(scope: Scope, ctx: &Context) -> HookSpec {
    let path = match (scope, &ctx.claude_config_dir) {
        (Scope::User, Some(dir)) => dir.join("settings.json"),
        (Scope::User, None) => ctx.home.join(".claude").join("settings.json"),
        (Scope::Project, _) => ctx.cwd.join(".claude").join("settings.json"),
    };
    let command = hooks::command(&ctx.launch, Client::ClaudeCode.id());
    HookSpec {
        client: Client::ClaudeCode.id(),
        path,
        event: "PostToolUse",
        nested: true,
        entry: hooks::nested_entry(HOOK_MATCHER, &command),
        scaffold: Vec::new(),
    }
}
