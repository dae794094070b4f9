//! The prebuilt index in index/ must match the skill: rebuild it with
//! `cargo run -- index` whenever SKILL.md or skill/ changes.
use rust_async_skill::search::{SearchIndex, store};
use rust_async_skill::skill::{Skill, embedded};
use std::path::Path;

#[test]
fn prebuilt_index_matches_the_skill() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let skill = Skill::load(&root.join("SKILL.md")).unwrap();
    let stored = std::fs::read_to_string(root.join("index").join(store::FINGERPRINT_FILE))
        .unwrap_or_default();
    assert_eq!(
        stored.trim(),
        skill.fingerprint(),
        "index/ is stale: run `cargo run -- index`"
    );
}

#[test]
fn embedded_index_opens_without_a_rebuild() {
    let skill = Skill::embedded();
    assert_eq!(
        store::stored_fingerprint(embedded::index_files()),
        Some(skill.fingerprint().as_str())
    );
    let (index, _) = store::open(embedded::index_files()).expect("the embedded index opens");
    let docs = index.reader().unwrap().searcher().num_docs();
    assert!(
        docs >= skill.sections.len() as u64,
        "{docs} documents for {} sections",
        skill.sections.len()
    );
}

#[test]
fn index_check_command_agrees() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rust-async-skill"))
        .args(["index", "--check"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn index_write_then_open_round_trips() {
    let skill = Skill::embedded();
    let dir = tempfile::tempdir().unwrap();
    store::write(skill, dir.path()).unwrap();
    let files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    let borrowed: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let (index, _) = store::open(&borrowed).unwrap();
    assert!(index.reader().unwrap().searcher().num_docs() >= skill.sections.len() as u64);
    // And a search over an in-memory build finds a section by its exact title words.
    let built = SearchIndex::build(skill).unwrap();
    let s = &skill.sections[skill.sections.len() / 2];
    let hits = built.rank(&built.analyse(&s.title), 20);
    assert!(
        hits.iter().any(|h| h.ord == skill.sections.len() / 2),
        "section `{}` not found by its title",
        s.title
    );
}
