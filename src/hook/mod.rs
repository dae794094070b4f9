//! `hook CLIENT`: the after-edit hook. The client runs it after each edit
//! with its own JSON payload on stdin; it checks the Rust files the edit
//! touched, as they now are on disk, through the project layer (so the
//! package's configuration and the code's suppressions apply), and answers
//! in that client's feedback channel with the findings on the touched lines.
//!
//! It must never break the agent's turn: bad input is one line on stderr
//! and exit 0, an internal error (a panic) the same; only Windsurf's
//! findings channel exits 2. A clean edit, a non-Rust file, another tool
//! or a file that is gone: nothing on stdout, exit 0.

mod clients;
mod locate;
mod patch;

use crate::analysis::{Finding, Severity};
use crate::project::baseline::{self, Baseline};
use crate::project::{self, Configs, Overrides};
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

pub use clients::Client;

/// Largest payload read (Claude Code's carries the file up to three times).
pub const MAX_PAYLOAD_BYTES: u64 = 32 << 20;
/// Findings listed in full; more are counted.
const MAX_LISTED: usize = 8;

/// The lines an edit touched in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Touched {
    /// The whole file (a write, a new file).
    Whole,
    /// The replacement texts of the edit, to be found in the file.
    Snippets(Vec<String>),
    /// Patch hunks, to be found in the file.
    Hunks(Vec<patch::Hunk>),
}

/// One file an edit touched.
#[derive(Debug)]
pub struct Edit {
    pub path: PathBuf,
    pub touched: Touched,
}

/// The answer to the client.
#[derive(Debug, PartialEq, Eq)]
pub struct Answer {
    pub stdout: String,
    pub stderr: String,
    pub status: u8,
}

impl Answer {
    fn silent() -> Answer {
        Answer {
            stdout: String::new(),
            stderr: String::new(),
            status: 0,
        }
    }
    fn note(msg: impl std::fmt::Display) -> Answer {
        Answer {
            stderr: format!("rust-async-skill hook: {msg}\n"),
            ..Answer::silent()
        }
    }
}

/// What was found on the touched lines of the edited files.
#[derive(Debug, Default)]
pub struct Report {
    /// (shown path, finding) on touched lines.
    pub touched: Vec<(String, Finding)>,
    /// Findings elsewhere in the edited files.
    pub elsewhere: usize,
    /// Findings on touched lines that suppressions silenced.
    pub suppressed: usize,
}

/// Runs the hook: reads stdin, answers on stdout/stderr, returns the status.
pub fn run(client: &str) -> u8 {
    let Some(client) = Client::parse(client) else {
        eprintln!(
            "rust-async-skill hook: unknown client `{client}`; use claude-code, codex, cursor or windsurf"
        );
        return 1;
    };
    // A panic must not reach the agent as a crash: one line on stderr, exit 0.
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        eprintln!("rust-async-skill hook: internal error, edit not checked: {msg}");
    }));
    // The hook runs after every edit of one file: keep the other files'
    // summaries between runs, so a large crate is not re-read each time.
    crate::analysis::krate::configure(false, true);
    let mut bytes = Vec::new();
    let read = std::io::stdin()
        .take(MAX_PAYLOAD_BYTES + 1)
        .read_to_end(&mut bytes);
    let answer = match read {
        Err(e) => Answer::note(format_args!("cannot read the payload: {e}")),
        Ok(_) if bytes.len() as u64 > MAX_PAYLOAD_BYTES => Answer::note(format_args!(
            "payload over {MAX_PAYLOAD_BYTES} bytes; not checked"
        )),
        Ok(_) => {
            std::panic::catch_unwind(|| answer(client, &bytes)).unwrap_or_else(|_| Answer::silent())
        }
    };
    use std::io::Write;
    let _ = std::io::stdout().write_all(answer.stdout.as_bytes());
    let _ = std::io::stderr().write_all(answer.stderr.as_bytes());
    answer.status
}

/// The whole hook on a payload, without touching stdin or stdout.
pub fn answer(client: Client, payload: &[u8]) -> Answer {
    let value: serde_json::Value = match serde_json::from_slice(payload) {
        Ok(v) => v,
        Err(e) => return Answer::note(format_args!("the payload is not JSON ({e}); not checked")),
    };
    let edits = match client.edits(&value) {
        Ok(e) => e,
        Err(msg) => return Answer::note(msg),
    };
    let mut notes = String::new();
    let report = check(&edits, &mut notes);
    let mut a = client.answer(&report);
    a.stderr.insert_str(0, &notes);
    a
}

/// Checks the edited Rust files; problems that stop one file go to `notes`.
pub fn check(edits: &[Edit], notes: &mut String) -> Report {
    let mut report = Report::default();
    let mut configs = Configs::new();
    let mut baselines = Baselines::default();
    for e in edits {
        if e.path.extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let text = match read_source(&e.path) {
            Ok(Some(t)) => t,
            Ok(None) => continue, // gone: nothing to say
            Err(msg) => {
                notes.push_str(&format!(
                    "rust-async-skill hook: {}: {msg}\n",
                    e.path.display()
                ));
                continue;
            }
        };
        let config = match configs.for_file(&e.path) {
            Ok(c) => c,
            Err(err) => {
                notes.push_str(&format!("rust-async-skill hook: {err}\n"));
                continue;
            }
        };
        if config.excludes(&e.path) {
            continue;
        }
        let mut checked =
            match project::check_text(Some(&e.path), &text, &config, &Overrides::default()) {
                Ok(c) => c,
                Err(err) => {
                    notes.push_str(&format!(
                        "rust-async-skill hook: {}: {err}\n",
                        e.path.display()
                    ));
                    continue;
                }
            };
        if let Some(at) = &config.baseline {
            baselines.apply(at, &e.path, &text, &mut checked, notes);
        }
        let lines = match &e.touched {
            Touched::Whole => vec![(1, usize::MAX)],
            Touched::Snippets(s) => s.iter().flat_map(|n| locate::snippet(&text, n)).collect(),
            Touched::Hunks(h) => h.iter().flat_map(|h| locate::hunk(&text, h)).collect(),
        };
        let on = |f: &Finding| {
            let at = related_line(&f.message);
            lines.iter().any(|&(a, b)| {
                (f.span.start.line <= b && f.span.end.line >= a)
                    || at.is_some_and(|l| a <= l && l <= b)
            })
        };
        let shown = shown_path(&e.path);
        for f in checked.diagnosis.findings {
            if on(&f) {
                report.touched.push((shown.clone(), f));
            } else {
                report.elsewhere += 1;
            }
        }
        report.suppressed += checked.suppressed.iter().filter(|s| on(&s.finding)).count();
    }
    report
}

/// The baselines the configurations name, read once per hook run.
#[derive(Default)]
struct Baselines(HashMap<PathBuf, Option<Baseline>>);

impl Baselines {
    /// Drops `file`'s findings that the baseline at `at` holds. A baseline
    /// that cannot be read is one note, and the hook goes on without it.
    fn apply(
        &mut self,
        at: &Path,
        file: &Path,
        text: &str,
        checked: &mut project::Checked,
        notes: &mut String,
    ) {
        let b = self
            .0
            .entry(at.to_path_buf())
            .or_insert_with(|| match Baseline::read(at) {
                Ok(b) => Some(b),
                Err(e) => {
                    notes.push_str(&format!(
                        "rust-async-skill hook: the configuration's `baseline`: {e}; checked without it\n"
                    ));
                    None
                }
            });
        let Some(b) = b else { return };
        let mut budget = b.budget();
        let name = baseline::file_name(file, at);
        let findings = std::mem::take(&mut checked.diagnosis.findings);
        let keys = baseline::keys(&name, text, &findings);
        for (f, k) in findings.into_iter().zip(keys) {
            if !budget.take(&k) {
                checked.diagnosis.findings.push(f);
            }
        }
    }
}

/// The other line a finding names (`held across the `.await` on line 7`):
/// an edit that adds the `.await` makes the guard above it a finding.
fn related_line(message: &str) -> Option<usize> {
    let (_, rest) = message.split_once("on line ")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The file's text; `None` when it does not exist.
fn read_source(path: &Path) -> Result<Option<String>, String> {
    let limit = crate::limits::max_code_bytes();
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
        Ok(m) if !m.is_file() => return Ok(None),
        Ok(m) if m.len() > limit as u64 => {
            return Err(format!(
                "{} bytes, over the limit of {limit}; not checked",
                m.len()
            ));
        }
        Ok(_) => {}
    }
    match crate::fsio::read_optional(path) {
        Ok(t) => Ok(t),
        Err(e) => Err(e.to_string()),
    }
}

/// The path as the agent knows it: relative to the current folder when below it.
fn shown_path(p: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|d| p.strip_prefix(d).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| p.to_path_buf())
        .display()
        .to_string()
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.touched.is_empty()
    }

    pub fn has_errors(&self) -> bool {
        self.touched
            .iter()
            .any(|(_, f)| f.severity == Severity::Error)
    }

    /// The feedback text: one line per finding on the touched lines, then
    /// what was left out. About 60-90 tokens per finding.
    pub fn text(&self) -> String {
        let mut s = String::from("rust-async-skill: async bugs on the lines you just edited:\n");
        for (path, f) in self.touched.iter().take(MAX_LISTED) {
            s.push_str(&format!(
                "- {path}:{} {} {}: {}. Help: {}.{}\n",
                f.span.start.line,
                f.severity.as_str(),
                f.rule,
                f.message.trim_end_matches('.'),
                f.help.trim_end_matches('.'),
                if f.fix_available {
                    " Fixable with suggest_fix."
                } else {
                    ""
                }
            ));
        }
        if self.touched.len() > MAX_LISTED {
            s.push_str(&format!(
                "- and {} more on these lines\n",
                self.touched.len() - MAX_LISTED
            ));
        }
        if self.elsewhere > 0 {
            s.push_str(&format!(
                "({} more elsewhere in the file: `rust-async-skill check FILE`.)\n",
                self.elsewhere
            ));
        }
        s.push_str("Intended? Add `// rust-async-skill: allow(RULE) reason` on the line.\n");
        s
    }
}
