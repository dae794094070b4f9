//! A few long-lived analysis threads with large stacks.
//!
//! syn and the walk recurse once per nesting level, so analyses run on
//! 64 MiB stacks. Creating such a thread per call costs more than a small
//! analysis (mapping and faulting in a fresh stack), so a handful of
//! workers is started on first use and kept. A worker answers first and
//! frees the syntax trees afterwards, then clears proc-macro2's per-thread
//! source map so that it does not grow with every call.

use super::{DiagnoseOptions, Diagnosis, analyze_keep};
use std::sync::mpsc::{Receiver, Sender, SyncSender, sync_channel};
use std::sync::{Arc, Mutex, OnceLock};

/// Stack of an analysis thread.
const STACK_BYTES: usize = 64 << 20;

type Reply = std::thread::Result<Diagnosis>;
type Job = (String, DiagnoseOptions, SyncSender<Reply>);

static POOL: OnceLock<Option<Mutex<Sender<Job>>>> = OnceLock::new();

fn start() -> Option<Mutex<Sender<Job>>> {
    let (tx, rx) = std::sync::mpsc::channel::<Job>();
    let rx = Arc::new(Mutex::new(rx));
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 4);
    let mut started = 0;
    for i in 0..workers {
        let rx = Arc::clone(&rx);
        let ok = std::thread::Builder::new()
            .name(format!("diagnose-{i}"))
            .stack_size(STACK_BYTES)
            .spawn(move || worker(rx))
            .is_ok();
        started += ok as usize;
    }
    (started > 0).then(|| Mutex::new(tx))
}

fn worker(rx: Arc<Mutex<Receiver<Job>>>) {
    crate::alloc::use_fast_heap_on_this_thread();
    loop {
        let job = match rx.lock() {
            Ok(r) => r.recv(),
            Err(_) => return,
        };
        let Ok((code, opts, reply)) = job else { return };
        let mut leftovers = None;
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let (d, rest) = analyze_keep(&code, &opts);
            leftovers = Some(rest);
            d
        }));
        let _ = reply.send(result);
        drop(leftovers);
        // Only this thread's own spans exist here: safe to forget them all.
        proc_macro2::extra::invalidate_current_thread_spans();
    }
}

/// Runs one analysis on a worker; `None` when no worker could be started.
pub(super) fn run(code: String, opts: DiagnoseOptions) -> Option<Reply> {
    let pool = POOL.get_or_init(start).as_ref()?;
    let (tx, rx) = sync_channel(1);
    pool.lock().ok()?.send((code, opts, tx)).ok()?;
    Some(
        rx.recv()
            .unwrap_or_else(|_| Err(Box::new("the analysis thread died"))),
    )
}
