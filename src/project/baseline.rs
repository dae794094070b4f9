//! The baseline: today's findings, recorded so that `check --baseline`
//! reports only new ones. A finding is matched by its rule, its file, and a
//! fingerprint of its own line (whitespace normalised) and the items that
//! enclose it, never by line number: inserting lines above it or renaming
//! another function keeps it matched. Identical findings in one item are
//! counted, so a third copy of a baselined pair is new.

use super::outline::Outline;
use crate::analysis::lexer::lex;
use crate::analysis::{Finding, LineIndex};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// The file's format version.
pub const VERSION: u32 = 1;
/// Largest baseline file read.
const MAX_BYTES: u64 = 64 << 20;

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    pub file: String,
    pub rule: String,
    /// The enclosing items, outermost first (`impl Service for H > fn call`).
    pub item: String,
    /// The finding's first line, whitespace normalised.
    pub line: String,
    /// SHA-256 of rule, file, item and line (16 hex digits).
    pub fingerprint: String,
    /// How many such findings there were.
    pub count: usize,
}

#[derive(Serialize, Deserialize, Debug)]
pub struct Baseline {
    pub version: u32,
    pub tool: String,
    pub findings: Vec<Entry>,
}

/// The key of one finding (`count` 1).
pub fn key(
    file: &str,
    text: &str,
    outline: &Outline<'_>,
    index: &LineIndex<'_>,
    f: &Finding,
) -> Entry {
    let line = index
        .line_text(f.span.start.line)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let item = outline.items_at(f.range.start.min(text.len())).join(" > ");
    let mut h = Sha256::new();
    for part in [f.rule.as_str(), file, &item, &line] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    let fingerprint = h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Entry {
        file: file.to_string(),
        rule: f.rule.clone(),
        item,
        line,
        fingerprint,
        count: 1,
    }
}

/// The keys of one file's findings.
pub fn keys(file: &str, text: &str, findings: &[Finding]) -> Vec<Entry> {
    if findings.is_empty() {
        return Vec::new();
    }
    let outline = Outline::new(text, lex(text));
    let index = LineIndex::new(text);
    findings
        .iter()
        .map(|f| key(file, text, &outline, &index, f))
        .collect()
}

impl Baseline {
    /// A baseline of these findings' keys, merged and sorted.
    pub fn from_keys(keys: impl IntoIterator<Item = Entry>) -> Baseline {
        let mut merged: BTreeMap<(String, String, String, String), Entry> = BTreeMap::new();
        for k in keys {
            let id = (
                k.file.clone(),
                k.rule.clone(),
                k.item.clone(),
                k.line.clone(),
            );
            merged
                .entry(id)
                .and_modify(|e| e.count += k.count)
                .or_insert(k);
        }
        Baseline {
            version: VERSION,
            tool: "rust-async-skill".into(),
            findings: merged.into_values().collect(),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    pub fn read(path: &Path) -> Result<Baseline, String> {
        let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if meta.len() > MAX_BYTES {
            return Err(format!(
                "{}: over {MAX_BYTES} bytes; not read",
                path.display()
            ));
        }
        let text = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let b: Baseline = serde_json::from_slice(&text)
            .map_err(|e| format!("{}: not a rust-async-skill baseline: {e}", path.display()))?;
        if b.version != VERSION {
            return Err(format!(
                "{}: baseline version {} (this build reads version {VERSION})",
                path.display(),
                b.version
            ));
        }
        Ok(b)
    }

    /// What is left to match: fingerprint -> count.
    pub fn budget(&self) -> Budget {
        let mut m = HashMap::new();
        for e in &self.findings {
            *m.entry((e.file.clone(), e.rule.clone(), e.fingerprint.clone()))
                .or_insert(0) += e.count;
        }
        Budget(m)
    }
}

/// The baseline's findings not yet matched.
pub struct Budget(HashMap<(String, String, String), usize>);

impl Budget {
    /// True (and one fewer left) when `k` is in the baseline.
    pub fn take(&mut self, k: &Entry) -> bool {
        match self
            .0
            .get_mut(&(k.file.clone(), k.rule.clone(), k.fingerprint.clone()))
        {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        }
    }
}

/// The name of `file` in a baseline kept at `baseline`: relative to the
/// baseline's folder with `/` separators when it lies below it, else the
/// path as given.
pub fn file_name(file: &Path, baseline: &Path) -> String {
    let rel = (|| {
        // Canonical paths, so `../b.json` and `./src` meet.
        let parent = match baseline.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let dir = std::fs::canonicalize(parent).ok()?;
        let abs = std::fs::canonicalize(file).ok()?;
        let rel = abs.strip_prefix(&dir).ok()?.to_path_buf();
        Some(rel)
    })();
    let p = rel.unwrap_or_else(|| file.to_path_buf());
    let s: Vec<String> = p
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    s.join("/")
}
