//! Embeds the skill (SKILL.md and every file under skill/) and the prebuilt
//! search index (index/) into the binary, so that an installed binary needs no
//! files at run time and start-up reads no disk.
use std::{env, fmt::Write, fs, path::Path};

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        } else if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    // Read at run time, not `env!`: a build script compiled once may serve
    // several checkouts that share a build folder, and `env!` would bake in
    // the first one's path (its SKILL.md would be embedded in the others).
    let manifest_dir = std::path::PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let root = manifest_dir.as_path();
    let mut skill_files = vec![root.join("SKILL.md")];
    walk(&root.join("skill"), &mut skill_files);
    skill_files.retain(|p| p.exists());
    skill_files.sort();
    let mut index_files = Vec::new();
    walk(&root.join("index"), &mut index_files);
    index_files.sort();

    println!("cargo:rerun-if-changed=SKILL.md");
    println!("cargo:rerun-if-changed=skill");
    println!("cargo:rerun-if-changed=index");
    let mut out = String::from("pub static SKILL_FILES: &[(&str, &str)] = &[\n");
    for file in &skill_files {
        println!("cargo:rerun-if-changed={}", file.display());
        let rel = file
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        writeln!(
            out,
            "    ({rel:?}, include_str!({:?})),",
            file.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\npub static INDEX_FILES: &[(&str, &[u8])] = &[\n");
    for file in &index_files {
        println!("cargo:rerun-if-changed={}", file.display());
        let rel = file
            .strip_prefix(root.join("index"))
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        writeln!(
            out,
            "    ({rel:?}, include_bytes!({:?})),",
            file.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    fs::write(
        Path::new(&env::var("OUT_DIR").unwrap()).join("embedded.rs"),
        out,
    )
    .unwrap();
}
