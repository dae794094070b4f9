//! Pasted tool output: the decorations that every rustc diagnostic, clippy
//! warning, panic message or tokio-console line carries, and that say nothing
//! about the problem, are taken out before ranking. A path, a line number, a
//! thread id or the `RUST_BACKTRACE` hint under every panic would otherwise
//! count as words the skill does not know (lowering coverage) or, worse, as
//! words of the wrong concept ("backtrace" belongs to async debugging).
use std::borrow::Cow;

/// The query without tool decorations, or the query itself when it does not
/// look like pasted tool output (code and questions are left alone).
pub(super) fn strip_decorations(query: &str) -> Cow<'_, str> {
    let diagnostic = is_diagnostic(query);
    let panic = query.contains("thread '") && query.contains(" panicked at ");
    let console = query.contains('\u{26a0}') || query.contains(" TRACE ");
    if !diagnostic && !panic && !console {
        return Cow::Borrowed(query);
    }
    let mut out = String::with_capacity(query.len());
    for line in query.lines() {
        let line = if panic {
            panic_line(line)
        } else {
            Some(line.into())
        };
        let Some(line) = line else { continue };
        let line = if diagnostic {
            match diagnostic_line(&line) {
                Some(l) => l,
                None => continue,
            }
        } else {
            line
        };
        let line = without_numbers(&line);
        if !line.trim().is_empty() {
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    Cow::Owned(out)
}

/// A rustc or clippy diagnostic: a line starting `error`/`warning` and the
/// compiler's location or note lines.
fn is_diagnostic(query: &str) -> bool {
    let mut head = false;
    let mut body = false;
    for line in query.lines() {
        let t = line.trim_start();
        head |= t.starts_with("error") || t.starts_with("warning");
        body |= t.starts_with("--> ") || t.starts_with("= note") || t.starts_with("= help");
    }
    head && body
}

/// `thread 'NAME' (ID) panicked at PATH:L:C:` keeps the thread's name (a
/// `tokio-rt-worker` says the panic was in a task); the backtrace hint goes.
fn panic_line(line: &str) -> Option<Cow<'_, str>> {
    let t = line.trim();
    if t.starts_with("note: run with `RUST_BACKTRACE=") {
        return None;
    }
    if let Some(rest) = t.strip_prefix("thread '")
        && let Some((name, tail)) = rest.split_once('\'')
        && let Some((_, at)) = tail.split_once(" panicked at ")
    {
        // Only a runtime's own thread says something ("main" does not).
        let mut kept = if name == "main" {
            String::new()
        } else {
            format!("{name} panicked ")
        };
        // Before Rust 1.73 the message came on this line, quoted, before the location.
        if let Some(quoted) = at.strip_prefix('\'')
            && let Some((message, _)) = quoted.rsplit_once('\'')
        {
            kept.push_str(message);
        }
        return Some(Cow::Owned(kept));
    }
    Some(Cow::Borrowed(line))
}

/// Drops location lines (`--> src/main.rs:4:5`), strips the source gutter
/// (`12 |`) and underline marks, and turns the clippy documentation link
/// into the lint's name.
fn diagnostic_line(line: &str) -> Option<Cow<'_, str>> {
    let t = line.trim_start();
    if t.starts_with("--> ") || t.starts_with("::: ") || t == "..." {
        return None;
    }
    if let Some(pos) = t.find("index.html#") {
        let lint = &t[pos + "index.html#".len()..];
        return Some(Cow::Owned(format!("clippy::{}", lint.trim())));
    }
    // The gutter: optional line number, then `|`, then the source or marks.
    let digits = t.trim_start_matches(|c: char| c.is_ascii_digit());
    if let Some(rest) = digits.trim_start().strip_prefix('|') {
        let text = rest.trim_start_matches(['|', '_', '/', ' ', '^', '-', '+', '~']);
        return Some(Cow::Owned(text.to_string()));
    }
    Some(Cow::Borrowed(line))
}

/// Words that are only numbers, durations or timestamps (`26684`, `62.41s`,
/// `120.02µs`, `2021-07-08T08:57:33.527879Z`, `src/main.rs:4:5`-style tails)
/// carry no meaning for the skill.
fn without_numbers(line: &str) -> Cow<'_, str> {
    let numeric = |w: &str| {
        let core = w.trim_matches(|c: char| matches!(c, '(' | ')' | ',' | ':' | '%' | '[' | ']'));
        !core.is_empty()
            && core.starts_with(|c: char| c.is_ascii_digit())
            && core
                .trim_end_matches(['s', 'm', 'n', 'µ', 'Z', 'h'])
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '.' | ':' | '-' | 'T'))
    };
    if !line.split_whitespace().any(numeric) {
        return Cow::Borrowed(line);
    }
    Cow::Owned(
        line.split_whitespace()
            .filter(|w| !numeric(w))
            .collect::<Vec<_>>()
            .join(" "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_keep_the_message_and_the_thread_name() {
        let q = "thread 'tokio-rt-worker' (26714) panicked at src/main.rs:5:10:\n\
                 index out of bounds: the len is 0 but the index is 3\n\
                 note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace";
        let s = strip_decorations(q);
        assert_eq!(
            s,
            // The numbers go too: the skill has no use for them.
            "tokio-rt-worker panicked\nindex out of bounds: the len is but the index is\n"
        );
        let old_style = "thread 'main' panicked at 'all branches are disabled and there is no else branch', src/main.rs:6:9";
        assert_eq!(
            strip_decorations(old_style),
            "all branches are disabled and there is no else branch\n"
        );
    }

    #[test]
    fn diagnostics_lose_locations_gutters_and_links() {
        let q = "warning: this `MutexGuard` is held across an await point\n \
                 --> src/main.rs:4:9\n  |\n4 |     let guard = log.lock().unwrap();\n  |         ^^^^^\n  \
                 = help: for further information visit https://rust-lang.github.io/rust-clippy/rust-1.95.0/index.html#await_holding_lock";
        let s = strip_decorations(q);
        assert!(
            !s.contains("-->") && !s.contains("src/main.rs") && !s.contains("^^^"),
            "{s}"
        );
        assert!(s.contains("let guard = log.lock().unwrap();"), "{s}");
        assert!(s.contains("clippy::await_holding_lock"), "{s}");
    }

    #[test]
    fn console_lines_lose_numbers_and_durations() {
        let s = strip_decorations(
            "\u{26a0} This task has never yielded (2.004183917s) 62.41s 120.02µs 23",
        );
        assert_eq!(s, "\u{26a0} This task has never yielded\n");
    }

    #[test]
    fn code_and_questions_are_untouched() {
        for q in [
            "let f = |x| x + 1;\n    |y| y",
            "why does my task hang after 30 s?",
            "error: something\nwithout location",
        ] {
            assert!(matches!(strip_decorations(q), Cow::Borrowed(_)), "{q}");
        }
    }
}
