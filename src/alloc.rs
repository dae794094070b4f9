//! The process allocator: mimalloc for the analysis threads, the system
//! allocator for everything else.
//!
//! Why split: an analysis builds and frees tens of thousands of small syn
//! nodes; under glibc's malloc the allocation and freeing were a third of
//! the analysis time, and mimalloc cuts them by more than half. Used for the
//! whole process, though, mimalloc keeps pages per thread for every tokio,
//! tantivy and rmcp thread and the server's idle memory doubled (measured
//! with mcp_bench). So only the threads that opt in
//! ([`use_fast_heap_on_this_thread`], the analysis pool) allocate from
//! mimalloc. Frees and reallocations go to whichever allocator owns the
//! block, wherever they happen: mimalloc answers "is this mine?" from its
//! arena ranges and segment map, without touching the block.
//!
//! mimalloc 2 (the crate's `v2` feature), not 3: as fast here, and under a
//! stream of 200-line analyses the server's peak RSS was 24 MiB against 33.
//!
//! Binaries opt in with `#[global_allocator] static A: SplitAlloc = SplitAlloc;`.
//! Without it (a library user's own allocator), marking a thread does nothing.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::ffi::c_void;

thread_local! {
    // Const-initialised and without a destructor: safe to read from inside
    // the allocator, at any point of the thread's life.
    static FAST_HEAP: Cell<bool> = const { Cell::new(false) };
}

/// From now on, this thread's allocations come from mimalloc (when
/// [`SplitAlloc`] is the global allocator).
pub fn use_fast_heap_on_this_thread() {
    FAST_HEAP.with(|f| f.set(true));
}

fn fast_heap() -> bool {
    FAST_HEAP.try_with(Cell::get).unwrap_or(false)
}

/// True when mimalloc allocated `ptr` (for tests and diagnostics).
pub fn owned_by_mimalloc(ptr: *const u8) -> bool {
    // SAFETY: a lookup in mimalloc's page map; any address is accepted.
    unsafe { libmimalloc_sys::mi_is_in_heap_region(ptr as *const c_void) }
}

/// Alignment every mimalloc block has, whatever its size: free blocks hold
/// the free-list pointer, so they are at least word-aligned. Larger
/// alignments (and layouts like `(1, 16)`, more alignment than size) take
/// the `_aligned` calls; word alignment, nearly every Rust allocation,
/// takes the plain fast path (the aligned calls cost about 5% more
/// instructions per analysis, measured with callgrind).
const WORD: usize = std::mem::size_of::<usize>();

/// A new mimalloc block for `layout` (non-zero size), zeroed or not.
fn mi_alloc(layout: Layout, zeroed: bool) -> *mut u8 {
    use libmimalloc_sys::{mi_malloc, mi_malloc_aligned, mi_zalloc, mi_zalloc_aligned};
    let (size, align) = (layout.size(), layout.align());
    // SAFETY: mimalloc's documented contract for any size and power-of-two
    // alignment; plain calls only where their alignment suffices (`WORD`).
    let p = unsafe {
        match (align <= WORD, zeroed) {
            (true, false) => mi_malloc(size),
            (true, true) => mi_zalloc(size),
            (false, false) => mi_malloc_aligned(size, align),
            (false, true) => mi_zalloc_aligned(size, align),
        }
    };
    p as *mut u8
}

/// See the module documentation.
pub struct SplitAlloc;

// SAFETY: every block is freed or resized by the allocator that allocated it
// (decided by address, not by thread), and both allocators honour `Layout`.
unsafe impl GlobalAlloc for SplitAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if fast_heap() {
            mi_alloc(layout, false)
        } else {
            // SAFETY: forwarded with the caller's guarantees.
            unsafe { System.alloc(layout) }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if fast_heap() {
            mi_alloc(layout, true)
        } else {
            // SAFETY: forwarded with the caller's guarantees.
            unsafe { System.alloc_zeroed(layout) }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if owned_by_mimalloc(ptr) {
            // SAFETY: mimalloc allocated `ptr`; it frees from any thread.
            unsafe { libmimalloc_sys::mi_free(ptr as *mut c_void) }
        } else {
            // SAFETY: the system allocator allocated `ptr` with `layout`.
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if owned_by_mimalloc(ptr) {
            // SAFETY: mimalloc allocated `ptr`; the block stays with mimalloc
            // and keeps the layout's alignment.
            unsafe {
                if layout.align() <= WORD {
                    libmimalloc_sys::mi_realloc(ptr as *mut c_void, new_size) as *mut u8
                } else {
                    libmimalloc_sys::mi_realloc_aligned(
                        ptr as *mut c_void,
                        new_size,
                        layout.align(),
                    ) as *mut u8
                }
            }
        } else {
            // SAFETY: the system allocator allocated `ptr` with `layout`.
            unsafe { System.realloc(ptr, layout, new_size) }
        }
    }
}
