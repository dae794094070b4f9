//! A few long-lived analysis threads with large stacks.
//!
//! syn and the walk recurse once per nesting level, so analyses run on
//! 64 MiB stacks. Creating such a thread per call costs more than a small
//! analysis (mapping and faulting in a fresh stack), so a handful of
//! workers is started on first use and kept. A worker answers first and
//! frees the syntax trees afterwards, then clears proc-macro2's per-thread
//! source map so that it does not grow with every call.

use super::{DiagnoseOptions, Diagnosis, analyze_then};
use std::sync::mpsc::{Receiver, Sender, sync_channel};
use std::sync::{Arc, Mutex, OnceLock};

/// Stack of an analysis thread.
const STACK_BYTES: usize = 64 << 20;

pub(super) type Reply = std::thread::Result<Diagnosis>;
/// Where a worker delivers its answer (a channel of a blocked thread or of
/// an awaiting task).
pub(super) type Deliver = Box<dyn FnOnce(Reply) + Send>;
type Job = (String, DiagnoseOptions, Deliver);

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
        let Ok((code, opts, deliver)) = job else {
            return;
        };
        // `deliver` is called once: with the diagnosis (before the trees
        // are freed), or with the panic if the analysis panicked first.
        let mut deliver = Some(deliver);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            analyze_then(&code, &opts, |d| {
                if let Some(deliver) = deliver.take() {
                    deliver(Ok(d));
                }
            })
        }));
        if let (Err(panic), Some(deliver)) = (outcome, deliver.take()) {
            deliver(Err(panic));
        }
        // Only this thread's own spans exist here: safe to forget them all.
        proc_macro2::extra::invalidate_current_thread_spans();
    }
}

/// Queues one analysis; `deliver` is called on the worker with its result.
/// Gives the job back when no worker could be started.
pub(super) fn submit(
    code: String,
    opts: DiagnoseOptions,
    deliver: Deliver,
) -> Result<(), (String, DiagnoseOptions, Deliver)> {
    let Some(pool) = POOL.get_or_init(start).as_ref() else {
        return Err((code, opts, deliver));
    };
    let Ok(tx) = pool.lock() else {
        return Err((code, opts, deliver));
    };
    tx.send((code, opts, deliver)).map_err(|e| e.0)
}

/// Runs one analysis on a worker and waits for it; `None` when no worker
/// could be started.
pub(super) fn run(code: String, opts: DiagnoseOptions) -> Option<Reply> {
    let (tx, rx) = sync_channel(1);
    let deliver: Deliver = Box::new(move |r| {
        let _ = tx.send(r);
    });
    submit(code, opts, deliver).ok()?;
    Some(
        rx.recv()
            .unwrap_or_else(|_| Err(Box::new("the analysis thread died"))),
    )
}
