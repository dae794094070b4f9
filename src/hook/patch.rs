//! Codex's `apply_patch` format: `*** Begin Patch`, then per file
//! `*** Add File: PATH` (every line `+`), `*** Update File: PATH` (an
//! optional `*** Move to: PATH`, then hunks after `@@` lines, each line
//! prefixed by ` `, `-` or `+`), `*** Delete File: PATH`, `*** End Patch`.

/// What a patch did to one file.
#[derive(Debug, PartialEq, Eq)]
pub enum FileChange {
    /// A new file: every line is new.
    Added { path: String },
    /// Hunks of an existing file (its path after any move).
    Updated { path: String, hunks: Vec<Hunk> },
}

/// One hunk: its lines on the new side, and which of them are added.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Hunk {
    /// Context and added lines, in order (the hunk as it now reads).
    pub new_side: Vec<String>,
    /// Indexes into `new_side` of the `+` lines; for a hunk that only
    /// deletes, the index of the line after the deletion.
    pub added: Vec<usize>,
}

/// Reads the file changes of a patch; unknown lines are skipped.
pub fn parse(patch: &str) -> Vec<FileChange> {
    let mut out = Vec::new();
    let mut current: Option<FileChange> = None;
    let mut hunk = Hunk::default();
    let mut deleted_here = false;
    let flush_hunk = |current: &mut Option<FileChange>, hunk: &mut Hunk, deleted: &mut bool| {
        if *deleted && hunk.added.is_empty() {
            hunk.added.push(hunk.new_side.len().saturating_sub(1));
        }
        *deleted = false;
        let h = std::mem::take(hunk);
        if let Some(FileChange::Updated { hunks, .. }) = current
            && !h.new_side.is_empty()
        {
            hunks.push(h);
        }
    };
    for line in patch.lines() {
        if let Some(rest) = line.strip_prefix("*** ") {
            flush_hunk(&mut current, &mut hunk, &mut deleted_here);
            if let Some(p) = rest.strip_prefix("Add File: ") {
                out.extend(current.take());
                current = Some(FileChange::Added {
                    path: p.trim().to_string(),
                });
            } else if let Some(p) = rest.strip_prefix("Update File: ") {
                out.extend(current.take());
                current = Some(FileChange::Updated {
                    path: p.trim().to_string(),
                    hunks: Vec::new(),
                });
            } else if let Some(p) = rest.strip_prefix("Move to: ") {
                if let Some(FileChange::Updated { path, .. }) = &mut current {
                    *path = p.trim().to_string();
                }
            } else if rest.starts_with("Delete File: ") || rest.starts_with("End Patch") {
                out.extend(current.take());
            }
            continue;
        }
        if !matches!(current, Some(FileChange::Updated { .. })) {
            continue;
        }
        if line.starts_with("@@") {
            flush_hunk(&mut current, &mut hunk, &mut deleted_here);
            continue;
        }
        if let Some(added) = line.strip_prefix('+') {
            hunk.added.push(hunk.new_side.len());
            hunk.new_side.push(added.to_string());
        } else if line.starts_with('-') {
            deleted_here = true;
        } else {
            let ctx = line.strip_prefix(' ').unwrap_or(line);
            if deleted_here && hunk.added.is_empty() {
                // The first context line after a pure deletion marks where it was.
                hunk.added.push(hunk.new_side.len());
            }
            hunk.new_side.push(ctx.to_string());
        }
    }
    flush_hunk(&mut current, &mut hunk, &mut deleted_here);
    out.extend(current);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_added_updated_moved_and_deleted_files() {
        let p = "*** Begin Patch\n*** Add File: src/new.rs\n+fn a() {}\n*** Update File: src/lib.rs\n*** Move to: src/core.rs\n@@ fn f() {\n     let x = 1;\n-    old();\n+    new_one();\n+    new_two();\n     done();\n@@\n-gone();\n after();\n*** Delete File: src/old.rs\n*** End Patch\n";
        let c = parse(p);
        assert_eq!(c.len(), 2, "{c:?}");
        assert_eq!(
            c[0],
            FileChange::Added {
                path: "src/new.rs".into()
            }
        );
        let FileChange::Updated { path, hunks } = &c[1] else {
            panic!()
        };
        assert_eq!(path, "src/core.rs");
        assert_eq!(
            hunks[0].new_side,
            [
                "    let x = 1;",
                "    new_one();",
                "    new_two();",
                "    done();"
            ]
        );
        assert_eq!(hunks[0].added, [1, 2]);
        assert_eq!(hunks[1].new_side, ["after();"]);
        assert_eq!(hunks[1].added, [0]);
    }
}
