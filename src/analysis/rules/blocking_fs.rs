//! blocking-fs: `std::fs` calls in async context.

use super::common::{Draft, offload, where_};
use super::fixkit;
use super::{RuleDoc, Sink};
use crate::analysis::fix::{Fix, FixSafety};
use crate::analysis::model::{Callee, Model, Resolved, Root};
use crate::analysis::options::Runtime;
use crate::analysis::types::Severity;

mod read_whole;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "blocking-fs",
    severity: Severity::Warning,
    concept: "blocking",
    fix: true,
    clippy_twins: &[],
    title: "`std::fs` in async code",
    what_it_does: "Finds `std::fs` functions (`read_to_string`, `write`, `read_dir`, `create_dir_all`, `remove_file`, `copy`, `metadata`...), `File::open` / `File::create` of `std::fs::File` and `OpenOptions::open` in async context.",
    why_bad: "File system calls block the worker thread until the kernel answers; on a slow or network disk that is milliseconds to seconds during which no other task on that worker runs. `tokio::fs` runs the same calls on the blocking pool.",
    known_problems: "Small reads at start-up are harmless in practice. A bare `fs::..` or `File::open` with no `use` line is assumed to be std when it is not awaited (an awaited call is async). Reads and writes on an already-open std `File` are not reported separately: the `open` is. Fixes (safe: the same result and errors, the call on tokio's blocking pool): `std::fs::f(..)` becomes `tokio::fs::f(..).await` for the functions tokio has with the same signature (not `read_dir`); `let mut f = File::open(p)?; let mut s = String::new(); f.read_to_string(&mut s)?;` (three consecutive statements, either order of the first two, the same error handling on both calls, the `File` used for nothing else) becomes `let s = tokio::fs::read_to_string(p).await?;`, and `read_to_end` into a new `Vec` becomes `tokio::fs::read`. Other uses of a std `File` keep the help.",
    example: "async fn load_config() -> Config {\n    let text = std::fs::read_to_string(\"config.toml\").unwrap();\n    toml::from_str(&text).unwrap()\n}",
    use_instead: "async fn load_config() -> Config {\n    let text = tokio::fs::read_to_string(\"config.toml\").await.unwrap();\n    toml::from_str(&text).unwrap()\n}",
};

/// Functions of `std::fs` that `tokio::fs` also has.
const TWINS: &[&str] = &[
    "read",
    "read_to_string",
    "write",
    "read_dir",
    "create_dir",
    "create_dir_all",
    "remove_file",
    "remove_dir",
    "remove_dir_all",
    "copy",
    "rename",
    "metadata",
    "symlink_metadata",
    "canonicalize",
    "hard_link",
    "read_link",
    "set_permissions",
    "try_exists",
];

fn is_std_fs(m: &Model<'_>, p: &Resolved) -> Option<Option<String>> {
    if p.starts_with("std::fs") {
        return Some(None);
    }
    if p.unresolved() && p.segs.first().is_some_and(|s| s == "fs") && !m.names.mentions("tokio") {
        return Some(Some(
            "assumed `fs` is `std::fs` (no `use` line imports it)".to_string(),
        ));
    }
    if p.unresolved() && p.segs.len() == 2 && p.segs[0] == "File" && !imports_tokio_fs(m) {
        return Some(Some(
            "assumed `File` is `std::fs::File` (no `use` line imports it)".to_string(),
        ));
    }
    None
}

fn imports_tokio_fs(m: &Model<'_>) -> bool {
    m.names.imports().any(|p| {
        p.len() >= 2 && p[1] == "fs" && matches!(p[0].as_str(), "tokio" | "async_std" | "smol")
    }) || m.names.imports().any(|p| {
        p.first().is_some_and(|r| r == "tokio")
            && p.iter()
                .any(|s| s == "AsyncReadExt" || s == "AsyncWriteExt")
    })
}

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    for c in &m.calls {
        let Some(sev) = out.severity_in(c.ctx) else {
            continue;
        };
        if c.awaited() {
            continue;
        }
        let (name, assumption) = match &c.callee {
            Callee::Path(p) => {
                let Some(assume) = is_std_fs(m, p) else {
                    continue;
                };
                let last = p.last();
                let file_ctor = p.segs.len() >= 2
                    && p.segs[p.segs.len() - 2] == "File"
                    && matches!(last, "open" | "create" | "create_new");
                let fs_fn = p.segs.len() >= 2
                    && (p.segs[p.segs.len() - 2] == "fs")
                    && last.chars().next().is_some_and(|ch| ch.is_lowercase());
                if !(file_ctor || fs_fn) {
                    continue;
                }
                (
                    if file_ctor {
                        format!("File::{last}")
                    } else {
                        last.to_string()
                    },
                    assume,
                )
            }
            Callee::Method(name) if name == "open" => {
                // `OpenOptions::new()...open(path)`
                let Some(r) = &c.receiver else { continue };
                let Root::Call { path, .. } = &r.root else {
                    continue;
                };
                if !(path.last() == "new" && path.segs.iter().any(|s| s == "OpenOptions")) {
                    continue;
                }
                let Some(assume) = is_std_fs(m, path).or_else(|| {
                    (path.unresolved() && !imports_tokio_fs(m)).then(|| {
                        Some("assumed `OpenOptions` is `std::fs::OpenOptions`".to_string())
                    })
                }) else {
                    continue;
                };
                ("OpenOptions::open".to_string(), assume)
            }
            _ => continue,
        };
        let help = match m.runtime {
            Runtime::Tokio | Runtime::Any if TWINS.contains(&name.as_str()) => {
                format!(
                    "use `tokio::fs::{name}(..).await`, or run the file I/O in {}",
                    offload(m.runtime)
                )
            }
            Runtime::Tokio | Runtime::Any
                if name.starts_with("File::") || name == "OpenOptions::open" =>
            {
                format!(
                    "use `tokio::fs::{name}(..).await` with `AsyncReadExt`/`AsyncWriteExt`, or run the file I/O in {}",
                    offload(m.runtime)
                )
            }
            _ => format!(
                "use the runtime's async file API, or run the file I/O in {}",
                offload(m.runtime)
            ),
        };
        let msg = format!(
            "blocking file system call `{name}` {}: it stalls the worker thread until the disk answers",
            where_(m, c)
        );
        let fix = if name == "File::open" {
            read_whole::fix(m, c)
        } else {
            fix(m, c, &name)
        };
        out.emit(
            Draft::new(c.range.clone(), sev, msg, help)
                .assume(assumption)
                .with_fix(fix),
        );
    }
}

/// `std::fs::f(..)` -> `tokio::fs::f(..).await` for the functions whose
/// tokio twin takes the same arguments and returns the same type. Not for
/// `read_dir` (tokio's `ReadDir` is polled with `next_entry().await`) nor
/// for `File`/`OpenOptions` (the later `Read`/`Write` calls would need the
/// async traits): those keep the advice in the help.
fn fix(m: &Model<'_>, c: &crate::analysis::model::Call<'_>, name: &str) -> Option<Fix> {
    if !matches!(m.runtime, Runtime::Tokio | Runtime::Any)
        || !TWINS.contains(&name)
        || name == "read_dir"
        || !matches!(c.callee, Callee::Path(_))
        || !fixkit::can_await_at(m, c)
    {
        return None;
    }
    Some(fixkit::fix(
        FixSafety::Safe,
        format!(
            "call `tokio::fs::{name}(..).await`: the same result, with the file system call on tokio's blocking pool"
        ),
        vec![
            fixkit::edit(
                fixkit::callee_path_range(m, c)?,
                format!("tokio::fs::{name}"),
            ),
            fixkit::insert(c.range.end, ".await"),
        ],
    ))
}
