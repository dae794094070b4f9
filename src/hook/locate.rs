//! Where an edit now stands in the file on disk, as 1-based line ranges.

use super::patch::Hunk;

/// Inclusive 1-based line ranges.
pub type Lines = Vec<(usize, usize)>;

/// The lines where `new` stands in `text` (every occurrence). When `new`
/// is not found verbatim (a formatter ran after the edit), the lines equal
/// to one of its non-blank lines, trimmed.
pub fn snippet(text: &str, new: &str) -> Lines {
    let mut out = Vec::new();
    if new.trim().is_empty() {
        return out;
    }
    let extra = new.trim_end_matches('\n').matches('\n').count();
    let mut from = 0;
    while let Some(i) = text[from..].find(new) {
        let at = from + i;
        let first = text[..at].matches('\n').count() + 1;
        out.push((first, first + extra));
        from = at + new.len().max(1);
        if out.len() >= 64 {
            break;
        }
    }
    if out.is_empty() {
        let wanted: Vec<&str> = new.lines().map(str::trim).filter(|l| l.len() > 3).collect();
        for (n, line) in text.lines().enumerate() {
            if wanted.contains(&line.trim()) {
                out.push((n + 1, n + 1));
            }
        }
    }
    out
}

/// The lines of a patch hunk's added lines in the patched file: the hunk's
/// new side is looked up as a block; failing that, each added line alone.
pub fn hunk(text: &str, h: &Hunk) -> Lines {
    let lines: Vec<&str> = text.lines().collect();
    let norm = |s: &str| s.trim_end().to_string();
    let block: Vec<String> = h.new_side.iter().map(|s| norm(s)).collect();
    if !block.is_empty() && block.len() <= lines.len() {
        for start in 0..=lines.len() - block.len() {
            if lines[start..start + block.len()]
                .iter()
                .zip(&block)
                .all(|(a, b)| norm(a) == *b)
            {
                return h
                    .added
                    .iter()
                    .map(|&i| (start + i + 1, start + i + 1))
                    .collect();
            }
        }
    }
    let mut out = Vec::new();
    for &i in &h.added {
        let Some(want) = h.new_side.get(i).map(|s| s.trim()) else {
            continue;
        };
        if want.len() <= 3 {
            continue; // `}` alone would match everywhere
        }
        for (n, line) in lines.iter().enumerate() {
            if line.trim() == want {
                out.push((n + 1, n + 1));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_occurrence_and_falls_back_to_lines() {
        let text = "a\nfoo();\nbar();\nb\nfoo();\nbar();\n";
        assert_eq!(snippet(text, "foo();\nbar();"), [(2, 3), (5, 6)]);
        assert_eq!(snippet(text, "foo();\nbar();\n"), [(2, 3), (5, 6)]);
        // Re-indented by a formatter: matched line by line.
        assert_eq!(snippet(text, "    bar();"), [(3, 3), (6, 6)]);
        assert!(snippet(text, "  \n").is_empty());
    }

    #[test]
    fn hunks_are_found_as_blocks() {
        let text = "fn f() {\n    let x = 1;\n    new_one();\n    done();\n}\n";
        let h = Hunk {
            new_side: vec![
                "    let x = 1;".into(),
                "    new_one();".into(),
                "    done();".into(),
            ],
            added: vec![1],
        };
        assert_eq!(hunk(text, &h), [(3, 3)]);
    }
}
