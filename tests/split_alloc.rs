//! The split allocator of the binary: analysis threads allocate from
//! mimalloc, the others from the system allocator, and every block is freed
//! or resized by its owner whatever thread lets go of it.

use rust_async_skill::alloc::{
    SplitAlloc, in_reserved_arena, owned_by_mimalloc, use_fast_heap_on_this_thread,
};
use rust_async_skill::analysis::{DiagnoseOptions, diagnose};

#[global_allocator]
static ALLOC: SplitAlloc = SplitAlloc;

#[repr(align(64))]
struct Aligned([u8; 64]);

#[test]
fn threads_that_opt_in_allocate_from_mimalloc_and_others_do_not() {
    let plain = Box::new(1u64);
    assert!(!owned_by_mimalloc(&*plain as *const u64 as *const u8));
    let fast = std::thread::spawn(|| {
        use_fast_heap_on_this_thread();
        let b = Box::new(2u64);
        assert!(owned_by_mimalloc(&*b as *const u64 as *const u8));
        b
    })
    .join()
    .unwrap();
    assert!(owned_by_mimalloc(&*fast as *const u64 as *const u8));
    // Freed here, on a thread that never opted in.
    drop(fast);
}

#[test]
fn blocks_cross_threads_both_ways_and_keep_their_owner_when_resized() {
    // Made on a fast thread, grown and freed on a plain one.
    let (mut v, aligned) = std::thread::spawn(|| {
        use_fast_heap_on_this_thread();
        let v: Vec<u32> = (0..10).collect();
        let a = Box::new(Aligned([7; 64]));
        (v, a)
    })
    .join()
    .unwrap();
    assert_eq!(&*aligned as *const Aligned as usize % 64, 0);
    assert!(owned_by_mimalloc(&*aligned as *const Aligned as *const u8));
    v.extend(10..100_000);
    assert!(owned_by_mimalloc(v.as_ptr() as *const u8));
    assert_eq!(
        v.iter().map(|&x| x as u64).sum::<u64>(),
        99_999 * 100_000 / 2
    );
    assert_eq!(aligned.0[63], 7);
    drop((v, aligned));

    // Made on a plain thread, grown and freed on a fast one.
    let mut s = String::from("plain");
    assert!(!owned_by_mimalloc(s.as_ptr()));
    let s = std::thread::spawn(move || {
        use_fast_heap_on_this_thread();
        s.push_str(&"x".repeat(1 << 20));
        assert!(
            !owned_by_mimalloc(s.as_ptr()),
            "a resized block keeps its allocator"
        );
        s
    })
    .join()
    .unwrap();
    assert_eq!(s.len(), 5 + (1 << 20));
}

#[test]
fn the_analyser_runs_unchanged_under_the_split_allocator() {
    let code =
        "async fn f(m: &std::sync::Mutex<u8>) { let g = m.lock().unwrap(); g2().await; drop(g); }";
    let d = diagnose(code, &DiagnoseOptions::default()).unwrap();
    assert!(
        d.findings.iter().any(|f| f.rule == "lock-across-await"),
        "{:?}",
        d.findings
    );
    // Many analyses in a row: results from the analysis threads are freed here.
    for _ in 0..200 {
        let again = diagnose(code, &DiagnoseOptions::default()).unwrap();
        assert_eq!(again.findings.len(), d.findings.len());
    }
}

#[test]
fn layouts_asking_more_alignment_than_their_size_are_honoured() {
    use std::alloc::{GlobalAlloc, Layout};
    std::thread::spawn(|| {
        use_fast_heap_on_this_thread();
        for (size, align) in [
            (1, 8),
            (3, 2),
            (5, 8),
            (1, 16),
            (3, 64),
            (8, 32),
            (24, 16),
            (24, 4096),
            (100, 16),
        ] {
            let layout = Layout::from_size_align(size, align).unwrap();
            // SAFETY: non-zero size; every block is freed with its layout.
            unsafe {
                let p = ALLOC.alloc(layout);
                assert!(!p.is_null());
                assert_eq!(p as usize % align, 0, "alloc {size}/{align}");
                assert!(owned_by_mimalloc(p));
                let z = ALLOC.alloc_zeroed(layout);
                assert_eq!(z as usize % align, 0, "alloc_zeroed {size}/{align}");
                assert!(std::slice::from_raw_parts(z, size).iter().all(|&b| b == 0));
                let grown = ALLOC.realloc(p, layout, size * 100);
                assert_eq!(grown as usize % align, 0, "realloc {size}/{align}");
                ALLOC.dealloc(grown, Layout::from_size_align(size * 100, align).unwrap());
                ALLOC.dealloc(z, layout);
            }
        }
    })
    .join()
    .unwrap();
}

#[test]
fn ownership_is_a_range_test_inside_the_reserved_arena() {
    let plain = Box::new(1u8);
    std::thread::spawn(|| {
        use_fast_heap_on_this_thread();
        let small = Box::new(1u8);
        let big = vec![1u8; 8 << 20];
        assert!(
            in_reserved_arena(&*small),
            "small blocks come from the arena"
        );
        assert!(in_reserved_arena(big.as_ptr()), "so do big ones");
    })
    .join()
    .unwrap();
    assert!(!in_reserved_arena(&*plain));
    assert!(!owned_by_mimalloc(&*plain));
}

#[test]
fn huge_blocks_come_from_the_system_allocator_even_on_fast_threads() {
    std::thread::spawn(|| {
        use_fast_heap_on_this_thread();
        // Bigger than mimalloc's arenas: mapped where its ownership test
        // would not find it. Zeroed pages are never touched here, so this
        // costs address space, not memory.
        let huge: Vec<u8> = vec![0; 5 << 28];
        assert!(!owned_by_mimalloc(huge.as_ptr()));
        assert_eq!(huge[(5 << 28) - 1], 0);
        drop(huge);

        // A mimalloc block grown past the threshold moves, contents intact.
        let mut v: Vec<u8> = (0..=255).cycle().take(1 << 20).collect();
        assert!(owned_by_mimalloc(v.as_ptr()));
        v.reserve_exact(300 << 20);
        assert!(!owned_by_mimalloc(v.as_ptr()));
        assert!(v.iter().enumerate().all(|(i, &b)| b == i as u8));
        v.shrink_to_fit();
        assert_eq!(v.len(), 1 << 20);
    })
    .join()
    .unwrap();
}
