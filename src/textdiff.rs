//! Unified diffs (`install --dry-run`, `fix --diff`, suggest_fix's `diff`).
//!
//! Line-based: the common head and tail are trimmed first (a configuration
//! edit touches a few lines of a possibly long file), then the middle is
//! aligned with a longest-common-subsequence table.

const CONTEXT: usize = 3;
/// Above this many table cells the middle is shown as replaced whole.
const MAX_CELLS: usize = 4_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Same(usize, usize),
    Del(usize),
    Add(usize),
}

/// Splits into lines that keep their `\n`, so a missing final newline shows.
fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

fn align(a: &[&str], b: &[&str]) -> Vec<Op> {
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let mut ops: Vec<Op> = (0..head).map(|i| Op::Same(i, i)).collect();
    if ma.len().saturating_mul(mb.len()) > MAX_CELLS {
        ops.extend((0..ma.len()).map(|i| Op::Del(head + i)));
        ops.extend((0..mb.len()).map(|j| Op::Add(head + j)));
    } else {
        // lcs[i][j] = length of the LCS of ma[i..] and mb[j..].
        let w = mb.len() + 1;
        let mut lcs = vec![0u32; (ma.len() + 1) * w];
        for i in (0..ma.len()).rev() {
            for j in (0..mb.len()).rev() {
                lcs[i * w + j] = if ma[i] == mb[j] {
                    lcs[(i + 1) * w + j + 1] + 1
                } else {
                    lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < ma.len() || j < mb.len() {
            if i < ma.len() && j < mb.len() && ma[i] == mb[j] {
                ops.push(Op::Same(head + i, head + j));
                i += 1;
                j += 1;
            } else if i < ma.len() && (j == mb.len() || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])
            {
                // Deletions first, as `diff -u` shows them.
                ops.push(Op::Del(head + i));
                i += 1;
            } else {
                ops.push(Op::Add(head + j));
                j += 1;
            }
        }
    }
    let (sa, sb) = (a.len() - tail, b.len() - tail);
    ops.extend((0..tail).map(|k| Op::Same(sa + k, sb + k)));
    ops
}

fn push_line(out: &mut String, sign: char, line: &str) {
    out.push(sign);
    out.push_str(line);
    if !line.ends_with('\n') {
        out.push_str("\n\\ No newline at end of file\n");
    }
}

fn range(start: usize, len: usize) -> String {
    // `diff -u` writes an empty range as the line before it.
    let first = if len == 0 { start } else { start + 1 };
    if len == 1 {
        format!("{first}")
    } else {
        format!("{first},{len}")
    }
}

/// A unified diff from `old` to `new` (`None` = the file does not exist),
/// with `label` as the file name in the headers. Empty when they are equal.
pub fn unified(label: &str, old: Option<&str>, new: Option<&str>) -> String {
    unified_labelled(label, label, old, new)
}

/// Like [`unified`], with its own label for each side (`a/x.rs`, `b/x.rs`).
pub fn unified_labelled(
    old_label: &str,
    new_label: &str,
    old: Option<&str>,
    new: Option<&str>,
) -> String {
    let label = (old_label, new_label);
    if old == new {
        return String::new();
    }
    let (a, b) = (lines(old.unwrap_or("")), lines(new.unwrap_or("")));
    let ops = align(&a, &b);
    let mut out = String::new();
    out.push_str(&format!(
        "--- {}\n",
        if old.is_some() { label.0 } else { "/dev/null" }
    ));
    out.push_str(&format!(
        "+++ {}\n",
        if new.is_some() { label.1 } else { "/dev/null" }
    ));

    let changed: Vec<usize> = (0..ops.len())
        .filter(|&k| !matches!(ops[k], Op::Same(..)))
        .collect();
    let mut k = 0;
    while k < changed.len() {
        // Grow a hunk while the next change is within 2 * CONTEXT lines.
        let first = changed[k];
        let mut last = first;
        while k + 1 < changed.len() && changed[k + 1] - last <= 2 * CONTEXT {
            k += 1;
            last = changed[k];
        }
        k += 1;
        let from = first.saturating_sub(CONTEXT);
        let to = (last + CONTEXT + 1).min(ops.len());
        let hunk = &ops[from..to];
        let (mut a_start, mut b_start) = (None, None);
        let (mut a_len, mut b_len) = (0, 0);
        for op in hunk {
            match *op {
                Op::Same(i, j) => {
                    a_start.get_or_insert(i);
                    b_start.get_or_insert(j);
                    a_len += 1;
                    b_len += 1;
                }
                Op::Del(i) => {
                    a_start.get_or_insert(i);
                    a_len += 1;
                }
                Op::Add(j) => {
                    b_start.get_or_insert(j);
                    b_len += 1;
                }
            }
        }
        // A side with no lines in the hunk starts where the other side's
        // neighbours place it.
        let before = &ops[..from];
        let a0 = a_start.unwrap_or_else(|| {
            before
                .iter()
                .filter(|o| matches!(o, Op::Same(..) | Op::Del(_)))
                .count()
        });
        let b0 = b_start.unwrap_or_else(|| {
            before
                .iter()
                .filter(|o| matches!(o, Op::Same(..) | Op::Add(_)))
                .count()
        });
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            range(a0, a_len),
            range(b0, b_len)
        ));
        for op in hunk {
            match *op {
                Op::Same(i, _) => push_line(&mut out, ' ', a[i]),
                Op::Del(i) => push_line(&mut out, '-', a[i]),
                Op::Add(j) => push_line(&mut out, '+', b[j]),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::unified;

    #[test]
    fn equal_texts_give_nothing() {
        assert_eq!(unified("f", Some("a\n"), Some("a\n")), "");
    }

    #[test]
    fn new_file() {
        assert_eq!(
            unified("f", None, Some("a\nb\n")),
            "--- /dev/null\n+++ f\n@@ -0,0 +1,2 @@\n+a\n+b\n"
        );
    }

    #[test]
    fn deleted_file() {
        assert_eq!(
            unified("f", Some("a\n"), None),
            "--- f\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n"
        );
    }

    #[test]
    fn change_in_the_middle_with_context() {
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        let new = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
        assert_eq!(
            unified("f", Some(old), Some(new)),
            "--- f\n+++ f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"
        );
    }

    #[test]
    fn missing_final_newline_is_marked() {
        let d = unified("f", Some("{\n  \"a\": 1\n}"), Some("{\n  \"a\": 2\n}"));
        assert_eq!(
            d,
            "--- f\n+++ f\n@@ -1,3 +1,3 @@\n {\n-  \"a\": 1\n+  \"a\": 2\n }\n\\ No newline at end of file\n"
        );
        let d = unified("f", Some("a"), Some("b"));
        assert_eq!(
            d,
            "--- f\n+++ f\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n"
        );
    }

    #[test]
    fn far_apart_changes_make_two_hunks() {
        let old: String = (1..=20).map(|i| format!("{i}\n")).collect();
        let new: String = (1..=20)
            .map(|i| match i {
                2 => "two\n".to_string(),
                19 => "nineteen\n".to_string(),
                _ => format!("{i}\n"),
            })
            .collect();
        let d = unified("f", Some(&old), Some(&new));
        assert_eq!(d.matches("@@ -").count(), 2, "{d}");
    }
}
