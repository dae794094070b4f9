//! Cargo packages: the nearest `Cargo.toml` with a `[package]` above a
//! file, and its targets (each one a crate root).
//!
//! Targets follow Cargo's auto-discovery (`src/lib.rs`, `src/main.rs`,
//! `src/bin/*.rs` and `src/bin/*/main.rs`, `tests/`, `examples/`,
//! `benches/` the same way) plus the `path` of `[lib]` and of the
//! `[[bin]]`/`[[test]]`/`[[example]]`/`[[bench]]` tables. A workspace
//! member is a package of its own; a virtual manifest (only
//! `[workspace]`) is not a package.

use std::path::{Path, PathBuf};

/// The largest `Cargo.toml` read (bigger ones are not manifests a person wrote).
const MAX_MANIFEST: u64 = 1 << 20;

#[derive(Clone, Debug)]
pub struct Target {
    /// The crate root file.
    pub root: PathBuf,
    pub is_lib: bool,
}

#[derive(Clone, Debug)]
pub struct Package {
    /// The library's crate name (`my-lib` -> `my_lib`), how the other
    /// targets name it.
    pub lib_name: Option<String>,
    pub targets: Vec<Target>,
}

/// The package directory holding `file` (absolute), if any.
pub fn package_dir_of(file: &Path) -> Option<PathBuf> {
    let mut dir = file.parent();
    while let Some(d) = dir {
        let manifest = d.join("Cargo.toml");
        if manifest.is_file() {
            return read_table(&manifest)
                .is_some_and(|t| t.contains_key("package"))
                .then(|| d.to_path_buf());
        }
        dir = d.parent();
    }
    None
}

fn read_table(manifest: &Path) -> Option<toml::Table> {
    let meta = std::fs::metadata(manifest).ok()?;
    if meta.len() > MAX_MANIFEST {
        return None;
    }
    let text = std::fs::read_to_string(manifest).ok()?;
    text.parse::<toml::Table>().ok()
}

/// Reads the package at `dir` (which has a `Cargo.toml` with `[package]`).
pub fn load(dir: &Path) -> Option<Package> {
    let t = read_table(&dir.join("Cargo.toml"))?;
    let pkg = t.get("package")?.as_table()?;
    let name = pkg.get("name").and_then(|v| v.as_str()).unwrap_or("");
    let autodiscover = |key: &str| pkg.get(key).and_then(|v| v.as_bool()).unwrap_or(true);
    let mut targets: Vec<Target> = Vec::new();
    let add = |root: PathBuf, is_lib: bool, targets: &mut Vec<Target>| {
        if root.is_file() && !targets.iter().any(|t| t.root == root) {
            targets.push(Target { root, is_lib });
        }
    };
    // The library.
    let lib = t.get("lib").and_then(|v| v.as_table());
    let lib_path = lib
        .and_then(|l| l.get("path"))
        .and_then(|v| v.as_str())
        .map(|p| dir.join(p))
        .unwrap_or_else(|| dir.join("src/lib.rs"));
    let has_lib = lib_path.is_file();
    let lib_name = has_lib.then(|| {
        lib.and_then(|l| l.get("name"))
            .and_then(|v| v.as_str())
            .unwrap_or(name)
            .replace('-', "_")
    });
    add(lib_path, true, &mut targets);
    // Explicit target tables.
    for key in ["bin", "test", "example", "bench"] {
        if let Some(arr) = t.get(key).and_then(|v| v.as_array()) {
            for e in arr {
                if let Some(p) = e.get("path").and_then(|v| v.as_str()) {
                    add(dir.join(p), false, &mut targets);
                }
            }
        }
    }
    // Auto-discovered targets.
    add(dir.join("src/main.rs"), false, &mut targets);
    let auto: [(&str, &str); 4] = [
        ("src/bin", "autobins"),
        ("tests", "autotests"),
        ("examples", "autoexamples"),
        ("benches", "autobenches"),
    ];
    for (sub, key) in auto {
        if !autodiscover(key) {
            continue;
        }
        let Ok(rd) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        let mut found: Vec<PathBuf> = Vec::new();
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                let main = p.join("main.rs");
                if main.is_file() {
                    found.push(main);
                }
            } else if p.extension().is_some_and(|x| x == "rs") {
                found.push(p);
            }
        }
        found.sort();
        for p in found {
            add(p, false, &mut targets);
        }
    }
    Some(Package { lib_name, targets })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, files: &[(&str, &str)]) {
        for (p, text) in files {
            let p = root.join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
    }

    /// The targets, relative to the package, with `lib` marked.
    fn targets(dir: &Path) -> (Option<String>, Vec<String>) {
        let p = load(dir).unwrap();
        let t = p
            .targets
            .iter()
            .map(|t| {
                let rel = t.root.strip_prefix(dir).unwrap().display().to_string();
                if t.is_lib { format!("lib:{rel}") } else { rel }
            })
            .collect();
        (p.lib_name, t)
    }

    #[test]
    fn auto_discovered_targets() {
        let d = tempfile::tempdir().unwrap();
        write(
            d.path(),
            &[
                (
                    "Cargo.toml",
                    "[package]\nname = \"my-pkg\"\nversion = \"0.1.0\"\n",
                ),
                ("src/lib.rs", ""),
                ("src/main.rs", ""),
                ("src/bin/tool.rs", ""),
                ("src/bin/big/main.rs", ""),
                ("src/bin/big/helper.rs", ""),
                ("tests/it.rs", ""),
                ("examples/demo.rs", ""),
                ("benches/speed.rs", ""),
                ("src/bin/notes.txt", ""),
            ],
        );
        let (name, t) = targets(d.path());
        assert_eq!(name.as_deref(), Some("my_pkg"));
        assert_eq!(
            t,
            [
                "lib:src/lib.rs",
                "src/main.rs",
                "src/bin/big/main.rs",
                "src/bin/tool.rs",
                "tests/it.rs",
                "examples/demo.rs",
                "benches/speed.rs",
            ]
        );
    }

    #[test]
    fn explicit_paths_and_autodiscovery_off() {
        let d = tempfile::tempdir().unwrap();
        write(
            d.path(),
            &[
                (
                    "Cargo.toml",
                    "[package]\nname = \"p\"\nversion = \"0.1.0\"\nautotests = false\n\n[lib]\nname = \"core-lib\"\npath = \"lib/root.rs\"\n\n[[bin]]\nname = \"x\"\npath = \"tools/x.rs\"\n\n[[test]]\nname = \"gone\"\npath = \"tests/missing.rs\"\n",
                ),
                ("lib/root.rs", ""),
                ("tools/x.rs", ""),
                ("tests/skipped.rs", ""),
            ],
        );
        let (name, t) = targets(d.path());
        assert_eq!(name.as_deref(), Some("core_lib"));
        // A target whose file does not exist is left out; `autotests = false` skips tests/.
        assert_eq!(t, ["lib:lib/root.rs", "tools/x.rs"]);
    }

    #[test]
    fn workspaces_members_and_broken_manifests() {
        let d = tempfile::tempdir().unwrap();
        write(
            d.path(),
            &[
                ("Cargo.toml", "[workspace]\nmembers = [\"a\"]\n"),
                (
                    "a/Cargo.toml",
                    "[package]\nname = \"a\"\nversion = \"0.1.0\"\n",
                ),
                ("a/src/lib.rs", ""),
                ("loose/x.rs", ""),
                ("bad/Cargo.toml", "[package\nname = "),
                ("bad/src/lib.rs", ""),
            ],
        );
        let root = d.path().canonicalize().unwrap();
        // A member is its own package.
        assert_eq!(
            package_dir_of(&root.join("a/src/lib.rs")),
            Some(root.join("a"))
        );
        // Below a virtual manifest only: no package.
        assert_eq!(package_dir_of(&root.join("loose/x.rs")), None);
        // A manifest that does not parse: no package (the file is analysed alone).
        assert_eq!(package_dir_of(&root.join("bad/src/lib.rs")), None);
        assert!(load(&root.join("bad")).is_none());
    }

    #[test]
    fn oversized_manifest_is_not_read() {
        let d = tempfile::tempdir().unwrap();
        let big = format!(
            "[package]\nname = \"p\"\nversion = \"0.1.0\"\n#{}\n",
            "x".repeat(MAX_MANIFEST as usize)
        );
        write(d.path(), &[("Cargo.toml", &big), ("src/lib.rs", "")]);
        assert!(load(d.path()).is_none());
    }
}
