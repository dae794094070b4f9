//! Facts about a file that only the rest of its crate knows (the crate
//! layer, `krate/`, computes them; the model reads them).
//!
//! Each seed names a fn of the file by where its signature starts (the
//! model's `FnInfo::sig_range.start`: the same text parses the same way,
//! so the offset is stable between the crate pass and the re-analysis)
//! and says why, as the chain of calls that makes it so.

use std::collections::HashMap;

/// Extra contexts for some fns of one file.
#[derive(Clone, Debug, Default)]
pub struct Seeds {
    /// Sync fns reached from async code in other files: sig start -> how
    /// ("reached from `async fn handle` (src/server.rs:40) via ...").
    pub reached: HashMap<usize, String>,
    /// Fns that run on a current-thread runtime started elsewhere: sig
    /// start -> why (the entry and the chain).
    pub current_thread: HashMap<usize, String>,
    /// Async fns whose future must be `Send` because of a spawn elsewhere:
    /// sig start -> why.
    pub send: HashMap<usize, String>,
    /// Fns that call `task::spawn_local` in their own code, and where the
    /// crate runs them: sig start -> with no `LocalSet` (reached from an
    /// entry, the chain) or inside one.
    pub local_set: HashMap<usize, LocalSetSeed>,
}

/// Where the crate runs a fn, as to `LocalSet`s.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LocalSetSeed {
    /// Reached from a runtime entry with no `LocalSet` on the way: the
    /// entry and the chain, in words.
    Outside(String),
    /// Not reached so, in a package that sets up a `LocalSet` (or a
    /// `LocalRuntime`): the calls the crate pass cannot follow are taken to
    /// run in it.
    Inside,
}

impl Seeds {
    pub fn is_empty(&self) -> bool {
        self.reached.is_empty()
            && self.current_thread.is_empty()
            && self.send.is_empty()
            && self.local_set.is_empty()
    }
}
