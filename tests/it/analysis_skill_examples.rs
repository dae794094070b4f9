//! Every ```rust block of SKILL.md and skill/references/*.md against the
//! analyser: a block tagged `bug-<rule-id>` must get a finding of that rule;
//! an untagged block must get no warning or error finding.
//!
//! Blocks are read as rustdoc compiles them (docs/skill-format.md): code
//! without `fn main` is wrapped in a plain `fn main() { .. }`.

use rust_async_skill::analysis::{DiagnoseOptions, Severity, diagnose};
use std::path::{Path, PathBuf};

struct Block {
    file: String,
    line: usize,
    tags: Vec<String>,
    code: String,
}

fn blocks(path: &Path) -> Vec<Block> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut out = Vec::new();
    let mut cur: Option<Block> = None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        match &mut cur {
            None => {
                if let Some(info) = t.strip_prefix("```") {
                    let parts: Vec<String> =
                        info.split(',').map(|s| s.trim().to_string()).collect();
                    if parts.first().is_some_and(|p| p == "rust") {
                        cur = Some(Block {
                            file: path.display().to_string(),
                            line: i + 1,
                            tags: parts[1..].to_vec(),
                            code: String::new(),
                        });
                    } else if !info.trim().is_empty() {
                        // Another language: skip to its closing fence.
                        cur = Some(Block {
                            file: String::new(),
                            line: 0,
                            tags: vec!["__skip".into()],
                            code: String::new(),
                        });
                    }
                }
            }
            Some(b) => {
                if t.starts_with("```") {
                    let b = cur.take().unwrap();
                    if b.tags.first().map(|s| s.as_str()) != Some("__skip") {
                        out.push(b);
                    }
                } else {
                    b.code.push_str(line);
                    b.code.push('\n');
                }
            }
        }
    }
    out
}

fn skill_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("SKILL.md")];
    let mut refs: Vec<PathBuf> = std::fs::read_dir(root.join("skill/references"))
        .expect("skill/references exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    assert!(!refs.is_empty(), "no reference file in skill/references");
    refs.sort();
    files.extend(refs);
    files
}

/// Opening ```rust fences, counted apart from the block reader above.
fn rust_fences(path: &Path) -> usize {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| {
            l.trim_start()
                .strip_prefix("```rust")
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(','))
        })
        .count()
}

#[test]
fn skill_examples_agree_with_the_analyser() {
    let mut disagreements = Vec::new();
    let mut checked = 0;
    let mut tagged = 0;
    let mut fences = 0;
    for f in skill_files() {
        fences += rust_fences(&f);
        for b in blocks(&f) {
            checked += 1;
            tagged += b.tags.iter().any(|t| t.starts_with("bug-")) as usize;
            let code = if b.code.contains("fn main") {
                b.code.clone()
            } else {
                format!("fn main() {{\n{}}}\n", b.code)
            };
            let d = diagnose(
                &code,
                &DiagnoseOptions {
                    max_code_bytes: usize::MAX,
                    ..Default::default()
                },
            )
            .unwrap();
            let expected: Vec<&str> = b
                .tags
                .iter()
                .filter_map(|t| t.strip_prefix("bug-"))
                .collect();
            let found: Vec<&str> = d.findings.iter().map(|x| x.rule.as_str()).collect();
            for rule in &expected {
                if !found.contains(rule) {
                    disagreements.push(format!(
                        "{}:{}: tagged bug-{rule} but the analyser found {found:?}",
                        b.file, b.line
                    ));
                }
            }
            if expected.is_empty() {
                for x in d
                    .findings
                    .iter()
                    .filter(|x| x.severity >= Severity::Warning)
                {
                    disagreements.push(format!(
                        "{}:{}: untagged block, but {}[{}] on its line {}: {}",
                        b.file,
                        b.line,
                        x.severity.as_str(),
                        x.rule,
                        x.span.start.line,
                        x.message
                    ));
                }
            }
        }
    }
    println!("{checked} rust blocks checked, {tagged} tagged with a bug");
    // Every block was read and checked, and there are blocks of both kinds.
    assert_eq!(checked, fences, "blocks read vs ```rust fences");
    assert!(checked >= 20, "only {checked} rust blocks");
    assert!(tagged >= 5, "only {tagged} blocks tagged bug-<rule>");
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
