//! Fuzzes the analyser's entry point: any UTF-8 text must be analysed
//! without a panic, and every finding's span must point inside the text.
//!
//! cargo +nightly fuzz run diagnose fuzz/corpus/diagnose -- -dict=fuzz/rust.dict -max_len=4096

#![no_main]

use libfuzzer_sys::fuzz_target;
use rust_async_skill::analysis::{DiagnoseOptions, diagnose_unguarded};

fuzz_target!(|data: &[u8]| {
    let Ok(code) = std::str::from_utf8(data) else {
        return;
    };
    let code = code.to_string();
    // Production runs the analysis on a 64 MiB thread (`diagnose`); do the
    // same, but without its panic guard so that libFuzzer sees panics.
    let h = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            let opts = DiagnoseOptions {
                max_code_bytes: 1 << 20,
                ..Default::default()
            };
            let d = diagnose_unguarded(&code, &opts).unwrap();
            for f in &d.findings {
                assert!(f.range.start <= f.range.end && f.range.end <= code.len());
                assert!(f.span.start.line >= 1 && f.span.start.column >= 1);
            }
        })
        .unwrap();
    if h.join().is_err() {
        panic!("diagnose panicked");
    }
});
