//! What places a query inside or outside the skill. The lists are hand-kept
//! domain knowledge: extend them with words, never with test questions.
use crate::skill::CONCEPTS;

/// Words that place a question in another language's async world. A query
/// with one of these and no sign of Rust is not ours to answer.
#[rustfmt::skip]
pub(super) const FOREIGN: &[&str] = &[
    "python", "asyncio", "aiohttp", "trio", "anyio", "gevent", "twisted", "django", "flask",
    "fastapi", "uvicorn", "javascript", "typescript", "js", "ts", "nodejs", "node", "deno", "bun",
    "npm", "react", "angular", "vue", "promise", "promises", "settimeout", "golang", "goroutine",
    "goroutines", "kotlin", "java", "jvm", "completablefuture", "csharp", "dotnet", "swift", "dart",
    "flutter", "erlang", "elixir", "haskell", "scala", "akka", "ruby", "rails", "php", "cpp", "zig",
    "lua", "perl", "unity", "coroutinescope", "suspend", "configureawait", "asyncawait",
    "eventloop", "libuv", "netty", "sql", "postgres", "mysql", "css", "html", "git", "wpf", "winforms", "xaml", "maui", "aspnet", "fmt", "chan", "github",
    "pthread", "pthreads", "libc", "coroutine", "coroutines", "runtimeerror", "runtimewarning",
    "typeerror", "valueerror", "traceback", "def",
];

/// Words that mark a question as about Rust even when it names another ecosystem.
#[rustfmt::skip]
pub(super) const RUST_MARKERS: &[&str] = &[
    "rust", "tokio", "rustc", "cargo", "crate", "crates", "clippy", "smol", "unwrap", "joinhandle",
    "spawn_blocking", "waker", "rustacean", "async_std",
];

/// The vocabulary of async Rust. A query must use at least one of these words
/// (or name a concept, or be async code) to be covered: general Rust questions
/// (borrowing, lifetimes, traits, cargo) share many words with the skill but
/// none of these.
#[rustfmt::skip]
pub(super) const ANCHORS: &[&str] = &[
    "async", "await", "awaiting", "awaited", "future", "futures", "poll", "polled", "polling",
    "pending", "ready", "waker", "wake", "wakeup", "woken", "wake_by_ref", "will_wake", "context",
    "cx", "pin", "pinned", "pinning", "unpin", "pin!", "phantompinned", "tokio", "runtime",
    "runtimes", "executor", "executors", "reactor", "epoll", "mio", "spawn", "spawned", "spawning",
    "spawn_blocking", "spawn_local", "block_on", "block_in_place", "task", "tasks", "joinhandle",
    "joinset", "join!", "try_join!", "join_all", "select!", "biased", "cancel", "cancelled",
    "cancellation", "canceled", "cancellationtoken", "timeout", "timeouts", "sleep", "interval",
    "timer", "timers", "tick", "blocking", "blocked", "blocks", "mutex", "mutexguard", "lock",
    "locks", "locked", "guard", "rwlock", "semaphore", "notify", "deadlock", "channel", "channels",
    "mpsc", "oneshot", "broadcast", "watch", "recv", "send", "sync", "rc", "refcell", "stream",
    "streams", "streamext", "localset", "localruntime", "console", "console_subscriber", "tracing",
    "instrument", "span", "yield", "yield_now", "coop", "budget", "starvation", "starved", "worker",
    "workers", "concurrency", "concurrent", "concurrently", "parallel", "async_trait", "e0752",
    "e0728", "e0733", "e0373", "hang", "hangs", "hanging", "freezes", "stuck", "backpressure",
    "cpu", "fusedfuture", "fuse", "tokio_unstable", "unstable", "state", "machine",
    "desugar", "desugars", "lazy", "shutdown", "graceful", "abort", "aborted", "detach", "detached",
    "drop", "dropped", "wait", "waiting", "scheduler", "scheduling", "scheduled", "preemptive",
    "preemption", "preempt", "cooperative", "cooperatively", "steal", "stealing", "current_thread",
    "multi_thread", "multithreaded", "elapsed", "deadline", "yielded", "yielding", "dashmap",
    "try_current", "joinerror", "lagged", "tokio-console", "backtrace", "backtraces",
];

/// Lowercase, code punctuation and quotes dropped, whitespace collapsed: the
/// form in which aliases are looked up in queries.
pub(super) fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '`' | '"' | '\'' | ',' | '.' | '(' | ')' | '[' | ']' | '{' | '}' | ';' | '?'
            )
    }) {
        if !word.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.extend(word.chars().flat_map(char::to_lowercase));
        }
    }
    out
}

/// `phrase` occurs in `text` on word boundaries.
pub(super) fn contains_phrase(text: &str, phrase: &str) -> bool {
    let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric() && c != '_');
    text.match_indices(phrase).any(|(i, _)| {
        boundary(text[..i].chars().next_back()) && boundary(text[i + phrase.len()..].chars().next())
    })
}

/// A query that names a concept by its id or title picks it outright.
pub(super) fn direct_concept(query: &str) -> Option<usize> {
    let norm = |s: &str| crate::skill::sections::slug(s);
    let q = norm(query);
    CONCEPTS
        .iter()
        .position(|c| c.id == q || norm(c.title) == q)
}

/// Rust syntax in the query: a path, a method call awaited, a fn or a let.
pub(super) fn looks_like_rust_code(query: &str) -> bool {
    const SIGNS: &[&str] = &[
        ".await",
        "fn ",
        "impl ",
        "#[",
        "let mut ",
        "&mut ",
        "Pin<",
        "move |",
        "move {",
        "tokio::",
        "std::sync",
        "std::task",
        "std::pin",
        "futures::",
    ];
    let statements = query.matches(';').count() >= 2 && query.contains("let ");
    statements || SIGNS.iter().any(|s| query.contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direct_concepts() {
        assert_eq!(
            direct_concept("pin-unpin").map(|c| CONCEPTS[c].id),
            Some("pin-unpin")
        );
        assert_eq!(
            direct_concept("Pin and Unpin").map(|c| CONCEPTS[c].id),
            Some("pin-unpin")
        );
        assert_eq!(
            direct_concept("waker leaks").map(|c| CONCEPTS[c].id),
            Some("waker-leaks")
        );
        assert_eq!(direct_concept("why is my waker lost"), None);
    }
}
