//! `check`: diagnose_snippet on files, folders (every `.rs` below) or stdin.
//!
//! Output: rustc-like text, the tool's JSON, or SARIF 2.1.0 for GitHub code
//! scanning. Exit 0 when clean, 1 when some finding is a warning or an
//! error, 2 on a usage or I/O error (the other files are still checked).

use super::{CheckArgs, CheckFormat};
use crate::analysis::{self, DiagnoseOptions, Diagnosis, Finding, LineIndex, Runtime, Severity};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// One checked input.
struct Checked {
    /// Shown path (`<stdin>` for stdin).
    name: String,
    text: String,
    diagnosis: Diagnosis,
}

pub fn run(args: &CheckArgs) -> u8 {
    let runtime = match Runtime::from_str(&args.runtime) {
        Ok(r) => r,
        Err(e) => return super::fail(format!("--runtime: {e}")),
    };
    let opts = DiagnoseOptions {
        runtime,
        rules: if args.rules.is_empty() {
            None
        } else {
            Some(args.rules.clone())
        },
        ..DiagnoseOptions::default()
    };
    if let Err(e) = analysis::diagnose("", &opts) {
        return super::fail(format!("--rule: {e}"));
    }
    let stdin_mode =
        args.paths.is_empty() || (args.paths.len() == 1 && args.paths[0] == Path::new("-"));
    let mut io_error = false;
    let mut checked = Vec::new();
    if stdin_mode {
        let mut bytes = Vec::new();
        if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
            return super::fail(format!("cannot read stdin: {e}"));
        }
        let Ok(text) = String::from_utf8(bytes) else {
            return super::fail("stdin is not valid UTF-8 text");
        };
        match analysis::diagnose(&text, &opts) {
            Ok(d) => checked.push(Checked {
                name: "<stdin>".into(),
                text,
                diagnosis: d,
            }),
            Err(e) => return super::fail(format!("stdin: {e}")),
        }
    } else {
        let mut files = Vec::new();
        for p in &args.paths {
            if p == Path::new("-") {
                eprintln!("error: `-` (stdin) cannot be mixed with paths");
                io_error = true;
                continue;
            }
            match std::fs::metadata(p) {
                Ok(m) if m.is_dir() => walk(p, &mut files),
                Ok(_) => files.push(p.clone()),
                Err(e) => {
                    eprintln!("error: {}: {e}", p.display());
                    io_error = true;
                }
            }
        }
        if args.single_file {
            check_alone(&files, &opts, &mut checked, &mut io_error);
        } else {
            // Files inside a Cargo package are analysed as part of their crate.
            for r in analysis::krate::check_files(&files, &opts, args.cache) {
                match r {
                    Ok(c) => checked.push(Checked {
                        name: c.name,
                        text: c.text,
                        diagnosis: c.diagnosis,
                    }),
                    Err(e) => {
                        eprintln!("error: {e}");
                        io_error = true;
                    }
                }
            }
        }
    }
    let problems = checked.iter().any(|c| c.diagnosis.has_problems());
    let out = match args.format {
        CheckFormat::Human => human(&checked),
        CheckFormat::Json => {
            let v = if stdin_mode {
                serde_json::to_value(&checked[0].diagnosis).unwrap_or(Value::Null)
            } else {
                files_json(&checked)
            };
            serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
        }
        CheckFormat::Sarif => {
            serde_json::to_string_pretty(&sarif(&checked)).unwrap_or_default() + "\n"
        }
    };
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush())
        .is_err()
    {
        return super::EXIT_ERROR;
    }
    if io_error {
        super::EXIT_ERROR
    } else if problems {
        1
    } else {
        0
    }
}

/// Each file alone (`--single-file`).
fn check_alone(
    files: &[PathBuf],
    opts: &DiagnoseOptions,
    checked: &mut Vec<Checked>,
    io_error: &mut bool,
) {
    for f in files {
        let bytes = match std::fs::read(f) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: {}: {e}", f.display());
                *io_error = true;
                continue;
            }
        };
        let Ok(text) = String::from_utf8(bytes) else {
            eprintln!("error: {}: not valid UTF-8 text; skipped", f.display());
            *io_error = true;
            continue;
        };
        match analysis::diagnose(&text, opts) {
            Ok(d) => checked.push(Checked {
                name: f.display().to_string(),
                text,
                diagnosis: d,
            }),
            Err(e) => {
                eprintln!("error: {}: {e}", f.display());
                *io_error = true;
            }
        }
    }
}

/// Every `.rs` file below `dir`, sorted; skips `target/` and hidden folders.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut stack = vec![dir.to_path_buf()];
    let mut found = Vec::new();
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            eprintln!("warning: cannot read folder {}", d.display());
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().to_string();
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                if name.starts_with('.') || name == "target" {
                    continue;
                }
                stack.push(p);
            } else if ft.is_file() && name.ends_with(".rs") {
                found.push(p);
            }
        }
    }
    found.sort();
    out.extend(found);
}

fn files_json(checked: &[Checked]) -> Value {
    let files: Vec<Value> = checked
        .iter()
        .map(|c| {
            let mut v = serde_json::to_value(&c.diagnosis).unwrap_or_else(|_| json!({}));
            if let Value::Object(map) = &mut v {
                let mut with_path = serde_json::Map::new();
                with_path.insert("path".into(), Value::String(c.name.clone()));
                with_path.extend(std::mem::take(map));
                *map = with_path;
            }
            v
        })
        .collect();
    json!({ "files": files, "summary": total_summary(checked) })
}

fn total_summary(checked: &[Checked]) -> String {
    let (mut e, mut w, mut i) = (0, 0, 0);
    for c in checked {
        let (a, b, d) = c.diagnosis.counts();
        e += a;
        w += b;
        i += d;
    }
    let files = if checked.len() == 1 {
        "1 file".to_string()
    } else {
        format!("{} files", checked.len())
    };
    format!("{files} checked: {}", analysis::summarize(e, w, i))
}

/// rustc-like text.
fn human(checked: &[Checked]) -> String {
    let mut s = String::new();
    for c in checked {
        let index = LineIndex::new(&c.text);
        for f in &c.diagnosis.findings {
            render(&mut s, &c.name, &index, f);
        }
        if c.diagnosis.parse.mode == analysis::ParseMode::Tokens {
            for e in &c.diagnosis.parse.errors {
                s.push_str(&format!(
                    "note: {}:{}:{}: {} (parts of this file were only scanned token by token)\n",
                    c.name, e.span.start.line, e.span.start.column, e.message
                ));
            }
        }
    }
    s.push_str(&total_summary(checked));
    s.push('\n');
    s
}

fn render(s: &mut String, name: &str, index: &LineIndex<'_>, f: &Finding) {
    let level = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    };
    let line = f.span.start.line;
    let width = line.to_string().len();
    let pad = " ".repeat(width);
    s.push_str(&format!("{level}[{}]: {}\n", f.rule, f.message));
    s.push_str(&format!("{pad}--> {name}:{line}:{}\n", f.span.start.column));
    s.push_str(&format!("{pad} |\n"));
    let text = index.line_text(line);
    // Tabs shown as 4 spaces, carets aligned to match.
    let shown: String = text.replace('\t', "    ");
    s.push_str(&format!("{line} | {shown}\n"));
    let start_col = f.span.start.column.saturating_sub(1);
    let end_col = if f.span.end.line == line {
        f.span.end.column.saturating_sub(1)
    } else {
        text.chars().count()
    };
    let visual = |col: usize| -> usize {
        text.chars()
            .take(col)
            .map(|c| if c == '\t' { 4 } else { 1 })
            .sum()
    };
    let a = visual(start_col);
    let b = visual(end_col.max(start_col + 1)).max(a + 1);
    s.push_str(&format!("{pad} | {}{}\n", " ".repeat(a), "^".repeat(b - a)));
    s.push_str(&format!("{pad} |\n"));
    s.push_str(&format!("{pad} = help: {}\n", f.help));
    if let Some(a) = &f.assumption {
        s.push_str(&format!("{pad} = note: {a}\n"));
    }
    s.push('\n');
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// SARIF 2.1.0, as GitHub code scanning accepts it.
fn sarif(checked: &[Checked]) -> Value {
    let docs = analysis::rule_docs();
    let rules: Vec<Value> = docs
        .iter()
        .map(|d| {
            json!({
                "id": d.id,
                "name": d.id.split('-').map(|w| {
                    let mut c = w.chars();
                    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
                }).collect::<String>(),
                "shortDescription": { "text": d.title },
                "fullDescription": { "text": d.what_it_does },
                "help": { "text": format!("{}\n\n{}", d.why_bad, d.use_instead), "markdown": d.markdown() },
                "helpUri": format!("https://github.com/rust-async-skill/rust-async-skill/blob/main/docs/rules.md#{}", d.id),
                "defaultConfiguration": { "level": sarif_level(d.severity) },
                "properties": { "tags": ["async", "rust", d.concept], "precision": "high" }
            })
        })
        .collect();
    let mut results = Vec::new();
    for c in checked {
        let uri = if c.name == "<stdin>" {
            "stdin.rs".to_string()
        } else {
            c.name
                .replace('\\', "/")
                .trim_start_matches("./")
                .to_string()
        };
        for f in &c.diagnosis.findings {
            let idx = docs.iter().position(|d| d.id == f.rule).unwrap_or(0);
            let mut text = format!("{} Help: {}", f.message, f.help);
            if let Some(a) = &f.assumption {
                text.push_str(&format!(" Note: {a}"));
            }
            results.push(json!({
                "ruleId": f.rule,
                "ruleIndex": idx,
                "level": sarif_level(f.severity),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri },
                        "region": {
                            "startLine": f.span.start.line,
                            "startColumn": f.span.start.column,
                            "endLine": f.span.end.line,
                            "endColumn": f.span.end.column.max(if f.span.end.line == f.span.start.line { f.span.start.column + 1 } else { 1 })
                        }
                    }
                }]
            }));
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "rust-async-skill",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/rust-async-skill/rust-async-skill",
                "rules": rules
            }},
            "columnKind": "unicodeCodePoints",
            "results": results
        }]
    })
}
