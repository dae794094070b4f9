//! `rust-async-skill hook CLIENT`, run as the built binary on the payload
//! fixtures of tests/data/hooks/ (one per client and tool).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const LIB: &str = r#"use std::sync::Mutex;
use std::time::Duration;

pub async fn refresh(state: &Mutex<u64>) {
    let mut g = state.lock().unwrap();
    *g += 2;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
}

pub async fn elsewhere() {
    std::thread::sleep(Duration::from_millis(1));
}

pub async fn edited() {
    EDIT
}
"#;

/// A package in a temp folder whose src/lib.rs has `edit` on line 15.
fn package(edit: &str, metadata: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        format!("[package]\nname = \"p\"\nversion = \"0.1.0\"\nedition = \"2021\"\n{metadata}"),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/lib.rs"), LIB.replace("EDIT", edit)).unwrap();
    dir
}

fn fixture(name: &str, dir: &Path, new: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/hooks")
        .join(name);
    let text = std::fs::read_to_string(path).unwrap();
    let escaped = serde_json::to_string(new).unwrap();
    text.replace("{{DIR}}", dir.to_str().unwrap())
        .replace("{{NEW}}", &escaped[1..escaped.len() - 1])
        .into_bytes()
}

fn hook(client: &str, payload: &[u8]) -> Output {
    let cache = tempfile::tempdir().unwrap();
    hook_with_cache(client, payload, cache.path())
}

/// The hook keeps crate summaries in its cache folder: point it at `cache`.
fn hook_with_cache(client: &str, payload: &[u8], cache: &Path) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rust-async-skill"))
        .args(["hook", client])
        .env("RUST_ASYNC_SKILL_CACHE_DIR", cache)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(payload);
    child.wait_with_output().unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn silent(o: &Output) {
    assert_eq!(o.status.code(), Some(0), "{}", err(o));
    assert!(o.stdout.is_empty(), "expected no output, got {}", out(o));
}

const FS: &str = r#"let data = std::fs::read("config.toml").unwrap();"#;
const SLEEP: &str = "std::thread::sleep(Duration::from_millis(2));";

#[test]
fn claude_code_edit_reports_the_touched_line_only_and_counts_the_rest() {
    let dir = package(FS, "");
    let o = hook(
        "claude-code",
        &fixture("claude-code-edit.json", dir.path(), FS),
    );
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert!(
        v.get("decision").is_none(),
        "a warning is context, not a block: {v}"
    );
    assert_eq!(v["hookSpecificOutput"]["hookEventName"], "PostToolUse");
    let text = v["hookSpecificOutput"]["additionalContext"]
        .as_str()
        .unwrap();
    assert!(text.contains("lib.rs:15 warning blocking-fs"), "{text}");
    assert!(
        text.contains("Help: ") && text.contains("Fixable with suggest_fix"),
        "{text}"
    );
    // lock-across-await (line 5) and blocking-sleep (line 11) are elsewhere: counted, not listed.
    assert!(text.contains("2 more elsewhere"), "{text}");
    assert!(
        !text.contains("blocking-sleep") && !text.contains("lock-across-await"),
        "{text}"
    );
    // Short: the agent pays for every token (about 4 characters each).
    assert!(text.len() < 600, "{} chars: {text}", text.len());
}

#[test]
fn errors_block_for_claude_code_and_codex() {
    let dir = package(SLEEP, "");
    for client in ["claude-code", "codex"] {
        let o = hook(client, &fixture("claude-code-edit.json", dir.path(), SLEEP));
        assert_eq!(o.status.code(), Some(0));
        let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
        assert_eq!(v["decision"], "block", "{client}: {v}");
        let reason = v["reason"].as_str().unwrap();
        assert!(
            reason.contains("lib.rs:15 error blocking-sleep"),
            "{reason}"
        );
    }
}

#[test]
fn write_covers_the_whole_file_and_multiedit_each_edit() {
    let dir = package(FS, "");
    let o = hook(
        "claude-code",
        &fixture("claude-code-write.json", dir.path(), ""),
    );
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    let reason = v["reason"].as_str().unwrap();
    for want in ["blocking-fs", "blocking-sleep", "lock-across-await"] {
        assert!(reason.contains(want), "{want}: {reason}");
    }
    assert!(!reason.contains("elsewhere"), "{reason}");

    let dir = package(r#"let bytes = std::fs::read("config.toml").unwrap();"#, "");
    let o = hook(
        "claude-code",
        &fixture("claude-code-multiedit.json", dir.path(), ""),
    );
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    let text = v["hookSpecificOutput"]["additionalContext"]
        .as_str()
        .unwrap();
    assert!(text.contains("lib.rs:15 warning blocking-fs"), "{text}");
}

#[test]
fn clean_edits_other_tools_other_files_and_missing_files_are_silent() {
    let dir = package("let n = 2;", "");
    // The file has findings, but not on the edited line.
    silent(&hook(
        "claude-code",
        &fixture("claude-code-edit.json", dir.path(), "let n = 2;"),
    ));
    silent(&hook(
        "claude-code",
        &fixture("claude-code-bash.json", dir.path(), ""),
    ));
    let md = String::from_utf8(fixture("claude-code-write.json", dir.path(), ""))
        .unwrap()
        .replace("src/lib.rs", "README.md");
    silent(&hook("claude-code", md.as_bytes()));
    let gone = String::from_utf8(fixture("claude-code-write.json", dir.path(), ""))
        .unwrap()
        .replace("src/lib.rs", "src/deleted.rs");
    let o = hook("claude-code", gone.as_bytes());
    silent(&o);
    assert!(o.stderr.is_empty(), "{}", err(&o));
    silent(&hook(
        "windsurf",
        &fixture("windsurf-post-write-code.json", dir.path(), "let n = 2;"),
    ));
}

#[test]
fn bad_input_is_one_line_on_stderr_and_exit_0() {
    let deep = "[".repeat(100_000);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("claude-code", b"not json".to_vec()),
        ("claude-code", vec![0xff, 0xfe, 0x00, 0x7b]),
        ("claude-code", deep.clone().into_bytes()),
        ("claude-code", b"[1, 2]".to_vec()),
        ("claude-code", br#"{"tool_name": 5}"#.to_vec()),
        ("claude-code", br#"{"tool_name": "Edit", "tool_input": {"file_path": 7}}"#.to_vec()),
        ("claude-code", br#"{"tool_name": "MultiEdit", "tool_input": {"file_path": "/x.rs", "edits": {"a": 1}}}"#.to_vec()),
        ("codex", br#"{"tool_name": "apply_patch", "tool_input": {"command": 3}}"#.to_vec()),
        ("windsurf", br#"{"agent_action_name": "post_write_code", "tool_info": []}"#.to_vec()),
        ("windsurf", b"".to_vec()),
    ];
    for (client, payload) in cases {
        let o = hook(client, &payload);
        assert_eq!(o.status.code(), Some(0), "{client} {}", err(&o));
        assert!(o.stdout.is_empty(), "{}", out(&o));
        let e = err(&o);
        assert_eq!(e.lines().count(), 1, "{client}: {e}");
        assert!(e.starts_with("rust-async-skill hook: "), "{e}");
    }
    let o = hook("no-such-client", b"{}");
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("claude-code, codex, cursor or windsurf"));
}

#[test]
fn suppressions_and_configuration_apply() {
    let line = format!("{SLEEP} // rust-async-skill: allow(blocking-sleep) test helper");
    let dir = package(&line, "");
    silent(&hook(
        "claude-code",
        &fixture("claude-code-edit.json", dir.path(), &line),
    ));

    let dir = package(
        FS,
        "[package.metadata.rust-async-skill.rules]\nblocking-fs = \"allow\"\n",
    );
    silent(&hook(
        "claude-code",
        &fixture("claude-code-edit.json", dir.path(), FS),
    ));

    let dir = package(
        FS,
        "[package.metadata.rust-async-skill.rules]\nblocking-fs = \"error\"\n",
    );
    let o = hook(
        "claude-code",
        &fixture("claude-code-edit.json", dir.path(), FS),
    );
    assert!(out(&o).contains("\"decision\":\"block\""), "{}", out(&o));

    // A malformed configuration: said on stderr, the agent is not blocked.
    let dir = package(
        FS,
        "[package.metadata.rust-async-skill]\nruntime = \"tokyo\"\n",
    );
    let o = hook(
        "claude-code",
        &fixture("claude-code-edit.json", dir.path(), FS),
    );
    silent(&o);
    assert!(
        err(&o).contains("runtime") && err(&o).contains("Cargo.toml"),
        "{}",
        err(&o)
    );
}

#[test]
fn codex_apply_patch_paths_are_relative_to_cwd() {
    let dir = package("let n = 1;", "");
    let o = hook("codex", &fixture("codex-apply-patch.json", dir.path(), ""));
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    let text = v["hookSpecificOutput"]["additionalContext"]
        .as_str()
        .unwrap();
    // The patch added the `.await` (line 7) that the guard of line 5 is held across.
    assert!(
        text.contains("lib.rs:5 warning lock-across-await"),
        "{text}"
    );
    assert!(text.contains("1 more elsewhere"), "{text}");
}

#[test]
fn cursor_and_windsurf_use_their_channels() {
    let dir = package(FS, "");
    for name in ["cursor-post-tool-use.json", "cursor-after-file-edit.json"] {
        let o = hook("cursor", &fixture(name, dir.path(), FS));
        assert_eq!(o.status.code(), Some(0));
        let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
        let text = v["additional_context"].as_str().unwrap();
        assert!(text.contains("blocking-fs"), "{name}: {text}");
    }
    let o = hook(
        "windsurf",
        &fixture("windsurf-post-write-code.json", dir.path(), FS),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    assert!(
        err(&o).contains("lib.rs:15 warning blocking-fs"),
        "{}",
        err(&o)
    );
}

#[test]
fn the_configured_baseline_applies_and_a_bad_one_is_one_note() {
    let meta = "[package.metadata.rust-async-skill]\nbaseline = \"async-baseline.json\"\n";
    let dir = package(FS, meta);
    // Recorded with today's findings (the FS line among them).
    let o = Command::new(env!("CARGO_BIN_EXE_rust-async-skill"))
        .args(["check", "--write-baseline", "async-baseline.json", "src"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    silent(&hook(
        "claude-code",
        &fixture("claude-code-edit.json", dir.path(), FS),
    ));
    // A new finding on the edited line is still reported.
    let dir2 = package(SLEEP, meta);
    std::fs::copy(
        dir.path().join("async-baseline.json"),
        dir2.path().join("async-baseline.json"),
    )
    .unwrap();
    let o = hook(
        "claude-code",
        &fixture("claude-code-edit.json", dir2.path(), SLEEP),
    );
    assert!(out(&o).contains("blocking-sleep"), "{}", out(&o));

    // Missing or malformed: one line on stderr, checked without it.
    for bad in [None, Some("{not json")] {
        let dir = package(FS, meta);
        if let Some(text) = bad {
            std::fs::write(dir.path().join("async-baseline.json"), text).unwrap();
        }
        let o = hook(
            "claude-code",
            &fixture("claude-code-edit.json", dir.path(), FS),
        );
        assert_eq!(o.status.code(), Some(0), "{}", err(&o));
        assert!(out(&o).contains("blocking-fs"), "{}", out(&o));
        assert_eq!(err(&o).lines().count(), 1, "{}", err(&o));
        assert!(err(&o).contains("async-baseline.json"), "{}", err(&o));
    }
}

/// An edit of an async fn that calls a helper in another module: the hook
/// analyses the file as part of its crate and names the chain; the second
/// run reads the other files' summaries from the cache and says the same.
#[test]
fn edits_are_checked_as_part_of_their_crate_with_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"p\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("src/util.rs"),
        "pub fn backoff(n: u64) {\n    std::thread::sleep(std::time::Duration::from_millis(n));\n}\n",
    )
    .unwrap();
    let main = dir.path().join("src/main.rs");
    let call = "    util::backoff(10);";
    std::fs::write(
        &main,
        format!("mod util;\n\nasync fn handle() {{\n{call}\n}}\n\n#[tokio::main]\nasync fn main() {{\n    handle().await;\n}}\n"),
    )
    .unwrap();
    let util = dir.path().join("src/util.rs");
    let payload = serde_json::json!({
        "session_id": "s", "cwd": dir.path(), "hook_event_name": "PostToolUse",
        "tool_name": "Edit",
        "tool_input": {"file_path": util, "old_string": "x", "new_string": "    std::thread::sleep(std::time::Duration::from_millis(n));"}
    })
    .to_string();
    let cache = tempfile::tempdir().unwrap();
    for run in ["cold", "warm"] {
        let o = hook_with_cache("claude-code", payload.as_bytes(), cache.path());
        assert_eq!(o.status.code(), Some(0), "{run}: {}", err(&o));
        let text = out(&o);
        assert!(text.contains("blocking-sleep"), "{run}: {text}");
        assert!(
            text.contains("handle"),
            "{run}: the chain names the async caller: {text}"
        );
    }
    assert!(
        std::fs::read_dir(cache.path()).unwrap().next().is_some(),
        "the hook wrote its crate summaries to the cache folder"
    );
    // The same file checked alone has nothing to say: the finding comes from the crate.
    let alone = Command::new(env!("CARGO_BIN_EXE_rust-async-skill"))
        .args(["check", "--single-file"])
        .arg(&util)
        .output()
        .unwrap();
    assert_eq!(
        alone.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&alone.stdout)
    );
}
