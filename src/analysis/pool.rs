//! A few long-lived analysis threads with large stacks: a `rayon::ThreadPool`.
//!
//! syn and the walk recurse once per nesting level, so analyses run on
//! 64 MiB stacks. Creating such a thread per call costs more than a small
//! analysis (mapping and faulting in a fresh stack), so the pool starts a
//! handful of workers on first use and keeps them. A worker answers first
//! and frees the syntax trees afterwards, then clears proc-macro2's
//! per-thread source map so that it does not grow with every call.

use super::{DiagnoseOptions, Diagnosis, analyze_then};
use std::sync::OnceLock;

/// Stack of an analysis thread.
const STACK_BYTES: usize = 64 << 20;

pub(super) type Reply = std::thread::Result<Diagnosis>;

static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();

/// The pool, started on first use; `None` when no thread could be started.
fn pool() -> Option<&'static rayon::ThreadPool> {
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(worker_count())
            .stack_size(STACK_BYTES)
            .thread_name(|i| format!("diagnose-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// How many workers the pool starts: one per core, at most four.
fn worker_count() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 4)
}

/// Queues one analysis; `deliver` is called on a worker with its result
/// (the diagnosis before the trees are freed, or the panic of the
/// analysis). Gives the job back when no worker could be started.
pub(super) fn submit<F>(
    code: String,
    opts: DiagnoseOptions,
    deliver: F,
) -> Result<(), (String, DiagnoseOptions)>
where
    F: FnOnce(Reply) + Send + 'static,
{
    let Some(pool) = pool() else {
        return Err((code, opts));
    };
    pool.spawn(move || {
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
        // Only this job's spans exist on this thread now (a worker runs one
        // job at a time, and nothing here yields to another): safe to
        // forget them all.
        proc_macro2::extra::invalidate_current_thread_spans();
    });
    Ok(())
}

/// Runs one analysis on a worker and waits for it; `None` when no worker
/// could be started.
pub(super) fn run(code: String, opts: DiagnoseOptions) -> Option<Reply> {
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    submit(code, opts, move |r| {
        // The caller waits on `rx` until this is sent.
        let _ = tx.send(r);
    })
    .ok()?;
    Some(
        rx.recv()
            .unwrap_or_else(|_| Err(Box::new("the analysis thread died"))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::{Receiver, channel};
    use std::time::Duration;

    type Answer = (usize, String, bool);

    /// Submits one job whose answer names the code's length and the worker that ran it.
    fn submit_tagged(code: String, tx: std::sync::mpsc::Sender<Answer>) {
        let len = code.len();
        let queued = submit(code, DiagnoseOptions::default(), move |r| {
            let worker = std::thread::current().name().unwrap_or("").to_string();
            tx.send((len, worker, r.is_ok())).unwrap();
        });
        assert!(queued.is_ok(), "no analysis thread could be started");
    }

    fn collect(rx: &Receiver<Answer>, n: usize) -> Vec<Answer> {
        (0..n)
            .map(|i| {
                rx.recv_timeout(Duration::from_secs(60))
                    .unwrap_or_else(|_| panic!("answer {i} of {n} never came"))
            })
            .collect()
    }

    fn code_of(lines: usize) -> String {
        "async fn f() { std::thread::sleep(d); x.lock().unwrap(); }\n".repeat(lines)
    }

    #[test]
    fn a_burst_is_answered_in_full_on_the_analysis_threads() {
        let (tx, rx) = channel();
        let sizes: Vec<usize> = (0..64)
            .map(|i| if i >= 56 { 600 } else { 1 + i % 5 })
            .collect();
        for &n in &sizes {
            submit_tagged(code_of(n), tx.clone());
        }
        let answers = collect(&rx, sizes.len());
        assert!(answers.iter().all(|a| a.2), "an analysis failed");
        let mut lens: Vec<usize> = answers.iter().map(|a| a.0).collect();
        let mut want: Vec<usize> = sizes.iter().map(|&n| code_of(n).len()).collect();
        lens.sort();
        want.sort();
        assert_eq!(lens, want);
        assert!(
            answers.iter().all(|a| a.1.starts_with("diagnose-")),
            "a job ran outside the pool: {:?}",
            answers.iter().map(|a| &a.1).collect::<Vec<_>>()
        );
    }

    #[test]
    fn many_callers_at_once_all_get_their_answers() {
        let callers: Vec<_> = (0..6)
            .map(|t| {
                std::thread::spawn(move || {
                    for i in 0..25 {
                        let code = code_of(1 + (t + i) % 7);
                        let want = code.len();
                        let got = run(code, DiagnoseOptions::default())
                            .expect("the pool runs")
                            .expect("the analysis does not panic");
                        assert!(got.parse.errors.is_empty(), "{:?}", got.parse.errors);
                        assert!(!got.findings.is_empty(), "no finding in {want} bytes");
                    }
                })
            })
            .collect();
        for c in callers {
            c.join().expect("a caller thread panicked");
        }
    }

    #[test]
    fn a_deep_input_runs_on_the_large_stack() {
        // Nesting just under what the parser accepts (the nesting score
        // limit is sized for these stacks): parsed and walked in full,
        // answered without a crash.
        let depth = 450;
        let code = format!(
            "async fn f() {{ {}x.lock().unwrap();{} }}",
            "{ ".repeat(depth),
            " }".repeat(depth)
        );
        let d = run(code, DiagnoseOptions::default())
            .expect("the pool runs")
            .expect("the analysis does not panic");
        assert!(d.parse.errors.is_empty(), "{:?}", d.parse.errors);
        assert_eq!(d.parse.mode, crate::analysis::ParseMode::File);
    }
}
