//! A few long-lived analysis threads with large stacks.
//!
//! syn and the walk recurse once per nesting level, so analyses run on
//! 64 MiB stacks. Creating such a thread per call costs more than a small
//! analysis (mapping and faulting in a fresh stack), so a handful of
//! workers is started on first use and kept. A worker answers first and
//! frees the syntax trees afterwards, then clears proc-macro2's per-thread
//! source map so that it does not grow with every call.
//!
//! Waking a sleeping thread costs tens of microseconds, and a job handed to
//! a worker that has been idle runs slower on its cold core than on the
//! one that just ran the previous job. So a worker that finishes watches
//! the queue for a short while before it sleeps, and a job submitted while
//! one is watching does not wake another (unless more jobs wait than
//! workers watch). A worker that is still freeing a small job's trees
//! counts as watching: it will be done sooner than a sleeping worker could
//! be woken. Sequential calls (the CLI over a folder, a client that waits
//! for each answer) thus stay on one hot thread, and concurrent calls still
//! spread over all workers.

use super::{DiagnoseOptions, Diagnosis, analyze_then};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::sync_channel;
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Stack of an analysis thread.
const STACK_BYTES: usize = 64 << 20;

/// How long a worker that finished a job watches the queue before it sleeps.
const WATCH: Duration = Duration::from_micros(200);

/// Inputs up to this size are freed quickly enough (well under 0.1 ms)
/// that the worker freeing them counts as watching the queue.
const QUICK_CLEANUP_BYTES: usize = 16 << 10;

pub(super) type Reply = std::thread::Result<Diagnosis>;
/// Where a worker delivers its answer (a channel of a blocked thread or of
/// an awaiting task).
pub(super) type Deliver = Box<dyn FnOnce(Reply) + Send>;
type Job = (String, DiagnoseOptions, Deliver);

struct Pool {
    queue: Mutex<VecDeque<Job>>,
    /// Signalled when a job is queued that no watching worker will take.
    queued: Condvar,
    /// Workers that will look at the queue without being woken.
    watching: AtomicUsize,
}

static POOL: OnceLock<Option<&'static Pool>> = OnceLock::new();

fn start() -> Option<&'static Pool> {
    let pool: &'static Pool = Box::leak(Box::new(Pool {
        queue: Mutex::new(VecDeque::new()),
        queued: Condvar::new(),
        watching: AtomicUsize::new(0),
    }));
    let mut started = 0;
    for i in 0..worker_count() {
        let ok = std::thread::Builder::new()
            .name(format!("diagnose-{i}"))
            .stack_size(STACK_BYTES)
            .spawn(move || worker(pool))
            .is_ok();
        started += ok as usize;
    }
    (started > 0).then_some(pool)
}

/// How many workers the pool starts: one per core, at most four.
fn worker_count() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 4)
}

impl Pool {
    /// The queue. A panic never happens while it is locked, and a
    /// `VecDeque` is consistent between calls anyway: poisoning is ignored.
    fn queue(&self) -> std::sync::MutexGuard<'_, VecDeque<Job>> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The next job. The caller has already counted itself as watching.
    fn next_job(&self) -> Job {
        let until = Instant::now() + WATCH;
        loop {
            if let Some(job) = self.queue().pop_front() {
                self.watching.fetch_sub(1, Ordering::SeqCst);
                return job;
            }
            if Instant::now() >= until {
                break;
            }
            std::thread::yield_now();
        }
        // Stop watching, then look once more under the lock: a job queued
        // before this point was either seen as watched (and is in the
        // queue now) or came with a signal.
        self.watching.fetch_sub(1, Ordering::SeqCst);
        let mut queue = self.queue();
        loop {
            if let Some(job) = queue.pop_front() {
                return job;
            }
            queue = self.queued.wait(queue).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Queues a job, and wakes a sleeping worker unless enough workers
    /// are watching the queue to take every job in it.
    fn push(&self, job: Job) {
        let queued = {
            let mut queue = self.queue();
            queue.push_back(job);
            queue.len()
        };
        if queued > self.watching.load(Ordering::SeqCst) {
            self.queued.notify_one();
        }
    }

    /// Counts the calling worker as watching the queue again.
    fn watch(&self) {
        self.watching.fetch_add(1, Ordering::SeqCst);
    }
}

fn worker(pool: &'static Pool) {
    crate::alloc::use_fast_heap_on_this_thread();
    pool.watch();
    loop {
        let (code, opts, deliver) = pool.next_job();
        let quick_cleanup = code.len() <= QUICK_CLEANUP_BYTES;
        let mut watching = false;
        // `deliver` is called once: with the diagnosis (before the trees
        // are freed), or with the panic if the analysis panicked first.
        let mut deliver = Some(deliver);
        let mut answer = |reply: Reply| {
            if let Some(deliver) = deliver.take() {
                if quick_cleanup {
                    pool.watch();
                    watching = true;
                }
                deliver(reply);
            }
        };
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            analyze_then(&code, &opts, |d| answer(Ok(d)))
        }));
        if let Err(panic) = outcome {
            answer(Err(panic));
        }
        // Only this thread's own spans exist here: safe to forget them all.
        proc_macro2::extra::invalidate_current_thread_spans();
        if !watching {
            pool.watch();
        }
    }
}

/// Queues one analysis; `deliver` is called on the worker with its result.
/// Gives the job back when no worker could be started.
pub(super) fn submit(
    code: String,
    opts: DiagnoseOptions,
    deliver: Deliver,
) -> Result<(), (String, DiagnoseOptions, Deliver)> {
    match POOL.get_or_init(start) {
        Some(pool) => {
            pool.push((code, opts, deliver));
            Ok(())
        }
        None => Err((code, opts, deliver)),
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::{Receiver, channel};

    /// Submits one job whose answer names the code's length and the worker that ran it.
    fn submit_tagged(code: String, tx: std::sync::mpsc::Sender<(usize, String, bool)>) {
        let len = code.len();
        let deliver: Deliver = Box::new(move |r| {
            let worker = std::thread::current().name().unwrap_or("").to_string();
            let _ = tx.send((len, worker, r.is_ok()));
        });
        assert!(submit(code, DiagnoseOptions::default(), deliver).is_ok());
    }

    fn collect(rx: &Receiver<(usize, String, bool)>, n: usize) -> Vec<(usize, String, bool)> {
        (0..n)
            .map(|i| {
                rx.recv_timeout(Duration::from_secs(30))
                    .unwrap_or_else(|_| panic!("answer {i} of {n} never came: a lost wake-up"))
            })
            .collect()
    }

    /// The pool is shared: these tests take turns, so that each one
    /// controls whether the workers are busy, watching or asleep.
    fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
        static TURN: Mutex<()> = Mutex::new(());
        TURN.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn code_of(lines: usize) -> String {
        "async fn f() { std::thread::sleep(d); x.lock().unwrap(); }\n".repeat(lines)
    }

    #[test]
    fn a_burst_is_answered_in_full_and_spread_over_the_workers() {
        let _turn = one_at_a_time();
        let (tx, rx) = channel();
        // Every worker asleep, then one woken and left watching: the burst
        // must wake the others too.
        std::thread::sleep(WATCH * 5);
        submit_tagged(code_of(1), tx.clone());
        assert!(collect(&rx, 1)[0].2);
        // Small jobs, after which a worker keeps watching; then big ones,
        // freed slowly after their answer.
        let sizes: Vec<usize> = (0..64)
            .map(|i| if i >= 56 { 600 } else { 1 + i % 5 })
            .collect();
        // The first job holds its worker until another worker has answered:
        // however busy the machine, the rest must reach a second worker.
        let (release, released) = channel::<()>();
        let gate_tx = tx.clone();
        let gate_len = code_of(sizes[0]).len();
        let gate: Deliver = Box::new(move |r| {
            let worker = std::thread::current().name().unwrap_or("").to_string();
            let _ = released.recv_timeout(Duration::from_secs(30));
            let _ = gate_tx.send((gate_len, worker, r.is_ok()));
        });
        assert!(submit(code_of(sizes[0]), DiagnoseOptions::default(), gate).is_ok());
        for &n in &sizes[1..] {
            submit_tagged(code_of(n), tx.clone());
        }
        let mut answers = collect(&rx, 1);
        let _ = release.send(());
        answers.extend(collect(&rx, sizes.len() - 1));
        assert!(answers.iter().all(|a| a.2));
        let mut lens: Vec<usize> = answers.iter().map(|a| a.0).collect();
        let mut want: Vec<usize> = sizes.iter().map(|&n| code_of(n).len()).collect();
        lens.sort();
        want.sort();
        assert_eq!(lens, want);
        assert!(answers.iter().all(|a| a.1.starts_with("diagnose-")));
        // The small jobs alone already needed a second worker.
        let big = code_of(600).len();
        let workers: std::collections::HashSet<&str> = answers
            .iter()
            .filter(|a| a.0 < big)
            .map(|a| a.1.as_str())
            .collect();
        if worker_count() > 1 {
            assert!(workers.len() > 1, "56 queued jobs all ran on {workers:?}");
        }
    }

    #[test]
    fn jobs_submitted_after_every_worker_fell_asleep_are_answered() {
        let _turn = one_at_a_time();
        let (tx, rx) = channel();
        for round in 0..5 {
            // Longer than any worker watches the queue: all are asleep.
            std::thread::sleep(WATCH * 5);
            submit_tagged(code_of(1 + round), tx.clone());
            assert!(collect(&rx, 1)[0].2);
        }
    }

    #[test]
    fn many_callers_at_once_all_get_their_answers() {
        let _turn = one_at_a_time();
        let callers: Vec<_> = (0..6)
            .map(|t| {
                std::thread::spawn(move || {
                    for i in 0..25 {
                        let code = code_of(1 + (t + i) % 7);
                        let want = code.len();
                        let (tx, rx) = channel();
                        submit_tagged(code, tx);
                        let got = collect(&rx, 1).remove(0);
                        assert_eq!((got.0, got.2), (want, true));
                        if i % 5 == 0 {
                            std::thread::sleep(WATCH * 2);
                        }
                    }
                })
            })
            .collect();
        for c in callers {
            c.join().expect("a caller thread panicked");
        }
    }
}
