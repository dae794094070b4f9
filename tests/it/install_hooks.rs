//! `install` / `uninstall` and the after-edit hook, and `install codex`: the
//! real binary with HOME and the current directory in temporary folders.
use serde_json::{Value, json};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::sandbox::{BIN, Sandbox, text};

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn exe() -> String {
    fs::canonicalize(BIN)
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

fn hook_command(client: &str) -> String {
    format!("{} hook {client}", exe())
}

/// Per client: the hook file (relative to HOME for user scope, to the
/// project for project scope), the event, and our entry in its list.
fn expected(client: &str, project: bool) -> (&'static str, &'static str, Value) {
    let nested = |matcher: &str| json!({"matcher": matcher, "hooks": [{"type": "command", "command": hook_command(client)}]});
    match (client, project) {
        ("claude-code", false) => (
            ".claude/settings.json",
            "PostToolUse",
            nested("Write|Edit|MultiEdit"),
        ),
        ("claude-code", true) => (
            ".claude/settings.json",
            "PostToolUse",
            nested("Write|Edit|MultiEdit"),
        ),
        ("codex", false) | ("codex", true) => (
            ".codex/hooks.json",
            "PostToolUse",
            nested("apply_patch|Edit|Write"),
        ),
        ("cursor", _) => (
            ".cursor/hooks.json",
            "postToolUse",
            json!({"command": hook_command(client), "matcher": "Write"}),
        ),
        ("windsurf", false) => (
            ".codeium/windsurf/hooks.json",
            "post_write_code",
            json!({"command": hook_command(client), "show_output": true}),
        ),
        ("windsurf", true) => (
            ".windsurf/hooks.json",
            "post_write_code",
            json!({"command": hook_command(client), "show_output": true}),
        ),
        _ => unreachable!(),
    }
}

const CLIENTS: [&str; 4] = ["claude-code", "codex", "cursor", "windsurf"];

#[test]
fn every_client_gets_the_hook_in_its_documented_file_for_both_scopes() {
    for client in CLIENTS {
        for project in [false, true] {
            let sb = Sandbox::new();
            let scope = if project { "project" } else { "user" };
            let out = sb.ok(&["install", client, "--scope", scope]);
            let (rel, event, entry) = expected(client, project);
            let path = if project {
                sb.project(rel)
            } else {
                sb.home(rel)
            };
            assert!(
                out.contains("added the after-edit hook"),
                "{client} {scope}: {out}"
            );
            let file = read_json(&path);
            assert_eq!(file["hooks"][event], json!([entry]), "{client} {scope}");
            if client == "cursor" {
                assert_eq!(file["version"], 1, "Cursor's hooks.json has a version");
            }
        }
    }
}

/// A hook file with the user's own hooks, for each client.
fn users_file(client: &str) -> String {
    match client {
        "claude-code" | "codex" => r#"{
  "permissions": {"allow": ["Bash(ls:*)"]},
  "hooks": {
    "PostToolUse": [
      {
        "matcher": "Write",
        "hooks": [{"type": "command", "command": "prettier --write", "timeout": 30}]
      }
    ],
    "Stop": [{"hooks": [{"type": "command", "command": "say done"}]}]
  },
  "zLast": 1.50
}
"#
        .into(),
        "cursor" => r#"{
  "version": 1,
  "hooks": {
    "postToolUse": [{"command": "./audit.sh"}],
    "afterFileEdit": [{"command": "./fmt.sh"}]
  }
}
"#
        .into(),
        _ => r#"{
  "hooks": {
    "post_write_code": [{"command": "ruff format", "show_output": false}],
    "pre_read_code": [{"command": "./check.sh"}]
  }
}
"#
        .into(),
    }
}

#[test]
fn the_users_hooks_are_kept_install_is_idempotent_and_uninstall_removes_only_ours() {
    for client in CLIENTS {
        let sb = Sandbox::new();
        let (rel, event, entry) = expected(client, false);
        let path = sb.home(rel);
        let original = users_file(client);
        write(&path, &original);
        let before = read_json(&path);

        sb.ok(&["install", client]);
        let after = read_json(&path);
        let mut want = before.clone();
        want["hooks"][event]
            .as_array_mut()
            .unwrap()
            .push(entry.clone());
        assert_eq!(after, want, "{client}: ours appended, the rest as it was");
        let written = fs::read_to_string(&path).unwrap();
        if original.contains("1.50") {
            assert!(
                written.contains("1.50"),
                "{client}: numbers keep their text"
            );
        }

        // Again: nothing changes, not even the bytes.
        let out = sb.ok(&["install", client]);
        assert!(out.contains("nothing changed"), "{client}: {out}");
        assert_eq!(fs::read_to_string(&path).unwrap(), written);

        // A moved binary: our entry is updated in place, not duplicated.
        let moved = written.replace(&exe(), "/old/place/rust-async-skill");
        fs::write(&path, &moved).unwrap();
        let out = sb.ok(&["install", client]);
        assert!(
            out.contains("updated the after-edit hook"),
            "{client}: {out}"
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), written, "{client}");

        let out = sb.ok(&["uninstall", client]);
        assert!(
            out.contains("removed the after-edit hook"),
            "{client}: {out}"
        );
        assert_eq!(read_json(&path), before, "{client}: only ours removed");
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            original,
            "{client}: the user's text comes back byte for byte"
        );
        let out = sb.ok(&["uninstall", client]);
        assert!(
            out.contains("no after-edit hook of ours"),
            "{client}: {out}"
        );
    }
}

#[test]
fn a_hook_file_we_created_goes_on_uninstall() {
    for client in CLIENTS {
        let sb = Sandbox::new();
        sb.ok(&["install", client]);
        let (rel, ..) = expected(client, false);
        assert!(sb.home(rel).exists(), "{client}");
        sb.ok(&["uninstall", client]);
        assert!(
            !sb.home(rel).exists(),
            "{client}: the file held only our hook"
        );
    }
}

#[test]
fn our_command_sharing_a_group_with_the_users_hook_is_taken_out_of_it() {
    let sb = Sandbox::new();
    let path = sb.home(".claude/settings.json");
    let shared = json!({"hooks": {"PostToolUse": [{"matcher": "Write|Edit", "hooks": [
        {"type": "command", "command": "prettier --write"},
        {"type": "command", "command": "/somewhere/rust-async-skill hook claude-code"}
    ]}]}});
    write(&path, &serde_json::to_string_pretty(&shared).unwrap());
    sb.ok(&["uninstall", "claude-code"]);
    assert_eq!(
        read_json(&path),
        json!({"hooks": {"PostToolUse": [{"matcher": "Write|Edit", "hooks": [
            {"type": "command", "command": "prettier --write"}
        ]}]}})
    );
}

#[test]
fn no_hooks_skips_the_hook_file_and_dry_run_shows_it() {
    for client in CLIENTS {
        let sb = Sandbox::new();
        let (rel, event, _) = expected(client, false);
        let out = sb.ok(&["install", client, "--no-hooks"]);
        assert!(!out.contains("hook"), "{client}: {out}");
        assert!(!sb.home(rel).exists(), "{client}");

        let sb = Sandbox::new();
        let out = sb.ok(&["install", client, "--dry-run"]);
        assert!(
            out.contains(&format!("+++ {}", sb.home(rel).display())),
            "{client}: {out}"
        );
        assert!(out.contains(&format!("\"{event}\"")), "{client}: {out}");
        assert!(out.contains(&hook_command(client)), "{client}: {out}");
        assert!(!sb.home(rel).exists(), "{client}: dry run wrote nothing");
    }
}

#[test]
fn invalid_or_misshapen_hook_files_exit_2_and_nothing_is_written() {
    for client in CLIENTS {
        let (rel, event, _) = expected(client, false);
        for bad in [
            "{\"hooks\": {".to_string(),
            "[1, 2]".to_string(),
            "{\"hooks\": []}".to_string(),
            format!("{{\"hooks\": {{\"{event}\": {{\"command\": \"x\"}}}}}}"),
        ] {
            let sb = Sandbox::new();
            write(&sb.home(rel), &bad);
            let out = sb.run(&["install", client]);
            assert_eq!(out.status.code(), Some(2), "{client} {bad}: {}", text(&out));
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                err.contains(rel),
                "{client}: the error names the file: {err}"
            );
            assert_eq!(fs::read_to_string(sb.home(rel)).unwrap(), bad, "{client}");
            // The MCP configuration was not written either: all or nothing.
            let entries: Vec<_> = walk(&sb.home);
            assert_eq!(entries, vec![sb.home(rel)], "{client} {bad}");
            let out = sb.run(&["uninstall", client]);
            assert_eq!(out.status.code(), Some(2), "{client} {bad}: uninstall");
        }
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn claude_config_dir_moves_the_settings_file() {
    let sb = Sandbox::new();
    let dir = sb.home("elsewhere");
    let out = Command::new(BIN)
        .args(["install", "claude-code"])
        .current_dir(&sb.project)
        .env("HOME", &sb.home)
        .env("CLAUDE_CONFIG_DIR", &dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(dir.join("settings.json").exists());
    assert!(!sb.home(".claude/settings.json").exists());
}

const CODEX_TOML: &str = r#"# Codex settings
model = "o3"  # fast enough

[mcp_servers.github]
command = "npx"
args = ["-y", "@modelcontextprotocol/server-github"]
env = { GITHUB_TOKEN = "t" }

[profiles.review]
model = "o3-pro"
"#;

#[test]
fn codex_config_toml_keeps_comments_order_and_other_servers() {
    let sb = Sandbox::new();
    let path = sb.home(".codex/config.toml");
    write(&path, CODEX_TOML);
    let out = sb.ok(&["install", "codex"]);
    assert!(out.contains("added the MCP server"), "{out}");
    let after = fs::read_to_string(&path).unwrap();
    let ours = format!(
        "[mcp_servers.rust-async-skill]\ncommand = {:?}\nargs = [\"serve\"]\n",
        exe()
    );
    assert!(after.contains(&ours), "{after}");
    assert_eq!(
        after.replace(&format!("{ours}\n"), ""),
        CODEX_TOML,
        "only our table is new"
    );
    assert!(
        sb.home(".agents/skills/rust-async-internals/SKILL.md")
            .exists()
    );

    let out = sb.ok(&["install", "codex"]);
    assert!(out.contains("nothing changed"), "{out}");
    sb.ok(&["uninstall", "codex"]);
    assert_eq!(fs::read_to_string(&path).unwrap(), CODEX_TOML);
    assert!(!sb.home(".agents/skills/rust-async-internals").exists());
}

#[test]
fn codex_project_scope_and_invalid_toml() {
    let sb = Sandbox::new();
    sb.ok(&["install", "codex", "--scope", "project"]);
    assert!(sb.project(".codex/config.toml").exists());
    assert!(sb.project(".codex/hooks.json").exists());
    assert!(
        sb.project(".agents/skills/rust-async-internals/SKILL.md")
            .exists()
    );

    let sb = Sandbox::new();
    let bad = "model = \"o3\"\n[mcp_servers.x\ncommand = 1\n";
    write(&sb.home(".codex/config.toml"), bad);
    let out = sb.run(&["install", "codex"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("config.toml:2:") && err.contains("invalid TOML"),
        "{err}"
    );
    assert_eq!(
        fs::read_to_string(sb.home(".codex/config.toml")).unwrap(),
        bad
    );
    assert!(!sb.home(".codex/hooks.json").exists());
}

/// The registered command, run as the client runs it (`sh -c`), on a
/// recorded Claude Code payload.
#[test]
fn the_registered_claude_code_hook_reports_a_finding_on_a_recorded_payload() {
    let sb = Sandbox::new();
    sb.ok(&["install", "claude-code", "--scope", "project"]);
    let settings = read_json(&sb.project(".claude/settings.json"));
    let cmd = settings["hooks"]["PostToolUse"][0]["hooks"][0]["command"]
        .as_str()
        .unwrap()
        .to_string();
    let file = sb.project("src/lib.rs");
    let code =
        "async fn handler() {\n    std::thread::sleep(std::time::Duration::from_millis(10));\n}\n";
    write(&file, code);
    let payload = json!({
        "session_id": "s1", "transcript_path": "/dev/null",
        "cwd": sb.project.to_string_lossy(), "hook_event_name": "PostToolUse",
        "tool_name": "Write",
        "tool_input": {"file_path": file.to_string_lossy(), "content": code},
        "tool_response": {"filePath": file.to_string_lossy(), "success": true}
    });
    let mut child = Command::new("sh")
        .args(["-c", &cmd])
        .current_dir(&sb.project)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(payload.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("blocking-sleep"), "{}", text(&out));
}
