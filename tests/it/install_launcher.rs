//! `install` run through the npm launcher: its shim sets
//! RUST_ASYNC_SKILL_LAUNCHER=npx, and the clients must get
//! `npx -y rust-async-skill serve`, not the binary's path inside npm's cache.
//! (scripts/test-dist.sh runs the same through the real npm package.)
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_rust-async-skill");
const ENV: &str = "RUST_ASYNC_SKILL_LAUNCHER";

fn run(home: &Path, launcher: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .current_dir(home)
        .env("HOME", home)
        .env_remove("CLAUDE_CONFIG_DIR")
        .env_remove(ENV);
    if let Some(value) = launcher {
        cmd.env(ENV, value);
    }
    cmd.output().unwrap()
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

#[cfg(not(windows))]
const NPX: (&str, &[&str]) = ("npx", &["-y", "rust-async-skill", "serve"]);
#[cfg(windows)]
const NPX: (&str, &[&str]) = ("cmd", &["/c", "npx", "-y", "rust-async-skill", "serve"]);

#[test]
fn through_the_launcher_every_client_gets_npx() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    for client in ["claude-code", "cursor", "windsurf"] {
        let out = run(home, Some("npx"), &["install", client]);
        assert_eq!(out.status.code(), Some(0), "{client}: {out:?}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains(&format!("the server runs: {} {}", NPX.0, NPX.1.join(" "))),
            "{stdout}"
        );
        assert!(!stdout.contains("cargo target folder"), "{stdout}");
    }
    let claude = &json(&home.join(".claude.json"))["mcpServers"]["rust-async-skill"];
    assert_eq!(
        claude,
        &serde_json::json!({"type": "stdio", "command": NPX.0, "args": NPX.1, "env": {}})
    );
    for config in [".cursor/mcp.json", ".codeium/windsurf/mcp_config.json"] {
        let entry = &json(&home.join(config))["mcpServers"]["rust-async-skill"];
        assert_eq!(
            entry,
            &serde_json::json!({"command": NPX.0, "args": NPX.1}),
            "{config}"
        );
    }
    // The Cursor link carries the same entry.
    let out = run(home, Some("npx"), &["install", "cursor", "--link"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("cursor://"));
}

#[test]
fn the_binary_run_directly_then_through_the_launcher_updates_one_entry() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    assert!(run(home, None, &["install", "cursor"]).status.success());
    let first = json(&home.join(".cursor/mcp.json"));
    let command = first["mcpServers"]["rust-async-skill"]["command"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(Path::new(&command).is_absolute(), "{command}");

    let out = run(home, Some("npx"), &["install", "cursor"]);
    assert!(out.status.success(), "{out:?}");
    let servers = &json(&home.join(".cursor/mcp.json"))["mcpServers"];
    assert_eq!(servers.as_object().unwrap().len(), 1, "{servers}");
    assert_eq!(servers["rust-async-skill"]["command"], NPX.0);
    // An empty value is the same as none: the binary's own path.
    assert!(run(home, Some(""), &["install", "cursor"]).status.success());
    assert_eq!(
        json(&home.join(".cursor/mcp.json"))["mcpServers"]["rust-async-skill"]["command"],
        command.as_str()
    );
}

#[test]
fn another_npx_server_is_not_called_a_duplicate_but_our_binary_is() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    fs::create_dir_all(home.join(".cursor")).unwrap();
    fs::write(
        home.join(".cursor/mcp.json"),
        r#"{"mcpServers": {
            "memory": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"]},
            "mine": {"command": "/opt/bin/rust-async-skill", "args": ["serve"]}
        }}"#,
    )
    .unwrap();
    let out = run(home, Some("npx"), &["install", "cursor"]);
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("the entry \"mine\""), "{stdout}");
    assert!(!stdout.contains("the entry \"memory\""), "{stdout}");
}

#[test]
fn an_unknown_launcher_value_exits_2_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let out = run(home, Some("pnpm dlx"), &["install", "claude-code"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(ENV) && stderr.contains("`pnpm dlx`"),
        "{stderr}"
    );
    assert_eq!(fs::read_dir(home).unwrap().count(), 0);
}
