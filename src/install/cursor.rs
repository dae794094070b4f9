//! Cursor.
//!
//! - MCP servers: `~/.cursor/mcp.json` (user) or `./.cursor/mcp.json`
//!   (project), `{"mcpServers": {name: {"command", "args", "env"}}}`.
//! - skills: `~/.cursor/skills/` (user) or `./.agents/skills/` (project;
//!   Cursor also reads `.cursor/skills/`, and `npx skills add` puts Cursor's
//!   project skills in `.agents/skills/`).
//! - the one-click install link
//!   `cursor://anysphere.cursor-deeplink/mcp/install?name=NAME&config=BASE64(JSON)`.
//!
//! - after-edit hook: `hooks.postToolUse` in `~/.cursor/hooks.json` or
//!   `./.cursor/hooks.json` (`{"version": 1, "hooks": {...}}`); unlike
//!   `afterFileEdit`, `postToolUse` can hand text back to the agent.
//!
//! Entry: `{"command": <binary>, "args": ["serve"]}`
//! (through the npm launcher: `npx -y rust-async-skill serve`, see [`super::launch`]).
use super::hooks::{self, HookSpec};
use super::{Client, Context, SERVER_NAME, Scope, Target, json::Json, launch::Launch};

pub fn entry(launch: &Launch) -> Json {
    Json::object([
        ("command", Json::string(&launch.command)),
        ("args", launch.args_json()),
    ])
}

pub fn target(scope: Scope, ctx: &Context) -> Target {
    let (base, skills_root) = match scope {
        Scope::User => (
            ctx.home.join(".cursor"),
            ctx.home.join(".cursor").join("skills"),
        ),
        Scope::Project => (
            ctx.cwd.join(".cursor"),
            ctx.cwd.join(".agents").join("skills"),
        ),
    };
    Target {
        client: Client::Cursor,
        scope,
        config: Some(base.join("mcp.json")),
        entry: entry(&ctx.launch),
        skills_root,
        notes: vec![
            "Cursor picks the server up by itself; check it under Cursor Settings > MCP"
                .to_string(),
        ],
    }
}

/// Cursor's tool type for file writes and edits (its hook matchers name
/// tool types: `Shell`, `Read`, `Write`, `MCP:...`).
pub const HOOK_MATCHER: &str = "Write";

pub fn hook(scope: Scope, ctx: &Context) -> HookSpec {
    let base = match scope {
        Scope::User => ctx.home.join(".cursor"),
        Scope::Project => ctx.cwd.join(".cursor"),
    };
    HookSpec {
        client: Client::Cursor.id(),
        path: base.join("hooks.json"),
        event: "postToolUse",
        nested: false,
        entry: Json::object([
            (
                "command",
                Json::string(hooks::command(&ctx.launch, Client::Cursor.id())),
            ),
            ("matcher", Json::string(HOOK_MATCHER)),
        ]),
        scaffold: vec![("version", Json::Number("1".into()))],
    }
}

/// The deeplink that makes Cursor add our server after the user confirms.
pub fn install_link(launch: &Launch) -> String {
    let config = base64(entry(launch).to_minified().as_bytes());
    format!(
        "cursor://anysphere.cursor-deeplink/mcp/install?name={}&config={}",
        percent_encode(SERVER_NAME),
        percent_encode(&config)
    )
}

/// Standard base64 with padding (RFC 4648 section 4), as `btoa` gives it.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * k)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `encodeURIComponent`: everything but `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_rfc4648_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn link_shape() {
        let link = install_link(&Launch::binary("/usr/bin/rust-async-skill"));
        assert!(link.starts_with(
            "cursor://anysphere.cursor-deeplink/mcp/install?name=rust-async-skill&config="
        ));
        let config = link.split("&config=").nth(1).unwrap();
        assert!(!config.contains(['+', '/', '=']), "{config}");
    }
}
