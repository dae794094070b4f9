//! What the analyser knows about library APIs: which calls block, which
//! return futures, which run closures inline or on other threads, which
//! spawn tasks. Kept in one place so rules and the walker agree.

use super::{Chain, Flavor, Local, Names, Resolved, Root, RuntimeFlavor};

/// Methods whose closure argument runs inline, on the caller's thread:
/// iterator adapters, `Option`/`Result` combinators, entry APIs...
pub const INLINE_METHODS: &[&str] = &[
    "map",
    "map_err",
    "map_or",
    "map_or_else",
    "and_then",
    "or_else",
    "unwrap_or_else",
    "ok_or_else",
    "filter",
    "filter_map",
    "flat_map",
    "flatten",
    "for_each",
    "try_for_each",
    "fold",
    "try_fold",
    "any",
    "all",
    "find",
    "find_map",
    "position",
    "rposition",
    "take_while",
    "skip_while",
    "map_while",
    "inspect",
    "scan",
    "max_by",
    "min_by",
    "max_by_key",
    "min_by_key",
    "sort_by",
    "sort_by_key",
    "sort_unstable_by",
    "sort_unstable_by_key",
    "sort_by_cached_key",
    "dedup_by",
    "dedup_by_key",
    "retain",
    "retain_mut",
    "partition",
    "reduce",
    "sum_by",
    "group_by",
    "chunk_by",
    "is_some_and",
    "is_ok_and",
    "is_none_or",
    "is_err_and",
    "then",
    "then_some",
    "get_or_insert_with",
    "or_insert_with",
    "or_insert_with_key",
    "and_modify",
    "unwrap_or_default",
    "with",
    "with_borrow",
    "with_borrow_mut",
    "call_once",
    "get_or_init",
    "get_or_try_init",
    "zip_with",
    "for_each_concurrent",
    "try_for_each_concurrent",
    "filter_map_ok",
    "update",
    "fetch_update",
    "replace_with",
    "binary_search_by",
    "binary_search_by_key",
    "split",
    "rsplit",
    "splitn",
    "matches",
    "trim_matches",
    "trim_start_matches",
    "trim_end_matches",
    "entry",
    "from_fn",
    "successors",
    "repeat_with",
    "extend",
    "chain",
    "take",
    "skip",
    "step_by",
];

/// Methods that turn an iterator into a rayon parallel iterator: closures
/// passed further down such a chain run on rayon's pool.
const PAR_METHODS: &[&str] = &[
    "par_iter",
    "par_iter_mut",
    "into_par_iter",
    "par_bridge",
    "par_chunks",
    "par_chunks_mut",
    "par_lines",
    "par_windows",
    "par_drain",
    "par_split",
    "par_sort",
    "par_sort_by",
    "par_sort_by_key",
    "par_sort_unstable",
    "par_sort_unstable_by",
    "par_extend",
];

/// What a call does with a closure or future argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArgRole {
    /// Runs the closure on a thread meant for blocking.
    Exempt(&'static str),
    /// Runs the closure inline.
    Inline,
    /// Spawns the future as a task (`send`: the future must be `Send`).
    Spawn {
        /// The task runs on its own: the future must be `'static`.
        task: bool,
        what: String,
        send: bool,
    },
    /// Drives the future to completion on the calling thread.
    BlockOn {
        flavor: Option<RuntimeFlavor>,
    },
    Unknown,
}

/// Classifies the callee of a call whose argument is a closure
/// (`closure_arg`) or a future.
pub fn arg_role(
    names: &Names,
    path: Option<&Resolved>,
    method: Option<&str>,
    receiver: Option<&Chain>,
    closure_arg: bool,
    runtime_flavor: impl Fn(&Chain) -> Option<RuntimeFlavor>,
) -> ArgRole {
    let name = path.map(|p| p.last()).or(method).unwrap_or("");
    // Helpers that run a closure on a blocking thread: the snippet's own
    // (`offloaders`), `*blocking*`, `asyncify`, actix's `web::block`,
    // deadpool's `interact`.
    let actix_block = name == "block"
        && path.is_some_and(|p| p.segs.iter().any(|s| s == "web" || s == "actix_web"));
    if closure_arg
        && (names.offloaders.contains(name)
            || name.contains("blocking")
            || name == "asyncify"
            || name == "interact"
            || actix_block)
    {
        return ArgRole::Exempt("a blocking-thread helper");
    }
    if let Some(p) = path {
        let last = p.last();
        match last {
            "spawn_blocking" => return ArgRole::Exempt("spawn_blocking"),
            "block_in_place" => return ArgRole::Exempt("block_in_place"),
            "unblock" => return ArgRole::Exempt("unblock"),
            _ => {}
        }
        if p.root() == "rayon" {
            return ArgRole::Exempt("rayon");
        }
        if last == "spawn" && closure_arg {
            // A closure handed to a `spawn`: a thread (tokio's spawn takes a future).
            return ArgRole::Exempt("std::thread::spawn");
        }
        if last == "scope" && (p.starts_with("std::thread") || p.is("thread::scope")) {
            return ArgRole::Inline;
        }
        if last == "catch_unwind" || p.starts_with("std::iter") {
            return ArgRole::Inline;
        }
        if !closure_arg {
            // A runtime's spawner (not a test harness's `tokio_test::task::spawn`).
            let runtime = matches!(
                p.root(),
                "tokio" | "async_std" | "smol" | "wasm_bindgen_futures"
            ) || (p.unresolved()
                && (p.segs.len() == 1 || p.segs[0] == "task" || p.segs[0] == "tokio"));
            if last == "spawn_local" && runtime {
                return ArgRole::Spawn {
                    task: true,
                    what: format!("`{}`", p.text()),
                    send: false,
                };
            }
            if last == "spawn" && runtime {
                let send = !p.starts_with("wasm_bindgen_futures");
                return ArgRole::Spawn {
                    task: true,
                    what: format!("`{}`", p.text()),
                    send,
                };
            }
            if last == "block_on" || last == "run" && p.root() == "smol" {
                return ArgRole::BlockOn { flavor: None };
            }
        }
        return if INLINE_METHODS.contains(&last) && p.segs.len() >= 2 {
            ArgRole::Inline
        } else {
            ArgRole::Unknown
        };
    }
    let Some(m) = method else {
        return ArgRole::Unknown;
    };
    if let Some(r) = receiver
        && r.methods().any(|x| PAR_METHODS.contains(&x))
    {
        return ArgRole::Exempt("rayon");
    }
    match m {
        "spawn_blocking" => return ArgRole::Exempt("spawn_blocking"),
        "block_in_place" => return ArgRole::Exempt("block_in_place"),
        "install" | "spawn_fifo" | "scope_fifo" | "broadcast" => {
            return ArgRole::Exempt("a rayon pool");
        }
        _ => {}
    }
    if closure_arg {
        if matches!(m, "spawn" | "spawn_scoped" | "spawn_unchecked") {
            return ArgRole::Exempt("a thread spawn");
        }
        if INLINE_METHODS.contains(&m) {
            return ArgRole::Inline;
        }
        return ArgRole::Unknown;
    }
    match m {
        "spawn_local" => ArgRole::Spawn {
            task: true,
            what: "`spawn_local`".into(),
            send: false,
        },
        "spawn" | "spawn_on" => ArgRole::Spawn {
            task: true,
            what: "`spawn`".into(),
            send: true,
        },
        "block_on" | "run_until" => ArgRole::BlockOn {
            flavor: receiver.and_then(runtime_flavor),
        },
        _ => ArgRole::Unknown,
    }
}

/// `ex.spawn(fut)` on a single-threaded executor (async-executor's and
/// smol's `LocalExecutor`), known by the local's type or constructor: its
/// tasks never leave the thread, so `fut` need not be `Send`.
pub fn is_local_executor(locals: &[Local], receiver: &Chain) -> bool {
    let Root::Local(id) = receiver.root else {
        return false;
    };
    let Some(l) = locals.get(id).filter(|_| receiver.links.is_empty()) else {
        return false;
    };
    let named = |p: &Resolved| p.segs.iter().any(|s| s == "LocalExecutor");
    l.ty.iter().any(named)
        || matches!(&l.init, Some(Chain { root: Root::Call { path, .. }, .. }) if named(path))
}

/// The role of a `spawn` argument once the receiver is known: a
/// [`is_local_executor`] receiver's `spawn` needs no `Send`.
pub fn on_local_executor(role: ArgRole, locals: &[Local], receiver: Option<&Chain>) -> ArgRole {
    match role {
        ArgRole::Spawn {
            task, send: true, ..
        } if receiver.is_some_and(|r| is_local_executor(locals, r)) => ArgRole::Spawn {
            task,
            what: "`LocalExecutor::spawn`".to_string(),
            send: false,
        },
        role => role,
    }
}

/// A future-returning API: its result must be awaited or polled.
pub fn returns_future(p: &Resolved) -> bool {
    if p.unresolved() {
        return false;
    }
    let last = p.last();
    if p.starts_with("tokio::fs") || p.starts_with("async_std::fs") {
        // Free fns are async; of the types' associated fns only the openers are.
        let ty = p
            .segs
            .len()
            .checked_sub(2)
            .map(|i| p.segs[i].as_str())
            .unwrap_or("");
        if ty == "fs" {
            return last.chars().next().is_some_and(|c| c.is_lowercase());
        }
        return ty == "File" && matches!(last, "open" | "create" | "create_new");
    }
    matches!(
        p.text().as_str(),
        "tokio::time::sleep"
            | "tokio::time::sleep_until"
            | "tokio::time::timeout"
            | "tokio::time::timeout_at"
            | "tokio::task::yield_now"
            | "tokio::signal::ctrl_c"
            | "tokio::net::TcpStream::connect"
            | "tokio::net::TcpListener::bind"
            | "tokio::net::UdpSocket::bind"
            | "tokio::net::lookup_host"
            | "tokio::io::copy"
            | "tokio::io::copy_bidirectional"
            | "async_std::task::sleep"
            | "async_std::task::yield_now"
            | "futures::future::join_all"
            | "futures::future::try_join_all"
            | "futures::future::select_all"
            | "futures_util::future::join_all"
            | "reqwest::get"
            | "smol::Timer::after"
    )
}

/// Future-returning APIs whose futures are `Unpin` (boxed inside).
pub fn unpin_future(p: &str) -> bool {
    p.ends_with("join_all")
        || p.ends_with("try_join_all")
        || p.ends_with("select_all")
        || p.ends_with("select_ok")
}

/// A timer future (`sleep`, `sleep_until`, `timeout`...): resolved to tokio,
/// or bare and unresolved (assumed tokio in tokio code).
pub fn timer_kind(p: &Resolved) -> Option<&'static str> {
    let last = p.last();
    let tokio_like = p.starts_with("tokio::time")
        || (p.unresolved() && p.segs.len() <= 2 && (p.segs.len() == 1 || p.segs[0] == "time"));
    if !tokio_like {
        return None;
    }
    match last {
        "sleep" => Some("sleep"),
        "sleep_until" => Some("sleep_until"),
        "timeout" => Some("timeout"),
        "timeout_at" => Some("timeout_at"),
        _ => None,
    }
}

/// `std::thread::sleep` as written or imported.
pub fn is_std_sleep(p: &Resolved) -> bool {
    p.is("std::thread::sleep") || p.is("core::thread::sleep")
}

/// A path to a channel constructor: what it makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChannelKind {
    /// std mpsc / crossbeam / flume sync side: blocking `recv`.
    Blocking,
    /// tokio mpsc (bounded): `send` is async.
    TokioBounded,
    /// tokio unbounded mpsc, oneshot, broadcast, watch, async-channel...
    OtherAsync,
}

pub fn channel_kind(p: &Resolved, nargs: usize) -> Option<ChannelKind> {
    let last = p.last();
    let s = p.text();
    if s.starts_with("std::sync::mpsc::") || s.starts_with("crossbeam") {
        return matches!(last, "channel" | "sync_channel" | "unbounded" | "bounded")
            .then_some(ChannelKind::Blocking);
    }
    if s.starts_with("tokio::sync::mpsc::") {
        return match last {
            "channel" => Some(ChannelKind::TokioBounded),
            "unbounded_channel" => Some(ChannelKind::OtherAsync),
            _ => None,
        };
    }
    if s.starts_with("tokio::sync::")
        || s.starts_with("async_channel")
        || s.starts_with("futures::channel")
    {
        return matches!(last, "channel" | "unbounded" | "bounded")
            .then_some(ChannelKind::OtherAsync);
    }
    if p.unresolved() {
        // `mpsc::channel()` takes no capacity in std, one in tokio.
        if p.segs.len() == 2 && p.segs[0] == "mpsc" {
            return match (last, nargs) {
                ("channel", 0) => Some(ChannelKind::Blocking),
                ("sync_channel", 1) => Some(ChannelKind::Blocking),
                ("channel", 1) => Some(ChannelKind::TokioBounded),
                ("unbounded_channel", 0) => Some(ChannelKind::OtherAsync),
                _ => None,
            };
        }
        if p.segs.len() == 2 && p.segs[0] == "crossbeam_channel" {
            return Some(ChannelKind::Blocking);
        }
    }
    None
}

/// What the first resolved type path says about a lock-like value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeFamily {
    StdLock,
    ParkingLotLock,
    AsyncLock,
    /// `Mutex`/`RwLock` with no `use` line saying whose.
    UnknownLock,
    RefCell,
    DashMap,
    WatchReceiver,
    Span,
    Other,
}

/// Classifies the innermost interesting wrapper of a type or constructor path list.
pub fn type_family(paths: &[Resolved]) -> Option<TypeFamily> {
    for p in paths {
        let last = p.last();
        let s = p.text();
        match last {
            "Mutex" | "RwLock" | "ReentrantMutex" | "FairMutex" => {
                return Some(if s.starts_with("std::sync") {
                    TypeFamily::StdLock
                } else if s.starts_with("parking_lot")
                    || s.starts_with("spin")
                    || s.starts_with("lock_api")
                {
                    TypeFamily::ParkingLotLock
                } else if s.starts_with("tokio")
                    || s.starts_with("futures")
                    || s.starts_with("async_std")
                    || s.starts_with("async_lock")
                    || s.starts_with("smol")
                {
                    TypeFamily::AsyncLock
                } else if p.how == super::How::Local {
                    TypeFamily::Other
                } else {
                    TypeFamily::UnknownLock
                });
            }
            "MutexGuard" | "RwLockReadGuard" | "RwLockWriteGuard" => {
                return Some(
                    if s.starts_with("tokio") || s.starts_with("futures") || s.starts_with("async")
                    {
                        TypeFamily::AsyncLock
                    } else if s.starts_with("parking_lot") {
                        TypeFamily::ParkingLotLock
                    } else {
                        TypeFamily::StdLock
                    },
                );
            }
            "RefCell" => return Some(TypeFamily::RefCell),
            "DashMap" | "DashSet" => return Some(TypeFamily::DashMap),
            "Span" if s.starts_with("tracing") || p.unresolved() => return Some(TypeFamily::Span),
            "Receiver" if s.contains("watch") => return Some(TypeFamily::WatchReceiver),
            // Wrappers and containers: look inside (`State<Arc<Mutex<T>>>`).
            _ => continue,
        }
    }
    if paths.is_empty() {
        None
    } else {
        Some(TypeFamily::Other)
    }
}

/// Password hashers and other deliberately slow calls: heavy even outside a loop.
pub fn slow_kdf(path: &str, method: Option<&str>) -> bool {
    let p = path;
    p.starts_with("bcrypt::hash")
        || p.starts_with("bcrypt::verify")
        || p.starts_with("scrypt::scrypt")
        || p.starts_with("pbkdf2::pbkdf2")
        || p.starts_with("argon2::hash")
        || matches!(
            method,
            Some("hash_password" | "verify_password" | "hash_password_into")
        )
}

/// Hashing / compression work: heavy inside a loop.
pub fn heavy_call(name: &str) -> bool {
    heavy_part(name)
        || [
            "digest",
            "hash_password",
            "encode_all",
            "decode_all",
            "pbkdf2",
            "scrypt",
            "bcrypt",
        ]
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n))
}

/// A name or path segment that names hashing or compression work
/// (case-insensitive, without allocating: this runs for every call in a loop).
pub fn heavy_part(name: &str) -> bool {
    let contains = |pat: &str| {
        name.as_bytes()
            .windows(pat.len())
            .any(|w| w.eq_ignore_ascii_case(pat.as_bytes()))
    };
    [
        "sha256", "sha512", "sha1", "blake", "md5", "compress", "argon2",
    ]
    .iter()
    .any(|p| contains(p))
}

/// The runtime flavor a receiver chain makes (`Builder::new_current_thread()...build()`).
pub fn chain_flavor(c: &Chain) -> Option<Flavor> {
    if let Root::Call { path, .. } = &c.root {
        let last = path.last();
        if path.segs.iter().any(|s| s == "Builder") || path.segs.len() == 1 {
            match last {
                "new_current_thread" => return Some(Flavor::CurrentThread),
                "new_multi_thread" | "new_multi_thread_alt" => return Some(Flavor::MultiThread),
                _ => {}
            }
        }
        if last == "new" && path.segs.iter().any(|s| s == "Runtime") {
            return Some(Flavor::MultiThread);
        }
        if last == "new" && path.segs.iter().any(|s| s == "LocalRuntime") {
            return Some(Flavor::Local);
        }
    }
    None
}

/// Methods that pass a lock result through to the guard.
pub const GUARD_ADAPTERS: &[&str] = &[
    "unwrap",
    "expect",
    "unwrap_or_else",
    "map_err",
    "unwrap_or_default",
    "ok",
];
/// Methods that return a guard or a borrow when called on a lock, a
/// `RefCell`, a span or a watch receiver.
pub fn lock_like_method(name: &str) -> bool {
    matches!(
        name,
        "lock"
            | "read"
            | "write"
            | "borrow"
            | "borrow_mut"
            | "enter"
            | "entered"
            | "try_lock"
            | "try_read"
            | "try_write"
            | "try_borrow"
            | "try_borrow_mut"
            | "borrow_and_update"
    )
}

/// `DashMap` accessors: their values hold a shard lock.
pub fn dashmap_guard_method(name: &str) -> bool {
    matches!(
        name,
        "get" | "get_mut" | "entry" | "iter" | "iter_mut" | "try_get" | "try_get_mut"
    )
}

/// The first type of a declared type list is `std::rc::Rc` (or an
/// unresolved `Rc`).
pub fn is_rc(paths: &[Resolved]) -> bool {
    paths.first().is_some_and(|p| {
        p.last() == "Rc" && (p.starts_with("std::rc") || p.unresolved() || p.starts_with("alloc"))
    })
}

/// A `rand::rngs::ThreadRng` (`!Send`: it holds an `Rc`), by its declared
/// type or its constructor: `rand::thread_rng()` (rand 0.7 to 0.9) or
/// `rand::rng()` (0.9), resolved to the `rand` crate and not chained.
pub fn is_thread_rng(ty: &[Resolved], init: Option<&Chain>) -> bool {
    if let Some(t) = ty.first() {
        return t.last() == "ThreadRng" && (t.root() == "rand" || t.unresolved());
    }
    match init {
        Some(Chain {
            root: Root::Call { path, nargs: 0 },
            links,
        }) => {
            links.is_empty()
                && (path.is("rand::thread_rng")
                    || path.is("rand::rng")
                    || path.is("rand::rngs::ThreadRng::default"))
        }
        _ => false,
    }
}

/// futures-util constructors whose futures implement `FusedFuture` and
/// `Unpin` (futures-util 0.3: `Ready`, `Pending`, `Lazy`, `AlwaysReady`).
pub const FUSED_FUTURES_CTORS: &[&str] = &["ready", "ok", "err", "pending", "lazy", "always_ready"];
