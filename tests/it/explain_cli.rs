//! `rust-async-skill explain` as a user runs it.
use std::process::{Command, Output};

fn explain(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rust-async-skill"))
        .arg("explain")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn answers_in_markdown_and_exits_zero() {
    let out = explain(&[
        "why",
        "is",
        "my",
        "MutexGuard",
        "held",
        "across",
        "an",
        "await?",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("<!-- concept: "), "{text}");
    assert!(text.contains("rust-async://sections/"), "{text}");
}

#[test]
fn json_is_the_tools_object() {
    let out = explain(&["Cannot start a runtime from within a runtime", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["concept"], "runtime-setup");
    for field in [
        "confidence",
        "not_covered",
        "sections",
        "related",
        "truncated",
        "skill_version",
    ] {
        assert!(v.get(field).is_some(), "missing {field}");
    }
}

#[test]
fn not_covered_exits_one_and_bad_input_exits_two() {
    let out = explain(&["how do I await a Promise in JavaScript?"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("does not cover"));
    let out = explain(&["waker", "--max-tokens", "5"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("max_tokens"));
    let out = explain(&["   "]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn full_detail_returns_the_whole_concept_in_reading_order() {
    let brief = explain(&["pin-unpin", "--json"]);
    let full = explain(&["pin-unpin", "--full", "--json", "--max-tokens", "20000"]);
    let brief: serde_json::Value = serde_json::from_slice(&brief.stdout).unwrap();
    let full: serde_json::Value = serde_json::from_slice(&full.stdout).unwrap();
    let n = |v: &serde_json::Value| v["sections"].as_array().unwrap().len();
    assert!(
        n(&full) > n(&brief),
        "full {} vs brief {}",
        n(&full),
        n(&brief)
    );
    assert!(
        full["sections"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["concept"] == "pin-unpin")
    );
}

#[test]
fn another_skill_is_indexed_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("skill/references")).unwrap();
    std::fs::write(
        dir.path().join("SKILL.md"),
        "---\nname: rust-async-internals\ndescription: test\n---\n# T\n\n## Wakers in short\n<!-- concept: waker -->\nA waker wakes the task that polled.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("skill/references/waker.md"),
        "# Wakers\n<!-- aliases: Waker; wake_by_ref -->\nThe overview.\n\n## Zebra wakers\nStripes of wake_by_ref.\n",
    )
    .unwrap();
    let skill_md = dir.path().join("SKILL.md");
    let out = explain(&[
        "zebra stripes wake_by_ref",
        "--json",
        "--skill",
        skill_md.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["sections"][0]["id"], "waker.zebra-wakers", "{v}");
}
