//! `check`: diagnose_snippet on files, folders (every `.rs` below) or stdin.
//!
//! Output: rustc-like text, the tool's JSON, or SARIF 2.1.0 for GitHub code
//! scanning. Exit 0 when clean, 1 when some finding is a warning or an
//! error, 2 on a usage or I/O error (the other files are still checked).

use super::{CheckArgs, CheckFormat};
use crate::analysis::{self, Diagnosis, Finding, LineIndex, Runtime, Severity};
use crate::project::baseline::{self, Baseline};
use crate::project::{self, Config, Configs, Overrides, Suppressed};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// One checked input.
struct Checked {
    /// Shown path (`<stdin>` for stdin).
    name: String,
    /// The file (`None` for stdin).
    path: Option<PathBuf>,
    text: String,
    diagnosis: Diagnosis,
    /// Silenced by the code (comments, twin lints).
    suppressed: Vec<Suppressed>,
    /// Silenced by the baseline.
    baselined: Vec<Suppressed>,
    /// The baseline the file's configuration names (`baseline = ".."`).
    config_baseline: Option<PathBuf>,
}

pub fn run(args: &CheckArgs) -> u8 {
    let runtime = match args.runtime.as_deref().map(Runtime::from_str).transpose() {
        Ok(r) => r,
        Err(e) => return super::fail(format!("--runtime: {e}")),
    };
    let overrides = Overrides {
        runtime,
        rules: (!args.rules.is_empty()).then(|| args.rules.clone()),
    };
    if let Err(e) = analysis::diagnose("", &project::options(&Config::default(), &overrides)) {
        return super::fail(format!("--rule: {e}"));
    }
    let base = match &args.baseline {
        Some(p) => match Baseline::read(p) {
            Ok(b) => Some(b),
            Err(e) => return super::fail(format!("--baseline: {e}")),
        },
        None => None,
    };
    analysis::krate::configure(args.single_file, args.cache);
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
        match project::check_text(None, &text, &Config::default(), &overrides) {
            Ok(c) => checked.push(Checked {
                name: "<stdin>".into(),
                path: None,
                text,
                diagnosis: c.diagnosis,
                suppressed: c.suppressed,
                baselined: Vec::new(),
                config_baseline: None,
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
        let mut configs = Configs::new();
        let mut bad_configs = Vec::new();
        for f in files {
            let config = match configs.for_file(&f) {
                Ok(c) => c,
                Err(e) => {
                    // Said once per manifest, not once per file.
                    let msg = e.to_string();
                    if !bad_configs.contains(&msg) {
                        eprintln!("error: {msg}");
                        bad_configs.push(msg);
                    }
                    io_error = true;
                    continue;
                }
            };
            if config.excludes(&f) {
                continue;
            }
            let bytes = match std::fs::read(&f) {
                Ok(b) => b,
                Err(e) => {
                    eprintln!("error: {}: {e}", f.display());
                    io_error = true;
                    continue;
                }
            };
            let Ok(text) = String::from_utf8(bytes) else {
                eprintln!("error: {}: not valid UTF-8 text; skipped", f.display());
                io_error = true;
                continue;
            };
            match project::check_text(Some(&f), &text, &config, &overrides) {
                Ok(c) => checked.push(Checked {
                    name: f.display().to_string(),
                    path: Some(f),
                    text,
                    diagnosis: c.diagnosis,
                    suppressed: c.suppressed,
                    baselined: Vec::new(),
                    config_baseline: config.baseline.clone(),
                }),
                Err(e) => {
                    eprintln!("error: {}: {e}", f.display());
                    io_error = true;
                }
            }
        }
    }
    if let Some(b) = &base {
        apply_baseline(
            &mut checked,
            b,
            args.baseline.as_deref().unwrap_or(Path::new(".")),
        );
    } else if args.write_baseline.is_none() {
        // No --baseline: each file gets the one its configuration names.
        let mut named: Vec<PathBuf> = checked
            .iter()
            .filter_map(|c| c.config_baseline.clone())
            .collect();
        named.sort();
        named.dedup();
        for at in named {
            let b = match Baseline::read(&at) {
                Ok(b) => b,
                Err(e) => {
                    return super::fail(format!(
                        "the configuration's `baseline`: {e} (write it with `check --write-baseline`)"
                    ));
                }
            };
            let group = checked
                .iter_mut()
                .filter(|c| c.config_baseline.as_deref() == Some(at.as_path()));
            apply_baseline(group, &b, &at);
        }
    }
    if let Some(out) = &args.write_baseline {
        let keys = checked.iter().flat_map(|c| {
            let name = baseline_name(c, out);
            baseline::keys(&name, &c.text, &c.diagnosis.findings)
        });
        let b = Baseline::from_keys(keys);
        if let Err(e) = crate::fsio::write_atomic(out, &b.to_json()) {
            return super::fail(format!("--write-baseline: {}: {e}", out.display()));
        }
        let n: usize = b.findings.iter().map(|e| e.count).sum();
        eprintln!("wrote {n} finding(s) to the baseline {}", out.display());
    }
    let problems = checked.iter().any(|c| c.diagnosis.has_problems());
    let show = args.show_suppressed;
    let out = match args.format {
        // Writing a baseline records the findings: the summary says enough.
        CheckFormat::Human if args.write_baseline.is_some() => total_summary(&checked) + "\n",
        CheckFormat::Human => human(&checked, show),
        CheckFormat::Json => {
            let v = if stdin_mode {
                file_json(&checked[0], show, false)
            } else {
                files_json(&checked, show)
            };
            serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
        }
        CheckFormat::Sarif => {
            serde_json::to_string_pretty(&sarif(&checked, show)).unwrap_or_default() + "\n"
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
    } else if problems && args.write_baseline.is_none() {
        1
    } else {
        0
    }
}

/// The file's name in a baseline kept at `at`.
fn baseline_name(c: &Checked, at: &Path) -> String {
    match &c.path {
        Some(p) => baseline::file_name(p, at),
        None => c.name.clone(),
    }
}

/// Moves the findings the baseline holds out of the reported ones.
fn apply_baseline<'a>(checked: impl IntoIterator<Item = &'a mut Checked>, b: &Baseline, at: &Path) {
    let mut budget = b.budget();
    for c in checked {
        let name = baseline_name(c, at);
        let keys = baseline::keys(&name, &c.text, &c.diagnosis.findings);
        let findings = std::mem::take(&mut c.diagnosis.findings);
        for (f, k) in findings.into_iter().zip(keys) {
            if budget.take(&k) {
                c.baselined.push(Suppressed {
                    finding: f,
                    by: "the baseline".into(),
                    reason: String::new(),
                });
            } else {
                c.diagnosis.findings.push(f);
            }
        }
        c.diagnosis.summary = project::summary(&c.diagnosis, c.suppressed.len(), c.baselined.len());
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

/// One file's object: the tool's fields (and `path` for files), plus the
/// silenced findings when asked.
fn file_json(c: &Checked, show: bool, with_path: bool) -> Value {
    let mut v = serde_json::to_value(&c.diagnosis).unwrap_or_else(|_| json!({}));
    if let Value::Object(map) = &mut v {
        if with_path {
            let mut with_path = serde_json::Map::new();
            with_path.insert("path".into(), Value::String(c.name.clone()));
            with_path.extend(std::mem::take(map));
            *map = with_path;
        }
        if show {
            let silenced: Vec<Value> = c
                .suppressed
                .iter()
                .chain(&c.baselined)
                .map(|s| {
                    let mut f = serde_json::to_value(&s.finding).unwrap_or_else(|_| json!({}));
                    if let Value::Object(m) = &mut f {
                        m.insert("suppressed_by".into(), Value::String(s.by.clone()));
                        if !s.reason.is_empty() {
                            m.insert("reason".into(), Value::String(s.reason.clone()));
                        }
                    }
                    f
                })
                .collect();
            map.insert("suppressed".into(), Value::Array(silenced));
        }
    }
    v
}

fn files_json(checked: &[Checked], show: bool) -> Value {
    let files: Vec<Value> = checked.iter().map(|c| file_json(c, show, true)).collect();
    json!({ "files": files, "summary": total_summary(checked) })
}

fn total_summary(checked: &[Checked]) -> String {
    let (mut e, mut w, mut i, mut s, mut b) = (0, 0, 0, 0, 0);
    for c in checked {
        let (x, y, z) = c.diagnosis.counts();
        e += x;
        w += y;
        i += z;
        s += c.suppressed.len();
        b += c.baselined.len();
    }
    let files = if checked.len() == 1 {
        "1 file".to_string()
    } else {
        format!("{} files", checked.len())
    };
    let counts = Diagnosis {
        findings: Vec::new(),
        parse: analysis::ParseInfo {
            mode: analysis::ParseMode::File,
            errors: Vec::new(),
        },
        summary: String::new(),
    };
    let mut text = project::summary(&counts, s, b);
    // `project::summary` counted no findings: put the real counts first.
    text = text.replacen("no findings", &analysis::summarize(e, w, i), 1);
    format!("{files} checked: {text}")
}

/// rustc-like text.
fn human(checked: &[Checked], show: bool) -> String {
    let mut s = String::new();
    for c in checked {
        let index = LineIndex::new(&c.text);
        for f in &c.diagnosis.findings {
            render(&mut s, &c.name, &index, f, None);
        }
        if show {
            for x in c.suppressed.iter().chain(&c.baselined) {
                let mut note = format!("suppressed by {}", x.by);
                if !x.reason.is_empty() {
                    note.push_str(&format!(": {}", x.reason));
                }
                render(&mut s, &c.name, &index, &x.finding, Some(&note));
            }
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

fn render(s: &mut String, name: &str, index: &LineIndex<'_>, f: &Finding, silenced: Option<&str>) {
    let level = match (silenced, f.severity) {
        (Some(_), _) => "suppressed",
        (None, Severity::Error) => "error",
        (None, Severity::Warning) => "warning",
        (None, Severity::Info) => "info",
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
    if let Some(why) = silenced {
        s.push_str(&format!("{pad} = note: {why}\n"));
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
///
/// Silenced findings are left out, or with `show` listed with a SARIF
/// `suppressions` entry (`inSource` for the code's own, `external` for the
/// baseline), which code scanning shows as suppressed rather than open.
fn sarif(checked: &[Checked], show: bool) -> Value {
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
        let silenced: &[Suppressed] = &[];
        let listed = c.diagnosis.findings.iter().map(|f| (f, None)).chain(
            (if show { &c.suppressed[..] } else { silenced })
                .iter()
                .map(|x| (&x.finding, Some((x, "inSource"))))
                .chain(
                    (if show { &c.baselined[..] } else { silenced })
                        .iter()
                        .map(|x| (&x.finding, Some((x, "external")))),
                ),
        );
        for (f, why) in listed {
            let idx = docs.iter().position(|d| d.id == f.rule).unwrap_or(0);
            let mut text = format!("{} Help: {}", f.message, f.help);
            if let Some(a) = &f.assumption {
                text.push_str(&format!(" Note: {a}"));
            }
            let mut result = json!({
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
            });
            if let Some((x, kind)) = why {
                let mut justification = format!("suppressed by {}", x.by);
                if !x.reason.is_empty() {
                    justification.push_str(&format!(": {}", x.reason));
                }
                result["suppressions"] = json!([{ "kind": kind, "justification": justification }]);
            }
            results.push(result);
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
