//! Unified diffs (`install --dry-run`, `fix --diff`, suggest_fix's `diff`),
//! computed by the `similar` crate (Myers line diff, three lines of context,
//! `\ No newline at end of file` markers as `diff -u` writes them).

use similar::TextDiff;
use std::time::Duration;

const CONTEXT: usize = 3;
/// Past this, `similar` stops refining and returns a coarser (still correct)
/// diff, so a hostile pair of texts cannot hold a request for long.
const TIMEOUT: Duration = Duration::from_millis(500);

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
    if old == new {
        return String::new();
    }
    let diff = TextDiff::configure()
        .timeout(TIMEOUT)
        .diff_lines(old.unwrap_or(""), new.unwrap_or(""));
    // The headers are written here, not by `similar`, so that creating or
    // deleting a file names `/dev/null` and shows even with no hunk (an
    // empty file created).
    let mut out = format!(
        "--- {}\n+++ {}\n",
        if old.is_some() {
            old_label
        } else {
            "/dev/null"
        },
        if new.is_some() {
            new_label
        } else {
            "/dev/null"
        },
    );
    for hunk in diff.unified_diff().context_radius(CONTEXT).iter_hunks() {
        out.push_str(&hunk.to_string());
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

    /// The old aligner gave up above 4M table cells and showed the whole
    /// middle as replaced: a 5,000-line file edited near both ends printed
    /// 10,000 lines. It must be two small hunks.
    #[test]
    fn long_file_with_edits_near_both_ends_gives_two_hunks() {
        let n = 5_000;
        let old: String = (1..=n).map(|i| format!("line {i}\n")).collect();
        let new: String = (1..=n)
            .map(|i| match i {
                2 => "second\n".to_string(),
                4_999 => "penultimate\n".to_string(),
                _ => format!("line {i}\n"),
            })
            .collect();
        let d = unified("f", Some(&old), Some(&new));
        assert_eq!(
            d,
            "--- f\n+++ f\n\
             @@ -1,5 +1,5 @@\n line 1\n-line 2\n+second\n line 3\n line 4\n line 5\n\
             @@ -4996,5 +4996,5 @@\n line 4996\n line 4997\n line 4998\n-line 4999\n+penultimate\n line 5000\n"
        );
    }
}
