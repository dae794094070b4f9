//! `rust-async-skill install` / `uninstall`, run as a user would: the real
//! binary with HOME and the current directory set to temporary folders.
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use crate::file_tree::{assert_same_files, read_text_tree, read_tree, repo_skill_files};
use crate::sandbox::{BIN, Sandbox, text};

const SERVER: &str = "rust-async-skill";
const SKILL: &str = "rust-async-internals";

impl Sandbox {
    /// Every file under the sandbox with its bytes: to prove nothing was written.
    fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        let top = self.home.parent().unwrap();
        let mut out = read_tree(&self.home, top);
        out.extend(read_tree(&self.project, top));
        out
    }
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

fn exe() -> String {
    // What the binary registers: its own path as `current_exe()` reports it.
    fs::canonicalize(BIN)
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

fn claude_entry() -> serde_json::Value {
    serde_json::json!({"type": "stdio", "command": exe(), "args": ["serve"], "env": {}})
}

fn plain_entry() -> serde_json::Value {
    serde_json::json!({"command": exe(), "args": ["serve"]})
}

/// The files in an installed skill folder, without our manifest.
fn installed_files(dir: &Path) -> BTreeMap<String, String> {
    let mut files = read_text_tree(dir, dir);
    files.remove(".rust-async-skill.manifest");
    files
}

const CLAUDE_JSON: &str = r#"{
  "numStartups": 3,
  "theme": "dark",
  "projects": {
    "/work/x": {
      "allowedTools": [],
      "mcpServers": {}
    }
  },
  "mcpServers": {
    "github": {
      "type": "stdio",
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github"],
      "env": {"GITHUB_TOKEN": "t"},
      "x-unknown": {"kept": [1, 2.50, null, true]}
    }
  },
  "zUnknownLast": "kept"
}"#;

#[test]
fn claude_code_user_merges_with_other_servers_and_unknown_keys() {
    let sb = Sandbox::new();
    fs::write(sb.home(".claude.json"), CLAUDE_JSON).unwrap();
    let out = sb.ok(&["install", "claude-code", "--scope", "user"]);
    assert!(out.contains("added the MCP server"), "{out}");

    let after = fs::read_to_string(sb.home(".claude.json")).unwrap();
    // Only our lines are new: the rest of the file is the same text.
    let expected_tail = format!(
        "      \"x-unknown\": {{\"kept\": [1, 2.50, null, true]}}\n    }},\n    \"rust-async-skill\": {{\n      \"type\": \"stdio\",\n      \"command\": {},\n      \"args\": [\n        \"serve\"\n      ],\n      \"env\": {{}}\n    }}\n  }},\n  \"zUnknownLast\": \"kept\"\n}}",
        serde_json::to_string(&exe()).unwrap()
    );
    assert!(after.ends_with(&expected_tail), "{after}");
    let head = CLAUDE_JSON.split("      \"x-unknown\"").next().unwrap();
    assert!(after.starts_with(head), "{after}");

    let v = read_json(&sb.home(".claude.json"));
    let mut original: serde_json::Value = serde_json::from_str(CLAUDE_JSON).unwrap();
    original["mcpServers"][SERVER] = claude_entry();
    assert_eq!(v, original);

    // The skill lands in ~/.claude/skills with the repository's layout.
    let dir = sb.home(".claude/skills").join(SKILL);
    assert_same_files(&installed_files(&dir), &repo_skill_files());
    assert!(dir.join("SKILL.md").is_file());
    assert!(dir.join("skill/references").is_dir());
}

#[test]
fn an_existing_entry_is_updated_not_duplicated() {
    let sb = Sandbox::new();
    let before = r#"{
  "mcpServers": {
    "rust-async-skill": {
      "type": "stdio",
      "command": "/old/place/rust-async-skill",
      "args": ["serve", "--old"],
      "env": {"RUST_LOG": "debug"},
      "timeout": 30
    },
    "other": {"command": "x"}
  }
}
"#;
    fs::write(sb.project(".mcp.json"), before).unwrap();
    let out = sb.ok(&["install", "claude-code", "--scope", "project"]);
    assert!(out.contains("updated the MCP server"), "{out}");
    let after = fs::read_to_string(sb.project(".mcp.json")).unwrap();
    assert_eq!(after.matches("\"rust-async-skill\"").count(), 1, "{after}");
    let v = read_json(&sb.project(".mcp.json"));
    let ours = &v["mcpServers"][SERVER];
    assert_eq!(ours["command"], exe());
    assert_eq!(ours["args"], serde_json::json!(["serve"]));
    assert_eq!(
        ours["env"],
        serde_json::json!({"RUST_LOG": "debug"}),
        "the user's env is kept"
    );
    assert_eq!(ours["timeout"], 30, "unknown keys of our entry are kept");
    assert_eq!(
        v["mcpServers"]["other"],
        serde_json::json!({"command": "x"})
    );
    assert!(
        after.ends_with("\"other\": {\"command\": \"x\"}\n  }\n}\n"),
        "{after}"
    );
}

#[test]
fn install_is_idempotent() {
    let sb = Sandbox::new();
    fs::write(sb.home(".claude.json"), CLAUDE_JSON).unwrap();
    sb.ok(&["install", "claude-code"]);
    let first = sb.snapshot();
    let out = sb.ok(&["install", "claude-code"]);
    assert!(out.contains("nothing changed"), "{out}");
    assert_eq!(
        sb.snapshot(),
        first,
        "a second install changes no file (not even the backup)"
    );
    let backup = fs::read_to_string(sb.home(".claude.json.rust-async-skill.bak")).unwrap();
    assert_eq!(backup, CLAUDE_JSON);
}

#[test]
fn uninstall_removes_only_what_install_added() {
    let sb = Sandbox::new();
    fs::write(sb.home(".claude.json"), CLAUDE_JSON).unwrap();
    // Another skill, and a file of the user's inside our skill folder.
    fs::create_dir_all(sb.home(".claude/skills/other-skill")).unwrap();
    fs::write(
        sb.home(".claude/skills/other-skill/SKILL.md"),
        "---\nname: other-skill\n---\n",
    )
    .unwrap();
    sb.ok(&["install", "claude-code"]);
    let ours = sb.home(".claude/skills").join(SKILL);
    fs::write(ours.join("NOTES.md"), "mine").unwrap();

    let out = sb.ok(&["uninstall", "claude-code"]);
    assert!(out.contains("removed the MCP server"), "{out}");
    assert_eq!(
        fs::read_to_string(sb.home(".claude.json")).unwrap(),
        CLAUDE_JSON,
        "the file is back to its text"
    );
    assert!(sb.home(".claude/skills/other-skill/SKILL.md").is_file());
    assert!(!ours.join("SKILL.md").exists());
    assert!(!ours.join("skill").exists());
    assert_eq!(fs::read_to_string(ours.join("NOTES.md")).unwrap(), "mine");

    // A second uninstall finds nothing to do and changes nothing.
    let snap = sb.snapshot();
    let out = sb.ok(&["uninstall", "claude-code"]);
    assert!(out.contains("Nothing to uninstall"), "{out}");
    assert_eq!(sb.snapshot(), snap);
}

#[test]
fn install_then_uninstall_on_a_clean_machine_leaves_no_file() {
    let sb = Sandbox::new();
    for client in ["claude-code", "cursor", "windsurf"] {
        for scope in ["user", "project"] {
            sb.ok(&["install", client, "--scope", scope]);
            sb.ok(&["uninstall", client, "--scope", scope]);
        }
    }
    let left: Vec<_> = sb.snapshot().into_keys().collect();
    assert!(left.is_empty(), "files left behind: {left:?}");
}

#[test]
fn invalid_json_exits_2_and_leaves_the_file_untouched() {
    let sb = Sandbox::new();
    let broken = "{\n  \"mcpServers\": {\n    \"a\": {\"command\": \"x\",}\n  }\n}\n";
    fs::create_dir_all(sb.home(".cursor")).unwrap();
    fs::write(sb.home(".cursor/mcp.json"), broken).unwrap();
    let snap = sb.snapshot();
    for action in ["install", "uninstall"] {
        let out = sb.run(&[action, "cursor"]);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        let path = sb.home(".cursor/mcp.json");
        assert!(
            err.contains(&format!("{}:3:26: invalid JSON", path.display())),
            "{err}"
        );
        assert!(err.contains("untouched"), "{err}");
        assert_eq!(
            sb.snapshot(),
            snap,
            "nothing written: no skill files, no backup"
        );
    }
    let out = sb.run(&["install", "cursor", "--dry-run"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

#[test]
fn a_config_of_the_wrong_shape_exits_2() {
    let sb = Sandbox::new();
    for (body, says) in [
        ("[1, 2]", "found an array"),
        ("{\"mcpServers\": []}", "\"mcpServers\" is an array"),
    ] {
        fs::write(sb.home(".claude.json"), body).unwrap();
        let out = sb.run(&["install", "claude-code"]);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(says),
            "{}",
            text(&out)
        );
        assert_eq!(fs::read_to_string(sb.home(".claude.json")).unwrap(), body);
    }
}

#[test]
fn dry_run_prints_a_diff_and_writes_nothing() {
    let sb = Sandbox::new();
    fs::write(sb.home(".claude.json"), CLAUDE_JSON).unwrap();
    let snap = sb.snapshot();
    let out = sb.ok(&["install", "claude-code", "--dry-run"]);
    assert_eq!(sb.snapshot(), snap);
    let path = sb.home(".claude.json").display().to_string();
    assert!(
        out.contains(&format!("--- {path}\n+++ {path}\n@@ ")),
        "{out}"
    );
    assert!(
        out.contains("+    },\n+    \"rust-async-skill\": {\n"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "+      \"command\": {},\n",
            serde_json::to_string(&exe()).unwrap()
        )),
        "{out}"
    );
    assert!(
        !out.lines()
            .any(|l| l.starts_with('-') && !l.starts_with("--- ")),
        "only additions: {out}"
    );
    assert!(out.contains("create SKILL.md"), "{out}");
    assert!(out.contains("nothing was written"), "{out}");

    // Into a missing file: a diff from /dev/null. Uninstall: the removal.
    let out = sb.ok(&["install", "cursor", "--scope", "project", "--dry-run"]);
    assert!(out.contains("--- /dev/null\n"), "{out}");
    assert_eq!(sb.snapshot(), snap);
    sb.ok(&["install", "claude-code"]);
    let snap = sb.snapshot();
    let out = sb.ok(&["uninstall", "claude-code", "--dry-run"]);
    assert!(out.contains("-    \"rust-async-skill\": {\n"), "{out}");
    assert!(out.contains("remove SKILL.md"), "{out}");
    assert_eq!(sb.snapshot(), snap);
}

#[cfg(unix)]
#[test]
fn the_previous_file_is_backed_up_with_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    let config = sb.home(".claude.json");
    fs::write(&config, CLAUDE_JSON).unwrap();
    fs::set_permissions(&config, fs::Permissions::from_mode(0o600)).unwrap();
    let out = sb.ok(&["install", "claude-code"]);
    let backup = sb.home(".claude.json.rust-async-skill.bak");
    assert!(out.contains(&backup.display().to_string()), "{out}");
    assert_eq!(fs::read_to_string(&backup).unwrap(), CLAUDE_JSON);
    assert_eq!(
        fs::metadata(&config).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(
        fs::metadata(&backup).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // No temporary file is left next to it.
    let names: Vec<String> = fs::read_dir(&sb.home)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[test]
fn each_client_writes_its_documented_files() {
    let sb = Sandbox::new();
    sb.ok(&["install", "claude-code", "--scope", "project"]);
    assert_eq!(
        read_json(&sb.project(".mcp.json")),
        serde_json::json!({"mcpServers": {SERVER: claude_entry()}})
    );
    assert!(
        sb.project(".claude/skills")
            .join(SKILL)
            .join("SKILL.md")
            .is_file()
    );

    sb.ok(&["install", "cursor"]);
    assert_eq!(
        read_json(&sb.home(".cursor/mcp.json")),
        serde_json::json!({"mcpServers": {SERVER: plain_entry()}})
    );
    assert_same_files(
        &installed_files(&sb.home(".cursor/skills").join(SKILL)),
        &repo_skill_files(),
    );

    sb.ok(&["install", "cursor", "--scope", "project"]);
    assert_eq!(
        read_json(&sb.project(".cursor/mcp.json")),
        serde_json::json!({"mcpServers": {SERVER: plain_entry()}})
    );
    assert_same_files(
        &installed_files(&sb.project(".agents/skills").join(SKILL)),
        &repo_skill_files(),
    );

    sb.ok(&["install", "windsurf"]);
    assert_eq!(
        read_json(&sb.home(".codeium/windsurf/mcp_config.json")),
        serde_json::json!({"mcpServers": {SERVER: plain_entry()}})
    );
    assert_same_files(
        &installed_files(&sb.home(".codeium/windsurf/skills").join(SKILL)),
        &repo_skill_files(),
    );
}

#[test]
fn windsurf_project_scope_installs_the_skill_and_says_where_mcp_goes() {
    let sb = Sandbox::new();
    let out = sb.ok(&["install", "windsurf", "--scope", "project"]);
    assert_same_files(
        &installed_files(&sb.project(".windsurf/skills").join(SKILL)),
        &repo_skill_files(),
    );
    assert!(out.contains("mcp_config.json"), "{out}");
    assert!(
        !sb.home(".codeium").exists(),
        "project scope writes nothing in the home folder"
    );
}

#[test]
fn claude_config_dir_is_respected() {
    let sb = Sandbox::new();
    let dir = sb.home.join("elsewhere");
    let out = Command::new(BIN)
        .args(["install", "claude-code"])
        .current_dir(&sb.project)
        .env("HOME", &sb.home)
        .env("CLAUDE_CONFIG_DIR", &dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        read_json(&dir.join(".claude.json"))["mcpServers"][SERVER],
        claude_entry()
    );
    assert!(dir.join("skills").join(SKILL).join("SKILL.md").is_file());
    assert!(!sb.home(".claude.json").exists());
}

#[test]
fn cursor_link_decodes_to_the_server_entry() {
    let sb = Sandbox::new();
    let out = sb.ok(&["install", "cursor", "--link"]);
    let link = out.trim();
    let rest = link
        .strip_prefix("cursor://anysphere.cursor-deeplink/mcp/install?")
        .expect(link);
    let params: BTreeMap<&str, &str> = rest
        .split('&')
        .map(|kv| kv.split_once('=').unwrap())
        .collect();
    assert_eq!(params["name"], SERVER);
    let config = base64_decode(&percent_decode(params["config"]));
    let v: serde_json::Value = serde_json::from_slice(&config).unwrap();
    assert_eq!(v, plain_entry());
    assert!(sb.snapshot().is_empty(), "--link writes nothing");

    let out = sb.run(&["install", "claude-code", "--link"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

#[test]
fn unknown_client_or_scope_exits_2() {
    let sb = Sandbox::new();
    for args in [
        &["install", "vscode"][..],
        &["install", "cursor", "--scope", "team"],
        &["uninstall", "zed"],
    ] {
        let out = sb.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("claude-code") || args.contains(&"team")
        );
    }
    assert!(sb.snapshot().is_empty());
}

#[cfg(unix)]
#[test]
fn a_skill_folder_made_by_another_tool_is_left_alone() {
    let sb = Sandbox::new();
    // What `npx skills add` leaves: a symlink to .agents/skills/<name>.
    let real = sb.home(".agents/skills").join(SKILL);
    fs::create_dir_all(&real).unwrap();
    fs::write(real.join("SKILL.md"), "theirs").unwrap();
    fs::create_dir_all(sb.home(".claude/skills")).unwrap();
    std::os::unix::fs::symlink(&real, sb.home(".claude/skills").join(SKILL)).unwrap();
    let out = sb.ok(&["install", "claude-code"]);
    assert!(out.contains("symlink"), "{out}");
    assert_eq!(fs::read_to_string(real.join("SKILL.md")).unwrap(), "theirs");
    let out = sb.ok(&["uninstall", "claude-code"]);
    assert!(out.contains("left"), "{out}");
    assert_eq!(fs::read_to_string(real.join("SKILL.md")).unwrap(), "theirs");
    assert!(sb.home(".claude/skills").join(SKILL).exists());
    // A plain folder without our manifest is not removed by uninstall either.
    let plain = sb.project(".claude/skills").join(SKILL);
    fs::create_dir_all(&plain).unwrap();
    fs::write(plain.join("SKILL.md"), "copied by hand").unwrap();
    sb.ok(&["uninstall", "claude-code", "--scope", "project"]);
    assert_eq!(
        fs::read_to_string(plain.join("SKILL.md")).unwrap(),
        "copied by hand"
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_config_stays_a_symlink() {
    let sb = Sandbox::new();
    let real = sb.home("dotfiles/mcp.json");
    fs::create_dir_all(real.parent().unwrap()).unwrap();
    fs::write(&real, "{\"mcpServers\": {}}\n").unwrap();
    fs::create_dir_all(sb.home(".cursor")).unwrap();
    std::os::unix::fs::symlink(&real, sb.home(".cursor/mcp.json")).unwrap();
    sb.ok(&["install", "cursor"]);
    assert!(
        fs::symlink_metadata(sb.home(".cursor/mcp.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(read_json(&real)["mcpServers"][SERVER], plain_entry());
}

#[test]
fn an_empty_config_file_counts_as_empty_object() {
    let sb = Sandbox::new();
    fs::create_dir_all(sb.home(".codeium/windsurf")).unwrap();
    fs::write(sb.home(".codeium/windsurf/mcp_config.json"), "\n").unwrap();
    sb.ok(&["install", "windsurf"]);
    assert_eq!(
        read_json(&sb.home(".codeium/windsurf/mcp_config.json")),
        serde_json::json!({"mcpServers": {SERVER: plain_entry()}})
    );
}

#[test]
fn an_update_removes_files_an_older_version_wrote() {
    let sb = Sandbox::new();
    sb.ok(&["install", "cursor"]);
    let dir = sb.home(".cursor/skills").join(SKILL);
    // Pretend an older version wrote a reference that no longer exists.
    fs::write(dir.join("skill/references/gone.md"), "old").unwrap();
    let manifest = dir.join(".rust-async-skill.manifest");
    let mut m = fs::read_to_string(&manifest).unwrap();
    m.push_str("skill/references/gone.md\n../../../outside.txt\n");
    fs::write(&manifest, m).unwrap();
    fs::write(sb.home("outside.txt"), "not ours").unwrap();
    fs::write(dir.join("SKILL.md"), "stale").unwrap();
    let out = sb.ok(&["install", "cursor"]);
    assert!(out.contains("installed the skill"), "{out}");
    assert!(!dir.join("skill/references/gone.md").exists());
    assert!(
        sb.home("outside.txt").exists(),
        "manifest lines outside the folder are ignored"
    );
    assert_same_files(&installed_files(&dir), &repo_skill_files());
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn base64_decode(s: &str) -> Vec<u8> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes().filter(|&c| c != b'=') {
        bits = (bits << 6) | A.iter().position(|&a| a == c).expect("base64 alphabet") as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

#[test]
fn crlf_and_bom_files_keep_their_style_and_round_trip() {
    let sb = Sandbox::new();
    let before =
        "\u{feff}{\r\n\t\"mcpServers\": {\r\n\t\t\"other\": {\"command\": \"x\"}\r\n\t}\r\n}\r\n";
    fs::create_dir_all(sb.home(".cursor")).unwrap();
    fs::write(sb.home(".cursor/mcp.json"), before).unwrap();
    sb.ok(&["install", "cursor"]);
    let after = fs::read_to_string(sb.home(".cursor/mcp.json")).unwrap();
    assert!(after.starts_with('\u{feff}'), "{after:?}");
    assert_eq!(
        after.matches('\n').count(),
        after.matches("\r\n").count(),
        "{after:?}"
    );
    assert!(
        after.contains("\r\n\t\t\"rust-async-skill\": {\r\n\t\t\t\"command\": "),
        "{after:?}"
    );
    sb.ok(&["uninstall", "cursor"]);
    assert_eq!(
        fs::read_to_string(sb.home(".cursor/mcp.json")).unwrap(),
        before
    );
}
