//! Folders read as maps from relative path to contents, and compared: what
//! `install`, `bundle` and the plugin folder must hold.
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// Every file under `dir`, keyed by its path relative to `base` (with
/// `/`), with its bytes.
pub fn read_tree(dir: &Path, base: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    collect(dir, base, &mut out);
    out
}

fn collect(dir: &Path, base: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
    for entry in fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            collect(&p, base, out);
        } else {
            let rel = p
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, fs::read(&p).unwrap());
        }
    }
}

/// `read_tree` for folders of text files.
pub fn read_text_tree(dir: &Path, base: &Path) -> BTreeMap<String, String> {
    read_tree(dir, base)
        .into_iter()
        .map(|(rel, bytes)| (rel, String::from_utf8(bytes).unwrap()))
        .collect()
}

/// The skill as the repository has it: SKILL.md and every file under
/// skill/ except hidden ones.
pub fn repo_skill_files() -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = read_text_tree(&root.join("skill"), root);
    files.retain(|rel, _| !rel.rsplit('/').next().unwrap().starts_with('.'));
    files.insert(
        "SKILL.md".into(),
        fs::read_to_string(root.join("SKILL.md")).unwrap(),
    );
    files
}

/// Compares two file maps by name, then by content, with a short message.
#[track_caller]
pub fn assert_same_files(got: &BTreeMap<String, String>, want: &BTreeMap<String, String>) {
    let names = |m: &BTreeMap<String, String>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(got), names(want), "file names differ");
    for (name, text) in want {
        assert!(
            got[name] == *text,
            "{name} differs ({} vs {} bytes)",
            got[name].len(),
            text.len()
        );
    }
}
