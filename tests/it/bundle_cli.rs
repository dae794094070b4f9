//! `rust-async-skill bundle DIR`: the minimal installable skill bundle.
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use crate::file_tree::{assert_same_files, read_text_tree, repo_skill_files};

const BIN: &str = env!("CARGO_BIN_EXE_rust-async-skill");
const SKILL: &str = "rust-async-internals";

fn bundle(dir: &Path) -> String {
    let out = Command::new(BIN).arg("bundle").arg(dir).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn bundle_holds_the_skill_files_and_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let out = bundle(tmp.path());
    let skill = tmp.path().join("skills").join(SKILL);
    assert!(out.contains(&skill.display().to_string()), "{out}");

    let everything = read_text_tree(tmp.path(), tmp.path());
    let expected: BTreeMap<String, String> = repo_skill_files()
        .into_iter()
        .map(|(rel, text)| (format!("skills/{SKILL}/{rel}"), text))
        .collect();
    assert_same_files(&everything, &expected);

    assert!(skill.join("SKILL.md").is_file());
    let refs: Vec<_> = fs::read_dir(skill.join("skill/references"))
        .unwrap()
        .flatten()
        .collect();
    assert!(!refs.is_empty(), "the references are in the bundle");
    assert!(
        refs.iter()
            .all(|e| e.path().extension().is_some_and(|x| x == "md"))
    );
    for not_there in ["Cargo.toml", "src", "target", "build.rs", "index"] {
        assert!(
            !skill.join(not_there).exists(),
            "{not_there} must not be in the bundle"
        );
    }
}

#[test]
fn bundle_skill_md_is_named_after_its_folder() {
    let tmp = tempfile::tempdir().unwrap();
    bundle(tmp.path());
    let text = fs::read_to_string(tmp.path().join("skills").join(SKILL).join("SKILL.md")).unwrap();
    let front = text
        .strip_prefix("---\n")
        .and_then(|t| t.split_once("\n---"))
        .map(|(f, _)| f)
        .expect("SKILL.md starts with YAML frontmatter");
    let name = front
        .lines()
        .find_map(|l| l.strip_prefix("name:"))
        .map(str::trim);
    assert_eq!(
        name,
        Some(SKILL),
        "the Agent Skills spec wants name == folder name"
    );
    assert!(
        front.lines().any(|l| l.starts_with("description:")),
        "a description is required"
    );
}

#[test]
fn bundle_again_replaces_the_previous_bundle() {
    let tmp = tempfile::tempdir().unwrap();
    bundle(tmp.path());
    let skill = tmp.path().join("skills").join(SKILL);
    fs::write(skill.join("skill/references/stale.md"), "old").unwrap();
    fs::write(
        tmp.path().join("skills/README.md"),
        "kept: outside the skill folder",
    )
    .unwrap();
    bundle(tmp.path());
    assert!(!skill.join("skill/references/stale.md").exists());
    assert!(tmp.path().join("skills/README.md").exists());
}
