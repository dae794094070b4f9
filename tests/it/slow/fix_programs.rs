//! Whole programs with a bug, fixed by `suggest_fix`, then compiled (and
//! run) for real: tests/fixtures/fix-programs/<rule-id>__<name>.rs.
//!
//! For each program:
//! - every `//~ rule-id` marker has a finding that carries a fix, and the
//!   fix verifies (src/fix/verify.rs: the finding goes away, nothing new of
//!   severity warning or error, same parse, idempotent);
//! - the fixed program compiles: all fixed programs are binaries of one
//!   scratch crate (tokio with every feature, futures 0.3; the workspace's
//!   Cargo.lock, so nothing is resolved anew) and `cargo build` must pass;
//! - a program whose first line is `//@ run` shows its bug at run time: the
//!   original must exit non-zero (a panic, or its own check failing) and
//!   the fixed program must exit 0.
//!
//! The scratch crate builds tokio and futures once (about a minute on a
//! cold cache), in its own target dir under the test's tmp dir.
//!
//! tests/fixtures/rustc-programs/<rule-id>__{pos,neg}_<name>.rs hold the
//! analyser's verdict up against rustc's, for findings that are compile
//! errors and have no fix: a `pos_` program (first line `//@ error: E0277`)
//! must fail to compile with that error on each `//~` line (or up to two
//! lines above it: rustc puts a `select!` branch's error on the macro), and
//! nowhere else; a `neg_` program must compile, and the analyser must be
//! quiet on it. They are examples of a second scratch crate sharing the
//! first one's target dir, so tokio is built once.

use rust_async_skill::analysis::{DiagnoseOptions, Severity, diagnose, eval};
use rust_async_skill::fix::{suggest_fix, verify};
use std::path::{Path, PathBuf};
use std::process::Command;

struct Program {
    stem: String,
    original: String,
    fixed: String,
    run: bool,
}

fn programs() -> Vec<Program> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fix-programs");
    let mut files = Vec::new();
    eval::rs_files(&dir, &mut files);
    assert!(!files.is_empty(), "no programs in {}", dir.display());
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for path in files {
        let stem = path
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .replace('-', "_");
        let original = std::fs::read_to_string(&path).unwrap();
        let opts = DiagnoseOptions::default();
        let d = diagnose(&original, &opts).unwrap();
        let marks = eval::markers(&original);
        assert!(!marks.is_empty(), "{stem}: no `//~` marker");
        for (line, rule) in &marks {
            let found = d
                .findings
                .iter()
                .find(|f| &f.rule == rule && f.span.start.line == *line);
            match found {
                None => problems.push(format!("{stem}:{line}: no `{rule}` finding")),
                Some(f) if f.fix.is_none() => {
                    problems.push(format!("{stem}:{line}: `{rule}` has no fix"))
                }
                Some(_) => {
                    if let Err(why) = verify::check_fix(&original, &opts, rule) {
                        problems.push(format!("{stem}: {rule}: {why}"));
                    }
                }
            }
        }
        // Programs are exact: every finding of severity warning or error is marked.
        for f in &d.findings {
            if f.severity >= Severity::Warning
                && !marks.contains(&(f.span.start.line, f.rule.clone()))
            {
                problems.push(format!(
                    "{stem}:{}: unmarked `{}` finding: {}",
                    f.span.start.line, f.rule, f.message
                ));
            }
        }
        let fixed = suggest_fix(&original, &opts).unwrap();
        for f in &fixed.remaining {
            if marks.iter().any(|(_, r)| *r == f.rule) {
                problems.push(format!(
                    "{stem}: `{}` still reported after fixing: {}",
                    f.rule, f.message
                ));
            }
        }
        out.push(Program {
            run: original.starts_with("//@ run"),
            stem,
            original,
            fixed: fixed.fixed_code,
        });
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    out
}

/// A scratch crate with one binary per program (fixed, and the originals
/// of the `//@ run` programs).
fn scratch_crate(programs: &[Program]) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fix-programs");
    let bin = root.join("src/bin");
    let _ = std::fs::remove_dir_all(&bin);
    std::fs::create_dir_all(&bin).unwrap();
    write_manifest(&root, "fix-programs");
    for p in programs {
        std::fs::write(bin.join(format!("{}.rs", p.stem)), &p.fixed).unwrap();
        if p.run {
            std::fs::write(bin.join(format!("orig__{}.rs", p.stem)), &p.original).unwrap();
        }
    }
    root
}

/// The scratch crates' manifest (tokio with every feature, futures) and
/// the workspace's Cargo.lock.
fn write_manifest(root: &Path, name: &str) {
    std::fs::create_dir_all(root).unwrap();
    std::fs::write(
        root.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\ntokio = {{ version = \"=1.54.1\", features = [\"full\"] }}\nfutures = \"=0.3.34\"\n\n\
             [workspace]\n"
        ),
    )
    .unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock"),
        root.join("Cargo.lock"),
    )
    .unwrap();
}

fn cargo(root: &Path, args: &[&str]) -> std::process::Output {
    cargo_in(root, &root.join("target"), args)
}

fn cargo_in(root: &Path, target: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO"))
        .args(args)
        .arg("--quiet")
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs")
}

#[test]
fn fixed_programs_compile_and_run_clean() {
    let programs = programs();
    let root = scratch_crate(&programs);
    let check = cargo(&root, &["build", "--bins"]);
    assert!(
        check.status.success(),
        "the fixed programs do not all compile:\n{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let mut report = Vec::new();
    for p in &programs {
        if !p.run {
            report.push(format!("{}: compiles", p.stem));
            continue;
        }
        let exe = |name: &str| root.join("target/debug").join(name);
        let before = Command::new(exe(&format!("orig__{}", p.stem)))
            .output()
            .unwrap();
        let after = Command::new(exe(&p.stem)).output().unwrap();
        assert!(
            !before.status.success(),
            "{}: the original program was expected to fail at run time, but exited 0:\n{}",
            p.stem,
            String::from_utf8_lossy(&before.stdout)
        );
        assert!(
            after.status.success(),
            "{}: the fixed program fails:\nstdout: {}\nstderr: {}\n--- fixed code ---\n{}",
            p.stem,
            String::from_utf8_lossy(&after.stdout),
            String::from_utf8_lossy(&after.stderr),
            p.fixed
        );
        report.push(format!(
            "{}: compiles; original fails at run time ({}), fixed runs clean",
            p.stem, before.status
        ));
    }
    println!("{}", report.join("\n"));
}

/// Lines (1-based) of the errors with `code` in cargo's short messages
/// about `file`.
fn error_lines(stderr: &str, file: &str, code: &str) -> Vec<usize> {
    let want = format!("error[{code}]");
    stderr
        .lines()
        .filter(|l| l.contains(&want))
        .filter_map(|l| {
            let rest = l.split_once(file)?.1.strip_prefix(':')?;
            rest.split(':').next()?.parse().ok()
        })
        .collect()
}

#[test]
fn analyser_verdicts_match_rustc() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rustc-programs");
    let mut files = Vec::new();
    eval::rs_files(&dir, &mut files);
    assert!(!files.is_empty(), "no programs in {}", dir.display());
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let root = tmp.join("rustc-programs");
    let examples = root.join("examples");
    let _ = std::fs::remove_dir_all(&examples);
    std::fs::create_dir_all(&examples).unwrap();
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(root.join("src/lib.rs"), "").unwrap();
    write_manifest(&root, "rustc-programs");
    // The fixed programs' target dir: tokio is compiled there already.
    let target = tmp.join("fix-programs/target");
    let mut problems = Vec::new();
    let mut report = Vec::new();
    for path in files {
        let stem = path
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .replace('-', "_");
        let code = std::fs::read_to_string(&path).unwrap();
        let file = format!("examples/{stem}.rs");
        std::fs::write(root.join(&file), &code).unwrap();
        let rule = path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .split("__")
            .next()
            .unwrap()
            .to_string();
        let marks = eval::markers(&code);
        let d = diagnose(&code, &DiagnoseOptions::default()).unwrap();
        let found: Vec<usize> = d
            .findings
            .iter()
            .filter(|f| f.severity >= Severity::Warning)
            .map(|f| f.span.start.line)
            .collect();
        let marked: Vec<usize> = marks.iter().map(|(l, _)| *l).collect();
        if found != marked
            || d.findings
                .iter()
                .any(|f| f.severity >= Severity::Warning && f.rule != rule)
        {
            problems.push(format!(
                "{stem}: analyser findings on lines {found:?}, marked {marked:?}: {:?}",
                d.findings.iter().map(|f| &f.message).collect::<Vec<_>>()
            ));
        }
        let out = cargo_in(
            &root,
            &target,
            &["build", "--example", &stem, "--message-format", "short"],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        let expected = code
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("//@ error:"))
            .map(|c| c.trim().to_string());
        match expected {
            None => {
                if !out.status.success() || !marks.is_empty() {
                    problems.push(format!(
                        "{stem}: a quiet program must compile and have no marker:\n{stderr}"
                    ));
                } else {
                    report.push(format!("{stem}: compiles, no finding"));
                }
            }
            Some(code_id) => {
                let lines = error_lines(&stderr, &file, &code_id);
                let near = |e: usize, m: usize| e <= m && m - e <= 2;
                let unexplained: Vec<_> = lines
                    .iter()
                    .filter(|e| !marked.iter().any(|m| near(**e, *m)))
                    .collect();
                let unmatched: Vec<_> = marked
                    .iter()
                    .filter(|m| !lines.iter().any(|e| near(*e, **m)))
                    .collect();
                if out.status.success() || !unexplained.is_empty() || !unmatched.is_empty() {
                    problems.push(format!(
                        "{stem}: rustc {code_id} on lines {lines:?}, marked {marked:?}:\n{stderr}"
                    ));
                } else {
                    report.push(format!(
                        "{stem}: rustc {code_id} on lines {lines:?}, found on {marked:?}"
                    ));
                }
            }
        }
    }
    println!("{}", report.join("\n"));
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
