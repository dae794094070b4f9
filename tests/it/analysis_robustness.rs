//! A deterministic mutation loop over the fixtures (the stable-toolchain
//! companion of fuzz/): no input may panic the analyser, and every span
//! must point inside the text. `ROBUSTNESS_ITERS=n` runs more iterations.
//! Inputs of the kinds that crash parsers (deep nesting, long chains,
//! unbalanced delimiters, bad bytes) are kept in tests/fixtures/crashes/.

use rust_async_skill::analysis::{DiagnoseOptions, Diagnosis, diagnose_unguarded};
use std::path::{Path, PathBuf};

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const PIECES: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "<",
    ">",
    ";",
    ",",
    ".await",
    "async ",
    "async move ",
    "fn ",
    "let ",
    "match ",
    "loop ",
    "tokio::select! {",
    "select! {",
    "join!(",
    "=>",
    "|x|",
    "move ||",
    "\"",
    "'",
    "'a",
    "r#\"",
    "\"#",
    "/*",
    "*/",
    "//",
    "\n",
    "\r\n",
    "\t",
    "é",
    "日本",
    "\u{feff}",
    "#[tokio::main]",
    "impl Future for X {",
    "Poll::Pending",
    "cx.waker().wake_by_ref();",
    "m.lock().unwrap()",
    "std::thread::sleep(d)",
    "?",
    "!",
    "::",
    "...",
    "..=",
    "&mut ",
    "pin!(",
    "drop(g);",
    "else ",
    "if let Some(x) = ",
    "while ",
    "for x in ",
    "0..1_000_000",
    "b'",
    "br\"",
    "\\",
];

/// The largest char boundary at or below `i`.
fn snap(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn mutate(rng: &mut Rng, s: &str) -> String {
    let mut text = s.to_string();
    for _ in 0..1 + rng.below(4) {
        let bounds: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        let a = bounds[rng.below(bounds.len())];
        let b = bounds[rng.below(bounds.len())];
        let (lo, hi) = (a.min(b), a.max(b));
        match rng.below(6) {
            0 => {
                let end = snap(&text, hi.min(lo + 40));
                text.replace_range(lo..end, "")
            }
            1 => {
                let p = PIECES[rng.below(PIECES.len())];
                text.insert_str(lo, p);
            }
            2 => {
                let end = snap(&text, hi.min(lo + 200));
                let chunk = text[lo..end].to_string();
                text.insert_str(hi, &chunk);
            }
            3 => text.truncate(lo),
            4 => {
                let p = PIECES[rng.below(PIECES.len())].repeat(1 + rng.below(50));
                text.insert_str(lo, &p);
            }
            _ => {
                let mut lines: Vec<&str> = text.lines().collect();
                if lines.len() > 1 {
                    let i = rng.below(lines.len());
                    let j = rng.below(lines.len());
                    lines.swap(i, j);
                }
                text = lines.join("\n");
            }
        }
    }
    text
}

fn check(code: &str, d: &Diagnosis) {
    let lines = code.split('\n').count();
    for f in &d.findings {
        assert!(
            f.range.start <= f.range.end && f.range.end <= code.len(),
            "range {:?} outside {} bytes",
            f.range,
            code.len()
        );
        assert!(code.is_char_boundary(f.range.start) && code.is_char_boundary(f.range.end));
        assert!(f.span.start.line >= 1 && f.span.start.line <= lines && f.span.end.line <= lines);
        assert!((f.span.start.line, f.span.start.column) <= (f.span.end.line, f.span.end.column));
        assert!(f.span.start.column >= 1);
    }
    for e in &d.parse.errors {
        assert!(e.span.start.line >= 1 && e.span.start.line <= lines.max(1));
    }
}

fn corpus() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                // The crash inputs are analysed as they are, not mutated.
                if !p.ends_with("crashes") {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn on_big_stack(f: impl FnOnce() + Send + 'static) {
    // diagnose() itself runs on a 64 MiB thread; the unguarded entry point
    // used here does not, so give it the same stack.
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn saved_crashes_stay_fixed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/crashes");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 10, "only {} crash inputs", inputs.len());
    on_big_stack(move || {
        for path in inputs {
            let code = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).to_string();
            let d = diagnose_unguarded(&code, &DiagnoseOptions::default()).unwrap();
            check(&code, &d);
        }
    });
}

#[test]
fn mutated_fixtures_never_panic() {
    let iters: usize = std::env::var("ROBUSTNESS_ITERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1500);
    on_big_stack(move || {
        let files = corpus();
        let texts: Vec<String> = files
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap())
            .collect();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let opts = DiagnoseOptions::default();
        for i in 0..iters {
            let base = &texts[rng.below(texts.len())];
            let mut code = mutate(&mut rng, base);
            if rng.below(5) == 0 {
                code = mutate(&mut rng, &code);
            }
            let result = std::panic::catch_unwind(|| diagnose_unguarded(&code, &opts).unwrap());
            match result {
                Ok(d) => check(&code, &d),
                Err(_) => {
                    let dir =
                        Path::new(env!("CARGO_MANIFEST_DIR")).join("target/robustness-crash.rs");
                    std::fs::write(&dir, &code).ok();
                    panic!(
                        "iteration {i}: diagnose panicked; input saved to {}",
                        dir.display()
                    );
                }
            }
        }
    });
}
