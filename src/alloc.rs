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
//! block, wherever they happen, decided by address without touching the
//! block. The first thread that opts in reserves one arena of address space
//! for mimalloc (as mimalloc itself would, on first use): a block inside it
//! is mimalloc's, a one-compare test on every free. Anything else asks
//! mimalloc ("is this in your arenas or segments?"), which takes about
//! 25 instructions and was 6% of an analysis when every free asked.
//!
//! mimalloc 2 (the crate's `v2` feature), not 3: as fast here, and under a
//! stream of 200-line analyses the server's peak RSS was 24 MiB against 33.
//!
//! Binaries opt in with `#[global_allocator] static A: SplitAlloc = SplitAlloc;`.
//! Without it (a library user's own allocator), marking a thread does nothing.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::ffi::c_void;
use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};

thread_local! {
    // Const-initialised and without a destructor: safe to read from inside
    // the allocator, at any point of the thread's life.
    static FAST_HEAP: Cell<bool> = const { Cell::new(false) };
}

/// From now on, this thread's allocations come from mimalloc (when
/// [`SplitAlloc`] is the global allocator).
pub fn use_fast_heap_on_this_thread() {
    reserve_arena();
    FAST_HEAP.with(|f| f.set(true));
}

/// Address space reserved for mimalloc up front. Pages are committed by
/// mimalloc as it uses them (the resident size does not change); when the
/// arena is full, mimalloc reserves more elsewhere and those blocks take
/// the slower ownership test.
const ARENA_BYTES: usize = 1 << 30;

/// The reserved arena: `[ARENA_START, ARENA_START + ARENA_LEN)`, or empty
/// before the reservation and when it failed. Written once, before any
/// thread allocates from mimalloc; a thread that reads the old empty
/// range only takes the slower test.
static ARENA_START: AtomicUsize = AtomicUsize::new(0);
static ARENA_LEN: AtomicUsize = AtomicUsize::new(0);

fn reserve_arena() {
    static RESERVE: Once = Once::new();
    RESERVE.call_once(|| {
        let mut id: libmimalloc_sys::mi_arena_id_t = Default::default();
        // SAFETY: plain FFI calls; `id` outlives them. Non-exclusive: every
        // mimalloc heap may use the arena, and does first, since it is the
        // first arena of the process (reserved before any mimalloc block).
        unsafe {
            // The reservation draws a random address hint from this
            // thread's mimalloc state, which must exist first (it holds
            // no blocks yet: thread metadata comes straight from the OS).
            libmimalloc_sys::mi_thread_init();
            if libmimalloc_sys::mi_reserve_os_memory_ex(ARENA_BYTES, false, false, false, &mut id)
                != 0
            {
                return;
            }
            let mut len = 0usize;
            let start = mi_arena_area(id, &mut len);
            if !start.is_null() {
                ARENA_START.store(start as usize, Ordering::Release);
                ARENA_LEN.store(len, Ordering::Release);
            }
        }
    });
}

unsafe extern "C" {
    // In mimalloc's public header (mimalloc.h), not bound by libmimalloc-sys.
    fn mi_arena_area(arena_id: libmimalloc_sys::mi_arena_id_t, size: *mut usize) -> *mut c_void;
}

fn fast_heap() -> bool {
    FAST_HEAP.try_with(Cell::get).unwrap_or(false)
}

/// True when mimalloc allocated `ptr`.
pub fn owned_by_mimalloc(ptr: *const u8) -> bool {
    in_reserved_arena(ptr) || {
        // SAFETY: a lookup in mimalloc's arenas and segment map; any
        // address is accepted.
        unsafe { libmimalloc_sys::mi_is_in_heap_region(ptr as *const c_void) }
    }
}

/// True when `ptr` lies in the arena reserved at the first opt-in (so
/// mimalloc allocated it: nothing else maps memory there).
#[inline]
pub fn in_reserved_arena(ptr: *const u8) -> bool {
    let start = ARENA_START.load(Ordering::Relaxed);
    (ptr as usize).wrapping_sub(start) < ARENA_LEN.load(Ordering::Relaxed)
}

/// Alignment every mimalloc block has, whatever its size: free blocks hold
/// the free-list pointer, so they are at least word-aligned. Larger
/// alignments (and layouts like `(1, 16)`, more alignment than size) take
/// the `_aligned` calls; word alignment, nearly every Rust allocation,
/// takes the plain fast path (the aligned calls cost about 5% more
/// instructions per analysis, measured with callgrind).
const WORD: usize = std::mem::size_of::<usize>();

/// Blocks this big come from the system allocator on every thread.
/// mimalloc maps them straight from the OS, and its ownership test can miss
/// such a mapping: its segment map covers only the low 48 TiB of addresses,
/// and the kernel places mappings of over 1 GiB higher than that. A free
/// sent to the wrong allocator would corrupt the heap; a few system calls
/// more for blocks this size cost nothing. (Reachable only with a raised
/// code size limit: the default 1 MiB of code never needs a block this big.)
const HUGE: usize = 256 << 20;

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

/// A new block for `layout` (non-zero size): from mimalloc on threads that
/// opted in (below `HUGE`), from the system allocator otherwise.
///
/// # Safety
/// `GlobalAlloc::alloc`'s contract.
#[inline]
unsafe fn allocate(layout: Layout, zeroed: bool) -> *mut u8 {
    if layout.size() < HUGE && fast_heap() {
        mi_alloc(layout, zeroed)
    } else if zeroed {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc_zeroed(layout) }
    } else {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc(layout) }
    }
}

/// See the module documentation.
pub struct SplitAlloc;

// SAFETY: every block is freed or resized by the allocator that allocated it
// (decided by address, not by thread), and both allocators honour `Layout`.
unsafe impl GlobalAlloc for SplitAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { allocate(layout, false) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { allocate(layout, true) }
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
        if !owned_by_mimalloc(ptr) {
            // SAFETY: the system allocator allocated `ptr` with `layout`.
            return unsafe { System.realloc(ptr, layout, new_size) };
        }
        // SAFETY: mimalloc allocated `ptr`. Below `HUGE` the block stays with
        // mimalloc and keeps the layout's alignment; grown past it, the block
        // moves to the system allocator (`new_size` with the old alignment is
        // a valid layout by the caller's contract, and both blocks are live
        // for the copy).
        unsafe {
            if new_size >= HUGE {
                let new = System.alloc(Layout::from_size_align_unchecked(new_size, layout.align()));
                if !new.is_null() {
                    std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                    libmimalloc_sys::mi_free(ptr as *mut c_void);
                }
                new
            } else if layout.align() <= WORD {
                libmimalloc_sys::mi_realloc(ptr as *mut c_void, new_size) as *mut u8
            } else {
                libmimalloc_sys::mi_realloc_aligned(ptr as *mut c_void, new_size, layout.align())
                    as *mut u8
            }
        }
    }
}
