//! Generates one empty module per skill file, documented with that file's
//! Markdown, so that `cargo test --doc -p skill-examples` compiles (and runs)
//! every Rust code block of the skill as a doctest.
use std::{env, fmt::Write, fs, path::Path};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let mut files = vec![root.join("SKILL.md")];
    let refs = root.join("skill").join("references");
    println!("cargo:rerun-if-changed={}", root.join("SKILL.md").display());
    println!("cargo:rerun-if-changed={}", refs.display());
    if let Ok(dir) = fs::read_dir(&refs) {
        let mut found: Vec<_> = dir
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        found.sort();
        files.extend(found);
    }
    let mut out = String::new();
    for file in files {
        if !file.exists() {
            continue;
        }
        println!("cargo:rerun-if-changed={}", file.display());
        let stem = file.file_stem().unwrap().to_string_lossy();
        let module: String = stem
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect();
        writeln!(
            out,
            "#[doc = include_str!({:?})]\npub mod {module} {{}}",
            file.display().to_string()
        )
        .unwrap();
    }
    fs::write(
        Path::new(&env::var("OUT_DIR").unwrap()).join("skill_docs.rs"),
        out,
    )
    .unwrap();
}
