//! Codex (OpenAI).
//!
//! - MCP servers: `[mcp_servers.NAME]` in `~/.codex/config.toml` (user) or
//!   `./.codex/config.toml` (project; Codex reads it in trusted projects),
//!   with `command` and `args`, what `codex mcp add NAME -- CMD serve` writes.
//!   The file is edited with `toml_edit`, so comments, key order and the
//!   other servers stay as they are.
//! - skills: `~/.agents/skills/` (user) or `./.agents/skills/` (project).
//! - hooks: `~/.codex/hooks.json` or `./.codex/hooks.json`, Claude-style
//!   groups under `hooks.PostToolUse`, matched on `apply_patch|Edit|Write`.
use super::hooks::{self, HookSpec};
use super::{
    Client, ConfigPlan, ConfigState, Context, Error, SERVER_NAME, Scope, Target, in_style_of,
    json::Json, launch::Launch,
};
use std::path::{Path, PathBuf};
use toml_edit::{Array, DocumentMut, Item, Table, Value, value};

/// `(command, args)` of our server.
pub fn entry(launch: &Launch) -> Json {
    Json::object([
        ("command", Json::string(&launch.command)),
        ("args", launch.args_json()),
    ])
}

fn base(scope: Scope, ctx: &Context) -> PathBuf {
    match scope {
        Scope::User => ctx.home.join(".codex"),
        Scope::Project => ctx.cwd.join(".codex"),
    }
}

/// What the hook runs after: Codex's patch tool, and the file tools.
pub const HOOK_MATCHER: &str = "apply_patch|Edit|Write";

/// The after-edit hook: `hooks.PostToolUse` of `~/.codex/hooks.json` or
/// `./.codex/hooks.json`.
pub fn hook(scope: Scope, ctx: &Context) -> HookSpec {
    let command = hooks::command(&ctx.launch, Client::Codex.id());
    HookSpec {
        client: Client::Codex.id(),
        path: base(scope, ctx).join("hooks.json"),
        event: "PostToolUse",
        nested: true,
        entry: hooks::nested_entry(HOOK_MATCHER, &command),
        scaffold: Vec::new(),
    }
}

pub fn target(scope: Scope, ctx: &Context) -> Target {
    let skills_root = match scope {
        Scope::User => ctx.home.join(".agents").join("skills"),
        Scope::Project => ctx.cwd.join(".agents").join("skills"),
    };
    let mut notes =
        vec!["check it with `codex mcp list`: rust-async-skill should be listed".to_string()];
    if scope == Scope::Project {
        notes.push(
            "Codex reads .codex/config.toml only in a project you have marked as trusted"
                .to_string(),
        );
    }
    Target {
        client: Client::Codex,
        scope,
        config: Some(base(scope, ctx).join("config.toml")),
        entry: entry(&ctx.launch),
        skills_root,
        notes,
    }
}

const BOM: &str = "\u{feff}";

/// Reads and parses the file: `(text as read, parsed document)`.
fn load(path: &Path, write_path: &Path) -> Result<(Option<String>, DocumentMut), Error> {
    let before = crate::fsio::read_optional(write_path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let body = before
        .as_deref()
        .map(|t| t.strip_prefix(BOM).unwrap_or(t))
        .unwrap_or("");
    let doc = body.parse::<DocumentMut>().map_err(|e| {
        let (line, column) = e
            .span()
            .map(|s| line_column(body, s.start))
            .unwrap_or((1, 1));
        Error::InvalidToml {
            path: path.to_path_buf(),
            line,
            column,
            message: e.message().to_string(),
        }
    })?;
    Ok((before, doc))
}

/// 1-based line and column (in characters) of byte `pos`.
fn line_column(text: &str, pos: usize) -> (usize, usize) {
    let mut pos = pos.min(text.len());
    while !text.is_char_boundary(pos) {
        pos -= 1;
    }
    let before = &text[..pos];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

/// The `mcp_servers` table, created (as a header-less parent) when missing.
fn servers_table<'a>(doc: &'a mut DocumentMut, path: &Path) -> Result<&'a mut Table, Error> {
    if !doc.contains_key("mcp_servers") {
        let mut t = Table::new();
        t.set_implicit(true);
        doc.insert("mcp_servers", Item::Table(t));
    }
    let item = doc.get_mut("mcp_servers").expect("just ensured");
    // An inline table (`mcp_servers = { ... }`) is turned into a regular one
    // only if we have to add to it; both forms mean the same to Codex.
    if let Some(inline) = item.as_inline_table_mut() {
        let t = std::mem::take(inline).into_table();
        *item = Item::Table(t);
    }
    if !item.is_table() {
        return Err(Error::Conflict {
            path: path.to_path_buf(),
            message: format!("\"mcp_servers\" is {}, expected a table", item.type_name()),
        });
    }
    Ok(item.as_table_mut().expect("checked above"))
}

fn args_array(args: &[String]) -> Value {
    let mut a = Array::new();
    for arg in args {
        a.push(arg.as_str());
    }
    Value::Array(a)
}

/// True when `item` already runs `launch` (`command` and `args`).
fn is_current(item: &Item, launch: &Launch) -> bool {
    let command = item.get("command").and_then(Item::as_str);
    let args: Option<Vec<&str>> = item
        .get("args")
        .and_then(Item::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect());
    let want: Vec<&str> = launch.args.iter().map(String::as_str).collect();
    command == Some(launch.command.as_str()) && args == Some(want)
}

/// The change that registers `[mcp_servers.rust-async-skill]` in `path`.
pub fn plan_config_install(path: &Path, launch: &Launch) -> Result<ConfigPlan, Error> {
    let exe = launch.command.as_str();
    let write_path = crate::fsio::resolve(path);
    let (before, mut doc) = load(path, &write_path)?;
    let servers = servers_table(&mut doc, path)?;
    let state = match servers.get_mut(SERVER_NAME) {
        Some(item) if is_current(item, launch) => ConfigState::Unchanged,
        Some(item) => {
            // Keep what the user added (env, cwd, timeouts); set ours.
            if let Some(inline) = item.as_inline_table_mut() {
                inline.insert("command", exe.into());
                inline.insert("args", args_array(&launch.args));
                inline.remove("url");
            } else if let Some(table) = item.as_table_mut() {
                table.insert("command", value(exe));
                table.insert("args", Item::Value(args_array(&launch.args)));
                table.remove("url");
            } else {
                return Err(Error::Conflict {
                    path: path.to_path_buf(),
                    message: format!(
                        "\"mcp_servers.{SERVER_NAME}\" is {}, expected a table",
                        item.type_name()
                    ),
                });
            }
            ConfigState::Updated
        }
        None => {
            let mut t = Table::new();
            t.insert("command", value(exe));
            t.insert("args", Item::Value(args_array(&launch.args)));
            servers.insert(SERVER_NAME, Item::Table(t));
            ConfigState::Added
        }
    };
    let after = if state == ConfigState::Unchanged {
        before.clone()
    } else {
        Some(in_style_of(before.as_deref(), &doc.to_string()))
    };
    Ok(ConfigPlan {
        path: path.to_path_buf(),
        write_path,
        before,
        after,
        state,
        notes: Vec::new(),
    })
}

/// The change that removes `[mcp_servers.rust-async-skill]` from `path`, and
/// the file when nothing else is left in it.
pub fn plan_config_uninstall(path: &Path) -> Result<ConfigPlan, Error> {
    let write_path = crate::fsio::resolve(path);
    let (before, mut doc) = if write_path.exists() {
        load(path, &write_path)?
    } else {
        (None, DocumentMut::new())
    };
    let removed = match doc.get_mut("mcp_servers") {
        Some(Item::Table(t)) => {
            let removed = t.remove(SERVER_NAME).is_some();
            if t.is_empty() && t.is_implicit() {
                doc.remove("mcp_servers");
            }
            removed
        }
        Some(Item::Value(Value::InlineTable(t))) => t.remove(SERVER_NAME).is_some(),
        _ => false,
    };
    if !removed {
        return Ok(ConfigPlan::not_present(path, write_path, before));
    }
    let text = doc.to_string();
    let after = if text.trim().is_empty() {
        None
    } else {
        Some(in_style_of(before.as_deref(), &text))
    };
    Ok(ConfigPlan::removed(path, write_path, before, after))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bin(path: &str) -> Launch {
        Launch::binary(path)
    }

    fn plan_on(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    const USER: &str = "# my settings\nmodel = \"o3\" # the model\n\n[mcp_servers.other]\ncommand = \"other\" # keep me\nargs = [\"x\"]\n\n[profiles.fast]\nmodel = \"mini\"\n";

    #[test]
    fn install_keeps_comments_order_and_other_servers() {
        let (_d, path) = plan_on(USER);
        let plan = plan_config_install(&path, &bin("/bin/rust-async-skill")).unwrap();
        assert_eq!(plan.state, ConfigState::Added);
        let after = plan.after.clone().unwrap();
        assert!(
            after.starts_with(USER.trim_end_matches("[profiles.fast]\nmodel = \"mini\"\n")),
            "{after}"
        );
        assert!(after.contains("[mcp_servers.rust-async-skill]\ncommand = \"/bin/rust-async-skill\"\nargs = [\"serve\"]\n"), "{after}");
        assert!(after.contains("[profiles.fast]\nmodel = \"mini\"\n"));
        let doc: DocumentMut = after.parse().unwrap();
        assert_eq!(
            doc["mcp_servers"]["other"]["command"].as_str(),
            Some("other")
        );
        // Again: nothing to do.
        std::fs::write(&path, &after).unwrap();
        let again = plan_config_install(&path, &bin("/bin/rust-async-skill")).unwrap();
        assert_eq!(again.state, ConfigState::Unchanged);
        assert!(!again.changes());
        // Uninstall gives the original text back.
        let un = plan_config_uninstall(&path).unwrap();
        assert_eq!(un.state, ConfigState::Removed);
        assert_eq!(un.after.as_deref(), Some(USER));
    }

    #[test]
    fn update_keeps_the_users_env_and_timeouts() {
        let text = "[mcp_servers.rust-async-skill]\ncommand = \"/old/rust-async-skill\"\nargs = [\"serve\"]\nstartup_timeout_sec = 20\n\n[mcp_servers.rust-async-skill.env]\nRUST_LOG = \"debug\"\n";
        let (_d, path) = plan_on(text);
        let plan = plan_config_install(&path, &bin("/new/rust-async-skill")).unwrap();
        assert_eq!(plan.state, ConfigState::Updated);
        let after = plan.after.unwrap();
        assert_eq!(after, text.replace("/old/", "/new/"));
    }

    #[test]
    fn inline_tables_are_understood() {
        let text = "mcp_servers = { other = { command = \"x\" } }\n";
        let (_d, path) = plan_on(text);
        let plan = plan_config_install(&path, &bin("/bin/rust-async-skill")).unwrap();
        let doc: DocumentMut = plan.after.unwrap().parse().unwrap();
        assert_eq!(doc["mcp_servers"]["other"]["command"].as_str(), Some("x"));
        assert_eq!(
            doc["mcp_servers"][SERVER_NAME]["command"].as_str(),
            Some("/bin/rust-async-skill")
        );
    }

    #[test]
    fn a_new_file_holds_only_our_table_and_goes_on_uninstall() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let plan = plan_config_install(&path, &bin("/bin/rust-async-skill")).unwrap();
        assert_eq!(
            plan.after.as_deref(),
            Some(
                "[mcp_servers.rust-async-skill]\ncommand = \"/bin/rust-async-skill\"\nargs = [\"serve\"]\n"
            )
        );
        std::fs::write(&path, plan.after.unwrap()).unwrap();
        let un = plan_config_uninstall(&path).unwrap();
        assert_eq!(un.after, None);
    }

    #[test]
    fn invalid_toml_and_wrong_shapes_are_errors_naming_the_place() {
        let (_d, path) = plan_on("model = \"o3\"\n[mcp_servers\n");
        match plan_config_install(&path, &bin("/x")).unwrap_err() {
            Error::InvalidToml { line, .. } => assert_eq!(line, 2),
            other => panic!("{other:?}"),
        }
        let (_d, path) = plan_on("mcp_servers = 3\n");
        assert!(matches!(
            plan_config_install(&path, &bin("/x")).unwrap_err(),
            Error::Conflict { .. }
        ));
        let (_d, path) = plan_on("[mcp_servers]\nrust-async-skill = \"no\"\n");
        assert!(matches!(
            plan_config_install(&path, &bin("/x")).unwrap_err(),
            Error::Conflict { .. }
        ));
    }

    #[test]
    fn crlf_files_stay_crlf() {
        let (_d, path) = plan_on("model = \"o3\"\r\n");
        let after = plan_config_install(&path, &bin("/x/rust-async-skill"))
            .unwrap()
            .after
            .unwrap();
        assert!(!after.replace("\r\n", "").contains('\n'), "{after:?}");
    }
}
