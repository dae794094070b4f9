//! The slow end-to-end checks (each well over 20 s in a debug build):
//! fixed programs built as a scratch crate, 10,000-call memory runs over
//! both transports, a short HTTP load. `cargo test` runs them with the
//! rest; scripts/test.sh runs them as a separate step:
//!   cargo test --test it slow::          (only these)
//!   cargo test --workspace -- --skip slow::   (everything else)
mod fix_programs;
mod load_http;
mod memory;
